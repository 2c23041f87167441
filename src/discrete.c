/*-------------------------------------------------------------------------
 *
 * discrete.c
 *	  The discrete-time models: the BG/BB aggregate bgbb_fit and its
 *	  scoring (p_alive, expected_purchases, purchase_probability), and the
 *	  shifted-beta-geometric aggregate sbg_fit, sbg_fit_survivors and its
 *	  projections (churn_probability, survival, projected_retention, derl).
 *
 * The state of both aggregates is a real type, a two-dimensional float8
 * array of distinct rows in ascending order: (x, t_x, n, customers) for
 * BG/BB, (periods, churned 0 or 1, customers) for sBG.  Its text and binary
 * forms are the array's, so a distributed engine ships partial states as
 * text and the combine function merges them; every state read from
 * outside is checked row by row.  A row already present is counted in
 * place, a new one copies the state: the distinct rows of these models are
 * bounded by their opportunities (BG/BB customers of one cohort have at
 * most (n + 1)(n + 2) / 2 distinct (x, t_x), sBG at most two rows per
 * period), so copies stay rare and short.  The numbers are computed in
 * src/core/bgbb.c and src/core/sbg.c.
 *
 *-------------------------------------------------------------------------
 */
#include "models.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/array.h"

#include "core/bgbb.h"
#include "core/sbg.h"

/* The two models of this file. */
typedef enum DiscreteModel
{
	MODEL_BGBB,
	MODEL_SBG
} DiscreteModel;

/* What the shared bodies need to know of each model. */
typedef struct DiscreteInfo
{
	int			width;			/* state row: keys, then customers */
	int			nparams;
	const char *names[4];		/* the parameters, as in the composite */
	const char *hint;			/* how to make a valid row */
	const char *identification; /* what the data need to identify the model */
} DiscreteInfo;

static const DiscreteInfo discrete_info[] = {
	[MODEL_BGBB] = {4, 4, {"alpha", "beta", "gamma", "delta"},
		"x counts the transactions in the n opportunities after the first, t_x is the opportunity of the last one (0 when x = 0), and weight the identical customers.",
	"BG/BB is identified only when some customer transacted again (x > 0) and some customer had two or more opportunities (n >= 2)."},
	[MODEL_SBG] = {3, 2, {"alpha", "beta", NULL, NULL},
		"periods counts the whole periods a customer was observed, churned says it left at the end of the last one, and weight counts identical customers.",
	"sBG is identified only when some customer churned, some customer was observed beyond the first period, and the churn probability differs between customers (with one churn probability for all, the geometric limit, alpha and beta grow without bound)."}
};

/* Customer counts stay exact in a float8 up to 2^53. */
#define MAX_CUSTOMERS 9007199254740992.0

/*
 * Attributes of clv_bgbb and clv_sbg: the parameters, ll, customers,
 * iterations, converged, then the fit quality.
 */
#define MODEL_NATTS(info) ((info)->nparams + 4 + CLV_FIT_QUALITY_NATTS)

/* ---------------------------------------------------------------------
 * Rows and states
 * ---------------------------------------------------------------------
 */

/* Why a row (keys and customers) breaks the model's rules, or NULL. */
static const char *
row_problem(DiscreteModel model, const double *row)
{
	if (model == MODEL_BGBB)
	{
		ClvBgbbRow	r = {row[0], row[1], row[2], row[3]};

		return clv_bgbb_row_problem(&r);
	}
	else
	{
		ClvSbgRow	r = {row[0], row[1] != 0, row[2]};

		if (row[1] != 0 && row[1] != 1)
			return "churned must be 0 or 1";
		return clv_sbg_row_problem(&r);
	}
}

