-- scoring.sql -- rfm_score, value_tier and rfm_segment (SPEC.md "Level 2").
--
-- Every result is compared with an independent SQL formulation of SPEC.md's
-- definitions: score = 1 + floor(bins * (rank() - 1) / count(*)) over the
-- complete rows, with rank() in the dimension's "worse first" order; tiers
-- from cumulative sums of the values strictly greater.
SET extra_float_digits = 0;
SET TimeZone = 'UTC';

-- the SQLSTATE, message and hint of the error q raises
CREATE FUNCTION pg_temp.error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	state text;
	message text;
	hint text;
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		hint = PG_EXCEPTION_HINT;
	RETURN state || ': ' || message || ' | ' || hint;
END $$;

-- A small worked case.  Complete rows: 6 (row 7 has a NULL).
-- recency 1 1 5 9 9 20: better when smaller.  frequency 3 3 3 1 2 8.
-- monetary 100 -5 100 0 250 100.
CREATE TEMP TABLE small (id int, recency float8, frequency bigint, monetary numeric);
INSERT INTO small VALUES
	(1, 1, 3, 100), (2, 1, 3, -5), (3, 5, 3, 100), (4, 9, 1, 0),
	(5, 9, 2, 250), (6, 20, 8, 100), (7, NULL, 4, 50);
-- R: worse = rows with larger recency: 1 -> 4, 5 -> 3, 9 -> 1, 20 -> 0
--    score 1 + floor(5 w / 6): 4 -> 4, 3 -> 3, 1 -> 1, 0 -> 1
-- F: worse = smaller frequency: 3 -> 2 (4, 5) -> 2, 1 -> 0 -> 1, 2 -> 1 -> 1, 8 -> 5 -> 5
-- M: worse = smaller monetary: 100 -> 2 -> 2, -5 -> 0 -> 1, 0 -> 1 -> 1, 250 -> 5 -> 5
SELECT id, recency, frequency, monetary,
	rfm_score(recency, frequency, monetary) OVER () AS score,
	rfm_score(recency, frequency, monetary, 3) OVER () AS score3,
	rfm_score(recency, frequency, monetary, bins => 9) OVER () AS score9
FROM small ORDER BY id;

-- one row; all equal; all NULL; all <= 0
SELECT rfm_score(1, 2, 3) OVER () AS one_row;
SELECT DISTINCT rfm_score(7, 7, 7.5) OVER () AS all_equal FROM generate_series(1, 10);
SELECT count(*) AS all_null_rows, count(s) AS scored
FROM (SELECT rfm_score(NULL::int, i, i) OVER () s FROM generate_series(1, 5) i) q;
SELECT i, rfm_score(-i, -i, -i) OVER () AS non_positive FROM generate_series(0, 4) i ORDER BY i;
-- untyped NULLs are NULL values, as typed ones (1.0: 42804); a non-NULL
-- untyped literal is still refused
SELECT rfm_score(NULL, NULL, NULL) OVER () AS untyped_nulls;
SELECT i, rfm_score(NULL, i, i) OVER () AS untyped_null_recency,
	value_tier(NULL) OVER () AS untyped_null_value
FROM generate_series(1, 3) i ORDER BY i;
SELECT pg_temp.error_of($$SELECT rfm_score('1', 2, 3) OVER ()$$);
SELECT pg_temp.error_of($$SELECT value_tier('1') OVER ()$$);

-- Data with many ties and some NULLs, in three groups.
CREATE TEMP TABLE cust AS
SELECT i AS id, i % 3 AS grp,
	CASE WHEN i % 17 = 0 THEN NULL ELSE (i * 37 % 50)::float8 END AS recency,
	CASE WHEN i % 23 = 0 THEN NULL ELSE (1 + i * 11 % 9)::bigint END AS frequency,
	CASE WHEN i % 29 = 0 THEN NULL ELSE round((i * 7 % 40) * 2.5 - 10, 2) END AS monetary
FROM generate_series(1, 2000) i;

