--
-- Discrete-time models: bgbb_fit (BG/BB) and its scoring on the donations
-- data of Fader, Hardie and Shang (2010); sbg_fit and sbg_fit_survivors
-- (shifted-beta-geometric) and its projections on the cohorts of Fader and
-- Hardie (2007).  Predictions are checked against the papers' formulas
-- written out in plain SQL below (no code shared with src/core).
--
SET extra_float_digits = 0;

\i test/regress/error_of.sql

-- B(a + x, b + y) / B(a, b) for whole x, y >= 0, as products
CREATE FUNCTION pg_temp.bratio(a float8, b float8, x int, y int) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
SELECT exp(coalesce((SELECT sum(ln(a + i)) FROM generate_series(0, x - 1) i), 0)
		   + coalesce((SELECT sum(ln(b + j)) FROM generate_series(0, y - 1) j), 0)
		   - coalesce((SELECT sum(ln(a + b + k)) FROM generate_series(0, x + y - 1) k), 0))
$$;

-- ------------------------------------------------------------------
-- BG/BB
-- ------------------------------------------------------------------

-- the 22 (x, t_x, n) patterns of the 11,104 donors, with their counts
CREATE TABLE donations (x bigint, t_x bigint, n bigint, donors bigint);
\copy donations FROM 'test/data/donations/donations.csv' CSV HEADER
SELECT count(*) AS patterns, sum(donors) AS donors, max(n) AS opportunities FROM donations;

-- the published fit (alpha 1.204, beta 0.750, gamma 0.657, delta 2.783,
-- LL -33,225.6) and its standard errors (lifetimes' se(coef): 0.069,
-- 0.029, 0.051, 0.321)
CREATE TABLE bgbb AS SELECT bgbb_fit(x, t_x, n, donors) AS m FROM donations;
SELECT abs((m).alpha - 1.204) < 0.0005 AS alpha_ok, abs((m).beta - 0.750) < 0.0005 AS beta_ok,
	   abs((m).gamma - 0.657) < 0.0005 AS gamma_ok, abs((m).delta - 2.783) < 0.0005 AS delta_ok,
	   abs((m).ll + 33225.6) < 0.1 AS ll_ok,
	   round((m).alpha::numeric, 3) AS alpha, round((m).beta::numeric, 3) AS beta,
	   round((m).gamma::numeric, 3) AS gamma, round((m).delta::numeric, 3) AS delta,
	   round((m).ll::numeric, 1) AS ll, (m).customers, (m).converged
FROM bgbb;
SELECT array_agg(round(se::numeric, 4) ORDER BY i) AS std_errors,
	   bool_and(abs(se / ref - 1) < 0.01) AS std_errors_ok
FROM bgbb, unnest((m).std_errors, ARRAY[0.0694, 0.0294, 0.0510, 0.3208]) WITH ORDINALITY u(se, ref, i);
-- AIC and BIC with k = 4 and n = 11,104 donors
SELECT abs((m).aic - (8 - 2 * (m).ll)) < 1e-9 AS aic_ok,
	   abs((m).bic - (4 * ln(11104) - 2 * (m).ll)) < 1e-9 AS bic_ok
FROM bgbb;

-- the paper's likelihood (eq. 5) in plain SQL: at the estimate it is the
-- fit's log-likelihood, and moving any parameter by 1% lowers it
CREATE FUNCTION pg_temp.bgbb_l(p float8[], x int, t_x int, n int) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
SELECT pg_temp.bratio(p[1], p[2], x, n - x) * pg_temp.bratio(p[3], p[4], 0, n)
	   + coalesce((SELECT sum(pg_temp.bratio(p[1], p[2], x, t_x - x + i) * pg_temp.bratio(p[3], p[4], 1, t_x + i))
				   FROM generate_series(0, n - t_x - 1) i), 0)
$$;
CREATE FUNCTION pg_temp.bgbb_ll(p float8[]) RETURNS float8 LANGUAGE sql AS $$
SELECT sum(donors * ln(pg_temp.bgbb_l(p, x::int, t_x::int, n::int))) FROM donations
$$;
CREATE TABLE bgbb_p AS SELECT ARRAY[(m).alpha, (m).beta, (m).gamma, (m).delta] AS p, m FROM bgbb;
SELECT abs(pg_temp.bgbb_ll(p) / (m).ll - 1) < 1e-9 AS ll_is_the_papers FROM bgbb_p;
SELECT bool_and(pg_temp.bgbb_ll(q) < (m).ll) AS every_nudge_lowers_ll
FROM bgbb_p, generate_series(1, 4) i, (VALUES (0.99), (1.01)) f(f),
	 LATERAL (SELECT array_agg(CASE WHEN j = i THEN v * f ELSE v END ORDER BY j) AS q
			  FROM unnest(p) WITH ORDINALITY u(v, j)) nudged;

