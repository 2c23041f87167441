-- clv_holdout: a customer's calibration summary (clv_summary's six fields
-- up to calibration_end) and holdout purchases, duration and spend in
-- (calibration_end, holdout_end], in one scan; the fits and
-- expected_purchases over it.
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';

\i test/regress/error_of.sql

-- whether a query's plan, run, has a partial aggregate and launched workers
\i test/regress/plan_of.sql

-- calibration to 2024-06-30 00:00, holdout to 2024-12-31 00:00 (184 days)
CREATE TABLE holdout_orders (customer_id int, ordered_at timestamptz, amount numeric);
INSERT INTO holdout_orders VALUES
	-- customer 1: calibration occasions 01-01 10:00 (two rows, 10 + 5),
	-- 01-11 10:00 and one exactly at calibration_end: x 2, t_x = t = 180.5833
	-- days (181 days less 10 hours), m (20 + 1) / 2 = 10.5, 4 orders;
	-- holdout occasions 07-05 09:00 (two rows, 7 + 3), 08-01 and one exactly
	-- at holdout_end: 3 purchases, spend 7 + 3 + 40 + 100 = 150; a row a
	-- second after holdout_end is not counted
	(1, '2024-01-01 10:00', 10), (1, '2024-01-01 10:00', 5),
	(1, '2024-01-11 10:00', 20), (1, '2024-06-30 00:00', 1),
	(1, '2024-07-05 09:00', 7), (1, '2024-07-05 09:00', 3),
	(1, '2024-08-01 00:00', 40), (1, '2024-12-31 00:00', 100),
	(1, '2024-12-31 00:00:01', 1000),
	-- customer 2: orders only after calibration_end: NULL (not in the
	-- calibration population, as clv_summary at calibration_end is NULL)
	(2, '2024-07-01 00:00', 5), (2, '2024-08-01 00:00', 5),
	-- customer 3: one calibration order, no holdout order: x 0, t 30 days,
	-- holdout 0 purchases, spend 0
	(3, '2024-05-31 00:00', 9),
	-- customer 4: rows with a NULL time or amount are not counted, in either
	-- period: x 0, holdout 1 purchase of 6
	(4, '2024-02-01 00:00', 8), (4, NULL, 99), (4, '2024-03-01 00:00', NULL),
	(4, '2024-09-01 00:00', NULL), (4, '2024-10-01 00:00', 6),
	-- customer 5: only rows after holdout_end, and NULL rows: NULL
	(5, '2025-01-01 00:00', 1), (5, NULL, 2);

SELECT customer_id,
	   clv_holdout(ordered_at, amount, '2024-06-30 00:00'::timestamptz, '2024-12-31 00:00'::timestamptz)
FROM holdout_orders GROUP BY customer_id ORDER BY customer_id;
SELECT customer_id,
	   clv_holdout(ordered_at, amount, '2024-06-30 00:00'::timestamptz, '2024-12-31 00:00'::timestamptz,
				   '1 week')
FROM holdout_orders GROUP BY customer_id ORDER BY customer_id;

-- the calibration part is clv_summary's at calibration_end, field for
-- field; the holdout part equals a plain-SQL count, duration and sum
WITH h AS (
	SELECT customer_id,
		   clv_holdout(ordered_at, amount, '2024-06-30 00:00'::timestamptz,
					   '2024-12-31 00:00'::timestamptz, '1 week') AS h,
		   clv_summary(ordered_at, amount, '2024-06-30 00:00'::timestamptz, '1 week') AS s
	FROM holdout_orders GROUP BY customer_id
), plain AS (
	SELECT customer_id, count(DISTINCT ordered_at) AS purchases, coalesce(sum(amount), 0) AS spend
	FROM holdout_orders
	WHERE ordered_at > '2024-06-30 00:00' AND ordered_at <= '2024-12-31 00:00' AND amount IS NOT NULL
	GROUP BY customer_id
)
SELECT customer_id,
	   CASE WHEN h IS NULL THEN s IS NULL
			ELSE ROW((h).x, (h).t_x, (h).t, (h).m, (h).orders, (h).unit)::clv_summary = s
	   END AS calibration_is_clv_summary,
	   (h).holdout_purchases IS NOT DISTINCT FROM
		   CASE WHEN h IS NOT NULL THEN coalesce(p.purchases, 0) END AS purchases_agree,
	   (h).holdout_spend IS NOT DISTINCT FROM
		   CASE WHEN h IS NOT NULL THEN coalesce(p.spend, 0) END AS spend_agrees,
	   (h).holdout_duration IS NOT DISTINCT FROM
		   CASE WHEN h IS NOT NULL THEN 184 / 7.0::float8 END AS duration_agrees
FROM h LEFT JOIN plain p USING (customer_id) ORDER BY customer_id;

