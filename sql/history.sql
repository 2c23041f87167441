-- Level 1: the per-customer aggregates avg_interpurchase(_days), rfm,
-- clv_summary and clv(ordered_at, amount, lifespan).
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';

\i test/regress/error_of.sql

-- whether a query's plan, run, has a partial aggregate and launched workers
\i test/regress/plan_of.sql

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
-- a type that is not an amount has no overload
SELECT pg_temp.error_of($$SELECT rfm(t, 'x'::text, t) FROM (VALUES ('2024-01-01'::date)) v(t)$$);
-- a domain over a numeric type is its base type
CREATE DOMAIN price AS numeric(12, 2) CHECK (VALUE > -1000);
SELECT (rfm(t, a::price, '2024-01-02'::date)).monetary, (clv_summary(t, a::price, '2024-01-02'::date)).m
FROM (VALUES ('2024-01-01'::date, 1.5), ('2024-01-02', 2.25)) v(t, a);
-- the mean repeat amount m keeps the scale of the amounts plus 4 digits,
-- rounded half away from zero: cents give 6 decimals, integers 4
SELECT (clv_summary(t, a, '2024-01-04'::date)).m AS cents,
	   (clv_summary(t, (a * 100)::int, '2024-01-04'::date)).m AS integers,
	   (clv_summary(t, a * 1.001, '2024-01-04'::date)).m AS five_decimals,
	   (clv_summary(t, round(a), '2024-01-04'::date)).m AS whole_numeric,
	   round((10.00 + 10.01 + 10.01) / 3, 6) AS cents_in_sql
FROM (VALUES ('2024-01-01'::date, 1.00), ('2024-01-02', 10.00), ('2024-01-03', 10.01),
			 ('2024-01-04', 10.01)) v(t, a);

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
-- a date as_of with timestamp data is an error with a hint (an implicit
-- cast would take the date's midnight and leave out that day's orders)
SELECT pg_temp.error_of($$SELECT rfm(ordered_at, amount, '2024-12-31'::date) FROM orders$$);
SELECT pg_temp.error_of($$SELECT rfm(ordered_at::timestamp, amount::int, current_date) FROM orders$$);
SELECT pg_temp.error_of($$SELECT clv_summary(ordered_at, amount::float8, '2024-12-31'::date) FROM orders$$);
SELECT pg_temp.error_of($$SELECT clv_summary(ordered_at::timestamp, amount, '2024-12-31'::date, '1 week') FROM orders$$);
-- the same days as dates are the day-level analysis the hint points to
SELECT customer_id, (rfm(clv_day(ordered_at, 'UTC'), amount, '2024-12-31'::date)).*
FROM orders GROUP BY customer_id ORDER BY customer_id;
-- a constant per group is fine
SELECT customer_id, (rfm(ordered_at, amount, ordered_at + interval '1000 days')).frequency
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
SELECT pg_temp.plan_of($$SELECT avg_interpurchase(ordered_at) FROM history_big$$);
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
SELECT pg_temp.plan_of($$SELECT customer_id, rfm(ordered_at, amount, '2025-06-01'::timestamptz)
						 FROM history_big GROUP BY customer_id$$);
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
SELECT pg_temp.plan_of($$SELECT customer_id, rfm(ordered_at, amount, '2025-06-01'::timestamptz)
						 FROM history_big GROUP BY customer_id$$);
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
SELECT pg_temp.plan_of($$SELECT * FROM history_old_result$$);
CREATE TEMP TABLE parallel_old AS SELECT * FROM history_old_result;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE (p.g, p.gd, p.r, p.s, p.v) IS DISTINCT FROM (s.g, s.gd, s.r, s.s, s.v)) AS mismatches,
	   count(*) FILTER (WHERE p.g IS NULL) AS null_gaps
FROM parallel_old p JOIN history_old_result s USING (customer_id);
RESET ALL;

-- Every overload: 3 purchase-time types x 6 amount types.  Each call must
-- resolve to its own concrete aggregate (an integer amount never becomes
-- float8), agree with the plain-SQL formulation, and give the same result
-- in a forced parallel plan that really launched workers as serially.
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
SET IntervalStyle = 'postgres';
CREATE TABLE overload_orders AS
SELECT c AS customer_id, '2024-01-01'::date + (c * 7 + i * i * 3) % 300 AS ordered_on,
	   (c * 13 + i * 17) % 90 - 10 AS amount
