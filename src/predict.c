/*-------------------------------------------------------------------------
 *
 * predict.c
 *	  The scoring functions over fitted models: p_alive,
 *	  expected_purchases, purchase_probability, expected_spend and
 *	  clv(model, spend model, ...).
 *
 * Each SQL overload has its own C entry point, which knows its model
 * (BG/NBD, MBG/NBD or Pareto/NBD) and its customer form (plain x, t_x,
 * t[, m], a clv_summary, for expected_purchases a clv_holdout_summary,
 * whose horizon is its holdout_duration, or none: a new customer); the
 * bodies are shared.  Composite arguments are read through readers cached
 * per call site; a model composite is read once per call site and then
 * recognised by its bytes, and expected_purchases and clv() cache their
 * per-(x, t) factor of the customers they have seen.  The formulas are in
 * src/core/.
 *
 *-------------------------------------------------------------------------
 */
#include "models.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "core/bgnbd.h"
#include "core/counts.h"
#include "core/gamma_gamma.h"
#include "core/mbgnbd.h"
#include "core/pareto_nbd.h"
#include "core/value.h"

/* The purchase models that share the scoring functions. */
typedef enum ModelKind
{
	MODEL_BGNBD,
	MODEL_PARETO_NBD,
	MODEL_MBGNBD
} ModelKind;

/*
 * Number of attributes of the model composites (their own, then the fit
 * quality's, which scoring does not read: NULL in a value stored by 1.0)
 * and of clv_summary and clv_holdout.
 */
#define PURCHASE_MODEL_NATTS (9 + CLV_FIT_QUALITY_NATTS)
#define GAMMA_GAMMA_NATTS (7 + CLV_FIT_QUALITY_NATTS)
#define SUMMARY_NATTS 6
#define HOLDOUT_NATTS 9

/* The attribute of clv_holdout that is its holdout duration. */
#define HOLDOUT_DURATION_ATT 7

/*
 * The largest n of purchase_probability, whose work is O(n) in one
 * uninterruptible call; and the most hypergeometric series terms a
 * Pareto/NBD probability may take (about a second).
 */
#define MAX_PURCHASE_COUNT 10000
#define MAX_PNBD_COUNT_TERMS 5e8

/* The predictions and parameter names of each purchase model. */
typedef struct PurchasePredictions
{
	double		(*p_alive) (const double *param, double x, double t_x, double t);
	/* E[Y(horizon) | alive] of a customer; times p_alive, the expectation */
	double		(*if_alive) (const double *param, double horizon, double x,
							 double t);
	/* the same at many horizons */
	ClvPurchasesIfAlive if_alive_horizons;
	/* E[X(horizon)] of a new customer */
	double		(*unconditional) (const double *param, double horizon);
	/* P(X(horizon) = n) of a new customer */
	double		(*pmf) (const double *param, double horizon, double n);
	/* P(X(t, t + horizon) = n | x, t_x, t) */
	double		(*conditional_pmf) (const double *param, double horizon,
									double n, double x, double t_x, double t);
	const char *names[4];
} PurchasePredictions;

static const PurchasePredictions predictions[] = {
	[MODEL_BGNBD] = {clv_bgnbd_p_alive, clv_bgnbd_purchases_if_alive,
	clv_bgnbd_purchases_if_alive_horizons, clv_bgnbd_unconditional_purchases,
	clv_bgnbd_pmf, clv_bgnbd_conditional_pmf, {"r", "alpha", "a", "b"}},
	[MODEL_PARETO_NBD] = {clv_pnbd_p_alive, clv_pnbd_purchases_if_alive,
	clv_pnbd_purchases_if_alive_horizons, clv_pnbd_unconditional_purchases,
	clv_pnbd_pmf, clv_pnbd_conditional_pmf, {"r", "alpha", "s", "beta"}},
	[MODEL_MBGNBD] = {clv_mbgnbd_p_alive, clv_mbgnbd_purchases_if_alive,
	clv_mbgnbd_purchases_if_alive_horizons, clv_mbgnbd_unconditional_purchases,
	clv_mbgnbd_pmf, clv_mbgnbd_conditional_pmf, {"r", "alpha", "a", "b"}}
};

/* The form a scoring function takes its customer in. */
typedef enum CustomerForm
{
	CUSTOMER_PLAIN,				/* x, t_x, t[, m] as plain arguments */
	CUSTOMER_SUMMARY,			/* one clv_summary argument */
	CUSTOMER_HOLDOUT,			/* one clv_holdout argument */
	CUSTOMER_NEW				/* none: a new customer, no history */
} CustomerForm;

/*
 * The most distinct (x, t) a value cache holds before it starts over (a
 * power of 2): 8 MB of entries at most.
 */
#define VALUE_CACHE_MAX_ENTRIES 131072

/*
 * The settings whose values one cache entry holds side by side: a scoring
 * query's expected_purchases and clv calls each look up the same customer,
 * and finding both values in one entry (one cache line) halves the memory
 * waits of a million random customers.
 */
#define VALUE_SLOTS 4

/* The key of a cached value: a customer's x and t (-0 made +0). */
typedef struct ValueCacheKey
{
	int64		x;
	double		t;
} ValueCacheKey;

/*
 * The per-(x, t) values of the settings of a value cache's slots: value[i]
 * holds slot i's when generation[i] is the slot's generation (0: none).
 */
typedef struct ValueCacheEntry
{
	ValueCacheKey key;
	double		value[VALUE_SLOTS];
	uint16		generation[VALUE_SLOTS];
	char		status;			/* simplehash's */
} ValueCacheEntry;

/* The hash of a value cache key: its two words mixed (splitmix64). */
static inline uint32
value_cache_hash(ValueCacheKey key)
{
	uint64		hash;

	memcpy(&hash, &key.t, sizeof(hash));
	hash ^= (uint64) key.x * UINT64CONST(0x9E3779B97F4A7C15);
	hash ^= hash >> 30;
	hash *= UINT64CONST(0xBF58476D1CE4E5B9);
	hash ^= hash >> 27;
	hash *= UINT64CONST(0x94D049BB133111EB);
	hash ^= hash >> 31;
	return (uint32) hash;
}

