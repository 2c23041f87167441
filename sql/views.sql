-- views.sql -- deployment: clv_create_views, clv_refresh_views,
-- clv_schedule_views.  The views are checked column by column against
-- plain-SQL formulations of what they claim to hold (and the fits against
-- the fitting aggregates over those plain columns), the refresh against a
-- customer added afterwards, the dry run against what the function itself
-- creates, and odd identifiers, a view as source, other column types and
-- every argument error.  Everything lives in the schema views_test.
SET client_min_messages = warning;
CREATE SCHEMA views_test;
SET search_path = views_test, public;
SET TimeZone = 'America/St_Johns';	-- results must not depend on it

-- an error's SQLSTATE, message and hint, as one line
CREATE FUNCTION views_test.error_of(statement text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	state text;
	msg text;
	hint text;
BEGIN
	EXECUTE statement;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
	RETURN state || ': ' || msg || CASE WHEN hint <> '' THEN E'\nHINT: ' || hint ELSE '' END;
END
$$;

-- x to 9 significant digits (as numeric; NULL stays NULL)
CREATE FUNCTION views_test.digits9(x float8) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN x = 0 OR x IS NULL OR x NOT BETWEEN -1e300 AND 1e300 THEN x::numeric
				ELSE round(x::numeric, 8 - floor(log(abs(x::numeric)))::int) END
$$;

-- the rows of two relations with the same columns that are not in both
-- (refreshed_at aside: it is the time of each refresh; floats to 9
-- significant digits, as sums over customers depend on the order of
-- addition: a total of 62,033 moved by 4e-11 between two scans)
CREATE FUNCTION views_test.differing(a regclass, b regclass) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	cols text;
	n bigint;
BEGIN
	SELECT string_agg(CASE WHEN atttypid = 'float8'::regtype THEN format('views_test.digits9(%I)', attname)
						   ELSE quote_ident(attname) END, ', ' ORDER BY attnum) INTO cols
	FROM pg_attribute WHERE attrelid = a AND attnum > 0 AND NOT attisdropped AND attname <> 'refreshed_at';
	EXECUTE format('SELECT count(*) FROM ((SELECT %1$s FROM %2$s EXCEPT ALL SELECT %1$s FROM %3$s)
					UNION ALL (SELECT %1$s FROM %3$s EXCEPT ALL SELECT %1$s FROM %2$s)) d', cols, a, b) INTO n;
	RETURN n;
END
$$;

-- the columns of a relation, with their types
CREATE FUNCTION views_test.columns_of(rel regclass) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
	FROM pg_attribute a WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped
$$;

-- 3,000 simulated customers, timestamptz orders; deploy with a fixed as_of
CREATE TABLE orders AS SELECT * FROM clv_sample_orders(3000);
SELECT length(clv_create_views('orders', 'customer_id', 'ordered_at', 'amount',
							   as_of => '2025-12-31')) > 0 AS deployed;

-- the six materialized views, each with a unique index on plain columns
-- (what REFRESH ... CONCURRENTLY needs), a comment on it and on every column
SELECT c.relname, c.relkind, i.indisunique,
	   pg_get_indexdef(i.indexrelid) ~ '^CREATE UNIQUE INDEX \S+ ON views_test\.\S+ USING btree \([a-z_, ]+\)$' AS plain_key,
	   obj_description(c.oid, 'pg_class') IS NOT NULL AS commented,
	   (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
		AND col_description(c.oid, a.attnum) IS NULL) AS columns_without_comment
FROM pg_class c JOIN pg_index i ON i.indrelid = c.oid
WHERE c.relnamespace = 'views_test'::regnamespace AND c.relname LIKE 'clv\_%'
ORDER BY c.relname;

-- every column and its type: numbers, text, dates, timestamps, booleans only
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relnamespace = 'views_test'::regnamespace AND c.relkind = 'm'
ORDER BY c.relname, a.attnum;
SELECT count(*) AS columns_of_other_types
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace = 'views_test'::regnamespace AND c.relkind = 'm' AND a.attnum > 0
  AND a.atttypid NOT IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype, 'numeric'::regtype,
						 'double precision'::regtype, 'text'::regtype, 'date'::regtype,
						 'timestamptz'::regtype, 'boolean'::regtype);

