-- Labels of the model-fitting aggregates, their support functions, the
-- clv_stats type with its operators and operator classes, and the scoring
-- functions.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS clv;
SELECT plan(47);

-- types
SELECT has_type('clv_stats', 'clv_stats type');
SELECT has_composite('clv_bgnbd', 'clv_bgnbd composite');
SELECT has_composite('clv_mbgnbd', 'clv_mbgnbd composite');
SELECT has_composite('clv_pareto_nbd', 'clv_pareto_nbd composite');
SELECT has_composite('clv_gamma_gamma', 'clv_gamma_gamma composite');
SELECT columns_are('clv_bgnbd', ARRAY['r', 'alpha', 'a', 'b', 'll', 'customers', 'iterations', 'converged', 'unit',
									  'std_errors', 'aic', 'bic'],
				   'clv_bgnbd columns in SPEC order');
SELECT columns_are('clv_mbgnbd', ARRAY['r', 'alpha', 'a', 'b', 'll', 'customers', 'iterations', 'converged', 'unit',
									'std_errors', 'aic', 'bic'],
				   'clv_mbgnbd columns: clv_bgnbd''s');
SELECT columns_are('clv_pareto_nbd', ARRAY['r', 'alpha', 's', 'beta', 'll', 'customers', 'iterations', 'converged', 'unit',
										   'std_errors', 'aic', 'bic'],
				   'clv_pareto_nbd columns in SPEC order');
SELECT columns_are('clv_gamma_gamma', ARRAY['p', 'q', 'gamma', 'll', 'customers', 'iterations', 'converged',
											'std_errors', 'aic', 'bic'],
				   'clv_gamma_gamma columns in SPEC order');
-- every model composite (a clv_* row type with a log-likelihood ll) ends
-- with the fit quality, and has its clv_parameters overload
SELECT is_empty($$
	SELECT t.typname FROM pg_type t
	JOIN pg_attribute ll ON ll.attrelid = t.typrelid AND ll.attname = 'll'
	WHERE t.typname LIKE 'clv\_%' AND t.typtype = 'c'
	  AND (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum DESC)
		   FROM (SELECT * FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0
				 ORDER BY a.attnum DESC LIMIT 3) a)
		  IS DISTINCT FROM 'bic double precision, aic double precision, std_errors double precision[]'$$,
	'every model composite ends with std_errors float8[], aic float8, bic float8');
SELECT is_empty($$
	SELECT t.typname FROM pg_type t
	JOIN pg_attribute ll ON ll.attrelid = t.typrelid AND ll.attname = 'll'
	WHERE t.typname LIKE 'clv\_%' AND t.typtype = 'c'
	  AND to_regprocedure(format('clv_parameters(%s)', t.typname)) IS NULL$$,
	'every model composite has a clv_parameters overload');
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

-- aggregates: four forms of each fit, three of clv_stats, clv_stats_merge
SELECT is((SELECT count(*) FROM pg_proc WHERE prokind = 'a'
		   AND proname IN ('bgnbd_fit', 'mbgnbd_fit', 'pareto_nbd_fit', 'gamma_gamma_fit')), 16::bigint,
		  'each fit takes plain columns, clv_summary, clv_holdout and clv_stats');
SELECT has_function('clv_stats', ARRAY['bigint', 'double precision', 'double precision', 'double precision', 'interval'],
					'clv_stats over plain columns');
SELECT has_function('clv_stats', ARRAY['clv_summary'], 'clv_stats over clv_summary');
SELECT has_function('clv_stats', ARRAY['clv_holdout_summary'], 'clv_stats over clv_holdout');
SELECT has_function('clv_stats_merge', ARRAY['clv_stats'], 'clv_stats_merge');
SELECT is((SELECT count(*) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		   WHERE p.proname IN ('bgnbd_fit', 'mbgnbd_fit', 'pareto_nbd_fit', 'gamma_gamma_fit', 'clv_stats', 'clv_stats_merge')
			 AND p.prokind = 'a' AND p.proparallel = 's'
			 AND a.aggtranstype = 'clv_stats'::regtype AND a.aggcombinefn <> 0
			 AND a.aggserialfn = 0 AND a.aggdeserialfn = 0
			 AND a.aggtransspace > 0 AND a.aggfinalmodify = 'r' AND a.agginitval IS NULL), 20::bigint,
		  'the 20 model aggregates: STYPE clv_stats, a combine function, no serialize functions, parallel safe');
