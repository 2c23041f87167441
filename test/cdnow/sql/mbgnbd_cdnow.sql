-- MBG/NBD on the CDNOW sample (2,357 customers, 39-week calibration ending
-- 1997-09-30, weeks) reproduces lifetimes' ModifiedBetaGeoFitter, and its
-- predictions, and the purchase-count distributions of BG/NBD, MBG/NBD and
-- Pareto/NBD at the published parameters, equal lifetimes' formulas
-- transcribed into plain SQL.
SET extra_float_digits = 0;
SET IntervalStyle = 'postgres';

\i test/cdnow/orders.psql
CREATE TABLE cdnow_summary AS
SELECT customer_id, clv_summary(ordered_at::date, amount, '1997-09-30', '1 week') AS s
FROM cdnow_orders GROUP BY customer_id;

-- the plain-SQL references: Gauss's 2F1 summed term by term, the negative
-- binomial NB(n) at t of a gamma(r, alpha) mixture of Poisson counts, and
-- B(a + da, b + k) / B(a, b) for da in (0, 1) and an integer k >= 0
CREATE FUNCTION pg_temp.hyp2f1(a float8, b float8, c float8, z float8) RETURNS float8
LANGUAGE sql AS $$
	WITH RECURSIVE s(k, term) AS (
		SELECT 0, 1::float8
		UNION ALL
		SELECT k + 1, term * (a + k) * (b + k) / ((c + k) * (k + 1)) * z
		FROM s WHERE k < 5000 AND abs(term) > 1e-20)
	SELECT sum(term) FROM s
$$;
CREATE FUNCTION pg_temp.nb(r float8, alpha float8, t float8, n int) RETURNS float8
LANGUAGE sql AS $$
	SELECT coalesce((SELECT exp(sum(ln((r + j) / (j + 1)))) FROM generate_series(0, n - 1) j), 1)
		   * (alpha / (alpha + t)) ^ r * (t / (alpha + t)) ^ n
$$;
CREATE FUNCTION pg_temp.beta_ratio(a float8, b float8, da int, k int) RETURNS float8
LANGUAGE sql AS $$
	SELECT coalesce((SELECT exp(sum(ln((b + j) / (a + b + j)))) FROM generate_series(0, k - 1) j), 1)
		   * CASE WHEN da = 1 THEN a / (a + b + k) ELSE 1 END
$$;
-- lifetimes' probability_of_n_purchases_up_to_time: BetaGeoFitter (shift 0,
-- Fader, Hardie and Lee 2005 eq. 8) and ModifiedBetaGeoFitter (shift 1)
CREATE FUNCTION pg_temp.bg_pmf(r float8, alpha float8, a float8, b float8, shift int,
							   t float8, n int) RETURNS float8
LANGUAGE sql AS $$
	SELECT pg_temp.beta_ratio(a, b, 0, n + shift) * pg_temp.nb(r, alpha, t, n)
		   + CASE WHEN n + shift > 0 THEN
				 pg_temp.beta_ratio(a, b, 1, n + shift - 1)
				 * (1 - coalesce((SELECT sum(pg_temp.nb(r, alpha, t, j)) FROM generate_series(0, n - 1) j), 0))
			 ELSE 0 END
$$;
-- Pareto/NBD P(X(t) = n) by its definition: alive at t with NB(n) at t, or
-- dead at tau < t (exponential dropout mixed over gamma(s, beta)) with
-- NB(n) at tau; Simpson's rule over tau in 20,000 steps
CREATE FUNCTION pg_temp.pnbd_pmf(r float8, alpha float8, s float8, beta float8,
								 t float8, n int) RETURNS float8
LANGUAGE sql AS $$
	SELECT (beta / (beta + t)) ^ s * pg_temp.nb(r, alpha, t, n)
		   + t / 60000 * sum(CASE WHEN k IN (0, 20000) THEN 1 WHEN k % 2 = 1 THEN 4 ELSE 2 END
							 * c * (alpha / (alpha + tau)) ^ r * (tau / (alpha + tau)) ^ n
							 * s / beta * (beta / (beta + tau)) ^ (s + 1))
	FROM (SELECT k, t * k / 20000 AS tau,
				 coalesce((SELECT exp(sum(ln((r + j) / (j + 1)))) FROM generate_series(0, n - 1) j), 1) AS c
		  FROM generate_series(0, 20000) k) q
$$;

