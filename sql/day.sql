-- day.sql -- clv_day(ordered_at timestamptz, zone clv_zone): the calendar
-- day in a named zone, equal to (ordered_at AT TIME ZONE zone)::date and
-- the same under every session TimeZone; clv_zone, a zone name without a
-- collation, so that postgres_fdw ships the call.
SET DateStyle = 'ISO, YMD';

-- times around midnight and around DST changes, in zones east and west of
-- UTC, at half-hour offsets and across the date line
CREATE TEMP TABLE day_times AS
SELECT t FROM unnest(ARRAY[
	'2024-03-30 21:59:59+00', '2024-03-30 22:00:00+00', '2024-03-31 00:59:59+00',
	'2024-03-31 01:00:00+00', '2024-10-27 00:59:59+00', '2024-10-27 01:00:00+00',
	'2024-12-31 23:30:00+00', '2025-01-01 10:00:00+00', '1997-01-01 00:00:00+00',
	'1901-12-13 20:45:52+00', '4713-11-25 12:00:00+00 BC', '294276-12-31 00:00:00+00'
]::timestamptz[]) t;
CREATE TEMP TABLE day_zones AS
SELECT z FROM unnest(ARRAY['UTC', 'Europe/Riga', 'America/St_Johns', 'Pacific/Kiritimati',
						   'Pacific/Pago_Pago', 'Asia/Kolkata', '+05:30', 'Etc/GMT+12']) z;

-- the same day as the SQL idiom, whatever the session TimeZone
SET TimeZone = 'UTC';
CREATE TEMP TABLE day_utc AS
SELECT t, z, clv_day(t, z) AS day FROM day_times, day_zones;
SELECT count(*) AS rows,
	   count(*) FILTER (WHERE day IS DISTINCT FROM (t AT TIME ZONE z)::date) AS differ_from_idiom
FROM day_utc;
SET TimeZone = 'Pacific/Kiritimati';
SELECT count(*) FILTER (WHERE clv_day(u.t, u.z) IS DISTINCT FROM u.day) AS differ_under_kiritimati
FROM day_utc u;
SET TimeZone = 'America/St_Johns';
SELECT count(*) FILTER (WHERE clv_day(u.t, u.z) IS DISTINCT FROM u.day) AS differ_under_st_johns
FROM day_utc u;
RESET TimeZone;

-- a few days spelled out: Riga's spring-forward night, St. John's -03:30
SELECT clv_day('2024-03-30 21:59:59+00', 'Europe/Riga') AS before_midnight,
	   clv_day('2024-03-30 22:00:00+00', 'Europe/Riga') AS at_midnight,
	   clv_day('2025-01-01 03:29:59+00', 'America/St_Johns') AS st_johns_old_year,
	   clv_day('2025-01-01 03:30:00+00', 'America/St_Johns') AS st_johns_new_year,
	   clv_day('2024-12-31 10:00:00+00', 'Pacific/Kiritimati') AS kiritimati;

-- NULLs give NULL (STRICT); infinities stay infinite, as in the idiom
SELECT clv_day(NULL, 'UTC') AS null_time, clv_day(now(), NULL) AS null_zone,
	   clv_day('infinity', 'UTC') AS infinite, clv_day('-infinity', 'Europe/Riga') AS minus_infinite;

-- past the end of the timestamp range, an error as in the idiom (22008),
-- with a context line naming clv_day
SELECT clv_day('294276-12-31 23:00:00+00', 'Pacific/Kiritimati');
SELECT ('294276-12-31 23:00:00+00'::timestamptz AT TIME ZONE 'Pacific/Kiritimati')::date;

-- a zone PostgreSQL does not know is an error
SELECT clv_day('2024-01-01 00:00+00', 'Mars/Olympus_Mons');

-- clv_zone: a literal reads as one; text converts implicitly (checked);
-- the name prints as given and is what the binary form sends
SELECT 'Europe/Riga'::clv_zone AS zone, 'Europe/Riga'::clv_zone::text AS name;
SELECT clv_day('2024-03-30 22:00:00+00', z) AS from_text_column
FROM (VALUES ('Europe/Riga'::text)) v(z);
SELECT clv_day('2024-03-30 22:00:00+00', z) AS unknown_in_text_column
FROM (VALUES ('Europe/Atlantis'::text)) v(z);
SELECT clv_zone_send('America/St_Johns') = convert_to('America/St_Johns', 'UTF8') AS binary_is_the_name;

-- labels: IMMUTABLE (a distributed engine may ship it), STRICT, PARALLEL
-- SAFE; the zone type has no collation
SELECT provolatile, proisstrict, proparallel FROM pg_proc
WHERE oid = 'clv_day(timestamptz, clv_zone)'::regprocedure;
SELECT typcollation = 0 AS no_collation FROM pg_type WHERE typname = 'clv_zone';

-- postgres_fdw ships clv_day with a zone literal (Remote SQL computes the
-- days), over a loopback server to this database
CREATE EXTENSION postgres_fdw;
DO $$
BEGIN
	EXECUTE format('CREATE SERVER day_loopback FOREIGN DATA WRAPPER postgres_fdw
					OPTIONS (host %L, port %L, dbname %L, extensions %L)',
				   split_part(current_setting('unix_socket_directories'), ',', 1),
				   current_setting('port'), current_database(), 'clv');
END $$;
CREATE USER MAPPING FOR CURRENT_USER SERVER day_loopback;
CREATE TABLE day_orders (customer_id int, ordered_at timestamptz);
INSERT INTO day_orders VALUES (1, '2024-03-30 21:59:59+00'), (1, '2024-03-30 22:00:00+00'),
	(2, '2024-03-31 12:00:00+00');
CREATE FOREIGN TABLE day_remote (customer_id int, ordered_at timestamptz)
	SERVER day_loopback OPTIONS (table_name 'day_orders');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT clv_day(ordered_at, 'Europe/Riga') AS day, count(*) FROM day_remote GROUP BY 1;
SELECT clv_day(ordered_at, 'Europe/Riga') AS day, count(*) FROM day_remote GROUP BY 1 ORDER BY 1;
DROP FOREIGN TABLE day_remote;
DROP TABLE day_orders;
DROP USER MAPPING FOR CURRENT_USER SERVER day_loopback;
DROP SERVER day_loopback;
DROP EXTENSION postgres_fdw;
