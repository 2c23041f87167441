-- test/bench/sample.sql -- clv_sample_orders against the floor and a plain-SQL generator
--
-- Run after \i test/bench/lib.sql.  Independent of bench_orders: it times
-- generating 100,000 customers (about 240,000 orders) three ways:
--   floor      generate_series emitting the same number of rows and columns
--   sql_idiom  the usual plain-SQL generator with random(): a geometric
--              number of orders per customer, uniform times, exponential
--              amounts (not BG/NBD, and not reproducible); "+ 0 * c" makes
--              the inner generate_series depend on the customer, so it is
--              evaluated once per customer instead of once
--   clv        clv_sample_orders(100000)

SELECT count(*) AS sample_rows FROM clv_sample_orders(100000) \gset

WITH t AS (
	SELECT pg_temp.bench_ms($q$
		SELECT g::bigint AS customer_id,
		       '2024-01-01 00:00+00'::timestamptz + g * interval '1 second' AS ordered_at,
		       (g % 10000) / 100.0 AS amount
		FROM generate_series(1, $q$ || :sample_rows || $q$) g $q$) AS floor_ms,
	       pg_temp.bench_ms($q$
		SELECT c::bigint AS customer_id,
		       '2024-01-01 00:00+00'::timestamptz
		         + random() * interval '731 days' AS ordered_at,
		       round((-ln(1 - random()) * 35)::numeric, 2) AS amount
		FROM generate_series(1, 100000) c,
		     LATERAL generate_series(1, 1 + floor(ln(1 - random()) / ln(0.58))::int + 0 * c) k $q$) AS sql_idiom_ms,
	       pg_temp.bench_ms('SELECT * FROM clv_sample_orders(100000)') AS clv_ms
)
SELECT round(clv_ms::numeric, 1) AS clv_ms,
       round((clv_ms / floor_ms)::numeric, 2) AS ratio_to_floor,
       round((clv_ms / sql_idiom_ms)::numeric, 2) AS ratio_to_sql_idiom
FROM t;
