/*-------------------------------------------------------------------------
 *
 * retention.c
 *	  retention_rate, new_customer_share, retention_series and
 *	  cohort_retention over raw orders, from one scan: transition, combine,
 *	  serialize, deserialize and final functions over the customer set of
 *	  customerset.c.
 *
 * One C entry point per aggregate name; the overloads (customer key
 * integer, bigint, text or uuid x purchase time timestamptz, timestamp or
 * date) tell themselves apart by their declared argument types, read once
 * per call site.  The timestamptz forms keep an internal state (their
 * calendar depends on the session TimeZone); the date and timestamp forms
 * keep a clv_customer_set, updated in place as an expanded object, so a
 * distributed engine can ship and combine it.
 *
 *-------------------------------------------------------------------------
 */
#include "customerset.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/* What a transition's call site knows about its arguments, read once. */
typedef struct RetentionCallSite
{
	ClvTimeKind time_kind;
	RetentionKeyKind key_kind;
	void	   *tz_cache;		/* retention_period_of's */
} RetentionCallSite;

/* The call site's argument kinds (customer key argument 1, time argument 2). */
static RetentionCallSite *
call_site(FunctionCallInfo fcinfo, const char *fname)
{
	RetentionCallSite *cs = (RetentionCallSite *) fcinfo->flinfo->fn_extra;

	if (cs == NULL)
	{
		Oid			key_type = clv_declared_argtype(fcinfo, 1);

		cs = (RetentionCallSite *) MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
														  sizeof(RetentionCallSite));
		cs->time_kind = clv_arg_time_kind(fcinfo, 2);
		switch (key_type)
		{
			case INT4OID:
				cs->key_kind = RETENTION_KEY_INT4;
				break;
			case INT8OID:
				cs->key_kind = RETENTION_KEY_INT8;
				break;
			case TEXTOID:
				cs->key_kind = RETENTION_KEY_TEXT;
				break;
			case UUIDOID:
				cs->key_kind = RETENTION_KEY_UUID;
				break;
			default:
				elog(ERROR, "%s: unexpected customer key type %u", fname, key_type);
		}
		fcinfo->flinfo->fn_extra = cs;
	}
	return cs;
}

/*
 * Text keys are compared byte for byte, which is equality only under a
 * deterministic collation.
 */
static void
check_key_collation(FunctionCallInfo fcinfo, RetentionKeyKind key_kind, const char *fname)
{
	Oid			collation = PG_GET_COLLATION();

	if (key_kind == RETENTION_KEY_TEXT && OidIsValid(collation) &&
		!get_collation_isdeterministic(collation))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s does not support customer keys under a nondeterministic collation",
						fname),
				 errhint("Cast the key to a deterministic collation (customer_id COLLATE \"C\"), or pass lower(customer_id).")));
}

/*
 * start + sign * period on the row-time axis of kind (dates are midnights),
 * with calendar arithmetic in the session TimeZone for timestamptz.
 */
static int64
shift_time(ClvTimeKind kind, int64 start, const Interval *period, int sign)
{
	PGFunction	shift;

	if (kind == CLV_TIME_TIMESTAMPTZ)
		shift = sign > 0 ? timestamptz_pl_interval : timestamptz_mi_interval;
	else
		shift = sign > 0 ? timestamp_pl_interval : timestamp_mi_interval;
	return DatumGetTimestamp(DirectFunctionCall2(shift, TimestampGetDatum(start),
												 IntervalPGetDatum(period)));
}

/*
 * A new state for the first row: the configuration recorded, the period
 * checked, the one-period bounds computed.
 */
static CustomerSet *
new_state(FunctionCallInfo fcinfo, MemoryContext aggcontext, RetentionMode mode,
		  const RetentionCallSite *cs, const int64 *config, const Interval *period)
{
	const char *fname = retention_mode_names[mode];
	CustomerSet *set;

	check_key_collation(fcinfo, cs->key_kind, fname);
	set = customer_set_new_in_group(aggcontext, mode, cs->key_kind, cs->time_kind, NULL);
	memcpy(set->config, config, sizeof(set->config));
	if (RETENTION_MODE_IS_PERIODS(mode))
		set->unit = retention_calendar_unit(period, fname);
	else
	{
		if (period->month < 0 || period->day < 0 || period->time < 0 ||
			(period->month == 0 && period->day == 0 && period->time == 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s period must be positive", fname),
					 errhint("Pass an interval without negative parts, such as '1 month' or '30 days'.")));
		set->period_start = config[RETENTION_CONFIG_START];
		PG_TRY();
		{
			set->previous_start = shift_time(cs->time_kind, set->period_start, period, -1);
			set->period_end = shift_time(cs->time_kind, set->period_start, period, 1);
		}
		PG_CATCH();
		{
			if (geterrcode() != ERRCODE_DATETIME_VALUE_OUT_OF_RANGE)
				PG_RE_THROW();
			FlushErrorState();
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("%s period_start plus or minus period is out of range", fname)));
		}
		PG_END_TRY();
	}
	return set;
}

