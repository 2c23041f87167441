-- Labels of the discrete-time models: the clv_bgbb and clv_sbg composites,
-- the bgbb_fit and sbg_fit aggregates (a float8[] state with a combine
-- function), sbg_fit_survivors, the scoring functions and bgbb_summary.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS clv;
SELECT plan(15);

SELECT columns_are('clv_bgbb', ARRAY['alpha', 'beta', 'gamma', 'delta', 'll', 'customers', 'iterations',
									 'converged', 'std_errors', 'aic', 'bic'],
				   'clv_bgbb columns: parameters, fit, then std_errors, aic, bic');
SELECT columns_are('clv_sbg', ARRAY['alpha', 'beta', 'll', 'customers', 'iterations', 'converged',
									'std_errors', 'aic', 'bic'],
				   'clv_sbg columns: parameters, fit, then std_errors, aic, bic');
SELECT has_function('bgbb_fit', ARRAY['bigint', 'bigint', 'bigint'], 'bgbb_fit(x, t_x, n)');
SELECT has_function('bgbb_fit', ARRAY['bigint', 'bigint', 'bigint', 'bigint'], 'bgbb_fit(x, t_x, n, weight)');
SELECT has_function('bgbb_fit', ARRAY['clv_bgbb_summary'], 'bgbb_fit(clv_bgbb_summary)');
SELECT has_function('sbg_fit', ARRAY['bigint', 'boolean'], 'sbg_fit(periods, churned)');
SELECT has_function('sbg_fit', ARRAY['bigint', 'boolean', 'bigint'], 'sbg_fit(periods, churned, weight)');
SELECT is((SELECT count(*) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		   WHERE p.proname IN ('bgbb_fit', 'sbg_fit')
			 AND a.aggtranstype = 'float8[]'::regtype AND a.aggcombinefn <> 0
			 AND a.aggserialfn = 0 AND a.aggfinalmodify = 'r' AND p.proparallel = 's'),
		  5::bigint, 'the five fits: float8[] state, combine function, no serialization, PARALLEL SAFE');
SELECT is((SELECT count(*) FROM pg_proc
		   WHERE proargtypes[0] IN ('clv_bgbb'::regtype, 'clv_sbg'::regtype) AND prokind = 'f'
			 AND proname <> 'clv_parameters'),
		  9::bigint, 'scoring: p_alive, expected_purchases (2), purchase_probability (2); churn_probability, survival, projected_retention, derl');
SELECT is((SELECT count(DISTINCT prosrc) FROM pg_proc
		   WHERE proargtypes[0] IN ('clv_bgbb'::regtype, 'clv_sbg'::regtype) AND prokind = 'f'
			 AND proname <> 'clv_parameters'),
		  9::bigint, 'each scoring function has its own C entry point');
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE (p.proargtypes[0] IN ('clv_bgbb'::regtype, 'clv_sbg'::regtype) OR p.proname IN ('sbg_fit_survivors', 'bgbb_summary'))
	  AND (p.provolatile <> 'i' OR p.proparallel <> 's' OR NOT p.proisstrict)$$,
	'scoring functions, sbg_fit_survivors and bgbb_summary are IMMUTABLE, STRICT and PARALLEL SAFE');
SELECT function_returns('sbg_fit_survivors', ARRAY['bigint[]'], 'clv_sbg', 'sbg_fit_survivors returns clv_sbg');
SELECT columns_are('clv_bgbb_summary', ARRAY['x', 't_x', 'n'], 'clv_bgbb_summary columns: x, t_x, n');
SELECT function_returns('bgbb_summary', ARRAY['clv_activity', 'date'], 'clv_bgbb_summary',
						'bgbb_summary returns clv_bgbb_summary (a named type, which postgres_fdw reads back)');
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE p.proname IN ('clv_bgbb_fit_trans', 'clv_bgbb_fit_combine', 'clv_bgbb_fit_final',
						'clv_sbg_fit_trans', 'clv_sbg_fit_combine', 'clv_sbg_fit_final')
	  AND (p.provolatile <> 'i' OR p.proparallel <> 's' OR obj_description(p.oid, 'pg_proc') IS NULL)$$,
	'support functions are IMMUTABLE, PARALLEL SAFE and described');

SELECT * FROM finish();
ROLLBACK;