-- time types: dates (same-day holdout orders are one occasion, and a date
-- calibration_end keeps that whole day) and timestamps without time zone
SELECT clv_holdout(d, a, '2024-06-30'::date, '2024-12-31'::date) AS dates,
	   clv_holdout(d::timestamp, a, '2024-06-30'::timestamp, '2024-12-31'::timestamp, '7 days') AS timestamps
FROM (VALUES ('2024-06-01'::date, 10), ('2024-06-30', 20), ('2024-07-01', 1), ('2024-07-01', 2),
			 ('2024-07-01', 3), ('2024-12-31', 4), ('2025-01-01', 1000)) v(d, a);
-- holdout_end = calibration_end: an empty holdout of duration 0
SELECT clv_holdout(d, a, '2024-06-30'::date, '2024-06-30'::date)
FROM (VALUES ('2024-06-01'::date, 10), ('2024-07-01', 1)) v(d, a);

-- amounts: holdout_spend follows clv_summary's m, exact for integers and
-- numeric, float8 sums for floating types
SELECT (clv_holdout(d, a::smallint, '2024-06-30'::date, '2024-12-31'::date)).holdout_spend AS int2,
	   (clv_holdout(d, a::bigint, '2024-06-30'::date, '2024-12-31'::date)).holdout_spend AS int8,
	   (clv_holdout(d, a::real, '2024-06-30'::date, '2024-12-31'::date)).holdout_spend AS float4,
	   (clv_holdout(d, a::float8 / 10, '2024-06-30'::date, '2024-12-31'::date)).holdout_spend AS float8,
	   (clv_holdout(d, a / 10.0, '2024-06-30'::date, '2024-12-31'::date)).holdout_spend AS numeric
FROM (VALUES ('2024-06-01'::date, 10), ('2024-07-01', 1), ('2024-08-01', 2)) v(d, a);

-- errors name clv_holdout
SELECT pg_temp.error_of($$SELECT clv_holdout(d, 1, '2024-06-30'::date, '2024-06-29'::date)
						  FROM (VALUES ('2024-06-01'::date)) v(d)$$);
SELECT pg_temp.error_of($$SELECT clv_holdout(d, 1, NULL::date, '2024-06-29'::date)
						  FROM (VALUES ('2024-06-01'::date)) v(d)$$);
SELECT pg_temp.error_of($$SELECT clv_holdout(d, 1, '2024-06-30'::date, NULL::date)
						  FROM (VALUES ('2024-06-01'::date)) v(d)$$);
SELECT pg_temp.error_of($$SELECT clv_holdout(d, 1, '2024-06-30'::date, '2024-12-31'::date, NULL)
						  FROM (VALUES ('2024-06-01'::date)) v(d)$$);
SELECT pg_temp.error_of($$SELECT clv_holdout(d, 1, '2024-06-30'::date, '2024-12-31'::date, '1 month')
						  FROM (VALUES ('2024-06-01'::date)) v(d)$$);
SELECT pg_temp.error_of($$SELECT clv_holdout(d, 1, '2024-06-30'::date, h)
						  FROM (VALUES ('2024-06-01'::date, '2024-12-31'::date),
									   ('2024-07-01', '2024-12-30')) v(d, h)$$);
SELECT pg_temp.error_of($$SELECT clv_holdout(t, 1, '2024-06-30'::date, '2024-12-31'::date)
						  FROM (VALUES ('2024-06-01'::timestamptz)) v(t)$$);
SELECT pg_temp.error_of($$SELECT clv_holdout(t, 1::float8, '2024-06-30'::date, '2024-12-31'::date, '1 week')
						  FROM (VALUES ('2024-06-01'::timestamp)) v(t)$$);
SELECT pg_temp.error_of($$SELECT clv_holdout(d, 'NaN'::float8, '2024-06-30'::date, '2024-12-31'::date)
						  FROM (VALUES ('2024-07-01'::date)) v(d)$$);

-- a simulated customer base: the fits read the calibration part exactly as
-- they read clv_summary (same statistic, same model), customers without
-- calibration orders are left out, and expected_purchases(model, holdout)
-- is the plain form over holdout_duration
CREATE TABLE holdout_sim AS
SELECT customer_id, ordered_at, amount FROM clv_sample_orders(customers => 500, seed => 2,
	start_at => '2024-01-01', end_at => '2025-06-01');
CREATE TABLE holdout_sim_h AS
SELECT customer_id,
	   clv_holdout(ordered_at, amount, '2024-12-01'::timestamptz, '2025-06-01'::timestamptz, '1 week') AS h,
	   clv_summary(ordered_at, amount, '2024-12-01'::timestamptz, '1 week') AS s