-- the model view: the settings, and the fits equal bgnbd_fit and
-- gamma_gamma_fit over plain-SQL summaries (x, t_x, t in weeks; m the mean
-- amount of the repeat days, to the amounts' scale plus 4 digits)
SELECT as_of, calibration_end, zone, unit, unit_days, horizon_months, round(horizon::numeric, 6) AS horizon,
	   discount, period, customers, repeat_customers, bgnbd_converged, gamma_gamma_converged,
	   refreshed_at BETWEEN now() - interval '1 hour' AND now() AS refreshed_recently
FROM clv_model;
CREATE TABLE plain AS
WITH days AS (
	SELECT customer_id, (ordered_at AT TIME ZONE 'UTC')::date AS day, sum(amount) AS amount, count(*) AS orders
	FROM orders WHERE (ordered_at AT TIME ZONE 'UTC')::date <= '2025-12-31'
	GROUP BY 1, 2)
SELECT customer_id, min(day) AS first_day, max(day) AS last_day, sum(orders) AS orders,
	   sum(amount) AS revenue, count(*) AS days,
	   count(*) - 1 AS x, (max(day) - min(day)) / 7.0 AS t_x, ('2025-12-31' - min(day)) / 7.0 AS t,
	   CASE WHEN count(*) > 1
			THEN round((sum(amount) - (array_agg(amount ORDER BY day))[1]) / (count(*) - 1),
					   scale(sum(amount)) + 4) ELSE 0 END AS m
FROM days GROUP BY customer_id;
SELECT count(*) AS customers, count(*) FILTER (WHERE x > 0) AS repeat_customers FROM plain;
CREATE TABLE plain_fit AS
SELECT bgnbd_fit(x, t_x::float8, t::float8, '1 week') AS bg,
	   gamma_gamma_fit(x, m::float8) AS gg
FROM plain;
SELECT abs(m.bgnbd_r - (f.bg).r) < 1e-9 AND abs(m.bgnbd_alpha - (f.bg).alpha) < 1e-9
	   AND abs(m.bgnbd_a - (f.bg).a) < 1e-9 AND abs(m.bgnbd_b - (f.bg).b) < 1e-9
	   AND abs(m.bgnbd_ll - (f.bg).ll) < 1e-6 AS bgnbd_equal,
	   abs(m.gamma_gamma_p - (f.gg).p) < 1e-9 AND abs(m.gamma_gamma_q - (f.gg).q) < 1e-9
	   AND abs(m.gamma_gamma_gamma - (f.gg).gamma) < 1e-9
	   AND m.gamma_gamma_customers = (f.gg).customers AS gamma_gamma_equal
FROM clv_model m, plain_fit f;
-- and their standard errors, AIC and BIC, as plain columns
SELECT (f.bg).std_errors IS NOT NULL AND (f.gg).std_errors IS NOT NULL AS fits_have_se,
	   abs(m.bgnbd_r_se / (f.bg).std_errors[1] - 1) < 1e-6
	   AND abs(m.bgnbd_alpha_se / (f.bg).std_errors[2] - 1) < 1e-6
	   AND abs(m.bgnbd_a_se / (f.bg).std_errors[3] - 1) < 1e-6
	   AND abs(m.bgnbd_b_se / (f.bg).std_errors[4] - 1) < 1e-6 AS bgnbd_se_equal,
	   abs(m.bgnbd_aic - (f.bg).aic) < 1e-6 AND abs(m.bgnbd_bic - (f.bg).bic) < 1e-6 AS bgnbd_criteria_equal,
	   abs(m.gamma_gamma_p_se / (f.gg).std_errors[1] - 1) < 1e-6
	   AND abs(m.gamma_gamma_q_se / (f.gg).std_errors[2] - 1) < 1e-6
	   AND abs(m.gamma_gamma_gamma_se / (f.gg).std_errors[3] - 1) < 1e-6 AS gamma_gamma_se_equal,
	   abs(m.gamma_gamma_aic - (f.gg).aic) < 1e-6 AND abs(m.gamma_gamma_bic - (f.gg).bic) < 1e-6
	   AS gamma_gamma_criteria_equal
FROM clv_model m, plain_fit f;

-- the customers view against the plain formulation, column by column:
-- RFM scores by the rank formula of the reference, value tiers by the
-- Pareto sums, model scores from the plain fit on the plain summaries
CREATE TABLE plain_scored AS
SELECT p.*,
	   1 + 5 * (rank() OVER (ORDER BY '2025-12-31' - last_day DESC) - 1) / count(*) OVER () AS r_score,
	   1 + 5 * (rank() OVER (ORDER BY days) - 1) / count(*) OVER () AS f_score,
	   1 + 5 * (rank() OVER (ORDER BY revenue) - 1) / count(*) OVER () AS m_score,
	   (sum(revenue) OVER (ORDER BY revenue DESC) - sum(revenue) OVER (PARTITION BY revenue)) AS greater,
	   sum(revenue) FILTER (WHERE revenue > 0) OVER () AS positive
FROM plain p;
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE c.first_order_day IS DISTINCT FROM p.first_day) AS first_order_day,
	   count(*) FILTER (WHERE c.last_order_day IS DISTINCT FROM p.last_day) AS last_order_day,
	   count(*) FILTER (WHERE c.orders IS DISTINCT FROM p.orders) AS orders,
	   count(*) FILTER (WHERE c.revenue IS DISTINCT FROM p.revenue OR c.monetary IS DISTINCT FROM p.revenue) AS revenue,
	   count(*) FILTER (WHERE c.average_order_value IS DISTINCT FROM round(p.revenue / p.orders, 2)) AS aov,
	   count(*) FILTER (WHERE abs(c.avg_interpurchase_days - (p.last_day - p.first_day)::float8 / nullif(p.x, 0)) > 1e-9
						OR (c.avg_interpurchase_days IS NULL) <> (p.x = 0)) AS gap,
	   count(*) FILTER (WHERE c.recency_days IS DISTINCT FROM '2025-12-31' - p.last_day) AS recency,
	   count(*) FILTER (WHERE c.frequency IS DISTINCT FROM p.days) AS frequency,
	   count(*) FILTER (WHERE (c.r_score, c.f_score, c.m_score) IS DISTINCT FROM (p.r_score, p.f_score, p.m_score)
						OR c.rfm_score IS DISTINCT FROM concat(p.r_score, p.f_score, p.m_score)) AS scores,
	   count(*) FILTER (WHERE c.segment IS DISTINCT FROM rfm_segment(p.r_score::int, p.f_score::int)) AS segment,
	   count(*) FILTER (WHERE c.value_tier IS DISTINCT FROM
						CASE WHEN p.revenue <= 0 THEN 'low'
							 WHEN p.greater::float8 < 0.8 * p.positive::float8 THEN 'high'
							 WHEN p.greater::float8 < 0.95 * p.positive::float8 THEN 'medium'
							 ELSE 'low' END) AS tier,
	   count(*) FILTER (WHERE c.unprofitable IS DISTINCT FROM (p.revenue <= 0)) AS unprofitable,
	   count(*) FILTER (WHERE c.x IS DISTINCT FROM p.x OR abs(c.t_x - p.t_x) > 1e-9 OR abs(c.t - p.t) > 1e-9) AS xtt,
	   count(*) FILTER (WHERE c.repeat_customer IS DISTINCT FROM (p.x > 0)) AS repeat_customer
