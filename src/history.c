/*-------------------------------------------------------------------------
 *
 * history.c
 *	  Level 1: the per-customer aggregates avg_interpurchase,
 *	  avg_interpurchase_days, rfm, clv_summary and clv(ordered_at, amount,
 *	  lifespan), all over ONE purchase-history state.
 *
 * The state keeps the customer's purchase times (to count purchase
 * occasions, merging rows at the same instant), the exact total amount and
 * the amount of the first occasion, and the configuration arguments, which
 * must not change within a group.  One transition function serves every
 * SQL overload: the argument types are read once, when the state is made.
 * Amounts are summed exactly for integer and numeric types (core/decimal.c,
 * falling back to numeric arithmetic on overflow) and in float8 for
 * floating types.
 *
 *-------------------------------------------------------------------------
 */
#include "clv.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "core/occasions.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(clv_history_trans);
PG_FUNCTION_INFO_V1(clv_history_inverse);
PG_FUNCTION_INFO_V1(clv_history_combine);
PG_FUNCTION_INFO_V1(clv_history_serialize);
PG_FUNCTION_INFO_V1(clv_history_deserialize);
PG_FUNCTION_INFO_V1(clv_avg_interpurchase_final);
PG_FUNCTION_INFO_V1(clv_avg_interpurchase_days_final);
PG_FUNCTION_INFO_V1(clv_rfm_final);
PG_FUNCTION_INFO_V1(clv_summary_final);
PG_FUNCTION_INFO_V1(clv_formula_final);

/* How the aggregate's amounts are summed. */
typedef enum AmountKind
{
	AMOUNT_NONE,				/* no amount argument (avg_interpurchase) */
	AMOUNT_INT2,
	AMOUNT_INT4,
	AMOUNT_INT8,
	AMOUNT_NUMERIC,
	AMOUNT_FLOAT4,
	AMOUNT_FLOAT8
} AmountKind;

#define AMOUNT_IS_FLOAT(kind) ((kind) == AMOUNT_FLOAT4 || (kind) == AMOUNT_FLOAT8)

/* The configuration arguments after (ordered_at, amount) of an overload. */
typedef enum ConfigArgs
{
	CONFIG_NONE,				/* avg_interpurchase(ordered_at) */
	CONFIG_AS_OF,				/* rfm, clv_summary: as_of */
	CONFIG_AS_OF_UNIT,			/* clv_summary: as_of, unit */
	CONFIG_LIFESPAN				/* clv: lifespan */
} ConfigArgs;

/*
 * A running sum of amounts: a ClvDecimal for exact kinds until it would
 * overflow, then a numeric; for floating kinds a double with the rounding
 * error of its additions (Neumaier's compensated sum), so that the repeat
 * amount total - first occasion keeps the digits a large first order would
 * otherwise absorb.
 */
typedef struct AmountSum
{
	ClvDecimal	decimal;
	Numeric		overflow;		/* non-NULL once decimal is abandoned */
	double		floating;
	double		floating_error; /* floating + floating_error is the sum */
} AmountSum;

/*
 * Purchase times held inside the state before a separate array is needed:
 * most customers have few orders.
 */
#define HISTORY_INLINE_TIMES 3

/*
 * The state, laid out small: a hash aggregate keeps one per customer.
 * Aggregates without amounts and configuration (avg_interpurchase)
 * allocate only the 64 bytes before as_of (history_state_size).
 */
typedef struct HistoryState
{
	uint8		time_kind;		/* ClvTimeKind */
	uint8		amount_kind;	/* AmountKind */
	uint8		config_args;	/* ConfigArgs */

	/* configuration arguments, recorded from the first row */
	bool		as_of_recorded;
	bool		unit_recorded;
	bool		lifespan_recorded;

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

	/* amounts of the rows counted, and of the first purchase occasion */
	AmountSum	total;
	AmountSum	first_total;
} HistoryState;

/* Bytes of a state whose amounts are of kind. */
#define history_state_size(kind) \
	((kind) == AMOUNT_NONE ? offsetof(HistoryState, as_of) : sizeof(HistoryState))

