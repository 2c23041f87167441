--
-- Fit quality: the standard errors, AIC and BIC every model composite ends
-- with, and clv_parameters.  (The CDNOW standard errors against lifetimes'
-- are in test/cdnow/sql/models_inference_cdnow.sql, where CDNOW is loaded.)
--
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
SET IntervalStyle = 'postgres';

\i test/regress/error_of.sql

-- 4,000 customers simulated from BG/NBD r 0.243, alpha 4.414, a 0.793,
-- b 2.426 and Gamma-Gamma p 6.25, q 3.74, gamma 15.44, on their timestamps
CREATE TABLE inference_summaries AS
SELECT customer_id, clv_summary(ordered_at, amount, '2026-01-01 00:00+00'::timestamptz, '1 week') AS s
FROM clv_sample_orders(4000, 5) GROUP BY customer_id;
CREATE TABLE inference_fits AS
SELECT bgnbd_fit(s) AS bg, pareto_nbd_fit(s) AS pn, gamma_gamma_fit(s) AS gg
FROM inference_summaries;

-- the fit quality is the composites' last three attributes
SELECT c.relname, string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) AS attributes
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relname IN ('clv_bgnbd', 'clv_pareto_nbd', 'clv_gamma_gamma')
GROUP BY c.relname ORDER BY c.relname;

-- one positive, finite standard error per parameter
SELECT array_length((bg).std_errors, 1) AS bg_n, array_length((pn).std_errors, 1) AS pn_n,
	   array_length((gg).std_errors, 1) AS gg_n,
	   (SELECT bool_and(se > 0 AND se < 'Infinity')
		FROM unnest((bg).std_errors || (pn).std_errors || (gg).std_errors) se) AS all_positive_finite,
	   (bg).converged AND (pn).converged AND (gg).converged AS converged
FROM inference_fits;

-- AIC = 2k - 2 ll and BIC = k ln(n) - 2 ll, n the customers of the fit:
-- every customer for the purchase models, the repeat customers for
-- Gamma-Gamma (counted here from the summaries)
WITH n AS (
	SELECT count(*) AS customers, count(*) FILTER (WHERE (s).x > 0) AS repeat_customers
	FROM inference_summaries)
SELECT (bg).customers = n.customers AND (pn).customers = n.customers
	   AND (gg).customers = n.repeat_customers AS n_ok,
	   (bg).aic = 2 * 4 - 2 * (bg).ll AS bg_aic,
	   abs((bg).bic - (4 * ln(n.customers) - 2 * (bg).ll)) < 1e-9 * abs((bg).bic) AS bg_bic,
	   (pn).aic = 2 * 4 - 2 * (pn).ll AS pn_aic,
	   abs((pn).bic - (4 * ln(n.customers) - 2 * (pn).ll)) < 1e-9 * abs((pn).bic) AS pn_bic,
	   (gg).aic = 2 * 3 - 2 * (gg).ll AS gg_aic,
	   abs((gg).bic - (3 * ln(n.repeat_customers) - 2 * (gg).ll)) < 1e-9 * abs((gg).bic) AS gg_bic
FROM inference_fits, n;

-- serial, parallel, GROUP BY and merged fits carry the same standard errors
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT bgnbd_fit(s), pareto_nbd_fit(s), gamma_gamma_fit(s) FROM inference_summaries;
SELECT bgnbd_fit(s) = f.bg AS bg_same, pareto_nbd_fit(s) = f.pn AS pn_same,
	   gamma_gamma_fit(s) = f.gg AS gg_same
FROM inference_summaries, inference_fits f GROUP BY f.bg, f.pn, f.gg;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT bgnbd_fit(stats) = f.bg AS bg_same, pareto_nbd_fit(stats) = f.pn AS pn_same,
	   gamma_gamma_fit(stats) = f.gg AS gg_same
FROM (SELECT clv_stats(s) AS stats FROM inference_summaries GROUP BY customer_id % 7) pieces,
	 inference_fits f
GROUP BY f.bg, f.pn, f.gg;

