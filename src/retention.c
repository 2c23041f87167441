/*-------------------------------------------------------------------------
 *
 * retention.c
 *	  retention_rate, new_customer_share, retention_series and
 *	  cohort_retention: aggregates over raw orders that share one state,
 *	  a hash set of customers holding the few bits (one-period functions)
 *	  or the active calendar periods (series and cohorts) each needs.
 *
 * Customer keys of any type with a default hash opclass are accepted; int4
 * and int8 keys are hashed inline, other types through the type cache with
 * the input collation and copied into the aggregate's memory.  Memory grows
 * with distinct customers (and their active periods), never with orders.
 * Calendar arithmetic lives in core/retention.c.
 *
 *-------------------------------------------------------------------------
 */
#include "clv.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "core/retention.h"

/* Which aggregate a state belongs to; also indexes retention_mode_names. */
typedef enum RetentionMode
{
	RETENTION_RATE,				/* bits: previous and current period */
	RETENTION_NEW_SHARE,		/* bits: current period, before it */
	RETENTION_SERIES,			/* active calendar periods */
	RETENTION_COHORTS			/* active calendar periods */
} RetentionMode;

static const char *const retention_mode_names[] = {
	"retention_rate", "new_customer_share", "retention_series", "cohort_retention"
};

#define RETENTION_MODE_IS_PERIODS(mode) ((mode) >= RETENTION_SERIES)

/* A customer's bits in the one-period modes. */
#define RETENTION_IN_PREVIOUS	0x1 /* a row in [start - period, start) */
#define RETENTION_IN_CURRENT	0x2 /* a row in [start, start + period) */
#define RETENTION_BEFORE		0x4 /* a row before start */

/* How customer keys are hashed and compared. */
typedef enum RetentionKeyKind
{
	RETENTION_KEY_INT4,
	RETENTION_KEY_INT8,
	RETENTION_KEY_GENERIC		/* through the type's default hash opclass */
} RetentionKeyKind;

/*
 * Most calendar periods one group may span (first to last period with
 * rows): 2,800 years of days.  Bounds each customer's bitmap too.
 */
#define RETENTION_MAX_PERIODS	1048576

/* Most cells a cohort matrix may have (an array of composites < 1 GB). */
#define RETENTION_MAX_COHORT_CELLS	10000000

/*
 * One customer.  In the one-period modes set.bits holds RETENTION_* flags.
 * In the period modes the customer's active periods are a bitmap whose bit
 * 0 is period base: inline in set.bits while they fit 64 consecutive
 * periods (nwords = 0), otherwise nwords words at set.words.
 */
typedef struct RetentionEntry
{
	uint64		key;			/* int4/int8 value or a generic key's Datum */
	union
	{
		uint64		bits;
		uint64	   *words;
	}			set;
	int32		base;
	uint16		nwords;
	char		status;			/* simplehash's */
} RetentionEntry;

typedef struct RetentionState RetentionState;

static inline uint32 retention_key_hash(RetentionState *state, uint64 key);
static inline bool retention_key_equal(RetentionState *state, uint64 a, uint64 b);

#define SH_PREFIX retention_customers
#define SH_ELEMENT_TYPE RetentionEntry
#define SH_KEY_TYPE uint64
#define SH_KEY key
#define SH_HASH_KEY(tb, k) retention_key_hash((RetentionState *) (tb)->private_data, k)
#define SH_EQUAL(tb, a, b) retention_key_equal((RetentionState *) (tb)->private_data, a, b)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* The arguments that configure a group: same in every row. */
typedef enum RetentionConfig
{
	RETENTION_CONFIG_START,		/* period_start (one-period modes) */
	RETENTION_CONFIG_MONTHS,	/* period's parts */
	RETENTION_CONFIG_DAYS,
	RETENTION_CONFIG_USECS,
	RETENTION_NCONFIG
} RetentionConfig;

static const char *const retention_config_names[] = {
	"period_start", "period", "period", "period"
};

/* The aggregate state shared by the family. */
struct RetentionState
{
	RetentionMode mode;
	RetentionKeyKind key_kind;
	Oid			key_type;
	Oid			collation;
	int16		key_typlen;
	bool		key_typbyval;
	TypeCacheEntry *key_typcache;	/* generic keys: hash and equality */
	MemoryContext context;		/* holds the state, keys and bitmaps */
	retention_customers_hash *customers;
	int64		config[RETENTION_NCONFIG];
	/* one-period modes: row times (clv_time_usec) bounding the periods */
	int64		previous_start;
	int64		period_start;
	int64		period_end;
	/* period modes: the calendar unit and the first and last period seen */
	ClvRetentionUnit unit;
	int32		first_period;
	int32		last_period;
};

/* Mixes a 64-bit integer key into a 32-bit hash (murmur3's finalizer). */
static inline uint32
retention_mix64(uint64 k)
{
	k ^= k >> 33;
	k *= UINT64CONST(0xff51afd7ed558ccd);
	k ^= k >> 33;
	k *= UINT64CONST(0xc4ceb9fe1a85ec53);
	k ^= k >> 33;
	return (uint32) k;
}

