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
#include "optimize.h"

/*
 * The sums of a likelihood's data that no parameter enters: sum n log m
 * over the rows (n their counts).
 */
typedef struct ClvSpendSums
{
	double		n_log_m;
} ClvSpendSums;

/* What Gamma-Gamma's likelihood needs of its data. */
typedef struct ClvSpendData
{
	const ClvSpendRow *rows;
	size_t		nrows;
	ClvSpendSums sums;			/* clv_gg_spend_sums of the rows */
} ClvSpendData;

/* Computes the sums of rows into sums. */
extern void clv_gg_spend_sums(const ClvSpendRow *rows, size_t nrows,
							  ClvSpendSums *sums);

/* The log-likelihood of rows at param; gradient in log-parameters if wanted. */
extern double clv_gg_ll(const double *param, const ClvSpendRow *rows,
						size_t nrows, double *grad_log);

/*
 * clv_gg_ll given the sums of rows (clv_gg_spend_sums), for many
 * evaluations over the same rows: one logarithm a row.
 */
extern double clv_gg_ll_summed(const double *param, const ClvSpendRow *rows,
							   size_t nrows, const ClvSpendSums *sums,
							   double *grad_log);

/*
 * The same, with its gradient into grad_log and its Hessian into hess_log,
 * both in log-parameters (analytic).
 */
extern double clv_gg_ll_summed_hessian(const double *param, const ClvSpendRow *rows,
									   size_t nrows, const ClvSpendSums *sums,
									   double *grad_log,
									   double hess_log[][CLV_OPTIM_MAX_PARAMS]);

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
