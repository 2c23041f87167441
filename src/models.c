/*-------------------------------------------------------------------------
 *
 * models.c
 *	  The probabilistic models in SQL: the clv_stats type, the aggregates
 *	  that build it and fit BG/NBD, Pareto/NBD and Gamma-Gamma, and the
 *	  scoring functions over the fitted model composites.
 *
 * Every aggregate shares one working state: a hash of distinct
 * (x, t_x, t) rows and a hash of distinct (x, m) rows, each with a count of
 * customers, plus the time unit.  Memory grows with distinct rows, not
 * customers; combine adds counts.  The state serialises to the layout of a
 * clv_stats value, which is also what the clv_stats aggregate returns.
 * Final functions copy the rows into arrays sorted by key, so serial,
 * parallel and merged fits see the same data in the same order.  The
 * numbers are computed in src/core/.
 *
 *-------------------------------------------------------------------------
 */
#include "clv.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "common/shortest_dec.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "core/bgnbd.h"
#include "core/gamma_gamma.h"
#include "core/pareto_nbd.h"
#include "core/value.h"

/* A distinct (x, t_x, t) row of clv_stats and its customer count. */
typedef struct StatsTxRow
{
	int64		x;
	float8		t_x;
	float8		t;
	int64		count;
} StatsTxRow;

/* A distinct (x, m) row of clv_stats (x > 0) and its customer count. */
typedef struct StatsSpendRow
{
	int64		x;
	float8		m;
	int64		count;
} StatsSpendRow;

/*
 * A clv_stats value (and the serialised aggregate state): a header, then
 * n_tx StatsTxRow and n_spend StatsSpendRow, both in ascending key order.
 * unit_usec is 0 only in a serialised state that saw no row.
 */
typedef struct ClvStats
{
	int32		vl_len_;
	int32		n_tx;
	int32		n_spend;
	int32		reserved;		/* always 0 */
	int64		unit_usec;
	/* StatsTxRow tx[n_tx]; StatsSpendRow spend[n_spend]; follow */
} ClvStats;

#define STATS_TX(s) ((StatsTxRow *) ((char *) (s) + sizeof(ClvStats)))
#define STATS_SPEND(s) ((StatsSpendRow *) (STATS_TX(s) + (s)->n_tx))
#define STATS_SIZE(ntx, nspend) \
	(sizeof(ClvStats) + (Size) (ntx) * sizeof(StatsTxRow) + \
	 (Size) (nspend) * sizeof(StatsSpendRow))

/* Hash keys and entries of the working state. */
typedef struct TxKey
{
	int64		x;
	float8		t_x;
	float8		t;
} TxKey;

typedef struct TxEntry
{
	TxKey		key;
	int64		count;
} TxEntry;

typedef struct SpendKey
{
	int64		x;
	float8		m;
} SpendKey;

typedef struct SpendEntry
{
	SpendKey	key;
	int64		count;
} SpendEntry;

/* The working state of every models aggregate. */
typedef struct ModelsState
{
	HTAB	   *tx;				/* TxKey -> count */
	HTAB	   *spend;			/* SpendKey -> count, x > 0 only */
	int64		unit_usec;
	bool		has_unit;
	const char *fname;			/* the aggregate's name, for messages */
} ModelsState;

/* Which parts of the state a transition fills. */
#define WANT_TX 1
#define WANT_SPEND 2

/* The two purchase models that share the scoring functions. */
typedef enum ModelKind
{
	MODEL_BGNBD,
	MODEL_PARETO_NBD
} ModelKind;

/* The predictions of each purchase model, by ModelKind. */
typedef struct PurchasePredictions
{
	double		(*p_alive) (const double *param, double x, double t_x, double t);
	double		(*expected) (const double *param, double horizon, double x,
							 double t_x, double t);
	ClvPurchasesIfAlive if_alive;
} PurchasePredictions;

static const PurchasePredictions predictions[] = {
	[MODEL_BGNBD] = {clv_bgnbd_p_alive, clv_bgnbd_expected_purchases,
	clv_bgnbd_purchases_if_alive},
	[MODEL_PARETO_NBD] = {clv_pnbd_p_alive, clv_pnbd_expected_purchases,
	clv_pnbd_purchases_if_alive}
};

/* Number of attributes of the model composites and of clv_summary. */
#define PURCHASE_MODEL_NATTS 9
#define GAMMA_GAMMA_NATTS 7
#define SUMMARY_NATTS 6

/* Entries of a clv() call site's cache of discounted purchases (a power of 2). */
#define VALUE_CACHE_ENTRIES 65536

/* A cached clv_discounted_purchases result for (x, t). */
typedef struct ValueCacheEntry
{
	int64		x;
	double		t;
	double		discounted;
	uint32		generation;		/* valid when the cache's generation */
} ValueCacheEntry;

/*
 * The discounted purchases of the customers a clv() call site has seen,
 * for the model, months and discount of its latest call.  A customer's
 * value is P(alive | x, t_x, t) times the spend times this, which depends
 * on (x, t) only, and day-level summaries share few distinct (x, t): a
 * million customers of two years of days have some 16,000.
 */
typedef struct ValueCache
{
	ModelKind	kind;
	double		param[4];
	int64		unit_usec;
	int			months;
	double		discount;
	uint32		generation;		/* bumped when any of the above changes */
	ValueCacheEntry entries[VALUE_CACHE_ENTRIES];
} ValueCache;

/*
 * Per-call-site cache (fn_extra): the composite argument types, and for
 * clv() its discounted purchases.
 */
#define MAX_COMPOSITE_ARGS 8
typedef struct CompositeCache
{
	Oid			typid[MAX_COMPOSITE_ARGS];
	TupleDesc	desc[MAX_COMPOSITE_ARGS];
	ValueCache *values;			/* clv() only, made on its first call */
} CompositeCache;

/* A purchase model read from its composite. */
typedef struct PurchaseModel
{
	ModelKind	kind;
	double		param[4];
	int64		unit_usec;
} PurchaseModel;

/* A customer's summary as the scoring functions take it. */
typedef struct Customer
{
	int64		x;
	double		t_x;
	double		t;
	double		m;
	bool		m_isnull;
} Customer;

/* Lets the optimiser in core/ honour cancel and statement_timeout. */
static void
models_check_interrupts(void *arg)
{
	CHECK_FOR_INTERRUPTS();
}

/* -0.0 and 0.0 must be one hash key. */
static inline float8
canonical_zero(float8 v)
{
	return v == 0.0 ? 0.0 : v;
}

/*
 * The largest x the models take: beyond 2^53 a count is no longer exact
 * in the double precision the likelihoods are computed in.
 */
#define MAX_REPEATS (INT64CONST(1) << 53)

