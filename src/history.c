/*-------------------------------------------------------------------------
 *
 * history.c
 *	  Level 1: the per-customer aggregates avg_interpurchase,
 *	  avg_interpurchase_days, rfm, clv_summary, clv_holdout and
 *	  clv(ordered_at, amount, lifespan), all over ONE purchase-history state.
 *
 * The state keeps the customer's purchase times (to count purchase
 * occasions, merging rows at the same instant), the total amount and the
 * amount of the first occasion, and the configuration arguments, which
 * must not change within a group.  Each aggregate name has its own C
 * transition function, a thin wrapper over one body, and the state records
 * which aggregate made it, so that every message names the function the
 * user called, in window use and in combine and final functions too.
 * Argument types come from the declared signature (clv_declared_argtype),
 * read once per call site.  Amounts are summed exactly for integer and
 * numeric types (core/decimal.c, falling back to numeric arithmetic on
 * overflow) and with compensation in float8 for floating types
 * (core/fsum.c); durations are taken in 128 bits (core/span.c).
 *
 * clv_holdout is clv_summary with a second period: rows after as_of (its
 * calibration_end) up to holdout_end are kept too, their times in the same
 * array and their amounts in a sum of their own, and the final function
 * splits the occasions at as_of.
 *
 *-------------------------------------------------------------------------
 */
#include "clv.h"

#include <math.h>

#include "amount.h"
#include "catalog/pg_type.h"
#include "core/occasions.h"
#include "core/span.h"
#include "libpq/pqformat.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(clv_avg_interpurchase_trans);
PG_FUNCTION_INFO_V1(clv_avg_interpurchase_days_trans);
PG_FUNCTION_INFO_V1(clv_rfm_trans);
PG_FUNCTION_INFO_V1(clv_summary_trans);
PG_FUNCTION_INFO_V1(clv_holdout_trans);
PG_FUNCTION_INFO_V1(clv_formula_trans);
PG_FUNCTION_INFO_V1(clv_avg_interpurchase_inverse);
PG_FUNCTION_INFO_V1(clv_avg_interpurchase_days_inverse);
PG_FUNCTION_INFO_V1(clv_history_combine);
PG_FUNCTION_INFO_V1(clv_history_serialize);
PG_FUNCTION_INFO_V1(clv_history_deserialize);
PG_FUNCTION_INFO_V1(clv_avg_interpurchase_final);
PG_FUNCTION_INFO_V1(clv_avg_interpurchase_days_final);
PG_FUNCTION_INFO_V1(clv_rfm_final);
PG_FUNCTION_INFO_V1(clv_summary_final);
PG_FUNCTION_INFO_V1(clv_holdout_final);
PG_FUNCTION_INFO_V1(clv_formula_final);

/* The aggregate a state belongs to; indexes history_aggs. */
typedef enum HistoryAgg
{
	AGG_AVG_INTERPURCHASE,
	AGG_AVG_INTERPURCHASE_DAYS,
	AGG_RFM,
	AGG_SUMMARY,
	AGG_FORMULA,
	AGG_HOLDOUT
} HistoryAgg;

/* The configuration arguments after (ordered_at, amount) of an overload. */
typedef enum ConfigArgs
{
	CONFIG_NONE,				/* avg_interpurchase(ordered_at) */
	CONFIG_AS_OF,				/* rfm, clv_summary: as_of [, unit] */
	CONFIG_LIFESPAN,			/* clv: lifespan */
	CONFIG_HOLDOUT				/* clv_holdout: calibration_end, holdout_end
								 * [, unit] */
} ConfigArgs;

/* Whether an aggregate's configuration has as_of (and a unit). */
#define CONFIG_HAS_AS_OF(config) \
	((config) == CONFIG_AS_OF || (config) == CONFIG_HOLDOUT)

static const struct
{
	const char *name;			/* SQL name, for messages */
	ConfigArgs	config;
	const char *as_of_name;		/* SQL name of its as_of argument */
} history_aggs[] = {
	{"avg_interpurchase", CONFIG_NONE, NULL},
	{"avg_interpurchase_days", CONFIG_NONE, NULL},
	{"rfm", CONFIG_AS_OF, "as_of"},
	{"clv_summary", CONFIG_AS_OF, "as_of"},
	{"clv", CONFIG_LIFESPAN, NULL},
	{"clv_holdout", CONFIG_HOLDOUT, "calibration_end"}
};

#define HISTORY_WIRE_WHAT "purchase-history state"

/*
 * Purchase times held inside the state before a separate array is needed:
 * most customers have few orders.
 */
#define HISTORY_INLINE_TIMES 3

/*
 * The state, laid out small: a hash aggregate keeps one per customer.
 * Aggregates without amounts and configuration (avg_interpurchase)
 * allocate only the 64 bytes before as_of, and only clv_holdout the
 * holdout fields at the end (history_state_size).
 */