-- the three input forms give one fit
CREATE TABLE mbgnbd_fits AS
SELECT mbgnbd_fit(s) AS mb, bgnbd_fit(s) AS bg,
	   mbgnbd_fit((s).x, (s).t_x, (s).t, (s).unit) AS mb_plain
FROM cdnow_summary;
SELECT mb = mb_plain AS plain_same,
	   mb = (SELECT mbgnbd_fit(stats)
			 FROM (SELECT clv_stats(s) AS stats FROM cdnow_summary GROUP BY customer_id % 4) pieces)
	   AS merged_stats_same
FROM mbgnbd_fits;

-- lifetimes' ModifiedBetaGeoFitter on these data: r 0.525, alpha 6.183,
-- a 0.891, b 1.614
SELECT round((mb).r::numeric, 3) = 0.525 AS r_ok,
	   round((mb).alpha::numeric, 3) = 6.183 AS alpha_ok,
	   round((mb).a::numeric, 3) = 0.891 AS a_ok,
	   round((mb).b::numeric, 3) = 1.614 AS b_ok,
	   round((mb).r::numeric, 3) AS r, round((mb).alpha::numeric, 3) AS alpha,
	   round((mb).a::numeric, 3) AS a, round((mb).b::numeric, 3) AS b,
	   round((mb).ll::numeric, 2) AS ll, (mb).customers, (mb).converged, (mb).unit
FROM mbgnbd_fits;

-- its log-likelihood is Batislam, Denizel and Filiztekin's (2007) per
-- customer, summed in plain SQL: B(a, b+x+1) / B(a, b) Gamma(r+x) alpha^r /
-- Gamma(r) (alpha+t)^-(r+x) [1 + a / (b+x) ((alpha+t) / (alpha+t_x))^(r+x)]
SELECT abs(sql_ll / (mb).ll - 1) < 1e-12 AS ll_matches,
	   abs((mb).aic - (8 - 2 * sql_ll)) < 1e-8 AS aic_ok,
	   abs((mb).bic - (4 * ln(2357) - 2 * sql_ll)) < 1e-8 AS bic_ok,
	   (mb).ll > (bg).ll AS fits_better_than_bgnbd,
	   array_length((mb).std_errors, 1) AS standard_errors,
	   (SELECT bool_and(se > 0 AND se < est / 2)
		FROM unnest((mb).std_errors, ARRAY[(mb).r, (mb).alpha, (mb).a, (mb).b]) u(se, est))
	   AS std_errors_positive_and_below_half_the_estimate
FROM mbgnbd_fits,
LATERAL (SELECT sum(ln(pg_temp.beta_ratio((mb).a, (mb).b, 0, ((s).x + 1)::int))
					+ coalesce((SELECT sum(ln((mb).r + j)) FROM generate_series(0, (s).x - 1) j), 0)
					+ (mb).r * ln((mb).alpha) - ((mb).r + (s).x) * ln((mb).alpha + (s).t)
					+ ln(1 + (mb).a / ((mb).b + (s).x)
						 * (((mb).alpha + (s).t) / ((mb).alpha + (s).t_x)) ^ ((mb).r + (s).x))) AS sql_ll
		 FROM cdnow_summary) q;

-- one-time buyers may be gone: P(alive) < 1 for every customer without a
-- repeat purchase (BG/NBD: exactly 1 for all of them)
SELECT count(*) AS one_time_buyers,
	   count(*) FILTER (WHERE p_alive(mb, s) < 1) AS mbgnbd_below_1,
	   count(*) FILTER (WHERE p_alive(bg, s) = 1) AS bgnbd_equal_1,
	   round(min(p_alive(mb, s))::numeric, 4) AS mbgnbd_min,
	   round(max(p_alive(mb, s))::numeric, 4) AS mbgnbd_max
FROM cdnow_summary, mbgnbd_fits WHERE (s).x = 0;

-- per-customer predictions at the fit = lifetimes' formulas in plain SQL
-- (conditional_probability_alive,
-- conditional_expected_number_of_purchases_up_to_time for 39 weeks), to
-- 1e-9 relative
SELECT customer_id, (s).x, round((s).t_x::numeric, 2) AS t_x, round((s).t::numeric, 2) AS t,
	   abs(p_alive(mb, s) / alive - 1) < 1e-12 AS p_alive_ok,
	   abs(expected_purchases(mb, 39, s) / expected - 1) < 1e-9 AS expected_ok,
	   round(p_alive(mb, s)::numeric, 6) AS p_alive,
	   round(expected_purchases(mb, 39, s)::numeric, 6) AS expected_39w
