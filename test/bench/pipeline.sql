-- test/bench/pipeline.sql -- the whole customer-value pipeline as a new
-- user runs it (issue 13): summaries from the orders, the two fits, then
-- every customer scored, against the built-in floor over the same orders.
--
-- The orders are shaped as in the issue (1M customers with 9.75M orders
-- over two years, day-level summaries): pipeline_orders has as many
-- customers as bench_orders, from clv_sample_orders with r = 0.75 and
-- daily rates (about 9.7 orders a customer), stored in time order; it is
-- kept between runs.
--
-- floor: count(*), sum(amount), min(ordered_at), max(ordered_at) GROUP BY
-- customer_id.  Goals: fits plus scoring (P(alive), expected purchases
-- next year, expected spend and 12-month CLV of every customer) <= 0.3x
-- the floor; the summary step with 2 parallel workers at least 1.5x
-- faster than serial (the floor's own parallel speed-up is measured
-- beside it: on a machine with fewer cores than processes no aggregate
-- can do better).  One run; ratios only.
\set QUIET on
SET jit = off;
SET client_min_messages = error;
SET max_parallel_workers_per_gather = 0;
SELECT count(DISTINCT customer_id) AS customers FROM bench_orders \gset
SELECT coalesce(obj_description(to_regclass('pipeline_orders')) =
				'clv bench: pipeline, ' || :customers || ' customers', false) AS pipeline_ready \gset
\if :pipeline_ready
\else
DROP TABLE IF EXISTS pipeline_orders;
CREATE TABLE pipeline_orders AS
SELECT * FROM clv_sample_orders(:customers, 1, r => 0.75, unit => '1 day')
ORDER BY ordered_at, customer_id;
SELECT format('COMMENT ON TABLE pipeline_orders IS %L', 'clv bench: pipeline, ' || :customers || ' customers') \gexec
VACUUM ANALYZE pipeline_orders;
\endif
CREATE TEMP TABLE pipeline_summaries AS
SELECT customer_id, clv_summary(ordered_at::date, amount, '2026-01-01'::date, '1 day') AS s
FROM pipeline_orders GROUP BY customer_id;
CREATE TEMP TABLE pipeline_models AS
SELECT bgnbd_fit(s) AS bg, gamma_gamma_fit(s) AS gg FROM pipeline_summaries;
CREATE TEMP TABLE pipeline_ms (name text, ms float8);
INSERT INTO pipeline_ms VALUES
('floor: count, sum, min, max GROUP BY customer_id', pg_temp.bench_ms($$SELECT customer_id, count(*), sum(amount),
	min(ordered_at), max(ordered_at) FROM pipeline_orders GROUP BY customer_id$$, 3)),
('clv_summary, serial', pg_temp.bench_ms($$SELECT customer_id, clv_summary(ordered_at::date, amount,
	'2026-01-01'::date, '1 day') FROM pipeline_orders GROUP BY customer_id$$, 3)),
('bgnbd_fit + gamma_gamma_fit', pg_temp.bench_ms($$SELECT bgnbd_fit(s), gamma_gamma_fit(s)
	FROM pipeline_summaries$$, 3)),
('scoring: p_alive, expected_purchases, expected_spend, clv', pg_temp.bench_ms($$SELECT customer_id,
	p_alive(bg, s), expected_purchases(bg, 365, s), expected_spend(gg, s), clv(bg, gg, s)
	FROM pipeline_summaries, pipeline_models$$, 3));
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
INSERT INTO pipeline_ms VALUES
('floor, 2 parallel workers', pg_temp.bench_ms($$SELECT customer_id, count(*), sum(amount),
	min(ordered_at), max(ordered_at) FROM pipeline_orders GROUP BY customer_id$$, 3)),
('clv_summary, 2 parallel workers', pg_temp.bench_ms($$SELECT customer_id, clv_summary(ordered_at::date, amount,
	'2026-01-01'::date, '1 day') FROM pipeline_orders GROUP BY customer_id$$, 3));
\set QUIET off
SELECT (SELECT count(*) FROM pipeline_summaries) AS customers,
	   (SELECT count(*) FROM pipeline_orders) AS orders,
	   (SELECT count(DISTINCT ((s).x, (s).t_x, (s).t)) FROM pipeline_summaries) AS distinct_rows;
SELECT name, round(ms) AS ms,
	   round((ms / (SELECT ms FROM pipeline_ms WHERE name LIKE 'floor:%'))::numeric, 3) AS x_floor
FROM pipeline_ms ORDER BY ms DESC;
WITH t AS (SELECT max(ms) FILTER (WHERE name LIKE 'floor:%') AS floor,
				  max(ms) FILTER (WHERE name = 'floor, 2 parallel workers') AS floor_parallel,
				  max(ms) FILTER (WHERE name = 'bgnbd_fit + gamma_gamma_fit') AS fits,
				  max(ms) FILTER (WHERE name LIKE 'scoring%') AS scoring,
				  max(ms) FILTER (WHERE name = 'clv_summary, serial') AS serial,
				  max(ms) FILTER (WHERE name = 'clv_summary, 2 parallel workers') AS parallel
		   FROM pipeline_ms)
SELECT round(((fits + scoring) / floor)::numeric, 3) AS fits_and_scoring_x_floor,
	   round((serial / parallel)::numeric, 2) AS parallel_summary_speedup,
	   round((floor / floor_parallel)::numeric, 2) AS parallel_floor_speedup
FROM t;
