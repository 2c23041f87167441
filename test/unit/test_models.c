/*
 * test_models.c -- unit tests of the probabilistic models in src/core:
 * special functions, the optimiser, and BG/NBD, Pareto/NBD and Gamma-Gamma
 * against the published CDNOW results.
 *
 * Run from the repository root (make unitcheck); cdnow.h reads the CDNOW
 * sample.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgnbd.h"
#include "gamma_gamma.h"
#include "mbgnbd.h"
#include "inference.h"
#include "optimize.h"
#include "pareto_nbd.h"
#include "special.h"
#include "tap.h"
#include "value.h"
#include "vecmath.h"
#include "cdnow.h"
#include "reference.h"

/* pi^2, for the trigamma function's known values */
#define PI_SQUARED 9.8696044010893586188

/* the Pareto/NBD likelihood's workspace (clv_pnbd_workspace_size) */
static double workspace[MAX_CUSTOMERS * 40];

/* Checks got within rel (relative) of want. */
static void
is_within(double got, double want, double rel, const char *what)
{
	is_near(got, want, fabs(want) * rel, what);
}

/*
 * log 2F1(a, b; a + 1; z) for a, b > 0, as the Pareto/NBD likelihood forms
 * it: by Euler's transformation, (1 - b) log w + log 2F1(1, a + 1 - b; a + 1; z).
 */
static double
log_hyp2f1_a1(double a, double b, double z, double w)
{
	if (!(a > 0.0 && b > 0.0))
		return NAN;
	return (1 - b) * log(w) + clv_special_log_hyp2f1_one(a + 1 - b, a + 1, z, w,
																   CLV_HYP2F1_MAX_TERMS, NULL);
}

/*
 * log 2F1(a, b; a+1; z) as (1-z)^(1-b) times the series of
 * 2F1(1, a+1-b; a+1; z), summed in long double to the end.
 */
static double
reference_log_hyp2f1_a1(double a, double b, double z)
{
	long double term = 1,
				sum = 1;
	long		n;

	for (n = 0; n < 100000000L && term > 1e-22L * sum; n++)
	{
		term *= (long double) (a + 1 - b + n) / (a + 1 + n) * z;
		sum += term;
	}
	return (1 - b) * log1p(-z) + (double) logl(sum);
}

/* Known values of 2F1 and log 2F1. */
static void
test_hyp2f1(void)
{
	/* (b, c, z) where log 2F1(1, b; c; z) takes the continued fraction */
	static const double fraction_cases[4][3] = {
		{4447.9688299074278, 4464.6806731857541, 0.99949108127725217},
		{3000.55, 3003.16, 0.999}, {100, 102.5, 0.9999}, {5, 8, 0.99}
	};
	double		z;

	for (int i = 0; i < 4; i++)
	{
		double		b = fraction_cases[i][0],
					c = fraction_cases[i][1];

		z = fraction_cases[i][2];
		is_near(clv_special_log_hyp2f1_one(b, c, z, 1 - z, CLV_HYP2F1_MAX_TERMS, NULL),
				clv_special_log_hyp2f1_positive(1, b, c, z), 1e-12,
				"log 2F1(1, b; c; z) near z = 1 by the continued fraction = the positive series");
	}
	{
		/*
		 * with the parts depending on b and c kept and shared (one b and c
		 * after another, z rising then falling, 2F1(1, 1; 2; z) past the
		 * parts kept): clv_special_log_hyp2f1_one's values and derivatives
		 * to the bit
		 */
		static const double cases[6][2] = {
			{4447.9688299074278, 4464.6806731857541}, {3000.55, 3003.16},
			{100, 102.5}, {5, 8}, {1, 2}, {0.5, 7.25}
		};
		static const double zs[7] = {0.1, 0.5, 0.95, 0.999, 0.9999, 0.9, 0.3};
		ClvHyp2f1Shared shared;
		bool		same = true;

		clv_special_hyp2f1_shared_reset(&shared);
		for (int i = 0; i < 6; i++)
			for (int j = 0; j < 7; j++)
				for (int with_grad = 0; with_grad < 2; with_grad++)
				{
					double		b = cases[i][0],
								c = cases[i][1],
								w = 1 - zs[j];
					double		want_grad[3] = {0, 0, 0},
								got_grad[3] = {0, 0, 0};
					double		want = clv_special_log_hyp2f1_one(b, c, zs[j], w, CLV_HYP2F1_MAX_TERMS,
																  with_grad ? want_grad : NULL);
					double		got = clv_special_log_hyp2f1_one_shared(b, c, zs[j], w,
																		CLV_HYP2F1_MAX_TERMS, &shared,
																		with_grad ? got_grad : NULL);

					same = same && memcmp(&got, &want, sizeof(got)) == 0 &&
						memcmp(got_grad, want_grad, sizeof(got_grad)) == 0;
				}
		ok(same, "log 2F1(1, b; c; z) with shared parts = without, to the bit");
	}
	/* 2F1(1, 1; 2; z) = -log(1 - z) / z, a case outside the fraction's fast region */
	is_near(clv_special_log_hyp2f1_one(1, 2, 0.999, 0.001, CLV_HYP2F1_MAX_TERMS, NULL),
			log(-log(0.001) / 0.999), 2e-12,
			"log 2F1(1, 1; 2; z) at z = 0.999");

	/*
	 * 2F1(1, b; b; z) = 1 / w, by the continued fraction (b in the 1e14s,
	 * z near 1): its first denominator, formed from z, was 1.4e-9 off in
	 * the logarithm (CI's fuzzer, seed 1539534090)
	 */
	{
		double		b = 572262077985016.5,
					w = 1.1771239355504086e-07;

		is_near(clv_special_log_hyp2f1_one(b, b, 1 - w, w, CLV_HYP2F1_MAX_TERMS, NULL),
				-log(w), 1e-14 * -log(w), "log 2F1(1, b; b; z) = -log(1 - z), b = 5.7e14");
	}

	for (z = 0.0; z < 0.999; z += 0.249)
	{
		is_near((clv_special_hyp2f1_tail_times_c(1, 1, 2, z) / 2 + 1),
				z == 0 ? 1 : -log1p(-z) / z, 1e-13, "2F1(1,1;2;z) = -log(1-z)/z");
		is_near((clv_special_hyp2f1_tail_times_c(2.5, 3, 3, z) / 3 + 1), pow(1 - z, -2.5), 1e-12 * pow(1 - z, -2.5),
				"2F1(a,b;b;z) = (1-z)^-a");
		is_near((clv_special_hyp2f1_tail_times_c(0.5, 0.5, 1.5, z) / 1.5 + 1),
				z == 0 ? 1 : asin(sqrt(z)) / sqrt(z), 1e-13,
				"2F1(1/2,1/2;3/2;z) = asin(sqrt z)/sqrt z");
	}
	is_near((clv_special_hyp2f1_tail_times_c(3, 4, 5, 0.7) / 5 + 1), naive_hyp2f1(3, 4, 5, 0.7),
			1e-11 * naive_hyp2f1(3, 4, 5, 0.7), "2F1(3,4;5;0.7) through Euler");
	is_near((clv_special_hyp2f1_tail_times_c(0.24, 3.4, 2.2, 0.9) / 2.2 + 1), naive_hyp2f1(0.24, 3.4, 2.2, 0.9),
			1e-10 * naive_hyp2f1(0.24, 3.4, 2.2, 0.9), "2F1(0.24,3.4;2.2;0.9)");
	is_near((clv_special_hyp2f1_tail_times_c(-0.2, 0.7, 3.1, 0.8) / 3.1 + 1), naive_hyp2f1(-0.2, 0.7, 3.1, 0.8),
			1e-13, "2F1 with a negative parameter");
	is_near(log_hyp2f1_a1(40.5, 1.6, 0.6, 0.4),
			log(naive_hyp2f1(40.5, 1.6, 41.5, 0.6)), 1e-12, "log 2F1(A, s+1; A+1; z)");
	is_near(log_hyp2f1_a1(1000.5, 1001.5, 0.5, 0.5), 1000.5 * log(2.0), 1e-9,
			"log 2F1(a, a+1; a+1; z) = -a log(1-z) far beyond a double");
	{
		/* near z = 1, where the 1 - z transformation takes over */
		double		cases[5][3] = {{2.3, 1.6, 1e-5}, {30.8, 30.2, 1e-4}, {1.5, 0.4, 1e-5},
		{0.047, 1.001, 2e-6}, {5.3, 2.0 + 1e-6, 1e-4}};
		int			i;

		for (i = 0; i < 5; i++)
			is_near(log_hyp2f1_a1(cases[i][0], cases[i][1], 1 - cases[i][2], cases[i][2]),
					reference_log_hyp2f1_a1(cases[i][0], cases[i][1], 1 - cases[i][2]), 1e-11,
					"log 2F1(a, b; a+1; z) near z = 1");
	}
	is_near(clv_special_digamma(1.0), -0.57721566490153286, 1e-12, "digamma(1) = -gamma");
	is_near(clv_special_digamma(0.5), -1.96351002602142347944, 1e-12, "digamma(1/2)");
	is_near(clv_special_trigamma(1.0), PI_SQUARED / 6, 1e-14, "trigamma(1) = pi^2 / 6");
	is_near(clv_special_trigamma(0.5), PI_SQUARED / 2, 1e-14, "trigamma(1/2) = pi^2 / 2");
	is_near(clv_special_trigamma(10.5) / (PI_SQUARED / 2 - 4.0 * (1 + 1 / 9.0 + 1 / 25.0 +
																	1 / 49.0 + 1 / 81.0 + 1 / 121.0 + 1 / 169.0 + 1 / 225.0 + 1 / 289.0 + 1 / 361.0)),
			1.0, 1e-13, "trigamma(10.5): the series = trigamma(1/2) less its recurrence");
	is_near(clv_special_trigamma(1e-8) * 1e-16, 1.0 + PI_SQUARED / 6 * 1e-16, 1e-15,
			"trigamma(1e-8) = 1e16 + pi^2 / 6");
	is_near(clv_special_trigamma(1e7) * 1e7, 1.0 + 0.5e-7 + 1e-14 / 6, 1e-15,
			"trigamma(1e7) = 1/x + 1/(2x^2) + 1/(6x^3) to rounding");
	ok(isnan(clv_special_trigamma(0.0)), "trigamma(0) is NaN");
	is_near(clv_special_logdiffexp(log(5.0), log(3.0)), log(2.0), 1e-14, "logdiffexp");
	is_near(clv_special_log_hyp2f1_positive(1000.5, 7, 7, 0.5), 1000.5 * log(2.0), 1e-9,
			"log 2F1(a, b; b; z) = -a log(1-z) far beyond a double");
	is_near(clv_special_log_hyp2f1_positive(0.24, 3.4, 2.2, 0.9),
			log(naive_hyp2f1(0.24, 3.4, 2.2, 0.9)), 1e-12, "log 2F1 of positive terms");
	ok(isnan(clv_special_hyp2f1_tail_times_c(-40.3, -0.3, 1.2, 0.9)),
	   "2F1 whose terms cancel to nothing is NaN, not a wrong number");
}

