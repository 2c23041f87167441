/*
 * model.h -- what the probabilistic models share: the compressed data they
 * are fitted on and the result of a fit.
 *
 * A fit never sees customers, only distinct summaries with a count of the
 * customers that have them, so memory and time grow with distinct rows.
 */
#ifndef CLV_MODEL_H
#define CLV_MODEL_H

#include <stdbool.h>
#include <stddef.h>

/* A distinct (x, t_x, t) summary and how many customers have it. */
typedef struct ClvTxRow
{
	double		x;				/* repeat purchases, a non-negative integer */
	double		t_x;			/* time of the last repeat, 0 <= t_x <= t */
	double		t;				/* age of the customer at the end of the data */
	double		count;			/* customers with this summary */
} ClvTxRow;

/* A distinct (x, m) spend summary, x > 0 and m > 0, and its count. */
typedef struct ClvSpendRow
{
	double		x;				/* repeat purchases */
	double		m;				/* mean amount of the repeat purchases */
	double		count;			/* customers with this summary */
} ClvSpendRow;

/* A maximum-likelihood fit: parameters in the literature's order. */
typedef struct ClvModelFit
{
	double		param[4];		/* BG/NBD r, alpha, a, b; Pareto/NBD r,
								 * alpha, s, beta; Gamma-Gamma p, q, gamma */
	double		ll;				/* log-likelihood at param, summed over
								 * customers */
	int			iterations;
	bool		converged;		/* false when the data cannot identify the
								 * model; param is finite even then */
	bool		degenerate;		/* the likelihood is highest at a limit of
								 * the model: a parameter at the edge of its
								 * range, or a direction of no curvature */
} ClvModelFit;

/*
 * The caller's interrupt check, called once per optimiser iteration and
 * once per month of a CLV sum; it may not return (query cancel).
 */
typedef void (*ClvInterrupt) (void *arg);

struct ClvOptimProblem;

/*
 * Whether any customer of rows repurchased: without one neither purchase
 * model is identified.
 */
extern bool clv_model_has_repeats(const ClvTxRow *rows, size_t nrows);

/*
 * Minimises problem (a negative log-likelihood over the logarithms of the
 * parameters) from theta0 and reports the fit: the parameters exp(theta),
 * the log-likelihood, and converged when the optimiser converged inside
 * its box and identified says the data can identify the model.
 */
extern void clv_model_fit(const struct ClvOptimProblem *problem,
						  const double *theta0, bool identified,
						  ClvModelFit *fit);

#endif							/* CLV_MODEL_H */
