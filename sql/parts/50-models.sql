
/*
 * Probabilistic models (src/models.c): the clv_stats sufficient statistic,
 * the fitting aggregates BG/NBD, Pareto/NBD and Gamma-Gamma, and scoring.
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
