/*
 * gamma_gamma.h -- the Gamma-Gamma spend model (Fader, Hardie and Lee 2005,
 * "RFM and CLV"): likelihood, gradient, fit, expected spend, and the
 * discounted customer lifetime value that combines it with a purchase
 * model.
 *
 * param is {p, q, gamma}.
 */
#ifndef CLV_GAMMA_GAMMA_H
#define CLV_GAMMA_GAMMA_H

#include "model.h"

/* The log-likelihood of rows at param; gradient in log-parameters if wanted. */
extern double clv_gg_ll(const double *param, const ClvSpendRow *rows,
						size_t nrows, double *grad_log);

/* Fits the model to rows (all with x > 0 and m > 0). */
extern void clv_gg_fit(const ClvSpendRow *rows, size_t nrows,
					   ClvInterrupt interrupt, void *interrupt_arg,
					   ClvModelFit *fit);

/*
 * E[spend per purchase | x, m] = p (gamma + m x) / (p x + q - 1); for x = 0
 * the population mean p gamma / (q - 1).  NaN where the mean is infinite
 * (p x + q <= 1).
 */
extern double clv_gg_expected_spend(const double *param, double x, double m);

/* A purchase model's conditional expectation, as clv_bgnbd_expected_purchases. */
typedef double (*ClvExpectedPurchases) (const double *param, double horizon,
										double x, double t_x, double t);

/*
 * The discounted value of the next months months:
 * sum over i of spend (E[i month] - E[(i-1) month]) / (1 + discount)^i,
 * month_length being a month in the purchase model's time unit.
 * interrupt (may be NULL) is called once per month.
 */
extern double clv_gg_clv(double spend, ClvExpectedPurchases expected,
						 const double *param, double x, double t_x, double t,
						 int months, double month_length, double discount,
						 ClvInterrupt interrupt, void *interrupt_arg);

#endif							/* CLV_GAMMA_GAMMA_H */
