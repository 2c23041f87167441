--
-- clv_sample_orders: deterministic simulated orders
--
SET TimeZone = 'UTC';
SET extra_float_digits = 0;

-- pinned rows: the same on every machine
SELECT * FROM clv_sample_orders(3);
SELECT * FROM clv_sample_orders(2, seed => 2, unit => '1 day',
                                start_at => '1997-01-01 00:00+00',
                                end_at => '1997-04-01 00:00+00');

-- the whole default data set, as a fingerprint independent of TimeZone and DateStyle
CREATE FUNCTION pg_temp.fingerprint(customers int, seed int) RETURNS text
LANGUAGE sql AS $$
	SELECT md5(string_agg(customer_id || ' ' || extract(epoch FROM ordered_at) || ' ' || amount,
	                      ',' ORDER BY customer_id, ordered_at))
	FROM clv_sample_orders(customers, seed)
$$;
SELECT pg_temp.fingerprint(1000, 1) AS default_fingerprint,
       count(*) AS default_rows
FROM clv_sample_orders();

-- determinism: same seed same rows; another seed other rows
SELECT pg_temp.fingerprint(500, 1) = pg_temp.fingerprint(500, 1) AS same_seed_same_rows,
       pg_temp.fingerprint(500, 1) <> pg_temp.fingerprint(500, 2) AS other_seed_other_rows,
       pg_temp.fingerprint(500, -1) <> pg_temp.fingerprint(500, 1) AS negative_seed_other_rows;

-- the planner's row estimate follows a constant number of customers
CREATE FUNCTION pg_temp.estimated_rows(query text) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
	RETURN plan -> 0 -> 'Plan' ->> 'Plan Rows';
END $$;
SELECT pg_temp.estimated_rows('SELECT * FROM clv_sample_orders(1000000)') AS million,
       pg_temp.estimated_rows('SELECT * FROM clv_sample_orders(customers => 10, seed => 3)') AS ten,
       pg_temp.estimated_rows('SELECT * FROM clv_sample_orders()') AS default_call,
       pg_temp.estimated_rows('SELECT * FROM clv_sample_orders(0)') AS zero,
       pg_temp.estimated_rows('SELECT * FROM clv_sample_orders(NULL)') AS null_customers,
       pg_temp.estimated_rows('SELECT * FROM generate_series(1, 2) g, clv_sample_orders(g)') AS not_constant;

-- rows come ordered by customer_id, ordered_at
SELECT bool_and((customer_id, ordered_at) >= (prev_customer, prev_at)) AS ordered
FROM (SELECT customer_id, ordered_at,
             lag(customer_id) OVER (ORDER BY n) AS prev_customer,
             lag(ordered_at) OVER (ORDER BY n) AS prev_at
      FROM clv_sample_orders(300) WITH ORDINALITY AS o(customer_id, ordered_at, amount, n)) s
WHERE prev_customer IS NOT NULL;

-- TimeZone independence: the same instants under other TimeZones
CREATE TEMP TABLE utc_rows AS SELECT * FROM clv_sample_orders(200, 5);
SET TimeZone = 'America/New_York';
SELECT count(*) AS differing_rows_new_york
FROM ((TABLE utc_rows EXCEPT ALL SELECT * FROM clv_sample_orders(200, 5))
      UNION ALL
      (SELECT * FROM clv_sample_orders(200, 5) EXCEPT ALL TABLE utc_rows)) d;
SET TimeZone = 'Asia/Kolkata';
SELECT count(*) AS differing_rows_kolkata
FROM ((TABLE utc_rows EXCEPT ALL SELECT * FROM clv_sample_orders(200, 5))
      UNION ALL
      (SELECT * FROM clv_sample_orders(200, 5) EXCEPT ALL TABLE utc_rows)) d;
SELECT min(ordered_at) >= '2024-01-01 00:00+00' AND max(ordered_at) < '2026-01-01 00:00+00'
       AS default_period_is_utc
FROM clv_sample_orders(200, 5);
SET TimeZone = 'UTC';

-- the first customers do not depend on how many are simulated
SELECT count(*) AS differing_rows
FROM ((SELECT * FROM clv_sample_orders(1000, 3) WHERE customer_id <= 100
       EXCEPT ALL SELECT * FROM clv_sample_orders(100, 3))
      UNION ALL
      (SELECT * FROM clv_sample_orders(100, 3)
       EXCEPT ALL SELECT * FROM clv_sample_orders(1000, 3) WHERE customer_id <= 100)) d;