/* The hash of a stored or looked-up key. */
static inline uint32
retention_key_hash(RetentionState *state, uint64 key)
{
	if (state->key_kind != RETENTION_KEY_GENERIC)
		return retention_mix64(key);
	return DatumGetUInt32(FunctionCall1Coll(&state->key_typcache->hash_proc_finfo,
											state->collation, (Datum) key));
}

/* Whether two keys are the same customer. */
static inline bool
retention_key_equal(RetentionState *state, uint64 a, uint64 b)
{
	if (state->key_kind != RETENTION_KEY_GENERIC)
		return a == b;
	return DatumGetBool(FunctionCall2Coll(&state->key_typcache->eq_opr_finfo,
										  state->collation, (Datum) a, (Datum) b));
}

/*
 * A new empty state in context for customer keys of key_type compared
 * under collation.  Key types without a default hash opclass are an error.
 */
static RetentionState *
retention_state_new(MemoryContext context, RetentionMode mode, Oid key_type,
					Oid collation)
{
	RetentionState *state;

	state = (RetentionState *) MemoryContextAllocZero(context, sizeof(RetentionState));
	state->mode = mode;
	state->key_type = key_type;
	state->collation = collation;
	state->context = context;
	if (key_type == INT4OID)
		state->key_kind = RETENTION_KEY_INT4;
	else if (key_type == INT8OID)
		state->key_kind = RETENTION_KEY_INT8;
	else
	{
		state->key_kind = RETENTION_KEY_GENERIC;
		state->key_typcache = lookup_type_cache(key_type,
												TYPECACHE_HASH_PROC_FINFO |
												TYPECACHE_EQ_OPR_FINFO);
		if (!OidIsValid(state->key_typcache->hash_proc_finfo.fn_oid) ||
			!OidIsValid(state->key_typcache->eq_opr_finfo.fn_oid))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("%s cannot use customer keys of type %s",
							retention_mode_names[mode], format_type_be(key_type)),
					 errhint("Customer keys need a type with a default hash operator class, such as bigint, text or uuid.")));
		get_typlenbyval(key_type, &state->key_typlen, &state->key_typbyval);
	}
	state->customers = retention_customers_create(context, 64, state);
	return state;
}

/* The hash key of a customer key Datum (detoasted for varlena types). */
static uint64
retention_key_of(RetentionState *state, Datum value)
{
	switch (state->key_kind)
	{
		case RETENTION_KEY_INT4:
			return (uint64) (int64) DatumGetInt32(value);
		case RETENTION_KEY_INT8:
			return (uint64) DatumGetInt64(value);
		case RETENTION_KEY_GENERIC:
			break;
	}
	if (state->key_typlen == -1)
		value = PointerGetDatum(pg_detoast_datum_packed((struct varlena *) DatumGetPointer(value)));
	return (uint64) value;
}

/*
 * The entry of customer key, added if new.  A new generic key is copied
 * into the state's memory unless key_is_owned says it already lives there.
 */
static RetentionEntry *
retention_customer(RetentionState *state, uint64 key, bool key_is_owned,
				   bool *found)
{
	RetentionEntry *entry;

	entry = retention_customers_insert(state->customers, key, found);
	if (!*found)
	{
		if (state->key_kind == RETENTION_KEY_GENERIC && !state->key_typbyval &&
			!key_is_owned)
		{
			MemoryContext old = MemoryContextSwitchTo(state->context);

			entry->key = (uint64) datumCopy((Datum) key, false, state->key_typlen);
			MemoryContextSwitchTo(old);
		}
		entry->set.bits = 0;
		entry->base = 0;
		entry->nwords = 0;
	}
	return entry;
}

/* A customer's active-period bitmap: its words and their count. */
static inline const uint64 *
retention_entry_words(const RetentionEntry *entry, int *nwords)
{
	if (entry->nwords == 0)
	{
		*nwords = 1;
		return &entry->set.bits;
	}
	*nwords = entry->nwords;
	return entry->set.words;
}

/* Marks period active for a customer, growing its bitmap as needed. */
static void
retention_add_period(RetentionState *state, RetentionEntry *entry, int32 period)
{
	int64		offset = (int64) period - entry->base;
	uint64	   *words;
	int			nwords;

	if (entry->nwords == 0)
	{
		uint64		bits = entry->set.bits;

		if (bits == 0)
		{
			entry->base = period;
			entry->set.bits = 1;
			return;
		}
		if (offset >= 0 && offset < 64)
		{
			entry->set.bits |= UINT64CONST(1) << offset;
			return;
		}
		if (offset < 0 && pg_leftmost_one_pos64(bits) - offset < 64)
		{
			entry->set.bits = (bits << (-offset)) | 1;
			entry->base = period;
			return;
		}
		/* the periods no longer fit one word: move it out of line */
		words = (uint64 *) MemoryContextAlloc(state->context, sizeof(uint64));
		words[0] = bits;
		entry->set.words = words;
		entry->nwords = 1;
	}
	words = entry->set.words;
	nwords = entry->nwords;
	if (offset < 0)
	{
		int			prepend = (int) ((-offset + 63) / 64);
		uint64	   *grown;

		grown = (uint64 *) MemoryContextAllocZero(state->context,
												  sizeof(uint64) * (nwords + prepend));
		memcpy(grown + prepend, words, sizeof(uint64) * nwords);
		pfree(words);
		words = grown;
		nwords += prepend;
		entry->base -= 64 * prepend;
		offset += 64 * prepend;
	}
	else if (offset >= 64 * (int64) nwords)
	{
		int			append = (int) (offset / 64) + 1 - nwords;

		words = (uint64 *) repalloc(words, sizeof(uint64) * (nwords + append));
		memset(words + nwords, 0, sizeof(uint64) * append);
		nwords += append;
	}
	words[offset / 64] |= UINT64CONST(1) << (offset % 64);
	entry->set.words = words;
	entry->nwords = (uint16) nwords;
}