FROM clv_customers c FULL JOIN plain_scored p USING (customer_id);
SELECT count(*) FILTER (WHERE abs(c.p_alive - p_alive(f.bg, p.x, p.t_x, p.t)) > 1e-9) AS p_alive,
	   count(*) FILTER (WHERE abs(c.expected_purchases - expected_purchases(f.bg, 360 / 7.0, p.x, p.t_x, p.t)) > 1e-9)
		   AS expected_purchases,
	   count(*) FILTER (WHERE abs(c.expected_spend - expected_purchases(f.bg, 360 / 7.0, p.x, p.t_x, p.t)
								  * expected_spend(f.gg, p.x, p.m)) > 1e-9) AS expected_spend,
	   count(*) FILTER (WHERE abs(c.clv - clv(f.bg, f.gg, p.x, p.t_x, p.t, p.m, 12, 0.01)) > 1e-9) AS clv
FROM clv_customers c JOIN plain p USING (customer_id) CROSS JOIN plain_fit f;

-- P(alive) is 1 for every one-time buyer, by the BG/NBD definition:
-- repeat_customer says which customers that is
SELECT repeat_customer, count(*) AS customers, min(p_alive) = 1 AS all_p_alive_1,
	   max(p_alive) = 1 AS some_p_alive_1
FROM clv_customers GROUP BY 1 ORDER BY 1;

