/*
 * fuzz_model_fits.c -- libFuzzer harness of the maximum-likelihood fits of
 * src/core/bgnbd.c, pareto_nbd.c and gamma_gamma.c on small arbitrary data
 * (issue 10.4: Pareto/NBD fits of three rows ran for minutes).
 *
 * The first byte picks the model: BG/NBD, Gamma-Gamma or Pareto/NBD.  Then
 * come up to MAX_ROWS distinct summaries as the fitting aggregates pass
 * them (x a non-negative integer, 0 <= t_x <= t with t_x = 0 when x = 0, a
 * count of customers; for Gamma-Gamma x > 0 and a mean amount m > 0), with
 * degenerate shapes often: t = 0, t_x = t, a single row, nobody
 * returning.  Every fit must end within FIT_CPU_SECONDS of processor time
 * (sanitised; an unsanitised fit of this size takes well under a
 * millisecond), call the interrupt callback, and return finite positive
 * parameters, a log-likelihood that is not NaN, equals the likelihood at
 * the returned parameters and is no worse than at the starting point (all
 * parameters 1; for Pareto/NBD clv_pnbd_fit_start's), converged = false
 * when nobody repurchased, and when it
 * says converged a stationary point.  The Pareto/NBD likelihood indexed
 * once (clv_pnbd_index, clv_pnbd_indexed_ll) must equal clv_pnbd_ll.
 */
#include <time.h>

#include "bgnbd.h"
#include "fuzz_input.h"
#include "gamma_gamma.h"
#include "optimize.h"
#include "pareto_nbd.h"

#define MAX_ROWS 6

/* Processor time a fit of at most MAX_ROWS rows may take, sanitised. */
#define FIT_CPU_SECONDS 1.0

/*
 * The sum of the magnitudes of the terms of the Pareto/NBD log-likelihood
 * at param: its rounding error is a few ulps of this (r log alpha and
 * (r + x) log(alpha + t) nearly cancel for huge r), however small the
 * log-likelihood.
 */
static double
pnbd_term_size(const double *param, const ClvTxRow *rows, size_t n)
{
	double		size = 0.0;
	size_t		i;

	for (i = 0; i < n; i++)
		size += rows[i].count *
			(fabs(lgamma(param[0] + rows[i].x)) + fabs(lgamma(param[0])) +
			 fabs(param[0] * log(param[1])) + fabs(param[2] * log(param[3])) +
			 fabs((param[0] + rows[i].x) * log(param[1] + rows[i].t)) +
			 fabs(param[2] * log(param[3] + rows[i].t)));
	return size;
}

/* Workspace of the Pareto/NBD likelihood for MAX_ROWS rows, taken once. */
static void *workspace;

/*
 * The log-likelihood of model (0 BG/NBD, 1 Gamma-Gamma, 2 Pareto/NBD) at
 * param, and its gradient in log-parameters when grad is not NULL.
 */