FROM generate_series(1, 200) c, generate_series(1, 1 + c % 40) i;
-- rows after as_of (rfm and clv_summary leave them out, clv and
-- avg_interpurchase count them), NULL times and amounts
INSERT INTO overload_orders
SELECT customer_id, ordered_on + 400, amount + 1 FROM overload_orders WHERE customer_id % 7 = 0;
INSERT INTO overload_orders VALUES (1, NULL, 5), (2, '2024-02-02', NULL);
ALTER TABLE overload_orders SET (parallel_workers = 2);
ANALYZE overload_orders;
-- the plain-SQL formulation, in days and exact numeric amounts: occasions
-- up to as_of (rfm, clv_summary), with an amount (clv), with a time
-- (avg_interpurchase)
CREATE TABLE overload_expected AS
WITH counted AS (
	SELECT customer_id, ordered_on, amount FROM overload_orders
	WHERE ordered_on <= '2024-12-31' AND amount IS NOT NULL
), occasions AS (
	SELECT customer_id, ordered_on, sum(amount) AS amount,
		   rank() OVER (PARTITION BY customer_id ORDER BY ordered_on) AS n
	FROM counted GROUP BY customer_id, ordered_on
), with_amount AS (
	SELECT customer_id, count(DISTINCT ordered_on) AS k, sum(amount)::numeric AS total,
		   (max(ordered_on) - min(ordered_on))::float8 AS span_days
	FROM overload_orders WHERE ordered_on IS NOT NULL AND amount IS NOT NULL GROUP BY customer_id
), with_time AS (
	SELECT customer_id, count(DISTINCT ordered_on) AS k,
		   (max(ordered_on) - min(ordered_on))::float8 AS span_days
	FROM overload_orders WHERE ordered_on IS NOT NULL GROUP BY customer_id
)
SELECT customer_id, count(*) AS k, sum(amount)::numeric AS total,
	   ('2024-12-31'::date - max(ordered_on))::float8 AS recency_days,
	   (max(ordered_on) - min(ordered_on))::float8 AS span_days,
	   ('2024-12-31'::date - min(ordered_on))::float8 AS age_days,
	   -- m: the mean repeat amount, for integer and numeric amounts rounded
	   -- to their scale (here 0) plus 4 digits; m_exact for float amounts
	   CASE WHEN count(*) > 1
			THEN round((sum(amount) FILTER (WHERE n > 1))::numeric / (count(*) - 1), 4) ELSE 0 END AS m,
	   CASE WHEN count(*) > 1
			THEN (sum(amount) FILTER (WHERE n > 1))::numeric / (count(*) - 1) ELSE 0 END AS m_exact,
	   (SELECT count(*) FROM counted c WHERE c.customer_id = o.customer_id) AS orders,
	   -- clv = total / k x lifespan (2 years: 730.5 days) / mean gap
	   CASE WHEN a.k > 1 THEN a.total / a.k * 730.5 / (a.span_days / (a.k - 1)) END AS clv,
	   CASE WHEN t.k > 1 THEN t.span_days / (t.k - 1) END AS gap_days
FROM occasions o JOIN with_amount a USING (customer_id) JOIN with_time t USING (customer_id)
GROUP BY customer_id, a.k, a.total, a.span_days, t.k, t.span_days;
CREATE FUNCTION pg_temp.overload_check(t text, a text)
RETURNS TABLE (resolved boolean, customers bigint, mismatches bigint,
			   parallel_plan text, parallel_mismatches bigint)
LANGUAGE plpgsql AS $f$
DECLARE
	query text := format($q$
SELECT customer_id,
	   rfm(ordered_on::%1$s, amount::%2$s, '2024-12-31'::%1$s) AS r,
	   clv_summary(ordered_on::%1$s, amount::%2$s, '2024-12-31'::%1$s) AS s,
	   clv_summary(ordered_on::%1$s, amount::%2$s, '2024-12-31'::%1$s, '1 week') AS w,
	   clv(ordered_on::%1$s, amount::%2$s, '2 years') AS v,
	   avg_interpurchase(ordered_on::%1$s) AS g,
	   avg_interpurchase_days(ordered_on::%1$s) AS gd
FROM overload_orders GROUP BY customer_id$q$, t, a);
	-- floating repeat means are float8 quotients; all else is exact
	tolerance numeric := CASE WHEN a IN ('real', 'double precision') THEN 1e-9 ELSE 0 END;