-- the reference scores, over the complete rows, per bins and per partition
CREATE TEMP VIEW cust_ref AS
SELECT c.id, b.bins,
	(1 + b.bins * (rank() OVER (PARTITION BY b.bins ORDER BY recency DESC) - 1)
		/ count(*) OVER (PARTITION BY b.bins))::text ||
	(1 + b.bins * (rank() OVER (PARTITION BY b.bins ORDER BY frequency) - 1)
		/ count(*) OVER (PARTITION BY b.bins))::text ||
	(1 + b.bins * (rank() OVER (PARTITION BY b.bins ORDER BY monetary) - 1)
		/ count(*) OVER (PARTITION BY b.bins))::text AS whole,
	(1 + b.bins * (rank() OVER (PARTITION BY b.bins, grp ORDER BY recency DESC) - 1)
		/ count(*) OVER (PARTITION BY b.bins, grp))::text ||
	(1 + b.bins * (rank() OVER (PARTITION BY b.bins, grp ORDER BY frequency) - 1)
		/ count(*) OVER (PARTITION BY b.bins, grp))::text ||
	(1 + b.bins * (rank() OVER (PARTITION BY b.bins, grp ORDER BY monetary) - 1)
		/ count(*) OVER (PARTITION BY b.bins, grp))::text AS per_group
FROM cust c, (VALUES (2), (5), (9)) b(bins)
WHERE recency IS NOT NULL AND frequency IS NOT NULL AND monetary IS NOT NULL;

CREATE TEMP VIEW cust_got AS
SELECT c.id, b.bins,
	rfm_score(recency, frequency, monetary, b.bins) OVER (PARTITION BY b.bins) AS whole,
	rfm_score(recency, frequency, monetary, b.bins) OVER (PARTITION BY b.bins, grp) AS per_group,
	rfm_score(row(recency, frequency, monetary)::clv_rfm, b.bins)
		OVER (PARTITION BY b.bins) AS from_rfm,
	rfm_score(recency, frequency, monetary, b.bins)
		OVER (PARTITION BY b.bins ORDER BY id ROWS 2 PRECEDING) AS with_frame
FROM cust c, (VALUES (2), (5), (9)) b(bins);

SELECT g.bins, count(*) AS rows, count(g.whole) AS scored,
	count(*) FILTER (WHERE g.whole IS DISTINCT FROM r.whole) AS whole_mismatches,
	count(*) FILTER (WHERE g.per_group IS DISTINCT FROM r.per_group) AS group_mismatches,
	count(*) FILTER (WHERE g.from_rfm IS DISTINCT FROM r.whole) AS rfm_mismatches,
	count(*) FILTER (WHERE g.with_frame IS DISTINCT FROM r.whole) AS frame_mismatches,
	count(DISTINCT g.whole) AS distinct_scores,
	count(*) FILTER (WHERE g.whole IS DISTINCT FROM g.per_group) AS group_differs
FROM cust_got g LEFT JOIN cust_ref r USING (id, bins)
GROUP BY g.bins ORDER BY g.bins;

-- ties always share a score; ntile() splits them (same values, different tiles)
SELECT count(*) AS tie_groups_split_by_rfm_score
FROM (SELECT monetary FROM (SELECT monetary, rfm_score(recency, frequency, monetary) OVER () s
	FROM cust) q WHERE s IS NOT NULL GROUP BY monetary HAVING count(DISTINCT substr(s, 3)) > 1) t;
SELECT count(*) > 0 AS ntile_splits_ties
FROM (SELECT monetary FROM (SELECT monetary, ntile(5) OVER (ORDER BY monetary) t FROM cust
	WHERE recency IS NOT NULL AND frequency IS NOT NULL AND monetary IS NOT NULL) q
	GROUP BY monetary HAVING count(DISTINCT t) > 1) t;

-- the bins argument may differ per row: each row is scored with its own
SELECT count(*) FILTER (WHERE s IS DISTINCT FROM CASE WHEN id % 2 = 0 THEN r3 ELSE r7 END) AS mismatches
FROM (SELECT id,
	rfm_score(recency, frequency, monetary, CASE WHEN id % 2 = 0 THEN 3 ELSE 7 END) OVER () s,
	rfm_score(recency, frequency, monetary, 3) OVER () r3,
	rfm_score(recency, frequency, monetary, 7) OVER () r7 FROM cust) q;

-- Value types resolve without casts and keep their own order: integer,
-- smallint, real, double precision, numeric and bigint columns.
SELECT pg_typeof(recency::int) AS r, pg_typeof(frequency::int) AS f, pg_typeof(monetary) AS m,
	count(*) FILTER (WHERE a IS DISTINCT FROM b) AS mismatches_int_int_numeric,
	count(*) FILTER (WHERE a IS DISTINCT FROM c) AS mismatches_real_smallint_float8,
	count(*) FILTER (WHERE a IS DISTINCT FROM d) AS mismatches_numeric_numeric_bigint
