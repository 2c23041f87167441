/*-------------------------------------------------------------------------
 *
 * stats.c
 *	  The clv_stats type: its stored layout, validation, text and binary
 *	  I/O, equality and order (btree and hash operator classes), and the
 *	  expanded form the model aggregates keep as their working state.
 *
 * A stored value is the header of models.h followed by its rows in
 * ascending order; the expanded form holds the same rows, sorted, and
 * those added since (see StatsRowList), and flattens to that layout, so a
 * state and the value it stands for are interchangeable: the executor, a parallel worker or a
 * distributed engine may flatten a state and hand it back.
 *
 *-------------------------------------------------------------------------
 */
#include "models.h"

#include <math.h>

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "stats_text.h"

/*
 * The fewest rows a state's list of new rows has room for; it grows to a
 * quarter of the list's distinct rows (see StatsRowList).
 */
#define PENDING_MIN_ROWS 64

/*
 * What the code of a row list needs to know of its row type: its size,
 * and the core's sort-and-fold and merge of its rows (core/stats.h).
 */
typedef struct RowListType
{
	Size		row_size;
	size_t		(*fold) (void *rows, size_t n, void *scratch, int64 overflow[2]);
	size_t		(*merge) (void *a, size_t na, const void *b, size_t nb,
						  int64 overflow[2]);
} RowListType;

/* The RowListType of the core's rows named clv_stats_<name>_..., of type. */
#define ROW_LIST_TYPE(name, type) \
static size_t \
name##_fold(void *rows, size_t n, void *scratch, int64 overflow[2]) \
{ \
	return clv_stats_##name##_fold(rows, n, scratch, overflow); \
} \
\
static size_t \
name##_merge(void *a, size_t na, const void *b, size_t nb, int64 overflow[2]) \
{ \
	return clv_stats_##name##_merge(a, na, b, nb, overflow); \
} \
\
static const RowListType name##_rows = {sizeof(type), name##_fold, name##_merge}

ROW_LIST_TYPE(tx, ClvStatsTx);
ROW_LIST_TYPE(spend, ClvStatsSpend);

static Size stats_get_flat_size(ExpandedObjectHeader *eohptr);
static void stats_flatten_into(ExpandedObjectHeader *eohptr, void *result,
							   Size allocated_size);

static const ExpandedObjectMethods stats_methods = {
	stats_get_flat_size,
	stats_flatten_into
};

/* Lets the optimiser in core/ honour cancel and statement_timeout. */
void
clv_models_check_interrupts(void *arg)
{
	CHECK_FOR_INTERRUPTS();
}

/* ---------------------------------------------------------------------
 * Input rules
 * ---------------------------------------------------------------------
 */

/* Raises the class-22 error of a customer that breaks rule. */
void
clv_stats_rule_error(const char *fname, int sqlstate, ClvStatsRule rule,
					 int64 x, double t_x, double t, double m)
{
	switch (rule)
	{
		case CLV_STATS_X_RANGE:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("%s input violates the rule 0 <= x <= 2^53", fname),
					 errdetail("x = " INT64_FORMAT ".", x),
					 errhint("x is the number of repeat purchases, purchase occasions minus one.")));
			break;
		case CLV_STATS_T_ORDER:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("%s input violates the rule 0 <= t_x <= t", fname),
					 errdetail("x = " INT64_FORMAT ", t_x = %g, t = %g.", x, t_x, t),
					 errhint("t_x is the time of the last repeat purchase and t the customer's age, both from the first purchase.")));
			break;
		case CLV_STATS_T_X_ZERO:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("%s input violates the rule t_x = 0 when x = 0", fname),
					 errdetail("x = " INT64_FORMAT ", t_x = %g, t = %g.", x, t_x, t),
					 errhint("A customer without repeat purchases has t_x = 0.")));
			break;
		case CLV_STATS_M_FINITE:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("%s input violates the rule that m is finite", fname),
					 errdetail("x = " INT64_FORMAT ", m = %g.", x, m),
					 errhint("m is the mean amount of the repeat purchases; filter out rows whose amount is NaN or infinite.")));
			break;
		default:
			elog(ERROR, "unexpected clv_stats rule %d", (int) rule);
	}
	pg_unreachable();
}

