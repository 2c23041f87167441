/*
 * mle.c -- maximum-likelihood fit and inference for any ClvLikelihood (see
 * mle.h): the optimiser over log-parameters, the observed information by
 * central differences, its Cholesky factorisation and inverse.
 *
 * Everything lives in fixed-size arrays on the stack (at most
 * CLV_OPTIM_MAX_PARAMS parameters), so an interrupt callback that never
 * returns leaves nothing behind.
 */
#include "mle.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "optimize.h"

#define MAXP CLV_OPTIM_MAX_PARAMS

/* The negative log-likelihood at log-parameters theta, for the optimiser. */
static double
negative_ll(const double *theta, double *grad, void *arg)
{
	const ClvLikelihood *lik = (const ClvLikelihood *) arg;
	double		param[MAXP];
	double		ll;
	int			i;

	for (i = 0; i < lik->nparams; i++)
		param[i] = exp(theta[i]);
	ll = lik->ll(param, grad, lik->arg);
	if (grad != NULL)
		for (i = 0; i < lik->nparams; i++)
			grad[i] = -grad[i];
	return -ll;
}

/*
 * The negative log-likelihood at log-parameters theta with its gradient
 * and Hessian (lik's), for the optimiser's Newton steps.
 */
static double
negative_ll_hessian(const double *theta, double *grad,
					double hess[][CLV_OPTIM_MAX_PARAMS], void *arg)
{
	const ClvLikelihood *lik = (const ClvLikelihood *) arg;
	double		param[MAXP];
	double		ll;
	int			i,
				j;

	for (i = 0; i < lik->nparams; i++)
		param[i] = exp(theta[i]);
	ll = lik->hessian(param, grad, hess, lik->arg);
	for (i = 0; i < lik->nparams; i++)
	{
		grad[i] = -grad[i];
		for (j = 0; j < lik->nparams; j++)
			hess[i][j] = -hess[i][j];
	}
	return -ll;
}

/*
 * Fits lik by maximum likelihood over the logarithms of its parameters,
 * by Newton's method first where it has a Hessian.
 */
void
clv_mle_fit(const ClvLikelihood *lik, const double *start, bool identified,
			ClvInterrupt interrupt, void *interrupt_arg, ClvModelFit *fit)
{
	ClvOptimProblem problem = {lik->nparams, negative_ll, lik->has_gradient,
		(void *) lik, interrupt, interrupt_arg, 0.0, false,
	lik->hessian != NULL ? negative_ll_hessian : NULL};
	double		theta0[MAXP];
	int			i;

	for (i = 0; i < lik->nparams; i++)
		theta0[i] = start ? log(start[i]) : 0.0;
	clv_model_fit(&problem, theta0, identified, fit);
}

/* The log-likelihood at log-parameters theta, gradient in grad if wanted. */
static double
ll_at(const ClvLikelihood *lik, const double *theta, double *grad,
	  ClvInterrupt interrupt, void *interrupt_arg)
{
	double		param[MAXP];
	int			i;

	if (interrupt)
		interrupt(interrupt_arg);
	for (i = 0; i < lik->nparams; i++)
		param[i] = exp(theta[i]);
	return lik->ll(param, grad, lik->arg);
}

/*
 * The Hessian h of the log-likelihood in log-parameters at theta, by
 * central differences of the analytic gradient.  False when a value is not
 * finite.
 */
static bool
hessian_from_gradient(const ClvLikelihood *lik, const double *theta,
					  double h[MAXP][MAXP], ClvInterrupt interrupt,
					  void *interrupt_arg)
{
	int			n = lik->nparams;
	double		probe[MAXP],
				up[MAXP],
				down[MAXP];
	int			i,
				j;

	memcpy(probe, theta, sizeof(double) * n);
	for (j = 0; j < n; j++)
	{
		probe[j] = theta[j] + CLV_MLE_GRADIENT_STEP;
		if (!isfinite(ll_at(lik, probe, up, interrupt, interrupt_arg)))
			return false;
		probe[j] = theta[j] - CLV_MLE_GRADIENT_STEP;
		if (!isfinite(ll_at(lik, probe, down, interrupt, interrupt_arg)))
			return false;
		probe[j] = theta[j];
		for (i = 0; i < n; i++)
			h[i][j] = (up[i] - down[i]) / (2 * CLV_MLE_GRADIENT_STEP);
	}
	return true;
}

