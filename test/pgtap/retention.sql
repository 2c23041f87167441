-- Labels of the retention aggregates and their support functions
-- (PostgreSQL keeps no volatility for an aggregate itself: the timestamptz
-- forms' own pg_proc rows are marked STABLE so that postgres_fdw does not
-- ship them), their states, and SQLSTATEs.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS clv;
SELECT plan(33);

CREATE TEMP VIEW one_scan AS
SELECT p.oid, p.oid::regprocedure AS signature, p.provolatile, p.proparallel,
	   a.aggtranstype::regtype AS stype, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn,
	   a.aggtransfn, a.aggfinalfn, a.aggtransspace, a.aggfinalmodify, a.aggkind,
	   p.proargtypes[1]::regtype AS time_type
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.proname IN ('retention_rate', 'new_customer_share', 'retention_series', 'cohort_retention')
  AND p.proargtypes[0] <> 'clv_activity'::regtype;
CREATE TEMP VIEW two_step AS
SELECT p.oid, p.oid::regprocedure AS signature, p.provolatile, p.proparallel,
	   a.aggtranstype::regtype AS stype, a.aggcombinefn, a.aggserialfn, a.aggfinalmodify
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.proname IN ('retention_rate', 'new_customer_share', 'retention_series', 'cohort_retention')
  AND p.proargtypes[0] = 'clv_activity'::regtype;

-- the overload matrix: 4 aggregates x 4 key types x 3 time types, no anyelement
SELECT is((SELECT count(*) FROM one_scan), 48::bigint, '48 one-scan aggregates');
SELECT is((SELECT count(DISTINCT (signature::text ~ '^[a-z_]+\((integer|bigint|text|uuid),')) FROM one_scan),
		  1::bigint, 'every one takes an integer, bigint, text or uuid customer key');
SELECT is_empty($$SELECT p.oid::regprocedure FROM pg_proc p
				  WHERE p.proname IN ('retention_rate', 'new_customer_share', 'retention_series',
									  'cohort_retention', 'clv_activity')
					AND 'anyelement'::regtype = ANY (p.proargtypes)$$,
				'no retention aggregate takes anyelement');
SELECT has_function(f, ARRAY[k, t, t, 'interval'], f || '(' || k || ', ' || t || ', ' || t || ', interval)')
FROM unnest(ARRAY['retention_rate', 'new_customer_share']) f,
	 unnest(ARRAY['integer', 'text']) k,
	 unnest(ARRAY['timestamp with time zone', 'date']) t;
SELECT has_function(f, ARRAY['uuid', 'timestamp without time zone', 'interval'],
					f || '(uuid, timestamp, interval)')
FROM unnest(ARRAY['retention_series', 'cohort_retention']) f;

-- states: internal for timestamptz (session calendar), clv_customer_set otherwise
SELECT is_empty($$SELECT signature FROM one_scan
				  WHERE stype <> CASE WHEN time_type = 'timestamptz'::regtype THEN 'internal'::regtype
									  ELSE 'clv_customer_set'::regtype END$$,
				'state: internal for timestamptz, clv_customer_set for dates and timestamps');
SELECT is_empty($$SELECT signature FROM one_scan
				  WHERE aggcombinefn = 0 OR aggtransspace <= 0 OR aggfinalmodify <> 'r' OR aggkind <> 'n'
					 OR (stype = 'internal'::regtype) <> (aggserialfn <> 0 AND aggdeserialfn <> 0)$$,
				'every one combines, estimates its space, keeps its state in finals; internal states serialize');
SELECT is_empty($$SELECT signature FROM one_scan
				  WHERE provolatile <> CASE WHEN time_type = 'timestamptz'::regtype THEN 's' ELSE 'i' END
					 OR proparallel <> 'r'$$,
				'the aggregates'' own rows: STABLE for timestamptz, IMMUTABLE otherwise, PARALLEL RESTRICTED (no partial aggregation: one state of every customer in each process)');
SELECT is_empty($$SELECT o.signature FROM one_scan o JOIN pg_proc t ON t.oid = o.aggtransfn
				  WHERE t.provolatile <> o.provolatile OR t.proisstrict OR t.proparallel <> 's'
					 OR t.proargtypes[2] <> o.time_type$$,
				'transition functions: labelled as their aggregate, not strict, PARALLEL SAFE');
SELECT is((SELECT count(DISTINCT aggtransfn) FROM one_scan), 48::bigint,
		  'one transition function per aggregate, key and time type');
SELECT is((SELECT count(DISTINCT t.prosrc) FROM one_scan o JOIN pg_proc t ON t.oid = o.aggtransfn),
		  4::bigint, 'one C entry point per aggregate name');
SELECT is_empty($$SELECT p.oid::regprocedure FROM pg_proc p
				  WHERE p.oid IN (SELECT aggcombinefn FROM one_scan UNION SELECT aggserialfn FROM one_scan
								  UNION SELECT aggdeserialfn FROM one_scan UNION SELECT aggfinalfn FROM one_scan)
					AND (p.provolatile <> 'i' OR p.proparallel <> 's')$$,
				'combine, serialize, deserialize and final functions are IMMUTABLE (no calendar) and PARALLEL SAFE');
SELECT isnt_strict('clv_customer_set_combine', ARRAY['clv_customer_set', 'clv_customer_set'],
				   'the combine function sees NULL states');
SELECT is_strict('clv_customer_set_serialize', ARRAY['internal'], 'serialize is strict');
SELECT is_strict('clv_customer_set_deserialize', ARRAY['bytea', 'internal'], 'deserialize is strict');

-- the two-step form
SELECT is((SELECT count(*) FROM two_step), 4::bigint, 'four aggregates over clv_activity');
SELECT is_empty($$SELECT signature FROM two_step
				  WHERE stype <> 'clv_retention_counts'::regtype OR aggcombinefn = 0 OR aggserialfn <> 0
					 OR aggfinalmodify <> 'r' OR provolatile <> 'i' OR proparallel <> 's'$$,
				'over clv_activity: clv_retention_counts state with a combine function, IMMUTABLE, PARALLEL SAFE');
SELECT is((SELECT count(*) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		   WHERE p.proname = 'clv_activity' AND a.aggtranstype = 'internal'::regtype
			 AND a.aggcombinefn <> 0 AND a.aggserialfn <> 0 AND p.provolatile = 'i'
			 AND p.proargtypes[0] IN ('date'::regtype, 'timestamp'::regtype)),
		  2::bigint, 'clv_activity over dates and timestamps, internal state, combinable');

-- types: validated I/O, array types members of the extension
SELECT is_empty($$SELECT t FROM unnest(ARRAY['clv_customer_set', 'clv_activity', 'clv_retention_counts']) t
				  JOIN pg_type y ON y.oid = t::regtype
				  WHERE y.typreceive = 0 OR y.typsend = 0 OR y.typlen <> -1$$,
				'the state and activity types have text and binary I/O');
SELECT is_empty($$SELECT t FROM unnest(ARRAY['clv_retention[]', 'clv_cohort[]', 'clv_customer_set[]',
											  'clv_activity[]', 'clv_retention_counts[]']) t
				  WHERE NOT EXISTS (SELECT FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
									WHERE d.classid = 'pg_type'::regclass AND d.objid = t::regtype
									  AND e.extname = 'clv' AND d.deptype = 'e')$$,
				'the array types are members of the extension (postgres_fdw ships their aggregates)');
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
