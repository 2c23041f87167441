/*
 * bgnbd.h -- the BG/NBD model of Fader, Hardie and Lee (2005): likelihood,
 * gradient, maximum-likelihood fit and predictions.
 *
 * param is {r, alpha, a, b}; times are in the unit of the data.
 */
#ifndef CLV_BGNBD_H
#define CLV_BGNBD_H

#include "model.h"
#include "optimize.h"

/*
 * The log-likelihood of rows at param; when grad_log is not NULL, stores its
 * gradient with respect to the logarithms of the parameters.  Rows sorted by
 * x evaluate faster (the terms of each x are computed once).
 */
extern double clv_bgnbd_ll(const double *param, const ClvTxRow *rows,
						   size_t nrows, double *grad_log);

/* Fits the model to rows by maximum likelihood. */
extern void clv_bgnbd_fit(const ClvTxRow *rows, size_t nrows,
						  ClvInterrupt interrupt, void *interrupt_arg,
						  ClvModelFit *fit);

/* P(alive at t | x, t_x, t). */
extern double clv_bgnbd_p_alive(const double *param, double x, double t_x,
								double t);

/* E[purchases in (t, t + horizon] | x, t_x, t]. */
extern double clv_bgnbd_expected_purchases(const double *param,
										   double horizon, double x,
										   double t_x, double t);

/*
 * E[purchases in (t, t + horizon] | x, t, alive at t]: the expectation
 * above is this times P(alive), and does not depend on t_x.
 */
extern double clv_bgnbd_purchases_if_alive(const double *param,
										   double horizon, double x,
										   double t);

/*
 * The same expectation at each of nhorizons horizons into if_alive, to the
 * bit as clv_bgnbd_purchases_if_alive at each, faster: the series of the
 * horizons share the parts of their terms that do not depend on the horizon.
 */
extern void clv_bgnbd_purchases_if_alive_horizons(const double *param,
												  const double *horizons,
												  int nhorizons, double x,
												  double t, double *if_alive);

/*
 * The same expectation as an integral over the dropout probability, by
 * quadrature: about 15 microseconds, accurate to about 1e-12 relative
 * for a up to 100 and any other parameters (NaN beyond the quadrature's
 * work budget; beyond a = 100 the beta density's peak may be too narrow
 * for its panels).  clv_bgnbd_purchases_if_alive's value within 0.01 of
 * a = 1, where the closed form is 0/0, and where the closed form cancels.
 */
extern double clv_bgnbd_purchases_if_alive_integral(const double *param,
													double horizon,
													double x, double t);

/* E[X(t)]: purchases of a new customer in its first t time units. */
extern double clv_bgnbd_unconditional_purchases(const double *param,
												double t);

/*
 * The log-likelihood of the beta-geometric family of which BG/NBD (shift
 * 0) and MBG/NBD (shift 1: a dropout chance at the first purchase too)
 * are members: with k = x + shift dropout chances survived, a customer's
 * likelihood is Gamma(r+x) alpha^r / Gamma(r) B(a, b+k) / B(a, b)
 * [(alpha+t)^-(r+x) + [k > 0] a / (b+k-1) (alpha+t_x)^-(r+x)].  Gradient
 * in log-parameters into grad_log when not NULL, as clv_bgnbd_ll.
 */
extern double clv_bg_family_ll(const double *param, const ClvTxRow *rows,
							   size_t nrows, double shift, double *grad_log);

/*
 * The same log-likelihood, its gradient into grad_log and its Hessian into
 * hess_log, both in log-parameters, derived analytically.
 */
extern double clv_bg_family_ll_hessian(const double *param, const ClvTxRow *rows,
									   size_t nrows, double shift,
									   double *grad_log,
									   double hess_log[][CLV_OPTIM_MAX_PARAMS]);

#endif							/* CLV_BGNBD_H */
