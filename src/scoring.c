/*-------------------------------------------------------------------------
 *
 * scoring.c
 *	  Level 2, across customers: the window functions rfm_score and
 *	  value_tier, and the segment map rfm_segment.
 *
 * A window function reads its whole partition once, on its first call in
 * that partition, into per-row keys (see core/rank.h), has core/rank.c
 * compute per-row results that do not depend on the configuration
 * arguments (worse counts, greater sums), and keeps them in the
 * partition's local memory; every call then only formats the current
 * row's result with the current row's bins or shares.
 *
 * Values may be smallint, integer, bigint, real, double precision or
 * numeric (declared "any" and checked here), each compared exactly as the
 * type it is: numerics and bigints whose double key could hide a different
 * value are compared by their own comparison when their keys tie.
 * value_tier sums integer and numeric values exactly (core/decimal.h),
 * floating ones in long double.
 *
 *-------------------------------------------------------------------------
 */
#include "clv.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "core/rank.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"
#include "windowapi.h"

PG_FUNCTION_INFO_V1(clv_rfm_score);
PG_FUNCTION_INFO_V1(clv_value_tier);
PG_FUNCTION_INFO_V1(clv_rfm_segment);
PG_FUNCTION_INFO_V1(clv_rfm_segment_digits);

/* largest magnitude up to which every bigint is exactly a double */
#define EXACT_DOUBLE_INT64 (INT64CONST(1) << 53)

/* One numeric column of a window partition, read into core/rank.h keys. */
typedef struct ScoringColumn
{
	Oid			typid;			/* int2, int4, int8, float4, float8, numeric;
								 * unknown for an untyped literal */
	const char *fname;			/* the window function, for messages */
	MemoryContext context;		/* holds everything below */
	int64		rows;
	double	   *keys;			/* per row: the value as a double */
	bool	   *inexact;		/* per row; NULL until a row needs it */
	Datum	   *exact;			/* per row: exact value of an inexact row */
	double		cached_key;		/* key of cached_value, below */
	Datum		cached_value;	/* the value of the exact rows with that key */
	bool		has_cached;
} ScoringColumn;

/* Per-partition state of rfm_score. */
typedef struct RfmScoreState
{
	bool		computed;
	int64		included;		/* n: complete rows of the partition */
	int64	   *worse[3];		/* per dimension, per row (core/rank.h) */
} RfmScoreState;

/* Per-partition state of value_tier. */
typedef struct ValueTierState
{
	bool		computed;
	double		positive_total; /* P */
	double	   *greater;		/* per row: G(v) (core/rank.h) */
} ValueTierState;

/* CHECK_FOR_INTERRUPTS for the long loops of core/rank.c. */
static void
scoring_interrupt(void)
{
	CHECK_FOR_INTERRUPTS();
}

/* Raises the error for a value type the scoring functions do not take. */
static void
check_value_type(Oid typid, const char *fname)
{
	switch (typid)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case FLOAT4OID:
		case FLOAT8OID:
		case NUMERICOID:
			return;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("%s does not accept values of type %s",
							fname, format_type_be(typid)),
					 errhint("Pass smallint, integer, bigint, real, double precision or numeric values.")));
	}
}

/*
 * The checked value type of argument argno of the calling window function.
 * An untyped literal (type unknown) passes here: as NULL it is a NULL
 * value, so its rows get NULL as a typed NULL's do; any other untyped
 * literal is refused when a row is read (column_set).  "any" arguments
 * have no declared type, so the type comes from the call's expression
 * (window functions always have one).
 */
static Oid
value_arg_type(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	Oid			typid = getBaseType(get_fn_expr_argtype(fcinfo->flinfo, argno));

	if (typid != UNKNOWNOID)
		check_value_type(typid, fname);
	return typid;
}

/* Number of significant digits of a plain decimal string (numeric_out). */
static int
significant_digits(const char *text)
{
	int			digits = 0;
	int			counted = 0;

	for (; *text; text++)
	{
		if (*text < '0' || *text > '9')
			continue;
		if (counted == 0 && *text == '0')
			continue;			/* leading zero */
		counted++;
		if (*text != '0')
			digits = counted;	/* trailing zeros do not count */
	}
	return digits;
}

/* Allocates a per-row array of elemsize-byte elements in column's context. */
static void *
column_array(ScoringColumn *column, Size elemsize)
{
	return MemoryContextAllocHuge(column->context, elemsize * column->rows);
}

