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
 * F depends on (x, tau) only, and day-level data has far fewer distinct
 * (x, t_x) and (x, t) pairs than rows (every x = 0 row has t_x = 0), so the
 * likelihood evaluates F once per distinct pair.  The gradient is taken by
 * central differences.
 */
#include "pareto_nbd.h"

#include <math.h>
#include <stdlib.h>

#include "optimize.h"
#include "special.h"

/*
 * log F(tau) - log((alpha+tau)^-(r+x) (beta+tau)^-s): what F adds to the
 * alive weight at tau.  After Euler's transformation the powers of F's 2F1
 * cancel against those of (alpha + tau) and (beta + tau), leaving the
 * moderate log 2F1(1, ...) (and, for alpha < beta,
 * log((alpha+tau)/(beta+tau))).
 */
static double
log_f_excess(const double *param, double x, double tau)
{
	double		r = param[0],
				alpha = param[1],
				s = param[2],
				beta = param[3];
	double		big_a = r + s + x;

	if (alpha >= beta)
		return clv_special_log_hyp2f1_one(r + x, big_a + 1,
										  (alpha - beta) / (alpha + tau),
										  (beta + tau) / (alpha + tau));
	return log1p((alpha - beta) / (beta + tau)) +
		clv_special_log_hyp2f1_one(s + 1, big_a + 1,
								   (beta - alpha) / (beta + tau),
								   (alpha + tau) / (beta + tau));
}

/*
 * log(s I) from log F(t_x) and log F(t): the weight of dying in between.
 * F decreases, but for t_x within rounding of t the two may come out equal
 * or swapped; the term is then negligible (about s (t - t_x) / (beta + t)
 * of the alive term) and taken as 0.
 */
static double
log_dying_from(const double *param, double x, double log_f_tx, double log_f_t)
{
	if (isnan(log_f_tx) || isnan(log_f_t))
		return NAN;
	if (log_f_tx <= log_f_t)
		return -INFINITY;
	return log(param[2]) - log(param[0] + param[2] + x) +
		clv_special_logdiffexp(log_f_tx, log_f_t);
}

/* log((alpha+t)^-(r+x) (beta+t)^-s): the weight of being alive at t. */
static double
log_alive_term(const double *param, double x, double t)
{
	return -(param[0] + x) * log(param[1] + t) - param[2] * log(param[3] + t);
}

/* log F(tau) of the file comment. */
static double
log_f(const double *param, double x, double tau)
{
	return log_alive_term(param, x, tau) + log_f_excess(param, x, tau);
}

/* A (x, tau) pair at which F is needed, and where it came from. */
typedef struct PairRef
{
	double		x;
	double		tau;
	size_t		use;			/* 2 * row + (0 for t_x, 1 for t) */
} PairRef;

/*
 * The workspace: the distinct pairs, their log F values, and for each row
 * the index of its (x, t_x) and (x, t) pairs.
 */
typedef struct PairIndex
{
	size_t		npairs;
	PairRef    *pairs;			/* 2 nrows entries; the first npairs distinct */
	double	   *log_f;			/* log F of each distinct pair */
	size_t	   *row_pair;		/* 2 nrows: pair of (x, t_x), of (x, t) */
} PairIndex;

/* Bytes of workspace for nrows rows. */
size_t
clv_pnbd_workspace_size(size_t nrows)
{
	return 2 * nrows * (sizeof(PairRef) + sizeof(double) + sizeof(size_t));
}

/* Orders pairs by (x, tau). */
static int
pair_cmp(const void *a, const void *b)
{
	const PairRef *l = a,
			   *r = b;

	if (l->x != r->x)
		return l->x < r->x ? -1 : 1;
	return (l->tau > r->tau) - (l->tau < r->tau);
}

/* Lays out the workspace and finds the distinct (x, tau) pairs of rows. */
static void
index_pairs(const ClvTxRow *rows, size_t nrows, void *workspace,
			PairIndex *index)
{
	size_t		i;

	index->pairs = (PairRef *) workspace;
	index->log_f = (double *) (index->pairs + 2 * nrows);
	index->row_pair = (size_t *) (index->log_f + 2 * nrows);
	for (i = 0; i < nrows; i++)
	{
		index->pairs[2 * i] = (PairRef) {rows[i].x, rows[i].t_x, 2 * i};
		index->pairs[2 * i + 1] = (PairRef) {rows[i].x, rows[i].t, 2 * i + 1};
	}
	qsort(index->pairs, 2 * nrows, sizeof(PairRef), pair_cmp);
	index->npairs = 0;
	for (i = 0; i < 2 * nrows; i++)
	{
		size_t		use = index->pairs[i].use;

		if (index->npairs == 0 ||
			pair_cmp(&index->pairs[index->npairs - 1], &index->pairs[i]) != 0)
			index->pairs[index->npairs++] = index->pairs[i];
		index->row_pair[use] = index->npairs - 1;
	}
}