typedef struct HistoryState
{
	uint8		agg;			/* HistoryAgg */
	uint8		time_kind;		/* ClvTimeKind */
	uint8		amount_kind;	/* ClvAmountKind */

	/* configuration arguments, recorded from the first row */
	bool		as_of_recorded;
	bool		unit_recorded;
	bool		lifespan_recorded;
	bool		holdout_recorded;

	/*
	 * Times of the rows counted, live in times[head .. ntimes).  While they
	 * arrive in ascending order, noccasions counts the distinct ones.
	 */
	bool		in_order;
	int32		head;
	int32		ntimes;
	int32		maxtimes;
	int32		noccasions;
	int64	   *times;
	int64		first;			/* earliest time counted (valid if rows) */
	int64		inline_times[HISTORY_INLINE_TIMES];

	/* the configuration, valid where recorded */
	int64		as_of;
	int64		unit_usec;
	int64		lifespan_usec;

	/*
	 * amounts of the rows counted up to as_of, and of the first purchase
	 * occasion
	 */
	ClvAmountSum total;
	ClvAmountSum first_total;

	/* clv_holdout: its holdout_end (valid if recorded), holdout amounts */
	int64		holdout_end;
	ClvAmountSum holdout_total;
} HistoryState;

/* Bytes of a state of agg whose amounts are of kind. */
#define history_state_size(agg, kind) \
	((kind) == CLV_AMOUNT_NONE ? offsetof(HistoryState, as_of) : \
	 (agg) == AGG_HOLDOUT ? sizeof(HistoryState) : \
	 offsetof(HistoryState, holdout_end))

StaticAssertDecl(offsetof(HistoryState, as_of) == 64,
				 "an avg_interpurchase state fills a 64-byte allocation");

#define HISTORY_ROWS(st) ((int64) (st)->ntimes - (st)->head)
#define HISTORY_NAME(st) (history_aggs[(st)->agg].name)

/* The argument kinds of one call site, read once from its signature. */
typedef struct HistoryCallSite
{
	ClvTimeKind time_kind;
	ClvAmountKind amount_kind;
} HistoryCallSite;

/*
 * Purchase occasions of a state up to as_of (all of them but clv_holdout's
 * holdout): their number, first and last time, and the rows they have;
 * and the number of occasions after as_of.
 */
typedef struct Occasions
{
	int64		count;
	int64		first;
	int64		last;
	int64		rows;
	int64		later;
} Occasions;

/*
 * The argument kinds of the calling transition function, from its
 * declared signature, cached in the call site's fn_extra.
 */
static const HistoryCallSite *
history_call_site(FunctionCallInfo fcinfo, HistoryAgg agg)
{
	HistoryCallSite *site = fcinfo->flinfo->fn_extra;

	if (site == NULL)
	{
		ClvTimeKind time_kind = clv_arg_time_kind(fcinfo, 1);

		if (CONFIG_HAS_AS_OF(history_aggs[agg].config) && time_kind != CLV_TIME_DATE &&
			clv_declared_argtype(fcinfo, 3) == DATEOID)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s %s is a date but ordered_at is a %s",
							history_aggs[agg].name, history_aggs[agg].as_of_name,
							time_kind == CLV_TIME_TIMESTAMPTZ ? "timestamptz" : "timestamp"),
					 errdetail("A date %s would be taken as its midnight, leaving out that day's orders.",
							   history_aggs[agg].as_of_name),
					 errhint("For day-level analysis pass days, clv_day(ordered_at, 'Europe/Riga') or ordered_at::date; to measure to an instant pass a timestamp %s, such as now() or (current_date + 1)::timestamptz.",
							 history_aggs[agg].as_of_name)));
		site = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(*site));
		site->time_kind = time_kind;
		site->amount_kind = history_aggs[agg].config == CONFIG_NONE ?
			CLV_AMOUNT_NONE : clv_amount_kind(clv_declared_argtype(fcinfo, 2));
		fcinfo->flinfo->fn_extra = site;
	}
	return site;
}

/* A new state of agg without rows, in aggcontext. */
static HistoryState *
history_new(MemoryContext aggcontext, HistoryAgg agg, ClvTimeKind time_kind,
			ClvAmountKind amount_kind)
{
	HistoryState *st = MemoryContextAllocZero(aggcontext,
											  history_state_size(agg, amount_kind));

	st->agg = agg;
	st->time_kind = time_kind;
	st->amount_kind = amount_kind;
	st->times = st->inline_times;
	st->maxtimes = HISTORY_INLINE_TIMES;
	st->in_order = true;
	return st;
}