/* The key of a customer's x and t. */
static inline ValueCacheKey
value_cache_key(int64 x, double t)
{
	ValueCacheKey key;

	key.x = x;
	key.t = t + 0.0;			/* -0 becomes 0 */
	return key;
}

#define SH_PREFIX value_table
#define SH_ELEMENT_TYPE ValueCacheEntry
#define SH_KEY_TYPE ValueCacheKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) value_cache_hash(k)
#define SH_EQUAL(tb, a, b) ((a).x == (b).x && (a).t == (b).t)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/*
 * What a value cache slot's values are: the per-(x, t) factor of a model
 * and a function's settings, clv()'s discounted purchases (settings months
 * and discount) or expected_purchases' purchases if alive (setting the
 * horizon).  The result is P(alive | x, t_x, t) times this (and the
 * spend).
 */
typedef struct ValueSetting
{
	ModelKind	kind;
	double		param[4];
	int64		unit_usec;
	double		settings[2];
	uint16		generation;		/* 0: the slot is free */
} ValueSetting;

/*
 * Cached per-(x, t) values of up to VALUE_SLOTS settings.  Day-level
 * summaries share few distinct (x, t): a million customers of two years
 * of days have some 52,000.  The call sites of a query share one cache
 * (query_values), made in their query's memory context and forgotten when
 * that context goes; a call site of another query running meanwhile keeps
 * a cache of its own.  More settings than slots take turns in them.
 */
typedef struct ValueCache
{
	MemoryContext context;		/* where the table lives */
	MemoryContextCallback forget;	/* clears query_values with context */
	ValueSetting slot[VALUE_SLOTS];
	int			next_eviction;	/* the slot a new setting takes when all are */
	value_table_hash *table;
} ValueCache;

/* The value cache the call sites of the running query share, if any. */
static ValueCache *query_values = NULL;

/* A purchase model read from its composite. */
typedef struct PurchaseModel
{
	ModelKind	kind;
	double		param[4];
	int64		unit_usec;
} PurchaseModel;

/*
 * The model composite a call site read last: its bytes, and the checked
 * parameters (and unit, of a purchase model) read from them.  Scoring
 * passes the same model on every row; comparing bytes replaces deforming
 * and checking it again.
 */
typedef struct ModelMemo
{
	char	   *bytes;			/* NULL until a model was read */
	Size		len;
	Size		space;			/* allocated size of bytes */
	double		param[4];
	int64		unit_usec;
} ModelMemo;

/* Per-call-site cache (fn_extra): composite readers, models, values. */
typedef struct ScoringCache
{
	ClvCompositeReader model;
	ClvCompositeReader spend;
	ClvCompositeReader summary;
	ModelMemo	model_memo;
	ModelMemo	spend_memo;
	ValueCache *values;			/* query_values or its own; made on first use */
	int			slot;			/* its slot in values, -1 before it has one */
} ScoringCache;

/* A customer's summary as the scoring functions take it. */
typedef struct Customer
{
	int64		x;
	double		t_x;
	double		t;
	double		m;
	double		holdout_duration;	/* CUSTOMER_HOLDOUT only */
} Customer;

/* The call site's cache, made on the first call. */
static ScoringCache *
scoring_cache(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
														  sizeof(ScoringCache));
	return (ScoringCache *) fcinfo->flinfo->fn_extra;
}

/* Whether the value packed has the len bytes at bytes (NULL: none). */
static bool
same_bytes(const char *bytes, Size len, const struct varlena *packed)
{
	return bytes != NULL && VARSIZE_ANY_EXHDR(packed) == len &&
		memcmp(VARDATA_ANY(packed), bytes, len) == 0;
}

/*
 * The summary read last in this backend, kept by its bytes: a scoring
 * query calls several functions on each customer's summary, and comparing
 * the bytes replaces deforming the composite and converting its numeric m
 * again.  The bytes are held as an aligned composite whose deformed values
 * point into it; m and the unit are converted, and the input rules
 * checked, on first need (a conversion or check that fails leaves its flag
 * unset, so the next call raises the error again, naming its own function).
 */
#define SUMMARY_MEMO_SPACE 256

typedef struct SummaryMemo
{
	bool		valid;
	int			natts;
	Size		len;			/* of the composite's data */
	union
	{
		char		data[VARHDRSZ + SUMMARY_MEMO_SPACE];
		double		align;
	}			tuple;
	Datum		values[HOLDOUT_NATTS];
	bool		nulls[HOLDOUT_NATTS];
	bool		have_m;
	double		m;
	bool		have_unit;
	int64		unit_usec;
	bool		checked_times;	/* (x, t_x, t) passed the rules */
	bool		checked_x;		/* x did */
	bool		checked_m;		/* m did */
} SummaryMemo;

static SummaryMemo last_summary;

/*
 * The value-cache entry of a customer's (x, t) in the running query's value
 * cache, as far as its home bucket (NULL: the query has none).  The first
 * scoring function to read a customer starts loading it (with 50,000
 * distinct (x, t) the table is larger than the cache), so that it has
 * arrived when expected_purchases or clv looks it up.
 */
static inline const char *
value_cache_bucket(int64 x, double t)
{
	if (query_values == NULL)
		return NULL;
	return (const char *) &query_values->table->data[value_cache_hash(value_cache_key(x, t)) &
													 query_values->table->sizemask];
}

/*
 * The summary composite in argument argno as the memo holds it, deformed
 * into natts attributes; a composite too large for the memo is deformed
 * into *scratch instead.
 */