StaticAssertDecl(offsetof(HistoryState, as_of) == 64,
				 "an avg_interpurchase state fills a 64-byte allocation");

#define HISTORY_ROWS(st) ((int64) (st)->ntimes - (st)->head)

/* Purchase occasions of a state: their number, first and last time. */
typedef struct Occasions
{
	int64		count;
	int64		first;
	int64		last;
} Occasions;

/*
 * The SQL name of the aggregate a transition or combine function is called
 * for, cached for the query.  Where PostgreSQL does not say (window
 * aggregates), the overload's argument shape tells.
 */
static const char *
history_function_name(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
	{
		Aggref	   *aggref = AggGetAggref(fcinfo);
		const char *name;

		if (aggref != NULL)
			name = get_func_name(aggref->aggfnoid);
		else if (PG_NARGS() <= 2)
			name = "avg_interpurchase";
		else if (get_fn_expr_argtype(fcinfo->flinfo, 3) == INTERVALOID)
			name = "clv";
		else
			name = PG_NARGS() > 4 ? "clv_summary" : "rfm or clv_summary";
		fcinfo->flinfo->fn_extra = MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, name);
	}
	return (const char *) fcinfo->flinfo->fn_extra;
}

/* The AmountKind of an amount argument of type typid. */
static AmountKind
amount_kind_of(Oid typid, const char *fname)
{
	switch (getBaseType(typid))
	{
		case INT2OID:
			return AMOUNT_INT2;
		case INT4OID:
			return AMOUNT_INT4;
		case INT8OID:
			return AMOUNT_INT8;
		case NUMERICOID:
			return AMOUNT_NUMERIC;
		case FLOAT4OID:
			return AMOUNT_FLOAT4;
		case FLOAT8OID:
			return AMOUNT_FLOAT8;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("%s amount must be of a numeric type, not %s",
							fname, format_type_be(typid)),
					 errhint("Pass a smallint, integer, bigint, numeric, real or double precision amount.")));
	}
	return AMOUNT_NONE;			/* keep compiler quiet */
}

/* A new state without rows, in aggcontext. */
static HistoryState *
history_new(MemoryContext aggcontext, ClvTimeKind time_kind, AmountKind amount_kind)
{
	HistoryState *st = MemoryContextAllocZero(aggcontext,
											  history_state_size(amount_kind));

	st->time_kind = time_kind;
	st->amount_kind = amount_kind;
	st->times = st->inline_times;
	st->maxtimes = HISTORY_INLINE_TIMES;
	st->in_order = true;
	return st;
}

/* A new, empty state for the aggregate called through fcinfo. */
static HistoryState *
history_create(FunctionCallInfo fcinfo, MemoryContext aggcontext)
{
	AmountKind	amount_kind = PG_NARGS() > 2 ?
		amount_kind_of(get_fn_expr_argtype(fcinfo->flinfo, 2),
					   history_function_name(fcinfo)) : AMOUNT_NONE;
	HistoryState *st = history_new(aggcontext, clv_arg_time_kind(fcinfo, 1),
								   amount_kind);

	if (PG_NARGS() <= 2)
		st->config_args = CONFIG_NONE;
	else if (get_fn_expr_argtype(fcinfo->flinfo, 3) == INTERVALOID)
		st->config_args = CONFIG_LIFESPAN;
	else
		st->config_args = PG_NARGS() > 4 ? CONFIG_AS_OF_UNIT : CONFIG_AS_OF;
	return st;
}