-- predictions for every pattern against the paper's formulas in plain SQL:
-- P(alive at n + 1) (eq. 11), E[X(n, n + 5)] (eq. 13), and the
-- conditional distribution of the next 5 opportunities (sums to 1, mean
-- E[X(n, n + 5)])
CREATE TABLE bgbb_scores AS
SELECT d.x, d.t_x, d.n,
	   p_alive(m, d.x, d.t_x, d.n) AS p_alive,
	   pg_temp.bratio(p[1], p[2], d.x::int, (d.n - d.x)::int) * pg_temp.bratio(p[3], p[4], 0, d.n::int + 1)
		   / pg_temp.bgbb_l(p, d.x::int, d.t_x::int, d.n::int) AS p_alive_paper,
	   expected_purchases(m, 5, d.x, d.t_x, d.n) AS expected,
	   pg_temp.bratio(p[1], p[2], d.x::int + 1, (d.n - d.x)::int) / pg_temp.bgbb_l(p, d.x::int, d.t_x::int, d.n::int)
		   * p[4] / (p[3] - 1)
		   * ((SELECT exp(sum(ln((1 + p[4] + k) / (p[3] + p[4] + k)))) FROM generate_series(0, d.n - 1) k)
			  - (SELECT exp(sum(ln((1 + p[4] + k) / (p[3] + p[4] + k)))) FROM generate_series(0, d.n + 5 - 1) k))
		   AS expected_paper,
	   (SELECT sum(purchase_probability(m, k, 5, d.x, d.t_x, d.n)) FROM generate_series(0, 5) k) AS total,
	   (SELECT sum(k * purchase_probability(m, k, 5, d.x, d.t_x, d.n)) FROM generate_series(0, 5) k) AS mean
FROM bgbb_p, donations d;
SELECT count(*) AS patterns,
	   max(abs(p_alive - p_alive_paper)) < 1e-12 AS p_alive_ok,
	   max(abs(expected / expected_paper - 1)) < 1e-9 AS expected_ok,
	   max(abs(total - 1)) < 1e-12 AS distribution_sums_to_1,
	   max(abs(mean / expected - 1)) < 1e-9 AS distribution_mean_ok
FROM bgbb_scores;
SELECT x, t_x, n, round(p_alive::numeric, 4) AS p_alive, round(expected::numeric, 4) AS next_5
FROM bgbb_scores WHERE (x, t_x) IN ((0, 0), (3, 6), (6, 6)) ORDER BY x;

-- a new donor: P(X(6) = k) (eq. 7 in plain SQL) for k = 0 .. 6, which sums
-- to 1 with mean E[X(6)] (eq. 8 in plain SQL), and E[X(6)] is the mean of
-- the donations data's own x (the model fits the margins)
CREATE FUNCTION pg_temp.choose(n int, k int) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
SELECT coalesce((SELECT exp(sum(ln(n - k + i) - ln(i))) FROM generate_series(1, k) i), 1)
$$;
CREATE FUNCTION pg_temp.bgbb_pmf(p float8[], n int, x int) RETURNS float8 LANGUAGE sql AS $$
SELECT pg_temp.choose(n, x) * pg_temp.bratio(p[1], p[2], x, n - x) * pg_temp.bratio(p[3], p[4], 0, n)
	   + coalesce((SELECT sum(pg_temp.choose(i, x) * pg_temp.bratio(p[1], p[2], x, i - x)
							  * pg_temp.bratio(p[3], p[4], 1, i))
				   FROM generate_series(x, n - 1) i), 0)
$$;
SELECT k, round(purchase_probability(m, k, 6)::numeric, 4) AS p,
	   abs(purchase_probability(m, k, 6) - pg_temp.bgbb_pmf(p, 6, k::int)) < 1e-12 AS eq7_ok,
	   round((SELECT sum(donors) FILTER (WHERE x = k) / sum(donors) FROM donations)::numeric, 4) AS observed