-- the segments view against a plain GROUP BY of the customers view
SELECT dimension, name, customers, repeat_customers, revenue, round(revenue_share::numeric, 4) AS revenue_share,
	   round(mean_p_alive::numeric, 3) AS mean_p_alive, round(mean_p_alive_repeat::numeric, 3) AS repeat_p_alive
FROM clv_segments ORDER BY dimension, revenue DESC;
SELECT count(*) AS differing_rows FROM (
	(SELECT 'segment' AS dimension, segment AS name, count(*) AS customers, sum(revenue) AS revenue,
			round(sum(clv)::numeric, 6) AS total_clv,
			round((sum(revenue) / sum(sum(revenue)) OVER ())::numeric, 12) AS revenue_share,
			round(avg(p_alive) FILTER (WHERE repeat_customer)::numeric, 12) AS p_alive_repeat
	 FROM clv_customers GROUP BY segment
	 UNION ALL
	 SELECT 'value_tier', value_tier, count(*), sum(revenue), round(sum(clv)::numeric, 6),
			round((sum(revenue) / sum(sum(revenue)) OVER ())::numeric, 12),
			round(avg(p_alive) FILTER (WHERE repeat_customer)::numeric, 12)
	 FROM clv_customers GROUP BY value_tier)
	EXCEPT
	SELECT dimension, name, customers, revenue, round(total_clv::numeric, 6),
		   round(revenue_share::numeric, 12), round(mean_p_alive_repeat::numeric, 12)
	FROM clv_segments) d;

-- the cohorts view against the plain cohort formulation (first month of
-- each customer; distinct customers per cohort and month): every cell with
-- active customers agrees, every other cell of the view has active = 0,
-- and each cohort has a cell for every month up to December 2025
CREATE TABLE plain_months AS
SELECT DISTINCT customer_id, date_trunc('month', (ordered_at AT TIME ZONE 'UTC')::date)::date AS month,
	   min(date_trunc('month', (ordered_at AT TIME ZONE 'UTC')::date)::date) OVER (PARTITION BY customer_id) AS cohort
FROM orders;
CREATE TABLE plain_cohorts AS
SELECT cohort, month, count(*) AS active,
	   (SELECT count(DISTINCT customer_id) FROM plain_months q WHERE q.cohort = p.cohort) AS size
FROM plain_months p GROUP BY cohort, month;
SELECT count(*) AS cells, count(*) FILTER (WHERE p.cohort IS NULL AND v.active <> 0) AS missing_in_plain,
	   count(*) FILTER (WHERE v.cohort_start IS NULL) AS missing_in_view,
	   count(*) FILTER (WHERE v.customers <> p.size OR v.active <> p.active
						OR abs(v.retention - p.active::float8 / p.size) > 1e-12) AS differing,
	   count(*) FILTER (WHERE NOT v.complete) AS incomplete
FROM clv_cohorts v FULL JOIN plain_cohorts p ON p.cohort = v.cohort_start AND p.month = v.period_start;
SELECT count(DISTINCT cohort_start) AS cohorts,
	   count(*) FILTER (WHERE period_start <> (cohort_start + period_number * interval '1 month')::date) AS bad_period_start,
	   bool_and(n = (12 * (2025 - extract(year FROM cohort_start)) + 13 - extract(month FROM cohort_start)))
		   AS full_triangle