static SummaryMemo *
summary_memo(FunctionCallInfo fcinfo, int argno, int natts, SummaryMemo *scratch)
{
	struct varlena *packed = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));
	Size		len = VARSIZE_ANY_EXHDR(packed);
	SummaryMemo *memo = &last_summary;

	if (memo->valid && memo->natts == natts &&
		same_bytes(VARDATA(memo->tuple.data), memo->len, packed))
		return memo;
	if (len > SUMMARY_MEMO_SPACE)
	{
		memo = scratch;
		clv_deform_composite(&scoring_cache(fcinfo)->summary, fcinfo->flinfo->fn_mcxt,
							 PG_GETARG_DATUM(argno), natts, memo->values, memo->nulls);
	}
	else
	{
		memo->valid = false;
		SET_VARSIZE(memo->tuple.data, len + VARHDRSZ);
		memcpy(VARDATA(memo->tuple.data), VARDATA_ANY(packed), len);
		clv_deform_composite(&scoring_cache(fcinfo)->summary, fcinfo->flinfo->fn_mcxt,
							 PointerGetDatum(memo->tuple.data), natts, memo->values,
							 memo->nulls);
		memo->len = len;
	}
	/*
	 * a new customer: start loading its value-cache entry (the prefetch is
	 * written here, not in a function of its own, which GCC 12 found to have
	 * no effect and dropped)
	 */
#ifdef __GNUC__
	if (!memo->nulls[0] && !memo->nulls[2])
	{
		const char *bucket = value_cache_bucket(DatumGetInt64(memo->values[0]),
												DatumGetFloat8(memo->values[2]));

		if (bucket != NULL)
		{
			__builtin_prefetch(bucket);
			__builtin_prefetch(bucket + sizeof(ValueCacheEntry) - 1);
		}
	}
#endif
	memo->natts = natts;
	memo->have_m = false;
	memo->have_unit = false;
	memo->checked_times = false;
	memo->checked_x = false;
	memo->checked_m = false;
	memo->valid = memo == &last_summary;
	return memo;
}

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
				 errhint("Pass a model returned by bgnbd_fit, mbgnbd_fit, pareto_nbd_fit or gamma_gamma_fit.")));
	return value;
}

/*
 * Whether composite has the bytes of the model memo read last; if so, its
 * nparam parameters (and unit) are copied out of the memo.
 */
static bool
memo_recall(const ModelMemo *memo, Datum composite, int nparam, double *param,
			int64 *unit_usec)
{
	struct varlena *packed = PG_DETOAST_DATUM_PACKED(composite);

	if (!same_bytes(memo->bytes, memo->len, packed))
		return false;
	memcpy(param, memo->param, nparam * sizeof(double));
	if (unit_usec != NULL)
		*unit_usec = memo->unit_usec;
	return true;
}

/*
 * Makes the memo hold composite, just read without error, with its nparam
 * parameters and unit; the bytes are kept in mcxt.
 */
static void
memo_keep(ModelMemo *memo, MemoryContext mcxt, Datum composite, int nparam,
		  const double *param, int64 unit_usec)
{
	struct varlena *packed = PG_DETOAST_DATUM_PACKED(composite);
	Size		len = VARSIZE_ANY_EXHDR(packed);

	if (memo->bytes == NULL || memo->space < len)
	{
		char	   *bytes = MemoryContextAlloc(mcxt, len);

		if (memo->bytes != NULL)
			pfree(memo->bytes);
		memo->bytes = bytes;
		memo->space = len;
	}
	memcpy(memo->bytes, VARDATA_ANY(packed), len);
	memo->len = len;
	memcpy(memo->param, param, nparam * sizeof(double));
	memo->unit_usec = unit_usec;
}

/* Reads the purchase model of kind in argument 0. */
static void
read_purchase_model(FunctionCallInfo fcinfo, ModelKind kind,
					PurchaseModel *model, const char *fname)
{
	ScoringCache *cache = scoring_cache(fcinfo);
	Datum		values[PURCHASE_MODEL_NATTS];
	bool		nulls[PURCHASE_MODEL_NATTS];
	int			i;

	model->kind = kind;
	if (memo_recall(&cache->model_memo, PG_GETARG_DATUM(0), 4, model->param,
					&model->unit_usec))
		return;
	clv_deform_composite(&cache->model, fcinfo->flinfo->fn_mcxt,
						 PG_GETARG_DATUM(0), PURCHASE_MODEL_NATTS, values, nulls);
	for (i = 0; i < 4; i++)
		model->param[i] = model_param(values, nulls, i, predictions[kind].names[i],
									  fname);
	if (nulls[8])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s model unit must not be NULL", fname),
				 errhint("Pass a model returned by bgnbd_fit, mbgnbd_fit or pareto_nbd_fit.")));
	model->unit_usec = clv_unit_usec(DatumGetIntervalP(values[8]), fname);
	memo_keep(&cache->model_memo, fcinfo->flinfo->fn_mcxt, PG_GETARG_DATUM(0), 4,
			  model->param, model->unit_usec);
}

/* Reads the Gamma-Gamma model of argument argno into param[3]. */
static void
read_spend_model(FunctionCallInfo fcinfo, int argno, double *param,
				 const char *fname)
{
	static const char *const names[3] = {"p", "q", "gamma"};
	ScoringCache *cache = scoring_cache(fcinfo);
	Datum		values[GAMMA_GAMMA_NATTS];
	bool		nulls[GAMMA_GAMMA_NATTS];
	int			i;

	if (memo_recall(&cache->spend_memo, PG_GETARG_DATUM(argno), 3, param, NULL))
		return;
	clv_deform_composite(&cache->spend, fcinfo->flinfo->fn_mcxt,
						 PG_GETARG_DATUM(argno), GAMMA_GAMMA_NATTS, values, nulls);
	for (i = 0; i < 3; i++)
		param[i] = model_param(values, nulls, i, names[i], fname);
	memo_keep(&cache->spend_memo, fcinfo->flinfo->fn_mcxt, PG_GETARG_DATUM(argno), 3,
			  param, 0);
}

/*
 * Reads the customer starting at argument argno in form: a clv_summary or
 * clv_holdout (whose unit must be unit_usec, when that is not 0), or plain
 * x, t_x, t (with_times) and m (with_m).  Checks the input rules.  Returns
 * false when a field the function needs is NULL in the summary (the result
 * is then NULL); of a clv_holdout it needs the holdout duration too.
 */
