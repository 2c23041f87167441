-- The upgrade chain: installing the oldest released version and updating
-- to the default version gives the same objects as a fresh install of the
-- default version.  (With 1.0 alone the chain is empty; every later
-- clv--A--B.sql is walked here.)
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(3);
DROP EXTENSION IF EXISTS clv CASCADE;

-- the objects of the installed extension, described
CREATE TEMP TABLE clv_objects (how text, object text);
CREATE FUNCTION pg_temp.record_objects(how text) RETURNS void LANGUAGE sql AS $$
	INSERT INTO clv_objects
	SELECT how, pg_describe_object(d.classid, d.objid, 0)
	FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
	WHERE e.extname = 'clv' AND d.deptype = 'e'
$$;

SELECT version AS oldest FROM pg_available_extension_versions
WHERE name = 'clv' ORDER BY string_to_array(version, '.')::int[] LIMIT 1 \gset
CREATE EXTENSION clv VERSION :'oldest';
ALTER EXTENSION clv UPDATE;
SELECT pg_temp.record_objects('updated');
SELECT is((SELECT extversion FROM pg_extension WHERE extname = 'clv'),
		  (SELECT default_version FROM pg_available_extensions WHERE name = 'clv'),
		  'ALTER EXTENSION UPDATE reaches the default version');
DROP EXTENSION clv;
CREATE EXTENSION clv;
SELECT pg_temp.record_objects('fresh');

SELECT cmp_ok((SELECT count(*) FROM clv_objects WHERE how = 'fresh'), '>', 100::bigint,
			  'a fresh install has its objects');
SELECT is_empty($$
	(SELECT object FROM clv_objects WHERE how = 'fresh'
	 EXCEPT ALL SELECT object FROM clv_objects WHERE how = 'updated')
	UNION ALL
	(SELECT object FROM clv_objects WHERE how = 'updated'
	 EXCEPT ALL SELECT object FROM clv_objects WHERE how = 'fresh')$$,
	'the updated extension has exactly the objects of a fresh install');

SELECT * FROM finish();
ROLLBACK;
