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
 *   4. retention over raw orders        src/retention.c,    sql/retention.sql, test/pgtap/retention.sql,
 *      retention_rate,                  src/customerset.c,  test/cdnow/
 *      new_customer_share,              src/periods.c,
 *      retention_series, cohort_retention, src/activity.c
 *      clv_activity (two-step form)
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
 * src/history.c, src/amount.c; tests sql/history.sql, test/pgtap/history.sql
 * ------------------------------------------------------------------------
 */

/*
 * One purchase-history state (internal, kept whole per customer) serves
 * every aggregate of this section.  Each aggregate name has its own C
 * transition function, so that errors name the function called; the
 * overloads, one per purchase-time type (timestamptz, timestamp, date)
 * and, with an amount, per amount type (smallint, integer, bigint,
 * numeric, real, double precision), are created by the DO block below.
 * Support functions are IMMUTABLE: they measure exact elapsed time and do
 * no calendar arithmetic.
 */

CREATE TYPE clv_rfm AS (
	recency float8,
	frequency bigint,
	monetary numeric
);
COMMENT ON TYPE clv_rfm IS
'per-customer RFM inputs: recency (days from the last purchase to as_of), frequency (purchase occasions), monetary (total amount)';

CREATE TYPE clv_summary AS (
	x bigint,
	t_x float8,
	t float8,
	m numeric,
	orders bigint,
	unit interval
);
COMMENT ON TYPE clv_summary IS
'per-customer summary for the probabilistic models: x repeat purchases, t_x time of the last repeat, t age at as_of (both in unit), m mean repeat amount, orders rows counted, unit';

CREATE FUNCTION clv_history_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_history_combine'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_combine(internal, internal) IS
'combine function of the per-customer aggregates: merges two purchase-history states of one aggregate';

CREATE FUNCTION clv_history_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'clv_history_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_serialize(internal) IS
'serialize function of the per-customer aggregates';

CREATE FUNCTION clv_history_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_history_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_history_deserialize(bytea, internal) IS
'deserialize function of the per-customer aggregates; validates its input';

CREATE FUNCTION clv_avg_interpurchase_final(internal)
RETURNS interval
AS 'MODULE_PATHNAME', 'clv_avg_interpurchase_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_avg_interpurchase_final(internal) IS
'final function of avg_interpurchase';

CREATE FUNCTION clv_avg_interpurchase_days_final(internal)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_avg_interpurchase_days_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_avg_interpurchase_days_final(internal) IS
'final function of avg_interpurchase_days';

CREATE FUNCTION clv_rfm_final(internal)
RETURNS clv_rfm
AS 'MODULE_PATHNAME', 'clv_rfm_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_rfm_final(internal) IS
'final function of rfm';

CREATE FUNCTION clv_summary_final(internal)
RETURNS clv_summary
AS 'MODULE_PATHNAME', 'clv_summary_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_summary_final(internal) IS
'final function of clv_summary';

CREATE FUNCTION clv_formula_final(internal)
RETURNS numeric
AS 'MODULE_PATHNAME', 'clv_formula_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_formula_final(internal) IS
'final function of clv(ordered_at, amount, lifespan)';

/*
 * The overloads: for each purchase-time type t, avg_interpurchase(t) and
 * avg_interpurchase_days(t) with moving-frame support, and for each amount
 * type a, rfm(t, a, t), clv_summary(t, a, t), clv_summary(t, a, t,
 * interval) and clv(t, a, interval), each with its transition function.
 */
DO $overloads$
DECLARE
	t text;						-- purchase-time type
	a text;						-- amount type
	f record;					-- an aggregate with amounts
	name text;
	args text;
	support CONSTANT text :=
		'COMBINEFUNC = clv_history_combine,
	SERIALFUNC = clv_history_serialize,
	DESERIALFUNC = clv_history_deserialize,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE';