/*
 * P(alive) of Pareto/NBD by direct quadrature of the integral over the
 * death time (Simpson, in logs, over u = log(min(alpha, beta) + tau) so that
 * sharp peaks near t_x are resolved), as an independent check of the 2F1
 * route.
 */
static double
pnbd_p_alive_quadrature(const double *param, double x, double t_x, double t)
{
	double		r = param[0],
				alpha = param[1],
				s = param[2],
				beta = param[3];
	double		low = fmin(alpha, beta);
	int			steps = 400000,
				k;
	double		u0 = log(low + t_x),
				h = (log(low + t) - u0) / steps,
				peak = -(r + x) * log(alpha + t_x) - (s + 1) * log(beta + t_x) + u0,
				sum = 0.0,
				log_alive = -(r + x) * log(alpha + t) - s * log(beta + t);

	for (k = 0; k <= steps; k++)
	{
		double		u = u0 + k * h;
		double		tau = exp(u) - low;
		double		f = exp(-(r + x) * log(alpha + tau) - (s + 1) * log(beta + tau) + u - peak);

		sum += f * (k == 0 || k == steps ? 1 : (k % 2 ? 4 : 2));
	}
	sum *= h / 3;
	return 1.0 / (1.0 + exp(log(s) + log(sum) + peak - log_alive));
}

static void test_pnbd_p_alive_huge(void);

/*
 * The Pareto/NBD log-likelihood and its derivative in log s at s and beta
 * in the hundreds of thousands and the billions, over 24 customers,
 * against mpmath (40 digits, each customer's F from mpmath's hyp2f1, the
 * derivative by mpmath's differentiation): where F came from the 2F1
 * alone its derivative was off by 2.3e-5 (relative 3e-6), now taken from
 * the next tau of the same x by quadrature.
 */
static void
test_pnbd_large_s(void)
{
	ClvTxRow	rows[] = {
		{32, 32.766130635997989, 92.548761265974306, 3},
		{29, 73.618384989829337, 145.95422681365591, 1},
		{25, 32.560548852681492, 117.79184372726041, 2},
		{0, 0, 59.856588619206455, 3},
		{5, 91.022500100295105, 101.13611122255011, 2},
		{3, 91.831764388560003, 131.18823484079999, 1},
		{11, 54.030065002849753, 108.06013000569952, 1},
		{43, 41.706603788897361, 63.032838448998504, 2},
		{1, 28.870664512607998, 63.428860378730938, 1},
		{0, 0, 72.132587336165585, 1},
		{15, 45.314601479206033, 62.411199897427352, 3},
		{3, 38.103655503901621, 128.2307619378827, 2},
		{0, 0, 149.26182959320104, 3},
		{0, 133.6380148037162, 167.04751850464524, 1},
		{40, 66.762638426106008, 154.45291134944711, 2},
		{1, 25.402016028784875, 157.02088056355774, 2},
		{0, 0, 140.17408286773988, 3},
		{0, 0, 85.165627335595175, 2},
		{0, 0, 110.86470693335592, 3},
		{9, 16.685595846945397, 166.85595846945395, 3},
		{0, 24.267507709002381, 121.33753854501191, 2},
		{2, 113.03069954427939, 121.69725345034102, 1},
		{3, 3.1941326780227262, 88.741134550254557, 1},
		{36, 0, 114.87619519161257, 3}
	};
	double		param[4] = {0.0034301368592081303, 358.23073144531605, 765179.60478355456, 1095964316.0793173};
	double		grad[4];
	static char workspace[16384];

	ok(clv_pnbd_workspace_size(24) <= sizeof(workspace), "workspace for 24 rows");
	is_near(clv_pnbd_ll(param, rows, 24, workspace, grad), -2310.4513074486715117, 5e-11,
			"Pareto/NBD log-likelihood at s = 7.7e5, beta = 1.1e9 = mpmath's");
	is_near(grad[2], 7.99185215734454, 1e-10,
			"its derivative in log s = mpmath's");
}

/*
 * log 2F1(1, b; c; z) with b near 1e8 and c - b = 1.27, at w b from 0.5 to
 * 3: between where the 1 - z transformation was used (w (b + 1) < 0.5)
 * and the continued fraction's fast region (w (b + 2) well above 1 - m),
 * where the series needs billions of terms.  Before stop 19 the first
 * two were NaN and the others off by 1e-9 (the fraction sees z, whose
 * rounding moves w by 1e-8 relative); the values and z-derivatives are
 * mpmath's (40 digits) at the same doubles.  The second is the 2F1 of
 * the fuzzer's Pareto/NBD fit at r = 9.7e7 whose log-likelihood was NaN
 * in days and finite in units of the longest age.
 */
