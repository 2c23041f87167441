--
-- Probabilistic models: clv_stats, bgnbd_fit, pareto_nbd_fit,
-- gamma_gamma_fit, and the scoring functions.
--
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
SET IntervalStyle = 'postgres';

\i test/regress/error_of.sql

-- per-customer summaries of 4,000 simulated customers, in weeks, by day
CREATE TABLE model_summaries AS
SELECT customer_id, (clv_summary(ordered_at::date, amount, '2025-12-31'::date, '1 week')).*
FROM clv_sample_orders(4000, 11) GROUP BY customer_id;
SELECT count(*) AS customers, sum(x) AS repeats, count(*) FILTER (WHERE x = 0) AS no_repeat
FROM model_summaries;

-- the three forms of each fit agree exactly: plain columns, clv_summary, clv_stats
CREATE TABLE fits AS
SELECT bgnbd_fit(x, t_x, t, unit) AS bg_plain,
	   bgnbd_fit(s) AS bg_summary,
	   pareto_nbd_fit(x, t_x, t, unit) AS pn_plain,
	   pareto_nbd_fit(s) AS pn_summary,
	   gamma_gamma_fit(x, m) AS gg_plain,
	   gamma_gamma_fit(s) AS gg_summary,
	   clv_stats(s) AS stats,
	   clv_stats(x, t_x, t, m, unit) AS stats_plain
FROM (SELECT *, (x, t_x, t, m, orders, unit)::clv_summary AS s FROM model_summaries) q;
SELECT bg_plain = bg_summary AS bg_same, pn_plain = pn_summary AS pn_same,
	   gg_plain = gg_summary AS gg_same, stats::text = stats_plain::text AS stats_same,
	   bg_plain = (SELECT bgnbd_fit(stats) FROM fits) AS bg_from_stats,
	   pn_plain = (SELECT pareto_nbd_fit(stats) FROM fits) AS pn_from_stats,
	   gg_plain = (SELECT gamma_gamma_fit(stats) FROM fits) AS gg_from_stats
FROM fits;

-- the fits, rounded (converged, customers, unit)
SELECT round((bg_plain).r::numeric, 3) AS r, round((bg_plain).alpha::numeric, 2) AS alpha,
	   round((bg_plain).a::numeric, 3) AS a, round((bg_plain).b::numeric, 2) AS b,
	   (bg_plain).customers, (bg_plain).converged, (bg_plain).unit
FROM fits;
SELECT round((pn_plain).r::numeric, 3) AS r, round((pn_plain).alpha::numeric, 2) AS alpha,
	   round((pn_plain).s::numeric, 3) AS s, round((pn_plain).beta::numeric, 2) AS beta,
	   (pn_plain).customers, (pn_plain).converged, (pn_plain).unit
FROM fits;
SELECT round((gg_plain).p::numeric, 2) AS p, round((gg_plain).q::numeric, 2) AS q,
	   round((gg_plain).gamma::numeric, 2) AS gamma,
	   (gg_plain).customers = (SELECT count(*) FROM model_summaries WHERE x > 0) AS repeat_customers,
	   (gg_plain).converged
FROM fits;

-- the log-likelihood at the optimum is the sum over customers of the
-- BG/NBD likelihood written out in plain SQL, and nudging any parameter by
-- 1% either way lowers it: the fit is a maximum
CREATE FUNCTION pg_temp.bgnbd_ll(r float8, alpha float8, a float8, b float8) RETURNS float8
LANGUAGE sql AS $$
	-- lgamma(r+x) - lgamma(r) + lgamma(b+x) - lgamma(b) + lgamma(a+b) - lgamma(a+b+x)
	-- is the sum over k < x of ln(r+k) + ln(b+k) - ln(a+b+k) (x is an integer)
	SELECT sum(coalesce((SELECT sum(ln(r + k) + ln(b + k) - ln(a + b + k))
						 FROM generate_series(0, x - 1) k), 0)
			   + r * ln(alpha)
			   + ln((alpha + t) ^ (-(r + x))
					+ CASE WHEN x > 0 THEN a / (b + x - 1) * (alpha + t_x) ^ (-(r + x)) ELSE 0 END))
	FROM model_summaries