FROM cdnow_summary, mbgnbd_fits,
LATERAL (SELECT 1 / (1 + (mb).a / ((mb).b + (s).x)
					 * (((mb).alpha + (s).t) / ((mb).alpha + (s).t_x)) ^ ((mb).r + (s).x)) AS alive) pa,
LATERAL (SELECT ((mb).a + (mb).b + (s).x) / ((mb).a - 1)
				* (1 - pg_temp.hyp2f1((mb).r + (s).x, (mb).b + (s).x + 1, (mb).a + (mb).b + (s).x,
									  39 / ((mb).alpha + (s).t + 39))
				   * (((mb).alpha + (s).t) / ((mb).alpha + (s).t + 39)) ^ ((mb).r + (s).x))
				* alive AS expected) e
WHERE customer_id IN (1, 2, 3, 4, 5, 18, 50, 100, 1000)
ORDER BY customer_id;

-- a new customer's expected purchases E[X(t)] (lifetimes'
-- expected_number_of_purchases_up_to_time) at the published parameters of
-- the three models
CREATE TABLE published AS
SELECT ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, true, '7 days', NULL, NULL, NULL)::clv_bgnbd AS bg,
	   ROW(0.525, 6.183, 0.891, 1.614, NULL, NULL, NULL, true, '7 days', NULL, NULL, NULL)::clv_mbgnbd AS mb,
	   ROW(0.553, 10.578, 0.606, 11.669, NULL, NULL, NULL, true, '7 days', NULL, NULL, NULL)::clv_pareto_nbd AS pn;
SELECT t,
	   abs(expected_purchases(bg, t) / ((0.793 + 2.426 - 1) / (0.793 - 1)
		   * (1 - (4.414 / (4.414 + t)) ^ 0.243
				  * pg_temp.hyp2f1(0.243, 2.426, 0.793 + 2.426 - 1, t / (4.414 + t)))) - 1) < 1e-9 AS bgnbd_ok,
	   abs(expected_purchases(mb, t) / (1.614 / (0.891 - 1)
		   * (1 - (6.183 / (6.183 + t)) ^ 0.525
				  * pg_temp.hyp2f1(0.525, 1.614 + 1, 0.891 + 1.614, t / (6.183 + t)))) - 1) < 1e-9 AS mbgnbd_ok,
	   abs(expected_purchases(pn, t) / (0.553 * 11.669 / (10.578 * (0.606 - 1))
		   * (1 - (11.669 / (11.669 + t)) ^ (0.606 - 1))) - 1) < 1e-9 AS pareto_ok,
	   round(expected_purchases(bg, t)::numeric, 6) AS bgnbd,
	   round(expected_purchases(mb, t)::numeric, 6) AS mbgnbd,
	   round(expected_purchases(pn, t)::numeric, 6) AS pareto
FROM published, (VALUES (1.0), (13), (39), (78)) v(t) ORDER BY t;

-- P(X(39) = n) of a new customer = lifetimes' formulas (BG/NBD, MBG/NBD)
-- and the quadrature of the definition (Pareto/NBD)
SELECT n,
	   abs(purchase_probability(bg, n, 39) - pg_temp.bg_pmf(0.243, 4.414, 0.793, 2.426, 0, 39, n)) < 1e-12 AS bgnbd_ok,
	   abs(purchase_probability(mb, n, 39) - pg_temp.bg_pmf(0.525, 6.183, 0.891, 1.614, 1, 39, n)) < 1e-12 AS mbgnbd_ok,
	   abs(purchase_probability(pn, n, 39) - pg_temp.pnbd_pmf(0.553, 10.578, 0.606, 11.669, 39, n)) < 1e-9 AS pareto_ok,
	   round(purchase_probability(bg, n, 39)::numeric, 6) AS bgnbd,
	   round(purchase_probability(mb, n, 39)::numeric, 6) AS mbgnbd,
	   round(purchase_probability(pn, n, 39)::numeric, 6) AS pareto
FROM published, generate_series(0, 7) n ORDER BY n;