-- simulate and refit: 100 samples of 1,000 customers from the same
-- parameters.  Right standard errors put the truth within 2 SE in about 95
-- of 100 fits (at least 90 asked; SEs too small fail), and their mean is of
-- the size of the estimates' spread (SEs too large fail; the estimates of
-- a and b are skewed at this size, so their spread exceeds their SEs).
CREATE TABLE inference_refits AS
SELECT seed, bgnbd_fit(s) AS bg, gamma_gamma_fit(s) AS gg
FROM (SELECT seed, clv_summary(ordered_at, amount, '2026-01-01 00:00+00'::timestamptz, '1 week') AS s
	  FROM generate_series(1, 100) seed, clv_sample_orders(1000, seed)
	  GROUP BY seed, customer_id) c
GROUP BY seed;
WITH truth(model, i, name, value) AS (
	VALUES ('BG/NBD', 1, 'r', 0.243), ('BG/NBD', 2, 'alpha', 4.414), ('BG/NBD', 3, 'a', 0.793),
		   ('BG/NBD', 4, 'b', 2.426), ('Gamma-Gamma', 1, 'p', 6.25), ('Gamma-Gamma', 2, 'q', 3.74),
		   ('Gamma-Gamma', 3, 'gamma', 15.44)),
fits AS (
	SELECT t.model, t.i, t.name, t.value,
		   CASE t.model WHEN 'BG/NBD' THEN (ARRAY[(f.bg).r, (f.bg).alpha, (f.bg).a, (f.bg).b])[t.i]
		   ELSE (ARRAY[(f.gg).p, (f.gg).q, (f.gg).gamma])[t.i] END AS estimate,
		   CASE t.model WHEN 'BG/NBD' THEN (f.bg).std_errors[t.i] ELSE (f.gg).std_errors[t.i] END AS se
	FROM inference_refits f CROSS JOIN truth t)
SELECT model, name, count(se) AS with_se,
	   count(*) FILTER (WHERE abs(estimate - value) <= 2 * se) AS truth_within_2_se,
	   avg(se) / stddev_pop(estimate) BETWEEN 0.5 AND 2 AS se_of_spread_size
FROM fits GROUP BY model, i, name ORDER BY model, i;

-- clv_parameters: one row per parameter, in the composite's order, the
-- estimate, its standard error and estimate -+ 1.959963984540054 SE
SELECT p.parameter, round(p.estimate::numeric, 3) AS estimate,
	   round(p.std_error::numeric, 3) AS std_error,
	   round(p.lower_95::numeric, 3) AS lower_95, round(p.upper_95::numeric, 3) AS upper_95
FROM inference_fits, clv_parameters(bg) p;
SELECT m.model, count(*) AS parameters,
	   bool_and(p.estimate = (m.fields)[p.n] AND p.std_error = (m.se)[p.n]) AS estimates_and_se,
	   bool_and(p.lower_95 = p.estimate - 1.959963984540054 * p.std_error
				AND p.upper_95 = p.estimate + 1.959963984540054 * p.std_error) AS bounds,
	   string_agg(p.parameter, ', ' ORDER BY p.n) AS names
FROM (SELECT 'clv_bgnbd' AS model, ARRAY[(bg).r, (bg).alpha, (bg).a, (bg).b] AS fields,
			 (bg).std_errors AS se, bg AS value FROM inference_fits) m,
	 clv_parameters(m.value) WITH ORDINALITY p(parameter, estimate, std_error, lower_95, upper_95, n)
GROUP BY m.model
UNION ALL
SELECT m.model, count(*), bool_and(p.estimate = (m.fields)[p.n] AND p.std_error = (m.se)[p.n]),
	   bool_and(p.lower_95 = p.estimate - 1.959963984540054 * p.std_error
				AND p.upper_95 = p.estimate + 1.959963984540054 * p.std_error),
	   string_agg(p.parameter, ', ' ORDER BY p.n)
FROM (SELECT 'clv_pareto_nbd' AS model, ARRAY[(pn).r, (pn).alpha, (pn).s, (pn).beta] AS fields,
			 (pn).std_errors AS se, pn AS value FROM inference_fits) m,
	 clv_parameters(m.value) WITH ORDINALITY p(parameter, estimate, std_error, lower_95, upper_95, n)
GROUP BY m.model
UNION ALL
SELECT m.model, count(*), bool_and(p.estimate = (m.fields)[p.n] AND p.std_error = (m.se)[p.n]),
	   bool_and(p.lower_95 = p.estimate - 1.959963984540054 * p.std_error
				AND p.upper_95 = p.estimate + 1.959963984540054 * p.std_error),
	   string_agg(p.parameter, ', ' ORDER BY p.n)
