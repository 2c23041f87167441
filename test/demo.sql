-- test/demo.sql -- the README's demo: sample orders in, per-customer
-- results, segments and CLV out.  Run by `bash .ci/run demo`.
\set ON_ERROR_STOP on
\pset footer off
\set QUIET on
SET TimeZone = 'UTC';
CREATE EXTENSION IF NOT EXISTS clv;

\echo '== 10,000 simulated customers (CDNOW-like), two years of orders'
CREATE TABLE orders AS SELECT * FROM clv_sample_orders(10000);
SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers,
	   min(ordered_at)::date AS first_day, max(ordered_at)::date AS last_day,
	   sum(amount) AS revenue
FROM orders;

\echo '== one row per customer: RFM, model summary (weeks), inter-purchase time, formula CLV'
CREATE TABLE customers AS
SELECT customer_id,
	   rfm(ordered_at::date, amount, '2025-12-31'::date) AS rfm,
	   clv_summary(ordered_at::date, amount, '2025-12-31'::date, '1 week') AS summary,
	   avg_interpurchase_days(ordered_at::date) AS days_between_purchases,
	   clv(ordered_at::date, amount, '3 years') AS formula_clv
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
FROM (SELECT retention_series(customer_id, ordered_at::date, '3 months') AS m FROM orders) q,
	 unnest(q.m) s;