/*
 * The gradient g and Hessian h of the log-likelihood in log-parameters at
 * theta, where it is f0, by central first and second differences of the
 * likelihood.
 */
static bool
hessian_from_values(const ClvLikelihood *lik, const double *theta, double f0,
					double *g, double h[MAXP][MAXP], ClvInterrupt interrupt,
					void *interrupt_arg)
{
	const double step = CLV_MLE_VALUE_STEP;
	int			n = lik->nparams;
	double		probe[MAXP];
	double		f_up[MAXP],
				f_down[MAXP];
	int			i,
				j;

	memcpy(probe, theta, sizeof(double) * n);
	for (i = 0; i < n; i++)
	{
		probe[i] = theta[i] + step;
		f_up[i] = ll_at(lik, probe, NULL, interrupt, interrupt_arg);
		probe[i] = theta[i] - step;
		f_down[i] = ll_at(lik, probe, NULL, interrupt, interrupt_arg);
		probe[i] = theta[i];
		g[i] = (f_up[i] - f_down[i]) / (2 * step);
		h[i][i] = (f_up[i] - 2 * f0 + f_down[i]) / (step * step);
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
		{
			double		corner[4];
			int			c;

			for (c = 0; c < 4; c++)
			{
				probe[i] = theta[i] + ((c & 1) ? -step : step);
				probe[j] = theta[j] + ((c & 2) ? -step : step);
				corner[c] = ll_at(lik, probe, NULL, interrupt, interrupt_arg);
			}
			probe[i] = theta[i];
			probe[j] = theta[j];
			h[i][j] = h[j][i] =
				(corner[0] - corner[1] - corner[2] + corner[3]) / (4 * step * step);
		}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (!isfinite(h[i][j]) || !isfinite(g[i]))
				return false;
	return true;
}

/*
 * Inverts the symmetric matrix m (n x n) into inv through the Cholesky
 * factorisation of its correlation form.  Returns the status: OK, or why
 * m is not (numerically) positive definite.
 */
static ClvInformationStatus
invert_information(int n, double m[MAXP][MAXP], double inv[MAXP][MAXP])
{
	double		scale[MAXP],
				l[MAXP][MAXP],
				linv[MAXP][MAXP];
	int			i,
				j,
				k;

	for (i = 0; i < n; i++)
	{
		if (!(m[i][i] > 0))
			return m[i][i] == 0 ? CLV_INFORMATION_SINGULAR :
				CLV_INFORMATION_NOT_POSITIVE_DEFINITE;
		scale[i] = 1.0 / sqrt(m[i][i]);
	}
	memset(l, 0, sizeof(l));
	for (j = 0; j < n; j++)
	{
		double		pivot = 1.0;	/* the correlation form's diagonal */

		for (k = 0; k < j; k++)
			pivot -= l[j][k] * l[j][k];
		if (pivot < -CLV_MLE_PIVOT_TOLERANCE)
			return CLV_INFORMATION_NOT_POSITIVE_DEFINITE;
		if (pivot <= CLV_MLE_PIVOT_TOLERANCE)
			return CLV_INFORMATION_SINGULAR;
		l[j][j] = sqrt(pivot);
		for (i = j + 1; i < n; i++)
		{
			double		v = m[i][j] * scale[i] * scale[j];

			for (k = 0; k < j; k++)
				v -= l[i][k] * l[j][k];
			l[i][j] = v / l[j][j];
		}
	}
	/* L^-1 by forward substitution, then C^-1 = L^-T L^-1 */
	memset(linv, 0, sizeof(linv));
	for (i = 0; i < n; i++)
	{
		linv[i][i] = 1.0 / l[i][i];
		for (j = 0; j < i; j++)
		{
			double		v = 0.0;

			for (k = j; k < i; k++)
				v -= l[i][k] * linv[k][j];
			linv[i][j] = v / l[i][i];
		}
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
		{
			double		v = 0.0;

			for (k = (i > j ? i : j); k < n; k++)
				v += linv[k][i] * linv[k][j];
			inv[i][j] = v * scale[i] * scale[j];
		}
	return CLV_INFORMATION_OK;
}

/* Inference for lik at param: information, covariance, SEs, bounds, AIC, BIC. */
void
clv_mle_inference(const ClvLikelihood *lik, const double *param,
				  double customers, ClvInterrupt interrupt,
				  void *interrupt_arg, ClvInference *out)
{
	int			n = lik->nparams;
	double		theta[MAXP],
				g[MAXP] = {0},
				h[MAXP][MAXP] = {{0}},
				curvature[MAXP][MAXP];
	bool		finite;
	int			i,
				j;

	memset(out, 0, sizeof(*out));
	out->nparams = n;
	out->customers = customers;
	for (i = 0; i < n; i++)
	{
		out->estimate[i] = out->lower[i] = out->upper[i] = param[i];
		theta[i] = log(param[i]);
	}
	if (lik->hessian != NULL)
	{
		if (interrupt)
			interrupt(interrupt_arg);
		out->ll = lik->hessian(param, g, h, lik->arg);
		finite = isfinite(out->ll);
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				finite &= isfinite(g[i]) && isfinite(h[i][j]);
	}
	else
	{
		/* with the gradient where the likelihood has one */
		out->ll = ll_at(lik, theta, lik->has_gradient ? g : NULL, interrupt,
						interrupt_arg);
		finite = isfinite(out->ll) &&
			(lik->has_gradient ?
			 hessian_from_gradient(lik, theta, h, interrupt, interrupt_arg) :
			 hessian_from_values(lik, theta, out->ll, g, h, interrupt, interrupt_arg));
	}
	clv_mle_information_criteria(out->ll, n, customers, &out->aic, &out->bic);

	if (!finite)
	{
		out->status = CLV_INFORMATION_NOT_FINITE;
		return;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			curvature[i][j] = -h[i][j];
	out->flat = !clv_optim_curved(n, curvature);
	/*
	 * With theta = log p: d2 ll / dp_i dp_j = (h_ij - [i = j] g_i) / (p_i
	 * p_j); the information is its negative, made exactly symmetric.
	 */
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			out->information[i][j] =
				-((h[i][j] + h[j][i]) / 2 - (i == j ? g[i] : 0.0)) /
				(param[i] * param[j]);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (!isfinite(out->information[i][j]))
			{
				out->status = CLV_INFORMATION_NOT_FINITE;
				memset(out->information, 0, sizeof(out->information));
				return;
			}
	out->status = invert_information(n, out->information, out->covariance);
	if (out->status != CLV_INFORMATION_OK)
	{
		memset(out->covariance, 0, sizeof(out->covariance));
		return;
	}
	for (i = 0; i < n; i++)
	{
		out->se[i] = sqrt(out->covariance[i][i]);
		out->lower[i] = param[i] - CLV_MLE_Z95 * out->se[i];
		out->upper[i] = param[i] + CLV_MLE_Z95 * out->se[i];
	}
}

/* AIC and BIC of a fit. */
void
clv_mle_information_criteria(double ll, int k, double n, double *aic,
							 double *bic)
{
	*aic = 2.0 * k - 2.0 * ll;
	*bic = k * log(n) - 2.0 * ll;
}

/* The sum of the count fields of rows. */
double
clv_mle_customers(const void *rows, size_t nrows, size_t row_size,
				  size_t count_offset)
{
	const char *row = (const char *) rows;
	double		customers = 0.0;
	size_t		i;

	for (i = 0; i < nrows; i++, row += row_size)
	{
		double		count;

		memcpy(&count, row + count_offset, sizeof(double));
		customers += count;
	}
	return customers;
}

/* See mle.h. */
void
clv_mle_check_maximum(ClvModelFit *fit, const ClvInference *inference)
{
	if (!fit->converged)
		return;
	if (inference->flat || inference->status == CLV_INFORMATION_SINGULAR)
	{
		fit->converged = false;
		fit->degenerate = true;
	}
	else if (inference->status == CLV_INFORMATION_NOT_POSITIVE_DEFINITE)
		fit->converged = false;
}

/* See mle.h. */
void
clv_mle_log_hessian(int n, const double *param, const double *grad_log,
					const double h[][CLV_OPTIM_MAX_PARAMS],
					double hess_log[][CLV_OPTIM_MAX_PARAMS])
{
	for (int i = 0; i < n; i++)
		for (int j = i; j < n; j++)
			hess_log[i][j] = hess_log[j][i] =
				param[i] * param[j] * h[i][j] + (i == j ? grad_log[i] : 0.0);
}
