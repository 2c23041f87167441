#!/usr/bin/env bash
# test/distributed/run.sh -- clv on Citus and on postgres_fdw against one
# server, printing TAP.
#
#   bash test/distributed/run.sh
#
# Skips the whole suite ("1..0 # SKIP") when ../shared/vendor/citus is
# absent.  Otherwise builds Citus 13.2.2 from there (unless that version is
# installed), installs clv, starts six throw-away servers on loopback ports
# (test/distributed/lib.sh: a Citus coordinator and two workers, two plain
# servers as postgres_fdw shards, one plain local server), loads the same
# orders (clv_sample_orders, CLV_DIST_CUSTOMERS customers, default 20,000)
# into a distributed table, a hash-partitioned table of foreign tables and
# a plain table, and checks:
#
#   same     every public function gives the same text, bit for bit, on the
#            three engines under the session TimeZones UTC,
#            Pacific/Kiritimati and America/St_Johns (the workers and
#            shards run in Asia/Kathmandu, so a TimeZone-dependent step
#            evaluated remotely shows); "zone-free" queries also give the
#            same under every zone
#   split    Citus's plan of each global aggregate is worker_partial_agg on
#            the workers and coord_combine_agg on the coordinator, and the
#            coordinator receives one partial state per shard (no orders,
#            no per-customer rows)
#   shipped  postgres_fdw's Remote SQL holds the per-customer aggregates and
#            the per-shard step of the global ones, never a timestamptz
#            retention aggregate (its calendar depends on TimeZone)
#   doc      every Citus query of doc/scaling-out.md runs with
#            citus.coordinator_aggregation_strategy = 'disabled'
#
# Every server is stopped and the temporary directory removed at exit.
# Exit status 1 when a check failed.  Environment: see lib.sh, and
# CLV_DIST_CUSTOMERS.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
customers=${CLV_DIST_CUSTOMERS:-20000}

if ! dist_have_vendor; then
	echo "1..0 # SKIP no Citus source in $dist_vendor (../shared absent): distributed suite not run"
	exit 0
fi

n=0
failed=0
# tap STATUS LABEL [DIAGNOSTICS-FILE]
tap() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		[ -n "${3:-}" ] && [ -s "$3" ] && head -n 15 "$3" | cut -c1-300 | sed 's/^/#   /'
	fi
	return 0
}
bail() {
	echo "Bail out! $*"
	echo "1..$n"
	exit 1
}

dist_install_citus
tap $? "Citus 13.2.2 installed (built from $dist_vendor unless already there)" || true
[ "$failed" -eq 0 ] || bail "no Citus"
dist_install_clv
tap $? "clv installed" || true
[ "$failed" -eq 0 ] || bail "no clv"
trap dist_stop EXIT
dist_start
tap $? "six servers started on ports $dist_port-$((dist_port + 5))"
[ "$failed" -eq 0 ] || bail "servers did not start"
w=$dist_tmp/work
mkdir -p "$w"
dist_load "$customers" > "$w/load" 2>&1
tap $? "the same $customers customers' orders loaded into Citus, postgres_fdw and local tables" "$w/load"
[ "$failed" -eq 0 ] || bail "no data"

# q ENGINE ZONE [SQL on stdin] -- run the query on an engine: citus (the
# distributed table on the coordinator), fdw (the partitioned table of
# foreign tables) or local (the plain table), :orders naming its table
q() {
	local node=local table=orders opts="-c TimeZone=$2"
	case $1 in
	citus) node=coord ;;
	fdw) table=orders_fdw opts="$opts -c enable_partitionwise_aggregate=on" ;;
	esac
	PGOPTIONS="$opts ${3:-}" dist_psql $node -At -v orders=$table
}

zones="UTC Pacific/Kiritimati America/St_Johns"