/*
 * Widens the group's period range to include [first, last]; a range over
 * RETENTION_MAX_PERIODS is an error.  Called before the customers they
 * belong to are added.
 */
static void
retention_extend_range(RetentionState *state, int32 first, int32 last)
{
	if (state->customers->members == 0 || first < state->first_period)
		state->first_period = first;
	if (state->customers->members == 0 || last > state->last_period)
		state->last_period = last;
	if ((int64) state->last_period - state->first_period >= RETENTION_MAX_PERIODS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s rows span more than %d periods",
						retention_mode_names[state->mode], RETENTION_MAX_PERIODS),
				 errhint("Use a longer period or restrict the rows with WHERE.")));
}

/*
 * Records the configuration of a new state, or checks that a later row's
 * (or another state's) is the same.
 */
static void
retention_check_config(RetentionState *state, const int64 *config, bool record)
{
	for (int i = 0; i < RETENTION_NCONFIG; i++)
	{
		bool		recorded = !record;

		clv_check_same_int64(&state->config[i], &recorded, config[i],
							 retention_mode_names[state->mode],
							 retention_config_names[i]);
	}
}

/* The configuration values of a period_start (row-time axis) and period. */
static void
retention_config_of(int64 *config, int64 start, const Interval *period)
{
	config[RETENTION_CONFIG_START] = start;
	config[RETENTION_CONFIG_MONTHS] = period->month;
	config[RETENTION_CONFIG_DAYS] = period->day;
	config[RETENTION_CONFIG_USECS] = period->time;
}

/* A NULL configuration argument is an error. */
static void
retention_check_not_null(FunctionCallInfo fcinfo, int argno, const char *fname,
						 const char *argname)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s argument \"%s\" must not be null", fname, argname)));
}

/* The calendar unit of a series period; other periods are an error. */
static ClvRetentionUnit
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
 * start + sign * period on the row-time axis of kind (dates are midnights),
 * with calendar arithmetic in the session TimeZone for timestamptz.
 */
static int64
retention_shift(ClvTimeKind kind, int64 start, const Interval *period, int sign)
{
	PGFunction	shift;

	if (kind == CLV_TIME_TIMESTAMPTZ)
		shift = sign > 0 ? timestamptz_pl_interval : timestamptz_mi_interval;
	else
		shift = sign > 0 ? timestamp_pl_interval : timestamp_mi_interval;
	return DatumGetTimestamp(DirectFunctionCall2(shift, TimestampGetDatum(start),
												 IntervalPGetDatum(period)));
}

/* Shared transition of retention_rate and new_customer_share. */
static Datum
retention_one_period_trans(FunctionCallInfo fcinfo, RetentionMode mode)
{
	const char *fname = retention_mode_names[mode];
	MemoryContext aggcontext;
	RetentionState *state;
	ClvTimeKind kind;
	Interval   *period;
	int64		config[RETENTION_NCONFIG];
	int64		t;
	uint64		flags = 0;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "%s called in non-aggregate context", fname);
	retention_check_not_null(fcinfo, 3, fname, "period_start");
	retention_check_not_null(fcinfo, 4, fname, "period");
	kind = clv_arg_time_kind(fcinfo, 2);
	period = PG_GETARG_INTERVAL_P(4);
	retention_config_of(config, clv_time_usec(PG_GETARG_DATUM(3), kind, fname),
						period);

	if (PG_ARGISNULL(0))
	{
		if (period->month < 0 || period->day < 0 || period->time < 0 ||
			(period->month == 0 && period->day == 0 && period->time == 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s period must be positive", fname),
					 errhint("Pass an interval without negative parts, such as '1 month' or '30 days'.")));
		state = retention_state_new(aggcontext, mode,
									get_fn_expr_argtype(fcinfo->flinfo, 1),
									PG_GET_COLLATION());
		retention_check_config(state, config, true);
		state->period_start = config[RETENTION_CONFIG_START];
		state->previous_start = retention_shift(kind, state->period_start, period, -1);
		state->period_end = retention_shift(kind, state->period_start, period, 1);
	}
	else
	{
		state = (RetentionState *) PG_GETARG_POINTER(0);
		retention_check_config(state, config, false);
	}

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);
	t = clv_time_usec(PG_GETARG_DATUM(2), kind, fname);
	if (t >= state->period_start && t < state->period_end)
		flags = RETENTION_IN_CURRENT;
	else if (t < state->period_start && mode == RETENTION_NEW_SHARE)
		flags = RETENTION_BEFORE;
	else if (t < state->period_start && t >= state->previous_start)
		flags = RETENTION_IN_PREVIOUS;
	if (flags != 0)
	{
		bool		found;
		RetentionEntry *entry;

		entry = retention_customer(state, retention_key_of(state, PG_GETARG_DATUM(1)),
								   false, &found);
		entry->set.bits |= flags;
	}
	PG_RETURN_POINTER(state);
}

