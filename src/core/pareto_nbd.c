/*
 * pareto_nbd.c -- the Pareto/NBD model.
 *
 * The likelihood of one customer (Fader and Hardie, "A note on deriving the
 * Pareto/NBD model and related expressions") is
 *   L = Gamma(r+x) alpha^r beta^s / Gamma(r)
 *       [ (alpha+t)^-(r+x) (beta+t)^-s + s I ],
 *   I = integral over tau in [t_x, t] of (alpha+tau)^-(r+x) (beta+tau)^-(s+1),
 * the second term being "died at tau after the last purchase".  With
 * A = r + s + x, I = (F(t_x) - F(t)) / A where, for alpha >= beta,
 *   F(tau) = (alpha+tau)^-A 2F1(A, s+1; A+1; (alpha-beta)/(alpha+tau))
 * and for alpha < beta, symmetrically,
 *   F(tau) = (beta+tau)^-A 2F1(A, r+x; A+1; (beta-alpha)/(beta+tau)),
 * so the argument of 2F1 is always in [0, 1).  Everything is carried in
 * logarithms (customers with thousands of purchases overflow otherwise).
 * The gradient is taken by central differences.
 */
#include "pareto_nbd.h"

#include <math.h>

#include "optimize.h"
#include "special.h"

/* log F(tau) of the file comment. */
static double
log_f(double r, double alpha, double s, double beta, double x, double tau)
{
	double		big_a = r + s + x;

	if (alpha >= beta)
		return -big_a * log(alpha + tau) +
			clv_special_log_hyp2f1(big_a, s + 1, big_a + 1,
								   (alpha - beta) / (alpha + tau));
	return -big_a * log(beta + tau) +
		clv_special_log_hyp2f1(big_a, r + x, big_a + 1,
							   (beta - alpha) / (beta + tau));
}

/* log(s I): the log-likelihood weight of dying between t_x and t. */
static double
log_dying_term(const double *param, double x, double t_x, double t)
{
	double		r = param[0],
				alpha = param[1],
				s = param[2],
				beta = param[3];

	if (t_x >= t)
		return -INFINITY;
	return log(s) - log(r + s + x) +
		clv_special_logdiffexp(log_f(r, alpha, s, beta, x, t_x),
							   log_f(r, alpha, s, beta, x, t));
}

/* log((alpha+t)^-(r+x) (beta+t)^-s): the weight of being alive at t. */
static double
log_alive_term(const double *param, double x, double t)
{
	return -(param[0] + x) * log(param[1] + t) - param[2] * log(param[3] + t);
}

/* The Pareto/NBD log-likelihood of rows. */
double
clv_pnbd_ll(const double *param, const ClvTxRow *rows, size_t nrows)
{
	double		r = param[0];
	double		constant = r * log(param[1]) + param[2] * log(param[3]) -
		lgamma(r);
	double		last_x = -1,
				lgamma_rx = 0.0,
				ll = 0.0;
	size_t		i;

	for (i = 0; i < nrows; i++)
	{
		const ClvTxRow *row = &rows[i];

		if (row->x != last_x)
		{
			last_x = row->x;
			lgamma_rx = lgamma(r + row->x);
		}
		ll += row->count * (lgamma_rx + constant +
							clv_special_logsumexp(log_alive_term(param, row->x, row->t),
												  log_dying_term(param, row->x,
																 row->t_x, row->t)));
	}
	return ll;
}

/* The data a fit's objective needs. */
typedef struct FitData
{
	const ClvTxRow *rows;
	size_t		nrows;
} FitData;

/*
 * The negative log-likelihood at log-parameters theta, for the optimiser
 * (which asks for no gradient: has_gradient is false).
 */
static double
negative_ll(const double *theta, double *grad, void *arg)
{
	const FitData *data = (const FitData *) arg;
	double		param[4];
	int			i;

	(void) grad;
	for (i = 0; i < 4; i++)
		param[i] = exp(theta[i]);
	return -clv_pnbd_ll(param, data->rows, data->nrows);
}

/* Whether any customer repurchased: without one the model is unidentified. */
static bool
has_repeats(const ClvTxRow *rows, size_t nrows)
{
	size_t		i;

	for (i = 0; i < nrows; i++)
		if (rows[i].x > 0 && rows[i].count > 0)
			return true;
	return false;
}

/* Fits Pareto/NBD by maximum likelihood from r = alpha = s = beta = 1. */
void
clv_pnbd_fit(const ClvTxRow *rows, size_t nrows, ClvInterrupt interrupt,
			 void *interrupt_arg, ClvModelFit *fit)
{
	FitData		data = {rows, nrows};
	ClvOptimProblem problem = {4, negative_ll, false, &data, interrupt,
	interrupt_arg};
	double		theta0[4] = {0, 0, 0, 0};
	ClvOptimResult result;
	int			i;

	clv_optim_minimize(&problem, theta0, &result);
	for (i = 0; i < 4; i++)
		fit->param[i] = exp(result.theta[i]);
	fit->ll = -result.value;
	fit->iterations = result.iterations;
	fit->converged = result.converged && has_repeats(rows, nrows);
}

/* P(alive) = 1 / (1 + s I (alpha+t)^(r+x) (beta+t)^s). */
double
clv_pnbd_p_alive(const double *param, double x, double t_x, double t)
{
	return 1.0 / (1.0 + exp(log_dying_term(param, x, t_x, t) -
							log_alive_term(param, x, t)));
}

/*
 * E[Y(h) | x, t_x, t] = (r + x)(beta + t) / ((alpha + t)(s - 1))
 *   (1 - ((beta + t) / (beta + t + h))^(s - 1)) P(alive),
 * whose limit at s = 1 is (r + x)/(alpha + t) (beta + t) log(1 + h/(beta + t)).
 */
double
clv_pnbd_expected_purchases(const double *param, double horizon, double x,
							double t_x, double t)
{
	double		r = param[0],
				alpha = param[1],
				s = param[2],
				beta = param[3];
	double		growth = log1p(horizon / (beta + t));
	double		lifetime;

	if (fabs(s - 1.0) < 1e-10)
		lifetime = growth;
	else
		lifetime = -expm1(-(s - 1) * growth) / (s - 1);
	return (r + x) / (alpha + t) * (beta + t) * lifetime *
		clv_pnbd_p_alive(param, x, t_x, t);
}

/* E[X(t)] is the conditional expectation of a customer seen at age 0. */
double
clv_pnbd_unconditional_purchases(const double *param, double t)
{
	return clv_pnbd_expected_purchases(param, t, 0, 0, 0);
}