$$;
SELECT abs(pg_temp.bgnbd_ll((bg).r, (bg).alpha, (bg).a, (bg).b) - (bg).ll) < 1e-6 AS bgnbd_ll_matches,
	   bool_and((bg).ll > pg_temp.bgnbd_ll((bg).r * CASE WHEN i = 1 THEN f ELSE 1 END,
										   (bg).alpha * CASE WHEN i = 2 THEN f ELSE 1 END,
										   (bg).a * CASE WHEN i = 3 THEN f ELSE 1 END,
										   (bg).b * CASE WHEN i = 4 THEN f ELSE 1 END)) AS bgnbd_is_maximum
FROM (SELECT bg_plain AS bg FROM fits) q, generate_series(1, 4) i, (VALUES (0.99), (1.01)) v(f)
GROUP BY bg;

-- clv_stats merged from pieces with disjoint customers = one pass over all
CREATE TABLE pieces AS
SELECT customer_id % 5 AS piece, clv_stats(x, t_x, t, m, unit) AS stats
FROM model_summaries GROUP BY customer_id % 5;
SELECT (SELECT clv_stats_merge(stats) FROM pieces)::text = stats::text AS merged_stats_same,
	   (SELECT bgnbd_fit(stats) FROM pieces) = bg_plain AS merged_bgnbd_same,
	   (SELECT pareto_nbd_fit(stats) FROM pieces) = pn_plain AS merged_pareto_same,
	   (SELECT gamma_gamma_fit(stats) FROM pieces) = gg_plain AS merged_gg_same
FROM fits;

-- a stored clv_stats large enough to be compressed (day-level rows of
-- 20,000 customers) becomes a fit's state as it is: the same fits as
-- from the summaries, alone and followed by a NULL (pieces above: by more values)
CREATE TABLE stored_stats AS
SELECT clv_stats(s) AS stats, bgnbd_fit(s) AS bg, gamma_gamma_fit(s) AS gg
FROM (SELECT clv_summary(ordered_at, amount, '2026-01-01 00:00+00', '1 day') AS s
	  FROM clv_sample_orders(20000) GROUP BY customer_id) q;
SELECT pg_column_size(stats) < octet_length(clv_stats_send(stats)) AS compressed,
	   (SELECT bgnbd_fit(stats) FROM stored_stats) = bg AS stored_bgnbd_same,
	   (SELECT gamma_gamma_fit(stats) FROM stored_stats) = gg AS stored_gg_same,
	   (SELECT clv_stats_merge(stats) FROM stored_stats) = stats AS stored_merge_same,
	   (SELECT bgnbd_fit(v) FROM (SELECT stats FROM stored_stats
								  UNION ALL SELECT NULL::clv_stats) u(v)) = bg AS then_null_same
FROM stored_stats;

-- GROUP BY fits equal separate fits
CREATE TABLE grouped AS
SELECT customer_id % 3 AS segment, bgnbd_fit(x, t_x, t, unit) AS bg,
	   pareto_nbd_fit(x, t_x, t, unit) AS pn, gamma_gamma_fit(x, m) AS gg
FROM model_summaries GROUP BY customer_id % 3;
SELECT segment,
	   bg = (SELECT bgnbd_fit(x, t_x, t, unit) FROM model_summaries WHERE customer_id % 3 = segment) AS bg_same,
	   pn = (SELECT pareto_nbd_fit(x, t_x, t, unit) FROM model_summaries WHERE customer_id % 3 = segment) AS pn_same,
	   gg = (SELECT gamma_gamma_fit(x, m) FROM model_summaries WHERE customer_id % 3 = segment) AS gg_same,
	   (bg).customers
FROM grouped ORDER BY segment;

-- forced parallel plans give the serial fits exactly
CREATE TABLE big_summaries AS SELECT * FROM model_summaries, generate_series(1, 5) copy;
ALTER TABLE big_summaries SET (parallel_workers = 2);
ANALYZE big_summaries;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE serial_fits AS
SELECT bgnbd_fit(x, t_x, t, unit) AS bg, pareto_nbd_fit(x, t_x, t, unit) AS pn,
	   gamma_gamma_fit(x, m) AS gg, clv_stats(x, t_x, t, m, unit)::text AS stats
