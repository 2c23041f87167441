/*
 * gamma_gamma.h -- the Gamma-Gamma spend model (Fader, Hardie and Lee 2005,
 * "RFM and CLV"): likelihood, gradient, fit and expected spend (value.h
 * combines it with a purchase model into the customer's value).
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

#endif							/* CLV_GAMMA_GAMMA_H */