FROM (SELECT recency, frequency, monetary,
	rfm_score(recency, frequency, monetary) OVER () a,
	rfm_score(recency::int, frequency::int, monetary) OVER () b,
	rfm_score(recency::real, frequency::smallint, monetary::float8) OVER () c,
	rfm_score(recency::numeric, frequency::numeric, (monetary * 100)::bigint) OVER () d
FROM cust) q GROUP BY 1, 2, 3;
CREATE DOMAIN pg_temp.money_amount AS numeric;
SELECT rfm_score(1, 2, 3::pg_temp.money_amount) OVER () AS domain_over_numeric;
SELECT pg_temp.error_of($$SELECT rfm_score('1'::text, 2, 3) OVER ()$$);
SELECT pg_temp.error_of($$SELECT value_tier(now()) OVER ()$$);

-- Exact order beyond double precision: numerics that equal as float8, and
-- bigints beyond 2^53, are told apart (also beyond the double range: 1e400,
-- 1e-400); equal numerics of different scale tie.
SELECT left(v::text, 32) AS v, rfm_score(v, v, v) OVER () AS score,
	(1 + 5 * (rank() OVER (ORDER BY v DESC) - 1) / count(*) OVER ())::text ||
	(1 + 5 * (rank() OVER (ORDER BY v) - 1) / count(*) OVER ())::text ||
	(1 + 5 * (rank() OVER (ORDER BY v) - 1) / count(*) OVER ())::text AS ref
FROM (VALUES (1.00000000000000000001), (1.00000000000000000002), (1.0), (1.00),
	(0.99999999999999999999), (123456789012345678901234567890.5),
	(123456789012345678901234567890.4), (1e400), ('Infinity'), ('NaN'),
	(1e-400), (0), (-1e-400), (0.000)) t(v)
ORDER BY t.v, t.v::text;
SELECT left(v::text, 32) AS v, rfm_score(v, v, v) OVER () AS score,
	(1 + 5 * (rank() OVER (ORDER BY v DESC) - 1) / count(*) OVER ())::text ||
	(1 + 5 * (rank() OVER (ORDER BY v) - 1) / count(*) OVER ())::text ||
	(1 + 5 * (rank() OVER (ORDER BY v) - 1) / count(*) OVER ())::text AS ref
FROM (VALUES (9007199254740993), (9007199254740992), (9007199254740993),
	(-9223372036854775808), (9223372036854775807), (9223372036854775806)) t(v)
ORDER BY t.v, t.v::text;
SELECT left(v::text, 32) AS v, rfm_score(v, v, v) OVER () AS score,
	(1 + 5 * (rank() OVER (ORDER BY v DESC) - 1) / count(*) OVER ())::text ||
	(1 + 5 * (rank() OVER (ORDER BY v) - 1) / count(*) OVER ())::text ||
	(1 + 5 * (rank() OVER (ORDER BY v) - 1) / count(*) OVER ())::text AS ref
FROM (VALUES (0.0::float8), (-0.0), ('NaN'), ('-Infinity'), ('Infinity'), ('NaN')) t(v)
ORDER BY t.v, t.v::text;

-- Bad arguments: class-22 errors with a hint.
SELECT pg_temp.error_of($$SELECT rfm_score(1, 2, 3, 1) OVER ()$$);
SELECT pg_temp.error_of($$SELECT rfm_score(1, 2, 3, 10) OVER ()$$);
SELECT pg_temp.error_of($$SELECT rfm_score(1, 2, 3, NULL) OVER ()$$);
SELECT pg_temp.error_of($$SELECT rfm_score(NULL::clv_rfm, 0) OVER ()$$);

-- rfm_segment: all 25 R x F cells against SPEC.md's table, both overloads
CREATE TEMP TABLE spec_segments (r int, f int, segment text);
INSERT INTO spec_segments
SELECT r, f, (ARRAY[
	ARRAY['Hibernating', 'Hibernating', 'At Risk', 'At Risk', 'Can''t Lose Them'],
	ARRAY['Hibernating', 'Hibernating', 'At Risk', 'At Risk', 'Can''t Lose Them'],
	ARRAY['About to Sleep', 'About to Sleep', 'Need Attention', 'Loyal', 'Loyal'],
	ARRAY['Promising', 'Potential Loyalists', 'Potential Loyalists', 'Loyal', 'Loyal'],
	ARRAY['New Customers', 'Potential Loyalists', 'Potential Loyalists', 'Champions', 'Champions']
	])[r][f]
