-- Level 1: the per-customer aggregates avg_interpurchase(_days), rfm,
-- clv_summary and clv(ordered_at, amount, lifespan).
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';

-- SQLSTATE and message of a statement that must fail
CREATE FUNCTION pg_temp.error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE TABLE orders (customer_id int, ordered_at timestamptz, amount numeric);
INSERT INTO orders VALUES
	-- customer 1: two rows at the same instant are one occasion (10 + 5)
	(1, '2024-01-01 10:00', 10), (1, '2024-01-01 10:00', 5),
	(1, '2024-01-11 10:00', 20), (1, '2024-01-31 10:00', 30),
	-- a row exactly at as_of is kept, one after it is ignored
	(1, '2024-12-31 00:00', 1), (1, '2024-12-31 00:00:01', 1000),
	-- customer 2: one occasion
	(2, '2024-02-01 00:00', 7),
	-- customer 3: a refund, NULL rows ignored
	(3, '2024-03-01 00:00', 50), (3, '2024-03-03 00:00', -20),
	(3, NULL, 99), (3, '2024-03-05 00:00', NULL),
	-- customer 4: first purchase after as_of
	(4, '2025-01-05 00:00', 12);

-- summary of every aggregate at as_of = 2024-12-31 00:00
SELECT customer_id,
	   avg_interpurchase(ordered_at) AS gap,
	   rfm(ordered_at, amount, '2024-12-31 00:00'::timestamptz),
	   clv_summary(ordered_at, amount, '2024-12-31 00:00'::timestamptz),
	   clv_summary(ordered_at, amount, '2024-12-31 00:00'::timestamptz, '1 week')
FROM orders GROUP BY customer_id ORDER BY customer_id;

-- the same numbers from an independent plain-SQL formulation
WITH counted AS (
	SELECT customer_id, ordered_at, sum(amount) AS amount
	FROM orders
	WHERE ordered_at IS NOT NULL AND amount IS NOT NULL
	  AND ordered_at <= '2024-12-31 00:00'
	GROUP BY customer_id, ordered_at
), per_customer AS (
	SELECT customer_id, count(*) AS k, min(ordered_at) AS first, max(ordered_at) AS last,
		   sum(amount) AS total,
		   sum(amount) FILTER (WHERE ordered_at > (SELECT min(ordered_at) FROM counted c2
												 WHERE c2.customer_id = counted.customer_id)) AS repeat_total
	FROM counted GROUP BY customer_id
), expected AS (
	SELECT customer_id,
		   ROW(extract(epoch FROM '2024-12-31 00:00'::timestamptz - last) / 86400, k, total)::clv_rfm AS rfm,
		   ROW(k - 1, extract(epoch FROM last - first) / 86400,
			   extract(epoch FROM '2024-12-31 00:00'::timestamptz - first) / 86400,
			   CASE WHEN k > 1 THEN repeat_total / (k - 1) ELSE 0 END,
			   (SELECT count(*) FROM orders o WHERE o.customer_id = p.customer_id
				  AND o.ordered_at <= '2024-12-31 00:00' AND o.amount IS NOT NULL),
			   '1 day')::clv_summary AS summary
	FROM per_customer p
), actual AS (
	SELECT customer_id, rfm(ordered_at, amount, '2024-12-31 00:00'::timestamptz),
		   clv_summary(ordered_at, amount, '2024-12-31 00:00'::timestamptz) AS summary
	FROM orders GROUP BY customer_id
)
SELECT a.customer_id, a.rfm = e.rfm AS rfm_agrees, a.summary = e.summary AS summary_agrees
FROM actual a LEFT JOIN expected e USING (customer_id) ORDER BY 1;

-- clv formula: total / k * lifespan / ((last - first) / (k - 1))
SELECT customer_id, clv(ordered_at, amount, '1 year') AS clv,
	   round(clv(ordered_at, amount, '1 year') -
			 sum(amount) FILTER (WHERE ordered_at IS NOT NULL)
			 / count(DISTINCT ordered_at) FILTER (WHERE amount IS NOT NULL)
			 * extract(epoch FROM interval '1 year')
			 / (extract(epoch FROM max(ordered_at) FILTER (WHERE amount IS NOT NULL)
						- min(ordered_at) FILTER (WHERE amount IS NOT NULL))
				/ NULLIF(count(DISTINCT ordered_at) FILTER (WHERE amount IS NOT NULL) - 1, 0)), 9) AS diff
FROM orders GROUP BY customer_id ORDER BY customer_id;

