-- Retention on the full CDNOW log (CDNOW_master.txt: 23,570 customers, all
-- first purchases in 1997-Q1, orders to 1998-06): the monthly series, every
-- month's retention_rate and new_customer_share, and the cohort matrix,
-- each equal to its plain-SQL formulation.
SET extra_float_digits = 0;
SET DateStyle = 'ISO';
SET TimeZone = 'UTC';

CREATE TABLE master_raw (line text);
\copy master_raw FROM 'test/data/cdnow/CDNOW_master.txt'
CREATE TABLE master_orders AS
SELECT f[1]::int AS customer_id, to_date(f[2], 'YYYYMMDD') AS ordered_at,
	   f[3]::int AS cds, f[4]::numeric AS amount
FROM (SELECT regexp_split_to_array(btrim(line, E' \r'), ' +') AS f FROM master_raw) s
WHERE f[1] ~ '^[0-9]+$';
SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers,
	   min(ordered_at), max(ordered_at)
FROM master_orders;

-- 'same (n rows)' when queries a and b return the same multiset of rows.
CREATE FUNCTION pg_temp.same_rows(a text, b text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	na bigint;
	nb bigint;
	diff bigint;
BEGIN
	EXECUTE format('SELECT count(*) FROM (%s) x', a) INTO na;
	EXECUTE format('SELECT count(*) FROM (%s) x', b) INTO nb;
	EXECUTE format('SELECT count(*) FROM ((SELECT * FROM (%s) x EXCEPT ALL SELECT * FROM (%s) y)
	                UNION ALL (SELECT * FROM (%s) y EXCEPT ALL SELECT * FROM (%s) x)) d',
	               a, b, b, a) INTO diff;
	IF diff = 0 AND na = nb THEN
		RETURN format('same (%s rows)', na);
	END IF;
	RETURN format('DIFFERENT: %s vs %s rows, %s differ', na, nb, diff);
END $$;

-- The monthly series: retention_series against the self-join of DISTINCT
-- (customer, month) rows.
CREATE TEMP VIEW series AS
SELECT s.* FROM (SELECT retention_series(customer_id, ordered_at, '1 month') AS m FROM master_orders) q,
	 unnest(q.m) s;
CREATE TEMP VIEW sql_series AS
WITH a AS (SELECT DISTINCT customer_id AS c, date_trunc('month', ordered_at)::date AS p FROM master_orders),
f AS (SELECT c, min(p) AS fp FROM a GROUP BY c),
s AS (SELECT cur.p, count(*) AS customers, count(prev.c) AS retained,
			 count(*) FILTER (WHERE f.fp = cur.p) AS new_customers
	  FROM a cur
	  LEFT JOIN a prev ON prev.c = cur.c AND prev.p = (cur.p - interval '1 month')::date
	  JOIN f ON f.c = cur.c
	  GROUP BY cur.p)
SELECT p, customers, retained, new_customers,
	   retained::float8 / nullif(lag(customers) OVER (ORDER BY p), 0) AS retention_rate,
	   new_customers::float8 / nullif(customers, 0) AS new_share
FROM s;
SELECT pg_temp.same_rows('SELECT * FROM series', 'SELECT * FROM sql_series') AS series_vs_self_join;
SELECT * FROM series;

-- Every month from 1997-02 to 1998-06: the one-period functions against the
-- self-join of the two months' DISTINCT customers and a min() of first
-- purchases.
SELECT count(*) AS months,
	   count(*) FILTER (WHERE rate = sql_rate AND new_share = sql_new_share) AS equal,
	   count(*) FILTER (WHERE rate = series_rate AND new_share = series_new_share) AS equal_to_series
FROM (
	SELECT m.start,
		   (SELECT retention_rate(customer_id, ordered_at, m.start, '1 month') FROM master_orders) AS rate,
		   (SELECT new_customer_share(customer_id, ordered_at, m.start, '1 month') FROM master_orders) AS new_share,
		   (SELECT count(cur.c)::float8 / count(*)
			FROM (SELECT DISTINCT customer_id AS c FROM master_orders
				  WHERE ordered_at >= m.start - interval '1 month' AND ordered_at < m.start) prev
			LEFT JOIN (SELECT DISTINCT customer_id AS c FROM master_orders
					   WHERE ordered_at >= m.start AND ordered_at < m.start + interval '1 month') cur
			  ON cur.c = prev.c) AS sql_rate,
		   (SELECT count(*) FILTER (WHERE f.first_at >= m.start)::float8 / count(*)
			FROM (SELECT DISTINCT customer_id AS c FROM master_orders
				  WHERE ordered_at >= m.start AND ordered_at < m.start + interval '1 month') cur
			JOIN (SELECT customer_id AS c, min(ordered_at) AS first_at FROM master_orders GROUP BY 1) f
			  ON f.c = cur.c) AS sql_new_share,
		   s.retention_rate AS series_rate, s.new_share AS series_new_share
	FROM (SELECT g::date AS start FROM generate_series(date '1997-02-01', '1998-06-01', '1 month') g) m
	JOIN series s ON s.period_start = m.start
) x;
-- pinned: April 1997 against March 1997, and June 1998 against May 1998
SELECT round(retention_rate(customer_id, ordered_at, '1997-04-01', '1 month')::numeric, 6) AS apr_1997,
	   round(new_customer_share(customer_id, ordered_at, '1997-03-01', '1 month')::numeric, 6) AS new_mar_1997,
	   round(retention_rate(customer_id, ordered_at, '1998-06-01', '1 month')::numeric, 6) AS jun_1998