/* Checks that x, the number of repeat purchases, is in 0 .. 2^53. */
static void
check_x_rule(const char *fname, int sqlstate, int64 x)
{
	if (x < 0 || x > MAX_REPEATS)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("%s input violates the rule 0 <= x <= 2^53", fname),
				 errdetail("x = " INT64_FORMAT ".", x),
				 errhint("x is the number of repeat purchases, purchase occasions minus one.")));
}

/* Checks that m, the mean repeat amount, is a finite number. */
static void
check_m_rule(const char *fname, int64 x, double m)
{
	if (!isfinite(m))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s input violates the rule that m is finite", fname),
				 errdetail("x = " INT64_FORMAT ", m = %g.", x, m),
				 errhint("m is the mean amount of the repeat purchases; filter out rows whose amount is NaN or infinite.")));
}

/*
 * Checks the input rules of the purchase models for one summary: x a
 * non-negative integer, 0 <= t_x <= t (finite), t_x = 0 when x = 0.
 */
static void
check_tx_rule(const char *fname, int sqlstate, int64 x, double t_x, double t)
{
	check_x_rule(fname, sqlstate, x);
	if (!isfinite(t_x) || !isfinite(t) || !(t_x >= 0.0) || !(t_x <= t))
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("%s input violates the rule 0 <= t_x <= t", fname),
				 errdetail("x = " INT64_FORMAT ", t_x = %g, t = %g.", x, t_x, t),
				 errhint("t_x is the time of the last repeat purchase and t the customer's age, both from the first purchase.")));
	if (x == 0 && t_x != 0.0)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("%s input violates the rule t_x = 0 when x = 0", fname),
				 errdetail("x = " INT64_FORMAT ", t_x = %g, t = %g.", x, t_x, t),
				 errhint("A customer without repeat purchases has t_x = 0.")));
}

/* The name of the calling aggregate, allocated in context. */
static const char *
aggregate_name(FunctionCallInfo fcinfo, MemoryContext context)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);
	char	   *name = aggref ? get_func_name(aggref->aggfnoid) : NULL;

	return name ? MemoryContextStrdup(context, name) : "clv models aggregate";
}

/* A new empty state in the aggregate's memory context. */
static ModelsState *
state_create(FunctionCallInfo fcinfo)
{
	MemoryContext aggcontext;
	ModelsState *state;
	HASHCTL		ctl;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "clv models aggregate support function called in non-aggregate context");
	state = (ModelsState *) MemoryContextAllocZero(aggcontext, sizeof(ModelsState));
	state->fname = aggregate_name(fcinfo, aggcontext);

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(TxKey);
	ctl.entrysize = sizeof(TxEntry);
	ctl.hcxt = aggcontext;
	state->tx = hash_create("clv models (x, t_x, t) counts", 256, &ctl,
							HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.keysize = sizeof(SpendKey);
	ctl.entrysize = sizeof(SpendEntry);
	state->spend = hash_create("clv models (x, m) counts", 256, &ctl,
							   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	return state;
}

/* The state of argument 0, created on the first row. */
static ModelsState *
state_arg(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		return state_create(fcinfo);
	return (ModelsState *) PG_GETARG_POINTER(0);
}

/* Records the unit of a row; mixed units in one group are an error. */
static void
state_set_unit(ModelsState *state, int64 unit_usec, const char *fname)
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

/* The sum of two customer counts; past 2^63 - 1 an error. */
static int64
add_count(int64 a, int64 b)
{
	int64		sum;

	if (pg_add_s64_overflow(a, b, &sum))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("clv_stats customer count is out of range"),
				 errdetail("A count of " INT64_FORMAT " and one of " INT64_FORMAT " add up to more than 2^63 - 1.",
						   a, b)));
	return sum;
}

/* Adds count customers with summary (x, t_x, t). */
static void
state_add_tx(ModelsState *state, int64 x, float8 t_x, float8 t, int64 count)
{
	TxKey		key;
	TxEntry    *entry;
	bool		found;

	key.x = x;
	key.t_x = canonical_zero(t_x);
	key.t = canonical_zero(t);
	entry = (TxEntry *) hash_search(state->tx, &key, HASH_ENTER, &found);
	entry->count = found ? add_count(entry->count, count) : count;
}

/* Adds count customers with spend summary (x, m), x > 0. */
static void
state_add_spend(ModelsState *state, int64 x, float8 m, int64 count)
{
	SpendKey	key;
	SpendEntry *entry;
	bool		found;

	key.x = x;
	key.m = canonical_zero(m);
	entry = (SpendEntry *) hash_search(state->spend, &key, HASH_ENTER, &found);
	entry->count = found ? add_count(entry->count, count) : count;
}

/*
 * Adds one customer to the state: its (x, t_x, t) row when WANT_TX, its
 * (x, m) row when WANT_SPEND and x > 0 and m is known.
 */
static void
state_add_customer(ModelsState *state, int want, const char *fname,
				   int64 x, float8 t_x, float8 t, float8 m, bool m_isnull)
{
	if (want & WANT_TX)
	{
		check_tx_rule(fname, ERRCODE_INVALID_PARAMETER_VALUE, x, t_x, t);
		state_add_tx(state, x, t_x, t, 1);
	}
	if (want & WANT_SPEND)
	{
		check_x_rule(fname, ERRCODE_INVALID_PARAMETER_VALUE, x);
		if (x > 0 && !m_isnull)
		{
			check_m_rule(fname, x, m);
			state_add_spend(state, x, m, 1);
		}
	}
}

/* Sorts tx rows by (x, t_x, t). */
static int
stats_tx_cmp(const void *a, const void *b)
{
	const StatsTxRow *l = a,
			   *r = b;

	if (l->x != r->x)
		return l->x < r->x ? -1 : 1;
	if (l->t_x != r->t_x)
		return l->t_x < r->t_x ? -1 : 1;
	if (l->t != r->t)
		return l->t < r->t ? -1 : 1;
	return 0;
}

/* Sorts spend rows by (x, m). */
static int
stats_spend_cmp(const void *a, const void *b)
{
	const StatsSpendRow *l = a,
			   *r = b;

	if (l->x != r->x)
		return l->x < r->x ? -1 : 1;
	if (l->m != r->m)
		return l->m < r->m ? -1 : 1;
	return 0;
}

/* A palloc'd clv_stats of the given size, header filled in. */
static ClvStats *
stats_alloc(int64 unit_usec, long ntx, long nspend)
{
	ClvStats   *stats;
	Size		size;

	if (ntx > (long) ((MaxAllocSize - sizeof(ClvStats)) / sizeof(StatsTxRow) / 2) ||
		nspend > (long) ((MaxAllocSize - sizeof(ClvStats)) / sizeof(StatsSpendRow) / 2))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("clv_stats has too many distinct rows"),
				 errdetail("%ld (x, t_x, t) rows and %ld (x, m) rows.", ntx, nspend)));
	size = STATS_SIZE(ntx, nspend);
	stats = (ClvStats *) palloc0(size);
	SET_VARSIZE(stats, size);
	stats->n_tx = (int32) ntx;
	stats->n_spend = (int32) nspend;
	stats->unit_usec = unit_usec;
	return stats;
}