static void
test_hyp2f1_huge_b(void)
{
	static const double cases[4][3] = {
		{5.1763186084633656e-09, 18.140432008010698353, 97960601.991591384101},
		{1.754393242543009e-08, 17.407966060947236482, 39520829.76207314231},
		{3.105791165078019e-08, 16.988384781910394802, 24932029.335673092159},
		{2.5881593042316825e-08, 17.127321144166495626, 28960741.592303057238}
	};
	double		b = 96593745.057055,
				c = 96593746.3283583;

	for (int i = 0; i < 4; i++)
	{
		double		w = cases[i][0],
					grad[3];

		is_near(clv_special_log_hyp2f1_one(b, c, 1 - w, w, CLV_HYP2F1_MAX_TERMS, grad),
				cases[i][1], 5e-11 * cases[i][1],
				"log 2F1(1, b; b + 1.27; 1 - w) at b = 9.7e7, w b from 0.5 to 3 = mpmath's");
		is_near(grad[2], cases[i][2], 1e-9 * cases[i][2],
				"its z-derivative = mpmath's");
	}
	{
		/* that fit's customer x = 1, t_x = 0, t = 0.001, in days and in units of 0.00113 days */
		double		param[4] = {96593744.057054996, 52.399664658385248, 0.27130329097042205,
		9.1929617588190807e-07};
		double		scale = 0.0011339176655728183;
		double		scaled[4] = {param[0], param[1] / scale, param[2], param[3] / scale};
		ClvTxRow	row = {1, 0, 0.0010000000000000002, 1},
					scaled_row = {1, 0, 0.0010000000000000002 / scale, 1};
		static char workspace[1024];

		ok(clv_pnbd_workspace_size(1) <= sizeof(workspace), "workspace for one row");
		is_near(clv_pnbd_ll(param, &row, 1, workspace, NULL),
				clv_pnbd_ll(scaled, &scaled_row, 1, workspace, NULL) - log(scale), 1e-9,
				"Pareto/NBD log-likelihood at r = 9.7e7: in days = in units of 0.00113 days");
	}
}

/*
 * A Pareto/NBD customer whose last purchase t_x is one rounding below the
 * age t (a fuzzer's fit): F(t_x) - F(t) is left to rounding, and its
 * gradient, divided by that difference, was NaN where the two values of F
 * met.  Taken by quadrature, the gradient in days equals the one in units
 * of the longest age.
 */
static void
test_pnbd_t_x_rounding_t(void)
{
	double		param[4] = {0.12928859184353828, 0.0011312239884837521, 0.15892133013981349,
	6.0807323894920797};
	double		scale = 9392.0986580138888;
	double		scaled[4] = {param[0], param[1] / scale, param[2], param[3] / scale};
	ClvTxRow	row = {1, 0.0014590326260075224, 0.0014590326260075226, 1},
				scaled_row = {1, 0.0014590326260075224 / scale, 0.0014590326260075226 / scale, 1};
	double		grad[4],
				scaled_grad[4];
	static char workspace[1024];
	bool		same = true;

	ok(clv_pnbd_workspace_size(1) <= sizeof(workspace), "workspace for one row");
	clv_pnbd_ll(param, &row, 1, workspace, grad);
	clv_pnbd_ll(scaled, &scaled_row, 1, workspace, scaled_grad);
	for (int k = 0; k < 4; k++)
		same = same && fabs(grad[k] - scaled_grad[k]) <= 1e-9 * (1 + fabs(scaled_grad[k]));
	ok(same, "Pareto/NBD gradient with t_x one rounding below t: in days = in units of the longest age");
}

/*
 * The Pareto/NBD log-likelihood with r in the hundreds of millions (where
 * a fit of a one-day window runs), against mpmath: lgamma(r + x) -
 * lgamma(r) of the definition evaluated in 40 digits and the dying term
 * integrated by quadrature.  Formed as the difference of two lgamma values
 * near 9e9, it was off by 5e-6, enough rounding noise to stall the fit's
 * line search.  And digamma(x + k) - digamma(x), which its gradient takes,
 * against mpmath.
 */
static void
test_pnbd_huge_r(void)
{
	ClvTxRow	rows[] = {{0, 0, 1, 1}, {1, 0.25, 1, 1}, {3, 0.75, 1, 1}, {4, 0.5, 1, 1}};
	double		param[4] = {4.7e8, 1.5e8, 669.0, 690.0};
	static char workspace[4096];

	ok(clv_pnbd_workspace_size(4) <= sizeof(workspace), "workspace for four rows");
	is_near(clv_pnbd_ll(param, rows, 4, workspace, NULL), -1.4805105949217577039, 1e-8,
			"Pareto/NBD log-likelihood at r = 4.7e8 = mpmath's quadrature");
	is_near(clv_special_digamma_ratio(4.7e8, 3), 6.3829787098234495728e-9, 1e-22,
			"digamma(4.7e8 + 3) - digamma(4.7e8) = mpmath's");
	is_near(clv_special_digamma_ratio(60, 3), 0.049189141547682002468, 1e-16,
			"digamma(63) - digamma(60) = mpmath's");
	is_near(clv_special_digamma_ratio(12.5, 3), 0.22303959131545338442, 1e-14,
			"digamma(15.5) - digamma(12.5) = mpmath's");
}

/* Checks Pareto/NBD P(alive) against quadrature on both alpha/beta sides. */
static void
test_pnbd_likelihood_paths(void)
{
	double		params[4][4] = {{0.55, 10.6, 0.61, 11.7}, {0.55, 30.0, 0.61, 0.3},
	{0.55, 1000, 0.61, 0.001}, {0.55, 0.001, 0.61, 1000}};
	double		customers[4][3] = {{0, 0, 38.9}, {2, 30.4, 38.9}, {25, 10, 39}, {3000, 38.5, 39}};
	int			i,
				j;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
		{
			double		want = pnbd_p_alive_quadrature(params[i], customers[j][0],
													   customers[j][1], customers[j][2]);

			is_near(clv_pnbd_p_alive(params[i], customers[j][0], customers[j][1],
									 customers[j][2]), want, 1e-8 * want,
					params[i][1] < params[i][3] ? "Pareto/NBD P(alive) = quadrature, alpha < beta"
					: "Pareto/NBD P(alive) = quadrature, alpha >= beta");
		}
	test_pnbd_p_alive_huge();
}

/*
 * Pareto/NBD P(alive) with parameters in the billions, where the alive and
 * dying weights are near exp(-1e13): against the closed form for
 * alpha = beta, 1 / (1 + s / (r + s + x) (((alpha+t)/(alpha+t_x))^(r+s+x) - 1)),
 * and continuous in alpha across alpha = beta.
 */
static void
test_pnbd_p_alive_huge(void)
{
	double		param[4] = {1.5e11, 1.6e11, 1.7e11, 1.6e11};
	double		customers[3][3] = {{0, 0, 0.001}, {4, 0.5, 0.5001}, {2, 0, 1e-4}};
	int			j;

	for (j = 0; j < 3; j++)
	{
		double		x = customers[j][0],
					t_x = customers[j][1],
					t = customers[j][2];
		double		big_a = param[0] + param[2] + x;
		double		want = 1.0 / (1.0 + param[2] / big_a *
								  expm1(big_a * log1p((t - t_x) / (param[1] + t_x))));
		double		below[4] = {param[0], param[1] * (1 - 1e-12), param[2], param[3]};
		double		above[4] = {param[0], param[1] * (1 + 1e-12), param[2], param[3]};

		is_near(clv_pnbd_p_alive(param, x, t_x, t), want, 1e-9 * want,
				"Pareto/NBD P(alive), parameters near 1e11, alpha = beta: closed form");
		is_near(clv_pnbd_p_alive(below, x, t_x, t), want, 1e-6 * want,
				"the same just below alpha = beta");
		is_near(clv_pnbd_p_alive(above, x, t_x, t), want, 1e-6 * want,
				"the same just above alpha = beta");
	}
}