-- PARALLEL SAFE: calls inside parallel workers give the rows a serial plan gives
CREATE TABLE sample_seeds AS SELECT g AS seed FROM generate_series(1, 60) g;
ALTER TABLE sample_seeds SET (parallel_workers = 2);
ANALYZE sample_seeds;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT count(*), sum(o.customer_id * s.seed), sum(extract(epoch FROM o.ordered_at)), sum(o.amount)
FROM sample_seeds s, LATERAL clv_sample_orders(50, s.seed) o;
CREATE TEMP TABLE parallel_result AS
SELECT count(*) AS orders, sum(o.customer_id * s.seed) AS ids,
       sum(extract(epoch FROM o.ordered_at)) AS times, sum(o.amount) AS amounts
FROM sample_seeds s, LATERAL clv_sample_orders(50, s.seed) o;
SET max_parallel_workers_per_gather = 0;
SELECT p = serial AS parallel_equals_serial, (p).orders
FROM (SELECT parallel_result AS p FROM parallel_result) pr,
     (SELECT (count(*), sum(o.customer_id * s.seed), sum(extract(epoch FROM o.ordered_at)),
              sum(o.amount))::parallel_result AS serial
      FROM sample_seeds s, LATERAL clv_sample_orders(50, s.seed) o) sr;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
DROP TABLE sample_seeds;

-- shape of the data: every customer 1..N, times in [start_at, end_at) in
-- whole seconds, amounts positive with two decimals, one-order customers
SELECT count(DISTINCT customer_id) AS customers,
       min(customer_id) AS first_id, max(customer_id) AS last_id,
       bool_and(ordered_at >= '2024-01-01 00:00+00' AND ordered_at < '2026-01-01 00:00+00') AS in_period,
       bool_and(extract(microseconds FROM ordered_at) % 1000000 = 0) AS whole_seconds,
       bool_and(amount > 0) AS positive,
       bool_and(scale(amount) = 2) AS cents
FROM clv_sample_orders(2000, 11);
SELECT count(*) FILTER (WHERE orders = 1) > 100 AS one_order_customers,
       count(*) FILTER (WHERE orders > 1) > 100 AS repeat_customers
FROM (SELECT customer_id, count(*) AS orders FROM clv_sample_orders(2000, 11) GROUP BY 1) c;

-- a period that is not on whole seconds: times are its whole seconds
SELECT min(ordered_at) AS first_time, max(ordered_at) AS last_time,
       count(DISTINCT customer_id) AS customers
FROM clv_sample_orders(300, unit => '1 second', r => 1, alpha => 1,
                       start_at => '2024-01-01 00:00:00.5+00',
                       end_at => '2024-01-01 00:00:10.5+00');
-- a period of one whole second: everyone buys at that second
SELECT count(*) AS rows, count(DISTINCT ordered_at) AS times, min(ordered_at) AS at_time
FROM clv_sample_orders(50, start_at => '2024-01-01 00:00:00.25+00',
                       end_at => '2024-01-01 00:00:01.25+00');

-- no customers, NULL arguments: no rows
SELECT count(*) AS no_customers FROM clv_sample_orders(0);
SELECT count(*) AS null_seed FROM clv_sample_orders(10, NULL);
SELECT count(*) AS null_unit FROM clv_sample_orders(10, unit => NULL);

-- bad arguments
SELECT * FROM clv_sample_orders(-1);
SELECT * FROM clv_sample_orders(10, r => 0);
SELECT * FROM clv_sample_orders(10, alpha => -1);
SELECT * FROM clv_sample_orders(10, a => 'NaN');
SELECT * FROM clv_sample_orders(10, b => 'Infinity');
SELECT * FROM clv_sample_orders(10, p => '-Infinity');
SELECT * FROM clv_sample_orders(10, q => 0);
SELECT * FROM clv_sample_orders(10, gamma => -0.5);
SELECT * FROM clv_sample_orders(10, unit => '1 month');
SELECT * FROM clv_sample_orders(10, unit => '0');
SELECT * FROM clv_sample_orders(10, unit => '-1 day');
SELECT * FROM clv_sample_orders(10, start_at => '-infinity');
SELECT * FROM clv_sample_orders(10, end_at => 'infinity');
SELECT * FROM clv_sample_orders(10, end_at => '2024-01-01 00:00+00');
SELECT * FROM clv_sample_orders(10, end_at => '2023-12-31 00:00+00');
SELECT * FROM clv_sample_orders(10, start_at => '2024-01-01 00:00:00.25+00',
                                end_at => '2024-01-01 00:00:00.75+00');
-- runaway parameters are an error, not an endless loop or a cut
SELECT * FROM clv_sample_orders(10, alpha => 1e-6, b => 1e9);
SELECT * FROM clv_sample_orders(10, q => 1e-3);