/* A ClvDecimal as a numeric. */
static Numeric
decimal_to_numeric(const ClvDecimal *d)
{
	char		buf[64];

	if (d->value >= PG_INT64_MIN && d->value <= PG_INT64_MAX)
		return int64_div_fast_to_numeric((int64) d->value, d->scale);
	clv_decimal_format(d, buf, sizeof(buf));
	return DatumGetNumeric(DirectFunctionCall3(numeric_in,
											   CStringGetDatum(buf),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

/* An exact sum as a numeric, in the current memory context. */
static Numeric
exact_sum_numeric(const AmountSum *sum)
{
	return sum->overflow ? sum->overflow : decimal_to_numeric(&sum->decimal);
}

/* sum += addend in numeric arithmetic, keeping the result in aggcontext. */
static void
amount_sum_add_numeric(AmountSum *sum, Numeric addend, MemoryContext aggcontext)
{
	Numeric		result = numeric_add_opt_error(exact_sum_numeric(sum), addend, NULL);
	Numeric		old = sum->overflow;

	sum->overflow = MemoryContextAlloc(aggcontext, VARSIZE(result));
	memcpy(sum->overflow, result, VARSIZE(result));
	if (old)
		pfree(old);
}

/* A floating sum += addend, carrying the rounding error. */
static void
float_sum_add(AmountSum *sum, double addend)
{
	double		result = sum->floating + addend;

	if (isfinite(result))
		sum->floating_error += fabs(sum->floating) >= fabs(addend) ?
			(sum->floating - result) + addend :
			(addend - result) + sum->floating;
	sum->floating = result;
}

/* The value of a floating sum. */
static double
float_sum_value(const AmountSum *sum)
{
	return isfinite(sum->floating) ? sum->floating + sum->floating_error :
		sum->floating;
}

/* sum += one amount of the state's kind. */
static void
amount_sum_add_datum(AmountSum *sum, AmountKind kind, Datum amount,
					 MemoryContext aggcontext)
{
	ClvDecimal	d = {0, 0};

	switch (kind)
	{
		case AMOUNT_NONE:
			return;
		case AMOUNT_FLOAT4:
			float_sum_add(sum, DatumGetFloat4(amount));
			return;
		case AMOUNT_FLOAT8:
			float_sum_add(sum, DatumGetFloat8(amount));
			return;
		case AMOUNT_INT2:
			d.value = DatumGetInt16(amount);
			break;
		case AMOUNT_INT4:
			d.value = DatumGetInt32(amount);
			break;
		case AMOUNT_INT8:
			d.value = DatumGetInt64(amount);
			break;
		case AMOUNT_NUMERIC:
			if (sum->overflow || !clv_numeric_to_decimal(amount, &d))
			{
				amount_sum_add_numeric(sum, DatumGetNumeric(amount), aggcontext);
				return;
			}
			break;
	}
	if (sum->overflow || !clv_decimal_add(&sum->decimal, &d))
		amount_sum_add_numeric(sum, decimal_to_numeric(&d), aggcontext);
}

/* sum += addend, both of the same kind. */
static void
amount_sum_merge(AmountSum *sum, const AmountSum *addend, AmountKind kind,
				 MemoryContext aggcontext)
{
	if (AMOUNT_IS_FLOAT(kind))
	{
		float_sum_add(sum, addend->floating);
		sum->floating_error += addend->floating_error;
	}
	else if (sum->overflow || addend->overflow ||
			 !clv_decimal_add(&sum->decimal, &addend->decimal))
		amount_sum_add_numeric(sum, exact_sum_numeric(addend), aggcontext);
}

/* A sum as a numeric value. */
static Numeric
amount_sum_numeric(const AmountSum *sum, AmountKind kind)
{
	if (AMOUNT_IS_FLOAT(kind))
		return DatumGetNumeric(DirectFunctionCall1(float8_numeric,
												   Float8GetDatum(float_sum_value(sum))));
	return exact_sum_numeric(sum);
}

/* Makes room in the time array for n more times. */
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
				 errmsg("too many orders in one purchase history")));
	if (needed <= st->maxtimes / 2 + 1 && st->head > 0)
	{
		/* a sliding frame: reuse the space freed at the head */
		memmove(st->times, st->times + st->head, live * sizeof(int64));
	}
	else
	{
		int32		newmax = Max(st->maxtimes * 2, (int32) needed);
		int64	   *newtimes = MemoryContextAlloc(aggcontext, newmax * sizeof(int64));

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
static void
history_add_time(HistoryState *st, int64 t, MemoryContext aggcontext)
{
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
 * Records the configuration arguments of one row and checks they did not
 * change within the group.
 */
static void
history_check_config(HistoryState *st, FunctionCallInfo fcinfo)
{
	const char *fname;

	if (st->config_args == CONFIG_NONE)
		return;
	fname = history_function_name(fcinfo);
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s argument \"%s\" must not be null", fname,
						st->config_args == CONFIG_LIFESPAN ? "lifespan" : "as_of"),
				 errhint("Pass the same non-null value in every row of a group, for example a constant.")));
	if (st->config_args == CONFIG_LIFESPAN)
	{
		double		seconds = clv_interval_seconds(PG_GETARG_INTERVAL_P(3));

		if (!(seconds > 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("clv lifespan must be positive"),
					 errhint("Pass the expected customer lifespan, for example '3 years'.")));
		if (!(seconds * USECS_PER_SEC < (double) PG_INT64_MAX))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("clv lifespan is out of range"),
					 errhint("Pass a lifespan shorter than 290,000 years.")));
		clv_check_same_int64(&st->lifespan_usec, &st->lifespan_recorded,
							 (int64) rint(seconds * USECS_PER_SEC), fname,
							 "lifespan");
		return;
	}
	clv_check_same_int64(&st->as_of, &st->as_of_recorded,
						 clv_time_usec(PG_GETARG_DATUM(3), st->time_kind, fname),
						 fname, "as_of");
	if (st->config_args == CONFIG_AS_OF_UNIT)
	{
		Interval   *unit;

		if (PG_ARGISNULL(4))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s argument \"unit\" must not be null", fname),
					 errhint("Pass a time unit of fixed length, for example '1 day' or '1 week'.")));
		unit = PG_GETARG_INTERVAL_P(4);
		clv_check_same_int64(&st->unit_usec, &st->unit_recorded,
							 clv_unit_usec(unit, fname), fname, "unit");
	}
}