/*
 * The state as a clv_stats value in the current memory context, rows in
 * ascending key order.  Does not modify the state.
 */
static ClvStats *
state_to_stats(ModelsState *state)
{
	ClvStats   *stats = stats_alloc(state->has_unit ? state->unit_usec : 0,
									hash_get_num_entries(state->tx),
									hash_get_num_entries(state->spend));
	StatsTxRow *tx = STATS_TX(stats);
	StatsSpendRow *spend = STATS_SPEND(stats);
	HASH_SEQ_STATUS scan;
	TxEntry    *txe;
	SpendEntry *spe;
	int			i = 0;

	hash_seq_init(&scan, state->tx);
	while ((txe = (TxEntry *) hash_seq_search(&scan)) != NULL)
	{
		tx[i].x = txe->key.x;
		tx[i].t_x = txe->key.t_x;
		tx[i].t = txe->key.t;
		tx[i].count = txe->count;
		i++;
	}
	i = 0;
	hash_seq_init(&scan, state->spend);
	while ((spe = (SpendEntry *) hash_seq_search(&scan)) != NULL)
	{
		spend[i].x = spe->key.x;
		spend[i].m = spe->key.m;
		spend[i].count = spe->count;
		i++;
	}
	qsort(tx, stats->n_tx, sizeof(StatsTxRow), stats_tx_cmp);
	qsort(spend, stats->n_spend, sizeof(StatsSpendRow), stats_spend_cmp);
	return stats;
}

/* Adds every row of a clv_stats value to the state. */
static void
state_add_stats(ModelsState *state, const ClvStats *stats, int want,
				const char *fname)
{
	const StatsTxRow *tx = STATS_TX(stats);
	const StatsSpendRow *spend = STATS_SPEND(stats);
	int			i;

	if (stats->unit_usec != 0)
		state_set_unit(state, stats->unit_usec, fname);
	if (want & WANT_TX)
		for (i = 0; i < stats->n_tx; i++)
			state_add_tx(state, tx[i].x, tx[i].t_x, tx[i].t, tx[i].count);
	if (want & WANT_SPEND)
		for (i = 0; i < stats->n_spend; i++)
			state_add_spend(state, spend[i].x, spend[i].m, spend[i].count);
}

/*
 * Checks a clv_stats read from outside (text, binary, serialised state):
 * its size matches its counts, every row obeys the input rules, counts are
 * positive, keys strictly ascending.  Errors carry sqlstate.
 */
static void
stats_validate(const ClvStats *stats, Size size, int sqlstate,
			   bool unit_required)
{
	const StatsTxRow *tx;
	const StatsSpendRow *spend;
	int			i;

	if (size < sizeof(ClvStats) || stats->n_tx < 0 || stats->n_spend < 0 ||
		stats->reserved != 0 ||
		size != STATS_SIZE(stats->n_tx, stats->n_spend))
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid clv_stats value: size does not match its row counts")));
	if (stats->unit_usec < 0 || (unit_required && stats->unit_usec == 0))
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid clv_stats value: the unit must be positive")));
	tx = STATS_TX(stats);
	spend = STATS_SPEND(stats);
	for (i = 0; i < stats->n_tx; i++)
	{
		check_tx_rule("clv_stats", sqlstate, tx[i].x, tx[i].t_x, tx[i].t);
		if (tx[i].count <= 0)
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("invalid clv_stats value: customer counts must be positive")));
		if (i > 0 && stats_tx_cmp(&tx[i - 1], &tx[i]) >= 0)
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("invalid clv_stats value: (x, t_x, t) rows must be distinct and in ascending order")));
	}
	for (i = 0; i < stats->n_spend; i++)
	{
		if (spend[i].x <= 0 || !isfinite(spend[i].m))
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("invalid clv_stats value: (x, m) rows need x > 0 and a finite m"),
					 errdetail("x = " INT64_FORMAT ", m = %g.", spend[i].x, spend[i].m)));
		if (spend[i].count <= 0)
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("invalid clv_stats value: customer counts must be positive")));
		if (i > 0 && stats_spend_cmp(&spend[i - 1], &spend[i]) >= 0)
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("invalid clv_stats value: (x, m) rows must be distinct and in ascending order")));
	}
}

/* ---------------------------------------------------------------------
 * Transition, combine, serialise
 * ---------------------------------------------------------------------
 */

/*
 * Transition over plain columns (x, t_x, t[, m], unit) or (x, m): which
 * parts are wanted follows from the argument count.  Rows with a NULL
 * x, t_x or t (or m, for Gamma-Gamma) are ignored.
 */
static Datum
plain_trans(FunctionCallInfo fcinfo, int want)
{
	ModelsState *state = state_arg(fcinfo);
	const char *fname = state->fname;
	int			unit_arg = PG_NARGS() - 1;
	int64		x;
	float8		t_x = 0.0,
				t = 0.0,
				m = 0.0;
	bool		m_isnull = true;

	if (want & WANT_TX)
	{
		if (PG_ARGISNULL(unit_arg))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s unit must not be NULL", fname),
					 errhint("Pass the unit the times are in, for example '1 day'.")));
		state_set_unit(state, clv_unit_usec(PG_GETARG_INTERVAL_P(unit_arg), fname),
					   fname);
		if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
			PG_RETURN_POINTER(state);
		t_x = PG_GETARG_FLOAT8(2);
		t = PG_GETARG_FLOAT8(3);
		if (want & WANT_SPEND)
		{
			m_isnull = PG_ARGISNULL(4);
			if (!m_isnull)
				m = PG_GETARG_FLOAT8(4);
		}
	}
	else
	{
		if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
			PG_RETURN_POINTER(state);
		m_isnull = false;
		m = PG_GETARG_FLOAT8(2);
	}
	x = PG_GETARG_INT64(1);
	state_add_customer(state, want, fname, x, t_x, t, m, m_isnull);
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(clv_models_tx_trans);
/* bgnbd_fit / pareto_nbd_fit (x, t_x, t, unit) transition. */
Datum
clv_models_tx_trans(PG_FUNCTION_ARGS)
{
	return plain_trans(fcinfo, WANT_TX);
}

PG_FUNCTION_INFO_V1(clv_models_spend_trans);
/* gamma_gamma_fit(x, m) transition. */
Datum
clv_models_spend_trans(PG_FUNCTION_ARGS)
{
	return plain_trans(fcinfo, WANT_SPEND);
}

PG_FUNCTION_INFO_V1(clv_models_stats_trans);
/* clv_stats(x, t_x, t, m, unit) transition. */
Datum
clv_models_stats_trans(PG_FUNCTION_ARGS)
{
	return plain_trans(fcinfo, WANT_TX | WANT_SPEND);
}

/*
 * Deforms composite argument argno into values/nulls, caching its tuple
 * descriptor per call site; natts is the attribute count expected.
 */
