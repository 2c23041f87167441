#!/usr/bin/env bash
# test/clients/run.sh -- the deployment views with real components: pg_cron
# refreshes them on a schedule, and the JDBC, psqlODBC, psycopg2 and
# node-postgres drivers read every column of every view over TCP.
#
#   bash test/clients/run.sh        (as root, or a user with sudo; clv installed
#                                    in the PostgreSQL 15 tree of $PGBIN)
#
# Installs what is missing with apt-get (postgresql-15-cron, the JDBC driver
# and a JDK, psqlODBC with unixODBC and pyodbc, psycopg2, node and npm) and
# node-postgres with `npm ci` (version pinned in package-lock.json); starts
# its own throw-away server on 127.0.0.1:$CLIENTS_PORT (default the first
# free port from 55440, socket in a temporary directory) with pg_cron in
# shared_preload_libraries, and
# stops it at the end.  On the database clv_clients: 2,000 sample customers,
# clv_create_views with as_of 2025-12-31, then
#   - a customer added after the deployment; clv_schedule_views every minute;
#     cron.job_run_details must say succeeded and the views then hold him;
#   - tools/clv_pictures.py draws its five pictures from the views;
#   - psql writes every view (ORDER BY its unique key) as text, with the
#     column types; each driver reads the same query and must get every
#     column in its own plain types (number, text, date, timestamp,
#     boolean: never a composite, an array or an interval) with the value
#     psql shows (check_*.{java,py,js}).
# Prints TAP; exit status 0 when every test passed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PORT=${CLIENTS_PORT:-55440}
PYTHON=/usr/bin/python3			# Debian's, which has python3-psycopg2 and python3-pyodbc
JDBC_JAR=/usr/share/java/postgresql.jar
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

tests=0
failures=0
ok() {							# ok STATUS DESCRIPTION: one numbered TAP line
	tests=$((tests + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tests - $2"
	else
		echo "not ok $tests - $2"
		failures=$((failures + 1))
	fi
}
number() {						# numbers the unnumbered "ok - " lines of a client
	local line
	while IFS= read -r line; do
		case $line in
			"ok - "*) tests=$((tests + 1)); echo "ok $tests ${line#ok }" ;;
			"not ok - "*) tests=$((tests + 1)); failures=$((failures + 1)); echo "not ok $tests ${line#not ok }" ;;
			"#"*) echo "$line" ;;
			*) echo "# $line" ;;
		esac
	done
}
finish() {
	echo "1..$tests"
	[ "$failures" -eq 0 ]
	exit $?
}

# --- packages ----------------------------------------------------------------
packages="postgresql-15-cron libpostgresql-jdbc-java default-jdk-headless odbc-postgresql unixodbc
	python3-pyodbc python3-psycopg2 python3-matplotlib"
# node and npm: Debian's, unless a node with npm is there already (NodeSource's
# nodejs package carries npm and conflicts with Debian's npm)
command -v node >/dev/null && command -v npm >/dev/null || packages="$packages nodejs npm"
missing=
for p in $packages; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "# installing:$missing"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1
fi
status=0
for p in $packages; do
	dpkg -s "$p" >/dev/null 2>&1 || { echo "# missing: $p"; status=1; }
done
ok $status "Debian packages: pg_cron, JDBC and a JDK, psqlODBC, pyodbc, psycopg2, matplotlib, node and npm"
[ $status -eq 0 ] || finish

tmp=$(mktemp -d)
chmod 755 "$tmp"
run_as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
	run_as_pg "$PGBIN/pg_ctl" -D "$tmp/data" -m fast stop >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) > "$tmp/npm.log" 2>&1
status=$?
[ $status -eq 0 ] || sed 's/^/# /' "$tmp/npm.log"
ok $status "npm ci: node-postgres $(cd "$here" && node -p 'require("pg/package.json").version' 2>/dev/null) from package-lock.json"