static bool
read_customer(FunctionCallInfo fcinfo, int argno, CustomerForm form,
			  bool with_times, bool with_m, int64 unit_usec,
			  Customer *customer, const char *fname)
{
	SummaryMemo scratch;
	SummaryMemo *summary = NULL;

	memset(customer, 0, sizeof(*customer));
	if (form != CUSTOMER_PLAIN)
	{
		Datum	   *values;
		bool	   *nulls;

		summary = summary_memo(fcinfo, argno,
							   form == CUSTOMER_HOLDOUT ? HOLDOUT_NATTS : SUMMARY_NATTS,
							   &scratch);
		values = summary->values;
		nulls = summary->nulls;

		if (nulls[0] || nulls[1] || nulls[2] || nulls[5] || (with_m && nulls[3]) ||
			(form == CUSTOMER_HOLDOUT && nulls[HOLDOUT_DURATION_ATT]))
			return false;
		if (form == CUSTOMER_HOLDOUT)
			customer->holdout_duration = DatumGetFloat8(values[HOLDOUT_DURATION_ATT]);
		customer->x = DatumGetInt64(values[0]);
		customer->t_x = DatumGetFloat8(values[1]);
		customer->t = DatumGetFloat8(values[2]);
		if (with_m && !summary->have_m)
		{
			summary->m = clv_numeric_float8(values[3]);
			summary->have_m = true;
		}
		if (with_m)
			customer->m = summary->m;
		if (!summary->have_unit)
		{
			summary->unit_usec = clv_unit_usec(DatumGetIntervalP(values[5]), fname);
			summary->have_unit = true;
		}
		if (unit_usec != 0 && summary->unit_usec != unit_usec)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s summary unit differs from the model's unit", fname),
					 errdetail("The summary is in units of " INT64_FORMAT " microseconds, the model in units of " INT64_FORMAT ".",
							   summary->unit_usec, unit_usec),
					 errhint("Compute the summaries with the unit the model was fitted in.")));
	}
	else
	{
		int			next = argno + 1;

		customer->x = PG_GETARG_INT64(argno);
		if (with_times)
		{
			customer->t_x = PG_GETARG_FLOAT8(next);
			customer->t = PG_GETARG_FLOAT8(next + 1);
			next += 2;
		}
		if (with_m)
			customer->m = PG_GETARG_FLOAT8(next);
	}
	/* a summary the memo holds may have passed the rules already */
	if (with_times && !(summary != NULL && summary->checked_times))
		clv_stats_check_tx(fname, ERRCODE_INVALID_PARAMETER_VALUE, customer->x,
						   customer->t_x, customer->t);
	else if (!with_times && !(summary != NULL && summary->checked_x))
		clv_stats_check_x(fname, ERRCODE_INVALID_PARAMETER_VALUE, customer->x);
	if (with_m && !(summary != NULL && summary->checked_m))
		clv_stats_check_m(fname, customer->x, customer->m);
	if (summary != NULL)
	{
		/* the rule of (x, t_x, t) includes that of x */
		summary->checked_times |= with_times;
		summary->checked_x = true;
		summary->checked_m |= with_m;
	}
	return true;
}

/* Returns value, or raises an error for a non-finite result. */
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

/*
 * The P(alive) computed last in this backend, by model and customer: a
 * scoring query asks p_alive, expected_purchases and clv of each customer
 * in turn, and each of them needs it.
 */
typedef struct PAliveMemo
{
	bool		valid;
	ModelKind	kind;
	double		param[4];
	int64		x;
	double		t_x;
	double		t;
	double		p_alive;
} PAliveMemo;

static PAliveMemo last_p_alive;

/* P(alive | x, t_x, t) of customer under model. */
static double
customer_p_alive(const PurchaseModel *model, const Customer *customer)
{
	PAliveMemo *memo = &last_p_alive;

	if (!(memo->valid && memo->kind == model->kind &&
		  memcmp(memo->param, model->param, sizeof(memo->param)) == 0 &&
		  memo->x == customer->x && memo->t_x == customer->t_x &&
		  memo->t == customer->t))
	{
		memo->kind = model->kind;
		memcpy(memo->param, model->param, sizeof(memo->param));
		memo->x = customer->x;
		memo->t_x = customer->t_x;
		memo->t = customer->t;
		memo->p_alive = predictions[model->kind].p_alive(model->param,
														 (double) customer->x,
														 customer->t_x, customer->t);
		memo->valid = true;
	}
	return memo->p_alive;
}

/* p_alive(model, customer): P(alive | x, t_x, t). */
static Datum
p_alive(FunctionCallInfo fcinfo, ModelKind kind, CustomerForm form)
{
	PurchaseModel model;
	Customer	customer;

	read_purchase_model(fcinfo, kind, &model, "p_alive");
	if (!read_customer(fcinfo, 1, form, true, false, model.unit_usec, &customer,
					   "p_alive"))
		PG_RETURN_NULL();
	return finite_result(customer_p_alive(&model, &customer),
						 "p_alive");
}

/* Raises fname's error of a horizon that is negative or not finite. */
static void
check_horizon(double horizon, const char *fname)
{
	if (!(horizon >= 0.0 && isfinite(horizon)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s horizon must be a non-negative finite number", fname),
				 errdetail("horizon = %g.", horizon),
				 errhint("The horizon is in the model's unit.")));
}

/* Forgets the query's shared value cache as its memory context goes. */
static void
forget_query_values(void *arg)
{
	if (query_values == (ValueCache *) arg)
		query_values = NULL;
}

/* A new, empty value cache in context. */
static ValueCache *
value_cache_create(MemoryContext context)
{
	ValueCache *values = MemoryContextAllocZero(context, sizeof(ValueCache));

	values->context = context;
	values->table = value_table_create(context, 256, NULL);
	return values;
}

/*
 * The value cache of the call site: the query's shared one when it belongs
 * to the call site's memory context (made if there is none), else one of
 * its own.
 */
static ValueCache *
call_site_values(FunctionCallInfo fcinfo, ScoringCache *cache)
{
	MemoryContext context = fcinfo->flinfo->fn_mcxt;

	if (cache->values != NULL)
		return cache->values;
	cache->slot = -1;
	if (query_values == NULL)
	{
		query_values = value_cache_create(context);
		query_values->forget.func = forget_query_values;
		query_values->forget.arg = query_values;
		MemoryContextRegisterResetCallback(context, &query_values->forget);
	}
	cache->values = query_values->context == context ? query_values :
		value_cache_create(context);
	return cache->values;
}

