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

/* support functions: one C transition function serves every overload */

CREATE FUNCTION clv_history_trans(internal, timestamptz)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_trans(internal, timestamptz) IS
'transition function of the per-customer aggregates: adds one order to a purchase-history state';

CREATE FUNCTION clv_history_trans(internal, timestamptz, anyelement, timestamptz)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_trans(internal, timestamptz, anyelement, timestamptz) IS
'transition function of the per-customer aggregates: adds one order to a purchase-history state';

CREATE FUNCTION clv_history_trans(internal, timestamptz, anyelement, timestamptz, interval)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_trans(internal, timestamptz, anyelement, timestamptz, interval) IS
'transition function of the per-customer aggregates: adds one order to a purchase-history state';

CREATE FUNCTION clv_history_trans(internal, timestamptz, anyelement, interval)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_trans(internal, timestamptz, anyelement, interval) IS
'transition function of the per-customer aggregates: adds one order to a purchase-history state';

CREATE FUNCTION clv_history_inverse(internal, timestamptz)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_inverse'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_inverse(internal, timestamptz) IS
'inverse transition function of avg_interpurchase: removes one purchase time leaving a moving frame';

CREATE FUNCTION clv_history_trans(internal, timestamp)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_trans(internal, timestamp) IS
'transition function of the per-customer aggregates: adds one order to a purchase-history state';

CREATE FUNCTION clv_history_trans(internal, timestamp, anyelement, timestamp)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_trans(internal, timestamp, anyelement, timestamp) IS
'transition function of the per-customer aggregates: adds one order to a purchase-history state';

CREATE FUNCTION clv_history_trans(internal, timestamp, anyelement, timestamp, interval)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_trans(internal, timestamp, anyelement, timestamp, interval) IS
'transition function of the per-customer aggregates: adds one order to a purchase-history state';

CREATE FUNCTION clv_history_trans(internal, timestamp, anyelement, interval)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_trans(internal, timestamp, anyelement, interval) IS
'transition function of the per-customer aggregates: adds one order to a purchase-history state';

CREATE FUNCTION clv_history_inverse(internal, timestamp)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_inverse'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_inverse(internal, timestamp) IS
'inverse transition function of avg_interpurchase: removes one purchase time leaving a moving frame';

CREATE FUNCTION clv_history_trans(internal, date)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_trans(internal, date) IS
'transition function of the per-customer aggregates: adds one order to a purchase-history state';

CREATE FUNCTION clv_history_trans(internal, date, anyelement, date)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_trans(internal, date, anyelement, date) IS
'transition function of the per-customer aggregates: adds one order to a purchase-history state';

CREATE FUNCTION clv_history_trans(internal, date, anyelement, date, interval)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_trans(internal, date, anyelement, date, interval) IS
'transition function of the per-customer aggregates: adds one order to a purchase-history state';

CREATE FUNCTION clv_history_trans(internal, date, anyelement, interval)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_trans(internal, date, anyelement, interval) IS
'transition function of the per-customer aggregates: adds one order to a purchase-history state';

CREATE FUNCTION clv_history_inverse(internal, date)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_inverse'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_inverse(internal, date) IS
'inverse transition function of avg_interpurchase: removes one purchase time leaving a moving frame';

