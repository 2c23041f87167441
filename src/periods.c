/*-------------------------------------------------------------------------
 *
 * periods.c
 *	  What the retention finals and transitions share beyond the customer
 *	  set: the calendar period of a row time (with a cache of the session
 *	  TimeZone's UTC offsets), the bounded memory of the period counts, and
 *	  the clv_retention[] and clv_cohort[] result arrays.
 *
 *-------------------------------------------------------------------------
 */
#include "customerset.h"

#include "access/htup_details.h"
#include "common/int.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

/* Allocator of counts: checks the bound with the counts' and extra bytes. */
static void *
counts_alloc(void *arg, size_t bytes)
{
	CountsMemory *cm = (CountsMemory *) arg;
	void	   *p;

	clv_check_state_memory(cm->bytes + cm->extra + bytes, cm->fname);
	p = MemoryContextAllocExtended(cm->context, bytes, MCXT_ALLOC_HUGE);
	cm->bytes += GetMemoryChunkSpace(p);
	return p;
}

static void
counts_release(void *arg, void *block, size_t bytes)
{
	CountsMemory *cm = (CountsMemory *) arg;

	cm->bytes -= GetMemoryChunkSpace(block);
	pfree(block);
}

void
counts_memory_init(CountsMemory *cm, MemoryContext context, const char *fname)
{
	cm->memory.alloc = counts_alloc;
	cm->memory.release = counts_release;
	cm->memory.arg = cm;
	cm->context = context;
	cm->bytes = 0;
	cm->extra = 0;
	cm->fname = fname;
}

void
counts_memory_reserve(CountsMemory *cm, Size bytes)
{
	clv_check_state_memory(cm->bytes + cm->extra + bytes, cm->fname);
	cm->extra += bytes;
}

/* The calendar period counts of a periods-mode set. */
void
customer_set_counts(CustomerSet *set, ClvRetentionCounts *counts, CountsMemory *cm)
{
	clv_counts_init(counts, set->mode == RETENTION_COHORTS ? CLV_COUNTS_COHORTS :
					CLV_COUNTS_SERIES, &cm->memory);
	for (uint64 i = 0; i < set->members; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (!clv_counts_add(counts, &customer_set_entry(set, i)->set))
			elog(ERROR, "%s customer outside the period range", cm->fname);
	}
}

/* The composite element type of a final function's array result. */
typedef struct ResultType
{
	Oid			elemtype;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	TupleDesc	tupdesc;
} ResultType;

/* The element type of the calling final function's result, cached. */
static ResultType *
result_type(FunctionCallInfo fcinfo)
{
	ResultType *result = (ResultType *) fcinfo->flinfo->fn_extra;

	if (result == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		result = (ResultType *) palloc(sizeof(ResultType));
		result->elemtype = get_element_type(get_func_rettype(fcinfo->flinfo->fn_oid));
		if (!OidIsValid(result->elemtype))
			elog(ERROR, "retention final function does not return an array");
		get_typlenbyvalalign(result->elemtype, &result->typlen,
							 &result->typbyval, &result->typalign);
		result->tupdesc = BlessTupleDesc(lookup_rowtype_tupdesc_copy(result->elemtype, -1));
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = result;
	}
	return result;
}

/* Bytes one result element takes, with its Datum, for the memory bound. */
#define RESULT_ELEMENT_BYTES 128

/* The first day of period of unit, as a date Datum. */
static Datum
period_date(ClvRetentionUnit unit, int32 period)
{
	return DateADTGetDatum(clv_retention_period_first_day(unit, period));
}

