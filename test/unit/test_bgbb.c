/*
 * test_bgbb.c -- unit tests of src/core/bgbb.c: the published BG/BB fit
 * of the donations data (Fader, Hardie and Shang 2010), its standard
 * errors, the likelihood against a term-by-term transcription of the
 * paper (no recurrences), its gradient against differences, P(alive) and
 * the conditional expectation against lifetimes' formulas transcribed
 * the same way, and the count distributions against their expectations.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bgbb.h"
#include "special.h"
#include "tap.h"
#include "reference.h"

#define MAX_ROWS 64

static ClvBgbbRow rows[MAX_ROWS];
static size_t nrows;

/* Reads test/data/donations/donations.csv; false when missing. */
static bool
load_donations(void)
{
	FILE	   *file = fopen("test/data/donations/donations.csv", "r");
	char		header[100];

	if (file == NULL || fgets(header, sizeof(header), file) == NULL)
		return false;
	nrows = 0;
	while (nrows < MAX_ROWS &&
		   fscanf(file, "%lf,%lf,%lf,%lf", &rows[nrows].x, &rows[nrows].t_x,
				  &rows[nrows].n, &rows[nrows].count) == 4)
		nrows++;
	fclose(file);
	return true;
}

/* log of one customer's likelihood, each term of the paper's eq. 5 by lbeta. */
static double
paper_log_l(const double *p, double x, double t_x, double n)
{
	double		alpha = p[0],
				beta = p[1],
				gamma = p[2],
				delta = p[3];
	double		norm = clv_special_lbeta(alpha, beta) + clv_special_lbeta(gamma, delta);
	double		total = exp(clv_special_lbeta(alpha + x, beta + n - x) +
							clv_special_lbeta(gamma, delta + n) - norm);

	for (double i = 0; i <= n - t_x - 1; i++)
		total += exp(clv_special_lbeta(alpha + x, beta + t_x - x + i) +
					 clv_special_lbeta(gamma + 1, delta + t_x + i) - norm);
	return log(total);
}

/* lifetimes' conditional_expected_number_of_purchases_up_to_time (eq. 13). */
static double
paper_expected(const double *p, double m, double x, double t_x, double n)
{
	double		alpha = p[0],
				beta = p[1],
				gamma = p[2],
				delta = p[3];

	return exp(clv_special_lbeta(alpha + x + 1, beta + n - x) -
			   clv_special_lbeta(alpha, beta) - paper_log_l(p, x, t_x, n)) *
		delta / (gamma - 1) * exp(lgamma(gamma + delta) - lgamma(1 + delta)) *
		(exp(lgamma(1 + delta + n) - lgamma(gamma + delta + n)) -
		 exp(lgamma(1 + delta + n + m) - lgamma(gamma + delta + n + m)));
}

/* The likelihood over the donation rows, for gradient_error. */
static double
donations_ll(const double *param, double *grad_log, void *arg)
{
	(void) arg;
	return clv_bgbb_ll(param, rows, nrows, grad_log);
}

static int	calls;

/* Counts interrupt calls. */
static void
count_call(void *arg)
{
	(void) arg;
	calls++;
}