/* Whether slot holds the values of model and settings. */
static bool
slot_is(const ValueSetting *slot, const PurchaseModel *model, double setting0,
		double setting1)
{
	return slot->generation != 0 && slot->kind == model->kind &&
		memcmp(slot->param, model->param, sizeof(slot->param)) == 0 &&
		slot->unit_usec == model->unit_usec && slot->settings[0] == setting0 &&
		slot->settings[1] == setting1;
}

/*
 * Points slot i of values at model and settings, whose values none of its
 * entries holds yet: the slot's generation moves on, and when it has used
 * all of them the table starts over.
 */
static void
slot_take(ValueCache *values, int i, const PurchaseModel *model,
		  double setting0, double setting1)
{
	ValueSetting *slot = &values->slot[i];

	if (slot->generation == PG_UINT16_MAX)
	{
		value_table_destroy(values->table);
		values->table = value_table_create(values->context, 256, NULL);
		slot->generation = 0;
	}
	slot->kind = model->kind;
	memcpy(slot->param, model->param, sizeof(slot->param));
	slot->unit_usec = model->unit_usec;
	slot->settings[0] = setting0;
	slot->settings[1] = setting1;
	slot->generation++;
}

/*
 * The slot of the call site's value cache for model and settings: the one
 * it used last when that still holds them, else one that does, else a free
 * one, else its own last (its model changed), else the next to evict.
 */
static int
call_site_slot(ScoringCache *cache, ValueCache *values,
			   const PurchaseModel *model, double setting0, double setting1)
{
	int			i;

	if (cache->slot >= 0 &&
		slot_is(&values->slot[cache->slot], model, setting0, setting1))
		return cache->slot;
	for (i = 0; i < VALUE_SLOTS; i++)
		if (slot_is(&values->slot[i], model, setting0, setting1))
			return cache->slot = i;
	for (i = 0; i < VALUE_SLOTS && values->slot[i].generation != 0; i++)
		;
	if (i == VALUE_SLOTS)
	{
		i = cache->slot;
		if (i < 0)
		{
			i = values->next_eviction;
			values->next_eviction = (i + 1) % VALUE_SLOTS;
		}
	}
	slot_take(values, i, model, setting0, setting1);
	return cache->slot = i;
}

/*
 * The cached value for customer's (x, t) under model and the function's
 * settings, or compute(model, customer, t, arg) stored into the cache; t
 * is the customer's t with -0 made +0.
 */
static double
cached_value(FunctionCallInfo fcinfo, const PurchaseModel *model,
			 double setting0, double setting1, const Customer *customer,
			 double (*compute) (const PurchaseModel *model,
								const Customer *customer, double t,
								double setting0, double setting1))
{
	ScoringCache *cache = scoring_cache(fcinfo);
	ValueCache *values = call_site_values(fcinfo, cache);
	int			i = call_site_slot(cache, values, model, setting0, setting1);
	ValueCacheKey key;
	ValueCacheEntry *entry;
	bool		found;
	double		value;

	if (values->table->members >= VALUE_CACHE_MAX_ENTRIES)
	{
		value_table_destroy(values->table);
		values->table = value_table_create(values->context, 256, NULL);
	}
	key = value_cache_key(customer->x, customer->t);
	entry = value_table_insert(values->table, key, &found);
	if (!found)
		memset(entry->generation, 0, sizeof(entry->generation));
	else if (entry->generation[i] == values->slot[i].generation)
		return entry->value[i];
	value = compute(model, customer, key.t, setting0, setting1);
	/* compute may have raised an error: the entry is only valid from here */
	entry->value[i] = value;
	entry->generation[i] = values->slot[i].generation;
	return value;
}

/* The purchases in the next horizon units if alive: E[Y] / P(alive). */
static double
compute_if_alive(const PurchaseModel *model, const Customer *customer,
				 double t, double horizon, double no_setting)
{
	return predictions[model->kind].if_alive(model->param, horizon,
											 (double) customer->x, t);
}

/*
 * The purchases of customer in the next horizon units if alive, from the
 * call site's cache when it has them: E[Y(horizon) | x, t_x, t] is this
 * times P(alive), as each model's expected purchases computes it.
 */
static double
purchases_if_alive(FunctionCallInfo fcinfo, const PurchaseModel *model,
				   const Customer *customer, double horizon)
{
	return cached_value(fcinfo, model, horizon, 0.0, customer, compute_if_alive);
}

/*
 * expected_purchases(model, horizon[, customer]): of a customer with a
 * history, the purchases in the next horizon units; of a new customer,
 * E[X(horizon)]; and expected_purchases(model, holdout) over the
 * holdout's duration.
 */
static Datum
expected_purchases(FunctionCallInfo fcinfo, ModelKind kind, CustomerForm form)
{
	PurchaseModel model;
	Customer	customer;
	double		horizon = 0.0;

	read_purchase_model(fcinfo, kind, &model, "expected_purchases");
	if (form != CUSTOMER_HOLDOUT)
	{
		horizon = PG_GETARG_FLOAT8(1);
		check_horizon(horizon, "expected_purchases");
	}
	if (form == CUSTOMER_NEW)
		return finite_result(predictions[kind].unconditional(model.param, horizon),
							 "expected_purchases");
	if (!read_customer(fcinfo, form == CUSTOMER_HOLDOUT ? 1 : 2, form, true, false,
					   model.unit_usec, &customer, "expected_purchases"))
		PG_RETURN_NULL();
	if (form == CUSTOMER_HOLDOUT)
	{
		horizon = customer.holdout_duration;
		check_horizon(horizon, "expected_purchases");
	}
	return finite_result(purchases_if_alive(fcinfo, &model, &customer, horizon) *
						 customer_p_alive(&model, &customer),
						 "expected_purchases");
}