/* retention_rate(customer_id, ordered_at, period_start, period) transition */
PG_FUNCTION_INFO_V1(clv_retention_rate_trans);
Datum
clv_retention_rate_trans(PG_FUNCTION_ARGS)
{
	return retention_one_period_trans(fcinfo, RETENTION_RATE);
}

/* new_customer_share(customer_id, ordered_at, period_start, period) transition */
PG_FUNCTION_INFO_V1(clv_new_customer_share_trans);
Datum
clv_new_customer_share_trans(PG_FUNCTION_ARGS)
{
	return retention_one_period_trans(fcinfo, RETENTION_NEW_SHARE);
}

/*
 * The session TimeZone's UTC offsets over a few time ranges, so that a
 * timestamptz is turned into local time without a zone lookup per row.
 * Each slot is a range [lo, hi) of timestamps without an offset change;
 * 16 slots hold the DST periods of 8 years, so rows in any order hit.
 */
#define RETENTION_TZ_SLOTS 16

typedef struct RetentionTzCache
{
	pg_tz	   *tz;
	int			last_hit;		/* the slot that answered last */
	int			next_slot;		/* the slot to fill next */
	struct
	{
		int64		lo;
		int64		hi;
		int64		offset;		/* local time - UTC, microseconds */
	}			slot[RETENTION_TZ_SLOTS];
} RetentionTzCache;

/* Floor division of microseconds into whole units. */
static inline int64
retention_floor_div(int64 a, int64 b)
{
	int64		q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* The session TimeZone's UTC offset at timestamptz t, in microseconds. */
static int64
retention_utc_offset(RetentionTzCache *cache, int64 t)
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
		memset(cache, 0, sizeof(RetentionTzCache));
		cache->tz = session_timezone;
	}
	if (t >= cache->slot[cache->last_hit].lo && t < cache->slot[cache->last_hit].hi)
		return cache->slot[cache->last_hit].offset;
	for (int i = 0; i < RETENTION_TZ_SLOTS; i++)
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
	seconds = (pg_time_t) (retention_floor_div(t, USECS_PER_SEC) +
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
	for (int i = 0; i < RETENTION_TZ_SLOTS; i++)
		if (cache->slot[i].hi == hi && cache->slot[i].offset == offset &&
			cache->slot[i].lo > t)
		{
			cache->slot[i].lo = t;
			return offset;
		}
	cache->slot[cache->next_slot].lo = t;
	cache->slot[cache->next_slot].hi = hi;
	cache->slot[cache->next_slot].offset = offset;
	cache->next_slot = (cache->next_slot + 1) % RETENTION_TZ_SLOTS;
	return offset;
}

/*
 * The calendar period of unit containing row time t (clv_time_usec of kind):
 * for timestamptz the local day in the session TimeZone, as date_trunc has it.
 */
static int32
retention_period_of(FunctionCallInfo fcinfo, ClvRetentionUnit unit,
					ClvTimeKind kind, int64 t)
{
	if (kind == CLV_TIME_TIMESTAMPTZ)
	{
		if (fcinfo->flinfo->fn_extra == NULL)
			fcinfo->flinfo->fn_extra =
				MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(RetentionTzCache));
		t += retention_utc_offset((RetentionTzCache *) fcinfo->flinfo->fn_extra, t);
	}
	return clv_retention_period_of_day(unit, (int32) retention_floor_div(t, USECS_PER_DAY));
}

/* Shared transition of retention_series and cohort_retention. */
static Datum
retention_periods_trans(FunctionCallInfo fcinfo, RetentionMode mode)
{
	const char *fname = retention_mode_names[mode];
	MemoryContext aggcontext;
	RetentionState *state;
	ClvTimeKind kind;
	int64		config[RETENTION_NCONFIG];
	int32		period;
	bool		found;
	RetentionEntry *entry;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "%s called in non-aggregate context", fname);
	retention_check_not_null(fcinfo, 3, fname, "period");
	kind = clv_arg_time_kind(fcinfo, 2);
	retention_config_of(config, 0, PG_GETARG_INTERVAL_P(3));

	if (PG_ARGISNULL(0))
	{
		state = retention_state_new(aggcontext, mode,
									get_fn_expr_argtype(fcinfo->flinfo, 1),
									PG_GET_COLLATION());
		state->unit = retention_calendar_unit(PG_GETARG_INTERVAL_P(3), fname);
		retention_check_config(state, config, true);
	}
	else
	{
		state = (RetentionState *) PG_GETARG_POINTER(0);
		retention_check_config(state, config, false);
	}

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);
	period = retention_period_of(fcinfo, state->unit, kind,
								 clv_time_usec(PG_GETARG_DATUM(2), kind, fname));
	retention_extend_range(state, period, period);
	entry = retention_customer(state, retention_key_of(state, PG_GETARG_DATUM(1)),
							   false, &found);
	retention_add_period(state, entry, period);
	PG_RETURN_POINTER(state);
}

