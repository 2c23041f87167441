/*
 * reference.h -- slow, plain reference evaluations the unit tests compare
 * src/core against.  Include once per test program.
 */
#ifndef CLV_TEST_REFERENCE_H
#define CLV_TEST_REFERENCE_H

#include <math.h>
#include <string.h>

#include "mle.h"

/* The plain power series of 2F1, summed in long double, as a reference. */
static inline double
naive_hyp2f1(double a, double b, double c, double z)
{
	long double term = 1,
				sum = 1;
	int			n;

	for (n = 0; n < 100000; n++)
	{
		term *= (long double) (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
		sum += term;
	}
	return (double) sum;
}

/*
 * The largest error of lik's analytic gradient (in log-parameters) at
 * param against central differences, relative to 1 + |difference|.
 */
static inline double
gradient_error(const ClvLikelihood *lik, const double *param)
{
	double		grad[4],
				worst = 0.0;

	lik->ll(param, grad, lik->arg);
	for (int i = 0; i < lik->nparams; i++)
	{
		double		up[4],
					down[4],
					h = 1e-6,
					numeric;

		/* (param holds nparams values, maybe fewer than 4) */
		memcpy(up, param, lik->nparams * sizeof(double));
		memcpy(down, param, lik->nparams * sizeof(double));
		up[i] *= exp(h);
		down[i] *= exp(-h);
		numeric = (lik->ll(up, NULL, lik->arg) - lik->ll(down, NULL, lik->arg)) / (2 * h);
		worst = fmax(worst, fabs(numeric - grad[i]) / (1 + fabs(numeric)));
	}
	return worst;
}

#endif							/* CLV_TEST_REFERENCE_H */
