/*-------------------------------------------------------------------------
 *
 * fit.c
 *	  The model aggregates: clv_stats and clv_stats_merge, which build the
 *	  sufficient statistic, and bgnbd_fit, mbgnbd_fit, pareto_nbd_fit and
 *	  gamma_gamma_fit, which fit a model to it.
 *
 * Every aggregate's state is a clv_stats value (STYPE = clv_stats), kept
 * as a read/write expanded object while the rows come in (stats.c), so
 * that a distributed engine can ship partial states as text and combine
 * them.  Each aggregate has its own transition per input form, one
 * combine function (the transition over clv_stats values, which merges
 * two statistics) and one final function, so every message names the
 * aggregate called however it is called: no support function reads its
 * expression tree or its Aggref.  Final functions read the rows flat and
 * in order, so serial, parallel and merged fits see the same data in the
 * same order.
 *
 *-------------------------------------------------------------------------
 */
#include "models.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "core/bgnbd.h"
#include "core/gamma_gamma.h"
#include "core/inference.h"
#include "core/mbgnbd.h"
#include "core/pareto_nbd.h"

/*
 * Number of attributes of clv_summary and of the model composites (their
 * own, then the fit quality's).
 */
#define SUMMARY_NATTS 6
#define PURCHASE_MODEL_NATTS (9 + CLV_FIT_QUALITY_NATTS)
#define GAMMA_GAMMA_NATTS (7 + CLV_FIT_QUALITY_NATTS)

/* The purchase models, by their fit. */
typedef enum PurchaseFit
{
	FIT_BGNBD,
	FIT_PARETO_NBD,
	FIT_MBGNBD
} PurchaseFit;

/* ---------------------------------------------------------------------
 * Transitions
 * ---------------------------------------------------------------------
 */

/*
 * Adds one customer to the state: its (x, t_x, t) row when want has
 * STATS_WANT_TX, its (x, m) row when want has STATS_WANT_SPEND, x > 0 and
 * m is known.  Rows that break an input rule are errors.
 */
static void
add_customer(StatsState *state, int want, const char *fname, int64 x,
			 float8 t_x, float8 t, float8 m, bool m_isnull)
{
	if (want & STATS_WANT_TX)
	{
		clv_stats_check_tx(fname, ERRCODE_INVALID_PARAMETER_VALUE, x, t_x, t);
		clv_stats_state_add_tx(state, x, t_x, t, 1, fname);
	}
	if (want & STATS_WANT_SPEND)
	{
		clv_stats_check_x(fname, ERRCODE_INVALID_PARAMETER_VALUE, x);
		if (x > 0 && !m_isnull)
		{
			clv_stats_check_m(fname, x, m);
			clv_stats_state_add_spend(state, x, m, 1, fname);
		}
	}
}

/*
 * The transition over plain columns: (x, t_x, t, unit) for STATS_WANT_TX,
 * (x, t_x, t, m, unit) for both parts, (x, m) for STATS_WANT_SPEND.  A row
 * with a NULL x, t_x or t (or m, for Gamma-Gamma) is ignored, whatever its
 * unit (an outer join's missing customer); a counted row's unit must not
 * be NULL.
 */
static Datum
plain_trans(FunctionCallInfo fcinfo, int want, const char *fname)
{
	StatsState *state = clv_stats_state_arg(fcinfo, fname);
	float8		t_x = 0.0,
				t = 0.0,
				m = 0.0;
	bool		m_isnull = true;

	if (want & STATS_WANT_TX)
	{
		int			unit_arg = PG_NARGS() - 1;

		if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
			return CLV_STATS_STATE_RESULT(state);
		clv_check_not_null(fcinfo, unit_arg, fname, "unit",
						   "Pass the unit the times are in, for example '1 day'.");
		clv_stats_state_set_unit(state, clv_unit_usec(PG_GETARG_INTERVAL_P(unit_arg), fname),
								 fname);
		t_x = PG_GETARG_FLOAT8(2);
		t = PG_GETARG_FLOAT8(3);
		if (want & STATS_WANT_SPEND)
		{
			m_isnull = PG_ARGISNULL(4);
			if (!m_isnull)
				m = PG_GETARG_FLOAT8(4);
		}
	}
	else
	{
		if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
			return CLV_STATS_STATE_RESULT(state);
		m_isnull = false;
		m = PG_GETARG_FLOAT8(2);
	}
	add_customer(state, want, fname, PG_GETARG_INT64(1), t_x, t, m, m_isnull);
	return CLV_STATS_STATE_RESULT(state);
}