/* retention_series(customer_id, ordered_at, period) transition */
PG_FUNCTION_INFO_V1(clv_retention_series_trans);
Datum
clv_retention_series_trans(PG_FUNCTION_ARGS)
{
	return retention_periods_trans(fcinfo, RETENTION_SERIES);
}

/* cohort_retention(customer_id, ordered_at, period) transition */
PG_FUNCTION_INFO_V1(clv_cohort_retention_trans);
Datum
clv_cohort_retention_trans(PG_FUNCTION_ARGS)
{
	return retention_periods_trans(fcinfo, RETENTION_COHORTS);
}

/* Adds every active period of customer from into customer into. */
static void
retention_merge_periods(RetentionState *state, RetentionEntry *into,
						const RetentionEntry *from)
{
	int			nwords;
	const uint64 *words = retention_entry_words(from, &nwords);

	for (int w = 0; w < nwords; w++)
	{
		uint64		word = words[w];

		while (word != 0)
		{
			retention_add_period(state, into, from->base + 64 * w +
								 pg_rightmost_one_pos64(word));
			word &= word - 1;
		}
	}
}

/* Merges the customers of state from into state into. */
static void
retention_merge(RetentionState *into, RetentionState *from)
{
	retention_customers_iterator it;
	RetentionEntry *entry;

	if (into->mode != from->mode || into->key_type != from->key_type ||
		into->collation != from->collation || into->unit != from->unit)
		elog(ERROR, "%s cannot combine states of different kinds",
			 retention_mode_names[into->mode]);
	retention_check_config(into, from->config, false);
	if (RETENTION_MODE_IS_PERIODS(from->mode) && from->customers->members > 0)
		retention_extend_range(into, from->first_period, from->last_period);

	retention_customers_start_iterate(from->customers, &it);
	while ((entry = retention_customers_iterate(from->customers, &it)) != NULL)
	{
		bool		found;
		RetentionEntry *target;

		CHECK_FOR_INTERRUPTS();
		target = retention_customer(into, entry->key, false, &found);
		if (RETENTION_MODE_IS_PERIODS(into->mode))
			retention_merge_periods(into, target, entry);
		else
			target->set.bits |= entry->set.bits;
	}
}

/* Combine function of the family: merges two customer sets. */
PG_FUNCTION_INFO_V1(clv_retention_combine);
Datum
clv_retention_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	RetentionState *into;
	RetentionState *from;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "clv_retention_combine called in non-aggregate context");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	from = (RetentionState *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
	{
		into = retention_state_new(aggcontext, from->mode, from->key_type,
								   from->collation);
		memcpy(into->config, from->config, sizeof(into->config));
		into->previous_start = from->previous_start;
		into->period_start = from->period_start;
		into->period_end = from->period_end;
		into->unit = from->unit;
	}
	else
		into = (RetentionState *) PG_GETARG_POINTER(0);
	retention_merge(into, from);
	PG_RETURN_POINTER(into);
}

/*
 * Serialized state, native byte order: the header below, then per customer
 * its key (int4 or int8 raw; other types as uint32 length + the type's send
 * output) and, in the one-period modes, its flags (uint8), in the period
 * modes base (int32), nwords (uint16) and max(nwords, 1) bitmap words.
 */
typedef struct RetentionWireHeader
{
	uint32		magic;
	uint8		mode;
	uint8		key_kind;
	uint8		unit;
	uint8		unused;
	Oid			key_type;
	Oid			collation;
	int32		first_period;
	int32		last_period;
	int64		config[RETENTION_NCONFIG];
	int64		previous_start;
	int64		period_start;
	int64		period_end;
	uint64		ncustomers;
} RetentionWireHeader;

#define RETENTION_WIRE_MAGIC 0x434c5652 /* "CLVR" */

/* Serialize function of the family. */
PG_FUNCTION_INFO_V1(clv_retention_serialize);
Datum
clv_retention_serialize(PG_FUNCTION_ARGS)
{
	RetentionState *state = (RetentionState *) PG_GETARG_POINTER(0);
	RetentionWireHeader header;
	StringInfoData buf;
	FmgrInfo	send;
	retention_customers_iterator it;
	RetentionEntry *entry;

	memset(&header, 0, sizeof(header));
	header.magic = RETENTION_WIRE_MAGIC;
	header.mode = (uint8) state->mode;
	header.key_kind = (uint8) state->key_kind;
	header.unit = (uint8) state->unit;
	header.key_type = state->key_type;
	header.collation = state->collation;
	header.first_period = state->first_period;
	header.last_period = state->last_period;
	memcpy(header.config, state->config, sizeof(header.config));
	header.previous_start = state->previous_start;
	header.period_start = state->period_start;
	header.period_end = state->period_end;
	header.ncustomers = state->customers->members;

	if (state->key_kind == RETENTION_KEY_GENERIC)
	{
		Oid			sendfn;
		bool		isvarlena;

		getTypeBinaryOutputInfo(state->key_type, &sendfn, &isvarlena);
		fmgr_info(sendfn, &send);
	}

	pq_begintypsend(&buf);
	appendBinaryStringInfo(&buf, (char *) &header, sizeof(header));
	retention_customers_start_iterate(state->customers, &it);
	while ((entry = retention_customers_iterate(state->customers, &it)) != NULL)
	{
		if (state->key_kind == RETENTION_KEY_INT4)
		{
			int32		key = (int32) (int64) entry->key;

			appendBinaryStringInfo(&buf, (char *) &key, sizeof(key));
		}
		else if (state->key_kind == RETENTION_KEY_INT8)
			appendBinaryStringInfo(&buf, (char *) &entry->key, sizeof(entry->key));
		else
		{
			bytea	   *sent = SendFunctionCall(&send, (Datum) entry->key);
			uint32		len = VARSIZE(sent) - VARHDRSZ;

			appendBinaryStringInfo(&buf, (char *) &len, sizeof(len));
			appendBinaryStringInfo(&buf, VARDATA(sent), len);
			pfree(sent);
		}
		if (RETENTION_MODE_IS_PERIODS(state->mode))
		{
			int			nwords;
			const uint64 *words = retention_entry_words(entry, &nwords);

			appendBinaryStringInfo(&buf, (char *) &entry->base, sizeof(entry->base));
			appendBinaryStringInfo(&buf, (char *) &entry->nwords, sizeof(entry->nwords));
			appendBinaryStringInfo(&buf, (char *) words, sizeof(uint64) * nwords);
		}
		else
		{
			uint8		flags = (uint8) entry->set.bits;

			appendBinaryStringInfo(&buf, (char *) &flags, sizeof(flags));
		}
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Reading a serialized state with length checks. */
typedef struct RetentionReader
{
	const char *data;
	size_t		left;
} RetentionReader;

/* Raises the error of an invalid serialized state. */
static void
retention_invalid_state(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized retention state"),
			 errdetail("%s", detail)));
}