/* Raises the class-22 error of an input row that breaks the rules. */
static void
check_input_row(DiscreteModel model, const double *row, const char *fname)
{
	const char *problem = row_problem(model, row);

	if (problem == NULL)
		return;
	if (model == MODEL_BGBB)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s input violates its rules: %s", fname, problem),
				 errdetail("x = %.0f, t_x = %.0f, n = %.0f, weight = %.0f.",
						   row[0], row[1], row[2], row[3]),
				 errhint("%s", discrete_info[model].hint)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s input violates its rules: %s", fname, problem),
			 errdetail("periods = %.0f, churned = %s, weight = %.0f.",
					   row[0], row[1] != 0 ? "true" : "false", row[2]),
			 errhint("%s", discrete_info[model].hint)));
}

/* The rows of a state, and its data (a state has no NULLs). */
#define STATE_ROWS(state) (ARR_DIMS(state)[0])
#define STATE_DATA(state) ((float8 *) ((char *) (state) + ARR_OVERHEAD_NONULLS(2)))

/* A state of nrows rows of width, zeroed, in the current context. */
static ArrayType *
state_new(int nrows, int width, const char *fname)
{
	Size		nbytes = ARR_OVERHEAD_NONULLS(2) + sizeof(float8) * (Size) nrows * width;
	ArrayType  *state;

	clv_check_state_memory(nbytes, fname);
	state = (ArrayType *) palloc0(nbytes);
	SET_VARSIZE(state, nbytes);
	state->ndim = 2;
	state->dataoffset = 0;
	state->elemtype = FLOAT8OID;
	ARR_DIMS(state)[0] = nrows;
	ARR_DIMS(state)[1] = width;
	ARR_LBOUND(state)[0] = 1;
	ARR_LBOUND(state)[1] = 1;
	return state;
}

/* Raises the error of a state that is not one of the model's. */
static void
invalid_state(const char *fname, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s state", fname),
			 errdetail("%s", detail),
			 errhint("Pass partial states made by %s itself.", fname)));
}