/* Prepares column for rows values of type typid, allocated in context. */
static void
column_init(ScoringColumn *column, Oid typid, int64 rows,
			MemoryContext context, const char *fname)
{
	memset(column, 0, sizeof(*column));
	column->typid = typid;
	column->fname = fname;
	column->context = context;
	column->rows = rows;
	column->keys = column_array(column, sizeof(double));
}

/* Marks row of column inexact, keeping a copy of its exact value. */
static void
column_keep_exact(ScoringColumn *column, int64 row, Datum value)
{
	if (column->inexact == NULL)
	{
		column->inexact = column_array(column, sizeof(bool));
		memset(column->inexact, 0, sizeof(bool) * column->rows);
		column->exact = column_array(column, sizeof(Datum));
	}
	column->inexact[row] = true;
	if (column->typid == NUMERICOID)
	{
		MemoryContext old = MemoryContextSwitchTo(column->context);

		column->exact[row] = PointerGetDatum(PG_DETOAST_DATUM_COPY(value));
		MemoryContextSwitchTo(old);
	}
	else
		column->exact[row] = value;	/* int8, by value */
}

/*
 * Stores value as the key of row.  A numeric key is its decimal text read
 * as a double; with at most DBL_DIG significant digits (and in the normal
 * double range) different numerics get different doubles, so only longer
 * ones are kept exactly.  Returns false for a numeric outside the double
 * range (its key is then 0 or +-infinity: right for ordering, not for sums).
 */
static bool
column_set(ScoringColumn *column, int64 row, Datum value)
{
	double		key;
	bool		in_double_range = true;

	switch (column->typid)
	{
		case INT2OID:
			key = DatumGetInt16(value);
			break;
		case INT4OID:
			key = DatumGetInt32(value);
			break;
		case INT8OID:
			{
				int64		v = DatumGetInt64(value);

				key = (double) v;
				if (v > EXACT_DOUBLE_INT64 || v < -EXACT_DOUBLE_INT64)
					column_keep_exact(column, row, value);
				break;
			}
		case FLOAT4OID:
			key = DatumGetFloat4(value);
			break;
		case FLOAT8OID:
			key = DatumGetFloat8(value);
			break;
		case NUMERICOID:
			{
				char	   *text = DatumGetCString(DirectFunctionCall1(numeric_out, value));

				errno = 0;
				key = strtod(text, NULL);
				in_double_range = errno != ERANGE &&
					!(key != 0.0 && isfinite(key) && fabs(key) < DBL_MIN);
				if (!in_double_range || significant_digits(text) > DBL_DIG)
					column_keep_exact(column, row, value);
				pfree(text);
				break;
			}
		default:
			/* a non-NULL untyped literal */
			check_value_type(column->typid, column->fname);
			key = 0.0;			/* keep compiler quiet */
	}
	column->keys[row] = key;
	return in_double_range;
}

/*
 * The exact value of row: its copy when inexact, else the one value its key
 * stands for (cached, since tie runs share one key).
 */
static Datum
column_exact_value(ScoringColumn *column, int64 row)
{
	double		key = column->keys[row];
	char		text[64];

	if (column->inexact[row])
		return column->exact[row];
	if (column->typid == INT8OID)
		return Int64GetDatum((int64) key);
	if (!column->has_cached || column->cached_key != key)
	{
		MemoryContext old = MemoryContextSwitchTo(column->context);

		if (isinf(key))
			snprintf(text, sizeof(text), "%s", key > 0 ? "Infinity" : "-Infinity");
		else
			snprintf(text, sizeof(text), "%.*g", DBL_DIG, key);
		column->cached_value = DirectFunctionCall3(numeric_in,
												   CStringGetDatum(text),
												   ObjectIdGetDatum(InvalidOid),
												   Int32GetDatum(-1));
		column->cached_key = key;
		column->has_cached = true;
		MemoryContextSwitchTo(old);
	}
	return column->cached_value;
}

/* Exact comparison of two rows with equal keys (ClvRankTieCompare). */
static int
column_tie_compare(void *arg, int64_t row_a, int64_t row_b)
{
	ScoringColumn *column = (ScoringColumn *) arg;
	Datum		a = column_exact_value(column, row_a);
	Datum		b = column_exact_value(column, row_b);

	if (column->typid == INT8OID)
	{
		int64		va = DatumGetInt64(a);
		int64		vb = DatumGetInt64(b);

		return (va > vb) - (va < vb);
	}
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, b));
}