FROM generate_series(1, 5) r, generate_series(1, 5) f;
SELECT count(*) AS cells,
	count(*) FILTER (WHERE rfm_segment(r, f) = segment) AS digits_match,
	count(*) FILTER (WHERE rfm_segment(r::text || f::text || m::text) = segment) AS score_match
FROM spec_segments, generate_series(1, 5) m;
SELECT r, string_agg(rfm_segment(r, f), ' | ' ORDER BY f) AS "F = 1 .. 5"
FROM generate_series(1, 5) r, generate_series(1, 5) f GROUP BY r ORDER BY r DESC;
SELECT rfm_segment(NULL::text) AS null_score, rfm_segment(NULL, 3) AS null_digit;
SELECT pg_temp.error_of($$SELECT rfm_segment('645')$$);
SELECT pg_temp.error_of($$SELECT rfm_segment('505')$$);
SELECT pg_temp.error_of($$SELECT rfm_segment('55')$$);
SELECT pg_temp.error_of($$SELECT rfm_segment('5a5')$$);
SELECT pg_temp.error_of($$SELECT rfm_segment(0, 3)$$);
SELECT pg_temp.error_of($$SELECT rfm_segment(3, 6)$$);

-- value_tier.  50, 30, 10, 10, 0, -5, NULL: P = 100.  G(50) = 0, G(30) = 50
-- (< 80: high), G(10) = 80 (not < 80, < 95: medium, both tied 10s),
-- 0 and -5 are low, NULL is NULL.
SELECT v, value_tier(v) OVER () AS tier, value_tier(v, 0.5, 0.8) OVER () AS tier_50_80
FROM (VALUES (50), (30), (10), (10), (0), (-5), (NULL)) t(v) ORDER BY v DESC NULLS LAST;
SELECT value_tier(5) OVER () AS one_row;
SELECT DISTINCT value_tier(3.5) OVER () AS all_equal FROM generate_series(1, 4);
SELECT DISTINCT value_tier(-i) OVER () AS all_non_positive FROM generate_series(0, 4) i;

-- against the cumulative-sum formulation, with ties, NULLs, non-positive
-- values, per partition, for several shares and value types
CREATE TEMP VIEW tier_ref AS
SELECT id, s.high, s.medium,
	CASE WHEN monetary IS NULL THEN NULL WHEN monetary <= 0 THEN 'low'
		WHEN g < s.high * p THEN 'high' WHEN g < s.medium * p THEN 'medium'
		ELSE 'low' END AS whole,
	CASE WHEN monetary IS NULL THEN NULL WHEN monetary <= 0 THEN 'low'
		WHEN gg < s.high * pg THEN 'high' WHEN gg < s.medium * pg THEN 'medium'
		ELSE 'low' END AS per_group
FROM (SELECT c.*, s.high, s.medium,
	coalesce(sum(monetary) FILTER (WHERE monetary > 0) OVER (PARTITION BY s.high
		ORDER BY monetary DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
		EXCLUDE GROUP), 0) AS g,
	sum(monetary) FILTER (WHERE monetary > 0) OVER (PARTITION BY s.high) AS p,
	coalesce(sum(monetary) FILTER (WHERE monetary > 0) OVER (PARTITION BY s.high, grp
		ORDER BY monetary DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
		EXCLUDE GROUP), 0) AS gg,
	sum(monetary) FILTER (WHERE monetary > 0) OVER (PARTITION BY s.high, grp) AS pg
	FROM cust c, (VALUES (0.8::float8, 0.95::float8), (0.5, 0.9), (0.2, 0.3)) s(high, medium)) s;

SELECT r.high, r.medium, count(*) AS rows, count(t.whole) AS tiered,
	count(*) FILTER (WHERE t.whole IS DISTINCT FROM r.whole) AS whole_mismatches,
	count(*) FILTER (WHERE t.per_group IS DISTINCT FROM r.per_group) AS group_mismatches,
	count(*) FILTER (WHERE t.as_float IS DISTINCT FROM r.whole) AS float8_mismatches,
	count(*) FILTER (WHERE t.as_bigint IS DISTINCT FROM r.whole) AS bigint_mismatches,
	count(*) FILTER (WHERE t.whole = 'high') AS high,
	count(*) FILTER (WHERE t.whole = 'medium') AS medium,
	count(*) FILTER (WHERE t.whole = 'low') AS low
