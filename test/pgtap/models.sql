-- Labels of the model-fitting aggregates, their support functions, the
-- clv_stats type with its operators and operator classes, and the scoring
-- functions.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS clv;
SELECT plan(39);

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
SELECT is((SELECT typalign::text || typstorage::text || typlen FROM pg_type WHERE typname = 'clv_stats'), 'dx-1',
		  'clv_stats keeps its 1.0 storage: double-aligned, extended, variable length');

-- operators and operator classes: = with hash and btree support
SELECT has_operator('clv_stats', '=', 'clv_stats', 'boolean', 'clv_stats = clv_stats');
SELECT has_operator('clv_stats', '<>', 'clv_stats', 'boolean', 'clv_stats <> clv_stats');
SELECT has_operator('clv_stats', '<', 'clv_stats', 'boolean', 'clv_stats < clv_stats');
SELECT has_operator('clv_stats', '>=', 'clv_stats', 'boolean', 'clv_stats >= clv_stats');
SELECT is((SELECT oprcanhash AND oprcanmerge FROM pg_operator
		   WHERE oprname = '=' AND oprleft = 'clv_stats'::regtype AND oprright = 'clv_stats'::regtype), true,
		  'clv_stats = can hash and merge');
SELECT is((SELECT array_agg(am.amname::text ORDER BY am.amname) FROM pg_opclass c JOIN pg_am am ON am.oid = c.opcmethod
		   WHERE c.opcintype = 'clv_stats'::regtype AND c.opcdefault), ARRAY['btree', 'hash'],
		  'clv_stats has default btree and hash operator classes');
SELECT is((SELECT count(*) FROM pg_amop ao JOIN pg_opclass c ON c.opcfamily = ao.amopfamily
		   WHERE c.opcintype = 'clv_stats'::regtype AND c.opcmethod = (SELECT oid FROM pg_am WHERE amname = 'btree')),
		  5::bigint, 'the btree class has the five comparison operators');
SELECT is((SELECT count(*) FROM pg_amproc ap JOIN pg_opclass c ON c.opcfamily = ap.amprocfamily
		   WHERE c.opcintype = 'clv_stats'::regtype AND c.opcmethod = (SELECT oid FROM pg_am WHERE amname = 'hash')),
		  2::bigint, 'the hash class has its hash and extended hash functions');

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
			 AND a.aggtranstype = 'clv_stats'::regtype AND a.aggcombinefn <> 0
			 AND a.aggserialfn = 0 AND a.aggdeserialfn = 0
			 AND a.aggtransspace > 0 AND a.aggfinalmodify = 'r' AND a.agginitval IS NULL), 12::bigint,
		  'the 12 model aggregates: STYPE clv_stats, a combine function, no serialize functions, parallel safe');
SELECT is((SELECT count(DISTINCT a.aggtransfn) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		   WHERE p.proname IN ('bgnbd_fit', 'pareto_nbd_fit', 'gamma_gamma_fit', 'clv_stats', 'clv_stats_merge')),
		  12::bigint, 'each model aggregate has its own transition function');
SELECT is((SELECT count(DISTINCT t.prosrc) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		   JOIN pg_proc t ON t.oid = a.aggtransfn
		   WHERE p.proname IN ('bgnbd_fit', 'pareto_nbd_fit', 'gamma_gamma_fit', 'clv_stats', 'clv_stats_merge')),
		  12::bigint, 'each model aggregate''s transition is its own C entry point');
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
	JOIN pg_proc f ON f.oid = a.aggfinalfn JOIN pg_proc c ON c.oid = a.aggcombinefn
	WHERE p.proname IN ('bgnbd_fit', 'pareto_nbd_fit', 'gamma_gamma_fit', 'clv_stats', 'clv_stats_merge')
	  AND (f.proname NOT LIKE '%' || CASE p.proname WHEN 'clv_stats' THEN 'clv_stats' ELSE p.proname END || '%'
		   OR c.proname NOT LIKE '%' || CASE p.proname WHEN 'clv_stats' THEN 'clv_stats' ELSE p.proname END || '%')$$,
	'combine and final functions are the aggregate''s own (they name it in messages)');
SELECT is((SELECT count(DISTINCT a.aggcombinefn) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		   WHERE p.proname IN ('bgnbd_fit', 'pareto_nbd_fit', 'gamma_gamma_fit', 'clv_stats', 'clv_stats_merge')),
		  5::bigint, 'one combine function per aggregate name');