/* The core/rank.h view of column, rows in excluded left out. */
static ClvRankColumn
column_rank_view(ScoringColumn *column, const bool *excluded)
{
	ClvRankColumn view;

	view.rows = column->rows;
	view.keys = column->keys;
	view.excluded = excluded;
	view.inexact = column->inexact;
	view.tie_compare = column_tie_compare;
	view.tie_arg = column;
	view.interrupt = scoring_interrupt;
	view.exact_values = NULL;
	return view;
}

/* Rows of the current partition; a partition beyond int addressing is an error. */
static int64
partition_rows(WindowObject winobj, const char *fname)
{
	int64		rows = WinGetPartitionRowCount(winobj);

	if (rows > INT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s cannot score a window partition of more than %d rows",
						fname, INT_MAX),
				 errhint("Use PARTITION BY to split the rows.")));
	return rows;
}

/*
 * Argument argno of the current row as a configuration value: NULL is a
 * class-22 error naming fname and argname.
 */
static Datum
config_arg(WindowObject winobj, int argno, const char *fname,
		   const char *argname)
{
	bool		isnull;
	Datum		value = WinGetFuncArgCurrent(winobj, argno, &isnull);

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s argument \"%s\" must not be null", fname, argname),
				 errhint("Leave the argument out to use its default.")));
	return value;
}

/*
 * Reads the three data columns of rfm_score (three value arguments, or one
 * clv_rfm argument) for every row of the partition; rows with any NULL are
 * marked in excluded.
 */