/* Makes room in the time array of st for n more times. */
static void
history_reserve(HistoryState *st, int32 n, MemoryContext aggcontext)
{
	int64		live = HISTORY_ROWS(st);
	int64		needed = live + n;

	if (st->ntimes + (int64) n <= st->maxtimes)
		return;
	if (needed > (int64) (MaxAllocSize / sizeof(int64)) / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s purchase history has too many orders",
						HISTORY_NAME(st)),
				 errhint("Group by customer, or restrict the rows with WHERE.")));
	if (needed <= st->maxtimes / 2 + 1 && st->head > 0)
	{
		/* a sliding frame: reuse the space freed at the head */
		memmove(st->times, st->times + st->head, live * sizeof(int64));
	}
	else
	{
		int32		newmax = Max(st->maxtimes * 2, (int32) needed);
		int64	   *newtimes;

		clv_check_state_memory((Size) newmax * sizeof(int64), HISTORY_NAME(st));
		newtimes = MemoryContextAlloc(aggcontext, newmax * sizeof(int64));
		memcpy(newtimes, st->times + st->head, live * sizeof(int64));
		if (st->times != st->inline_times)
			pfree(st->times);
		st->times = newtimes;
		st->maxtimes = newmax;
	}
	st->head = 0;
	st->ntimes = (int32) live;
}

/* Adds one counted purchase time, keeping the occasion count current. */
static inline void
history_add_time(HistoryState *st, int64 t, MemoryContext aggcontext)
{
	if (unlikely(st->ntimes >= st->maxtimes))
		history_reserve(st, 1, aggcontext);
	if (st->ntimes == st->head)
		st->noccasions = 1;
	else if (st->in_order)
	{
		int64		last = st->times[st->ntimes - 1];

		if (t > last)
			st->noccasions++;
		else if (t < last)
			st->in_order = false;
	}
	st->times[st->ntimes++] = t;
}

/*
 * A lifespan interval in microseconds: positive and at most
 * CLV_MAX_LIFESPAN_YEARS years, counted exactly as extract(epoch ...) does.
 */
static int64
lifespan_usec(const Interval *lifespan, const char *fname)
{
	__int128	usec = clv_interval_usec(lifespan->month, lifespan->day,
										 lifespan->time);

	if (usec <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s lifespan must be positive", fname),
				 errhint("Pass the expected customer lifespan, for example '3 years'.")));
	if (usec > CLV_MAX_LIFESPAN_USEC)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s lifespan must be at most %d years", fname,
						CLV_MAX_LIFESPAN_YEARS),
				 errhint("A year counts 365.25 days, as extract(epoch from ...) counts it.")));
	return (int64) usec;
}

/*
 * Records the configuration arguments of one row of agg and checks they
 * did not change within the group.
 */
static inline void
history_check_config(HistoryState *st, FunctionCallInfo fcinfo, HistoryAgg agg)
{
	const char *fname = history_aggs[agg].name;

	switch (history_aggs[agg].config)
	{
		case CONFIG_NONE:
			return;
		case CONFIG_LIFESPAN:
			clv_check_not_null(fcinfo, 3, fname, "lifespan",
							   "Pass the same non-null value in every row of a group, for example a constant.");
			clv_check_same_int64(&st->lifespan_usec, &st->lifespan_recorded,
								 lifespan_usec(PG_GETARG_INTERVAL_P(3), fname),
								 fname, "lifespan");
			return;
		case CONFIG_AS_OF:
		case CONFIG_HOLDOUT:
			{
				const char *as_of_name = history_aggs[agg].as_of_name;
				int			unit_arg = 4;

				clv_check_not_null(fcinfo, 3, fname, as_of_name,
								   "Pass the same non-null value in every row of a group, for example a constant.");
				clv_check_same_int64(&st->as_of, &st->as_of_recorded,
									 clv_time_usec(PG_GETARG_DATUM(3), st->time_kind, fname),
									 fname, as_of_name);
				if (history_aggs[agg].config == CONFIG_HOLDOUT)
				{
					clv_check_not_null(fcinfo, 4, fname, "holdout_end",
									   "Pass the same non-null value in every row of a group, for example a constant.");
					clv_check_same_int64(&st->holdout_end, &st->holdout_recorded,
										 clv_time_usec(PG_GETARG_DATUM(4), st->time_kind, fname),
										 fname, "holdout_end");
					if (st->holdout_end < st->as_of)
						ereport(ERROR,
								(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								 errmsg("%s holdout_end must not be before calibration_end", fname),
								 errhint("The holdout period is (calibration_end, holdout_end]; pass a holdout_end at or after calibration_end.")));
					unit_arg = 5;
				}
				if (PG_NARGS() > unit_arg)
				{
					clv_check_not_null(fcinfo, unit_arg, fname, "unit",
									   "Pass a time unit of fixed length, for example '1 day' or '1 week'.");
					clv_check_same_int64(&st->unit_usec, &st->unit_recorded,
										 clv_unit_usec(PG_GETARG_INTERVAL_P(unit_arg), fname),
										 fname, "unit");
				}
				return;
			}
	}
}

