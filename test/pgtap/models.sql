-- Labels of the model-fitting aggregates, their support functions, the
-- clv_stats type and the scoring functions.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS clv;
SELECT plan(25);

-- types
SELECT has_type('clv_stats', 'clv_stats type');
SELECT has_composite('clv_bgnbd', 'clv_bgnbd composite');
SELECT has_composite('clv_pareto_nbd', 'clv_pareto_nbd composite');
SELECT has_composite('clv_gamma_gamma', 'clv_gamma_gamma composite');
SELECT columns_are('clv_bgnbd', ARRAY['r', 'alpha', 'a', 'b', 'll', 'customers', 'iterations', 'converged', 'unit'],
				   'clv_bgnbd columns in SPEC order');
SELECT columns_are('clv_pareto_nbd', ARRAY['r', 'alpha', 's', 'beta', 'll', 'customers', 'iterations', 'converged', 'unit'],
				   'clv_pareto_nbd columns in SPEC order');
SELECT columns_are('clv_gamma_gamma', ARRAY['p', 'q', 'gamma', 'll', 'customers', 'iterations', 'converged'],
				   'clv_gamma_gamma columns in SPEC order');
SELECT is((SELECT typsend <> 0 AND typreceive <> 0 FROM pg_type WHERE typname = 'clv_stats'), true,
		  'clv_stats has binary send and receive');

-- aggregates: three forms of each fit, two of clv_stats, clv_stats_merge
SELECT is((SELECT count(*) FROM pg_proc WHERE prokind = 'a'
		   AND proname IN ('bgnbd_fit', 'pareto_nbd_fit', 'gamma_gamma_fit')), 9::bigint,
		  'each fit takes plain columns, clv_summary and clv_stats');
SELECT has_function('clv_stats', ARRAY['bigint', 'double precision', 'double precision', 'double precision', 'interval'],
					'clv_stats over plain columns');
SELECT has_function('clv_stats', ARRAY['clv_summary'], 'clv_stats over clv_summary');
SELECT has_function('clv_stats_merge', ARRAY['clv_stats'], 'clv_stats_merge');
SELECT is((SELECT count(*) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		   WHERE p.proname IN ('bgnbd_fit', 'pareto_nbd_fit', 'gamma_gamma_fit', 'clv_stats', 'clv_stats_merge')
			 AND p.prokind = 'a' AND p.proparallel = 's'
			 AND a.aggcombinefn <> 0 AND a.aggserialfn <> 0 AND a.aggdeserialfn <> 0
			 AND a.aggtransspace > 0 AND a.aggfinalmodify = 'r'), 12::bigint,
		  'the 12 model aggregates are parallel safe, combine, serialize, estimate space and keep their state');

-- support functions: IMMUTABLE, PARALLEL SAFE; transitions see NULL rows
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE (p.proname ~ '^clv_models_' OR p.proname ~ '^clv_stats_(in|out|recv|send)$')
	  AND (p.provolatile <> 'i' OR p.proparallel <> 's')$$,
	'models support and I/O functions are IMMUTABLE and PARALLEL SAFE');
SELECT is((SELECT count(*) FROM pg_proc p
		   WHERE p.proname ~ '^clv_models_' OR p.proname ~ '^clv_stats_(in|out|recv|send)$'),
		  18::bigint, 'the 14 models support functions and the 4 clv_stats I/O functions');
SELECT isnt_strict('clv_models_tx_trans', ARRAY['internal', 'bigint', 'double precision', 'double precision', 'interval'],
				   'the transition function sees NULL rows (a NULL unit is an error)');
SELECT isnt_strict('clv_models_combine', ARRAY['internal', 'internal'], 'combine takes a NULL state');
SELECT is_strict('clv_models_serialize', ARRAY['internal'], 'serialize is strict');
SELECT is_strict('clv_models_deserialize', ARRAY['bytea', 'internal'], 'deserialize is strict');
SELECT is_strict('clv_stats_in', ARRAY['cstring'], 'clv_stats_in is strict');

-- scoring: IMMUTABLE STRICT PARALLEL SAFE, every overload
SELECT is((SELECT count(*) FROM pg_proc
		   WHERE proname IN ('p_alive', 'expected_purchases', 'expected_spend', 'clv')
			 AND prokind = 'f'), 14::bigint,
		  'p_alive, expected_purchases (4 each), expected_spend (2) and model clv (4) overloads');
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE p.proname IN ('p_alive', 'expected_purchases', 'expected_spend', 'clv') AND p.prokind = 'f'
	  AND (p.provolatile <> 'i' OR p.proparallel <> 's' OR NOT p.proisstrict)$$,
	'scoring functions are IMMUTABLE, STRICT and PARALLEL SAFE');
SELECT volatility_is('p_alive', ARRAY['clv_bgnbd', 'clv_summary'], 'immutable', 'p_alive(clv_bgnbd, clv_summary) is IMMUTABLE');
SELECT function_returns('clv', ARRAY['clv_pareto_nbd', 'clv_gamma_gamma', 'clv_summary', 'integer', 'double precision'],
						'double precision', 'model clv returns float8');

-- every public function, aggregate and type has a comment
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE (p.proname IN ('bgnbd_fit', 'pareto_nbd_fit', 'gamma_gamma_fit', 'clv_stats', 'clv_stats_merge',
						 'p_alive', 'expected_purchases', 'expected_spend') OR p.proname ~ '^clv_models_'
		   OR (p.proname = 'clv' AND p.prokind = 'f'))
	  AND obj_description(p.oid, 'pg_proc') IS NULL
	UNION ALL
	SELECT t.typname::text FROM pg_type t
	WHERE t.typname IN ('clv_stats', 'clv_bgnbd', 'clv_pareto_nbd', 'clv_gamma_gamma')
	  AND obj_description(t.oid, 'pg_type') IS NULL$$,
	'models functions, aggregates and types have comments');
