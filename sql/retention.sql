--
-- retention_rate, new_customer_share, retention_series, cohort_retention
--
-- Every computed value is checked against an independent plain-SQL
-- formulation (self-joins of DISTINCT (customer, period) rows, min() OVER
-- cohort labels) or pinned by hand on a tiny data set.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS clv;
RESET client_min_messages;
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
SET DateStyle = 'ISO';

-- Helpers.  error_of() shows the SQLSTATE of a failing query.
\i test/regress/error_of.sql

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

-- The monthly/weekly/... series in plain SQL: a self-join of the DISTINCT
-- (customer, period) pairs of query pairs (columns c, p date).
CREATE FUNCTION pg_temp.sql_series(pairs text, step interval) RETURNS text
LANGUAGE sql AS $$
SELECT format($q$
WITH a AS (SELECT DISTINCT c, p FROM (%s) x),
f AS (SELECT c, min(p) AS fp FROM a GROUP BY c),
periods AS (SELECT g::date AS p
            FROM generate_series((SELECT min(p) FROM a), (SELECT max(p) FROM a), %L::interval) g),
s AS (SELECT periods.p, count(a.c) AS customers, count(prev.c) AS retained,
             count(f.c) AS new_customers
      FROM periods
      LEFT JOIN a ON a.p = periods.p
      LEFT JOIN a prev ON prev.c = a.c AND prev.p = (periods.p - %L::interval)::date
      LEFT JOIN f ON f.c = a.c AND f.fp = a.p
      GROUP BY periods.p)
SELECT p, customers, retained, new_customers,
       retained::float8 / nullif(lag(customers) OVER (ORDER BY p), 0),
       new_customers::float8 / nullif(customers, 0)
FROM s$q$, pairs, step, step)
$$;

-- The cohort matrix in plain SQL: a min() OVER (PARTITION BY customer)
-- cohort label, then counts per cohort and period.
CREATE FUNCTION pg_temp.sql_cohorts(pairs text, step interval) RETURNS text
LANGUAGE sql AS $$
SELECT format($q$
WITH a AS (SELECT DISTINCT c, p FROM (%s) x),
l AS (SELECT c, p, min(p) OVER (PARTITION BY c) AS cohort FROM a),
sizes AS (SELECT cohort, count(DISTINCT c) AS size FROM l GROUP BY cohort),
cells AS (SELECT s.cohort, s.size, g::date AS p,
                 row_number() OVER (PARTITION BY s.cohort ORDER BY g) - 1 AS k
          FROM sizes s, generate_series(s.cohort, (SELECT max(p) FROM a), %L::interval) g)
SELECT cells.cohort, cells.k::int, cells.size, count(l.c),
       count(l.c)::float8 / cells.size
FROM cells LEFT JOIN l ON l.cohort = cells.cohort AND l.p = cells.p
GROUP BY cells.cohort, cells.k, cells.size$q$, pairs, step)
$$;

--
-- A tiny data set, values checked by hand.
--   customer 1: Feb 10, Mar 1 (first day of March), Apr 15
--   customer 2: Mar 31 (last day of March), May 2 (skips April)
--   customer 3: Apr 1 (exactly period_start)
--   customer 4: May 1 (exactly the end of April: not in April)
--   customer 5: Mar 2, Apr 20
--   NULL customers and a NULL date are ignored.
--
CREATE TABLE tiny (c bigint, d date);
INSERT INTO tiny VALUES
	(1, '1997-02-10'), (1, '1997-03-01'), (1, '1997-04-15'),
	(2, '1997-03-31'), (2, '1997-05-02'),
	(3, '1997-04-01'),
	(4, '1997-05-01'),
	(5, '1997-03-02'), (5, '1997-04-20'),
	(NULL, '1997-03-15'), (NULL, '1997-04-10'), (6, NULL);

-- April against March: March {1,2,5}, April {1,3,5}: 2/3 retained; of April's
-- {1,3,5} only 3 is new: 1/3.  Against the 30 days before April
-- [Mar 2, Apr 1) = {2,5}, only 5 returns: 1/2.
SELECT retention_rate(c, d, '1997-04-01', '1 month') AS april_vs_march,
       retention_rate(c, d, '1997-04-01', '30 days') AS last_30_days,
       new_customer_share(c, d, '1997-04-01', '1 month') AS april_new,
       retention_rate(c, d, '1997-05-01', '1 month') AS may_vs_april,
       new_customer_share(c, d, '1997-05-01', '1 month') AS may_new
FROM tiny;

-- Empty previous period (January) and an empty period (June): NULL.
SELECT retention_rate(c, d, '1997-02-01', '1 month') AS no_previous,
       new_customer_share(c, d, '1997-06-01', '1 month') AS nobody_active,
       retention_rate(c, d, '1997-04-01', '1 month') FILTER (WHERE false) AS no_rows
FROM tiny;

-- Boundaries on timestamps: start inclusive, end exclusive, to the microsecond.
SELECT retention_rate(c, t, '1997-04-01 00:00', '1 month') AS at_start_and_end,
       new_customer_share(c, t, '1997-04-01 00:00', '1 month') AS new_share
FROM (VALUES (1, timestamp '1997-03-01 00:00'), (1, '1997-04-30 23:59:59.999999'),
             (2, '1997-03-31 23:59:59.999999'), (2, '1997-05-01 00:00'),
             (3, '1997-02-28 23:59:59.999999'), (3, '1997-04-01 00:00'),
             (4, '1997-04-01 00:00')) v(c, t);

-- The series and the cohort matrix of the tiny set.
SELECT s.* FROM (SELECT retention_series(c, d, '1 month') AS m FROM tiny) q, unnest(q.m) s;
SELECT s.* FROM (SELECT cohort_retention(c, d, '1 month') AS m FROM tiny) q, unnest(q.m) s;
-- No rows, or only NULL keys: NULL.
SELECT retention_series(c, d, '1 month') IS NULL AS no_rows,
       cohort_retention(c, d, '1 month') IS NULL AS no_rows
FROM tiny WHERE c IS NULL OR d IS NULL;
-- Yearly and daily periods.
SELECT s.* FROM (SELECT retention_series(c, d, '1 year') AS m FROM tiny) q, unnest(q.m) s;
SELECT count(*) AS days, sum(s.customers) AS customer_days,
       min(s.period_start), max(s.period_start)
