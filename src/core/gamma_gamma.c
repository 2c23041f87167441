/*
 * gamma_gamma.c -- the Gamma-Gamma spend model.
 *
 * The likelihood of the mean spend m of x purchases (lifetimes'
 * formulation of Fader, Hardie and Lee's model):
 *   log L = lgamma(p x + q) - lgamma(p x) - lgamma(q) + q log gamma
 *           + (p x - 1) log m + p x log x - (p x + q) log(gamma + m x).
 */
#include "gamma_gamma.h"

#include <math.h>

#include "inference.h"
#include "mle.h"
#include "optimize.h"
#include "special.h"
#include "vecmath.h"

/* Rows of the likelihood whose logarithms are taken together. */
#define LL_BLOCK 64

/* Computes sum n log m over rows. */
void
clv_gg_spend_sums(const ClvSpendRow *rows, size_t nrows, ClvSpendSums *sums)
{
	sums->n_log_m = 0.0;
	for (size_t i = 0; i < nrows; i++)
		sums->n_log_m += rows[i].count * log(rows[i].m);
}

/* The log-likelihood of rows at param, and its gradient in log-parameters. */
double
clv_gg_ll(const double *param, const ClvSpendRow *rows, size_t nrows,
		  double *grad_log)
{
	ClvSpendSums sums;

	clv_gg_spend_sums(rows, nrows, &sums);
	return clv_gg_ll_summed(param, rows, nrows, &sums, grad_log);
}

/*
 * The log-likelihood of rows at param given their data sums, and its
 * gradient in log-parameters.  With L = log1p(gamma / (m x)), so that
 * log(gamma + m x) = log m + log x + L, a customer's term is
 *   lgamma(p x + q) - lgamma(p x) - lgamma(q) + q log gamma - q log x
 *   - (p x + q) L - (1 + q) log m:
 * the terms in log m are the data sum's, the large p x log(m x) of the
 * two forms' terms cancel exactly, and lgamma(p x + q) - lgamma(p x) is
 * taken without the difference (p of 1e8 left 1e-7 of rounding in each).
 * The terms of x alone are computed once per run of equal x: the rows
 * come sorted by x (in another order the same values are only computed
 * more often); the L of a block of rows are taken together
 * (src/core/vecmath.h).  The Hessian in log-parameters goes to hess_log
 * when it and grad_log are not NULL.
 */
