#!/usr/bin/env bash
# test/bench/distributed.sh [customers] -- Citus (a coordinator and two
# workers on this machine) against one server, for each global aggregate:
# the time ratio and the bytes the workers send to the coordinator.
#
#   bash test/bench/distributed.sh            # 1,000,000 customers
#   bash test/bench/distributed.sh 100000     # a quicker run
#
# Starts its own servers with test/distributed/lib.sh (same environment:
# CLV_DESTDIR, CLV_DIST_PORT, CLV_DIST_VENDOR, CLV_DIST_SHARDS), builds
# Citus if needed, loads clv_sample_orders(customers) into a distributed
# table and into a plain table of the local server, and prints one row per
# query: the best of three wall-clock times on each, their ratio, whether
# Citus split the aggregate (worker_partial_agg), and the rows and bytes the
# coordinator received: "Tuple data received from nodes" of EXPLAIN ANALYZE,
# or, for a split aggregate (which Citus cannot EXPLAIN ANALYZE), the rows
# and text bytes of the workers' query replayed on every shard.  A
# benchmark, not a test: it asserts nothing.
set -u
here=$(cd "$(dirname "$0")/../distributed" && pwd)
. "$here/lib.sh"
customers=${1:-1000000}

dist_have_vendor || { echo "no Citus source in $dist_vendor" >&2; exit 1; }
dist_install_citus || exit 1
dist_install_clv || exit 1
trap dist_stop EXIT
dist_start || exit 1
w=$dist_tmp/work
mkdir -p "$w"
echo "# loading $customers customers" >&2
DIST_NO_FDW=1 dist_load "$customers" > "$w/load" 2>&1 || { cat "$w/load" >&2; exit 1; }
for n in coord local; do
	dist_psql $n -At -c "SELECT count(*) FROM orders" | sed "s/^/# orders on $n: /" >&2
done

D="clv_day(ordered_at, 'Europe/Riga')"
SUMS="SELECT customer_id, clv_summary($D, amount, date '2025-12-31', '1 week') AS s FROM orders GROUP BY customer_id"
ACT="SELECT customer_id, clv_activity($D, '1 month') AS a FROM orders GROUP BY customer_id"

# best NODE SQL -- the best of three wall-clock times in ms, or "error"
best() {
	printf '\\o /dev/null\n\\timing on\n%s;\n%s;\n%s;\n' "$2" "$2" "$2" |
		PGOPTIONS="-c TimeZone=UTC" dist_psql "$1" -At > "$w/time" 2>&1 ||
		{ echo error; return; }
	grep -E '^Time:' "$w/time" | awk '{ print $2 }' | sort -g | head -n 1
}

# replay -- rows and bytes (as text) of the task query of $w/plan run on
# every shard of orders
replay() {
	local query shard name port node
	query=$(grep -m1 'Query: ' "$w/plan" | sed 's/^ *Query: //')
	shard=$(printf '%s' "$query" | grep -oE 'orders_[0-9]+' | head -n 1)
	rows=0 bytes=0
	while read -r name port; do
		node=w1
		[ "$port" = "$(dist_port_of w2)" ] && node=w2
		printf '%s;\n' "${query//$shard/$name}" | dist_psql $node -At > "$w/replay" 2>&1 || {
			echo "# $label: replay failed: $(head -n 1 "$w/replay")" >&2
			rows=- bytes=-
			return
		}
		rows=$((rows + $(wc -l < "$w/replay")))
		bytes=$((bytes + $(wc -c < "$w/replay")))
	done < <(dist_psql coord -At -F ' ' -c "SELECT shard_name, nodeport FROM citus_shards WHERE table_name = 'orders'::regclass")
	bytes="$bytes bytes"
}

printf '%-44s %10s %10s %7s %9s %12s %6s\n' query "one (ms)" "Citus (ms)" ratio rows bytes split
bench() {
	local label=$1 sql=$2 t1 t2 ratio rows bytes split=no
	t1=$(best local "$sql")
	t2=$(best coord "$sql")
	ratio=-
	[ "$t1" != error ] && [ "$t2" != error ] && ratio=$(awk -v a="$t2" -v b="$t1" 'BEGIN { printf "%.2f", a / b }')
	printf 'EXPLAIN (VERBOSE, COSTS OFF) %s;\n' "$sql" | dist_psql coord -At > "$w/plan" 2>&1
	if grep -q worker_partial_agg "$w/plan"; then
		# Citus 13.2.2 cannot EXPLAIN ANALYZE a worker_partial_agg query:
		# replay the shown task's query on every shard and count what the
		# workers return (partial states travel as text)
		split=yes
		replay
	else
		printf 'EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF) %s;\n' "$sql" |
			dist_psql coord -At > "$w/plan" 2>&1 ||
			echo "# $label: EXPLAIN ANALYZE on Citus failed: $(grep -m1 ERROR "$w/plan")" >&2
		rows=$(grep -E 'Custom Scan \(Citus Adaptive\).*actual rows=' "$w/plan" | tail -n 1 |
			sed -E 's/.*actual rows=([0-9]+).*/\1/')
		bytes=$(grep -E 'Tuple data received from nodes:' "$w/plan" | tail -n 1 | sed -E 's/.*nodes: //')
	fi
	printf '%-44s %10s %10s %7s %9s %12s %6s\n' "$label" "$t1" "$t2" "$ratio" "${rows:--}" "${bytes:--}" "$split"
}

bench "count(*) (reference)" "SELECT count(*) FROM orders"
bench "clv_summary per customer, count" "SELECT count(s) FROM ($SUMS) c"
bench "clv_stats(clv_summary)" "SELECT clv_stats(s) FROM ($SUMS) c"
bench "bgnbd_fit(clv_summary)" "SELECT bgnbd_fit(s) FROM ($SUMS) c"
bench "pareto_nbd_fit(clv_summary)" "SELECT pareto_nbd_fit(s) FROM ($SUMS) c"
bench "gamma_gamma_fit(clv_summary)" "SELECT gamma_gamma_fit(s) FROM ($SUMS) c"
bench "retention_series(bigint, date)" "SELECT retention_series(customer_id, $D, '1 month') FROM orders"
bench "cohort_retention(bigint, date)" "SELECT cohort_retention(customer_id, $D, '1 month') FROM orders"
bench "retention_rate(bigint, date)" \
	"SELECT retention_rate(customer_id, $D, date '2025-03-01', '1 month') FROM orders"
bench "new_customer_share(bigint, date)" \
	"SELECT new_customer_share(customer_id, $D, date '2025-03-01', '1 month') FROM orders"
bench "retention_series(bigint, timestamptz)" "SELECT retention_series(customer_id, ordered_at, '1 month') FROM orders"
bench "retention_series(clv_activity)" "SELECT retention_series(a) FROM ($ACT) c"
bench "cohort_retention(clv_activity)" "SELECT cohort_retention(a) FROM ($ACT) c"
bench "retention_rate(clv_activity)" "SELECT retention_rate(a, date '2025-03-01') FROM ($ACT) c"
bench "new_customer_share(clv_activity)" "SELECT new_customer_share(a, date '2025-03-01') FROM ($ACT) c"