/*
 * The transition of every per-customer aggregate, agg naming which:
 * (state, ordered_at [, amount, as_of | lifespan [, holdout_end] [, unit]]).
 * Rows with a NULL time or amount, or after as_of (clv_holdout: after
 * holdout_end), are not counted; clv_holdout sums the amounts after as_of
 * apart.
 */
static pg_attribute_always_inline Datum
history_trans(FunctionCallInfo fcinfo, HistoryAgg agg)
{
	const char *fname = history_aggs[agg].name;
	MemoryContext aggcontext = clv_agg_context(fcinfo, fname);
	HistoryState *st;
	int64		t;
	bool		later;

	if (PG_ARGISNULL(0))
	{
		const HistoryCallSite *site = history_call_site(fcinfo, agg);

		st = history_new(aggcontext, agg, site->time_kind, site->amount_kind);
	}
	else
		st = (HistoryState *) PG_GETARG_POINTER(0);

	history_check_config(st, fcinfo, agg);
	if (PG_ARGISNULL(1) || (st->amount_kind != CLV_AMOUNT_NONE && PG_ARGISNULL(2)))
		PG_RETURN_POINTER(st);
	t = clv_time_usec(PG_GETARG_DATUM(1), st->time_kind, fname);
	later = st->as_of_recorded && t > st->as_of;
	if (later && !(st->holdout_recorded && t <= st->holdout_end))
		PG_RETURN_POINTER(st);

	if (HISTORY_ROWS(st) == 0 || t < st->first)
	{
		st->first = t;
		if (st->amount_kind != CLV_AMOUNT_NONE)
			memset(&st->first_total, 0, sizeof(ClvAmountSum));
	}
	if (st->amount_kind != CLV_AMOUNT_NONE)
	{
		Datum		amount = PG_GETARG_DATUM(2);

		if (later)
			clv_amount_add(&st->holdout_total, st->amount_kind, amount,
						   aggcontext, fname);
		else
		{
			clv_amount_add(&st->total, st->amount_kind, amount, aggcontext, fname);
			if (t == st->first)
				clv_amount_add(&st->first_total, st->amount_kind, amount,
							   aggcontext, fname);
		}
	}
	history_add_time(st, t, aggcontext);
	PG_RETURN_POINTER(st);
}

/* Transition of avg_interpurchase(ordered_at). */
Datum
clv_avg_interpurchase_trans(PG_FUNCTION_ARGS)
{
	return history_trans(fcinfo, AGG_AVG_INTERPURCHASE);
}

/* Transition of avg_interpurchase_days(ordered_at). */
Datum
clv_avg_interpurchase_days_trans(PG_FUNCTION_ARGS)
{
	return history_trans(fcinfo, AGG_AVG_INTERPURCHASE_DAYS);
}

/* Transition of rfm(ordered_at, amount, as_of). */
Datum
clv_rfm_trans(PG_FUNCTION_ARGS)
{
	return history_trans(fcinfo, AGG_RFM);
}

/* Transition of clv_summary(ordered_at, amount, as_of [, unit]). */
Datum
clv_summary_trans(PG_FUNCTION_ARGS)
{
	return history_trans(fcinfo, AGG_SUMMARY);
}

/*
 * Transition of clv_holdout(ordered_at, amount, calibration_end,
 * holdout_end [, unit]).
 */
Datum
clv_holdout_trans(PG_FUNCTION_ARGS)
{
	return history_trans(fcinfo, AGG_HOLDOUT);
}

/* Transition of clv(ordered_at, amount, lifespan). */
Datum
clv_formula_trans(PG_FUNCTION_ARGS)
{
	return history_trans(fcinfo, AGG_FORMULA);
}

/*
 * The inverse transition of avg_interpurchase(_days) (moving frames),
 * agg naming which: removes one purchase time.  Frames ordered by time
 * remove from the head in O(1).
 */
static Datum
history_inverse(FunctionCallInfo fcinfo, HistoryAgg agg)
{
	const char *fname = history_aggs[agg].name;
	HistoryState *st;
	int64		t;
	int32		i;

	(void) clv_agg_context(fcinfo, fname);
	if (PG_ARGISNULL(0))
		elog(ERROR, "%s inverse transition called without a state", fname);
	st = (HistoryState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);
	t = clv_time_usec(PG_GETARG_DATUM(1), st->time_kind, fname);

	if (HISTORY_ROWS(st) > 0 && st->times[st->head] == t)
	{
		st->head++;
		if (st->in_order &&
			(st->head == st->ntimes || st->times[st->head] != t))
			st->noccasions--;
		PG_RETURN_POINTER(st);
	}
	for (i = st->head; i < st->ntimes; i++)
	{
		if (st->times[i] == t)
		{
			memmove(st->times + i, st->times + i + 1,
					(st->ntimes - i - 1) * sizeof(int64));
			st->ntimes--;
			st->in_order = false;
			PG_RETURN_POINTER(st);
		}
	}
	elog(ERROR, "%s inverse transition: time not in frame", fname);
	PG_RETURN_NULL();
}