-- integer, numeric and floating amounts agree; each is taken as its type
SELECT customer_id,
	   (clv_summary(ordered_at, amount::smallint, '2024-12-31'::timestamptz)).m AS m_int2,
	   (clv_summary(ordered_at, amount::int, '2024-12-31'::timestamptz)).m AS m_int4,
	   (clv_summary(ordered_at, amount::bigint, '2024-12-31'::timestamptz)).m AS m_int8,
	   (clv_summary(ordered_at, amount::real, '2024-12-31'::timestamptz)).m AS m_float4,
	   (clv_summary(ordered_at, amount::float8, '2024-12-31'::timestamptz)).m AS m_float8,
	   (rfm(ordered_at, amount::bigint, '2024-12-31'::timestamptz)).monetary AS monetary_int8,
	   (rfm(ordered_at, amount::float8, '2024-12-31'::timestamptz)).monetary AS monetary_float8
FROM orders GROUP BY customer_id ORDER BY customer_id;

-- exact sums: numeric digits beyond float8, and sums past 128 bits
SELECT (rfm(t, a, '2024-01-02'::date)).monetary
FROM (VALUES ('2024-01-01'::date, 0.1000000000000000000001), ('2024-01-01', 0.2)) v(t, a);
SELECT (rfm(t, a, '2024-01-02'::date)).monetary
FROM (VALUES ('2024-01-01'::date, 1e37::numeric), ('2024-01-01', 9e37), ('2024-01-01', 0.5)) v(t, a);
SELECT (rfm(t, a, '2024-01-02'::date)).monetary
FROM (VALUES ('2024-01-01'::date, 9223372036854775807::bigint), ('2024-01-01', 9223372036854775807)) v(t, a);
SELECT (rfm(t, a, '2024-01-02'::date)).monetary
FROM (VALUES ('2024-01-01'::date, 1.5), ('2024-01-01', 'NaN')) v(t, a);
SELECT pg_temp.error_of($$SELECT rfm(t, 'x'::text, t) FROM (VALUES ('2024-01-01'::date)) v(t)$$);
-- a domain over a numeric type is its base type
CREATE DOMAIN price AS numeric(12, 2) CHECK (VALUE > -1000);
SELECT (rfm(t, a::price, '2024-01-02'::date)).monetary, (clv_summary(t, a::price, '2024-01-02'::date)).m
FROM (VALUES ('2024-01-01'::date, 1.5), ('2024-01-02', 2.25)) v(t, a);
-- floating repeat amounts keep their digits next to a huge first order
SELECT (clv_summary(t, a, '2024-01-03'::date)).m AS m_float8,
	   (clv_summary(t, a::numeric, '2024-01-03'::date)).m AS m_numeric
FROM (VALUES ('2024-01-01'::date, 1e17::float8), ('2024-01-02', 1), ('2024-01-03', 1)) v(t, a);

-- the three time types agree (dates count whole days)
SELECT customer_id,
	   clv_summary(ordered_at::date, amount, '2024-12-31'::date, '1 week') AS by_date,
	   clv_summary(ordered_at::date::timestamp, amount, '2024-12-31'::timestamp, '1 week')
		 = clv_summary(ordered_at::date, amount, '2024-12-31'::date, '1 week') AS timestamp_agrees,
	   clv_summary(ordered_at::date::timestamptz, amount, '2024-12-31'::timestamptz, '1 week')
		 = clv_summary(ordered_at::date, amount, '2024-12-31'::date, '1 week') AS timestamptz_agrees,
	   avg_interpurchase(ordered_at::date) AS gap_date,
	   avg_interpurchase(ordered_at::timestamp) = avg_interpurchase(ordered_at) AS gap_agrees,
	   avg_interpurchase_days(ordered_at::date) AS gap_days
FROM orders GROUP BY customer_id ORDER BY customer_id;
SELECT customer_id,
	   rfm(ordered_at::date, amount, '2024-12-31'::date) AS rfm_date,
	   rfm(ordered_at::date::timestamp, amount, '2024-12-31'::timestamp)
		 = rfm(ordered_at::date, amount, '2024-12-31'::date) AS rfm_timestamp_agrees,
	   rfm(ordered_at::date::timestamptz, amount, '2024-12-31'::timestamptz)
		 = rfm(ordered_at::date, amount, '2024-12-31'::date) AS rfm_timestamptz_agrees,
	   clv(ordered_at::date, amount, '1 year') AS clv_date,
	   clv(ordered_at::date::timestamp, amount, '1 year')
		 = clv(ordered_at::date, amount, '1 year') AS clv_timestamp_agrees,
	   clv(ordered_at::date::timestamptz, amount, '1 year')
		 = clv(ordered_at::date, amount, '1 year') AS clv_timestamptz_agrees
FROM orders GROUP BY customer_id ORDER BY customer_id;

