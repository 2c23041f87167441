/*
 * fuzz_special.c -- libFuzzer harness of src/core/special.c.
 *
 * The first byte picks a function; its arguments are any doubles of its
 * domain (positive finite parameters from subnormals to DBL_MAX, z in
 * [0, 1)).  Every call must end within the series' term budget and:
 *	- digamma: not NaN, increasing, psi(x + 1) - psi(x) = 1/x;
 *	- logsumexp / logdiffexp: between the bounds max(u, v) and
 *	  max(u, v) + log 2, resp. below u, and symmetric / never NaN;
 *	- hyp2f1 (a, b any finite, c > 0; also all in [1e-3, 1e5], where the
 *	  models' parameters usually are): for a, b > 0 NaN or >= 1, increasing
 *	  in z, and (1 - z)^-a when b = c;
 *	- log_hyp2f1_a1(a, b, z, w = 1 - z), log 2F1(a, b; a + 1; z), for
 *	  0 < b <= a + 1 as the Pareto/NBD uses it and w down to 1e-300: NaN or >= 0, increasing in z, -a log w when b = a + 1,
 *	  and log of hyp2f1 where that is finite; the same to the bit with
 *	  the parts of its terms shared between w and w2.
 */
#include <float.h>

#include "fuzz_input.h"
#include "special.h"

/* The next double of in reduced to [0, 1): z = |v| mod 1. */
static double
fuzz_unit_interval(FuzzInput *in)
{
	double		v = fabs(fuzz_double(in));

	v = isfinite(v) ? fmod(v, 1.0) : 0.5;
	return v;
}

/* The next double of in as any finite double (non-finite ones become 0). */
static double
fuzz_finite_double(FuzzInput *in)
{
	double		v = fuzz_double(in);

	return isfinite(v) ? v : 0.0;
}

/*
 * The next two bytes of in as a positive double log-uniform in [1e-3, 1e5],
 * where the models' parameters usually are.
 */
static double
fuzz_moderate_positive(FuzzInput *in)
{
	uint16_t	v = (uint16_t) fuzz_i16(in);

	return exp(log(1e-3) + (log(1e5) - log(1e-3)) * v / 65535.0);
}

/* True when a and b agree to tol, relative to the larger but at least 1. */
static int
close_to(double a, double b, double tol)
{
	return a == b || fabs(a - b) <= tol * (1.0 + fmax(fabs(a), fabs(b)));
}

/* Checks digamma at x > 0 and its recurrence where that is well conditioned. */
static void
check_digamma(double x, double y)
{
	double		psi_x = clv_special_digamma(x);
	double		psi_y = clv_special_digamma(y);

	FUZZ_CHECK(!isnan(psi_x) && psi_x < INFINITY, "digamma(%.17g) = %.17g", x, psi_x);
	FUZZ_CHECK(x > y ? psi_x >= psi_y : psi_x <= psi_y,
			   "digamma(%.17g) = %.17g, digamma(%.17g) = %.17g", x, psi_x, y, psi_y);
	if (x >= 1e-3 && x <= 1e6)
	{
		double		step = clv_special_digamma(x + 1.0) - psi_x;

		/* psi(x) is about log x; the difference loses that many digits */
		FUZZ_CHECK(fabs(step - 1.0 / x) <= 1e-12 * (1.0 + fabs(psi_x)) + 1e-13 / x,
				   "digamma(%.17g + 1) - digamma(%.17g) = %.17g, not 1/x", x, x, step);
	}
}

/* Checks logsumexp and logdiffexp on u, v finite or -inf. */
static void
check_logs(double u, double v)
{
	double		hi = fmax(u, v);
	double		lo = fmin(u, v);
	double		sum = clv_special_logsumexp(u, v);
	double		diff = clv_special_logdiffexp(hi, lo);

	FUZZ_CHECK(sum == clv_special_logsumexp(v, u), "logsumexp is not symmetric");
	FUZZ_CHECK(sum >= hi &&
			   (hi == -INFINITY || sum <= hi + log(2.0) + DBL_EPSILON * (1.0 + fabs(hi))),
			   "logsumexp(%.17g, %.17g) = %.17g", u, v, sum);
	FUZZ_CHECK(!isnan(diff) && diff <= hi, "logdiffexp(%.17g, %.17g) = %.17g", hi, lo, diff);
	if (lo != -INFINITY && hi - lo > 1.0 && hi - lo < 700.0)
		FUZZ_CHECK(close_to(clv_special_logsumexp(diff, lo), hi, 1e-13),
				   "logsumexp(logdiffexp(%.17g, %.17g), %.17g) != %.17g", hi, lo, lo, hi);
}