FROM (SELECT id, s.high, s.medium,
	value_tier(monetary, s.high, s.medium) OVER (PARTITION BY s.high) AS whole,
	value_tier(monetary, s.high, s.medium) OVER (PARTITION BY s.high, grp) AS per_group,
	value_tier(monetary::float8, s.high, s.medium) OVER (PARTITION BY s.high) AS as_float,
	value_tier((monetary * 100)::bigint, s.high, s.medium) OVER (PARTITION BY s.high) AS as_bigint
	FROM cust c, (VALUES (0.8::float8, 0.95::float8), (0.5, 0.9), (0.2, 0.3)) s(high, medium)) t
JOIN tier_ref r USING (id, high, medium)
GROUP BY r.high, r.medium ORDER BY r.high DESC;

SELECT pg_temp.error_of($$SELECT value_tier(1, 0, 0.5) OVER ()$$);
SELECT pg_temp.error_of($$SELECT value_tier(1, 0.5, 1) OVER ()$$);
SELECT pg_temp.error_of($$SELECT value_tier(1, -0.1, 0.5) OVER ()$$);
SELECT pg_temp.error_of($$SELECT value_tier(1, 0.9, 0.8) OVER ()$$);
SELECT pg_temp.error_of($$SELECT value_tier(1, 0.8, 0.8) OVER ()$$);
SELECT pg_temp.error_of($$SELECT value_tier(1, 'NaN', 0.9) OVER ()$$);
SELECT pg_temp.error_of($$SELECT value_tier(1, NULL, 0.9) OVER ()$$);
SELECT pg_temp.error_of($$SELECT value_tier(1, 0.8, NULL) OVER ()$$);
SELECT pg_temp.error_of($$SELECT value_tier(v) OVER () FROM (VALUES (1.0), ('NaN')) t(v)$$);
SELECT pg_temp.error_of($$SELECT value_tier(v) OVER () FROM (VALUES (1.0::float8), ('Infinity')) t(v)$$);
SELECT pg_temp.error_of($$SELECT value_tier(v) OVER () FROM (VALUES (1.0), (1e400)) t(v)$$);
SELECT pg_temp.error_of($$SELECT value_tier(v) OVER () FROM (VALUES (1.0), (1e-400)) t(v)$$);

-- integer and numeric values are summed exactly, then compared as SQL
-- compares G < share * P with exact sums: values landing exactly on a
-- threshold (3.60 = 0.8 * 4.50) tier alike in units and in cents
SELECT v, value_tier(v) OVER () AS tier, value_tier((v * 100)::int) OVER () AS tier_cents
FROM (VALUES (1.90), (1.70), (0.70), (0.20)) t(v);
WITH d AS (
	SELECT p, ((p * 7919 + k * 104729) % 97) / 10.0 AS v
	FROM generate_series(1, 20000) p, generate_series(1, 4) k
), sums AS (
	SELECT p, v,
		coalesce(sum(v) FILTER (WHERE v > 0) OVER (PARTITION BY p ORDER BY v DESC
			RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP), 0) AS g,
		sum(v) FILTER (WHERE v > 0) OVER (PARTITION BY p) AS total,
		value_tier(v) OVER (PARTITION BY p) AS tier
	FROM d
)
SELECT count(*) AS rows,
	count(*) FILTER (WHERE tier IS DISTINCT FROM CASE WHEN v <= 0 THEN 'low'
		WHEN g < 0.8::float8 * total THEN 'high'
		WHEN g < 0.95::float8 * total THEN 'medium' ELSE 'low' END) AS mismatches
FROM sums;

-- On clv_sample_orders: rfm() per customer at an as_of inside the sample
-- period (customers who start later get a NULL clv_rfm), day-level recency
-- (many ties), mostly one-purchase frequencies (huge ties), cent amounts.
CREATE TEMP TABLE sample_rfm AS
SELECT customer_id, customer_id % 4 AS grp,
	rfm((ordered_at AT TIME ZONE 'UTC')::date, amount, DATE '2025-06-30') AS r
