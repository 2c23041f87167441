/*-------------------------------------------------------------------------
 *
 * day.c
 *	  clv_day: the calendar day of a time in a named time zone, and the
 *	  clv_zone type that names the zone.
 *
 * clv_day is (ordered_at AT TIME ZONE zone)::date as one IMMUTABLE function
 * of the extension, so that a distributed engine ships it and every node
 * computes the same day, whatever its session TimeZone (a plain ::date
 * cast is STABLE and depends on it).  The zone is a clv_zone, a zone name
 * without a collation: postgres_fdw ships a function call only when no
 * argument brings a collation that is not a foreign column's, and a text
 * constant brings the default collation.  A zone literal, or a text cast
 * to clv_zone, reads as one; the name is checked as AT TIME ZONE checks it.
 *
 *-------------------------------------------------------------------------
 */
#include "clv.h"

#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(clv_zone_in);
PG_FUNCTION_INFO_V1(clv_zone_out);
PG_FUNCTION_INFO_V1(clv_zone_recv);
PG_FUNCTION_INFO_V1(clv_zone_send);
PG_FUNCTION_INFO_V1(clv_day);

/*
 * The clv_zone of a zone name: its text, once AT TIME ZONE has recognised
 * it (an unknown zone is its error, SQLSTATE 22023).
 */
static Datum
zone_from_cstring(const char *name)
{
	text	   *zone = cstring_to_text(name);

	(void) DirectFunctionCall2(timestamptz_zone, PointerGetDatum(zone),
							   TimestampTzGetDatum(0));
	PG_RETURN_TEXT_P(zone);
}

/* clv_zone text input: a zone name AT TIME ZONE accepts. */
Datum
clv_zone_in(PG_FUNCTION_ARGS)
{
	return zone_from_cstring(PG_GETARG_CSTRING(0));
}

/* clv_zone text output: the name as given. */
Datum
clv_zone_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(text_to_cstring(PG_GETARG_TEXT_PP(0)));
}

/* clv_zone binary input: the name as text, checked as in text input. */
Datum
clv_zone_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			nbytes;
	char	   *name = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);

	return zone_from_cstring(name);
}

/* clv_zone binary output: the name as text. */
Datum
clv_zone_send(PG_FUNCTION_ARGS)
{
	text	   *zone = PG_GETARG_TEXT_PP(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendtext(&buf, VARDATA_ANY(zone), VARSIZE_ANY_EXHDR(zone));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Names clv_day in the context of an error of the conversion. */
static void
day_error_context(void *arg)
{
	errcontext("clv_day of a time in zone %s", text_to_cstring((const text *) arg));
}

/*
 * clv_day(ordered_at timestamptz, zone clv_zone): the day in zone.  A time
 * whose local time leaves the timestamp range is AT TIME ZONE's error
 * (22008), with a context line naming clv_day.
 */
Datum
clv_day(PG_FUNCTION_ARGS)
{
	ErrorContextCallback context;
	Datum		local;

	context.callback = day_error_context;
	context.arg = DatumGetPointer(PG_GETARG_DATUM(1));
	context.previous = error_context_stack;
	error_context_stack = &context;
	local = DirectFunctionCall2(timestamptz_zone, PG_GETARG_DATUM(1),
								PG_GETARG_DATUM(0));
	error_context_stack = context.previous;
	PG_RETURN_DATUM(DirectFunctionCall1(timestamp_date, local));
}
