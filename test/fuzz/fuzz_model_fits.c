/*
 * fuzz_model_fits.c -- libFuzzer harness of the maximum-likelihood fits of
 * src/core/bgnbd.c and gamma_gamma.c on arbitrary data.
 *
 * The first byte picks the model: BG/NBD or Gamma-Gamma.  (The Pareto/NBD
 * fit is left out: on small degenerate data, e.g. one row x = 1, t_x = 0,
 * t = 0.001, it walks to the edge of the box, where each likelihood sums
 * ~1e6 2F1 terms, and takes 9 s unsanitised, so every run would end in a
 * timeout; its likelihood is fuzzed in fuzz_model_formulas.c.)  Then come
 * up to MAX_ROWS distinct summaries as the fitting aggregates pass them (x a non-negative integer,
 * 0 <= t_x <= t with t_x = 0 when x = 0, a count of customers; for
 * Gamma-Gamma x > 0 and a mean amount m > 0).  Every fit must end (within
 * libFuzzer's -timeout), call the interrupt callback, and return finite
 * positive parameters inside the optimiser's box exp(+-30), a
 * log-likelihood that is not NaN, equals the likelihood at the returned
 * parameters and is no worse than at the starting point (all parameters
 * 1), and converged = false when nobody repurchased.
 */
#include "bgnbd.h"
#include "fuzz_input.h"
#include "gamma_gamma.h"
#include "optimize.h"

#define MAX_ROWS 6

/* The log-likelihood of model (0 BG/NBD, 1 Gamma-Gamma) at param. */
static double
model_ll(int model, const double *param, const ClvTxRow *rows, const ClvSpendRow *spend,
		 size_t n)
{
	return model == 0 ? clv_bgnbd_ll(param, rows, n, NULL) : clv_gg_ll(param, spend, n, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[2] = {"BG/NBD", "Gamma-Gamma"};
	static const double start[4] = {1.0, 1.0, 1.0, 1.0};
	FuzzInput	in = {data, size};
	uint8_t		choice = fuzz_u8(&in);
	int			model = choice % 2;
	size_t		n = 1 + fuzz_u8(&in) % MAX_ROWS;
	int			nparams = model == 0 ? 4 : 3;
	ClvTxRow	rows[MAX_ROWS];
	ClvSpendRow spend[MAX_ROWS];
	ClvModelFit fit;
	long		interrupts = 0;
	int			repeats = 0;
	double		ll_start,
				ll_fit;
	size_t		i;
	int			k;

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

	if (model == 0)
		clv_bgnbd_fit(rows, n, fuzz_count_interrupt, &interrupts, &fit);
	else
	{
		clv_gg_fit(spend, n, fuzz_count_interrupt, &interrupts, &fit);
		repeats = 1;			/* every spend row has x > 0 */
	}

	FUZZ_CHECK(interrupts > 0, "%s fit never called the interrupt callback", names[model]);
	for (k = 0; k < nparams; k++)
		FUZZ_CHECK(isfinite(fit.param[k]) &&
				   fabs(log(fit.param[k])) <= CLV_OPTIM_LOG_BOUND * (1 + 1e-12),
				   "%s fit parameter %d = %.17g", names[model], k, fit.param[k]);
	FUZZ_CHECK(!isnan(fit.ll), "%s fit log-likelihood NaN", names[model]);
	FUZZ_CHECK(repeats || !fit.converged, "%s fit converged without repeat purchases",
			   names[model]);

	ll_fit = model_ll(model, fit.param, rows, spend, n);
	FUZZ_CHECK(fit.ll == ll_fit || fabs(fit.ll - ll_fit) <= 1e-9 * fabs(ll_fit),
			   "%s fit log-likelihood %.17g, at its parameters %.17g", names[model],
			   fit.ll, ll_fit);
	ll_start = model_ll(model, start, rows, spend, n);
	FUZZ_CHECK(!isfinite(ll_start) || fit.ll >= ll_start - 1e-9 * fabs(ll_start),
			   "%s fit log-likelihood %.17g below the start's %.17g", names[model],
			   fit.ll, ll_start);
	return 0;
}