/*
 * Transition function of every per-customer aggregate:
 * (state, ordered_at [, amount, as_of | lifespan [, unit]]).
 * Rows with a NULL time or amount, or after as_of, are not counted.
 */
Datum
clv_history_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	HistoryState *st;
	int64		t;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "clv_history_trans called in non-aggregate context");
	st = PG_ARGISNULL(0) ? history_create(fcinfo, aggcontext) :
		(HistoryState *) PG_GETARG_POINTER(0);

	history_check_config(st, fcinfo);
	if (PG_ARGISNULL(1) || (st->amount_kind != AMOUNT_NONE && PG_ARGISNULL(2)))
		PG_RETURN_POINTER(st);
	t = clv_time_usec(PG_GETARG_DATUM(1), st->time_kind,
					  history_function_name(fcinfo));
	if (st->as_of_recorded && t > st->as_of)
		PG_RETURN_POINTER(st);

	if (HISTORY_ROWS(st) == 0 || t < st->first)
	{
		st->first = t;
		if (st->amount_kind != AMOUNT_NONE)
			memset(&st->first_total, 0, sizeof(AmountSum));
	}
	if (st->amount_kind != AMOUNT_NONE)
	{
		Datum		amount = PG_GETARG_DATUM(2);

		amount_sum_add_datum(&st->total, st->amount_kind, amount, aggcontext);
		if (t == st->first)
			amount_sum_add_datum(&st->first_total, st->amount_kind, amount,
								 aggcontext);
	}
	history_add_time(st, t, aggcontext);
	PG_RETURN_POINTER(st);
}

/*
 * Inverse transition of avg_interpurchase (moving frames): removes one
 * purchase time.  Frames ordered by time remove from the head in O(1).
 */