FROM (SELECT retention_series(c, d, '1 day') AS m FROM tiny) q, unnest(q.m) s;

--
-- Bad arguments: class 22.
--
SELECT pg_temp.error_of($$SELECT retention_rate(c, d, '1997-04-01', '0 days') FROM tiny$$);
SELECT pg_temp.error_of($$SELECT retention_rate(c, d, '1997-04-01', '-1 month') FROM tiny$$);
SELECT pg_temp.error_of($$SELECT new_customer_share(c, d, '1997-04-01', '1 month -1 day') FROM tiny$$);
SELECT pg_temp.error_of($$SELECT retention_rate(c, d, NULL, '1 month') FROM tiny$$);
SELECT pg_temp.error_of($$SELECT retention_rate(c, d, '1997-04-01', NULL) FROM tiny$$);
SELECT pg_temp.error_of($$SELECT retention_series(c, d, '2 weeks') FROM tiny$$);
SELECT pg_temp.error_of($$SELECT retention_series(c, d, '24 hours') FROM tiny$$);
SELECT pg_temp.error_of($$SELECT cohort_retention(c, d, '6 months') FROM tiny$$);
SELECT pg_temp.error_of($$SELECT cohort_retention(c, d, '30 days') FROM tiny$$);
SELECT pg_temp.error_of($$SELECT retention_series(c, d, NULL) FROM tiny$$);
-- configuration arguments must not change within a group
SELECT pg_temp.error_of($$SELECT retention_rate(c, d, d, '1 month') FROM tiny$$);
SELECT pg_temp.error_of($$SELECT retention_series(c, d, CASE WHEN c = 3 THEN interval '1 year' ELSE '1 month' END) FROM tiny$$);
-- a period that leaves the time range names the function (issue 10.8)
SELECT pg_temp.error_of($$SELECT retention_rate(c, d, '1997-04-01', '200000 years') FROM tiny$$);
SELECT pg_temp.error_of($$SELECT retention_series(c, d, '200000 years') FROM tiny$$);
-- infinite times
SELECT pg_temp.error_of($$SELECT retention_series(1, 'infinity'::date, '1 month')$$);
SELECT pg_temp.error_of($$SELECT retention_rate(1, now(), '-infinity'::timestamptz, '1 month')$$);
-- key types without a hash opclass
SELECT pg_temp.error_of($$SELECT retention_series(point(1, 2), now(), '1 month')$$);

--
-- A deterministic data set: 340 customers, 3,040 orders over three
-- calendar years, some NULL keys and times; 40 one-order customers.
--
CREATE TABLE ret_orders AS
SELECT CASE WHEN g % 97 = 0 THEN NULL
            WHEN g > 3000 THEN g - 2700
            ELSE 1 + abs(('x' || substr(md5(g::text), 1, 8))::bit(32)::int) % 300 END AS customer_id,
       CASE WHEN g % 89 = 0 THEN NULL
            ELSE timestamptz '2023-01-01 00:00:00+00'
                 + (abs(('x' || substr(md5(g::text), 9, 8))::bit(32)::int) % (1096 * 1440)) * interval '1 minute'
       END AS ordered_at,
       g % 3 AS region, g % 2 AS channel
FROM generate_series(1, 3040) g;
SELECT count(*), count(DISTINCT customer_id), count(customer_id), count(ordered_at),
       min(ordered_at), max(ordered_at)
FROM ret_orders;

-- Series and cohorts for every calendar period and each time type, against
-- the plain-SQL formulations, in a zone with DST.
SET TimeZone = 'America/New_York';
-- (Daily periods over the first 100 days only, to keep the SQL side quick.)
SELECT u.unit, k.kind,
       pg_temp.same_rows(
           format('SELECT s.* FROM (SELECT retention_series(customer_id, %s, %L) m FROM %s r) q, unnest(q.m) s', k.expr, u.step, u.rows),
           pg_temp.sql_series(format('SELECT customer_id AS c, date_trunc(%L, %s)::date AS p FROM %s r WHERE customer_id IS NOT NULL AND ordered_at IS NOT NULL', u.unit, k.expr, u.rows), u.step)) AS series,
       pg_temp.same_rows(
           format('SELECT s.* FROM (SELECT cohort_retention(customer_id, %s, %L) m FROM %s r) q, unnest(q.m) s', k.expr, u.step, u.rows),
           pg_temp.sql_cohorts(format('SELECT customer_id AS c, date_trunc(%L, %s)::date AS p FROM %s r WHERE customer_id IS NOT NULL AND ordered_at IS NOT NULL', u.unit, k.expr, u.rows), u.step)) AS cohorts
FROM (VALUES ('day', interval '1 day', '(SELECT * FROM ret_orders WHERE ordered_at < ''2023-04-10'')'),
             ('week', '1 week', 'ret_orders'), ('month', '1 month', 'ret_orders'),
             ('quarter', '3 months', 'ret_orders'), ('year', '1 year', 'ret_orders')) u(unit, step, rows),
     (VALUES ('timestamptz', 'ordered_at'),
             ('timestamp', '(ordered_at AT TIME ZONE ''Asia/Kathmandu'')'),
             ('date', '(ordered_at AT TIME ZONE ''Europe/Riga'')::date')) k(kind, expr)
ORDER BY u.step, k.kind;

-- Pinned values of the monthly series (New York calendar).
SELECT s.* FROM (SELECT retention_series(customer_id, ordered_at, '1 month') m FROM ret_orders) q,
     unnest(q.m) s WHERE s.period_start IN ('2023-01-01', '2023-02-01', '2024-02-01', '2025-12-01');

-- One-period functions against the plain-SQL self-join, for every month
-- (calendar months), rolling 30-day windows and 1-week periods.
SELECT p.step::text, count(*) AS periods,
       count(*) FILTER (WHERE x.rate IS NOT DISTINCT FROM x.sql_rate
                          AND x.new_share IS NOT DISTINCT FROM x.sql_new_share) AS equal,
       count(x.rate) AS rates, count(x.new_share) AS new_shares
