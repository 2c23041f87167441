-- clv_summary on the CDNOW sample (2,357 customers) reproduces the
-- published summary and an independent plain-SQL formulation.
SET extra_float_digits = 0;
SET IntervalStyle = 'postgres';

CREATE TABLE cdnow_raw (line text);
\copy cdnow_raw FROM 'test/data/cdnow/CDNOW_sample.txt'
CREATE TABLE cdnow_orders AS
SELECT f[2]::int AS customer_id, to_date(f[3], 'YYYYMMDD') AS ordered_at,
	   f[4]::int AS cds, f[5]::numeric AS amount
FROM (SELECT regexp_split_to_array(btrim(line, E' \r'), ' +') AS f FROM cdnow_raw) s;
SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers FROM cdnow_orders;

CREATE TABLE cdnow_summary AS
SELECT customer_id, (clv_summary(ordered_at, amount, '1997-09-30'::date, '1 week')).*
FROM cdnow_orders GROUP BY customer_id;

-- the published figures
SELECT count(*) AS customers, sum(x) AS repeat_purchases,
	   count(*) FILTER (WHERE x = 0) AS no_repeat,
	   count(*) FILTER (WHERE x > 0) AS repeat_customers
FROM cdnow_summary;
SELECT customer_id, x, round(t_x::numeric, 2) AS t_x, round(t::numeric, 2) AS t,
	   round(m, 2) AS m, orders, unit
FROM cdnow_summary WHERE customer_id IN (1, 2, 3) ORDER BY customer_id;

-- an independent plain-SQL formulation of the same definitions
WITH days AS (
	SELECT customer_id, ordered_at, sum(amount) AS amount, count(*) AS rows
	FROM cdnow_orders WHERE ordered_at <= '1997-09-30'
	GROUP BY customer_id, ordered_at
), firsts AS (
	SELECT customer_id, min(ordered_at) AS first FROM days GROUP BY customer_id
), expected AS (
	SELECT d.customer_id, count(*) - 1 AS x,
		   (max(d.ordered_at) - f.first) / 7.0 AS t_x,
		   ('1997-09-30'::date - f.first) / 7.0 AS t,
		   -- the mean repeat amount to the scale of the amounts plus 4 digits
		   coalesce(round(avg(d.amount) FILTER (WHERE d.ordered_at > f.first),
						  scale(sum(d.amount)) + 4), 0) AS m,
		   sum(d.rows) AS orders
	FROM days d JOIN firsts f USING (customer_id)
	GROUP BY d.customer_id, f.first
)
SELECT count(*) AS compared,
	   count(*) FILTER (WHERE s.customer_id IS NULL OR e.customer_id IS NULL) AS unmatched,
	   count(*) FILTER (WHERE s.x <> e.x) AS x_differs,
	   count(*) FILTER (WHERE abs(s.t_x - e.t_x) > 1e-9) AS t_x_differs,
	   count(*) FILTER (WHERE abs(s.t - e.t) > 1e-9) AS t_differs,
	   count(*) FILTER (WHERE s.m <> e.m) AS m_differs,
	   count(*) FILTER (WHERE s.orders <> e.orders) AS orders_differs
FROM cdnow_summary s FULL JOIN expected e USING (customer_id);