/*
 * The transition over clv_summary values, and over clv_holdout_summary values,
 * whose first attributes are a clv_summary's (their holdout attributes are
 * not read): a summary with a NULL x, t_x, t or unit is ignored; m is read
 * (numeric to float8) only when the spend part is wanted.  The summary's
 * unit is the fit's.
 */
static Datum
summary_trans(FunctionCallInfo fcinfo, int want, const char *fname)
{
	StatsState *state = clv_stats_state_arg(fcinfo, fname);
	ClvCompositeReader *reader;
	Datum		values[SUMMARY_NATTS];
	bool		nulls[SUMMARY_NATTS];
	float8		m = 0.0;
	bool		m_isnull;

	if (PG_ARGISNULL(1))
		return CLV_STATS_STATE_RESULT(state);
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
														  sizeof(ClvCompositeReader));
	reader = (ClvCompositeReader *) fcinfo->flinfo->fn_extra;
	clv_deform_composite_prefix(reader, fcinfo->flinfo->fn_mcxt, PG_GETARG_DATUM(1),
								SUMMARY_NATTS, values, nulls);
	if (nulls[0] || nulls[1] || nulls[2] || nulls[5])
		return CLV_STATS_STATE_RESULT(state);
	if (want & STATS_WANT_TX)
		clv_stats_state_set_unit(state, clv_unit_usec(DatumGetIntervalP(values[5]), fname),
								 fname);
	m_isnull = !(want & STATS_WANT_SPEND) || nulls[3];
	if (!m_isnull)
		m = clv_numeric_float8(values[3]);
	add_customer(state, want, fname, DatumGetInt64(values[0]),
				 DatumGetFloat8(values[1]), DatumGetFloat8(values[2]), m, m_isnull);
	return CLV_STATS_STATE_RESULT(state);
}

/*
 * The transition over clv_stats values, which is also every model
 * aggregate's combine function: adds the counts of argument 1 (a stored
 * value or another state) to the state.  NULL values are ignored.
 */
static Datum
stats_trans(FunctionCallInfo fcinfo, const char *fname)
{
	StatsState *state;

	clv_agg_context(fcinfo, fname);
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}

	/*
	 * The first value of a group, when stored: it is already a state's flat
	 * form (rows validated sorted and distinct on input), so it becomes the
	 * state as it is (the executor copies it) instead of hashing each row.
	 */
	if (PG_ARGISNULL(0) &&
		!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(PG_GETARG_DATUM(1))))
		PG_RETURN_POINTER(PG_DETOAST_DATUM(PG_GETARG_DATUM(1)));
	state = clv_stats_state_arg(fcinfo, fname);
	clv_stats_state_add_value(state, PG_GETARG_DATUM(1), STATS_WANT_ALL, fname);
	return CLV_STATS_STATE_RESULT(state);
}

PG_FUNCTION_INFO_V1(clv_stats_trans);
/* clv_stats(x, t_x, t, m, unit) transition. */
Datum
clv_stats_trans(PG_FUNCTION_ARGS)
{
	return plain_trans(fcinfo, STATS_WANT_ALL, "clv_stats");
}

PG_FUNCTION_INFO_V1(clv_stats_summary_trans);
/* clv_stats(clv_summary) and clv_stats(clv_holdout_summary) transition. */
Datum
clv_stats_summary_trans(PG_FUNCTION_ARGS)
{
	return summary_trans(fcinfo, STATS_WANT_ALL, "clv_stats");
}