Datum
clv_history_inverse(PG_FUNCTION_ARGS)
{
	HistoryState *st;
	int64		t;
	int32		i;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "clv_history_inverse called in non-aggregate context");
	st = (HistoryState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);
	t = clv_time_usec(PG_GETARG_DATUM(1), st->time_kind,
					  history_function_name(fcinfo));

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
	elog(ERROR, "avg_interpurchase inverse transition: time not in frame");
	PG_RETURN_NULL();
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
history_merge_config(HistoryState *dst, const HistoryState *src,
					 const char *fname)
{
	if (src->as_of_recorded)
		clv_check_same_int64(&dst->as_of, &dst->as_of_recorded, src->as_of,
							 fname, "as_of");
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
	MemoryContext aggcontext;
	HistoryState *st;
	HistoryState *other;
	int64		nother;
	bool		other_is_first;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "clv_history_combine called in non-aggregate context");
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0));
	other = (HistoryState *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
	{
		st = history_new(aggcontext, other->time_kind, other->amount_kind);
		st->config_args = other->config_args;
	}
	else
		st = (HistoryState *) PG_GETARG_POINTER(0);

	history_merge_config(st, other, history_function_name(fcinfo));
	nother = HISTORY_ROWS(other);
	if (nother == 0)
		PG_RETURN_POINTER(st);

	/* the earlier first occasion wins; equal ones merge their amounts */
	other_is_first = HISTORY_ROWS(st) == 0 || other->first < st->first;
	if (st->amount_kind != AMOUNT_NONE)
	{
		amount_sum_merge(&st->total, &other->total, st->amount_kind, aggcontext);
		if (other_is_first)
			memset(&st->first_total, 0, sizeof(AmountSum));
		if (other_is_first || other->first == st->first)
			amount_sum_merge(&st->first_total, &other->first_total,
							 st->amount_kind, aggcontext);
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

/* Appends an AmountSum to a serialization buffer. */
static void
amount_sum_send(StringInfo buf, const AmountSum *sum)
{
	pq_sendint8(buf, sum->overflow != NULL);
	if (sum->overflow)
		pq_sendstring(buf, DatumGetCString(DirectFunctionCall1(numeric_out,
															   NumericGetDatum(sum->overflow))));
	pq_sendint64(buf, (int64) (sum->decimal.value >> 64));
	pq_sendint64(buf, (int64) (uint64) sum->decimal.value);
	pq_sendint32(buf, sum->decimal.scale);
	pq_sendfloat8(buf, sum->floating);
	pq_sendfloat8(buf, sum->floating_error);
}

/* Reads an AmountSum written by amount_sum_send, validating it. */
static void
amount_sum_recv(StringInfo buf, AmountSum *sum, MemoryContext aggcontext)
{
	int			has_overflow = pq_getmsgbyte(buf);
	int64		high;
	uint64		low;

	if (has_overflow != 0 && has_overflow != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid purchase-history state")));
	sum->overflow = NULL;
	if (has_overflow)
	{
		Numeric		n = DatumGetNumeric(DirectFunctionCall3(numeric_in,
															CStringGetDatum(pq_getmsgstring(buf)),
															ObjectIdGetDatum(InvalidOid),
															Int32GetDatum(-1)));

		sum->overflow = MemoryContextAlloc(aggcontext, VARSIZE(n));
		memcpy(sum->overflow, n, VARSIZE(n));
	}
	high = pq_getmsgint64(buf);
	low = (uint64) pq_getmsgint64(buf);
	sum->decimal.value = (((__int128) high) << 64) | low;
	sum->decimal.scale = pq_getmsgint(buf, 4);
	sum->floating = pq_getmsgfloat8(buf);
	sum->floating_error = pq_getmsgfloat8(buf);
	if (sum->decimal.scale < 0 || sum->decimal.scale > CLV_DECIMAL_MAX_SCALE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid purchase-history state")));
}

/* Serialization version; bump when the layout changes. */
#define HISTORY_STATE_VERSION 3

/* Serialize function: the state as bytea, for parallel workers. */
Datum
clv_history_serialize(PG_FUNCTION_ARGS)
{
	HistoryState *st;
	StringInfoData buf;
	int32		i;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "clv_history_serialize called in non-aggregate context");
	st = (HistoryState *) PG_GETARG_POINTER(0);

	pq_begintypsend(&buf);
	pq_sendint8(&buf, HISTORY_STATE_VERSION);
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
	pq_sendint64(&buf, st->first);
	if (st->amount_kind != AMOUNT_NONE)
	{
		amount_sum_send(&buf, &st->total);
		amount_sum_send(&buf, &st->first_total);
	}
	pq_sendint32(&buf, (int32) HISTORY_ROWS(st));
	for (i = st->head; i < st->ntimes; i++)
		pq_sendint64(&buf, st->times[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Reads a boolean flag byte, rejecting anything but 0 and (if allowed) 1. */
static bool
getmsg_flag(StringInfo buf, bool may_be_set)
{
	int			b = pq_getmsgbyte(buf);

	if (b != 0 && !(b == 1 && may_be_set))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid purchase-history state")));
	return b == 1;
}

/* Deserialize function: a state from clv_history_serialize's bytes. */
Datum
clv_history_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	bytea	   *bytes;
	StringInfoData buf;
	HistoryState *st;
	int			time_kind;
	int			amount_kind;
	int32		n;
	int32		i;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "clv_history_deserialize called in non-aggregate context");
	bytes = PG_GETARG_BYTEA_PP(0);
	/* a copy ends in a NUL, so that reading a string cannot overrun it */
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes));

	if (pq_getmsgbyte(&buf) != HISTORY_STATE_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid purchase-history state version")));
	time_kind = pq_getmsgbyte(&buf);
	amount_kind = pq_getmsgbyte(&buf);
	if (time_kind > CLV_TIME_DATE || amount_kind > AMOUNT_FLOAT8)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid purchase-history state")));
	st = history_new(aggcontext, (ClvTimeKind) time_kind, (AmountKind) amount_kind);
	/* a state without amounts has no room for configuration */
	if ((st->as_of_recorded = getmsg_flag(&buf, amount_kind != AMOUNT_NONE)))
		st->as_of = pq_getmsgint64(&buf);
	if ((st->unit_recorded = getmsg_flag(&buf, amount_kind != AMOUNT_NONE)))
		st->unit_usec = pq_getmsgint64(&buf);
	if ((st->lifespan_recorded = getmsg_flag(&buf, amount_kind != AMOUNT_NONE)))
		st->lifespan_usec = pq_getmsgint64(&buf);
	st->first = pq_getmsgint64(&buf);
	if (st->amount_kind != AMOUNT_NONE)
	{
		amount_sum_recv(&buf, &st->total, aggcontext);
		amount_sum_recv(&buf, &st->first_total, aggcontext);
	}
	n = pq_getmsgint(&buf, 4);
	if (n < 0 || (Size) n * sizeof(int64) != (Size) (buf.len - buf.cursor))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid purchase-history state length")));
	history_reserve(st, n, aggcontext);
	for (i = 0; i < n; i++)
	{
		int64		t = pq_getmsgint64(&buf);

		if (t < st->first || (st->as_of_recorded && t > st->as_of))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid purchase-history state times")));
		st->times[st->ntimes++] = t;
	}
	pq_getmsgend(&buf);
	history_recount(st);
	PG_RETURN_POINTER(st);
}

/* The purchase occasions of a state with at least one row. */
static void
history_occasions(const HistoryState *st, Occasions *occ)
{
	int64		n = HISTORY_ROWS(st);

	if (st->in_order)
	{
		occ->count = st->noccasions;
		occ->first = st->times[st->head];
		occ->last = st->times[st->ntimes - 1];
	}
	else
	{
		int64	   *sorted = palloc(n * sizeof(int64));

		memcpy(sorted, st->times + st->head, n * sizeof(int64));
		clv_occasions_sort((int64_t *) sorted, n);
		occ->count = clv_occasions_count_sorted((const int64_t *) sorted, n);
		occ->first = sorted[0];
		occ->last = sorted[n - 1];
		pfree(sorted);
	}
}

/*
 * The state of a final function's call and its occasions, or NULL when the
 * group counted no rows.
 */
static HistoryState *
history_final_state(FunctionCallInfo fcinfo, Occasions *occ)
{
	HistoryState *st;

	if (PG_ARGISNULL(0))
		return NULL;
	st = (HistoryState *) PG_GETARG_POINTER(0);
	if (HISTORY_ROWS(st) == 0)
		return NULL;
	history_occasions(st, occ);
	return st;
}

/* avg_interpurchase: mean gap between consecutive occasions, as interval. */
Datum
clv_avg_interpurchase_final(PG_FUNCTION_ARGS)
{
	Occasions	occ;

	if (!history_final_state(fcinfo, &occ) || occ.count < 2)
		PG_RETURN_NULL();
	PG_RETURN_INTERVAL_P(clv_usec_interval((double) (occ.last - occ.first) /
										   (double) (occ.count - 1)));
}

/* avg_interpurchase_days: the same mean gap in days, as float8. */
Datum
clv_avg_interpurchase_days_final(PG_FUNCTION_ARGS)
{
	Occasions	occ;

	if (!history_final_state(fcinfo, &occ) || occ.count < 2)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) (occ.last - occ.first) /
					 (double) (occ.count - 1) / (double) USECS_PER_DAY);
}

/* Forms a composite result of the function's declared row type. */
static Datum
composite_result(FunctionCallInfo fcinfo, Datum *values, bool *nulls)
{
	TupleDesc	tupdesc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls));
}