/*
 * The state a transition updates: its own read/write expanded set, or a
 * copy of any other value it is handed (a flat value, or a set it must not
 * change), made under aggcontext.
 */
static CustomerSet *
state_to_update(Datum datum, MemoryContext aggcontext, const RetentionCallSite *cs)
{
	CustomerSet *from;
	CustomerSet *set;

	if (cs->time_kind == CLV_TIME_TIMESTAMPTZ)
		return (CustomerSet *) DatumGetPointer(datum);
	if ((set = customer_set_own(datum, aggcontext)) != NULL)
		return set;
	from = customer_set_from_datum(datum, CurrentMemoryContext);
	set = customer_set_new_in_group(aggcontext, from->mode, from->key_kind, from->time_kind,
									from);
	customer_set_merge(set, from);
	return set;
}

/* The shared transition of the family. */
static Datum
retention_trans(FunctionCallInfo fcinfo, RetentionMode mode)
{
	const char *fname = retention_mode_names[mode];
	MemoryContext aggcontext = clv_agg_context(fcinfo, fname);
	RetentionCallSite *cs = call_site(fcinfo, fname);
	bool		one_period = !RETENTION_MODE_IS_PERIODS(mode);
	int			period_arg = one_period ? 4 : 3;
	Interval   *period;
	int64		config[RETENTION_NCONFIG];
	CustomerSet *set;
	CustomerEntry *entry;
	int64		t;

	if (one_period)
		clv_check_not_null(fcinfo, 3, fname, "period_start", NULL);
	clv_check_not_null(fcinfo, period_arg, fname, "period", NULL);
	period = PG_GETARG_INTERVAL_P(period_arg);
	config[RETENTION_CONFIG_START] = one_period ?
		clv_time_usec(PG_GETARG_DATUM(3), cs->time_kind, fname) : 0;
	config[RETENTION_CONFIG_MONTHS] = period->month;
	config[RETENTION_CONFIG_DAYS] = period->day;
	config[RETENTION_CONFIG_USECS] = period->time;

	if (PG_ARGISNULL(0))
		set = new_state(fcinfo, aggcontext, mode, cs, config, period);
	else
	{
		set = state_to_update(PG_GETARG_DATUM(0), aggcontext, cs);
		if (memcmp(set->config, config, sizeof(config)) != 0)
			for (int i = 0; i < RETENTION_NCONFIG; i++)
			{
				bool		recorded = true;

				clv_check_same_int64(&set->config[i], &recorded, config[i], fname,
									 i == RETENTION_CONFIG_START ? "period_start" : "period");
			}
	}

	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
	{
		t = clv_time_usec(PG_GETARG_DATUM(2), cs->time_kind, fname);
		if (one_period)
		{
			uint32		flags = 0;

			if (t >= set->period_start && t < set->period_end)
				flags = RETENTION_IN_CURRENT;
			else if (t < set->period_start && mode == RETENTION_NEW_SHARE)
				flags = RETENTION_BEFORE;
			else if (t < set->period_start && t >= set->previous_start)
				flags = RETENTION_IN_PREVIOUS;
			if (flags != 0)
			{
				customer_set_changed(set);
				entry = customer_set_lookup(set, PG_GETARG_DATUM(1));
				entry->set.meta |= flags;
			}
		}
		else
		{
			int32		p = retention_period_of(&cs->tz_cache, fcinfo->flinfo->fn_mcxt,
												set->unit, cs->time_kind, t);

			customer_set_changed(set);
			customer_set_extend_range(set, p, p);
			entry = customer_set_lookup(set, PG_GETARG_DATUM(1));
			customer_set_add_period(set, entry, p);
		}
	}
	if (cs->time_kind == CLV_TIME_TIMESTAMPTZ)
		PG_RETURN_POINTER(set);
	PG_RETURN_DATUM(EOHPGetRWDatum(&set->hdr));
}

