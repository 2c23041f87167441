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

#include "optimize.h"
#include "special.h"

/*
 * The Gamma-Gamma log-likelihood and its gradient in log-parameters.  The
 * terms of x alone are computed once per run of equal x: the rows come
 * sorted by x (in another order the same values are only computed more
 * often).
 */
double
clv_gg_ll(const double *param, const ClvSpendRow *rows, size_t nrows,
		  double *grad_log)
{
	double		p = param[0],
				q = param[1],
				gamma = param[2];
	double		log_gamma = log(gamma),
				lgamma_q = lgamma(q),
				psi_q = 0.0;
	double		ll = 0.0,
				g_p = 0.0,
				g_q = 0.0,
				g_gamma = 0.0;
	double		x = NAN,
				px = NAN,
				log_x = NAN,
				lgamma_pxq = NAN,
				lgamma_px = NAN,
				psi_pxq = NAN,
				psi_px = NAN;
	size_t		i;

	if (grad_log != NULL)
		psi_q = clv_special_digamma(q);
	for (i = 0; i < nrows; i++)
	{
		double		m = rows[i].m,
					n = rows[i].count;
		double		log_m,
					log_total;

		if (!(rows[i].x == x))
		{
			x = rows[i].x;
			px = p * x;
			log_x = log(x);
			lgamma_pxq = lgamma(px + q);
			lgamma_px = lgamma(px);
			if (grad_log != NULL)
			{
				psi_pxq = clv_special_digamma(px + q);
				psi_px = clv_special_digamma(px);
			}
		}
		log_m = log(m);
		log_total = log(gamma + m * x);
		ll += n * (lgamma_pxq - lgamma_px - lgamma_q + q * log_gamma +
				   (px - 1) * log_m + px * log_x - (px + q) * log_total);
		if (grad_log == NULL)
			continue;
		g_p += n * x * (psi_pxq - psi_px + log_m + log_x - log_total);
		g_q += n * (psi_pxq - psi_q + log_gamma - log_total);
		g_gamma += n * (q / gamma - (px + q) / (gamma + m * x));
	}
	if (grad_log != NULL)
	{
		grad_log[0] = g_p * p;
		grad_log[1] = g_q * q;
		grad_log[2] = g_gamma * gamma;
	}
	/* +inf is overflow at extreme parameters, never a likelihood */
	return ll < INFINITY ? ll : NAN;
}

/* The data a fit's objective needs. */
typedef struct FitData
{
	const ClvSpendRow *rows;
	size_t		nrows;
} FitData;

/* The negative log-likelihood at log-parameters theta, for the optimiser. */
static double
negative_ll(const double *theta, double *grad, void *arg)
{
	const FitData *data = (const FitData *) arg;
	double		param[3];
	double		ll;
	int			i;

	for (i = 0; i < 3; i++)
		param[i] = exp(theta[i]);
	ll = clv_gg_ll(param, data->rows, data->nrows, grad);
	if (grad != NULL)
		for (i = 0; i < 3; i++)
			grad[i] = -grad[i];
	return -ll;
}

/* Fits Gamma-Gamma by maximum likelihood from p = q = gamma = 1. */
void
clv_gg_fit(const ClvSpendRow *rows, size_t nrows, ClvInterrupt interrupt,
		   void *interrupt_arg, ClvModelFit *fit)
{
	FitData		data = {rows, nrows};
	ClvOptimProblem problem = {3, negative_ll, true, &data, interrupt,
	interrupt_arg, 0.0, false};
	double		theta0[3] = {0, 0, 0};

	clv_model_fit(&problem, theta0, nrows > 0, fit);
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