FROM big_summaries;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT bgnbd_fit(x, t_x, t, unit) FROM big_summaries;
-- the plan runs in workers: partial states (clv_stats values) are combined
\i test/regress/workers_launched.sql
SELECT pg_temp.workers_launched(format('SELECT %s FROM big_summaries', f)) > 0 AS workers_launched, f
FROM (VALUES ('bgnbd_fit(x, t_x, t, unit)'), ('pareto_nbd_fit(x, t_x, t, unit)'), ('gamma_gamma_fit(x, m)'),
			 ('clv_stats(x, t_x, t, m, unit)'), ('bgnbd_fit((x, t_x, t, m, orders, unit)::clv_summary)')) v(f);
SELECT bgnbd_fit(x, t_x, t, unit) = (SELECT bg FROM serial_fits) AS parallel_bgnbd_same,
	   pareto_nbd_fit(x, t_x, t, unit) = (SELECT pn FROM serial_fits) AS parallel_pareto_same,
	   gamma_gamma_fit(x, m) = (SELECT gg FROM serial_fits) AS parallel_gg_same,
	   clv_stats(x, t_x, t, m, unit)::text = (SELECT stats FROM serial_fits) AS parallel_stats_same,
	   (bgnbd_fit(x, t_x, t, unit)).customers
FROM big_summaries;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- NULL and empty input: NULL rows are ignored; no rows or one customer gives NULL
SELECT bgnbd_fit(x, t_x, t, '1 day') IS NULL AS empty_bgnbd,
	   pareto_nbd_fit(x, t_x, t, '1 day') IS NULL AS empty_pareto,
	   gamma_gamma_fit(x, m) IS NULL AS empty_gg,
	   clv_stats(x, t_x, t, m, '1 day') IS NULL AS empty_stats
FROM model_summaries WHERE false;
SELECT bgnbd_fit(x, t_x, t, '1 day') IS NULL AS one_customer,
	   gamma_gamma_fit(x, m) IS NULL AS one_repeat_customer
FROM (VALUES (2::bigint, 3.0::float8, 5.0::float8, 10.0::float8)) v(x, t_x, t, m);
SELECT (bgnbd_fit(x, t_x, t, '1 week')).customers AS customers_without_null_rows
FROM (SELECT x, t_x, t FROM model_summaries
	  UNION ALL VALUES (NULL, 1, 2), (1, NULL, 2), (1, 1, NULL)) v;
SELECT clv_stats_merge(s) IS NULL AS merge_of_nulls
FROM (VALUES (NULL::clv_stats), (NULL)) v(s);

-- a data set without repeat purchases: WARNING, not converged, finite parameters
SELECT (f).converged, (f).customers,
	   isfinite_all AS finite_parameters
FROM (SELECT f, (f).r > 0 AND (f).r < 'infinity' AND (f).alpha > 0 AND (f).alpha < 'infinity'
				AND (f).a > 0 AND (f).a < 'infinity' AND (f).b > 0 AND (f).b < 'infinity'
				AND (f).ll > '-infinity' AS isfinite_all
	  FROM (SELECT bgnbd_fit(0, 0, t, '1 day') AS f
			FROM generate_series(1, 50) t) q) q;
SELECT (f).converged, (f).customers,
	   (f).r > 0 AND (f).r < 'infinity' AND (f).s > 0 AND (f).s < 'infinity'
	   AND (f).alpha > 0 AND (f).alpha < 'infinity' AND (f).beta > 0 AND (f).beta < 'infinity'
	   AS finite_parameters
FROM (SELECT pareto_nbd_fit(0, 0, t, '1 day') AS f FROM generate_series(1, 50) t) q;

-- issue 10.4: Pareto/NBD on tiny and degenerate inputs ends at once (these
-- ran for 20 s, over 200 s and 4.6 s): where the likelihood rises towards a
-- limit of the model (no dropout, rates without heterogeneity) the fit is
-- not converged, with a WARNING saying so; its parameters are finite
SET statement_timeout = '2s';
SELECT (f).converged, (f).customers, (f).iterations < 100 AS few_iterations,
	   (f).r < 'infinity' AND (f).alpha < 'infinity' AND (f).s < 'infinity' AND (f).beta < 'infinity'
	   AND (f).s > 0 AND (f).beta > 0 AS finite
FROM (SELECT pareto_nbd_fit(x, tx, t, '1 day') AS f
	  FROM (VALUES (0, 0.0, 1.0), (1, 0.5, 1), (2, 1, 1)) v(x, tx, t)) q;
