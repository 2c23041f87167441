-- test/demo.sql -- the README's demo: sample orders in, per-customer
-- results, segments and CLV out.  Run by `bash .ci/run demo`.
\set ON_ERROR_STOP on
\pset footer off
\set QUIET on
CREATE EXTENSION IF NOT EXISTS clv;

\echo '== 10,000 simulated customers (CDNOW-like), two years of orders, stored in time order'
CREATE TABLE orders AS SELECT * FROM clv_sample_orders(10000) ORDER BY ordered_at;
SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers,
	   min(ordered_at)::date AS first_day, max(ordered_at)::date AS last_day,
	   sum(amount) AS revenue
FROM orders;

\echo '== one row per customer: RFM, model summary (weeks), inter-purchase time, formula CLV'
CREATE TABLE customers AS
SELECT customer_id,
	   rfm(clv_day(ordered_at, 'UTC'), amount, '2025-12-31'::date) AS rfm,
	   clv_summary(clv_day(ordered_at, 'UTC'), amount, '2025-12-31'::date, '1 week') AS summary,
	   avg_interpurchase_days(clv_day(ordered_at, 'UTC')) AS days_between_purchases,
	   clv(clv_day(ordered_at, 'UTC'), amount, '3 years') AS formula_clv
FROM orders GROUP BY customer_id;
SELECT customer_id, (rfm).recency, (rfm).frequency, (rfm).monetary,
	   (summary).x, round((summary).t_x::numeric, 2) AS t_x, round((summary).t::numeric, 2) AS t,
	   round((summary).m, 2) AS m, round(days_between_purchases::numeric, 1) AS days_between,
	   round(formula_clv, 2) AS formula_clv
FROM customers ORDER BY customer_id LIMIT 10;
SELECT round(avg(days_between_purchases)::numeric, 1) AS mean_days_between_purchases,
	   count(*) FILTER (WHERE (summary).x = 0) AS one_time_buyers
FROM customers;

\echo '== RFM segments and value tiers: the table a BI tool shows'
SELECT segment, count(*) AS customers,
	   count(*) FILTER (WHERE tier = 'high') AS high_value_customers,
	   sum(monetary) AS revenue,
	   round(100 * sum(monetary) / sum(sum(monetary)) OVER (), 1) AS revenue_pct
FROM (SELECT (rfm).monetary,
			 rfm_segment(rfm_score(rfm) OVER ()) AS segment,
			 value_tier((rfm).monetary) OVER () AS tier
	  FROM customers) s
GROUP BY segment ORDER BY revenue DESC;

\echo '== quarterly retention and new-customer share, from one scan of the orders'
SELECT s.period_start, s.customers, s.retained, s.new_customers,
	   round(s.retention_rate::numeric, 3) AS retention_rate,
	   round(s.new_share::numeric, 3) AS new_share
FROM (SELECT retention_series(customer_id, clv_day(ordered_at, 'UTC'), '3 months') AS m FROM orders) q,
	 unnest(q.m) s;

\echo '== BG/NBD and Gamma-Gamma fitted inside PostgreSQL (weeks)'
CREATE TABLE model AS
SELECT bgnbd_fit(summary) AS bg, pareto_nbd_fit(summary) AS pn, gamma_gamma_fit(summary) AS gg
FROM customers;
SELECT 'BG/NBD' AS model, round((bg).r::numeric, 3) AS r, round((bg).alpha::numeric, 3) AS alpha,
	   round((bg).a::numeric, 3) AS a_or_s, round((bg).b::numeric, 3) AS b_or_beta,
	   round((bg).ll::numeric, 1) AS ll, (bg).converged FROM model
UNION ALL
SELECT 'Pareto/NBD', round((pn).r::numeric, 3), round((pn).alpha::numeric, 3),
	   round((pn).s::numeric, 3), round((pn).beta::numeric, 3),
	   round((pn).ll::numeric, 1), (pn).converged FROM model;
SELECT round((gg).p::numeric, 3) AS p, round((gg).q::numeric, 3) AS q,
	   round((gg).gamma::numeric, 3) AS gamma, (gg).customers AS repeat_customers
FROM model;

\echo '== the ten most valuable customers: P(alive), expected purchases next year, 12-month CLV'
SELECT customer_id, (summary).x, round((summary).t::numeric, 1) AS t,
	   round(p_alive(bg, summary)::numeric, 3) AS p_alive,
	   round(expected_purchases(bg, 52, summary)::numeric, 2) AS next_52_weeks,
	   round(clv(bg, gg, summary)::numeric, 2) AS clv_12_months
FROM customers, model
ORDER BY clv(bg, gg, summary) DESC NULLS LAST, customer_id LIMIT 10;

\echo '== model CLV by RFM segment'
SELECT rfm_segment(rfm_score(rfm) OVER ()) AS segment, clv(bg, gg, summary) AS clv
INTO TEMP segment_clv FROM customers, model;
SELECT segment, count(*) AS customers, round(avg(clv)::numeric, 2) AS mean_clv_12_months,
	   round(sum(clv)::numeric, 0) AS total_clv_12_months
FROM segment_clv GROUP BY segment ORDER BY total_clv_12_months DESC;

\echo '== nightly views for BI tools: one call deploys them (clv_refresh_views refreshes, clv_schedule_views hands that to pg_cron)'
SELECT length(clv_create_views('orders', 'customer_id', 'ordered_at', 'amount',
							   as_of => '2025-12-31')) > 0 AS views_deployed;
SELECT name AS segment, customers, round(revenue_share::numeric, 3) AS revenue_share,
	   round(mean_clv::numeric, 2) AS mean_clv
FROM clv_segments WHERE dimension = 'segment' ORDER BY revenue DESC;