/*
 * The hypergeometric series terms of a Pareto/NBD probability of n
 * purchases for a customer of age t (0: a new customer), an upper bound:
 * n + 2 series at the posterior (alpha + t, beta + t) with argument z =
 * |alpha - beta| / max(alpha, beta) at most (src/core/counts.c), the
 * i-th of them with first parameter n + 1 - i, so that it rises for at
 * most about (n + 1 - i) z / (1 - z) terms before it falls, then needs
 * about 37 / (1 - z) more.
 */
static double
pnbd_count_terms(const double *param, double n, double t)
{
	double		alpha = param[1] + t,
				beta = param[3] + t;
	double		z = fabs(alpha - beta) / fmax(alpha, beta);

	return (n + 2) * (n * z / 2 + 37.0) * fmax(alpha, beta) / fmin(alpha, beta);
}

/*
 * purchase_probability(model, n, horizon[, customer]): the probability of
 * exactly n purchases in the next horizon units of a customer with a
 * history, or in the first horizon units of a new customer.
 */
static Datum
purchase_probability(FunctionCallInfo fcinfo, ModelKind kind, CustomerForm form)
{
	PurchaseModel model;
	Customer	customer = {0};
	int64		n = PG_GETARG_INT64(1);
	double		horizon;

	read_purchase_model(fcinfo, kind, &model, "purchase_probability");
	if (n < 0 || n > MAX_PURCHASE_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("purchase_probability n must be between 0 and %d", MAX_PURCHASE_COUNT),
				 errdetail("n = " INT64_FORMAT ".", n),
				 errhint("The work grows with n; for the tail beyond a count use 1 minus the sum of the probabilities below it.")));
	horizon = PG_GETARG_FLOAT8(2);
	check_horizon(horizon, "purchase_probability");
	if (form != CUSTOMER_NEW &&
		!read_customer(fcinfo, 3, form, true, false, model.unit_usec, &customer,
					   "purchase_probability"))
		PG_RETURN_NULL();
	if (kind == MODEL_PARETO_NBD)
	{
		double		terms = pnbd_count_terms(model.param, (double) n, customer.t);

		if (terms > MAX_PNBD_COUNT_TERMS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("purchase_probability n is too large for this Pareto/NBD model"),
					 errdetail("n = " INT64_FORMAT ", alpha = %g, beta = %g: the probability would take about %.3g hypergeometric series terms, more than %.3g.",
							   n, model.param[1], model.param[3], terms, MAX_PNBD_COUNT_TERMS),
					 errhint("Use a smaller n: the further apart alpha and beta, the more terms each count takes.")));
	}
	if (form == CUSTOMER_NEW)
		return finite_result(predictions[kind].pmf(model.param, horizon, (double) n),
							 "purchase_probability");
	return finite_result(predictions[kind].conditional_pmf(model.param, horizon, (double) n,
														   customer.x, customer.t_x,
														   customer.t),
						 "purchase_probability");
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

/*
 * expected_spend(gg, customer): NULL for a refund-only repeat customer and
 * where the model's mean is infinite.
 */
static Datum
expected_spend(FunctionCallInfo fcinfo, CustomerForm form)
{
	double		gg[3];
	Customer	customer;
	double		spend;

	read_spend_model(fcinfo, 0, gg, "expected_spend");
	if (!read_customer(fcinfo, 1, form, false, true, 0, &customer, "expected_spend"))
		PG_RETURN_NULL();
	spend = spend_of(gg, &customer);
	if (isnan(spend))
		PG_RETURN_NULL();
	return finite_result(spend, "expected_spend");
}

/*
 * The discounted purchases of the next months months of 30 days if alive,
 * at the monthly discount rate.
 */
static double
compute_discounted(const PurchaseModel *model, const Customer *customer,
				   double t, double months, double discount)
{
	return clv_discounted_purchases(predictions[model->kind].if_alive_horizons,
									model->param, (double) customer->x, t,
									(int) months,
									30.0 * USECS_PER_DAY / model->unit_usec,
									discount, clv_models_check_interrupts, NULL);
}

/*
 * The discounted purchases of the next months months of customer if alive,
 * from the call site's cache when it has them.
 */
static double
discounted_purchases(FunctionCallInfo fcinfo, const PurchaseModel *model,
					 const Customer *customer, int months, double discount)
{
	return cached_value(fcinfo, model, months, discount, customer,
						compute_discounted);
}

/*
 * clv(model, gg, customer, months, discount): the discounted expected
 * value of the next months months of 30 days.
 */
static Datum
model_clv(FunctionCallInfo fcinfo, ModelKind kind, CustomerForm form)
{
	PurchaseModel model;
	double		gg[3];
	Customer	customer;
	int			months = PG_GETARG_INT32(PG_NARGS() - 2);
	double		discount = PG_GETARG_FLOAT8(PG_NARGS() - 1);
	double		spend;

	read_purchase_model(fcinfo, kind, &model, "clv");
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
	if (!read_customer(fcinfo, 2, form, true, true, model.unit_usec, &customer, "clv"))
		PG_RETURN_NULL();
	spend = spend_of(gg, &customer);
	if (isnan(spend))
		PG_RETURN_NULL();
	return finite_result(spend *
						 customer_p_alive(&model, &customer) *
						 discounted_purchases(fcinfo, &model, &customer, months, discount),
						 "clv");
}

PG_FUNCTION_INFO_V1(clv_p_alive_bgnbd);
/* p_alive(clv_bgnbd, x, t_x, t). */
Datum
clv_p_alive_bgnbd(PG_FUNCTION_ARGS)
{
	return p_alive(fcinfo, MODEL_BGNBD, CUSTOMER_PLAIN);
}

PG_FUNCTION_INFO_V1(clv_p_alive_bgnbd_summary);
/* p_alive(clv_bgnbd, clv_summary). */
Datum
clv_p_alive_bgnbd_summary(PG_FUNCTION_ARGS)
{
	return p_alive(fcinfo, MODEL_BGNBD, CUSTOMER_SUMMARY);
}

PG_FUNCTION_INFO_V1(clv_p_alive_pareto_nbd);
/* p_alive(clv_pareto_nbd, x, t_x, t). */
Datum
clv_p_alive_pareto_nbd(PG_FUNCTION_ARGS)
{
	return p_alive(fcinfo, MODEL_PARETO_NBD, CUSTOMER_PLAIN);
}