FROM master_orders;

-- The cohort matrix against a min() OVER (PARTITION BY customer) cohort
-- label and counts per cohort and month.
CREATE TEMP VIEW cohorts AS
SELECT s.* FROM (SELECT cohort_retention(customer_id, ordered_at, '1 month') AS m FROM master_orders) q,
	 unnest(q.m) s;
CREATE TEMP VIEW sql_cohorts AS
WITH a AS (SELECT DISTINCT customer_id AS c, date_trunc('month', ordered_at)::date AS p FROM master_orders),
l AS (SELECT c, p, min(p) OVER (PARTITION BY c) AS cohort FROM a),
sizes AS (SELECT cohort, count(*) AS size FROM l WHERE p = cohort GROUP BY cohort),
counts AS (SELECT cohort, p, count(*) AS active FROM l GROUP BY cohort, p),
cells AS (SELECT s.cohort, s.size, g::date AS p,
				 (row_number() OVER (PARTITION BY s.cohort ORDER BY g) - 1)::int AS k
		  FROM sizes s, generate_series(s.cohort, (SELECT max(p) FROM a), interval '1 month') g)
SELECT cells.cohort, cells.k, cells.size, coalesce(counts.active, 0),
	   coalesce(counts.active, 0)::float8 / cells.size
FROM cells LEFT JOIN counts ON counts.cohort = cells.cohort AND counts.p = cells.p;
SELECT pg_temp.same_rows('SELECT * FROM cohorts', 'SELECT * FROM sql_cohorts') AS cohorts_vs_sql;
SELECT cohort_start, k, cohort_size, active, round(share::numeric, 4) AS share
FROM cohorts WHERE k IN (0, 1, 2, 3, 12, 17) ORDER BY cohort_start, k;

-- Weekly and quarterly periods, and text keys, agree with bigint keys.
SELECT pg_temp.same_rows(
		   $$SELECT s.* FROM (SELECT cohort_retention(customer_id, ordered_at, '1 week') AS m FROM master_orders) q, unnest(q.m) s$$,
		   $$SELECT s.* FROM (SELECT cohort_retention(lpad(customer_id::text, 5, '0'), ordered_at, '1 week') AS m FROM master_orders) q, unnest(q.m) s$$) AS weekly_text_keys,
	   pg_temp.same_rows(
		   $$SELECT s.* FROM (SELECT retention_series(customer_id, ordered_at, '3 months') AS m FROM master_orders) q, unnest(q.m) s$$,
		   $$WITH a AS (SELECT DISTINCT customer_id AS c, date_trunc('quarter', ordered_at)::date AS p FROM master_orders),
			 f AS (SELECT c, min(p) AS fp FROM a GROUP BY c),
			 s AS (SELECT cur.p, count(*) AS customers, count(prev.c) AS retained,
						  count(*) FILTER (WHERE f.fp = cur.p) AS new_customers
				   FROM a cur LEFT JOIN a prev ON prev.c = cur.c AND prev.p = (cur.p - interval '3 months')::date
				   JOIN f ON f.c = cur.c
				   GROUP BY cur.p)
			 SELECT p, customers, retained, new_customers,
					retained::float8 / lag(customers) OVER (ORDER BY p), new_customers::float8 / customers
			 FROM s$$) AS quarterly;
-- ISO weeks before 2000 (negative day numbers) against date_trunc('week').
SELECT pg_temp.same_rows(
		   $$SELECT s.* FROM (SELECT retention_series(customer_id, ordered_at, '1 week') AS m FROM master_orders) q, unnest(q.m) s$$,
		   $$WITH a AS (SELECT DISTINCT customer_id AS c, date_trunc('week', ordered_at)::date AS p FROM master_orders),
			 f AS (SELECT c, min(p) AS fp FROM a GROUP BY c),
			 s AS (SELECT cur.p, count(*) AS customers, count(prev.c) AS retained,
						  count(*) FILTER (WHERE f.fp = cur.p) AS new_customers
				   FROM a cur LEFT JOIN a prev ON prev.c = cur.c AND prev.p = cur.p - 7
				   JOIN f ON f.c = cur.c
				   GROUP BY cur.p)
			 SELECT p, customers, retained, new_customers,
					retained::float8 / lag(customers) OVER (ORDER BY p), new_customers::float8 / customers
			 FROM s$$) AS weekly;

-- The two-step form (clv_activity per customer, then the aggregates over
-- the activities) gives the same series, cohort matrix and one-period
-- values, to the last bit.
CREATE TEMP TABLE master_activity AS
SELECT customer_id, clv_activity(ordered_at, '1 month') AS a FROM master_orders GROUP BY 1;
SELECT pg_temp.same_rows('SELECT * FROM series',
						 $$SELECT s.* FROM (SELECT retention_series(a) AS m FROM master_activity) q, unnest(q.m) s$$) AS two_step_series,
	   pg_temp.same_rows('SELECT * FROM cohorts',
						 $$SELECT s.* FROM (SELECT cohort_retention(a) AS m FROM master_activity) q, unnest(q.m) s$$) AS two_step_cohorts,
	   (SELECT count(*) FILTER (WHERE (SELECT retention_rate(a, m.start) FROM master_activity) = s.retention_rate
								  AND (SELECT new_customer_share(a, m.start) FROM master_activity) = s.new_share)
		FROM (SELECT g::date AS start FROM generate_series(date '1997-02-01', '1998-06-01', '1 month') g) m
		JOIN series s ON s.period_start = m.start) AS two_step_months_equal;