FROM bgbb_p, generate_series(0, 6) k ORDER BY k;
SELECT abs((SELECT sum(purchase_probability(m, k, 6)) FROM generate_series(0, 6) k) - 1) < 1e-12 AS sums_to_1,
	   abs((SELECT sum(k * purchase_probability(m, k, 6)) FROM generate_series(0, 6) k) / expected_purchases(m, 6) - 1) < 1e-10 AS mean_ok,
	   abs(expected_purchases(m, 6) - p[1] / (p[1] + p[2]) * p[4] / (p[3] - 1)
		   * (1 - (SELECT exp(sum(ln((1 + p[4] + k) / (p[3] + p[4] + k)))) FROM generate_series(0, 5) k)))
		   < 1e-12 AS eq8_ok,
	   round(expected_purchases(m, 6)::numeric, 4) AS expected_6,
	   round((SELECT sum(x * donors)::numeric / sum(donors) FROM donations), 4) AS observed_mean,
	   purchase_probability(m, 7, 6) = 0 AND purchase_probability(m, -1, 6) = 0 AS outside_is_0
FROM bgbb_p;

-- one row per donor (no weight) gives the same model, serially, in a
-- forced parallel plan, and as GROUP BY groups; NULL rows are ignored;
-- weight 0 adds nobody
CREATE TABLE donors AS
SELECT x, t_x, n, g % 3 AS part FROM donations, generate_series(1, donors) g;
INSERT INTO donors VALUES (NULL, 1, 6, 0), (1, NULL, 6, 1), (1, 1, NULL, 2);
ALTER TABLE donors SET (parallel_workers = 2);
ANALYZE donors;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE bgbb_serial AS SELECT bgbb_fit(x, t_x, n) AS m FROM donors;
SELECT m = (SELECT m FROM bgbb) AS unweighted_same,
	   (SELECT bgbb_fit(x, t_x, n, w) FROM (SELECT * FROM donations UNION ALL SELECT 2, 3, 6, 0) d(x, t_x, n, w)) = m
		   AS zero_weight_same,
	   (SELECT (bgbb_fit(x, t_x, n, CASE WHEN x > 0 THEN donors END)).customers FROM donations)
		   = 11104 - 3464 AS null_weight_ignored
FROM bgbb_serial;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
\i test/regress/workers_launched.sql
EXPLAIN (COSTS OFF) SELECT bgbb_fit(x, t_x, n) FROM donors;
SELECT pg_temp.workers_launched('SELECT bgbb_fit(x, t_x, n) FROM donors') > 0 AS workers_launched;
SELECT bgbb_fit(x, t_x, n) = (SELECT m FROM bgbb_serial) AS parallel_same FROM donors;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT part, f = (SELECT bgbb_fit(x, t_x, n) FROM donors d WHERE d.part = g.part) AS group_same,
	   (f).customers, (f).converged
FROM (SELECT part, bgbb_fit(x, t_x, n) AS f FROM donors GROUP BY part) g ORDER BY part;

-- a partial state is a float8[rows][4] array (x, t_x, n, customers), as a
-- distributed engine ships it; the combine function checks it
CREATE AGGREGATE pg_temp.bgbb_merge(float8[]) (
	SFUNC = clv_bgbb_fit_combine, STYPE = float8[], FINALFUNC = clv_bgbb_fit_final);
SELECT pg_temp.bgbb_merge(s) = (SELECT m FROM bgbb) AS merged_same
FROM (VALUES ((SELECT array_agg(ARRAY[x, t_x, n, donors]::float8[] ORDER BY x, t_x, n)
			   FROM donations WHERE x < 3)),
			 ((SELECT array_agg(ARRAY[x, t_x, n, donors]::float8[] ORDER BY x, t_x, n)
			   FROM donations WHERE x >= 3))) v(s);
SELECT pg_temp.error_of($$SELECT pg_temp.bgbb_merge(s) FROM (VALUES ('{{1,1,6,5},{0,0,6,3}}'::float8[])) v(s)$$);
SELECT pg_temp.error_of($$SELECT pg_temp.bgbb_merge(s) FROM (VALUES ('{{2,1,6,5}}'::float8[])) v(s)$$);
SELECT pg_temp.error_of($$SELECT pg_temp.bgbb_merge(s) FROM (VALUES ('{{1,1,6,0.5}}'::float8[])) v(s)$$);
SELECT pg_temp.error_of($$SELECT pg_temp.bgbb_merge(s) FROM (VALUES ('{1,1,6,5}'::float8[])) v(s)$$);