/* The Pareto/NBD likelihood of a ClvTxData, for gradient_error. */
static double
pnbd_data_ll(const double *param, double *grad_log, void *arg)
{
	const ClvTxData *data = (const ClvTxData *) arg;

	return clv_pnbd_ll(param, data->rows, data->nrows, data->workspace, grad_log);
}

/*
 * The Pareto/NBD likelihood's batched paths, on rows that take each: many
 * t_x of a few x (F from the next pair by quadrature), x in the hundreds
 * with long silences (F(t) negligible against F(t_x), not evaluated), t_x
 * one rounding below t (the dying term by quadrature), t_x = t.  At
 * parameters on both sides of alpha = beta: the log-likelihood equals the
 * sum over rows of log Gamma(r + x) / Gamma(r) + the alive term -
 * log P(alive), P(alive) from both values of F by their 2F1; the gradient
 * equals central differences; and both agree between the vector and the
 * scalar paths of vecmath.
 */
static void
test_pnbd_batches(void)
{
	static ClvTxRow rows[400];
	static char batch_workspace[400 * 320];
	double		params[3][4] = {{0.55, 10.6, 0.61, 11.7}, {0.55, 30.0, 0.61, 0.3},
	{2.5, 0.3, 0.61, 30.0}};
	ClvTxData	data = {rows, 0, 0.0, batch_workspace};
	ClvLikelihood lik = {4, pnbd_data_ll, true, &data, NULL};
	size_t		n = 0;

	for (int g = 1; g <= 300; g++)
		rows[n++] = (ClvTxRow) {g % 7, g % 7 == 0 ? 0 : (g % 13) * 3.0, 39.0 + g / 100.0, 1};
	for (int g = 1; g <= 40; g++)
		rows[n++] = (ClvTxRow) {150 + 5 * g, g / 4.0, 10 + g / 4.0, 2};
	for (int g = 1; g <= 10; g++)
	{
		double		t = 5.0 * g + 0.1;

		rows[n++] = (ClvTxRow) {g, nextafter(t, 0), t, 1};
		rows[n++] = (ClvTxRow) {g, t, t, 1};
	}
	data.nrows = n;
	ok(clv_pnbd_workspace_size(n) <= sizeof(batch_workspace), "workspace for %zu rows", n);
	for (int i = 0; i < 3; i++)
	{
		double		r = params[i][0],
					alpha = params[i][1],
					s = params[i][2],
					beta = params[i][3];
		double		want = 0.0,
					scale = 0.0,
					got,
					scalar,
					grad[4],
					scalar_grad[4],
					worst = 0.0;

		for (size_t k = 0; k < n; k++)
		{
			double		x = rows[k].x,
						t = rows[k].t;
			double		one = lgamma(r + x) - lgamma(r) - r * log1p(t / alpha) -
				x * log(alpha + t) - s * log1p(t / beta) -
				log(clv_pnbd_p_alive(params[i], x, rows[k].t_x, t));

			want += rows[k].count * one;
			scale += rows[k].count * fabs(one);
		}
		got = clv_pnbd_ll(params[i], rows, n, batch_workspace, grad);
		is_near(got, want, 1e-11 * scale,
				"Pareto/NBD batched log-likelihood = sum over rows by P(alive)");
		ok(gradient_error(&lik, params[i]) < 1e-6,
		   "its gradient = finite differences (relative error %g)",
		   gradient_error(&lik, params[i]));
		clv_vec_force_scalar(true);
		scalar = clv_pnbd_ll(params[i], rows, n, batch_workspace, scalar_grad);
		clv_vec_force_scalar(false);
		for (int k = 0; k < 4; k++)
			worst = fmax(worst, fabs(grad[k] - scalar_grad[k]) / (1 + fabs(scalar_grad[k])));
		is_near(got, scalar, 1e-13 * scale, "the same on vecmath's scalar path");
		ok(worst < 1e-11, "its gradient too (%.2g)", worst);
	}
}

/*
 * BG/NBD E[X(t)] by its definition: a customer with rate lambda and dropout
 * probability p makes (1 - exp(-lambda p t)) / p purchases on average, so
 * E[X(t)] = integral over p of (1 - (alpha / (alpha + p t))^r) / p against
 * Beta(a, b).  Simpson on each half of [0, 1]; a shape below 1 is an
 * integrable singularity at its end, removed by substituting u = p^a (or
 * u = (1-p)^b).
 */
static double
bgnbd_ex_quadrature(const double *param, double t)
{
	double		r = param[0],
				alpha = param[1],
				a = param[2],
				b = param[3];
	int			steps = 200000,
				half,
				k;
	double		total = 0.0;

	for (half = 0; half < 2; half++)
	{
		double		shape = half == 0 ? a : b;
		bool		substitute = shape < 1;
		double		end = substitute ? pow(0.5, shape) : 0.5,
					h = end / steps,
					sum = 0.0;

		for (k = 0; k <= steps; k++)
		{
			double		u = k * h;
			double		dist = substitute ? pow(u, 1 / shape) : u;	/* to the end */
			double		p = half == 0 ? dist : 1 - dist;
			double		per_customer = p > 0 ? -expm1(-r * log1p(p * t / alpha)) / p : r * t / alpha;
			double		density = half == 0 ? pow(1 - p, b - 1) : pow(p, a - 1);

			density *= substitute ? 1 / shape : pow(dist, shape - 1);
			sum += per_customer * density * (k == 0 || k == steps ? 1 : (k % 2 ? 4 : 2));
		}
		total += sum * h / 3;
	}
	return total / exp(clv_special_lbeta(a, b));
}

/* BG/NBD expectations against their definition, including a + b <= 1. */
static void
test_bgnbd_expectation(void)
{
	double		params[6][4] = {{0.243, 4.414, 0.793, 2.426}, {0.5, 10, 0.3, 0.4},
	{0.5, 10, 0.4, 0.6}, {2.0, 3.0, 1.7, 5.0}, {12.0, 0.5, 0.7, 3.0},
	{0.001, 947.7, 0.9999, 1000}};
	int			i;

	for (i = 0; i < 6; i++)
	{
		double		want = bgnbd_ex_quadrature(params[i], 39);
		double		aged[4];

		is_near(clv_bgnbd_unconditional_purchases(params[i], 39), want, 1e-8 * want,
				"BG/NBD E[X(39)] = its defining integral");
		/* x = 0 at age 20: lambda's posterior is Gamma(r, alpha + 20) */
		memcpy(aged, params[i], sizeof(aged));
		aged[1] += 20;
		want = bgnbd_ex_quadrature(aged, 39);
		is_near(clv_bgnbd_expected_purchases(params[i], 39, 0, 0, 20), want, 1e-8 * want,
				"BG/NBD E[Y(39) | x = 0, t = 20] = its defining integral");
	}
}

/* The analytic gradients agree with central differences at random points. */
static void
test_gradients(void)
{
	ClvTxData	tx = {tx_rows, n_tx_rows, 0.0, NULL};
	ClvSpendData spend = {.rows = spend_rows, .nrows = n_spend_rows};
	ClvLikelihood bgnbd,
				gg;
	int			trial,
				i;

	clv_bg_family_likelihood(&tx, &bgnbd);
	clv_gg_likelihood(&spend, &gg);
	srand(12345);
	for (trial = 0; trial < 5; trial++)
	{
		double		param[4];

		for (i = 0; i < 4; i++)
			param[i] = exp(4.0 * rand() / RAND_MAX - 2.0);
		ok(gradient_error(&bgnbd, param) < 1e-5,
		   "BG/NBD gradient = finite differences (relative error %g)",
		   gradient_error(&bgnbd, param));
		ok(gradient_error(&gg, param) < 1e-5,
		   "Gamma-Gamma gradient = finite differences (relative error %g)",
		   gradient_error(&gg, param));
	}
}

