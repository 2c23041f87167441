# test/distributed/lib.sh -- sourced by test/distributed/run.sh and
# test/bench/distributed.sh: Citus 13.2.2 from ../shared/vendor/citus, clv,
# and six throw-away PostgreSQL 15 servers on loopback TCP ports:
#
#   node    port (default)  role
#   coord   25432           Citus coordinator (shared_preload_libraries = citus)
#   w1      25433           Citus worker
#   w2      25434           Citus worker
#   s1      25435           plain server, postgres_fdw shard (hash remainder 0)
#   s2      25436           plain server, postgres_fdw shard (hash remainder 1)
#   local   25437           plain server: the local table and the partitioned
#                           table of foreign tables on s1 and s2
#
# Environment:
#   CLV_DIST_PORT   first of the six consecutive ports (default 25432: below
#                   Linux's ephemeral range 32768-60999, where the nodes' own
#                   loopback connections could hold a port a server is about
#                   to listen on; .ci/run's server is on 54329, developers'
#                   on 5401-5446)
#   CLV_DESTDIR     a private installation tree (/work/tools/privpg.sh): Citus
#                   and clv are installed into it with DESTDIR and the servers
#                   run from it; unset, the system tree is used (as in CI,
#                   where .ci/run has already installed clv)
#   CLV_DIST_VENDOR where the Citus tarball is (default ../shared/vendor/citus
#                   beside the checkout)
#   CLV_DIST_SHARDS Citus shard count (default 8)
#   CLV_DIST_CLV_INSTALLED=1  use the clv installed in the tree as it is
#                   (e.g. another branch's build) instead of installing
#                   this checkout's
#
# Every server is started from a temporary directory (data, logs, one socket
# directory per node) that dist_stop removes; callers trap it on EXIT.
# Servers run as user postgres when the script runs as root.

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
dist_root=${CLV_DESTDIR:-}
dist_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dist_vendor=${CLV_DIST_VENDOR:-$dist_top/../shared/vendor/citus}
dist_port=${CLV_DIST_PORT:-25432}
dist_shards=${CLV_DIST_SHARDS:-8}
dist_nodes="coord w1 w2 s1 s2 local"
dist_pgbin=$dist_root$($PG_CONFIG --bindir)
dist_extdir=$dist_root$($PG_CONFIG --sharedir)/extension
dist_tmp=
dist_started=
DIST_SUDO=
[ "$(id -u)" -eq 0 ] || DIST_SUDO=sudo

dist_log() { printf '# %s\n' "$*" >&2; }

# dist_port_of NODE: the node's TCP port
dist_port_of() {
	local i=0 n
	for n in $dist_nodes; do
		[ "$n" = "$1" ] && { echo $((dist_port + i)); return; }
		i=$((i + 1))
	done
	return 1
}

dist_as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# dist_have_vendor: is the Citus source there?
dist_have_vendor() {
	[ -f "$dist_vendor/citus-13.2.2.tar.gz" ]
}

# dist_install_citus: build and install Citus 13.2.2 unless citus.control
# with default_version '13.2-1' is already installed in the tree the
# servers run from.  Returns non-zero when the build fails.
dist_install_citus() {
	local ctl=$dist_extdir/citus.control build pkgs missing= p
	if [ -f "$ctl" ] && grep -qE "^default_version *= *'13\.2-1'" "$ctl"; then
		dist_log "Citus 13.2-1 already installed in $dist_extdir"
		return 0
	fi
	pkgs="gcc make libcurl4-openssl-dev liblz4-dev libzstd-dev libkrb5-dev libssl-dev
		libselinux1-dev libxslt1-dev libpam0g-dev libreadline-dev zlib1g-dev
		postgresql-server-dev-15"
	for p in $pkgs; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		dist_log "installing:$missing"
		{
			$DIST_SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
				$DIST_SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
					--no-install-recommends $missing
		} > "${TMPDIR:-/tmp}/clv-citus-apt.log" 2>&1 || {
			tail -n 20 "${TMPDIR:-/tmp}/clv-citus-apt.log" | sed 's/^/# /' >&2
			return 1
		}
	fi
	build=$(mktemp -d "${TMPDIR:-/tmp}/clv-citus.XXXXXX")
	dist_log "building Citus 13.2.2 in $build (about 5 minutes on 2 cores)"
	(
		set -e
		cd "$build"
		tar xzf "$dist_vendor/citus-13.2.2.tar.gz"
		cd citus-13.2.2
		if grep -q have_createdb_privilege "$($PG_CONFIG --includedir-server)/commands/dbcommands.h"; then
			patch -p1 < "$dist_vendor/pg15.20-have_createdb_privilege.patch"
		fi
		./configure PG_CONFIG="$PG_CONFIG" --without-libcurl
		make -j"$(nproc)"
		if [ -n "$dist_root" ]; then
			make install DESTDIR="$dist_root"
		else
			$DIST_SUDO make install
		fi
	) > "$build.log" 2>&1
	local rc=$?
	if [ $rc -ne 0 ]; then
		dist_log "Citus build failed; the last lines of $build.log:"
		tail -n 30 "$build.log" | sed 's/^/# /' >&2
	else
		rm -f "$build.log"
	fi
	rm -rf "$build"
	return $rc
}