/* Inverse transition of avg_interpurchase(ordered_at). */
Datum
clv_avg_interpurchase_inverse(PG_FUNCTION_ARGS)
{
	return history_inverse(fcinfo, AGG_AVG_INTERPURCHASE);
}

/* Inverse transition of avg_interpurchase_days(ordered_at). */
Datum
clv_avg_interpurchase_days_inverse(PG_FUNCTION_ARGS)
{
	return history_inverse(fcinfo, AGG_AVG_INTERPURCHASE_DAYS);
}

/*
 * The 1.0 transition functions, which all 1.0 aggregates shared over an
 * anyelement amount.  Installing version 1.0 (the first step of an update)
 * still needs their symbols; a 1.0 catalogue running on this library is
 * told to update.
 */
PG_FUNCTION_INFO_V1(clv_history_trans);
PG_FUNCTION_INFO_V1(clv_history_inverse);

Datum
clv_history_trans(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("the installed clv library no longer runs the per-customer aggregates of clv 1.0"),
			 errhint("Run ALTER EXTENSION clv UPDATE.")));
	PG_RETURN_NULL();
}

Datum
clv_history_inverse(PG_FUNCTION_ARGS)
{
	return clv_history_trans(fcinfo);
}

/* Recomputes the occasion bookkeeping of a state from its times. */
static void
history_recount(HistoryState *st)
{
	int32		i;

	st->in_order = true;
	for (i = st->head + 1; i < st->ntimes; i++)
		if (st->times[i] < st->times[i - 1])
			st->in_order = false;
	st->noccasions = st->in_order ? (int32)
		clv_occasions_count_sorted((const int64_t *) st->times + st->head,
								   HISTORY_ROWS(st)) : 0;
}

/* Merges the configuration of src into dst, checking they agree. */
static void
history_merge_config(HistoryState *dst, const HistoryState *src)
{
	const char *fname = HISTORY_NAME(dst);

	if (src->as_of_recorded)
		clv_check_same_int64(&dst->as_of, &dst->as_of_recorded, src->as_of,
							 fname, history_aggs[dst->agg].as_of_name);
	if (src->holdout_recorded)
		clv_check_same_int64(&dst->holdout_end, &dst->holdout_recorded,
							 src->holdout_end, fname, "holdout_end");
	if (src->unit_recorded)
		clv_check_same_int64(&dst->unit_usec, &dst->unit_recorded,
							 src->unit_usec, fname, "unit");
	if (src->lifespan_recorded)
		clv_check_same_int64(&dst->lifespan_usec, &dst->lifespan_recorded,
							 src->lifespan_usec, fname, "lifespan");
}

/* Combine function: merges the partial state of one worker into another. */
Datum
clv_history_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = clv_agg_context(fcinfo, "clv_history_combine");
	HistoryState *st;
	HistoryState *other;
	int64		nother;
	bool		other_is_first;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0));
	other = (HistoryState *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
		st = history_new(aggcontext, other->agg, other->time_kind,
						 other->amount_kind);
	else
		st = (HistoryState *) PG_GETARG_POINTER(0);
	if (st->agg != other->agg || st->time_kind != other->time_kind ||
		st->amount_kind != other->amount_kind)
		elog(ERROR, "%s combine function given states of %s",
			 HISTORY_NAME(st), HISTORY_NAME(other));

	history_merge_config(st, other);
	nother = HISTORY_ROWS(other);
	if (nother == 0)
		PG_RETURN_POINTER(st);

	/* the earlier first occasion wins; equal ones merge their amounts */
	other_is_first = HISTORY_ROWS(st) == 0 || other->first < st->first;
	if (st->amount_kind != CLV_AMOUNT_NONE)
	{
		clv_amount_merge(&st->total, &other->total, st->amount_kind,
						 aggcontext, HISTORY_NAME(st));
		if (other_is_first)
			memset(&st->first_total, 0, sizeof(ClvAmountSum));
		if (other_is_first || other->first == st->first)
			clv_amount_merge(&st->first_total, &other->first_total,
							 st->amount_kind, aggcontext, HISTORY_NAME(st));
		if (st->agg == AGG_HOLDOUT)
			clv_amount_merge(&st->holdout_total, &other->holdout_total,
							 st->amount_kind, aggcontext, HISTORY_NAME(st));
	}
	if (other_is_first)
		st->first = other->first;

	history_reserve(st, (int32) nother, aggcontext);
	memcpy(st->times + st->ntimes, other->times + other->head,
		   nother * sizeof(int64));
	st->ntimes += (int32) nother;
	history_recount(st);
	PG_RETURN_POINTER(st);
}