/* Where the quadratic test objectives have their minimum. */
static const double optim_minimum[3] = {1.5, -2.0, 0.25};

/*
 * sum (theta_i - m_i)^2 (i + 1); *arg says whether the gradient it reports
 * points the wrong way, so that every BFGS line search fails.
 */
static double
quadratic(const double *theta, double *grad, void *arg)
{
	bool		wrong_gradient = *(bool *) arg;
	double		value = 0.0;

	for (int i = 0; i < 3; i++)
	{
		double		d = theta[i] - optim_minimum[i];

		value += d * d * (i + 1);
		if (grad)
			grad[i] = (wrong_gradient ? -2.0 : 2.0) * d * (i + 1);
	}
	return value;
}

/* BFGS, and Nelder-Mead where BFGS fails. */
static void
test_optimizer(void)
{
	double		theta0[3] = {0, 0, 0};
	bool		wrong_gradient = false;
	ClvOptimProblem problem = {3, quadratic, true, &wrong_gradient, NULL, NULL, 0.0, false, NULL};
	ClvOptimResult bfgs_result;
	ClvOptimResult fallback_result;
	double		error = 0.0;

	clv_optim_minimize(&problem, theta0, &bfgs_result);
	wrong_gradient = true;
	clv_optim_minimize(&problem, theta0, &fallback_result);
	for (int i = 0; i < 3; i++)
		error = fmax(error, fabs(fallback_result.theta[i] - optim_minimum[i]));
	ok(bfgs_result.converged && fabs(bfgs_result.theta[1] + 2.0) < 1e-6,
	   "BFGS finds the minimum of a quadratic (%d iterations)", bfgs_result.iterations);
	ok(fallback_result.converged && error < 1e-4,
	   "with a gradient pointing uphill BFGS fails and Nelder-Mead finds the minimum "
	   "(within %.2g, %d iterations)", error, fallback_result.iterations);
	ok(fallback_result.iterations > bfgs_result.iterations,
	   "the fallback took its own iterations");
}

/*
 * Rosenbrock's function (1 - theta_0)^2 + 100 (theta_1 - theta_0^2)^2,
 * its gradient and (when hess is not NULL) its Hessian: a curved valley
 * whose Hessian is indefinite where theta_1 > theta_0^2 + 1/200.
 */
static double
rosenbrock_hessian(const double *theta, double *grad,
				   double hess[][CLV_OPTIM_MAX_PARAMS], void *arg)
{
	double		u = theta[0],
				v = theta[1];

	(void) arg;
	if (grad)
	{
		grad[0] = -2.0 * (1.0 - u) - 400.0 * u * (v - u * u);
		grad[1] = 200.0 * (v - u * u);
	}
	if (hess)
	{
		hess[0][0] = 2.0 - 400.0 * (v - 3.0 * u * u);
		hess[0][1] = hess[1][0] = -400.0 * u;
		hess[1][1] = 200.0;
	}
	return (1.0 - u) * (1.0 - u) + 100.0 * (v - u * u) * (v - u * u);
}

/* Rosenbrock's function and its gradient, for the optimiser. */
static double
rosenbrock(const double *theta, double *grad, void *arg)
{
	return rosenbrock_hessian(theta, grad, NULL, arg);
}

/*
 * Newton's method: from (-1.2, 1), where Rosenbrock's Hessian is
 * indefinite, damped steps and then Newton's find the minimum (1, 1) in
 * fewer iterations than BFGS alone; and from the edge of the box (not
 * interior) it leaves the search to BFGS.
 */
static void
test_optimizer_newton(void)
{
	double		theta0[2] = {-1.2, 1.0};
	ClvOptimProblem newton = {2, rosenbrock, true, NULL, NULL, NULL, 0.0, false,
	rosenbrock_hessian};
	ClvOptimProblem bfgs_only = {2, rosenbrock, true, NULL, NULL, NULL, 0.0, false, NULL};
	ClvOptimResult with_hessian,
				without;

	clv_optim_minimize(&newton, theta0, &with_hessian);
	clv_optim_minimize(&bfgs_only, theta0, &without);
	ok(with_hessian.converged && fabs(with_hessian.theta[0] - 1.0) < 1e-6 &&
	   fabs(with_hessian.theta[1] - 1.0) < 1e-6,
	   "Newton's method finds Rosenbrock's minimum (%.9g, %.9g) from an indefinite start",
	   with_hessian.theta[0], with_hessian.theta[1]);
	ok(with_hessian.iterations < without.iterations,
	   "in fewer iterations than BFGS (%d against %d)", with_hessian.iterations,
	   without.iterations);
	theta0[0] = 40.0;			/* clamped to the edge of the box */
	clv_optim_minimize(&newton, theta0, &with_hessian);
	ok(with_hessian.converged && fabs(with_hessian.theta[0] - 1.0) < 1e-6,
	   "from the box's edge BFGS takes over and finds it (%.9g, %.9g)",
	   with_hessian.theta[0], with_hessian.theta[1]);
}

/*
 * 1e9 + (1e-3 theta_0^2 + theta_1^2) / 2: a large value with a flat
 * direction, as the likelihood of many purchases has.
 */
static double
flat_valley(const double *theta, double *grad, void *arg)
{
	(void) arg;
	if (grad)
	{
		grad[0] = 1e-3 * theta[0];
		grad[1] = theta[1];
	}
	return 1e9 + 0.5 * (1e-3 * theta[0] * theta[0] + theta[1] * theta[1]);
}

/*
 * From (20, 0) the gradient (0.02, 0) is below the stationarity test's
 * 1e-7 of the value, yet the minimum is 0.2 lower: BFGS goes on until its
 * model of the function predicts little left to gain.
 */
static void
test_optimizer_flat_valley(void)
{
	double		theta0[2] = {20, 0};
	ClvOptimProblem problem = {2, flat_valley, true, NULL, NULL, NULL, 0.0, false, NULL};
	ClvOptimResult result;

	clv_optim_minimize(&problem, theta0, &result);
	ok(result.converged && fabs(result.theta[0]) < 1 && result.value - 1e9 < 1e-3,
	   "BFGS does not stop in a flat valley of a large value (theta %.3g, %.3g above the "
	   "minimum, %d iterations)", result.theta[0], result.value - 1e9, result.iterations);
}

static int	interrupts;

/* Counts the optimiser's interrupt checks. */
static void
count_interrupt(void *arg)
{
	(void) arg;
	interrupts++;
}

/* A likelihood over count rows of a model's CDNOW rows from first. */
typedef double (*RowsLl) (const double *param, size_t first, size_t count,
						  double *grad);

/* The BG/NBD likelihood over CDNOW's transaction rows first.. */
static double
bgnbd_rows_ll(const double *param, size_t first, size_t count, double *grad)
{
	return clv_bgnbd_ll(param, &tx_rows[first], count, grad);
}

/* The Gamma-Gamma likelihood over CDNOW's spend rows first.. */
static double
gg_rows_ll(const double *param, size_t first, size_t count, double *grad)
{
	return clv_gg_ll(param, &spend_rows[first], count, grad);
}

/*
 * Checks that ll_of over all nrows rows, and its gradient, equal the sums
 * of its one-row values.
 */
