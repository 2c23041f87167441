-- test/bench/retention.sql -- the retention aggregates against the built-in
-- floor and the plain-SQL idioms, one run.
--
-- Data: 36 months of simulated orders (clv_sample_orders, 2023-2025) for as
-- many customers as bench_orders has, from a busier shop than CDNOW
-- (r = 0.6, alpha = 3: about 5.4 orders per customer, so 5.4 million orders
-- for a million customers, the scale issue 4 names).  floor: one scan with count/max, and
-- the DISTINCT customers hash any customer set needs.  Idioms: the
-- self-join of DISTINCT (customer, month) rows for the monthly series, a
-- min() OVER (PARTITION BY customer) cohort label then counts per cohort
-- and month for the cohort matrix, and DISTINCT customer sets of two
-- months for one retention rate.  Serial plans on both sides.  Memory: the
-- peak of a one-group HashAggregate (EXPLAIN ANALYZE), per distinct customer.
\set QUIET on
SET jit = off;
SET max_parallel_workers_per_gather = 0;
SET TimeZone = 'UTC';
SELECT count(DISTINCT customer_id) AS bench_customers FROM bench_orders \gset
CREATE TEMP TABLE retention_orders AS
SELECT *, (ordered_at AT TIME ZONE 'UTC')::date AS d
FROM clv_sample_orders(:bench_customers, 1, r => 0.6, alpha => 3,
					   start_at => '2023-01-01 00:00+00',
					   end_at => '2026-01-01 00:00+00');
VACUUM ANALYZE retention_orders;
\set QUIET off
SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers,
	   count(DISTINCT date_trunc('month', ordered_at)) AS months
FROM retention_orders;
\set QUIET on

CREATE TEMP TABLE bench_retention (name text, ms float8);
INSERT INTO bench_retention VALUES
('floor: scan', pg_temp.bench_ms($$SELECT count(customer_id), max(ordered_at) FROM retention_orders$$, 3)),
('floor: distinct customers', pg_temp.bench_ms($$SELECT count(*) FROM (SELECT DISTINCT customer_id FROM retention_orders) d$$, 3)),
('retention_series month', pg_temp.bench_ms($$SELECT retention_series(customer_id, ordered_at, '1 month') FROM retention_orders$$, 3)),
('self-join series month', pg_temp.bench_ms($$
	WITH a AS (SELECT DISTINCT customer_id AS c, date_trunc('month', ordered_at) AS p FROM retention_orders),
	f AS (SELECT c, min(p) AS fp FROM a GROUP BY c),
	s AS (SELECT cur.p, count(*) AS customers, count(prev.c) AS retained,
				 count(*) FILTER (WHERE f.fp = cur.p) AS new_customers
		  FROM a cur
		  LEFT JOIN a prev ON prev.c = cur.c AND prev.p = cur.p - interval '1 month'
		  JOIN f ON f.c = cur.c
		  GROUP BY cur.p)
	SELECT p, customers, retained, new_customers,
		   retained::float8 / nullif(lag(customers) OVER (ORDER BY p), 0),
		   new_customers::float8 / nullif(customers, 0)
	FROM s$$, 3)),
('cohort_retention month', pg_temp.bench_ms($$SELECT cohort_retention(customer_id, ordered_at, '1 month') FROM retention_orders$$, 3)),
('min() OVER cohorts month', pg_temp.bench_ms($$
	WITH l AS (SELECT customer_id AS c, date_trunc('month', ordered_at) AS p,
					  min(date_trunc('month', ordered_at)) OVER (PARTITION BY customer_id) AS cohort
			   FROM retention_orders),
	sizes AS (SELECT cohort, count(DISTINCT c) AS size FROM l GROUP BY cohort),
	counts AS (SELECT cohort, p, count(DISTINCT c) AS active FROM l GROUP BY cohort, p)
	SELECT counts.cohort, counts.p, sizes.size, counts.active, counts.active::float8 / sizes.size
	FROM counts JOIN sizes USING (cohort)$$, 3)),
('retention_series month, date (clv_customer_set state)', pg_temp.bench_ms($$SELECT retention_series(customer_id, d, '1 month') FROM retention_orders$$, 3)),
('cohort_retention month, date', pg_temp.bench_ms($$SELECT cohort_retention(customer_id, d, '1 month') FROM retention_orders$$, 3)),
('two-step retention_series month', pg_temp.bench_ms($$SELECT retention_series(a) FROM (SELECT clv_activity(d, '1 month') a FROM retention_orders GROUP BY customer_id) x$$, 3)),
('two-step cohort_retention month', pg_temp.bench_ms($$SELECT cohort_retention(a) FROM (SELECT clv_activity(d, '1 month') a FROM retention_orders GROUP BY customer_id) x$$, 3)),
('retention_series week', pg_temp.bench_ms($$SELECT retention_series(customer_id, ordered_at, '1 week') FROM retention_orders$$, 3)),
('retention_series month, text keys', pg_temp.bench_ms($$SELECT retention_series(customer_id::text, ordered_at, '1 month') FROM retention_orders$$, 3)),
('retention_rate 2025-06', pg_temp.bench_ms($$SELECT retention_rate(customer_id, ordered_at, '2025-06-01', '1 month') FROM retention_orders$$, 3)),
('self-join rate 2025-06', pg_temp.bench_ms($$
	SELECT count(cur.c)::float8 / nullif(count(*), 0)
	FROM (SELECT DISTINCT customer_id AS c FROM retention_orders
		  WHERE ordered_at >= '2025-05-01' AND ordered_at < '2025-06-01') prev
	LEFT JOIN (SELECT DISTINCT customer_id AS c FROM retention_orders
			   WHERE ordered_at >= '2025-06-01' AND ordered_at < '2025-07-01') cur ON cur.c = prev.c$$, 3));