CREATE FUNCTION clv_history_combine(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_combine'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_combine(internal, internal) IS
'combine function of the per-customer aggregates: merges two purchase-history states';

CREATE FUNCTION clv_history_serialize(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'clv_history_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_serialize(internal) IS
'serialize function of the per-customer aggregates';

CREATE FUNCTION clv_history_deserialize(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'clv_history_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_deserialize(bytea, internal) IS
'deserialize function of the per-customer aggregates; validates its input';

CREATE FUNCTION clv_avg_interpurchase_final(internal)
RETURNS interval AS 'MODULE_PATHNAME', 'clv_avg_interpurchase_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_avg_interpurchase_final(internal) IS 'final function of avg_interpurchase';

CREATE FUNCTION clv_avg_interpurchase_days_final(internal)
RETURNS float8 AS 'MODULE_PATHNAME', 'clv_avg_interpurchase_days_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_avg_interpurchase_days_final(internal) IS 'final function of avg_interpurchase_days';

CREATE FUNCTION clv_rfm_final(internal)
RETURNS clv_rfm AS 'MODULE_PATHNAME', 'clv_rfm_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_rfm_final(internal) IS 'final function of rfm';

CREATE FUNCTION clv_summary_final(internal)
RETURNS clv_summary AS 'MODULE_PATHNAME', 'clv_summary_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_summary_final(internal) IS 'final function of clv_summary';

CREATE FUNCTION clv_formula_final(internal)
RETURNS numeric AS 'MODULE_PATHNAME', 'clv_formula_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_formula_final(internal) IS 'final function of clv(ordered_at, amount, lifespan)';

/* the aggregates */

CREATE AGGREGATE avg_interpurchase(ordered_at timestamptz) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_avg_interpurchase_final,
	STYPE = internal,
	SSPACE = 128,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE,
	MSFUNC = clv_history_trans,
	MINVFUNC = clv_history_inverse,
	MSTYPE = internal,
	MSSPACE = 128,
	MFINALFUNC = clv_avg_interpurchase_final,
	MFINALFUNC_MODIFY = READ_ONLY
);
COMMENT ON AGGREGATE avg_interpurchase(timestamptz) IS 'mean time between consecutive purchase occasions, as interval (NULL for fewer than two)';

CREATE AGGREGATE avg_interpurchase(ordered_at timestamp) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_avg_interpurchase_final,
	STYPE = internal,
	SSPACE = 128,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE,
	MSFUNC = clv_history_trans,
	MINVFUNC = clv_history_inverse,
	MSTYPE = internal,
	MSSPACE = 128,
	MFINALFUNC = clv_avg_interpurchase_final,
	MFINALFUNC_MODIFY = READ_ONLY
);
COMMENT ON AGGREGATE avg_interpurchase(timestamp) IS 'mean time between consecutive purchase occasions, as interval (NULL for fewer than two)';

CREATE AGGREGATE avg_interpurchase(ordered_at date) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_avg_interpurchase_final,
	STYPE = internal,
	SSPACE = 128,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE,
	MSFUNC = clv_history_trans,
	MINVFUNC = clv_history_inverse,
	MSTYPE = internal,
	MSSPACE = 128,
	MFINALFUNC = clv_avg_interpurchase_final,
	MFINALFUNC_MODIFY = READ_ONLY
);
COMMENT ON AGGREGATE avg_interpurchase(date) IS 'mean time between consecutive purchase occasions, as interval (NULL for fewer than two)';

CREATE AGGREGATE avg_interpurchase_days(ordered_at timestamptz) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_avg_interpurchase_days_final,
	STYPE = internal,
	SSPACE = 128,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE,
	MSFUNC = clv_history_trans,
	MINVFUNC = clv_history_inverse,
	MSTYPE = internal,
	MSSPACE = 128,
	MFINALFUNC = clv_avg_interpurchase_days_final,
	MFINALFUNC_MODIFY = READ_ONLY
);
COMMENT ON AGGREGATE avg_interpurchase_days(timestamptz) IS 'mean time between consecutive purchase occasions, in days (NULL for fewer than two)';

CREATE AGGREGATE avg_interpurchase_days(ordered_at timestamp) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_avg_interpurchase_days_final,
	STYPE = internal,
	SSPACE = 128,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE,
	MSFUNC = clv_history_trans,
	MINVFUNC = clv_history_inverse,
	MSTYPE = internal,
	MSSPACE = 128,
	MFINALFUNC = clv_avg_interpurchase_days_final,
	MFINALFUNC_MODIFY = READ_ONLY
);
COMMENT ON AGGREGATE avg_interpurchase_days(timestamp) IS 'mean time between consecutive purchase occasions, in days (NULL for fewer than two)';