-- inter-purchase time as interval and days
SELECT avg_interpurchase(t), avg_interpurchase_days(t)
FROM (VALUES ('2024-01-01 00:00'::timestamp), ('2024-01-01 00:00'), ('2024-01-02 12:00'),
			 ('2024-01-05 00:00')) v(t);
SELECT avg_interpurchase(t) IS NULL AS one_occasion FROM (VALUES (now())) v(t);
SELECT avg_interpurchase(t) IS NULL AS no_rows FROM (SELECT now() WHERE false) v(t);

-- errors: infinity, units, configuration changing within a group, NULL as_of
SELECT pg_temp.error_of($$SELECT avg_interpurchase(t) FROM (VALUES ('infinity'::timestamptz)) v(t)$$);
SELECT pg_temp.error_of($$SELECT rfm(t, 1, t) FROM (VALUES ('-infinity'::date)) v(t)$$);
SELECT pg_temp.error_of($$SELECT rfm(now(), 1, 'infinity'::timestamptz)$$);
SELECT pg_temp.error_of($$SELECT rfm(t, 1, '2024-01-01'::date) FROM (VALUES ('300000-01-01'::date)) v(t)$$);
SELECT pg_temp.error_of($$SELECT clv_summary(now(), 1, now(), '1 month')$$);
SELECT pg_temp.error_of($$SELECT clv_summary(now(), 1, now(), '1 year 1 day')$$);
SELECT pg_temp.error_of($$SELECT clv_summary(now(), 1, now(), '0 days')$$);
SELECT pg_temp.error_of($$SELECT clv_summary(now(), 1, now(), '-1 day')$$);
SELECT pg_temp.error_of($$SELECT clv_summary(now(), 1, now(), NULL)$$);
SELECT pg_temp.error_of($$SELECT clv(now(), 1, '0 days')$$);
SELECT pg_temp.error_of($$SELECT clv(now(), 1, '300000 years')$$);
SELECT pg_temp.error_of($$SELECT rfm(ordered_at, amount, ordered_at) FROM orders$$);
SELECT pg_temp.error_of($$SELECT clv_summary(ordered_at, amount, '2024-12-31'::timestamptz, make_interval(days => customer_id)) FROM orders$$);
SELECT pg_temp.error_of($$SELECT clv(ordered_at, amount, make_interval(days => customer_id)) FROM orders$$);
SELECT pg_temp.error_of($$SELECT rfm(now(), 1, NULL::timestamptz)$$);
-- a constant per group is fine
SELECT customer_id, (rfm(ordered_at, amount, ordered_at::date + 1000)).frequency
FROM (SELECT customer_id, min(ordered_at) OVER (PARTITION BY customer_id) AS ordered_at, amount FROM orders) s
GROUP BY customer_id, ordered_at ORDER BY 1 LIMIT 2;

-- window use: running and sliding frames
CREATE TABLE history_frames AS
SELECT c AS customer_id, '2024-01-01'::date + (i * i + c) % 97 + i AS ordered_at
FROM generate_series(1, 3) c, generate_series(1, 40) i;
-- same-day duplicates, so that frames merge occasions
INSERT INTO history_frames
SELECT customer_id, ordered_at FROM history_frames WHERE extract(day FROM ordered_at)::int % 3 = 0;
-- sliding frame (inverse transition) = the same rows aggregated from scratch
WITH numbered AS (
	SELECT customer_id, ordered_at,
		   row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at) AS rn,
		   avg_interpurchase(ordered_at) OVER (PARTITION BY customer_id ORDER BY ordered_at
											   ROWS 4 PRECEDING) AS framed
	FROM history_frames
)
SELECT count(*) AS rows_compared,
	   count(*) FILTER (WHERE n.framed IS DISTINCT FROM
		   (SELECT avg_interpurchase(m.ordered_at) FROM numbered m
			WHERE m.customer_id = n.customer_id AND m.rn BETWEEN n.rn - 4 AND n.rn)) AS mismatches,
	   count(*) FILTER (WHERE n.framed IS NULL) AS one_occasion_frames
FROM numbered n;
SELECT customer_id, ordered_at, avg_interpurchase_days(ordered_at) OVER w AS sliding,
	   rfm(ordered_at, 1, '2024-12-31'::date) OVER (PARTITION BY customer_id ORDER BY ordered_at) AS running
FROM history_frames WHERE customer_id = 1
WINDOW w AS (PARTITION BY customer_id ORDER BY ordered_at ROWS 2 PRECEDING)
ORDER BY ordered_at LIMIT 8;

-- forced parallel plan (serialize, combine, deserialize) = serial plan
CREATE TABLE history_big AS
SELECT (i % 1000) AS customer_id,
	   '2024-01-01'::timestamptz + make_interval(hours => (i * 7919) % 20000) AS ordered_at,
	   ((i * 31) % 10000) / 100.0 - 5 AS amount