/* Compares the keys of two rows (all but the last of width values). */
static int
key_cmp(const double *a, const double *b, int width)
{
	int			i;

	for (i = 0; i < width - 1; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/*
 * Checks a state read from outside (a partial state to combine, the final
 * state): a float8[rows][width] array without NULLs whose rows obey the
 * model's rules, with positive whole customer counts, distinct and in
 * ascending order.
 */
static void
check_state(DiscreteModel model, ArrayType *state, const char *fname)
{
	int			width = discrete_info[model].width;
	const float8 *data;
	int			i;

	if (ARR_ELEMTYPE(state) != FLOAT8OID || ARR_NDIM(state) != 2 ||
		ARR_HASNULL(state) || ARR_DIMS(state)[1] != width)
		invalid_state(fname, psprintf("A state is a float8[rows][%d] array without NULLs.", width));
	data = STATE_DATA(state);
	for (i = 0; i < STATE_ROWS(state); i++)
	{
		const double *row = data + (Size) i * width;
		const char *problem = row_problem(model, row);
		double		customers = row[width - 1];

		if (problem != NULL)
			invalid_state(fname, psprintf("Row %d: %s.", i + 1, problem));
		if (!(customers >= 1 && customers <= MAX_CUSTOMERS && customers == floor(customers)))
			invalid_state(fname, psprintf("Row %d: the customers must be a whole number from 1 to 2^53.", i + 1));
		if (i > 0 && key_cmp(row - width, row, width) >= 0)
			invalid_state(fname, "The rows must be distinct and in ascending order.");
	}
}

/* count + more customers, at most 2^53. */
static double
add_customers(double count, double more, const char *fname)
{
	if (count + more > MAX_CUSTOMERS)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s counts more than 2^53 customers", fname)));
	return count + more;
}

/* The transition's result for an ignored row: the state as it is. */
static Datum
state_unchanged(FunctionCallInfo fcinfo, const char *fname)
{
	clv_agg_context(fcinfo, fname);
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}

/*
 * The transition: adds row (keys and customers, valid) to the state of
 * argument 0 (NULL: none yet), counting in place when its keys are there.
 */
static Datum
state_add(FunctionCallInfo fcinfo, DiscreteModel model, const double *row,
		  const char *fname)
{
	int			width = discrete_info[model].width;
	ArrayType  *state;
	ArrayType  *grown;
	float8	   *data;
	int			nrows,
				lo = 0,
				hi;

	clv_agg_context(fcinfo, fname);
	if (row[width - 1] == 0)
		return state_unchanged(fcinfo, fname);
	if (PG_ARGISNULL(0))
	{
		grown = state_new(1, width, fname);
		memcpy(STATE_DATA(grown), row, sizeof(float8) * width);
		PG_RETURN_ARRAYTYPE_P(grown);
	}
	state = PG_GETARG_ARRAYTYPE_P(0);
	if (ARR_NDIM(state) != 2 || ARR_HASNULL(state) || ARR_DIMS(state)[1] != width)
		invalid_state(fname, psprintf("A state is a float8[rows][%d] array without NULLs.", width));
	nrows = STATE_ROWS(state);
	data = STATE_DATA(state);
	hi = nrows;
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			cmp = key_cmp(data + (Size) mid * width, row, width);

		if (cmp == 0)
		{
			/* the state belongs to this aggregate call: count in place */
			data[(Size) mid * width + width - 1] =
				add_customers(data[(Size) mid * width + width - 1], row[width - 1], fname);
			PG_RETURN_ARRAYTYPE_P(state);
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	grown = state_new(nrows + 1, width, fname);
	memcpy(STATE_DATA(grown), data, sizeof(float8) * (Size) lo * width);
	memcpy(STATE_DATA(grown) + (Size) lo * width, row, sizeof(float8) * width);
	memcpy(STATE_DATA(grown) + (Size) (lo + 1) * width, data + (Size) lo * width,
		   sizeof(float8) * (Size) (nrows - lo) * width);
	PG_RETURN_ARRAYTYPE_P(grown);
}

/*
 * The combine function: the union of two states, customers of equal keys
 * added.  Argument 1 is checked as a state read from outside.
 */
static Datum
state_combine(FunctionCallInfo fcinfo, DiscreteModel model, const char *fname)
{
	int			width = discrete_info[model].width;
	ArrayType  *a,
			   *b,
			   *merged;
	const float8 *da,
			   *db;
	float8	   *out;
	int			na,
				nb,
				i = 0,
				j = 0,
				k = 0;

	clv_agg_context(fcinfo, fname);
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = PG_GETARG_ARRAYTYPE_P(1);
	check_state(model, b, fname);
	if (PG_ARGISNULL(0))
		PG_RETURN_ARRAYTYPE_P(b);
	a = PG_GETARG_ARRAYTYPE_P(0);
	check_state(model, a, fname);
	na = STATE_ROWS(a);
	nb = STATE_ROWS(b);
	da = STATE_DATA(a);
	db = STATE_DATA(b);
	merged = state_new(na + nb, width, fname);
	out = STATE_DATA(merged);
	while (i < na || j < nb)
	{
		int			cmp = i == na ? 1 : j == nb ? -1 :
			key_cmp(da + (Size) i * width, db + (Size) j * width, width);

		if (cmp <= 0)
			memcpy(out + (Size) k * width, da + (Size) i++ * width, sizeof(float8) * width);
		else
			memcpy(out + (Size) k * width, db + (Size) j++ * width, sizeof(float8) * width);
		if (cmp == 0)
		{
			out[(Size) k * width + width - 1] =
				add_customers(out[(Size) k * width + width - 1],
							  db[(Size) j * width + width - 1], fname);
			j++;
		}
		k++;
	}
	ARR_DIMS(merged)[0] = k;
	SET_VARSIZE(merged, ARR_OVERHEAD_NONULLS(2) + sizeof(float8) * (Size) k * width);
	PG_RETURN_ARRAYTYPE_P(merged);
}

/* ---------------------------------------------------------------------
 * Fits
 * ---------------------------------------------------------------------
 */

/*
 * Fits the model to rows (ClvBgbbRow or ClvSbgRow, valid) of customers
 * customers and returns its composite: parameters, ll, customers,
 * iterations, converged, std_errors, aic, bic.  A fit that does not
 * converge is returned with a WARNING.
 */
static Datum
fit_result(FunctionCallInfo fcinfo, DiscreteModel model, const void *rows,
		   size_t nrows, double customers, const char *fname)
{
	const DiscreteInfo *info = &discrete_info[model];
	ClvModelFit fit;
	ClvInference inference;
	Datum		values[4 + 4 + CLV_FIT_QUALITY_NATTS];
	bool		nulls[4 + 4 + CLV_FIT_QUALITY_NATTS] = {0};
	int			k = info->nparams;
	int			i;

	if (model == MODEL_BGBB)
		clv_bgbb_fit((const ClvBgbbRow *) rows, nrows, clv_models_check_interrupts, NULL, &fit);
	else
		clv_sbg_fit((const ClvSbgRow *) rows, nrows, clv_models_check_interrupts, NULL, &fit);
	/* the standard errors of a converged fit only: no other is given them */
	if (fit.converged)
	{
		if (model == MODEL_BGBB)
			clv_bgbb_inference(fit.param, (const ClvBgbbRow *) rows, nrows,
							   clv_models_check_interrupts, NULL, &inference);
		else
			clv_sbg_inference(fit.param, (const ClvSbgRow *) rows, nrows,
							  clv_models_check_interrupts, NULL, &inference);
		clv_mle_check_maximum(&fit, &inference);
	}
	if (!fit.converged)
		ereport(WARNING,
				(errmsg("%s did not converge", fname),
				 errdetail("%s %s", fit.degenerate ?
						   "The likelihood rises towards a limit of the model (a parameter runs to the bound of its range, or the likelihood is flat in some direction)." :
						   "The optimiser stopped without reaching a maximum of the likelihood.",
						   info->identification),
				 errhint("The returned model is marked converged = false; do not score with it.")));

	for (i = 0; i < k; i++)
		values[i] = Float8GetDatum(fit.param[i]);
	values[k] = Float8GetDatum(fit.ll);
	values[k + 1] = Int64GetDatum((int64) customers);
	values[k + 2] = Int32GetDatum(fit.iterations);
	values[k + 3] = BoolGetDatum(fit.converged);
	clv_fit_quality(&inference, &fit, k, customers, fname, values + k + 4, nulls + k + 4);
	return clv_composite_result(fcinfo, values, nulls);
}

/*
 * The final function: the maximum-likelihood model of the state's rows;
 * NULL for fewer than two customers.
 */
static Datum
fit_final(FunctionCallInfo fcinfo, DiscreteModel model, const char *fname)
{
	int			width = discrete_info[model].width;
	ArrayType  *state;
	const float8 *data;
	void	   *rows;
	double		customers = 0.0;
	int			nrows,
				i;

	clv_agg_context(fcinfo, fname);
	state = PG_GETARG_ARRAYTYPE_P(0);
	check_state(model, state, fname);
	nrows = STATE_ROWS(state);
	data = STATE_DATA(state);
	if (model == MODEL_BGBB)
	{
		ClvBgbbRow *r = (ClvBgbbRow *) palloc(sizeof(ClvBgbbRow) * nrows);

		for (i = 0; i < nrows; i++)
		{
			const double *row = data + (Size) i * width;

			r[i].x = row[0];
			r[i].t_x = row[1];
			r[i].n = row[2];
			r[i].count = row[3];
		}
		rows = r;
	}
	else
	{
		ClvSbgRow  *r = (ClvSbgRow *) palloc(sizeof(ClvSbgRow) * nrows);

		for (i = 0; i < nrows; i++)
		{
			const double *row = data + (Size) i * width;

			r[i].periods = row[0];
			r[i].churned = row[1] != 0;
			r[i].count = row[2];
		}
		rows = r;
	}
	for (i = 0; i < nrows; i++)
		customers += data[(Size) i * width + width - 1];
	if (customers < 2)
		PG_RETURN_NULL();
	return fit_result(fcinfo, model, rows, nrows, customers, fname);
}

/* The weight of argument argno: 1 when the call has no such argument. */
static double
weight_arg(FunctionCallInfo fcinfo, int argno)
{
	return PG_NARGS() > argno ? (double) PG_GETARG_INT64(argno) : 1.0;
}

/* Whether any argument from 1 on is NULL: the row is then ignored. */
static bool
any_input_null(FunctionCallInfo fcinfo)
{
	int			i;

	for (i = 1; i < PG_NARGS(); i++)
		if (PG_ARGISNULL(i))
			return true;
	return false;
}

PG_FUNCTION_INFO_V1(clv_bgbb_fit_trans);
/* bgbb_fit(x, t_x, n [, weight]) transition. */
Datum
clv_bgbb_fit_trans(PG_FUNCTION_ARGS)
{
	double		row[4];

	if (any_input_null(fcinfo))
		return state_unchanged(fcinfo, "bgbb_fit");
	row[0] = (double) PG_GETARG_INT64(1);
	row[1] = (double) PG_GETARG_INT64(2);
	row[2] = (double) PG_GETARG_INT64(3);
	row[3] = weight_arg(fcinfo, 4);
	check_input_row(MODEL_BGBB, row, "bgbb_fit");
	return state_add(fcinfo, MODEL_BGBB, row, "bgbb_fit");
}

PG_FUNCTION_INFO_V1(clv_bgbb_fit_summary_trans);
/*
 * bgbb_fit(clv_bgbb_summary) transition: a summary with a NULL field is
 * ignored.
 */
Datum
clv_bgbb_fit_summary_trans(PG_FUNCTION_ARGS)
{
	Datum		values[3];
	bool		nulls[3];
	double		row[4];

	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo, "bgbb_fit");
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
														  sizeof(ClvCompositeReader));
	clv_deform_composite((ClvCompositeReader *) fcinfo->flinfo->fn_extra,
						 fcinfo->flinfo->fn_mcxt, PG_GETARG_DATUM(1), 3, values, nulls);
	if (nulls[0] || nulls[1] || nulls[2])
		return state_unchanged(fcinfo, "bgbb_fit");
	row[0] = (double) DatumGetInt64(values[0]);
	row[1] = (double) DatumGetInt64(values[1]);
	row[2] = (double) DatumGetInt64(values[2]);
	row[3] = 1;
	check_input_row(MODEL_BGBB, row, "bgbb_fit");
	return state_add(fcinfo, MODEL_BGBB, row, "bgbb_fit");
}

PG_FUNCTION_INFO_V1(clv_bgbb_fit_combine);
/* bgbb_fit combine: merges two partial states. */
Datum
clv_bgbb_fit_combine(PG_FUNCTION_ARGS)
{
	return state_combine(fcinfo, MODEL_BGBB, "bgbb_fit");
}

PG_FUNCTION_INFO_V1(clv_bgbb_fit_final);
/* bgbb_fit final: the maximum-likelihood BG/BB model. */
Datum
clv_bgbb_fit_final(PG_FUNCTION_ARGS)
{
	return fit_final(fcinfo, MODEL_BGBB, "bgbb_fit");
}

PG_FUNCTION_INFO_V1(clv_sbg_fit_trans);
/* sbg_fit(periods, churned [, weight]) transition. */
Datum
clv_sbg_fit_trans(PG_FUNCTION_ARGS)
{
	double		row[3];

	if (any_input_null(fcinfo))
		return state_unchanged(fcinfo, "sbg_fit");
	row[0] = (double) PG_GETARG_INT64(1);
	row[1] = PG_GETARG_BOOL(2) ? 1.0 : 0.0;
	row[2] = weight_arg(fcinfo, 3);
	check_input_row(MODEL_SBG, row, "sbg_fit");
	return state_add(fcinfo, MODEL_SBG, row, "sbg_fit");
}

PG_FUNCTION_INFO_V1(clv_sbg_fit_combine);
/* sbg_fit combine: merges two partial states. */
Datum
clv_sbg_fit_combine(PG_FUNCTION_ARGS)
{
	return state_combine(fcinfo, MODEL_SBG, "sbg_fit");
}

PG_FUNCTION_INFO_V1(clv_sbg_fit_final);
/* sbg_fit final: the maximum-likelihood sBG model. */
Datum
clv_sbg_fit_final(PG_FUNCTION_ARGS)
{
	return fit_final(fcinfo, MODEL_SBG, "sbg_fit");
}

PG_FUNCTION_INFO_V1(clv_sbg_fit_survivors);
/*
 * sbg_fit_survivors(survivors bigint[]): the sBG model of one cohort from
 * its survivor counts at the ends of periods 0, 1, 2, ... (the first the
 * cohort's size); NULL for a cohort of fewer than two customers.
 */
Datum
clv_sbg_fit_survivors(PG_FUNCTION_ARGS)
{
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *isnull;
	double	   *survivors;
	ClvSbgRow  *rows;
	int			n,
				i;

	deconstruct_array(array, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &isnull, &n);
	if (n == 0)
		PG_RETURN_NULL();
	survivors = (double *) palloc(sizeof(double) * n);
	rows = (ClvSbgRow *) palloc(sizeof(ClvSbgRow) * n);
	for (i = 0; i < n; i++)
	{
		if (isnull[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("sbg_fit_survivors survivor counts must not be NULL"),
					 errdetail("Element %d is NULL.", i + 1),
					 errhint("Pass the survivors at the end of every period 0, 1, 2, ... without gaps.")));
		survivors[i] = (double) DatumGetInt64(elems[i]);
	}
	if (clv_sbg_rows_from_survivors(survivors, n, rows) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sbg_fit_survivors survivor counts must be non-negative and never increase"),
				 errhint("Element 1 is the cohort's size, element k + 1 the customers still active after k periods.")));
	if (survivors[0] < 2)
		PG_RETURN_NULL();
	if (n >= 2)
	{
		/* sbg_fit's order, (periods, churned): the survivors before the last churners */
		ClvSbgRow	last_churned = rows[n - 2];

		rows[n - 2] = rows[n - 1];
		rows[n - 1] = last_churned;
	}
	return fit_result(fcinfo, MODEL_SBG, rows, n, survivors[0], "sbg_fit_survivors");
}

