/*
 * fuzz_new_fits.c -- libFuzzer harness of the maximum-likelihood fits of
 * src/core/mbgnbd.c, bgbb.c and sbg.c on arbitrary small data, and of the
 * inference at their estimates (mle.c).
 *
 * The first byte picks the model: MBG/NBD, BG/BB or sBG.  Then come up to
 * MAX_ROWS rows obeying the model's input rules (MBG/NBD: x a
 * non-negative integer, 0 <= t_x <= t, t_x = 0 when x = 0; BG/BB:
 * integers 0 <= x <= t_x <= n <= 1000, t_x = 0 when x = 0; sBG: periods
 * up to 1000, churned or not), each with a count of customers.  Every fit
 * must end (within libFuzzer's -timeout), call the interrupt callback,
 * return finite positive parameters inside the optimiser's box, a
 * log-likelihood that is not NaN, equals the likelihood at the returned
 * parameters and is no worse than at the start (all parameters 1), and
 * converged = false when the data cannot identify the model.  The
 * inference never yields a NaN: its SEs are finite and non-negative, 0
 * unless the status is OK; with status OK the Wald bounds bracket the
 * estimate and the covariance times the information is the identity.
 */
#include "bgbb.h"
#include "fuzz_input.h"
#include "inference.h"
#include "mbgnbd.h"
#include "optimize.h"
#include "sbg.h"

#define MAX_ROWS 6

/* The rows of each model, only one of which is used per input. */
typedef struct Data
{
	int			model;			/* 0 MBG/NBD, 1 BG/BB, 2 sBG */
	size_t		n;
	ClvTxRow	tx[MAX_ROWS];
	ClvBgbbRow	bgbb[MAX_ROWS];
	ClvSbgRow	sbg[MAX_ROWS];
} Data;

/* The log-likelihood of the chosen model at param. */
static double
data_ll(const Data *d, const double *param)
{
	if (d->model == 0)
		return clv_mbgnbd_ll(param, d->tx, d->n, NULL);
	if (d->model == 1)
		return clv_bgbb_ll(param, d->bgbb, d->n, NULL);
	return clv_sbg_ll(param, d->sbg, d->n, NULL);
}

/* Reads the rows of d->model; returns whether the model is identifiable. */
static int
read_rows(FuzzInput *in, Data *d)
{
	int			repeats = 0,
				spans = 0,
				churn = 0;

	for (size_t i = 0; i < d->n; i++)
	{
		uint8_t		kind = fuzz_u8(in);
		double		count = 1 + (uint16_t) fuzz_i16(in) % 10000;

		if (d->model == 0)
		{
			ClvTxRow   *r = &d->tx[i];

			r->x = (kind & 1) ? 0.0 : (kind & 2) ? (uint16_t) fuzz_i16(in) % 5000 :
				1 + fuzz_u8(in) % 20;
			r->t = (kind & 4) ? 0.0 : fuzz_log_uniform(in, 1e-3, 1e4);
			r->t_x = r->x > 0 ? r->t * fuzz_u8(in) / 255.0 : 0.0;
			r->count = count;
			repeats |= r->x > 0;
		}
		else if (d->model == 1)
		{
			ClvBgbbRow *r = &d->bgbb[i];

			r->n = (kind & 1) ? fuzz_u8(in) % 8 : (uint16_t) fuzz_i16(in) % 1001;
			r->t_x = r->n > 0 ? (uint16_t) fuzz_i16(in) % ((int) r->n + 1) : 0;
			r->x = r->t_x > 0 ? 1 + (uint16_t) fuzz_i16(in) % (int) r->t_x : 0;
			r->count = count;
			repeats |= r->x > 0;
			spans |= r->n >= 2;
		}
		else
		{
			ClvSbgRow  *r = &d->sbg[i];

			r->churned = kind & 1;
			r->periods = (kind & 2) ? (uint16_t) fuzz_i16(in) % 1001 : fuzz_u8(in) % 8;
			if (r->churned && r->periods < 1)
				r->periods = 1;
			r->count = count;
			churn |= r->churned;
			spans |= r->periods >= 2;
		}
	}
	return d->model == 0 ? repeats : d->model == 1 ? repeats && spans : churn && spans;
}

