-- day.sql -- clv_day(ordered_at timestamptz, zone text): the calendar day
-- in a named zone, equal to (ordered_at AT TIME ZONE zone)::date and the
-- same under every session TimeZone.

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

-- past the end of the timestamp range, an error as in the idiom
SELECT clv_day('294276-12-31 23:00:00+00', 'Pacific/Kiritimati');
SELECT ('294276-12-31 23:00:00+00'::timestamptz AT TIME ZONE 'Pacific/Kiritimati')::date;

-- a zone PostgreSQL does not know is an error
SELECT clv_day('2024-01-01 00:00+00', 'Mars/Olympus_Mons');

-- labels: IMMUTABLE (a distributed engine may ship it), STRICT, PARALLEL SAFE
SELECT provolatile, proisstrict, proparallel FROM pg_proc
WHERE oid = 'clv_day(timestamptz, text)'::regprocedure;