# dist_install_clv: into the private tree when CLV_DESTDIR is set; otherwise
# the system tree must already have it (CI), or it is installed there.
dist_install_clv() {
	if [ -n "${CLV_DIST_CLV_INSTALLED:-}" ]; then
		dist_log "using the clv installed in $dist_extdir"
	elif [ -n "$dist_root" ]; then
		make -s -C "$dist_top" PG_CONFIG="$PG_CONFIG" >&2 &&
			make -s -C "$dist_top" install PG_CONFIG="$PG_CONFIG" DESTDIR="$dist_root" >&2
	elif [ -f "$dist_extdir/clv.control" ]; then
		dist_log "clv already installed in $dist_extdir"
	else
		make -s -C "$dist_top" PG_CONFIG="$PG_CONFIG" >&2 &&
			$DIST_SUDO make -s -C "$dist_top" install PG_CONFIG="$PG_CONFIG" >&2
	fi
}

# dist_start: initdb once, copy the cluster per node, start all six.
dist_start() {
	local n port conf
	dist_tmp=$(mktemp -d "${TMPDIR:-/tmp}/clv-dist.XXXXXX")
	chmod 755 "$dist_tmp"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$dist_tmp"
	dist_as_pg "$dist_pgbin/initdb" -D "$dist_tmp/template" --auth=trust \
		--locale=C.UTF-8 -U postgres >/dev/null || return 1
	for n in $dist_nodes; do
		port=$(dist_port_of $n)
		dist_as_pg cp -a "$dist_tmp/template" "$dist_tmp/$n"
		dist_as_pg mkdir "$dist_tmp/$n.sock"
		conf=$dist_tmp/$n/postgresql.auto.conf
		{
			echo "listen_addresses = '127.0.0.1'"
			echo "port = $port"
			echo "unix_socket_directories = '$dist_tmp/$n.sock'"
			echo "fsync = off"
			echo "synchronous_commit = off"
			echo "full_page_writes = off"
			echo "shared_buffers = '128MB'"
			echo "max_prepared_transactions = 20"
			echo "log_min_messages = warning"
			# servers whose zone differs from every session zone of the
			# tests, so that a TimeZone-dependent step evaluated on a
			# remote node shows
			case $n in
			coord | local) echo "timezone = 'UTC'" ;;
			*) echo "timezone = 'Asia/Kathmandu'" ;;
			esac
			case $n in
			coord | w1 | w2)
				echo "shared_preload_libraries = 'citus'"
				;;
			esac
		} | dist_as_pg tee -a "$conf" >/dev/null
		dist_as_pg "$dist_pgbin/pg_ctl" -D "$dist_tmp/$n" -w -t 60 -l "$dist_tmp/$n.log" start >/dev/null || {
			dist_log "server $n did not start:"
			sed 's/^/# /' "$dist_tmp/$n.log" >&2
			return 1
		}
		dist_started="$dist_started $n"
	done
}

# dist_stop: stop every server dist_start started, remove the temp dir.
dist_stop() {
	local n
	for n in $dist_started; do
		dist_as_pg "$dist_pgbin/pg_ctl" -D "$dist_tmp/$n" -m immediate stop >/dev/null 2>&1
	done
	dist_started=
	[ -n "$dist_tmp" ] && rm -rf "$dist_tmp"
	dist_tmp=
}

# dist_psql NODE [psql args]: psql on a node's socket, as postgres, no psqlrc
dist_psql() {
	local n=$1
	shift
	PGOPTIONS=${PGOPTIONS:-} psql -X -q -h "$dist_tmp/$n.sock" -p "$(dist_port_of $n)" \
		-U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}

