/* clv--1.0--1.1.sql -- update the clv extension from 1.0 to 1.1 */

\echo Use "ALTER EXTENSION clv UPDATE TO '1.1'" to load this file. \quit

/*
 * Sections as in clv--1.1.sql.  What changes is listed in CHANGELOG.md.
 * Where an aggregate's state or argument types change it is dropped and
 * created again: views and materialized views that call it must be
 * dropped before the update and created again after it.
 */

/* ------------------------------------------------------------------------
 * 0. Calendar days
 * src/day.c
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
 * src/history.c, src/amount.c
 * ------------------------------------------------------------------------
 */

/*
 * The 1.0 aggregates took an anyelement amount and shared one transition
 * function: they and all their support functions go, and are created again
 * below exactly as clv--1.1.sql creates them.  The types stay.
 */
DO $drop$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['timestamptz', 'timestamp', 'date'] LOOP
		EXECUTE format($$
DROP AGGREGATE avg_interpurchase(%1$s), avg_interpurchase_days(%1$s),
	rfm(%1$s, anyelement, %1$s), clv_summary(%1$s, anyelement, %1$s),
	clv_summary(%1$s, anyelement, %1$s, interval), clv(%1$s, anyelement, interval)$$, t);
		EXECUTE format($$
DROP FUNCTION clv_history_trans(internal, %1$s),
	clv_history_trans(internal, %1$s, anyelement, %1$s),
	clv_history_trans(internal, %1$s, anyelement, %1$s, interval),
	clv_history_trans(internal, %1$s, anyelement, interval),
	clv_history_inverse(internal, %1$s)$$, t);
	END LOOP;
END
$drop$;
DROP FUNCTION clv_history_combine(internal, internal), clv_history_serialize(internal),
	clv_history_deserialize(bytea, internal), clv_avg_interpurchase_final(internal),
	clv_avg_interpurchase_days_final(internal), clv_rfm_final(internal),
	clv_summary_final(internal), clv_formula_final(internal);

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

COMMENT ON TYPE clv_rfm IS
'per-customer RFM inputs: recency (days from the last purchase to as_of), frequency (purchase occasions), monetary (total amount)';

COMMENT ON TYPE clv_summary IS
'per-customer summary for the probabilistic models: x repeat purchases, t_x time of the last repeat, t age at as_of (both in unit), m mean repeat amount, orders rows counted, unit';

CREATE TYPE clv_holdout_summary AS (
	x bigint,
	t_x float8,
	t float8,
	m numeric,
	orders bigint,
	unit interval,
	holdout_purchases bigint,
	holdout_duration float8,
	holdout_spend numeric
);
COMMENT ON TYPE clv_holdout_summary IS
'per-customer calibration and holdout: clv_summary''s x, t_x, t, m, orders, unit up to calibration_end, then holdout_purchases (purchase occasions in (calibration_end, holdout_end]), holdout_duration (in unit) and holdout_spend (their total amount)';

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