/* ---------------------------------------------------------------------
 * Scoring
 * ---------------------------------------------------------------------
 */

/* Reads the parameters of the model composite of argument 0. */
static void
read_model(FunctionCallInfo fcinfo, DiscreteModel model, double *param,
		   const char *fname)
{
	const DiscreteInfo *info = &discrete_info[model];
	Datum		values[4 + 4 + CLV_FIT_QUALITY_NATTS];
	bool		nulls[4 + 4 + CLV_FIT_QUALITY_NATTS];
	int			i;

	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
														  sizeof(ClvCompositeReader));
	clv_deform_composite((ClvCompositeReader *) fcinfo->flinfo->fn_extra,
						 fcinfo->flinfo->fn_mcxt, PG_GETARG_DATUM(0),
						 MODEL_NATTS(info), values, nulls);
	for (i = 0; i < info->nparams; i++)
	{
		param[i] = nulls[i] ? NAN : DatumGetFloat8(values[i]);
		if (!(param[i] > 0.0 && isfinite(param[i])))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s model parameter \"%s\" must be a positive number",
							fname, info->names[i]),
					 errhint("Pass a model returned by %s.",
							 model == MODEL_BGBB ? "bgbb_fit" : "sbg_fit or sbg_fit_survivors")));
	}
}