SELECT (f).converged, (f).customers, (f).iterations < 100 AS few_iterations
FROM (SELECT pareto_nbd_fit(x, tx, t, '1 day') AS f
	  FROM (VALUES (0, 0.0, 0.0), (0, 0, 0), (1, 0, 0)) v(x, tx, t)) q;
-- 2,000 customers whose orders all fall in one day
SELECT (f).converged, (f).customers
FROM (SELECT pareto_nbd_fit(s) AS f
	  FROM (SELECT customer_id, clv_summary(ordered_at, amount, '2025-01-02 00:00+00'::timestamptz, '1 day') AS s
			FROM (SELECT c AS customer_id,
						 '2025-01-01 00:00+00'::timestamptz + (c * 7 + k * 3600) % 86400 * interval '1 second' AS ordered_at,
						 10 + c % 7 AS amount
				  FROM generate_series(1, 2000) c, generate_series(0, c % 5) k) o
			GROUP BY customer_id) q) q;
RESET statement_timeout;

-- input rules: each violation is its class-22 error naming rule and values
SELECT pg_temp.error_of($$SELECT bgnbd_fit(-1, 0, 5, '1 day')$$);
SELECT pg_temp.error_of($$SELECT bgnbd_fit(1, -1, 5, '1 day')$$);
SELECT pg_temp.error_of($$SELECT bgnbd_fit(1, 6, 5, '1 day')$$);
SELECT pg_temp.error_of($$SELECT pareto_nbd_fit(0, 1, 5, '1 day')$$);
SELECT pg_temp.error_of($$SELECT pareto_nbd_fit(1, 1, 5, NULL)$$);
SELECT pg_temp.error_of($$SELECT clv_stats(1, 1, 5, 3, '1 mon')$$);
SELECT pg_temp.error_of($$SELECT gamma_gamma_fit((1, 0, 5, 'NaN', 2, '1 day')::clv_summary)$$);
SELECT pg_temp.error_of($$SELECT bgnbd_fit(1, 1, 'infinity', '1 day')$$);
SELECT pg_temp.error_of($$SELECT bgnbd_fit(1, 'nan', 5, '1 day')$$);
SELECT pg_temp.error_of($$SELECT bgnbd_fit(1, 1, 5, NULL)$$);
-- a row without data is skipped whatever its unit (an outer join's
-- missing customer): the same fit as without it
SELECT bgnbd_fit(x, t_x, t, u) = (SELECT bgnbd_fit(x, t_x, t, u) FROM (VALUES (1::bigint, 1.0::float8, 2.0::float8, '1 day'::interval), (0, 0, 3, '1 day'), (2, 1, 4, '1 day')) w(x, t_x, t, u)) AS null_row_skipped
FROM (VALUES (1::bigint, 1.0::float8, 2.0::float8, '1 day'::interval), (0, 0, 3, '1 day'),
			 (NULL, NULL, NULL, NULL), (2, 1, 4, '1 day')) v(x, t_x, t, u);
SELECT pg_temp.error_of($$SELECT bgnbd_fit(1, 1, 5, '1 month')$$);
SELECT pg_temp.error_of($$SELECT bgnbd_fit(1, 1, 5, '0 days')$$);
SELECT pg_temp.error_of($$SELECT bgnbd_fit(x, 1, 5, u) FROM (VALUES (1, '1 day'::interval), (2, '1 week')) v(x, u)$$);
SELECT pg_temp.error_of($$SELECT bgnbd_fit((x, 1, 5, 0, 2, u)::clv_summary) FROM (VALUES (1, '1 day'::interval), (2, '1 week')) v(x, u)$$);
SELECT pg_temp.error_of($$SELECT bgnbd_fit(s) FROM (VALUES ('{"unit":"1 day","tx":[[0,0,1,1]],"spend":[]}'::clv_stats), ('{"unit":"7 days","tx":[[0,0,1,1]],"spend":[]}')) v(s)$$);
SELECT pg_temp.error_of($$SELECT gamma_gamma_fit(x, m) FROM (VALUES (1, 10.0), (2, -5.0), (3, 1.0)) v(x, m)$$);
SELECT pg_temp.error_of($$SELECT gamma_gamma_fit(x, m) FROM (VALUES (1, 10.0), (2, 0), (3, 1.0)) v(x, m)$$);
SELECT pg_temp.error_of($$SELECT gamma_gamma_fit(-1, 10.0)$$);
SELECT pg_temp.error_of($$SELECT gamma_gamma_fit(1, 'infinity')$$);
-- gamma_gamma_fit ignores x = 0 rows whatever their m; clv_stats keeps refund-only
-- customers so a purchase model can still be fitted from it
SELECT gamma_gamma_fit(x, m) = (SELECT gg_plain FROM fits) AS gg_ignores_x0
FROM (SELECT x, m FROM model_summaries UNION ALL VALUES (0, -3.0), (0, 0.0), (0, 7.0)) v;
WITH q AS (
	SELECT clv_stats(x, t_x, t, m, '1 day') AS s
	FROM (VALUES (0, 0.0, 4.0, 0.0), (1, 2.0, 4.0, -5.0), (2, 3.0, 4.0, 8.0)) v(x, t_x, t, m))