/* Copies the next n bytes to dst. */
static void
retention_read(RetentionReader *reader, void *dst, size_t n)
{
	if (reader->left < n)
		retention_invalid_state("The state is truncated.");
	memcpy(dst, reader->data, n);
	reader->data += n;
	reader->left -= n;
}

/* Reads one customer's active-period bitmap into entry; checks its range. */
static void
retention_read_periods(RetentionReader *reader, RetentionState *state,
					   RetentionEntry *entry)
{
	int32		base;
	uint16		nwords;
	int			count;
	uint64	   *words;
	int64		lowest = -1;
	int64		highest = -1;

	retention_read(reader, &base, sizeof(base));
	retention_read(reader, &nwords, sizeof(nwords));
	if (nwords > RETENTION_MAX_PERIODS / 64 + 2)
		retention_invalid_state("A customer has too many period words.");
	count = Max(nwords, 1);
	words = nwords == 0 ? &entry->set.bits :
		(uint64 *) MemoryContextAlloc(state->context, sizeof(uint64) * count);
	retention_read(reader, words, sizeof(uint64) * count);
	for (int w = 0; w < count; w++)
		if (words[w] != 0)
		{
			if (lowest < 0)
				lowest = 64 * w + pg_rightmost_one_pos64(words[w]);
			highest = 64 * w + pg_leftmost_one_pos64(words[w]);
		}
	if (lowest < 0 || base + lowest < state->first_period ||
		base + highest > state->last_period)
		retention_invalid_state("A customer's periods are empty or out of range.");
	entry->base = base;
	entry->nwords = nwords;
	if (nwords > 0)
		entry->set.words = words;
}

