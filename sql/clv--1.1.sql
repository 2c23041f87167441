/* clv--1.1.sql -- the clv extension: types, functions, aggregates */

\echo Use "CREATE EXTENSION clv" to load this file. \quit

/*
 * Contents, in the order README.md presents the layers
 *
 *   section                             C source            tests
 *   0. calendar days: clv_day, clv_zone src/day.c           sql/day.sql
 *   1. level 1, per-customer aggregates src/history.c       sql/history.sql, test/pgtap/history.sql
 *      avg_interpurchase, rfm, clv_summary, clv(formula)
 *   2. level 2, segmentation            src/scoring.c       sql/scoring.sql, test/pgtap/scoring.sql
 *      rfm_score, rfm_segment, value_tier
 *   3. probabilistic models             src/stats.c,        sql/models.sql, test/pgtap/models.sql,
 *      clv_stats, bgnbd_fit,            src/fit.c,          test/cdnow/
 *      pareto_nbd_fit, gamma_gamma_fit, src/predict.c
 *      p_alive, expected_purchases,
 *      expected_spend, clv(model)
 *   4. retention over raw orders        src/retention.c     sql/retention.sql, test/pgtap/retention.sql,
 *      retention_rate, new_customer_share,                  test/cdnow/
 *      retention_series, cohort_retention
 *   5. sample data: clv_sample_orders   src/sample.c        sql/sample.sql, test/pgtap/sample.sql
 *
 * One style throughout: a banner per section; every object followed at once
 * by its COMMENT (lower case, no final period, as PostgreSQL's own
 * descriptions); keywords in capitals, one clause per line for functions,
 * one option per line for aggregates and types; every C function states its
 * volatility, strictness and PARALLEL SAFE.  Overloads that differ only in
 * argument types are created by a DO block over the types, so that the
 * whole family is visibly one definition.
 */

/* ------------------------------------------------------------------------
 * 0. Calendar days
 * src/day.c; tests sql/day.sql
 * ------------------------------------------------------------------------
 */

CREATE TYPE clv_zone;

CREATE FUNCTION clv_zone_in(cstring)
RETURNS clv_zone
AS 'MODULE_PATHNAME', 'clv_zone_in'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_zone_in(cstring) IS
'text input of clv_zone: a time zone name, checked as AT TIME ZONE checks it';

CREATE FUNCTION clv_zone_out(clv_zone)
RETURNS cstring
AS 'MODULE_PATHNAME', 'clv_zone_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_zone_out(clv_zone) IS
'text output of clv_zone: the zone name';

CREATE FUNCTION clv_zone_recv(internal)
RETURNS clv_zone
AS 'MODULE_PATHNAME', 'clv_zone_recv'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_zone_recv(internal) IS
'binary input of clv_zone: the zone name as text, checked';

CREATE FUNCTION clv_zone_send(clv_zone)
RETURNS bytea
AS 'MODULE_PATHNAME', 'clv_zone_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_zone_send(clv_zone) IS
'binary output of clv_zone: the zone name as text';

CREATE TYPE clv_zone (
	INPUT = clv_zone_in,
	OUTPUT = clv_zone_out,
	RECEIVE = clv_zone_recv,
	SEND = clv_zone_send,
	INTERNALLENGTH = VARIABLE,
	CATEGORY = 'S',
	STORAGE = extended
);
COMMENT ON TYPE clv_zone IS
'a time zone name (Europe/Riga, UTC, +05:30) without a collation, so that a call of clv_day with a zone literal ships to remote servers';

CREATE CAST (text AS clv_zone) WITH INOUT AS IMPLICIT;
COMMENT ON CAST (text AS clv_zone) IS
'a zone name in text as a clv_zone, checked';

CREATE CAST (clv_zone AS text) WITH INOUT;
COMMENT ON CAST (clv_zone AS text) IS
'the name of a clv_zone';

CREATE FUNCTION clv_day(ordered_at timestamptz, zone clv_zone)
RETURNS date
AS 'MODULE_PATHNAME', 'clv_day'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_day(timestamptz, clv_zone) IS
'calendar day of a time in the given time zone, the same on every server whatever its TimeZone: (ordered_at AT TIME ZONE zone)::date';

/* ------------------------------------------------------------------------
 * 1. Level 1: per-customer aggregates over one customer's orders
 * src/history.c; tests sql/history.sql, test/pgtap/history.sql
 * ------------------------------------------------------------------------
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

/* ------------------------------------------------------------------------
 * 2. Level 2: segmentation across customers
 * src/scoring.c; tests sql/scoring.sql, test/pgtap/scoring.sql
 * ------------------------------------------------------------------------
 */

