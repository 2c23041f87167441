-- BG/NBD, Pareto/NBD and Gamma-Gamma on the CDNOW sample (2,357 customers,
-- 39-week calibration ending 1997-09-30, weeks) reproduce the published fits.
SET extra_float_digits = 0;
SET IntervalStyle = 'postgres';

\i test/cdnow/orders.psql

CREATE TABLE cdnow_summary AS
SELECT customer_id, clv_summary(ordered_at::date, amount, '1997-09-30', '1 week') AS s
FROM cdnow_orders GROUP BY customer_id;
SELECT count(*) AS customers, sum((s).x) AS repeats,
	   count(*) FILTER (WHERE (s).x = 0) AS no_repeat
FROM cdnow_summary;

CREATE TABLE cdnow_fits AS
SELECT bgnbd_fit(s) AS bg, pareto_nbd_fit(s) AS pn, gamma_gamma_fit(s) AS gg
FROM cdnow_summary;

-- BG/NBD (Fader, Hardie & Lee 2005): r 0.243, alpha 4.414, a 0.793, b 2.426, LL -9582.4
SELECT abs((bg).r / 0.243 - 1) < 0.005 AS r_ok,
	   abs((bg).alpha / 4.414 - 1) < 0.005 AS alpha_ok,
	   abs((bg).a / 0.793 - 1) < 0.005 AS a_ok,
	   abs((bg).b / 2.426 - 1) < 0.005 AS b_ok,
	   abs((bg).ll + 9582.4) < 0.1 AS ll_ok,
	   round((bg).r::numeric, 3) AS r, round((bg).alpha::numeric, 3) AS alpha,
	   round((bg).a::numeric, 3) AS a, round((bg).b::numeric, 3) AS b,
	   round((bg).ll::numeric, 1) AS ll, (bg).customers, (bg).converged, (bg).unit
FROM cdnow_fits;

-- Pareto/NBD: r 0.553, alpha 10.578, s 0.606, beta 11.669, LL -9595.0
SELECT abs((pn).r / 0.553 - 1) < 0.005 AS r_ok,
	   abs((pn).alpha / 10.578 - 1) < 0.005 AS alpha_ok,
	   abs((pn).s / 0.606 - 1) < 0.005 AS s_ok,
	   abs((pn).beta / 11.669 - 1) < 0.005 AS beta_ok,
	   abs((pn).ll + 9595.0) < 0.1 AS ll_ok,
	   round((pn).r::numeric, 3) AS r, round((pn).alpha::numeric, 3) AS alpha,
	   round((pn).s::numeric, 3) AS s, round((pn).beta::numeric, 3) AS beta,
	   round((pn).ll::numeric, 1) AS ll, (pn).customers, (pn).converged, (pn).unit
FROM cdnow_fits;

-- Gamma-Gamma on the 946 repeat customers: p 6.25, q 3.74, gamma 15.44
SELECT abs((gg).p / 6.25 - 1) < 0.005 AS p_ok,
	   abs((gg).q / 3.74 - 1) < 0.005 AS q_ok,
	   abs((gg).gamma / 15.44 - 1) < 0.005 AS gamma_ok,
	   round((gg).p::numeric, 2) AS p, round((gg).q::numeric, 2) AS q,
	   round((gg).gamma::numeric, 2) AS gamma, (gg).customers, (gg).converged
FROM cdnow_fits;

-- BG/NBD conditional expected purchases in the next 39 weeks for
-- x 2, t_x 30.43, T 38.86 (customer 1): 1.226
SELECT abs(expected_purchases(bg, 39, 2, 30.43, 38.86) - 1.226) < 0.001 AS published_ok,
	   round(expected_purchases(bg, 39, 2, 30.43, 38.86)::numeric, 3) AS expected,
	   round(expected_purchases(bg, 39, s)::numeric, 3) AS customer_1_from_summary
FROM cdnow_fits, cdnow_summary WHERE customer_id = 1;

-- the same fits from clv_stats merged out of pieces with disjoint customers
SELECT bgnbd_fit(stats) = (SELECT bg FROM cdnow_fits) AS bgnbd_same,
	   pareto_nbd_fit(stats) = (SELECT pn FROM cdnow_fits) AS pareto_same,
	   gamma_gamma_fit(stats) = (SELECT gg FROM cdnow_fits) AS gg_same
FROM (SELECT clv_stats(s) AS stats FROM cdnow_summary GROUP BY customer_id % 4) pieces;

-- the pipeline's last step: every customer scored, top five by 12-month CLV
SELECT customer_id, (s).x, round((s).t_x::numeric, 2) AS t_x, round((s).t::numeric, 2) AS t,
	   round((s).m, 2) AS m,
	   round(p_alive(bg, s)::numeric, 3) AS p_alive,
	   round(expected_purchases(bg, 52, s)::numeric, 3) AS purchases_52w,
	   round(clv(bg, gg, s)::numeric, 2) AS clv_12m
FROM cdnow_summary, cdnow_fits
ORDER BY clv(bg, gg, s) DESC NULLS LAST, customer_id LIMIT 5;
SELECT count(*) AS scored, count(clv(bg, gg, s)) AS with_clv,
	   count(*) FILTER (WHERE (s).x > 0 AND (s).m <= 0) AS refund_only
FROM cdnow_summary, cdnow_fits;

DROP TABLE cdnow_raw, cdnow_orders, cdnow_summary, cdnow_fits;
