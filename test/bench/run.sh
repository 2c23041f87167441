#!/usr/bin/env bash
# test/bench/run.sh -- the ratio benchmarks, against a running server.
#
#   test/bench/run.sh [customers] [bench file ...]
#
# Builds bench_orders (customer_id bigint, ordered_at timestamptz, amount
# numeric) from clv_sample_orders(customers), 1,000,000 by default, unless a
# table of that size is already there, then runs each test/bench/*.sql (or
# the files named) after lib.sql.  Every file prints its ratios; nothing
# here asserts a time.  The rows are stored as a real orders table stores
# them: appended in time order, so each customer's orders are interleaved
# with everyone else's (the generator returns them grouped by customer,
# which flatters every per-customer aggregate).
set -euo pipefail
cd "$(dirname "$0")/../.."
customers=${1:-1000000}
shift || true
files=("$@")
[ ${#files[@]} -gt 0 ] || files=($(ls test/bench/*.sql | grep -v '/lib.sql$'))

psql -X -q -v ON_ERROR_STOP=1 <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS clv;
SELECT to_regclass('bench_orders') IS NOT NULL AS present \gset
\if :present
SELECT count(DISTINCT customer_id) = $customers
	   AND obj_description('bench_orders'::regclass) = 'clv bench: time order' AS ready
FROM bench_orders \gset
\else
\set ready false
\endif
\if :ready
\else
DROP TABLE IF EXISTS bench_orders;
CREATE TABLE bench_orders AS
SELECT * FROM clv_sample_orders($customers) ORDER BY ordered_at, customer_id;
COMMENT ON TABLE bench_orders IS 'clv bench: time order';
VACUUM ANALYZE bench_orders;
\endif
SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers FROM bench_orders;
SQL
for f in "${files[@]}"; do
	echo "== $f"
	psql -X -v ON_ERROR_STOP=1 -c '\i test/bench/lib.sql' -f "$f" 2>&1 | grep -v '^CREATE FUNCTION$'
done