/*
 * rfm_score and value_tier are window functions: they read their whole
 * partition once and ignore the frame, like rank().  Values are declared
 * "any" and checked at run time (smallint, integer, bigint, real, double
 * precision, numeric), so each keeps its own type and exact order without
 * a cast.
 */

CREATE FUNCTION rfm_score(recency "any", frequency "any", monetary "any", bins integer DEFAULT 5)
RETURNS text
AS 'MODULE_PATHNAME', 'clv_rfm_score'
LANGUAGE C WINDOW IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION rfm_score("any", "any", "any", integer) IS
'window function: R, F and M scores (1..bins) of the row as three digits, ties-consistent over the complete rows of the partition; NULL when an input is NULL';

CREATE FUNCTION rfm_score(rfm clv_rfm, bins integer DEFAULT 5)
RETURNS text
AS 'MODULE_PATHNAME', 'clv_rfm_score'
LANGUAGE C WINDOW IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION rfm_score(clv_rfm, integer) IS
'window function: R, F and M scores (1..bins) of an rfm() value as three digits, ties-consistent over the complete rows of the partition; NULL when a field is NULL';

CREATE FUNCTION value_tier(value "any", high_share float8 DEFAULT 0.8, medium_share float8 DEFAULT 0.95)
RETURNS text
AS 'MODULE_PATHNAME', 'clv_value_tier'
LANGUAGE C WINDOW IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION value_tier("any", float8, float8) IS
'window function: Pareto tier high / medium / low of the value within the partition (values above it holding less than high_share / medium_share of the positive total); low for values <= 0, NULL for NULL';

CREATE FUNCTION rfm_segment(score text)
RETURNS text
AS 'MODULE_PATHNAME', 'clv_rfm_segment'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rfm_segment(text) IS
'named RFM segment (Champions, Loyal, At Risk, ...) of a three-digit 5-bin rfm_score, from its R and F digits';

CREATE FUNCTION rfm_segment(r integer, f integer)
RETURNS text
AS 'MODULE_PATHNAME', 'clv_rfm_segment_digits'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rfm_segment(integer, integer) IS
'named RFM segment (Champions, Loyal, At Risk, ...) of an R and an F score, each 1..5';

/* ------------------------------------------------------------------------
 * 3. Probabilistic models
 * src/models.c; tests sql/models.sql, test/pgtap/models.sql, test/cdnow/
 * ------------------------------------------------------------------------
 */

-- clv_stats: distinct (x, t_x, t) and (x, m) rows with counts, plus the unit

CREATE TYPE clv_stats;

