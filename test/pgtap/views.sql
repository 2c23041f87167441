-- test/pgtap/views.sql -- catalogue checks of the deployment functions
-- (section 6 of the install script): the three that run DDL are VOLATILE,
-- PARALLEL UNSAFE and run with the caller's rights; every one of them pins
-- search_path; the helpers are STABLE; arguments, defaults and comments.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS clv;
SELECT plan(29);

SELECT has_function('clv_create_views',
	ARRAY['regclass', 'name', 'name', 'name', 'text', 'interval', 'integer', 'double precision',
		  'text', 'interval', 'interval', 'date', 'name', 'boolean', 'boolean']);
SELECT function_returns('clv_create_views',
	ARRAY['regclass', 'name', 'name', 'name', 'text', 'interval', 'integer', 'double precision',
		  'text', 'interval', 'interval', 'date', 'name', 'boolean', 'boolean'], 'text');
SELECT is((SELECT pg_get_function_arguments('clv_create_views'::regproc)),
	'source regclass, customer name, ordered_at name, amount name, zone text DEFAULT ''UTC''::text, '
	'unit interval DEFAULT ''7 days''::interval, months integer DEFAULT 12, '
	'discount double precision DEFAULT 0.01, prefix text DEFAULT ''clv_''::text, '
	'period interval DEFAULT ''1 mon''::interval, holdout interval DEFAULT ''182 days''::interval, '
	'as_of date DEFAULT NULL::date, schema name DEFAULT "current_schema"(), replace boolean DEFAULT false, '
	'dry_run boolean DEFAULT false',
	'clv_create_views: the orders relation and its three columns first, then settings with defaults');
SELECT has_function('clv_refresh_views', ARRAY['text', 'name']);
SELECT function_returns('clv_refresh_views', ARRAY['text', 'name'], 'void');
SELECT is((SELECT pg_get_function_arguments('clv_refresh_views'::regproc)),
	'prefix text DEFAULT ''clv_''::text, schema name DEFAULT "current_schema"()',
	'clv_refresh_views: prefix and schema, with defaults');
SELECT has_function('clv_schedule_views', ARRAY['text', 'text', 'name']);
SELECT function_returns('clv_schedule_views', ARRAY['text', 'text', 'name'], 'bigint');

-- the three that run DDL
SELECT volatility_is('clv_create_views',
	ARRAY['regclass', 'name', 'name', 'name', 'text', 'interval', 'integer', 'double precision',
		  'text', 'interval', 'interval', 'date', 'name', 'boolean', 'boolean'], 'volatile',
	'clv_create_views is VOLATILE: it creates relations');
SELECT volatility_is('clv_refresh_views', ARRAY['text', 'name'], 'volatile',
	'clv_refresh_views is VOLATILE: it refreshes relations');
SELECT volatility_is('clv_schedule_views', ARRAY['text', 'text', 'name'], 'volatile',
	'clv_schedule_views is VOLATILE: it registers a cron job');
SELECT is(array_agg(DISTINCT proparallel), ARRAY['u']::"char"[],
	'the three DDL functions are PARALLEL UNSAFE')
FROM pg_proc WHERE proname IN ('clv_create_views', 'clv_refresh_views', 'clv_schedule_views');
SELECT is(count(*), 3::bigint, 'the three DDL functions run with the caller''s rights (SECURITY INVOKER)')
FROM pg_proc WHERE proname IN ('clv_create_views', 'clv_refresh_views', 'clv_schedule_views')
	AND NOT prosecdef;
SELECT is(count(*), 3::bigint, 'the three DDL functions are CALLED ON NULL INPUT (a NULL is an error, never a silent no-op)')
FROM pg_proc WHERE proname IN ('clv_create_views', 'clv_refresh_views', 'clv_schedule_views')
	AND NOT proisstrict;
SELECT is((SELECT proconfig FROM pg_proc WHERE proname = 'clv_create_views'),
	ARRAY['search_path=pg_catalog, pg_temp', 'DateStyle=ISO, YMD', 'IntervalStyle=postgres',
		  'extra_float_digits=1'],
	'clv_create_views pins search_path and the styles of the literals it writes');

-- the helpers
SELECT volatility_is('clv_views_relations', ARRAY['text', 'text', 'name'], 'stable',
	'clv_views_relations is STABLE: it reads the catalogue');