/* Checks 0 <= x <= 2^53. */
void
clv_stats_check_x(const char *fname, int sqlstate, int64 x)
{
	if (clv_stats_x_rule(x) != CLV_STATS_OK)
		clv_stats_rule_error(fname, sqlstate, CLV_STATS_X_RANGE, x, 0, 0, 0);
}

/* Checks the input rules of (x, t_x, t). */
void
clv_stats_check_tx(const char *fname, int sqlstate, int64 x, double t_x,
				   double t)
{
	ClvStatsRule rule = clv_stats_tx_rule(x, t_x, t);

	if (rule != CLV_STATS_OK)
		clv_stats_rule_error(fname, sqlstate, rule, x, t_x, t, 0);
}

/* Checks that m is finite. */
void
clv_stats_check_m(const char *fname, int64 x, double m)
{
	if (!isfinite(m))
		clv_stats_rule_error(fname, ERRCODE_INVALID_PARAMETER_VALUE,
							 CLV_STATS_M_FINITE, x, 0, 0, m);
}

/* ---------------------------------------------------------------------
 * The stored layout
 * ---------------------------------------------------------------------
 */

/* A flat value's parts as the core sees them. */
ClvStatsView
clv_stats_view(const ClvStats *stats)
{
	ClvStatsView view;

	view.unit_usec = stats->unit_usec;
	view.ntx = stats->n_tx;
	view.tx = STATS_TX(stats);
	view.nspend = stats->n_spend;
	view.spend = STATS_SPEND(stats);
	return view;
}

/* The size of a value of ntx and nspend rows; too many rows is an error. */
static Size
stats_size(long ntx, long nspend, const char *fname)
{
	if (ntx > (long) ((MaxAllocSize - sizeof(ClvStats)) / sizeof(ClvStatsTx) / 2) ||
		nspend > (long) ((MaxAllocSize - sizeof(ClvStats)) / sizeof(ClvStatsSpend) / 2))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s value has too many distinct rows", fname),
				 errdetail("%ld (x, t_x, t) rows and %ld (x, m) rows.", ntx, nspend),
				 errhint("Group the fit by more columns, or summarise in a coarser unit.")));
	return STATS_SIZE(ntx, nspend);
}

/* A zeroed value of the given size in the current context, header filled in. */
static ClvStats *
stats_alloc(int64 unit_usec, long ntx, long nspend, const char *fname)
{
	Size		size = stats_size(ntx, nspend, fname);
	ClvStats   *stats = (ClvStats *) palloc0(size);

	SET_VARSIZE(stats, size);
	stats->n_tx = (int32) ntx;
	stats->n_spend = (int32) nspend;
	stats->unit_usec = unit_usec;
	return stats;
}

/*
 * Checks a value read from outside (text, binary): every row obeys the
 * input rules, counts are positive, rows distinct and in order, a unit
 * where there are (x, t_x, t) rows.  Zeros are made +0 first.
 */
static void
stats_validate(ClvStats *stats, int sqlstate)
{
	ClvStatsTx *tx = STATS_TX(stats);
	ClvStatsSpend *spend = STATS_SPEND(stats);
	ClvStatsView view = clv_stats_view(stats);
	bool		in_spend;
	size_t		row;
	ClvStatsRule rule;
	int			i;

	for (i = 0; i < stats->n_tx; i++)
	{
		tx[i].t_x = clv_stats_zero(tx[i].t_x);
		tx[i].t = clv_stats_zero(tx[i].t);
	}
	for (i = 0; i < stats->n_spend; i++)
		spend[i].m = clv_stats_zero(spend[i].m);
	rule = clv_stats_check(&view, &in_spend, &row);
	switch (rule)
	{
		case CLV_STATS_OK:
			return;
		case CLV_STATS_UNIT:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("invalid clv_stats value: the unit must be positive"),
					 errdetail("Only a value without (x, t_x, t) rows may have no unit (\"unit\":null).")));
			break;
		case CLV_STATS_COUNT:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("invalid clv_stats value: customer counts must be positive")));
			break;
		case CLV_STATS_TX_ORDER:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("invalid clv_stats value: (x, t_x, t) rows must be distinct and in ascending order")));
			break;
		case CLV_STATS_SPEND_ORDER:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("invalid clv_stats value: (x, m) rows must be distinct and in ascending order")));
			break;
		case CLV_STATS_SPEND_X:
		case CLV_STATS_M_FINITE:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("invalid clv_stats value: (x, m) rows need x > 0 and a finite m"),
					 errdetail("x = " INT64_FORMAT ", m = %g.", spend[row].x, spend[row].m)));
			break;
		default:
			if (in_spend)
				clv_stats_rule_error("clv_stats", sqlstate, rule, spend[row].x, 0, 0,
									 spend[row].m);
			clv_stats_rule_error("clv_stats", sqlstate, rule, tx[row].x,
								 tx[row].t_x, tx[row].t, 0);
	}
}