PG_FUNCTION_INFO_V1(clv_stats_combine);
/* clv_stats combine: adds the counts of one partial statistic to another. */
Datum
clv_stats_combine(PG_FUNCTION_ARGS)
{
	return stats_trans(fcinfo, "clv_stats");
}

PG_FUNCTION_INFO_V1(clv_stats_merge_trans);
/* clv_stats_merge transition and combine. */
Datum
clv_stats_merge_trans(PG_FUNCTION_ARGS)
{
	return stats_trans(fcinfo, "clv_stats_merge");
}

PG_FUNCTION_INFO_V1(clv_bgnbd_fit_trans);
/* bgnbd_fit(x, t_x, t, unit) transition. */
Datum
clv_bgnbd_fit_trans(PG_FUNCTION_ARGS)
{
	return plain_trans(fcinfo, STATS_WANT_TX, "bgnbd_fit");
}

PG_FUNCTION_INFO_V1(clv_bgnbd_fit_summary_trans);
/* bgnbd_fit(clv_summary) and bgnbd_fit(clv_holdout_summary) transition. */
Datum
clv_bgnbd_fit_summary_trans(PG_FUNCTION_ARGS)
{
	return summary_trans(fcinfo, STATS_WANT_TX, "bgnbd_fit");
}

PG_FUNCTION_INFO_V1(clv_bgnbd_fit_stats_trans);
/* bgnbd_fit(clv_stats) transition and bgnbd_fit combine. */
Datum
clv_bgnbd_fit_stats_trans(PG_FUNCTION_ARGS)
{
	return stats_trans(fcinfo, "bgnbd_fit");
}

PG_FUNCTION_INFO_V1(clv_mbgnbd_fit_trans);
/* mbgnbd_fit(x, t_x, t, unit) transition. */
Datum
clv_mbgnbd_fit_trans(PG_FUNCTION_ARGS)
{
	return plain_trans(fcinfo, STATS_WANT_TX, "mbgnbd_fit");
}

PG_FUNCTION_INFO_V1(clv_mbgnbd_fit_summary_trans);
/* mbgnbd_fit(clv_summary) and mbgnbd_fit(clv_holdout_summary) transition. */
Datum
clv_mbgnbd_fit_summary_trans(PG_FUNCTION_ARGS)
{
	return summary_trans(fcinfo, STATS_WANT_TX, "mbgnbd_fit");
}

PG_FUNCTION_INFO_V1(clv_mbgnbd_fit_stats_trans);
/* mbgnbd_fit(clv_stats) transition and mbgnbd_fit combine. */
Datum
clv_mbgnbd_fit_stats_trans(PG_FUNCTION_ARGS)
{
	return stats_trans(fcinfo, "mbgnbd_fit");
}

PG_FUNCTION_INFO_V1(clv_pareto_nbd_fit_trans);
/* pareto_nbd_fit(x, t_x, t, unit) transition. */
Datum
clv_pareto_nbd_fit_trans(PG_FUNCTION_ARGS)
{
	return plain_trans(fcinfo, STATS_WANT_TX, "pareto_nbd_fit");
}

PG_FUNCTION_INFO_V1(clv_pareto_nbd_fit_summary_trans);
/* pareto_nbd_fit(clv_summary) and pareto_nbd_fit(clv_holdout_summary) transition. */
Datum
clv_pareto_nbd_fit_summary_trans(PG_FUNCTION_ARGS)
{
	return summary_trans(fcinfo, STATS_WANT_TX, "pareto_nbd_fit");
}

PG_FUNCTION_INFO_V1(clv_pareto_nbd_fit_stats_trans);
/* pareto_nbd_fit(clv_stats) transition and pareto_nbd_fit combine. */
Datum
clv_pareto_nbd_fit_stats_trans(PG_FUNCTION_ARGS)
{
	return stats_trans(fcinfo, "pareto_nbd_fit");
}