static void
deform_composite(FunctionCallInfo fcinfo, int argno, int natts,
				 Datum *values, bool *nulls)
{
	HeapTupleHeader th = PG_GETARG_HEAPTUPLEHEADER(argno);
	Oid			typid = HeapTupleHeaderGetTypeId(th);
	CompositeCache *cache = (CompositeCache *) fcinfo->flinfo->fn_extra;
	HeapTupleData tuple;

	Assert(argno < MAX_COMPOSITE_ARGS);
	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
									   sizeof(CompositeCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	if (cache->typid[argno] != typid)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		cache->desc[argno] = lookup_rowtype_tupdesc_copy(typid,
														 HeapTupleHeaderGetTypMod(th));
		MemoryContextSwitchTo(old);
		cache->typid[argno] = typid;
		if (cache->desc[argno]->natts != natts)
			elog(ERROR, "composite argument %d has %d attributes, expected %d",
				 argno + 1, cache->desc[argno]->natts, natts);
	}
	tuple.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = th;
	heap_deform_tuple(&tuple, cache->desc[argno], values, nulls);
}

/*
 * Reads the clv_summary of argument argno into a Customer (m only when
 * with_m: converting numeric costs) and returns its unit; NULL fields other
 * than m give false (the row is skipped).
 */
static bool
read_summary(FunctionCallInfo fcinfo, int argno, bool with_m,
			 Customer *customer, int64 *unit_usec, const char *fname)
{
	Datum		values[SUMMARY_NATTS];
	bool		nulls[SUMMARY_NATTS];

	deform_composite(fcinfo, argno, SUMMARY_NATTS, values, nulls);
	if (nulls[0] || nulls[1] || nulls[2] || nulls[5])
		return false;
	customer->x = DatumGetInt64(values[0]);
	customer->t_x = DatumGetFloat8(values[1]);
	customer->t = DatumGetFloat8(values[2]);
	customer->m_isnull = !with_m || nulls[3];
	customer->m = customer->m_isnull ? 0.0 :
		DatumGetFloat8(DirectFunctionCall1(numeric_float8, values[3]));
	*unit_usec = clv_unit_usec(DatumGetIntervalP(values[5]), fname);
	return true;
}