/* The unit of a value as the text of an interval, NULL for none. */
static char *
unit_text(int64 unit_usec)
{
	if (unit_usec == 0)
		return NULL;
	return DatumGetCString(DirectFunctionCall1(interval_out,
											   IntervalPGetDatum(clv_usec_interval_exact(unit_usec))));
}

/* ---------------------------------------------------------------------
 * Text and binary I/O
 * ---------------------------------------------------------------------
 */

PG_FUNCTION_INFO_V1(clv_stats_in);
/* clv_stats text input: JSON through PostgreSQL's parser, then validated. */
Datum
clv_stats_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	StatsText	text;
	char	   *problem = clv_stats_text_read(input, GetDatabaseEncoding(), &text);
	int64		unit_usec = 0;
	ClvStats   *stats;

	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type clv_stats: \"%s\"", input),
				 errdetail("%s", problem),
				 errhint("The form is {\"unit\":\"7 days\",\"tx\":[[x,t_x,t,count],...],\"spend\":[[x,m,count],...]}.")));
	if (text.unit != NULL)
		unit_usec = clv_unit_usec(DatumGetIntervalP(DirectFunctionCall3(interval_in,
																		CStringGetDatum(text.unit),
																		ObjectIdGetDatum(InvalidOid),
																		Int32GetDatum(-1))),
								  "clv_stats");
	stats = stats_alloc(unit_usec, text.ntx, text.nspend, "clv_stats");
	memcpy(STATS_TX(stats), text.tx, text.ntx * sizeof(ClvStatsTx));
	memcpy(STATS_SPEND(stats), text.spend, text.nspend * sizeof(ClvStatsSpend));
	stats_validate(stats, ERRCODE_INVALID_TEXT_REPRESENTATION);
	PG_RETURN_POINTER(stats);
}

PG_FUNCTION_INFO_V1(clv_stats_out);
/* clv_stats text output, the form clv_stats_in reads. */
Datum
clv_stats_out(PG_FUNCTION_ARGS)
{
	ClvStats   *stats = clv_stats_flat(PG_GETARG_DATUM(0), "clv_stats");
	ClvStatsView view = clv_stats_view(stats);
	StringInfoData out;

	initStringInfo(&out);
	clv_stats_text_write(&out, unit_text(stats->unit_usec), &view);
	PG_RETURN_CSTRING(out.data);
}

PG_FUNCTION_INFO_V1(clv_stats_recv);
/*
 * clv_stats binary input, the fields of clv_stats_send (the format of
 * 1.0, so binary copies stay readable), validated.
 */