FROM (SELECT *, count(*) OVER (PARTITION BY cohort_start) AS n FROM clv_cohorts) c;

-- the periods view against the self-join of distinct (customer, month)
SELECT count(*) AS differing_periods
FROM clv_periods v FULL JOIN (
	SELECT m.month, count(*) AS active,
		   count(*) FILTER (WHERE m.month = m.cohort) AS new,
		   count(prev.customer_id) AS retained,
		   count(prev.customer_id)::float8
			   / nullif((SELECT count(*) FROM plain_months q WHERE q.month = (m.month - interval '1 month')::date), 0) AS rate
	FROM plain_months m
	LEFT JOIN plain_months prev ON prev.customer_id = m.customer_id
		 AND prev.month = (m.month - interval '1 month')::date
	GROUP BY m.month) p ON p.month = v.period_start
WHERE v.active_customers IS DISTINCT FROM p.active OR v.new_customers IS DISTINCT FROM p.new
   OR v.returning_customers IS DISTINCT FROM p.active - p.new
   OR v.retained_customers IS DISTINCT FROM p.retained
   OR abs(v.retention_rate - p.rate) > 1e-12 OR (v.retention_rate IS NULL) <> (p.rate IS NULL)
   OR abs(v.new_customer_share - p.new::float8 / p.active) > 1e-12;
SELECT count(*) AS periods, min(period_start) AS first, max(period_start) AS last,
	   bool_and(complete) AS all_complete FROM clv_periods;

-- the holdout view against a plain calibration summary (up to 2025-07-02,
-- 26 weeks before as_of), its own fit, and plain counts of the purchase
-- days after it
CREATE TABLE plain_calibration AS
WITH days AS (
	SELECT DISTINCT customer_id, (ordered_at AT TIME ZONE 'UTC')::date AS day FROM orders)
SELECT customer_id,
	   count(*) FILTER (WHERE day <= '2025-07-02') - 1 AS x,
	   (max(day) FILTER (WHERE day <= '2025-07-02') - min(day)) / 7.0 AS t_x,
	   ('2025-07-02' - min(day)) / 7.0 AS t,
	   count(*) FILTER (WHERE day > '2025-07-02' AND day <= '2025-12-31') AS actual
FROM days GROUP BY customer_id HAVING min(day) <= '2025-07-02';
SELECT count(*) AS differing_rows FROM (
	SELECT x, count(*) AS customers, avg(actual)::float8 AS actual,
		   avg(expected_purchases(f.bg, 182 / 7.0, x, t_x::float8, t::float8)) AS predicted
	FROM plain_calibration,
		 (SELECT bgnbd_fit(x, t_x::float8, t::float8, '1 week') AS bg FROM plain_calibration) f
	GROUP BY x) p
FULL JOIN clv_holdout v ON v.calibration_repeats = p.x
WHERE v.customers IS DISTINCT FROM p.customers OR abs(v.actual_purchases - p.actual) > 1e-12
   OR abs(v.predicted_purchases - p.predicted) > 1e-9 OR p.x IS NULL OR v.calibration_repeats IS NULL;
SELECT calibration_repeats, customers, round(actual_purchases::numeric, 3) AS actual,
	   round(predicted_purchases::numeric, 3) AS predicted
FROM clv_holdout WHERE calibration_repeats <= 4 ORDER BY 1;

-- the refresh: a customer who orders after the first deployment appears
-- in every view (refreshed concurrently, in dependency order)
INSERT INTO orders VALUES (1000001, '2025-12-30 10:00+00', 50), (1000001, '2025-12-31 23:59+00', 70),
						  (1000001, '2026-01-01 00:00+00', 999);	-- after as_of: not counted
