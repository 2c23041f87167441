/*-------------------------------------------------------------------------
 *
 * activity.c
 *	  The two-step retention form: clv_activity(ordered_at, period) per
 *	  customer (the customer's active calendar periods), then
 *	  retention_series, cohort_retention, retention_rate and
 *	  new_customer_share over clv_activity values, whose state
 *	  clv_retention_counts holds counts per period (core/retention.c) and
 *	  combines by addition, so a distributed engine sends O(periods) per
 *	  node instead of O(customers).  bgbb_summary reads an activity as a
 *	  BG/BB customer, one transaction opportunity per period.
 *
 *-------------------------------------------------------------------------
 */
#include "customerset.h"

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/date.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#define ACTIVITY_WIRE_VERSION 1
#define ACTIVITY_WHAT "clv_activity"
#define COUNTS_WIRE_VERSION 1
#define COUNTS_WHAT "clv_retention_counts"

/* The aggregates over activity values; indexes activity_names. */
typedef enum ActivityAggregate
{
	ACTIVITY_SERIES,
	ACTIVITY_COHORTS,
	ACTIVITY_RATE,
	ACTIVITY_SHARE
} ActivityAggregate;

static const char *const activity_names[] = {
	"retention_series", "cohort_retention", "retention_rate", "new_customer_share"
};

/* Memory of values read per row: palloc'd, unbounded (as big as the value). */
static void *
scratch_alloc(void *arg, size_t bytes)
{
	return MemoryContextAllocHuge(CurrentMemoryContext, bytes);
}

static void
scratch_release(void *arg, void *block, size_t bytes)
{
	pfree(block);
}

static const ClvPeriodMemory scratch_memory = {scratch_alloc, scratch_release, NULL};

/*
 * A clv_activity value's wire form: version; unit (byte); the periods'
 * encoding (core/periodset.c) preceded by its int32 length.  The internal
 * state of the clv_activity aggregate serializes the same way.
 */
static bytea *
activity_serialize(ClvRetentionUnit unit, const ClvPeriodSet *set)
{
	StringInfoData buf;
	uint8	   *bytes = palloc(clv_pset_encoded_bound(set));
	size_t		n = clv_pset_encode(set, bytes);

	clv_wire_begin(&buf, ACTIVITY_WIRE_VERSION);
	pq_sendbyte(&buf, (uint8) unit);
	pq_sendint32(&buf, (int32) n);
	pq_sendbytes(&buf, (const char *) bytes, (int) n);
	pfree(bytes);
	return pq_endtypsend(&buf);
}

/* Reads a clv_activity wire form into an empty set; returns its unit. */
static ClvRetentionUnit
activity_read(const struct varlena *value, ClvPeriodSet *set, const ClvPeriodMemory *memory)
{
	StringInfoData buf;
	int			unit;
	int32		len;
	const uint8 *bytes;

	clv_wire_open(&buf, value, ACTIVITY_WIRE_VERSION, ACTIVITY_WHAT);
	retention_wire_need(&buf, 1 + 4, ACTIVITY_WHAT);
	unit = pq_getmsgbyte(&buf);
	if (unit > CLV_RETENTION_YEAR)
		clv_wire_invalid(ACTIVITY_WHAT, "The unit is not a calendar period.");
	len = pq_getmsgint(&buf, 4);
	if (len < 0 || len > buf.len - buf.cursor)
		clv_wire_invalid(ACTIVITY_WHAT, "The periods are truncated.");
	bytes = (const uint8 *) pq_getmsgbytes(&buf, len);
	if (clv_pset_decode(set, bytes, len, PG_INT32_MIN, PG_INT32_MAX, memory) != (size_t) len)
		clv_wire_invalid(ACTIVITY_WHAT, "The periods are malformed.");
	if ((int64) clv_pset_last(set) - clv_pset_first(set) >= RETENTION_MAX_PERIODS)
		clv_wire_invalid(ACTIVITY_WHAT, "The periods span too many periods.");
	clv_wire_close(&buf, ACTIVITY_WHAT);
	pfree(buf.data);
	return (ClvRetentionUnit) unit;
}