/* retention_rate(customer_id, ordered_at, period_start, period) transition */
PG_FUNCTION_INFO_V1(clv_retention_rate_trans);
Datum
clv_retention_rate_trans(PG_FUNCTION_ARGS)
{
	return retention_trans(fcinfo, RETENTION_RATE);
}

/* new_customer_share(customer_id, ordered_at, period_start, period) transition */
PG_FUNCTION_INFO_V1(clv_new_customer_share_trans);
Datum
clv_new_customer_share_trans(PG_FUNCTION_ARGS)
{
	return retention_trans(fcinfo, RETENTION_NEW_SHARE);
}

/* retention_series(customer_id, ordered_at, period) transition */
PG_FUNCTION_INFO_V1(clv_retention_series_trans);
Datum
clv_retention_series_trans(PG_FUNCTION_ARGS)
{
	return retention_trans(fcinfo, RETENTION_SERIES);
}

/* cohort_retention(customer_id, ordered_at, period) transition */
PG_FUNCTION_INFO_V1(clv_cohort_retention_trans);
Datum
clv_cohort_retention_trans(PG_FUNCTION_ARGS)
{
	return retention_trans(fcinfo, RETENTION_COHORTS);
}

/*
 * Combine function of every one-scan retention aggregate: the union of two
 * customer sets, internal (timestamptz forms) or clv_customer_set.
 */
PG_FUNCTION_INFO_V1(clv_customer_set_combine);
Datum
clv_customer_set_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = clv_agg_context(fcinfo, "clv_customer_set_combine");
	CustomerSet *into;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (clv_declared_argtype(fcinfo, 0) == INTERNALOID)
	{
		CustomerSet *from = (CustomerSet *) PG_GETARG_POINTER(1);

		if (PG_ARGISNULL(0))
		{
			/* a set our deserialize made is nobody else's: keep it */
			if (from->adoptable)
			{
				MemoryContextSetParent(customer_set_context(from), aggcontext);
				from->adoptable = false;
				PG_RETURN_POINTER(from);
			}
			into = customer_set_new_in_group(aggcontext, from->mode, from->key_kind,
											 from->time_kind, from);
		}
		else
			into = (CustomerSet *) PG_GETARG_POINTER(0);
		customer_set_merge(into, from);
		PG_RETURN_POINTER(into);
	}

	if (!PG_ARGISNULL(0) &&
		(into = customer_set_own(PG_GETARG_DATUM(0), aggcontext)) != NULL)
		;
	else if (PG_ARGISNULL(0) && !VARATT_IS_EXTERNAL_EXPANDED(PG_GETARG_POINTER(1)))
	{
		/* a flat value is read straight into the new state */
		into = customer_set_read_in_group((struct varlena *) PG_GETARG_POINTER(1), aggcontext);
		PG_RETURN_DATUM(EOHPGetRWDatum(&into->hdr));
	}
	else if (PG_ARGISNULL(0))
	{
		CustomerSet *from = customer_set_from_datum(PG_GETARG_DATUM(1), NULL);

		into = customer_set_new_in_group(aggcontext, from->mode, from->key_kind,
										 from->time_kind, from);
	}
	else
	{
		CustomerSet *first = customer_set_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);

		into = customer_set_new_in_group(aggcontext, first->mode, first->key_kind,
										 first->time_kind, first);
		customer_set_merge(into, first);
	}
	if (VARATT_IS_EXTERNAL_EXPANDED(PG_GETARG_POINTER(1)))
		customer_set_merge(into, customer_set_from_datum(PG_GETARG_DATUM(1), NULL));
	else
		customer_set_merge_flat(into, (struct varlena *) PG_GETARG_POINTER(1));
	PG_RETURN_DATUM(EOHPGetRWDatum(&into->hdr));
}

/* Serialize function of the timestamptz forms: the wire form. */
PG_FUNCTION_INFO_V1(clv_customer_set_serialize);
Datum
clv_customer_set_serialize(PG_FUNCTION_ARGS)
{
	clv_agg_context(fcinfo, "clv_customer_set_serialize");
	PG_RETURN_BYTEA_P(customer_set_serialize((CustomerSet *) PG_GETARG_POINTER(0)));
}

/* Deserialize function of the timestamptz forms; validates its input. */
PG_FUNCTION_INFO_V1(clv_customer_set_deserialize);
Datum
clv_customer_set_deserialize(PG_FUNCTION_ARGS)
{
	CustomerSet *set;

	clv_agg_context(fcinfo, "clv_customer_set_deserialize");
	set = customer_set_read((struct varlena *) PG_GETARG_BYTEA_PP(0), CurrentMemoryContext);
	set->adoptable = true;
	PG_RETURN_POINTER(set);
}