-- input rules: class-22 errors naming the function
SELECT pg_temp.error_of(format('SELECT bgbb_fit(x, t_x, n) FROM (VALUES %s) v(x, t_x, n)', v))
FROM (VALUES ('(2, 1, 6)'), ('(0, 1, 6)'), ('(1, 7, 6)'), ('(-1, 0, 6)'), ('(1, 1, 2000000)')) r(v);
SELECT pg_temp.error_of('SELECT bgbb_fit(1, 1, 6, -1)');
SELECT pg_temp.error_of(format('SELECT p_alive(%L::clv_bgbb, 2, 1, 6)', m)) FROM bgbb;
SELECT pg_temp.error_of(format('SELECT expected_purchases(%L::clv_bgbb, -1, 1, 1, 6)', m)) FROM bgbb;
SELECT pg_temp.error_of(format('SELECT purchase_probability(%L::clv_bgbb, 0, 1000001)', m)) FROM bgbb;
SELECT pg_temp.error_of('SELECT p_alive((1, 0, 1, 1, 0, 2, 1, true, NULL, 0, 0)::clv_bgbb, 1, 1, 6)');
-- fewer than two donors: NULL; nobody donated again: finite, not
-- converged, with WARNINGs (and no standard errors)
SELECT bgbb_fit(1, 1, 6) IS NULL AS one_donor_null, bgbb_fit(NULL, 1, 6) IS NULL AS no_row_null;
SELECT (f).converged, (f).customers, (f).std_errors IS NULL AS no_std_errors,
	   (f).alpha < 'infinity' AND (f).beta < 'infinity' AND (f).gamma < 'infinity'
	   AND (f).delta < 'infinity' AND (f).alpha > 0 AND (f).delta > 0 AS finite
FROM (SELECT bgbb_fit(0, 0, n, w) AS f FROM (VALUES (6, 3464), (3, 100)) v(n, w)) q;
-- a fit whose every likelihood costs 5e7 terms honours statement_timeout
SET statement_timeout = '100ms';
SELECT bgbb_fit(1, k, 1000000) FROM generate_series(1, 50) k;
RESET statement_timeout;

-- from orders to bgbb_fit (doc/reference.md): one opportunity per calendar
-- year, the first year a donor's trial.  Orders rebuilt from the patterns
-- (first gift in 1995, the last repeat in 1995 + t_x, the others in the
-- years right after 1995) give the same patterns and the same fit
CREATE TABLE gifts AS
SELECT d.donors::text || '-' || d.x || '-' || d.t_x || '-' || g AS donor_id, make_date(1995 + y, 6, 1) AS given_at
FROM donations d, generate_series(1, d.donors) g,
	 LATERAL (SELECT 0 AS y UNION ALL SELECT generate_series(1, d.x::int - 1) UNION ALL
			  SELECT d.t_x::int WHERE d.x > 0) years;
CREATE TABLE gift_summary AS
SELECT donor_id,
	   count(*) - 1 AS x,				-- years with a gift after the first
	   max(year) - min(year) AS t_x,	-- the last of them, counted from the first
	   2001 - min(year) AS n			-- the years after the first, to 2001
FROM (SELECT DISTINCT donor_id, extract(year FROM given_at)::int AS year
	  FROM gifts WHERE given_at < '2002-01-01') y
GROUP BY donor_id;
SELECT (SELECT count(*) FROM gifts) AS gifts,
	   (SELECT array_agg(row(x, t_x, n, donors) ORDER BY x, t_x) FROM donations)
	   = (SELECT array_agg(row(x::bigint, t_x::bigint, n::bigint, c) ORDER BY x, t_x)
		  FROM (SELECT x, t_x, n, count(*) AS c FROM gift_summary GROUP BY x, t_x, n) p) AS same_patterns,
	   (SELECT bgbb_fit(x, t_x, n) FROM gift_summary) = (SELECT m FROM bgbb) AS same_fit;

-- the same in two steps: clv_activity per donor (its active years), then
-- bgbb_summary as of a day of 2001; gifts after 2001 are ignored, a donor
-- whose first gift is after 2001 has no summary
CREATE TABLE activity_summary AS
SELECT donor_id, (s).x, (s).t_x, (s).n
FROM (SELECT donor_id, bgbb_summary(clv_activity(given_at, '1 year'), '2001-06-30') AS s
	  FROM (SELECT * FROM gifts UNION ALL SELECT donor_id, '2003-01-01' FROM gifts WHERE given_at = '1995-06-01'
			UNION ALL SELECT 'late donor', '2002-02-02') g
	  GROUP BY donor_id) q;
