/*
 * test_counts.c -- unit tests of src/core/counts.c, P(X(t) = n) under
 * BG/NBD, MBG/NBD and Pareto/NBD: the probabilities of a new customer and
 * of a customer with a history sum to 1 and their mean is the model's
 * expectation (computed by the independent hypergeometric route of
 * bgnbd.c, mbgnbd.c and pareto_nbd.c); Pareto/NBD's closed form equals
 * quadrature of its defining integral over the time of death; P(X = 0)
 * has its elementary form.
 */
#include <math.h>

#include "bgnbd.h"
#include "counts.h"
#include "mbgnbd.h"
#include "pareto_nbd.h"
#include "tap.h"

typedef double (*Pmf) (const double *param, double t, double n);
typedef double (*Mean) (const double *param, double t);
typedef double (*CondPmf) (const double *param, double h, double n, double x,
						   double t_x, double t);
typedef double (*CondMean) (const double *param, double h, double x,
							double t_x, double t);

/* One model's functions. */
typedef struct Model
{
	const char *name;
	Pmf			pmf;
	Mean		mean;
	CondPmf		cond_pmf;
	CondMean	cond_mean;
} Model;

static const Model models[3] = {
	{"BG/NBD", clv_bgnbd_pmf, clv_bgnbd_unconditional_purchases,
	clv_bgnbd_conditional_pmf, clv_bgnbd_expected_purchases},
	{"MBG/NBD", clv_mbgnbd_pmf, clv_mbgnbd_unconditional_purchases,
	clv_mbgnbd_conditional_pmf, clv_mbgnbd_expected_purchases},
	{"Pareto/NBD", clv_pnbd_pmf, clv_pnbd_unconditional_purchases,
	clv_pnbd_conditional_pmf, clv_pnbd_expected_purchases},
};

/* CDNOW fits of the three models, and a second, busier parameter set. */
static const double params[3][2][4] = {
	{{0.243, 4.414, 0.793, 2.426}, {2.0, 3.0, 1.7, 5.0}},
	{{0.525, 6.183, 0.891, 1.614}, {2.0, 3.0, 1.7, 5.0}},
	{{0.553, 10.578, 0.606, 11.669}, {2.0, 3.0, 0.9, 0.5}},
};

/*
 * Pareto/NBD P(X(t) = n) by its definition: alive at t with NB(n) at t,
 * or dead at tau < t with NB(n) at tau; Simpson over tau.
 */
static double
pnbd_pmf_quadrature(const double *p, double t, double n)
{
	double		r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3];
	int			steps = 200000;
	double		h = t / steps,
				sum = 0.0;
	double		log_c = lgamma(r + n) - lgamma(r) - lgamma(n + 1);

	for (int k = 0; k <= steps; k++)
	{
		double		tau = k * h;
		double		nb = tau == 0 ? (n == 0) :
			exp(log_c + r * log(alpha / (alpha + tau)) + n * log(tau / (alpha + tau)));
		double		density = s / beta * pow(beta / (beta + tau), s + 1);

		sum += nb * density * (k == 0 || k == steps ? 1 : (k % 2 ? 4 : 2));
	}
	return sum * h / 3 + pow(beta / (beta + t), s) *
		exp(log_c + r * log(alpha / (alpha + t)) + n * log(t / (alpha + t)));
}

int
main(void)
{
	for (int m = 0; m < 3; m++)
		for (int set = 0; set < 2; set++)
		{
			const double *p = params[m][set];
			double		total = 0.0,
						mean = 0.0,
						cond_total = 0.0,
						cond_mean = 0.0;

			for (int n = 0; n < 600; n++)
			{
				double		prob = models[m].pmf(p, 39, n),
							cond = models[m].cond_pmf(p, 39, n, 2, 30.43, 38.86);

				total += prob;
				mean += n * prob;
				cond_total += cond;
				cond_mean += n * cond;
			}
			is_near(total, 1.0, 1e-12, models[m].name);
			is_near(mean, models[m].mean(p, 39), 1e-10, "  sum of n P(X(39) = n) = E[X(39)]");
			is_near(cond_total, 1.0, 1e-12, "  conditional probabilities sum to 1");
			is_near(cond_mean, models[m].cond_mean(p, 39, 2, 30.43, 38.86), 1e-10,
					"  their mean is the conditional expectation");
			is_near(models[m].pmf(p, 0, 0), 1.0, 0, "  X(0) = 0");
		}

	{
		/* P(X(t) = 0): BG/NBD NB(0); MBG/NBD adds the dropouts at once */
		const double *bg = params[0][0];
		double		nb0 = pow(bg[1] / (bg[1] + 20), bg[0]);

		is_near(clv_bgnbd_pmf(bg, 20, 0), nb0, 1e-14, "BG/NBD P(X(20) = 0) = (alpha / (alpha + t))^r");
		is_near(clv_mbgnbd_pmf(bg, 20, 0), bg[2] / (bg[2] + bg[3]) + bg[3] / (bg[2] + bg[3]) * nb0,
				1e-14, "MBG/NBD P(X(20) = 0) = E[p] + E[1 - p] NB(0)");
	}

	for (int set = 0; set < 2; set++)
	{
		double		cases[4][4] = {{0.553, 10.578, 0.606, 11.669}, {0.553, 30.0, 0.606, 2.0},
		{0.553, 2.0, 0.606, 30.0}, {2.0, 3.0, 0.9, 0.5}};

		for (int c = 0; c < 4; c++)
			for (double n = 0; n <= 8; n += 4)
			{
				double		t = set == 0 ? 39 : 5;
				double		want = pnbd_pmf_quadrature(cases[c], t, n);

				is_near(clv_pnbd_pmf(cases[c], t, n), want, 1e-9 * want + 1e-15,
						"Pareto/NBD P(X(t) = n) = quadrature of its definition");
			}
	}
	{
		/*
		 * s and r in the hundreds of thousands, where logarithms of size
		 * 1e6 used to cancel to eight digits; values from mpmath's
		 * quadrature of the definition at 30 digits
		 */
		double		s_big[4] = {4681.00775127204, 0.00013460063777702883,
		546364.89102040278, 5.1476469166722487e-05};
		double		both_big[4] = {300000, 2.0, 250000, 9.0};

		is_near(clv_pnbd_pmf(s_big, 0.032929539983965396, 0), 0.99673413648838793921, 1e-14,
				"Pareto/NBD P(X(t) = 0), s = 5e5, alpha > beta");
		is_near(clv_pnbd_pmf(s_big, 0.032929539983965396, 3), 3.4741722636133318069e-8, 1e-20,
				"Pareto/NBD P(X(t) = 3), s = 5e5, alpha > beta");
		is_near(clv_pnbd_pmf(both_big, 5e-5, 0), 0.15636666328922572895, 1e-14,
				"Pareto/NBD P(X(t) = 0), r = 3e5, s = 2.5e5, beta > alpha");
		is_near(clv_pnbd_pmf(both_big, 5e-5, 8), 0.055499441001306126841, 1e-14,
				"Pareto/NBD P(X(t) = 8), r = 3e5, s = 2.5e5, beta > alpha");
	}
	return done_testing();
}
