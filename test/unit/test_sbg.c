/*
 * test_sbg.c -- unit tests of src/core/sbg.c: Fader and Hardie's (2007)
 * published sBG fits of the high end and regular cohorts from their
 * survivor counts, the likelihood against the paper's churn and survival
 * formulas, its gradient, the projections' identities, and the discounted
 * expected residual lifetime against its defining sum.
 */
#include <math.h>

#include "sbg.h"
#include "special.h"
#include "tap.h"
#include "reference.h"

/* The rows of the likelihood passed to gradient_error. */
static ClvSbgRow rows[8];

/* The likelihood over rows, for gradient_error. */
static double
rows_ll(const double *param, double *grad_log, void *arg)
{
	(void) arg;
	return clv_sbg_ll(param, rows, 8, grad_log);
}

/* The paper's log-likelihood of a cohort's survivor counts s[0..7]. */
static double
paper_ll(const double *p, const double *s)
{
	double		ll = 0.0;

	for (int t = 1; t <= 7; t++)
		ll += (s[t - 1] - s[t]) *
			log(exp(clv_special_lbeta(p[0] + 1, p[1] + t - 1) - clv_special_lbeta(p[0], p[1])));
	return ll + s[7] * (clv_special_lbeta(p[0], p[1] + 7) - clv_special_lbeta(p[0], p[1]));
}

int
main(void)
{
	const double cohorts[2][8] = {
		{1000, 869, 743, 653, 593, 551, 517, 491},	/* high end */
		{1000, 631, 468, 382, 326, 289, 262, 241}	/* regular */
	};
	const double published[2][2] = {{0.668, 3.806}, {0.704, 1.182}};
	const char *names[2] = {"high end", "regular"};
	ClvLikelihood lik = {2, rows_ll, true, NULL, NULL};

	for (int c = 0; c < 2; c++)
	{
		ClvModelFit fit;
		ClvInference inf;
		double		churned = 0.0,
					product = 1.0,
					worst = 0.0;

		ok(clv_sbg_rows_from_survivors(cohorts[c], 8, rows) == 8 &&
		   rows[0].periods == 1 && rows[0].churned && rows[0].count == cohorts[c][0] - cohorts[c][1] &&
		   rows[7].periods == 7 && !rows[7].churned && rows[7].count == cohorts[c][7],
		   "%s survivors as rows", names[c]);
		clv_sbg_fit(rows, 8, NULL, NULL, &fit);
		ok(fit.converged, "%s fit converged", names[c]);
		is_near(fit.param[0], published[c][0], 0.0005, "alpha = the published value");
		is_near(fit.param[1], published[c][1], 0.0005, "beta = the published value");
		is_near(fit.ll, paper_ll(fit.param, cohorts[c]), 1e-9 * fabs(fit.ll),
				"log-likelihood = the paper's formula");
		ok(gradient_error(&lik, fit.param) < 1e-5 &&
		   gradient_error(&lik, published[1 - c]) < 1e-5, "gradient = central differences");
		clv_sbg_inference(fit.param, rows, 8, NULL, NULL, &inf);
		ok(inf.status == CLV_INFORMATION_OK && inf.customers == 1000,
		   "%s SEs alpha %.4f, beta %.4f over 1000 customers", names[c], inf.se[0], inf.se[1]);

		/* projections: S is the product of retention rates, churn adds up */
		for (int t = 1; t <= 12; t++)
		{
			product *= clv_sbg_retention_rate(fit.param, t);
			churned += clv_sbg_churn_probability(fit.param, t);
			worst = fmax(worst, fabs(product - clv_sbg_survival(fit.param, t)));
			worst = fmax(worst, fabs(churned + clv_sbg_survival(fit.param, t) - 1));
		}
		ok(worst < 1e-13, "S(t) = product of retention rates = 1 - sum of P(T = t) through year 12");
		ok(clv_sbg_retention_rate(fit.param, 12) > clv_sbg_retention_rate(fit.param, 2),
		   "%s projected retention rises: year 2 %.3f, year 12 %.3f", names[c],
		   clv_sbg_retention_rate(fit.param, 2), clv_sbg_retention_rate(fit.param, 12));
		ok(1, "%s projected survivors of 1000, years 8-12: %.0f %.0f %.0f %.0f %.0f", names[c],
		   1000 * clv_sbg_survival(fit.param, 8), 1000 * clv_sbg_survival(fit.param, 9),
		   1000 * clv_sbg_survival(fit.param, 10), 1000 * clv_sbg_survival(fit.param, 11),
		   1000 * clv_sbg_survival(fit.param, 12));

		/* DERL against its defining sum */
		for (int periods = 1; periods <= 5; periods += 2)
			for (double d = 0.01; d < 0.5; d *= 4)
			{
				double		sum = 0.0;

				for (int k = 0; k < 200000; k++)
				{
					double		term = exp(clv_special_lbeta(fit.param[0], fit.param[1] + periods + k) -
										   clv_special_lbeta(fit.param[0], fit.param[1] + periods - 1) -
										   k * log1p(d));

					sum += term;
					if (term < 1e-18 * sum)
						break;
				}
				is_near(clv_sbg_derl(fit.param, periods, d), sum, 1e-10 * sum,
						"DERL = its sum of discounted survival");
			}
	}
	{
		const double rising[3] = {100, 90, 95},
					one_period[2] = {100, 60};
		ClvSbgRow	out[3];
		ClvSbgRow	bad = {0, true, 1};
		ClvModelFit fit;

		ok(clv_sbg_rows_from_survivors(rising, 3, out) == -1, "rising survivor counts rejected");
		ok(clv_sbg_row_problem(&bad) != NULL, "churn at period 0 rejected: %s",
		   clv_sbg_row_problem(&bad));
		clv_sbg_rows_from_survivors(one_period, 2, out);
		clv_sbg_fit(out, 2, NULL, NULL, &fit);
		ok(!fit.converged && isfinite(fit.param[0]) && isfinite(fit.param[1]),
		   "one period of data cannot identify two parameters: not converged, finite");
		ok(isnan(clv_sbg_derl(published[0], 1, 0)), "DERL without discounting is NaN");
	}
	{
		/* 10% churn a period for everybody: the geometric limit */
		const double geometric[4] = {1000, 900, 810, 729};
		ClvSbgRow	out[4];
		ClvModelFit fit;

		clv_sbg_rows_from_survivors(geometric, 4, out);
		clv_sbg_fit(out, 4, NULL, NULL, &fit);
		ok(!fit.converged && fit.degenerate &&
		   fit.ll <= 271 * log(0.1) + 2439 * log(0.9) + 1e-6,
		   "one churn probability for all: degenerate, not converged (alpha %.4g, beta %.4g)",
		   fit.param[0], fit.param[1]);
	}
	return done_testing();
}
