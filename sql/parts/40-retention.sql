/*
 * Retention: aggregates over raw orders, any GROUP BY (src/retention.c).
 * One state serves the family: a hash set of customers (any key type with a
 * default hash opclass) with the bits or active calendar periods each
 * function needs.  Transition functions taking timestamptz are STABLE
 * (calendar arithmetic in the session TimeZone); the others IMMUTABLE.
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
