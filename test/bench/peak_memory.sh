#!/usr/bin/env bash
# test/bench/peak_memory.sh -- peak private memory of one query, leader plus
# parallel workers, against a running server on this machine.
#
#   test/bench/peak_memory.sh DB 'SET ...; SELECT ...'
#
# Runs the SQL in one psql session and samples, every 10 ms, the private
# anonymous memory (RssAnon of /proc/PID/status: heap, not shared buffers)
# of that session's backend and of its parallel workers ("parallel worker
# for PID n"), printing the largest sum seen minus the backend's before the
# query, in kB.  A benchmark helper, not a test: sampling can miss a peak
# shorter than 10 ms.
set -euo pipefail
db=$1
sql=$2
fifo=$(mktemp -u)
mkfifo "$fifo"
exec 3<>"$fifo"
rm -f "$fifo"
out=$(mktemp)
psql -X -q -At -d "$db" <&3 > "$out" 2>&1 &
psql_pid=$!
echo 'SELECT pg_backend_pid();' >&3
while [ ! -s "$out" ]; do sleep 0.01; done
backend=$(head -1 "$out")
anon() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
base=$(anon "$backend")
printf '%s\n\\echo __done__\n' "$sql" >&3
peak=0
while ! grep -q '__done__' "$out"; do
	total=$(anon "$backend")
	for w in $(pgrep -f "parallel worker for PID $backend\$" || true); do
		total=$((total + $(anon "$w")))
	done
	[ "$total" -gt "$peak" ] && peak=$total
	sleep 0.01
done
echo '\q' >&3
wait "$psql_pid" || true
if grep -q ERROR "$out"; then
	grep ERROR "$out" >&2
	rm -f "$out"
	exit 1
fi
rm -f "$out"
echo $((peak - base))
