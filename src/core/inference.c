/*
 * inference.c -- the purchase and spend models' likelihoods as
 * ClvLikelihood values, and the inference of their fits (see inference.h).
 */
#include "inference.h"

#include <stddef.h>

#include "bgnbd.h"
#include "gamma_gamma.h"
#include "pareto_nbd.h"

/* The beta-geometric family's log-likelihood over a ClvTxData. */
static double
bg_family_ll(const double *param, double *grad_log, void *arg)
{
	const ClvTxData *data = (const ClvTxData *) arg;

	return clv_bg_family_ll(param, data->rows, data->nrows, data->shift,
							grad_log);
}

/* The same with its gradient and Hessian. */
static double
bg_family_ll_hessian(const double *param, double *grad_log,
					 double hess_log[][CLV_OPTIM_MAX_PARAMS], void *arg)
{
	const ClvTxData *data = (const ClvTxData *) arg;

	return clv_bg_family_ll_hessian(param, data->rows, data->nrows, data->shift,
									grad_log, hess_log);
}

/* The beta-geometric family's likelihood over data. */
void
clv_bg_family_likelihood(const ClvTxData *data, ClvLikelihood *lik)
{
	*lik = (ClvLikelihood) {4, bg_family_ll, true, (void *) data,
	bg_family_ll_hessian};
}

/* The sum of the rows' counts. */
double
clv_tx_customers(const ClvTxRow *rows, size_t nrows)
{
	return clv_mle_customers(rows, nrows, sizeof(ClvTxRow),
							 offsetof(ClvTxRow, count));
}

/* Whether any customer repurchased. */
bool
clv_tx_has_repeats(const ClvTxRow *rows, size_t nrows)
{
	size_t		i;

	for (i = 0; i < nrows; i++)
		if (rows[i].x > 0 && rows[i].count > 0)
			return true;
	return false;
}

/* Inference of a beta-geometric family fit (shift 0 or 1). */
static void
bg_family_inference(const double *param, const ClvTxRow *rows, size_t nrows,
					double shift, ClvInterrupt interrupt, void *interrupt_arg,
					ClvInference *inference)
{
	ClvTxData	data = {rows, nrows, shift, NULL};
	ClvLikelihood lik;

	clv_bg_family_likelihood(&data, &lik);
	clv_mle_inference(&lik, param, clv_tx_customers(rows, nrows), interrupt,
					  interrupt_arg, inference);
}

/* Inference of a BG/NBD fit. */
void
clv_bgnbd_inference(const double *param, const ClvTxRow *rows, size_t nrows,
					ClvInterrupt interrupt, void *interrupt_arg,
					ClvInference *inference)
{
	bg_family_inference(param, rows, nrows, 0.0, interrupt, interrupt_arg,
						inference);
}

/* Inference of an MBG/NBD fit. */
void
clv_mbgnbd_inference(const double *param, const ClvTxRow *rows, size_t nrows,
					 ClvInterrupt interrupt, void *interrupt_arg,
					 ClvInference *inference)
{
	bg_family_inference(param, rows, nrows, 1.0, interrupt, interrupt_arg,
						inference);
}

/*
 * The Pareto/NBD log-likelihood over a ClvTxData whose rows are indexed in
 * its workspace, with its gradient.
 */
static double
pnbd_ll(const double *param, double *grad_log, void *arg)
{
	const ClvTxData *data = (const ClvTxData *) arg;

	return clv_pnbd_indexed_ll(param, data->rows, data->nrows, data->workspace,
							   grad_log);
}

/* Inference of a Pareto/NBD fit, the rows indexed once for all evaluations. */
void
clv_pnbd_inference(const double *param, const ClvTxRow *rows, size_t nrows,
				   void *workspace, ClvInterrupt interrupt,
				   void *interrupt_arg, ClvInference *inference)
{
	ClvTxData	data = {rows, nrows, 0.0, workspace};
	ClvLikelihood lik = {4, pnbd_ll, true, &data, NULL};

	clv_pnbd_index(rows, nrows, workspace);

	clv_mle_inference(&lik, param, clv_tx_customers(rows, nrows), interrupt,
					  interrupt_arg, inference);
}

/* The Gamma-Gamma log-likelihood over a ClvSpendData. */
static double
gg_ll(const double *param, double *grad_log, void *arg)
{
	const ClvSpendData *data = (const ClvSpendData *) arg;

	return clv_gg_ll_summed(param, data->rows, data->nrows, &data->sums, grad_log);
}

/* The same with its gradient and Hessian. */
static double
gg_ll_hessian(const double *param, double *grad_log,
			  double hess_log[][CLV_OPTIM_MAX_PARAMS], void *arg)
{
	const ClvSpendData *data = (const ClvSpendData *) arg;

	return clv_gg_ll_summed_hessian(param, data->rows, data->nrows, &data->sums,
									grad_log, hess_log);
}

/* Gamma-Gamma's likelihood over data, whose sums it sets. */
void
clv_gg_likelihood(ClvSpendData *data, ClvLikelihood *lik)
{
	clv_gg_spend_sums(data->rows, data->nrows, &data->sums);
	*lik = (ClvLikelihood) {3, gg_ll, true, (void *) data, gg_ll_hessian};
}

/* Inference of a Gamma-Gamma fit. */
void
clv_gg_inference(const double *param, const ClvSpendRow *rows, size_t nrows,
				 ClvInterrupt interrupt, void *interrupt_arg,
				 ClvInference *inference)
{
	ClvSpendData data = {.rows = rows, .nrows = nrows};
	ClvLikelihood lik;

	clv_gg_likelihood(&data, &lik);
	clv_mle_inference(&lik, param,
					  clv_mle_customers(rows, nrows, sizeof(ClvSpendRow),
										offsetof(ClvSpendRow, count)),
					  interrupt, interrupt_arg, inference);
}