CREATE FUNCTION clv_stats_in(cstring) RETURNS clv_stats
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION clv_stats_out(clv_stats) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION clv_stats_recv(internal) RETURNS clv_stats
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION clv_stats_send(clv_stats) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE clv_stats (
	INPUT = clv_stats_in,
	OUTPUT = clv_stats_out,
	RECEIVE = clv_stats_recv,
	SEND = clv_stats_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE clv_stats IS
'Sufficient statistic of the model fits: the time unit, distinct (x, t_x, t) rows and distinct (x, m) rows of repeat customers, each with a customer count';
COMMENT ON FUNCTION clv_stats_in(cstring) IS 'text input of clv_stats, validated';
COMMENT ON FUNCTION clv_stats_out(clv_stats) IS 'text output of clv_stats (JSON)';
COMMENT ON FUNCTION clv_stats_recv(internal) IS 'binary input of clv_stats, validated';
COMMENT ON FUNCTION clv_stats_send(clv_stats) IS 'binary output of clv_stats';

-- model composites

CREATE TYPE clv_bgnbd AS (
	r float8,
	alpha float8,
	a float8,
	b float8,
	ll float8,
	customers bigint,
	iterations int,
	converged boolean,
	unit interval
);
COMMENT ON TYPE clv_bgnbd IS
'A fitted BG/NBD model: r, alpha, a, b, log-likelihood, customers, iterations, converged, and the time unit of the data';

CREATE TYPE clv_pareto_nbd AS (
	r float8,
	alpha float8,
	s float8,
	beta float8,
	ll float8,
	customers bigint,
	iterations int,
	converged boolean,
	unit interval
);
COMMENT ON TYPE clv_pareto_nbd IS
'A fitted Pareto/NBD model: r, alpha, s, beta, log-likelihood, customers, iterations, converged, and the time unit of the data';

CREATE TYPE clv_gamma_gamma AS (
	p float8,
	q float8,
	gamma float8,
	ll float8,
	customers bigint,
	iterations int,
	converged boolean
);
COMMENT ON TYPE clv_gamma_gamma IS
'A fitted Gamma-Gamma spend model: p, q, gamma, log-likelihood, repeat customers, iterations, converged';

-- aggregate support functions (one working state for all)

CREATE FUNCTION clv_models_tx_trans(internal, bigint, float8, float8, interval)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION clv_models_spend_trans(internal, bigint, float8)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION clv_models_stats_trans(internal, bigint, float8, float8, float8, interval)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION clv_models_summary_tx_trans(internal, clv_summary)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION clv_models_summary_spend_trans(internal, clv_summary)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION clv_models_summary_stats_trans(internal, clv_summary)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION clv_models_merge_trans(internal, clv_stats)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION clv_models_combine(internal, internal)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION clv_models_serialize(internal)
	RETURNS bytea AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION clv_models_deserialize(bytea, internal)
	RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION clv_models_stats_final(internal)
	RETURNS clv_stats AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION clv_models_bgnbd_final(internal)
	RETURNS clv_bgnbd AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION clv_models_pareto_nbd_final(internal)
	RETURNS clv_pareto_nbd AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION clv_models_gamma_gamma_final(internal)
	RETURNS clv_gamma_gamma AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION clv_models_tx_trans(internal, bigint, float8, float8, interval) IS 'transition of bgnbd_fit and pareto_nbd_fit over plain columns';
COMMENT ON FUNCTION clv_models_spend_trans(internal, bigint, float8) IS 'transition of gamma_gamma_fit over plain columns';
COMMENT ON FUNCTION clv_models_stats_trans(internal, bigint, float8, float8, float8, interval) IS 'transition of clv_stats over plain columns';
COMMENT ON FUNCTION clv_models_summary_tx_trans(internal, clv_summary) IS 'transition of bgnbd_fit and pareto_nbd_fit over clv_summary';
COMMENT ON FUNCTION clv_models_summary_spend_trans(internal, clv_summary) IS 'transition of gamma_gamma_fit over clv_summary';
COMMENT ON FUNCTION clv_models_summary_stats_trans(internal, clv_summary) IS 'transition of clv_stats over clv_summary';
COMMENT ON FUNCTION clv_models_merge_trans(internal, clv_stats) IS 'transition of clv_stats_merge and the fits over clv_stats';
COMMENT ON FUNCTION clv_models_combine(internal, internal) IS 'combine function of the models aggregates';
COMMENT ON FUNCTION clv_models_serialize(internal) IS 'serialize function of the models aggregates';
COMMENT ON FUNCTION clv_models_deserialize(bytea, internal) IS 'deserialize function of the models aggregates';
COMMENT ON FUNCTION clv_models_stats_final(internal) IS 'final function of clv_stats and clv_stats_merge';
COMMENT ON FUNCTION clv_models_bgnbd_final(internal) IS 'final function of bgnbd_fit: the maximum-likelihood fit';
COMMENT ON FUNCTION clv_models_pareto_nbd_final(internal) IS 'final function of pareto_nbd_fit: the maximum-likelihood fit';
COMMENT ON FUNCTION clv_models_gamma_gamma_final(internal) IS 'final function of gamma_gamma_fit: the maximum-likelihood fit';

-- the aggregates

CREATE AGGREGATE clv_stats(x bigint, t_x float8, t float8, m float8, unit interval) (
	SFUNC = clv_models_stats_trans, STYPE = internal, SSPACE = 16384,
	FINALFUNC = clv_models_stats_final, FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_models_combine,
	SERIALFUNC = clv_models_serialize, DESERIALFUNC = clv_models_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE clv_stats(clv_summary) (
	SFUNC = clv_models_summary_stats_trans, STYPE = internal, SSPACE = 16384,
	FINALFUNC = clv_models_stats_final, FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_models_combine,
	SERIALFUNC = clv_models_serialize, DESERIALFUNC = clv_models_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE clv_stats_merge(clv_stats) (
	SFUNC = clv_models_merge_trans, STYPE = internal, SSPACE = 16384,
	FINALFUNC = clv_models_stats_final, FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_models_combine,
	SERIALFUNC = clv_models_serialize, DESERIALFUNC = clv_models_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv_stats(bigint, float8, float8, float8, interval) IS
'the sufficient statistic of the model fits over per-customer x, t_x, t, m in unit';
COMMENT ON AGGREGATE clv_stats(clv_summary) IS
'the sufficient statistic of the model fits over clv_summary values';
COMMENT ON AGGREGATE clv_stats_merge(clv_stats) IS
'merges clv_stats values of disjoint sets of customers';

CREATE AGGREGATE bgnbd_fit(x bigint, t_x float8, t float8, unit interval) (
	SFUNC = clv_models_tx_trans, STYPE = internal, SSPACE = 16384,
	FINALFUNC = clv_models_bgnbd_final, FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_models_combine,
	SERIALFUNC = clv_models_serialize, DESERIALFUNC = clv_models_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE bgnbd_fit(clv_summary) (
	SFUNC = clv_models_summary_tx_trans, STYPE = internal, SSPACE = 16384,
	FINALFUNC = clv_models_bgnbd_final, FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_models_combine,
	SERIALFUNC = clv_models_serialize, DESERIALFUNC = clv_models_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE bgnbd_fit(clv_stats) (
	SFUNC = clv_models_merge_trans, STYPE = internal, SSPACE = 16384,
	FINALFUNC = clv_models_bgnbd_final, FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_models_combine,
	SERIALFUNC = clv_models_serialize, DESERIALFUNC = clv_models_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE bgnbd_fit(bigint, float8, float8, interval) IS
'fits the BG/NBD model by maximum likelihood to per-customer x, t_x, t in unit';
COMMENT ON AGGREGATE bgnbd_fit(clv_summary) IS
'fits the BG/NBD model by maximum likelihood to clv_summary values';
COMMENT ON AGGREGATE bgnbd_fit(clv_stats) IS
'fits the BG/NBD model by maximum likelihood to merged clv_stats values';

CREATE AGGREGATE pareto_nbd_fit(x bigint, t_x float8, t float8, unit interval) (
	SFUNC = clv_models_tx_trans, STYPE = internal, SSPACE = 16384,
	FINALFUNC = clv_models_pareto_nbd_final, FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_models_combine,
	SERIALFUNC = clv_models_serialize, DESERIALFUNC = clv_models_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE pareto_nbd_fit(clv_summary) (
	SFUNC = clv_models_summary_tx_trans, STYPE = internal, SSPACE = 16384,
	FINALFUNC = clv_models_pareto_nbd_final, FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_models_combine,
	SERIALFUNC = clv_models_serialize, DESERIALFUNC = clv_models_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE pareto_nbd_fit(clv_stats) (
	SFUNC = clv_models_merge_trans, STYPE = internal, SSPACE = 16384,
	FINALFUNC = clv_models_pareto_nbd_final, FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_models_combine,
	SERIALFUNC = clv_models_serialize, DESERIALFUNC = clv_models_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE pareto_nbd_fit(bigint, float8, float8, interval) IS
'fits the Pareto/NBD model by maximum likelihood to per-customer x, t_x, t in unit';
COMMENT ON AGGREGATE pareto_nbd_fit(clv_summary) IS
'fits the Pareto/NBD model by maximum likelihood to clv_summary values';
COMMENT ON AGGREGATE pareto_nbd_fit(clv_stats) IS
'fits the Pareto/NBD model by maximum likelihood to merged clv_stats values';

CREATE AGGREGATE gamma_gamma_fit(x bigint, m float8) (
	SFUNC = clv_models_spend_trans, STYPE = internal, SSPACE = 16384,
	FINALFUNC = clv_models_gamma_gamma_final, FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_models_combine,
	SERIALFUNC = clv_models_serialize, DESERIALFUNC = clv_models_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE gamma_gamma_fit(clv_summary) (
	SFUNC = clv_models_summary_spend_trans, STYPE = internal, SSPACE = 16384,
	FINALFUNC = clv_models_gamma_gamma_final, FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_models_combine,
	SERIALFUNC = clv_models_serialize, DESERIALFUNC = clv_models_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE gamma_gamma_fit(clv_stats) (
	SFUNC = clv_models_merge_trans, STYPE = internal, SSPACE = 16384,
	FINALFUNC = clv_models_gamma_gamma_final, FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_models_combine,
	SERIALFUNC = clv_models_serialize, DESERIALFUNC = clv_models_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE gamma_gamma_fit(bigint, float8) IS
'fits the Gamma-Gamma spend model to per-customer x, m (rows with x = 0 ignored)';
COMMENT ON AGGREGATE gamma_gamma_fit(clv_summary) IS
'fits the Gamma-Gamma spend model to clv_summary values (x = 0 ignored)';
COMMENT ON AGGREGATE gamma_gamma_fit(clv_stats) IS
'fits the Gamma-Gamma spend model to merged clv_stats values';

-- scoring

CREATE FUNCTION p_alive(model clv_bgnbd, x bigint, t_x float8, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_models_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION p_alive(model clv_bgnbd, summary clv_summary) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_models_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION p_alive(model clv_pareto_nbd, x bigint, t_x float8, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_models_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION p_alive(model clv_pareto_nbd, summary clv_summary) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_models_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION p_alive(clv_bgnbd, bigint, float8, float8) IS
'BG/NBD probability that a customer with x repeats, last at t_x, aged t (model unit) is still alive';
COMMENT ON FUNCTION p_alive(clv_bgnbd, clv_summary) IS
'BG/NBD probability that the customer of a summary (in the model''s unit) is still alive';
COMMENT ON FUNCTION p_alive(clv_pareto_nbd, bigint, float8, float8) IS
'Pareto/NBD probability that a customer with x repeats, last at t_x, aged t (model unit) is still alive';
COMMENT ON FUNCTION p_alive(clv_pareto_nbd, clv_summary) IS
'Pareto/NBD probability that the customer of a summary (in the model''s unit) is still alive';

CREATE FUNCTION expected_purchases(model clv_bgnbd, horizon float8, x bigint, t_x float8, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_models_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION expected_purchases(model clv_bgnbd, horizon float8, summary clv_summary) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_models_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION expected_purchases(model clv_pareto_nbd, horizon float8, x bigint, t_x float8, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_models_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION expected_purchases(model clv_pareto_nbd, horizon float8, summary clv_summary) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_models_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(clv_bgnbd, float8, bigint, float8, float8) IS
'BG/NBD expected purchases in the next horizon units given x, t_x, t (model unit)';
COMMENT ON FUNCTION expected_purchases(clv_bgnbd, float8, clv_summary) IS
'BG/NBD expected purchases in the next horizon units given a summary in the model''s unit';
COMMENT ON FUNCTION expected_purchases(clv_pareto_nbd, float8, bigint, float8, float8) IS
'Pareto/NBD expected purchases in the next horizon units given x, t_x, t (model unit)';
COMMENT ON FUNCTION expected_purchases(clv_pareto_nbd, float8, clv_summary) IS
'Pareto/NBD expected purchases in the next horizon units given a summary in the model''s unit';

CREATE FUNCTION expected_spend(model clv_gamma_gamma, x bigint, m float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_models_expected_spend' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION expected_spend(model clv_gamma_gamma, summary clv_summary) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_models_expected_spend' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_spend(clv_gamma_gamma, bigint, float8) IS
'Gamma-Gamma expected spend per purchase given x repeats of mean m; NULL when x > 0 and m <= 0';
COMMENT ON FUNCTION expected_spend(clv_gamma_gamma, clv_summary) IS
'Gamma-Gamma expected spend per purchase of the customer of a summary; NULL when x > 0 and m <= 0';

CREATE FUNCTION clv(model clv_bgnbd, spend clv_gamma_gamma, x bigint, t_x float8, t float8, m float8,
					months int DEFAULT 12, discount float8 DEFAULT 0.01) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_models_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION clv(model clv_bgnbd, spend clv_gamma_gamma, summary clv_summary,
					months int DEFAULT 12, discount float8 DEFAULT 0.01) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_models_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION clv(model clv_pareto_nbd, spend clv_gamma_gamma, x bigint, t_x float8, t float8, m float8,
					months int DEFAULT 12, discount float8 DEFAULT 0.01) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_models_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION clv(model clv_pareto_nbd, spend clv_gamma_gamma, summary clv_summary,
					months int DEFAULT 12, discount float8 DEFAULT 0.01) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_models_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv(clv_bgnbd, clv_gamma_gamma, bigint, float8, float8, float8, int, float8) IS
'model-based CLV: BG/NBD purchases times Gamma-Gamma spend over the next months 30-day months, discounted monthly';
COMMENT ON FUNCTION clv(clv_bgnbd, clv_gamma_gamma, clv_summary, int, float8) IS
'model-based CLV of the customer of a summary: BG/NBD purchases times Gamma-Gamma spend, discounted monthly';
COMMENT ON FUNCTION clv(clv_pareto_nbd, clv_gamma_gamma, bigint, float8, float8, float8, int, float8) IS
'model-based CLV: Pareto/NBD purchases times Gamma-Gamma spend over the next months 30-day months, discounted monthly';
COMMENT ON FUNCTION clv(clv_pareto_nbd, clv_gamma_gamma, clv_summary, int, float8) IS
'model-based CLV of the customer of a summary: Pareto/NBD purchases times Gamma-Gamma spend, discounted monthly';

/* ------------------------------------------------------------------------
 * 4. Retention over raw orders
 * src/retention.c; tests sql/retention.sql, test/pgtap/retention.sql, test/cdnow/
 * ------------------------------------------------------------------------
 */

CREATE TYPE clv_retention AS (
	period_start date,
	customers bigint,
	retained bigint,
	new_customers bigint,
	retention_rate float8,
	new_share float8
);
COMMENT ON TYPE clv_retention IS
'One period of a retention series: its first day, customers active, retained (active in this and the previous period), new (first purchase in it), retention_rate = retained / previous period''s customers, new_share = new_customers / customers';

CREATE TYPE clv_cohort AS (
	cohort_start date,
	k int,
	cohort_size bigint,
	active bigint,
	share float8
);
COMMENT ON TYPE clv_cohort IS
'One cell of a cohort matrix: the cohort (period of the customers'' first purchase), period number k from it, the cohort''s size, its customers active in period k and their share';

CREATE FUNCTION clv_retention_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_retention_combine'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_retention_combine(internal, internal) IS
'Combine function of the retention aggregates: merges two customer sets';

CREATE FUNCTION clv_retention_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'clv_retention_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_retention_serialize(internal) IS
'Serialize function of the retention aggregates (key type, collation, customers)';

CREATE FUNCTION clv_retention_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_retention_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_retention_deserialize(bytea, internal) IS
'Deserialize function of the retention aggregates; validates its input';

CREATE FUNCTION clv_retention_rate_final(internal)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_retention_rate_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_retention_rate_final(internal) IS
'Final function of retention_rate: the share of the customers of the previous period active again';

CREATE FUNCTION clv_new_customer_share_final(internal)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_new_customer_share_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_new_customer_share_final(internal) IS
'Final function of new_customer_share: the share of the customers of the period without an earlier row';

CREATE FUNCTION clv_retention_series_final(internal)
RETURNS clv_retention[]
AS 'MODULE_PATHNAME', 'clv_retention_series_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_retention_series_final(internal) IS
'Final function of retention_series: one clv_retention per calendar period';

CREATE FUNCTION clv_cohort_retention_final(internal)
RETURNS clv_cohort[]
AS 'MODULE_PATHNAME', 'clv_cohort_retention_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_cohort_retention_final(internal) IS
'Final function of cohort_retention: the cohort matrix';

CREATE FUNCTION clv_retention_rate_trans(internal, anyelement, timestamptz, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_retention_rate_trans'
LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_retention_rate_trans(internal, anyelement, timestamptz, timestamptz, interval) IS
'Transition function of retention_rate over timestamptz purchase times';

CREATE AGGREGATE retention_rate(customer_id anyelement, ordered_at timestamptz, period_start timestamptz, period interval) (
	SFUNC = clv_retention_rate_trans,
	STYPE = internal,
	SSPACE = 65536,
	FINALFUNC = clv_retention_rate_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_retention_combine,
	SERIALFUNC = clv_retention_serialize,
	DESERIALFUNC = clv_retention_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention_rate(anyelement, timestamptz, timestamptz, interval) IS
'Of the customers with a purchase in [period_start - period, period_start), the share that purchased again in [period_start, period_start + period); NULL when the previous period had no customers';

CREATE FUNCTION clv_new_customer_share_trans(internal, anyelement, timestamptz, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_new_customer_share_trans'
LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_new_customer_share_trans(internal, anyelement, timestamptz, timestamptz, interval) IS
'Transition function of new_customer_share over timestamptz purchase times';

CREATE AGGREGATE new_customer_share(customer_id anyelement, ordered_at timestamptz, period_start timestamptz, period interval) (
	SFUNC = clv_new_customer_share_trans,
	STYPE = internal,
	SSPACE = 65536,
	FINALFUNC = clv_new_customer_share_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_retention_combine,
	SERIALFUNC = clv_retention_serialize,
	DESERIALFUNC = clv_retention_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE new_customer_share(anyelement, timestamptz, timestamptz, interval) IS
'Of the customers with a purchase in [period_start, period_start + period), the share whose first purchase among the rows seen is inside it; NULL when nobody was active';

CREATE FUNCTION clv_retention_series_trans(internal, anyelement, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_retention_series_trans'
LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_retention_series_trans(internal, anyelement, timestamptz, interval) IS
'Transition function of retention_series over timestamptz purchase times';

CREATE AGGREGATE retention_series(customer_id anyelement, ordered_at timestamptz, period interval) (
	SFUNC = clv_retention_series_trans,
	STYPE = internal,
	SSPACE = 65536,
	FINALFUNC = clv_retention_series_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_retention_combine,
	SERIALFUNC = clv_retention_serialize,
	DESERIALFUNC = clv_retention_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention_series(anyelement, timestamptz, interval) IS
'Every calendar period (1 day, 1 week, 1 month, 3 months, 1 year) from the first to the last with rows, from one scan: active, retained and new customers, retention rate and new share';

CREATE FUNCTION clv_cohort_retention_trans(internal, anyelement, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_cohort_retention_trans'
LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_cohort_retention_trans(internal, anyelement, timestamptz, interval) IS
'Transition function of cohort_retention over timestamptz purchase times';

CREATE AGGREGATE cohort_retention(customer_id anyelement, ordered_at timestamptz, period interval) (
	SFUNC = clv_cohort_retention_trans,
	STYPE = internal,
	SSPACE = 65536,
	FINALFUNC = clv_cohort_retention_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_retention_combine,
	SERIALFUNC = clv_retention_serialize,
	DESERIALFUNC = clv_retention_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE cohort_retention(anyelement, timestamptz, interval) IS
'The cohort matrix from one scan: for each cohort (period of the first purchase) and period number k up to the last period with rows, the cohort size, its active customers and their share';

CREATE FUNCTION clv_retention_rate_trans(internal, anyelement, timestamp, timestamp, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_retention_rate_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_retention_rate_trans(internal, anyelement, timestamp, timestamp, interval) IS
'Transition function of retention_rate over timestamp purchase times';

CREATE AGGREGATE retention_rate(customer_id anyelement, ordered_at timestamp, period_start timestamp, period interval) (
	SFUNC = clv_retention_rate_trans,
	STYPE = internal,
	SSPACE = 65536,
	FINALFUNC = clv_retention_rate_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_retention_combine,
	SERIALFUNC = clv_retention_serialize,
	DESERIALFUNC = clv_retention_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention_rate(anyelement, timestamp, timestamp, interval) IS
'Of the customers with a purchase in [period_start - period, period_start), the share that purchased again in [period_start, period_start + period); NULL when the previous period had no customers';

CREATE FUNCTION clv_new_customer_share_trans(internal, anyelement, timestamp, timestamp, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_new_customer_share_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_new_customer_share_trans(internal, anyelement, timestamp, timestamp, interval) IS
'Transition function of new_customer_share over timestamp purchase times';

CREATE AGGREGATE new_customer_share(customer_id anyelement, ordered_at timestamp, period_start timestamp, period interval) (
	SFUNC = clv_new_customer_share_trans,
	STYPE = internal,
	SSPACE = 65536,
	FINALFUNC = clv_new_customer_share_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_retention_combine,
	SERIALFUNC = clv_retention_serialize,
	DESERIALFUNC = clv_retention_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE new_customer_share(anyelement, timestamp, timestamp, interval) IS
'Of the customers with a purchase in [period_start, period_start + period), the share whose first purchase among the rows seen is inside it; NULL when nobody was active';

CREATE FUNCTION clv_retention_series_trans(internal, anyelement, timestamp, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_retention_series_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_retention_series_trans(internal, anyelement, timestamp, interval) IS
'Transition function of retention_series over timestamp purchase times';

CREATE AGGREGATE retention_series(customer_id anyelement, ordered_at timestamp, period interval) (
	SFUNC = clv_retention_series_trans,
	STYPE = internal,
	SSPACE = 65536,
	FINALFUNC = clv_retention_series_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_retention_combine,
	SERIALFUNC = clv_retention_serialize,
	DESERIALFUNC = clv_retention_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention_series(anyelement, timestamp, interval) IS
'Every calendar period (1 day, 1 week, 1 month, 3 months, 1 year) from the first to the last with rows, from one scan: active, retained and new customers, retention rate and new share';

CREATE FUNCTION clv_cohort_retention_trans(internal, anyelement, timestamp, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_cohort_retention_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_cohort_retention_trans(internal, anyelement, timestamp, interval) IS
'Transition function of cohort_retention over timestamp purchase times';

CREATE AGGREGATE cohort_retention(customer_id anyelement, ordered_at timestamp, period interval) (
	SFUNC = clv_cohort_retention_trans,
	STYPE = internal,
	SSPACE = 65536,
	FINALFUNC = clv_cohort_retention_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_retention_combine,
	SERIALFUNC = clv_retention_serialize,
	DESERIALFUNC = clv_retention_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE cohort_retention(anyelement, timestamp, interval) IS
'The cohort matrix from one scan: for each cohort (period of the first purchase) and period number k up to the last period with rows, the cohort size, its active customers and their share';

CREATE FUNCTION clv_retention_rate_trans(internal, anyelement, date, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_retention_rate_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_retention_rate_trans(internal, anyelement, date, date, interval) IS
'Transition function of retention_rate over date purchase times';

CREATE AGGREGATE retention_rate(customer_id anyelement, ordered_at date, period_start date, period interval) (
	SFUNC = clv_retention_rate_trans,
	STYPE = internal,
	SSPACE = 65536,
	FINALFUNC = clv_retention_rate_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_retention_combine,
	SERIALFUNC = clv_retention_serialize,
	DESERIALFUNC = clv_retention_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention_rate(anyelement, date, date, interval) IS
'Of the customers with a purchase in [period_start - period, period_start), the share that purchased again in [period_start, period_start + period); NULL when the previous period had no customers';

CREATE FUNCTION clv_new_customer_share_trans(internal, anyelement, date, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_new_customer_share_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_new_customer_share_trans(internal, anyelement, date, date, interval) IS
'Transition function of new_customer_share over date purchase times';

CREATE AGGREGATE new_customer_share(customer_id anyelement, ordered_at date, period_start date, period interval) (
	SFUNC = clv_new_customer_share_trans,
	STYPE = internal,
	SSPACE = 65536,
	FINALFUNC = clv_new_customer_share_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_retention_combine,
	SERIALFUNC = clv_retention_serialize,
	DESERIALFUNC = clv_retention_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE new_customer_share(anyelement, date, date, interval) IS
'Of the customers with a purchase in [period_start, period_start + period), the share whose first purchase among the rows seen is inside it; NULL when nobody was active';

CREATE FUNCTION clv_retention_series_trans(internal, anyelement, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_retention_series_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_retention_series_trans(internal, anyelement, date, interval) IS
'Transition function of retention_series over date purchase times';

CREATE AGGREGATE retention_series(customer_id anyelement, ordered_at date, period interval) (
	SFUNC = clv_retention_series_trans,
	STYPE = internal,
	SSPACE = 65536,
	FINALFUNC = clv_retention_series_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_retention_combine,
	SERIALFUNC = clv_retention_serialize,
	DESERIALFUNC = clv_retention_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention_series(anyelement, date, interval) IS
'Every calendar period (1 day, 1 week, 1 month, 3 months, 1 year) from the first to the last with rows, from one scan: active, retained and new customers, retention rate and new share';

CREATE FUNCTION clv_cohort_retention_trans(internal, anyelement, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_cohort_retention_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_cohort_retention_trans(internal, anyelement, date, interval) IS
'Transition function of cohort_retention over date purchase times';

CREATE AGGREGATE cohort_retention(customer_id anyelement, ordered_at date, period interval) (
	SFUNC = clv_cohort_retention_trans,
	STYPE = internal,
	SSPACE = 65536,
	FINALFUNC = clv_cohort_retention_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_retention_combine,
	SERIALFUNC = clv_retention_serialize,
	DESERIALFUNC = clv_retention_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE cohort_retention(anyelement, date, interval) IS
'The cohort matrix from one scan: for each cohort (period of the first purchase) and period number k up to the last period with rows, the cohort size, its active customers and their share';

/* ------------------------------------------------------------------------
 * 5. Sample data
 * src/sample.c; tests sql/sample.sql, test/pgtap/sample.sql
 * ------------------------------------------------------------------------
 */

/*
 * A simulated customer base.  IMMUTABLE: the rows depend only on the
 * arguments (times are whole-second offsets from start_at; no TimeZone,
 * no calendar arithmetic).
 */

CREATE FUNCTION clv_sample_orders_support(internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_sample_orders_support'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_sample_orders_support(internal) IS
'planner support for clv_sample_orders: row estimate from the number of customers';

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
'deterministic simulated orders of customers 1..customers: first purchase uniform in [start_at, end_at), repeat purchases from BG/NBD(r, alpha, a, b) with rates per unit, amounts from Gamma-Gamma(p, q, gamma) in cents; the defaults are the published CDNOW fits';