/* Transition over clv_summary values. */
static Datum
summary_trans(FunctionCallInfo fcinfo, int want)
{
	ModelsState *state = state_arg(fcinfo);
	const char *fname = state->fname;
	Customer	customer;
	int64		unit_usec;

	if (PG_ARGISNULL(1) ||
		!read_summary(fcinfo, 1, (want & WANT_SPEND) != 0, &customer, &unit_usec, fname))
		PG_RETURN_POINTER(state);
	if (want & WANT_TX)
		state_set_unit(state, unit_usec, fname);
	state_add_customer(state, want, fname, customer.x, customer.t_x,
					   customer.t, customer.m, customer.m_isnull);
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(clv_models_summary_tx_trans);
/* bgnbd_fit / pareto_nbd_fit (clv_summary) transition. */
Datum
clv_models_summary_tx_trans(PG_FUNCTION_ARGS)
{
	return summary_trans(fcinfo, WANT_TX);
}

PG_FUNCTION_INFO_V1(clv_models_summary_spend_trans);
/* gamma_gamma_fit(clv_summary) transition. */
Datum
clv_models_summary_spend_trans(PG_FUNCTION_ARGS)
{
	return summary_trans(fcinfo, WANT_SPEND);
}

PG_FUNCTION_INFO_V1(clv_models_summary_stats_trans);
/* clv_stats(clv_summary) transition. */
Datum
clv_models_summary_stats_trans(PG_FUNCTION_ARGS)
{
	return summary_trans(fcinfo, WANT_TX | WANT_SPEND);
}

PG_FUNCTION_INFO_V1(clv_models_merge_trans);
/* Transition over clv_stats values (clv_stats_merge and the fits). */
Datum
clv_models_merge_trans(PG_FUNCTION_ARGS)
{
	ModelsState *state = state_arg(fcinfo);

	if (!PG_ARGISNULL(1))
	{
		ClvStats   *stats = (ClvStats *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));

		state_add_stats(state, stats, WANT_TX | WANT_SPEND, state->fname);
	}
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(clv_models_combine);
/* Combine: adds the counts of state 2 into state 1. */
Datum
clv_models_combine(PG_FUNCTION_ARGS)
{
	ModelsState *state;
	ModelsState *other;
	HASH_SEQ_STATUS scan;
	TxEntry    *txe;
	SpendEntry *spe;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	state = state_arg(fcinfo);
	other = (ModelsState *) PG_GETARG_POINTER(1);
	if (other->has_unit)
		state_set_unit(state, other->unit_usec, state->fname);
	hash_seq_init(&scan, other->tx);
	while ((txe = (TxEntry *) hash_seq_search(&scan)) != NULL)
		state_add_tx(state, txe->key.x, txe->key.t_x, txe->key.t, txe->count);
	hash_seq_init(&scan, other->spend);
	while ((spe = (SpendEntry *) hash_seq_search(&scan)) != NULL)
		state_add_spend(state, spe->key.x, spe->key.m, spe->count);
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(clv_models_serialize);
/* Serialise: the state in clv_stats layout, as bytea. */
Datum
clv_models_serialize(PG_FUNCTION_ARGS)
{
	ModelsState *state = (ModelsState *) PG_GETARG_POINTER(0);

	PG_RETURN_BYTEA_P((bytea *) state_to_stats(state));
}

PG_FUNCTION_INFO_V1(clv_models_deserialize);
/* Deserialise: validates the bytes, then rebuilds the hashes. */
Datum
clv_models_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *bytes = PG_GETARG_BYTEA_PP(0);
	Size		size = VARSIZE_ANY_EXHDR(bytes) + VARHDRSZ;
	ClvStats   *stats = (ClvStats *) palloc0(Max(size, sizeof(ClvStats)));
	ModelsState *state;

	memcpy((char *) stats + VARHDRSZ, VARDATA_ANY(bytes), size - VARHDRSZ);
	SET_VARSIZE(stats, size);
	stats_validate(stats, size, ERRCODE_INVALID_BINARY_REPRESENTATION, false);
	state = state_create(fcinfo);
	state_add_stats(state, stats, WANT_TX | WANT_SPEND, state->fname);
	PG_RETURN_POINTER(state);
}

/* ---------------------------------------------------------------------
 * Final functions: clv_stats and the fits
 * ---------------------------------------------------------------------
 */

PG_FUNCTION_INFO_V1(clv_models_stats_final);
/* clv_stats and clv_stats_merge final: NULL when no row was seen. */
Datum
clv_models_stats_final(PG_FUNCTION_ARGS)
{
	ModelsState *state;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (ModelsState *) PG_GETARG_POINTER(0);
	if (!state->has_unit ||
		(hash_get_num_entries(state->tx) == 0 && hash_get_num_entries(state->spend) == 0))
		PG_RETURN_NULL();
	PG_RETURN_POINTER(state_to_stats(state));
}

/* Warns that a fit did not converge, saying why when the reason is known. */
static void
warn_not_converged(const char *fname, bool no_repeats)
{
	ereport(WARNING,
			(errmsg("%s did not converge", fname),
			 no_repeats ?
			 errdetail("No customer in the data made a repeat purchase, so the model cannot be identified.") :
			 errdetail("The optimiser stopped without reaching a maximum of the likelihood."),
			 errhint("The returned model is marked converged = false; do not score with it.")));
}

/* Builds the composite result of a final function from its values. */
static Datum
result_composite(FunctionCallInfo fcinfo, Datum *values, bool *nulls)
{
	TupleDesc	desc;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	desc = BlessTupleDesc(desc);
	return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
}

/*
 * Final function of bgnbd_fit and pareto_nbd_fit: sorts the distinct rows,
 * fits, and returns the model composite; NULL for fewer than 2 customers.
 */
static Datum
purchase_model_final(FunctionCallInfo fcinfo, ModelKind kind)
{
	const char *fname = kind == MODEL_BGNBD ? "bgnbd_fit" : "pareto_nbd_fit";
	ModelsState *state;
	ClvStats   *stats;
	StatsTxRow *tx;
	ClvTxRow   *rows;
	ClvModelFit fit;
	int64		customers = 0;
	bool		has_repeats = false;
	Datum		values[PURCHASE_MODEL_NATTS];
	bool		nulls[PURCHASE_MODEL_NATTS] = {0};
	int			i;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (ModelsState *) PG_GETARG_POINTER(0);
	stats = state_to_stats(state);
	tx = STATS_TX(stats);
	rows = (ClvTxRow *) palloc(sizeof(ClvTxRow) * Max(stats->n_tx, 1));
	for (i = 0; i < stats->n_tx; i++)
	{
		rows[i].x = (double) tx[i].x;
		rows[i].t_x = tx[i].t_x;
		rows[i].t = tx[i].t;
		rows[i].count = (double) tx[i].count;
		customers = add_count(customers, tx[i].count);
		has_repeats = has_repeats || tx[i].x > 0;
	}
	if (customers < 2 || !state->has_unit)
		PG_RETURN_NULL();

	if (kind == MODEL_BGNBD)
		clv_bgnbd_fit(rows, stats->n_tx, models_check_interrupts, NULL, &fit);
	else
		clv_pnbd_fit(rows, stats->n_tx,
					 MemoryContextAllocHuge(CurrentMemoryContext,
											clv_pnbd_workspace_size(stats->n_tx)),
					 models_check_interrupts, NULL, &fit);
	if (!fit.converged)
		warn_not_converged(fname, !has_repeats);

	for (i = 0; i < 4; i++)
		values[i] = Float8GetDatum(fit.param[i]);
	values[4] = Float8GetDatum(fit.ll);
	values[5] = Int64GetDatum(customers);
	values[6] = Int32GetDatum(fit.iterations);
	values[7] = BoolGetDatum(fit.converged);
	values[8] = IntervalPGetDatum(clv_usec_interval_exact(state->unit_usec));
	return result_composite(fcinfo, values, nulls);
}

PG_FUNCTION_INFO_V1(clv_models_bgnbd_final);
/* bgnbd_fit final. */
Datum
clv_models_bgnbd_final(PG_FUNCTION_ARGS)
{
	return purchase_model_final(fcinfo, MODEL_BGNBD);
}

PG_FUNCTION_INFO_V1(clv_models_pareto_nbd_final);
/* pareto_nbd_fit final. */
Datum
clv_models_pareto_nbd_final(PG_FUNCTION_ARGS)
{
	return purchase_model_final(fcinfo, MODEL_PARETO_NBD);
}

PG_FUNCTION_INFO_V1(clv_models_gamma_gamma_final);
/*
 * gamma_gamma_fit final: fits the (x, m) rows of repeat customers; a row
 * with m <= 0 is an error (the model is undefined there).
 */
Datum
clv_models_gamma_gamma_final(PG_FUNCTION_ARGS)
{
	ModelsState *state;
	ClvStats   *stats;
	StatsSpendRow *spend;
	ClvSpendRow *rows;
	ClvModelFit fit;
	int64		customers = 0;
	Datum		values[GAMMA_GAMMA_NATTS];
	bool		nulls[GAMMA_GAMMA_NATTS] = {0};
	int			i;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (ModelsState *) PG_GETARG_POINTER(0);
	stats = state_to_stats(state);
	spend = STATS_SPEND(stats);
	rows = (ClvSpendRow *) palloc(sizeof(ClvSpendRow) * Max(stats->n_spend, 1));
	for (i = 0; i < stats->n_spend; i++)
	{
		if (!(spend[i].m > 0.0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("gamma_gamma_fit input violates the rule m > 0 when x > 0"),
					 errdetail("x = " INT64_FORMAT ", m = %g.", spend[i].x, spend[i].m),
					 errhint("Filter out refund-only customers, for example WHERE m > 0.")));
		rows[i].x = (double) spend[i].x;
		rows[i].m = spend[i].m;
		rows[i].count = (double) spend[i].count;
		customers = add_count(customers, spend[i].count);
	}
	if (customers < 2)
		PG_RETURN_NULL();

	clv_gg_fit(rows, stats->n_spend, models_check_interrupts, NULL, &fit);
	if (!fit.converged)
		warn_not_converged("gamma_gamma_fit", false);

	for (i = 0; i < 3; i++)
		values[i] = Float8GetDatum(fit.param[i]);
	values[3] = Float8GetDatum(fit.ll);
	values[4] = Int64GetDatum(customers);
	values[5] = Int32GetDatum(fit.iterations);
	values[6] = BoolGetDatum(fit.converged);
	return result_composite(fcinfo, values, nulls);
}

/* ---------------------------------------------------------------------
 * clv_stats input and output
 *
 * Text form (valid JSON, rows in ascending key order):
 *   {"unit":"7 days","tx":[[x,t_x,t,count],...],"spend":[[x,m,count],...]}
 * ---------------------------------------------------------------------
 */

/* A cursor over a clv_stats literal. */
typedef struct Scanner
{
	const char *input;			/* the whole literal, for messages */
	const char *p;
} Scanner;

/* Reports a malformed literal: what was expected, and where. */
static void
scan_error(Scanner *scanner, const char *expected)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type clv_stats: \"%s\"", scanner->input),
			 errdetail("Expected %s at character %d.", expected,
					   (int) (scanner->p - scanner->input) + 1),
			 errhint("The form is {\"unit\":\"7 days\",\"tx\":[[x,t_x,t,count],...],\"spend\":[[x,m,count],...]}.")));
}

