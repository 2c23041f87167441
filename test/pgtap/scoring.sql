-- Labels and signatures of the scoring functions (SPEC.md "Level 2").
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS clv;
SELECT plan(14);

SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text)
		   FROM pg_proc p WHERE p.proname IN ('rfm_score', 'value_tier') AND p.prokind = 'w'),
		  ARRAY['rfm_score("any","any","any",integer)', 'rfm_score(clv_rfm,integer)',
				'value_tier("any",double precision,double precision)'],
		  'rfm_score (two forms) and value_tier are window functions');
SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text)
		   FROM pg_proc p WHERE p.proname = 'rfm_segment' AND p.prokind = 'f'),
		  ARRAY['rfm_segment(integer,integer)', 'rfm_segment(text)'],
		  'rfm_segment takes a score or the R and F digits');
SELECT is_empty($$
	SELECT p.oid::regprocedure FROM pg_proc p
	WHERE p.proname IN ('rfm_score', 'value_tier', 'rfm_segment')
	  AND (p.provolatile <> 'i' OR p.proparallel <> 's' OR p.prorettype <> 'text'::regtype)$$,
	'scoring functions are IMMUTABLE, PARALLEL SAFE and return text');
SELECT isnt_strict('rfm_score', ARRAY['"any"', '"any"', '"any"', 'integer'],
				   'rfm_score sees NULL inputs (NULL score, row left out of n)');
SELECT isnt_strict('rfm_score', ARRAY['clv_rfm', 'integer'],
				   'rfm_score(clv_rfm) sees NULL inputs');
SELECT isnt_strict('value_tier', ARRAY['"any"', 'double precision', 'double precision'],
				   'value_tier sees NULL inputs (NULL tier, row left out of P)');
SELECT is_strict('rfm_segment', ARRAY['text'], 'rfm_segment(NULL) is NULL');
SELECT is_strict('rfm_segment', ARRAY['integer', 'integer'], 'rfm_segment(NULL, f) is NULL');
SELECT is((SELECT pg_get_function_arguments('rfm_score("any","any","any",integer)'::regprocedure)),
		  'recency "any", frequency "any", monetary "any", bins integer DEFAULT 5',
		  'rfm_score: bins defaults to 5');
SELECT is((SELECT pg_get_function_arguments('value_tier("any",float8,float8)'::regprocedure)),
		  'value "any", high_share double precision DEFAULT 0.8, medium_share double precision DEFAULT 0.95',
		  'value_tier: shares default to 0.8 and 0.95');
SELECT is((SELECT count(*) FROM pg_description d JOIN pg_proc p ON p.oid = d.objoid
		   WHERE p.proname IN ('rfm_score', 'value_tier', 'rfm_segment')), 5::bigint,
		  'every scoring function has a comment');

-- overload resolution without casts: the clv_rfm field types and plain columns
SELECT is((SELECT rfm_score(1.5::float8, 2::bigint, 3.25::numeric) OVER ()), '111',
		  'rfm_score(float8, bigint, numeric) resolves');
SELECT is((SELECT rfm_score(row(1.5, 2, 3.25)::clv_rfm) OVER ()), '111',
		  'rfm_score(clv_rfm) resolves');
SELECT is((SELECT value_tier(7) OVER ()), 'high', 'value_tier(integer) resolves');

SELECT * FROM finish();
ROLLBACK;