SELECT (SELECT (bgnbd_fit(s)).customers FROM q) AS bg_customers_with_refund_only,
	   (SELECT pg_temp.error_of(format('SELECT gamma_gamma_fit(%L::clv_stats)', s)) FROM q) AS gg_error;

-- scoring: p_alive and expected_purchases against the formulas in plain SQL
CREATE TABLE customers (x bigint, t_x float8, t float8, m float8);
INSERT INTO customers VALUES (0, 0, 30), (1, 5, 30), (2, 30.43, 38.86), (7, 20, 52), (3, 52, 52);
UPDATE customers SET m = 10 + x;
SELECT c.x, c.t_x, c.t,
	   abs(p_alive(bg, c.x, c.t_x, c.t)
		   - CASE WHEN c.x = 0 THEN 1
				  ELSE 1 / (1 + (bg).a / ((bg).b + c.x - 1)
							* (((bg).alpha + c.t) / ((bg).alpha + c.t_x)) ^ ((bg).r + c.x)) END)
		   < 1e-12 AS bgnbd_p_alive_ok,
	   round(p_alive(bg, c.x, c.t_x, c.t)::numeric, 6) AS bgnbd_p_alive
FROM customers c, (SELECT bg_plain AS bg FROM fits) f ORDER BY c.x;

-- BG/NBD conditional expectation against its 2F1 series summed in SQL
SELECT c.x, abs(expected_purchases(bg, 26, c.x, c.t_x, c.t) - e) < 1e-9 AS bgnbd_expected_ok,
	   round(expected_purchases(bg, 26, c.x, c.t_x, c.t)::numeric, 6) AS bgnbd_expected
FROM customers c, (SELECT bg_plain AS bg FROM fits) f,
LATERAL (
	SELECT ((bg).a + (bg).b + c.x - 1) / ((bg).a - 1)
		   * (1 - (((bg).alpha + c.t) / ((bg).alpha + c.t + 26)) ^ ((bg).r + c.x) * hyp)
		   * p_alive(bg, c.x, c.t_x, c.t) AS e
	FROM (SELECT sum(term) AS hyp FROM (
		SELECT exp(greatest(sum(ln(((bg).r + c.x + k) * ((bg).b + c.x + k)
									/ (((bg).a + (bg).b + c.x - 1 + k) * (k + 1))
									* (26 / ((bg).alpha + c.t + 26)))) OVER (ORDER BY k),
							-700)) AS term
		FROM generate_series(0, 500) k
		UNION ALL SELECT 1) terms) h) q
ORDER BY c.x;

-- Pareto/NBD expectation = its closed form times P(alive)
SELECT c.x, abs(expected_purchases(pn, 26, c.x, c.t_x, c.t)
				- ((pn).r + c.x) * ((pn).beta + c.t) / (((pn).alpha + c.t) * ((pn).s - 1))
				  * (1 - (((pn).beta + c.t) / ((pn).beta + c.t + 26)) ^ ((pn).s - 1))
				  * p_alive(pn, c.x, c.t_x, c.t)) < 1e-12 AS pareto_expected_ok,
	   round(p_alive(pn, c.x, c.t_x, c.t)::numeric, 6) AS pareto_p_alive
FROM customers c, (SELECT pn_plain AS pn FROM fits) f ORDER BY c.x;