FROM (VALUES (interval '1 month'), ('30 days'), ('1 week')) p(step),
LATERAL (
	SELECT g AS start,
	       (SELECT retention_rate(customer_id, ordered_at, g, p.step) FROM ret_orders) AS rate,
	       (SELECT new_customer_share(customer_id, ordered_at, g, p.step) FROM ret_orders) AS new_share,
	       (SELECT count(cur.c)::float8 / nullif(count(*), 0)
	        FROM (SELECT DISTINCT customer_id AS c FROM ret_orders
	              WHERE ordered_at >= g - p.step AND ordered_at < g AND customer_id IS NOT NULL) prev
	        LEFT JOIN (SELECT DISTINCT customer_id AS c FROM ret_orders
	                   WHERE ordered_at >= g AND ordered_at < g + p.step) cur ON cur.c = prev.c) AS sql_rate,
	       (SELECT count(*) FILTER (WHERE f.first_at >= g)::float8 / nullif(count(*), 0)
	        FROM (SELECT DISTINCT customer_id AS c FROM ret_orders
	              WHERE ordered_at >= g AND ordered_at < g + p.step AND customer_id IS NOT NULL) cur
	        JOIN (SELECT customer_id AS c, min(ordered_at) AS first_at FROM ret_orders GROUP BY 1) f
	          ON f.c = cur.c) AS sql_new_share
	FROM generate_series(timestamptz '2022-12-01', '2026-02-01', p.step) g
) x
GROUP BY p.step::text ORDER BY 1;

-- The series equals the one-period functions period by period.
SELECT count(*) AS months,
       count(*) FILTER (WHERE s.retention_rate IS NOT DISTINCT FROM
                              (SELECT retention_rate(customer_id, ordered_at, s.period_start, '1 month') FROM ret_orders)
                          AND s.new_share IS NOT DISTINCT FROM
                              (SELECT new_customer_share(customer_id, ordered_at, s.period_start, '1 month') FROM ret_orders)) AS equal
FROM (SELECT retention_series(customer_id, ordered_at, '1 month') m FROM ret_orders) q, unnest(q.m) s;

-- The matrix agrees with the series (cohort sizes are the new customers,
-- the active customers of a period add up over cohorts), and its k = 1
-- share is retention_rate over the cohort's own customers.
WITH series AS (
	SELECT s.* FROM (SELECT retention_series(customer_id, ordered_at, '1 month') m FROM ret_orders) q, unnest(q.m) s),
cells AS (
	SELECT s.* FROM (SELECT cohort_retention(customer_id, ordered_at, '1 month') m FROM ret_orders) q, unnest(q.m) s)
SELECT (SELECT count(*) FROM series s
        WHERE s.new_customers IS DISTINCT FROM
              (SELECT max(c.cohort_size) FROM cells c WHERE c.cohort_start = s.period_start)
          AND s.new_customers > 0) AS size_mismatches,
       (SELECT count(*) FROM series s
        WHERE s.customers <> (SELECT coalesce(sum(c.active), 0) FROM cells c
                              WHERE (c.cohort_start + c.k * interval '1 month')::date = s.period_start)) AS active_mismatches,
       (SELECT count(*) FROM cells c
        WHERE c.k = 1 AND c.share IS DISTINCT FROM
              (SELECT retention_rate(o.customer_id, o.ordered_at, (c.cohort_start + interval '1 month')::date, '1 month')
               FROM ret_orders o
               WHERE o.customer_id IN (SELECT customer_id FROM ret_orders GROUP BY customer_id
                                       HAVING date_trunc('month', min(ordered_at))::date = c.cohort_start))) AS k1_mismatches,
       (SELECT count(*) FROM cells WHERE k = 1) AS k1_cells;

-- Cells after the last observed period are absent: each cohort runs to the
-- last period exactly, and a cohort with no later rows still has zeros.
WITH cells AS (
	SELECT s.* FROM (SELECT cohort_retention(customer_id, ordered_at, '1 month') m FROM ret_orders) q, unnest(q.m) s)
SELECT count(DISTINCT cohort_start) AS cohorts, count(*) AS cells,
       max((cohort_start + k * interval '1 month')::date) AS last_cell,
       count(DISTINCT (cohort_start + k * interval '1 month')::date) FILTER (WHERE k = (SELECT max(k) FROM cells c2 WHERE c2.cohort_start = cells.cohort_start)) AS distinct_row_ends,
       count(*) FILTER (WHERE active = 0) AS zero_cells
FROM cells;
-- Shorter data: the last period ends the matrix.
SELECT s.* FROM (SELECT cohort_retention(customer_id, ordered_at, '3 months') m
                 FROM ret_orders WHERE ordered_at < '2023-10-01') q, unnest(q.m) s;

--
-- Simulated orders (clv_sample_orders: 3,000 customers, 2024-2025) in a
-- business's own zone: series, cohorts and every month's one-period values
-- equal the plain-SQL formulations.
--
SET TimeZone = 'Europe/Riga';
CREATE TABLE sample_orders AS SELECT * FROM clv_sample_orders(3000, 7);
SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers FROM sample_orders;
SELECT u.step::text,
       pg_temp.same_rows(
           format('SELECT s.* FROM (SELECT retention_series(customer_id, ordered_at, %L) m FROM sample_orders) q, unnest(q.m) s', u.step),
           pg_temp.sql_series(format('SELECT customer_id AS c, date_trunc(%L, ordered_at)::date AS p FROM sample_orders', u.unit), u.step)) AS series,
       pg_temp.same_rows(
           format('SELECT s.* FROM (SELECT cohort_retention(customer_id, ordered_at, %L) m FROM sample_orders) q, unnest(q.m) s', u.step),
           pg_temp.sql_cohorts(format('SELECT customer_id AS c, date_trunc(%L, ordered_at)::date AS p FROM sample_orders', u.unit), u.step)) AS cohorts
FROM (VALUES ('week', interval '1 week'), ('month', '1 month'), ('quarter', '3 months')) u(unit, step);
SELECT count(*) AS months,
       count(*) FILTER (WHERE s.retention_rate IS NOT DISTINCT FROM
                              (SELECT count(cur.c)::float8 / nullif(count(*), 0)
                               FROM (SELECT DISTINCT customer_id AS c FROM sample_orders
                                     WHERE ordered_at >= (s.period_start - interval '1 month')::date
                                       AND ordered_at < s.period_start) prev
                               LEFT JOIN (SELECT DISTINCT customer_id AS c FROM sample_orders
                                          WHERE ordered_at >= s.period_start
                                            AND ordered_at < (s.period_start + interval '1 month')::date) cur
                                 ON cur.c = prev.c)) AS series_equal_self_join,
       count(*) FILTER (WHERE s.retention_rate IS NOT DISTINCT FROM
                              (SELECT retention_rate(customer_id, ordered_at, s.period_start, '1 month') FROM sample_orders)
                          AND s.new_share IS NOT DISTINCT FROM
                              (SELECT new_customer_share(customer_id, ordered_at, s.period_start, '1 month') FROM sample_orders)) AS series_equal_one_period