static void
check_rowwise(RowsLl ll_of, const double *param, size_t nrows, int nparam,
			  const char *name)
{
	double		grad[4],
				one_grad[4],
				grad_sum[4] = {0, 0, 0, 0};
	double		sum = 0.0,
				ll;
	double		worst = 0.0;
	size_t		i;
	int			j;

	for (i = 0; i < nrows; i++)
	{
		sum += ll_of(param, i, 1, one_grad);
		for (j = 0; j < nparam; j++)
			grad_sum[j] += one_grad[j];
	}
	ll = ll_of(param, 0, nrows, grad);
	for (j = 0; j < nparam; j++)
		worst = fmax(worst, fabs(grad[j] - grad_sum[j]) / (1.0 + fabs(grad_sum[j])));
	is_near(ll, sum, 1e-9 * fabs(sum), name);
	ok(worst < 1e-9, "%s: the gradient too (%.2g)", name, worst);
}

/*
 * The BG/NBD and Gamma-Gamma likelihoods and gradients at param (BG/NBD)
 * and gg over all CDNOW rows equal the sums of one-row evaluations, which
 * share no term computed for an earlier row: over the sorted rows, whose
 * runs of equal x and t_x reuse those terms, and over the spend rows in
 * customer order, where x changes all the time.
 */
static void
test_cdnow_rowwise(const double *param, const double *gg)
{
	check_rowwise(bgnbd_rows_ll, param, n_tx_rows, 4,
				  "BG/NBD likelihood over sorted rows = sum of one-row values");
	check_rowwise(gg_rows_ll, gg, n_spend_rows, 3,
				  "Gamma-Gamma likelihood = sum of one-row values");
}

/* The published CDNOW fits. */
static void
test_cdnow(void)
{
	long		sum_x;
	int			zeros;
	int			customers = load_cdnow(&sum_x, &zeros);
	ClvModelFit fit;
	double		published_bgnbd[4] = {0.243, 4.414, 0.793, 2.426};
	double		published_pnbd[4] = {0.553, 10.578, 0.606, 11.669};
	double		published_gg[3] = {6.25, 3.74, 15.44};
	int			i;

	if (customers < 0)
	{
		ok(0, "CDNOW sample not found (run from the repository root)");
		return;
	}
	ok(customers == 2357, "CDNOW customers %d = 2357", customers);
	ok(sum_x == 2457, "CDNOW sum of x %ld = 2457", sum_x);
	ok(zeros == 1411, "CDNOW customers without repeats %d = 1411", zeros);
	ok(n_spend_rows == 946, "CDNOW repeat customers %zu = 946", n_spend_rows);

	interrupts = 0;
	clv_bgnbd_fit(tx_rows, n_tx_rows, count_interrupt, NULL, &fit);
	ok(fit.converged, "BG/NBD converged in %d iterations", fit.iterations);
	ok(interrupts > fit.iterations,
	   "interrupt callback called at every iteration and evaluation (%d)", interrupts);
	for (i = 0; i < 4; i++)
		is_within(fit.param[i], published_bgnbd[i], 0.005, "BG/NBD parameter");
	is_near(fit.ll, -9582.4, 0.1, "BG/NBD log-likelihood");
	is_near(clv_bgnbd_expected_purchases(fit.param, 39, 2, 30.43, 38.86), 1.226, 0.001,
			"BG/NBD E[purchases in 39 weeks | 2, 30.43, 38.86]");
	is_near(clv_bgnbd_expected_purchases(fit.param, 39, 0, 0, 0),
			clv_bgnbd_unconditional_purchases(fit.param, 39), 1e-12,
			"BG/NBD unconditional = conditional at age 0");
	{
		/* E[X(t)] by its defining series over the model's process */
		double		r = fit.param[0],
					alpha = fit.param[1],
					a = fit.param[2],
					b = fit.param[3],
					t = 39;
		double		z = t / (alpha + t);
		double		want = (a + b - 1) / (a - 1) *
			(1 - pow(alpha / (alpha + t), r) * naive_hyp2f1(r, b, a + b - 1, z));

		is_near(clv_bgnbd_unconditional_purchases(fit.param, t), want, 1e-10,
				"BG/NBD E[X(39)] = the untransformed formula");
	}

	clv_pnbd_fit(tx_rows, n_tx_rows, workspace, NULL, NULL, &fit);
	ok(fit.converged, "Pareto/NBD converged in %d iterations", fit.iterations);
	ok(clv_pnbd_workspace_size(MAX_CUSTOMERS) <= sizeof(workspace),
	   "Pareto/NBD workspace fits in the test's buffer");
	{
		/* the indexed likelihood = the sum of per-customer likelihoods */
		double		sum = 0.0;
		size_t		i;

		for (i = 0; i < n_tx_rows; i++)
		{
			ClvTxRow	one = tx_rows[i];

			one.count = 1;
			sum += tx_rows[i].count * clv_pnbd_ll(fit.param, &one, 1, workspace, NULL);
		}
		is_near(clv_pnbd_ll(fit.param, tx_rows, n_tx_rows, workspace, NULL), sum, 1e-7,
				"Pareto/NBD likelihood over distinct pairs = sum over rows");
	}
	{
		/* indexed once, then evaluated anywhere: clv_pnbd_ll to the bit */
		const double away[4] = {0.3, 7.0, 2.5, 40.0};
		double		want[2],
					want_grad[2][4],
					got[2],
					got_grad[2][4];
		int			p;
		bool		same = true;

		want[0] = clv_pnbd_ll(fit.param, tx_rows, n_tx_rows, workspace, want_grad[0]);
		want[1] = clv_pnbd_ll(away, tx_rows, n_tx_rows, workspace, want_grad[1]);
		clv_pnbd_index(tx_rows, n_tx_rows, workspace);
		got[0] = clv_pnbd_indexed_ll(fit.param, tx_rows, n_tx_rows, workspace, got_grad[0]);
		got[1] = clv_pnbd_indexed_ll(away, tx_rows, n_tx_rows, workspace, got_grad[1]);
		for (p = 0; p < 2; p++)
			same = same && got[p] == want[p] &&
				clv_pnbd_indexed_ll(p ? away : fit.param, tx_rows, n_tx_rows,
									workspace, NULL) == want[p] &&
				memcmp(got_grad[p], want_grad[p], sizeof(want_grad[p])) == 0;
		ok(same, "Pareto/NBD indexed likelihood and gradient = clv_pnbd_ll's");
	}
	for (i = 0; i < 4; i++)
		is_within(fit.param[i], published_pnbd[i], 0.005, "Pareto/NBD parameter");
	is_near(fit.ll, -9595.0, 0.1, "Pareto/NBD log-likelihood");
	{
		double		r = fit.param[0],
					alpha = fit.param[1],
					s = fit.param[2],
					beta = fit.param[3],
					t = 39;

		is_near(clv_pnbd_unconditional_purchases(fit.param, t),
				r * beta / (alpha * (s - 1)) * (1 - pow(beta / (beta + t), s - 1)), 1e-12,
				"Pareto/NBD E[X(39)] = r beta / (alpha (s-1)) (1 - (beta/(beta+t))^(s-1))");
	}

	clv_gg_fit(spend_rows, n_spend_rows, NULL, NULL, &fit);
	ok(fit.converged, "Gamma-Gamma converged in %d iterations", fit.iterations);
	for (i = 0; i < 3; i++)
		is_within(fit.param[i], published_gg[i], 0.005, "Gamma-Gamma parameter");
	is_near(clv_gg_expected_spend(fit.param, 0, 0),
			fit.param[0] * fit.param[2] / (fit.param[1] - 1), 1e-12,
			"Gamma-Gamma population mean spend p gamma / (q - 1)");
	{
		/* p x beyond DBL_MAX: the spend is all but m */
		double		huge_p[3] = {1e306, 2.0, 1e-6};

		is_near(clv_gg_expected_spend(huge_p, 500, 10), (1e-6 + 10 * 500) / (500 + 1e-306),
				1e-12, "Gamma-Gamma spend when p x overflows: m");
	}	test_cdnow_rowwise(published_bgnbd, fit.param);
}

