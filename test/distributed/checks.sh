# test/distributed/checks.sh -- the checks of test/distributed/run.sh, one
# call a check (same, expect, split, shipped, kept: see run.sh), written
# against the 1.1 signatures of doc/reference.md.  :orders is the table of
# the engine: orders (Citus), orders_fdw (postgres_fdw) or orders (local).

# day, timestamp and summary idioms of doc/scaling-out.md: days through
# clv_day in a zone no session uses (immutable: the same on every node)
D="clv_day(ordered_at, 'Europe/Riga')"
TS="(ordered_at AT TIME ZONE 'UTC')"
# (a customer whose first order is after as_of has a NULL summary: the
# plain-column forms filter those rows, the clv_summary forms ignore them)
SUMS="SELECT customer_id, clv_summary($D, amount, date '2025-12-31', '1 week') AS s
	FROM :orders GROUP BY customer_id"
ACT="SELECT customer_id, clv_activity($D, '1 month') AS a FROM :orders GROUP BY customer_id"
ACT_TS="SELECT customer_id, clv_activity($TS, '1 week') AS a FROM :orders GROUP BY customer_id"
BGNBD="'(0.243,4.414,0.793,2.426,-9582.4,2357,20,t,\"7 days\",,,)'::clv_bgnbd"
PARETO="'(0.553,10.578,0.606,11.669,-9595,2357,20,t,\"7 days\",,,)'::clv_pareto_nbd"
GG="'(6.25,3.74,15.44,-4000,946,20,t,,,)'::clv_gamma_gamma"

# --- level 1: per-customer aggregates, GROUP BY customer_id ----------------

# time expression | as_of | unit | lifespan | what
for t in "ordered_at|timestamptz '2026-01-01 00:00+00'|1 week|1 year|timestamptz" \
	"$D|date '2025-12-31'|1 week|1 year|clv_day dates" \
	"$TS|timestamp '2026-01-01'|1 day|6 months|timestamps"; do
	IFS='|' read -r x as_of unit life what <<< "$t"
	same -z "rfm, clv_summary, avg_interpurchase(_days), clv over $what" "
SELECT customer_id, rfm($x, amount, $as_of), clv_summary($x, amount, $as_of),
	clv_summary($x, amount, $as_of, '$unit'), avg_interpurchase($x),
	avg_interpurchase_days($x), clv($x, amount, '$life')
FROM :orders GROUP BY customer_id ORDER BY customer_id"
done

same -z "rfm, clv_summary, clv over smallint, integer, bigint, real, float8 amounts" "
SELECT customer_id,
	clv_summary($D, (amount / 100)::smallint, date '2025-12-31', '1 week'),
	rfm($D, amount::integer, date '2025-12-31'),
	clv_summary($D, (amount * 100)::bigint, date '2025-12-31'),
	rfm($D, amount::real, date '2025-12-31'),
	clv_summary($D, amount::float8, date '2025-12-31', '1 week'),
	clv($D, amount::float8, '1 year'), clv($D, amount::integer, '1 year')
FROM :orders GROUP BY customer_id ORDER BY customer_id"

# --- level 2: window functions over one row per customer -------------------

same -z "rfm_score (clv_rfm and three columns), rfm_segment (text and r, f)" "
SELECT customer_id, r, score, rfm_segment(score),
	rfm_segment(substr(score, 1, 1)::int, substr(score, 2, 1)::int), score3
FROM (SELECT customer_id, r, rfm_score(r) OVER () AS score,
		rfm_score((r).recency, (r).frequency, (r).monetary, 3) OVER () AS score3
	FROM (SELECT customer_id, rfm($D, amount, date '2025-12-31') AS r
		FROM :orders GROUP BY customer_id) c) s
ORDER BY customer_id"

same -z "value_tier over clv(formula)" "
SELECT customer_id, v, value_tier(v) OVER (), value_tier(v, 0.5, 0.9) OVER ()
FROM (SELECT customer_id, clv($D, amount, '1 year') AS v FROM :orders GROUP BY customer_id) c
ORDER BY customer_id"

# --- level 2: model fits over per-customer summaries ------------------------

same -z "bgnbd_fit, mbgnbd_fit, pareto_nbd_fit, gamma_gamma_fit over clv_summary values" "
SELECT bgnbd_fit(s), mbgnbd_fit(s), pareto_nbd_fit(s), gamma_gamma_fit(s) FROM ($SUMS) c"

same -z "bgnbd_fit, pareto_nbd_fit, gamma_gamma_fit over plain columns" "
SELECT bgnbd_fit((s).x, (s).t_x, (s).t, (s).unit),
	pareto_nbd_fit((s).x, (s).t_x, (s).t, (s).unit),
	gamma_gamma_fit((s).x, (s).m::float8)
