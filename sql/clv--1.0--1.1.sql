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
 * interval) and clv(t, a, interval), each with its transition function;
 * for timestamptz and timestamp also rfm and clv_summary with a date as_of,
 * which raise an error with a hint (an implicit cast would silently take
 * the date's midnight and leave out that day's orders).
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

			-- timestamps with a date as_of: an error with a hint, never the
			-- silent midnight an implicit cast of the date would give
			CONTINUE WHEN t = 'date';
			FOR f IN
				SELECT * FROM (VALUES
					('rfm', 'clv_rfm', 'ordered_at %1$s, amount %2$s, as_of date'),
					('clv_summary', 'clv_summary', 'ordered_at %1$s, amount %2$s, as_of date'),
					('clv_summary', 'clv_summary', 'ordered_at %1$s, amount %2$s, as_of date, unit interval')
				) v(aggregate, prefix, arguments)
			LOOP
				args := regexp_replace(format(f.arguments, t, a), '(ordered_at|amount|as_of|unit) ', '', 'g');
				EXECUTE format($$
CREATE FUNCTION %1$s_trans(internal, %2$s)
RETURNS internal
AS 'MODULE_PATHNAME', '%1$s_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE$$, f.prefix, args);
				EXECUTE format($$
COMMENT ON FUNCTION %1$s_trans(internal, %2$s) IS
'transition function of %3$s over %4$s with a date as_of: raises an error with a hint'$$,
							   f.prefix, args, f.aggregate, t);
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
							   'rejects a date as_of with ' || t || ' purchase times (it would mean midnight): pass days, e.g. clv_day(ordered_at, zone), or a ' || t || ' as_of');
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
 * src/models.c
 * ------------------------------------------------------------------------
 */


/* ------------------------------------------------------------------------
 * 4. Retention over raw orders
 * src/retention.c
 * ------------------------------------------------------------------------
 */


/* ------------------------------------------------------------------------
 * 5. Sample data
 * src/sample.c
 * ------------------------------------------------------------------------
 */

COMMENT ON FUNCTION clv_sample_orders_support(internal) IS
'planner support for clv_sample_orders: row estimate from the number of customers';
COMMENT ON FUNCTION clv_sample_orders(int, int, float8, float8, float8, float8, float8, float8, float8, interval, timestamptz, timestamptz) IS
'deterministic simulated orders of customers 1..customers: first purchase uniform in [start_at, end_at), repeat purchases from BG/NBD(r, alpha, a, b) with rates per unit, amounts from Gamma-Gamma(p, q, gamma) in cents; the defaults are the published CDNOW fits';