/* Customers with thousands of purchases give finite predictions. */
static void
test_extremes(void)
{
	double		bgnbd[4] = {0.243, 4.414, 0.793, 2.426};
	double		pnbd[4] = {0.553, 10.578, 0.606, 11.669};
	double		x;

	for (x = 1000; x <= 100000; x *= 10)
	{
		double		alive_bg = clv_bgnbd_p_alive(bgnbd, x, 38.86, 38.86);
		double		alive_p = clv_pnbd_p_alive(pnbd, x, 38.86, 38.86);
		double		e_bg = clv_bgnbd_expected_purchases(bgnbd, 39, x, 38.86, 38.86);
		double		e_p = clv_pnbd_expected_purchases(pnbd, 39, x, 38.86, 38.86);

		ok(alive_bg > 0.99 && alive_bg <= 1, "BG/NBD P(alive) %g finite at x = %g, t_x = t", alive_bg, x);
		ok(alive_p == 1, "Pareto/NBD P(alive) %g = 1 at x = %g, t_x = t", alive_p, x);
		ok(isfinite(e_bg) && e_bg > x / 2, "BG/NBD expectation %g finite at x = %g", e_bg, x);
		ok(isfinite(e_p) && e_p > x / 2, "Pareto/NBD expectation %g finite at x = %g", e_p, x);
		alive_p = clv_pnbd_p_alive(pnbd, x, 30, 38.86);
		ok(isfinite(alive_p) && alive_p >= 0 && alive_p < 1e-6,
		   "Pareto/NBD P(alive) %g tiny after a long silence at x = %g", alive_p, x);
	}
}

/* Without any repeat purchase the models are unidentified. */
static void
test_no_repeats(void)
{
	ClvTxRow	rows[3] = {{0, 0, 10, 5}, {0, 0, 20, 7}, {0, 0, 30, 2}};
	ClvModelFit fit;
	int			i;
	bool		finite = true;

	clv_bgnbd_fit(rows, 3, NULL, NULL, &fit);
	for (i = 0; i < 4; i++)
		finite = finite && isfinite(fit.param[i]) && fit.param[i] > 0;
	ok(!fit.converged && finite && isfinite(fit.ll),
	   "BG/NBD without repeats: not converged, finite parameters");
	clv_pnbd_fit(rows, 3, workspace, NULL, NULL, &fit);
	for (i = 0; i < 4; i++)
		finite = finite && isfinite(fit.param[i]) && fit.param[i] > 0;
	ok(!fit.converged && finite && isfinite(fit.ll),
	   "Pareto/NBD without repeats: not converged, finite parameters");
}

/*
 * log 2F1(1, b; c; z) where c - 1 - b is close to a pole of the 1 - z
 * transformation, against closed forms: 2F1(1, b; 1; z) = w^-b (m = -b,
 * the pole at 0) and 2F1(1, b; 2; z) = (1 - w^(1 - b)) / ((1 - b) z) (the
 * pole at 1), with w = 1 - z down to 1e-300.  The interpolation across the
 * pole at 0 was off by up to 2e-3 relative (9e-5 absolute) at w of 1e-300
 * for a fixed gap, and the series stopped after one term where its ratios
 * start tiny and grow (b of 1e-7 at w of 0.1: 5e-10 off).  The third w is
 * that of CI's random fuzzing seed 396908340.
 */
static void
test_hyp2f1_near_poles(void)
{
	static const double bs[] = {1e-12, 1e-9, 9.26905e-8, 5.61e-6, 1e-4, 9e-4, 0.01, 0.3};
	static const double ws[] = {0.5, 0.0973742, 1.4736818793042909e-150, 1e-3, 1e-33, 1e-293, 1e-300};
	double		worst_value = 0.0,
				worst_b = 0.0,
				worst_z = 0.0,
				worst_pole_1 = 0.0;

	for (int i = 0; i < (int) (sizeof(bs) / sizeof(bs[0])); i++)
		for (int j = 0; j < (int) (sizeof(ws) / sizeof(ws[0])); j++)
		{
			double		b = bs[i],
						w = ws[j];
			double		grad[3];
			double		got = clv_special_log_hyp2f1_one(b, 1.0, 1.0 - w, w,
														 CLV_HYP2F1_MAX_TERMS, grad);
			double		got_1 = clv_special_log_hyp2f1_one(b, 2.0, 1.0 - w, w,
														   CLV_HYP2F1_MAX_TERMS, NULL);
			double		want_1 = log(-expm1((1.0 - b) * log(w)) / ((1.0 - b) * (1.0 - w)));

			worst_value = fmax(worst_value, fabs(got + b * log(w)) / (1.0 + fabs(b * log(w))));
			worst_b = fmax(worst_b, fabs(grad[0] + log(w)) / fabs(log(w)));
			worst_z = fmax(worst_z, fabs(grad[2] - b / w) / (b / w));
			worst_pole_1 = fmax(worst_pole_1, fabs(got_1 - want_1) / (1.0 + fabs(want_1)));
		}
	ok(worst_value <= 1e-13,
	   "log 2F1(1, b; 1; z) = -b log(1 - z) near the pole at 0: worst %.3g relative to 1 + |value|",
	   worst_value);
	/* interpolated linearly across the pole: 0.25 off at w of 1e-300 for a fixed gap */
	ok(worst_b <= 3e-5 && worst_z <= 3e-4,
	   "its derivatives in b and z: worst %.3g and %.3g relative", worst_b, worst_z);
	ok(worst_pole_1 <= 1e-13,
	   "log 2F1(1, b; 2; z) near the pole at 1: worst %.3g relative to 1 + |value|",
	   worst_pole_1);
	ok(log_hyp2f1_a1(2.1189198189017384e-307, 0.99999438971281052,
					 1.0 - 1.4736818793042909e-150, 1.4736818793042909e-150) >= -1e-12,
	   "log 2F1(a, b; a + 1; z) of a near 0 is not negative (CI fuzzing seed 396908340)");
}

/*
 * Gamma-Gamma's log-likelihood on the ridge p -> infinity, gamma -> 0 of a
 * degenerate fit (three customers of models_inference), against its
 * formula in long double: p x log m, p x log x and p x log(gamma + m x)
 * cancel, and so do lgamma(p x + q) and lgamma(p x); summed as written
 * they were 1.6e-7 off at p = 2.4e8 (the fit wandered along the ridge).
 */
static void
test_gg_ridge(void)
{
	static const ClvSpendRow rows[3] = {{1, 10, 1}, {2, 20, 1}, {3, 5, 1}};
	static const double params[2][3] = {
		{2.369e8, 3.4011942648311857, 1.230583151436156e-07},
		{6.05e6, 3.4, 4.8e-6}
	};

	for (int k = 0; k < 2; k++)
	{
		long double p = params[k][0],
					q = params[k][1],
					gamma = params[k][2],
					want = 0;

		for (int i = 0; i < 3; i++)
		{
			long double x = rows[i].x,
						m = rows[i].m;

			want += lgammal(p * x + q) - lgammal(p * x) - lgammal(q) + q * logl(gamma) +
				(p * x - 1) * logl(m) + p * x * logl(x) - (p * x + q) * logl(gamma + m * x);
		}
		is_near(clv_gg_ll(params[k], rows, 3, NULL), (double) want, 1e-8,
				"Gamma-Gamma log-likelihood on the ridge of a degenerate fit");
	}
}

/*
 * BG/NBD as a parameter runs off to a limit (a to 1e13, b to 1e-13, as
 * fits of tiny ages do): the x-only terms are ratios of Gamma functions
 * of numbers in the trillions, whose lgamma values differ in their
 * thousandths.  For x = 1 the likelihood is r alpha^r (b (alpha + t)^-(r+1)
 * + a (alpha + t_x)^-(r+1)) / (a + b); the model's equals it, and a fit
 * of such customers (found by fuzz_model_fits: 1,093 iterations of noise
 * before) stops on the limit.
 */