Datum
clv_stats_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int64		unit_usec;
	int32		ntx;
	int32		nspend;
	ClvStats   *stats;
	ClvStatsTx *tx;
	ClvStatsSpend *spend;
	int			i;

	if (buf->len - buf->cursor < 16)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid clv_stats value: %d bytes are too few for its header",
						buf->len - buf->cursor)));
	unit_usec = pq_getmsgint64(buf);
	ntx = pq_getmsgint(buf, 4);
	nspend = pq_getmsgint(buf, 4);
	/* on the wire each row takes as many bytes as in memory */
	if (ntx < 0 || nspend < 0 ||
		(Size) (buf->len - buf->cursor) !=
		(Size) ntx * sizeof(ClvStatsTx) + (Size) nspend * sizeof(ClvStatsSpend))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid clv_stats value: size does not match its row counts")));
	stats = stats_alloc(unit_usec, ntx, nspend, "clv_stats");
	tx = STATS_TX(stats);
	spend = STATS_SPEND(stats);
	for (i = 0; i < ntx; i++)
	{
		tx[i].x = pq_getmsgint64(buf);
		tx[i].t_x = pq_getmsgfloat8(buf);
		tx[i].t = pq_getmsgfloat8(buf);
		tx[i].count = pq_getmsgint64(buf);
	}
	for (i = 0; i < nspend; i++)
	{
		spend[i].x = pq_getmsgint64(buf);
		spend[i].m = pq_getmsgfloat8(buf);
		spend[i].count = pq_getmsgint64(buf);
	}
	stats_validate(stats, ERRCODE_INVALID_BINARY_REPRESENTATION);
	PG_RETURN_POINTER(stats);
}

PG_FUNCTION_INFO_V1(clv_stats_send);
/* clv_stats binary output: unit, row counts, then the rows. */
Datum
clv_stats_send(PG_FUNCTION_ARGS)
{
	ClvStats   *stats = clv_stats_flat(PG_GETARG_DATUM(0), "clv_stats");
	ClvStatsTx *tx = STATS_TX(stats);
	ClvStatsSpend *spend = STATS_SPEND(stats);
	StringInfoData buf;
	int			i;

	pq_begintypsend(&buf);
	pq_sendint64(&buf, stats->unit_usec);
	pq_sendint32(&buf, stats->n_tx);
	pq_sendint32(&buf, stats->n_spend);
	for (i = 0; i < stats->n_tx; i++)
	{
		pq_sendint64(&buf, tx[i].x);
		pq_sendfloat8(&buf, tx[i].t_x);
		pq_sendfloat8(&buf, tx[i].t);
		pq_sendint64(&buf, tx[i].count);
	}
	for (i = 0; i < stats->n_spend; i++)
	{
		pq_sendint64(&buf, spend[i].x);
		pq_sendfloat8(&buf, spend[i].m);
		pq_sendint64(&buf, spend[i].count);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------------------------------------------------------------------
 * Equality and order: the btree and hash operator classes
 * ---------------------------------------------------------------------
 */

/* The order of the values of arguments 0 and 1 (clv_stats_compare). */
static int
stats_cmp_args(FunctionCallInfo fcinfo)
{
	ClvStats   *a = clv_stats_flat(PG_GETARG_DATUM(0), "clv_stats");
	ClvStats   *b = clv_stats_flat(PG_GETARG_DATUM(1), "clv_stats");
	ClvStatsView va = clv_stats_view(a);
	ClvStatsView vb = clv_stats_view(b);

	return clv_stats_compare(&va, &vb);
}

PG_FUNCTION_INFO_V1(clv_stats_cmp);
/* btree support: -1, 0 or 1 as the first value sorts before, with, after the second. */
Datum
clv_stats_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(stats_cmp_args(fcinfo));
}

PG_FUNCTION_INFO_V1(clv_stats_eq);
/* clv_stats = clv_stats: the same unit and the same rows with the same counts. */
Datum
clv_stats_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(stats_cmp_args(fcinfo) == 0);
}

PG_FUNCTION_INFO_V1(clv_stats_ne);
/* clv_stats <> clv_stats. */
Datum
clv_stats_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(stats_cmp_args(fcinfo) != 0);
}

PG_FUNCTION_INFO_V1(clv_stats_lt);
/* clv_stats < clv_stats in the btree order. */
Datum
clv_stats_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(stats_cmp_args(fcinfo) < 0);
}

PG_FUNCTION_INFO_V1(clv_stats_le);
/* clv_stats <= clv_stats in the btree order. */
Datum
clv_stats_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(stats_cmp_args(fcinfo) <= 0);
}

PG_FUNCTION_INFO_V1(clv_stats_gt);
/* clv_stats > clv_stats in the btree order. */
Datum
clv_stats_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(stats_cmp_args(fcinfo) > 0);
}