SELECT count(*) AS donors, count(*) FILTER (WHERE a.x IS NULL) AS without_summary,
	   bool_and(row(a.x, a.t_x, a.n) IS NOT DISTINCT FROM row(g.x, g.t_x, g.n)) AS same_as_plain_sql
FROM activity_summary a LEFT JOIN gift_summary g USING (donor_id);
-- bgbb_fit takes the summaries themselves (NULL ones ignored)
SELECT bgbb_fit(s) = (SELECT m FROM bgbb) AS summary_form_same, count(*) AS donors
FROM (SELECT bgbb_summary(clv_activity(given_at, '1 year'), '2001-06-30') AS s
	  FROM (SELECT * FROM gifts UNION ALL SELECT 'late donor', '2002-02-02') g GROUP BY donor_id) q;
-- months: one opportunity per month, the first month the trial
SELECT (s).x, (s).t_x, (s).n
FROM (SELECT bgbb_summary(clv_activity(t, '1 month'), '2025-06-15') AS s
	  FROM (VALUES ('2025-01-31 23:00'::timestamp), ('2025-01-02'), ('2025-03-01'), ('2025-03-09'),
				   ('2025-05-31'), ('2025-07-01')) v(t)) q;
SELECT pg_temp.error_of($$SELECT bgbb_summary(clv_activity('2025-01-01'::date, '1 month'), 'infinity')$$);

-- ------------------------------------------------------------------
-- Shifted-beta-geometric
-- ------------------------------------------------------------------

-- the paper's two cohorts of 1,000 customers, survivors in years 0 .. 7:
-- high end alpha 0.668, beta 3.806; regular alpha 0.704, beta 1.182
CREATE TABLE cohorts (name text, survivors bigint[], held_out bigint[], alpha float8, beta float8);
INSERT INTO cohorts VALUES
	('high end', '{1000,869,743,653,593,551,517,491}', '{468,445,427,409,394}', 0.668, 3.806),
	('regular', '{1000,631,468,382,326,289,262,241}', '{223,207,194,183,173}', 0.704, 1.182);
CREATE TABLE sbg AS SELECT name, sbg_fit_survivors(survivors) AS m, survivors, held_out, alpha, beta FROM cohorts;
SELECT name, abs((m).alpha - alpha) < 0.0005 AS alpha_ok, abs((m).beta - beta) < 0.0005 AS beta_ok,
	   round((m).alpha::numeric, 3) AS alpha, round((m).beta::numeric, 3) AS beta,
	   round((m).ll::numeric, 1) AS ll, (m).customers, (m).converged,
	   (SELECT array_agg(round(se::numeric, 4)) FROM unnest((m).std_errors) se) AS std_errors,
	   abs((m).aic - (4 - 2 * (m).ll)) < 1e-9 AND abs((m).bic - (2 * ln(1000) - 2 * (m).ll)) < 1e-9 AS aic_bic_ok
FROM sbg ORDER BY name;
-- the paper's likelihood in plain SQL: churn at t has probability
-- B(alpha + 1, beta + t - 1) / B(alpha, beta), survival past 7 B(alpha, beta + 7) / B(alpha, beta)
SELECT name, abs(((SELECT sum((survivors[t] - survivors[t + 1]) * ln(pg_temp.bratio((m).alpha, (m).beta, 1, t - 1)))
				  FROM generate_series(1, 7) t)
				 + survivors[8] * ln(pg_temp.bratio((m).alpha, (m).beta, 0, 7))) / (m).ll - 1) < 1e-9 AS ll_is_the_papers
FROM sbg ORDER BY name;