static void
rfm_score_read(FunctionCallInfo fcinfo, WindowObject winobj, int data_args,
			   ScoringColumn *columns, bool *excluded, int64 rows,
			   MemoryContext context)
{
	MemoryContext row_context = AllocSetContextCreate(CurrentMemoryContext,
													  "clv rfm_score row",
													  ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(row_context);
	bool		isnull;
	bool		isout;

	if (data_args == 3)
	{
		for (int d = 0; d < 3; d++)
			column_init(&columns[d], value_arg_type(fcinfo, d, "rfm_score"),
						rows, context, "rfm_score");
		/*
		 * Row by row, all three arguments: re-reading the same row steps the
		 * partition's tuplestore one row forward and back, which is cheap
		 * even when it spilled to disk, while a second pass over a spilled
		 * tuplestore (forward after a rewind, or backward) costs more than
		 * the whole first one.
		 */
		for (int64 row = 0; row < rows; row++)
		{
			CHECK_FOR_INTERRUPTS();
			for (int d = 0; d < 3 && !excluded[row]; d++)
			{
				Datum		value = WinGetFuncArgInPartition(winobj, d, (int) row,
															 WINDOW_SEEK_HEAD, false,
															 &isnull, &isout);

				if (isnull)
					excluded[row] = true;
				else
					column_set(&columns[d], row, value);
			}
			MemoryContextReset(row_context);
		}
	}
	else
	{
		Oid			typid = getBaseType(get_fn_expr_argtype(fcinfo->flinfo, 0));
		TupleDesc	tupdesc = lookup_rowtype_tupdesc(typid, -1);

		if (tupdesc->natts != 3)
			elog(ERROR, "rfm_score expects a clv_rfm value");
		for (int d = 0; d < 3; d++)
			column_init(&columns[d], TupleDescAttr(tupdesc, d)->atttypid,
						rows, context, "rfm_score");
		for (int64 row = 0; row < rows; row++)
		{
			Datum		value = WinGetFuncArgInPartition(winobj, 0, (int) row,
														 WINDOW_SEEK_HEAD, false,
														 &isnull, &isout);
			HeapTupleHeader header;
			HeapTupleData tuple;
			Datum		fields[3];
			bool		nulls[3];

			CHECK_FOR_INTERRUPTS();
			if (isnull)
			{
				excluded[row] = true;
				continue;
			}
			header = DatumGetHeapTupleHeader(value);
			tuple.t_len = HeapTupleHeaderGetDatumLength(header);
			ItemPointerSetInvalid(&tuple.t_self);
			tuple.t_tableOid = InvalidOid;
			tuple.t_data = header;
			heap_deform_tuple(&tuple, tupdesc, fields, nulls);
			if (nulls[0] || nulls[1] || nulls[2])
				excluded[row] = true;
			else
				for (int d = 0; d < 3; d++)
					column_set(&columns[d], row, fields[d]);
			MemoryContextReset(row_context);
		}
		ReleaseTupleDesc(tupdesc);
	}
	MemoryContextSwitchTo(old);
	MemoryContextDelete(row_context);
}

/* Computes the worse counts of the partition into state. */
static void
rfm_score_compute(FunctionCallInfo fcinfo, WindowObject winobj,
				  RfmScoreState *state, int data_args)
{
	/* marketing's sense: small recency, large frequency and monetary */
	static const bool higher_is_better[3] = {false, true, true};
	MemoryContext partition_context = GetMemoryChunkContext(state);
	MemoryContext work_context = AllocSetContextCreate(partition_context,
													   "clv rfm_score work",
													   ALLOCSET_DEFAULT_SIZES);
	int64		rows = partition_rows(winobj, "rfm_score");
	ScoringColumn columns[3];
	bool	   *excluded;
	ClvRankItem *work;

	excluded = MemoryContextAllocHuge(work_context, sizeof(bool) * rows);
	memset(excluded, 0, sizeof(bool) * rows);
	rfm_score_read(fcinfo, winobj, data_args, columns, excluded, rows,
				   work_context);

	work = MemoryContextAllocHuge(work_context, 2 * sizeof(ClvRankItem) * rows);
	for (int d = 0; d < 3; d++)
	{
		ClvRankColumn view = column_rank_view(&columns[d], excluded);

		state->worse[d] = MemoryContextAllocHuge(partition_context,
												 sizeof(int64) * rows);
		state->included = clv_rank_worse_counts(&view, higher_is_better[d],
												work, state->worse[d]);
	}
	MemoryContextDelete(work_context);
	state->computed = true;
}

/*
 * rfm_score(recency, frequency, monetary [, bins]) and
 * rfm_score(clv_rfm [, bins]): the R, F and M scores of the current row as
 * three digits, each 1 + floor(bins * w / n) with w the complete rows
 * strictly worse and n the complete rows of the partition; NULL for a row
 * with a NULL input.
 */
Datum
clv_rfm_score(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	int			data_args = PG_NARGS() - 1;
	RfmScoreState *state;
	int32		bins;
	int64		row;
	char		digits[3];

	bins = DatumGetInt32(config_arg(winobj, data_args, "rfm_score", "bins"));
	if (bins < 2 || bins > 9)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rfm_score bins must be between 2 and 9, not %d", bins),
				 errhint("Scores are single digits; use 5 bins for the classic RFM cells.")));

	state = WinGetPartitionLocalMemory(winobj, sizeof(RfmScoreState));
	if (!state->computed)
		rfm_score_compute(fcinfo, winobj, state, data_args);

	row = WinGetCurrentPosition(winobj);
	if (state->worse[0][row] == CLV_RANK_EXCLUDED)
		PG_RETURN_NULL();
	for (int d = 0; d < 3; d++)
		digits[d] = '0' + clv_rank_score(state->worse[d][row], state->included,
										 bins);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(digits, 3));
}

/*
 * The exact value of a non-NULL integer or numeric value, for value_tier's
 * sums; false for a numeric too wide for a ClvDecimal (and for floating
 * types, which are summed as doubles).
 */
static bool
exact_value(Oid typid, Datum value, ClvDecimal *out)
{
	out->scale = 0;
	switch (typid)
	{
		case INT2OID:
			out->value = DatumGetInt16(value);
			return true;
		case INT4OID:
			out->value = DatumGetInt32(value);
			return true;
		case INT8OID:
			out->value = DatumGetInt64(value);
			return true;
		case NUMERICOID:
			return clv_numeric_to_decimal(value, out);
		default:
			return false;
	}
}