/* Reads a flag byte, rejecting anything but 0 and (if allowed) 1. */
static bool
wire_flag(StringInfo buf, bool may_be_set)
{
	int			b = pq_getmsgbyte(buf);

	if (b != 0 && !(b == 1 && may_be_set))
		clv_wire_invalid(HISTORY_WIRE_WHAT, "A flag byte is out of range.");
	return b == 1;
}

/* Serialization version; bump when the layout changes. */
#define HISTORY_WIRE_VERSION 5

/* Serialize function: the state as bytea, for parallel workers. */
Datum
clv_history_serialize(PG_FUNCTION_ARGS)
{
	HistoryState *st;
	StringInfoData buf;
	int32		i;

	(void) clv_agg_context(fcinfo, "clv_history_serialize");
	st = (HistoryState *) PG_GETARG_POINTER(0);
	clv_wire_begin(&buf, HISTORY_WIRE_VERSION);
	pq_sendint8(&buf, st->agg);
	pq_sendint8(&buf, st->time_kind);
	pq_sendint8(&buf, st->amount_kind);
	pq_sendint8(&buf, st->as_of_recorded);
	if (st->as_of_recorded)
		pq_sendint64(&buf, st->as_of);
	pq_sendint8(&buf, st->unit_recorded);
	if (st->unit_recorded)
		pq_sendint64(&buf, st->unit_usec);
	pq_sendint8(&buf, st->lifespan_recorded);
	if (st->lifespan_recorded)
		pq_sendint64(&buf, st->lifespan_usec);
	pq_sendint8(&buf, st->holdout_recorded);
	if (st->holdout_recorded)
		pq_sendint64(&buf, st->holdout_end);
	pq_sendint64(&buf, st->first);
	if (st->amount_kind != CLV_AMOUNT_NONE)
	{
		clv_amount_send(&buf, &st->total);
		clv_amount_send(&buf, &st->first_total);
		if (st->agg == AGG_HOLDOUT)
			clv_amount_send(&buf, &st->holdout_total);
	}
	pq_sendint32(&buf, (int32) HISTORY_ROWS(st));
	for (i = st->head; i < st->ntimes; i++)
		pq_sendint64(&buf, st->times[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Deserialize function: a state from clv_history_serialize's bytes. */
Datum
clv_history_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = clv_agg_context(fcinfo, "clv_history_deserialize");
	StringInfoData buf;
	HistoryState *st;
	int			agg;
	int			time_kind;
	int			amount_kind;
	ConfigArgs	config;
	int32		n;
	int32		i;
	int64		last_allowed;

	clv_wire_open(&buf, PG_GETARG_BYTEA_PP(0), HISTORY_WIRE_VERSION,
				  HISTORY_WIRE_WHAT);
	agg = pq_getmsgbyte(&buf);
	time_kind = pq_getmsgbyte(&buf);
	amount_kind = pq_getmsgbyte(&buf);
	if (agg > AGG_HOLDOUT || time_kind > CLV_TIME_DATE ||
		amount_kind > CLV_AMOUNT_FLOAT8)
		clv_wire_invalid(HISTORY_WIRE_WHAT, "Its kind bytes are out of range.");
	config = history_aggs[agg].config;
	if ((config == CONFIG_NONE) != (amount_kind == CLV_AMOUNT_NONE))
		clv_wire_invalid(HISTORY_WIRE_WHAT, "Its amount kind does not fit its aggregate.");
	st = history_new(aggcontext, (HistoryAgg) agg, (ClvTimeKind) time_kind,
					 (ClvAmountKind) amount_kind);
	/* configuration only where the aggregate has it */
	if ((st->as_of_recorded = wire_flag(&buf, CONFIG_HAS_AS_OF(config))))
		st->as_of = pq_getmsgint64(&buf);
	if ((st->unit_recorded = wire_flag(&buf, CONFIG_HAS_AS_OF(config))))
		st->unit_usec = pq_getmsgint64(&buf);
	if ((st->lifespan_recorded = wire_flag(&buf, config == CONFIG_LIFESPAN)))
		st->lifespan_usec = pq_getmsgint64(&buf);
	if ((st->holdout_recorded = wire_flag(&buf, config == CONFIG_HOLDOUT)))
		st->holdout_end = pq_getmsgint64(&buf);
	if ((st->unit_recorded && st->unit_usec <= 0) ||
		(st->lifespan_recorded &&
		 (st->lifespan_usec <= 0 || st->lifespan_usec > CLV_MAX_LIFESPAN_USEC)) ||
		(st->holdout_recorded &&
		 (!st->as_of_recorded || st->holdout_end < st->as_of)))
		clv_wire_invalid(HISTORY_WIRE_WHAT, "Its configuration is out of range.");
	st->first = pq_getmsgint64(&buf);
	if (st->amount_kind != CLV_AMOUNT_NONE)
	{
		clv_amount_recv(&buf, &st->total, aggcontext, HISTORY_WIRE_WHAT);
		clv_amount_recv(&buf, &st->first_total, aggcontext, HISTORY_WIRE_WHAT);
		if (st->agg == AGG_HOLDOUT)
			clv_amount_recv(&buf, &st->holdout_total, aggcontext, HISTORY_WIRE_WHAT);
	}
	n = pq_getmsgint(&buf, 4);
	if (n < 0 || (Size) n * sizeof(int64) != (Size) (buf.len - buf.cursor))
		clv_wire_invalid(HISTORY_WIRE_WHAT, "Its time count does not match its length.");
	history_reserve(st, n, aggcontext);
	last_allowed = st->holdout_recorded ? st->holdout_end :
		st->as_of_recorded ? st->as_of : PG_INT64_MAX;
	for (i = 0; i < n; i++)
	{
		int64		t = pq_getmsgint64(&buf);

		if (t < st->first || t > last_allowed)
			clv_wire_invalid(HISTORY_WIRE_WHAT, "A time is outside its range.");
		st->times[st->ntimes++] = t;
	}
	clv_wire_close(&buf, HISTORY_WIRE_WHAT);
	history_recount(st);
	PG_RETURN_POINTER(st);
}

/*
 * The purchase occasions of a state with at least one row, split at as_of
 * (only clv_holdout's states have times after it).
 */
static void
history_occasions(const HistoryState *st, Occasions *occ)
{
	int64		n = HISTORY_ROWS(st);
	const int64 *sorted = st->times + st->head;
	int64	   *copy = NULL;
	int64		rows = n;

	if (!st->in_order)
	{
		copy = palloc(n * sizeof(int64));
		memcpy(copy, sorted, n * sizeof(int64));
		clv_occasions_sort((int64_t *) copy, n);
		sorted = copy;
	}
	if (st->as_of_recorded)
		while (rows > 0 && sorted[rows - 1] > st->as_of)
			rows--;
	occ->rows = rows;
	occ->later = clv_occasions_count_sorted((const int64_t *) sorted + rows,
											n - rows);
	occ->count = st->in_order ? st->noccasions - occ->later :
		clv_occasions_count_sorted((const int64_t *) sorted, rows);
	occ->first = sorted[0];
	occ->last = rows > 0 ? sorted[rows - 1] : sorted[0];
	if (copy)
		pfree(copy);
}

/*
 * The state of a final function's call for agg and its occasions, or NULL
 * when the group counted no rows up to as_of.
 */
static HistoryState *
history_final_state(FunctionCallInfo fcinfo, HistoryAgg agg, Occasions *occ)
{
	HistoryState *st;

	(void) clv_agg_context(fcinfo, history_aggs[agg].name);
	if (PG_ARGISNULL(0))
		return NULL;
	st = (HistoryState *) PG_GETARG_POINTER(0);
	if (st->agg != agg)
		elog(ERROR, "%s final function given a state of %s",
			 history_aggs[agg].name, HISTORY_NAME(st));
	if (HISTORY_ROWS(st) == 0)
		return NULL;
	history_occasions(st, occ);
	return occ->rows > 0 ? st : NULL;
}

/* avg_interpurchase: mean gap between consecutive occasions, as interval. */
Datum
clv_avg_interpurchase_final(PG_FUNCTION_ARGS)
{
	Occasions	occ;
	Interval   *result;
	int32		days;
	int64		time;

	if (!history_final_state(fcinfo, AGG_AVG_INTERPURCHASE, &occ) ||
		occ.count < 2)
		PG_RETURN_NULL();
	if (!clv_mean_gap_days_time(occ.first, occ.last, occ.count, &days, &time))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("avg_interpurchase result is out of range for type interval")));
	result = (Interval *) palloc(sizeof(Interval));
	result->month = 0;
	result->day = days;
	result->time = time;
	PG_RETURN_INTERVAL_P(result);
}

