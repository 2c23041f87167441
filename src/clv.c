/*-------------------------------------------------------------------------
 *
 * clv.c
 *	  Module magic, purchase-time and time-unit conversion, checks of
 *	  configuration arguments shared by every function family.
 *
 *-------------------------------------------------------------------------
 */
#include "clv.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/int.h"
#include "utils/date.h"
#include "utils/timestamp.h"

PG_MODULE_MAGIC;

/* Which ClvTimeKind the type typid is. */
ClvTimeKind
clv_time_kind(Oid typid)
{
	switch (typid)
	{
		case TIMESTAMPTZOID:
			return CLV_TIME_TIMESTAMPTZ;
		case TIMESTAMPOID:
			return CLV_TIME_TIMESTAMP;
		case DATEOID:
			return CLV_TIME_DATE;
		default:
			elog(ERROR, "unexpected purchase-time type %u", typid);
	}
	return CLV_TIME_TIMESTAMPTZ;	/* keep compiler quiet */
}

/* The ClvTimeKind of argument argno of the calling function. */
ClvTimeKind
clv_arg_time_kind(FunctionCallInfo fcinfo, int argno)
{
	return clv_time_kind(get_fn_expr_argtype(fcinfo->flinfo, argno));
}

/* A purchase time as microseconds on its type's own axis. */
int64
clv_time_usec(Datum value, ClvTimeKind kind, const char *fname)
{
	if (kind == CLV_TIME_DATE)
	{
		DateADT		d = DatumGetDateADT(value);

		if (DATE_NOT_FINITE(d))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("%s does not accept infinite dates", fname),
					 errhint("Filter out rows whose date is infinity or -infinity.")));
		if (d >= TIMESTAMP_END_JULIAN - POSTGRES_EPOCH_JDATE)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("%s does not accept dates after 294276 AD", fname),
					 errhint("Dates are measured as timestamps, whose range ends in 294276 AD.")));
		return (int64) d * USECS_PER_DAY;
	}
	else
	{
		Timestamp	ts = DatumGetTimestamp(value);

		if (TIMESTAMP_NOT_FINITE(ts))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("%s does not accept infinite timestamps", fname),
					 errhint("Filter out rows whose time is infinity or -infinity.")));
		return ts;
	}
}

/* The Datum of kind for a microsecond value made by clv_time_usec. */
Datum
clv_usec_time(int64 usec, ClvTimeKind kind)
{
	if (kind == CLV_TIME_DATE)
		return DateADTGetDatum((DateADT) (usec / USECS_PER_DAY));
	return TimestampGetDatum(usec);
}

/* A model time unit in microseconds. */
int64
clv_unit_usec(const Interval *unit, const char *fname)
{
	int64		usec;

	if (unit->month != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s time unit must not have a month or year part", fname),
				 errhint("Use a unit of fixed length such as '1 day', '1 week' or '30 days'.")));
	if (pg_mul_s64_overflow((int64) unit->day, USECS_PER_DAY, &usec) ||
		pg_add_s64_overflow(usec, unit->time, &usec))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s time unit is out of range", fname)));
	if (usec <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s time unit must be positive", fname),
				 errhint("Use a unit of fixed length such as '1 day' or '1 week'.")));
	return usec;
}

/*
 * Decodes a numeric Datum into a ClvDecimal without copying it; false for
 * NaN, infinities and numbers too wide for a ClvDecimal.  The layout is
 * numeric's on-disk format (numeric.c): a uint16 header, an int16 weight
 * unless the header is short, then base-10000 digits.
 */
bool
clv_numeric_to_decimal(Datum value, ClvDecimal *out)
{
	struct varlena *packed = PG_DETOAST_DATUM_PACKED(value);
	const char *data = VARDATA_ANY(packed);
	Size		len = VARSIZE_ANY_EXHDR(packed);
	uint16		header;
	int			weight;
	int			dscale;
	bool		negative;
	int16		digits[16];
	int			ndigits;

	if (len < sizeof(uint16))
		return false;
	memcpy(&header, data, sizeof(uint16));
	if ((header & 0xC000) == 0x8000)
	{
		/* short format: sign, dscale and weight packed into the header */
		negative = (header & 0x2000) != 0;
		dscale = (header & 0x1F80) >> 7;
		weight = (header & 0x003F) | ((header & 0x0040) ? ~0x003F : 0);
		data += sizeof(uint16);
		len -= sizeof(uint16);
	}
	else if ((header & 0xC000) == 0xC000)
		return false;			/* NaN or an infinity */
	else
	{
		int16		long_weight;

		if (len < 2 * sizeof(uint16))
			return false;
		negative = (header & 0xC000) == 0x4000;
		dscale = header & 0x3FFF;
		memcpy(&long_weight, data + sizeof(uint16), sizeof(int16));
		weight = long_weight;
		data += 2 * sizeof(uint16);
		len -= 2 * sizeof(uint16);
	}
	ndigits = len / sizeof(int16);
	if (ndigits > (int) lengthof(digits))
		return false;
	memcpy(digits, data, ndigits * sizeof(int16));
	return clv_decimal_from_base10000(digits, ndigits, weight, negative,
									  dscale, out);
}

/* An interval's length in seconds as extract(epoch from ...) gives it. */
double
clv_interval_seconds(const Interval *span)
{
	return (double) span->month * (DAYS_PER_YEAR / MONTHS_PER_YEAR) * SECS_PER_DAY +
		(double) span->day * SECS_PER_DAY +
		(double) span->time / USECS_PER_SEC;
}

/* An interval of usec microseconds, as whole days plus a time part. */
Interval *
clv_usec_interval(double usec)
{
	double		rounded = rint(usec);

	if (isnan(rounded) || fabs(rounded) >= (double) PG_INT64_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("interval out of range")));
	return clv_usec_interval_exact((int64) rounded);
}

/* An interval of exactly usec microseconds, as whole days plus a time part. */
Interval *
clv_usec_interval_exact(int64 usec)
{
	Interval   *result = (Interval *) palloc(sizeof(Interval));

	result->month = 0;
	result->day = (int32) (usec / USECS_PER_DAY);
	result->time = usec % USECS_PER_DAY;
	return result;
}

/* Checks that a configuration argument is the same in every row of a group. */
void
clv_check_same_int64(int64 *recorded, bool *is_recorded, int64 value,
					 const char *fname, const char *argname)
{
	if (!*is_recorded)
	{
		*recorded = value;
		*is_recorded = true;
	}
	else if (*recorded != value)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s argument \"%s\" must be the same for every row of a group",
						fname, argname),
				 errhint("Pass a constant or a value that depends only on the GROUP BY columns.")));
}