SELECT count(*) AS before FROM clv_customers WHERE customer_id = 1000001;
SELECT clv_refresh_views();
SELECT customer_id, first_order_day, last_order_day, orders, revenue, recency_days, frequency, x, repeat_customer
FROM clv_customers WHERE customer_id = 1000001;
SELECT customers FROM clv_model;
SELECT active_customers, new_customers FROM clv_periods WHERE period_start = '2025-12-01';
SELECT customers, active FROM clv_cohorts WHERE cohort_start = '2025-12-01';
SELECT sum(customers) AS segment_customers FROM clv_segments WHERE dimension = 'segment';
-- the refresh takes the EXCLUSIVE lock of a concurrent refresh (readers
-- go on reading), not the ACCESS EXCLUSIVE lock of a plain one
BEGIN;
SELECT clv_refresh_views('clv_', 'views_test');
SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
WHERE l.pid = pg_backend_pid() AND c.relname LIKE 'clv\_%' AND c.relkind = 'm'
	AND l.mode LIKE '%Exclusive%' ORDER BY 1, 2;
COMMIT;

-- the dry run returns the DDL without running it; running that DDL (here
-- under another prefix) gives the same views, row for row
SELECT clv_create_views('orders', 'customer_id', 'ordered_at', 'amount', as_of => '2025-12-31',
						prefix => 'dry_', dry_run => true) AS ddl \gset
SELECT count(*) AS dry_relations FROM pg_class WHERE relname LIKE 'dry\_%';
SELECT (SELECT count(*) FROM regexp_matches(:'ddl', '^CREATE MATERIALIZED VIEW ', 'gn')) AS views,
	   (SELECT count(*) FROM regexp_matches(:'ddl', '^CREATE UNIQUE INDEX ', 'gn')) AS indexes,
	   (SELECT count(*) FROM regexp_matches(:'ddl', '^COMMENT ON ', 'gn')) AS comments,
	   (SELECT count(*) FROM regexp_matches(:'ddl', '^DROP ', 'gn')) AS drops,
	   :'ddl' ~ 'public\.clv_summary\(public\.clv_day\(o\.ordered_at, ''UTC''\)' AS qualified;
SELECT split_part(:'ddl', E'\n', 1) AS first_line;
SELECT set_config('views.ddl', :'ddl', false) IS NOT NULL AS ddl_kept;
SET search_path = pg_catalog;	-- the DDL qualifies every name it uses
DO $$ BEGIN EXECUTE current_setting('views.ddl'); END $$;
SET search_path = views_test, public;
SELECT relname, views_test.differing('clv_' || relname, 'dry_' || relname) AS differing_rows
FROM unnest(ARRAY['model', 'customers', 'segments', 'cohorts', 'periods', 'holdout']) relname;

-- a customer whose orders are deleted leaves the views at the next refresh
DELETE FROM orders WHERE customer_id = 1000001;
SELECT clv_refresh_views();
SELECT count(*) AS gone FROM clv_customers WHERE customer_id = 1000001;
SELECT customers FROM clv_model;

-- a second call with the same prefix is an error; replace => true
-- replaces the views (and only materialized views)
SELECT views_test.error_of($$SELECT clv_create_views('orders', 'customer_id', 'ordered_at', 'amount')$$);
SELECT length(clv_create_views('orders', 'customer_id', 'ordered_at', 'amount', as_of => '2025-12-31',
							   prefix => 'dry_', replace => true)) > 0 AS replaced;
SELECT count(*) AS dry_views FROM pg_class WHERE relname LIKE 'dry\_%' AND relkind = 'm';
SELECT split_part(clv_create_views('orders', 'customer_id', 'ordered_at', 'amount',
								   prefix => 'dry_', replace => true, dry_run => true), E'\n', 1) AS first_line;
CREATE TABLE rep_segments (id int);
SELECT views_test.error_of($$SELECT clv_create_views('orders', 'customer_id', 'ordered_at', 'amount', prefix => 'rep_', replace => true)$$);
DROP TABLE rep_segments;
-- a view of the user's over a deployed view blocks the replacement
CREATE VIEW champions AS SELECT * FROM dry_customers WHERE segment = 'Champions';
SELECT views_test.error_of($$SELECT clv_create_views('orders', 'customer_id', 'ordered_at', 'amount', prefix => 'dry_', replace => true)$$);
DROP VIEW champions;