BEGIN
	EXECUTE 'CREATE TEMP VIEW overload_view AS ' || query;
	-- the aggregates the view's query resolved to, against the concrete ones
	resolved := (SELECT array_agg(DISTINCT d.refobjid ORDER BY d.refobjid)
				 FROM pg_depend d JOIN pg_rewrite w ON w.oid = d.objid
				 JOIN pg_proc p ON p.oid = d.refobjid
				 WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_proc'::regclass
				   AND w.ev_class = 'overload_view'::regclass AND p.prokind = 'a')
		= (SELECT array_agg(f::oid ORDER BY f::oid)
		   FROM unnest(ARRAY[format('rfm(%1$s, %2$s, %1$s)', t, a),
							 format('clv_summary(%1$s, %2$s, %1$s)', t, a),
							 format('clv_summary(%1$s, %2$s, %1$s, interval)', t, a),
							 format('clv(%1$s, %2$s, interval)', t, a),
							 format('avg_interpurchase(%s)', t),
							 format('avg_interpurchase_days(%s)', t)]::regprocedure[]) f);
	PERFORM set_config('max_parallel_workers_per_gather', '0', true);
	CREATE TEMP TABLE overload_serial AS SELECT * FROM overload_view;
	SELECT count(*),
		   count(*) FILTER (WHERE NOT coalesce(
			   (s.r).recency = e.recency_days AND (s.r).frequency = e.k AND (s.r).monetary = e.total
			   AND (s.s).x = e.k - 1 AND (s.s).t_x = e.span_days AND (s.s).t = e.age_days
			   AND abs((s.s).m - CASE WHEN tolerance > 0 THEN e.m_exact ELSE e.m END) <= tolerance
			   AND (s.s).orders = e.orders AND (s.s).unit = '1 day'
			   AND (s.w).t_x = e.span_days / 7 AND (s.w).t = e.age_days / 7
			   AND abs((s.w).m - CASE WHEN tolerance > 0 THEN e.m_exact ELSE e.m END) <= tolerance
			   AND (s.w).unit = '1 week'
			   AND (s.v IS NULL AND e.clv IS NULL OR abs(s.v - e.clv) <= 1e-12 * abs(e.clv))
			   AND (s.g IS NULL AND e.gap_days IS NULL
					OR abs(extract(epoch FROM s.g) - e.gap_days * 86400) <= 1e-6)
			   AND (s.gd IS NULL AND e.gap_days IS NULL OR abs(s.gd - e.gap_days) <= 1e-12 * e.gap_days),
			   false))
	INTO customers, mismatches
	FROM overload_serial s FULL JOIN overload_expected e USING (customer_id);
	PERFORM set_config('parallel_setup_cost', '0', true);
	PERFORM set_config('parallel_tuple_cost', '0', true);
	PERFORM set_config('min_parallel_table_scan_size', '0', true);
	PERFORM set_config('max_parallel_workers_per_gather', '2', true);
	parallel_plan := pg_temp.plan_of(query);
	CREATE TEMP TABLE overload_parallel AS SELECT * FROM overload_view;
	SELECT count(*) INTO parallel_mismatches
	FROM overload_serial s FULL JOIN overload_parallel p USING (customer_id)
	WHERE (s.r, s.s, s.w, s.v, s.g, s.gd) IS DISTINCT FROM (p.r, p.s, p.w, p.v, p.g, p.gd);
	DROP TABLE overload_serial, overload_parallel;
	DROP VIEW overload_view;
	RETURN NEXT;
END $f$;
SELECT t AS time_type, a AS amount_type, c.*
FROM unnest(ARRAY['timestamptz', 'timestamp', 'date']) t,
	 unnest(ARRAY['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision']) a,
	 pg_temp.overload_check(t, a) c;
-- a bigint beyond 2^53 keeps its last digit: no float8 on the way
SELECT (rfm(t, a, '2024-01-02'::date)).monetary, (clv_summary(t, a, '2024-01-02'::date)).m
FROM (VALUES ('2024-01-01'::date, 9007199254740993::bigint), ('2024-01-02', 9007199254740993)) v(t, a);