/* Reads a number of opportunities, 0 .. CLV_BGBB_MAX_OPPORTUNITIES. */
static double
opportunities_arg(FunctionCallInfo fcinfo, int argno, const char *argname,
				  const char *fname)
{
	int64		value = PG_GETARG_INT64(argno);

	if (value < 0 || value > CLV_BGBB_MAX_OPPORTUNITIES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %s must be between 0 and %d", fname, argname,
						CLV_BGBB_MAX_OPPORTUNITIES),
				 errdetail("%s = " INT64_FORMAT ".", argname, value),
				 errhint("It counts transaction opportunities; the work grows with it.")));
	return (double) value;
}

/* Reads the customer (x, t_x, n) at arguments argno .. argno + 2, checked. */
static void
read_customer(FunctionCallInfo fcinfo, int argno, double *customer,
			  const char *fname)
{
	double		row[4];

	row[0] = (double) PG_GETARG_INT64(argno);
	row[1] = (double) PG_GETARG_INT64(argno + 1);
	row[2] = (double) PG_GETARG_INT64(argno + 2);
	row[3] = 1;
	check_input_row(MODEL_BGBB, row, fname);
	memcpy(customer, row, sizeof(double) * 3);
}

PG_FUNCTION_INFO_V1(clv_p_alive_bgbb);
/* p_alive(clv_bgbb, x, t_x, n): P(alive at opportunity n + 1). */
Datum
clv_p_alive_bgbb(PG_FUNCTION_ARGS)
{
	double		param[4],
				c[3];

	read_model(fcinfo, MODEL_BGBB, param, "p_alive");
	read_customer(fcinfo, 1, c, "p_alive");
	PG_RETURN_FLOAT8(clv_bgbb_p_alive(param, 1, c[0], c[1], c[2]));
}

