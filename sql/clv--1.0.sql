/* clv--1.0.sql -- the clv extension: types, functions, aggregates */

\echo Use "CREATE EXTENSION clv" to load this file. \quit

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

/*
 * Sample data (src/sample.c): a simulated customer base.  IMMUTABLE: the
 * rows depend only on the arguments (times are whole-second offsets from
 * start_at; no TimeZone, no calendar arithmetic).
 */

CREATE FUNCTION clv_sample_orders_support(internal) RETURNS internal
AS 'MODULE_PATHNAME', 'clv_sample_orders_support'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_sample_orders_support(internal) IS
'Planner support for clv_sample_orders: row estimate from the number of customers';

CREATE FUNCTION clv_sample_orders(
	customers int DEFAULT 1000,
	seed int DEFAULT 1,
	r float8 DEFAULT 0.243,
	alpha float8 DEFAULT 4.414,
	a float8 DEFAULT 0.793,
	b float8 DEFAULT 2.426,
	p float8 DEFAULT 6.25,
	q float8 DEFAULT 3.74,
	gamma float8 DEFAULT 15.44,
	unit interval DEFAULT '1 week',
	start_at timestamptz DEFAULT '2024-01-01 00:00+00',
	end_at timestamptz DEFAULT '2026-01-01 00:00+00')
RETURNS TABLE (customer_id bigint, ordered_at timestamptz, amount numeric)
AS 'MODULE_PATHNAME', 'clv_sample_orders'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 2350
SUPPORT clv_sample_orders_support;
COMMENT ON FUNCTION clv_sample_orders(int, int, float8, float8, float8, float8, float8, float8, float8, interval, timestamptz, timestamptz) IS
'Deterministic simulated orders of customers 1..customers: first purchase uniform in [start_at, end_at), repeat purchases from BG/NBD(r, alpha, a, b) with rates per unit, amounts from Gamma-Gamma(p, q, gamma) in cents; the defaults are the published CDNOW fits';
