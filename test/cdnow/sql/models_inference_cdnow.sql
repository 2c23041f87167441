-- Standard errors on the CDNOW sample (2,357 customers, 39-week
-- calibration ending 1997-09-30, weeks): BG/NBD equal lifetimes'
-- BetaGeoFitter summary to 3 significant digits (se(coef) r 0.012557,
-- alpha 0.378221, a 0.185719, b 0.705345), with its 95% bounds.
SET extra_float_digits = 0;
SET IntervalStyle = 'postgres';

\i test/cdnow/orders.psql
CREATE TABLE cdnow_summary AS
SELECT customer_id, clv_summary(ordered_at, amount, '1997-09-30', '1 week') AS s
FROM cdnow_orders GROUP BY customer_id;
CREATE TABLE cdnow_fits AS
SELECT bgnbd_fit(s) AS bg, pareto_nbd_fit(s) AS pn, gamma_gamma_fit(s) AS gg
FROM cdnow_summary;

-- BG/NBD r .243, alpha 4.414, a .793, b 2.426; SEs 0.0126, 0.378, 0.186, 0.705
WITH lifetimes(parameter, se) AS (
	VALUES ('r', 0.0126), ('alpha', 0.378), ('a', 0.186), ('b', 0.705))
SELECT p.parameter, round(p.estimate::numeric, 3) AS estimate,
	   round(p.std_error::numeric, 2 - floor(log(p.std_error))::int) AS std_error,
	   round(p.std_error::numeric, 2 - floor(log(p.std_error))::int) = l.se AS lifetimes_se,
	   round(p.lower_95::numeric, 3) AS lower_95, round(p.upper_95::numeric, 3) AS upper_95
FROM cdnow_fits, clv_parameters(bg) p JOIN lifetimes l USING (parameter);

-- AIC and BIC of the published log-likelihood -9582.4 (n = 2,357)
SELECT round((bg).aic::numeric, 1) AS aic, round((bg).bic::numeric, 1) AS bic,
	   abs((bg).aic - (8 + 2 * 9582.4)) < 0.1 AS aic_ok,
	   abs((bg).bic - (4 * ln(2357) + 2 * 9582.4)) < 0.1 AS bic_ok
FROM cdnow_fits;

-- Pareto/NBD and Gamma-Gamma (946 repeat customers): the standard errors
-- and, by AIC, BG/NBD fits CDNOW better (LL -9582.4 against -9595.0)
SELECT p.parameter, round(p.estimate::numeric, 3) AS estimate,
	   round(p.std_error::numeric, 3) AS std_error
FROM cdnow_fits, clv_parameters(pn) p;
SELECT p.parameter, round(p.estimate::numeric, 2) AS estimate,
	   round(p.std_error::numeric, 3) AS std_error
FROM cdnow_fits, clv_parameters(gg) p;
SELECT (bg).aic < (pn).aic AS bgnbd_preferred, round((gg).bic::numeric, 1) AS gg_bic,
	   abs((gg).bic - (3 * ln(946) - 2 * (gg).ll)) < 1e-6 AS gg_bic_ok
FROM cdnow_fits;

DROP TABLE cdnow_raw, cdnow_orders, cdnow_summary, cdnow_fits;
