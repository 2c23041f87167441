-- test/bench/models.sql -- the model fits and model-based scoring against
-- the cost of computing the summaries they need, day-level data, one run.
--
-- reference: clv_summary(ordered_at::date, ...) GROUP BY customer_id, the
-- step before any fit.  Goals (issue 5): bgnbd_fit <= 1x the reference,
-- pareto_nbd_fit <= 10x, clv(model, ...) for every customer (12 months)
-- <= 2x.  The fits read summaries stored in a table, as a nightly job does.
\set QUIET on
SET jit = off;
SET max_parallel_workers_per_gather = 0;
SET client_min_messages = error;
CREATE TEMP TABLE bench_summaries AS
SELECT customer_id, clv_summary(ordered_at::date, amount, '2026-01-01'::date, '1 day') AS s
FROM bench_orders GROUP BY customer_id;
CREATE TEMP TABLE bench_models AS
SELECT bgnbd_fit(s) AS bg, pareto_nbd_fit(s) AS pn, gamma_gamma_fit(s) AS gg
FROM bench_summaries;
CREATE TEMP TABLE bench_models_ms (name text, ms float8);
INSERT INTO bench_models_ms VALUES
('clv_summary (reference)', pg_temp.bench_ms($$SELECT customer_id, clv_summary(ordered_at::date, amount, '2026-01-01'::date, '1 day')
	FROM bench_orders GROUP BY customer_id$$, 3)),
('clv_stats', pg_temp.bench_ms($$SELECT clv_stats(s) FROM bench_summaries$$, 3)),
('bgnbd_fit', pg_temp.bench_ms($$SELECT bgnbd_fit(s) FROM bench_summaries$$, 3)),
('gamma_gamma_fit', pg_temp.bench_ms($$SELECT gamma_gamma_fit(s) FROM bench_summaries$$, 3)),
('pareto_nbd_fit', pg_temp.bench_ms($$SELECT pareto_nbd_fit(s) FROM bench_summaries$$, 1)),
('clv(bgnbd, gg), 12 months', pg_temp.bench_ms($$SELECT customer_id, clv(bg, gg, s)
	FROM bench_summaries, bench_models$$, 3)),
('clv(pareto_nbd, gg), 12 months', pg_temp.bench_ms($$SELECT customer_id, clv(pn, gg, s)
	FROM bench_summaries, bench_models$$, 3)),
('p_alive(bgnbd)', pg_temp.bench_ms($$SELECT customer_id, p_alive(bg, s)
	FROM bench_summaries, bench_models$$, 3));
\set QUIET off
SELECT (SELECT count(*) FROM bench_summaries) AS customers,
	   (SELECT (bg).converged AND (pn).converged AND (gg).converged FROM bench_models) AS converged;
SELECT name, round(ms) AS ms,
	   round((ms / (SELECT ms FROM bench_models_ms WHERE name = 'clv_summary (reference)'))::numeric, 2)
	   AS x_clv_summary
FROM bench_models_ms ORDER BY ms;
RESET client_min_messages;