/* The clv_retention[] of series counts. */
static Datum
retention_series_result(FunctionCallInfo fcinfo, const ClvRetentionCounts *counts,
						ClvRetentionUnit unit, CountsMemory *cm)
{
	ResultType *type = result_type(fcinfo);
	int32		n = counts->last - counts->first + 1;
	Datum	   *elems;
	int64		previous = 0;

	counts_memory_reserve(cm, (Size) n * RESULT_ELEMENT_BYTES * 2);
	elems = (Datum *) palloc(sizeof(Datum) * n);
	for (int32 i = 0; i < n; i++)
	{
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};
		int64		active,
					retained,
					new_customers;

		CHECK_FOR_INTERRUPTS();
		clv_counts_series_at(counts, counts->first + i, &active, &retained, &new_customers);
		values[0] = period_date(unit, counts->first + i);
		values[1] = Int64GetDatum(active);
		values[2] = Int64GetDatum(retained);
		values[3] = Int64GetDatum(new_customers);
		if (i > 0 && previous > 0)
			values[4] = Float8GetDatum((double) retained / (double) previous);
		else
			nulls[4] = true;
		if (active > 0)
			values[5] = Float8GetDatum((double) new_customers / (double) active);
		else
			nulls[5] = true;
		elems[i] = HeapTupleGetDatum(heap_form_tuple(type->tupdesc, values, nulls));
		previous = active;
	}
	return PointerGetDatum(construct_array(elems, n, type->elemtype, type->typlen,
										   type->typbyval, type->typalign));
}

/* The clv_cohort[] of cohort counts. */
static Datum
retention_cohort_result(FunctionCallInfo fcinfo, const ClvRetentionCounts *counts,
						ClvRetentionUnit unit, CountsMemory *cm)
{
	ResultType *type = result_type(fcinfo);
	int64		ncells = clv_counts_cohort_cells(counts);
	Datum	   *elems;
	int64		nelems = 0;

	counts_memory_reserve(cm, (Size) ncells * RESULT_ELEMENT_BYTES * 2);
	if ((Size) ncells > MaxAllocSize / sizeof(Datum))
		clv_check_state_memory(MaxAllocHugeSize, cm->fname);
	elems = (Datum *) palloc(sizeof(Datum) * ncells);
	for (int32 c = counts->first; c <= counts->last; c++)
	{
		const ClvCohortRow *row = clv_counts_cohort(counts, c);

		if (row == NULL)
			continue;
		CHECK_FOR_INTERRUPTS();
		for (int32 k = 0; k <= counts->last - c; k++)
		{
			int64		active = k < (int32) row->length ? row->cells[k] : 0;
			Datum		values[5];
			bool		nulls[5] = {false, false, false, false, false};

			values[0] = period_date(unit, c);
			values[1] = Int32GetDatum(k);
			values[2] = Int64GetDatum(row->cells[0]);
			values[3] = Int64GetDatum(active);
			values[4] = Float8GetDatum((double) active / (double) row->cells[0]);
			elems[nelems++] = HeapTupleGetDatum(heap_form_tuple(type->tupdesc, values, nulls));
		}
	}
	return PointerGetDatum(construct_array(elems, (int) nelems, type->elemtype,
										   type->typlen, type->typbyval,
										   type->typalign));
}

/* The clv_retention[] or clv_cohort[] of counts, by their kind. */
Datum
retention_counts_result(FunctionCallInfo fcinfo, const ClvRetentionCounts *counts,
						ClvRetentionUnit unit, CountsMemory *cm)
{
	if (counts->kind == CLV_COUNTS_SERIES)
		return retention_series_result(fcinfo, counts, unit, cm);
	return retention_cohort_result(fcinfo, counts, unit, cm);
}

/* The calendar unit of a series period. */
ClvRetentionUnit
retention_calendar_unit(const Interval *period, const char *fname)
{
	if (period->time == 0 && period->month == 0 && period->day == 1)
		return CLV_RETENTION_DAY;
	if (period->time == 0 && period->month == 0 && period->day == 7)
		return CLV_RETENTION_WEEK;
	if (period->time == 0 && period->day == 0 && period->month == 1)
		return CLV_RETENTION_MONTH;
	if (period->time == 0 && period->day == 0 && period->month == 3)
		return CLV_RETENTION_QUARTER;
	if (period->time == 0 && period->day == 0 && period->month == 12)
		return CLV_RETENTION_YEAR;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s period must be a calendar period", fname),
			 errhint("Use '1 day', '1 week', '1 month', '3 months' or '1 year'.")));
	return CLV_RETENTION_DAY;	/* keep compiler quiet */
}

