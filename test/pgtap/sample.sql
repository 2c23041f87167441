-- test/pgtap/sample.sql -- catalogue checks of clv_sample_orders
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS clv;
SELECT plan(12);

SELECT has_function('clv_sample_orders',
	ARRAY['integer', 'integer', 'double precision', 'double precision',
	      'double precision', 'double precision', 'double precision',
	      'double precision', 'double precision', 'interval',
	      'timestamp with time zone', 'timestamp with time zone']);
SELECT function_returns('clv_sample_orders',
	ARRAY['integer', 'integer', 'double precision', 'double precision',
	      'double precision', 'double precision', 'double precision',
	      'double precision', 'double precision', 'interval',
	      'timestamp with time zone', 'timestamp with time zone'],
	'setof record');
SELECT volatility_is('clv_sample_orders', 'immutable',
	'clv_sample_orders is IMMUTABLE: no TimeZone or calendar arithmetic');
SELECT is_strict('clv_sample_orders', 'clv_sample_orders is STRICT: a NULL argument gives no rows');
SELECT is((SELECT proparallel FROM pg_proc WHERE proname = 'clv_sample_orders'), 's',
	'clv_sample_orders is PARALLEL SAFE');
SELECT is((SELECT pronargdefaults FROM pg_proc WHERE proname = 'clv_sample_orders'), 12::smallint,
	'every argument of clv_sample_orders has a default');
SELECT is((SELECT proargnames::text FROM pg_proc WHERE proname = 'clv_sample_orders'),
	'{customers,seed,r,alpha,a,b,p,q,gamma,unit,start_at,end_at,customer_id,ordered_at,amount}',
	'clv_sample_orders argument and column names');
SELECT isnt(obj_description('clv_sample_orders'::regproc, 'pg_proc'), NULL,
	'clv_sample_orders has a comment');
SELECT is((SELECT prosupport::text FROM pg_proc WHERE proname = 'clv_sample_orders'),
	'clv_sample_orders_support', 'clv_sample_orders has its planner support function');
SELECT volatility_is('clv_sample_orders_support', ARRAY['internal'], 'immutable',
	'clv_sample_orders_support is IMMUTABLE');
SELECT is_strict('clv_sample_orders_support', ARRAY['internal'],
	'clv_sample_orders_support is STRICT');
SELECT is((SELECT proparallel FROM pg_proc WHERE proname = 'clv_sample_orders_support'), 's',
	'clv_sample_orders_support is PARALLEL SAFE');

SELECT * FROM finish();
ROLLBACK;
