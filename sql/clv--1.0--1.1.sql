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

CREATE FUNCTION clv_day(ordered_at timestamptz, zone text)
RETURNS date
AS 'MODULE_PATHNAME', 'clv_day'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_day(timestamptz, text) IS
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
COMMENT ON TYPE clv_bgnbd IS
'a fitted BG/NBD model: r, alpha, a, b, log-likelihood, customers, iterations, converged, and the time unit of the data';
COMMENT ON TYPE clv_pareto_nbd IS
'a fitted Pareto/NBD model: r, alpha, s, beta, log-likelihood, customers, iterations, converged, and the time unit of the data';
COMMENT ON TYPE clv_gamma_gamma IS
'a fitted Gamma-Gamma spend model: p, q, gamma, log-likelihood, repeat customers, iterations, converged';

/* equality and order, so that DISTINCT, GROUP BY, UNION and indexes work */

CREATE FUNCTION clv_stats_eq(clv_stats, clv_stats)
RETURNS boolean
AS 'MODULE_PATHNAME', 'clv_stats_eq'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_eq(clv_stats, clv_stats) IS
'implementation of = for clv_stats: the same unit and the same rows with the same counts';

CREATE FUNCTION clv_stats_ne(clv_stats, clv_stats)
RETURNS boolean
AS 'MODULE_PATHNAME', 'clv_stats_ne'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_ne(clv_stats, clv_stats) IS
'implementation of <> for clv_stats';

CREATE FUNCTION clv_stats_lt(clv_stats, clv_stats)
RETURNS boolean
AS 'MODULE_PATHNAME', 'clv_stats_lt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_lt(clv_stats, clv_stats) IS
'implementation of < for clv_stats (by unit, then rows)';

CREATE FUNCTION clv_stats_le(clv_stats, clv_stats)
RETURNS boolean
AS 'MODULE_PATHNAME', 'clv_stats_le'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_le(clv_stats, clv_stats) IS
'implementation of <= for clv_stats (by unit, then rows)';

CREATE FUNCTION clv_stats_gt(clv_stats, clv_stats)
RETURNS boolean
AS 'MODULE_PATHNAME', 'clv_stats_gt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_gt(clv_stats, clv_stats) IS
'implementation of > for clv_stats (by unit, then rows)';

CREATE FUNCTION clv_stats_ge(clv_stats, clv_stats)
RETURNS boolean
AS 'MODULE_PATHNAME', 'clv_stats_ge'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_stats_ge(clv_stats, clv_stats) IS
'implementation of >= for clv_stats (by unit, then rows)';

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

CREATE OPERATOR = (
	LEFTARG = clv_stats,
	RIGHTARG = clv_stats,
	FUNCTION = clv_stats_eq,
	COMMUTATOR = =,
	NEGATOR = <>,
	RESTRICT = eqsel,
	JOIN = eqjoinsel,
	HASHES,
	MERGES
);
COMMENT ON OPERATOR = (clv_stats, clv_stats) IS
'equal: the same unit and the same rows with the same counts';

CREATE OPERATOR <> (
	LEFTARG = clv_stats,
	RIGHTARG = clv_stats,
	FUNCTION = clv_stats_ne,
	COMMUTATOR = <>,
	NEGATOR = =,
	RESTRICT = neqsel,
	JOIN = neqjoinsel
);
COMMENT ON OPERATOR <> (clv_stats, clv_stats) IS
'not equal';

CREATE OPERATOR < (
	LEFTARG = clv_stats,
	RIGHTARG = clv_stats,
	FUNCTION = clv_stats_lt,
	COMMUTATOR = >,
	NEGATOR = >=,
	RESTRICT = scalarltsel,
	JOIN = scalarltjoinsel
);
COMMENT ON OPERATOR < (clv_stats, clv_stats) IS
'less than, by unit, then rows';

CREATE OPERATOR <= (
	LEFTARG = clv_stats,
	RIGHTARG = clv_stats,
	FUNCTION = clv_stats_le,
	COMMUTATOR = >=,
	NEGATOR = >,
	RESTRICT = scalarlesel,
	JOIN = scalarlejoinsel
);
COMMENT ON OPERATOR <= (clv_stats, clv_stats) IS
'less than or equal, by unit, then rows';

CREATE OPERATOR > (
	LEFTARG = clv_stats,
	RIGHTARG = clv_stats,
	FUNCTION = clv_stats_gt,
	COMMUTATOR = <,
	NEGATOR = <=,
	RESTRICT = scalargtsel,
	JOIN = scalargtjoinsel
);
COMMENT ON OPERATOR > (clv_stats, clv_stats) IS
'greater than, by unit, then rows';

CREATE OPERATOR >= (
	LEFTARG = clv_stats,
	RIGHTARG = clv_stats,
	FUNCTION = clv_stats_ge,
	COMMUTATOR = <=,
	NEGATOR = <,
	RESTRICT = scalargesel,
	JOIN = scalargejoinsel
);
COMMENT ON OPERATOR >= (clv_stats, clv_stats) IS
'greater than or equal, by unit, then rows';

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
 * form (plain columns, clv_summary, clv_stats), and the transition over
 * clv_stats doubles as the combine function (both merge statistics).  No
 * serialize functions: the state is a real type.
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

/* the fits: bgnbd_fit and pareto_nbd_fit, then gamma_gamma_fit */
DO $$
DECLARE
	model record;