PG_FUNCTION_INFO_V1(clv_stats_ge);
/* clv_stats >= clv_stats in the btree order. */
Datum
clv_stats_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(stats_cmp_args(fcinfo) >= 0);
}

/*
 * A hash of a value's fields (zeros are +0 in every stored value, so equal
 * values hash alike), extended by seed.
 */
static uint64
stats_hash(ClvStats *stats, uint64 seed)
{
	Size		size = VARSIZE(stats) - VARHDRSZ;

	return DatumGetUInt64(hash_any_extended((unsigned char *) stats + VARHDRSZ,
											size, seed));
}

PG_FUNCTION_INFO_V1(clv_stats_hash);
/* hash support: a 32-bit hash of the value. */
Datum
clv_stats_hash(PG_FUNCTION_ARGS)
{
	PG_RETURN_UINT32((uint32) stats_hash(clv_stats_flat(PG_GETARG_DATUM(0), "clv_stats"), 0));
}

PG_FUNCTION_INFO_V1(clv_stats_hash_extended);
/* hash support: a 64-bit hash of the value with a seed. */
Datum
clv_stats_hash_extended(PG_FUNCTION_ARGS)
{
	PG_RETURN_UINT64(stats_hash(clv_stats_flat(PG_GETARG_DATUM(0), "clv_stats"),
								PG_GETARG_INT64(1)));
}

/* ---------------------------------------------------------------------
 * The expanded form: the working state of the aggregates
 * ---------------------------------------------------------------------
 */

/* The name of the context that holds the states of one aggregate context. */
static const char states_context_name[] = "clv_stats states";

/*
 * A new empty state in the states context of aggcontext.  The executor
 * never deletes it (every transition returns the state it was given), so
 * it lives until the aggregate context is reset.
 */
static StatsState *
stats_state_new(MemoryContext aggcontext)
{
	MemoryContext context = clv_agg_states_context(aggcontext, states_context_name);
	StatsState *state = (StatsState *) MemoryContextAllocZero(context, sizeof(StatsState));

	EOH_init_header(&state->hdr, &stats_methods, context);
	state->bytes = sizeof(StatsState);
	return state;
}

/* The state a Datum points to, if it is one of ours; else NULL. */
static StatsState *
stats_state_of(Datum value)
{
	ExpandedObjectHeader *eoh;

	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(value)))
		return NULL;
	eoh = DatumGetEOHP(value);
	return eoh->eoh_methods == &stats_methods ? (StatsState *) eoh : NULL;
}

/* The read/write state of argument 0 of a transition or combine function. */
StatsState *
clv_stats_state_arg(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggcontext = clv_agg_context(fcinfo, fname);
	StatsState *state;

	if (PG_ARGISNULL(0))
		return stats_state_new(aggcontext);
	if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(PG_GETARG_DATUM(0))) &&
		(state = stats_state_of(PG_GETARG_DATUM(0))) != NULL)
		return state;
	/* a flat value (or a read-only one): work on an expanded copy */
	state = stats_state_new(aggcontext);
	clv_stats_state_add_value(state, PG_GETARG_DATUM(0), STATS_WANT_ALL, fname);
	return state;
}

/* Records the unit of a row; another unit in the group is an error. */
void
clv_stats_state_set_unit(StatsState *state, int64 unit_usec, const char *fname)
{
	if (!state->has_unit)
	{
		state->unit_usec = unit_usec;
		state->has_unit = true;
	}
	else if (state->unit_usec != unit_usec)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s input mixes time units", fname),
				 errdetail("Units of " INT64_FORMAT " and " INT64_FORMAT " microseconds are in one group.",
						   state->unit_usec, unit_usec),
				 errhint("Compute every summary of one fit with the same unit.")));
}

/* The error of two customer counts that add up past 2^63 - 1. */
static void
count_overflow_error(const int64 counts[2], const char *fname)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s customer count is out of range", fname),
			 errdetail("A count of " INT64_FORMAT " and one of " INT64_FORMAT " add up to more than 2^63 - 1.",
					   counts[0], counts[1])));
}