PG_FUNCTION_INFO_V1(clv_gamma_gamma_fit_trans);
/* gamma_gamma_fit(x, m) transition. */
Datum
clv_gamma_gamma_fit_trans(PG_FUNCTION_ARGS)
{
	return plain_trans(fcinfo, STATS_WANT_SPEND, "gamma_gamma_fit");
}

PG_FUNCTION_INFO_V1(clv_gamma_gamma_fit_summary_trans);
/* gamma_gamma_fit(clv_summary) and gamma_gamma_fit(clv_holdout_summary) transition. */
Datum
clv_gamma_gamma_fit_summary_trans(PG_FUNCTION_ARGS)
{
	return summary_trans(fcinfo, STATS_WANT_SPEND, "gamma_gamma_fit");
}

PG_FUNCTION_INFO_V1(clv_gamma_gamma_fit_stats_trans);
/* gamma_gamma_fit(clv_stats) transition and gamma_gamma_fit combine. */
Datum
clv_gamma_gamma_fit_stats_trans(PG_FUNCTION_ARGS)
{
	return stats_trans(fcinfo, "gamma_gamma_fit");
}

/* ---------------------------------------------------------------------
 * Final functions
 * ---------------------------------------------------------------------
 */

/*
 * The final state as a flat value with sorted rows; called with a
 * read-only state by the executor, or with a flat one by a distributed
 * engine.
 */
static ClvStats *
final_stats(FunctionCallInfo fcinfo, const char *fname)
{
	clv_agg_context(fcinfo, fname);
	return clv_stats_flat(PG_GETARG_DATUM(0), fname);
}

