/*
 * special.c -- digamma, log-sum-exp and the Gauss hypergeometric function
 * for the likelihoods and predictions of the probabilistic models.
 *
 * 2F1 is summed as its power series on 0 <= z < 1.  Where the terms of the
 * series would first grow (large a b / c, as in the Pareto/NBD likelihood of
 * a customer with thousands of purchases) Euler's transformation
 * 2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z) gives a
 * series whose terms shrink from the start, and the power of (1 - z) is
 * carried in logarithms so that nothing overflows.  Close to z = 1 the
 * series needs ~ log(eps) / log(z) terms; there the Pareto/NBD form uses the
 * transformation to 1 - z (Abramowitz and Stegun 15.3.6), which for
 * 2F1(1, B; C; z) has one closed-form term.
 */
#include "special.h"

#include <float.h>
#include <math.h>

/* Most terms summed before a 2F1 series is declared divergent. */
#define CLV_HYP2F1_MAX_TERMS 2000000

/*
 * The 1 - z transformation is used when w = 1 - z is below this over B + 1
 * (its series in w then shrinks from the start), and m = C - 1 - B is
 * farther than CLV_HYP2F1_POLE_GAP from an integer (at integers both of
 * its terms have poles that cancel).
 */
#define CLV_HYP2F1_NEAR_ONE 0.5
#define CLV_HYP2F1_POLE_GAP 1e-4

/* Most a sum of mixed-sign terms may lose to cancellation: 8 digits. */
#define CLV_HYP2F1_MAX_CANCELLATION 1e8

/* Steps of a continued fraction before it counts as not converging. */
#define CLV_HYP2F1_MAX_FRACTION 100000

/*
 * How far inside its fast region (z < c / (b + 2)) the continued fraction
 * of 2F1(1, b; c; z) must be: right at the edge, with c in the billions, it
 * stops with only six correct digits.
 */
#define CLV_HYP2F1_FRACTION_MARGIN 1e-8

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
 * The ratio of term n + 1 to term n of the series of 2F1(a, b; c; z),
 * ordered so that huge or tiny parameters neither overflow nor underflow.
 */
static double
hyp2f1_term_ratio(double a, double b, double c, double z, long n)
{
	return (a + n) / (c + n) * ((b + n) / (n + 1.0)) * z;
}

/* What the stopping rule of the series of 2F1(a, b; c; z) needs of a, b, c. */
typedef struct Hyp2f1Shape
{
	double		signs_settle;	/* from n + 1 > this on, every factor is
								 * positive */
	int			rises_to_z;		/* a + b <= c + 1: the ratios then tend to z
								 * from below */
} Hyp2f1Shape;

/* The shape of the series of 2F1(a, b; c; z). */
static Hyp2f1Shape
hyp2f1_shape(double a, double b, double c)
{
	Hyp2f1Shape shape;
	double		smallest = a < b ? a : b;

	smallest = smallest < c ? smallest : c;
	shape.signs_settle = -smallest;
	shape.rises_to_z = a + b <= c + 1.0;
	return shape;
}

/*
 * Whether a 2F1 series may stop after adding term number n (whose ratio to
 * the previous term was ratio, and of the next term to it is next_ratio):
 * the rest of the tail, bounded by a geometric series in the largest ratio
 * still to come, is negligible against sum.  Once every factor is positive
 * the ratio has one maximum and tends to z: from above when a + b > c + 1
 * (then it bounds the tail only once it has stopped rising), from below
 * otherwise (then max(ratio, z) bounds it).
 */
static inline int
hyp2f1_converged(const Hyp2f1Shape *shape, double z, long n, double ratio,
				 double next_ratio, double term, double sum)
{
	double		next = fabs(next_ratio);
	double		bound;

	if (n + 1 <= shape->signs_settle)
		return 0;				/* factors still change sign */
	if (shape->rises_to_z)
		bound = next > z ? next : z;
	else if (next <= fabs(ratio))
		bound = next;
	else
		return 0;
	return bound < 1.0 &&
		fabs(term) * bound <= DBL_EPSILON * 0.5 * fabs(sum) * (1.0 - bound);
}

/*
 * Sums the power series of c (2F1(a, b; c; z) - 1) as it stands: the terms
 * (a)_n (b)_n / ((c + 1)_(n-1) n!) z^n for n >= 1, which never divide by c,
 * so c > -1 is enough (at c = 0 the limit is taken).  Leaving out the
 * leading 1 lets callers subtract it exactly.  Stops when a term is
 * negligible against the sum once the term ratio is below one, so the rest
 * of the tail is bounded by a geometric series.  Terms of mixed sign can
 * cancel: when the sum of their magnitudes exceeds the result by more than
 * CLV_HYP2F1_MAX_CANCELLATION, fewer than 8 digits are left and the result
 * is NaN rather than a wrong number.  So it is when the first term is a
 * subnormal number with fewer than 8 digits, whose rounding error every
 * later term inherits, and the sum grows out of the subnormal range.
 */