-- years 8 .. 12 projected from the 7 years fitted, against the paper's
-- held-out survivors: within 5% (the paper's own projections are as close)
SELECT name, t, round(1000 * survival(m, t)) AS projected, held_out[t - 7] AS actual,
	   abs(1000 * survival(m, t) / held_out[t - 7] - 1) < 0.05 AS within_5_percent
FROM sbg, generate_series(8, 12) t ORDER BY name, t;
-- projections against plain SQL: S(t) = prod (beta + j) / (alpha + beta + j),
-- P(T = t) = S(t - 1) alpha / (alpha + beta + t - 1), retention S(t) / S(t - 1)
SELECT name,
	   max(abs(survival(m, t) - coalesce((SELECT exp(sum(ln(((m).beta + j) / ((m).alpha + (m).beta + j))))
										  FROM generate_series(0, t - 1) j), 1))) < 1e-13 AS survival_ok,
	   max(abs(churn_probability(m, t + 1) - survival(m, t) * (m).alpha / ((m).alpha + (m).beta + t))) < 1e-13 AS churn_ok,
	   max(abs(projected_retention(m, t + 1) - survival(m, t + 1) / survival(m, t))) < 1e-13 AS retention_ok,
	   survival(m, 0) = 1 AS starts_at_1
FROM sbg, generate_series(0, 12) t GROUP BY name, m ORDER BY name;
SELECT name, t, round(projected_retention(m, t)::numeric, 3) AS retention_rate,
	   round(churn_probability(m, t)::numeric, 4) AS churn
FROM sbg, (VALUES (1), (2), (7), (12)) v(t) ORDER BY name, t;
-- DERL at 10% a year against its defining sum (Fader and Hardie 2010):
-- sum over k >= 0 of S(n + k) / S(n - 1) / 1.1^k, the ratio a running product
SELECT name, n, round(derl(m, n, 0.1)::numeric, 4) AS derl,
	   abs(derl(m, n, 0.1) / (SELECT sum(exp(log_ratio) / 1.1 ^ k)
							   FROM (SELECT k, sum(ln(((m).beta + n - 1 + k) / ((m).alpha + (m).beta + n - 1 + k)))
										 OVER (ORDER BY k) AS log_ratio
									 FROM generate_series(0, 2000) k) terms) - 1) < 1e-9 AS sum_ok
FROM sbg, (VALUES (1), (5)) v(n) ORDER BY name, n;

-- the same cohorts as per-customer rows (periods observed, churned), one
-- row per customer or weighted: the same models as from the survivors
CREATE TABLE subscribers AS
SELECT name, t AS periods, t < 8 AS churned, survivors[t] - coalesce(survivors[t + 1], 0) AS customers
FROM cohorts, generate_series(1, 8) t;
UPDATE subscribers SET periods = 7 WHERE NOT churned;
SELECT s.name, f = (SELECT m FROM sbg WHERE sbg.name = s.name) AS weighted_same,
	   (SELECT sbg_fit(periods, churned) FROM subscribers u, generate_series(1, customers) g WHERE u.name = s.name)
		   = (SELECT m FROM sbg WHERE sbg.name = s.name) AS unweighted_same
FROM (SELECT name, sbg_fit(periods, churned, customers) AS f FROM subscribers GROUP BY name) s ORDER BY name;
-- in a forced parallel plan too
CREATE TABLE subscriber_rows AS
SELECT periods, churned FROM subscribers u, generate_series(1, customers) g WHERE name = 'regular';
INSERT INTO subscriber_rows VALUES (NULL, true), (3, NULL);
ALTER TABLE subscriber_rows SET (parallel_workers = 2);
ANALYZE subscriber_rows;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT pg_temp.workers_launched('SELECT sbg_fit(periods, churned) FROM subscriber_rows') > 0 AS workers_launched;
SELECT sbg_fit(periods, churned) = (SELECT m FROM sbg WHERE name = 'regular') AS parallel_same FROM subscriber_rows;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- cohort_retention feeds sbg_fit_survivors in one query: yearly renewals
-- of the regular cohort's 1,000 subscribers (customer c renews while
-- c <= survivors of that year), observed for years 0 .. 7
CREATE TABLE renewals AS
SELECT c AS customer_id, make_date(2000 + k, 3, 1) AS ordered_at
FROM cohorts, generate_series(1, 1000) c, generate_series(0, 7) k
WHERE name = 'regular' AND c <= survivors[k + 1];
SELECT sbg_fit_survivors(array_agg(c.active ORDER BY c.k)) = (SELECT m FROM sbg WHERE name = 'regular')
		   AS cohort_fit_same,
	   array_agg(c.active ORDER BY c.k) AS survivors
FROM (SELECT cohort_retention(customer_id, ordered_at, '1 year') AS cells FROM renewals) r,
	 unnest(r.cells) c
WHERE c.cohort_start = '2000-01-01';