-- each distribution over n = 0 .. 1000 sums to 1 and its mean is E[X(39)]
SELECT abs(sum(purchase_probability(bg, n, 39)) - 1) < 1e-12 AS bgnbd_sums_to_1,
	   abs(sum(n * purchase_probability(bg, n, 39)) - expected_purchases(bg, 39)) < 1e-10 AS bgnbd_mean_ok,
	   abs(sum(purchase_probability(mb, n, 39)) - 1) < 1e-12 AS mbgnbd_sums_to_1,
	   abs(sum(n * purchase_probability(mb, n, 39)) - expected_purchases(mb, 39)) < 1e-10 AS mbgnbd_mean_ok,
	   abs(sum(purchase_probability(pn, n, 39)) - 1) < 1e-12 AS pareto_sums_to_1,
	   abs(sum(n * purchase_probability(pn, n, 39)) - expected_purchases(pn, 39)) < 1e-10 AS pareto_mean_ok
FROM published, generate_series(0, 1000) n
GROUP BY bg, mb, pn;

-- conditional on customer 1's history (x 2, t_x 30.43, t 38.86): dead now,
-- or alive and a new customer of the posterior process; the probabilities
-- sum to 1 with the conditional expectation as mean
SELECT n,
	   abs(purchase_probability(bg, n, 39, 2, 30.43, 38.86)
		   - ((n = 0)::int * (1 - p_alive(bg, 2, 30.43, 38.86))
			  + p_alive(bg, 2, 30.43, 38.86) * pg_temp.bg_pmf(0.243 + 2, 4.414 + 38.86, 0.793, 2.426 + 2, 0, 39, n)))
	   < 1e-12 AS bgnbd_ok,
	   abs(purchase_probability(mb, n, 39, 2, 30.43, 38.86)
		   - ((n = 0)::int * (1 - p_alive(mb, 2, 30.43, 38.86))
			  + p_alive(mb, 2, 30.43, 38.86) * pg_temp.bg_pmf(0.525 + 2, 6.183 + 38.86, 0.891, 1.614 + 3, 0, 39, n)))
	   < 1e-12 AS mbgnbd_ok,
	   round(purchase_probability(bg, n, 39, 2, 30.43, 38.86)::numeric, 6) AS bgnbd,
	   round(purchase_probability(mb, n, 39, 2, 30.43, 38.86)::numeric, 6) AS mbgnbd,
	   round(purchase_probability(pn, n, 39, 2, 30.43, 38.86)::numeric, 6) AS pareto
FROM published, generate_series(0, 4) n ORDER BY n;
SELECT abs(sum(purchase_probability(bg, n, 39, 2, 30.43, 38.86)) - 1) < 1e-12 AS bgnbd_sums_to_1,
	   abs(sum(n * purchase_probability(bg, n, 39, 2, 30.43, 38.86))
		   - expected_purchases(bg, 39, 2, 30.43, 38.86)) < 1e-10 AS bgnbd_mean_ok,
	   abs(sum(purchase_probability(mb, n, 39, 2, 30.43, 38.86)) - 1) < 1e-12 AS mbgnbd_sums_to_1,
	   abs(sum(n * purchase_probability(mb, n, 39, 2, 30.43, 38.86))
		   - expected_purchases(mb, 39, 2, 30.43, 38.86)) < 1e-10 AS mbgnbd_mean_ok,
	   abs(sum(purchase_probability(pn, n, 39, 2, 30.43, 38.86)) - 1) < 1e-12 AS pareto_sums_to_1,
	   abs(sum(n * purchase_probability(pn, n, 39, 2, 30.43, 38.86))
		   - expected_purchases(pn, 39, 2, 30.43, 38.86)) < 1e-10 AS pareto_mean_ok
FROM published, generate_series(0, 1000) n
GROUP BY bg, mb, pn;

-- the pipeline's last step with MBG/NBD: top five by 12-month CLV
SELECT customer_id, (s).x, round((s).t_x::numeric, 2) AS t_x, round((s).t::numeric, 2) AS t,
	   round(p_alive(mb, s)::numeric, 3) AS p_alive,
	   round(expected_purchases(mb, 52, s)::numeric, 3) AS purchases_52w,
	   round(clv(mb, gg, s)::numeric, 2) AS clv_12m
FROM cdnow_summary, mbgnbd_fits, (SELECT gamma_gamma_fit(s) AS gg FROM cdnow_summary) g
ORDER BY clv(mb, gg, s) DESC NULLS LAST, customer_id LIMIT 5;

DROP TABLE cdnow_raw, cdnow_orders, cdnow_summary, mbgnbd_fits, published;