/* Skips white space. */
static void
scan_space(Scanner *scanner)
{
	while (*scanner->p == ' ' || *scanner->p == '\t' || *scanner->p == '\n' ||
		   *scanner->p == '\r')
		scanner->p++;
}

/* Consumes token (after white space) or reports it missing. */
static void
scan_expect(Scanner *scanner, const char *token)
{
	size_t		len = strlen(token);

	scan_space(scanner);
	if (strncmp(scanner->p, token, len) != 0)
		scan_error(scanner, token);
	scanner->p += len;
}

/* Consumes token if it is next; returns whether it was. */
static bool
scan_accept(Scanner *scanner, const char *token)
{
	size_t		len = strlen(token);

	scan_space(scanner);
	if (strncmp(scanner->p, token, len) != 0)
		return false;
	scanner->p += len;
	return true;
}

/*
 * The end of the JSON number at the scanner (after white space), or NULL
 * when there is none: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, the
 * fraction and exponent only when integer is false.
 */
static const char *
scan_json_number(Scanner *scanner, bool integer)
{
	const char *p;

	scan_space(scanner);
	p = scanner->p;
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (isdigit((unsigned char) *p))
			p++;
	else
		return NULL;
	if (integer)
		return (*p == '.' || *p == 'e' || *p == 'E') ? NULL : p;
	if (*p == '.')
	{
		if (!isdigit((unsigned char) *++p))
			return NULL;
		while (isdigit((unsigned char) *p))
			p++;
	}
	if (*p == 'e' || *p == 'E')
	{
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char) *p))
			return NULL;
		while (isdigit((unsigned char) *p))
			p++;
	}
	return p;
}

/* Reads a JSON integer that fits in 64 bits. */
static int64
scan_int64(Scanner *scanner)
{
	const char *end = scan_json_number(scanner, true);
	char	   *parsed_end;
	long long	value;

	if (end == NULL)
		scan_error(scanner, "an integer");
	errno = 0;
	value = strtoll(scanner->p, &parsed_end, 10);
	if (errno != 0 || parsed_end != end)
		scan_error(scanner, "an integer of at most 64 bits");
	scanner->p = end;
	return (int64) value;
}

/* Reads a finite JSON number; -0 reads as 0. */
static float8
scan_float8(Scanner *scanner)
{
	const char *end = scan_json_number(scanner, false);
	char	   *parsed_end;
	double		value;

	if (end == NULL)
		scan_error(scanner, "a number");
	errno = 0;
	value = strtod(scanner->p, &parsed_end);
	if (parsed_end != end || errno != 0 || !isfinite(value))
		scan_error(scanner, "a finite number");
	scanner->p = end;
	return canonical_zero(value);
}

/*
 * Reads a bracketed list of rows of width numbers each into a StringInfo
 * of raw row structs; returns the number of rows.
 */
static long
scan_rows(Scanner *scanner, bool tx_rows, StringInfo rows)
{
	long		n = 0;

	scan_expect(scanner, "[");
	if (scan_accept(scanner, "]"))
		return 0;
	do
	{
		scan_expect(scanner, "[");
		if (tx_rows)
		{
			StatsTxRow	row;

			row.x = scan_int64(scanner);
			scan_expect(scanner, ",");
			row.t_x = scan_float8(scanner);
			scan_expect(scanner, ",");
			row.t = scan_float8(scanner);
			scan_expect(scanner, ",");
			row.count = scan_int64(scanner);
			appendBinaryStringInfo(rows, (char *) &row, sizeof(row));
		}
		else
		{
			StatsSpendRow row;

			row.x = scan_int64(scanner);
			scan_expect(scanner, ",");
			row.m = scan_float8(scanner);
			scan_expect(scanner, ",");
			row.count = scan_int64(scanner);
			appendBinaryStringInfo(rows, (char *) &row, sizeof(row));
		}
		scan_expect(scanner, "]");
		n++;
	} while (scan_accept(scanner, ","));
	scan_expect(scanner, "]");
	return n;
}

PG_FUNCTION_INFO_V1(clv_stats_in);
/* clv_stats text input: parses, then validates every row. */
Datum
clv_stats_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	Scanner		scanner = {input, input};
	StringInfoData tx,
				spend;
	const char *unit_start;
	char	   *unit_text;
	Interval   *unit;
	long		ntx,
				nspend;
	ClvStats   *stats;

	initStringInfo(&tx);
	initStringInfo(&spend);
	scan_expect(&scanner, "{");
	scan_expect(&scanner, "\"unit\"");
	scan_expect(&scanner, ":");
	scan_expect(&scanner, "\"");
	unit_start = scanner.p;
	while (*scanner.p != '"' && *scanner.p != '\0' && *scanner.p != '\\')
		scanner.p++;
	if (*scanner.p != '"')
		scan_error(&scanner, "the closing quote of the unit");
	unit_text = pnstrdup(unit_start, scanner.p - unit_start);
	scanner.p++;
	unit = DatumGetIntervalP(DirectFunctionCall3(interval_in,
												 CStringGetDatum(unit_text),
												 ObjectIdGetDatum(InvalidOid),
												 Int32GetDatum(-1)));
	scan_expect(&scanner, ",");
	scan_expect(&scanner, "\"tx\"");
	scan_expect(&scanner, ":");
	ntx = scan_rows(&scanner, true, &tx);
	scan_expect(&scanner, ",");
	scan_expect(&scanner, "\"spend\"");
	scan_expect(&scanner, ":");
	nspend = scan_rows(&scanner, false, &spend);
	scan_expect(&scanner, "}");
	scan_space(&scanner);
	if (*scanner.p != '\0')
		scan_error(&scanner, "the end of the value");

	stats = stats_alloc(clv_unit_usec(unit, "clv_stats"), ntx, nspend);
	memcpy(STATS_TX(stats), tx.data, tx.len);
	memcpy(STATS_SPEND(stats), spend.data, spend.len);
	stats_validate(stats, VARSIZE(stats), ERRCODE_INVALID_TEXT_REPRESENTATION, true);
	PG_RETURN_POINTER(stats);
}

/* Appends a float8 in the shortest form that reads back exactly. */
static void
append_float8(StringInfo out, float8 value)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(value, buf);
	appendStringInfoString(out, buf);
}

