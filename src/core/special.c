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
#include <stdbool.h>
#include <string.h>

/*
 * The 1 - z transformation is used when w = 1 - z is below this over B + 1
 * (its series in w then shrinks from the start).  At non-negative integers
 * m = C - 1 - B both of its terms have poles that cancel: within
 * CLV_HYP2F1_POLE_GAP / max(1, -log w) of one, log 2F1 is interpolated
 * across from the gap's ends.
 */
#define CLV_HYP2F1_NEAR_ONE 0.5
#define CLV_HYP2F1_POLE_GAP 1e-3

/*
 * Where no other method converges (b and c in the millions with c - b
 * small, where the continued fraction is fast only for w (b + 2) clearly
 * above 1 - m and the series needs billions of terms), the 1 - z
 * transformation is used up to w (b + 1) of CLV_HYP2F1_NEAR_ONE_FAR, as
 * long as the difference of its two terms loses at most a factor
 * CLV_HYP2F1_NEAR_ONE_LOSS (its terms grow like exp(w b); at w b = 3 and b
 * of 1e8 the result keeps 13 digits); before the continued fraction where
 * the rounding of z would cost that more, if its derivatives lose as
 * little.
 */
#define CLV_HYP2F1_NEAR_ONE_FAR 16.0
#define CLV_HYP2F1_NEAR_ONE_LOSS 1e4

/*
 * The 1 - z transformation sums its series past n = m: beyond this m the
 * continued fraction, where it converges fast, is tried first.
 */
#define CLV_HYP2F1_NEAR_ONE_TERMS 64

/* Most a sum of mixed-sign terms may lose to cancellation: 8 digits. */
#define CLV_HYP2F1_MAX_CANCELLATION 1e8

/*
 * Fewest digits, as a power of ten, a subnormal first term of a series
 * whose sum grows out of the subnormal range must keep: its rounding error
 * passes to every later term (a first term of 1.4e-315, of 8.7 digits,
 * left c (2F1 - 1) = 3.97e-257 wrong by 1.3e-9).
 */
#define CLV_HYP2F1_START_DIGITS 1e10

/*
 * Up to this z the series of 2F1(1, b; c; z) with c > b needs at most
 * some 350 terms, and is tried first.
 */
#define CLV_HYP2F1_SERIES_Z 0.9

/* Steps of a continued fraction before it counts as not converging. */
#define CLV_HYP2F1_MAX_FRACTION 100000

/*
 * Terms of the series beyond which the continued fraction is tried first,
 * outside its fast region too.
 */
#define CLV_HYP2F1_SERIES_SLOW 1000

#define Min(a, b) ((a) < (b) ? (a) : (b))
#define Max(a, b) ((a) > (b) ? (a) : (b))

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