/* rfm: recency in days to as_of, frequency in occasions, monetary total. */
Datum
clv_rfm_final(PG_FUNCTION_ARGS)
{
	Occasions	occ;
	HistoryState *st = history_final_state(fcinfo, &occ);
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (!st)
		PG_RETURN_NULL();
	values[0] = Float8GetDatum((double) (st->as_of - occ.last) / (double) USECS_PER_DAY);
	values[1] = Int64GetDatum(occ.count);
	values[2] = NumericGetDatum(amount_sum_numeric(&st->total, st->amount_kind));
	PG_RETURN_DATUM(composite_result(fcinfo, values, nulls));
}

/* The mean amount of the repeat occasions (0 without repeats), as numeric. */
static Numeric
repeat_mean_amount(const HistoryState *st, int64 repeats)
{
	if (repeats == 0)
		return int64_to_numeric(0);
	if (AMOUNT_IS_FLOAT(st->amount_kind))
	{
		double		repeat_total = st->total.floating - st->first_total.floating;

		if (isfinite(st->total.floating) && isfinite(st->first_total.floating))
			repeat_total += st->total.floating_error - st->first_total.floating_error;
		return DatumGetNumeric(DirectFunctionCall1(float8_numeric,
												   Float8GetDatum(repeat_total / (double) repeats)));
	}
	return numeric_div_opt_error(numeric_sub_opt_error(exact_sum_numeric(&st->total),
													   exact_sum_numeric(&st->first_total),
													   NULL),
								 int64_to_numeric(repeats), NULL);
}

