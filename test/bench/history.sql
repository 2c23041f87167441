-- test/bench/history.sql -- the per-customer aggregates against the
-- built-in floor and the plain-SQL idioms, day-level data, one run.
--
-- floor: count(*), sum(amount), min(day), max(day) ... GROUP BY customer_id,
-- the least any per-customer aggregate must do.  lag idiom: what analysts
-- write today for the mean inter-purchase time.  ratio = time / floor.
--
-- Two rounds over the same rows: the bare heap (every side a hash or sort
-- over a sequential scan), then with the index an orders table usually
-- has on (customer_id, ordered_at), which the aggregates and the floor
-- read in customer order and the lag idiom cannot use (its window sorts
-- by ordered_at::date, an expression no index on a timestamptz can hold).
\set QUIET on
SET jit = off;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE bench_history (round text, name text, ms float8);
CREATE FUNCTION pg_temp.history_round(round text) RETURNS void LANGUAGE sql AS $f$
INSERT INTO bench_history VALUES
(round, 'floor', pg_temp.bench_ms($$SELECT customer_id, count(*), sum(amount), min(ordered_at::date), max(ordered_at::date)
	FROM bench_orders GROUP BY customer_id$$)),
(round, 'avg_interpurchase', pg_temp.bench_ms($$SELECT customer_id, avg_interpurchase(ordered_at::date)
	FROM bench_orders GROUP BY customer_id$$)),
(round, 'avg_interpurchase_days', pg_temp.bench_ms($$SELECT customer_id, avg_interpurchase_days(ordered_at::date)
	FROM bench_orders GROUP BY customer_id$$)),
(round, 'rfm', pg_temp.bench_ms($$SELECT customer_id, rfm(ordered_at::date, amount, '2026-01-01'::date)
	FROM bench_orders GROUP BY customer_id$$)),
(round, 'clv_summary', pg_temp.bench_ms($$SELECT customer_id, clv_summary(ordered_at::date, amount, '2026-01-01'::date, '1 week')
	FROM bench_orders GROUP BY customer_id$$)),
(round, 'clv', pg_temp.bench_ms($$SELECT customer_id, clv(ordered_at::date, amount, '3 years')
	FROM bench_orders GROUP BY customer_id$$)),
(round, 'lag idiom', pg_temp.bench_ms($$SELECT customer_id, avg(gap) FROM (
		SELECT customer_id, day - lag(day) OVER (PARTITION BY customer_id ORDER BY day) AS gap
		FROM (SELECT DISTINCT customer_id, ordered_at::date AS day FROM bench_orders) d) g
	GROUP BY customer_id$$))
$f$;
SELECT pg_temp.history_round('heap') IS NULL AS heap_done \gset
CREATE INDEX bench_orders_customer_time ON bench_orders (customer_id, ordered_at);
ANALYZE bench_orders;
SELECT pg_temp.history_round('indexed') IS NULL AS indexed_done \gset
DROP INDEX bench_orders_customer_time;
ANALYZE bench_orders;
\set QUIET off
SELECT h.round, h.name, round(h.ms) AS ms,
	   round((h.ms / f.ms)::numeric, 2) AS x_floor,
	   round((l.ms / h.ms)::numeric, 2) AS lag_idiom_x_slower
FROM bench_history h
JOIN bench_history f ON f.round = h.round AND f.name = 'floor'
JOIN bench_history l ON l.round = h.round AND l.name = 'lag idiom'
ORDER BY h.round, h.ms;