/* The state of the clv_activity aggregate: one customer's periods. */
typedef struct ActivityState
{
	ClvRetentionUnit unit;
	int32		first;
	int32		last;
	ClvPeriodSet set;
	CountsMemory cm;			/* bounded by clv.max_state_memory */
} ActivityState;

/* A new empty activity state in context. */
static ActivityState *
activity_state_new(MemoryContext context, ClvRetentionUnit unit)
{
	ActivityState *state = (ActivityState *) MemoryContextAllocZero(context, sizeof(ActivityState));

	state->unit = unit;
	counts_memory_init(&state->cm, context, "clv_activity");
	clv_pset_init(&state->set);
	return state;
}

/* Adds period p to the state; a span over RETENTION_MAX_PERIODS is an error. */
static void
activity_add(ActivityState *state, int32 p)
{
	if (clv_pset_count(&state->set) == 0 || p < state->first)
		state->first = p;
	if (clv_pset_count(&state->set) == 0 || p > state->last)
		state->last = p;
	if ((int64) state->last - state->first >= RETENTION_MAX_PERIODS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("clv_activity rows span more than %d periods", RETENTION_MAX_PERIODS),
				 errhint("Use a longer period or restrict the rows with WHERE.")));
	clv_pset_add(&state->set, p, &state->cm.memory);
}

/* clv_activity(ordered_at date | timestamp, period) transition. */
PG_FUNCTION_INFO_V1(clv_activity_trans);
Datum
clv_activity_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = clv_agg_context(fcinfo, "clv_activity");
	ActivityState *state = PG_ARGISNULL(0) ? NULL : (ActivityState *) PG_GETARG_POINTER(0);
	ClvTimeKind kind = clv_arg_time_kind(fcinfo, 1);
	ClvRetentionUnit unit;
	int64		t;

	clv_check_not_null(fcinfo, 2, "clv_activity", "period", NULL);
	unit = retention_calendar_unit(PG_GETARG_INTERVAL_P(2), "clv_activity");
	if (state != NULL && state->unit != unit)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("clv_activity argument \"period\" must be the same for every row of a group"),
				 errhint("Pass a constant or a value that depends only on the GROUP BY columns.")));
	if (PG_ARGISNULL(1))
	{
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	t = clv_time_usec(PG_GETARG_DATUM(1), kind, "clv_activity");
	if (state == NULL)
		state = activity_state_new(aggcontext, unit);
	activity_add(state, retention_period_of(NULL, NULL, unit, kind, t));
	PG_RETURN_POINTER(state);
}

/* clv_activity combine: the union of two customers' (or parts') periods. */
PG_FUNCTION_INFO_V1(clv_activity_combine);
Datum
clv_activity_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = clv_agg_context(fcinfo, "clv_activity");
	ActivityState *into = PG_ARGISNULL(0) ? NULL : (ActivityState *) PG_GETARG_POINTER(0);
	ActivityState *from = PG_ARGISNULL(1) ? NULL : (ActivityState *) PG_GETARG_POINTER(1);
	ClvPeriodIter it;
	int32		p;

	if (from == NULL)
	{
		if (into == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(into);
	}
	if (into == NULL)
		into = activity_state_new(aggcontext, from->unit);
	else if (into->unit != from->unit)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("clv_activity argument \"period\" must be the same for every row of a group")));
	clv_pset_iter_init(&it, &from->set);
	while (clv_pset_iter_next(&it, &p))
		activity_add(into, p);
	PG_RETURN_POINTER(into);
}

/* clv_activity serialize: the wire form of a clv_activity value. */
PG_FUNCTION_INFO_V1(clv_activity_serialize);
Datum
clv_activity_serialize(PG_FUNCTION_ARGS)
{
	ActivityState *state = (ActivityState *) PG_GETARG_POINTER(0);

	clv_agg_context(fcinfo, "clv_activity");
	PG_RETURN_BYTEA_P(activity_serialize(state->unit, &state->set));
}