/* The statistic itself; NULL when no row was seen. */
static Datum
stats_final(FunctionCallInfo fcinfo, const char *fname)
{
	ClvStats   *stats = final_stats(fcinfo, fname);

	if (stats->n_tx == 0 && stats->n_spend == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(stats);
}

PG_FUNCTION_INFO_V1(clv_stats_final);
/* clv_stats final. */
Datum
clv_stats_final(PG_FUNCTION_ARGS)
{
	return stats_final(fcinfo, "clv_stats");
}

PG_FUNCTION_INFO_V1(clv_stats_merge_final);
/* clv_stats_merge final. */
Datum
clv_stats_merge_final(PG_FUNCTION_ARGS)
{
	return stats_final(fcinfo, "clv_stats_merge");
}

/* Why an information matrix gives no standard errors, for a message. */
static const char *
information_problem(ClvInformationStatus status)
{
	switch (status)
	{
		case CLV_INFORMATION_SINGULAR:
			return "The information matrix is singular: the data do not identify every parameter.";
		case CLV_INFORMATION_NOT_POSITIVE_DEFINITE:
			return "The information matrix is not positive definite: the estimate is not a maximum of the likelihood.";
		case CLV_INFORMATION_NOT_FINITE:
			return "The likelihood or its derivatives are not finite near the estimate.";
		case CLV_INFORMATION_OK:
			break;
	}
	elog(ERROR, "unexpected information status %d", (int) status);
	return NULL;				/* keep compiler quiet */
}

/* See models.h. */
void
clv_fit_quality(const ClvInference *inference, const ClvModelFit *fit,
				int nparams, double customers, const char *fname,
				Datum *values, bool *nulls)
{
	Datum		se[4];
	double		aic,
				bic;
	int			i;

	if (!fit->converged)
	{
		values[0] = (Datum) 0;
		nulls[0] = true;
	}
	else if (inference->status == CLV_INFORMATION_OK)
	{
		for (i = 0; i < inference->nparams; i++)
			se[i] = Float8GetDatum(inference->se[i]);
		values[0] = PointerGetDatum(construct_array(se, inference->nparams, FLOAT8OID,
													sizeof(float8), FLOAT8PASSBYVAL,
													TYPALIGN_DOUBLE));
		nulls[0] = false;
	}
	else
	{
		ereport(WARNING,
				(errmsg("%s cannot estimate standard errors", fname),
				 errdetail("%s", information_problem(inference->status)),
				 errhint("The model's std_errors are NULL.")));
		values[0] = (Datum) 0;
		nulls[0] = true;
	}
	clv_mle_information_criteria(fit->ll, nparams, customers, &aic, &bic);
	values[1] = Float8GetDatum(aic);
	nulls[1] = !isfinite(aic);
	values[2] = Float8GetDatum(bic);
	nulls[2] = !isfinite(bic);
}

/* Warns that a fit did not converge, saying why when the reason is known. */
static void
warn_not_converged(const char *fname, bool no_repeats, bool degenerate)
{
	ereport(WARNING,
			(errmsg("%s did not converge", fname),
			 no_repeats ?
			 errdetail("No customer in the data made a repeat purchase, so the model cannot be identified.") :
			 degenerate ?
			 errdetail("The likelihood rises towards a limit of the model (a parameter runs to the bound of its range, or the likelihood is flat in some direction), so the data cannot identify the model.") :
			 errdetail("The optimiser stopped without reaching a maximum of the likelihood."),
			 errhint("The returned model is marked converged = false; do not score with it.")));
}

/*
 * The final function of bgnbd_fit, mbgnbd_fit and pareto_nbd_fit: fits
 * the sorted distinct rows and returns the model composite with the
 * standard errors, AIC and BIC of the fit; NULL for fewer than 2
 * customers.
 */
static Datum
purchase_final(FunctionCallInfo fcinfo, PurchaseFit kind, const char *fname)
{
	ClvStats   *stats = final_stats(fcinfo, fname);
	ClvStatsTx *tx = STATS_TX(stats);
	ClvTxRow   *rows = (ClvTxRow *) palloc(sizeof(ClvTxRow) * Max(stats->n_tx, 1));
	ClvModelFit fit;
	ClvInference inference;
	int64		customers = 0;
	Datum		values[PURCHASE_MODEL_NATTS];
	bool		nulls[PURCHASE_MODEL_NATTS] = {0};
	int			i;

	for (i = 0; i < stats->n_tx; i++)
	{
		rows[i].x = (double) tx[i].x;
		rows[i].t_x = tx[i].t_x;
		rows[i].t = tx[i].t;
		rows[i].count = (double) tx[i].count;
		customers = clv_stats_add_counts(customers, tx[i].count, fname);
	}
	if (customers < 2 || stats->unit_usec == 0)
		PG_RETURN_NULL();

	/* the standard errors of a converged fit only: no other is given them */
	switch (kind)
	{
		case FIT_BGNBD:
			clv_bgnbd_fit(rows, stats->n_tx, clv_models_check_interrupts, NULL, &fit);
			if (fit.converged)
				clv_bgnbd_inference(fit.param, rows, stats->n_tx,
									clv_models_check_interrupts, NULL, &inference);
			break;
		case FIT_MBGNBD:
			clv_mbgnbd_fit(rows, stats->n_tx, clv_models_check_interrupts, NULL, &fit);
			if (fit.converged)
				clv_mbgnbd_inference(fit.param, rows, stats->n_tx,
									 clv_models_check_interrupts, NULL, &inference);
			break;
		case FIT_PARETO_NBD:
			{
				void	   *workspace = MemoryContextAllocHuge(CurrentMemoryContext,
															   clv_pnbd_workspace_size(stats->n_tx));

				clv_pnbd_fit(rows, stats->n_tx, workspace,
							 clv_models_check_interrupts, NULL, &fit);
				if (fit.converged)
					clv_pnbd_inference(fit.param, rows, stats->n_tx, workspace,
									   clv_models_check_interrupts, NULL, &inference);
			}
			break;
	}
	if (fit.converged)
		clv_mle_check_maximum(&fit, &inference);
	if (!fit.converged)
		warn_not_converged(fname, !clv_model_has_repeats(rows, stats->n_tx),
						   fit.degenerate);

	for (i = 0; i < 4; i++)
		values[i] = Float8GetDatum(fit.param[i]);
	values[4] = Float8GetDatum(fit.ll);
	values[5] = Int64GetDatum(customers);
	values[6] = Int32GetDatum(fit.iterations);
	values[7] = BoolGetDatum(fit.converged);
	values[8] = IntervalPGetDatum(clv_usec_interval_exact(stats->unit_usec));
	clv_fit_quality(&inference, &fit, 4, (double) customers, fname, values + 9, nulls + 9);
	return clv_composite_result(fcinfo, values, nulls);
}

PG_FUNCTION_INFO_V1(clv_bgnbd_fit_final);
/* bgnbd_fit final: the maximum-likelihood BG/NBD model. */
Datum
clv_bgnbd_fit_final(PG_FUNCTION_ARGS)
{
	return purchase_final(fcinfo, FIT_BGNBD, "bgnbd_fit");
}

PG_FUNCTION_INFO_V1(clv_mbgnbd_fit_final);
/* mbgnbd_fit final: the maximum-likelihood MBG/NBD model. */
Datum
clv_mbgnbd_fit_final(PG_FUNCTION_ARGS)
{
	return purchase_final(fcinfo, FIT_MBGNBD, "mbgnbd_fit");
}

PG_FUNCTION_INFO_V1(clv_pareto_nbd_fit_final);
/* pareto_nbd_fit final: the maximum-likelihood Pareto/NBD model. */
Datum
clv_pareto_nbd_fit_final(PG_FUNCTION_ARGS)
{
	return purchase_final(fcinfo, FIT_PARETO_NBD, "pareto_nbd_fit");
}

PG_FUNCTION_INFO_V1(clv_gamma_gamma_fit_final);
/*
 * gamma_gamma_fit final: fits the (x, m) rows of repeat customers, with
 * the fit's standard errors, AIC and BIC; a row with m <= 0 is an error
 * (the model is undefined there).  NULL for fewer than 2 repeat customers.
 */
Datum
clv_gamma_gamma_fit_final(PG_FUNCTION_ARGS)
{
	ClvStats   *stats = final_stats(fcinfo, "gamma_gamma_fit");
	ClvStatsSpend *spend = STATS_SPEND(stats);
	ClvSpendRow *rows = (ClvSpendRow *) palloc(sizeof(ClvSpendRow) * Max(stats->n_spend, 1));
	ClvModelFit fit;
	ClvInference inference;
	int64		customers = 0;
	Datum		values[GAMMA_GAMMA_NATTS];
	bool		nulls[GAMMA_GAMMA_NATTS] = {0};
	int			i;

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
		customers = clv_stats_add_counts(customers, spend[i].count, "gamma_gamma_fit");
	}
	if (customers < 2)
		PG_RETURN_NULL();

	clv_gg_fit(rows, stats->n_spend, clv_models_check_interrupts, NULL, &fit);
	if (fit.converged)
	{
		clv_gg_inference(fit.param, rows, stats->n_spend,
						 clv_models_check_interrupts, NULL, &inference);
		clv_mle_check_maximum(&fit, &inference);
	}
	if (!fit.converged)
		warn_not_converged("gamma_gamma_fit", false, fit.degenerate);

	for (i = 0; i < 3; i++)
		values[i] = Float8GetDatum(fit.param[i]);
	values[3] = Float8GetDatum(fit.ll);
	values[4] = Int64GetDatum(customers);
	values[5] = Int32GetDatum(fit.iterations);
	values[6] = BoolGetDatum(fit.converged);
	clv_fit_quality(&inference, &fit, 3, (double) customers, "gamma_gamma_fit",
					values + 7, nulls + 7);
	return clv_composite_result(fcinfo, values, nulls);
}
