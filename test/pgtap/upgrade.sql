-- The upgrade chain: installing the oldest released version and updating
-- to the default version gives the same objects, with the same
-- definitions, labels and comments, as a fresh install of the default
-- version.  Every clv--A--B.sql on the way is walked.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(5);
DROP EXTENSION IF EXISTS clv CASCADE;

-- every member of the installed extension, described with what defines it:
-- a function's signature, result, labels, C symbol, settings and defaults;
-- an aggregate's support functions, state and options; a type's I/O,
-- storage and attributes; an operator's and operator class's parts; the
-- comment of each
CREATE TEMP TABLE clv_objects (how text, object text, definition text);
CREATE FUNCTION pg_temp.record_objects(how text) RETURNS void LANGUAGE sql AS $$
	INSERT INTO clv_objects
	SELECT how, pg_describe_object(d.classid, d.objid, 0),
		   concat_ws(' | ',
			 (SELECT concat_ws(' ', 'kind', p.prokind, 'volatile', p.provolatile,
							   'strict', p.proisstrict, 'parallel', p.proparallel,
							   'args', pg_get_function_arguments(p.oid),
							   'result', pg_get_function_result(p.oid),
							   'language', l.lanname, 'symbol', p.prosrc, 'library', p.probin,
							   'cost', p.procost, 'rows', p.prorows,
							   'support', p.prosupport::regprocedure, 'config', p.proconfig::text,
							   'security definer', p.prosecdef, 'leakproof', p.proleakproof)
			  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
			  WHERE d.classid = 'pg_proc'::regclass AND p.oid = d.objid),
			 (SELECT concat_ws(' ', 'aggkind', a.aggkind, 'direct', a.aggnumdirectargs,
							   'sfunc', a.aggtransfn::oid::regprocedure,
							   'finalfunc', nullif(a.aggfinalfn::oid, 0)::regprocedure,
							   'combinefunc', nullif(a.aggcombinefn::oid, 0)::regprocedure,
							   'serialfunc', nullif(a.aggserialfn::oid, 0)::regprocedure,
							   'deserialfunc', nullif(a.aggdeserialfn::oid, 0)::regprocedure,
							   'msfunc', nullif(a.aggmtransfn::oid, 0)::regprocedure,
							   'minvfunc', nullif(a.aggminvtransfn::oid, 0)::regprocedure,
							   'mfinalfunc', nullif(a.aggmfinalfn::oid, 0)::regprocedure,
							   'finalextra', a.aggfinalextra, 'mfinalextra', a.aggmfinalextra,
							   'finalmodify', a.aggfinalmodify, 'mfinalmodify', a.aggmfinalmodify,
							   'sortop', nullif(a.aggsortop, 0)::regoperator,
							   'stype', a.aggtranstype::regtype, 'sspace', a.aggtransspace,
							   'mstype', nullif(a.aggmtranstype, 0)::regtype, 'msspace', a.aggmtransspace,
							   'initcond', a.agginitval, 'minitcond', a.aggminitval)
			  FROM pg_aggregate a
			  WHERE d.classid = 'pg_proc'::regclass AND a.aggfnoid = d.objid),
			 (SELECT concat_ws(' ', 'typtype', t.typtype, 'len', t.typlen, 'byval', t.typbyval,
							   'align', t.typalign, 'storage', t.typstorage,
							   'category', t.typcategory, 'preferred', t.typispreferred,
							   'input', t.typinput::oid::regprocedure, 'output', t.typoutput::oid::regprocedure,
							   'receive', nullif(t.typreceive::oid, 0)::regprocedure,
							   'send', nullif(t.typsend::oid, 0)::regprocedure,
							   'element', nullif(t.typelem, 0)::regtype,
							   'array', nullif(t.typarray, 0)::regtype,
							   'attributes', (SELECT string_agg(att.attname || ' ' || format_type(att.atttypid, att.atttypmod), ', ' ORDER BY att.attnum)
											  FROM pg_attribute att
											  WHERE att.attrelid = t.typrelid AND att.attnum > 0 AND NOT att.attisdropped))
			  FROM pg_type t
			  WHERE d.classid = 'pg_type'::regclass AND t.oid = d.objid),
			 (SELECT concat_ws(' ', 'left', o.oprleft::regtype, 'right', o.oprright::regtype,
							   'result', o.oprresult::regtype, 'code', o.oprcode::oid::regprocedure,
							   'commutator', nullif(o.oprcom, 0)::regoperator,
							   'negator', nullif(o.oprnegate, 0)::regoperator,
							   'restrict', o.oprrest, 'join', o.oprjoin,
							   'merges', o.oprcanmerge, 'hashes', o.oprcanhash)
			  FROM pg_operator o
			  WHERE d.classid = 'pg_operator'::regclass AND o.oid = d.objid),
			 (SELECT concat_ws(' ', 'method', am.amname, 'default', c.opcdefault,
							   'type', c.opcintype::regtype,
							   'operators', (SELECT string_agg(ao.amopstrategy || ' ' || ao.amopopr::regoperator, ', ' ORDER BY ao.amopstrategy)
											 FROM pg_amop ao WHERE ao.amopfamily = c.opcfamily),
							   'functions', (SELECT string_agg(ap.amprocnum || ' ' || ap.amproc::oid::regprocedure, ', ' ORDER BY ap.amprocnum)
											 FROM pg_amproc ap WHERE ap.amprocfamily = c.opcfamily))
			  FROM pg_opclass c JOIN pg_am am ON am.oid = c.opcmethod
			  WHERE d.classid = 'pg_opclass'::regclass AND c.oid = d.objid),
			 'comment ' || obj_description(d.objid, d.classid::regclass::name))
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
SELECT cmp_ok((SELECT count(*) FROM pg_extension_update_paths('clv')
			   WHERE source = :'oldest' AND path IS NOT NULL), '>', 0::bigint,
			  'the oldest version has an update path');
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
SELECT is_empty($$
	(SELECT 'fresh: ' || object || ' | ' || definition FROM clv_objects WHERE how = 'fresh'
	 EXCEPT ALL SELECT 'fresh: ' || object || ' | ' || definition FROM clv_objects WHERE how = 'updated')
	UNION ALL
	(SELECT 'updated: ' || object || ' | ' || definition FROM clv_objects WHERE how = 'updated'
	 EXCEPT ALL SELECT 'updated: ' || object || ' | ' || definition FROM clv_objects WHERE how = 'fresh')$$,
	'every object of the updated extension is defined, labelled and commented as in a fresh install');

SELECT * FROM finish();
ROLLBACK;
