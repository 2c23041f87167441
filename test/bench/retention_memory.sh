#!/usr/bin/env bash
# test/bench/retention_memory.sh [customers] -- peak private memory (leader
# plus workers, sampled by peak_memory.sh) of the retention aggregates in
# serial and in forced parallel plans (2 workers), against a running server.
#
# Data: customers with two orders ten years apart (daily periods, issue
# 10.5) and 36 months of simulated orders (clv_sample_orders, r = 0.6,
# alpha = 3, as retention.sql), with the built-in floor's GROUP BY for
# comparison.  Prints one row per query: serial and parallel peaks in MB
# and their ratio.  A benchmark, not a test.
set -euo pipefail
cd "$(dirname "$0")/../.."
customers=${1:-1000000}
db=${PGDATABASE:-postgres}
psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS clv;
DROP TABLE IF EXISTS bench_ten_years, bench_monthly;
CREATE TABLE bench_ten_years AS
SELECT g AS customer_id, date '2014-01-01' + g % 365 AS d FROM generate_series(1, $customers) g
UNION ALL
SELECT g, date '2024-01-01' + g % 365 FROM generate_series(1, $customers) g;
CREATE TABLE bench_monthly AS
SELECT customer_id, ordered_at, (ordered_at AT TIME ZONE 'UTC')::date AS d
FROM clv_sample_orders($customers, 1, r => 0.6, alpha => 3,
					   start_at => '2023-01-01 00:00+00', end_at => '2026-01-01 00:00+00');
ALTER TABLE bench_ten_years SET (parallel_workers = 2);
ALTER TABLE bench_monthly SET (parallel_workers = 2);
VACUUM ANALYZE bench_ten_years;
VACUUM ANALYZE bench_monthly;
SQL
serial="SET TimeZone = 'UTC'; SET jit = off; SET max_parallel_workers_per_gather = 0;"
parallel="SET TimeZone = 'UTC'; SET jit = off; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
	SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;"
printf '%-62s %10s %12s %8s\n' query serial_mb parallel_mb ratio
while IFS='|' read -r name query; do
	s=$(bash test/bench/peak_memory.sh "$db" "$serial SELECT ($query) IS NULL;")
	p=$(bash test/bench/peak_memory.sh "$db" "$parallel SELECT ($query) IS NULL;")
	printf '%-62s %10.1f %12.1f %8.2f\n' "$name" "$(echo "$s / 1024" | bc -l)" \
		"$(echo "$p / 1024" | bc -l)" "$(echo "$p / $s" | bc -l)"
done <<'QUERIES'
ten years apart, retention_series day, date (clv_customer_set)|SELECT retention_series(customer_id, d, '1 day') FROM bench_ten_years
ten years apart, retention_series day, timestamptz (internal)|SELECT retention_series(customer_id, d::timestamp AT TIME ZONE 'UTC', '1 day') FROM bench_ten_years
ten years apart, two-step retention_series day|SELECT retention_series(a) FROM (SELECT clv_activity(d, '1 day') a FROM bench_ten_years GROUP BY customer_id) x
monthly, retention_series, timestamptz (internal)|SELECT retention_series(customer_id, ordered_at, '1 month') FROM bench_monthly
monthly, retention_series, date (clv_customer_set)|SELECT retention_series(customer_id, d, '1 month') FROM bench_monthly
monthly, cohort_retention, date (clv_customer_set)|SELECT cohort_retention(customer_id, d, '1 month') FROM bench_monthly
monthly, retention_rate, timestamptz (internal)|SELECT retention_rate(customer_id, ordered_at, '2025-06-01', '1 month') FROM bench_monthly
monthly, two-step retention_series|SELECT retention_series(a) FROM (SELECT clv_activity(d, '1 month') a FROM bench_monthly GROUP BY customer_id) x
monthly, built-in floor: count, min, max GROUP BY customer_id|SELECT count(x.*) FROM (SELECT customer_id, count(*), min(d), max(d) FROM bench_monthly GROUP BY customer_id) x
QUERIES
psql -X -q -d "$db" -c 'DROP TABLE bench_ten_years, bench_monthly'