-- every bad argument is a class-22 error
CREATE FUNCTION pg_temp.sqlstate_of(query text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END $$;
SELECT call, pg_temp.sqlstate_of('SELECT count(*) FROM clv_sample_orders(' || call || ')') AS sqlstate
FROM (VALUES ('-1'), ('10, r => 0'), ('10, alpha => -1'), ('10, a => ''NaN'''),
             ('10, b => ''Infinity'''), ('10, p => ''-Infinity'''), ('10, q => 0'),
             ('10, gamma => -0.5'), ('10, unit => ''1 month'''), ('10, unit => ''0'''),
             ('10, unit => ''-1 day'''), ('10, start_at => ''-infinity'''),
             ('10, end_at => ''infinity'''), ('10, end_at => ''2024-01-01 00:00+00'''),
             ('10, start_at => ''2024-01-01 00:00:00.25+00'', end_at => ''2024-01-01 00:00:00.75+00'''),
             ('10, alpha => 1e-6, b => 1e9'), ('10, q => 1e-3')) AS bad(call);

--
-- The data follow the model.  20,000 customers with r = 0.5, alpha = 5,
-- a = 2, b = 5 (weekly rates) and p = 6, q = 8, gamma = 20.  Each check
-- allows 4 standard errors of its sample statistic.
--
CREATE TEMP TABLE sim AS
SELECT * FROM clv_sample_orders(20000, 7, r => 0.5, alpha => 5, a => 2, b => 5,
                                p => 6, q => 8, gamma => 20);
-- x = repeat purchases, t = the customer's age at end_at in weeks
CREATE TEMP TABLE sim_customer AS
SELECT customer_id, count(DISTINCT ordered_at) - 1 AS x,
       extract(epoch FROM '2026-01-01 00:00+00' - min(ordered_at))::float8 / (7 * 86400) AS t
FROM sim GROUP BY customer_id;

-- P(X(t) = 0) = (alpha / (alpha + t))^r: nobody drops out before a repeat
SELECT abs(avg((x = 0)::int) - avg((5 / (5 + t)) ^ 0.5))
       < 4 * sqrt(0.25 / count(*)) AS no_repeat_share_matches
FROM sim_customer;

-- E[X(t)] = (a + b - 1) / (a - 1) [1 - (alpha / (alpha + t))^r
--             2F1(r, b; a + b - 1; t / (alpha + t))]    (FHL 2005, eq. 9)
-- averaged over the customers' ages in 0.1-week buckets; the series has
-- terms c_n z^n with z <= 0.955 and c_n < 1, so 400 terms leave < 1e-8
-- (terms below e^-700 are left out: float8 exp would underflow).
WITH coefficient AS (
	SELECT n, sum(CASE WHEN n = 0 THEN 0
	                   ELSE ln((0.5 + n - 1) * (5 + n - 1) / ((6 + n - 1) * n)) END)
	          OVER (ORDER BY n) AS log_c
	FROM generate_series(0, 400) n
), age AS (
	SELECT (floor(t * 10) + 0.5) / 10 AS t, count(*) AS customers
	FROM sim_customer GROUP BY 1
), expected AS (
	SELECT customers,
	       (2 + 5 - 1.0) / (2 - 1) * (1 - (5 / (5 + t)) ^ 0.5 *
	        (SELECT sum(exp(log_term)) FROM coefficient,
	                LATERAL (SELECT log_c + n * ln(t / (5 + t)) AS log_term) l
	         WHERE log_term > -700)) AS ex
	FROM age
)
SELECT abs((SELECT avg(x) FROM sim_customer) - sum(customers * ex) / sum(customers))
       < 4 * (SELECT stddev_samp(x) / sqrt(count(*)) FROM sim_customer) AS mean_repeats_match
FROM expected;

-- Gamma-Gamma: E[z] = p gamma / (q - 1) = 17.143, sd(z) = 10.30 (one
-- first order per customer, independent); amounts of one customer share
-- nu, so corr(z1, z2) = p^2 Var(1/nu) / Var(z) = 0.4615
SELECT abs(avg(amount) - 6 * 20 / 7.0) < 4 * 10.30 / sqrt(count(*)) AS mean_amount_matches
FROM (SELECT DISTINCT ON (customer_id) amount FROM sim ORDER BY customer_id, ordered_at) first_order;
SELECT abs(corr(z1, z2) - 0.4615) < 0.05 AS amounts_share_nu
FROM (SELECT (array_agg(amount ORDER BY ordered_at))[1]::float8 AS z1,
             (array_agg(amount ORDER BY ordered_at))[2]::float8 AS z2
      FROM sim GROUP BY customer_id HAVING count(*) >= 2) pair;