FROM holdout_sim GROUP BY customer_id;
SELECT count(*) AS customers, count(h) AS calibrated, count(*) FILTER (WHERE h IS NULL AND s IS NULL) AS both_null,
	   sum((h).holdout_purchases) AS holdout_purchases,
	   (SELECT count(DISTINCT (customer_id, ordered_at)) FROM holdout_sim s
		WHERE ordered_at > '2024-12-01' AND ordered_at <= '2025-06-01'
		  AND customer_id IN (SELECT customer_id FROM holdout_sim_h WHERE h IS NOT NULL)) AS plain_count
FROM holdout_sim_h;
SELECT clv_stats(h) = clv_stats(s) AS same_statistic,
	   bgnbd_fit(h) = bgnbd_fit(s) AS same_bgnbd,
	   pareto_nbd_fit(h) = pareto_nbd_fit(s) AS same_pareto_nbd,
	   gamma_gamma_fit(h) = gamma_gamma_fit(s) AS same_gamma_gamma,
	   (bgnbd_fit(h)).customers AS customers
FROM holdout_sim_h;
CREATE TABLE holdout_fit AS SELECT bgnbd_fit(h) AS bg, pareto_nbd_fit(h) AS pn FROM holdout_sim_h;
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE expected_purchases(bg, h) =
							  expected_purchases(bg, (h).holdout_duration, (h).x, (h).t_x, (h).t)) AS bgnbd_same,
	   count(*) FILTER (WHERE expected_purchases(pn, h) =
							  expected_purchases(pn, (h).holdout_duration, (h).x, (h).t_x, (h).t)) AS pareto_nbd_same,
	   round((h).holdout_duration::numeric, 4) AS holdout_weeks
FROM holdout_sim_h, holdout_fit WHERE h IS NOT NULL GROUP BY (h).holdout_duration;
-- a NULL holdout gives NULL; a holdout in another unit than the model's is an error
SELECT expected_purchases(bg, NULL::clv_holdout_summary) FROM holdout_fit;
SELECT pg_temp.error_of($$SELECT expected_purchases(bg, ROW(1, 2, 3, 0, 2, '1 day', 0, 7, 0)::clv_holdout_summary) FROM holdout_fit$$);
SELECT pg_temp.error_of($$SELECT expected_purchases(bg, ROW(1, 2, 3, 0, 2, '7 days', 0, -1, 0)::clv_holdout_summary) FROM holdout_fit$$);
SELECT round(expected_purchases(bg, ROW(2, 30.43, 38.86, 0, 3, '7 days', 0, 39, 0)::clv_holdout_summary)::numeric, 6) =
	   round(expected_purchases(bg, 39, 2, 30.43, 38.86)::numeric, 6) AS by_hand_row
FROM holdout_fit;

-- forced parallel plans (serialize, combine, deserialize) = serial plan,
-- over groups of many customers' orders (so that the planner aggregates
-- partially in the workers) and over the whole table
CREATE TABLE holdout_big AS
SELECT customer_id % 50 AS grp, ordered_at, amount FROM clv_sample_orders(customers => 20000, seed => 3,
	start_at => '2024-01-01', end_at => '2025-06-01');
ALTER TABLE holdout_big SET (parallel_workers = 2);
ANALYZE holdout_big;
CREATE TEMP VIEW holdout_result AS
SELECT grp,
	   clv_holdout(ordered_at, amount, '2024-12-01'::timestamptz, '2025-06-01'::timestamptz, '1 week') AS h,
	   clv_holdout(ordered_at::date, amount::float8, '2024-12-01'::date, '2025-03-01'::date) AS hd
FROM holdout_big GROUP BY grp;
CREATE TEMP TABLE holdout_serial AS SELECT * FROM holdout_result;
CREATE TEMP TABLE holdout_serial_whole AS
SELECT clv_holdout(ordered_at, amount, '2024-12-01'::timestamptz, '2025-06-01'::timestamptz, '1 week') AS h
FROM holdout_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
-- the whole table as one customer: partial states combined
SET enable_hashagg = off;
SELECT pg_temp.plan_of($$SELECT clv_holdout(ordered_at, amount, '2024-12-01'::timestamptz,
						   '2025-06-01'::timestamptz, '1 week') FROM holdout_big$$);
SELECT clv_holdout(ordered_at, amount, '2024-12-01'::timestamptz, '2025-06-01'::timestamptz, '1 week') = h
	   AS whole_table_same
FROM holdout_big, holdout_serial_whole GROUP BY h;
-- per group, sorted and hashed partial aggregates
SELECT pg_temp.plan_of($$SELECT * FROM holdout_result$$);
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE (p.h, p.hd) IS DISTINCT FROM (s.h, s.hd)) AS mismatches
FROM holdout_result p JOIN holdout_serial s USING (grp);
SET enable_hashagg = on;
SET enable_sort = off;
SELECT pg_temp.plan_of($$SELECT * FROM holdout_result$$);
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE (p.h, p.hd) IS DISTINCT FROM (s.h, s.hd)) AS mismatches
FROM holdout_result p JOIN holdout_serial s USING (grp);
RESET ALL;