-- Gamma-Gamma expected spend = p (gamma + m x) / (p x + q - 1)
SELECT c.x, abs(expected_spend(gg, c.x, c.m)
				- (gg).p * ((gg).gamma + c.m * c.x) / ((gg).p * c.x + (gg).q - 1)) < 1e-12 AS spend_ok
FROM customers c, (SELECT gg_plain AS gg FROM fits) f ORDER BY c.x;

-- clv = discounted sum of spend x monthly increments of expected purchases
SELECT c.x,
	   abs(clv(bg, gg, c.x, c.t_x, c.t, c.m)
		   - (SELECT sum(expected_spend(gg, c.x, c.m)
						 * (expected_purchases(bg, i * 30 / 7.0, c.x, c.t_x, c.t)
							- expected_purchases(bg, (i - 1) * 30 / 7.0, c.x, c.t_x, c.t))
						 / 1.01 ^ i)
			  FROM generate_series(1, 12) i)) < 1e-9 AS bgnbd_clv_ok,
	   abs(clv(pn, gg, c.x, c.t_x, c.t, c.m, 6, 0.02)
		   - (SELECT sum(expected_spend(gg, c.x, c.m)
						 * (expected_purchases(pn, i * 30 / 7.0, c.x, c.t_x, c.t)
							- expected_purchases(pn, (i - 1) * 30 / 7.0, c.x, c.t_x, c.t))
						 / 1.02 ^ i)
			  FROM generate_series(1, 6) i)) < 1e-9 AS pareto_clv_ok,
	   clv(bg, gg, c.x, c.t_x, c.t, c.m, 0) AS zero_months
FROM customers c, (SELECT bg_plain AS bg, pn_plain AS pn, gg_plain AS gg FROM fits) f ORDER BY c.x;

-- clv() keeps the discounted purchases of each (x, t) it has seen for its
-- latest model: customers who share (x, t) but not t_x or m, with the
-- segment models changing from row to row, still get the formula's value
SELECT count(v) AS scored,
	   count(*) FILTER (WHERE abs(v - formula) > 1e-9 * greatest(1, abs(formula))) AS mismatches,
	   count(DISTINCT (x, t)) < count(*) / 3 AS x_t_shared
FROM (SELECT s.x, s.t, clv(g.bg, g.gg, s.x, s.t_x, s.t, s.m::float8) AS v,
			 (SELECT sum(expected_spend(g.gg, s.x, s.m::float8)
						 * (expected_purchases(g.bg, i * 30 / 7.0, s.x, s.t_x, s.t)
							- expected_purchases(g.bg, (i - 1) * 30 / 7.0, s.x, s.t_x, s.t))
						 / 1.01 ^ i)
			  FROM generate_series(1, 12) i) AS formula
	  FROM model_summaries s CROSS JOIN grouped g) q;

-- clv_summary forms equal the plain forms
SELECT bool_and(p_alive(bg, s) = p_alive(bg, x, t_x, t)
				AND p_alive(pn, s) = p_alive(pn, x, t_x, t)
				AND expected_purchases(bg, 52, s) = expected_purchases(bg, 52, x, t_x, t)
				AND expected_purchases(pn, 52, s) = expected_purchases(pn, 52, x, t_x, t)
				AND expected_spend(gg, s) = expected_spend(gg, x, m::float8)
				AND clv(bg, gg, s) = clv(bg, gg, x, t_x, t, m::float8)
				AND clv(pn, gg, s, 24, 0) = clv(pn, gg, x, t_x, t, m::float8, 24, 0)) AS summary_forms_same,
	   count(*) AS scored
FROM (SELECT *, (x, t_x, t, m, orders, unit)::clv_summary AS s FROM model_summaries) q,
	 (SELECT bg_plain AS bg, pn_plain AS pn, gg_plain AS gg FROM fits) f;

-- a summary's m reaches the formulas as m::float8 does, whatever its digits
SELECT bool_and(expected_spend(gg_plain, (3, 1, 10, m, 4, '7 days')::clv_summary)
				= expected_spend(gg_plain, 3, m::float8)) AS summary_m_as_float8, count(*) AS amounts
FROM fits, (VALUES (0.1), (25.752000), (33.3333333333333333333333333), (9007199254740993.5),
				   (123456789012345678901234.5), (1e-25), (0.30000000000000000000000000001),
				   (1234567890123456789012345678901234567890.125), (7e-40)) v(m);

