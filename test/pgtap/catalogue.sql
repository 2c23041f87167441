-- Catalogue rules that hold for every object of the extension: each
-- function is labelled PARALLEL SAFE and has a comment, as does each type;
-- an array type that a function takes or returns is a member too
-- (postgres_fdw ships only what an extension it knows holds), named and
-- described by its element.  The exceptions: the deployment functions that
-- run DDL (clv_create_views, clv_refresh_views, clv_schedule_views) are
-- PARALLEL UNSAFE, as test/pgtap/views.sql checks; the one-scan retention
-- aggregates (a state of every customer) are PARALLEL RESTRICTED, as
-- test/pgtap/retention.sql checks.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS clv;
SELECT plan(6);

CREATE TEMP VIEW clv_functions AS
SELECT p.oid, p.oid::regprocedure::text AS signature, p.proname, p.prokind, p.proparallel,
	   obj_description(p.oid, 'pg_proc') AS comment
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'clv';

SELECT cmp_ok((SELECT count(*) FROM clv_functions), '>', 0::bigint,
			  'the extension has functions');
SELECT is_empty($$SELECT signature FROM clv_functions WHERE proparallel <> 's'
				  AND oid::regproc::text NOT IN ('clv_create_views', 'clv_refresh_views', 'clv_schedule_views')
				  AND NOT (prokind = 'a' AND proparallel = 'r'
						   AND proname IN ('retention_rate', 'new_customer_share',
										   'retention_series', 'cohort_retention')
						   AND signature NOT LIKE '%(clv_activity%')$$,
				'every function and aggregate is PARALLEL SAFE but the three that run DDL and the one-scan retention aggregates');
SELECT is_empty($$SELECT signature FROM clv_functions WHERE comment IS NULL$$,
				'every function and aggregate has a comment');
SELECT is_empty($$
	SELECT t.typname FROM pg_type t
	JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
	JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'clv'
	WHERE obj_description(coalesce(nullif(t.typelem, 0), t.oid), 'pg_type') IS NULL
	  AND (t.typcategory <> 'A' OR t.typelem = 0 OR obj_description(t.oid, 'pg_type') IS NULL)$$,
	'every type has a comment (an array type: its element)');
SELECT is_empty($$
	SELECT t.typname FROM pg_type t
	JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
	JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'clv'
	WHERE CASE WHEN t.typcategory = 'A' AND t.typelem <> 0
			   THEN format_type(t.typelem, NULL) || '[]' <> format_type(t.oid, NULL)
					OR format_type(t.typelem, NULL) NOT LIKE 'clv\_%'
			   ELSE t.typname NOT LIKE 'clv\_%' END$$,
	'every type is named clv_* (an array type: clv_*[])');
SELECT is_empty($$
	SELECT format_type(t.typarray, NULL) FROM pg_type t
	JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
	JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'clv'
	WHERE t.typarray <> 0
	  AND EXISTS (SELECT FROM clv_functions f JOIN pg_proc p ON p.oid = f.oid
				  WHERE p.prorettype = t.typarray OR t.typarray = ANY (p.proargtypes))
	  AND NOT EXISTS (SELECT FROM pg_depend a
					  WHERE a.classid = 'pg_type'::regclass AND a.objid = t.typarray
						AND a.refobjid = e.oid AND a.deptype = 'e')$$,
	'every array type a function of the extension takes or returns is a member');

SELECT * FROM finish();
ROLLBACK;
