/*
 * inference.h -- the likelihoods of the purchase models (rows of
 * (x, t_x, t)) and of Gamma-Gamma (rows of (x, m)) as ClvLikelihood
 * values, and the standard errors, Wald bounds, AIC and BIC of their fits
 * (mle.h).  Parameters are natural, in each model's param[] order; times
 * in the unit of the data.
 */
#ifndef CLV_INFERENCE_H
#define CLV_INFERENCE_H

#include "gamma_gamma.h"
#include "mle.h"

/* What a purchase model's likelihood needs of its data. */
typedef struct ClvTxData
{
	const ClvTxRow *rows;
	size_t		nrows;
	double		shift;			/* beta-geometric family: 0 BG/NBD, 1 MBG/NBD */
	void	   *workspace;		/* Pareto/NBD: clv_pnbd_workspace_size bytes */
} ClvTxData;

/*
 * lik becomes the likelihood of the beta-geometric family (clv_bg_family_ll,
 * 4 parameters, analytic gradient and Hessian) over data, which must
 * outlive it.
 */
extern void clv_bg_family_likelihood(const ClvTxData *data,
									 ClvLikelihood *lik);

/*
 * lik becomes Gamma-Gamma's likelihood (clv_gg_ll, 3 parameters, analytic
 * gradient and Hessian) over data, which must outlive it; data's sums are set.
 */
extern void clv_gg_likelihood(ClvSpendData *data, ClvLikelihood *lik);

/* Customers in rows: the sum of their counts. */
extern double clv_tx_customers(const ClvTxRow *rows, size_t nrows);

/*
 * Whether any customer of rows repurchased (x > 0 with a positive count):
 * without one no purchase model is identified.
 */
extern bool clv_tx_has_repeats(const ClvTxRow *rows, size_t nrows);

/*
 * Standard errors of a BG/NBD fit at param over rows (clv_mle_inference;
 * n of BIC the customers of rows).
 */
extern void clv_bgnbd_inference(const double *param, const ClvTxRow *rows,
								size_t nrows, ClvInterrupt interrupt,
								void *interrupt_arg, ClvInference *inference);

/* Standard errors of an MBG/NBD fit at param over rows. */
extern void clv_mbgnbd_inference(const double *param, const ClvTxRow *rows,
								 size_t nrows, ClvInterrupt interrupt,
								 void *interrupt_arg, ClvInference *inference);

/*
 * Standard errors of a Pareto/NBD fit at param over rows, with workspace
 * as clv_pnbd_ll, where the rows are indexed once for all evaluations
 * (central differences of its analytic gradient, which the fit uses too:
 * 8 evaluations of the likelihood and gradient, where second differences
 * of values needed 33).
 */
extern void clv_pnbd_inference(const double *param, const ClvTxRow *rows,
							   size_t nrows, void *workspace,
							   ClvInterrupt interrupt, void *interrupt_arg,
							   ClvInference *inference);

/*
 * Standard errors of a Gamma-Gamma fit at param over rows (n of BIC: the
 * repeat customers of rows).
 */
extern void clv_gg_inference(const double *param, const ClvSpendRow *rows,
							 size_t nrows, ClvInterrupt interrupt,
							 void *interrupt_arg, ClvInference *inference);

#endif							/* CLV_INFERENCE_H */