/* The log-likelihood of rows at param, F evaluated once per distinct pair. */
static double
indexed_ll(const double *param, const ClvTxRow *rows, size_t nrows,
		   PairIndex *index)
{
	double		r = param[0];
	double		constant = r * log(param[1]) + param[2] * log(param[3]) -
		lgamma(r);
	double		last_x = -1,
				lgamma_rx = 0.0,
				ll = 0.0;
	size_t		i;

	for (i = 0; i < index->npairs; i++)
		index->log_f[i] = log_f(param, index->pairs[i].x, index->pairs[i].tau);
	for (i = 0; i < nrows; i++)
	{
		const ClvTxRow *row = &rows[i];
		double		dying = -INFINITY;

		if (row->x != last_x)
		{
			last_x = row->x;
			lgamma_rx = lgamma(r + row->x);
		}
		if (row->t_x < row->t)
			dying = log_dying_from(param, row->x,
								   index->log_f[index->row_pair[2 * i]],
								   index->log_f[index->row_pair[2 * i + 1]]);
		ll += row->count * (lgamma_rx + constant +
							clv_special_logsumexp(log_alive_term(param, row->x, row->t),
												  dying));
	}
	/* +inf is overflow at extreme parameters, never a likelihood */
	return ll < INFINITY ? ll : NAN;
}

/* The Pareto/NBD log-likelihood of rows. */
double
clv_pnbd_ll(const double *param, const ClvTxRow *rows, size_t nrows,
			void *workspace)
{
	PairIndex	index;

	index_pairs(rows, nrows, workspace, &index);
	return indexed_ll(param, rows, nrows, &index);
}

/* The data a fit's objective needs. */
typedef struct FitData
{
	const ClvTxRow *rows;
	size_t		nrows;
	PairIndex	index;
} FitData;

/*
 * The negative log-likelihood at log-parameters theta, for the optimiser
 * (which asks for no gradient: has_gradient is false).
 */
static double
negative_ll(const double *theta, double *grad, void *arg)
{
	FitData    *data = (FitData *) arg;
	double		param[4];
	int			i;

	(void) grad;
	for (i = 0; i < 4; i++)
		param[i] = exp(theta[i]);
	return -indexed_ll(param, data->rows, data->nrows, &data->index);
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
clv_pnbd_fit(const ClvTxRow *rows, size_t nrows, void *workspace,
			 ClvInterrupt interrupt, void *interrupt_arg, ClvModelFit *fit)
{
	FitData		data = {rows, nrows, {0, NULL, NULL, NULL}};
	ClvOptimProblem problem = {4, negative_ll, false, &data, interrupt,
	interrupt_arg};
	double		theta0[4] = {0, 0, 0, 0};
	ClvOptimResult result;
	int			i;

	index_pairs(rows, nrows, workspace, &data.index);
	clv_optim_minimize(&problem, theta0, &result);
	for (i = 0; i < 4; i++)
		fit->param[i] = exp(result.theta[i]);
	fit->ll = -result.value;
	fit->iterations = result.iterations;
	fit->converged = result.converged && has_repeats(rows, nrows);
	fit->at_bound = result.at_bound;
}

/*
 * log F(tau) - log((alpha+t)^-(r+x) (beta+t)^-s): F relative to the alive
 * weight at age t, formed as (r + x) log((alpha+t)/(alpha+tau)) +
 * s log((beta+t)/(beta+tau)) + log_f_excess, so that no two numbers of the
 * size of (r + x) log(alpha + t) are subtracted: with parameters in the
 * billions those carry an absolute rounding error near 1e-3.
 */
static double
log_f_relative(const double *param, double x, double tau, double t)
{
	double		gap = t - tau;

	return (param[0] + x) * log1p(gap / (param[1] + tau)) +
		param[2] * log1p(gap / (param[3] + tau)) + log_f_excess(param, x, tau);
}

/*
 * P(alive) = 1 / (1 + s I (alpha+t)^(r+x) (beta+t)^s), the product formed
 * from F relative to the alive weight (log_f_relative).
 */
double
clv_pnbd_p_alive(const double *param, double x, double t_x, double t)
{
	double		dying_vs_alive = t_x >= t ? -INFINITY :
		log_dying_from(param, x, log_f_relative(param, x, t_x, t),
					   log_f_relative(param, x, t, t));

	return 1.0 / (1.0 + exp(dying_vs_alive));
}

/*
 * E[Y(h) | x, t, alive] = (r + x)(beta + t) / ((alpha + t)(s - 1))
 *   (1 - ((beta + t) / (beta + t + h))^(s - 1)),
 * which times P(alive) is E[Y(h) | x, t_x, t]; its limit at s = 1 is (r + x)/(alpha + t) (beta + t) log(1 + h/(beta + t)).
 */
double
clv_pnbd_purchases_if_alive(const double *param, double horizon, double x,
							double t)
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
	return (r + x) / (alpha + t) * (beta + t) * lifetime;
}

/* E[purchases in (t, t + horizon] | x, t_x, t]. */
double
clv_pnbd_expected_purchases(const double *param, double horizon, double x,
							double t_x, double t)
{
	return clv_pnbd_purchases_if_alive(param, horizon, x, t) *
		clv_pnbd_p_alive(param, x, t_x, t);
}

/* E[X(t)] is the conditional expectation of a customer seen at age 0. */
double
clv_pnbd_unconditional_purchases(const double *param, double t)
{
	return clv_pnbd_expected_purchases(param, t, 0, 0, 0);
}