PG_FUNCTION_INFO_V1(clv_stats_out);
/* clv_stats text output. */
Datum
clv_stats_out(PG_FUNCTION_ARGS)
{
	ClvStats   *stats = (ClvStats *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StatsTxRow *tx = STATS_TX(stats);
	StatsSpendRow *spend = STATS_SPEND(stats);
	Interval   *unit = clv_usec_interval_exact(stats->unit_usec);
	StringInfoData out;
	int			i;

	initStringInfo(&out);
	appendStringInfo(&out, "{\"unit\":\"%s\",\"tx\":[",
					 DatumGetCString(DirectFunctionCall1(interval_out,
														 IntervalPGetDatum(unit))));
	for (i = 0; i < stats->n_tx; i++)
	{
		appendStringInfo(&out, "%s[" INT64_FORMAT ",", i > 0 ? "," : "", tx[i].x);
		append_float8(&out, tx[i].t_x);
		appendStringInfoChar(&out, ',');
		append_float8(&out, tx[i].t);
		appendStringInfo(&out, "," INT64_FORMAT "]", tx[i].count);
	}
	appendStringInfoString(&out, "],\"spend\":[");
	for (i = 0; i < stats->n_spend; i++)
	{
		appendStringInfo(&out, "%s[" INT64_FORMAT ",", i > 0 ? "," : "", spend[i].x);
		append_float8(&out, spend[i].m);
		appendStringInfo(&out, "," INT64_FORMAT "]", spend[i].count);
	}
	appendStringInfoString(&out, "]}");
	PG_RETURN_CSTRING(out.data);
}

PG_FUNCTION_INFO_V1(clv_stats_recv);
/* clv_stats binary input: the fields of clv_stats_send, validated. */
Datum
clv_stats_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int64		unit_usec;
	int32		ntx;
	int32		nspend;
	ClvStats   *stats;
	StatsTxRow *tx;
	StatsSpendRow *spend;
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
		(Size) ntx * sizeof(StatsTxRow) + (Size) nspend * sizeof(StatsSpendRow))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid clv_stats value: size does not match its row counts")));
	stats = stats_alloc(unit_usec, ntx, nspend);
	tx = STATS_TX(stats);
	spend = STATS_SPEND(stats);
	for (i = 0; i < ntx; i++)
	{
		tx[i].x = pq_getmsgint64(buf);
		tx[i].t_x = canonical_zero(pq_getmsgfloat8(buf));
		tx[i].t = canonical_zero(pq_getmsgfloat8(buf));
		tx[i].count = pq_getmsgint64(buf);
	}
	for (i = 0; i < nspend; i++)
	{
		spend[i].x = pq_getmsgint64(buf);
		spend[i].m = canonical_zero(pq_getmsgfloat8(buf));
		spend[i].count = pq_getmsgint64(buf);
	}
	stats_validate(stats, VARSIZE(stats), ERRCODE_INVALID_BINARY_REPRESENTATION, true);
	PG_RETURN_POINTER(stats);
}

PG_FUNCTION_INFO_V1(clv_stats_send);
/* clv_stats binary output: unit, row counts, then the rows. */
Datum
clv_stats_send(PG_FUNCTION_ARGS)
{
	ClvStats   *stats = (ClvStats *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StatsTxRow *tx = STATS_TX(stats);
	StatsSpendRow *spend = STATS_SPEND(stats);
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
 * Scoring
 * ---------------------------------------------------------------------
 */

/* Reads a model parameter; NULL, non-finite or <= 0 is an error. */
static double
model_param(Datum *values, bool *nulls, int i, const char *name,
			const char *fname)
{
	double		value = nulls[i] ? NAN : DatumGetFloat8(values[i]);

	if (!(value > 0.0 && isfinite(value)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s model parameter \"%s\" must be a positive number", fname, name),
				 errhint("Pass a model returned by bgnbd_fit, pareto_nbd_fit or gamma_gamma_fit.")));
	return value;
}

/* Reads the BG/NBD or Pareto/NBD model of argument argno. */
static void
read_purchase_model(FunctionCallInfo fcinfo, int argno, PurchaseModel *model,
					const char *fname)
{
	static const char *const bgnbd_names[4] = {"r", "alpha", "a", "b"};
	static const char *const pnbd_names[4] = {"r", "alpha", "s", "beta"};
	Datum		values[PURCHASE_MODEL_NATTS];
	bool		nulls[PURCHASE_MODEL_NATTS];
	CompositeCache *cache;
	const char *const *names;
	int			i;

	deform_composite(fcinfo, argno, PURCHASE_MODEL_NATTS, values, nulls);
	/* the two composites differ in the name of their third parameter */
	cache = (CompositeCache *) fcinfo->flinfo->fn_extra;
	model->kind = strcmp(NameStr(TupleDescAttr(cache->desc[argno], 2)->attname), "s") == 0 ?
		MODEL_PARETO_NBD : MODEL_BGNBD;
	names = model->kind == MODEL_BGNBD ? bgnbd_names : pnbd_names;
	for (i = 0; i < 4; i++)
		model->param[i] = model_param(values, nulls, i, names[i], fname);
	if (nulls[8])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s model unit must not be NULL", fname),
				 errhint("Pass a model returned by bgnbd_fit or pareto_nbd_fit.")));
	model->unit_usec = clv_unit_usec(DatumGetIntervalP(values[8]), fname);
}

/* Reads the Gamma-Gamma model of argument argno into param[3]. */
static void
read_spend_model(FunctionCallInfo fcinfo, int argno, double *param,
				 const char *fname)
{
	static const char *const names[3] = {"p", "q", "gamma"};
	Datum		values[GAMMA_GAMMA_NATTS];
	bool		nulls[GAMMA_GAMMA_NATTS];
	int			i;

	deform_composite(fcinfo, argno, GAMMA_GAMMA_NATTS, values, nulls);
	for (i = 0; i < 3; i++)
		param[i] = model_param(values, nulls, i, names[i], fname);
}

/*
 * Reads the customer starting at argument argno: either a clv_summary
 * (whose unit must be unit_usec, when that is not 0) or plain x, t_x, t
 * and, when with_m, m.  Checks the input rules.  Returns false when a
 * summary field is NULL.
 */
static bool
read_customer(FunctionCallInfo fcinfo, int argno, bool with_times,
			  bool with_m, int64 unit_usec, Customer *customer,
			  const char *fname)
{
	Oid			argtype = get_fn_expr_argtype(fcinfo->flinfo, argno);

	if (argtype != INT8OID)
	{
		int64		summary_unit;

		if (!read_summary(fcinfo, argno, with_m, customer, &summary_unit, fname))
			return false;
		if (unit_usec != 0 && summary_unit != unit_usec)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s summary unit differs from the model's unit", fname),
					 errdetail("The summary is in units of " INT64_FORMAT " microseconds, the model in units of " INT64_FORMAT ".",
							   summary_unit, unit_usec),
					 errhint("Compute the summaries with the unit the model was fitted in.")));
		if (with_m && customer->m_isnull)
			return false;
	}
	else
	{
		int			next = argno + 1;

		customer->x = PG_GETARG_INT64(argno);
		customer->t_x = 0.0;
		customer->t = 0.0;
		if (with_times)
		{
			customer->t_x = PG_GETARG_FLOAT8(next);
			customer->t = PG_GETARG_FLOAT8(next + 1);
			next += 2;
		}
		customer->m_isnull = !with_m;
		customer->m = with_m ? PG_GETARG_FLOAT8(next) : 0.0;
	}
	if (with_times)
		check_tx_rule(fname, ERRCODE_INVALID_PARAMETER_VALUE, customer->x,
					  customer->t_x, customer->t);
	else
		check_x_rule(fname, ERRCODE_INVALID_PARAMETER_VALUE, customer->x);
	if (with_m)
		check_m_rule(fname, customer->x, customer->m);
	return true;
}

