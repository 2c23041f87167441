-- test/regress/error_of.sql -- included by the pg_regress suites (\i, run
-- from the top directory): pg_temp.error_of(query) runs a statement that
-- must fail and returns its SQLSTATE and message.
CREATE FUNCTION pg_temp.error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