FROM (SELECT retention_series(customer_id, ordered_at, '1 month') m FROM sample_orders) q, unnest(q.m) s;
SET TimeZone = 'UTC';

--
-- Key types: integer, text and uuid keys (and varchar, which resolves to
-- text) give the bigint answers, for every time type.
--
SELECT kt.type, tt.type AS time_type,
       pg_temp.same_rows(
           format('SELECT s.* FROM (SELECT retention_series(%s, %s, ''1 week'') m FROM ret_orders) q, unnest(q.m) s', kt.expr, tt.expr),
           format('SELECT s.* FROM (SELECT retention_series(customer_id, %s, ''1 week'') m FROM ret_orders) q, unnest(q.m) s', tt.expr)) AS series,
       pg_temp.same_rows(
           format('SELECT s.* FROM (SELECT cohort_retention(%s, %s, ''1 month'') m FROM ret_orders) q, unnest(q.m) s', kt.expr, tt.expr),
           format('SELECT s.* FROM (SELECT cohort_retention(customer_id, %s, ''1 month'') m FROM ret_orders) q, unnest(q.m) s', tt.expr)) AS cohorts,
       pg_temp.same_rows(
           format('SELECT retention_rate(%s, %s, %s, ''1 month''), new_customer_share(%1$s, %2$s, %3$s, ''1 month'') FROM ret_orders', kt.expr, tt.expr, tt.start),
           format('SELECT retention_rate(customer_id, %s, %s, ''1 month''), new_customer_share(customer_id, %1$s, %2$s, ''1 month'') FROM ret_orders', tt.expr, tt.start)) AS one_period
