--
-- MBG/NBD (mbgnbd_fit and its scoring overloads) and the purchase-count
-- functions of the three purchase models: purchase_probability and a new
-- customer's expected_purchases.
--
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
SET IntervalStyle = 'postgres';

\i test/regress/error_of.sql

-- per-customer summaries of 4,000 simulated customers, in weeks, by day
CREATE TABLE mb_summaries AS
SELECT customer_id, (clv_summary(ordered_at::date, amount, '2025-12-31'::date, '1 week')).*
FROM clv_sample_orders(4000, 11) GROUP BY customer_id;

-- the three forms of the fit agree exactly: plain columns, clv_summary, clv_stats
CREATE TABLE mb_fits AS
SELECT mbgnbd_fit(x, t_x, t, unit) AS mb,
	   mbgnbd_fit((x, t_x, t, m, orders, unit)::clv_summary) AS mb_summary,
	   bgnbd_fit(x, t_x, t, unit) AS bg,
	   pareto_nbd_fit(x, t_x, t, unit) AS pn,
	   gamma_gamma_fit(x, m) AS gg,
	   clv_stats(x, t_x, t, m, unit) AS stats
FROM mb_summaries;
SELECT mb = mb_summary AS summary_same, mb = (SELECT mbgnbd_fit(stats) FROM mb_fits) AS stats_same
FROM mb_fits;

-- the fit, rounded, and its fit quality: four standard errors, AIC = 2 k -
-- 2 ll and BIC = k ln(customers) - 2 ll with k = 4
SELECT round((mb).r::numeric, 3) AS r, round((mb).alpha::numeric, 2) AS alpha,
	   round((mb).a::numeric, 3) AS a, round((mb).b::numeric, 2) AS b,
	   (mb).customers, (mb).converged, (mb).unit,
	   array_length((mb).std_errors, 1) AS std_errors,
	   abs((mb).aic - (8 - 2 * (mb).ll)) < 1e-9 AS aic_ok,
	   abs((mb).bic - (4 * ln((mb).customers) - 2 * (mb).ll)) < 1e-9 AS bic_ok
FROM mb_fits;

-- clv_parameters: one row per parameter in the composite's order, with
-- its standard error and the 95% Wald bounds estimate -+ 1.959964 SE
SELECT parameter, abs(estimate - (ARRAY[(mb).r, (mb).alpha, (mb).a, (mb).b])[i]) = 0 AS estimate_ok,
	   std_error = (mb).std_errors[i] AS se_ok,
	   abs(lower_95 - (estimate - 1.959963984540054 * std_error)) < 1e-12 * estimate
	   AND abs(upper_95 - (estimate + 1.959963984540054 * std_error)) < 1e-12 * estimate AS bounds_ok
FROM mb_fits, clv_parameters(mb) WITH ORDINALITY p(parameter, estimate, std_error, lower_95, upper_95, i)
ORDER BY i;