mkdir "$tmp/java"
javac -d "$tmp/java" -cp "$JDBC_JAR" "$here/ViewsCheck.java" > "$tmp/javac.log" 2>&1
status=$?
[ $status -eq 0 ] || sed 's/^/# /' "$tmp/javac.log"
ok $status "javac compiles the JDBC check against $(readlink -f $JDBC_JAR | xargs basename)"

# --- a throw-away server with pg_cron --------------------------------------
[ "$(id -u)" -eq 0 ] && chown postgres: "$tmp"
cron_settings="-c shared_preload_libraries=pg_cron -c cron.database_name=clv_clients -c cron.host=127.0.0.1"
start_server() {
	run_as_pg "$PGBIN/pg_ctl" -D "$tmp/data" -w -l "$tmp/server.log" \
		-o "-k $tmp -c listen_addresses=127.0.0.1 -c port=$PORT -c TimeZone=UTC $cron_settings" start >/dev/null 2>&1
}
run_as_pg "$PGBIN/initdb" -D "$tmp/data" --auth=trust --locale=C.UTF-8 -U postgres >/dev/null 2>&1 &&
	start_server
status=$?
# without CLIENTS_PORT, the next ports while the server finds its port
# taken (two CI runs on one machine)
for _ in $(seq 20); do
	[ $status -ne 0 ] && [ -z "${CLIENTS_PORT:-}" ] &&
		grep -q "Address already in use" "$tmp/server.log" 2>/dev/null || break
	PORT=$((PORT + 1))
	: > "$tmp/server.log"
	start_server
	status=$?
done
[ $status -eq 0 ] || sed 's/^/# /' "$tmp/server.log" 2>/dev/null
ok $status "PostgreSQL with pg_cron on 127.0.0.1:$PORT"
[ $status -eq 0 ] || finish

export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGDATABASE=clv_clients PGTZ=UTC PGDATESTYLE=ISO
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

psql_q -d postgres -c 'CREATE DATABASE clv_clients' &&
	psql_q -c 'CREATE EXTENSION clv' -c 'CREATE EXTENSION pg_cron' \
		-c 'CREATE TABLE orders AS SELECT * FROM clv_sample_orders(2000)' \
		-c "SELECT length(clv_create_views('orders', 'customer_id', 'ordered_at', 'amount', as_of => '2025-12-31')) > 0" \
		> "$tmp/deploy.log" 2>&1
status=$?
[ $status -eq 0 ] || sed 's/^/# /' "$tmp/deploy.log"
ok $status "clv_create_views over 2,000 sample customers"
[ $status -eq 0 ] || finish

