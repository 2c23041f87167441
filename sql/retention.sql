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
CREATE FUNCTION pg_temp.error_of(query text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN others THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

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
-- Key types: text, uuid, int4 and numeric keys give the bigint answers.
--
SELECT kt.type,
       pg_temp.same_rows(
           format('SELECT s.* FROM (SELECT retention_series(%s, ordered_at, ''1 week'') m FROM ret_orders) q, unnest(q.m) s', kt.expr),
           'SELECT s.* FROM (SELECT retention_series(customer_id, ordered_at, ''1 week'') m FROM ret_orders) q, unnest(q.m) s') AS series,
       pg_temp.same_rows(
           format('SELECT s.* FROM (SELECT cohort_retention(%s, ordered_at, ''1 month'') m FROM ret_orders) q, unnest(q.m) s', kt.expr),
           'SELECT s.* FROM (SELECT cohort_retention(customer_id, ordered_at, ''1 month'') m FROM ret_orders) q, unnest(q.m) s') AS cohorts,
       pg_temp.same_rows(
           format('SELECT retention_rate(%s, ordered_at, ''2024-03-01'', ''1 month''), new_customer_share(%1$s, ordered_at, ''2024-03-01'', ''1 month'') FROM ret_orders', kt.expr),
           'SELECT retention_rate(customer_id, ordered_at, ''2024-03-01'', ''1 month''), new_customer_share(customer_id, ordered_at, ''2024-03-01'', ''1 month'') FROM ret_orders') AS one_period
FROM (VALUES ('text', '(''customer '' || customer_id)'),
             ('uuid', 'md5(customer_id::text)::uuid'),
             ('int4', 'customer_id::int4'),
             ('numeric', 'customer_id::numeric'),
             ('varchar', 'repeat(''long key '', 300) || customer_id')) kt(type, expr);
-- text keys compare under the column's collation: with a case-insensitive
-- nondeterministic collation 'A' and 'a' are one customer.
CREATE COLLATION IF NOT EXISTS ret_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
SELECT (retention_series(c COLLATE ret_ci, d, '1 year'))[1].customers AS ci,
       (retention_series(c COLLATE "C", d, '1 year'))[1].customers AS c
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
-- Forced parallel plans equal serial plans (bigint, text and uuid keys,
-- so serialization carries key types through send/recv).
--
CREATE TABLE ret_big AS
SELECT 1 + abs(('x' || substr(md5(g::text), 1, 8))::bit(32)::int) % 5000 AS customer_id,
       timestamptz '2023-01-01 00:00:00+00'
           + (abs(('x' || substr(md5(g::text), 9, 8))::bit(32)::int) % (1096 * 1440)) * interval '1 minute' AS ordered_at
FROM generate_series(1, 60000) g;
ALTER TABLE ret_big SET (parallel_workers = 2);
ANALYZE ret_big;
SET TimeZone = 'Europe/Riga';
CREATE TEMP VIEW par_query AS
SELECT retention_series(customer_id, ordered_at, '1 month')::text AS s1,
       cohort_retention(customer_id::text, ordered_at, '1 week')::text AS c1,
       retention_series(md5(customer_id::text)::uuid, ordered_at::date, '3 months')::text AS s2,
       cohort_retention(customer_id::int4, ordered_at::timestamp, '1 month')::text AS c2,
       retention_rate(customer_id::text, ordered_at, '2024-05-01', '1 month') AS r1,
       new_customer_share(customer_id, ordered_at, '2024-05-01', '1 month') AS n1,
       retention_rate(customer_id, ordered_at::date, '2024-05-01', '30 days') AS r2
FROM ret_big;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_result AS SELECT * FROM par_query;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT * FROM par_query;
CREATE TEMP TABLE parallel_result AS SELECT * FROM par_query;
SELECT pg_temp.same_rows('SELECT * FROM serial_result', 'SELECT * FROM parallel_result') AS parallel_vs_serial,
       (SELECT length(s1) > 1000 AND length(c1) > 100000 FROM serial_result) AS nontrivial;
RESET ALL;