\set QUIET off
SELECT name, round(ms) AS ms,
	   round((ms / (SELECT ms FROM bench_retention WHERE name = 'floor: scan'))::numeric, 2) AS x_scan_floor,
	   CASE name
		   WHEN 'retention_series month' THEN round(((SELECT ms FROM bench_retention WHERE name = 'self-join series month') / ms)::numeric, 1)
		   WHEN 'retention_series month, date (clv_customer_set state)' THEN round(((SELECT ms FROM bench_retention WHERE name = 'self-join series month') / ms)::numeric, 1)
		   WHEN 'two-step retention_series month' THEN round(((SELECT ms FROM bench_retention WHERE name = 'self-join series month') / ms)::numeric, 1)
		   WHEN 'cohort_retention month' THEN round(((SELECT ms FROM bench_retention WHERE name = 'min() OVER cohorts month') / ms)::numeric, 1)
		   WHEN 'cohort_retention month, date' THEN round(((SELECT ms FROM bench_retention WHERE name = 'min() OVER cohorts month') / ms)::numeric, 1)
		   WHEN 'two-step cohort_retention month' THEN round(((SELECT ms FROM bench_retention WHERE name = 'min() OVER cohorts month') / ms)::numeric, 1)
		   WHEN 'retention_rate 2025-06' THEN round(((SELECT ms FROM bench_retention WHERE name = 'self-join rate 2025-06') / ms)::numeric, 1)
	   END AS idiom_x_slower
FROM bench_retention ORDER BY ms;

-- Peak memory of the state, per distinct customer: a one-group hash
-- aggregate reports its peak (hash table, keys and bitmaps).
\set QUIET on
CREATE FUNCTION pg_temp.peak_kb(query text) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || query INTO plan;
	RETURN (plan -> 0 -> 'Plan' ->> 'Peak Memory Usage')::float8;
END $$;
SET enable_sort = off;
SET work_mem = '1GB';
\set QUIET off
SELECT k.name, round(k.kb / 1024) AS peak_mb,
	   round((k.kb * 1024 / :bench_customers)::numeric, 1) AS bytes_per_customer
FROM (VALUES
	('retention_series month, bigint', pg_temp.peak_kb($$SELECT customer_id < 0, retention_series(customer_id, ordered_at, '1 month') FROM retention_orders GROUP BY 1$$)),
	('retention_series week, bigint', pg_temp.peak_kb($$SELECT customer_id < 0, retention_series(customer_id, ordered_at, '1 week') FROM retention_orders GROUP BY 1$$)),
	('retention_series month, date (clv_customer_set)', pg_temp.peak_kb($$SELECT customer_id < 0, retention_series(customer_id, d, '1 month') FROM retention_orders GROUP BY 1$$)),
	('cohort_retention month, bigint', pg_temp.peak_kb($$SELECT customer_id < 0, cohort_retention(customer_id, ordered_at, '1 month') FROM retention_orders GROUP BY 1$$)),
	('retention_series month, text', pg_temp.peak_kb($$SELECT customer_id < 0, retention_series(customer_id::text, ordered_at, '1 month') FROM retention_orders GROUP BY 1$$)),
	('retention_rate, bigint', pg_temp.peak_kb($$SELECT customer_id < 0, retention_rate(customer_id, ordered_at, '2025-06-01', '1 month') FROM retention_orders GROUP BY 1$$)),
	('new_customer_share, bigint', pg_temp.peak_kb($$SELECT customer_id < 0, new_customer_share(customer_id, ordered_at, '2025-06-01', '1 month') FROM retention_orders GROUP BY 1$$))
) k(name, kb);
RESET enable_sort;
RESET work_mem;

-- Issue 10.5: as many customers, each with two orders ten years apart,
-- daily periods (1.0: 564 bytes a customer, a bitmap over the span).
\set QUIET on
CREATE TEMP TABLE ten_years AS
SELECT g AS customer_id, date '2014-01-01' + g % 365 AS d FROM generate_series(1, :bench_customers) g
UNION ALL
SELECT g, date '2024-01-01' + g % 365 FROM generate_series(1, :bench_customers) g;
VACUUM ANALYZE ten_years;
SET enable_sort = off;
SET work_mem = '1GB';
\set QUIET off
SELECT k.name, round(k.kb / 1024) AS peak_mb,
	   round((k.kb * 1024 / :bench_customers)::numeric, 1) AS bytes_per_customer
FROM (VALUES
	('ten years apart, retention_series day, bigint', pg_temp.peak_kb($$SELECT customer_id < 0, retention_series(customer_id, d, '1 day') FROM ten_years GROUP BY 1$$)),
	('ten years apart, retention_series day, text', pg_temp.peak_kb($$SELECT customer_id < 0, retention_series(customer_id::text, d, '1 day') FROM ten_years GROUP BY 1$$)),
	('ten years apart, cohort_retention day, bigint', pg_temp.peak_kb($$SELECT customer_id < 0, cohort_retention(customer_id, d, '1 day') FROM ten_years GROUP BY 1$$))
) k(name, kb);

-- Parallel plans against serial ones: test/bench/retention_memory.sh
-- samples the private memory of the leader and its workers.
RESET ALL;