SELECT volatility_is('clv_views_deployed', ARRAY['text', 'text', 'name'], 'stable',
	'clv_views_deployed is STABLE: it reads the catalogue');
SELECT volatility_is('clv_views_column', ARRAY['text', 'regclass', 'text', 'name'], 'stable',
	'clv_views_column is STABLE: it reads the catalogue');
SELECT is(count(*), 3::bigint, 'the helpers are PARALLEL SAFE and SECURITY INVOKER')
FROM pg_proc WHERE proname IN ('clv_views_relations', 'clv_views_deployed', 'clv_views_column')
	AND proparallel = 's' AND NOT prosecdef;

-- all of section 6
SELECT is(count(*), 6::bigint, 'section 6 has six functions, all in PL/pgSQL')
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.proname IN ('clv_create_views', 'clv_refresh_views', 'clv_schedule_views',
					'clv_views_relations', 'clv_views_deployed', 'clv_views_column')
	AND l.lanname = 'plpgsql';
SELECT is(count(*), 6::bigint, 'every function of section 6 pins search_path = pg_catalog, pg_temp')
FROM pg_proc
WHERE proname IN ('clv_create_views', 'clv_refresh_views', 'clv_schedule_views',
				  'clv_views_relations', 'clv_views_deployed', 'clv_views_column')
	AND 'search_path=pg_catalog, pg_temp' = ANY (proconfig);
SELECT is(count(*), 6::bigint, 'every function of section 6 has a comment')
FROM pg_proc
WHERE proname IN ('clv_create_views', 'clv_refresh_views', 'clv_schedule_views',
				  'clv_views_relations', 'clv_views_deployed', 'clv_views_column')
	AND obj_description(oid, 'pg_proc') IS NOT NULL;
SELECT is(count(*), 6::bigint, 'every function of section 6 belongs to the extension')
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'clv'
WHERE p.proname IN ('clv_create_views', 'clv_refresh_views', 'clv_schedule_views',
					'clv_views_relations', 'clv_views_deployed', 'clv_views_column');
SELECT is_empty($$
	SELECT proname FROM pg_proc
	WHERE proname IN ('clv_create_views', 'clv_refresh_views', 'clv_schedule_views',
					  'clv_views_relations', 'clv_views_deployed', 'clv_views_column')
		AND prosrc ~ 'EXECUTE [^f]' AND prosrc !~ 'EXECUTE (stmt|format)'$$,
	'section 6 runs dynamic SQL only through format() or the DDL it built with format()');

-- what the functions create: the views a deployment over a tiny table
-- makes carry the extension's comment style, and the DDL function's
-- result is the DDL it ran
CREATE TABLE public.pgtap_views_orders (customer_id int, ordered_at date, amount numeric);
INSERT INTO public.pgtap_views_orders VALUES (1, '2025-01-01', 10), (1, '2025-02-01', 20), (2, '2025-03-01', 5);
SELECT lives_ok($$SELECT clv_create_views('public.pgtap_views_orders', 'customer_id', 'ordered_at', 'amount',
										  as_of => '2025-12-31', prefix => 'pgtap_', schema => 'public')$$,
	'clv_create_views deploys over a tiny table');
SELECT is(count(*), 6::bigint, 'it makes six materialized views, each commented')
FROM pg_class WHERE relname LIKE 'pgtap\_%' AND relkind = 'm' AND relnamespace = 'public'::regnamespace
	AND obj_description(oid, 'pg_class') ~ '^clv_create_views\(public\.pgtap_views_orders, customer_id, ordered_at, amount\): [a-z]';
SELECT is(count(*), 6::bigint, 'each has one unique index')
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
WHERE c.relname LIKE 'pgtap\_%' AND c.relkind = 'm' AND i.indisunique AND i.indpred IS NULL
	AND i.indexprs IS NULL;
SELECT lives_ok($$SELECT clv_refresh_views('pgtap_', 'public')$$, 'clv_refresh_views refreshes them');
SELECT throws_ok($$SELECT clv_create_views('public.pgtap_views_orders', 'customer_id', 'ordered_at', 'amount',
										   prefix => 'pgtap_', schema => 'public')$$,
	'42P07', NULL, 'a second deployment with the same prefix is an error');

SELECT * FROM finish();
ROLLBACK;