-- Issue 10.1: durations across the whole range the types accept do not
-- wrap (1.0: avg_interpurchase -104300492 days -08:01:50.552064, a
-- negative rfm recency, clv_summary t < t_x, a negative clv)
SELECT avg_interpurchase(t), avg_interpurchase_days(t)
FROM (VALUES ('4713-01-01 BC'::timestamp), ('294276-12-31 23:59:59'::timestamp)) v(t);
-- each time type against the date arithmetic of the same span
CREATE TEMP TABLE wide_spans AS
SELECT '294276-12-31'::date - '4713-01-01 BC'::date AS span_days;
SELECT span_days,
	   (SELECT avg_interpurchase(t) FROM (VALUES ('4713-01-01 BC'::timestamptz),
			('294276-12-31 23:59:59+00')) v(t)) = make_interval(days => span_days, secs => 86399) AS timestamptz_exact,
	   (SELECT avg_interpurchase(t) FROM (VALUES ('4713-01-01 BC'::timestamp),
			('294276-12-31 23:59:59')) v(t)) = make_interval(days => span_days, secs => 86399) AS timestamp_exact,
	   (SELECT avg_interpurchase(t) FROM (VALUES ('4713-01-01 BC'::date),
			('294276-12-31')) v(t)) = make_interval(days => span_days) AS date_exact,
	   (SELECT avg_interpurchase_days(t) FROM (VALUES ('4713-01-01 BC'::date),
			('294276-12-31')) v(t)) = span_days AS days_exact
FROM wide_spans;
-- rfm recency, clv_summary t_x and t, clv over the widest spans
SELECT (rfm(t, 10, '294276-12-31'::date)).recency = span_days AS recency_exact,
	   (rfm(t, 10, '294276-12-31'::date)).recency > 0 AS recency_positive
FROM (VALUES ('4713-01-01 BC'::date)) v(t), wide_spans GROUP BY span_days;
SELECT (s).t_x, (s).t, (s).t_x = span_days - 1 AND (s).t = span_days AS exact, (s).t >= (s).t_x AS ordered
FROM (SELECT clv_summary(t, 10, '294276-12-31'::date) AS s
	  FROM (VALUES ('4713-01-01 BC'::date), ('294276-12-30')) v(t)) q, wide_spans;
SELECT (s).t_x, (s).t, (s).t >= (s).t_x AS ordered
FROM (SELECT clv_summary(t, 10, '294276-12-31 23:59:59'::timestamp, '1 week') AS s
	  FROM (VALUES ('4713-01-01 BC'::timestamp), ('294276-12-31 12:00'::timestamp)) v(t)) q;
SELECT v > 0 AS positive,
	   abs(v - 20.0 / 2 * 63115200 / ((span_days - 1) * 86400.0)) <= 1e-12 * v AS agrees
FROM (SELECT clv(t, 10, '2 years') AS v
	  FROM (VALUES ('4713-01-01 BC'::date), ('294276-12-30')) v(t)) q, wide_spans;
SELECT clv(t, 10::real, '2 years') > 0 AS timestamptz_positive
FROM (VALUES ('4713-01-01 BC'::timestamptz), ('294276-12-31 23:59:59+00')) v(t);

-- Issue 10.2: NaN and infinite amounts are class-22 errors naming the
-- function (1.0: clv_summary m NaN, rfm monetary Infinity or NaN)
SELECT call, typ, amount, pg_temp.error_of(format(
		$$SELECT %s FROM (VALUES ('2024-01-01'::date, 1::%s), ('2024-01-02', %L)) v(t, a)$$,
		call, typ, amount)) AS error
FROM unnest(ARRAY['rfm(t, a, ''2024-12-31''::date)', 'clv_summary(t, a, ''2024-12-31''::date)',
				  'clv_summary(t, a, ''2024-12-31''::date, ''1 week'')', 'clv(t, a, ''1 year'')']) call,
	 (VALUES ('double precision', 'Infinity'), ('double precision', '-Infinity'),
			 ('double precision', 'NaN'), ('real', 'Infinity'), ('real', 'NaN'),
			 ('numeric', 'Infinity'), ('numeric', '-Infinity'), ('numeric', 'NaN')) v(typ, amount)
ORDER BY call, typ, amount;
-- also in window use, and past numeric's 128-bit fast path
SELECT pg_temp.error_of($$SELECT rfm(t, a, '2024-12-31'::date) OVER (ORDER BY t)
						FROM (VALUES ('2024-01-01'::date, 1::float8), ('2024-01-02', 'NaN')) v(t, a)$$);