/* Returns value, or raises a can't-happen error for a non-finite result. */
static Datum
finite_result(double value, const char *fname)
{
	if (!isfinite(value))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s result is not a finite number", fname),
				 errhint("The model parameters are outside the range where the formula can be evaluated.")));
	PG_RETURN_FLOAT8(value);
}

PG_FUNCTION_INFO_V1(clv_models_p_alive);
/* p_alive(model, x, t_x, t) and p_alive(model, clv_summary). */
Datum
clv_models_p_alive(PG_FUNCTION_ARGS)
{
	PurchaseModel model;
	Customer	customer;

	read_purchase_model(fcinfo, 0, &model, "p_alive");
	if (!read_customer(fcinfo, 1, true, false, model.unit_usec, &customer, "p_alive"))
		PG_RETURN_NULL();
	return finite_result(predictions[model.kind].p_alive(model.param, customer.x,
														 customer.t_x, customer.t),
						 "p_alive");
}

PG_FUNCTION_INFO_V1(clv_models_expected_purchases);
/* expected_purchases(model, horizon, x, t_x, t | clv_summary). */
Datum
clv_models_expected_purchases(PG_FUNCTION_ARGS)
{
	PurchaseModel model;
	Customer	customer;
	double		horizon = PG_GETARG_FLOAT8(1);

	read_purchase_model(fcinfo, 0, &model, "expected_purchases");
	if (!(horizon >= 0.0 && isfinite(horizon)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expected_purchases horizon must be a non-negative finite number"),
				 errdetail("horizon = %g.", horizon),
				 errhint("The horizon is in the model's unit.")));
	if (!read_customer(fcinfo, 2, true, false, model.unit_usec, &customer,
					   "expected_purchases"))
		PG_RETURN_NULL();
	return finite_result(predictions[model.kind].expected(model.param, horizon, customer.x,
														  customer.t_x, customer.t),
						 "expected_purchases");
}

/*
 * The expected spend per purchase of customer, or NaN when it is undefined:
 * a repeat customer with m <= 0 (refunds only), or an infinite mean.
 */
static double
spend_of(const double *gg, const Customer *customer)
{
	if (customer->x > 0 && !(customer->m > 0.0))
		return NAN;
	return clv_gg_expected_spend(gg, (double) customer->x, customer->m);
}

PG_FUNCTION_INFO_V1(clv_models_expected_spend);
/*
 * expected_spend(gg, x, m | clv_summary): NULL for a refund-only repeat
 * customer and where the model's mean is infinite.
 */
Datum
clv_models_expected_spend(PG_FUNCTION_ARGS)
{
	double		gg[3];
	Customer	customer;
	double		spend;

	read_spend_model(fcinfo, 0, gg, "expected_spend");
	if (!read_customer(fcinfo, 1, false, true, 0, &customer, "expected_spend"))
		PG_RETURN_NULL();
	spend = spend_of(gg, &customer);
	if (isnan(spend))
		PG_RETURN_NULL();
	return finite_result(spend, "expected_spend");
}

/*
 * The discounted purchases of the next months months of customer if alive,
 * from the call site's cache when it has them.
 */
static double
discounted_purchases(FunctionCallInfo fcinfo, const PurchaseModel *model,
					 const Customer *customer, int months, double discount)
{
	CompositeCache *cache = (CompositeCache *) fcinfo->flinfo->fn_extra;
	ValueCache *values = cache->values;
	ValueCacheEntry *entry;
	double		t = customer->t + 0.0;	/* -0 becomes 0 */
	uint64		hash;

	if (values == NULL)
	{
		values = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ValueCache));
		cache->values = values;
	}
	if (values->generation == 0 || values->kind != model->kind ||
		memcmp(values->param, model->param, sizeof(values->param)) != 0 ||
		values->unit_usec != model->unit_usec || values->months != months ||
		values->discount != discount)
	{
		values->kind = model->kind;
		memcpy(values->param, model->param, sizeof(values->param));
		values->unit_usec = model->unit_usec;
		values->months = months;
		values->discount = discount;
		values->generation++;
		if (values->generation == 0)
		{
			/* after 2^32 changes: start over */
			memset(values->entries, 0, sizeof(values->entries));
			values->generation = 1;
		}
	}

	/* (x, t) mixed into a slot */
	memcpy(&hash, &t, sizeof(hash));
	hash ^= (uint64) customer->x * UINT64CONST(0x9E3779B97F4A7C15);
	hash ^= hash >> 29;
	hash *= UINT64CONST(0xBF58476D1CE4E5B9);
	hash ^= hash >> 32;
	entry = &values->entries[hash & (VALUE_CACHE_ENTRIES - 1)];
	if (entry->generation != values->generation || entry->x != customer->x ||
		entry->t != customer->t)
	{
		entry->discounted =
			clv_discounted_purchases(predictions[model->kind].if_alive,
									 model->param, (double) customer->x, customer->t,
									 months, 30.0 * USECS_PER_DAY / model->unit_usec,
									 discount, models_check_interrupts, NULL);
		entry->x = customer->x;
		entry->t = customer->t;
		entry->generation = values->generation;
	}
	return entry->discounted;
}

PG_FUNCTION_INFO_V1(clv_models_clv);
/*
 * clv(model, gg, x, t_x, t, m | clv_summary, months, discount): the
 * discounted expected value of the next months months of 30 days.
 */
Datum
clv_models_clv(PG_FUNCTION_ARGS)
{
	PurchaseModel model;
	double		gg[3];
	Customer	customer;
	int			months = PG_GETARG_INT32(PG_NARGS() - 2);
	double		discount = PG_GETARG_FLOAT8(PG_NARGS() - 1);
	double		spend;

	read_purchase_model(fcinfo, 0, &model, "clv");
	read_spend_model(fcinfo, 1, gg, "clv");
	if (months < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("clv months must not be negative"),
				 errdetail("months = %d.", months)));
	if (!(discount >= 0.0 && isfinite(discount)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("clv discount must be a non-negative finite number"),
				 errdetail("discount = %g.", discount),
				 errhint("The discount is a monthly rate, for example 0.01.")));
	if (!read_customer(fcinfo, 2, true, true, model.unit_usec, &customer, "clv"))
		PG_RETURN_NULL();
	spend = spend_of(gg, &customer);
	if (isnan(spend))
		PG_RETURN_NULL();
	return finite_result(spend *
						 predictions[model.kind].p_alive(model.param, customer.x,
														 customer.t_x, customer.t) *
						 discounted_purchases(fcinfo, &model, &customer, months, discount),
						 "clv");
}