/* Computes the greater sums of the partition into state. */
static void
value_tier_compute(FunctionCallInfo fcinfo, WindowObject winobj,
				   ValueTierState *state)
{
	MemoryContext partition_context = GetMemoryChunkContext(state);
	MemoryContext work_context = AllocSetContextCreate(partition_context,
													   "clv value_tier work",
													   ALLOCSET_DEFAULT_SIZES);
	MemoryContext row_context = AllocSetContextCreate(work_context,
													  "clv value_tier row",
													  ALLOCSET_SMALL_SIZES);
	int64		rows = partition_rows(winobj, "value_tier");
	ScoringColumn column;
	ClvRankColumn view;
	bool	   *excluded;
	ClvDecimal *exact;
	bool		all_exact;
	MemoryContext old;

	column_init(&column, value_arg_type(fcinfo, 0, "value_tier"), rows,
				work_context, "value_tier");
	excluded = MemoryContextAllocHuge(work_context, sizeof(bool) * rows);
	all_exact = column.typid != FLOAT4OID && column.typid != FLOAT8OID;
	exact = all_exact ?
		MemoryContextAllocHuge(work_context, sizeof(ClvDecimal) * rows) : NULL;
	old = MemoryContextSwitchTo(row_context);
	for (int64 row = 0; row < rows; row++)
	{
		bool		isnull;
		bool		isout;
		Datum		value = WinGetFuncArgInPartition(winobj, 0, (int) row,
													 WINDOW_SEEK_HEAD, false,
													 &isnull, &isout);

		CHECK_FOR_INTERRUPTS();
		excluded[row] = isnull;
		if (isnull)
			continue;
		if (!column_set(&column, row, value) || !isfinite(column.keys[row]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value_tier does not accept NaN, infinite or out-of-range values"),
					 errhint("Filter out such rows or map them to NULL; value_tier cannot sum them.")));
		if (all_exact)
			all_exact = exact_value(column.typid, value, &exact[row]);
		MemoryContextReset(row_context);
	}
	MemoryContextSwitchTo(old);

	view = column_rank_view(&column, excluded);
	view.exact_values = all_exact ? exact : NULL;
	state->greater = MemoryContextAllocHuge(partition_context,
											sizeof(double) * rows);
	clv_rank_greater_sums(&view,
						  MemoryContextAllocHuge(work_context,
												 2 * sizeof(ClvRankItem) * rows),
						  state->greater, &state->positive_total);
	MemoryContextDelete(work_context);
	state->computed = true;
}

/*
 * value_tier(value [, high_share, medium_share]): the Pareto tier of the
 * current row: 'high' when the values strictly greater than its own sum to
 * less than high_share of the positive total, 'medium' when to less than
 * medium_share, else 'low'; a value <= 0 is 'low' and NULL is NULL.
 */
Datum
clv_value_tier(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	ValueTierState *state;
	float8		high_share;
	float8		medium_share;
	const char *tier;

	high_share = DatumGetFloat8(config_arg(winobj, 1, "value_tier", "high_share"));
	medium_share = DatumGetFloat8(config_arg(winobj, 2, "value_tier", "medium_share"));
	if (!(high_share > 0.0 && high_share < 1.0 &&
		  medium_share > 0.0 && medium_share < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("value_tier shares must be between 0 and 1 exclusive, not %g and %g",
						high_share, medium_share),
				 errhint("Shares are fractions of the total value, such as 0.8 and 0.95.")));
	if (high_share >= medium_share)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("value_tier high_share (%g) must be less than medium_share (%g)",
						high_share, medium_share),
				 errhint("The high tier holds the first high_share of the value, the medium tier the rest up to medium_share.")));

	state = WinGetPartitionLocalMemory(winobj, sizeof(ValueTierState));
	if (!state->computed)
		value_tier_compute(fcinfo, winobj, state);

	tier = clv_rank_tier_name(clv_rank_tier(state->greater[WinGetCurrentPosition(winobj)],
											state->positive_total,
											high_share, medium_share));
	if (tier == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(tier));
}

/* rfm_segment(score text): the named segment of a three-digit 5-bin score. */
Datum
clv_rfm_segment(PG_FUNCTION_ARGS)
{
	char	   *score = text_to_cstring(PG_GETARG_TEXT_PP(0));

	if (strlen(score) != 3 || strspn(score, "12345") != 3)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rfm_segment score \"%s\" is not three digits 1..5", score),
				 errhint("Pass a score as rfm_score returns it with 5 bins, such as '545'.")));
	PG_RETURN_TEXT_P(cstring_to_text(clv_rank_segment(score[0] - '0',
													  score[1] - '0')));
}

/* rfm_segment(r int, f int): the named segment of an R and an F digit. */
Datum
clv_rfm_segment_digits(PG_FUNCTION_ARGS)
{
	int32		r = PG_GETARG_INT32(0);
	int32		f = PG_GETARG_INT32(1);
	const char *segment = clv_rank_segment(r, f);

	if (segment == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rfm_segment digits must be between 1 and 5, not %d and %d", r, f),
				 errhint("Pass the R and F scores of rfm_score with 5 bins.")));
	PG_RETURN_TEXT_P(cstring_to_text(segment));
}