/* clv_activity deserialize; validates its input. */
PG_FUNCTION_INFO_V1(clv_activity_deserialize);
Datum
clv_activity_deserialize(PG_FUNCTION_ARGS)
{
	ActivityState *state;
	ClvPeriodSet set;
	ClvRetentionUnit unit;
	ClvPeriodIter it;
	int32		p;

	clv_agg_context(fcinfo, "clv_activity");
	unit = activity_read((struct varlena *) PG_GETARG_BYTEA_PP(0), &set, &scratch_memory);
	state = activity_state_new(CurrentMemoryContext, unit);
	clv_pset_iter_init(&it, &set);
	while (clv_pset_iter_next(&it, &p))
		activity_add(state, p);
	clv_pset_free(&set, &scratch_memory);
	PG_RETURN_POINTER(state);
}

/* clv_activity final: the value. */
PG_FUNCTION_INFO_V1(clv_activity_final);
Datum
clv_activity_final(PG_FUNCTION_ARGS)
{
	ActivityState *state;

	clv_agg_context(fcinfo, "clv_activity");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (ActivityState *) PG_GETARG_POINTER(0);
	PG_RETURN_BYTEA_P(activity_serialize(state->unit, &state->set));
}

/* Validates a clv_activity wire form. */
static void
activity_validate(const struct varlena *bytes)
{
	ClvPeriodSet set;

	activity_read(bytes, &set, &scratch_memory);
	clv_pset_free(&set, &scratch_memory);
}

PG_FUNCTION_INFO_V1(clv_activity_in);
Datum
clv_activity_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(retention_wire_text_in(PG_GETARG_CSTRING(0), ACTIVITY_WHAT,
											 activity_validate));
}

PG_FUNCTION_INFO_V1(clv_activity_out);
Datum
clv_activity_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(retention_wire_text_out(PG_GETARG_BYTEA_PP(0)));
}

PG_FUNCTION_INFO_V1(clv_activity_recv);
Datum
clv_activity_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(retention_wire_recv((StringInfo) PG_GETARG_POINTER(0),
										  activity_validate));
}

PG_FUNCTION_INFO_V1(clv_activity_send);
Datum
clv_activity_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(PG_GETARG_BYTEA_P_COPY(0));
}

PG_FUNCTION_INFO_V1(clv_activity_bgbb_summary);
/*
 * bgbb_summary(activity, as_of): the customer's BG/BB summary with one
 * opportunity per period of the activity, the periods after its first up
 * to the one containing as_of: x the active ones among them, t_x the last
 * active one (0 without one) and n their number, each counted from the
 * first.  Periods after as_of's are ignored; NULL when the first is.
 */
Datum
clv_activity_bgbb_summary(PG_FUNCTION_ARGS)
{
	DateADT		as_of = PG_GETARG_DATEADT(1);
	ClvPeriodSet set;
	ClvRetentionUnit unit;
	ClvPeriodIter it;
	int32		first,
				last,
				p;
	int64		x = 0,
				t_x = 0;
	Datum		values[3];
	bool		nulls[3] = {0};

	if (DATE_NOT_FINITE(as_of))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("bgbb_summary as_of must be a finite date"),
				 errhint("Pass a day of the last period observed.")));
	unit = activity_read((struct varlena *) PG_GETARG_BYTEA_PP(0), &set, &scratch_memory);
	last = clv_retention_period_of_day(unit, as_of);
	if (clv_pset_count(&set) == 0 || clv_pset_first(&set) > last)
	{
		clv_pset_free(&set, &scratch_memory);
		PG_RETURN_NULL();
	}
	first = clv_pset_first(&set);
	clv_pset_iter_init(&it, &set);
	while (clv_pset_iter_next(&it, &p))
		if (p > first && p <= last)
		{
			x++;
			t_x = Max(t_x, (int64) p - first);
		}
	clv_pset_free(&set, &scratch_memory);
	values[0] = Int64GetDatum(x);
	values[1] = Int64GetDatum(t_x);
	values[2] = Int64GetDatum((int64) last - first);
	return clv_composite_result(fcinfo, values, nulls);
}

/*
 * The state of the aggregates over activity values: which aggregate, the
 * activities' unit once one was seen, period_start (rate and share) and
 * the counts; a read/write expanded object while the aggregate runs.
 */
typedef struct CountsState
{
	ExpandedObjectHeader hdr;
	ActivityAggregate aggregate;
	bool		has_unit;
	ClvRetentionUnit unit;
	DateADT		start;			/* rate and share: period_start */
	ClvRetentionCounts counts;	/* once has_unit */
	CountsMemory cm;
	bytea	   *flat;			/* wire form, cached between flattens */
} CountsState;

