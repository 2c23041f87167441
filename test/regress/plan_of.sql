-- test/regress/plan_of.sql -- included by the pg_regress suites (\i, run
-- from the top directory): pg_temp.plan_of(query) runs the query under
-- EXPLAIN ANALYZE and says whether its plan has a partial aggregate and
-- launched workers.
CREATE FUNCTION pg_temp.plan_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	line text;
	partial boolean := false;
	launched boolean := false;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query LOOP
		partial := partial OR line ~ 'Partial (Hash|Group)?Aggregate';
		launched := launched OR line ~ 'Workers Launched: [1-9]';
	END LOOP;
	RETURN format('partial aggregate: %s, workers launched: %s', partial, launched);
END $$;
