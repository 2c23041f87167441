-- Labels of the per-customer aggregates and their support functions
-- (PostgreSQL keeps no volatility for an aggregate itself): one concrete
-- overload per purchase-time type x amount type, no polymorphic argument,
-- one transition function per aggregate name.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS clv;
SELECT plan(24);

-- the overload matrix: every signature SPEC promises, and nothing else
CREATE TEMP VIEW history_expected AS
SELECT format('%s(%s)', name, t)::text AS signature
FROM unnest(ARRAY['avg_interpurchase', 'avg_interpurchase_days']) name,
	 unnest(ARRAY['timestamptz', 'timestamp', 'date']) t
UNION ALL
SELECT format(pattern, t, a)
FROM unnest(ARRAY['rfm(%1$s, %2$s, %1$s)', 'clv_summary(%1$s, %2$s, %1$s)',
				  'clv_summary(%1$s, %2$s, %1$s, interval)', 'clv(%1$s, %2$s, interval)',
				  'clv_holdout(%1$s, %2$s, %1$s, %1$s)',
				  'clv_holdout(%1$s, %2$s, %1$s, %1$s, interval)']) pattern,
	 unnest(ARRAY['timestamptz', 'timestamp', 'date']) t,
	 unnest(ARRAY['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision']) a
UNION ALL
-- timestamps with a date as_of, which reject it with a hint
SELECT format(pattern, t, a)
FROM unnest(ARRAY['rfm(%1$s, %2$s, date)', 'clv_summary(%1$s, %2$s, date)',
				  'clv_summary(%1$s, %2$s, date, interval)', 'clv_holdout(%1$s, %2$s, date, date)',
				  'clv_holdout(%1$s, %2$s, date, date, interval)']) pattern,
	 unnest(ARRAY['timestamptz', 'timestamp']) t,
	 unnest(ARRAY['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision']) a;
CREATE TEMP VIEW history_aggregates AS
SELECT p.oid, p.proname, p.oid::regprocedure AS signature, a.*
FROM pg_proc p JOIN pg_aggregate a ON a.aggfnoid = p.oid
WHERE p.proname IN ('avg_interpurchase', 'avg_interpurchase_days', 'rfm', 'clv_summary', 'clv',
					'clv_holdout')
  AND p.prokind = 'a';

SELECT has_function('avg_interpurchase', ARRAY[t], 'avg_interpurchase(' || t || ')')
FROM unnest(ARRAY['timestamptz', 'timestamp', 'date']) t;
SELECT is((SELECT count(*) FROM history_expected), 174::bigint,
		  'the matrix: 6 avg_interpurchase(_days), 108 rfm, clv_summary, clv_holdout and clv overloads, 60 with date bounds over timestamps');
SELECT is_empty($$SELECT signature FROM history_expected WHERE to_regprocedure(signature) IS NULL$$,
				'every time type x amount type overload exists');
SELECT set_eq($$SELECT oid FROM history_aggregates$$,
			  $$SELECT to_regprocedure(signature)::oid FROM history_expected$$,
			  'the per-customer aggregates are exactly the matrix');
SELECT is_empty($$SELECT signature FROM history_aggregates h JOIN pg_proc p ON p.oid = h.oid
				  WHERE EXISTS (SELECT FROM unnest(p.proargtypes::oid[]) t
								WHERE t IN ('anyelement'::regtype, 'anynonarray'::regtype,
											'anycompatible'::regtype, '"any"'::regtype))$$,
				'no per-customer aggregate has a polymorphic argument');

-- options of every aggregate
SELECT is_empty($$SELECT signature FROM history_aggregates
				  WHERE aggcombinefn = 'clv_history_combine'::regproc IS NOT TRUE
					 OR aggserialfn = 'clv_history_serialize'::regproc IS NOT TRUE
					 OR aggdeserialfn = 'clv_history_deserialize'::regproc IS NOT TRUE
					 OR aggtranstype <> 'internal'::regtype OR aggtransspace <= 0
					 OR aggfinalmodify <> 'r'$$,
				'every per-customer aggregate combines, serializes, estimates space and keeps its state');
SELECT is_empty($$SELECT signature FROM history_aggregates
				  WHERE (aggminvtransfn <> 0) <> (proname LIKE 'avg\_interpurchase%')
					 OR (aggminvtransfn <> 0 AND (aggmtransfn <> aggtransfn OR aggmfinalfn <> aggfinalfn
												  OR aggmfinalmodify <> 'r' OR aggmtransspace <= 0))$$,
				'exactly avg_interpurchase(_days) have moving-frame support, with the same functions');