-- a refund-only repeat customer gets NULL spend and clv, not an error
SELECT expected_spend(gg, 2, -4.5) IS NULL AS spend_null, expected_spend(gg, 2, 0) IS NULL AS spend_zero_null,
	   clv(bg, gg, 2, 3, 10, -4.5) IS NULL AS clv_null,
	   expected_spend(gg, (2, 3, 10, -4.5, 3, '7 days')::clv_summary) IS NULL AS summary_spend_null,
	   abs(expected_spend(gg, 0, 0) / ((gg).p * (gg).gamma / ((gg).q - 1)) - 1) < 1e-14
	   AS population_mean_for_x0
FROM (SELECT bg_plain AS bg, gg_plain AS gg FROM fits) f;

-- extreme customers: thousands of purchases, t_x = t, finite P(alive)
SELECT x, round(p_alive(bg, x, 100, 100)::numeric, 6) AS bgnbd,
	   round(p_alive(pn, x, 100, 100)::numeric, 6) AS pareto,
	   p_alive(pn, x, 50, 100) < 1e-100 AS pareto_silent_dead,
	   expected_purchases(bg, 52, x, 100, 100) > x / 4.0 AS bgnbd_expected_large,
	   expected_purchases(pn, 52, x, 100, 100) > x / 4.0 AS pareto_expected_large
FROM (SELECT bg_plain AS bg, pn_plain AS pn FROM fits) f, (VALUES (1000), (5000), (20000)) v(x);

-- scoring errors: unit mismatch, input rules, bad models and arguments
SELECT pg_temp.error_of(format($$SELECT p_alive(%L::clv_bgnbd, (1, 2, 3, 10, 2, '1 day')::clv_summary)$$, bg_plain)) FROM fits;
SELECT pg_temp.error_of(format($$SELECT clv(%L::clv_pareto_nbd, %L::clv_gamma_gamma, (1, 2, 3, 10, 2, '1 day')::clv_summary)$$, pn_plain, gg_plain)) FROM fits;
SELECT pg_temp.error_of(format($$SELECT p_alive(%L::clv_bgnbd, 1, 4, 3)$$, bg_plain)) FROM fits;
SELECT pg_temp.error_of(format($$SELECT p_alive(%L::clv_pareto_nbd, 0, 1, 3)$$, pn_plain)) FROM fits;
SELECT pg_temp.error_of(format($$SELECT expected_purchases(%L::clv_bgnbd, -1, 1, 1, 3)$$, bg_plain)) FROM fits;
SELECT pg_temp.error_of(format($$SELECT expected_spend(%L::clv_gamma_gamma, -1, 5)$$, gg_plain)) FROM fits;
SELECT pg_temp.error_of(format($$SELECT clv(%L::clv_bgnbd, %L::clv_gamma_gamma, 1, 1, 3, 5, -1)$$, bg_plain, gg_plain)) FROM fits;
SELECT pg_temp.error_of(format($$SELECT clv(%L::clv_bgnbd, %L::clv_gamma_gamma, 1, 1, 3, 5, 12, -0.5)$$, bg_plain, gg_plain)) FROM fits;
SELECT pg_temp.error_of($$SELECT p_alive((0.2, 4, -0.8, 2.4, 0, 10, 5, true, '7 days', NULL, NULL, NULL)::clv_bgnbd, 1, 1, 3)$$);
SELECT pg_temp.error_of($$SELECT p_alive((0.2, NULL, 0.8, 2.4, 0, 10, 5, true, '7 days', NULL, NULL, NULL)::clv_pareto_nbd, 1, 1, 3)$$);
SELECT pg_temp.error_of($$SELECT p_alive((0.2, 4, 0.8, 2.4, 0, 10, 5, true, NULL, NULL, NULL, NULL)::clv_bgnbd, 1, 1, 3)$$);
SELECT pg_temp.error_of($$SELECT p_alive((0.2, 4, 0.8, 2.4, 0, 10, 5, true, '1 mon', NULL, NULL, NULL)::clv_bgnbd, 1, 1, 3)$$);
SELECT pg_temp.error_of($$SELECT expected_spend((6, 0, 15, 0, 10, 5, true, NULL, NULL, NULL)::clv_gamma_gamma, 1, 3)$$);
-- m must be a finite number, also for x = 0
SELECT pg_temp.error_of(format($$SELECT expected_spend(%L::clv_gamma_gamma, 2, 'NaN')$$, gg_plain)) FROM fits;
SELECT pg_temp.error_of(format($$SELECT expected_spend(%L::clv_gamma_gamma, 0, 'Infinity')$$, gg_plain)) FROM fits;
SELECT pg_temp.error_of(format($$SELECT clv(%L::clv_bgnbd, %L::clv_gamma_gamma, 1, 1, 3, 'NaN')$$, bg_plain, gg_plain)) FROM fits;
-- a sum over very many months, and a fit over 50,000 distinct rows (the
-- statistic built beforehand, so that only the optimiser runs), honour
-- statement_timeout
CREATE TEMP TABLE slow_stats AS
SELECT clv_stats(g % 20 + 1, (g % 997) / 10.0, 100 + (g % 1009) / 10.0, 10, '1 day') AS s
FROM generate_series(1, 50000) g;
SET statement_timeout = '300ms';
SELECT clv(bg_plain, gg_plain, 1, 1, 2, 10, 2000000000) FROM fits;
-- (the fit takes some 150 ms on a 2026 machine: the timeout is far below it)
SET statement_timeout = '10ms';
SELECT pareto_nbd_fit(s) FROM slow_stats;
RESET statement_timeout;
-- scoring keeps the last summary it read by its bytes: summaries that
-- differ only in m, or have no m, each get their own values whichever
-- function reads them first, and a unit that differs from the model's is
-- an error naming the function called, also when another read it first
SELECT k, p_alive(bg_plain, s) = p_alive(bg_plain, x, t_x, t) AS p_alive_same,
	   expected_spend(gg_plain, s) IS NOT DISTINCT FROM
	   (CASE WHEN m IS NOT NULL THEN expected_spend(gg_plain, x, m::float8) END) AS spend_same,
	   clv(bg_plain, gg_plain, s) IS NOT DISTINCT FROM
	   (CASE WHEN m IS NOT NULL THEN clv(bg_plain, gg_plain, x, t_x, t, m::float8) END) AS clv_same