FROM clv_sample_orders(3000) GROUP BY customer_id;
CREATE TEMP VIEW sample_ref AS
SELECT customer_id,
	(1 + 5 * (rank() OVER (PARTITION BY grp ORDER BY (r).recency DESC) - 1)
		/ count(*) OVER (PARTITION BY grp))::text ||
	(1 + 5 * (rank() OVER (PARTITION BY grp ORDER BY (r).frequency) - 1)
		/ count(*) OVER (PARTITION BY grp))::text ||
	(1 + 5 * (rank() OVER (PARTITION BY grp ORDER BY (r).monetary) - 1)
		/ count(*) OVER (PARTITION BY grp))::text AS score
FROM sample_rfm
WHERE (r).recency IS NOT NULL AND (r).frequency IS NOT NULL AND (r).monetary IS NOT NULL;
CREATE TEMP VIEW sample_tier_ref AS
SELECT customer_id,
	CASE WHEN m IS NULL THEN NULL WHEN m <= 0 THEN 'low'
		WHEN g < 0.8::float8 * p THEN 'high' WHEN g < 0.95::float8 * p THEN 'medium'
		ELSE 'low' END AS tier
FROM (SELECT customer_id, (r).monetary AS m,
	coalesce(sum((r).monetary) FILTER (WHERE (r).monetary > 0) OVER (PARTITION BY grp
		ORDER BY (r).monetary DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
		EXCLUDE GROUP), 0) AS g,
	sum((r).monetary) FILTER (WHERE (r).monetary > 0) OVER (PARTITION BY grp) AS p
	FROM sample_rfm) s;
SELECT count(*) AS customers, count(*) FILTER (WHERE r IS NULL) AS null_rfm,
	count(DISTINCT (r).recency) AS distinct_recency,
	count(DISTINCT (r).frequency) AS distinct_frequency,
	count(DISTINCT (r).monetary) AS distinct_monetary,
	count(*) FILTER (WHERE s.score IS DISTINCT FROM f.score) AS rfm_mismatches,
	count(*) FILTER (WHERE s.fields IS DISTINCT FROM f.score) AS field_mismatches,
	count(*) FILTER (WHERE s.tier IS DISTINCT FROM t.tier) AS tier_mismatches,
	count(DISTINCT s.score) AS distinct_scores,
	count(*) FILTER (WHERE s.tier = 'high') AS high
FROM (SELECT customer_id, r,
	rfm_score(r) OVER (PARTITION BY grp) AS score,
	rfm_score((r).recency, (r).frequency, (r).monetary) OVER (PARTITION BY grp) AS fields,
	value_tier((r).monetary) OVER (PARTITION BY grp) AS tier
	FROM sample_rfm) s
LEFT JOIN sample_ref f USING (customer_id) JOIN sample_tier_ref t USING (customer_id);

-- README's worked example: a segment table as a BI tool would query it
WITH customers AS (
	SELECT customer_id,
		rfm((ordered_at AT TIME ZONE 'UTC')::date, amount, DATE '2026-01-01') AS r
	FROM clv_sample_orders(5000)
	GROUP BY customer_id
), scored AS (
	SELECT (r).monetary,
		rfm_segment(rfm_score(r) OVER ()) AS segment,
		value_tier((r).monetary) OVER () AS tier
	FROM customers
)
SELECT segment, count(*) AS customers,
	count(*) FILTER (WHERE tier = 'high') AS high_value,
	sum(monetary) AS revenue,
	round(100 * sum(monetary) / sum(sum(monetary)) OVER (), 1) AS revenue_pct
FROM scored
GROUP BY segment
ORDER BY revenue DESC;

-- Parallel plans below the window give the same scores as serial ones.
CREATE TEMP TABLE serial_result AS
SELECT id, rfm_score(recency, frequency, monetary) OVER (PARTITION BY grp) s,
	value_tier(monetary) OVER (PARTITION BY grp) t FROM cust;
CREATE TABLE scoring_par AS SELECT * FROM cust;
ALTER TABLE scoring_par SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT id, rfm_score(recency, frequency, monetary) OVER (PARTITION BY grp) s,
	value_tier(monetary) OVER (PARTITION BY grp) t FROM scoring_par;
SELECT count(*) AS rows, count(*) FILTER (WHERE p.s IS DISTINCT FROM r.s OR p.t IS DISTINCT FROM r.t) AS mismatches
FROM (SELECT id, rfm_score(recency, frequency, monetary) OVER (PARTITION BY grp) s,
	value_tier(monetary) OVER (PARTITION BY grp) t FROM scoring_par) p
JOIN serial_result r USING (id);
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE scoring_par;
