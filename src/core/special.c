/*
 * special.c -- digamma, log-sum-exp and the Gauss hypergeometric function
 * for the likelihoods and predictions of the probabilistic models.
 *
 * 2F1 is summed as its power series on 0 <= z < 1.  Where the terms of the
 * series would first grow (large a b / c, as in the Pareto/NBD likelihood of
 * a customer with thousands of purchases) Euler's transformation
 * 2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z) gives a
 * series whose terms shrink from the start, and the power of (1 - z) is
 * carried in logarithms so that nothing overflows.
 */
#include "special.h"

#include <float.h>
#include <math.h>

/* Most terms summed before a 2F1 series is declared divergent. */
#define CLV_HYP2F1_MAX_TERMS 2000000

/* log B(a, b). */
double
clv_special_lbeta(double a, double b)
{
	return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/*
 * psi(x) for x > 0: recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then
 * the asymptotic series in 1/x^2.
 */
double
clv_special_digamma(double x)
{
	double		result = 0.0;
	double		inv2;

	if (!(x > 0.0))
		return NAN;
	while (x < 10.0)
	{
		result -= 1.0 / x;
		x += 1.0;
	}
	inv2 = 1.0 / (x * x);
	result += log(x) - 0.5 / x -
		inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 -
														 inv2 * (1.0 / 240 - inv2 * (1.0 / 132)))));
	return result;
}

/* log(exp(u) + exp(v)). */
double
clv_special_logsumexp(double u, double v)
{
	double		hi = u > v ? u : v;
	double		lo = u > v ? v : u;

	if (hi == -INFINITY)
		return -INFINITY;
	return hi + log1p(exp(lo - hi));
}

/* log(exp(u) - exp(v)) for u >= v. */
double
clv_special_logdiffexp(double u, double v)
{
	if (v == -INFINITY)
		return u;
	if (!(u >= v))
		return NAN;
	if (u == v)
		return -INFINITY;
	return u + log(-expm1(v - u));
}

/*
 * Sums the power series of 2F1(a, b; c; z) as it stands.  Stops when a term
 * is negligible against the sum once the term ratio is below one, so the
 * rest of the tail is bounded by a geometric series.
 */
static double
hyp2f1_series(double a, double b, double c, double z)
{
	double		term = 1.0;
	double		sum = 1.0;
	long		n;

	if (z == 0.0)
		return 1.0;
	for (n = 0; n < CLV_HYP2F1_MAX_TERMS; n++)
	{
		double		ratio = (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;

		term *= ratio;
		sum += term;
		if (term == 0.0)
			return sum;
		if (fabs(ratio) < 1.0 &&
			fabs(term) * fabs(ratio) <= DBL_EPSILON * 0.5 * fabs(sum) * (1.0 - fabs(ratio)))
			return sum;
		if (!isfinite(sum))
			return NAN;
	}
	return NAN;
}

/*
 * Whether Euler's transformation shortens the series: the transformed
 * parameters are positive and their product smaller.
 */
static int
euler_is_better(double a, double b, double c)
{
	return c - a > 0.0 && c - b > 0.0 && (c - a) * (c - b) < a * b;
}

/* 2F1(a, b; c; z) on 0 <= z < 1. */
double
clv_special_hyp2f1(double a, double b, double c, double z)
{
	if (!(z >= 0.0 && z < 1.0) || !(c > 0.0))
		return NAN;
	if (euler_is_better(a, b, c))
		return exp((c - a - b) * log1p(-z)) * hyp2f1_series(c - a, c - b, c, z);
	return hyp2f1_series(a, b, c, z);
}

/* log 2F1(a, b; c; z) for positive parameters on 0 <= z < 1. */
double
clv_special_log_hyp2f1(double a, double b, double c, double z)
{
	if (!(z >= 0.0 && z < 1.0) || !(a > 0.0 && b > 0.0 && c > 0.0))
		return NAN;
	if (euler_is_better(a, b, c))
		return (c - a - b) * log1p(-z) + log(hyp2f1_series(c - a, c - b, c, z));
	return log(hyp2f1_series(a, b, c, z));
}