FROM generate_series(1, 60000) i;
ALTER TABLE history_big SET (parallel_workers = 2);
ANALYZE history_big;
CREATE TEMP TABLE serial_result AS
SELECT customer_id, avg_interpurchase(ordered_at) AS g,
	   rfm(ordered_at, amount, '2025-06-01'::timestamptz) AS r,
	   clv_summary(ordered_at, amount, '2025-06-01'::timestamptz, '1 week') AS s,
	   clv(ordered_at::date, amount, '2 years') AS v
FROM history_big GROUP BY customer_id;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT avg_interpurchase(ordered_at) FROM history_big;
SELECT avg_interpurchase(ordered_at) AS g,
	   rfm(ordered_at, amount, '2025-06-01'::timestamptz) AS r,
	   clv_summary(ordered_at, amount, '2025-06-01'::timestamptz, '1 week') AS s,
	   clv(ordered_at::date, amount, '2 years') AS v
FROM history_big;
-- the whole table as one customer, recomputed serially
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SET max_parallel_workers_per_gather = 0;
SELECT avg_interpurchase(ordered_at) AS g,
	   rfm(ordered_at, amount, '2025-06-01'::timestamptz) AS r,
	   clv_summary(ordered_at, amount, '2025-06-01'::timestamptz, '1 week') AS s,
	   clv(ordered_at::date, amount, '2 years') AS v
FROM history_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT customer_id, rfm(ordered_at, amount, '2025-06-01'::timestamptz)
FROM history_big GROUP BY customer_id;
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE (p.g, p.r, p.s, p.v) IS DISTINCT FROM (s.g, s.r, s.s, s.v)) AS mismatches
FROM (SELECT customer_id, avg_interpurchase(ordered_at) AS g,
			 rfm(ordered_at, amount, '2025-06-01'::timestamptz) AS r,
			 clv_summary(ordered_at, amount, '2025-06-01'::timestamptz, '1 week') AS s,
			 clv(ordered_at::date, amount, '2 years') AS v
	  FROM history_big GROUP BY customer_id) p
JOIN serial_result s USING (customer_id);
-- and with hashed partial aggregates (states serialized per customer)
SET enable_hashagg = on;
SET enable_sort = off;
EXPLAIN (COSTS OFF)
SELECT customer_id, rfm(ordered_at, amount, '2025-06-01'::timestamptz)
FROM history_big GROUP BY customer_id;
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE (p.g, p.r, p.s, p.v) IS DISTINCT FROM (s.g, s.r, s.s, s.v)) AS mismatches
FROM (SELECT customer_id, avg_interpurchase(ordered_at) AS g,
			 rfm(ordered_at, amount, '2025-06-01'::timestamptz) AS r,
			 clv_summary(ordered_at, amount, '2025-06-01'::timestamptz, '1 week') AS s,
			 clv(ordered_at::date, amount, '2 years') AS v
	  FROM history_big GROUP BY customer_id) p
JOIN serial_result s USING (customer_id);
RESET enable_sort;

-- before 2000-01-01 (PostgreSQL's epoch: negative times), dates and
-- timestamps, floating amounts exact in binary: parallel = serial
CREATE TABLE history_old AS
SELECT i % 500 AS customer_id, '1997-01-01'::date + (i * 7) % 540 AS ordered_on,
	   ((i * 37) % 400) / 4.0 AS amount
FROM generate_series(1, 30000) i;
ALTER TABLE history_old SET (parallel_workers = 2);
ANALYZE history_old;
CREATE TEMP VIEW history_old_result AS
SELECT customer_id, avg_interpurchase(ordered_on) AS g,
	   avg_interpurchase_days(ordered_on::timestamp) AS gd,
	   rfm(ordered_on, amount::float8, '1998-06-30'::date) AS r,
	   clv_summary(ordered_on::timestamp, amount::real, '1998-06-30'::timestamp, '1 week') AS s,
	   clv(ordered_on, amount::int, '2 years') AS v
FROM history_old GROUP BY customer_id;
EXPLAIN (COSTS OFF) CREATE TEMP TABLE parallel_old AS SELECT * FROM history_old_result;
CREATE TEMP TABLE parallel_old AS SELECT * FROM history_old_result;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE (p.g, p.gd, p.r, p.s, p.v) IS DISTINCT FROM (s.g, s.gd, s.r, s.s, s.v)) AS mismatches,
	   count(*) FILTER (WHERE p.g IS NULL) AS null_gaps
FROM parallel_old p JOIN history_old_result s USING (customer_id);
RESET ALL;
