/*
 * pareto_nbd.h -- the Pareto/NBD model (Schmittlein, Morrison and Colombo
 * 1987): likelihood, maximum-likelihood fit and predictions.
 *
 * param is {r, alpha, s, beta}; times are in the unit of the data.
 */
#ifndef CLV_PARETO_NBD_H
#define CLV_PARETO_NBD_H

#include "model.h"

/*
 * Bytes of working memory the likelihood of nrows rows needs; the caller
 * provides it (aligned for a double), so an interrupt leaks nothing.  The
 * likelihood's costly terms depend on (x, t_x) or (x, t) only; the
 * workspace indexes the distinct pairs so each is evaluated once.
 */
extern size_t clv_pnbd_workspace_size(size_t nrows);

/*
 * The log-likelihood of rows at param; when grad_log is not NULL, stores
 * its gradient with respect to the logarithms of the parameters.
 */
extern double clv_pnbd_ll(const double *param, const ClvTxRow *rows,
						  size_t nrows, void *workspace, double *grad_log);

/*
 * clv_pnbd_ll in two steps, for many evaluations over the same rows:
 * clv_pnbd_index indexes the distinct pairs of rows in workspace, then
 * clv_pnbd_indexed_ll evaluates the likelihood of those rows (the same,
 * unchanged) at any param, as clv_pnbd_ll does.  A fit overwrites the
 * index.
 */
extern void clv_pnbd_index(const ClvTxRow *rows, size_t nrows,
						   void *workspace);
extern double clv_pnbd_indexed_ll(const double *param, const ClvTxRow *rows,
								  size_t nrows, void *workspace,
								  double *grad_log);

/* The parameters, in the rows' unit of time, a fit of rows starts from. */
extern void clv_pnbd_fit_start(const ClvTxRow *rows, size_t nrows,
							   double *param);

/* Fits the model to rows by maximum likelihood. */
extern void clv_pnbd_fit(const ClvTxRow *rows, size_t nrows, void *workspace,
						 ClvInterrupt interrupt, void *interrupt_arg,
						 ClvModelFit *fit);

/* P(alive at t | x, t_x, t). */
extern double clv_pnbd_p_alive(const double *param, double x, double t_x,
							   double t);

/* E[purchases in (t, t + horizon] | x, t_x, t]. */
extern double clv_pnbd_expected_purchases(const double *param,
										  double horizon, double x,
										  double t_x, double t);

/*
 * E[purchases in (t, t + horizon] | x, t, alive at t]: the expectation
 * above is this times P(alive), and does not depend on t_x.
 */
extern double clv_pnbd_purchases_if_alive(const double *param,
										  double horizon, double x,
										  double t);

/* The same expectation at each of nhorizons horizons into if_alive. */
extern void clv_pnbd_purchases_if_alive_horizons(const double *param,
												 const double *horizons,
												 int nhorizons, double x,
												 double t, double *if_alive);

/* E[X(t)]: purchases of a new customer in its first t time units. */
extern double clv_pnbd_unconditional_purchases(const double *param,
											   double t);

#endif							/* CLV_PARETO_NBD_H */