/* The wire form: see counts_serialize. */
static bytea *
counts_serialize(const CountsState *state)
{
	StringInfoData buf;

	clv_wire_begin(&buf, COUNTS_WIRE_VERSION);
	pq_sendbyte(&buf, (uint8) state->aggregate);
	pq_sendbyte(&buf, (uint8) state->has_unit);
	pq_sendbyte(&buf, (uint8) state->unit);
	pq_sendint32(&buf, state->start);
	if (state->has_unit)
	{
		uint8	   *bytes = palloc(clv_counts_encoded_bound(&state->counts));
		size_t		n = clv_counts_encode(&state->counts, bytes);

		pq_sendint32(&buf, (int32) n);
		pq_sendbytes(&buf, (const char *) bytes, (int) n);
		pfree(bytes);
	}
	return pq_endtypsend(&buf);
}

static Size
counts_flat_size(ExpandedObjectHeader *eohptr)
{
	CountsState *state = (CountsState *) eohptr;

	if (state->flat == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(state->hdr.eoh_context);

		state->flat = counts_serialize(state);
		MemoryContextSwitchTo(old);
	}
	return VARSIZE(state->flat);
}

static void
counts_flatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	CountsState *state = (CountsState *) eohptr;

	memcpy(result, state->flat, allocated_size);
}

static const ExpandedObjectMethods counts_methods = {counts_flat_size, counts_flatten};

/* The name of the context that holds the states of one aggregate context. */
static const char counts_states_name[] = "clv retention counts states";

/*
 * A new empty counts state in context: a context of its own (a value
 * read), or the states context of an aggregate context (see
 * clv_agg_states_context).
 */
static CountsState *
counts_state_new(MemoryContext context, ActivityAggregate aggregate, DateADT start)
{
	CountsState *state = (CountsState *) MemoryContextAllocZero(context, sizeof(CountsState));

	EOH_init_header(&state->hdr, &counts_methods, context);
	state->aggregate = aggregate;
	state->start = start;
	counts_memory_init(&state->cm, context, activity_names[aggregate]);
	return state;
}

/* A new empty counts state of a group of the aggregate context aggcontext. */
static CountsState *
counts_state_of_group(MemoryContext aggcontext, ActivityAggregate aggregate, DateADT start)
{
	return counts_state_new(clv_agg_states_context(aggcontext, counts_states_name),
							aggregate, start);
}

/*
 * Fixes the state's unit (from the first activity), laying out its counts:
 * the rate's window is the period starting at start and the one before,
 * the share's that period; start must be the first day of a period.
 */
static void
counts_set_unit(CountsState *state, ClvRetentionUnit unit)
{
	int32		p;
	const char *fname = activity_names[state->aggregate];

	state->unit = unit;
	state->has_unit = true;
	if (state->aggregate == ACTIVITY_SERIES || state->aggregate == ACTIVITY_COHORTS)
	{
		clv_counts_init(&state->counts, state->aggregate == ACTIVITY_SERIES ?
						CLV_COUNTS_SERIES : CLV_COUNTS_COHORTS, &state->cm.memory);
		return;
	}
	p = clv_retention_period_of_day(unit, state->start);
	if (clv_retention_period_first_day(unit, p) != state->start || p == PG_INT32_MIN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s argument \"period_start\" must be the first day of a period of the activities' unit",
						fname),
				 errhint("Pass date_trunc of the activities' period, such as the first day of a month for monthly activities.")));
	if (state->aggregate == ACTIVITY_RATE)
		clv_counts_init_fixed(&state->counts, p - 1, 2, &state->cm.memory);
	else
		clv_counts_init_fixed(&state->counts, p, 1, &state->cm.memory);
}