BEGIN
	FOREACH t IN ARRAY ARRAY['timestamptz', 'timestamp', 'date'] LOOP
		FOREACH name IN ARRAY ARRAY['avg_interpurchase', 'avg_interpurchase_days'] LOOP
			EXECUTE format($$
CREATE FUNCTION clv_%1$s_trans(internal, %2$s)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_%1$s_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE$$, name, t);
			EXECUTE format($$
COMMENT ON FUNCTION clv_%1$s_trans(internal, %2$s) IS
'transition function of %1$s: adds one purchase time to a purchase-history state'$$, name, t);
			EXECUTE format($$
CREATE FUNCTION clv_%1$s_inverse(internal, %2$s)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_%1$s_inverse'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE$$, name, t);
			EXECUTE format($$
COMMENT ON FUNCTION clv_%1$s_inverse(internal, %2$s) IS
'inverse transition function of %1$s: removes one purchase time leaving a moving frame'$$, name, t);
			EXECUTE format($$
CREATE AGGREGATE %1$s(ordered_at %2$s) (
	SFUNC = clv_%1$s_trans,
	STYPE = internal,
	SSPACE = 128,
	FINALFUNC = clv_%1$s_final,
	%3$s,
	MSFUNC = clv_%1$s_trans,
	MINVFUNC = clv_%1$s_inverse,
	MSTYPE = internal,
	MSSPACE = 128,
	MFINALFUNC = clv_%1$s_final,
	MFINALFUNC_MODIFY = READ_ONLY
)$$, name, t, support);
			EXECUTE format($$
COMMENT ON AGGREGATE %1$s(%2$s) IS
'mean time between consecutive purchase occasions, %3$s (NULL for fewer than two)'$$,
						   name, t, CASE name WHEN 'avg_interpurchase' THEN 'as interval' ELSE 'in days' END);
		END LOOP;

		FOREACH a IN ARRAY ARRAY['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision'] LOOP
			FOR f IN
				SELECT * FROM (VALUES
					('rfm', 'clv_rfm', 'ordered_at %1$s, amount %2$s, as_of %1$s',
					 'rfm',
					 'RFM inputs of one customer: recency in days to as_of, purchase occasions, total amount'),
					('clv_summary', 'clv_summary', 'ordered_at %1$s, amount %2$s, as_of %1$s',
					 'clv_summary',
					 'model summary (x, t_x, t, m, orders, unit) of one customer, times in days'),
					('clv_summary', 'clv_summary', 'ordered_at %1$s, amount %2$s, as_of %1$s, unit interval',
					 'clv_summary with a unit',
					 'model summary (x, t_x, t, m, orders, unit) of one customer, times in the given unit'),
					('clv', 'clv_formula', 'ordered_at %1$s, amount %2$s, lifespan interval',
					 'clv(ordered_at, amount, lifespan)',
					 'customer lifetime value by the formula: average purchase value x purchase frequency x lifespan')
				) v(aggregate, prefix, arguments, described, description)
			LOOP
				-- the argument types alone, for the signatures
				args := regexp_replace(format(f.arguments, t, a), '(ordered_at|amount|as_of|unit|lifespan) ', '', 'g');
				EXECUTE format($$
CREATE FUNCTION %1$s_trans(internal, %2$s)
RETURNS internal
AS 'MODULE_PATHNAME', '%1$s_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE$$, f.prefix, args);
				EXECUTE format($$
COMMENT ON FUNCTION %1$s_trans(internal, %2$s) IS
'transition function of %3$s: adds one order to a purchase-history state'$$, f.prefix, args, f.described);
				EXECUTE format($$
CREATE AGGREGATE %1$s(%2$s) (
	SFUNC = %3$s_trans,
	STYPE = internal,
	SSPACE = 256,
	FINALFUNC = %3$s_final,
	%4$s
)$$, f.aggregate, format(f.arguments, t, a), f.prefix, support);
				EXECUTE format($$
COMMENT ON AGGREGATE %1$s(%2$s) IS %3$L$$, f.aggregate, args, f.description);
			END LOOP;
		END LOOP;
	END LOOP;
END
$overloads$;

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
 * src/retention.c, src/customerset.c, src/periods.c (one scan),
 * src/activity.c (two steps); tests sql/retention.sql,
 * test/pgtap/retention.sql, test/cdnow/
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
'one period of a retention series: its first day, customers active, retained (active in this and the previous period), new (first purchase in it), retention_rate = retained / previous period''s customers, new_share = new_customers / customers';

CREATE TYPE clv_cohort AS (
	cohort_start date,
	k int,
	cohort_size bigint,
	active bigint,
	share float8
);
COMMENT ON TYPE clv_cohort IS
'one cell of a cohort matrix: the cohort (period of the customers'' first purchase), period number k from it, the cohort''s size, its customers active in period k and their share';

/*
 * The array results are members of the extension, so that postgres_fdw
 * ships the aggregates that return them.
 */
ALTER EXTENSION clv ADD TYPE clv_retention[];
ALTER EXTENSION clv ADD TYPE clv_cohort[];

/*
 * The family's wire-form types, each with text I/O (\x and the hexadecimal
 * digits of its binary form) and binary I/O, both validated on input:
 * clv_customer_set, the state of the date and timestamp forms of the
 * one-scan aggregates (a real type, so that a distributed engine can
 * compute it on each node and combine the pieces); clv_activity, one
 * customer's active periods; clv_retention_counts, the state of the
 * aggregates over clv_activity values.
 */
DO $$
DECLARE
	t record;
BEGIN
	FOR t IN
		SELECT * FROM (VALUES
			('clv_customer_set',
			 'state of the one-scan retention aggregates over dates and timestamps: customers with their flags or active calendar periods, and the aggregate''s configuration'),
			('clv_activity',
			 'the calendar periods (of one unit: day, ISO week, month, quarter or year) in which one customer was active'),
			('clv_retention_counts',
			 'state of the retention aggregates over clv_activity values: customers active, retained and new per calendar period, or cohort rows; combined by addition')
		) v(name, description)
	LOOP
		EXECUTE format($f$
			CREATE TYPE %1$s;
			CREATE FUNCTION %1$s_in(cstring)
			RETURNS %1$s
			AS 'MODULE_PATHNAME', %2$L
			LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
			COMMENT ON FUNCTION %1$s_in(cstring) IS %3$L;
			CREATE FUNCTION %1$s_out(%1$s)
			RETURNS cstring
			AS 'MODULE_PATHNAME', %4$L
			LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
			COMMENT ON FUNCTION %1$s_out(%1$s) IS %5$L;
			CREATE FUNCTION %1$s_recv(internal)
			RETURNS %1$s
			AS 'MODULE_PATHNAME', %6$L
			LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
			COMMENT ON FUNCTION %1$s_recv(internal) IS %7$L;
			CREATE FUNCTION %1$s_send(%1$s)
			RETURNS bytea
			AS 'MODULE_PATHNAME', %8$L
			LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
			COMMENT ON FUNCTION %1$s_send(%1$s) IS %9$L;
			CREATE TYPE %1$s (
				INPUT = %1$s_in,
				OUTPUT = %1$s_out,
				RECEIVE = %1$s_recv,
				SEND = %1$s_send,
				INTERNALLENGTH = VARIABLE,
				STORAGE = extended
			);
			COMMENT ON TYPE %1$s IS %10$L;
			ALTER EXTENSION clv ADD TYPE %1$s[]$f$,
			t.name,
			t.name || '_in', format('input function of %s: \x and hexadecimal digits, validated', t.name),
			t.name || '_out', format('output function of %s: \x and hexadecimal digits of its binary form', t.name),
			t.name || '_recv', format('binary input function of %s, validated', t.name),
			t.name || '_send', format('binary output function of %s', t.name),
			t.description);
	END LOOP;
END
$$;

/* support functions shared by every key and time type */

CREATE FUNCTION clv_customer_set_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_customer_set_combine'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_customer_set_combine(internal, internal) IS
'combine function of the one-scan retention aggregates over timestamptz: the union of two customer sets';

CREATE FUNCTION clv_customer_set_combine(clv_customer_set, clv_customer_set)
RETURNS clv_customer_set
AS 'MODULE_PATHNAME', 'clv_customer_set_combine'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_customer_set_combine(clv_customer_set, clv_customer_set) IS
'combine function of the one-scan retention aggregates over dates and timestamps: the union of two customer sets';

CREATE FUNCTION clv_customer_set_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'clv_customer_set_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_customer_set_serialize(internal) IS
'serialize function of the one-scan retention aggregates over timestamptz: the binary form of clv_customer_set';

CREATE FUNCTION clv_customer_set_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_customer_set_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_customer_set_deserialize(bytea, internal) IS
'deserialize function of the one-scan retention aggregates over timestamptz; validates its input';

DO $$
DECLARE
	stype text;
	finals text[][] := ARRAY[
		['clv_retention_rate_final', 'float8', 'retention_rate: the share of the customers of the previous period active again'],
		['clv_new_customer_share_final', 'float8', 'new_customer_share: the share of the customers of the period without an earlier row'],
		['clv_retention_series_final', 'clv_retention[]', 'retention_series: one clv_retention per calendar period'],
		['clv_cohort_retention_final', 'clv_cohort[]', 'cohort_retention: the cohort matrix']];
BEGIN
	FOREACH stype IN ARRAY ARRAY['internal', 'clv_customer_set'] LOOP
		FOR i IN 1 .. 4 LOOP
			EXECUTE format($f$
				CREATE FUNCTION %1$s(%2$s)
				RETURNS %3$s
				AS 'MODULE_PATHNAME', %1$L
				LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
				COMMENT ON FUNCTION %1$s(%2$s) IS %4$L$f$,
				finals[i][1], stype, finals[i][2], 'final function of ' || finals[i][3]);
		END LOOP;
	END LOOP;
END
$$;

/*
 * The one-scan aggregates: customer key integer, bigint, text or uuid x
 * purchase time timestamptz, timestamp or date.  The timestamptz forms
 * read the session TimeZone (calendar periods, calendar arithmetic): their
 * transition functions are STABLE, their state internal, and their own
 * pg_proc rows are marked STABLE below, so that postgres_fdw and Citus
 * compute them where the session is.  The date and timestamp forms are
 * IMMUTABLE with a clv_customer_set state.
 */
DO $$
DECLARE
	key text;
	t text;
	stype text;
	volatility text;
	serial text;
	agg record;
BEGIN
	FOREACH t IN ARRAY ARRAY['timestamptz', 'timestamp', 'date'] LOOP
		IF t = 'timestamptz' THEN
			stype := 'internal';
			volatility := 'STABLE';
			serial := E',\n\tSERIALFUNC = clv_customer_set_serialize,\n\tDESERIALFUNC = clv_customer_set_deserialize';
		ELSE
			stype := 'clv_customer_set';
			volatility := 'IMMUTABLE';
			serial := '';
		END IF;
		FOREACH key IN ARRAY ARRAY['integer', 'bigint', 'text', 'uuid'] LOOP
			FOR agg IN
				SELECT * FROM (VALUES
					('retention_rate', 'clv_retention_rate', ', period_start ' || t, ', ' || t,
					 'of the customers with a purchase in [period_start - period, period_start), the share that purchased again in [period_start, period_start + period); NULL when the previous period had no customers'),
					('new_customer_share', 'clv_new_customer_share', ', period_start ' || t, ', ' || t,
					 'of the customers with a purchase in [period_start, period_start + period), the share whose first purchase among the rows seen is inside it; NULL when nobody was active'),
					('retention_series', 'clv_retention_series', '', '',
					 'every calendar period (1 day, 1 week, 1 month, 3 months, 1 year) from the first to the last with rows, from one scan: active, retained and new customers, retention rate and new share'),
					('cohort_retention', 'clv_cohort_retention', '', '',
					 'the cohort matrix from one scan: for each cohort (period of the first purchase) and period number k up to the last period with rows, the cohort size, its active customers and their share')
				) v(name, support, start_arg, start_type, description)
			LOOP
				EXECUTE format($f$
					CREATE FUNCTION %1$s_trans(%2$s, %3$s, %4$s%5$s, interval)
					RETURNS %2$s
					AS 'MODULE_PATHNAME', %6$L
					LANGUAGE C %7$s CALLED ON NULL INPUT PARALLEL SAFE;
					COMMENT ON FUNCTION %1$s_trans(%2$s, %3$s, %4$s%5$s, interval) IS %8$L$f$,
					agg.support, stype, key, t, agg.start_type, agg.support || '_trans', volatility,
					format('transition function of %s over %s customer keys and %s purchase times',
						   agg.name, key, t));
				EXECUTE format($f$
					CREATE AGGREGATE %1$s(customer_id %2$s, ordered_at %3$s%4$s, period interval) (
						SFUNC = %5$s_trans,
						STYPE = %6$s,
						SSPACE = 65536,
						FINALFUNC = %5$s_final,
						FINALFUNC_MODIFY = READ_ONLY,
						COMBINEFUNC = clv_customer_set_combine%7$s,
						PARALLEL = SAFE
					);
					COMMENT ON AGGREGATE %1$s(%2$s, %3$s%8$s, interval) IS %9$L$f$,
					agg.name, key, t, agg.start_arg, agg.support, stype, serial, agg.start_type,
					agg.description);
			END LOOP;
		END LOOP;
	END LOOP;
END
$$;

-- PostgreSQL keeps no volatility for an aggregate; postgres_fdw reads the
-- aggregate's own pg_proc row before shipping it
UPDATE pg_catalog.pg_proc SET provolatile = 's'
WHERE prokind = 'a'
  AND proname IN ('retention_rate', 'new_customer_share', 'retention_series', 'cohort_retention')
  AND 'timestamptz'::regtype = ANY (proargtypes::regtype[])
  AND pronamespace = (SELECT n.oid FROM pg_namespace n WHERE n.nspname = current_schema());

/*
 * The two-step form: clv_activity per customer (GROUP BY customer, pushed
 * down whole on a distributed engine), then global aggregates over the
 * activity values whose state, clv_retention_counts, holds counts per
 * calendar period and combines by addition.  Dates and timestamps only
 * (timestamptz: pass clv_day(ordered_at, zone)).
 */

CREATE FUNCTION clv_activity_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_activity_combine'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_activity_combine(internal, internal) IS
'combine function of clv_activity: the union of two sets of active periods';

CREATE FUNCTION clv_activity_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'clv_activity_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_activity_serialize(internal) IS
'serialize function of clv_activity: the binary form of its value';

CREATE FUNCTION clv_activity_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'clv_activity_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_activity_deserialize(bytea, internal) IS
'deserialize function of clv_activity; validates its input';

CREATE FUNCTION clv_activity_final(internal)
RETURNS clv_activity
AS 'MODULE_PATHNAME', 'clv_activity_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_activity_final(internal) IS
'final function of clv_activity: the customer''s active periods';

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['timestamp', 'date'] LOOP
		EXECUTE format($f$
			CREATE FUNCTION clv_activity_trans(internal, %1$s, interval)
			RETURNS internal
			AS 'MODULE_PATHNAME', 'clv_activity_trans'
			LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
			COMMENT ON FUNCTION clv_activity_trans(internal, %1$s, interval) IS %2$L;
			CREATE AGGREGATE clv_activity(ordered_at %1$s, period interval) (
				SFUNC = clv_activity_trans,
				STYPE = internal,
				SSPACE = 64,
				FINALFUNC = clv_activity_final,
				FINALFUNC_MODIFY = READ_ONLY,
				COMBINEFUNC = clv_activity_combine,
				SERIALFUNC = clv_activity_serialize,
				DESERIALFUNC = clv_activity_deserialize,
				PARALLEL = SAFE
			);
			COMMENT ON AGGREGATE clv_activity(%1$s, interval) IS %3$L$f$,
			t, format('transition function of clv_activity over %s purchase times', t),
			'the calendar periods (''1 day'', ''1 week'', ''1 month'', ''3 months'', ''1 year'') in which the rows fall: one customer''s activity for the two-step retention aggregates');
	END LOOP;
END
$$;

CREATE FUNCTION clv_retention_counts_combine(clv_retention_counts, clv_retention_counts)
RETURNS clv_retention_counts
AS 'MODULE_PATHNAME', 'clv_retention_counts_combine'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_retention_counts_combine(clv_retention_counts, clv_retention_counts) IS
'combine function of the retention aggregates over clv_activity: adds two sets of counts';

DO $$
DECLARE
	agg record;
BEGIN
	FOR agg IN
		SELECT * FROM (VALUES
			('retention_rate', 'clv_activity_rate', 'float8', ', period_start date', ', date',
			 'retention_rate: of the customers active in the period before the one starting at period_start, the share active in it',
			 'of the customers active in the calendar period (of the activity''s unit) before the one starting at period_start, the share active in that one; NULL when the previous period had no customers'),
			('new_customer_share', 'clv_activity_share', 'float8', ', period_start date', ', date',
			 'new_customer_share: of the customers active in the period starting at period_start, the share first active in it',
			 'of the customers active in the calendar period starting at period_start, the share whose first active period it is; NULL when nobody was active'),
			('retention_series', 'clv_activity_series', 'clv_retention[]', '', '',
			 'retention_series: one clv_retention per calendar period',
			 'every calendar period from the first to the last with an active customer: active, retained and new customers, retention rate and new share, from per-customer clv_activity values'),
			('cohort_retention', 'clv_activity_cohort', 'clv_cohort[]', '', '',
			 'cohort_retention: the cohort matrix',
			 'the cohort matrix from per-customer clv_activity values: for each cohort and period number k up to the last period with an active customer, the cohort size, its active customers and their share')
		) v(name, support, result, start_arg, start_type, final_description, description)
	LOOP
		EXECUTE format($f$
			CREATE FUNCTION %1$s_trans(clv_retention_counts, clv_activity%2$s)
			RETURNS clv_retention_counts
			AS 'MODULE_PATHNAME', %3$L
			LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
			COMMENT ON FUNCTION %1$s_trans(clv_retention_counts, clv_activity%2$s) IS %4$L;
			CREATE FUNCTION %1$s_final(clv_retention_counts)
			RETURNS %5$s
			AS 'MODULE_PATHNAME', %6$L
			LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
			COMMENT ON FUNCTION %1$s_final(clv_retention_counts) IS %7$L;
			CREATE AGGREGATE %8$s(activity clv_activity%9$s) (
				SFUNC = %1$s_trans,
				STYPE = clv_retention_counts,
				SSPACE = 1024,
				FINALFUNC = %1$s_final,
				FINALFUNC_MODIFY = READ_ONLY,
				COMBINEFUNC = clv_retention_counts_combine,
				PARALLEL = SAFE
			);
			COMMENT ON AGGREGATE %8$s(clv_activity%2$s) IS %10$L$f$,
			agg.support, agg.start_type, agg.support || '_trans',
			format('transition function of %s over clv_activity values', agg.name),
			agg.result, agg.support || '_final', 'final function of ' || agg.final_description,
			agg.name, agg.start_arg, agg.description);
	END LOOP;
END
$$;

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