-- the log-likelihood at the optimum is the sum over customers of the
-- MBG/NBD likelihood written out in plain SQL, and nudging any parameter
-- by 1% either way lowers it: the fit is a maximum.  Moving one parameter
-- by its standard error either way costs on average at least 1/2 (the
-- quadratic approximation gives 1/2 for uncorrelated parameters, more
-- for correlated ones, since then the standard error exceeds 1 / sqrt of
-- the information's diagonal) and not hundreds: each standard error has
-- its parameter's scale, in the parameters' order.
CREATE FUNCTION pg_temp.mbgnbd_ll(r float8, alpha float8, a float8, b float8) RETURNS float8
LANGUAGE sql AS $$
	-- ln Gamma(r+x) - ln Gamma(r) + ln B(a, b+x+1) - ln B(a, b) is the sum
	-- over k < x of ln(r+k), plus over k <= x of ln(b+k) - ln(a+b+k)
	SELECT sum(coalesce((SELECT sum(ln(r + k)) FROM generate_series(0, x - 1) k), 0)
			   + (SELECT sum(ln(b + k) - ln(a + b + k)) FROM generate_series(0, x) k)
			   + r * ln(alpha) - (r + x) * ln(alpha + t)
			   + ln(1 + a / (b + x) * ((alpha + t) / (alpha + t_x)) ^ (r + x)))
	FROM mb_summaries
$$;
SELECT abs(pg_temp.mbgnbd_ll((mb).r, (mb).alpha, (mb).a, (mb).b) / (mb).ll - 1) < 1e-12 AS ll_matches,
	   bool_and((mb).ll > pg_temp.mbgnbd_ll((mb).r * CASE WHEN i = 1 THEN f ELSE 1 END,
											(mb).alpha * CASE WHEN i = 2 THEN f ELSE 1 END,
											(mb).a * CASE WHEN i = 3 THEN f ELSE 1 END,
											(mb).b * CASE WHEN i = 4 THEN f ELSE 1 END)) AS is_maximum
FROM mb_fits, generate_series(1, 4) i, (VALUES (0.99), (1.01)) v(f)
GROUP BY mb;
SELECT i, drop_ BETWEEN 0.45 AND 20 AS se_scale_ok
FROM mb_fits, generate_series(1, 4) i,
LATERAL (SELECT avg((mb).ll - pg_temp.mbgnbd_ll((mb).r + CASE WHEN i = 1 THEN d * (mb).std_errors[1] ELSE 0 END,
												(mb).alpha + CASE WHEN i = 2 THEN d * (mb).std_errors[2] ELSE 0 END,
												(mb).a + CASE WHEN i = 3 THEN d * (mb).std_errors[3] ELSE 0 END,
												(mb).b + CASE WHEN i = 4 THEN d * (mb).std_errors[4] ELSE 0 END))
				AS drop_
		 FROM (VALUES (-1), (1)) v(d)) q
ORDER BY i;

-- clv_stats pieces with disjoint customers and GROUP BY give the one-pass fits
SELECT (SELECT mbgnbd_fit(stats)
		FROM (SELECT clv_stats(x, t_x, t, m, unit) AS stats FROM mb_summaries GROUP BY customer_id % 5) p)
	   = mb AS merged_same
FROM mb_fits;
SELECT segment, mb = (SELECT mbgnbd_fit(x, t_x, t, unit) FROM mb_summaries WHERE customer_id % 3 = segment) AS same,
	   (mb).customers
FROM (SELECT customer_id % 3 AS segment, mbgnbd_fit(x, t_x, t, unit) AS mb
	  FROM mb_summaries GROUP BY customer_id % 3) g
ORDER BY segment;

-- the clv_holdout_summary form fits the calibration part; expected_purchases
-- over a clv_holdout_summary predicts over its holdout_duration
CREATE TABLE mb_holdout AS
SELECT customer_id, clv_holdout(ordered_at::date, amount, '2025-06-30'::date, '2025-12-31'::date, '1 week') AS h
FROM clv_sample_orders(4000, 11) GROUP BY customer_id;
SELECT mbgnbd_fit(h) = (SELECT mbgnbd_fit((h).x, (h).t_x, (h).t, (h).unit) FROM mb_holdout WHERE (h).x IS NOT NULL)
	   AS holdout_form_same,
	   (mbgnbd_fit(h)).customers
FROM mb_holdout;
SELECT count(*) FILTER (WHERE expected_purchases(mb, h)
						= expected_purchases(mb, (h).holdout_duration, (h).x, (h).t_x, (h).t)) AS same,
	   count(expected_purchases(mb, h)) AS predicted
FROM mb_holdout, mb_fits;

-- forced parallel plans (launching workers) give the serial fit exactly
CREATE TABLE mb_big AS SELECT * FROM mb_summaries, generate_series(1, 5) copy;
ALTER TABLE mb_big SET (parallel_workers = 2);
ANALYZE mb_big;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE mb_serial AS
SELECT mbgnbd_fit(x, t_x, t, unit) AS mb, mbgnbd_fit((x, t_x, t, m, orders, unit)::clv_summary) AS mb_summary
FROM mb_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
\i test/regress/workers_launched.sql
SELECT pg_temp.workers_launched(format('SELECT %s FROM mb_big', f)) > 0 AS workers_launched, f
FROM (VALUES ('mbgnbd_fit(x, t_x, t, unit)'),
			 ('mbgnbd_fit((x, t_x, t, m, orders, unit)::clv_summary)')) v(f);
SELECT mbgnbd_fit(x, t_x, t, unit) = (SELECT mb FROM mb_serial) AS parallel_same,
	   mbgnbd_fit((x, t_x, t, m, orders, unit)::clv_summary) = (SELECT mb_summary FROM mb_serial)
	   AS parallel_summary_same,
	   (mbgnbd_fit(x, t_x, t, unit)).customers
FROM mb_big;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- NULL and empty input: NULL rows are ignored; no rows or one customer gives NULL
SELECT mbgnbd_fit(x, t_x, t, '1 day') IS NULL AS empty FROM mb_summaries WHERE false;
SELECT mbgnbd_fit(2, 3, 5, '1 day') IS NULL AS one_customer;
SELECT (mbgnbd_fit(x, t_x, t, '1 week')).customers AS customers_without_null_rows
FROM (SELECT x, t_x, t FROM mb_summaries
	  UNION ALL VALUES (NULL, 1, 2), (1, NULL, 2), (1, 1, NULL)) v;

-- a data set without repeat purchases: WARNING, not converged, finite parameters
SELECT (f).converged, (f).customers,
	   (f).r > 0 AND (f).r < 'infinity' AND (f).alpha > 0 AND (f).alpha < 'infinity'
	   AND (f).a > 0 AND (f).a < 'infinity' AND (f).b > 0 AND (f).b < 'infinity'
	   AND (f).ll > '-infinity' AS finite_parameters
FROM (SELECT mbgnbd_fit(0, 0, t, '1 day') AS f FROM generate_series(1, 50) t) q;

-- input rules: each violation is its class-22 error naming the aggregate
SELECT pg_temp.error_of($$SELECT mbgnbd_fit(-1, 0, 5, '1 day')$$);
SELECT pg_temp.error_of($$SELECT mbgnbd_fit(1, 6, 5, '1 day')$$);
SELECT pg_temp.error_of($$SELECT mbgnbd_fit(0, 1, 5, '1 day')$$);
SELECT pg_temp.error_of($$SELECT mbgnbd_fit(1, 1, 5, NULL)$$);
SELECT pg_temp.error_of($$SELECT mbgnbd_fit(1, 1, 5, '1 month')$$);
SELECT pg_temp.error_of($$SELECT mbgnbd_fit(x, 1, 5, u) FROM (VALUES (1, '1 day'::interval), (2, '1 week')) v(x, u)$$);
SELECT pg_temp.error_of($$SELECT mbgnbd_fit(s) FROM (VALUES ('{"unit":"1 day","tx":[[0,0,1,1]],"spend":[]}'::clv_stats), ('{"unit":"7 days","tx":[[0,0,1,1]],"spend":[]}')) v(s)$$);

-- scoring: P(alive) and the conditional expectation against lifetimes'
-- formulas in plain SQL (the 2F1 series summed term by term)
CREATE TABLE mb_customers (x bigint, t_x float8, t float8, m float8);
INSERT INTO mb_customers VALUES (0, 0, 30), (1, 5, 30), (2, 30.43, 38.86), (7, 20, 52), (3, 52, 52);
UPDATE mb_customers SET m = 10 + x;
SELECT c.x,
	   abs(p_alive(mb, c.x, c.t_x, c.t)
		   - 1 / (1 + (mb).a / ((mb).b + c.x) * (((mb).alpha + c.t) / ((mb).alpha + c.t_x)) ^ ((mb).r + c.x)))
	   < 1e-12 AS p_alive_ok,
	   abs(expected_purchases(mb, 26, c.x, c.t_x, c.t) / e - 1) < 1e-9 AS expected_ok,
	   round(p_alive(mb, c.x, c.t_x, c.t)::numeric, 6) AS p_alive,
	   round(expected_purchases(mb, 26, c.x, c.t_x, c.t)::numeric, 6) AS expected
FROM mb_customers c, mb_fits f,
LATERAL (
	SELECT ((mb).a + (mb).b + c.x) / ((mb).a - 1)
		   * (1 - (((mb).alpha + c.t) / ((mb).alpha + c.t + 26)) ^ ((mb).r + c.x) * hyp)
		   * p_alive(mb, c.x, c.t_x, c.t) AS e
	FROM (SELECT sum(term) AS hyp FROM (
		SELECT exp(greatest(sum(ln(((mb).r + c.x + k) * ((mb).b + c.x + 1 + k)
									/ (((mb).a + (mb).b + c.x + k) * (k + 1))
									* (26 / ((mb).alpha + c.t + 26)))) OVER (ORDER BY k),
							-700)) AS term
		FROM generate_series(0, 500) k
		UNION ALL SELECT 1) terms) h) q
ORDER BY c.x;

-- clv = discounted sum of spend x monthly increments of expected purchases
SELECT c.x,
	   abs(clv(mb, gg, c.x, c.t_x, c.t, c.m)
		   - (SELECT sum(expected_spend(gg, c.x, c.m)
						 * (expected_purchases(mb, i * 30 / 7.0, c.x, c.t_x, c.t)
							- expected_purchases(mb, (i - 1) * 30 / 7.0, c.x, c.t_x, c.t))
						 / 1.01 ^ i)
			  FROM generate_series(1, 12) i)) < 1e-9 AS clv_ok
FROM mb_customers c, mb_fits f ORDER BY c.x;

-- clv_summary forms equal the plain forms; one clv() call site scoring
-- with BG/NBD and MBG/NBD in turn keeps their cached values apart
SELECT bool_and(p_alive(mb, s) = p_alive(mb, x, t_x, t)
				AND expected_purchases(mb, 52, s) = expected_purchases(mb, 52, x, t_x, t)
				AND purchase_probability(mb, 1, 52, s) = purchase_probability(mb, 1, 52, x, t_x, t)
				AND purchase_probability(bg, 2, 52, s) = purchase_probability(bg, 2, 52, x, t_x, t)
				AND purchase_probability(pn, 0, 52, s) = purchase_probability(pn, 0, 52, x, t_x, t)
				AND clv(mb, gg, s) = clv(mb, gg, x, t_x, t, m::float8)) AS summary_forms_same,
	   count(*) AS scored
FROM (SELECT *, (x, t_x, t, m, orders, unit)::clv_summary AS s FROM mb_summaries) q, mb_fits f;
SELECT count(*) FILTER (WHERE v <> CASE WHEN k = 1 THEN clv(bg, gg, s) ELSE clv(mb, gg, s) END) AS mismatches
FROM (SELECT k, s, bg, gg, mb,
			 CASE WHEN k = 1 THEN clv(bg, gg, s) ELSE clv(mb, gg, s) END AS v
	  FROM (SELECT (x, t_x, t, m, orders, unit)::clv_summary AS s FROM mb_summaries WHERE x > 0 LIMIT 50) q,
		   mb_fits, generate_series(1, 2) k) r;

-- the call sites of one query share a value cache of four slots: six
-- settings, over two BG/NBD models (the fit and one of half the customers)
-- alternating by row, give every call the value it has alone (one call
-- site per query)
CREATE TEMP TABLE cache_rows AS
SELECT row_number() OVER (ORDER BY x, t_x, t, k) AS id, k,
	   (x, t_x, t, m, orders, unit)::clv_summary AS s
FROM mb_summaries, generate_series(1, 2) k;
CREATE TEMP TABLE cache_models AS
SELECT id, s, CASE WHEN k = 1 THEN bg ELSE half END AS model, gg
FROM cache_rows, mb_fits,
	 (SELECT bgnbd_fit(s) AS half FROM cache_rows WHERE id % 4 = 1) h;
CREATE TEMP TABLE cache_together AS
SELECT id, expected_purchases(model, 1, s) AS e1, expected_purchases(model, 13, s) AS e13,
	   expected_purchases(model, 26, s) AS e26, expected_purchases(model, 52, s) AS e52,
	   clv(model, gg, s, 6, 0.02) AS c6, clv(model, gg, s) AS c12
FROM cache_models;
CREATE TEMP TABLE cache_alone (id bigint PRIMARY KEY, e1 float8, e13 float8, e26 float8,
							   e52 float8, c6 float8, c12 float8);
INSERT INTO cache_alone (id, e1) SELECT id, expected_purchases(model, 1, s) FROM cache_models;
UPDATE cache_alone a SET e13 = expected_purchases(m.model, 13, m.s) FROM cache_models m WHERE m.id = a.id;
UPDATE cache_alone a SET e26 = expected_purchases(m.model, 26, m.s) FROM cache_models m WHERE m.id = a.id;
UPDATE cache_alone a SET e52 = expected_purchases(m.model, 52, m.s) FROM cache_models m WHERE m.id = a.id;
UPDATE cache_alone a SET c6 = clv(m.model, m.gg, m.s, 6, 0.02) FROM cache_models m WHERE m.id = a.id;
UPDATE cache_alone a SET c12 = clv(m.model, m.gg, m.s) FROM cache_models m WHERE m.id = a.id;
SELECT count(*) AS scored,
	   count(*) FILTER (WHERE (t.e1, t.e13, t.e26, t.e52, t.c6, t.c12)
						IS DISTINCT FROM (a.e1, a.e13, a.e26, a.e52, a.c6, a.c12)) AS mismatches,
	   count(DISTINCT t.e52) > count(*) / 4 AS values_vary
FROM cache_together t JOIN cache_alone a USING (id);

-- purchase-count distributions of the three fitted models: over n = 0 ..
-- 1000 they sum to 1, with E[X(t)] (a new customer) or the conditional
-- expectation (a customer with a history) as mean; horizon 0 is X = 0
SELECT model,
	   abs(sum(p_new) - 1) < 1e-12 AS new_sums_to_1,
	   abs(sum(n * p_new) / max(e_new) - 1) < 1e-10 AS new_mean_ok,
	   abs(sum(p_cond) - 1) < 1e-12 AS conditional_sums_to_1,
	   abs(sum(n * p_cond) / max(e_cond) - 1) < 1e-10 AS conditional_mean_ok
FROM mb_fits, generate_series(0, 1000) n,
LATERAL (VALUES
	('BG/NBD', purchase_probability(bg, n, 52), expected_purchases(bg, 52),
	 purchase_probability(bg, n, 26, 7, 20, 52), expected_purchases(bg, 26, 7, 20, 52)),
	('MBG/NBD', purchase_probability(mb, n, 52), expected_purchases(mb, 52),
	 purchase_probability(mb, n, 26, 7, 20, 52), expected_purchases(mb, 26, 7, 20, 52)),
	('Pareto/NBD', purchase_probability(pn, n, 52), expected_purchases(pn, 52),
	 purchase_probability(pn, n, 26, 7, 20, 52), expected_purchases(pn, 26, 7, 20, 52)))
	v(model, p_new, e_new, p_cond, e_cond)
GROUP BY model ORDER BY model;
SELECT purchase_probability(bg, 0, 0) AS bg_none, purchase_probability(mb, 1, 0) AS mb_one,
	   purchase_probability(pn, 0, 0, 2, 3, 10) = 1 AS pareto_conditional_none,
	   expected_purchases(mb, 0) AS mb_expected_0
FROM mb_fits;
-- MBG/NBD: P(X(t) = 0) = E[p] + E[1 - p] (alpha / (alpha + t))^r, the
-- dropouts at the first purchase added to BG/NBD's no-purchase term; its
-- one-time buyers' P(alive) is below 1 (BG/NBD: 1)
SELECT abs(purchase_probability(mb, 0, 10)
		   - ((mb).a / ((mb).a + (mb).b)
			  + (mb).b / ((mb).a + (mb).b) * ((mb).alpha / ((mb).alpha + 10)) ^ (mb).r)) < 1e-14 AS p0_ok,
	   p_alive(mb, 0, 0, 30) < 1 AS one_time_buyer_may_be_gone, p_alive(bg, 0, 0, 30) AS bgnbd
FROM mb_fits;

-- scoring errors: unit mismatch, input rules, n out of range, bad models
SELECT pg_temp.error_of(format($$SELECT p_alive(%L::clv_mbgnbd, (1, 2, 3, 10, 2, '1 day')::clv_summary)$$, mb)) FROM mb_fits;
SELECT pg_temp.error_of(format($$SELECT p_alive(%L::clv_mbgnbd, 1, 4, 3)$$, mb)) FROM mb_fits;
SELECT pg_temp.error_of(format($$SELECT expected_purchases(%L::clv_mbgnbd, -1)$$, mb)) FROM mb_fits;
SELECT pg_temp.error_of(format($$SELECT expected_purchases(%L::clv_pareto_nbd, 'infinity'::float8)$$, pn)) FROM mb_fits;
SELECT pg_temp.error_of(format($$SELECT purchase_probability(%L::clv_mbgnbd, -1, 10)$$, mb)) FROM mb_fits;
SELECT pg_temp.error_of(format($$SELECT purchase_probability(%L::clv_bgnbd, 10001, 10, 1, 2, 3)$$, bg)) FROM mb_fits;
SELECT pg_temp.error_of(format($$SELECT purchase_probability(%L::clv_pareto_nbd, 2, 'NaN')$$, pn)) FROM mb_fits;
SELECT pg_temp.error_of(format($$SELECT purchase_probability(%L::clv_bgnbd, 2, 10, 0, 1, 3)$$, bg)) FROM mb_fits;
SELECT pg_temp.error_of(format($$SELECT purchase_probability(%L::clv_pareto_nbd, 2, 10, (1, 2, 3, 10, 2, '1 day')::clv_summary)$$, pn)) FROM mb_fits;
SELECT pg_temp.error_of($$SELECT p_alive((0.2, 4, -0.8, 2.4, 0, 10, 5, true, '7 days', NULL, NULL, NULL)::clv_mbgnbd, 1, 1, 3)$$);
SELECT pg_temp.error_of($$SELECT purchase_probability((0.2, 4, 0.8, 2.4, 0, 10, 5, true, NULL, NULL, NULL, NULL)::clv_mbgnbd, 1, 3)$$);
-- Pareto/NBD with alpha and beta more than 1e4 apart has no count distribution here
SELECT pg_temp.error_of($$SELECT purchase_probability((0.5, 1, 0.6, 1e5, 0, 10, 5, true, '7 days', NULL, NULL, NULL)::clv_pareto_nbd, 1, 3)$$);
-- Pareto/NBD with alpha and beta far apart: each count takes many series
-- terms, so n is bounded by the work (about a second), not only by 10,000;
-- nearer parameters take n up to 10,000
SELECT pg_temp.error_of($$SELECT purchase_probability((0.5, 1, 0.6, 9000, 0, 10, 5, true, '7 days', NULL, NULL, NULL)::clv_pareto_nbd, 1000, 3)$$);
SELECT purchase_probability((0.5, 1, 0.6, 9000, 0, 10, 5, true, '7 days', NULL, NULL, NULL)::clv_pareto_nbd, 20, 3) > 0 AS far_apart_small_n,
	   purchase_probability((0.553, 10.578, 0.606, 11.669, 0, 10, 5, true, '7 days', NULL, NULL, NULL)::clv_pareto_nbd, 10000, 39) >= 0
	   AS near_n_10000;
-- statement_timeout is honoured by the fit (200,000 distinct rows, some
-- 100 ms of fitting on a 2026 machine, the timeout far below it; the
-- statistic built beforehand, so that only the optimiser runs)
CREATE TEMP TABLE slow_stats AS
SELECT clv_stats(g % 20 + 1, (g % 997) / 10.0, 100 + (g % 1009) / 10.0, 10, '1 day') AS s
FROM generate_series(1, 200000) g;
SET statement_timeout = '10ms';
SELECT mbgnbd_fit(s) FROM slow_stats;
RESET statement_timeout;
-- NULL arguments give NULL
SELECT p_alive(mb, NULL, 1, 2) IS NULL AS null_x,
	   purchase_probability(mb, NULL, 3) IS NULL AS null_n,
	   purchase_probability(mb, 1, 3, NULL::clv_summary) IS NULL AS null_summary,
	   expected_purchases(NULL::clv_mbgnbd, 3) IS NULL AS null_model
FROM mb_fits;

DROP TABLE mb_summaries, mb_fits, mb_holdout, mb_big, mb_serial, mb_customers;