-- input rules, and what cannot be identified
SELECT pg_temp.error_of('SELECT sbg_fit(0, true)');
SELECT pg_temp.error_of('SELECT sbg_fit(-1, false)');
SELECT pg_temp.error_of('SELECT sbg_fit(3, true, -2)');
SELECT pg_temp.error_of($$SELECT sbg_fit_survivors('{100,90,95}')$$);
SELECT pg_temp.error_of($$SELECT sbg_fit_survivors('{100,NULL,95}')$$);
SELECT pg_temp.error_of(format('SELECT churn_probability(%L::clv_sbg, 0)', m)) FROM sbg WHERE name = 'regular';
SELECT pg_temp.error_of(format('SELECT survival(%L::clv_sbg, -1)', m)) FROM sbg WHERE name = 'regular';
SELECT pg_temp.error_of(format('SELECT derl(%L::clv_sbg, 0, 0.1)', m)) FROM sbg WHERE name = 'regular';
SELECT pg_temp.error_of(format('SELECT derl(%L::clv_sbg, 1, 0)', m)) FROM sbg WHERE name = 'regular';
CREATE AGGREGATE pg_temp.sbg_merge(float8[]) (
	SFUNC = clv_sbg_fit_combine, STYPE = float8[], FINALFUNC = clv_sbg_fit_final);
SELECT pg_temp.error_of($$SELECT pg_temp.sbg_merge(s) FROM (VALUES ('{{1,2,5}}'::float8[])) v(s)$$);
SELECT sbg_fit_survivors('{1}') IS NULL AS one_customer_null, sbg_fit_survivors('{}') IS NULL AS empty_null;
-- one period of data: finite, not converged, with a WARNING
SELECT (f).converged, (f).customers, (f).alpha < 'infinity' AND (f).beta < 'infinity' AS finite
FROM (SELECT sbg_fit_survivors('{100,60}') AS f OFFSET 0) q;

-- one churn probability for every customer (10% a period: 1000, 900, 810,
-- 729 survivors): the likelihood rises towards the geometric limit, whose
-- log-likelihood 271 ln 0.1 + 2439 ln 0.9 no finite alpha and beta beat;
-- not converged, with a WARNING (the optimiser stopped at alpha 7,100)
SELECT (f).converged, (f).alpha > 1000 AS alpha_large,
	   round(((f).beta / (f).alpha)::numeric, 3) AS beta_over_alpha,
	   (f).ll <= 271 * ln(0.1) + 2439 * ln(0.9) + 1e-6 AS not_above_limit
FROM (SELECT sbg_fit_survivors('{1000,900,810,729}') AS f OFFSET 0) q;

-- BG/BB fits that stop where the likelihood is flat in some direction are
-- not converged (1.1 before: converged = true with parameters in the
-- millions, or at zero): three donors for four parameters, and half the
-- donors giving at every opportunity while the other half never give
SELECT (f).converged,
	   (f).alpha < 'infinity' AND (f).beta < 'infinity' AND (f).gamma < 'infinity' AND (f).delta < 'infinity' AS finite
FROM (SELECT bgbb_fit(x, t_x, n) AS f FROM (VALUES (1, 1, 6), (0, 0, 6), (3, 5, 6)) v(x, t_x, n)) q;
SELECT (f).converged,
	   (f).alpha < 'infinity' AND (f).beta < 'infinity' AND (f).gamma < 'infinity' AND (f).delta < 'infinity' AS finite
FROM (SELECT bgbb_fit(x, t_x, n, w) AS f FROM (VALUES (6, 6, 6, 50), (0, 0, 6, 50)) v(x, t_x, n, w)) q;

-- clv_parameters reads both composites: the donations fit with the core's
-- standard errors (test/unit/test_bgbb.c), and the regular sBG cohort
SELECT parameter, round(estimate::numeric, 3) AS estimate, round(std_error::numeric, 4) AS std_error,
	   abs(lower_95 - (estimate - 1.959963984540054 * std_error)) < 1e-12 AS lower_ok
FROM bgbb, clv_parameters(m);
SELECT parameter, round(estimate::numeric, 3) AS estimate, round(std_error::numeric, 4) AS std_error
FROM clv_parameters(sbg_fit_survivors('{1000,631,468,382,326,289,262,241}'));

DROP TABLE donations, bgbb, bgbb_p, bgbb_scores, donors, bgbb_serial, gifts, gift_summary, activity_summary,
	cohorts, sbg, subscribers, subscriber_rows, renewals;