PG_FUNCTION_INFO_V1(clv_p_alive_pareto_nbd_summary);
/* p_alive(clv_pareto_nbd, clv_summary). */
Datum
clv_p_alive_pareto_nbd_summary(PG_FUNCTION_ARGS)
{
	return p_alive(fcinfo, MODEL_PARETO_NBD, CUSTOMER_SUMMARY);
}

PG_FUNCTION_INFO_V1(clv_p_alive_mbgnbd);
/* p_alive(clv_mbgnbd, x, t_x, t). */
Datum
clv_p_alive_mbgnbd(PG_FUNCTION_ARGS)
{
	return p_alive(fcinfo, MODEL_MBGNBD, CUSTOMER_PLAIN);
}

PG_FUNCTION_INFO_V1(clv_p_alive_mbgnbd_summary);
/* p_alive(clv_mbgnbd, clv_summary). */
Datum
clv_p_alive_mbgnbd_summary(PG_FUNCTION_ARGS)
{
	return p_alive(fcinfo, MODEL_MBGNBD, CUSTOMER_SUMMARY);
}

PG_FUNCTION_INFO_V1(clv_expected_purchases_bgnbd);
/* expected_purchases(clv_bgnbd, horizon, x, t_x, t). */
Datum
clv_expected_purchases_bgnbd(PG_FUNCTION_ARGS)
{
	return expected_purchases(fcinfo, MODEL_BGNBD, CUSTOMER_PLAIN);
}

PG_FUNCTION_INFO_V1(clv_expected_purchases_bgnbd_summary);
/* expected_purchases(clv_bgnbd, horizon, clv_summary). */
Datum
clv_expected_purchases_bgnbd_summary(PG_FUNCTION_ARGS)
{
	return expected_purchases(fcinfo, MODEL_BGNBD, CUSTOMER_SUMMARY);
}

PG_FUNCTION_INFO_V1(clv_expected_purchases_pareto_nbd);
/* expected_purchases(clv_pareto_nbd, horizon, x, t_x, t). */
Datum
clv_expected_purchases_pareto_nbd(PG_FUNCTION_ARGS)
{
	return expected_purchases(fcinfo, MODEL_PARETO_NBD, CUSTOMER_PLAIN);
}

PG_FUNCTION_INFO_V1(clv_expected_purchases_pareto_nbd_summary);
/* expected_purchases(clv_pareto_nbd, horizon, clv_summary). */
Datum
clv_expected_purchases_pareto_nbd_summary(PG_FUNCTION_ARGS)
{
	return expected_purchases(fcinfo, MODEL_PARETO_NBD, CUSTOMER_SUMMARY);
}

PG_FUNCTION_INFO_V1(clv_expected_purchases_mbgnbd);
/* expected_purchases(clv_mbgnbd, horizon, x, t_x, t). */
Datum
clv_expected_purchases_mbgnbd(PG_FUNCTION_ARGS)
{
	return expected_purchases(fcinfo, MODEL_MBGNBD, CUSTOMER_PLAIN);
}

PG_FUNCTION_INFO_V1(clv_expected_purchases_mbgnbd_summary);
/* expected_purchases(clv_mbgnbd, horizon, clv_summary). */
Datum
clv_expected_purchases_mbgnbd_summary(PG_FUNCTION_ARGS)
{
	return expected_purchases(fcinfo, MODEL_MBGNBD, CUSTOMER_SUMMARY);
}

PG_FUNCTION_INFO_V1(clv_expected_purchases_bgnbd_new);
/* expected_purchases(clv_bgnbd, horizon): E[X(horizon)] of a new customer. */
Datum
clv_expected_purchases_bgnbd_new(PG_FUNCTION_ARGS)
{
	return expected_purchases(fcinfo, MODEL_BGNBD, CUSTOMER_NEW);
}

PG_FUNCTION_INFO_V1(clv_expected_purchases_pareto_nbd_new);
/* expected_purchases(clv_pareto_nbd, horizon): E[X(horizon)] of a new customer. */
Datum
clv_expected_purchases_pareto_nbd_new(PG_FUNCTION_ARGS)
{
	return expected_purchases(fcinfo, MODEL_PARETO_NBD, CUSTOMER_NEW);
}

PG_FUNCTION_INFO_V1(clv_expected_purchases_mbgnbd_new);
/* expected_purchases(clv_mbgnbd, horizon): E[X(horizon)] of a new customer. */
Datum
clv_expected_purchases_mbgnbd_new(PG_FUNCTION_ARGS)
{
	return expected_purchases(fcinfo, MODEL_MBGNBD, CUSTOMER_NEW);
}

PG_FUNCTION_INFO_V1(clv_purchase_probability_bgnbd_new);
/* purchase_probability(clv_bgnbd, n, horizon). */
Datum
clv_purchase_probability_bgnbd_new(PG_FUNCTION_ARGS)
{
	return purchase_probability(fcinfo, MODEL_BGNBD, CUSTOMER_NEW);
}

PG_FUNCTION_INFO_V1(clv_purchase_probability_bgnbd);
/* purchase_probability(clv_bgnbd, n, horizon, x, t_x, t). */
Datum
clv_purchase_probability_bgnbd(PG_FUNCTION_ARGS)
{
	return purchase_probability(fcinfo, MODEL_BGNBD, CUSTOMER_PLAIN);
}

PG_FUNCTION_INFO_V1(clv_purchase_probability_bgnbd_summary);
/* purchase_probability(clv_bgnbd, n, horizon, clv_summary). */
Datum
clv_purchase_probability_bgnbd_summary(PG_FUNCTION_ARGS)
{
	return purchase_probability(fcinfo, MODEL_BGNBD, CUSTOMER_SUMMARY);
}

PG_FUNCTION_INFO_V1(clv_purchase_probability_pareto_nbd_new);
/* purchase_probability(clv_pareto_nbd, n, horizon). */
Datum
clv_purchase_probability_pareto_nbd_new(PG_FUNCTION_ARGS)
{
	return purchase_probability(fcinfo, MODEL_PARETO_NBD, CUSTOMER_NEW);
}