FROM ($SUMS) c WHERE (s).x IS NOT NULL"

same -z "clv_stats over clv_summary values and over plain columns" "
SELECT clv_stats(s), clv_stats((s).x, (s).t_x, (s).t, (s).m::float8, (s).unit) FILTER (WHERE (s).x IS NOT NULL)
FROM ($SUMS) c"

same -z "clv_stats_merge and the fits over clv_stats of four segments" "
SELECT clv_stats_merge(st), bgnbd_fit(st), pareto_nbd_fit(st), gamma_gamma_fit(st)
FROM (SELECT customer_id % 4 AS g, clv_stats(s) AS st FROM ($SUMS) c GROUP BY g) p"

same -z "one bgnbd_fit and gamma_gamma_fit per segment (GROUP BY)" "
SELECT customer_id % 3 AS g, bgnbd_fit(s), gamma_gamma_fit(s) FROM ($SUMS) c
GROUP BY g ORDER BY g"

# --- scoring functions ------------------------------------------------------

same -z "p_alive, expected_purchases, expected_spend, clv(model) with given models" "
SELECT customer_id, p_alive($BGNBD, s), p_alive($BGNBD, (s).x, (s).t_x, (s).t),
	p_alive($PARETO, s), p_alive($PARETO, (s).x, (s).t_x, (s).t),
	expected_purchases($BGNBD, 52, s), expected_purchases($PARETO, 52, (s).x, (s).t_x, (s).t),
	expected_spend($GG, s), expected_spend($GG, (s).x, (s).m::float8),
	clv($BGNBD, $GG, s), clv($PARETO, $GG, s, 6, 0.02),
	clv($BGNBD, $GG, (s).x, (s).t_x, (s).t, (s).m::float8)
FROM ($SUMS) c ORDER BY customer_id"

same -z "scoring with models fitted in the same query" "
WITH sums AS ($SUMS),
	m AS (SELECT bgnbd_fit(s) AS b, gamma_gamma_fit(s) AS g FROM sums)
SELECT customer_id, p_alive(b, s), expected_purchases(b, 26, s), clv(b, g, s)
FROM sums, m ORDER BY customer_id"

# --- retention in one scan ----------------------------------------------------

for key in customer_id customer_int customer_text customer_uuid; do
	same -z "retention_series, cohort_retention over clv_day dates, $key keys" "
SELECT retention_series($key, $D, '1 month'), cohort_retention($key, $D, '3 months')
FROM :orders"
done

same -z "retention_rate, new_customer_share over clv_day dates" "
SELECT retention_rate(customer_id, $D, date '2025-03-01', '1 month'),
	new_customer_share(customer_id, $D, date '2025-03-01', '1 month'),
	retention_rate(customer_text, $D, date '2025-03-01', '30 days'),
	new_customer_share(customer_uuid, $D, date '2025-03-01', '1 week'),
	retention_rate(customer_int, $D, date '2025-01-01', '1 year')
FROM :orders"

same -z "retention_series, cohort_retention, retention_rate, new_customer_share over timestamps" "
SELECT retention_series(customer_id, $TS, '1 week'), cohort_retention(customer_text, $TS, '1 month'),
	retention_rate(customer_int, $TS, timestamp '2025-03-01', '1 month'),
	new_customer_share(customer_uuid, $TS, timestamp '2025-03-01 12:00', '12 hours')
FROM :orders"

same -z "retention_series per group (GROUP BY another column than the key)" "
SELECT customer_id % 3 AS g, retention_series(customer_id, $D, '1 month')
FROM :orders GROUP BY g ORDER BY g"

# timestamptz: calendar periods in the session TimeZone, so results differ
# by zone, but each engine must compute them in the session's zone
same "retention_series, cohort_retention, retention_rate, new_customer_share over timestamptz" "
SELECT retention_series(customer_id, ordered_at, '1 month'),
	cohort_retention(customer_text, ordered_at, '1 month'),
	retention_rate(customer_int, ordered_at, timestamptz '2025-03-01', '1 month'),
	new_customer_share(customer_uuid, ordered_at, timestamptz '2025-03-01', '1 week')
FROM :orders"
# ... and the zones do matter for that query (else the check above proves little)
cmp -s "$w/same.UTC.local" "$w/same.Pacific_Kiritimati.local"
tap $((1 - $?)) "timestamptz retention: monthly periods in Pacific/Kiritimati differ from UTC (the zone matters)"

# --- retention in two steps: clv_activity per customer, then global -------------

same -z "clv_activity per customer (dates, months; timestamps, weeks)" "
SELECT customer_id, clv_activity($D, '1 month'), clv_activity($TS, '1 week')
FROM :orders GROUP BY customer_id ORDER BY customer_id"

