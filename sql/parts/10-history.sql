/*
 * Level 1: per-customer aggregates over one customer's orders
 * (src/history.c).  One purchase-history state serves all of them.
 */

CREATE TYPE clv_rfm AS (
	recency float8,
	frequency bigint,
	monetary numeric
);
COMMENT ON TYPE clv_rfm IS
'RFM inputs of one customer: recency (days from the last purchase to as_of), frequency (purchase occasions), monetary (total amount)';

CREATE TYPE clv_summary AS (
	x bigint,
	t_x float8,
	t float8,
	m numeric,
	orders bigint,
	unit interval
);
COMMENT ON TYPE clv_summary IS
'Summary of one customer for the probabilistic models: x repeat purchases, t_x time of the last repeat, t age at as_of (both in unit), m mean repeat amount, orders rows counted, unit';