/* clv_summary: (x, t_x, t, m, orders, unit) of the probabilistic models. */
Datum
clv_summary_final(PG_FUNCTION_ARGS)
{
	Occasions	occ;
	HistoryState *st = history_final_state(fcinfo, &occ);
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};
	int64		unit_usec;

	if (!st)
		PG_RETURN_NULL();
	unit_usec = st->unit_recorded ? st->unit_usec : USECS_PER_DAY;
	values[0] = Int64GetDatum(occ.count - 1);
	values[1] = Float8GetDatum((double) (occ.last - occ.first) / (double) unit_usec);
	values[2] = Float8GetDatum((double) (st->as_of - occ.first) / (double) unit_usec);
	values[3] = NumericGetDatum(repeat_mean_amount(st, occ.count - 1));
	values[4] = Int64GetDatum(HISTORY_ROWS(st));
	values[5] = IntervalPGetDatum(clv_usec_interval_exact(unit_usec));
	PG_RETURN_DATUM(composite_result(fcinfo, values, nulls));
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
	HistoryState *st = history_final_state(fcinfo, &occ);
	double		total;
	double		mean_gap;

	if (!st || occ.count < 2)
		PG_RETURN_NULL();
	total = AMOUNT_IS_FLOAT(st->amount_kind) ? float_sum_value(&st->total) :
		DatumGetFloat8(DirectFunctionCall1(numeric_float8,
										   NumericGetDatum(exact_sum_numeric(&st->total))));
	mean_gap = (double) (occ.last - occ.first) / (double) (occ.count - 1);
	PG_RETURN_DATUM(DirectFunctionCall1(float8_numeric,
										Float8GetDatum(total / (double) occ.count *
													   (double) st->lifespan_usec / mean_gap)));
}