/* Reads a clv_retention_counts wire form into a new state under parent. */
static CountsState *
counts_read(const struct varlena *value, MemoryContext parent)
{
	StringInfoData buf;
	int			aggregate,
				has_unit,
				unit;
	DateADT		start;
	CountsState *state;

	clv_wire_open(&buf, value, COUNTS_WIRE_VERSION, COUNTS_WHAT);
	retention_wire_need(&buf, 3 + 4, COUNTS_WHAT);
	aggregate = pq_getmsgbyte(&buf);
	has_unit = pq_getmsgbyte(&buf);
	unit = pq_getmsgbyte(&buf);
	start = (DateADT) pq_getmsgint(&buf, 4);
	if (aggregate > ACTIVITY_SHARE || has_unit > 1 || unit > CLV_RETENTION_YEAR ||
		DATE_NOT_FINITE(start))
		clv_wire_invalid(COUNTS_WHAT, "The header is invalid.");
	state = counts_state_new(AllocSetContextCreate(parent, "clv retention counts",
												   ALLOCSET_SMALL_SIZES),
							 (ActivityAggregate) aggregate, start);
	if (has_unit)
	{
		int32		len;
		const uint8 *bytes;
		ClvRetentionCounts expected;

		retention_wire_need(&buf, 4, COUNTS_WHAT);
		len = pq_getmsgint(&buf, 4);

		if (len < 0 || len > buf.len - buf.cursor)
			clv_wire_invalid(COUNTS_WHAT, "The counts are truncated.");
		bytes = (const uint8 *) pq_getmsgbytes(&buf, len);
		/* the window the header implies */
		counts_set_unit(state, (ClvRetentionUnit) unit);
		expected = state->counts;
		if (clv_counts_decode(&state->counts, bytes, len, &state->cm.memory) != (size_t) len ||
			state->counts.kind != expected.kind || state->counts.fixed != expected.fixed ||
			(expected.fixed && (state->counts.base != expected.base ||
								state->counts.capacity != expected.capacity)))
			clv_wire_invalid(COUNTS_WHAT, "The counts are malformed or do not match the header.");
		clv_counts_free(&expected);
	}
	clv_wire_close(&buf, COUNTS_WHAT);
	pfree(buf.data);
	return state;
}

/* Whether datum is an expanded counts state. */
static bool
is_expanded_counts(Datum datum)
{
	return VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(datum)) &&
		DatumGetEOHP(datum)->eoh_methods == &counts_methods;
}

/* The counts state behind a clv_retention_counts Datum. */
static CountsState *
counts_from_datum(Datum datum, MemoryContext parent)
{
	if (is_expanded_counts(datum))
		return (CountsState *) DatumGetEOHP(datum);
	return counts_read((struct varlena *) DatumGetPointer(datum), parent);
}

/* Adds the counts of from to into (same aggregate and configuration). */
static void
counts_merge(CountsState *into, const CountsState *from)
{
	const char *fname = activity_names[into->aggregate];

	if (into->aggregate != from->aggregate || into->start != from->start)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s cannot combine states of different aggregates or period_start",
						fname)));
	if (!from->has_unit)
		return;
	if (!into->has_unit)
		counts_set_unit(into, from->unit);
	else if (into->unit != from->unit)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s activities must all have the same period", fname),
				 errhint("Compute every clv_activity of one aggregate with the same period.")));
	if (into->flat != NULL)
	{
		pfree(into->flat);
		into->flat = NULL;
	}
	if (!clv_counts_merge(&into->counts, &from->counts))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s activities span more than %d periods", fname, RETENTION_MAX_PERIODS),
				 errhint("Use a longer period or restrict the rows with WHERE.")));
}