/* The sum of two customer counts; past 2^63 - 1 an error naming fname. */
int64
clv_stats_add_counts(int64 count, int64 more, const char *fname)
{
	int64		sum;

	if (!clv_stats_add_count(count, more, &sum))
	{
		int64		counts[2] = {count, more};

		count_overflow_error(counts, fname);
	}
	return sum;
}

/* The aggregate to name in a message about the state's rows. */
static inline const char *
state_fname(const StatsState *state)
{
	return state->fname ? state->fname : "clv_stats";
}

/* Room for rows rows of a list's type in the state's context, memory checked first. */
static char *
list_allocate(StatsState *state, const RowListType *type, char *old, Size rows)
{
	Size		bytes = rows * type->row_size;
	char	   *result;

	if (rows > MaxAllocHugeSize / type->row_size)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s state has too many distinct rows", state_fname(state)),
				 errhint("Group the fit by more columns, or summarise in a coarser unit.")));
	clv_check_state_memory(state->bytes + bytes, state_fname(state));
	if (old == NULL)
		result = MemoryContextAllocExtended(state->hdr.eoh_context, bytes, MCXT_ALLOC_HUGE);
	else
	{
		state->bytes -= GetMemoryChunkSpace(old);
		result = repalloc_huge(old, bytes);
	}
	/* the chunk's whole space, as taken off when it is given back */
	state->bytes += GetMemoryChunkSpace(result);
	return result;
}

/*
 * Folds a list's new rows into its distinct rows, and makes room for at
 * least one more new row.
 */
static void
list_consolidate(StatsState *state, StatsRowList *list, const RowListType *type)
{
	int64		overflow[2];
	size_t		folded;
	size_t		merged;
	Size		pending_capacity;

	if (list->npending > 0)
	{
		Size		scratch_bytes = clv_stats_fold_scratch_size(list->npending);
		void	   *scratch = NULL;

		/* the radix sort's scratch space, for the fold only */
		if (scratch_bytes > 0)
		{
			clv_check_state_memory(state->bytes + scratch_bytes, state_fname(state));
			scratch = MemoryContextAllocExtended(state->hdr.eoh_context, scratch_bytes,
												 MCXT_ALLOC_HUGE);
		}
		folded = type->fold(list->pending, list->npending, scratch, overflow);
		if (scratch != NULL)
			pfree(scratch);
		if (folded == SIZE_MAX)
			count_overflow_error(overflow, state_fname(state));
		list->npending = 0;
		if (list->nsorted + folded > list->capacity)
		{
			Size		capacity = Max(list->nsorted + folded,
									   list->capacity + list->capacity / 2);

			list->rows = list_allocate(state, type, list->rows, capacity);
			list->capacity = capacity;
		}
		merged = type->merge(list->rows, list->nsorted, list->pending, folded, overflow);
		if (merged == SIZE_MAX)
			count_overflow_error(overflow, state_fname(state));
		list->nsorted = merged;
	}
	pending_capacity = Max(PENDING_MIN_ROWS, list->nsorted / 4);
	if (pending_capacity > list->pending_capacity)
	{
		list->pending = list_allocate(state, type, list->pending, pending_capacity);
		list->pending_capacity = pending_capacity;
	}
}

/* Room for a new row at the end of a list's new rows; fname adds it. */
static inline void *
list_append(StatsState *state, StatsRowList *list, const RowListType *type,
			const char *fname)
{
	state->fname = fname;
	if (list->npending == list->pending_capacity)
		list_consolidate(state, list, type);
	return list->pending + list->npending++ * type->row_size;
}

/* Folds the new rows of both lists of a state into its distinct rows. */
static void
stats_state_consolidate(StatsState *state)
{
	if (state->tx.npending > 0)
		list_consolidate(state, &state->tx, &tx_rows);
	if (state->spend.npending > 0)
		list_consolidate(state, &state->spend, &spend_rows);
}

/* Adds count customers with summary (x, t_x, t). */
void
clv_stats_state_add_tx(StatsState *state, int64 x, float8 t_x, float8 t,
					   int64 count, const char *fname)
{
	ClvStatsTx *row = list_append(state, &state->tx, &tx_rows, fname);

	row->x = x;
	row->t_x = clv_stats_zero(t_x);
	row->t = clv_stats_zero(t);
	row->count = count;
}