same -z "retention_series, cohort_retention, retention_rate, new_customer_share over clv_activity (dates)" "
SELECT retention_series(a), cohort_retention(a), retention_rate(a, date '2025-03-01'),
	new_customer_share(a, date '2025-03-01')
FROM ($ACT) c"

same -z "retention_series, cohort_retention, retention_rate, new_customer_share over clv_activity (timestamps)" "
SELECT retention_series(a), cohort_retention(a), retention_rate(a, date '2025-03-03'),
	new_customer_share(a, date '2025-03-03')
FROM ($ACT_TS) c"

expect "two-step retention equals the one-scan form on every engine" "t|t|t|t" "
SELECT (SELECT retention_series(a) FROM ($ACT) c)
		= (SELECT retention_series(customer_id, $D, '1 month') FROM :orders),
	(SELECT cohort_retention(a) FROM ($ACT) c)
		= (SELECT cohort_retention(customer_id, $D, '1 month') FROM :orders),
	(SELECT retention_rate(a, date '2025-03-01') FROM ($ACT) c)
		= (SELECT retention_rate(customer_id, $D, date '2025-03-01', '1 month') FROM :orders),
	(SELECT new_customer_share(a, date '2025-03-01') FROM ($ACT) c)
		= (SELECT new_customer_share(customer_id, $D, date '2025-03-01', '1 month') FROM :orders)"

# --- Citus: each global aggregate partially aggregated on the workers --------

split "clv_stats(clv_summary)" "SELECT clv_stats(s) FROM ($SUMS) c"
split "clv_stats(x, t_x, t, m, unit)" "
SELECT clv_stats((s).x, (s).t_x, (s).t, (s).m::float8, (s).unit) FROM ($SUMS) c WHERE (s).x IS NOT NULL"
for fit in bgnbd_fit mbgnbd_fit pareto_nbd_fit; do
	split "$fit(clv_summary)" "SELECT $fit(s) FROM ($SUMS) c"
	split "$fit(x, t_x, t, unit)" \
		"SELECT $fit((s).x, (s).t_x, (s).t, (s).unit) FROM ($SUMS) c WHERE (s).x IS NOT NULL"
done
split "gamma_gamma_fit(clv_summary)" "SELECT gamma_gamma_fit(s) FROM ($SUMS) c"
split "gamma_gamma_fit(x, m)" "SELECT gamma_gamma_fit((s).x, (s).m::float8) FROM ($SUMS) c WHERE (s).x IS NOT NULL"

# discrete models: BG/BB over monthly activity (bgbb_summary), sBG over
# (months from the first to the last active one + 1, churned when that is
# before December), each a float8[] state combined on the coordinator
BGBB="SELECT customer_id, bgbb_summary(clv_activity($D, '1 month'), date '2025-12-31') AS b
	FROM :orders GROUP BY customer_id"
same -z "bgbb_fit and sbg_fit over per-customer rows" "
SELECT bgbb_fit((b).x, (b).t_x, (b).n), bgbb_fit(b), sbg_fit((b).t_x + 1, (b).t_x < (b).n) FROM ($BGBB) c"
split "bgbb_fit(x, t_x, n)" "SELECT bgbb_fit((b).x, (b).t_x, (b).n) FROM ($BGBB) c"
split "bgbb_fit(clv_bgbb_summary)" "SELECT bgbb_fit(b) FROM ($BGBB) c"
split "sbg_fit(periods, churned)" "SELECT sbg_fit((b).t_x + 1, (b).t_x < (b).n) FROM ($BGBB) c"

# stored statistics: a distributed table of clv_stats values per segment
printf '%s\n' "SET client_min_messages = warning;
	CREATE TABLE segment_stats (segment int, stats clv_stats);
	SELECT create_distributed_table('segment_stats', 'segment');
	INSERT INTO segment_stats
	SELECT customer_id % 16, clv_stats(s) FROM ($SUMS) c GROUP BY 1;" |
	q citus UTC > "$w/stats" 2>&1
tap $? "a distributed table of clv_stats values, one per segment" "$w/stats"
for agg in clv_stats_merge bgnbd_fit mbgnbd_fit pareto_nbd_fit gamma_gamma_fit; do
	split "$agg(clv_stats)" "SELECT $agg(stats) FROM segment_stats"
done