-- odd identifiers everywhere, and a view as source (margin instead of
-- revenue, test customers left out); text keys, timestamp and integer columns
CREATE SCHEMA "Odd ""Schema""";
CREATE TABLE "Odd ""Schema"""."Order Lines" ("Customer ID" text, "Order-Time" timestamp, "Amount €" integer, "test?" boolean);
INSERT INTO "Odd ""Schema"""."Order Lines"
SELECT 'C-' || customer_id, ordered_at AT TIME ZONE 'UTC', (amount * 100)::integer, customer_id % 10 = 0
FROM orders WHERE customer_id <= 500;
CREATE VIEW "Odd ""Schema"""."Margin; View" AS
SELECT "Customer ID", "Order-Time", "Amount €" * 3 / 10 AS "Margin €"
FROM "Odd ""Schema"""."Order Lines" WHERE NOT "test?";
SELECT length(clv_create_views('"Odd ""Schema"""."Margin; View"', 'Customer ID', 'Order-Time', 'Margin €',
							   as_of => '2025-12-31', prefix => 'My "odd"; prefix ',
							   schema => 'Odd "Schema"')) > 0 AS deployed;
SELECT c.relname, c.relkind FROM pg_class c
WHERE c.relnamespace = '"Odd ""Schema"""'::regnamespace AND c.relkind IN ('m', 'v') ORDER BY 1;
SELECT customers, repeat_customers FROM "Odd ""Schema"""."My ""odd""; prefix model";
SELECT views_test.columns_of('"Odd ""Schema"""."My ""odd""; prefix customers"') ~ '^customer_id text, ' AS text_key;
-- the same customers as the timestamptz table: days of a timestamp are its
-- own date, margins 0.3 of the amounts (integer cents)
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE v.frequency <> c.frequency OR v.first_order_day <> c.first_order_day
						OR v.revenue <> (SELECT sum((o.amount * 100)::integer * 3 / 10) FROM orders o
										 WHERE o.customer_id = c.customer_id AND o.ordered_at < '2026-01-01 00:00+00'))
		   AS differing
FROM "Odd ""Schema"""."My ""odd""; prefix customers" v
JOIN clv_customers c ON 'C-' || c.customer_id = v.customer_id;
SELECT count(*) AS left_out_test_customers
FROM "Odd ""Schema"""."My ""odd""; prefix customers" WHERE substr(customer_id, 3)::int % 10 = 0;
SELECT clv_refresh_views('My "odd"; prefix ', 'Odd "Schema"');
SELECT count(*) AS rows FROM "Odd ""Schema"""."My ""odd""; prefix cohorts";

-- date columns, smallint keys, numeric amounts; a session TimeZone far
-- away changes nothing (the views read calendar days)
CREATE TABLE day_orders AS
SELECT customer_id::smallint AS customer, (ordered_at AT TIME ZONE 'UTC')::date AS day, amount
FROM orders WHERE customer_id <= 3000;
SET TimeZone = 'Pacific/Kiritimati';
SELECT length(clv_create_views('day_orders', 'customer', 'day', 'amount', as_of => '2025-12-31',
							   prefix => 'day_')) > 0 AS deployed;
RESET TimeZone;
SELECT relname, views_test.differing('clv_' || relname, 'day_' || relname) AS differing_rows
FROM unnest(ARRAY['model', 'customers', 'segments', 'cohorts', 'periods', 'holdout']) relname;
-- a zone east of UTC moves late orders to the next day
SELECT length(clv_create_views('orders', 'customer_id', 'ordered_at', 'amount', as_of => '2025-12-31',
							   zone => 'Pacific/Kiritimati', prefix => 'east_')) > 0 AS deployed;
SELECT zone, customers FROM east_model;
SELECT count(*) FILTER (WHERE e.first_order_day <> c.first_order_day) > 0 AS days_moved
FROM east_customers e JOIN clv_customers c USING (customer_id);