-- support functions: IMMUTABLE, PARALLEL SAFE; transitions and combine see
-- NULL rows and a NULL state, finals are strict
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE (p.proname ~ '^clv_(stats|bgnbd_fit|pareto_nbd_fit|gamma_gamma_fit)_'
		   OR p.proname ~ '^clv_stats_(in|out|recv|send|eq|ne|lt|le|gt|ge|cmp|hash|hash_extended)$')
	  AND (p.provolatile <> 'i' OR p.proparallel <> 's')$$,
	'models support, I/O and comparison functions are IMMUTABLE and PARALLEL SAFE');
SELECT is((SELECT count(*) FROM pg_proc p
		   WHERE p.proname ~ '^clv_(stats|stats_merge|bgnbd_fit|pareto_nbd_fit|gamma_gamma_fit)_(trans|combine|final)$'),
		  18::bigint, 'the 18 support functions: 12 transitions (4 of them also combine functions), clv_stats_combine, 5 finals');
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE p.proname ~ '^clv_(stats|stats_merge|bgnbd_fit|pareto_nbd_fit|gamma_gamma_fit)_(trans|combine)$'
	  AND p.proisstrict$$,
	'transitions and combine functions are called on NULL input');
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE p.proname ~ '^clv_(stats|stats_merge|bgnbd_fit|pareto_nbd_fit|gamma_gamma_fit)_final$'
	  AND NOT p.proisstrict$$,
	'final functions are strict (no state, no model)');
SELECT hasnt_function('clv_models_combine', ARRAY['internal', 'internal'], 'the 1.0 internal-state combine is gone');
SELECT hasnt_function('clv_models_serialize', ARRAY['internal'], 'the 1.0 serialize function is gone');
SELECT is_strict('clv_stats_in', ARRAY['cstring'], 'clv_stats_in is strict');

-- scoring: IMMUTABLE STRICT PARALLEL SAFE, every overload its own C function
SELECT is((SELECT count(*) FROM pg_proc
		   WHERE proname IN ('p_alive', 'expected_purchases', 'expected_spend', 'clv')
			 AND prokind = 'f' AND proargtypes[0] <> 'clv_bgbb'::regtype), 14::bigint,
		  'p_alive, expected_purchases (4 each), expected_spend (2) and model clv (4) overloads');
SELECT is((SELECT count(DISTINCT prosrc) FROM pg_proc
		   WHERE (proname IN ('p_alive', 'expected_purchases', 'expected_spend') AND prokind = 'f'
				  OR (proname = 'clv' AND prokind = 'f' AND proargtypes[0] <> 'timestamptz'::regtype))
			 AND proargtypes[0] <> 'clv_bgbb'::regtype),
		  14::bigint, 'each scoring overload has its own C entry point');
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE p.proname IN ('p_alive', 'expected_purchases', 'expected_spend', 'clv') AND p.prokind = 'f'
	  AND (p.provolatile <> 'i' OR p.proparallel <> 's' OR NOT p.proisstrict)$$,
	'scoring functions are IMMUTABLE, STRICT and PARALLEL SAFE');
SELECT volatility_is('p_alive', ARRAY['clv_bgnbd', 'clv_summary'], 'immutable', 'p_alive(clv_bgnbd, clv_summary) is IMMUTABLE');
SELECT function_returns('clv', ARRAY['clv_pareto_nbd', 'clv_gamma_gamma', 'clv_summary', 'integer', 'double precision'],
						'double precision', 'model clv returns float8');

-- every models object has a comment
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE (p.proname IN ('bgnbd_fit', 'pareto_nbd_fit', 'gamma_gamma_fit', 'clv_stats', 'clv_stats_merge',
						 'p_alive', 'expected_purchases', 'expected_spend')
		   OR p.proname ~ '^clv_(stats|bgnbd_fit|pareto_nbd_fit|gamma_gamma_fit)_'
		   OR (p.proname = 'clv' AND p.prokind = 'f'))
	  AND obj_description(p.oid, 'pg_proc') IS NULL
	UNION ALL
	SELECT t.typname::text FROM pg_type t
	WHERE t.typname IN ('clv_stats', 'clv_bgnbd', 'clv_pareto_nbd', 'clv_gamma_gamma')
	  AND obj_description(t.oid, 'pg_type') IS NULL
	UNION ALL
	SELECT o.oid::regoperator::text FROM pg_operator o
	WHERE o.oprleft = 'clv_stats'::regtype AND obj_description(o.oid, 'pg_operator') IS NULL
	UNION ALL
	SELECT c.opcname::text FROM pg_opclass c
	WHERE c.opcintype = 'clv_stats'::regtype AND obj_description(c.oid, 'pg_opclass') IS NULL$$,
	'models functions, aggregates, types, operators and operator classes have comments');

SELECT * FROM finish();
ROLLBACK;