SELECT is_empty($$SELECT signature FROM history_aggregates h JOIN pg_proc f ON f.oid = h.aggtransfn
				  WHERE f.prosrc <> CASE h.proname WHEN 'clv' THEN 'clv_formula_trans'
												  WHEN 'clv_summary' THEN 'clv_summary_trans'
												  WHEN 'clv_holdout' THEN 'clv_holdout_trans'
												  ELSE 'clv_' || h.proname || '_trans' END
					 OR f.proname::text <> f.prosrc$$,
				'each aggregate name has its own transition function and C entry point');
SELECT is_empty($$SELECT signature FROM history_aggregates h JOIN pg_proc f ON f.oid = h.aggminvtransfn
				  WHERE f.prosrc <> 'clv_' || h.proname || '_inverse'$$,
				'each moving aggregate has its own inverse transition');
SELECT is_empty($$SELECT signature FROM history_aggregates h JOIN pg_proc f ON f.oid = h.aggtransfn
				  WHERE (SELECT array_agg(t ORDER BY n) FROM unnest(f.proargtypes::oid[])
							 WITH ORDINALITY u(t, n) WHERE n > 1)
					 IS DISTINCT FROM (SELECT array_agg(t ORDER BY n) FROM pg_proc p,
										   unnest(p.proargtypes::oid[]) WITH ORDINALITY u(t, n)
									   WHERE p.oid = h.oid)$$,
				'each transition function takes exactly its aggregate''s argument types');

-- support functions: all IMMUTABLE (no calendar arithmetic), PARALLEL SAFE;
-- found through pg_aggregate, so that a renamed function is still checked
CREATE TEMP VIEW history_support AS
SELECT DISTINCT f.oid, f.oid::regprocedure AS signature, f.provolatile, f.proparallel,
	   f.proisstrict, s.role
FROM history_aggregates a,
	 LATERAL (VALUES (a.aggtransfn, 'transition'), (a.aggfinalfn, 'final'),
					 (a.aggcombinefn, 'combine'), (a.aggserialfn, 'serialize'),
					 (a.aggdeserialfn, 'deserialize'), (a.aggmtransfn, 'transition'),
					 (a.aggminvtransfn, 'inverse'), (a.aggmfinalfn, 'final')) s(fn, role)
JOIN pg_proc f ON f.oid = s.fn;
SELECT is((SELECT count(DISTINCT oid) FROM history_support), 189::bigint,
		  'the support functions: 174 transitions, 6 inverses, 6 finals, combine, serialize, deserialize');
SELECT is_empty($$SELECT signature FROM history_support
				  WHERE provolatile <> 'i' OR proparallel <> 's'$$,
				'purchase-history support functions are IMMUTABLE and PARALLEL SAFE');
SELECT is_empty($$SELECT signature FROM history_support
				  WHERE role IN ('transition', 'inverse', 'combine', 'final') AND proisstrict$$,
				'transition, inverse, combine and final functions see NULLs (not STRICT)');
SELECT is_empty($$SELECT signature FROM history_support
				  WHERE role IN ('serialize', 'deserialize') AND NOT proisstrict$$,
				'serialize and deserialize are STRICT');
SELECT is_empty($$SELECT signature FROM history_support s JOIN pg_proc p ON p.oid = s.oid
				  WHERE 'anyelement'::regtype = ANY (p.proargtypes::oid[])$$,
				'no support function has an anyelement argument');
SELECT is_empty($$SELECT p.oid::regprocedure FROM pg_proc p
				  WHERE p.proname IN ('clv_history_trans', 'clv_history_inverse')$$,
				'the 1.0 shared transition functions are gone');
SELECT function_returns('clv_summary_final', ARRAY['internal'], 'clv_summary',
						'clv_summary returns clv_summary');
SELECT function_returns('clv_holdout_final', ARRAY['internal'], 'clv_holdout_summary',
						'clv_holdout returns clv_holdout_summary');
SELECT function_returns('clv_rfm_final', ARRAY['internal'], 'clv_rfm',
						'rfm returns clv_rfm');
SELECT function_returns('clv_formula_final', ARRAY['internal'], 'numeric',
						'clv(ordered_at, amount, lifespan) returns numeric');
SELECT function_returns('clv_avg_interpurchase_final', ARRAY['internal'], 'interval',
						'avg_interpurchase returns interval');
SELECT function_returns('clv_avg_interpurchase_days_final', ARRAY['internal'], 'double precision',
						'avg_interpurchase_days returns float8');

SELECT * FROM finish();
ROLLBACK;