PG_FUNCTION_INFO_V1(clv_expected_purchases_bgbb);
/* expected_purchases(clv_bgbb, horizon, x, t_x, n): in the next horizon opportunities. */
Datum
clv_expected_purchases_bgbb(PG_FUNCTION_ARGS)
{
	double		param[4],
				c[3];
	double		horizon;

	read_model(fcinfo, MODEL_BGBB, param, "expected_purchases");
	horizon = opportunities_arg(fcinfo, 1, "horizon", "expected_purchases");
	read_customer(fcinfo, 2, c, "expected_purchases");
	PG_RETURN_FLOAT8(clv_bgbb_expected_transactions(param, horizon, c[0], c[1], c[2]));
}

PG_FUNCTION_INFO_V1(clv_expected_purchases_bgbb_new);
/* expected_purchases(clv_bgbb, horizon): a new customer's E[X(horizon)]. */
Datum
clv_expected_purchases_bgbb_new(PG_FUNCTION_ARGS)
{
	double		param[4];
	double		horizon;

	read_model(fcinfo, MODEL_BGBB, param, "expected_purchases");
	horizon = opportunities_arg(fcinfo, 1, "horizon", "expected_purchases");
	PG_RETURN_FLOAT8(clv_bgbb_unconditional_transactions(param, horizon));
}