SELECT pg_temp.error_of($$SELECT rfm(t, a, '2024-12-31'::date)
						FROM (VALUES ('2024-01-01'::date, 1e40::numeric), ('2024-01-02', 'NaN')) v(t, a)$$);
-- float8 totals past the double range: 22003, as the built-in sum
SELECT pg_temp.error_of($$SELECT rfm(t, a, '2024-12-31'::date)
						FROM (VALUES ('2024-01-01'::date, 1.7e308::float8), ('2024-01-02', 1.7e308)) v(t, a)$$) AS rfm,
	   pg_temp.error_of($$SELECT sum(a) FROM (VALUES (1.7e308::float8), (1.7e308)) v(a)$$) AS builtin_sum;
SELECT pg_temp.error_of($$SELECT clv_summary(t, a, '2024-12-31'::date)
						FROM (VALUES ('2024-01-01'::date, -3e38::real), ('2024-01-01', -3e38), ('2024-01-02', 1)) v(t, a)$$) AS real_ok,
	   pg_temp.error_of($$SELECT clv(t, a, '290000 years')
						FROM (VALUES ('2024-01-01'::date, 1e308::float8), ('2024-01-02', 1)) v(t, a)$$) AS clv_result,
	   pg_temp.error_of($$SELECT clv(t, a, '1 year')
						FROM (VALUES ('2024-01-01'::date, 1e400::numeric), ('2024-01-02', 1)) v(t, a)$$) AS clv_numeric_total;

-- Issue 10.8: the lifespan limit is exactly the documented 290,000 years
-- of 365.25 days (1.0 accepted 292,000 years)
SELECT pg_temp.error_of($$SELECT clv(now(), 1, '292000 years')$$);
SELECT pg_temp.error_of($$SELECT clv(now(), 1, '290000 years 1 microsecond')$$);
SELECT pg_temp.error_of($$SELECT clv(now(), 1, '3480000 months 0.000001 seconds')$$);
SELECT clv(t, 1, '290000 years') = 2.0 / 2 * 290000 * 365.25 AS limit_accepted,
	   clv(t, 1, '290000 years -1 day 1 hour') > 0 AS inside
FROM (VALUES ('2024-01-01'::date), ('2024-01-02')) v(t);
-- errors in window use name the function called (1.0: "rfm or
-- clv_summary", and avg_interpurchase for avg_interpurchase_days)
SELECT pg_temp.error_of($$SELECT clv_summary(t, 1, t) OVER (ORDER BY t)
						FROM (VALUES ('2024-01-01'::date), ('2024-01-02')) v(t)$$);
SELECT pg_temp.error_of($$SELECT rfm(t, 1, t) OVER (ORDER BY t)
						FROM (VALUES ('2024-01-01'::date), ('2024-01-02')) v(t)$$);
SELECT pg_temp.error_of($$SELECT clv(t, 1, make_interval(days => d)) OVER (ORDER BY t)
						FROM (VALUES ('2024-01-01'::date, 1), ('2024-01-02', 2)) v(t, d)$$);
SELECT pg_temp.error_of($$SELECT avg_interpurchase_days(t) OVER (ORDER BY t ROWS 1 PRECEDING)
						FROM (VALUES ('2024-01-01'::date), ('infinity')) v(t)$$);
SELECT pg_temp.error_of($$SELECT clv_summary(t, 1, '2024-12-31'::date, NULL) OVER ()
						FROM (VALUES ('2024-01-01'::date)) v(t)$$);
RESET ALL;

-- a 1.0 catalogue (aggregates over the shared clv_history_trans) running
-- on this library is told to update, not given wrong answers
CREATE FUNCTION pg_temp.clv_history_trans_1_0(internal, date, anyelement, date)
RETURNS internal AS '$libdir/clv', 'clv_history_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT;
CREATE AGGREGATE pg_temp.rfm_1_0(date, anyelement, date) (
	SFUNC = pg_temp.clv_history_trans_1_0,
	STYPE = internal,
	FINALFUNC = clv_rfm_final
);
SELECT pg_temp.error_of($$SELECT pg_temp.rfm_1_0(t, 1, t) FROM (VALUES ('2024-01-01'::date)) v(t)$$);
