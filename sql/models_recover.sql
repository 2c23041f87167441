--
-- Simulate and recover: 100,000 customers simulated by clv_sample_orders
-- from known BG/NBD and Gamma-Gamma parameters, summarised on their
-- timestamps, fitted back: within 5% for r, alpha, p, q, gamma and 10% for
-- a, b (a six-year window gives the spend model enough repeat customers).
--
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
SET IntervalStyle = 'postgres';

CREATE TABLE recover_summaries AS
SELECT customer_id, clv_summary(ordered_at, amount, '2026-01-01 00:00+00'::timestamptz, '1 week') AS s
FROM clv_sample_orders(100000, 1, r => 0.243, alpha => 4.414, a => 0.793, b => 2.426,
					   p => 6.25, q => 3.74, gamma => 15.44, unit => '1 week',
					   start_at => '2020-01-01 00:00+00', end_at => '2026-01-01 00:00+00')
GROUP BY customer_id;

CREATE TABLE recovered AS
SELECT bgnbd_fit(s) AS bg, gamma_gamma_fit(s) AS gg FROM recover_summaries;

SELECT abs((bg).r / 0.243 - 1) < 0.05 AS r_ok,
	   abs((bg).alpha / 4.414 - 1) < 0.05 AS alpha_ok,
	   abs((bg).a / 0.793 - 1) < 0.10 AS a_ok,
	   abs((bg).b / 2.426 - 1) < 0.10 AS b_ok,
	   (bg).converged, (bg).customers,
	   round((bg).r::numeric, 2) AS r, round((bg).alpha::numeric, 1) AS alpha,
	   round((bg).a::numeric, 2) AS a, round((bg).b::numeric, 1) AS b
FROM recovered;

SELECT abs((gg).p / 6.25 - 1) < 0.05 AS p_ok,
	   abs((gg).q / 3.74 - 1) < 0.05 AS q_ok,
	   abs((gg).gamma / 15.44 - 1) < 0.05 AS gamma_ok,
	   (gg).converged,
	   (gg).customers = (SELECT count(*) FROM recover_summaries WHERE (s).x > 0) AS all_repeat_customers,
	   round((gg).p::numeric, 1) AS p, round((gg).q::numeric, 1) AS q,
	   round((gg).gamma::numeric, 1) AS gamma
FROM recovered;

DROP TABLE recover_summaries, recovered;