/* The count argument of purchase_probability: outside 0 .. horizon its probability is 0. */
static bool
purchases_in_range(FunctionCallInfo fcinfo, int argno, double horizon,
				   double *purchases)
{
	int64		value = PG_GETARG_INT64(argno);

	*purchases = (double) value;
	return value >= 0 && (double) value <= horizon;
}

PG_FUNCTION_INFO_V1(clv_purchase_probability_bgbb);
/*
 * purchase_probability(clv_bgbb, purchases, horizon, x, t_x, n): the
 * probability of exactly purchases transactions in the next horizon
 * opportunities.
 */
Datum
clv_purchase_probability_bgbb(PG_FUNCTION_ARGS)
{
	double		param[4],
				c[3];
	double		horizon,
				purchases;

	read_model(fcinfo, MODEL_BGBB, param, "purchase_probability");
	horizon = opportunities_arg(fcinfo, 2, "horizon", "purchase_probability");
	read_customer(fcinfo, 3, c, "purchase_probability");
	if (!purchases_in_range(fcinfo, 1, horizon, &purchases))
		PG_RETURN_FLOAT8(0.0);
	PG_RETURN_FLOAT8(clv_bgbb_conditional_pmf(param, horizon, purchases, c[0], c[1], c[2]));
}

PG_FUNCTION_INFO_V1(clv_purchase_probability_bgbb_new);
/*
 * purchase_probability(clv_bgbb, purchases, horizon): the probability that a new
 * customer makes exactly purchases transactions in its first horizon
 * opportunities.
 */