static double
hyp2f1_tail_times_c(double a, double b, double c, double z)
{
	Hyp2f1Shape shape = hyp2f1_shape(a, b, c);
	double		term = a * b * z;
	int			imprecise_start = term != 0.0 &&
		fabs(term) < DBL_MIN * DBL_EPSILON * CLV_HYP2F1_MAX_CANCELLATION;
	double		sum = term;
	double		magnitude = fabs(term);
	double		ratio = hyp2f1_term_ratio(a, b, c, z, 1);
	long		n;

	for (n = 1; n < CLV_HYP2F1_MAX_TERMS && term != 0.0; n++)
	{
		double		next_ratio = hyp2f1_term_ratio(a, b, c, z, n + 1);

		term *= ratio;
		sum += term;
		magnitude += fabs(term);
		if (hyp2f1_converged(&shape, z, n, ratio, next_ratio, term, sum))
			break;
		if (!isfinite(magnitude))
			return NAN;
		ratio = next_ratio;
	}
	if (n == CLV_HYP2F1_MAX_TERMS ||
		magnitude > CLV_HYP2F1_MAX_CANCELLATION * fabs(sum) ||
		(imprecise_start && fabs(sum) >= DBL_MIN))
		return NAN;
	return sum;
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

/*
 * c (2F1(a, b; c; z) - 1) on 0 <= z < 1 for c > -1.  Through Euler's
 * transformation it is c expm1((c - a - b) log(1 - z)) +
 * (1 - z)^(c - a - b) c (2F1(c - a, c - b; c; z) - 1).
 */
double
clv_special_hyp2f1_tail_times_c(double a, double b, double c, double z)
{
	if (!(z >= 0.0 && z < 1.0) || !(c > -1.0))
		return NAN;
	if (c > 0.0 && euler_is_better(a, b, c))
	{
		double		log_factor = (c - a - b) * log1p(-z);

		return c * expm1(log_factor) +
			exp(log_factor) * hyp2f1_tail_times_c(c - a, c - b, c, z);
	}
	return hyp2f1_tail_times_c(a, b, c, z);
}

/*
 * log 2F1(a, b; c; z) for a, b, c > 0: every term is positive, so nothing
 * cancels; the sum is rescaled as it grows so that values far beyond the
 * range of a double stay finite in logarithms.
 */
double
clv_special_log_hyp2f1_positive(double a, double b, double c, double z)
{
	Hyp2f1Shape shape = hyp2f1_shape(a, b, c);
	double		term = 1.0,
				sum = 1.0,
				log_scale = 0.0;
	double		ratio = hyp2f1_term_ratio(a, b, c, z, 0);
	long		n;

	if (!(z >= 0.0 && z < 1.0) || !(a > 0.0 && b > 0.0 && c > 0.0))
		return NAN;
	for (n = 0; n < CLV_HYP2F1_MAX_TERMS; n++)
	{
		double		next_ratio = hyp2f1_term_ratio(a, b, c, z, n + 1);

		term *= ratio;
		sum += term;
		if (term == 0.0 ||
			hyp2f1_converged(&shape, z, n, ratio, next_ratio, term, sum))
			return log_scale + log(sum);
		if (sum > 1e280)
		{
			sum *= 1e-280;
			term *= 1e-280;
			log_scale += 280 * log(10.0);
		}
		ratio = next_ratio;
	}
	return NAN;
}

/*
 * log 2F1(1, B; C; z) with m = C - 1 - B not an integer, by A&S 15.3.6:
 *   2F1(1, B; C; z) = (C - 1)/m 2F1(1, B; 1 - m; w)
 *                     + Gamma(C) Gamma(-m) / Gamma(B) w^m z^(1 - C),
 * w = 1 - z small.  The first series is summed past n = m, where its
 * denominators change sign; the terms are combined in logarithms with
 * their signs.  NaN if the sum is not positive.
 */
static double
log_hyp2f1_one_near_one(double b, double c, double z, double w)
{
	double		m = c - 1 - b;
	double		term = 1.0,
				sum = 1.0;
	double		first,
				log_first,
				log_second,
				hi,
				lo;
	int			sign_first,
				sign_second,
				sign_hi;
	long		n;

	for (n = 0; n < CLV_HYP2F1_MAX_TERMS; n++)
	{
		double		ratio = (b + n) / (1 - m + n) * w;

		term *= ratio;
		sum += term;
		if (n + 1 > m && fabs(ratio) < 1.0 &&
			fabs(term) * fabs(ratio) <= DBL_EPSILON * 0.5 * fabs(sum) * (1.0 - fabs(ratio)))
			break;
	}
	if (n == CLV_HYP2F1_MAX_TERMS)
		return NAN;
	first = (c - 1) / m * sum;
	sign_first = first > 0 ? 1 : -1;
	log_first = log(fabs(first));
	/* Gamma(-m) is positive for m < 0, else of sign (-1)^ceil(m) */
	sign_second = (m < 0 || ((long) ceil(m)) % 2 == 0) ? 1 : -1;
	log_second = lgamma(c) - lgamma(b) + lgamma(-m) + m * log(w) + (1 - c) * log(z);

	hi = fmax(log_first, log_second);
	lo = fmin(log_first, log_second);
	sign_hi = log_first >= log_second ? sign_first : sign_second;
	if (sign_hi < 0)
		return NAN;
	if (sign_first == sign_second)
		return hi + log1p(exp(lo - hi));
	return lo < hi ? hi + log1p(-exp(lo - hi)) : NAN;
}

/*
 * 2F1(1, b; c; z) by Gauss's continued fraction, evaluated by the modified
 * Lentz method: with p = c - 1 and q = b + 1 - c it is the continued
 * fraction of the incomplete beta function B_z(p, q) = z^p (1 - z)^q / p
 * 2F1(1, b; c; z), 1 / (1 + d1 / (1 + d2 / (1 + ...))) with
 * d(2k+1) = -(p + k)(b + k) z / ((p + 2k)(p + 2k + 1)) and
 * d(2k) = k (q - k) z / ((p + 2k - 1)(p + 2k)).  Near z = 1 it converges
 * in tens of steps where the power series needs tens of thousands of
 * terms.  NaN when it does not converge in CLV_HYP2F1_MAX_FRACTION steps.
 */
static double
hyp2f1_one_fraction(double b, double c, double z)
{
	const double tiny = 1e-300;
	double		p = c - 1,
				q = b + 1 - c;
	double		numerator_ratio = 1.0,
				denominator = 1.0 - b * z / c,
				result;

	if (fabs(denominator) < tiny)
		denominator = tiny;
	denominator = 1.0 / denominator;
	result = denominator;
	for (long k = 1; k <= CLV_HYP2F1_MAX_FRACTION; k++)
	{
		double		coefficient[2];

		coefficient[0] = k * (q - k) * z / ((p + 2 * k - 1) * (p + 2 * k));
		coefficient[1] = -(p + k) * (b + k) * z / ((p + 2 * k) * (p + 2 * k + 1));
		for (int half = 0; half < 2; half++)
		{
			double		step;

			denominator = 1.0 + coefficient[half] * denominator;
			numerator_ratio = 1.0 + coefficient[half] / numerator_ratio;
			if (fabs(denominator) < tiny)
				denominator = tiny;
			if (fabs(numerator_ratio) < tiny)
				numerator_ratio = tiny;
			denominator = 1.0 / denominator;
			step = denominator * numerator_ratio;
			result *= step;
			if (half == 1 && fabs(step - 1.0) <= DBL_EPSILON)
				return result;
		}
	}
	return NAN;
}

/*
 * log 2F1(1, b; c; z): near z = 1 from log_hyp2f1_one_near_one unless
 * c - 1 - b is within CLV_HYP2F1_POLE_GAP of an integer, else for z >= 1/2
 * from the continued fraction where it converges fast (z < c / (b + 2), the
 * incomplete beta function's z < (p + 1) / (p + q + 2), always when
 * c >= b + 2: the Pareto/NBD likelihood with s and beta large), else (or
 * where that fails) by the series.
 */
double
clv_special_log_hyp2f1_one(double b, double c, double z, double w)
{
	double		m = c - 1 - b;

	if (!(z >= 0.0 && z < 1.0) || !(w > 0.0) || !(c > 0.0))
		return NAN;
	if (w * (b + 1) < CLV_HYP2F1_NEAR_ONE &&
		fabs(m - rint(m)) > CLV_HYP2F1_POLE_GAP)
		return log_hyp2f1_one_near_one(b, c, z, w);
	if (z >= 0.5 && b > 0.0 && z * (b + 2.0) < c * (1.0 - CLV_HYP2F1_FRACTION_MARGIN))
	{
		double		fraction = hyp2f1_one_fraction(b, c, z);

		if (fraction > 0.0 && isfinite(fraction))
			return log(fraction);
	}
	return log1p(hyp2f1_tail_times_c(1, b, c, z) / c);
}

/* The tail of Stirling's series of lgamma beyond its elementary part. */
static double
stirling_tail(double y)
{
	double		inv2 = 1.0 / (y * y);

	return (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 / 1680))) / y;
}

/* lgamma(x + k) - lgamma(x). */
double
clv_special_lgamma_ratio(double x, double k)
{
	if (k == 0)
		return 0.0;
	if (x < 50)
		return lgamma(x + k) - lgamma(x);
	return (x - 0.5) * log1p(k / x) + k * log(x + k) - k +
		stirling_tail(x + k) - stirling_tail(x);
}

/* log B(a + i, b + j) - log B(a, b). */
double
clv_special_lbeta_ratio(double a, double b, double i, double j)
{
	return clv_special_lgamma_ratio(a, i) + clv_special_lgamma_ratio(b, j) -
		clv_special_lgamma_ratio(a + b, i + j);
}