/* Checks the inference at the estimate: no NaN, consistent with its status. */
static void
check_inference(const char *name, const ClvInference *inf)
{
	for (int i = 0; i < inf->nparams; i++)
	{
		FUZZ_CHECK(isfinite(inf->se[i]) && inf->se[i] >= 0, "%s SE %d = %g", name, i, inf->se[i]);
		FUZZ_CHECK(inf->status == CLV_INFORMATION_OK || inf->se[i] == 0,
				   "%s SE %d = %g with status %d", name, i, inf->se[i], (int) inf->status);
		FUZZ_CHECK(inf->lower[i] <= inf->estimate[i] && inf->estimate[i] <= inf->upper[i],
				   "%s Wald bounds of parameter %d do not bracket it", name, i);
	}
	if (inf->status != CLV_INFORMATION_OK)
		return;
	for (int i = 0; i < inf->nparams; i++)
		for (int j = 0; j < inf->nparams; j++)
		{
			double		product = 0.0,
						scale = 0.0;

			for (int k = 0; k < inf->nparams; k++)
			{
				product += inf->covariance[i][k] * inf->information[k][j];
				scale += fabs(inf->covariance[i][k] * inf->information[k][j]);
			}
			FUZZ_CHECK(fabs(product - (i == j)) <= 1e-6 * (1 + scale),
					   "%s covariance x information [%d][%d] = %g", name, i, j, product);
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[3] = {"MBG/NBD", "BG/BB", "sBG"};
	static const double start[4] = {1.0, 1.0, 1.0, 1.0};
	FuzzInput	in = {data, size};
	Data		d;
	ClvModelFit fit;
	ClvInference inf;
	long		interrupts = 0;
	int			nparams,
				identifiable;
	double		ll_start,
				ll_fit;

	d.model = fuzz_u8(&in) % 3;
	d.n = 1 + fuzz_u8(&in) % MAX_ROWS;
	nparams = d.model == 2 ? 2 : 4;
	identifiable = read_rows(&in, &d);

	if (d.model == 0)
		clv_mbgnbd_fit(d.tx, d.n, fuzz_count_interrupt, &interrupts, &fit);
	else if (d.model == 1)
		clv_bgbb_fit(d.bgbb, d.n, fuzz_count_interrupt, &interrupts, &fit);
	else
		clv_sbg_fit(d.sbg, d.n, fuzz_count_interrupt, &interrupts, &fit);

	FUZZ_CHECK(interrupts > 0, "%s fit never called the interrupt callback", names[d.model]);
	for (int k = 0; k < nparams; k++)
		FUZZ_CHECK(isfinite(fit.param[k]) &&
				   fabs(log(fit.param[k])) <= CLV_OPTIM_LOG_BOUND * (1 + 1e-12),
				   "%s fit parameter %d = %.17g", names[d.model], k, fit.param[k]);
	FUZZ_CHECK(!isnan(fit.ll), "%s fit log-likelihood NaN", names[d.model]);
	FUZZ_CHECK(identifiable || !fit.converged, "%s fit converged on unidentifiable data",
			   names[d.model]);
	ll_fit = data_ll(&d, fit.param);
	FUZZ_CHECK(fit.ll == ll_fit || fabs(fit.ll - ll_fit) <= 1e-9 * fabs(ll_fit),
			   "%s fit log-likelihood %.17g, at its parameters %.17g", names[d.model],
			   fit.ll, ll_fit);
	ll_start = data_ll(&d, start);
	/*
	 * (the optimiser takes steps within the rounding of the value,
	 * 1e-12 (1 + |ll|), by their slope: a likelihood of 0 everywhere may
	 * end that far below it)
	 */
	FUZZ_CHECK(!isfinite(ll_start) || fit.ll >= ll_start - 1e-9 * fabs(ll_start) - 1e-12,
			   "%s fit log-likelihood %.17g below the start's %.17g", names[d.model],
			   fit.ll, ll_start);

	interrupts = 0;
	if (d.model == 0)
		clv_mbgnbd_inference(fit.param, d.tx, d.n, fuzz_count_interrupt, &interrupts, &inf);
	else if (d.model == 1)
		clv_bgbb_inference(fit.param, d.bgbb, d.n, fuzz_count_interrupt, &interrupts, &inf);
	else
		clv_sbg_inference(fit.param, d.sbg, d.n, fuzz_count_interrupt, &interrupts, &inf);
	/* once per evaluation: one with MBG/NBD's analytic Hessian, else 2 n + 1 */
	FUZZ_CHECK(interrupts >= (d.model == 0 ? 1 : 2 * nparams + 1),
			   "%s inference called the interrupt %ld times", names[d.model], interrupts);
	check_inference(names[d.model], &inf);
	return 0;
}
