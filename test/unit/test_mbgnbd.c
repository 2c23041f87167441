/*
 * test_mbgnbd.c -- unit tests of src/core/mbgnbd.c: lifetimes'
 * ModifiedBetaGeoFitter optimum on CDNOW, the likelihood against a
 * transcription of Batislam, Denizel and Filiztekin's (2007) equation,
 * its gradient against differences, and the predictions against
 * lifetimes' formulas evaluated independently (plain 2F1 series in long
 * double), to 1e-9 relative.
 */
#include <math.h>

#include "inference.h"
#include "mbgnbd.h"
#include "special.h"
#include "tap.h"
#include "cdnow.h"
#include "reference.h"

/*
 * One customer's log-likelihood as the paper writes it:
 * B(a, b+x+1)/B(a, b) Gamma(r+x) alpha^r / Gamma(r) (alpha+t)^-(r+x)
 * (1 + a/(b+x) ((alpha+t)/(alpha+t_x))^(r+x)).
 */
static double
paper_ll(const double *p, double x, double t_x, double t)
{
	double		r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];

	return clv_special_lbeta(a, b + x + 1) - clv_special_lbeta(a, b) +
		lgamma(r + x) - lgamma(r) + r * log(alpha) - (r + x) * log(alpha + t) +
		log1p(a / (b + x) * pow((alpha + t) / (alpha + t_x), r + x));
}

/* lifetimes' conditional_expected_number_of_purchases_up_to_time. */
static double
lifetimes_expected(const double *p, double h, double x, double t_x, double t)
{
	double		r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];
	double		hyp = naive_hyp2f1(r + x, b + x + 1, a + b + x, h / (alpha + t + h));
	double		numerator = (a + b + x) / (a - 1) *
		(1 - hyp * pow((alpha + t) / (alpha + h + t), r + x));

	return numerator / (1 + a / (b + x) * pow((alpha + t) / (alpha + t_x), r + x));
}

/* lifetimes' expected_number_of_purchases_up_to_time. */
static double
lifetimes_unconditional(const double *p, double t)
{
	double		r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];

	return b / (a - 1) * (1 - naive_hyp2f1(r, b + 1, a + b, t / (alpha + t)) *
						  pow(alpha / (alpha + t), r));
}

int
main(void)
{
	long		sum_x;
	int			zeros;
	const double want[4] = {0.525, 6.183, 0.891, 1.614};
	const double customers[4][3] = {{0, 0, 38.86}, {2, 30.43, 38.86}, {7, 35, 38},
	{1, 2, 30}};
	ClvModelFit fit;
	ClvTxData	data;
	ClvLikelihood lik;
	double		sum = 0.0;

	if (load_cdnow(&sum_x, &zeros) < 0)
	{
		ok(0, "CDNOW sample not found (run from the repository root)");
		return done_testing();
	}
	clv_mbgnbd_fit(tx_rows, n_tx_rows, NULL, NULL, &fit);
	ok(fit.converged, "MBG/NBD on CDNOW converged (%d iterations)", fit.iterations);
	for (int i = 0; i < 4; i++)
		is_near(fit.param[i], want[i], 0.0005,
				"MBG/NBD = lifetimes' ModifiedBetaGeoFitter to its printed digits");

	for (size_t i = 0; i < n_tx_rows; i++)
		sum += tx_rows[i].count * paper_ll(fit.param, tx_rows[i].x, tx_rows[i].t_x,
										   tx_rows[i].t);
	is_near(clv_mbgnbd_ll(fit.param, tx_rows, n_tx_rows, NULL), sum, 1e-8 * fabs(sum),
			"MBG/NBD log-likelihood = the paper's equation summed");
	is_near(fit.ll, sum, 1e-8 * fabs(sum), "the fit reports its log-likelihood");

	data = (ClvTxData) {tx_rows, n_tx_rows, 1.0, NULL};
	clv_bg_family_likelihood(&data, &lik);
	srand(7);
	for (int trial = 0; trial < 4; trial++)
	{
		double		param[4];

		for (int i = 0; i < 4; i++)
			param[i] = exp(4.0 * rand() / RAND_MAX - 2.0);
		ok(gradient_error(&lik, param) < 1e-5,
		   "MBG/NBD gradient = central differences (%.2g)", gradient_error(&lik, param));
	}

	for (int c = 0; c < 4; c++)
	{
		double		x = customers[c][0],
					t_x = customers[c][1],
					t = customers[c][2];
		double		mine = clv_mbgnbd_expected_purchases(fit.param, 39, x, t_x, t);
		double		theirs = lifetimes_expected(fit.param, 39, x, t_x, t);
		double		alive = 1 / (1 + fit.param[2] / (fit.param[3] + x) *
								 pow((fit.param[1] + t) / (fit.param[1] + t_x),
									 fit.param[0] + x));

		is_near(mine, theirs, 1e-9 * theirs, "MBG/NBD conditional expectation = lifetimes'");
		is_near(clv_mbgnbd_p_alive(fit.param, x, t_x, t), alive, 1e-12 * alive,
				"MBG/NBD P(alive) = lifetimes'");
	}
	ok(clv_mbgnbd_p_alive(fit.param, 0, 0, 38.86) < 1,
	   "a one-time buyer may be gone: P(alive | x = 0) = %.4f",
	   clv_mbgnbd_p_alive(fit.param, 0, 0, 38.86));
	for (double t = 1; t <= 100; t *= 3)
	{
		double		theirs = lifetimes_unconditional(fit.param, t);

		is_near(clv_mbgnbd_unconditional_purchases(fit.param, t), theirs, 1e-9 * theirs,
				"MBG/NBD E[X(t)] = lifetimes'");
	}
	{
		/* a = 1 is 0/0 in the formula; the limit is continuous */
		double		near_one[4] = {0.5, 6, 1.0, 1.6},
					below[4] = {0.5, 6, 1.0 - 1e-6, 1.6};
		double		at = clv_mbgnbd_expected_purchases(near_one, 39, 2, 30, 38),
					next = clv_mbgnbd_expected_purchases(below, 39, 2, 30, 38);

		ok(isfinite(at) && fabs(at - next) < 1e-5 * at,
		   "MBG/NBD expectation continuous at a = 1 (%.10g, %.10g)", at, next);
	}
	return done_testing();
}