/* The shared transition of the aggregates over activity values. */
static Datum
activity_counts_trans(FunctionCallInfo fcinfo, ActivityAggregate aggregate)
{
	const char *fname = activity_names[aggregate];
	MemoryContext aggcontext = clv_agg_context(fcinfo, fname);
	bool		one_period = aggregate == ACTIVITY_RATE || aggregate == ACTIVITY_SHARE;
	DateADT		start = 0;
	CountsState *state;
	ClvPeriodSet set;
	ClvRetentionUnit unit;

	if (one_period)
	{
		clv_check_not_null(fcinfo, 2, fname, "period_start", NULL);
		start = PG_GETARG_DATEADT(2);
		if (DATE_NOT_FINITE(start))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("%s does not accept infinite dates", fname),
					 errhint("Pass the first day of a period.")));
	}
	if (PG_ARGISNULL(0))
		state = counts_state_of_group(aggcontext, aggregate, start);
	else if (VARATT_IS_EXTERNAL_EXPANDED_RW(PG_GETARG_POINTER(0)) &&
			 is_expanded_counts(PG_GETARG_DATUM(0)) &&
			 MemoryContextGetParent(DatumGetEOHP(PG_GETARG_DATUM(0))->eoh_context) == aggcontext)
		state = (CountsState *) DatumGetEOHP(PG_GETARG_DATUM(0));
	else
	{
		CountsState *from = counts_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);

		state = counts_state_of_group(aggcontext, from->aggregate, from->start);
		counts_merge(state, from);
	}
	if (one_period && state->start != start)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s argument \"period_start\" must be the same for every row of a group",
						fname),
				 errhint("Pass a constant or a value that depends only on the GROUP BY columns.")));

	if (!PG_ARGISNULL(1))
	{
		unit = activity_read((struct varlena *) PG_GETARG_BYTEA_PP(1), &set, &scratch_memory);
		if (!state->has_unit)
			counts_set_unit(state, unit);
		else if (state->unit != unit)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s activities must all have the same period", fname),
					 errhint("Compute every clv_activity of one aggregate with the same period.")));
		if (state->flat != NULL)
		{
			pfree(state->flat);
			state->flat = NULL;
		}
		if (!clv_counts_add(&state->counts, &set))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s activities span more than %d periods", fname,
							RETENTION_MAX_PERIODS),
					 errhint("Use a longer period or restrict the rows with WHERE.")));
		clv_pset_free(&set, &scratch_memory);
	}
	PG_RETURN_DATUM(EOHPGetRWDatum(&state->hdr));
}

/* retention_series(clv_activity) transition */
PG_FUNCTION_INFO_V1(clv_activity_series_trans);
Datum
clv_activity_series_trans(PG_FUNCTION_ARGS)
{
	return activity_counts_trans(fcinfo, ACTIVITY_SERIES);
}

/* cohort_retention(clv_activity) transition */
PG_FUNCTION_INFO_V1(clv_activity_cohort_trans);
Datum
clv_activity_cohort_trans(PG_FUNCTION_ARGS)
{
	return activity_counts_trans(fcinfo, ACTIVITY_COHORTS);
}

/* retention_rate(clv_activity, period_start) transition */
PG_FUNCTION_INFO_V1(clv_activity_rate_trans);
Datum
clv_activity_rate_trans(PG_FUNCTION_ARGS)
{
	return activity_counts_trans(fcinfo, ACTIVITY_RATE);
}

/* new_customer_share(clv_activity, period_start) transition */
PG_FUNCTION_INFO_V1(clv_activity_share_trans);
Datum
clv_activity_share_trans(PG_FUNCTION_ARGS)
{
	return activity_counts_trans(fcinfo, ACTIVITY_SHARE);
}

/* Combine of the aggregates over activity values: adds the counts. */
PG_FUNCTION_INFO_V1(clv_retention_counts_combine);
Datum
clv_retention_counts_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = clv_agg_context(fcinfo, "clv_retention_counts_combine");
	CountsState *into;
	CountsState *from;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	from = counts_from_datum(PG_GETARG_DATUM(1), CurrentMemoryContext);
	if (!PG_ARGISNULL(0) && VARATT_IS_EXTERNAL_EXPANDED_RW(PG_GETARG_POINTER(0)) &&
		is_expanded_counts(PG_GETARG_DATUM(0)) &&
		MemoryContextGetParent(DatumGetEOHP(PG_GETARG_DATUM(0))->eoh_context) == aggcontext)
		into = (CountsState *) DatumGetEOHP(PG_GETARG_DATUM(0));
	else
	{
		CountsState *first = PG_ARGISNULL(0) ? from :
			counts_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);

		into = counts_state_of_group(aggcontext, first->aggregate, first->start);
		if (first != from)
			counts_merge(into, first);
	}
	counts_merge(into, from);
	PG_RETURN_DATUM(EOHPGetRWDatum(&into->hdr));
}