static double
gg_ll(const double *param, const ClvSpendRow *rows, size_t nrows,
	  const ClvSpendSums *sums, double *grad_log,
	  double hess_log[][CLV_OPTIM_MAX_PARAMS])
{
	double		p = param[0],
				q = param[1],
				gamma = param[2];
	double		log_gamma = log(gamma),
				lgamma_q = lgamma(q),
				psi_q = 0.0;
	double		ll,
				g_p = 0.0,
				g_q,
				g_gamma = 0.0;
	double		x = NAN,
				px = NAN,
				log_x = NAN,
				x_term = NAN,
				psi_pxq = NAN,
				psi_shift = NAN,
				trigamma_pxq = NAN,
				trigamma_shift = NAN,
				trigamma_q = 0.0;
	/* the Hessian in (p, q, gamma), upper triangle */
	double		h[3][CLV_OPTIM_MAX_PARAMS] = {{0}};
	size_t		i;

	if (grad_log != NULL)
		psi_q = clv_special_digamma(q);
	if (hess_log != NULL)
		trigamma_q = clv_special_trigamma(q);
	ll = -(1 + q) * sums->n_log_m;
	g_q = -sums->n_log_m;
	for (i = 0; i < nrows; i += LL_BLOCK)
	{
		size_t		n = nrows - i < LL_BLOCK ? nrows - i : LL_BLOCK;
		const ClvSpendRow *block = rows + i;
		double		excess[LL_BLOCK];
		size_t		k;

		for (k = 0; k < n; k++)
			excess[k] = gamma / (block[k].m * block[k].x);
		clv_vec_log1p(excess, excess, n);
		for (k = 0; k < n; k++)
		{
			double		count = block[k].count,
						mx = block[k].m * block[k].x;

			if (!(block[k].x == x))
			{
				x = block[k].x;
				px = p * x;
				log_x = log(x);
				x_term = clv_special_lgamma_ratio(px, q) - lgamma_q + q * (log_gamma - log_x);
				if (grad_log != NULL)
				{
					psi_pxq = clv_special_digamma(px + q);
					psi_shift = clv_special_digamma_ratio(px, q);
				}
				if (hess_log != NULL)
				{
					trigamma_pxq = clv_special_trigamma(px + q);
					trigamma_shift = trigamma_pxq - clv_special_trigamma(px);
				}
			}
			/* where gamma / (m x) overflows, log gamma - log(m x) */
			if (excess[k] == INFINITY)
				excess[k] = log_gamma - log(mx);
			ll += count * (x_term - (px + q) * excess[k]);
			if (grad_log == NULL)
				continue;
			g_p += count * x * (psi_shift - excess[k]);
			g_q += count * (psi_pxq - psi_q + log_gamma - log_x - excess[k]);
			g_gamma += count * (q / gamma - (px + q) / (gamma + mx));
			if (hess_log != NULL)
			{
				double		inv_gm = 1.0 / (gamma + mx);

				h[0][0] += count * x * x * trigamma_shift;
				h[0][1] += count * x * trigamma_pxq;
				h[0][2] -= count * x * inv_gm;
				h[1][1] += count * (trigamma_pxq - trigamma_q);
				h[1][2] += count * (1.0 / gamma - inv_gm);
				h[2][2] += count * ((px + q) * inv_gm * inv_gm - q / (gamma * gamma));
			}
		}
	}
	if (grad_log != NULL)
	{
		grad_log[0] = g_p * p;
		grad_log[1] = g_q * q;
		grad_log[2] = g_gamma * gamma;
	}
	if (hess_log != NULL)
		clv_mle_log_hessian(3, param, grad_log, h, hess_log);
	/* +inf is overflow at extreme parameters, never a likelihood */
	return ll < INFINITY ? ll : NAN;
}


/* The log-likelihood of rows given their sums, gradient in grad_log if wanted. */
double
clv_gg_ll_summed(const double *param, const ClvSpendRow *rows, size_t nrows,
				 const ClvSpendSums *sums, double *grad_log)
{
	return gg_ll(param, rows, nrows, sums, grad_log, NULL);
}

/* The same with its gradient and Hessian in log-parameters. */
double
clv_gg_ll_summed_hessian(const double *param, const ClvSpendRow *rows,
						 size_t nrows, const ClvSpendSums *sums,
						 double *grad_log, double hess_log[][CLV_OPTIM_MAX_PARAMS])
{
	return gg_ll(param, rows, nrows, sums, grad_log, hess_log);
}

/* Fits Gamma-Gamma by maximum likelihood from p = q = gamma = 1. */
void
clv_gg_fit(const ClvSpendRow *rows, size_t nrows, ClvInterrupt interrupt,
		   void *interrupt_arg, ClvModelFit *fit)
{
	ClvSpendData data = {.rows = rows, .nrows = nrows};
	ClvLikelihood lik;

	clv_gg_likelihood(&data, &lik);
	clv_mle_fit(&lik, NULL, nrows > 0, interrupt, interrupt_arg, fit);
}

/*
 * E[spend per purchase | x, m], divided through by p where p x dominates
 * the denominator, so that a huge p x does not overflow it to a zero
 * spend.
 */
double
clv_gg_expected_spend(const double *param, double x, double m)
{
	double		p = param[0],
				q = param[1],
				gamma = param[2];
	double		spare = (q - 1) / p;

	if (!(x + spare > 0))
		return NAN;
	if (spare <= x)
		return (gamma + m * x) / (x + spare);
	return p * (gamma + m * x) / (p * x + q - 1);
}
