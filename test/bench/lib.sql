-- test/bench/lib.sql -- timing helpers shared by every benchmark file.
--
-- bench_ms(query, reps) runs query reps times (results discarded) and
-- returns the median wall time in milliseconds.  The whole row is counted
-- so that the planner cannot drop unused aggregate columns.  Ratios are always taken
-- between queries timed in the same run, never against a fixed number.

CREATE OR REPLACE FUNCTION pg_temp.bench_ms(query text, reps int DEFAULT 5)
RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	times float8[] := '{}';
BEGIN
	FOR i IN 1..reps LOOP
		t0 := clock_timestamp();
		EXECUTE 'SELECT count(bench_q) FROM (' || query || ') bench_q';
		times := times || extract(epoch FROM clock_timestamp() - t0) * 1000;
	END LOOP;
	RETURN (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(times) x);
END $$;
