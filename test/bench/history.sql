-- test/bench/history.sql -- the per-customer aggregates against the
-- built-in floor and the plain-SQL idioms, day-level data, one run.
--
-- floor: count(*), sum(amount), min(day), max(day) ... GROUP BY customer_id,
-- the least any per-customer aggregate must do.  lag idiom: what analysts
-- write today for the mean inter-purchase time.  Both sides use the same
-- plan shape (HashAggregate over a sequential scan); ratio = time / floor.
\set QUIET on
SET jit = off;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE bench_history (name text, ms float8);
INSERT INTO bench_history VALUES
('floor', pg_temp.bench_ms($$SELECT customer_id, count(*), sum(amount), min(ordered_at::date), max(ordered_at::date)
	FROM bench_orders GROUP BY customer_id$$)),
('avg_interpurchase', pg_temp.bench_ms($$SELECT customer_id, avg_interpurchase(ordered_at::date)
	FROM bench_orders GROUP BY customer_id$$)),
('avg_interpurchase_days', pg_temp.bench_ms($$SELECT customer_id, avg_interpurchase_days(ordered_at::date)
	FROM bench_orders GROUP BY customer_id$$)),
('rfm', pg_temp.bench_ms($$SELECT customer_id, rfm(ordered_at::date, amount, '2026-01-01'::date)
	FROM bench_orders GROUP BY customer_id$$)),
('clv_summary', pg_temp.bench_ms($$SELECT customer_id, clv_summary(ordered_at::date, amount, '2026-01-01'::date, '1 week')
	FROM bench_orders GROUP BY customer_id$$)),
('clv', pg_temp.bench_ms($$SELECT customer_id, clv(ordered_at::date, amount, '3 years')
	FROM bench_orders GROUP BY customer_id$$)),
('lag idiom', pg_temp.bench_ms($$SELECT customer_id, avg(gap) FROM (
		SELECT customer_id, day - lag(day) OVER (PARTITION BY customer_id ORDER BY day) AS gap
		FROM (SELECT DISTINCT customer_id, ordered_at::date AS day FROM bench_orders) d) g
	GROUP BY customer_id$$));
\set QUIET off
SELECT name, round(ms) AS ms,
	   round((ms / (SELECT ms FROM bench_history WHERE name = 'floor'))::numeric, 2) AS x_floor,
	   round(((SELECT ms FROM bench_history WHERE name = 'lag idiom') / ms)::numeric, 2) AS lag_idiom_x_slower
FROM bench_history ORDER BY ms;
