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
 * src/history.c
 * ------------------------------------------------------------------------
 */


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