CREATE AGGREGATE avg_interpurchase_days(ordered_at date) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_avg_interpurchase_days_final,
	STYPE = internal,
	SSPACE = 128,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE,
	MSFUNC = clv_history_trans,
	MINVFUNC = clv_history_inverse,
	MSTYPE = internal,
	MSSPACE = 128,
	MFINALFUNC = clv_avg_interpurchase_days_final,
	MFINALFUNC_MODIFY = READ_ONLY
);
COMMENT ON AGGREGATE avg_interpurchase_days(date) IS 'mean time between consecutive purchase occasions, in days (NULL for fewer than two)';

CREATE AGGREGATE rfm(ordered_at timestamptz, amount anyelement, as_of timestamptz) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_rfm_final,
	STYPE = internal,
	SSPACE = 256,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm(timestamptz, anyelement, timestamptz) IS
'RFM inputs of one customer: recency in days to as_of, purchase occasions, total amount';

CREATE AGGREGATE rfm(ordered_at timestamp, amount anyelement, as_of timestamp) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_rfm_final,
	STYPE = internal,
	SSPACE = 256,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm(timestamp, anyelement, timestamp) IS
'RFM inputs of one customer: recency in days to as_of, purchase occasions, total amount';

CREATE AGGREGATE rfm(ordered_at date, amount anyelement, as_of date) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_rfm_final,
	STYPE = internal,
	SSPACE = 256,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm(date, anyelement, date) IS
'RFM inputs of one customer: recency in days to as_of, purchase occasions, total amount';

CREATE AGGREGATE clv_summary(ordered_at timestamptz, amount anyelement, as_of timestamptz) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_summary_final,
	STYPE = internal,
	SSPACE = 256,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv_summary(timestamptz, anyelement, timestamptz) IS
'model summary (x, t_x, t, m, orders, unit) of one customer, times in days';

CREATE AGGREGATE clv_summary(ordered_at timestamptz, amount anyelement, as_of timestamptz, unit interval) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_summary_final,
	STYPE = internal,
	SSPACE = 256,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv_summary(timestamptz, anyelement, timestamptz, interval) IS
'model summary (x, t_x, t, m, orders, unit) of one customer, times in the given unit';

CREATE AGGREGATE clv_summary(ordered_at timestamp, amount anyelement, as_of timestamp) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_summary_final,
	STYPE = internal,
	SSPACE = 256,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv_summary(timestamp, anyelement, timestamp) IS
'model summary (x, t_x, t, m, orders, unit) of one customer, times in days';

CREATE AGGREGATE clv_summary(ordered_at timestamp, amount anyelement, as_of timestamp, unit interval) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_summary_final,
	STYPE = internal,
	SSPACE = 256,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv_summary(timestamp, anyelement, timestamp, interval) IS
'model summary (x, t_x, t, m, orders, unit) of one customer, times in the given unit';

CREATE AGGREGATE clv_summary(ordered_at date, amount anyelement, as_of date) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_summary_final,
	STYPE = internal,
	SSPACE = 256,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv_summary(date, anyelement, date) IS
'model summary (x, t_x, t, m, orders, unit) of one customer, times in days';

CREATE AGGREGATE clv_summary(ordered_at date, amount anyelement, as_of date, unit interval) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_summary_final,
	STYPE = internal,
	SSPACE = 256,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv_summary(date, anyelement, date, interval) IS
'model summary (x, t_x, t, m, orders, unit) of one customer, times in the given unit';

CREATE AGGREGATE clv(ordered_at timestamptz, amount anyelement, lifespan interval) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_formula_final,
	STYPE = internal,
	SSPACE = 256,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv(timestamptz, anyelement, interval) IS
'customer lifetime value by the formula: average purchase value x purchase frequency x lifespan';

CREATE AGGREGATE clv(ordered_at timestamp, amount anyelement, lifespan interval) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_formula_final,
	STYPE = internal,
	SSPACE = 256,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv(timestamp, anyelement, interval) IS
'customer lifetime value by the formula: average purchase value x purchase frequency x lifespan';

CREATE AGGREGATE clv(ordered_at date, amount anyelement, lifespan interval) (
	SFUNC = clv_history_trans,
	FINALFUNC = clv_formula_final,
	STYPE = internal,
	SSPACE = 256,
	COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv(date, anyelement, interval) IS
'customer lifetime value by the formula: average purchase value x purchase frequency x lifespan';