# dist_load CUSTOMERS: the same orders on the three engines (DIST_NO_FDW=1:
# on Citus and the local server only).
#   coord:  orders, distributed by customer_id (citus.shard_count shards on
#           w1 and w2)
#   local:  orders (a plain table) and orders_fdw (hash partitions on
#           customer_id, each a postgres_fdw foreign table on s1 / s2)
# Columns: customer_id bigint, ordered_at timestamptz, amount numeric, and
# the key as integer (customer_int), text (customer_text) and uuid
# (customer_uuid) for the key overloads, and the day in Europe/Riga
# (ordered_on date) and the UTC wall-clock time (ordered_ts timestamp) as
# stored columns, which postgres_fdw can ship without evaluating a zone.
dist_load() {
	local customers=$1 n p
	local ddl="CREATE TABLE orders (customer_id bigint NOT NULL, ordered_at timestamptz NOT NULL,
		amount numeric NOT NULL, customer_int integer NOT NULL, customer_text text NOT NULL,
		customer_uuid uuid NOT NULL, ordered_on date NOT NULL, ordered_ts timestamp NOT NULL)"
	for n in coord w1 w2; do
		dist_psql $n -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION citus' || return 1
	done
	dist_psql coord <<-SQL || return 1
		SET client_min_messages = warning;
		SELECT citus_set_coordinator_host('localhost', $(dist_port_of coord));
		SELECT citus_add_node('localhost', $(dist_port_of w1));
		SELECT citus_add_node('localhost', $(dist_port_of w2));
		CREATE EXTENSION clv;
	SQL
	for n in s1 s2 local; do
		dist_psql $n -c 'CREATE EXTENSION clv' || return 1
	done
	# the orders, made once on the local server and copied to the others
	dist_psql local <<-SQL || return 1
		$ddl;
		INSERT INTO orders
		SELECT customer_id, ordered_at, amount, customer_id::int, 'c' || customer_id,
			md5(customer_id::text)::uuid, clv_day(ordered_at, 'Europe/Riga'),
			ordered_at AT TIME ZONE 'UTC'
		FROM clv_sample_orders($customers);
		ANALYZE orders;
	SQL
	dist_psql coord <<-SQL || return 1
		$ddl;
		SET citus.shard_count = $dist_shards;
		SELECT create_distributed_table('orders', 'customer_id');
	SQL
	dist_psql local -c 'COPY orders TO STDOUT' |
		dist_psql coord -c 'COPY orders FROM STDIN' || return 1
	dist_psql coord -c 'ANALYZE orders' || return 1
	[ -n "${DIST_NO_FDW:-}" ] && return 0
	# postgres_fdw: the recipe of doc/scaling-out.md
	for n in s1 s2; do
		dist_psql $n -c "$ddl" || return 1
	done
	dist_psql local <<-SQL || return 1
		CREATE EXTENSION postgres_fdw;
		CREATE SERVER s1 FOREIGN DATA WRAPPER postgres_fdw
			OPTIONS (host '127.0.0.1', port '$(dist_port_of s1)', dbname 'postgres',
				extensions 'clv', async_capable 'true', fetch_size '10000', batch_size '1000');
		CREATE SERVER s2 FOREIGN DATA WRAPPER postgres_fdw
			OPTIONS (host '127.0.0.1', port '$(dist_port_of s2)', dbname 'postgres',
				extensions 'clv', async_capable 'true', fetch_size '10000', batch_size '1000');
		CREATE USER MAPPING FOR postgres SERVER s1 OPTIONS (user 'postgres');
		CREATE USER MAPPING FOR postgres SERVER s2 OPTIONS (user 'postgres');
		CREATE TABLE orders_fdw (LIKE orders) PARTITION BY HASH (customer_id);
		CREATE FOREIGN TABLE orders_fdw_0 PARTITION OF orders_fdw
			FOR VALUES WITH (MODULUS 2, REMAINDER 0) SERVER s1 OPTIONS (table_name 'orders');
		CREATE FOREIGN TABLE orders_fdw_1 PARTITION OF orders_fdw
			FOR VALUES WITH (MODULUS 2, REMAINDER 1) SERVER s2 OPTIONS (table_name 'orders');
		INSERT INTO orders_fdw SELECT * FROM orders;
		ALTER SYSTEM SET enable_partitionwise_aggregate = on;
		SELECT pg_reload_conf();
	SQL
	for n in s1 s2; do
		dist_psql $n -c 'ANALYZE orders' || return 1
	done
	dist_psql local -c 'ANALYZE orders_fdw'
}