BEGIN
	FOR model IN
		SELECT * FROM (VALUES ('bgnbd', 'BG/NBD'), ('pareto_nbd', 'Pareto/NBD')) m(name, label)
	LOOP
		EXECUTE format($f$
CREATE FUNCTION clv_%1$s_fit_trans(clv_stats, bigint, float8, float8, interval)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_%1$s_fit_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_%1$s_fit_trans(clv_stats, bigint, float8, float8, interval) IS
'transition function of %1$s_fit over plain columns: adds a customer''s (x, t_x, t) row';

CREATE FUNCTION clv_%1$s_fit_trans(clv_stats, clv_summary)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_%1$s_fit_summary_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_%1$s_fit_trans(clv_stats, clv_summary) IS
'transition function of %1$s_fit over clv_summary values: adds a customer''s (x, t_x, t) row';

CREATE FUNCTION clv_%1$s_fit_trans(clv_stats, clv_stats)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_%1$s_fit_stats_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_%1$s_fit_trans(clv_stats, clv_stats) IS
'transition function of %1$s_fit over clv_stats values and its combine function: adds the counts of a statistic';

CREATE FUNCTION clv_%1$s_fit_final(clv_stats)
RETURNS clv_%1$s
AS 'MODULE_PATHNAME', 'clv_%1$s_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_%1$s_fit_final(clv_stats) IS
'final function of %1$s_fit: the maximum-likelihood %2$s model (NULL for fewer than two customers)';

CREATE AGGREGATE %1$s_fit(x bigint, t_x float8, t float8, unit interval) (
	SFUNC = clv_%1$s_fit_trans,
	STYPE = clv_stats,
	SSPACE = 16384,
	FINALFUNC = clv_%1$s_fit_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_%1$s_fit_trans,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE %1$s_fit(bigint, float8, float8, interval) IS
'fits the %2$s model by maximum likelihood to per-customer x, t_x, t in unit';

CREATE AGGREGATE %1$s_fit(clv_summary) (
	SFUNC = clv_%1$s_fit_trans,
	STYPE = clv_stats,
	SSPACE = 16384,
	FINALFUNC = clv_%1$s_fit_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_%1$s_fit_trans,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE %1$s_fit(clv_summary) IS
'fits the %2$s model by maximum likelihood to clv_summary values';

CREATE AGGREGATE %1$s_fit(clv_stats) (
	SFUNC = clv_%1$s_fit_trans,
	STYPE = clv_stats,
	SSPACE = 16384,
	FINALFUNC = clv_%1$s_fit_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_%1$s_fit_trans,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE %1$s_fit(clv_stats) IS
'fits the %2$s model by maximum likelihood to merged clv_stats values';
$f$, model.name, model.label);
	END LOOP;
END
$$;

CREATE FUNCTION clv_gamma_gamma_fit_trans(clv_stats, bigint, float8)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_gamma_gamma_fit_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_gamma_gamma_fit_trans(clv_stats, bigint, float8) IS
'transition function of gamma_gamma_fit over plain columns: adds a repeat customer''s (x, m) row';

CREATE FUNCTION clv_gamma_gamma_fit_trans(clv_stats, clv_summary)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_gamma_gamma_fit_summary_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_gamma_gamma_fit_trans(clv_stats, clv_summary) IS
'transition function of gamma_gamma_fit over clv_summary values: adds a repeat customer''s (x, m) row';

CREATE FUNCTION clv_gamma_gamma_fit_trans(clv_stats, clv_stats)
RETURNS clv_stats
AS 'MODULE_PATHNAME', 'clv_gamma_gamma_fit_stats_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION clv_gamma_gamma_fit_trans(clv_stats, clv_stats) IS
'transition function of gamma_gamma_fit over clv_stats values and its combine function: adds the counts of a statistic';

CREATE FUNCTION clv_gamma_gamma_fit_final(clv_stats)
RETURNS clv_gamma_gamma
AS 'MODULE_PATHNAME', 'clv_gamma_gamma_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_gamma_gamma_fit_final(clv_stats) IS
'final function of gamma_gamma_fit: the maximum-likelihood Gamma-Gamma model (NULL for fewer than two repeat customers)';

CREATE AGGREGATE gamma_gamma_fit(x bigint, m float8) (
	SFUNC = clv_gamma_gamma_fit_trans,
	STYPE = clv_stats,
	SSPACE = 16384,
	FINALFUNC = clv_gamma_gamma_fit_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_gamma_gamma_fit_trans,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE gamma_gamma_fit(bigint, float8) IS
'fits the Gamma-Gamma spend model to per-customer x, m (rows with x = 0 ignored)';

CREATE AGGREGATE gamma_gamma_fit(clv_summary) (
	SFUNC = clv_gamma_gamma_fit_trans,
	STYPE = clv_stats,
	SSPACE = 16384,
	FINALFUNC = clv_gamma_gamma_fit_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_gamma_gamma_fit_trans,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE gamma_gamma_fit(clv_summary) IS
'fits the Gamma-Gamma spend model to clv_summary values (x = 0 ignored)';

CREATE AGGREGATE gamma_gamma_fit(clv_stats) (
	SFUNC = clv_gamma_gamma_fit_trans,
	STYPE = clv_stats,
	SSPACE = 16384,
	FINALFUNC = clv_gamma_gamma_fit_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = clv_gamma_gamma_fit_trans,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE gamma_gamma_fit(clv_stats) IS
'fits the Gamma-Gamma spend model to merged clv_stats values';

/*
 * Scoring: one C function per overload.  Each purchase model has a form
 * over plain x, t_x, t (in the model's unit) and one over a clv_summary,
 * whose unit must be the model's.  OR REPLACE: the update from 1.0 runs
 * this same block over the existing functions, keeping views that call
 * them.
 */
DO $$
DECLARE
	model record;
BEGIN
	FOR model IN
		SELECT * FROM (VALUES ('bgnbd', 'BG/NBD'), ('pareto_nbd', 'Pareto/NBD')) m(name, label)
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