/* The state a final function reads (NULL for none). */
static CustomerSet *
final_state(FunctionCallInfo fcinfo, const char *fname)
{
	clv_agg_context(fcinfo, fname);
	if (PG_ARGISNULL(0))
		return NULL;
	if (clv_declared_argtype(fcinfo, 0) == INTERNALOID)
		return (CustomerSet *) PG_GETARG_POINTER(0);
	return customer_set_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
}

/* Counts the customers whose flags, masked by mask, equal want. */
static int64
count_flags(CustomerSet *set, uint32 mask, uint32 want)
{
	int64		count = 0;

	for (uint64 i = 0; i < set->members; i++)
		if ((customer_set_entry(set, i)->set.meta & mask) == want)
			count++;
	return count;
}

/*
 * The share of the customers whose flags include of_flags that also have
 * the flags want among mask; NULL when none has of_flags.
 */
static Datum
flag_share(FunctionCallInfo fcinfo, const char *fname, uint32 of_flags, uint32 mask,
		   uint32 want)
{
	CustomerSet *set = final_state(fcinfo, fname);
	int64		of;

	if (set == NULL || (of = count_flags(set, of_flags, of_flags)) == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) count_flags(set, mask, want) / (double) of);
}

/*
 * retention_rate final: of the customers active in the previous period, the
 * share also active in the current one; NULL without previous customers.
 */
PG_FUNCTION_INFO_V1(clv_retention_rate_final);
Datum
clv_retention_rate_final(PG_FUNCTION_ARGS)
{
	return flag_share(fcinfo, "retention_rate", RETENTION_IN_PREVIOUS,
					  RETENTION_IN_PREVIOUS | RETENTION_IN_CURRENT,
					  RETENTION_IN_PREVIOUS | RETENTION_IN_CURRENT);
}

/*
 * new_customer_share final: of the customers active in the period, the
 * share without an earlier row; NULL without active customers.
 */
PG_FUNCTION_INFO_V1(clv_new_customer_share_final);
Datum
clv_new_customer_share_final(PG_FUNCTION_ARGS)
{
	return flag_share(fcinfo, "new_customer_share", RETENTION_IN_CURRENT,
					  RETENTION_IN_CURRENT | RETENTION_BEFORE, RETENTION_IN_CURRENT);
}

/* The array result of a periods-mode state: its series or cohort matrix. */
static Datum
periods_final(FunctionCallInfo fcinfo, const char *fname)
{
	CustomerSet *set = final_state(fcinfo, fname);
	ClvRetentionCounts counts;
	CountsMemory cm;

	if (set == NULL || set->members == 0)
		PG_RETURN_NULL();
	counts_memory_init(&cm, CurrentMemoryContext, fname);
	customer_set_counts(set, &counts, &cm);
	PG_RETURN_DATUM(retention_counts_result(fcinfo, &counts, set->unit, &cm));
}

/*
 * retention_series final: one clv_retention per period from the first to
 * the last period with rows, in order.
 */
PG_FUNCTION_INFO_V1(clv_retention_series_final);
Datum
clv_retention_series_final(PG_FUNCTION_ARGS)
{
	return periods_final(fcinfo, "retention_series");
}

/*
 * cohort_retention final: one clv_cohort per cohort with customers and
 * period number k from 0 to the last period with rows, in order.
 */
PG_FUNCTION_INFO_V1(clv_cohort_retention_final);
Datum
clv_cohort_retention_final(PG_FUNCTION_ARGS)
{
	return periods_final(fcinfo, "cohort_retention");
}

/*
 * The C symbols of 1.0's support functions, so that the frozen 1.0 install
 * script still loads (the upgrade test installs 1.0, then updates); the
 * update drops the SQL functions that name them.
 */
PG_FUNCTION_INFO_V1(clv_retention_combine);
Datum
clv_retention_combine(PG_FUNCTION_ARGS)
{
	return clv_customer_set_combine(fcinfo);
}

PG_FUNCTION_INFO_V1(clv_retention_serialize);
Datum
clv_retention_serialize(PG_FUNCTION_ARGS)
{
	return clv_customer_set_serialize(fcinfo);
}

PG_FUNCTION_INFO_V1(clv_retention_deserialize);
Datum
clv_retention_deserialize(PG_FUNCTION_ARGS)
{
	return clv_customer_set_deserialize(fcinfo);
}