static void
test_bgnbd_huge_a(void)
{
	static const double params[2][4] = {
		{1.6, 0.3, 1e13, 1e-13},
		{0.243, 4.414, 0.793, 2.426}
	};
	static const ClvTxRow one[2] = {{1, 0, 0.001, 1}, {1, 0.0005, 0.001, 1}};
	static const ClvTxRow tiny[5] = {
		{0, 0, 0.0010000000000000002, 769}, {1, 0, 0.0010079013360775374, 1},
		{1, 0, 0.0010000000000000002, 1}, {1, 0, 0.0010000000000000002, 1},
		{1, 0, 0.0010000000000000002, 1}
	};
	ClvModelFit fit;

	for (int k = 0; k < 2; k++)
		for (int i = 0; i < 2; i++)
		{
			long double r = params[k][0],
						alpha = params[k][1],
						a = params[k][2],
						b = params[k][3],
						t_x = one[i].t_x,
						t = one[i].t;
			long double want = logl(r) + r * logl(alpha) - logl(a + b) +
				logl(b * powl(alpha + t, -(r + 1)) + a * powl(alpha + t_x, -(r + 1)));

			is_near(clv_bgnbd_ll(params[k], &one[i], 1, NULL), (double) want,
					1e-12 * fabsl(want), "BG/NBD likelihood of x = 1 in closed form");
		}
	clv_bgnbd_fit(tiny, 5, NULL, NULL, &fit);
	ok(!fit.converged && fit.iterations < 200,
	   "BG/NBD fit of ages of 0.001 stops on the limit (%d iterations, a = %.3g)",
	   fit.iterations, fit.param[2]);
}

/* The number of elements of an array. */
#define NELEMS(array) (sizeof(array) / sizeof((array)[0]))

/* Whether a and b are the same double, to the bit. */
static bool
same_double(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/*
 * The expectations given alive at many horizons with the series' parts
 * shared = one horizon at a time, to the bit (BG/NBD, MBG/NBD, Pareto/NBD),
 * over parameters that take every path: Pfaff's series (zeta < 1/2, and
 * beyond with b in the thousands), the Euler-transformed 2F1 (zeta >= 1/2;
 * near z = 1 past the parts kept), a near 1 (the integral), tiny and huge
 * parameters; the horizons rise by months, then jump about.  So do the
 * 2F1 tails with one shared kept across series, and the discounted
 * purchases against their sum month by month.
 */
static void
test_shared_horizons(void)
{
	static const double params[][4] = {
		{0.7748801297916915, 5.866095309533708, 0.8009812276427201, 2.3420522885391564},
		{0.243, 4.414, 0.793, 2.426}, {0.2, 3, 2.5, 10}, {1.5, 100, 1.005, 4},
		{0.001, 0.5, 0.3, 1e5}, {40, 2000, 7, 0.02}, {0.5, 1, 0.99, 0.5},
		{3, 0.5, 150, 300}, {0.8, 10, 1e-3, 1e-3}, {1e-8, 0.2, 3, 2e4},
		{5e3, 1e6, 0.6, 1e9}, {2, 0.1, 1.7, 0.2}
	};
	static const double xs[] = {0, 3, 400};
	static const double ts[] = {0, 30};
	static const double month_lengths[] = {30, 720};
	static const double jumps[] = {365, 10, 2.5e3, 365, 0};
	static const double tails[][3] = {
		{-0.2, 0.7, 3.1}, {2.5, 3, 3}, {2.5, 3.5, 3}, {2.7, 3.5, 3}, {2.7, 3.5, 3.2},
		{0.24, 3.4, 2.2}, {-0.6, -0.2, 1.5}, {40, 0.3, 0.1}
	};
	static const double zs[] = {0.1, 0.5, 0.95, 0.999, 0.9999, 0.9, 0.3, 0.95};
	int			differ = 0,
				cases = 0;
	ClvHyp2f1TailShared shared;

	for (size_t p = 0; p < NELEMS(params); p++)
		for (size_t i = 0; i < NELEMS(xs); i++)
			for (size_t j = 0; j < NELEMS(ts); j++)
				for (size_t k = 0; k < NELEMS(month_lengths); k++)
				{
					double		horizons[12 + NELEMS(jumps)];
					double		got[3][NELEMS(horizons)];
					int			n = 0;

					for (int m = 1; m <= 12; m++)
						horizons[n++] = m * month_lengths[k];
					for (size_t m = 0; m < NELEMS(jumps); m++)
						horizons[n++] = jumps[m];
					clv_bgnbd_purchases_if_alive_horizons(params[p], horizons, n, xs[i],
														  ts[j], got[0]);
					clv_mbgnbd_purchases_if_alive_horizons(params[p], horizons, n, xs[i],
														   ts[j], got[1]);
					clv_pnbd_purchases_if_alive_horizons(params[p], horizons, n, xs[i],
														 ts[j], got[2]);
					for (int m = 0; m < n; m++)
					{
						differ += !same_double(got[0][m], clv_bgnbd_purchases_if_alive(params[p],
																					   horizons[m], xs[i], ts[j]));
						differ += !same_double(got[1][m], clv_mbgnbd_purchases_if_alive(params[p],
																						horizons[m], xs[i], ts[j]));
						differ += !same_double(got[2][m], clv_pnbd_purchases_if_alive(params[p],
																					  horizons[m], xs[i], ts[j]));
						cases += 3;
					}
				}
	ok(differ == 0, "expectations at %d horizons with shared series parts = one at a time, to the bit (%d differ)",
	   cases, differ);

	differ = 0;
	clv_special_hyp2f1_tail_shared_reset(&shared);
	for (size_t i = 0; i < NELEMS(tails); i++)
		for (size_t j = 0; j < NELEMS(zs); j++)
		{
			double		a = tails[i][0],
						b = tails[i][1],
						c = tails[i][2];

			differ += !same_double(clv_special_hyp2f1_tail_times_c_shared(a, b, c, zs[j], &shared),
								   clv_special_hyp2f1_tail_times_c(a, b, c, zs[j]));
		}
	ok(differ == 0, "c (2F1 - 1) with shared ratio parts = without, to the bit");

	differ = 0;
	for (size_t p = 0; p < NELEMS(params); p++)
		for (size_t i = 0; i < NELEMS(xs); i++)
			for (int months = 0; months <= 37; months += 1 + months / 4)
			{
				double		month = 30.0 / (p % 2 ? 7 : 1),
							t = ts[p % NELEMS(ts)],
							discount = 0.01 * p;
				double		want = 0.0,
							before = 0.0;

				for (int m = 1; m <= months; m++)
				{
					double		upto = clv_bgnbd_purchases_if_alive(params[p], m * month, xs[i], t);

					want += (upto - before) / pow(1.0 + discount, m);
					before = upto;
				}
				differ += !same_double(clv_discounted_purchases(clv_bgnbd_purchases_if_alive_horizons,
																params[p], xs[i], t, months, month,
																discount, NULL, NULL),
									   want);
			}
	ok(differ == 0, "discounted purchases a year of horizons at a time = month by month, to the bit");
}

int
main(void)
{
	test_hyp2f1();
	test_hyp2f1_near_poles();
	test_optimizer();
	test_optimizer_newton();
	test_optimizer_flat_valley();
	test_pnbd_likelihood_paths();
	test_hyp2f1_huge_b();
	test_pnbd_t_x_rounding_t();
	test_pnbd_huge_r();
	test_pnbd_large_s();
	test_pnbd_batches();
	test_cdnow();
	test_bgnbd_expectation();
	test_shared_horizons();
	test_gradients();
	test_gg_ridge();
	test_bgnbd_huge_a();
	test_extremes();
	test_no_repeats();
	return done_testing();
}
