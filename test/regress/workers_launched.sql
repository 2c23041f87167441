-- test/regress/workers_launched.sql -- included by the pg_regress suites
-- (\i, run from the top directory): pg_temp.workers_launched(query) runs
-- the query under EXPLAIN ANALYZE and returns the most workers any node of
-- its plan launched.
CREATE FUNCTION pg_temp.workers_launched(query text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) ' || query INTO plan;
	RETURN (WITH RECURSIVE nodes(node) AS (
				SELECT plan -> 0 -> 'Plan'
				UNION ALL
				SELECT child FROM nodes, json_array_elements(node -> 'Plans') child)
			SELECT max((node ->> 'Workers Launched')::int) FROM nodes);
END $$;