/* avg_interpurchase_days: the same mean gap in days, as float8. */
Datum
clv_avg_interpurchase_days_final(PG_FUNCTION_ARGS)
{
	Occasions	occ;

	if (!history_final_state(fcinfo, AGG_AVG_INTERPURCHASE_DAYS, &occ) ||
		occ.count < 2)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(clv_mean_gap_usec(occ.first, occ.last, occ.count) /
					 (double) USECS_PER_DAY);
}

/* rfm: recency in days to as_of, frequency in occasions, monetary total. */
Datum
clv_rfm_final(PG_FUNCTION_ARGS)
{
	Occasions	occ;
	HistoryState *st = history_final_state(fcinfo, AGG_RFM, &occ);
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (!st)
		PG_RETURN_NULL();
	values[0] = Float8GetDatum(clv_span_usec(occ.last, st->as_of) /
							   (double) USECS_PER_DAY);
	values[1] = Int64GetDatum(occ.count);
	values[2] = NumericGetDatum(clv_amount_numeric(&st->total, st->amount_kind,
												   "rfm"));
	PG_RETURN_DATUM(clv_composite_result(fcinfo, values, nulls));
}

/* Attributes of clv_summary, and of clv_holdout_summary (which begins with them). */
#define SUMMARY_NATTS 6
#define HOLDOUT_NATTS 9