/*
 * Checks c (2F1(a, b; c; z) - 1) and log 2F1(a, b; c; z) at z and at
 * z2 >= z.
 */
static void
check_hyp2f1(double a, double b, double c, double z, double z2)
{
	double		tail = clv_special_hyp2f1_tail_times_c(a, b, c, z);
	double		log_f;

	if (!(a > 0.0 && b > 0.0 && c > 0.0))
		return;					/* any value, or NaN: it only must not hang */

	log_f = clv_special_log_hyp2f1_positive(a, b, c, z);
	FUZZ_CHECK(isnan(tail) || tail >= 0.0, "c (2F1(%.17g, %.17g; %.17g; %.17g) - 1) = %.17g < 0",
			   a, b, c, z, tail);
	FUZZ_CHECK(isnan(log_f) || log_f >= 0.0, "log 2F1(%.17g, %.17g; %.17g; %.17g) = %.17g < 0",
			   a, b, c, z, log_f);
	if (isfinite(tail))
	{
		double		tail2 = clv_special_hyp2f1_tail_times_c(a, b, c, z2);

		FUZZ_CHECK(isnan(tail2) || tail2 >= tail * (1 - 1e-9),
				   "2F1(%.17g, %.17g; %.17g; z) decreases from z = %.17g (c (F - 1) = %.17g) "
				   "to %.17g (%.17g)", a, b, c, z, tail, z2, tail2);
		/* (a subnormal tail has lost the digits to compare) */
		FUZZ_CHECK(isnan(log_f) || tail < 1e-290 || close_to(log_f, log1p(tail / c), 1e-9),
				   "log 2F1(%.17g, %.17g; %.17g; %.17g) = %.17g, log1p(tail / c) %.17g",
				   a, b, c, z, log_f, log1p(tail / c));
	}
	/* 2F1(a, c; c; z) = (1 - z)^-a; a log(1 - z) must not be subnormal */
	if (b == c && -a * log1p(-z) >= 1e-290)
	{
		double		power_tail = c * expm1(-a * log1p(-z));

		FUZZ_CHECK(!isfinite(tail) || !isfinite(power_tail) || power_tail < 1e-290 ||
				   fabs(tail - power_tail) <= 1e-9 * power_tail,
				   "c (2F1(%.17g, %.17g; %.17g; %.17g) - 1) = %.17g, c ((1 - z)^-a - 1) = %.17g",
				   a, b, c, z, tail, power_tail);
		FUZZ_CHECK(isnan(log_f) || close_to(log_f, -a * log1p(-z), 1e-9),
				   "log 2F1(%.17g, %.17g; %.17g; %.17g) = %.17g, -a log(1 - z) = %.17g",
				   a, b, c, z, log_f, -a * log1p(-z));
	}
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
 * Checks that log 2F1(1, b; c; 1 - w) with shared parts is the same to the
 * bit as without, derivatives included: at w, at w2 with the parts that
 * kept, at w again.
 */
static void
check_log_hyp2f1_one_shared(double b, double c, double w, double w2)
{
	ClvHyp2f1Shared shared;
	const double ws[3] = {w, w2, w};

	clv_special_hyp2f1_shared_reset(&shared);
	for (int i = 0; i < 3; i++)
	{
		double		want_grad[3] = {0, 0, 0},
					got_grad[3] = {0, 0, 0};
		double		want = clv_special_log_hyp2f1_one(b, c, 1.0 - ws[i], ws[i],
													  CLV_HYP2F1_MAX_TERMS,
													  i == 2 ? NULL : want_grad);
		double		got = clv_special_log_hyp2f1_one_shared(b, c, 1.0 - ws[i], ws[i],
															CLV_HYP2F1_MAX_TERMS, &shared,
															i == 2 ? NULL : got_grad);

		FUZZ_CHECK(memcmp(&got, &want, sizeof(got)) == 0 &&
				   memcmp(got_grad, want_grad, sizeof(got_grad)) == 0,
				   "log 2F1(1, %.17g; %.17g; 1 - %.17g) = %.17g with shared parts, %.17g without",
				   b, c, ws[i], got, want);
	}
}

/* Checks log 2F1(a, b; a + 1; 1 - w) at w and at w2 <= w. */
static void
check_log_hyp2f1_a1(double a, double b, double w, double w2)
{
	double		log_f = log_hyp2f1_a1(a, b, 1.0 - w, w);
	double		log_f2 = log_hyp2f1_a1(a, b, 1.0 - w2, w2);
	double		log_f_series = clv_special_log_hyp2f1_positive(a, b, a + 1.0, 1.0 - w);

	if (a > 0.0 && b > 0.0)
		check_log_hyp2f1_one_shared(a + 1 - b, a + 1, w, w2);

	FUZZ_CHECK(isnan(log_f) || log_f >= -1e-9,
			   "log 2F1(%.17g, %.17g; a + 1; 1 - %.17g) = %.17g < 0", a, b, w, log_f);
	/*
	 * z = 1 - w2 rounds by up to DBL_EPSILON / 2, which moves w2 by that
	 * much: the function of z then differs from that of w2 by about
	 * (1 + |1 - b|) DBL_EPSILON / (2 w2), beyond any method's reach
	 */
	FUZZ_CHECK(!isfinite(log_f) || isnan(log_f2) ||
			   log_f2 >= log_f - 1e-9 * (1.0 + fabs(log_f)) -
			   (1.0 + fabs(1.0 - b)) * DBL_EPSILON / w2,
			   "log 2F1(%.17g, %.17g; a + 1; 1 - w) falls from %.17g at w = %.17g to %.17g at %.17g",
			   a, b, log_f, w, log_f2, w2);
	/* comparable when z = 1 - w is exact, so both see the same number */
	if (isfinite(log_f_series) && 1.0 - (1.0 - w) == w)
		FUZZ_CHECK(isnan(log_f) || close_to(log_f, log_f_series, 1e-9),
				   "log 2F1(%.17g, %.17g; a + 1; 1 - %.17g) = %.17g, by the plain series %.17g",
				   a, b, w, log_f, log_f_series);
	if (b == a + 1.0)
		FUZZ_CHECK(isnan(log_f) || close_to(log_f, -a * log(w), 1e-9),
				   "log 2F1(%.17g, a + 1; a + 1; 1 - %.17g) = %.17g, -a log w = %.17g",
				   a, w, log_f, -a * log(w));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size};
	uint8_t		op = fuzz_u8(&in);

	switch (op % 4)
	{
		case 0:
			check_digamma(fuzz_positive_double(&in), fuzz_positive_double(&in));
			break;
		case 1:
			{
				double		u = fuzz_finite_double(&in);
				double		v = fuzz_finite_double(&in);

				/* -inf, the log of zero, is an input the likelihoods pass */
				check_logs(op & 4 ? -INFINITY : u, op & 8 ? -INFINITY : v);
				break;
			}
		case 2:
			{
				/* op bits: a and b signed, b = c, moderate, -1 < c */
				double		a = op & 4 ? fuzz_finite_double(&in) : fuzz_positive_double(&in);
				double		b = op & 8 ? fuzz_finite_double(&in) : fuzz_positive_double(&in);
				double		c = op & 64 ? fuzz_positive_double(&in) - 1.0 : fuzz_positive_double(&in);
				double		z = fuzz_unit_interval(&in);
				double		z2 = z + (1.0 - z) * fuzz_unit_interval(&in);

				if (op & 32)
				{
					a = (op & 4 ? -1 : 1) * fuzz_moderate_positive(&in);
					b = (op & 8 ? -1 : 1) * fuzz_moderate_positive(&in);
					c = fuzz_moderate_positive(&in);
				}
				if (op & 16)
					b = c;
				check_hyp2f1(a, b, c, z, z2 < 1.0 ? z2 : z);
				break;
			}
		default:
			{
				/* op bits: moderate parameters, b = a + 1, w log-uniform */
				double		a = op & 32 ? fuzz_moderate_positive(&in) : fuzz_positive_double(&in);
				double		b = op & 32 ? fuzz_moderate_positive(&in) : fuzz_positive_double(&in);
				double		w = op & 8 ? exp(-690.0 * fuzz_unit_interval(&in)) :
					1.0 - fuzz_unit_interval(&in);
				double		w2 = w * fuzz_unit_interval(&in);

				/*
				 * The Pareto/NBD passes b <= a + 1 (a = r + s + x, b = s + 1
				 * or r + x); beyond, Euler's series alternates and loses
				 * digits (reported, not checked here).
				 */
				if (b > a + 1.0)
					b = fmod(b, a + 1.0);
				if (op & 16 || !(b > 0.0))
					b = a + 1.0;
				check_log_hyp2f1_a1(a, b, w, w2 > 0.0 ? w2 : w);
				break;
			}
	}
	return 0;
}