FROM fits, (VALUES (1, 2, 3.0, 10.0, 5.5), (2, 2, 3.0, 10.0, 7.25), (3, 2, 3.0, 10.0, NULL),
				   (4, 2, 3.0, 10.0, 5.5), (5, 2, 3.0, 10.0, 5.5)) v(k, x, t_x, t, m),
	 LATERAL (SELECT (x, t_x, t, m, x + 1, '7 days'::interval)::clv_summary AS s) q
ORDER BY k;
SELECT pg_temp.error_of(format($$SELECT expected_spend(%L::clv_gamma_gamma, s), p_alive(%L::clv_bgnbd, s)
	FROM (VALUES ((2, 3, 10, 5.5, 3, '1 day')::clv_summary)) v(s)$$, gg_plain, bg_plain)) FROM fits;
-- three customers leave BG/NBD's a and b free to run off together: the fit
-- stops on its gradient where the likelihood is flat, which is a limit of
-- the model, not a maximum (converged = false, finite parameters, WARNING)
SELECT (f).converged, (f).a > 1e4 AND (f).b > 1e4 AS a_b_ran_off,
	   (f).r < 'infinity' AND (f).alpha < 'infinity' AND (f).a < 'infinity' AND (f).b < 'infinity' AS finite
FROM (SELECT bgnbd_fit(x, t_x, t, '1 day') AS f
	  FROM (VALUES (1, 1.0, 2.0), (0, 0, 3), (2, 1, 4)) v(x, t_x, t)) q;
-- NULL arguments give NULL
SELECT p_alive(bg_plain, NULL, 1, 2) IS NULL AS null_x, p_alive(bg_plain, NULL::clv_summary) IS NULL AS null_summary,
	   p_alive(NULL::clv_bgnbd, 1, 1, 2) IS NULL AS null_model,
	   clv(bg_plain, gg_plain, 1, 1, 2, NULL) IS NULL AS null_m
FROM fits;

DROP TABLE model_summaries, fits, pieces, stored_stats, grouped, big_summaries, serial_fits, customers;