FROM (SELECT 'clv_gamma_gamma' AS model, ARRAY[(gg).p, (gg).q, (gg).gamma] AS fields,
			 (gg).std_errors AS se, gg AS value FROM inference_fits) m,
	 clv_parameters(m.value) WITH ORDINALITY p(parameter, estimate, std_error, lower_95, upper_95, n)
GROUP BY m.model;

-- a model without standard errors: NULL std_error and bounds; a NULL
-- model: no rows (STRICT); std_errors of another length: an error
SELECT * FROM clv_parameters((0.2, 4, 0.8, 2.4, -100, 10, 5, true, '7 days', NULL, NULL, NULL)::clv_bgnbd);
SELECT count(*) AS rows_of_null FROM clv_parameters(NULL::clv_gamma_gamma);
SELECT pg_temp.error_of($$SELECT clv_parameters((0.2, 4, 0.8, 2.4, -100, 10, 5, true, '7 days', '{1, 2}', NULL, NULL)::clv_bgnbd)$$);

-- the C function serves any model composite by its shape, and refuses a
-- row type of another shape
CREATE FUNCTION pg_temp.parameters_of(clv_summary)
RETURNS TABLE (parameter text, estimate float8, std_error float8, lower_95 float8, upper_95 float8)
AS '$libdir/clv', 'clv_parameters' LANGUAGE C IMMUTABLE STRICT;
SELECT pg_temp.error_of($$SELECT pg_temp.parameters_of((1, 2, 3, 10, 2, '1 day')::clv_summary)$$);
CREATE TYPE pg_temp.no_fit_quality AS (r float8, ll float8, std_errors float8[]);
CREATE FUNCTION pg_temp.parameters_of(pg_temp.no_fit_quality)
RETURNS TABLE (parameter text, estimate float8, std_error float8, lower_95 float8, upper_95 float8)
AS '$libdir/clv', 'clv_parameters' LANGUAGE C IMMUTABLE STRICT;
SELECT pg_temp.error_of($$SELECT pg_temp.parameters_of((1, 2, '{3}')::pg_temp.no_fit_quality)$$);
CREATE TYPE pg_temp.one_parameter AS (lambda float8, ll float8, customers bigint,
									  std_errors float8[], aic float8, bic float8);
CREATE FUNCTION pg_temp.parameters_of(pg_temp.one_parameter)
RETURNS TABLE (parameter text, estimate float8, std_error float8, lower_95 float8, upper_95 float8)
AS '$libdir/clv', 'clv_parameters' LANGUAGE C IMMUTABLE STRICT;
SELECT * FROM pg_temp.parameters_of((2, -10, 5, '{0.5}', 22, 23)::pg_temp.one_parameter);

-- data that cannot identify the model: NULL standard errors with a
-- WARNING, never NaN; AIC and BIC are still those of the likelihood, the
-- fit's own ll (AIC to the bit, as every fit's above)
CREATE TABLE unidentified AS
SELECT bgnbd_fit(x, t_x, t, '1 day') AS bg
FROM (VALUES (0, 0.0, 10.0), (0, 0, 20), (0, 0, 30)) v(x, t_x, t);
SELECT (bg).std_errors IS NULL AS no_se, (bg).converged,
	   (bg).aic = 8 - 2 * (bg).ll AS aic_ok,
	   abs((bg).bic - (4 * ln(3) - 2 * (bg).ll)) < 1e-9 AS bic_ok,
	   (SELECT count(*) FROM clv_parameters(bg) WHERE std_error IS NULL AND lower_95 IS NULL) AS rows_without_se
FROM unidentified;
-- every repeat customer spends the same: Gamma-Gamma cannot tell p, q and
-- gamma apart
SELECT (gg).std_errors IS NULL AS no_se, (gg).aic < 'Infinity' AS finite_aic
FROM (SELECT gamma_gamma_fit(x, m) AS gg
	  FROM (VALUES (1, 10.0), (1, 10.0), (2, 10.0), (2, 10.0)) v(x, m)) f;