FROM (VALUES ('text', '(''customer '' || customer_id)'),
             ('uuid', 'md5(customer_id::text)::uuid'),
             ('integer', 'customer_id::int4'),
             ('varchar', '(repeat(''long key '', 300) || customer_id)::varchar')) kt(type, expr),
     (VALUES ('timestamptz', 'ordered_at', '''2024-03-01 00:00+00''::timestamptz'),
             ('timestamp', '(ordered_at AT TIME ZONE ''UTC'')', '''2024-03-01''::timestamp'),
             ('date', '(ordered_at AT TIME ZONE ''UTC'')::date', '''2024-03-01''::date')) tt(type, expr, start)
ORDER BY 1, 2;
-- Other key types have no overload: cast them to one of the four.
SELECT pg_temp.error_of($$SELECT retention_series(customer_id::numeric, ordered_at, '1 week') FROM ret_orders$$);
-- Text keys are compared byte for byte: a nondeterministic collation is
-- refused (0A000) rather than silently ignored; a deterministic one, or
-- lower(), works.
CREATE COLLATION IF NOT EXISTS ret_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
SELECT pg_temp.error_of($$SELECT retention_series(c COLLATE ret_ci, d, '1 year')
                          FROM (VALUES ('A', date '2024-01-01'), ('a', '2024-02-01')) v(c, d)$$);
SELECT pg_temp.error_of($$SELECT cohort_retention(c, d, '1 year')
                          FROM (VALUES ('A' COLLATE ret_ci, timestamptz '2024-01-01 00:00+00')) v(c, d)$$);
SELECT (retention_series(lower(c), d, '1 year'))[1].customers AS lower_keys,
       (retention_series(c COLLATE "C", d, '1 year'))[1].customers AS c_collation
FROM (VALUES ('A', date '2024-01-01'), ('a', '2024-02-01'), ('B', '2024-03-01')) v(c, d);

--
-- ISO weeks, months, quarters and years in non-UTC zones: orders just
-- before and after local boundaries, across DST changes.
--
CREATE TABLE edges (c int, t timestamptz);
INSERT INTO edges
SELECT row_number() OVER (), b + e * interval '1 microsecond'
FROM (VALUES (timestamptz '2024-12-30 00:00:00 America/New_York'),  -- Monday, ISO week 1 of 2025
             ('2025-01-01 00:00:00 America/New_York'),
             ('2024-03-10 00:00:00 America/New_York'),                -- DST starts at 02:00
             ('2024-03-10 03:00:00 America/New_York'),
             ('2024-03-11 00:00:00 America/New_York'),                -- the Monday after
             ('2024-04-01 00:00:00 America/New_York'),
             ('2024-11-03 01:30:00 EDT'), ('2024-11-03 01:30:00 EST'),  -- DST ends
             ('2024-11-04 00:00:00 America/New_York'),
             ('2024-10-01 00:00:00 America/New_York'),
             ('2021-01-04 00:00:00 America/New_York'),                -- Monday of ISO week 1 of 2021
             ('2020-12-28 00:00:00 America/New_York')) v(b),
     (VALUES (-1), (0)) w(e);
INSERT INTO edges SELECT c + 100, t FROM edges;  -- a second customer per instant
INSERT INTO edges SELECT 7, t FROM edges WHERE c <= 6;  -- one customer across many periods
SELECT z.zone, u.unit,
       (SELECT pg_temp.same_rows(
            format('SELECT s.* FROM (SELECT retention_series(c, t, %L) m FROM edges) q, unnest(q.m) s', u.step),
            pg_temp.sql_series(format('SELECT c, date_trunc(%L, t)::date AS p FROM edges', u.unit), u.step))) AS series,
       (SELECT pg_temp.same_rows(
            format('SELECT s.* FROM (SELECT cohort_retention(c, t, %L) m FROM edges) q, unnest(q.m) s', u.step),
            pg_temp.sql_cohorts(format('SELECT c, date_trunc(%L, t)::date AS p FROM edges', u.unit), u.step))) AS cohorts
FROM (VALUES ('America/New_York'), ('Asia/Kathmandu'), ('Australia/Lord_Howe'), ('UTC')) z(zone),
     (VALUES ('day', interval '1 day'), ('week', '1 week'), ('month', '1 month'),
             ('quarter', '3 months'), ('year', '1 year')) u(unit, step),
     LATERAL (SELECT set_config('TimeZone', z.zone, true)) s
ORDER BY z.zone, u.step;
-- Instants spread over 1850-2150 (before the zone tables, across them and
-- beyond their last transition): each day's customers as date_trunc has them.
CREATE TABLE spread AS
SELECT g AS c, timestamptz '1850-01-01 00:00:00+00'
               + (('x' || substr(md5(g::text), 1, 12))::bit(48)::bigint % (300::bigint * 365 * 86400)) * interval '1 second' AS t
FROM generate_series(1, 20000) g;
CREATE FUNCTION pg_temp.daily_mismatches(zone text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	PERFORM set_config('TimeZone', zone, true);
	SELECT count(*) INTO n FROM (
		SELECT s.period_start, s.customers
		FROM (SELECT retention_series(c, t, '1 day') m FROM spread) q, unnest(q.m) s WHERE s.customers > 0
		EXCEPT ALL
		SELECT date_trunc('day', t)::date, count(*) FROM spread GROUP BY 1) d;
	RETURN n;
END $$;
SELECT zone, pg_temp.daily_mismatches(zone)
FROM unnest(ARRAY['America/New_York', 'Pacific/Chatham', 'America/Sao_Paulo']) zone;
-- The week of 2024-12-31 starts on Monday 2024-12-30 (ISO), in New York time.
SET TimeZone = 'America/New_York';
SELECT s.period_start, s.customers
FROM (SELECT retention_series(c, t, '1 week') m FROM edges) q, unnest(q.m) s
WHERE s.customers > 0 AND s.period_start BETWEEN '2024-12-01' AND '2025-01-31';
-- The same instants as timestamps in another zone's wall time give that
-- zone's calendar: timestamptz in zone Z = (t AT TIME ZONE Z) as timestamp.
SELECT pg_temp.same_rows(
           $$SELECT s.* FROM (SELECT retention_series(c, t, '1 month') m FROM edges) q, unnest(q.m) s$$,
           $$SELECT s.* FROM (SELECT retention_series(c, t AT TIME ZONE 'America/New_York', '1 month') m FROM edges) q, unnest(q.m) s$$) AS tstz_vs_timestamp;

--
-- GROUP BY gives per-group answers.
--
SET TimeZone = 'UTC';
SELECT pg_temp.same_rows(
           $$SELECT region, channel, s.* FROM (SELECT region, channel, retention_series(customer_id, ordered_at, '3 months') m
             FROM ret_orders GROUP BY region, channel) q, unnest(q.m) s$$,
           $$SELECT r, ch, s.* FROM generate_series(0, 2) r, generate_series(0, 1) ch,
             LATERAL (SELECT retention_series(customer_id, ordered_at, '3 months') m
                      FROM ret_orders WHERE region = r AND channel = ch) q, unnest(q.m) s$$) AS grouped_series,
       pg_temp.same_rows(
           $$SELECT region, retention_rate(customer_id, ordered_at, '2024-01-01', '1 year'),
                    new_customer_share(customer_id, ordered_at, '2024-01-01', '1 year')
             FROM ret_orders GROUP BY region$$,
           $$SELECT r, (SELECT retention_rate(customer_id, ordered_at, '2024-01-01', '1 year') FROM ret_orders WHERE region = r),
                    (SELECT new_customer_share(customer_id, ordered_at, '2024-01-01', '1 year') FROM ret_orders WHERE region = r)
             FROM generate_series(0, 2) r$$) AS grouped_rates;

-- Many groups in little memory: a spilling hash aggregate equals a sorted one.
CREATE FUNCTION pg_temp.hashagg_batches(query text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || query INTO plan;
	RETURN (plan -> 0 -> 'Plan' ->> 'HashAgg Batches')::int;
END $$;
SET work_mem = '64kB';
SET enable_sort = off;
SELECT pg_temp.hashagg_batches($$SELECT customer_id % 50, retention_series(customer_id::text, ordered_at, '1 month'),
                                       cohort_retention(customer_id, ordered_at, '1 month')
                                FROM ret_orders GROUP BY 1$$) > 1 AS spilled;
CREATE TEMP TABLE hashed AS
SELECT customer_id % 50 AS g, retention_series(customer_id::text, ordered_at, '1 month') AS m,
       cohort_retention(customer_id, ordered_at, '1 month') AS c FROM ret_orders GROUP BY 1;
RESET enable_sort;
SET enable_hashagg = off;
CREATE TEMP TABLE sorted AS
SELECT customer_id % 50 AS g, retention_series(customer_id::text, ordered_at, '1 month') AS m,
       cohort_retention(customer_id, ordered_at, '1 month') AS c FROM ret_orders GROUP BY 1;
RESET enable_hashagg;
RESET work_mem;
SELECT pg_temp.same_rows('SELECT g, m::text, c::text FROM hashed', 'SELECT g, m::text, c::text FROM sorted') AS hashed_vs_sorted;

-- Window use: the same answers OVER (PARTITION BY ...), and a running frame
-- (the final function leaves its state untouched).
SELECT pg_temp.same_rows(
           $$SELECT DISTINCT region, retention_series(customer_id, ordered_at, '1 month') OVER (PARTITION BY region)::text FROM ret_orders$$,
           $$SELECT region, retention_series(customer_id, ordered_at, '1 month')::text FROM ret_orders GROUP BY region$$) AS window_partition;
SELECT d, (retention_series(c, d, '1 month') OVER (ORDER BY d))::text AS running
FROM tiny WHERE c IS NOT NULL AND d IS NOT NULL ORDER BY d;
SELECT d, retention_rate(c, d, '1997-04-01', '1 month') OVER (ORDER BY d) AS running_rate
FROM tiny WHERE c IS NOT NULL AND d IS NOT NULL ORDER BY d;
-- a moving frame (restarted per row): "new" is relative to the frame's rows
SELECT d, (retention_series(c, d, '1 month') OVER (ORDER BY d, c ROWS BETWEEN 1 PRECEDING AND CURRENT ROW))::text AS last_two_rows
FROM tiny WHERE c IS NOT NULL AND d IS NOT NULL ORDER BY d, c;

--
-- Forced parallel plans equal serial plans for every key type and every
-- time type.  The one-scan aggregates are PARALLEL RESTRICTED (their state
-- holds every customer seen, which partial aggregation would hold once per
-- process): a parallel plan scans in parallel and aggregates in the
-- leader.  Their combine, serialize and deserialize functions serve a
-- distributed engine; copies of the aggregates labelled PARALLEL SAFE (in
-- schema split) run them here in partial aggregation: the timestamptz
-- forms pass an internal state through serialize/deserialize, the date and
-- timestamp forms a clv_customer_set flattened into the Gather's tuples;
-- and the plans do launch workers.
--
CREATE SCHEMA split;
DO $$
DECLARE
	a record;
BEGIN
	FOR a IN
		SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args, g.aggtransfn,
			   g.aggtranstype::regtype AS stype, g.aggfinalfn, g.aggcombinefn, g.aggserialfn,
			   g.aggdeserialfn
		FROM pg_aggregate g JOIN pg_proc p ON p.oid = g.aggfnoid
		WHERE p.proname IN ('retention_rate', 'new_customer_share', 'retention_series', 'cohort_retention')
		  AND p.proargtypes[0] <> 'clv_activity'::regtype
	LOOP
		EXECUTE format('CREATE AGGREGATE split.%I(%s) (SFUNC = %s, STYPE = %s, FINALFUNC = %s, '
					   'FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = %s%s, PARALLEL = SAFE)',
					   a.proname, a.args, a.aggtransfn, a.stype, a.aggfinalfn, a.aggcombinefn,
					   CASE WHEN a.aggserialfn <> 0
							THEN format(', SERIALFUNC = %s, DESERIALFUNC = %s', a.aggserialfn, a.aggdeserialfn)
							ELSE '' END);
	END LOOP;
END $$;
SELECT count(*) AS split_copies FROM pg_proc WHERE pronamespace = 'split'::regnamespace AND proparallel = 's';
CREATE TABLE ret_big AS
SELECT 1 + abs(('x' || substr(md5(g::text), 1, 8))::bit(32)::int) % 5000 AS customer_id,
       timestamptz '2023-01-01 00:00:00+00'
           + (abs(('x' || substr(md5(g::text), 9, 8))::bit(32)::int) % (1096 * 1440)) * interval '1 minute' AS ordered_at
FROM generate_series(1, 60000) g;
ALTER TABLE ret_big SET (parallel_workers = 2);
ANALYZE ret_big;
SET TimeZone = 'Europe/Riga';
-- the one query, as a view over the aggregates that search_path finds
-- first (set for the rest of the transaction)
CREATE FUNCTION pg_temp.create_retention_view(name text, search_path text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('search_path', search_path, true);
	EXECUTE format($v$CREATE TEMP VIEW %I AS
SELECT retention_series(customer_id, ordered_at, '1 month')::text AS s1,
       cohort_retention(customer_id::text, ordered_at, '1 week')::text AS c1,
       retention_series(md5(customer_id::text)::uuid, ordered_at::date, '3 months')::text AS s2,
       cohort_retention(customer_id::int4, ordered_at::timestamp, '1 month')::text AS c2,
       retention_series(customer_id::text, ordered_at::date, '1 week')::text AS s3,
       cohort_retention(md5(customer_id::text)::uuid, ordered_at::timestamp, '1 month')::text AS c3,
       retention_rate(customer_id::text, ordered_at, '2024-05-01', '1 month') AS r1,
       new_customer_share(customer_id, ordered_at, '2024-05-01', '1 month') AS n1,
       retention_rate(customer_id, ordered_at::date, '2024-05-01', '30 days') AS r2,
       new_customer_share(md5(customer_id::text)::uuid, ordered_at::timestamp, '2024-05-01', '1 week') AS n2,
       retention_rate(customer_id::int4, ordered_at::timestamp, '2024-05-01', '1 month') AS r3
FROM ret_big$v$, name);
END $$;
BEGIN;
-- the PARALLEL SAFE copies, and the aggregates themselves
SELECT pg_temp.create_retention_view('par_query', 'split, public'),
       pg_temp.create_retention_view('restricted_query', 'public');
COMMIT;
-- the two-step form: per customer, then over the activities
CREATE TEMP VIEW par_two_step AS
SELECT retention_series(a)::text AS s, cohort_retention(a)::text AS c,
       retention_rate(a, '2024-05-01') AS r, new_customer_share(a, '2024-05-01') AS n
FROM (SELECT customer_id, clv_activity(ordered_at::date, '1 month') AS a FROM ret_big GROUP BY 1) x;
CREATE FUNCTION pg_temp.workers_launched(query text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	line text;
	result text := 'no workers';
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query LOOP
		IF line ~ 'Workers Launched' THEN
			result := btrim(line);
		END IF;
	END LOOP;
	RETURN result;
END $$;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_result AS SELECT * FROM par_query;
CREATE TEMP TABLE serial_two_step AS SELECT * FROM par_two_step;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT * FROM par_query;
EXPLAIN (COSTS OFF) SELECT * FROM restricted_query;
SELECT pg_temp.workers_launched('SELECT * FROM par_query') AS one_scan,
       pg_temp.workers_launched('SELECT * FROM restricted_query') AS restricted,
       pg_temp.workers_launched('SELECT * FROM par_two_step') AS two_step;
CREATE TEMP TABLE parallel_result AS SELECT * FROM par_query;
CREATE TEMP TABLE restricted_result AS SELECT * FROM restricted_query;
CREATE TEMP TABLE parallel_two_step AS SELECT * FROM par_two_step;
SELECT pg_temp.same_rows('SELECT * FROM serial_result', 'SELECT * FROM parallel_result') AS parallel_vs_serial,
       pg_temp.same_rows('SELECT * FROM serial_result', 'SELECT * FROM restricted_result') AS restricted_vs_serial,
       pg_temp.same_rows('SELECT * FROM serial_two_step', 'SELECT * FROM parallel_two_step') AS two_step_parallel_vs_serial,
       (SELECT length(s1) > 1000 AND length(c1) > 100000 AND length(c3) > 1000 FROM serial_result) AS nontrivial,
       (SELECT s = (SELECT retention_series(customer_id, ordered_at::date, '1 month')::text FROM ret_big)
               AND c = (SELECT cohort_retention(customer_id, ordered_at::date, '1 month')::text FROM ret_big)
        FROM parallel_two_step) AS two_step_equals_one_scan;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP VIEW par_query;
SET client_min_messages = warning;
DROP SCHEMA split CASCADE;
RESET client_min_messages;

--
-- The two-step form: clv_activity per customer, then the global
-- aggregates over the activities, equal to the one-scan form exactly for
-- every calendar unit, dates and timestamps, every period start.
--
SET TimeZone = 'America/New_York';
CREATE TEMP TABLE ret_days AS
SELECT customer_id, (ordered_at AT TIME ZONE 'Europe/Riga')::date AS d,
       ordered_at AT TIME ZONE 'Asia/Kathmandu' AS ts
FROM ret_orders WHERE customer_id IS NOT NULL;
SELECT u.step::text, k.kind,
       pg_temp.same_rows(
           format('SELECT s.* FROM (SELECT retention_series(a) m FROM (SELECT clv_activity(%s, %L) a FROM ret_days GROUP BY customer_id) x) q, unnest(q.m) s', k.col, u.step),
           format('SELECT s.* FROM (SELECT retention_series(customer_id, %s, %L) m FROM ret_days) q, unnest(q.m) s', k.col, u.step)) AS series,
       pg_temp.same_rows(
           format('SELECT s.* FROM (SELECT cohort_retention(a) m FROM (SELECT clv_activity(%s, %L) a FROM ret_days GROUP BY customer_id) x) q, unnest(q.m) s', k.col, u.step),
           format('SELECT s.* FROM (SELECT cohort_retention(customer_id, %s, %L) m FROM ret_days) q, unnest(q.m) s', k.col, u.step)) AS cohorts
FROM (VALUES (interval '1 week'), ('1 month'), ('3 months'), ('1 year')) u(step),
     (VALUES ('date', 'd'), ('timestamp', 'ts')) k(kind, col)
ORDER BY u.step, k.kind;
SELECT (SELECT cohort_retention(a)::text FROM (SELECT clv_activity(d, '1 day') a FROM ret_days GROUP BY customer_id) x)
       = (SELECT cohort_retention(customer_id, d, '1 day')::text FROM ret_days) AS daily_cohorts,
       (SELECT retention_series(a)::text FROM (SELECT clv_activity(ts, '1 day') a FROM ret_days GROUP BY customer_id) x)
       = (SELECT retention_series(customer_id, ts, '1 day')::text FROM ret_days) AS daily_series;
-- every period start of every unit: retention_rate and new_customer_share
CREATE TEMP TABLE activities AS
SELECT customer_id, u.step, clv_activity(d, u.step) AS a
FROM ret_days, (VALUES (interval '1 week'), ('1 month'), ('3 months'), ('1 year')) u(step)
GROUP BY customer_id, u.step;
SELECT p.step::text, count(*) AS periods,
       count(*) FILTER (WHERE x.rate IS NOT DISTINCT FROM x.one_scan_rate
                          AND x.new_share IS NOT DISTINCT FROM x.one_scan_new_share) AS equal,
       count(x.rate) AS rates, count(x.new_share) AS new_shares
FROM (VALUES (interval '1 week'), ('1 month'), ('3 months'), ('1 year')) p(step),
LATERAL (
	SELECT (SELECT retention_rate(a, g::date) FROM activities WHERE step = p.step) AS rate,
	       (SELECT new_customer_share(a, g::date) FROM activities WHERE step = p.step) AS new_share,
	       (SELECT retention_rate(customer_id, d, g::date, p.step) FROM ret_days) AS one_scan_rate,
	       (SELECT new_customer_share(customer_id, d, g::date, p.step) FROM ret_days) AS one_scan_new_share
	FROM generate_series(date_trunc(CASE p.step WHEN '1 week' THEN 'week' WHEN '1 month' THEN 'month'
	                                            WHEN '3 months' THEN 'quarter' ELSE 'year' END,
	                                timestamp '2022-06-01'),
	                     '2026-06-01', p.step) g
) x
GROUP BY p.step ORDER BY p.step;
-- combined per region (an additive combine) and in window use
SELECT pg_temp.same_rows(
           $$SELECT s.* FROM (SELECT retention_series(a) m FROM (SELECT clv_activity(d, '1 month') a FROM ret_days GROUP BY customer_id) x) q, unnest(q.m) s$$,
           $$SELECT s.* FROM (SELECT retention_series(customer_id, d, '1 month') m FROM ret_days) q, unnest(q.m) s$$) AS monthly,
       (SELECT retention_series(a) OVER (ORDER BY customer_id DESC)
        FROM activities WHERE step = '1 month' ORDER BY customer_id LIMIT 1)::text
       = (SELECT retention_series(a) FROM activities WHERE step = '1 month')::text AS window_running_total;
-- by hand: customer 1 in Jan and Feb, customer 2 in Feb and Apr
SELECT s.* FROM (SELECT retention_series(a) m FROM (SELECT clv_activity(d, '1 month') a
  FROM (VALUES (1, date '2024-01-05'), (1, '2024-02-01'), (2, '2024-02-03'), (2, '2024-04-01')) v(c, d)
  GROUP BY c) x) q, unnest(q.m) s;
-- bad arguments
SELECT pg_temp.error_of($$SELECT clv_activity(d, '2 weeks') FROM ret_days$$);
SELECT pg_temp.error_of($$SELECT clv_activity(d, NULL) FROM ret_days$$);
SELECT pg_temp.error_of($$SELECT clv_activity(ts::timestamptz, '1 month') FROM ret_days$$);
SELECT pg_temp.error_of($$SELECT retention_series(a) FROM activities$$);
SELECT pg_temp.error_of($$SELECT retention_rate(a, '2024-05-02') FROM activities WHERE step = '1 month'$$);
SELECT pg_temp.error_of($$SELECT retention_rate(a, NULL) FROM activities WHERE step = '1 month'$$);
SELECT pg_temp.error_of($$SELECT new_customer_share(a, 'infinity') FROM activities WHERE step = '1 month'$$);
SELECT retention_rate(a, '2024-05-01') IS NULL AND retention_series(a) IS NULL AS no_rows
FROM activities WHERE false;
-- the values' text form round-trips and is validated (a customer whose
-- rows all have NULL times has a NULL activity)
SELECT a::text::clv_activity::text = a::text AS round_trip, count(*)
FROM activities GROUP BY 1 ORDER BY 1;
SELECT pg_temp.error_of($$SELECT '\x02'::clv_activity$$);
SELECT pg_temp.error_of($$SELECT '\x0102000000030002'::clv_activity$$);
SELECT pg_temp.error_of($$SELECT '\x010200000004000200'::clv_activity$$);
SELECT pg_temp.error_of($$SELECT 'abc'::clv_activity$$);
SELECT pg_temp.error_of($$SELECT '\x01'::clv_retention_counts$$);

--
-- clv_customer_set, the state of the date and timestamp forms, has a
-- validated text form: \x and the hex digits of its binary form.  By hand:
-- retention_series, bigint keys, dates, months; customer 42 active in
-- periods 5 and 7.
--
CREATE TEMP TABLE set_text AS
SELECT '\x01' || '02' || '01' || '02' || '02'
       || repeat('00', 8) || '0000000000000001' || repeat('00', 16)   -- period 1 month
       || repeat('00', 24)                                             -- one-period bounds
       || '00000005' || '00000007'                                     -- periods 5..7
       || '0000000000000001'                                           -- one customer
       || '000000000000002a' || '00000004' || '00020a01' AS t;         -- key 42, {5, 7}
SELECT t::clv_customer_set::text = t AS round_trip FROM set_text;
SELECT pg_temp.error_of(format('SELECT %L::clv_customer_set', replace(t, '00000007000000', '00000006000000'))) FROM set_text;
SELECT pg_temp.error_of(format('SELECT %L::clv_customer_set', t || '00')) FROM set_text;
SELECT pg_temp.error_of(format('SELECT %L::clv_customer_set', left(t, -2))) FROM set_text;
SELECT pg_temp.error_of(format('SELECT %L::clv_customer_set', '\x02' || substr(t, 5))) FROM set_text;
SELECT pg_temp.error_of($$SELECT clv_customer_set_combine(NULL::clv_customer_set, NULL::clv_customer_set)$$);

--
-- Memory (issue 10.5): a customer's state grows with its active periods,
-- not with their span, and a bound stops it with SQLSTATE 54000 naming
-- clv.max_state_memory, never the out-of-memory killer.
--
SET TimeZone = 'UTC';
-- 100,000 customers with two orders ten years apart, daily periods: under
-- 4 MB, 20 bytes a customer and its hash slots (1.0 kept a bitmap over the
-- span, about 480 bytes a customer)
CREATE TEMP TABLE ten_years AS
SELECT g AS c, date '2010-01-01' + g % 365 AS d FROM generate_series(1, 100000) g
UNION ALL
SELECT g, date '2020-01-01' + g % 365 FROM generate_series(1, 100000) g;
SET clv.max_state_memory = '4MB';
SELECT array_length(m, 1) AS days, (SELECT sum(customers) FROM unnest(m)) AS customer_days,
       (SELECT count(*) FILTER (WHERE retained > 0) FROM unnest(m)) AS periods_with_retained
FROM (SELECT retention_series(c, d, '1 day') m FROM ten_years) s;
SET clv.max_state_memory = '1MB';
SELECT pg_temp.error_of($$SELECT retention_series(c, d, '1 day') FROM ten_years$$);
SELECT pg_temp.error_of($$SELECT retention_rate(c::text, d, '2010-06-01', '1 year') FROM ten_years$$);
RESET clv.max_state_memory;
-- at the period cap: 20,000 customers, each on the first and the last day
-- of 1,048,576 days (1.0: 2.79 GB for 40,000 such rows)
SELECT array_length(m, 1) AS days, (m[1]).customers AS first_day,
       (m[array_length(m, 1)]).customers AS last_day, (m[2]).customers AS second_day
FROM (SELECT retention_series(c, d, '1 day') m
      FROM (SELECT g AS c, date '0001-01-01' AS d FROM generate_series(1, 20000) g
            UNION ALL SELECT g, date '0001-01-01' + 1048575 FROM generate_series(1, 20000) g) x) s;
SELECT pg_temp.error_of($$SELECT retention_series(1, d, '1 day')
                          FROM (VALUES (date '0001-01-01'), (date '0001-01-01' + 1048576)) v(d)$$);
-- a cohort matrix too big to build is refused before it is built (1.0:
-- 2.1 GB for 4,471 rows)
SELECT pg_temp.error_of($$SELECT cohort_retention(g, date '0001-01-01' + g * 234, '1 day')
                          FROM generate_series(1, 4471) g$$);
RESET ALL;

-- many groups: the states of one aggregate share one memory context (a
-- context each before, which a hash aggregate sums at every new group:
-- 10,000 groups of retention_rate took 0.6 s, 100,000 about a minute);
-- every group's result equals the one a sorted aggregation gives
CREATE TEMP TABLE many_rows AS
SELECT i % 100000 AS g, (i % 7)::text || 'k' AS c, date '2024-01-01' + i % 30 AS d
FROM generate_series(1, 300000) i;
SET enable_sort = off;
SET work_mem = '1GB';
SET statement_timeout = '20s';
CREATE TEMP TABLE many_hashed AS
SELECT g, retention_rate(c, d, date '2024-01-15', '7 days') AS rate,
       cohort_retention(c, d, '7 days')::text AS cohorts
FROM many_rows GROUP BY g;
CREATE TEMP TABLE many_activity_hashed AS
SELECT g, retention_series(a)::text AS series
FROM (SELECT g, c, clv_activity(d, '7 days') AS a FROM many_rows GROUP BY g, c) s
GROUP BY g;
RESET statement_timeout;
RESET work_mem;
RESET enable_sort;
SET enable_hashagg = off;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE h.rate IS NOT DISTINCT FROM s.rate AND h.cohorts = s.cohorts) AS same_as_sorted
FROM many_hashed h
JOIN (SELECT g, retention_rate(c, d, date '2024-01-15', '7 days') AS rate,
             cohort_retention(c, d, '7 days')::text AS cohorts
      FROM many_rows GROUP BY g) s USING (g);
SELECT count(*) AS groups, count(*) FILTER (WHERE h.series = s.series) AS same_as_sorted
FROM many_activity_hashed h
JOIN (SELECT g, retention_series(a)::text AS series
      FROM (SELECT g, c, clv_activity(d, '7 days') AS a FROM many_rows GROUP BY g, c) s
      GROUP BY g) s USING (g);
RESET enable_hashagg;
DROP TABLE many_rows, many_hashed, many_activity_hashed;