/* Deserialize function of the family. */
PG_FUNCTION_INFO_V1(clv_retention_deserialize);
Datum
clv_retention_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *bytes = PG_GETARG_BYTEA_PP(0);
	RetentionReader reader;
	RetentionWireHeader header;
	RetentionState *state;
	FmgrInfo	recv;
	Oid			ioparam = InvalidOid;
	StringInfoData keybuf;

	reader.data = VARDATA_ANY(bytes);
	reader.left = VARSIZE_ANY_EXHDR(bytes);
	retention_read(&reader, &header, sizeof(header));
	if (header.magic != RETENTION_WIRE_MAGIC ||
		header.mode > RETENTION_COHORTS ||
		header.unit > CLV_RETENTION_YEAR ||
		header.key_kind > RETENTION_KEY_GENERIC)
		retention_invalid_state("The header is not a retention state's.");
	if (!SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(header.key_type)) ||
		(OidIsValid(header.collation) &&
		 !SearchSysCacheExists1(COLLOID, ObjectIdGetDatum(header.collation))))
		retention_invalid_state("The key type or collation does not exist.");
	if ((header.key_type == INT4OID) != (header.key_kind == RETENTION_KEY_INT4) ||
		(header.key_type == INT8OID) != (header.key_kind == RETENTION_KEY_INT8))
		retention_invalid_state("The key kind does not match the key type.");
	if (header.ncustomers > 0 && RETENTION_MODE_IS_PERIODS(header.mode) &&
		(header.first_period > header.last_period ||
		 (int64) header.last_period - header.first_period >= RETENTION_MAX_PERIODS))
		retention_invalid_state("The period range is invalid.");

	state = retention_state_new(CurrentMemoryContext, (RetentionMode) header.mode,
								header.key_type, header.collation);
	state->unit = (ClvRetentionUnit) header.unit;
	memcpy(state->config, header.config, sizeof(state->config));
	state->previous_start = header.previous_start;
	state->period_start = header.period_start;
	state->period_end = header.period_end;
	state->first_period = header.first_period;
	state->last_period = header.last_period;

	if (state->key_kind == RETENTION_KEY_GENERIC)
	{
		Oid			recvfn;

		getTypeBinaryInputInfo(state->key_type, &recvfn, &ioparam);
		fmgr_info(recvfn, &recv);
		initStringInfo(&keybuf);
	}

	for (uint64 i = 0; i < header.ncustomers; i++)
	{
		uint64		key;
		bool		found;
		RetentionEntry *entry;

		CHECK_FOR_INTERRUPTS();
		if (state->key_kind == RETENTION_KEY_INT4)
		{
			int32		key4;

			retention_read(&reader, &key4, sizeof(key4));
			key = (uint64) (int64) key4;
		}
		else if (state->key_kind == RETENTION_KEY_INT8)
			retention_read(&reader, &key, sizeof(key));
		else
		{
			uint32		len;

			retention_read(&reader, &len, sizeof(len));
			if (len > reader.left)
				retention_invalid_state("The state is truncated.");
			resetStringInfo(&keybuf);
			appendBinaryStringInfo(&keybuf, reader.data, len);
			reader.data += len;
			reader.left -= len;
			key = (uint64) ReceiveFunctionCall(&recv, &keybuf, ioparam, -1);
			if (keybuf.cursor != keybuf.len)
				retention_invalid_state("A customer key has trailing bytes.");
		}
		entry = retention_customer(state, key, true, &found);
		if (found)
			retention_invalid_state("A customer appears twice.");
		if (RETENTION_MODE_IS_PERIODS(state->mode))
			retention_read_periods(&reader, state, entry);
		else
		{
			uint8		flags;

			retention_read(&reader, &flags, sizeof(flags));
			if (flags == 0 || flags > (RETENTION_IN_PREVIOUS | RETENTION_IN_CURRENT |
									   RETENTION_BEFORE))
				retention_invalid_state("A customer's flags are invalid.");
			entry->set.bits = flags;
		}
	}
	if (reader.left != 0)
		retention_invalid_state("The state has trailing bytes.");
	PG_RETURN_POINTER(state);
}

/* Counts the customers whose flags, masked by mask, equal want. */
static int64
retention_count_flags(RetentionState *state, uint64 mask, uint64 want)
{
	retention_customers_iterator it;
	RetentionEntry *entry;
	int64		count = 0;

	retention_customers_start_iterate(state->customers, &it);
	while ((entry = retention_customers_iterate(state->customers, &it)) != NULL)
		if ((entry->set.bits & mask) == want)
			count++;
	return count;
}

/*
 * retention_rate final: of the customers active in the previous period, the
 * share also active in the current one; NULL without previous customers.
 */
PG_FUNCTION_INFO_V1(clv_retention_rate_final);
Datum
clv_retention_rate_final(PG_FUNCTION_ARGS)
{
	RetentionState *state;
	int64		previous;
	int64		retained;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (RetentionState *) PG_GETARG_POINTER(0);
	previous = retention_count_flags(state, RETENTION_IN_PREVIOUS, RETENTION_IN_PREVIOUS);
	retained = retention_count_flags(state, RETENTION_IN_PREVIOUS | RETENTION_IN_CURRENT,
									 RETENTION_IN_PREVIOUS | RETENTION_IN_CURRENT);
	if (previous == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) retained / (double) previous);
}

/*
 * new_customer_share final: of the customers active in the period, the
 * share without an earlier row; NULL without active customers.
 */
PG_FUNCTION_INFO_V1(clv_new_customer_share_final);
Datum
clv_new_customer_share_final(PG_FUNCTION_ARGS)
{
	RetentionState *state;
	int64		active;
	int64		new_customers;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (RetentionState *) PG_GETARG_POINTER(0);
	active = retention_count_flags(state, RETENTION_IN_CURRENT, RETENTION_IN_CURRENT);
	new_customers = retention_count_flags(state, RETENTION_IN_CURRENT | RETENTION_BEFORE,
										  RETENTION_IN_CURRENT);
	if (active == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) new_customers / (double) active);
}

/* The composite element type of a final function's array result. */
typedef struct RetentionResultType
{
	Oid			elemtype;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	TupleDesc	tupdesc;
} RetentionResultType;