SELECT is((SELECT count(DISTINCT a.aggtransfn) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		   WHERE p.proname IN ('bgnbd_fit', 'mbgnbd_fit', 'pareto_nbd_fit', 'gamma_gamma_fit', 'clv_stats', 'clv_stats_merge')),
		  20::bigint, 'each model aggregate has its own transition function');
SELECT is((SELECT count(DISTINCT t.prosrc) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		   JOIN pg_proc t ON t.oid = a.aggtransfn
		   WHERE p.proname IN ('bgnbd_fit', 'mbgnbd_fit', 'pareto_nbd_fit', 'gamma_gamma_fit', 'clv_stats', 'clv_stats_merge')),
		  15::bigint, 'each model aggregate''s transition is its own C entry point (the clv_holdout forms share the clv_summary forms'', which read its first six attributes)');
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
	JOIN pg_proc f ON f.oid = a.aggfinalfn JOIN pg_proc c ON c.oid = a.aggcombinefn
	WHERE p.proname IN ('bgnbd_fit', 'mbgnbd_fit', 'pareto_nbd_fit', 'gamma_gamma_fit', 'clv_stats', 'clv_stats_merge')
	  AND (f.proname NOT LIKE '%' || CASE p.proname WHEN 'clv_stats' THEN 'clv_stats' ELSE p.proname END || '%'
		   OR c.proname NOT LIKE '%' || CASE p.proname WHEN 'clv_stats' THEN 'clv_stats' ELSE p.proname END || '%')$$,
	'combine and final functions are the aggregate''s own (they name it in messages)');
SELECT is((SELECT count(DISTINCT a.aggcombinefn) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		   WHERE p.proname IN ('bgnbd_fit', 'mbgnbd_fit', 'pareto_nbd_fit', 'gamma_gamma_fit', 'clv_stats', 'clv_stats_merge')),
		  6::bigint, 'one combine function per aggregate name');

-- support functions: IMMUTABLE, PARALLEL SAFE; transitions and combine see
-- NULL rows and a NULL state, finals are strict
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE (p.proname ~ '^clv_(stats|bgnbd_fit|mbgnbd_fit|pareto_nbd_fit|gamma_gamma_fit)_'
		   OR p.proname ~ '^clv_stats_(in|out|recv|send|eq|ne|lt|le|gt|ge|cmp|hash|hash_extended)$')
	  AND (p.provolatile <> 'i' OR p.proparallel <> 's')$$,
	'models support, I/O and comparison functions are IMMUTABLE and PARALLEL SAFE');
SELECT is((SELECT count(*) FROM pg_proc p
		   WHERE p.proname ~ '^clv_(stats|stats_merge|bgnbd_fit|mbgnbd_fit|pareto_nbd_fit|gamma_gamma_fit)_(trans|combine|final)$'),
		  27::bigint, 'the 27 support functions: 20 transitions (5 of them also combine functions), clv_stats_combine, 6 finals');
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE p.proname ~ '^clv_(stats|stats_merge|bgnbd_fit|mbgnbd_fit|pareto_nbd_fit|gamma_gamma_fit)_(trans|combine)$'
	  AND p.proisstrict$$,
	'transitions and combine functions are called on NULL input');
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE p.proname ~ '^clv_(stats|stats_merge|bgnbd_fit|mbgnbd_fit|pareto_nbd_fit|gamma_gamma_fit)_final$'
	  AND NOT p.proisstrict$$,
	'final functions are strict (no state, no model)');
SELECT hasnt_function('clv_models_combine', ARRAY['internal', 'internal'], 'the 1.0 internal-state combine is gone');
SELECT hasnt_function('clv_models_serialize', ARRAY['internal'], 'the 1.0 serialize function is gone');
SELECT is_strict('clv_stats_in', ARRAY['cstring'], 'clv_stats_in is strict');

