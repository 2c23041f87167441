
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
