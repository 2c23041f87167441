/*
 * mbgnbd.c -- the MBG/NBD model.  Its likelihood is the beta-geometric
 * family's of bgnbd.c with one more dropout chance (shift 1), and given
 * that a customer is alive its future is a BG/NBD customer's with the
 * dropout posterior Beta(a, b + x + 1): BG/NBD's expectation at b + 1.
 */
#include "mbgnbd.h"

#include <math.h>

#include "bgnbd.h"
#include "inference.h"

/* The MBG/NBD log-likelihood and its gradient in log-parameters. */
double
clv_mbgnbd_ll(const double *param, const ClvTxRow *rows, size_t nrows,
			  double *grad_log)
{
	return clv_bg_family_ll(param, rows, nrows, 1.0, grad_log);
}

/* Fits MBG/NBD by maximum likelihood from r = alpha = a = b = 1. */
void
clv_mbgnbd_fit(const ClvTxRow *rows, size_t nrows, ClvInterrupt interrupt,
			   void *interrupt_arg, ClvModelFit *fit)
{
	ClvTxData	data = {rows, nrows, 1.0, NULL};
	ClvLikelihood lik;

	clv_bg_family_likelihood(&data, &lik);
	clv_mle_fit(&lik, NULL, clv_tx_has_repeats(rows, nrows), interrupt,
				interrupt_arg, fit);
}

/* P(alive) = 1 / (1 + a / (b + x) ((alpha + t) / (alpha + t_x))^(r + x)). */
double
clv_mbgnbd_p_alive(const double *param, double x, double t_x, double t)
{
	double		r = param[0],
				alpha = param[1],
				a = param[2],
				b = param[3];

	return 1.0 / (1.0 + exp(log(a) - log(b + x) +
							(r + x) * log1p((t - t_x) / (alpha + t_x))));
}

/* E[purchases in (t, t + horizon] | x, t, alive]: BG/NBD's at b + 1. */
double
clv_mbgnbd_purchases_if_alive(const double *param, double horizon, double x,
							  double t)
{
	double		if_alive;

	clv_mbgnbd_purchases_if_alive_horizons(param, &horizon, 1, x, t, &if_alive);
	return if_alive;
}

void
clv_mbgnbd_purchases_if_alive_horizons(const double *param,
									   const double *horizons, int nhorizons,
									   double x, double t, double *if_alive)
{
	double		shifted[4] = {param[0], param[1], param[2], param[3] + 1.0};

	clv_bgnbd_purchases_if_alive_horizons(shifted, horizons, nhorizons, x, t,
										  if_alive);
}

/* E[purchases in (t, t + horizon] | x, t_x, t]. */
double
clv_mbgnbd_expected_purchases(const double *param, double horizon, double x,
							  double t_x, double t)
{
	return clv_mbgnbd_purchases_if_alive(param, horizon, x, t) *
		clv_mbgnbd_p_alive(param, x, t_x, t);
}

/* E[X(t)]: the conditional expectation of a customer seen at age 0. */
double
clv_mbgnbd_unconditional_purchases(const double *param, double t)
{
	return clv_mbgnbd_expected_purchases(param, t, 0, 0, 0);
}