int
main(void)
{
	const double published[4] = {1.204, 0.750, 0.657, 2.783};
	ClvModelFit fit;
	ClvInference inf;
	ClvLikelihood lik = {4, donations_ll, true, NULL, NULL};
	double		sum = 0.0,
				customers = 0.0;

	if (!load_donations())
	{
		ok(0, "donations data not found (run from the repository root)");
		return done_testing();
	}
	for (size_t i = 0; i < nrows; i++)
		customers += rows[i].count;
	ok(nrows == 22 && customers == 11104, "donations: 22 patterns, 11,104 donors");
	calls = 0;
	clv_bgbb_fit(rows, nrows, count_call, NULL, &fit);
	ok(fit.converged && calls > fit.iterations,
	   "BG/BB converged (%d iterations, %d interrupt checks)", fit.iterations, calls);
	for (int i = 0; i < 4; i++)
		is_near(fit.param[i], published[i], 0.0005, "BG/BB = the published estimate");
	is_near(fit.ll, -33225.6, 0.1, "BG/BB log-likelihood about -33,225");
	for (size_t i = 0; i < nrows; i++)
		sum += rows[i].count * paper_log_l(fit.param, rows[i].x, rows[i].t_x, rows[i].n);
	is_near(fit.ll, sum, 1e-9 * fabs(sum), "log-likelihood = the paper's terms summed");
	{
		/* the rows reversed: no shared running sums, the same likelihood */
		ClvBgbbRow	reversed[MAX_ROWS];

		for (size_t i = 0; i < nrows; i++)
			reversed[i] = rows[nrows - 1 - i];
		is_near(clv_bgbb_ll(fit.param, reversed, nrows, NULL), fit.ll, 1e-9 * fabs(sum),
				"rows in any order give the same likelihood");
	}
	for (int trial = 0; trial < 3; trial++)
	{
		double		p[4] = {0.3 + trial, 2.5 / (1 + trial), 0.2 * (1 + 3 * trial), 4 - trial};

		ok(gradient_error(&lik, p) < 1e-6, "BG/BB gradient = central differences (%.2g)",
		   gradient_error(&lik, p));
	}

	clv_bgbb_inference(fit.param, rows, nrows, NULL, NULL, &inf);
	ok(inf.status == CLV_INFORMATION_OK && inf.customers == 11104,
	   "BG/BB standard errors: alpha %.4f, beta %.4f, gamma %.4f, delta %.4f",
	   inf.se[0], inf.se[1], inf.se[2], inf.se[3]);
	lik.has_gradient = false;
	{
		ClvInference by_values;
		double		worst = 0.0;

		clv_mle_inference(&lik, fit.param, 11104, NULL, NULL, &by_values);
		for (int i = 0; i < 4; i++)
			worst = fmax(worst, fabs(by_values.se[i] / inf.se[i] - 1));
		ok(worst < 1e-4, "the SEs from second differences of values agree (%.2g)", worst);
	}

	for (size_t i = 0; i < nrows; i++)
	{
		double		x = rows[i].x,
					t_x = rows[i].t_x,
					n = rows[i].n;
		double		want_alive = exp(clv_special_lbeta(fit.param[0] + x, fit.param[1] + n - x) +
									 clv_special_lbeta(fit.param[2], fit.param[3] + n + 1) -
									 clv_special_lbeta(fit.param[0], fit.param[1]) -
									 clv_special_lbeta(fit.param[2], fit.param[3]) -
									 paper_log_l(fit.param, x, t_x, n));
		double		want = paper_expected(fit.param, 5, x, t_x, n);
		double		total = 0.0,
					mean = 0.0;

		is_near(clv_bgbb_p_alive(fit.param, 1, x, t_x, n), want_alive, 1e-12,
				"P(alive at n + 1) = lifetimes' formula");
		is_near(clv_bgbb_expected_transactions(fit.param, 5, x, t_x, n), want, 1e-9 * want,
				"E[transactions in the next 5] = lifetimes' formula");
		for (double k = 0; k <= 5; k++)
		{
			double		prob = clv_bgbb_conditional_pmf(fit.param, 5, k, x, t_x, n);

			total += prob;
			mean += k * prob;
		}
		ok(fabs(total - 1) < 1e-12 && fabs(mean - want) < 1e-9 * want,
		   "conditional P(X(n, n+5) = k) sums to 1 (%.15g) with that mean (%.12g)", total, mean);
	}
	for (double n = 1; n <= 200; n *= 3)
	{
		double		total = 0.0,
					mean = 0.0;

		for (double x = 0; x <= n; x++)
		{
			double		prob = clv_bgbb_pmf(fit.param, n, x);

			total += prob;
			mean += x * prob;
		}
		is_near(total, 1.0, 1e-12, "P(X(n) = x) sums to 1");
		is_near(mean, clv_bgbb_unconditional_transactions(fit.param, n), 1e-10,
				"its mean is E[X(n)]");
	}
	{
		/* E[X(n)] by its closed form above 10,000, by the sum below */
		double		below = clv_bgbb_unconditional_transactions(fit.param, 10000),
					above = clv_bgbb_unconditional_transactions(fit.param, 10001),
					step = fit.param[0] / (fit.param[0] + fit.param[1]) *
			exp(clv_special_lbeta(fit.param[2], fit.param[3] + 10001) -
				clv_special_lbeta(fit.param[2], fit.param[3]));

		is_near(above - below, step, 1e-9 * below, "E[X(n)] closed form continues the sum");
	}
	{
		/*
		 * the same with delta in the billions, where the closed form's
		 * lgamma values (about 2e10) cancelled to 24% of the result:
		 * against the sum in long double, within 1e-6 (the two ratios of
		 * Gamma functions, about 2e5 each, still cancel to about 1e-7)
		 */
		const double param[4] = {1.2, 0.75, 0.5, 1e9};
		long double survival = 1.0L,
					total = 0.0L;

		for (int k = 1; k <= 10001; k++)
		{
			survival *= (param[3] + k - 1) / ((long double) param[2] + param[3] + k - 1);
			total += survival;
		}
		total *= param[0] / (param[0] + param[1]);
		is_near(clv_bgbb_unconditional_transactions(param, 10001), (double) total,
				1e-6 * (double) total, "E[X(n)] closed form with delta = 1e9");
	}
	{
		const ClvBgbbRow bad[4] = {{2, 1, 6, 1}, {0, 1, 6, 1}, {1, 7, 6, 1}, {1, 1, 2e6, 1}};
		const ClvBgbbRow nobody[2] = {{0, 0, 6, 100}, {0, 0, 3, 10}};
		bool		finite = true;

		for (int i = 0; i < 4; i++)
			ok(clv_bgbb_row_problem(&bad[i]) != NULL, "row rejected: %s",
			   clv_bgbb_row_problem(&bad[i]));
		ok(clv_bgbb_row_problem(&rows[3]) == NULL, "a donations row is valid");
		clv_bgbb_fit(nobody, 2, NULL, NULL, &fit);
		for (int i = 0; i < 4; i++)
			finite &= isfinite(fit.param[i]) && fit.param[i] > 0;
		ok(!fit.converged && finite, "nobody transacted again: not converged, finite");
	}
	return done_testing();
}