PG_FUNCTION_INFO_V1(clv_purchase_probability_pareto_nbd);
/* purchase_probability(clv_pareto_nbd, n, horizon, x, t_x, t). */
Datum
clv_purchase_probability_pareto_nbd(PG_FUNCTION_ARGS)
{
	return purchase_probability(fcinfo, MODEL_PARETO_NBD, CUSTOMER_PLAIN);
}

PG_FUNCTION_INFO_V1(clv_purchase_probability_pareto_nbd_summary);
/* purchase_probability(clv_pareto_nbd, n, horizon, clv_summary). */
Datum
clv_purchase_probability_pareto_nbd_summary(PG_FUNCTION_ARGS)
{
	return purchase_probability(fcinfo, MODEL_PARETO_NBD, CUSTOMER_SUMMARY);
}

PG_FUNCTION_INFO_V1(clv_purchase_probability_mbgnbd_new);
/* purchase_probability(clv_mbgnbd, n, horizon). */
Datum
clv_purchase_probability_mbgnbd_new(PG_FUNCTION_ARGS)
{
	return purchase_probability(fcinfo, MODEL_MBGNBD, CUSTOMER_NEW);
}

PG_FUNCTION_INFO_V1(clv_purchase_probability_mbgnbd);
/* purchase_probability(clv_mbgnbd, n, horizon, x, t_x, t). */
Datum
clv_purchase_probability_mbgnbd(PG_FUNCTION_ARGS)
{
	return purchase_probability(fcinfo, MODEL_MBGNBD, CUSTOMER_PLAIN);
}

PG_FUNCTION_INFO_V1(clv_purchase_probability_mbgnbd_summary);
/* purchase_probability(clv_mbgnbd, n, horizon, clv_summary). */
Datum
clv_purchase_probability_mbgnbd_summary(PG_FUNCTION_ARGS)
{
	return purchase_probability(fcinfo, MODEL_MBGNBD, CUSTOMER_SUMMARY);
}

PG_FUNCTION_INFO_V1(clv_expected_purchases_bgnbd_holdout);
/* expected_purchases(clv_bgnbd, clv_holdout). */
Datum
clv_expected_purchases_bgnbd_holdout(PG_FUNCTION_ARGS)
{
	return expected_purchases(fcinfo, MODEL_BGNBD, CUSTOMER_HOLDOUT);
}

PG_FUNCTION_INFO_V1(clv_expected_purchases_pareto_nbd_holdout);
/* expected_purchases(clv_pareto_nbd, clv_holdout). */
Datum
clv_expected_purchases_pareto_nbd_holdout(PG_FUNCTION_ARGS)
{
	return expected_purchases(fcinfo, MODEL_PARETO_NBD, CUSTOMER_HOLDOUT);
}

PG_FUNCTION_INFO_V1(clv_expected_purchases_mbgnbd_holdout);
/* expected_purchases(clv_mbgnbd, clv_holdout). */
Datum
clv_expected_purchases_mbgnbd_holdout(PG_FUNCTION_ARGS)
{
	return expected_purchases(fcinfo, MODEL_MBGNBD, CUSTOMER_HOLDOUT);
}

PG_FUNCTION_INFO_V1(clv_expected_spend);
/* expected_spend(clv_gamma_gamma, x, m). */
Datum
clv_expected_spend(PG_FUNCTION_ARGS)
{
	return expected_spend(fcinfo, CUSTOMER_PLAIN);
}

PG_FUNCTION_INFO_V1(clv_expected_spend_summary);
/* expected_spend(clv_gamma_gamma, clv_summary). */
Datum
clv_expected_spend_summary(PG_FUNCTION_ARGS)
{
	return expected_spend(fcinfo, CUSTOMER_SUMMARY);
}

PG_FUNCTION_INFO_V1(clv_model_clv_bgnbd);
/* clv(clv_bgnbd, clv_gamma_gamma, x, t_x, t, m, months, discount). */
Datum
clv_model_clv_bgnbd(PG_FUNCTION_ARGS)
{
	return model_clv(fcinfo, MODEL_BGNBD, CUSTOMER_PLAIN);
}

PG_FUNCTION_INFO_V1(clv_model_clv_bgnbd_summary);
/* clv(clv_bgnbd, clv_gamma_gamma, clv_summary, months, discount). */
Datum
clv_model_clv_bgnbd_summary(PG_FUNCTION_ARGS)
{
	return model_clv(fcinfo, MODEL_BGNBD, CUSTOMER_SUMMARY);
}

PG_FUNCTION_INFO_V1(clv_model_clv_pareto_nbd);
/* clv(clv_pareto_nbd, clv_gamma_gamma, x, t_x, t, m, months, discount). */
Datum
clv_model_clv_pareto_nbd(PG_FUNCTION_ARGS)
{
	return model_clv(fcinfo, MODEL_PARETO_NBD, CUSTOMER_PLAIN);
}

PG_FUNCTION_INFO_V1(clv_model_clv_pareto_nbd_summary);
/* clv(clv_pareto_nbd, clv_gamma_gamma, clv_summary, months, discount). */
Datum
clv_model_clv_pareto_nbd_summary(PG_FUNCTION_ARGS)
{
	return model_clv(fcinfo, MODEL_PARETO_NBD, CUSTOMER_SUMMARY);
}

PG_FUNCTION_INFO_V1(clv_model_clv_mbgnbd);
/* clv(clv_mbgnbd, clv_gamma_gamma, x, t_x, t, m, months, discount). */
Datum
clv_model_clv_mbgnbd(PG_FUNCTION_ARGS)
{
	return model_clv(fcinfo, MODEL_MBGNBD, CUSTOMER_PLAIN);
}

PG_FUNCTION_INFO_V1(clv_model_clv_mbgnbd_summary);
/* clv(clv_mbgnbd, clv_gamma_gamma, clv_summary, months, discount). */
Datum
clv_model_clv_mbgnbd_summary(PG_FUNCTION_ARGS)
{
	return model_clv(fcinfo, MODEL_MBGNBD, CUSTOMER_SUMMARY);
}