/* Adds count customers with spend summary (x, m). */
void
clv_stats_state_add_spend(StatsState *state, int64 x, float8 m, int64 count,
						  const char *fname)
{
	ClvStatsSpend *row = list_append(state, &state->spend, &spend_rows, fname);

	row->x = x;
	row->m = clv_stats_zero(m);
	row->count = count;
}

/* Adds the parts in want of the rows of a value, and its unit. */
static void
stats_state_add_rows(StatsState *state, int64 unit_usec, const ClvStatsTx *tx,
					 size_t ntx, const ClvStatsSpend *spend, size_t nspend,
					 int want, const char *fname)
{
	size_t		i;

	if (unit_usec != 0)
		clv_stats_state_set_unit(state, unit_usec, fname);
	if (want & STATS_WANT_TX)
		for (i = 0; i < ntx; i++)
			clv_stats_state_add_tx(state, tx[i].x, tx[i].t_x, tx[i].t, tx[i].count,
								   fname);
	if (want & STATS_WANT_SPEND)
		for (i = 0; i < nspend; i++)
			clv_stats_state_add_spend(state, spend[i].x, spend[i].m, spend[i].count,
									  fname);
}

/* Adds the parts in want of a clv_stats Datum, and its unit. */
void
clv_stats_state_add_value(StatsState *state, Datum value, int want,
						  const char *fname)
{
	StatsState *other = stats_state_of(value);

	if (other != NULL)
	{
		stats_state_consolidate(other);
		stats_state_add_rows(state, other->has_unit ? other->unit_usec : 0,
							 (ClvStatsTx *) other->tx.rows, other->tx.nsorted,
							 (ClvStatsSpend *) other->spend.rows, other->spend.nsorted,
							 want, fname);
	}
	else
	{
		ClvStats   *stats = (ClvStats *) PG_DETOAST_DATUM(value);

		stats_state_add_rows(state, stats->unit_usec, STATS_TX(stats), stats->n_tx,
							 STATS_SPEND(stats), stats->n_spend, want, fname);
	}
}

/* The flat size of a state: the stored layout of its rows. */
static Size
stats_get_flat_size(ExpandedObjectHeader *eohptr)
{
	StatsState *state = (StatsState *) eohptr;

	stats_state_consolidate(state);
	return stats_size(state->tx.nsorted, state->spend.nsorted, state_fname(state));
}

/* Writes a state in the stored layout, rows sorted; the value is unchanged. */
static void
stats_flatten_into(ExpandedObjectHeader *eohptr, void *result,
				   Size allocated_size)
{
	StatsState *state = (StatsState *) eohptr;
	ClvStats   *stats = (ClvStats *) result;

	stats_state_consolidate(state);
	memset(result, 0, allocated_size);
	SET_VARSIZE(stats, allocated_size);
	stats->n_tx = (int32) state->tx.nsorted;
	stats->n_spend = (int32) state->spend.nsorted;
	stats->unit_usec = state->has_unit ? state->unit_usec : 0;
	Assert(allocated_size == STATS_SIZE(stats->n_tx, stats->n_spend));
	if (stats->n_tx > 0)
		memcpy(STATS_TX(stats), state->tx.rows, stats->n_tx * sizeof(ClvStatsTx));
	if (stats->n_spend > 0)
		memcpy(STATS_SPEND(stats), state->spend.rows,
			   stats->n_spend * sizeof(ClvStatsSpend));
}

/* A clv_stats Datum as a flat value, rows sorted. */
ClvStats *
clv_stats_flat(Datum value, const char *fname)
{
	StatsState *state = stats_state_of(value);
	ClvStats   *stats;
	Size		size;

	if (state == NULL)
		return (ClvStats *) PG_DETOAST_DATUM(value);
	size = stats_get_flat_size(&state->hdr);
	stats = (ClvStats *) palloc(size);
	stats_flatten_into(&state->hdr, stats, size);
	return stats;
}