/* The state a final function reads (NULL when there is nothing to count). */
static CountsState *
counts_final_state(FunctionCallInfo fcinfo, ActivityAggregate aggregate)
{
	CountsState *state;

	clv_agg_context(fcinfo, activity_names[aggregate]);
	if (PG_ARGISNULL(0))
		return NULL;
	state = counts_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	if (!state->has_unit || state->counts.customers == 0)
		return NULL;
	return state;
}

/* The array result of the series or cohort counts of a state. */
static Datum
counts_array_final(FunctionCallInfo fcinfo, ActivityAggregate aggregate)
{
	CountsState *state = counts_final_state(fcinfo, aggregate);
	CountsMemory cm;

	if (state == NULL)
		PG_RETURN_NULL();
	counts_memory_init(&cm, CurrentMemoryContext, activity_names[aggregate]);
	PG_RETURN_DATUM(retention_counts_result(fcinfo, &state->counts, state->unit, &cm));
}

/* retention_series(clv_activity) final */
PG_FUNCTION_INFO_V1(clv_activity_series_final);
Datum
clv_activity_series_final(PG_FUNCTION_ARGS)
{
	return counts_array_final(fcinfo, ACTIVITY_SERIES);
}

/* cohort_retention(clv_activity) final */
PG_FUNCTION_INFO_V1(clv_activity_cohort_final);
Datum
clv_activity_cohort_final(PG_FUNCTION_ARGS)
{
	return counts_array_final(fcinfo, ACTIVITY_COHORTS);
}

/*
 * The one-period finals: retention_rate is the retained customers of the
 * window's second period over the active ones of its first;
 * new_customer_share the new customers of its one period over the active
 * ones.  NULL when the divisor is 0.
 */
static Datum
counts_share(FunctionCallInfo fcinfo, ActivityAggregate aggregate)
{
	CountsState *state = counts_final_state(fcinfo, aggregate);
	int64		active,
				retained,
				new_customers,
				last_active,
				last_retained,
				last_new;

	if (state == NULL)
		PG_RETURN_NULL();
	clv_counts_series_at(&state->counts, (int32) state->counts.base, &active, &retained,
						 &new_customers);
	clv_counts_series_at(&state->counts,
						 (int32) (state->counts.base + state->counts.capacity - 1),
						 &last_active, &last_retained, &last_new);
	if (active == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) (aggregate == ACTIVITY_RATE ? last_retained : new_customers) /
					 (double) active);
}

/* retention_rate(clv_activity, period_start) final */
PG_FUNCTION_INFO_V1(clv_activity_rate_final);
Datum
clv_activity_rate_final(PG_FUNCTION_ARGS)
{
	return counts_share(fcinfo, ACTIVITY_RATE);
}

/* new_customer_share(clv_activity, period_start) final */
PG_FUNCTION_INFO_V1(clv_activity_share_final);
Datum
clv_activity_share_final(PG_FUNCTION_ARGS)
{
	return counts_share(fcinfo, ACTIVITY_SHARE);
}

/* Validates a clv_retention_counts wire form. */
static void
counts_validate(const struct varlena *bytes)
{
	CountsState *state = counts_read(bytes, CurrentMemoryContext);

	MemoryContextDelete(state->hdr.eoh_context);
}

/* clv_retention_counts' wire bytes (flattening an expanded value). */
static bytea *
counts_bytes(Datum datum)
{
	if (is_expanded_counts(datum))
		return counts_serialize((CountsState *) DatumGetEOHP(datum));
	return (bytea *) PG_DETOAST_DATUM(datum);
}

PG_FUNCTION_INFO_V1(clv_retention_counts_in);
Datum
clv_retention_counts_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(retention_wire_text_in(PG_GETARG_CSTRING(0), COUNTS_WHAT,
											 counts_validate));
}

PG_FUNCTION_INFO_V1(clv_retention_counts_out);
Datum
clv_retention_counts_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(retention_wire_text_out(counts_bytes(PG_GETARG_DATUM(0))));
}

PG_FUNCTION_INFO_V1(clv_retention_counts_recv);
Datum
clv_retention_counts_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(retention_wire_recv((StringInfo) PG_GETARG_POINTER(0),
										  counts_validate));
}

PG_FUNCTION_INFO_V1(clv_retention_counts_send);
Datum
clv_retention_counts_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(counts_bytes(PG_GETARG_DATUM(0)));
}
