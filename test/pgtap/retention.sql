-- Labels of the retention aggregates and their support functions
-- (PostgreSQL keeps no volatility for an aggregate itself), and SQLSTATEs.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS clv;
SELECT plan(22);

SELECT has_function(f, ARRAY['anyelement', t, t, 'interval'], f || '(anyelement, ' || t || ', ' || t || ', interval)')
FROM unnest(ARRAY['retention_rate', 'new_customer_share']) f,
	 unnest(ARRAY['timestamp with time zone', 'timestamp without time zone', 'date']) t;
SELECT has_function(f, ARRAY['anyelement', 'date', 'interval'], f || '(anyelement, date, interval)')
FROM unnest(ARRAY['retention_series', 'cohort_retention']) f;
SELECT is((SELECT count(*) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		   WHERE p.proname IN ('retention_rate', 'new_customer_share', 'retention_series',
							   'cohort_retention') AND p.prokind = 'a'
			 AND a.aggcombinefn <> 0 AND a.aggserialfn <> 0 AND a.aggdeserialfn <> 0
			 AND a.aggtransspace > 0 AND a.aggfinalmodify = 'r' AND a.aggkind = 'n'),
		  12::bigint,
		  'the 12 retention aggregates combine, serialize, estimate space and keep their state');
SELECT is((SELECT count(*) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		   WHERE p.proname IN ('retention_rate', 'new_customer_share', 'retention_series',
							   'cohort_retention') AND p.proparallel = 's'),
		  12::bigint, 'the retention aggregates are PARALLEL SAFE');

-- volatility: STABLE exactly for timestamptz (session TimeZone calendar)
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE p.proname ~ '^clv_(retention_rate|new_customer_share|retention_series|cohort_retention)_trans$'
	  AND (p.provolatile <> CASE WHEN 'timestamptz'::regtype = ANY (p.proargtypes::regtype[]) THEN 's' ELSE 'i' END
		   OR p.proparallel <> 's' OR p.proisstrict)$$,
	'transition functions: STABLE for timestamptz, else IMMUTABLE; PARALLEL SAFE; not strict');
SELECT is((SELECT count(*) FROM pg_proc
		   WHERE proname ~ '^clv_(retention_rate|new_customer_share|retention_series|cohort_retention)_trans$'),
		  12::bigint, 'one transition function per aggregate and time type');
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE p.proname ~ '^clv_(retention_(rate|series)_final|new_customer_share_final|cohort_retention_final|retention_(combine|serialize|deserialize))$'
	  AND (p.provolatile <> 'i' OR p.proparallel <> 's')$$,
	'final, combine, serialize and deserialize functions are IMMUTABLE and PARALLEL SAFE');
SELECT is((SELECT count(*) FROM pg_proc
		   WHERE proname ~ '^clv_(retention_(rate|series)_final|new_customer_share_final|cohort_retention_final|retention_(combine|serialize|deserialize))$'),
		  7::bigint, 'the four final functions and the shared combine, serialize and deserialize');
SELECT isnt_strict('clv_retention_combine', ARRAY['internal', 'internal'],
				   'the combine function sees NULL states');
SELECT is_strict('clv_retention_serialize', ARRAY['internal'], 'serialize is strict');
SELECT is_strict('clv_retention_deserialize', ARRAY['bytea', 'internal'], 'deserialize is strict');

-- result types
SELECT has_composite('clv_retention', 'type clv_retention');
SELECT has_composite('clv_cohort', 'type clv_cohort');

-- SQLSTATEs of bad arguments
SELECT throws_ok($$SELECT retention_rate(1, date '2024-01-01', date '2024-01-01', '0 days')$$,
				 '22023', NULL, 'a period <= 0 is 22023');
SELECT throws_ok($$SELECT retention_series(1, date '2024-01-01', '2 months')$$,
				 '22023', NULL, 'a non-calendar series period is 22023');
SELECT throws_ok($$SELECT cohort_retention(1, 'infinity'::timestamptz, '1 month')$$,
				 '22008', NULL, 'infinity is 22008');

SELECT * FROM finish();
ROLLBACK;