for t in "$D|date '2025-03-01'" "$TS|timestamp '2025-03-01'"; do
	x=${t%%|*} start=${t#*|}
	for key in customer_id customer_int customer_text customer_uuid; do
		kind=${start%% *}
		split "retention_series($key, $kind)" "SELECT retention_series($key, $x, '1 month') FROM :orders"
		split "cohort_retention($key, $kind)" "SELECT cohort_retention($key, $x, '1 month') FROM :orders"
		split "retention_rate($key, $kind)" \
			"SELECT retention_rate($key, $x, $start, '1 month') FROM :orders"
		split "new_customer_share($key, $kind)" \
			"SELECT new_customer_share($key, $x, $start, '1 month') FROM :orders"
	done
done

for act in "$ACT|date" "$ACT_TS|timestamp"; do
	a=${act%%|*} kind=${act#*|}
	split "retention_series(clv_activity) ($kind)" "SELECT retention_series(a) FROM ($a) c"
	split "cohort_retention(clv_activity) ($kind)" "SELECT cohort_retention(a) FROM ($a) c"
	split "retention_rate(clv_activity) ($kind)" "SELECT retention_rate(a, date '2025-03-03') FROM ($a) c"
	split "new_customer_share(clv_activity) ($kind)" \
		"SELECT new_customer_share(a, date '2025-03-03') FROM ($a) c"
done

# --- postgres_fdw: what is shipped, what is kept ----------------------------------

shipped "rfm per customer" "rfm(" 2 \
	"SELECT customer_id, rfm(ordered_at, amount, timestamptz '2026-01-01 00:00+00') FROM :orders GROUP BY customer_id"
shipped "clv_summary per customer over clv_day" "clv_summary(" 2 "$SUMS"
shipped "clv_day in a WHERE clause" "clv_day(" 2 \
	"SELECT count(*) FROM :orders WHERE $D >= date '2025-06-01'"
shipped "avg_interpurchase, avg_interpurchase_days per customer" "avg_interpurchase_days(" 2 \
	"SELECT customer_id, avg_interpurchase(ordered_at), avg_interpurchase_days($D) FROM :orders GROUP BY customer_id"
shipped "clv(formula) per customer" "clv(" 2 \
	"SELECT customer_id, clv($D, amount::float8, '1 year') FROM :orders GROUP BY customer_id"
shipped "the per-customer step of a fit" "clv_summary(" 2 "SELECT bgnbd_fit(s) FROM ($SUMS) c"
shipped "clv_activity per customer (the first step of two-step retention)" "clv_activity(" 2 \
	"SELECT retention_series(a) FROM ($ACT) c"
# the per-shard step of a global aggregate: over one shard's foreign table
# (over stored date and timestamp columns, so that only the aggregate is
# in question; clv_day's shipping is checked above)
for f in "retention_series(customer_id, ordered_on, '1 month')" \
	"cohort_retention(customer_text, ordered_on, '1 month')" \
	"retention_rate(customer_uuid, ordered_ts, timestamp '2025-03-01', '1 month')" \
	"new_customer_share(customer_int, ordered_on, date '2025-03-01', '1 month')"; do
	shipped "${f%%(*} over one shard (date or timestamp column)" "${f%%(*}(" 1 "SELECT $f FROM orders_fdw_0"
done
shipped "clv_activity per customer over a date column" "clv_activity(" 2 \
	"SELECT customer_id, clv_activity(ordered_on, '1 month') FROM :orders GROUP BY customer_id"
for f in "retention_series(customer_id, ordered_at, '1 month')" \
	"cohort_retention(customer_id, ordered_at, '1 month')" \
	"retention_rate(customer_id, ordered_at, timestamptz '2025-03-01', '1 month')" \
	"new_customer_share(customer_id, ordered_at, timestamptz '2025-03-01', '1 month')"; do
	kept "${f%%(*} over timestamptz, one shard" "${f%%(*}(" "SELECT $f FROM orders_fdw_0"
	kept "${f%%(*} over timestamptz, all shards" "${f%%(*}(" "SELECT $f FROM :orders"
done

# --- Citus: every documented query runs without coordinator aggregation ----------

doc=$dist_top/doc/scaling-out.md
k=0
if [ -f "$doc" ]; then
	# the ```sql blocks that follow a line "<!-- citus-query -->"
	awk -v dir="$w" '
		/<!-- citus-query -->/ { want = 1; next }
		want && /^```sql/ { k++; f = dir "/doc." k ".sql"; inblock = 1; want = 0; next }
		inblock && /^```/ { inblock = 0; close(f); next }
		inblock { print > f }' "$doc"
	for f in "$w"/doc.*.sql; do
		[ -e "$f" ] || continue
		k=$((k + 1))
		q citus UTC "-c citus.coordinator_aggregation_strategy=disabled" < "$f" > "$f.out" 2>&1
		tap $? "doc/scaling-out.md Citus query $(basename "$f" .sql | cut -d. -f2) runs with coordinator_aggregation_strategy = disabled: $(grep -m1 -v '^--' "$f" | cut -c1-60)" "$f.out"
	done
fi
[ $k -gt 0 ]
tap $? "doc/scaling-out.md has Citus queries to check"