/* The time unit of a clv_summary or clv_holdout state: '1 day' by default. */
#define HISTORY_UNIT_USEC(st) ((st)->unit_recorded ? (st)->unit_usec : USECS_PER_DAY)

/*
 * The clv_summary attributes (x, t_x, t, m, orders, unit) of a state's
 * occasions up to as_of, into values[0 .. SUMMARY_NATTS).
 */
static void
summary_values(const HistoryState *st, const Occasions *occ, Datum *values)
{
	int64		unit_usec = HISTORY_UNIT_USEC(st);

	values[0] = Int64GetDatum(occ->count - 1);
	values[1] = Float8GetDatum(clv_span_usec(occ->first, occ->last) / (double) unit_usec);
	values[2] = Float8GetDatum(clv_span_usec(occ->first, st->as_of) / (double) unit_usec);
	values[3] = NumericGetDatum(occ->count == 1 ? int64_to_numeric(0) :
								clv_amount_mean_rest(&st->total, &st->first_total,
													 st->amount_kind, occ->count - 1,
													 HISTORY_NAME(st)));
	values[4] = Int64GetDatum(occ->rows);
	values[5] = IntervalPGetDatum(clv_usec_interval_exact(unit_usec));
}

/* clv_summary: (x, t_x, t, m, orders, unit) of the probabilistic models. */
Datum
clv_summary_final(PG_FUNCTION_ARGS)
{
	Occasions	occ;
	HistoryState *st = history_final_state(fcinfo, AGG_SUMMARY, &occ);
	Datum		values[SUMMARY_NATTS];
	bool		nulls[SUMMARY_NATTS] = {0};

	if (!st)
		PG_RETURN_NULL();
	summary_values(st, &occ, values);
	PG_RETURN_DATUM(clv_composite_result(fcinfo, values, nulls));
}

/*
 * clv_holdout: clv_summary's attributes over the calibration period (up to
 * calibration_end), then the purchase occasions, duration (in unit) and
 * total amount of the holdout period (calibration_end, holdout_end].  NULL
 * for a customer without orders in the calibration period.
 */
Datum
clv_holdout_final(PG_FUNCTION_ARGS)
{
	Occasions	occ;
	HistoryState *st = history_final_state(fcinfo, AGG_HOLDOUT, &occ);
	Datum		values[HOLDOUT_NATTS];
	bool		nulls[HOLDOUT_NATTS] = {0};

	if (!st)
		PG_RETURN_NULL();
	summary_values(st, &occ, values);
	values[6] = Int64GetDatum(occ.later);
	values[7] = Float8GetDatum(clv_span_usec(st->as_of, st->holdout_end) /
							   (double) HISTORY_UNIT_USEC(st));
	values[8] = NumericGetDatum(clv_amount_numeric(&st->holdout_total,
												   st->amount_kind, "clv_holdout"));
	PG_RETURN_DATUM(clv_composite_result(fcinfo, values, nulls));
}

/*
 * clv(ordered_at, amount, lifespan): average purchase value x purchase
 * frequency x lifespan, NULL for fewer than two occasions.  An estimate, so
 * computed in float8 and returned with float8's significant digits.
 */
Datum
clv_formula_final(PG_FUNCTION_ARGS)
{
	Occasions	occ;
	HistoryState *st = history_final_state(fcinfo, AGG_FORMULA, &occ);
	double		value;

	if (!st || occ.count < 2)
		PG_RETURN_NULL();
	value = clv_formula_value(clv_amount_float8(&st->total, st->amount_kind, "clv"),
							  occ.count, (double) st->lifespan_usec,
							  clv_mean_gap_usec(occ.first, occ.last, occ.count));
	PG_RETURN_NUMERIC(clv_amount_checked_numeric(value, "clv", "result"));
}