# same [-z] LABEL SQL -- one TAP line per TimeZone: the three engines give
# the same non-empty text; with -z, also the same text as under UTC
same() {
	local zonefree=0 label sql z e f st
	[ "$1" = -z ] && { zonefree=1; shift; }
	label=$1 sql=$2
	for z in $zones; do
		f=$w/same.${z//\//_}
		st=0
		: > "$f.diag"
		for e in local citus fdw; do
			if ! printf '%s;\n' "$sql" | q $e $z > "$f.$e" 2>&1; then
				{ echo "$e failed:"; cat "$f.$e"; } >> "$f.diag"
				st=1
			fi
		done
		if [ $st -eq 0 ]; then
			if [ ! -s "$f.local" ]; then
				echo "empty result" >> "$f.diag"
				st=1
			fi
			for e in citus fdw; do
				if ! cmp -s "$f.local" "$f.$e"; then
					{ echo "$e differs from local:"; diff "$f.local" "$f.$e" | head -n 6; } >> "$f.diag"
					st=1
				fi
			done
			if [ $zonefree -eq 1 ] && [ "$z" != UTC ] && ! cmp -s "$f.local" "$w/same.UTC.local"; then
				{ echo "local under $z differs from UTC:"; diff "$w/same.UTC.local" "$f.local" | head -n 6; } >> "$f.diag"
				st=1
			fi
		fi
		tap $st "$label: Citus = postgres_fdw = local (TimeZone $z)" "$f.diag"
	done
}

# expect LABEL EXPECTED SQL -- the query prints EXPECTED on every engine (UTC)
expect() {
	local label=$1 want=$2 sql=$3 e st=0 f=$w/expect
	: > "$f.diag"
	for e in local citus fdw; do
		if ! printf '%s;\n' "$sql" | q $e UTC > "$f.$e" 2>&1 || [ "$(cat "$f.$e")" != "$want" ]; then
			{ echo "$e: expected $want, got:"; cat "$f.$e"; } >> "$f.diag"
			st=1
		fi
	done
	tap $st "$label" "$f.diag"
}

# split LABEL SQL -- on Citus, EXPLAIN (VERBOSE) shows the aggregate as
# worker_partial_agg in the workers' query and coord_combine_agg on the
# coordinator, and every column the coordinator's scan receives is a
# partial state that coord_combine_agg consumes: one row per shard, no
# orders, no per-customer rows.  (Citus 13.2.2 cannot EXPLAIN ANALYZE a
# worker_partial_agg query: "column field_0 has pseudo-type cstring".)
split() {
	local label=$1 sql=$2 f=$w/split st=1 cols c
	if printf 'EXPLAIN (VERBOSE, COSTS OFF) %s;\n' "$sql" | q citus UTC > "$f" 2>&1; then
		grep -q 'Query: SELECT .*worker_partial_agg' "$f" && grep -q 'coord_combine_agg' "$f" && st=0
	fi
	tap $st "$label: Citus splits it into worker_partial_agg and coord_combine_agg" "$f"
	st=1
	# the Output of the last Custom Scan (the one over the orders)
	cols=$(awk '/Custom Scan \(Citus Adaptive\)/ { want = 1; next }
		want && /Output:/ { sub(/.*Output: /, ""); out = $0; want = 0 } END { print out }' "$f" |
		tr ',' '\n' | sed 's/^ *//')
	if [ -n "$cols" ]; then
		st=0
		for c in $cols; do
			grep -qE "coord_combine_agg\([^)]*$c[,)]" "$f" || st=1
		done
	fi
	tap $st "$label: the coordinator receives partial states only (no orders, no per-customer rows)" "$f"
}

# fdw_plan SQL -- EXPLAIN (VERBOSE) on the local server, orders_fdw as :orders
fdw_plan() {
	printf 'EXPLAIN (VERBOSE, COSTS OFF) %s;\n' "$1" | q fdw UTC > "$w/fdw" 2>&1
}

# shipped LABEL PATTERN MIN SQL -- at least MIN Remote SQL lines contain
# PATTERN (one per shard the query reads)
shipped() {
	local label=$1 pat=$2 min=$3 sql=$4 k st=1
	if fdw_plan "$sql"; then
		k=$(grep -E 'Remote SQL:' "$w/fdw" | grep -cF "$pat")
		[ "$k" -ge "$min" ] && st=0
	fi
	tap $st "$label: postgres_fdw ships $pat to the shards" "$w/fdw"
}

# kept LABEL PATTERN SQL -- no Remote SQL line contains PATTERN, and the
# plan still runs it (locally)
kept() {
	local label=$1 pat=$2 sql=$3 st=1
	if fdw_plan "$sql"; then
		grep -E 'Remote SQL:' "$w/fdw" | grep -qF "$pat" || st=0
	fi
	tap $st "$label: postgres_fdw keeps $pat on the local server" "$w/fdw"
}

. "$here/checks.sh"

echo "1..$n"
[ "$failed" -eq 0 ]
