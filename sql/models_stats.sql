--
-- The clv_stats type: text form (JSON, read by PostgreSQL's JSON parser),
-- binary form, exact round trips of every value, equality and order, and
-- the model aggregates' partial states shipped as text and combined, as a
-- distributed engine (Citus) does.
--
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
SET IntervalStyle = 'postgres';

\i test/regress/error_of.sql

-- the same with the error's detail
CREATE FUNCTION pg_temp.detail_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	detail text;
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || detail;
END $$;

-- a statistic of 2,000 simulated customers, in weeks, by day
CREATE TABLE stats_summaries AS
SELECT customer_id, clv_summary(ordered_at::date, amount, '2025-12-31'::date, '1 week') AS s
FROM clv_sample_orders(2000, 5) GROUP BY customer_id;
CREATE TABLE stats_fixture AS SELECT clv_stats(s) AS stats FROM stats_summaries;
SELECT (SELECT count(*) FROM stats_summaries) AS customers,
	   length(stats::text) > 1000 AS long_text FROM stats_fixture;

-- clv_stats text form: round trip, validation of malformed literals
SELECT clv_stats(x, t_x, t, m, '1 day')
FROM (VALUES (0, 0.0, 4.0, 0.0), (0, 0.0, 4.0, 0.0), (1, 2.0, 4.0, 5.5), (2, 1.5, 4.0, 8.25), (1, 2.0, 4.0, 5.5)) v(x, t_x, t, m);
SELECT stats::text::clv_stats::text = stats::text AS text_round_trip FROM stats_fixture;
SELECT '{ "unit" : "12:00:00" , "tx" : [ [0, 0, 2.5, 3] ] , "spend" : [ ] }'::clv_stats AS spaces_allowed;
SELECT pg_temp.error_of($$SELECT 'garbage'::clv_stats$$);
SELECT pg_temp.error_of($$SELECT '{"unit":"1 day","tx":[[0,0,1,1]],"spend":[]} extra'::clv_stats$$);
SELECT pg_temp.error_of($$SELECT '{"unit":"1 day","tx":[[0,0,1]],"spend":[]}'::clv_stats$$);
SELECT pg_temp.error_of($$SELECT '{"unit":"1 day","tx":[[0.5,0,1,1]],"spend":[]}'::clv_stats$$);
SELECT pg_temp.error_of($$SELECT '{"unit":"1 day","tx":[[0,0,1,0]],"spend":[]}'::clv_stats$$);
SELECT pg_temp.error_of($$SELECT '{"unit":"1 day","tx":[[1,2,1,1]],"spend":[]}'::clv_stats$$);
SELECT pg_temp.error_of($$SELECT '{"unit":"1 day","tx":[[1,1,2,1],[0,0,1,1]],"spend":[]}'::clv_stats$$);
SELECT pg_temp.error_of($$SELECT '{"unit":"1 day","tx":[[0,0,1,1],[0,0,1,1]],"spend":[]}'::clv_stats$$);
SELECT pg_temp.error_of($$SELECT '{"unit":"1 day","tx":[],"spend":[[0,5,1]]}'::clv_stats$$);
SELECT pg_temp.error_of($$SELECT '{"unit":"1 day","tx":[],"spend":[[1,"nan",1]]}'::clv_stats$$);
SELECT pg_temp.error_of($$SELECT '{"unit":"1 day","tx":[],"spend":[[1,1e999,1]]}'::clv_stats$$);
SELECT pg_temp.error_of($$SELECT '{"unit":"-1 day","tx":[],"spend":[]}'::clv_stats$$);
SELECT pg_temp.error_of($$SELECT '{"unit":"soon","tx":[],"spend":[]}'::clv_stats$$);
-- numbers are JSON numbers: no hexadecimal, leading plus, bare point or leading zero
SELECT n, pg_temp.error_of(format($$SELECT '{"unit":"1 day","tx":[[1,%s,4,1]],"spend":[]}'::clv_stats$$, n))
FROM (VALUES ('0x1'), ('+1'), ('.5'), ('1.'), ('01'), ('1e'), ('Infinity')) v(n);
SELECT pg_temp.error_of($$SELECT '{"unit":"1 day","tx":[[+1,1,4,1]],"spend":[]}'::clv_stats$$);
SELECT '{"unit":"1 day","tx":[[0,-0,1,1],[1,0.5,2E+0,2]],"spend":[[1,-0.0,1]]}'::clv_stats AS negative_zero_reads_as_zero;
-- x beyond 2^53 is not a count the models can use
SELECT pg_temp.error_of($$SELECT '{"unit":"1 day","tx":[[9007199254740993,1,2,1]],"spend":[]}'::clv_stats$$);
SELECT pg_temp.error_of($$SELECT bgnbd_fit(9223372036854775807, 1, 2, '1 day')$$);
-- counts add up to at most 2^63 - 1
SELECT pg_temp.error_of($$SELECT clv_stats_merge(s) FROM (VALUES
	('{"unit":"1 day","tx":[[0,0,1,9223372036854775807]],"spend":[]}'::clv_stats),
	('{"unit":"1 day","tx":[[0,0,1,2]],"spend":[]}')) v(s)$$);
SELECT pg_temp.error_of($$SELECT bgnbd_fit('{"unit":"1 day","tx":[[0,0,1,4611686018427387904],[1,1,2,4611686018427387904]],"spend":[]}'::clv_stats)$$);

-- clv_stats binary form: COPY BINARY out and back in
CREATE TABLE stats_copy (s clv_stats);
COPY (SELECT stats FROM stats_fixture) TO '/tmp/clv_models_regress.bin' (FORMAT binary);
COPY stats_copy FROM '/tmp/clv_models_regress.bin' (FORMAT binary);
SELECT s::text = (SELECT stats::text FROM stats_fixture) AS binary_round_trip FROM stats_copy;
-- binary input validates: raw bytes written as bytea and read back as clv_stats
CREATE FUNCTION pg_temp.recv_error(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', bytes, '/tmp/clv_models_regress_bad.bin');
	RETURN pg_temp.error_of($q$COPY stats_copy FROM '/tmp/clv_models_regress_bad.bin' (FORMAT binary)$q$);
END $$;
SELECT pg_temp.recv_error('\x0001');
SELECT pg_temp.recv_error(int8send(86400000000) || int4send(2) || int4send(0)
						  || int8send(1) || float8send(1) || float8send(3) || int8send(1));
SELECT pg_temp.recv_error(int8send(86400000000) || int4send(1) || int4send(0)
						  || int8send(1) || float8send(5) || float8send(3) || int8send(1));
-- a value without a unit and without rows reads (the state of an aggregate
-- that saw only NULL rows)
SELECT pg_temp.recv_error(int8send(0) || int4send(0) || int4send(0)) AS no_unit_no_rows;
-- (x, t_x, t) rows need a unit
SELECT pg_temp.recv_error(int8send(0) || int4send(1) || int4send(0)
						  || int8send(1) || float8send(1) || float8send(3) || int8send(1));
SELECT pg_temp.recv_error(int8send(86400000000) || int4send(0) || int4send(1)
						  || int8send(1) || float8send('NaN') || int8send(1));
SELECT pg_temp.recv_error(int8send(86400000000) || int4send(1) || int4send(0)
						  || int8send(1) || float8send(1) || float8send(3) || int8send(1)) AS valid_value;
-- the longest unit an int64 holds reads, prints and reads back
SELECT pg_temp.recv_error(int8send(9223372036854775807) || int4send(1) || int4send(0)
						  || int8send(1) || float8send(1) || float8send(3) || int8send(1)) AS longest_unit;
SELECT count(*) AS rows_read FROM stats_copy;
SELECT s::text, s::text::clv_stats::text = s::text AS text_round_trip
FROM stats_copy WHERE s::text LIKE '{"unit":"106751991 days%';


-- the text form is read as JSON: any key order, white space, escapes, any
-- spelling of a number that means the same value; the output is unchanged
SELECT '{"spend":[[1,5.5,2]],"tx":[[0,0,1.5,3],[1,0.5,2,2]],"unit":"1 day"}'::clv_stats AS keys_in_any_order;
SELECT E'{\n\t"unit" : "1 \\u0064ay",\n\t"tx" : [ [ 1 , 5e-1 , 2.0E0 , 2.0 ] ],\n\t"spend" : [ ]\n}'::clv_stats AS escapes_and_spellings;
SELECT '{"unit":"1 day","tx":[[1,0.5,2,20e-1],[2,1,2,1.5e1]],"spend":[[1,1,100e-2]]}'::clv_stats AS integers_spelt_as_decimals;
-- through jsonb and back: same value (jsonb reorders keys, respaces, spells
-- numbers its own way)
SELECT stats::text::jsonb::text::clv_stats = stats AS jsonb_round_trip,
	   stats::text::jsonb::text::clv_stats::text = stats::text AS jsonb_text_round_trip,
	   stats::text::jsonb::text <> stats::text AS jsonb_spells_it_otherwise
FROM stats_fixture;
-- issue 10.3: a subnormal reads back (strtod's range error is no error there)
SELECT clv_stats(0, 0, 1e-320::float8, 0, '1 day')::text::clv_stats AS subnormal;
SELECT (clv_stats(0, 0, 1e-320::float8, 0, '1 day')::text::jsonb)::text::clv_stats AS subnormal_through_jsonb;
-- every extreme reads back to the same bits: the smallest subnormal, the
-- smallest normal, the largest double, 2^53, the largest count; -0 is 0
CREATE TABLE extremes AS
SELECT clv_stats(x, t_x, t, m, unit) AS s
FROM (VALUES (0::bigint, 0::float8, 5e-324::float8, 1::float8, '1 day'::interval),
			 (1, 0, 2.2250738585072014e-308, 2.2250738585072014e-308, '1 day'),
			 (2, 1e-310, 1.7976931348623157e308, 1.7976931348623157e308, '1 day'),
			 (9007199254740992, 0.1, 0.30000000000000004, -1.7976931348623157e308, '1 day'),
			 (3, -0::float8, 4, -0::float8, '1 day'),
			 (3, 0, 4, 5e-324, '1 day')) v(x, t_x, t, m, unit);
SELECT s FROM extremes;
SELECT s::text::clv_stats = s AS text_round_trip,
	   s::text::clv_stats::text = s::text AS text_twice,
	   s::text::jsonb::text::clv_stats = s AS jsonb_round_trip
FROM extremes;
SELECT '{"unit":"1 day","tx":[[0,0,1,9223372036854775807]],"spend":[]}'::clv_stats AS largest_count,
	   '{"unit":"1 day","tx":[[0,-0.0,-0e0,1]],"spend":[[1,-0,1]]}'::clv_stats AS signed_zeros;
-- a value without a unit (the state of gamma_gamma_fit over plain columns)
-- and an empty one print and read back
SELECT '{"unit":null,"tx":[],"spend":[[1,2.5,1],[2,3,4]]}'::clv_stats AS no_unit,
	   '{"unit":null,"tx":[],"spend":[]}'::clv_stats AS empty,
	   '{"unit":null,"tx":[],"spend":[]}'::clv_stats::text::clv_stats AS empty_twice;
-- what the text form does not accept, and why
SELECT q, pg_temp.detail_of(format('SELECT %L::clv_stats', q))
FROM (VALUES ('[]'), ('5'), ('{}'), ('{"unit":"1 day","tx":[]}'),
			 ('{"unit":"1 day","tx":[],"spend":[],"extra":1}'),
			 ('{"unit":"1 day","unit":"2 days","tx":[],"spend":[]}'),
			 ('{"unit":7,"tx":[],"spend":[]}'), ('{"unit":["1 day"],"tx":[],"spend":[]}'),
			 ('{"unit":"1 day","tx":{},"spend":[]}'), ('{"unit":"1 day","tx":[1],"spend":[]}'),
			 ('{"unit":"1 day","tx":[[0,0,1,1,1]],"spend":[]}'), ('{"unit":"1 day","tx":[[0,0,[1],1]],"spend":[]}'),
			 ('{"unit":"1 day","tx":[[0,0,"1",1]],"spend":[]}'), ('{"unit":"1 day","tx":[[1.5,1,2,1]],"spend":[]}'),
			 ('{"unit":"1 day","tx":[[0,0,1,1e19]],"spend":[]}'), ('{"unit":"1 day","tx":[[0,0,1e-400,1]],"spend":[]}'),
			 ('{"unit":null,"tx":[[0,0,1,1]],"spend":[]}'), ('{"unit":"1 day","tx":[[0,0,1,1]],"spend":[]')) v(q);

-- equality and order (issue 10.3): DISTINCT, GROUP BY, UNION, ORDER BY, a
-- hash join and a btree index over clv_stats values
CREATE TABLE stats_set AS
SELECT customer_id % 4 AS piece, clv_stats(s) AS stats FROM stats_summaries GROUP BY customer_id % 4;
INSERT INTO stats_set SELECT piece + 10, stats FROM stats_set;
INSERT INTO stats_set SELECT 100, stats::text::clv_stats FROM stats_fixture;
SELECT count(*) AS values_, count(DISTINCT stats) AS distinct_values FROM stats_set;
SELECT count(*) AS groups FROM (SELECT stats FROM stats_set GROUP BY stats) g;
SELECT count(*) AS union_rows FROM (SELECT stats FROM stats_set UNION SELECT stats FROM stats_fixture) u;
SELECT bool_and(a.stats = b.stats) AS equal_pieces_equal, bool_and(a.stats <> c.stats) AS other_pieces_differ
FROM stats_set a JOIN stats_set b ON b.piece = a.piece + 10 JOIN stats_set c ON c.piece = (a.piece + 1) % 4
WHERE a.piece < 4;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM stats_set a JOIN stats_set b USING (stats);
SELECT count(*) AS hash_join_pairs FROM stats_set a JOIN stats_set b USING (stats);
RESET enable_mergejoin;
RESET enable_nestloop;
SELECT piece FROM stats_set ORDER BY stats, piece;
-- small values fit in a btree index, which then answers an equality search
CREATE INDEX extremes_s ON extremes (s);
SET enable_seqscan = off;
SELECT count(*) AS found_by_index FROM extremes WHERE s = (SELECT s FROM extremes ORDER BY s LIMIT 1);
RESET enable_seqscan;
-- the order is by unit, then rows; < and > are each other's mirror
SELECT '{"unit":"1 day","tx":[],"spend":[]}'::clv_stats < '{"unit":"2 days","tx":[],"spend":[]}'::clv_stats AS by_unit,
	   '{"unit":"1 day","tx":[[0,0,1,1]],"spend":[]}'::clv_stats < '{"unit":"1 day","tx":[[0,0,1,2]],"spend":[]}'::clv_stats AS by_count,
	   '{"unit":"1 day","tx":[[0,0,1,1]],"spend":[]}'::clv_stats < '{"unit":"1 day","tx":[[0,0,1,1],[1,1,2,1]],"spend":[]}'::clv_stats AS prefix_first,
	   bool_and((a.stats < b.stats) = (b.stats > a.stats) AND (a.stats <= b.stats) = NOT (a.stats > b.stats)) AS mirror
FROM stats_set a, stats_set b;

-- the partial states of the model aggregates are clv_stats values: shipped
-- as text and combined with the combine function (the transition over
-- clv_stats), as Citus's worker_partial_agg and coord_combine_agg do, they
-- give the one-pass fit exactly; a Gamma-Gamma state has no unit, a state
-- that saw only NULL rows no rows
CREATE AGGREGATE pg_temp.bg_partial(bigint, float8, float8, interval) (
	SFUNC = clv_bgnbd_fit_trans, STYPE = clv_stats);
CREATE AGGREGATE pg_temp.bg_combine(clv_stats) (
	SFUNC = clv_bgnbd_fit_trans, STYPE = clv_stats, FINALFUNC = clv_bgnbd_fit_final);
CREATE AGGREGATE pg_temp.pn_combine(clv_stats) (
	SFUNC = clv_pareto_nbd_fit_trans, STYPE = clv_stats, FINALFUNC = clv_pareto_nbd_fit_final);
CREATE AGGREGATE pg_temp.gg_partial(bigint, float8) (
	SFUNC = clv_gamma_gamma_fit_trans, STYPE = clv_stats);
CREATE AGGREGATE pg_temp.gg_combine(clv_stats) (
	SFUNC = clv_gamma_gamma_fit_trans, STYPE = clv_stats, FINALFUNC = clv_gamma_gamma_fit_final);
CREATE TABLE shipped AS
SELECT customer_id % 3 AS shard,
	   pg_temp.bg_partial((s).x, (s).t_x, (s).t, (s).unit)::text AS bg_state,
	   pg_temp.gg_partial((s).x, (s).m::float8)::text AS gg_state
FROM stats_summaries GROUP BY customer_id % 3;
SELECT shard, left(bg_state, 24) AS bg_state, left(gg_state, 24) AS gg_state FROM shipped ORDER BY shard;
SELECT (SELECT pg_temp.bg_combine(bg_state::clv_stats) FROM shipped) = bgnbd_fit(s) AS bgnbd_combined_same,
	   (SELECT pg_temp.pn_combine(bg_state::clv_stats) FROM shipped) = pareto_nbd_fit(s) AS pareto_combined_same,
	   (SELECT pg_temp.gg_combine(gg_state::clv_stats) FROM shipped) = gamma_gamma_fit(s) AS gg_combined_same
FROM stats_summaries;
SELECT pg_temp.gg_partial(x, m)::text AS null_rows_state,
	   pg_temp.gg_partial(x, m)::text::clv_stats::text AS read_back
FROM (VALUES (NULL::bigint, NULL::float8)) v(x, m);
-- merging a value without a unit into one with a unit keeps both parts
SELECT clv_stats_merge(s) AS merged
FROM (VALUES ('{"unit":null,"tx":[],"spend":[[1,2.5,1]]}'::clv_stats),
			 ('{"unit":"7 days","tx":[[1,1,2,1]],"spend":[[1,2.5,2]]}')) v(s);
-- support functions check their calling context
SELECT pg_temp.error_of($$SELECT clv_bgnbd_fit_trans(NULL::clv_stats, 1, 1, 2, '1 day')$$);
SELECT pg_temp.error_of($$SELECT clv_bgnbd_fit_final('{"unit":"1 day","tx":[],"spend":[]}')$$);

-- many groups: the states of one aggregate share one memory context (1.1
-- before: a context each, which a hash aggregate sums at every new group,
-- so that 20,000 groups took about a minute and 50,000 over ten); every
-- group's statistic equals the one a sorted aggregation gives
SET enable_sort = off;
SET work_mem = '1GB';
SET statement_timeout = '60s';
CREATE TEMP TABLE many_groups AS
SELECT g, clv_stats(x, t_x, t, m, '1 day') AS f
FROM (SELECT i % 50000 AS g, (i % 7)::bigint AS x, (i % 7)::float8 AS t_x,
			 (10 + i % 3)::float8 AS t, 3.5::float8 AS m
	  FROM generate_series(1, 250000) i) s
GROUP BY g;
RESET statement_timeout;
RESET work_mem;
RESET enable_sort;
SET enable_hashagg = off;
SELECT count(*) AS groups, count(*) FILTER (WHERE h.f = s.f) AS same_as_sorted
FROM many_groups h
JOIN (SELECT g, clv_stats(x, t_x, t, m, '1 day') AS f
	  FROM (SELECT i % 50000 AS g, (i % 7)::bigint AS x, (i % 7)::float8 AS t_x,
				   (10 + i % 3)::float8 AS t, 3.5::float8 AS m
			FROM generate_series(1, 250000) i) s
	  GROUP BY g) s USING (g);
RESET enable_hashagg;
DROP TABLE many_groups;

-- a 1.0 catalogue on this library (its C symbols are kept so that 1.0 can
-- be installed as the first step of an update) is told to update
CREATE FUNCTION pg_temp.p_alive_1_0(clv_bgnbd, bigint, float8, float8) RETURNS float8
AS '$libdir/clv', 'clv_models_p_alive' LANGUAGE C STRICT;
CREATE FUNCTION pg_temp.combine_1_0(internal, internal) RETURNS internal
AS '$libdir/clv', 'clv_models_combine' LANGUAGE C;
SELECT pg_temp.error_of($$SELECT pg_temp.p_alive_1_0((0.2, 4, 0.8, 2.4, 0, 10, 5, true, '7 days', NULL, NULL, NULL)::clv_bgnbd, 1, 1, 3)$$);

DROP TABLE stats_summaries, stats_fixture, stats_copy, extremes, stats_set, shipped;
