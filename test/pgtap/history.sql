-- Labels of the per-customer aggregates and their support functions
-- (PostgreSQL keeps no volatility for an aggregate itself).
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS clv;
SELECT plan(17);

-- aggregates: each time type, moving-frame support where SPEC promises it
SELECT has_function('avg_interpurchase', ARRAY[t], 'avg_interpurchase(' || t || ')')
FROM unnest(ARRAY['timestamptz', 'timestamp', 'date']) t;
SELECT is((SELECT count(*) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		   WHERE p.proname IN ('avg_interpurchase', 'avg_interpurchase_days')
			 AND a.aggminvtransfn <> 0), 6::bigint,
		  'avg_interpurchase(_days) have an inverse transition for every time type');
SELECT is((SELECT count(*) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		   WHERE p.proname IN ('avg_interpurchase', 'avg_interpurchase_days', 'rfm',
							   'clv_summary', 'clv') AND p.prokind = 'a'
			 AND a.aggcombinefn <> 0 AND a.aggserialfn <> 0 AND a.aggdeserialfn <> 0
			 AND a.aggtransspace > 0 AND a.aggfinalmodify = 'r'), 18::bigint,
		  'the 18 per-customer aggregates combine, serialize, estimate space and keep their state');

-- support functions: all IMMUTABLE (no calendar arithmetic), PARALLEL SAFE;
-- found through pg_aggregate, so that a renamed function is still checked
CREATE TEMP VIEW history_support AS
SELECT DISTINCT f.oid, f.oid::regprocedure AS signature, f.provolatile, f.proparallel
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid,
	 LATERAL unnest(ARRAY[a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn,
						  a.aggdeserialfn, a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn]) s(fn)
JOIN pg_proc f ON f.oid = s.fn
WHERE p.proname IN ('avg_interpurchase', 'avg_interpurchase_days', 'rfm', 'clv_summary', 'clv')
  AND p.prokind = 'a';
SELECT cmp_ok((SELECT count(*) FROM history_support), '>=', 10::bigint,
			  'the per-customer aggregates have their support functions');
SELECT is_empty($$SELECT signature FROM history_support
				  WHERE provolatile <> 'i' OR proparallel <> 's'$$,
	'purchase-history support functions are IMMUTABLE and PARALLEL SAFE');
SELECT isnt_strict('clv_history_trans', ARRAY['internal', 'timestamp with time zone'],
				   'the transition function sees NULL rows');
SELECT isnt_strict('clv_history_inverse', ARRAY['internal', 'date'],
				   'the inverse transition sees NULL rows');
SELECT isnt_strict('clv_history_combine', ARRAY['internal', 'internal'],
				   'the combine function takes a NULL state');
SELECT is_strict('clv_history_serialize', ARRAY['internal'], 'serialize is strict');
SELECT is_strict('clv_history_deserialize', ARRAY['bytea', 'internal'], 'deserialize is strict');
SELECT volatility_is('clv_history_trans', ARRAY['internal', 'date', 'anyelement', 'date', 'interval'],
					 'immutable', 'transition function is IMMUTABLE');
SELECT volatility_is('clv_summary_final', ARRAY['internal'], 'immutable',
					 'clv_summary final function is IMMUTABLE');
SELECT function_returns('clv_summary_final', ARRAY['internal'], 'clv_summary',
						'clv_summary returns clv_summary');
SELECT function_returns('clv_rfm_final', ARRAY['internal'], 'clv_rfm',
						'rfm returns clv_rfm');
SELECT function_returns('clv_formula_final', ARRAY['internal'], 'numeric',
						'clv(ordered_at, amount, lifespan) returns numeric');

SELECT * FROM finish();
ROLLBACK;