# --- pg_cron runs the refresh -------------------------------------------------
psql_q -c "INSERT INTO orders VALUES (900001, '2025-12-01 12:00+00', 40), (900001, '2025-12-20 12:00+00', 60)"
[ "$(psql_q -c 'SELECT count(*) FROM clv_customers WHERE customer_id = 900001')" = 0 ]
ok $? "a customer inserted after the deployment is not in clv_customers before a refresh"
job=$(psql_q -c "SELECT clv_schedule_views('clv_', '* * * * *')")
command=$(psql_q -c "SELECT command FROM cron.job WHERE jobid = '$job'")
[ "$command" = "SELECT public.clv_refresh_views('clv_', 'public')" ]
ok $? "clv_schedule_views registers job $job: $command"
run=
[ -n "$job" ] && for _ in $(seq 1 75); do		# pg_cron 1.4 runs a job at the start of a minute
	run=$(psql_q -c "SELECT status FROM cron.job_run_details WHERE jobid = '$job'
					 AND status IN ('succeeded', 'failed') ORDER BY runid LIMIT 1")
	[ -n "$run" ] && break
	sleep 2
done
[ "$run" = succeeded ]
ok $? "pg_cron ran the refresh: cron.job_run_details says ${run:-nothing after 150 s}"
[ "$run" = failed ] && psql_q -c "SELECT '# ' || return_message FROM cron.job_run_details WHERE jobid = '$job'"
again=$(psql_q -c "SELECT clv_schedule_views('clv_', '30 3 * * *')")
[ "$again" = "$job" ] && [ "$(psql_q -c "SELECT count(*) || ' ' || min(schedule) FROM cron.job")" = "1 30 3 * * *" ]
ok $? "scheduling the same views again replaces the schedule of job $job"
psql_q -c "SELECT cron.unschedule(${job:-0}::bigint)" >/dev/null
[ "$(psql_q -c "SELECT count(*) FROM clv_customers WHERE customer_id = 900001 AND frequency = 2") $(
	psql_q -c 'SELECT customers FROM clv_model') $(
	psql_q -c "SELECT customers FROM clv_cohorts WHERE cohort_start = '2025-12-01' AND period_number = 0") " = \
	"1 2001 $(psql_q -c "SELECT count(DISTINCT customer_id) FROM orders
						 WHERE date_trunc('month', ordered_at AT TIME ZONE 'UTC') = '2025-12-01'
						 AND customer_id NOT IN (SELECT customer_id FROM orders WHERE ordered_at < '2025-12-01 00:00+00')") " ]
ok $? "after the scheduled refresh the customers, model and cohorts views hold the new customer"

# --- what psql shows --------------------------------------------------------
ref=$tmp/ref
mkdir "$ref"
psql_q -F $'\t' -c "
	SELECT c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY k.n)
	FROM pg_class c JOIN pg_index i ON i.indrelid = c.oid AND i.indisunique
	CROSS JOIN unnest(i.indkey) WITH ORDINALITY k(attnum, n)
	JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
	WHERE c.relkind = 'm' AND c.relname LIKE 'clv\\_%' AND c.relnamespace = 'public'::regnamespace
	GROUP BY c.oid, c.relname ORDER BY c.oid" > "$ref/views.txt"
status=0
while IFS=$'\t' read -r view key; do
	psql -X -A -F $'\t' -P null='\N' -P footer=off -v ON_ERROR_STOP=1 \
		-c "SELECT * FROM $view ORDER BY $key" > "$ref/$view.tsv" || status=1
	psql_q -F $'\t' -c "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
						WHERE attrelid = '$view'::regclass AND attnum > 0 ORDER BY attnum" > "$ref/$view.types" || status=1
done < "$ref/views.txt"
[ "$(wc -l < "$ref/views.txt")" -eq 6 ] || status=1
ok $status "psql prints the six views: $(cut -f1 "$ref/views.txt" | tr '\n' ' ')"

# --- the drivers ----------------------------------------------------------------
# (each client prints one line per view; a client that dies early is caught
# by the count below)
number < <(java -Duser.timezone=UTC -cp "$JDBC_JAR:$tmp/java" ViewsCheck \
	"jdbc:postgresql://127.0.0.1:$PORT/clv_clients?user=postgres" "$ref" 2>&1)
number < <($PYTHON "$here/check_python.py" psycopg2 \
	"host=127.0.0.1 port=$PORT dbname=clv_clients user=postgres" "$ref" 2>&1)
number < <($PYTHON "$here/check_python.py" odbc \
	"Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=$PORT;Database=clv_clients;Uid=postgres;BoolsAsChar=0" \
	"$ref" 2>&1)
number < <(cd "$here" && TZ=UTC node check_node.js "postgresql://postgres@127.0.0.1:$PORT/clv_clients" "$ref" 2>&1)
[ "$tests" -eq $((11 + 4 * 6)) ]
ok $? "every driver reported on each of the six views ($tests tests before this one)"

# --- the pictures (tools/clv_pictures.py) -----------------------------------
$PYTHON "$here/../../tools/clv_pictures.py" --dbname clv_clients --outdir "$tmp/pictures" > "$tmp/pictures.log" 2>&1
status=$?
sed 's/^/# /' "$tmp/pictures.log"
ok $status "tools/clv_pictures.py draws from the views"
for picture in cohort_heatmap segments value_pareto p_alive_matrix holdout; do
	file=$tmp/pictures/$picture.png
	[ -s "$file" ] && [ "$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
	ok $? "$picture.png is written, a non-empty PNG ($(stat -c %s "$file" 2>/dev/null || echo 0) bytes)"
done

finish
