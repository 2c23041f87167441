/*
 * mbgnbd.h -- the modified BG/NBD model (Batislam, Denizel and Filiztekin
 * 2007; Wagner and Hoppe 2008): BG/NBD in which a customer may also drop
 * out right after the first purchase, so that one-time buyers need not be
 * alive.  Likelihood, fit and predictions.
 *
 * param is {r, alpha, a, b}: purchase rate ~ Gamma(r, rate alpha),
 * dropout probability at the first purchase and after each repeat
 * purchase ~ Beta(a, b); times are in the unit of the data, x repeat
 * purchases, 0 <= t_x <= t (t_x = 0 when x = 0).
 */
#ifndef CLV_MBGNBD_H
#define CLV_MBGNBD_H

#include "model.h"

/*
 * The log-likelihood of rows at param, gradient in log-parameters into
 * grad_log when not NULL (rows sorted by x evaluate faster).  Per
 * customer: Gamma(r+x) alpha^r / Gamma(r) B(a, b+x+1) / B(a, b)
 * [(alpha+t)^-(r+x) + a / (b+x) (alpha+t_x)^-(r+x)].
 */
extern double clv_mbgnbd_ll(const double *param, const ClvTxRow *rows,
							size_t nrows, double *grad_log);

/*
 * Fits the model to rows by maximum likelihood from all parameters 1;
 * converged is false when nobody repurchased (the model is then not
 * identified) or the optimiser failed; the parameters are finite anyway.
 */
extern void clv_mbgnbd_fit(const ClvTxRow *rows, size_t nrows,
						   ClvInterrupt interrupt, void *interrupt_arg,
						   ClvModelFit *fit);

/*
 * P(alive at t | x, t_x, t) = 1 / (1 + a / (b + x)
 * ((alpha + t) / (alpha + t_x))^(r + x)), below 1 also for x = 0.
 */
extern double clv_mbgnbd_p_alive(const double *param, double x, double t_x,
								 double t);

/*
 * E[purchases in (t, t + horizon] | x, t, alive at t]: BG/NBD's with b + 1
 * for b (the posterior dropout probability is Beta(a, b + x + 1)), i.e.
 * (a + b + x) / (a - 1) [1 - ((alpha + t) / (alpha + t + horizon))^(r + x)
 * 2F1(r + x, b + x + 1; a + b + x; horizon / (alpha + t + horizon))].
 */
extern double clv_mbgnbd_purchases_if_alive(const double *param,
											double horizon, double x,
											double t);

/* The same expectation at each of nhorizons horizons into if_alive. */
extern void clv_mbgnbd_purchases_if_alive_horizons(const double *param,
												   const double *horizons,
												   int nhorizons, double x,
												   double t, double *if_alive);

/* E[purchases in (t, t + horizon] | x, t_x, t]: the above times P(alive). */
extern double clv_mbgnbd_expected_purchases(const double *param,
											double horizon, double x,
											double t_x, double t);

/*
 * E[X(t)]: repeat purchases of a new customer in its first t time units,
 * b / (a - 1) [1 - (alpha / (alpha + t))^r 2F1(r, b + 1; a + b; t / (alpha + t))].
 */
extern double clv_mbgnbd_unconditional_purchases(const double *param,
												 double t);

#endif							/* CLV_MBGNBD_H */