static double
model_ll(int model, const double *param, const ClvTxRow *rows, const ClvSpendRow *spend,
		 size_t n, double *grad)
{
	if (model == 0)
		return clv_bgnbd_ll(param, rows, n, grad);
	if (model == 1)
		return clv_gg_ll(param, spend, n, grad);
	return clv_pnbd_ll(param, rows, n, workspace, grad);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[3] = {"BG/NBD", "Gamma-Gamma", "Pareto/NBD"};
	double		start[4] = {1.0, 1.0, 1.0, 1.0};
	FuzzInput	in = {data, size};
	uint8_t		choice = fuzz_u8(&in);
	int			model = choice % 3;
	size_t		n = 1 + fuzz_u8(&in) % MAX_ROWS;
	int			nparams = model == 1 ? 3 : 4;
	ClvTxRow	rows[MAX_ROWS];
	ClvSpendRow spend[MAX_ROWS];
	ClvModelFit fit;
	long		interrupts = 0;
	int			repeats = 0;
	double		ll_start,
				ll_fit,
				grad[4],
				scale = 0.0,
				shift,
				cpu;
	clock_t		began;
	size_t		i;
	int			k;

	if (workspace == NULL && (workspace = malloc(clv_pnbd_workspace_size(MAX_ROWS))) == NULL)
		abort();
	for (i = 0; i < n; i++)
	{
		uint8_t		kind = fuzz_u8(&in);

		/* mostly few repeat purchases, now and then thousands */
		rows[i].x = (kind & 1) ? 0.0 : (kind & 2) ? (uint16_t) fuzz_i16(&in) % 5000 :
			1 + fuzz_u8(&in) % 20;
		rows[i].t = (kind & 4) ? 0.0 : fuzz_log_uniform(&in, 1e-3, 1e4);
		rows[i].t_x = rows[i].x > 0 ? rows[i].t * fuzz_u8(&in) / 255.0 : 0.0;
		rows[i].count = 1 + (uint16_t) fuzz_i16(&in) % 10000;
		spend[i].x = rows[i].x > 0 ? rows[i].x : 1.0;
		spend[i].m = fuzz_log_uniform(&in, 1e-2, 1e6);
		spend[i].count = rows[i].count;
		repeats |= rows[i].x > 0;
	}

	for (i = 0; i < n; i++)
		scale = fmax(scale, rows[i].t);
	began = clock();
	if (model == 0)
		clv_bgnbd_fit(rows, n, fuzz_count_interrupt, &interrupts, &fit);
	else if (model == 1)
	{
		clv_gg_fit(spend, n, fuzz_count_interrupt, &interrupts, &fit);
		repeats = 1;			/* every spend row has x > 0 */
	}
	else
	{
		clv_pnbd_fit(rows, n, workspace, fuzz_count_interrupt, &interrupts, &fit);
		clv_pnbd_fit_start(rows, n, start);
	}
	cpu = (double) (clock() - began) / CLOCKS_PER_SEC;

	FUZZ_CHECK(cpu < FIT_CPU_SECONDS, "%s fit of %zu rows took %.3f s of processor time",
			   names[model], n, cpu);
	FUZZ_CHECK(interrupts > 0, "%s fit never called the interrupt callback", names[model]);
	for (k = 0; k < nparams; k++)
		FUZZ_CHECK(isfinite(fit.param[k]) && fit.param[k] > 0.0,
				   "%s fit parameter %d = %.17g", names[model], k, fit.param[k]);
	FUZZ_CHECK(!isnan(fit.ll), "%s fit log-likelihood NaN", names[model]);
	FUZZ_CHECK(repeats || !fit.converged, "%s fit converged without repeat purchases",
			   names[model]);

	FUZZ_CHECK(!fit.degenerate || !fit.converged, "%s fit degenerate and converged",
			   names[model]);

	/*
	 * the log-likelihood reported is the one at the parameters reported:
	 * Pareto/NBD fits in units of the longest age and converts, which at
	 * extreme parameters rounds differently (or, where a fit stopped without
	 * converging, meets a 2F1 it cannot sum)
	 */
	ll_fit = model_ll(model, fit.param, rows, spend, n, grad);
	FUZZ_CHECK(fit.ll == ll_fit ||
			   fabs(fit.ll - ll_fit) <= 1e-8 * fmax(1.0, fabs(ll_fit)) +
			   (model == 2 ? 1e-13 * pnbd_term_size(fit.param, rows, n) : 0.0) ||
			   (model == 2 && !fit.converged && isnan(ll_fit)),
			   "%s fit log-likelihood %.17g, at its parameters %.17g", names[model],
			   fit.ll, ll_fit);
	/*
	 * a converged fit is a stationary point, to the optimiser's tolerance
	 * relative to the function it minimised (Pareto/NBD's in units of the
	 * longest age, which adds sum x log(scale) to the log-likelihood)
	 */
	shift = 0.0;
	for (i = 0; i < n && model == 2 && scale > 0.0; i++)
		shift += rows[i].count * rows[i].x * fabs(log(scale));
	for (k = 0; k < nparams && fit.converged; k++)
		FUZZ_CHECK(fabs(grad[k]) <= 1e-4 * (1.0 + fabs(ll_fit) + shift),
				   "%s converged fit: d ll / d log param[%d] = %.17g", names[model], k,
				   grad[k]);
	ll_start = model_ll(model, start, rows, spend, n, NULL);
	/*
	 * (the optimiser takes steps within the rounding of the value,
	 * 1e-12 (1 + |ll|), by their slope: a likelihood of 0 everywhere may
	 * end that far below it)
	 */
	FUZZ_CHECK(!isfinite(ll_start) || fit.ll >= ll_start - 1e-9 * fabs(ll_start) - 1e-12,
			   "%s fit log-likelihood %.17g below the start's %.17g", names[model],
			   fit.ll, ll_start);
	if (model == 2)
	{
		/*
		 * indexed once, the likelihood at the fit and at the start is
		 * clv_pnbd_ll's to the bit, gradient included (NaN where it is)
		 */
		double		indexed_grad[4];
		double		indexed;

		clv_pnbd_index(rows, n, workspace);
		indexed = clv_pnbd_indexed_ll(fit.param, rows, n, workspace, indexed_grad);
		FUZZ_CHECK(memcmp(&indexed, &ll_fit, sizeof(double)) == 0 &&
				   memcmp(indexed_grad, grad, sizeof(grad)) == 0,
				   "Pareto/NBD indexed log-likelihood %.17g, clv_pnbd_ll's %.17g",
				   indexed, ll_fit);
		indexed = clv_pnbd_indexed_ll(start, rows, n, workspace, NULL);
		FUZZ_CHECK(memcmp(&indexed, &ll_start, sizeof(double)) == 0,
				   "Pareto/NBD indexed log-likelihood at the start %.17g, clv_pnbd_ll's %.17g",
				   indexed, ll_start);
	}
	return 0;
}