/* The trigamma function psi'(x) = d/dx digamma(x), for x > 0. */
double
clv_special_trigamma(double x)
{
	double		result = 0.0;
	double		inv,
				inv2,
				tail;

	if (!(x > 0.0))
		return NAN;
	while (x < 10.0)
	{
		result += 1.0 / (x * x);
		x += 1.0;
	}
	/* the asymptotic series to x^-15: its next term is below 1e-16 of it */
	inv = 1.0 / x;
	inv2 = inv * inv;
	tail = inv2 * (1.0 / 6 - inv2 * (1.0 / 30 - inv2 * (1.0 / 42 -
		   inv2 * (1.0 / 30 - inv2 * (5.0 / 66 - inv2 * (691.0 / 2730 - inv2 * (7.0 / 6)))))));
	return result + inv + 0.5 * inv2 + inv * tail;
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
 * The ratio of term n + 1 to term n of the series of 2F1(a, b; c; z) over
 * z (the part that does not depend on z), ordered so that huge or tiny
 * parameters neither overflow nor underflow.
 */
static inline double
hyp2f1_ratio_part(double a, double b, double c, long n)
{
	return (a + n) / (c + n) * ((b + n) / (n + 1.0));
}

/*
 * The ratio of term n + 1 to term n of the series of 2F1(a, b; c; z),
 * ordered so that huge or tiny parameters neither overflow nor underflow.
 */
static double
hyp2f1_term_ratio(double a, double b, double c, double z, long n)
{
	return hyp2f1_ratio_part(a, b, c, n) * z;
}

/*
 * The ratio of term n + 1 to term n (n >= 1) of the series of 2F1(a, b; c;
 * z), as hyp2f1_term_ratio, its part without z taken from shared where kept
 * there, else computed (and kept, where shared has room for the next one).
 */
static inline double
tail_term_ratio(ClvHyp2f1TailShared *shared, double a, double b, double c,
				double z, long n)
{
	double		part;

	if (shared != NULL && n <= shared->terms)
		return shared->part[n - 1] * z;
	part = hyp2f1_ratio_part(a, b, c, n);
	if (shared != NULL && n == shared->terms + 1 &&
		n <= CLV_HYP2F1_TAIL_SHARED_TERMS)
		shared->part[shared->terms++] = part;
	return part * z;
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
 * subnormal number with fewer than 10 digits, whose rounding error every
 * later term inherits, and the sum grows out of the subnormal range.
 */
static double
hyp2f1_tail_times_c(double a, double b, double c, double z,
					ClvHyp2f1TailShared *shared)
{
	Hyp2f1Shape shape = hyp2f1_shape(a, b, c);
	double		term = a * b * z;
	int			imprecise_start = term != 0.0 &&
		fabs(term) < DBL_MIN * DBL_EPSILON * CLV_HYP2F1_START_DIGITS;
	double		sum = term;
	double		magnitude = fabs(term);
	double		ratio;
	long		n;

	if (shared != NULL && !(shared->a == a && shared->b == b && shared->c == c))
	{
		clv_special_hyp2f1_tail_shared_reset(shared);
		shared->a = a;
		shared->b = b;
		shared->c = c;
	}
	ratio = tail_term_ratio(shared, a, b, c, z, 1);
	for (n = 1; n < CLV_HYP2F1_MAX_TERMS && term != 0.0; n++)
	{
		double		next_ratio = tail_term_ratio(shared, a, b, c, z, n + 1);

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
	return clv_special_hyp2f1_tail_times_c_shared(a, b, c, z, NULL);
}

/* Empties shared: it keeps nothing. */
void
clv_special_hyp2f1_tail_shared_reset(ClvHyp2f1TailShared *shared)
{
	shared->a = shared->b = shared->c = NAN;
	shared->terms = 0;
}

/*
 * clv_special_hyp2f1_tail_times_c with the parts of the term ratios that do
 * not depend on z taken from and kept in shared, when not NULL.
 */
double
clv_special_hyp2f1_tail_times_c_shared(double a, double b, double c, double z,
									   ClvHyp2f1TailShared *shared)
{
	if (!(z >= 0.0 && z < 1.0) || !(c > -1.0))
		return NAN;
	if (c > 0.0 && euler_is_better(a, b, c))
	{
		double		log_factor = (c - a - b) * log1p(-z);

		return c * expm1(log_factor) +
			exp(log_factor) * hyp2f1_tail_times_c(c - a, c - b, c, z, shared);
	}
	return hyp2f1_tail_times_c(a, b, c, z, shared);
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
 * A number with its partial derivatives in b, c and z: the forward-mode
 * derivatives of log 2F1(1, b; c; z), carried through the near-one
 * transformation and the continued fraction.
 */
typedef struct Dual
{
	double		v;
	double		d[3];
} Dual;

/* A constant. */
static inline Dual
dual_const(double v)
{
	Dual		r = {v, {0.0, 0.0, 0.0}};

	return r;
}

/* The variable number i (0 b, 1 c, 2 z) at value v, or -1 times it. */
static inline Dual
dual_var(double v, int i, double sign)
{
	Dual		r = dual_const(v);

	r.d[i] = sign;
	return r;
}

/* a + b. */
static inline Dual
dual_add(Dual a, Dual b)
{
	Dual		r = {a.v + b.v, {a.d[0] + b.d[0], a.d[1] + b.d[1], a.d[2] + b.d[2]}};

	return r;
}

/* a + k for a constant k. */
static inline Dual
dual_addc(Dual a, double k)
{
	a.v += k;
	return a;
}

/* k a for a constant k. */
static inline Dual
dual_scale(Dual a, double k)
{
	Dual		r = {k * a.v, {k * a.d[0], k * a.d[1], k * a.d[2]}};

	return r;
}

/* a b. */
static inline Dual
dual_mul(Dual a, Dual b)
{
	Dual		r = {a.v * b.v, {a.d[0] * b.v + a.v * b.d[0],
	a.d[1] * b.v + a.v * b.d[1], a.d[2] * b.v + a.v * b.d[2]}};

	return r;
}

/* 1 / a. */
static inline Dual
dual_inv(Dual a)
{
	double		inv = 1.0 / a.v;
	double		k = -inv * inv;
	Dual		r = {inv, {k * a.d[0], k * a.d[1], k * a.d[2]}};

	return r;
}

/* a / b. */
static inline Dual
dual_div(Dual a, Dual b)
{
	return dual_mul(a, dual_inv(b));
}

/* log a, a > 0. */
static inline Dual
dual_log(Dual a)
{
	return (Dual) {log(a.v), {a.d[0] / a.v, a.d[1] / a.v, a.d[2] / a.v}};
}

/* log(1 + a). */
static inline Dual
dual_log1p(Dual a)
{
	double		k = 1.0 / (1.0 + a.v);

	return (Dual) {log1p(a.v), {k * a.d[0], k * a.d[1], k * a.d[2]}};
}

/* exp a. */
static inline Dual
dual_exp(Dual a)
{
	double		e = exp(a.v);

	return (Dual) {e, {e * a.d[0], e * a.d[1], e * a.d[2]}};
}

/* psi(x) for any x not a non-positive integer, by reflection below 0. */
static double
digamma_any(double x)
{
	const double pi = 3.14159265358979323846;

	if (x > 0.0)
		return clv_special_digamma(x);
	return clv_special_digamma(1.0 - x) - pi / tan(pi * x);
}

/* log |Gamma(a)|. */
static inline Dual
dual_lgamma(Dual a)
{
	double		psi = digamma_any(a.v);

	return (Dual) {lgamma(a.v), {psi * a.d[0], psi * a.d[1], psi * a.d[2]}};
}

/*
 * lgamma(b + k) - lgamma(b) for b, b + k > 0, without the cancellation of
 * the two values (each near 2e9 for b of 1e8), and so its derivative in b.
 */
static Dual
dual_lgamma_shift(Dual b, Dual k)
{
	double		psi_end = digamma_any(b.v + k.v);
	double		value,
				slope;
	Dual		result;

	if (k.v >= 0)
	{
		value = clv_special_lgamma_ratio(b.v, k.v);
		slope = clv_special_digamma_ratio(b.v, k.v);
	}
	else
	{
		value = -clv_special_lgamma_ratio(b.v + k.v, -k.v);
		slope = -clv_special_digamma_ratio(b.v + k.v, -k.v);
	}
	result.v = value;
	for (int i = 0; i < 3; i++)
		result.d[i] = slope * b.d[i] + psi_end * k.d[i];
	return result;
}

/* Stores the derivatives of a in grad, when grad is not NULL; returns a.v. */
static double
dual_result(Dual a, double *grad)
{
	if (grad != NULL)
		memcpy(grad, a.d, sizeof(a.d));
	return a.v;
}

/*
 * log 2F1(1, b; c; z), given m = c - 1 - b (not an integer) and w = 1 - z,
 * by A&S 15.3.6:
 *   2F1(1, b; c; z) = (c - 1)/m 2F1(1, b; 1 - m; w)
 *                     + Gamma(c) Gamma(-m) / Gamma(b) w^m z^(1 - c),
 * w = 1 - z small, with its derivatives in b, c and z.  The first series
 * is summed past n = m, where its denominators change sign; the terms are
 * combined in logarithms with their signs.  The derivatives are taken in
 * b at fixed m and in m, then turned into b's and c's: the derivative in b
 * at fixed c, nearly minus that in c for b in the millions, is then the
 * difference of two accurate numbers (their sum, which the Pareto/NBD
 * likelihood wants, is as accurate as they are).  NaN if the sum is not
 * positive, if the difference of the two terms loses more than a factor
 * max_loss in its value (or, with derivatives_too, relative to 1 plus
 * theirs, in its derivatives), or if the series does not end within
 * limit terms.
 */
static Dual
log_hyp2f1_one_near_one(double b_value, double m_value, double w_value, long limit,
						double max_loss, bool derivatives_too)
{
	/* slot 0: b at fixed m; slot 1: m; slot 2: z (w = 1 - z) */
	Dual		b = dual_var(b_value, 0, 1.0),
				m = dual_var(m_value, 1, 1.0),
				w = dual_var(w_value, 2, -1.0);
	Dual		c_minus_1 = dual_add(b, m),
				one_minus_m = dual_addc(dual_scale(m, -1.0), 1.0);
	Dual		term = dual_const(1.0),
				sum = dual_const(1.0);
	Dual		first,
				log_first,
				log_second,
				hi,
				lo,
				result;
	int			sign_first,
				sign_second,
				sign_hi;
	long		n;

	for (n = 0; n < limit; n++)
	{
		Dual		ratio = dual_mul(dual_div(dual_addc(b, n), dual_addc(one_minus_m, n)), w);

		/* the later ratios lie between this one and their limit, w */
		double		bound = Max(fabs(ratio.v), w_value);

		term = dual_mul(term, ratio);
		sum = dual_add(sum, term);
		if (n + 1 > m.v && n + 1 > -b.v && bound < 1.0 &&
			fabs(term.v) * bound <= DBL_EPSILON * 0.5 * fabs(sum.v) * (1.0 - bound))
			break;
	}
	if (n == limit)
		return dual_const(NAN);
	first = dual_mul(dual_div(c_minus_1, m), sum);
	/* Gamma(-m) is positive for m < 0, else of sign (-1)^ceil(m) */
	sign_second = (m.v < 0 || ((long) ceil(m.v)) % 2 == 0) ? 1 : -1;
	log_second = dual_add(dual_add(dual_lgamma_shift(b, dual_addc(m, 1.0)),
								   dual_lgamma(dual_scale(m, -1.0))),
						  dual_add(dual_mul(m, dual_log(w)),
								   dual_mul(dual_scale(c_minus_1, -1.0),
											dual_log1p(dual_scale(w, -1.0)))));
	if (first.v == 0.0)
	{
		/* c = 1: 2F1 is the second term; the first adds to its derivatives */
		if (sign_second < 0)
			return dual_const(NAN);
		result = log_second;
		for (int i = 0; i < 3; i++)
			result.d[i] += first.d[i] * exp(-log_second.v);
		result.d[0] -= result.d[1];
		return result;
	}
	sign_first = first.v > 0 ? 1 : -1;
	log_first = dual_log(dual_scale(first, sign_first));
	hi = log_first.v >= log_second.v ? log_first : log_second;
	lo = log_first.v >= log_second.v ? log_second : log_first;
	sign_hi = log_first.v >= log_second.v ? sign_first : sign_second;
	if (sign_hi < 0)
		return dual_const(NAN);
	if (sign_first == sign_second)
		result = dual_add(hi, dual_log1p(dual_exp(dual_add(lo, dual_scale(hi, -1.0)))));
	else
	{
		if (!(lo.v < hi.v))
			return dual_const(NAN);
		result = dual_add(hi, dual_log1p(dual_scale(dual_exp(dual_add(lo, dual_scale(hi, -1.0))), -1.0)));
		if (isfinite(max_loss))
		{
			/*
			 * the terms' sizes and their derivatives' relative to the
			 * result's (near a pole of Gamma(-m) the derivatives cancel the
			 * more)
			 */
			double		hi_share = exp(hi.v - result.v),
						lo_share = exp(lo.v - result.v);

			if (!(hi_share + lo_share <= max_loss))
				return dual_const(NAN);
			for (int i = 0; derivatives_too && i < 3; i++)
				if (!(hi_share * fabs(hi.d[i]) + lo_share * fabs(lo.d[i]) <=
					  max_loss * (1.0 + fabs(result.d[i]))))
					return dual_const(NAN);
		}
	}
	/* d/db at fixed c = d/db at fixed m - d/dm; d/dc = d/dm */
	result.d[0] -= result.d[1];
	return result;
}

/*
 * The parts of step k of the continued fraction below that do not depend
 * on z, with p = c - 1 and q = b + 1 - c: of d(2k) = k (q - k) z / ((p +
 * 2k - 1)(p + 2k)) the numerator over z, 1 over the denominator, the
 * derivative of that 1 over its denominator in c and d(2k)'s derivative in
 * z; then of d(2k+1) = -(p + k)(b + k) z / ((p + 2k)(p + 2k + 1)) p + k,
 * b + k, their product, 1 over the denominator, its derivative in c and
 * d(2k+1)'s derivative in z.  Taken from shared where kept there, else
 * computed into local (and kept, where shared has room for the next step).
 */
static const double *
fraction_part(ClvHyp2f1Shared *shared, double b, double p, double q, long k,
			  double *local)
{
	double	   *part = local;
	double		low = p + (2 * k - 1),
				high = p + 2 * k,
				higher = p + (2 * k + 1);

	if (shared != NULL && k <= shared->fraction_steps)
		return shared->fraction[k - 1];
	if (shared != NULL && k == shared->fraction_steps + 1 &&
		k <= CLV_HYP2F1_SHARED_TERMS)
		part = shared->fraction[shared->fraction_steps++];
	part[0] = k * (q - k);
	part[1] = 1.0 / (low * high);
	part[2] = (-part[1] * part[1]) * (high + low);
	part[3] = part[0] * part[1];
	part[4] = p + k;
	part[5] = b + k;
	part[6] = part[4] * part[5];
	part[7] = 1.0 / (high * higher);
	part[8] = (-part[7] * part[7]) * (higher + high);
	part[9] = -part[6] * part[7];
	return part;
}

/*
 * log 2F1(1, b; c; z) by Gauss's continued fraction, evaluated by the
 * modified Lentz method: with p = c - 1 and q = b + 1 - c it is the
 * continued fraction of the incomplete beta function B_z(p, q) =
 * z^p (1 - z)^q / p 2F1(1, b; c; z), 1 / (1 + d1 / (1 + d2 / (1 + ...)))
 * with d(2k+1) = -(p + k)(b + k) z / ((p + 2k)(p + 2k + 1)) and
 * d(2k) = k (q - k) z / ((p + 2k - 1)(p + 2k)).  Near z = 1 it converges
 * in tens of steps where the power series needs tens of thousands of
 * terms.  NaN when it does not converge within limit steps (the
 * derivatives too, when wanted).  The first denominator, 1 - b z / c, is
 * taken as (c - b + b w) / c with w = 1 - z as given: formed from z it
 * loses DBL_EPSILON / w of its value where c is near b and z near 1.
 */
static Dual
log_hyp2f1_one_fraction(Dual b, Dual c, Dual z, double w, long limit,
						bool derivatives, ClvHyp2f1Shared *shared)
{
	const double tiny = 1e-300;
	Dual		p = dual_addc(c, -1.0),
				q = dual_addc(dual_add(b, dual_scale(c, -1.0)), 1.0);
	Dual		one_minus_z = dual_addc(dual_scale(z, -1.0), 1.0);
	Dual		numerator_ratio = dual_const(1.0),
				denominator,
				result;

	one_minus_z.v = w;
	denominator = dual_div(dual_add(dual_add(c, dual_scale(b, -1.0)),
									dual_mul(b, one_minus_z)), c);

	if (fabs(denominator.v) < tiny)
		denominator.v = tiny;
	denominator = dual_inv(denominator);
	result = denominator;
	for (long k = 1; k <= limit; k++)
	{
		Dual		coefficient[2];
		double		local[10];
		const double *part = fraction_part(shared, b.v, p.v, q.v, k, local);
		double		even = part[0] * z.v,
					odd = -(part[6] * z.v);

		/*
		 * the coefficients and their derivatives (b, c and z are the
		 * variables; p = c - 1 and q = b + 1 - c), as the operations on
		 * duals give them
		 */
		coefficient[0].v = even * part[1];
		coefficient[0].d[0] = (k * z.v) * part[1];
		coefficient[0].d[1] = -(k * z.v) * part[1] + even * part[2];
		coefficient[0].d[2] = part[3];
		coefficient[1].v = odd * part[7];
		coefficient[1].d[0] = -(part[4] * z.v) * part[7];
		coefficient[1].d[1] = -(part[5] * z.v) * part[7] + odd * part[8];
		coefficient[1].d[2] = part[9];
		for (int half = 0; half < 2; half++)
		{
			Dual		step;

			denominator = dual_addc(dual_mul(coefficient[half], denominator), 1.0);
			numerator_ratio = dual_addc(dual_div(coefficient[half], numerator_ratio), 1.0);
			if (fabs(denominator.v) < tiny)
				denominator.v = tiny;
			if (fabs(numerator_ratio.v) < tiny)
				numerator_ratio.v = tiny;
			denominator = dual_inv(denominator);
			step = dual_mul(denominator, numerator_ratio);
			result = dual_mul(result, step);
			if (half == 1 && fabs(step.v - 1.0) <= DBL_EPSILON &&
				(!derivatives ||
				 (fabs(step.d[0]) <= 1e-15 * (1.0 + fabs(result.d[0] / result.v)) &&
				  fabs(step.d[1]) <= 1e-15 * (1.0 + fabs(result.d[1] / result.v)) &&
				  fabs(step.d[2]) <= 1e-15 * (1.0 + fabs(result.d[2] / result.v)))))
			{
				if (!(result.v > 0.0 && isfinite(result.v)))
					return dual_const(NAN);
				return dual_log(result);
			}
		}
	}
	return dual_const(NAN);
}

/*
 * How close to a pole of the 1 - z transformation m = c - 1 - b may come
 * at w = 1 - z before log 2F1 is interpolated across it: the
 * interpolation's error grows like (gap log w)^4 and the cancellation of
 * the poles like 1 / (gap |log w|), so the gap shrinks as 1 / |log w|.
 */
static double
pole_gap(double w)
{
	return CLV_HYP2F1_POLE_GAP / Max(1.0, -log(w));
}

/*
 * Whether m is within pole_gap(w) of a pole, a non-negative integer (the
 * logarithm only taken within the widest gap).
 */
static bool
near_pole(double m, double w)
{
	double		offset = fabs(m - rint(m));

	return m > -0.5 && offset <= CLV_HYP2F1_POLE_GAP && offset <= pole_gap(w);
}

/*
 * log 2F1(1, b; c; z) by the 1 - z transformation where m = c - 1 - b is
 * within gap = pole_gap(w) of an integer k >= 0: the transformation's
 * two terms have poles there that cancel (2F1 itself is smooth in c), so
 * log 2F1 is taken at c -+ the gap from k and joined by the cubic through
 * those two values and their c-derivatives (exact from the duals; the
 * error is of the order of the gap to the fourth power times the fourth
 * derivative, which near z = 1 grows like log(w)^4, hence the gap's
 * shrinking with |log w|).  The derivatives in b and z are interpolated
 * linearly.
 */
static Dual
log_hyp2f1_one_across_pole(double b, double m, double w, double gap, long limit,
						   double max_loss, bool derivatives_too)
{
	double		k = rint(m);
	double		m_low = k - gap,
				m_high = k + gap;
	Dual		low = log_hyp2f1_one_near_one(b, m_low, w, limit, max_loss, derivatives_too),
				high = log_hyp2f1_one_near_one(b, m_high, w, limit, max_loss, derivatives_too);
	double		width = m_high - m_low;
	double		u = (m - m_low) / width;
	double		h00 = (1 + 2 * u) * (1 - u) * (1 - u),
				h10 = u * (1 - u) * (1 - u),
				h01 = u * u * (3 - 2 * u),
				h11 = u * u * (u - 1);
	Dual		result;

	if (isnan(low.v) || isnan(high.v))
		return dual_const(NAN);
	result.v = h00 * low.v + h10 * width * low.d[1] + h01 * high.v + h11 * width * high.d[1];
	/* d/dc of the cubic: its derivative in u over the width */
	result.d[1] = (6 * u * (u - 1) * (low.v - high.v)) / width +
		(1 - u) * (1 - 3 * u) * low.d[1] + u * (3 * u - 2) * high.d[1];
	/* the b-derivative at fixed c: the ends' m stay, their c move with b */
	result.d[0] = (1 - u) * (low.d[0] + low.d[1]) + u * (high.d[0] + high.d[1]) - result.d[1];
	result.d[2] = (1 - u) * low.d[2] + u * high.d[2];
	return result;
}

/*
 * The parts of term n of the series below that do not depend on z:
 * (b + n) / (c + n), and when harmonic is set (always with shared) the
 * harmonic sums of 1 / (b + k) and of 1 / (c + k) over k <= n, from those
 * to n - 1 (0 for n = 0).  Taken from shared where kept there, else
 * computed into local (and kept, where shared has room for the next term).
 */
static const double *
series_part(ClvHyp2f1Shared *shared, double b, double c, long n,
			bool harmonic, double harmonic_b, double harmonic_c,
			double *local)
{
	double	   *part = local;
	double		inverse_c;

	if (shared != NULL && n < shared->series_terms)
		return shared->series[n];
	if (shared != NULL && n == shared->series_terms &&
		n < CLV_HYP2F1_SHARED_TERMS)
		part = shared->series[shared->series_terms++];
	inverse_c = 1.0 / (c + n);
	part[0] = (b + n) * inverse_c;
	if (harmonic)
	{
		part[1] = harmonic_b + 1.0 / (b + n);
		part[2] = harmonic_c + inverse_c;
	}
	return part;
}

/*
 * log 2F1(1, b; c; z) by its power series, with the derivatives in b, c and
 * z in grad when it is not NULL: the terms t(n) = prod (b + k) / (c + k) z
 * over k < n, whose derivatives are t(n) times harmonic sums.  NaN when it
 * does not converge within limit terms.  The parts of the terms that
 * depend on b and c only come from shared, if not NULL.
 */
static double
log_hyp2f1_one_series(double b, double c, double z, long limit,
					  ClvHyp2f1Shared *shared, double *grad)
{
	double		term = 1.0,
				sum = 1.0,
				sum_b = 0.0,
				sum_c = 0.0,
				sum_z = 0.0,
				harmonic_b = 0.0,
				harmonic_c = 0.0;
	bool		harmonic = grad != NULL || shared != NULL;
	long		n;

	for (n = 0; n < limit; n++)
	{
		double		local[3];
		const double *part = series_part(shared, b, c, n, harmonic,
										 harmonic_b, harmonic_c, local);
		double		ratio = part[0] * z;

		/* the later ratios lie between this one and their limit, z */
		double		bound = Max(fabs(ratio), z);

		term *= ratio;
		sum += term;
		if (harmonic)
		{
			harmonic_b = part[1];
			harmonic_c = part[2];
		}
		if (grad != NULL)
		{
			sum_b += term * harmonic_b;
			sum_c -= term * harmonic_c;
			sum_z += (n + 1) * term;
		}
		if (term == 0.0)
			break;
		/* the tail, and the tails of the derivatives' sums, are negligible */
		if (n + 1 > -b && bound < 1.0 &&
			fabs(term) * (n + 2) <= DBL_EPSILON * 0.25 * fabs(sum) * (1.0 - bound) * (1.0 - bound))
			break;
	}
	if (n == limit || !(sum > 0.0) || !isfinite(sum))
		return NAN;
	if (grad != NULL)
	{
		grad[0] = sum_b / sum;
		grad[1] = sum_c / sum;
		grad[2] = z > 0.0 ? sum_z / (z * sum) : b / c;
	}
	return log(sum);
}

/*
 * log 2F1(1, b; c; z) by the 1 - z transformation, across its pole where m
 * = c - 1 - b is within pole_gap(w) of a non-negative integer (not
 * across one narrower than the rounding of c: c of 1e19); NaN where the
 * difference of its two terms loses more than a factor max_loss (see
 * log_hyp2f1_one_near_one).
 */
static Dual
log_hyp2f1_one_transformed(double b, double c, double w, long limit,
						   double max_loss, bool derivatives_too)
{
	double		m = c - 1 - b,
				gap;

	if (!near_pole(m, w))
		return log_hyp2f1_one_near_one(b, m, w, limit, max_loss, derivatives_too);
	gap = pole_gap(w);
	if (c - gap < c + gap)
		return log_hyp2f1_one_across_pole(b, m, w, gap, limit, max_loss, derivatives_too);
	return dual_const(NAN);
}

/*
 * log 2F1(1, b; c; z): for z <= 0.9 (and c > b) by the series; near z = 1
 * from the 1 - z transformation (across its poles where c - 1 - b is
 * within pole_gap(w) of a non-negative integer), else for z >= 1/2
 * from the continued fraction where it converges fast (z < c / (b + 2), the
 * incomplete beta function's z < (p + 1) / (p + q + 2), always when
 * c >= b + 2: the Pareto/NBD likelihood with s and beta large), else (or
 * where that fails) by the series, or where that would be long by the
 * fraction after all; where none of these converges, by the 1 - z
 * transformation up to w (b + 1) of CLV_HYP2F1_NEAR_ONE_FAR, as long as it
 * loses little to cancellation.  No method takes more than limit terms or
 * steps; the series is not tried where it would need more.
 */
double
clv_special_log_hyp2f1_one(double b, double c, double z, double w, long limit,
						   double *grad)
{
	return clv_special_log_hyp2f1_one_shared(b, c, z, w, limit, NULL, grad);
}

/* Empties shared. */
void
clv_special_hyp2f1_shared_reset(ClvHyp2f1Shared *shared)
{
	shared->b = shared->c = NAN;
	shared->series_terms = shared->fraction_steps = 0;
}

/*
 * clv_special_log_hyp2f1_one with the parts of the series' terms and of the
 * continued fraction's steps that depend on b and c only taken from and
 * kept in shared, when not NULL.
 */
double
clv_special_log_hyp2f1_one_shared(double b, double c, double z, double w,
								  long limit, ClvHyp2f1Shared *shared,
								  double *grad)
{
	double		m = c - 1 - b;
	Dual		db = dual_var(b, 0, 1.0),
				dc = dual_var(c, 1, 1.0),
				dz = dual_var(z, 2, 1.0);
	Dual		result;
	bool		fraction_fast;
	double		series_terms;

	/* z may round to 1 where w does not: w is the one computed exactly */
	if (!(z >= 0.0 && z <= 1.0) || !(w > 0.0 && w <= 1.0) || !(c > 0.0))
		return NAN;
	if (shared != NULL && !(shared->b == b && shared->c == c))
	{
		clv_special_hyp2f1_shared_reset(shared);
		shared->b = b;
		shared->c = c;
	}
	/* away from z = 1 the series is short (c > b: its terms fall like z^n) */
	if (z <= CLV_HYP2F1_SERIES_Z && c > b)
	{
		double		value = log_hyp2f1_one_series(b, c, z, limit, shared, grad);

		if (!isnan(value))
			return value;
	}
	fraction_fast = z >= 0.5 && b > 0.0 &&
		z * (b + 2.0) < c * (1.0 - CLV_HYP2F1_FRACTION_MARGIN);
	if (w * (b + 1) < CLV_HYP2F1_NEAR_ONE && m < limit)
	{
		/*
		 * near a pole the fraction, where it is fast, is the more accurate;
		 * for a large m (the transformation sums past n = m) the faster
		 */
		if ((near_pole(m, w) || m > CLV_HYP2F1_NEAR_ONE_TERMS) && fraction_fast)
		{
			result = log_hyp2f1_one_fraction(db, dc, dz, w, Min(limit, CLV_HYP2F1_MAX_FRACTION),
											 grad != NULL, shared);
			if (isfinite(result.v))
				return dual_result(result, grad);
		}
		result = log_hyp2f1_one_transformed(b, c, w, limit, INFINITY, false);
		if (!isnan(result.v))
			return dual_result(result, grad);
	}
	/*
	 * the continued fraction sees only z, whose rounding moves w by up to
	 * DBL_EPSILON / 2 and log 2F1 (near w^m) by about |m| + 1 times that
	 * relative to w: where that may be more than the transformation (which
	 * sees w) loses to cancellation, in its value and its derivatives, the
	 * transformation first, unless it would be long (a large m)
	 */
	if (w * (b + 1) < CLV_HYP2F1_NEAR_ONE_FAR && m <= CLV_HYP2F1_NEAR_ONE_TERMS &&
		fabs(m) + 1.0 > CLV_HYP2F1_NEAR_ONE_LOSS * w)
	{
		result = log_hyp2f1_one_transformed(b, c, w, limit, CLV_HYP2F1_NEAR_ONE_LOSS,
											true);
		if (!isnan(result.v))
			return dual_result(result, grad);
	}
	if (fraction_fast)
	{
		result = log_hyp2f1_one_fraction(db, dc, dz, w, Min(limit, CLV_HYP2F1_MAX_FRACTION),
										 grad != NULL, shared);
		if (isfinite(result.v))
			return dual_result(result, grad);
	}
	/*
	 * a series with terms falling at least like z^n needs -36 / log(z);
	 * where that is more than CLV_HYP2F1_SERIES_SLOW, the continued
	 * fraction is tried first, outside its fast region too: it converges
	 * there (if slowly), and for c just above b with w (b + 1) near 1 in a
	 * few hundred steps where the series needs millions of terms; where
	 * the rounding of z costs it fewer than ten digits.
	 */
	series_terms = z > 0.0 ? -36.0 / log1p(-w) : 0.0;
	if (series_terms > CLV_HYP2F1_SERIES_SLOW && !fraction_fast && b > 0.0 &&
		(fabs(m) + 1.0) * DBL_EPSILON < 1e-10 * w)
	{
		result = log_hyp2f1_one_fraction(db, dc, dz, w, Min(limit, CLV_HYP2F1_MAX_FRACTION),
										 grad != NULL, shared);
		if (isfinite(result.v))
			return dual_result(result, grad);
	}
	if (z < 1.0 && !(c >= b && series_terms > limit))
	{
		double		value = log_hyp2f1_one_series(b, c, z, limit, shared, grad);

		if (!isnan(value))
			return value;
	}
	if (w * (b + 1) < CLV_HYP2F1_NEAR_ONE_FAR && m < limit)
	{
		result = log_hyp2f1_one_transformed(b, c, w, limit, CLV_HYP2F1_NEAR_ONE_LOSS,
											false);
		if (!isnan(result.v))
			return dual_result(result, grad);
	}
	return NAN;
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
	if (x < CLV_SPECIAL_RATIO_SERIES_FROM)
		return lgamma(x + k) - lgamma(x);
	return (x - 0.5) * log1p(k / x) + k * log(x + k) - k +
		stirling_tail(x + k) - stirling_tail(x);
}

/* The tail of the asymptotic series of digamma beyond log y. */
static double
digamma_tail(double y)
{
	double		inv2 = 1.0 / (y * y);

	return 0.5 / y + inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 / 240)));
}

/* digamma(x + k) - digamma(x). */
double
clv_special_digamma_ratio(double x, double k)
{
	if (k == 0)
		return 0.0;
	if (x < CLV_SPECIAL_RATIO_SERIES_FROM)
		return clv_special_digamma(x + k) - clv_special_digamma(x);
	return log1p(k / x) - (digamma_tail(x + k) - digamma_tail(x));
}

/* log B(a + i, b + j) - log B(a, b). */
double
clv_special_lbeta_ratio(double a, double b, double i, double j)
{
	return clv_special_lgamma_ratio(a, i) + clv_special_lgamma_ratio(b, j) -
		clv_special_lgamma_ratio(a + b, i + j);
}
