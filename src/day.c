/*-------------------------------------------------------------------------
 *
 * day.c
 *	  clv_day: the calendar day of a time in a named time zone.
 *
 * (ordered_at AT TIME ZONE zone)::date as one IMMUTABLE function of the
 * extension, so that a distributed engine ships it and every node computes
 * the same day, whatever its session TimeZone (a plain ::date cast is
 * STABLE and depends on it).
 *
 *-------------------------------------------------------------------------
 */
#include "clv.h"

#include "utils/fmgrprotos.h"

PG_FUNCTION_INFO_V1(clv_day);

/* clv_day(ordered_at timestamptz, zone text): the day in zone. */
Datum
clv_day(PG_FUNCTION_ARGS)
{
	Datum		local = DirectFunctionCall2(timestamptz_zone, PG_GETARG_DATUM(1),
											PG_GETARG_DATUM(0));

	PG_RETURN_DATUM(DirectFunctionCall1(timestamp_date, local));
}