-- fits that stop on a ridge (p to infinity, gamma to 0, p gamma fixed),
-- where the gradient vanishes and the likelihood is flat along the ridge:
-- not converged, no standard errors, one WARNING each (the second used to
-- say converged, with standard errors 26 times its estimates)
\set VERBOSITY terse
SELECT (gg).converged, (gg).std_errors IS NULL AS no_se
FROM (SELECT gamma_gamma_fit(x, m) AS gg
	  FROM (VALUES (1, 10.0), (2, 20.0), (3, 5.0)) v(x, m)) f;
SELECT (gg).converged, (gg).std_errors IS NULL AS no_se
FROM (SELECT gamma_gamma_fit(x, m) AS gg
	  FROM (VALUES (1, 10.0), (2, 20.0), (3, 30.0)) v(x, m)) f;
\set VERBOSITY default

-- model comparison: per segment, the model of least AIC (both purchase
-- models have 4 parameters, so it is the one of greater likelihood)
WITH fits AS (
	SELECT customer_id % 3 AS segment, bgnbd_fit(s) AS bg, pareto_nbd_fit(s) AS pn
	FROM inference_summaries GROUP BY customer_id % 3),
candidates AS (
	SELECT segment, 'BG/NBD' AS model, (bg).aic, (bg).bic, (bg).ll FROM fits
	UNION ALL
	SELECT segment, 'Pareto/NBD', (pn).aic, (pn).bic, (pn).ll FROM fits),
chosen AS (
	SELECT DISTINCT ON (segment) segment, model, aic, bic, ll
	FROM candidates ORDER BY segment, aic)
SELECT c.segment, c.model, round(c.aic::numeric, 1) AS aic, round(c.bic::numeric, 1) AS bic,
	   c.ll = (SELECT max(ll) FROM candidates o WHERE o.segment = c.segment) AS greatest_ll
FROM chosen c ORDER BY c.segment;

-- a model stored by clv 1.0 (nine attributes) in a user's table and a view
-- over it: the update adds the attributes, the stored value reads them
-- NULL and scores as before; BG/NBD at the published CDNOW parameters
-- predicts 1.226 purchases in 39 weeks for (2, 30.43, 38.86), Gamma-Gamma
-- p (gamma + m x) / (p x + q - 1) for x 2, m 20
BEGIN;
SET LOCAL client_min_messages = warning;
DROP EXTENSION clv CASCADE;
CREATE EXTENSION clv VERSION '1.0';
CREATE TABLE stored_models (segment text, bg clv_bgnbd, pn clv_pareto_nbd, gg clv_gamma_gamma);
INSERT INTO stored_models VALUES
('cdnow', (0.243, 4.414, 0.793, 2.426, -9582.4, 2357, 20, true, '7 days'),
 (0.553, 10.578, 0.606, 11.669, -9595.0, 2357, 20, true, '7 days'),
 (6.25, 3.74, 15.44, -4000, 946, 20, true));
CREATE VIEW stored_alpha AS SELECT segment, (bg).alpha FROM stored_models;
ALTER EXTENSION clv UPDATE TO '1.1';
SELECT bg, gg FROM stored_models;
SELECT * FROM stored_alpha;
SELECT (bg).std_errors IS NULL AND (bg).aic IS NULL AND (pn).bic IS NULL
	   AND (gg).std_errors IS NULL AS new_attributes_null,
	   round(expected_purchases(bg, 39, 2, 30.43, 38.86)::numeric, 3) AS cdnow_expected,
	   p_alive(pn, 2, 30.43, 38.86) = p_alive((0.553, 10.578, 0.606, 11.669, -9595.0, 2357, 20, true, '7 days',
											 NULL, NULL, NULL)::clv_pareto_nbd, 2, 30.43, 38.86) AS pn_same,
	   abs(expected_spend(gg, 2, 20) - 6.25 * (15.44 + 20 * 2) / (6.25 * 2 + 3.74 - 1)) < 1e-12 AS gg_formula,
	   round(clv(bg, gg, 2, 30.43, 38.86, 20)::numeric, 4) AS clv_12m
FROM stored_models;
SELECT p.* FROM stored_models, clv_parameters(gg) p;
ROLLBACK;

-- a model written as a row must now give the three attributes: a 1.0-era
-- ROW(...) of nine fields no longer casts
SELECT pg_temp.error_of($$SELECT (0.243, 4.414, 0.793, 2.426, -9582.4, 2357, 20, true, '7 days')::clv_bgnbd$$);

DROP TABLE inference_summaries, inference_fits, inference_refits, unidentified;