/* The element type of the calling final function's result, cached. */
static RetentionResultType *
retention_result_type(FunctionCallInfo fcinfo)
{
	RetentionResultType *result = (RetentionResultType *) fcinfo->flinfo->fn_extra;

	if (result == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		result = (RetentionResultType *) palloc(sizeof(RetentionResultType));
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

/* The array of nelems composite values. */
static Datum
retention_result_array(RetentionResultType *type, Datum *elems, int nelems)
{
	return PointerGetDatum(construct_array(elems, nelems, type->elemtype,
										   type->typlen, type->typbyval,
										   type->typalign));
}

/* The date of the first day of a period of the state's calendar unit. */
static Datum
retention_period_date(RetentionState *state, int32 period)
{
	return DateADTGetDatum(clv_retention_period_first_day(state->unit, period));
}

/*
 * retention_series final: one clv_retention per period from the first to
 * the last period with rows, in order.
 */
PG_FUNCTION_INFO_V1(clv_retention_series_final);
Datum
clv_retention_series_final(PG_FUNCTION_ARGS)
{
	RetentionState *state;
	RetentionResultType *type;
	ClvRetentionSeries series;
	retention_customers_iterator it;
	RetentionEntry *entry;
	Datum	   *elems;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (RetentionState *) PG_GETARG_POINTER(0);
	if (state->customers->members == 0)
		PG_RETURN_NULL();
	type = retention_result_type(fcinfo);

	series.nperiods = state->last_period - state->first_period + 1;
	series.active = (int64_t *) palloc0(sizeof(int64_t) * series.nperiods);
	series.retained = (int64_t *) palloc0(sizeof(int64_t) * series.nperiods);
	series.new_customers = (int64_t *) palloc0(sizeof(int64_t) * series.nperiods);
	retention_customers_start_iterate(state->customers, &it);
	while ((entry = retention_customers_iterate(state->customers, &it)) != NULL)
	{
		int			nwords;
		const uint64 *words = retention_entry_words(entry, &nwords);

		CHECK_FOR_INTERRUPTS();
		clv_retention_series_add(&series, words, nwords,
								 entry->base - state->first_period);
	}

	elems = (Datum *) palloc(sizeof(Datum) * series.nperiods);
	for (int32 i = 0; i < series.nperiods; i++)
	{
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		values[0] = retention_period_date(state, state->first_period + i);
		values[1] = Int64GetDatum(series.active[i]);
		values[2] = Int64GetDatum(series.retained[i]);
		values[3] = Int64GetDatum(series.new_customers[i]);
		if (i > 0 && series.active[i - 1] > 0)
			values[4] = Float8GetDatum((double) series.retained[i] /
									   (double) series.active[i - 1]);
		else
			nulls[4] = true;
		if (series.active[i] > 0)
			values[5] = Float8GetDatum((double) series.new_customers[i] /
									   (double) series.active[i]);
		else
			nulls[5] = true;
		elems[i] = HeapTupleGetDatum(heap_form_tuple(type->tupdesc, values, nulls));
	}
	PG_RETURN_DATUM(retention_result_array(type, elems, series.nperiods));
}

/*
 * cohort_retention final: one clv_cohort per cohort with customers and
 * period number k from 0 to the last period with rows, in order.
 */
PG_FUNCTION_INFO_V1(clv_cohort_retention_final);
Datum
clv_cohort_retention_final(PG_FUNCTION_ARGS)
{
	RetentionState *state;
	RetentionResultType *type;
	ClvRetentionCohorts cohorts;
	retention_customers_iterator it;
	RetentionEntry *entry;
	int64		ncells;
	Datum	   *elems;
	int			nelems = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (RetentionState *) PG_GETARG_POINTER(0);
	if (state->customers->members == 0)
		PG_RETURN_NULL();
	type = retention_result_type(fcinfo);

	cohorts.nperiods = state->last_period - state->first_period + 1;
	cohorts.size = (int64_t *) palloc0(sizeof(int64_t) * cohorts.nperiods);
	cohorts.offset = (int64_t *) palloc(sizeof(int64_t) * cohorts.nperiods);
	retention_customers_start_iterate(state->customers, &it);
	while ((entry = retention_customers_iterate(state->customers, &it)) != NULL)
	{
		int			nwords;
		const uint64 *words = retention_entry_words(entry, &nwords);

		cohorts.size[clv_retention_first_period(words, nwords,
												entry->base - state->first_period)]++;
	}
	ncells = clv_retention_cohorts_layout(&cohorts);
	if (ncells > RETENTION_MAX_COHORT_CELLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("cohort_retention matrix would have " INT64_FORMAT " cells, more than %d",
						ncells, RETENTION_MAX_COHORT_CELLS),
				 errhint("Use a longer period or restrict the rows with WHERE.")));
	cohorts.cell = (int64_t *) palloc0(sizeof(int64_t) * ncells);
	retention_customers_start_iterate(state->customers, &it);
	while ((entry = retention_customers_iterate(state->customers, &it)) != NULL)
	{
		int			nwords;
		const uint64 *words = retention_entry_words(entry, &nwords);

		CHECK_FOR_INTERRUPTS();
		clv_retention_cohorts_add(&cohorts, words, nwords,
								  entry->base - state->first_period);
	}

	elems = (Datum *) palloc(sizeof(Datum) * ncells);
	for (int32 c = 0; c < cohorts.nperiods; c++)
	{
		if (cohorts.offset[c] < 0)
			continue;
		CHECK_FOR_INTERRUPTS();
		for (int32 k = 0; k < cohorts.nperiods - c; k++)
		{
			int64		active = cohorts.cell[cohorts.offset[c] + k];
			Datum		values[5];
			bool		nulls[5] = {false, false, false, false, false};

			values[0] = retention_period_date(state, state->first_period + c);
			values[1] = Int32GetDatum(k);
			values[2] = Int64GetDatum(cohorts.size[c]);
			values[3] = Int64GetDatum(active);
			values[4] = Float8GetDatum((double) active / (double) cohorts.size[c]);
			elems[nelems++] = HeapTupleGetDatum(heap_form_tuple(type->tupdesc, values, nulls));
		}
	}
	PG_RETURN_DATUM(retention_result_array(type, elems, nelems));
}