/*
 * The session TimeZone's UTC offsets over a few time ranges, so that a
 * timestamptz is turned into local time without a zone lookup per row.
 * Each slot is a range [lo, hi) of timestamps without an offset change;
 * 16 slots hold the DST periods of 8 years, so rows in any order hit.
 */
#define TZ_SLOTS 16

typedef struct TzCache
{
	pg_tz	   *tz;
	int			last_hit;		/* the slot that answered last */
	int			next_slot;		/* the slot to fill next */
	struct
	{
		int64		lo;
		int64		hi;
		int64		offset;		/* local time - UTC, microseconds */
	}			slot[TZ_SLOTS];
} TzCache;

/* Floor division of microseconds into whole units. */
static inline int64
floor_div(int64 a, int64 b)
{
	int64		q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* The session TimeZone's UTC offset at timestamptz t, in microseconds. */
static int64
utc_offset(TzCache *cache, int64 t)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;
	int64		offset;
	pg_time_t	seconds;
	pg_time_t	boundary;
	long int	before_gmtoff;
	long int	after_gmtoff;
	int			before_isdst;
	int			after_isdst;
	int			found;
	int64		hi;

	if (cache->tz != session_timezone)
	{
		memset(cache, 0, sizeof(TzCache));
		cache->tz = session_timezone;
	}
	if (t >= cache->slot[cache->last_hit].lo && t < cache->slot[cache->last_hit].hi)
		return cache->slot[cache->last_hit].offset;
	for (int i = 0; i < TZ_SLOTS; i++)
		if (t >= cache->slot[i].lo && t < cache->slot[i].hi)
		{
			cache->last_hit = i;
			return cache->slot[i].offset;
		}

	/* the offset as timestamp2tm (hence date_trunc) sees it */
	if (timestamp2tm(t, &tz, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	offset = -(int64) tz * USECS_PER_SEC;

	/* how long it holds: up to the zone's next transition */
	seconds = (pg_time_t) (floor_div(t, USECS_PER_SEC) +
						   (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY);
	found = pg_next_dst_boundary(&seconds, &before_gmtoff, &before_isdst,
								 &boundary, &after_gmtoff, &after_isdst,
								 session_timezone);
	if (found < 0 || (int64) before_gmtoff * USECS_PER_SEC != offset ||
		(found == 1 && boundary <= seconds))
		return offset;			/* no range known: do not cache */
	if (found == 0 ||
		pg_mul_s64_overflow((int64) boundary - (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY,
							USECS_PER_SEC, &hi))
		hi = PG_INT64_MAX;

	/* an earlier time of a cached range extends it downwards */
	for (int i = 0; i < TZ_SLOTS; i++)
		if (cache->slot[i].hi == hi && cache->slot[i].offset == offset &&
			cache->slot[i].lo > t)
		{
			cache->slot[i].lo = t;
			return offset;
		}
	cache->slot[cache->next_slot].lo = t;
	cache->slot[cache->next_slot].hi = hi;
	cache->slot[cache->next_slot].offset = offset;
	cache->next_slot = (cache->next_slot + 1) % TZ_SLOTS;
	return offset;
}

/* The calendar period of unit containing row time t. */
int32
retention_period_of(void **tz_cache, MemoryContext mcxt, ClvRetentionUnit unit,
					ClvTimeKind kind, int64 t)
{
	if (kind == CLV_TIME_TIMESTAMPTZ)
	{
		if (*tz_cache == NULL)
			*tz_cache = MemoryContextAllocZero(mcxt, sizeof(TzCache));
		t += utc_offset((TzCache *) *tz_cache, t);
	}
	return clv_retention_period_of_day(unit, (int32) floor_div(t, USECS_PER_DAY));
}