Datum
clv_purchase_probability_bgbb_new(PG_FUNCTION_ARGS)
{
	double		param[4];
	double		horizon,
				purchases;

	read_model(fcinfo, MODEL_BGBB, param, "purchase_probability");
	horizon = opportunities_arg(fcinfo, 2, "horizon", "purchase_probability");
	if (!purchases_in_range(fcinfo, 1, horizon, &purchases))
		PG_RETURN_FLOAT8(0.0);
	PG_RETURN_FLOAT8(clv_bgbb_pmf(param, horizon, purchases));
}

/*
 * The sBG projections of period argument 1, at least first: fn of the
 * model's parameters and the period.
 */
static Datum
sbg_period(FunctionCallInfo fcinfo, double (*fn) (const double *, double),
		   int64 first, const char *fname)
{
	double		param[2];
	int64		period = PG_GETARG_INT64(1);

	read_model(fcinfo, MODEL_SBG, param, fname);
	if (period < first)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s period must be at least " INT64_FORMAT, fname, first),
				 errdetail("period = " INT64_FORMAT ".", period),
				 errhint("Periods count from the start of the contract: period 1 ends at the first renewal.")));
	PG_RETURN_FLOAT8(fn(param, (double) period));
}

PG_FUNCTION_INFO_V1(clv_churn_probability_sbg);
/* churn_probability(clv_sbg, period): P(T = period), period >= 1. */
Datum
clv_churn_probability_sbg(PG_FUNCTION_ARGS)
{
	return sbg_period(fcinfo, clv_sbg_churn_probability, 1, "churn_probability");
}

PG_FUNCTION_INFO_V1(clv_survival_sbg);
/* survival(clv_sbg, period): S(period), period >= 0. */
Datum
clv_survival_sbg(PG_FUNCTION_ARGS)
{
	return sbg_period(fcinfo, clv_sbg_survival, 0, "survival");
}

PG_FUNCTION_INFO_V1(clv_projected_retention_sbg);
/* projected_retention(clv_sbg, period): S(period) / S(period - 1), period >= 1. */
Datum
clv_projected_retention_sbg(PG_FUNCTION_ARGS)
{
	return sbg_period(fcinfo, clv_sbg_retention_rate, 1, "projected_retention");
}

PG_FUNCTION_INFO_V1(clv_derl_sbg);
/*
 * derl(clv_sbg, periods, discount): the discounted expected residual
 * lifetime of a customer active for periods >= 1 periods; NULL when its
 * series does not converge.
 */
Datum
clv_derl_sbg(PG_FUNCTION_ARGS)
{
	double		param[2];
	int64		periods = PG_GETARG_INT64(1);
	double		discount = PG_GETARG_FLOAT8(2);
	double		derl;

	read_model(fcinfo, MODEL_SBG, param, "derl");
	if (periods < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("derl periods must be at least 1"),
				 errdetail("periods = " INT64_FORMAT ".", periods),
				 errhint("periods counts the periods a customer has been active, the current one included.")));
	if (!(discount > 0 && isfinite(discount)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("derl discount must be a positive number"),
				 errdetail("discount = %g.", discount),
				 errhint("Pass the discount rate per period, for example 0.1 for 10%%.")));
	derl = clv_sbg_derl(param, (double) periods, discount);
	if (!isfinite(derl))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(derl);
}