-- as_of NULL (the default): the day of each refresh in the zone
SELECT length(clv_create_views('orders', 'customer_id', 'ordered_at', 'amount', prefix => 'today_')) > 0 AS deployed;
SELECT as_of = (now() AT TIME ZONE 'UTC')::date AS as_of_today FROM today_model;
SELECT clv_create_views('orders', 'customer_id', 'ordered_at', 'amount', prefix => 'today_', dry_run => true)
	   ~ 'SELECT public\.clv_day\(now\(\), ''UTC''\) AS day' AS evaluated_at_refresh;

-- a tiny orders table: the fits need two customers; with one the model
-- columns are NULL and the views still build
CREATE TABLE one_order (c int, t date, a numeric);
INSERT INTO one_order VALUES (1, '2025-01-01', 10);
SELECT length(clv_create_views('one_order', 'c', 't', 'a', as_of => '2025-12-31', prefix => 'one_')) > 0 AS deployed;
SELECT customers, bgnbd_r, gamma_gamma_p FROM one_model;
SELECT customer_id, recency_days, segment, p_alive, clv FROM one_customers;
SELECT clv_refresh_views('one_');

-- argument errors
SELECT views_test.error_of($$SELECT clv_create_views(NULL, 'c', 't', 'a')$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', NULL, 't', 'a')$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'c', 't', 'a', zone => NULL)$$);
SELECT views_test.error_of($$SELECT clv_create_views('no_such_table', 'c', 't', 'a')$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'customer', 't', 'a')$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'c', 't', 'c', prefix => 'x_', dry_run => true)$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'a', 't', 'a', prefix => 'x_')$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'c', 'a', 'a', prefix => 'x_')$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'c', 't', 't', prefix => 'x_')$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'c', 't', 'a', zone => 'Mars/Olympus_Mons', prefix => 'x_')$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'c', 't', 'a', unit => '1 month', prefix => 'x_')$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'c', 't', 'a', unit => '0 days', prefix => 'x_')$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'c', 't', 'a', months => -1, prefix => 'x_')$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'c', 't', 'a', discount => 'NaN', prefix => 'x_')$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'c', 't', 'a', period => '30 days', prefix => 'x_')$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'c', 't', 'a', holdout => '-1 day', prefix => 'x_')$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'c', 't', 'a', prefix => '')$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'c', 't', 'a', prefix => repeat('p', 55))$$);
SELECT views_test.error_of($$SELECT clv_create_views('one_order', 'c', 't', 'a', prefix => 'x_', schema => 'no_such_schema')$$);
SELECT views_test.error_of($$SELECT clv_refresh_views('nothing_')$$);
SELECT views_test.error_of($$SELECT clv_refresh_views(NULL)$$);
SELECT views_test.error_of($$SELECT clv_schedule_views('nothing_', '0 3 * * *')$$);
SELECT views_test.error_of($$SELECT clv_schedule_views('one_', NULL)$$);
SELECT views_test.error_of($$SELECT clv_schedule_views('one_', '0 3 * * *')$$)
	   ~ '^55000: clv_schedule_views needs the extension pg_cron in this database' AS needs_pg_cron;
SELECT count(*) AS x_relations FROM pg_class WHERE relname LIKE 'x\_%';

-- the caller's rights: a role that cannot read the orders cannot deploy
-- views over them, and a role that can owns what it deploys
CREATE ROLE regress_clv_views_analyst;
GRANT USAGE, CREATE ON SCHEMA views_test TO regress_clv_views_analyst;
SET ROLE regress_clv_views_analyst;
SELECT views_test.error_of($$SELECT clv_create_views('views_test.one_order', 'c', 't', 'a', prefix => 'analyst_')$$);
RESET ROLE;
GRANT SELECT ON one_order TO regress_clv_views_analyst;
SET ROLE regress_clv_views_analyst;
SELECT length(clv_create_views('views_test.one_order', 'c', 't', 'a', prefix => 'analyst_')) > 0 AS deployed;
RESET ROLE;
SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname LIKE 'analyst\_%' AND relkind = 'm';

RESET search_path;
DROP SCHEMA views_test CASCADE;
DROP SCHEMA "Odd ""Schema""" CASCADE;
DROP ROLE regress_clv_views_analyst;