-- scoring: IMMUTABLE STRICT PARALLEL SAFE, every overload its own C function
SELECT is((SELECT count(*) FROM pg_proc
		   WHERE proname IN ('p_alive', 'expected_purchases', 'purchase_probability', 'expected_spend', 'clv')
			 AND prokind = 'f' AND proargtypes[0] <> 'clv_bgbb'::regtype), 35::bigint,
		  'p_alive (6), expected_purchases (12), purchase_probability (9), expected_spend (2) and model clv (6) overloads');
SELECT is((SELECT count(DISTINCT prosrc) FROM pg_proc
		   WHERE (proname IN ('p_alive', 'expected_purchases', 'purchase_probability', 'expected_spend')
				  AND prokind = 'f'
				  OR (proname = 'clv' AND prokind = 'f' AND proargtypes[0] <> 'timestamptz'::regtype))
			 AND proargtypes[0] <> 'clv_bgbb'::regtype),
		  35::bigint, 'each scoring overload has its own C entry point');
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE p.proname IN ('p_alive', 'expected_purchases', 'purchase_probability', 'expected_spend', 'clv')
	  AND p.prokind = 'f'
	  AND (p.provolatile <> 'i' OR p.proparallel <> 's' OR NOT p.proisstrict)$$,
	'scoring functions are IMMUTABLE, STRICT and PARALLEL SAFE');
SELECT volatility_is('p_alive', ARRAY['clv_bgnbd', 'clv_summary'], 'immutable', 'p_alive(clv_bgnbd, clv_summary) is IMMUTABLE');
SELECT function_returns('expected_purchases', ARRAY['clv_pareto_nbd', 'clv_holdout_summary'],
						'double precision', 'expected_purchases over a clv_holdout_summary returns float8');
SELECT function_returns('clv', ARRAY['clv_pareto_nbd', 'clv_gamma_gamma', 'clv_summary', 'integer', 'double precision'],
						'double precision', 'model clv returns float8');

-- clv_parameters: one C function for every model type, IMMUTABLE STRICT
-- PARALLEL SAFE, returning the parameter table
SELECT ok(to_regprocedure('clv_parameters(clv_bgnbd)') IS NOT NULL
		  AND to_regprocedure('clv_parameters(clv_mbgnbd)') IS NOT NULL
		  AND to_regprocedure('clv_parameters(clv_pareto_nbd)') IS NOT NULL
		  AND to_regprocedure('clv_parameters(clv_gamma_gamma)') IS NOT NULL,
		  'clv_parameters over clv_bgnbd, clv_mbgnbd, clv_pareto_nbd and clv_gamma_gamma');
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE p.proname = 'clv_parameters'
	  AND (p.prosrc <> 'clv_parameters' OR p.provolatile <> 'i' OR NOT p.proisstrict
		   OR p.proparallel <> 's' OR NOT p.proretset
		   OR pg_get_function_result(p.oid) <> 'TABLE(parameter text, estimate double precision, std_error double precision, lower_95 double precision, upper_95 double precision)')$$,
	'every clv_parameters overload is the C function clv_parameters, IMMUTABLE STRICT PARALLEL SAFE, returning the parameter table');

-- every models object has a comment
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE (p.proname IN ('bgnbd_fit', 'mbgnbd_fit', 'pareto_nbd_fit', 'gamma_gamma_fit', 'clv_stats',
						 'clv_stats_merge', 'p_alive', 'expected_purchases', 'purchase_probability',
						 'expected_spend', 'clv_parameters')
		   OR p.proname ~ '^clv_(stats|bgnbd_fit|mbgnbd_fit|pareto_nbd_fit|gamma_gamma_fit)_'
		   OR (p.proname = 'clv' AND p.prokind = 'f'))
	  AND obj_description(p.oid, 'pg_proc') IS NULL
	UNION ALL
	SELECT t.typname::text FROM pg_type t
	WHERE t.typname IN ('clv_stats', 'clv_bgnbd', 'clv_mbgnbd', 'clv_pareto_nbd', 'clv_gamma_gamma')
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
