-- test/bench/sample.sql -- clv_sample_orders against the built-in floor and
-- the plain-SQL idiom, one run.  Independent of bench_orders: each side
-- produces the orders of 100,000 customers (about 235,000 rows).
--
-- floor: generate_series emitting the same number of rows of the same
-- three columns, the least any generator must do.  random() idiom: what
-- analysts write today for sample orders -- a geometric number of orders per
-- customer, uniform times, exponential amounts (not BG/NBD and not
-- reproducible; "+ 0 * c" makes the inner generate_series depend on the
-- customer so that it is evaluated once per customer, not once in all).
\set QUIET on
SET jit = off;
SELECT count(*) AS sample_rows FROM clv_sample_orders(100000) \gset
CREATE TEMP TABLE bench_sample (name text, ms float8);
INSERT INTO bench_sample VALUES
('floor', pg_temp.bench_ms(format($$SELECT g::bigint AS customer_id,
		'2024-01-01 00:00+00'::timestamptz + g * interval '1 second' AS ordered_at,
		(g %% 10000) / 100.0 AS amount
	FROM generate_series(1, %s) g$$, :sample_rows))),
('clv_sample_orders', pg_temp.bench_ms($$SELECT * FROM clv_sample_orders(100000)$$)),
('random() idiom', pg_temp.bench_ms($$SELECT c::bigint AS customer_id,
		'2024-01-01 00:00+00'::timestamptz + random() * interval '731 days' AS ordered_at,
		round((-ln(1 - random()) * 35)::numeric, 2) AS amount
	FROM generate_series(1, 100000) c,
		LATERAL generate_series(1, 1 + floor(ln(1 - random()) / ln(0.58))::int + 0 * c) k$$));
\set QUIET off
SELECT name, round(ms) AS ms,
	   round((ms / (SELECT ms FROM bench_sample WHERE name = 'floor'))::numeric, 2) AS x_floor,
	   round(((SELECT ms FROM bench_sample WHERE name = 'random() idiom') / ms)::numeric, 2) AS idiom_x_slower
FROM bench_sample ORDER BY ms;