CREATE FUNCTION clv_holdout_final(internal)
RETURNS clv_holdout_summary
AS 'MODULE_PATHNAME', 'clv_holdout_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_holdout_final(internal) IS
'final function of clv_holdout';

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
 * interval), clv_holdout(t, a, t, t), clv_holdout(t, a, t, t, interval)
 * and clv(t, a, interval), each with its transition function; for
 * timestamptz and timestamp also rfm, clv_summary and clv_holdout with date
 * bounds, which raise an error with a hint (an implicit cast would silently
 * take the date's midnight and leave out that day's orders).
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
					('clv_holdout', 'clv_holdout', 'ordered_at %1$s, amount %2$s, calibration_end %1$s, holdout_end %1$s',
					 'clv_holdout',
					 'model summary of one customer up to calibration_end, then purchase occasions, duration and spend in (calibration_end, holdout_end], times in days (NULL without calibration orders)'),
					('clv_holdout', 'clv_holdout', 'ordered_at %1$s, amount %2$s, calibration_end %1$s, holdout_end %1$s, unit interval',
					 'clv_holdout with a unit',
					 'model summary of one customer up to calibration_end, then purchase occasions, duration and spend in (calibration_end, holdout_end], times in the given unit (NULL without calibration orders)'),
					('clv', 'clv_formula', 'ordered_at %1$s, amount %2$s, lifespan interval',
					 'clv(ordered_at, amount, lifespan)',
					 'customer lifetime value by the formula: average purchase value x purchase frequency x lifespan')
				) v(aggregate, prefix, arguments, described, description)
			LOOP
				-- the argument types alone, for the signatures
				args := regexp_replace(format(f.arguments, t, a), '(ordered_at|amount|as_of|calibration_end|holdout_end|unit|lifespan) ', '', 'g');
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

			-- timestamps with a date as_of: an error with a hint, never the
			-- silent midnight an implicit cast of the date would give
			CONTINUE WHEN t = 'date';
			FOR f IN
				SELECT * FROM (VALUES
					('rfm', 'clv_rfm', 'ordered_at %1$s, amount %2$s, as_of date', 'as_of'),
					('clv_summary', 'clv_summary', 'ordered_at %1$s, amount %2$s, as_of date', 'as_of'),
					('clv_summary', 'clv_summary', 'ordered_at %1$s, amount %2$s, as_of date, unit interval', 'as_of'),
					('clv_holdout', 'clv_holdout', 'ordered_at %1$s, amount %2$s, calibration_end date, holdout_end date',
					 'calibration_end and holdout_end'),
					('clv_holdout', 'clv_holdout', 'ordered_at %1$s, amount %2$s, calibration_end date, holdout_end date, unit interval',
					 'calibration_end and holdout_end')
				) v(aggregate, prefix, arguments, bounds)
			LOOP
				args := regexp_replace(format(f.arguments, t, a), '(ordered_at|amount|as_of|calibration_end|holdout_end|unit) ', '', 'g');
				EXECUTE format($$
CREATE FUNCTION %1$s_trans(internal, %2$s)
RETURNS internal
AS 'MODULE_PATHNAME', '%1$s_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE$$, f.prefix, args);
				EXECUTE format($$
COMMENT ON FUNCTION %1$s_trans(internal, %2$s) IS
'transition function of %3$s over %4$s with a date %5$s: raises an error with a hint'$$,
							   f.prefix, args, f.aggregate, t, f.bounds);
				EXECUTE format($$
CREATE AGGREGATE %1$s(%2$s) (
	SFUNC = %3$s_trans,
	STYPE = internal,
	SSPACE = 256,
	FINALFUNC = %3$s_final,
	%4$s
)$$, f.aggregate, format(f.arguments, t, a), f.prefix, support);
				EXECUTE format($$
COMMENT ON AGGREGATE %1$s(%2$s) IS %3$L$$, f.aggregate, args,
							   'rejects a date ' || f.bounds || ' with ' || t || ' purchase times (it would mean midnight): pass days, e.g. clv_day(ordered_at, zone), or a ' || t || ' ' || f.bounds);
			END LOOP;
		END LOOP;
	END LOOP;
END
$overloads$;

/* ------------------------------------------------------------------------
 * 2. Level 2: segmentation across customers
 * src/scoring.c
 * ------------------------------------------------------------------------
 */

COMMENT ON FUNCTION rfm_score("any", "any", "any", integer) IS
'window function: R, F and M scores (1..bins) of the row as three digits, ties-consistent over the complete rows of the partition; NULL when an input is NULL';
COMMENT ON FUNCTION rfm_score(clv_rfm, integer) IS
'window function: R, F and M scores (1..bins) of an rfm() value as three digits, ties-consistent over the complete rows of the partition; NULL when a field is NULL';
COMMENT ON FUNCTION value_tier("any", float8, float8) IS
'window function: Pareto tier high / medium / low of the value within the partition (values above it holding less than high_share / medium_share of the positive total); low for values <= 0, NULL for NULL';
COMMENT ON FUNCTION rfm_segment(text) IS
'named RFM segment (Champions, Loyal, At Risk, ...) of a three-digit 5-bin rfm_score, from its R and F digits';
COMMENT ON FUNCTION rfm_segment(integer, integer) IS
'named RFM segment (Champions, Loyal, At Risk, ...) of an R and an F score, each 1..5';

/* ------------------------------------------------------------------------
 * 3. Probabilistic models
 * src/stats.c, src/fit.c, src/predict.c
 * ------------------------------------------------------------------------
 */

/*
 * The model aggregates' state becomes clv_stats (a real type, kept
 * expanded) with a combine function and no serialize functions; each
 * aggregate gets its own support functions.  They are dropped with their
 * 1.0 support functions and created again.  The clv_stats type, its
 * stored values and its binary format are unchanged; it gains equality
 * and order.  The scoring functions keep their signatures (views that
 * call them stay) and get one C function per overload.
 */

DROP AGGREGATE clv_stats(bigint, float8, float8, float8, interval);
DROP AGGREGATE clv_stats(clv_summary);
DROP AGGREGATE clv_stats_merge(clv_stats);
DROP AGGREGATE bgnbd_fit(bigint, float8, float8, interval);
DROP AGGREGATE bgnbd_fit(clv_summary);
DROP AGGREGATE bgnbd_fit(clv_stats);
DROP AGGREGATE pareto_nbd_fit(bigint, float8, float8, interval);
DROP AGGREGATE pareto_nbd_fit(clv_summary);
DROP AGGREGATE pareto_nbd_fit(clv_stats);
DROP AGGREGATE gamma_gamma_fit(bigint, float8);
DROP AGGREGATE gamma_gamma_fit(clv_summary);
DROP AGGREGATE gamma_gamma_fit(clv_stats);
DROP FUNCTION clv_models_tx_trans(internal, bigint, float8, float8, interval);
DROP FUNCTION clv_models_spend_trans(internal, bigint, float8);
DROP FUNCTION clv_models_stats_trans(internal, bigint, float8, float8, float8, interval);
DROP FUNCTION clv_models_summary_tx_trans(internal, clv_summary);
DROP FUNCTION clv_models_summary_spend_trans(internal, clv_summary);
DROP FUNCTION clv_models_summary_stats_trans(internal, clv_summary);
DROP FUNCTION clv_models_merge_trans(internal, clv_stats);
DROP FUNCTION clv_models_combine(internal, internal);
DROP FUNCTION clv_models_serialize(internal);
DROP FUNCTION clv_models_deserialize(bytea, internal);
DROP FUNCTION clv_models_stats_final(internal);
DROP FUNCTION clv_models_bgnbd_final(internal);
DROP FUNCTION clv_models_pareto_nbd_final(internal);
DROP FUNCTION clv_models_gamma_gamma_final(internal);

COMMENT ON FUNCTION clv_stats_in(cstring) IS
'text input of clv_stats: a JSON object with the keys unit, tx and spend in any order, validated';
COMMENT ON FUNCTION clv_stats_out(clv_stats) IS
'text output of clv_stats (JSON)';
COMMENT ON FUNCTION clv_stats_recv(internal) IS
'binary input of clv_stats, validated';
COMMENT ON FUNCTION clv_stats_send(clv_stats) IS
'binary output of clv_stats';
COMMENT ON TYPE clv_stats IS
'sufficient statistic of the model fits: the time unit, distinct (x, t_x, t) rows and distinct (x, m) rows of repeat customers, each with a customer count';

/*
 * Every model composite ends with the fit quality: std_errors float8[] (in
 * the parameters' order), aic and bic.  ADD ATTRIBUTE keeps the models
 * stored in users' tables and views over them; values stored by 1.0 read
 * NULL there, and score as before.
 */
DO $$
DECLARE
	model text;
BEGIN
	FOREACH model IN ARRAY ARRAY['clv_bgnbd', 'clv_pareto_nbd', 'clv_gamma_gamma'] LOOP
		EXECUTE format('ALTER TYPE %I ADD ATTRIBUTE std_errors float8[], ADD ATTRIBUTE aic float8, ADD ATTRIBUTE bic float8',
					   model);
	END LOOP;
END
$$;
COMMENT ON TYPE clv_bgnbd IS
'a fitted BG/NBD model: r, alpha, a, b, log-likelihood, customers, iterations, converged, the time unit of the data, and the standard errors of r, alpha, a, b (NULL when the information matrix is not positive definite), AIC and BIC';
COMMENT ON TYPE clv_pareto_nbd IS
'a fitted Pareto/NBD model: r, alpha, s, beta, log-likelihood, customers, iterations, converged, the time unit of the data, and the standard errors of r, alpha, s, beta (NULL when the information matrix is not positive definite), AIC and BIC';
COMMENT ON TYPE clv_gamma_gamma IS
'a fitted Gamma-Gamma spend model: p, q, gamma, log-likelihood, repeat customers, iterations, converged, and the standard errors of p, q, gamma (NULL when the information matrix is not positive definite), AIC and BIC (n the repeat customers)';

CREATE TYPE clv_mbgnbd AS (
	r float8,
	alpha float8,
	a float8,
	b float8,
	ll float8,
	customers bigint,
	iterations int,
	converged boolean,
	unit interval,
	std_errors float8[],
	aic float8,
	bic float8
);
COMMENT ON TYPE clv_mbgnbd IS
'a fitted MBG/NBD model (modified BG/NBD: a customer may also drop out right after the first purchase): r, alpha, a, b, log-likelihood, customers, iterations, converged, the time unit of the data, the standard errors of r, alpha, a, b, AIC and BIC';

/* equality and order, so that DISTINCT, GROUP BY, UNION and indexes work */
DO $$
DECLARE
	op record;
BEGIN
	FOR op IN
		SELECT * FROM (VALUES
			('eq', '=', '=', '<>', 'eqsel', 'eqjoinsel', ', HASHES, MERGES',
			 'the same unit and the same rows with the same counts', 'equal: the same unit and the same rows with the same counts'),
			('ne', '<>', '<>', '=', 'neqsel', 'neqjoinsel', '', 'not equal', 'not equal'),
			('lt', '<', '>', '>=', 'scalarltsel', 'scalarltjoinsel', '', 'by unit, then rows', 'less than, by unit, then rows'),
			('le', '<=', '>=', '>', 'scalarlesel', 'scalarlejoinsel', '', 'by unit, then rows', 'less than or equal, by unit, then rows'),
			('gt', '>', '<', '<=', 'scalargtsel', 'scalargtjoinsel', '', 'by unit, then rows', 'greater than, by unit, then rows'),
			('ge', '>=', '<=', '<', 'scalargesel', 'scalargejoinsel', '', 'by unit, then rows', 'greater than or equal, by unit, then rows'))
			o(name, symbol, commutator, negator, restrict, joinsel, extra, function_note, operator_comment)
	LOOP
		EXECUTE format($f$
CREATE FUNCTION clv_stats_%1$s(clv_stats, clv_stats)
RETURNS boolean
AS 'MODULE_PATHNAME', 'clv_stats_%1$s'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_%1$s(clv_stats, clv_stats) IS
'implementation of %2$s for clv_stats: %8$s';

CREATE OPERATOR %2$s (
	LEFTARG = clv_stats,
	RIGHTARG = clv_stats,
	FUNCTION = clv_stats_%1$s,
	COMMUTATOR = %3$s,
	NEGATOR = %4$s,
	RESTRICT = %5$s,
	JOIN = %6$s%7$s
);
COMMENT ON OPERATOR %2$s (clv_stats, clv_stats) IS
'%9$s';
$f$, op.name, op.symbol, op.commutator, op.negator, op.restrict, op.joinsel, op.extra,
		   op.function_note, op.operator_comment);
	END LOOP;
END
$$;

CREATE FUNCTION clv_stats_cmp(clv_stats, clv_stats)
RETURNS integer
AS 'MODULE_PATHNAME', 'clv_stats_cmp'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_cmp(clv_stats, clv_stats) IS
'btree comparison of clv_stats values: -1, 0 or 1';

CREATE FUNCTION clv_stats_hash(clv_stats)
RETURNS integer
AS 'MODULE_PATHNAME', 'clv_stats_hash'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_hash(clv_stats) IS
'hash of a clv_stats value';

CREATE FUNCTION clv_stats_hash_extended(clv_stats, bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'clv_stats_hash_extended'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_hash_extended(clv_stats, bigint) IS
'64-bit hash of a clv_stats value with a seed';

CREATE OPERATOR CLASS clv_stats_ops
DEFAULT FOR TYPE clv_stats USING btree AS
	OPERATOR 1 <,
	OPERATOR 2 <=,
	OPERATOR 3 =,
	OPERATOR 4 >=,
	OPERATOR 5 >,
	FUNCTION 1 clv_stats_cmp(clv_stats, clv_stats);
COMMENT ON OPERATOR CLASS clv_stats_ops USING btree IS
'btree order of clv_stats: by unit, then rows';

CREATE OPERATOR CLASS clv_stats_ops
DEFAULT FOR TYPE clv_stats USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 clv_stats_hash(clv_stats),
	FUNCTION 2 clv_stats_hash_extended(clv_stats, bigint);
COMMENT ON OPERATOR CLASS clv_stats_ops USING hash IS
'hash equality of clv_stats';

/*
 * The aggregates.  Each has its own support functions, so that messages
 * name the aggregate called however it is called: a transition per input
 * form (plain columns, clv_summary, clv_stats, and clv_holdout_summary, whose
 * calibration part the clv_summary transition reads), and the transition
 * over clv_stats doubles as the combine function (both merge statistics).
 * No serialize functions: the state is a real type.
 */

CREATE FUNCTION clv_stats_trans(clv_stats, bigint, float8, float8, float8, interval)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_stats_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_trans(clv_stats, bigint, float8, float8, float8, interval) IS
'transition function of clv_stats over plain columns: adds a customer''s (x, t_x, t) and (x, m) rows';

CREATE FUNCTION clv_stats_trans(clv_stats, clv_summary)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_stats_summary_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_trans(clv_stats, clv_summary) IS
'transition function of clv_stats over clv_summary values: adds a customer''s (x, t_x, t) and (x, m) rows';

CREATE FUNCTION clv_stats_trans(clv_stats, clv_holdout_summary)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_stats_summary_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_trans(clv_stats, clv_holdout_summary) IS
'transition function of clv_stats over clv_holdout_summary values: adds a customer''s calibration (x, t_x, t) and (x, m) rows';

CREATE FUNCTION clv_stats_combine(clv_stats, clv_stats)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_stats_combine'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_combine(clv_stats, clv_stats) IS
'combine function of clv_stats: adds the counts of two partial statistics';

CREATE FUNCTION clv_stats_final(clv_stats)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_stats_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_final(clv_stats) IS
'final function of clv_stats: the statistic, rows sorted (NULL without rows)';

CREATE AGGREGATE clv_stats(x bigint, t_x float8, t float8, m float8, unit interval) (
	SFUNC = clv_stats_trans,
	STYPE = clv_stats,
	SSPACE = 16384,
	FINALFUNC = clv_stats_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_stats_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv_stats(bigint, float8, float8, float8, interval) IS
'the sufficient statistic of the model fits over per-customer x, t_x, t, m in unit';

CREATE AGGREGATE clv_stats(clv_summary) (
	SFUNC = clv_stats_trans,
	STYPE = clv_stats,
	SSPACE = 16384,
	FINALFUNC = clv_stats_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_stats_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv_stats(clv_summary) IS
'the sufficient statistic of the model fits over clv_summary values';

CREATE AGGREGATE clv_stats(clv_holdout_summary) (
	SFUNC = clv_stats_trans,
	STYPE = clv_stats,
	SSPACE = 16384,
	FINALFUNC = clv_stats_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_stats_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv_stats(clv_holdout_summary) IS
'the sufficient statistic of the model fits over the calibration part of clv_holdout_summary values';

CREATE FUNCTION clv_stats_merge_trans(clv_stats, clv_stats)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_stats_merge_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_merge_trans(clv_stats, clv_stats) IS
'transition and combine function of clv_stats_merge: adds the counts of a clv_stats value';

CREATE FUNCTION clv_stats_merge_final(clv_stats)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_stats_merge_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_merge_final(clv_stats) IS
'final function of clv_stats_merge: the merged statistic, rows sorted (NULL without rows)';

CREATE AGGREGATE clv_stats_merge(clv_stats) (
	SFUNC = clv_stats_merge_trans,
	STYPE = clv_stats,
	SSPACE = 16384,
	FINALFUNC = clv_stats_merge_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_stats_merge_trans,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv_stats_merge(clv_stats) IS
'merges clv_stats values of disjoint sets of customers';

/* the fits: bgnbd_fit, mbgnbd_fit, pareto_nbd_fit and gamma_gamma_fit */
DO $$
DECLARE
	model record;
	form int;
BEGIN
	FOR model IN
		SELECT * FROM (VALUES
			('bgnbd', 'BG/NBD', 'x bigint, t_x float8, t float8, unit interval',
			 'bigint, float8, float8, interval', 'clv_bgnbd', 'a customer''s (x, t_x, t) row',
			 'the maximum-likelihood BG/NBD model (NULL for fewer than two customers)',
			 'fits the BG/NBD model by maximum likelihood to per-customer x, t_x, t in unit',
			 'fits the BG/NBD model by maximum likelihood to clv_summary values',
			 'fits the BG/NBD model by maximum likelihood to merged clv_stats values'),
			('mbgnbd', 'MBG/NBD', 'x bigint, t_x float8, t float8, unit interval',
			 'bigint, float8, float8, interval', 'clv_mbgnbd', 'a customer''s (x, t_x, t) row',
			 'the maximum-likelihood MBG/NBD model with standard errors, AIC and BIC (NULL for fewer than two customers)',
			 'fits the MBG/NBD model by maximum likelihood to per-customer x, t_x, t in unit',
			 'fits the MBG/NBD model by maximum likelihood to clv_summary values',
			 'fits the MBG/NBD model by maximum likelihood to merged clv_stats values'),
			('pareto_nbd', 'Pareto/NBD', 'x bigint, t_x float8, t float8, unit interval',
			 'bigint, float8, float8, interval', 'clv_pareto_nbd', 'a customer''s (x, t_x, t) row',
			 'the maximum-likelihood Pareto/NBD model (NULL for fewer than two customers)',
			 'fits the Pareto/NBD model by maximum likelihood to per-customer x, t_x, t in unit',
			 'fits the Pareto/NBD model by maximum likelihood to clv_summary values',
			 'fits the Pareto/NBD model by maximum likelihood to merged clv_stats values'),
			('gamma_gamma', 'Gamma-Gamma', 'x bigint, m float8',
			 'bigint, float8', 'clv_gamma_gamma', 'a repeat customer''s (x, m) row',
			 'the maximum-likelihood Gamma-Gamma model (NULL for fewer than two repeat customers)',
			 'fits the Gamma-Gamma spend model to per-customer x, m (rows with x = 0 ignored)',
			 'fits the Gamma-Gamma spend model to clv_summary values (x = 0 ignored)',
			 'fits the Gamma-Gamma spend model to merged clv_stats values'))
			m(name, label, plain_args, plain_types, result, row_added, final_note,
			  plain_comment, summary_comment, stats_comment)
	LOOP
		EXECUTE format($f$
CREATE FUNCTION clv_%1$s_fit_trans(clv_stats, %3$s)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_%1$s_fit_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_%1$s_fit_trans(clv_stats, %3$s) IS
%7$L;

CREATE FUNCTION clv_%1$s_fit_trans(clv_stats, clv_summary)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_%1$s_fit_summary_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_%1$s_fit_trans(clv_stats, clv_summary) IS
%8$L;

CREATE FUNCTION clv_%1$s_fit_trans(clv_stats, clv_holdout_summary)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_%1$s_fit_summary_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_%1$s_fit_trans(clv_stats, clv_holdout_summary) IS
%9$L;

CREATE FUNCTION clv_%1$s_fit_trans(clv_stats, clv_stats)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_%1$s_fit_stats_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_%1$s_fit_trans(clv_stats, clv_stats) IS
'transition function of %1$s_fit over clv_stats values and its combine function: adds the counts of a statistic';

CREATE FUNCTION clv_%1$s_fit_final(clv_stats)
RETURNS %4$s
AS 'MODULE_PATHNAME', 'clv_%1$s_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_%1$s_fit_final(clv_stats) IS
'final function of %1$s_fit: %6$s';
$f$, model.name, model.label, model.plain_types, model.result, model.row_added,
		   model.final_note,
		   format('transition function of %s_fit over plain columns: adds %s', model.name, model.row_added),
		   format('transition function of %s_fit over clv_summary values: adds %s', model.name, model.row_added),
		   format('transition function of %s_fit over clv_holdout_summary values: adds %s of the calibration period', model.name, model.row_added));
		FOR form IN 1..4 LOOP
			EXECUTE format($f$
CREATE AGGREGATE %1$s_fit(%2$s) (
	SFUNC = clv_%1$s_fit_trans,
	STYPE = clv_stats,
	SSPACE = 16384,
	FINALFUNC = clv_%1$s_fit_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_%1$s_fit_trans,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE %1$s_fit(%2$s) IS
'%3$s';
$f$, model.name, (ARRAY[model.plain_args, 'clv_summary', 'clv_stats', 'clv_holdout_summary'])[form],
			   (ARRAY[model.plain_comment, model.summary_comment, model.stats_comment,
					  replace(model.summary_comment, 'clv_summary values', 'the calibration part of clv_holdout_summary values')])[form]);
		END LOOP;
	END LOOP;
END
$$;

/*
 * Scoring: one C function per overload.  Each purchase model has a form
 * over plain x, t_x, t (in the model's unit) and one over a clv_summary,
 * whose unit must be the model's; expected_purchases also has one over a
 * clv_holdout_summary, predicting over its holdout_duration, and with
 * purchase_probability one for a new customer (no history).  OR REPLACE:
 * the update from 1.0 runs this same block over the existing functions,
 * keeping views that call them.
 */
DO $$
DECLARE
	model record;
BEGIN
	FOR model IN
		SELECT * FROM (VALUES ('bgnbd', 'BG/NBD'), ('mbgnbd', 'MBG/NBD'), ('pareto_nbd', 'Pareto/NBD')) m(name, label)
	LOOP
		EXECUTE format($f$
CREATE OR REPLACE FUNCTION p_alive(model clv_%1$s, x bigint, t_x float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_p_alive_%1$s'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION p_alive(clv_%1$s, bigint, float8, float8) IS
'%2$s probability that a customer with x repeats, last at t_x, aged t (model unit) is still alive';

CREATE OR REPLACE FUNCTION p_alive(model clv_%1$s, summary clv_summary)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_p_alive_%1$s_summary'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION p_alive(clv_%1$s, clv_summary) IS
'%2$s probability that the customer of a summary (in the model''s unit) is still alive';

CREATE OR REPLACE FUNCTION expected_purchases(model clv_%1$s, horizon float8, x bigint, t_x float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_expected_purchases_%1$s'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(clv_%1$s, float8, bigint, float8, float8) IS
'%2$s expected purchases in the next horizon units given x, t_x, t (model unit)';

CREATE OR REPLACE FUNCTION expected_purchases(model clv_%1$s, horizon float8, summary clv_summary)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_expected_purchases_%1$s_summary'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(clv_%1$s, float8, clv_summary) IS
'%2$s expected purchases in the next horizon units given a summary in the model''s unit';

CREATE OR REPLACE FUNCTION expected_purchases(model clv_%1$s, holdout clv_holdout_summary)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_expected_purchases_%1$s_holdout'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(clv_%1$s, clv_holdout_summary) IS
'%2$s expected purchases over the holdout_duration of a clv_holdout_summary, given its calibration summary in the model''s unit';

CREATE OR REPLACE FUNCTION expected_purchases(model clv_%1$s, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_expected_purchases_%1$s_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(clv_%1$s, float8) IS
'%2$s expected purchases of a new customer in its first horizon units after the first purchase (model unit): E[X(horizon)]';

CREATE OR REPLACE FUNCTION purchase_probability(model clv_%1$s, n bigint, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_purchase_probability_%1$s_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION purchase_probability(clv_%1$s, bigint, float8) IS
'%2$s probability that a new customer makes exactly n purchases in its first horizon units after the first purchase (model unit; n at most 10000)';

CREATE OR REPLACE FUNCTION purchase_probability(model clv_%1$s, n bigint, horizon float8, x bigint, t_x float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_purchase_probability_%1$s'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION purchase_probability(clv_%1$s, bigint, float8, bigint, float8, float8) IS
'%2$s probability of exactly n purchases in the next horizon units given x, t_x, t (model unit; n at most 10000)';

CREATE OR REPLACE FUNCTION purchase_probability(model clv_%1$s, n bigint, horizon float8, summary clv_summary)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_purchase_probability_%1$s_summary'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION purchase_probability(clv_%1$s, bigint, float8, clv_summary) IS
'%2$s probability of exactly n purchases in the next horizon units given a summary in the model''s unit (n at most 10000)';

CREATE OR REPLACE FUNCTION clv(model clv_%1$s, spend clv_gamma_gamma, x bigint, t_x float8, t float8, m float8,
					months int DEFAULT 12, discount float8 DEFAULT 0.01)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_model_clv_%1$s'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv(clv_%1$s, clv_gamma_gamma, bigint, float8, float8, float8, int, float8) IS
'model-based CLV: %2$s purchases times Gamma-Gamma spend over the next months 30-day months, discounted monthly';

CREATE OR REPLACE FUNCTION clv(model clv_%1$s, spend clv_gamma_gamma, summary clv_summary,
					months int DEFAULT 12, discount float8 DEFAULT 0.01)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_model_clv_%1$s_summary'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv(clv_%1$s, clv_gamma_gamma, clv_summary, int, float8) IS
'model-based CLV of the customer of a summary: %2$s purchases times Gamma-Gamma spend, discounted monthly';
$f$, model.name, model.label);
	END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION expected_spend(model clv_gamma_gamma, x bigint, m float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_expected_spend'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_spend(clv_gamma_gamma, bigint, float8) IS
'Gamma-Gamma expected spend per purchase given x repeats of mean m; NULL when x > 0 and m <= 0';

CREATE OR REPLACE FUNCTION expected_spend(model clv_gamma_gamma, summary clv_summary)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_expected_spend_summary'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_spend(clv_gamma_gamma, clv_summary) IS
'Gamma-Gamma expected spend per purchase of the customer of a summary; NULL when x > 0 and m <= 0';

/*
 * Discrete-time models: BG/BB (Fader, Hardie and Shang 2010) for
 * transaction opportunities, and the shifted-beta-geometric model (Fader
 * and Hardie 2007) for contract churn.  src/discrete.c; tests
 * sql/models_discrete.sql.  The state of both fits is a float8[rows][k]
 * array of distinct rows with their customers (BG/BB (x, t_x, n,
 * customers), sBG (periods, churned 0/1, customers)): a real type with text
 * and binary forms and a combine function, so a distributed engine can
 * split the fits like the others.
 */

CREATE TYPE clv_bgbb AS (
	alpha float8,
	beta float8,
	gamma float8,
	delta float8,
	ll float8,
	customers bigint,
	iterations int,
	converged boolean,
	std_errors float8[],
	aic float8,
	bic float8
);
COMMENT ON TYPE clv_bgbb IS
'a fitted BG/BB model: alpha, beta (transaction probability), gamma, delta (dropout probability), log-likelihood, customers, iterations, converged, standard errors, AIC and BIC';

CREATE TYPE clv_bgbb_summary AS (
	x bigint,
	t_x bigint,
	n bigint
);
COMMENT ON TYPE clv_bgbb_summary IS
'a customer as bgbb_fit takes it: x transactions in the n opportunities after its first, the last at opportunity t_x (bgbb_summary makes it from orders)';

CREATE TYPE clv_sbg AS (
	alpha float8,
	beta float8,
	ll float8,
	customers bigint,
	iterations int,
	converged boolean,
	std_errors float8[],
	aic float8,
	bic float8
);
COMMENT ON TYPE clv_sbg IS
'a fitted shifted-beta-geometric churn model: alpha, beta (churn probability), log-likelihood, customers, iterations, converged, standard errors, AIC and BIC';

CREATE FUNCTION clv_bgbb_fit_trans(float8[], x bigint, t_x bigint, n bigint)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'clv_bgbb_fit_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_bgbb_fit_trans(float8[], bigint, bigint, bigint) IS
'transition function of bgbb_fit: adds a customer''s (x, t_x, n) row';

CREATE FUNCTION clv_bgbb_fit_trans(float8[], x bigint, t_x bigint, n bigint, weight bigint)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'clv_bgbb_fit_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_bgbb_fit_trans(float8[], bigint, bigint, bigint, bigint) IS
'transition function of bgbb_fit: adds weight customers with the (x, t_x, n) row';

CREATE FUNCTION clv_bgbb_fit_trans(float8[], clv_bgbb_summary)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'clv_bgbb_fit_summary_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_bgbb_fit_trans(float8[], clv_bgbb_summary) IS
'transition function of bgbb_fit over clv_bgbb_summary values: adds a customer''s (x, t_x, n) row';

CREATE FUNCTION clv_bgbb_fit_combine(float8[], float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'clv_bgbb_fit_combine'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_bgbb_fit_combine(float8[], float8[]) IS
'combine function of bgbb_fit: merges two partial states (float8[rows][4] of x, t_x, n, customers), checked';

CREATE FUNCTION clv_bgbb_fit_final(float8[])
RETURNS clv_bgbb
AS 'MODULE_PATHNAME', 'clv_bgbb_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_bgbb_fit_final(float8[]) IS
'final function of bgbb_fit: the maximum-likelihood BG/BB model (NULL for fewer than two customers)';

CREATE FUNCTION clv_sbg_fit_trans(float8[], periods bigint, churned boolean)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'clv_sbg_fit_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_sbg_fit_trans(float8[], bigint, boolean) IS
'transition function of sbg_fit: adds a customer''s (periods, churned) row';

CREATE FUNCTION clv_sbg_fit_trans(float8[], periods bigint, churned boolean, weight bigint)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'clv_sbg_fit_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_sbg_fit_trans(float8[], bigint, boolean, bigint) IS
'transition function of sbg_fit: adds weight customers with the (periods, churned) row';

CREATE FUNCTION clv_sbg_fit_combine(float8[], float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'clv_sbg_fit_combine'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_sbg_fit_combine(float8[], float8[]) IS
'combine function of sbg_fit: merges two partial states (float8[rows][3] of periods, churned, customers), checked';

CREATE FUNCTION clv_sbg_fit_final(float8[])
RETURNS clv_sbg
AS 'MODULE_PATHNAME', 'clv_sbg_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_sbg_fit_final(float8[]) IS
'final function of sbg_fit: the maximum-likelihood sBG model (NULL for fewer than two customers)';

DO $$
DECLARE
	fit record;
BEGIN
	FOR fit IN
		SELECT * FROM (VALUES
			('bgbb', 'x bigint, t_x bigint, n bigint', 'bigint, bigint, bigint',
			 'fits the BG/BB model by maximum likelihood to per-customer x, t_x, n (transactions after the first opportunity, opportunity of the last, opportunities)'),
			('bgbb', 'x bigint, t_x bigint, n bigint, weight bigint', 'bigint, bigint, bigint, bigint',
			 'fits the BG/BB model by maximum likelihood to (x, t_x, n) rows, each standing for weight identical customers'),
			('bgbb', 'clv_bgbb_summary', 'clv_bgbb_summary',
			 'fits the BG/BB model by maximum likelihood to clv_bgbb_summary values (bgbb_summary)'),
			('sbg', 'periods bigint, churned boolean', 'bigint, boolean',
			 'fits the shifted-beta-geometric model by maximum likelihood to per-customer periods observed and whether the customer churned at the end of them'),
			('sbg', 'periods bigint, churned boolean, weight bigint', 'bigint, boolean, bigint',
			 'fits the shifted-beta-geometric model by maximum likelihood to (periods, churned) rows, each standing for weight identical customers'))
			f(name, args, types, comment)
	LOOP
		EXECUTE format($f$
CREATE AGGREGATE %1$s_fit(%2$s) (
	SFUNC = clv_%1$s_fit_trans,
	STYPE = float8[],
	FINALFUNC = clv_%1$s_fit_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_%1$s_fit_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE %1$s_fit(%3$s) IS
%4$L;
$f$, fit.name, fit.args, fit.types, fit.comment);
	END LOOP;
END
$$;

CREATE FUNCTION sbg_fit_survivors(survivors bigint[])
RETURNS clv_sbg
AS 'MODULE_PATHNAME', 'clv_sbg_fit_survivors'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sbg_fit_survivors(bigint[]) IS
'fits the shifted-beta-geometric model to one cohort''s survivor counts at the ends of periods 0, 1, 2, ... (NULL for fewer than two customers)';

/* BG/BB scoring: a customer is (x, t_x, n) as bgbb_fit takes it */

CREATE FUNCTION p_alive(model clv_bgbb, x bigint, t_x bigint, n bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_p_alive_bgbb'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION p_alive(clv_bgbb, bigint, bigint, bigint) IS
'BG/BB probability that a customer with x transactions, the last at opportunity t_x, of n is alive at opportunity n + 1';

CREATE FUNCTION expected_purchases(model clv_bgbb, horizon bigint, x bigint, t_x bigint, n bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_expected_purchases_bgbb'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(clv_bgbb, bigint, bigint, bigint, bigint) IS
'BG/BB expected transactions in the next horizon opportunities given x, t_x, n';

CREATE FUNCTION expected_purchases(model clv_bgbb, horizon bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_expected_purchases_bgbb_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(clv_bgbb, bigint) IS
'BG/BB expected transactions of a new customer in its first horizon opportunities';

CREATE FUNCTION purchase_probability(model clv_bgbb, purchases bigint, horizon bigint, x bigint, t_x bigint, n bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_purchase_probability_bgbb'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION purchase_probability(clv_bgbb, bigint, bigint, bigint, bigint, bigint) IS
'BG/BB probability of exactly purchases transactions in the next horizon opportunities given x, t_x, n';

CREATE FUNCTION purchase_probability(model clv_bgbb, purchases bigint, horizon bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_purchase_probability_bgbb_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION purchase_probability(clv_bgbb, bigint, bigint) IS
'BG/BB probability that a new customer makes exactly purchases transactions in its first horizon opportunities';

/* sBG projections: periods count from the start of the contract */

CREATE FUNCTION churn_probability(model clv_sbg, period bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_churn_probability_sbg'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION churn_probability(clv_sbg, bigint) IS
'sBG share of a new cohort that churns at the end of period (>= 1)';

CREATE FUNCTION survival(model clv_sbg, period bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_survival_sbg'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION survival(clv_sbg, bigint) IS
'sBG share of a new cohort still active after period (>= 0) periods';

CREATE FUNCTION projected_retention(model clv_sbg, period bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_projected_retention_sbg'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION projected_retention(clv_sbg, bigint) IS
'sBG retention rate of period (>= 1): survival(period) / survival(period - 1)';

CREATE FUNCTION derl(model clv_sbg, periods bigint, discount float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv_derl_sbg'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION derl(clv_sbg, bigint, float8) IS
'sBG discounted expected residual lifetime of a customer active for periods (>= 1) periods, at discount per period: its expected future renewals, discounted (times the payment per period: its residual value)';

/*
 * The parameter table of a model.  One C function (src/parameters.c)
 * reads every model composite by its shape, so each model type needs only
 * its line here.
 */
DO $$
DECLARE
	model record;
BEGIN
	FOR model IN
		SELECT * FROM (VALUES ('clv_bgnbd', 'BG/NBD'), ('clv_mbgnbd', 'MBG/NBD'),
							  ('clv_pareto_nbd', 'Pareto/NBD'), ('clv_gamma_gamma', 'Gamma-Gamma'),
							  ('clv_bgbb', 'BG/BB'), ('clv_sbg', 'sBG')) m(type, label)
	LOOP
		EXECUTE format($f$
CREATE FUNCTION clv_parameters(model %1$s)
RETURNS TABLE (parameter text, estimate float8, std_error float8, lower_95 float8, upper_95 float8)
AS 'MODULE_PATHNAME', 'clv_parameters'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION clv_parameters(%1$s) IS
'the parameters of a %2$s model, one row each: estimate, standard error and 95%% Wald bounds (NULL without standard errors)';
$f$, model.type, model.label);
	END LOOP;
END
$$;

/* ------------------------------------------------------------------------
 * 4. Retention over raw orders
 * src/retention.c, src/customerset.c, src/periods.c (one scan),
 * src/activity.c (two steps); tests sql/retention.sql,
 * test/pgtap/retention.sql, test/cdnow/
 * ------------------------------------------------------------------------
 */

/*
 * 1.0's anyelement aggregates and their support functions go: each
 * aggregate is created again per customer key type.
 */
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['timestamptz', 'timestamp', 'date'] LOOP
		EXECUTE format($f$
			DROP AGGREGATE retention_rate(anyelement, %1$s, %1$s, interval);
			DROP AGGREGATE new_customer_share(anyelement, %1$s, %1$s, interval);
			DROP AGGREGATE retention_series(anyelement, %1$s, interval);
			DROP AGGREGATE cohort_retention(anyelement, %1$s, interval);
			DROP FUNCTION clv_retention_rate_trans(internal, anyelement, %1$s, %1$s, interval);
			DROP FUNCTION clv_new_customer_share_trans(internal, anyelement, %1$s, %1$s, interval);
			DROP FUNCTION clv_retention_series_trans(internal, anyelement, %1$s, interval);
			DROP FUNCTION clv_cohort_retention_trans(internal, anyelement, %1$s, interval)$f$, t);
	END LOOP;
END
$$;
DROP FUNCTION clv_retention_combine(internal, internal);
DROP FUNCTION clv_retention_serialize(internal);
DROP FUNCTION clv_retention_deserialize(bytea, internal);
DROP FUNCTION clv_retention_rate_final(internal);
DROP FUNCTION clv_new_customer_share_final(internal);
DROP FUNCTION clv_retention_series_final(internal);
DROP FUNCTION clv_cohort_retention_final(internal);

COMMENT ON TYPE clv_retention IS
'one period of a retention series: its first day, customers active, retained (active in this and the previous period), new (first purchase in it), retention_rate = retained / previous period''s customers, new_share = new_customers / customers';

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
 *
 * They are PARALLEL RESTRICTED, their support functions PARALLEL SAFE:
 * their state holds every customer seen, and rows reach parallel workers
 * in block order, not by customer, so partial aggregation would hold most
 * customers once in each process and again in the leader's combined state
 * (2.6-3.3 times the serial peak memory for no gain in speed).  A parallel
 * scan still feeds them; a distributed engine (Citus), whose shards hold
 * disjoint customers, still splits them through the combine function.
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
						PARALLEL = RESTRICTED
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

/*
 * The BG/BB summary of a customer's activity (src/activity.c): here rather
 * than with bgbb_fit in section 3 because it reads clv_activity.
 */
CREATE FUNCTION bgbb_summary(activity clv_activity, as_of date)
RETURNS clv_bgbb_summary
AS 'MODULE_PATHNAME', 'clv_activity_bgbb_summary'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bgbb_summary(clv_activity, date) IS
'the (x, t_x, n) of bgbb_fit from a customer''s clv_activity, one opportunity per period after its first up to the period containing as_of (NULL when the first period is after it)';

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
 * src/sample.c
 * ------------------------------------------------------------------------
 */

COMMENT ON FUNCTION clv_sample_orders_support(internal) IS
'planner support for clv_sample_orders: row estimate from the number of customers';
COMMENT ON FUNCTION clv_sample_orders(int, int, float8, float8, float8, float8, float8, float8, float8, interval, timestamptz, timestamptz) IS
'deterministic simulated orders of customers 1..customers: first purchase uniform in [start_at, end_at), repeat purchases from BG/NBD(r, alpha, a, b) with rates per unit, amounts from Gamma-Gamma(p, q, gamma) in cents; the defaults are the published CDNOW fits';

/* ------------------------------------------------------------------------
 * 6. Deployment: nightly materialized views for BI tools
 * PL/pgSQL over sections 0-4; tests sql/views.sql, test/pgtap/views.sql,
 * test/clients/ (pg_cron and the JDBC, ODBC, psycopg2, node-postgres drivers)
 * ------------------------------------------------------------------------
 */

/*
 * clv_create_views deploys one set of materialized views per prefix, in
 * dependency order:
 *   <prefix>model      one row: as_of, settings, fitted parameters, refresh time
 *   <prefix>customers  one row per customer, plain columns (reads the model)
 *   <prefix>segments   per RFM segment and per value tier (reads customers)
 *   <prefix>cohorts    cohort matrix in long format (reads the model's as_of)
 *   <prefix>periods    retention series per calendar period (likewise)
 *   <prefix>holdout    calibration against holdout purchases (likewise)
 * Each has a unique index, so clv_refresh_views can refresh it
 * CONCURRENTLY; clv_schedule_views hands that refresh to pg_cron.  The
 * functions run with the caller's rights (SECURITY INVOKER), pin
 * search_path and the date and interval styles (the DDL they write
 * qualifies every name and spells literals in ISO), and quote every
 * identifier and literal with format().  They do DDL: VOLATILE and
 * PARALLEL UNSAFE, the only functions of the extension that are not
 * PARALLEL SAFE.
 */

CREATE FUNCTION clv_views_relations(caller text, prefix text, schema name)
RETURNS TABLE (suffix text, relation text, relkind "char")
LANGUAGE plpgsql
STABLE
CALLED ON NULL INPUT
PARALLEL SAFE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF prefix IS NULL THEN
		RAISE EXCEPTION '% argument "prefix" must not be null', caller
			USING ERRCODE = '22004';
	END IF;
	IF schema IS NULL THEN
		RAISE EXCEPTION '% argument "schema" must not be null', caller
			USING ERRCODE = '22004',
			HINT = 'No schema is on the search_path: name one with schema => ''...''.';
	END IF;
	IF NOT EXISTS (SELECT FROM pg_namespace n WHERE n.nspname = schema) THEN
		RAISE EXCEPTION '% argument "schema": schema "%" does not exist', caller, schema
			USING ERRCODE = '3F000';
	END IF;
	IF octet_length(prefix) = 0 OR octet_length(prefix) + octet_length('customers') > 63 THEN
		RAISE EXCEPTION '% argument "prefix" must be 1 to 54 bytes long', caller
			USING ERRCODE = '22023',
			HINT = 'The views are named prefix || ''customers'' and so on, and PostgreSQL names have at most 63 bytes.';
	END IF;
	RETURN QUERY
	SELECT v.suffix, format('%I.%I', schema, prefix || v.suffix), c.relkind
	FROM unnest(ARRAY['model', 'customers', 'segments', 'cohorts', 'periods', 'holdout'])
		WITH ORDINALITY AS v(suffix, position)
	LEFT JOIN pg_namespace n ON n.nspname = schema
	LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = prefix || v.suffix
	ORDER BY v.position;
END
$$;
COMMENT ON FUNCTION clv_views_relations(text, text, name) IS
'the materialized views of a clv_create_views prefix in dependency order (model, customers, segments, cohorts, periods, holdout): quoted qualified name and relkind, NULL when absent';

CREATE FUNCTION clv_views_deployed(caller text, prefix text, schema name)
RETURNS text[]
LANGUAGE plpgsql
STABLE
CALLED ON NULL INPUT
PARALLEL SAFE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	rel record;
	rels text[] := '{}';
BEGIN
	FOR rel IN SELECT * FROM @extschema@.clv_views_relations(caller, prefix, schema) LOOP
		IF rel.relkind IS DISTINCT FROM 'm' THEN
			RAISE EXCEPTION '% found no materialized view %', caller, rel.relation
				USING ERRCODE = '42P01',
				HINT = format('Deploy the views with clv_create_views(..., prefix => %L) in schema %I.', prefix, schema);
		END IF;
		rels := rels || rel.relation;
	END LOOP;
	RETURN rels;
END
$$;
COMMENT ON FUNCTION clv_views_deployed(text, text, name) IS
'the materialized views of a clv_create_views prefix in dependency order; an error naming the caller when one is missing';

CREATE FUNCTION clv_views_column(caller text, source regclass, arg text, col name)
RETURNS regtype
LANGUAGE plpgsql
STABLE
CALLED ON NULL INPUT
PARALLEL SAFE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	typ oid;
BEGIN
	IF col IS NULL THEN
		RAISE EXCEPTION '% argument "%" must not be null', caller, arg
			USING ERRCODE = '22004';
	END IF;
	SELECT a.atttypid INTO typ
	FROM pg_attribute a
	WHERE a.attrelid = source AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
	IF NOT FOUND THEN
		RAISE EXCEPTION '% argument "%": column "%" does not exist in %', caller, arg, col, source
			USING ERRCODE = '42703';
	END IF;
	-- a domain counts as its base type
	WHILE (SELECT t.typtype FROM pg_type t WHERE t.oid = typ) = 'd' LOOP
		SELECT t.typbasetype INTO typ FROM pg_type t WHERE t.oid = typ;
	END LOOP;
	RETURN typ;
END
$$;
COMMENT ON FUNCTION clv_views_column(text, regclass, text, name) IS
'type of a column of the orders relation given to clv_create_views (a domain as its base type); an error naming the argument when it is missing';

CREATE FUNCTION clv_create_views(
	source regclass,
	customer name,
	ordered_at name,
	amount name,
	zone text DEFAULT 'UTC',
	unit interval DEFAULT '1 week',
	months int DEFAULT 12,
	discount float8 DEFAULT 0.01,
	prefix text DEFAULT 'clv_',
	period interval DEFAULT '1 month',
	holdout interval DEFAULT '26 weeks',
	as_of date DEFAULT NULL,
	schema name DEFAULT current_schema(),
	replace boolean DEFAULT false,
	dry_run boolean DEFAULT false)
RETURNS text
LANGUAGE plpgsql
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
SET DateStyle = 'ISO, YMD'
SET IntervalStyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
	fn constant text := 'clv_create_views';
	ext text;					-- the extension's schema, quoted
	src text;					-- the orders relation, qualified and quoted
	key_type text;				-- the column types, domains as their base types
	time_type text;
	amount_type text;
	k text;						-- the customer key of a row of o
	rk text;					-- the key as the retention aggregates take it
	d text;						-- the calendar day of a row of o
	a text;						-- the amount of a row of o
	u text;						-- the unit as a literal
	p text;						-- the calendar period as a literal
	day_expr text;				-- as_of as an expression evaluated at each refresh
	orders_where text;			-- the rows every view reads
	scan text;					-- the scan of the cohorts and periods views, after their aggregate
	rel record;
	names jsonb := '{}';		-- suffix -> qualified name
	body text;
	key_cols text;
	what text;
	cols text[];
	ddl text[] := '{}';
	drops text[] := '{}';
	stmt text;
BEGIN
	-- arguments
	IF source IS NULL THEN
		RAISE EXCEPTION '% argument "source" must not be null', fn USING ERRCODE = '22004';
	END IF;
	IF zone IS NULL OR unit IS NULL OR months IS NULL OR discount IS NULL OR period IS NULL
		OR holdout IS NULL OR replace IS NULL OR dry_run IS NULL THEN
		RAISE EXCEPTION '% arguments zone, unit, months, discount, period, holdout, replace and dry_run must not be null', fn
			USING ERRCODE = '22004',
			HINT = 'Only as_of may be NULL: it means the day of each refresh in the time zone.';
	END IF;
	PERFORM now() AT TIME ZONE zone;	-- 22023 for a zone PostgreSQL does not know
	IF unit <= interval '0' OR extract(month FROM unit) <> 0 OR extract(year FROM unit) <> 0 THEN
		RAISE EXCEPTION '% argument "unit" must be a positive interval of fixed length', fn
			USING ERRCODE = '22023', HINT = 'Use ''1 day'' or ''1 week'', not a month or year.';
	END IF;
	IF months < 0 OR discount < 0 OR discount = 'NaN' OR discount = 'Infinity' THEN
		RAISE EXCEPTION '% arguments "months" and "discount" must be finite and >= 0', fn
			USING ERRCODE = '22023';
	END IF;
	IF period::text NOT IN ('1 day', '7 days', '1 mon', '3 mons', '1 year') THEN
		RAISE EXCEPTION '% argument "period" must be a calendar period', fn
			USING ERRCODE = '22023',
			HINT = 'Use ''1 day'', ''1 week'', ''1 month'', ''3 months'' or ''1 year''.';
	END IF;
	IF holdout <= interval '0' THEN
		RAISE EXCEPTION '% argument "holdout" must be a positive interval', fn
			USING ERRCODE = '22023', HINT = 'For example ''26 weeks'' or ''6 months''.';
	END IF;

	SELECT format('%I', n.nspname) INTO ext
	FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'clv';
	SELECT format('%I.%I', n.nspname, c.relname) INTO src
	FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE c.oid = source;

	-- the columns, by the types the aggregates take
	key_type := @extschema@.clv_views_column(fn, source, 'customer', customer)::text;
	time_type := @extschema@.clv_views_column(fn, source, 'ordered_at', ordered_at)::text;
	amount_type := @extschema@.clv_views_column(fn, source, 'amount', amount)::text;
	k := format('o.%I', customer);
	a := format('o.%I', amount);
	rk := CASE
		WHEN key_type IN ('integer', 'bigint', 'text', 'uuid') THEN k
		WHEN key_type = 'smallint' THEN k || '::integer'
		WHEN key_type IN ('character varying', 'character') THEN k || '::text'
	END;
	IF rk IS NULL THEN
		RAISE EXCEPTION '% argument "customer": column "%" is of type %, not integer, bigint, text or uuid', fn, customer, key_type
			USING ERRCODE = '42804',
			HINT = 'Give a view over the orders that casts the key, e.g. SELECT key::text AS customer_id, ...';
	END IF;
	d := CASE time_type
		WHEN 'timestamp with time zone' THEN format('%s.clv_day(o.%I, %L)', ext, ordered_at, zone)
		WHEN 'timestamp without time zone' THEN format('o.%I::date', ordered_at)
		WHEN 'date' THEN format('o.%I', ordered_at)
	END;
	IF d IS NULL THEN
		RAISE EXCEPTION '% argument "ordered_at": column "%" is of type %, not timestamptz, timestamp or date', fn, ordered_at, time_type
			USING ERRCODE = '42804';
	END IF;
	IF amount_type NOT IN ('smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision') THEN
		RAISE EXCEPTION '% argument "amount": column "%" is of type %, not a numeric type', fn, amount, amount_type
			USING ERRCODE = '42804';
	END IF;
	u := format('%L::interval', unit);
	p := format('%L::interval', period);
	day_expr := CASE WHEN as_of IS NULL THEN format('%s.clv_day(now(), %L)', ext, zone)
				ELSE format('%L::date', as_of) END;
	orders_where := format('%s IS NOT NULL AND %s IS NOT NULL', k, a);

	-- the names, and what is there already
	FOR rel IN SELECT * FROM @extschema@.clv_views_relations(fn, prefix, schema) LOOP
		names := names || jsonb_build_object(rel.suffix, rel.relation);
		IF rel.relkind IS NULL OR dry_run THEN
			CONTINUE;
		ELSIF NOT replace THEN
			RAISE EXCEPTION '% cannot create %: the relation already exists', fn, rel.relation
				USING ERRCODE = '42P07',
				HINT = 'Pass replace => true to replace the materialized views of this prefix, or choose another prefix.';
		ELSIF rel.relkind <> 'm' THEN
			RAISE EXCEPTION '% cannot replace %: it is not a materialized view', fn, rel.relation
				USING ERRCODE = '42809',
				HINT = 'replace => true drops only materialized views: choose another prefix.';
		END IF;
	END LOOP;
	IF replace THEN
		FOR rel IN SELECT * FROM @extschema@.clv_views_relations(fn, prefix, schema) LOOP
			drops := format('DROP MATERIALIZED VIEW IF EXISTS %s', rel.relation) || drops;
		END LOOP;
		ddl := drops;
	END IF;

	-- the one scan of the orders up to the model's as_of that the cohorts
	-- and periods views unnest: what follows their retention aggregate
	scan := format(E' AS cells\n\tFROM %s o CROSS JOIN %s m\n'
				   '\tWHERE %s AND %s <= m.as_of\n\tGROUP BY m.as_of) q,\n\tunnest(q.cells)',
				   src, names->>'model', orders_where, d);

	-- the views, in dependency order
	FOR rel IN SELECT * FROM @extschema@.clv_views_relations(fn, prefix, schema) LOOP
		CASE rel.suffix
		WHEN 'model' THEN
			body := format($q$
WITH params AS (
	SELECT day AS as_of, (day - %8$s)::date AS calibration_end
	FROM (SELECT %7$s AS day) today),
summary AS (
	SELECT %1$s.clv_summary(%3$s, %4$s, p.as_of, %5$s) AS s
	FROM %2$s o CROSS JOIN params p
	WHERE %6$s AND %3$s <= p.as_of
	GROUP BY %9$s),
fit AS (
	SELECT count(*) AS customers,
		count(*) FILTER (WHERE (s).x > 0) AS repeat_customers,
		%1$s.bgnbd_fit(s) AS bg,
		%1$s.gamma_gamma_fit(s) FILTER (WHERE (s).x = 0 OR (s).m > 0) AS gg
	FROM summary)
SELECT p.as_of, p.calibration_end,
	%10$L::text AS zone, %11$L::text AS unit,
	extract(epoch FROM %5$s)::float8 / 86400 AS unit_days,
	%12$s::integer AS horizon_months,
	%12$s * 30 * 86400 / extract(epoch FROM %5$s)::float8 AS horizon,
	%13$L::float8 AS discount, %14$L::text AS period,
	f.customers, f.repeat_customers,
	(f.bg).r AS bgnbd_r, (f.bg).alpha AS bgnbd_alpha, (f.bg).a AS bgnbd_a, (f.bg).b AS bgnbd_b,
	(f.bg).ll AS bgnbd_ll, (f.bg).iterations AS bgnbd_iterations, (f.bg).converged AS bgnbd_converged,
	(f.bg).std_errors[1] AS bgnbd_r_se, (f.bg).std_errors[2] AS bgnbd_alpha_se,
	(f.bg).std_errors[3] AS bgnbd_a_se, (f.bg).std_errors[4] AS bgnbd_b_se,
	(f.bg).aic AS bgnbd_aic, (f.bg).bic AS bgnbd_bic,
	(f.gg).p AS gamma_gamma_p, (f.gg).q AS gamma_gamma_q, (f.gg).gamma AS gamma_gamma_gamma,
	(f.gg).ll AS gamma_gamma_ll, (f.gg).customers AS gamma_gamma_customers,
	(f.gg).iterations AS gamma_gamma_iterations, (f.gg).converged AS gamma_gamma_converged,
	(f.gg).std_errors[1] AS gamma_gamma_p_se, (f.gg).std_errors[2] AS gamma_gamma_q_se,
	(f.gg).std_errors[3] AS gamma_gamma_gamma_se,
	(f.gg).aic AS gamma_gamma_aic, (f.gg).bic AS gamma_gamma_bic,
	now() AS refreshed_at
FROM params p CROSS JOIN fit f$q$,
				ext, src, d, a, u, orders_where, day_expr, format('%L::interval', holdout), k,
				zone, unit, months, discount, period);
			key_cols := 'as_of';
			what := 'the as_of day, settings and fitted BG/NBD and Gamma-Gamma models (with standard errors, AIC and BIC) behind the other views';
			cols := ARRAY[
				'as_of', 'the last day of orders the views count (inclusive)',
				'calibration_end', 'last day of the calibration period of the holdout view',
				'zone', 'time zone of the calendar days of timestamptz orders',
				'unit', 'time unit of the model quantities x, t_x, t and horizon',
				'unit_days', 'the unit in days',
				'horizon_months', 'months (of 30 days) of expected_purchases, expected_spend and clv',
				'horizon', 'the horizon in units',
				'discount', 'monthly discount rate of clv',
				'period', 'calendar period of the cohorts and periods views',
				'customers', 'customers with an order up to as_of',
				'repeat_customers', 'customers with more than one purchase day',
				'bgnbd_r', 'BG/NBD r', 'bgnbd_alpha', 'BG/NBD alpha', 'bgnbd_a', 'BG/NBD a',
				'bgnbd_b', 'BG/NBD b', 'bgnbd_ll', 'BG/NBD log-likelihood',
				'bgnbd_iterations', 'BG/NBD fit iterations', 'bgnbd_converged', 'whether the BG/NBD fit converged',
				'bgnbd_r_se', 'standard error of BG/NBD r (NULL when the fit has none)',
				'bgnbd_alpha_se', 'standard error of BG/NBD alpha', 'bgnbd_a_se', 'standard error of BG/NBD a',
				'bgnbd_b_se', 'standard error of BG/NBD b',
				'bgnbd_aic', 'BG/NBD AIC', 'bgnbd_bic', 'BG/NBD BIC (n the customers)',
				'gamma_gamma_p', 'Gamma-Gamma p', 'gamma_gamma_q', 'Gamma-Gamma q',
				'gamma_gamma_gamma', 'Gamma-Gamma gamma', 'gamma_gamma_ll', 'Gamma-Gamma log-likelihood',
				'gamma_gamma_customers', 'repeat customers in the Gamma-Gamma fit',
				'gamma_gamma_iterations', 'Gamma-Gamma fit iterations',
				'gamma_gamma_converged', 'whether the Gamma-Gamma fit converged',
				'gamma_gamma_p_se', 'standard error of Gamma-Gamma p (NULL when the fit has none)',
				'gamma_gamma_q_se', 'standard error of Gamma-Gamma q',
				'gamma_gamma_gamma_se', 'standard error of Gamma-Gamma gamma',
				'gamma_gamma_aic', 'Gamma-Gamma AIC', 'gamma_gamma_bic', 'Gamma-Gamma BIC (n the repeat customers)',
				'refreshed_at', 'start of the transaction of the last refresh'];
		WHEN 'customers' THEN
			body := format($q$
WITH model AS (
	SELECT m.as_of, m.horizon,
		CASE WHEN m.bgnbd_r IS NOT NULL THEN
			ROW(m.bgnbd_r, m.bgnbd_alpha, m.bgnbd_a, m.bgnbd_b, m.bgnbd_ll, m.customers,
				m.bgnbd_iterations, m.bgnbd_converged, %5$s,
				CASE WHEN m.bgnbd_r_se IS NOT NULL THEN
					ARRAY[m.bgnbd_r_se, m.bgnbd_alpha_se, m.bgnbd_a_se, m.bgnbd_b_se] END,
				m.bgnbd_aic, m.bgnbd_bic)::%1$s.clv_bgnbd END AS bg,
		CASE WHEN m.gamma_gamma_p IS NOT NULL THEN
			ROW(m.gamma_gamma_p, m.gamma_gamma_q, m.gamma_gamma_gamma, m.gamma_gamma_ll,
				m.gamma_gamma_customers, m.gamma_gamma_iterations, m.gamma_gamma_converged,
				CASE WHEN m.gamma_gamma_p_se IS NOT NULL THEN
					ARRAY[m.gamma_gamma_p_se, m.gamma_gamma_q_se, m.gamma_gamma_gamma_se] END,
				m.gamma_gamma_aic, m.gamma_gamma_bic)::%1$s.clv_gamma_gamma END AS gg
	FROM %7$s m),
history AS (
	SELECT %8$s AS customer_id, min(%3$s) AS first_order_day, max(%3$s) AS last_order_day,
		%1$s.rfm(%3$s, %4$s, m.as_of) AS r,
		%1$s.clv_summary(%3$s, %4$s, m.as_of, %5$s) AS s,
		%1$s.avg_interpurchase_days(%3$s) AS gap
	FROM %2$s o CROSS JOIN model m
	WHERE %6$s AND %3$s <= m.as_of
	GROUP BY %8$s),
scored AS (
	SELECT h.*, %1$s.rfm_score(h.r) OVER () AS score,
		%1$s.value_tier((h.r).monetary) OVER () AS tier
	FROM history h)
SELECT c.customer_id, c.first_order_day, c.last_order_day,
	(c.s).orders AS orders, (c.r).monetary AS revenue,
	round((c.r).monetary / (c.s).orders, 2) AS average_order_value,
	c.gap AS avg_interpurchase_days,
	(c.r).recency::integer AS recency_days, (c.r).frequency AS frequency, (c.r).monetary AS monetary,
	substr(c.score, 1, 1)::integer AS r_score, substr(c.score, 2, 1)::integer AS f_score,
	substr(c.score, 3, 1)::integer AS m_score, c.score AS rfm_score,
	%1$s.rfm_segment(c.score) AS segment, c.tier AS value_tier,
	(c.r).monetary <= 0 AS unprofitable,
	(c.s).x AS x, (c.s).t_x AS t_x, (c.s).t AS t,
	(c.s).x > 0 AS repeat_customer,
	%1$s.p_alive(m.bg, c.s) AS p_alive,
	%1$s.expected_purchases(m.bg, m.horizon, c.s) AS expected_purchases,
	%1$s.expected_purchases(m.bg, m.horizon, c.s) * %1$s.expected_spend(m.gg, c.s) AS expected_spend,
	%1$s.clv(m.bg, m.gg, c.s, %9$s, %10$L::float8) AS clv
FROM scored c CROSS JOIN model m$q$,
				ext, src, d, a, u, orders_where, names->>'model', k, months, discount);
			key_cols := 'customer_id';
			what := 'one row per customer: history, RFM scores and segment, value tier, BG/NBD P(alive), expected purchases and spend, CLV';
			cols := ARRAY[
				'customer_id', 'the customer key of the orders',
				'first_order_day', 'day of the first order', 'last_order_day', 'day of the last order up to as_of',
				'orders', 'orders (rows) up to as_of', 'revenue', 'sum of the amounts up to as_of',
				'average_order_value', 'revenue / orders, rounded to 2 decimals',
				'avg_interpurchase_days', 'mean days between purchase days; NULL for one purchase day',
				'recency_days', 'days from the last purchase day to as_of',
				'frequency', 'purchase days (RFM frequency)', 'monetary', 'revenue (RFM monetary)',
				'r_score', 'RFM recency score 1..5', 'f_score', 'RFM frequency score 1..5',
				'm_score', 'RFM monetary score 1..5', 'rfm_score', 'the three scores as text',
				'segment', 'named RFM segment', 'value_tier', 'Pareto tier of revenue: high, medium or low',
				'unprofitable', 'revenue <= 0 (refunds at least the purchases)',
				'x', 'BG/NBD input: repeat purchase days', 't_x', 'BG/NBD input: first to last purchase day, in units',
				't', 'BG/NBD input: first purchase day to as_of, in units',
				'repeat_customer', 'more than one purchase day (x > 0); when false p_alive is 1 by the BG/NBD definition, not by evidence',
				'p_alive', 'BG/NBD probability that the customer is still active; exactly 1 for every one-time buyer (repeat_customer false) by the model''s definition',
				'expected_purchases', 'BG/NBD expected purchase days over the horizon of the model view',
				'expected_spend', 'expected_purchases times the Gamma-Gamma expected spend per purchase',
				'clv', 'BG/NBD and Gamma-Gamma value over horizon_months, discounted monthly'];
		WHEN 'segments' THEN
			body := format($q$
SELECT g.dimension, g.name, g.customers,
	g.customers::float8 / sum(g.customers) OVER w AS customer_share,
	g.repeat_customers, g.revenue,
	(g.revenue / nullif(sum(g.revenue) OVER w, 0))::float8 AS revenue_share,
	g.total_clv, g.mean_clv, g.mean_p_alive, g.mean_p_alive_repeat
FROM (
	SELECT CASE WHEN grouping(c.segment) = 0 THEN 'segment' ELSE 'value_tier' END AS dimension,
		coalesce(c.segment, c.value_tier) AS name,
		count(*) AS customers,
		count(*) FILTER (WHERE c.repeat_customer) AS repeat_customers,
		sum(c.revenue) AS revenue,
		sum(c.clv) AS total_clv, avg(c.clv) AS mean_clv,
		avg(c.p_alive) AS mean_p_alive,
		avg(c.p_alive) FILTER (WHERE c.repeat_customer) AS mean_p_alive_repeat
	FROM %1$s c
	GROUP BY GROUPING SETS ((c.segment), (c.value_tier))) g
WINDOW w AS (PARTITION BY g.dimension)$q$,
				names->>'customers');
			key_cols := 'dimension, name';
			what := 'customers, revenue, CLV and P(alive) per RFM segment and per value tier';
			cols := ARRAY[
				'dimension', 'segment (RFM segment) or value_tier',
				'name', 'the segment or tier',
				'customers', 'customers in it', 'customer_share', 'its share of all customers',
				'repeat_customers', 'of them, customers with more than one purchase day',
				'revenue', 'their revenue', 'revenue_share', 'its share of the total revenue',
				'total_clv', 'sum of their clv', 'mean_clv', 'mean of their clv',
				'mean_p_alive', 'mean BG/NBD P(alive), one-time buyers counting 1 by the model''s definition',
				'mean_p_alive_repeat', 'mean BG/NBD P(alive) of the repeat customers only'];
		WHEN 'cohorts' THEN
			body := format($q$
SELECT c.cohort_start, c.k AS period_number,
	(c.cohort_start + c.k * %1$s)::date AS period_start,
	c.cohort_size AS customers, c.active, c.share AS retention,
	(c.cohort_start + (c.k + 1) * %1$s)::date <= q.as_of + 1 AS complete
%2$s c$q$,
				p, format(E'FROM (\n\tSELECT m.as_of, %s.cohort_retention(%s, %s, %s)', ext, rk, d, p) || scan);
			key_cols := 'cohort_start, period_number';
			what := 'cohort retention in long format: one row per cohort (period of the first purchase) and period number';
			cols := ARRAY[
				'cohort_start', 'first day of the period of the cohort''s first purchases',
				'period_number', 'periods since the cohort''s period (0 = the cohort''s own)',
				'period_start', 'first day of that period',
				'customers', 'customers in the cohort', 'active', 'of them, customers with an order in that period',
				'retention', 'active / customers',
				'complete', 'the period ended by as_of (false for the current, partial period)'];
		WHEN 'periods' THEN
			body := format($q$
SELECT s.period_start, s.customers AS active_customers, s.new_customers,
	s.customers - s.new_customers AS returning_customers,
	s.retained AS retained_customers, s.retention_rate, s.new_share AS new_customer_share,
	(s.period_start + %1$s)::date <= q.as_of + 1 AS complete
%2$s s$q$,
				p, format(E'FROM (\n\tSELECT m.as_of, %s.retention_series(%s, %s, %s)', ext, rk, d, p) || scan);
			key_cols := 'period_start';
			what := 'per calendar period: active, new, returning and retained customers, retention rate and new-customer share';
			cols := ARRAY[
				'period_start', 'first day of the calendar period',
				'active_customers', 'customers with an order in the period',
				'new_customers', 'of them, customers whose first order is in the period',
				'returning_customers', 'active customers who are not new',
				'retained_customers', 'active customers also active in the previous period',
				'retention_rate', 'retained customers / active customers of the previous period',
				'new_customer_share', 'new customers / active customers',
				'complete', 'the period ended by as_of (false for the current, partial period)'];
		WHEN 'holdout' THEN
			body := format($q$
WITH m AS (
	SELECT as_of, calibration_end FROM %7$s),
calibration AS (
	SELECT h FROM (
		SELECT %1$s.clv_holdout(%3$s, %4$s, m.calibration_end, m.as_of, %5$s) AS h
		FROM %2$s o CROSS JOIN m
		WHERE %6$s AND %3$s <= m.as_of
		GROUP BY %8$s) per_customer
	WHERE (h).x IS NOT NULL),
fit AS (
	SELECT %1$s.bgnbd_fit(h) AS bg FROM calibration)
SELECT (c.h).x AS calibration_repeats, count(*) AS customers,
	avg((c.h).holdout_purchases)::float8 AS actual_purchases,
	avg(%1$s.expected_purchases(f.bg, c.h)) AS predicted_purchases
FROM calibration c CROSS JOIN fit f
GROUP BY (c.h).x$q$,
				ext, src, d, a, u, orders_where, names->>'model', k);
			key_cols := 'calibration_repeats';
			what := 'calibration against holdout: BG/NBD fitted up to calibration_end of the model view, mean predicted against actual purchase days in the holdout period up to as_of, by repeat purchase days in the calibration period';
			cols := ARRAY[
				'calibration_repeats', 'repeat purchase days up to calibration_end (x of the calibration period)',
				'customers', 'customers with that many, whose first order is up to calibration_end',
				'actual_purchases', 'their mean purchase days after calibration_end up to as_of',
				'predicted_purchases', 'their mean BG/NBD expected purchases in the same days, fitted on the calibration period'];
		END CASE;

		ddl := ddl || format('CREATE MATERIALIZED VIEW %s AS%s', rel.relation, body);
		ddl := ddl || format('CREATE UNIQUE INDEX ON %s (%s)', rel.relation, key_cols);
		ddl := ddl || format('COMMENT ON MATERIALIZED VIEW %s IS %L', rel.relation,
							 format('clv_create_views(%s, %I, %I, %I): %s', src, customer, ordered_at, amount, what));
		FOR i IN 1 .. array_length(cols, 1) BY 2 LOOP
			ddl := ddl || format('COMMENT ON COLUMN %s.%I IS %L', rel.relation, cols[i], cols[i + 1]);
		END LOOP;
	END LOOP;

	IF NOT dry_run THEN
		FOREACH stmt IN ARRAY ddl LOOP
			EXECUTE stmt;
		END LOOP;
	END IF;
	RETURN array_to_string(ddl, E';\n') || E';\n';
END
$$;
COMMENT ON FUNCTION clv_create_views(regclass, name, name, name, text, interval, int, float8, text, interval, interval, date, name, boolean, boolean) IS
'creates the materialized views <prefix>model, customers, segments, cohorts, periods and holdout over an orders table or view, each with the unique index REFRESH CONCURRENTLY needs; returns the DDL, which dry_run only returns';

CREATE FUNCTION clv_refresh_views(prefix text DEFAULT 'clv_', schema name DEFAULT current_schema())
RETURNS void
LANGUAGE plpgsql
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	fn constant text := 'clv_refresh_views';
	rels text[];
	r text;
BEGIN
	rels := @extschema@.clv_views_deployed(fn, prefix, schema);
	FOREACH r IN ARRAY rels LOOP
		EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY %s', r);
	END LOOP;
END
$$;
COMMENT ON FUNCTION clv_refresh_views(text, name) IS
'refreshes the materialized views of a clv_create_views prefix CONCURRENTLY (readers keep reading) in dependency order, in one transaction';

CREATE FUNCTION clv_schedule_views(prefix text, schedule text, schema name DEFAULT current_schema())
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	fn constant text := 'clv_schedule_views';
	cron text;
	cron_db text := current_setting('cron.database_name', true);
	job text;
	command text;
	jobid bigint;
BEGIN
	IF schedule IS NULL THEN
		RAISE EXCEPTION '% argument "schedule" must not be null', fn
			USING ERRCODE = '22004', HINT = 'A cron schedule, e.g. ''30 3 * * *'' for 03:30 every night.';
	END IF;
	PERFORM @extschema@.clv_views_deployed(fn, prefix, schema);
	job := format('clv refresh %s.%s', schema, prefix);
	SELECT format('SELECT %I.clv_refresh_views(%L, %L)', n.nspname, prefix, schema) INTO command
	FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'clv';
	-- the schema of pg_cron's functions (cron), not the extension's own
	SELECT format('%I', n.nspname) INTO cron
	FROM pg_extension e
	JOIN pg_depend d ON d.refobjid = e.oid AND d.refclassid = 'pg_extension'::regclass
		AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
	JOIN pg_proc p ON p.oid = d.objid AND p.proname = 'schedule'
	JOIN pg_namespace n ON n.oid = p.pronamespace
	WHERE e.extname = 'pg_cron'
	LIMIT 1;
	IF cron IS NULL AND cron_db IS NOT NULL AND cron_db <> current_database() THEN
		RAISE EXCEPTION '% needs the extension pg_cron in this database', fn
			USING ERRCODE = '55000',
			HINT = format('pg_cron runs in database %s (cron.database_name). There, run: SELECT cron.schedule_in_database(%L, %L, %L, %L);',
						  cron_db, job, schedule, command, current_database());
	ELSIF cron IS NULL THEN
		RAISE EXCEPTION '% needs the extension pg_cron in this database', fn
			USING ERRCODE = '55000',
			HINT = format('Install pg_cron (Debian: postgresql-15-cron), set shared_preload_libraries = ''pg_cron'' and cron.database_name = %L, restart, CREATE EXTENSION pg_cron; or let another scheduler run: %s;',
						  current_database(), command);
	END IF;
	EXECUTE format('SELECT %s.schedule($1, $2, $3)', cron) INTO jobid USING job, schedule, command;
	RETURN jobid;
END
$$;
COMMENT ON FUNCTION clv_schedule_views(text, text, name) IS
'registers clv_refresh_views of a clv_create_views prefix with pg_cron under the job name ''clv refresh <schema>.<prefix>'' (scheduling again replaces the schedule); returns the job id';
