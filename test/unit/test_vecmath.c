/*
 * test_vecmath.c -- unit tests of src/core/vecmath.c: the array forms of
 * exp, expm1, log and log1p agree with libm within glibc's documented 4 ulp
 * of the vector functions (5 allowed: libm's own ulp) over their whole
 * domains, keep libm's special values (infinities, NaN, signed zeros,
 * overflow, underflow, log(0), log1p(-1)), and handle every array length
 * (NaN where libm's is) and the in-place call; log1p of a pair +-e within
 * 1 ulp of libm's over its domain |e| <= 0.2, the same on both paths, for
 * every array length.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vecmath.h"

/* The smallest subnormal double (C11's SMALLEST_SUBNORMAL; the tests are C99). */
#define SMALLEST_SUBNORMAL 4.9406564584124654e-324

#define SWEEP 200003

typedef void (*ArrayFunction) (const double *in, double *out, size_t n);

/* The distance of got from want in units of want's last place. */
static double
ulps(double got, double want)
{
	double		unit;

	if (got == want)
		return 0.0;
	unit = fabs(want) >= DBL_MIN ? ldexp(DBL_EPSILON, ilogb(want)) : SMALLEST_SUBNORMAL;
	return fabs(got - want) / unit;
}

/* Whether got is want as a special value: same class, sign and (NaN) NaN. */
static int
same_special(double got, double want)
{
	if (isnan(want))
		return isnan(got);
	return got == want && signbit(got) == signbit(want);
}

/*
 * The largest ulp error of f against libm's g over n inputs from lo to hi
 * (evenly spaced in value, or in logarithm when log_spaced), in place.
 */
static double
worst_ulps(ArrayFunction f, double (*g) (double), double lo, double hi,
		   int log_spaced)
{
	double	   *values = malloc(sizeof(double) * SWEEP);
	double		worst = 0.0;
	size_t		i;

	for (i = 0; i < SWEEP; i++)
	{
		double		share = (double) i / (SWEEP - 1);

		values[i] = log_spaced ? exp(log(lo) + share * (log(hi) - log(lo))) :
			lo + share * (hi - lo);
	}
	{
		double	   *want = malloc(sizeof(double) * SWEEP);

		for (i = 0; i < SWEEP; i++)
			want[i] = g(values[i]);
		f(values, values, SWEEP);
		for (i = 0; i < SWEEP; i++)
			worst = fmax(worst, ulps(values[i], want[i]));
		free(want);
	}
	free(values);
	return worst;
}

/* Checks f against g on the special inputs, one array of them. */
static void
check_specials(ArrayFunction f, double (*g) (double), const char *path,
			   const char *name)
{
	const double in[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, SMALLEST_SUBNORMAL,
		-SMALLEST_SUBNORMAL, DBL_MIN, DBL_MAX, -DBL_MAX, 1e-300, -1e-300, 1.0, -1.0,
	-1.5, 709.78, 709.79, -745.2, -745.1, -708.5, 1e-17, -0.9999999999999999};
	size_t		n = sizeof(in) / sizeof(in[0]);
	double		out[sizeof(in) / sizeof(in[0])];
	size_t		i;
	int			all = 1;

	f(in, out, n);
	for (i = 0; i < n; i++)
	{
		double		want = g(in[i]);
		int			good = isfinite(want) && want != 0.0 ?
			ulps(out[i], want) <= 5.0 : same_special(out[i], want);

		if (!good)
		{
			printf("# %s(%.17g) = %.17g, libm %.17g\n", name, in[i], out[i], want);
			all = 0;
		}
	}
	ok(all, "%s: %s keeps libm's special values, overflow and underflow", path, name);
}

/* Checks every length up to 9 against f one element at a time. */
static void
check_lengths(ArrayFunction f, const char *path, const char *name)
{
	double		in[9],
				out[10],
				one;
	size_t		n,
				i;
	int			all = 1;

	for (n = 0; n <= 9; n++)
	{
		for (i = 0; i < 9; i++)
			in[i] = 0.37 * (double) i - 1.0 / (double) (n + 2);
		out[n] = -12345.0;
		f(in, out, n);
		for (i = 0; i < n; i++)
		{
			f(&in[i], &one, 1);
			if (!(out[i] == one || (isnan(out[i]) && isnan(one))))
				all = 0;
		}
		if (out[n] != -12345.0)
			all = 0;
	}
	ok(all, "%s: %s of lengths 0 to 9: each element as alone, nothing written past the end",
	   path, name);
}

/*
 * The largest ulp error of clv_vec_log1p_pair against libm's log1p of e
 * and -e, over n values of e from lo to hi (evenly spaced in value, or in
 * logarithm when log_spaced).
 */
static double
worst_pair_ulps(double lo, double hi, int log_spaced)
{
	double	   *e = malloc(sizeof(double) * SWEEP),
			   *plus = malloc(sizeof(double) * SWEEP),
			   *minus = malloc(sizeof(double) * SWEEP);
	double		worst = 0.0;
	size_t		i;

	for (i = 0; i < SWEEP; i++)
	{
		double		share = (double) i / (SWEEP - 1);

		e[i] = log_spaced ? exp(log(lo) + share * (log(hi) - log(lo))) :
			lo + share * (hi - lo);
	}
	clv_vec_log1p_pair(e, plus, minus, SWEEP);
	for (i = 0; i < SWEEP; i++)
		worst = fmax(worst, fmax(ulps(plus[i], log1p(e[i])),
								 ulps(minus[i], log1p(-e[i]))));
	free(e);
	free(plus);
	free(minus);
	return worst;
}

/*
 * Checks clv_vec_log1p_pair of every length up to 9 against it one
 * element at a time; into out_plus and out_minus (10 each) the results of
 * length 9.
 */
static void
check_pair_lengths(const char *path, double *out_plus, double *out_minus)
{
	double		in[9],
				one_plus,
				one_minus;
	size_t		n,
				i;
	int			all = 1;

	for (n = 0; n <= 9; n++)
	{
		for (i = 0; i < 9; i++)
			in[i] = 0.047 * (double) i - 0.19 / (double) (n + 1);
		out_plus[n] = out_minus[n] = -12345.0;
		clv_vec_log1p_pair(in, out_plus, out_minus, n);
		for (i = 0; i < n; i++)
		{
			clv_vec_log1p_pair(&in[i], &one_plus, &one_minus, 1);
			if (out_plus[i] != one_plus || out_minus[i] != one_minus)
				all = 0;
		}
		if (out_plus[n] != -12345.0 || out_minus[n] != -12345.0)
			all = 0;
	}
	ok(all, "%s: log1p pair of lengths 0 to 9: each element as alone, nothing written past the end",
	   path);
}

/* All checks of both functions, on the path named path. */
static void
check_path(const char *path)
{
	double		worst;

	worst = worst_ulps(clv_vec_exp, exp, -745.0, 709.7, 0);
	ok(worst <= 5.0, "%s: exp over [-745, 709.7]: worst %.2f ulp", path, worst);
	worst = worst_ulps(clv_vec_exp, exp, -1e-3, 1e-3, 0);
	ok(worst <= 5.0, "%s: exp over [-1e-3, 1e-3]: worst %.2f ulp", path, worst);
	worst = worst_ulps(clv_vec_expm1, expm1, -745.0, 709.7, 0);
	ok(worst <= 5.0, "%s: expm1 over [-745, 709.7]: worst %.2f ulp", path, worst);
	worst = worst_ulps(clv_vec_expm1, expm1, -1e-3, 1e-3, 0);
	ok(worst <= 5.0, "%s: expm1 over [-1e-3, 1e-3]: worst %.2f ulp", path, worst);
	worst = worst_ulps(clv_vec_log, log, 0.5, 2.0, 0);
	ok(worst <= 5.0, "%s: log over [0.5, 2]: worst %.2f ulp", path, worst);
	worst = worst_ulps(clv_vec_log, log, 1e-300, 1e300, 1);
	ok(worst <= 5.0, "%s: log over [1e-300, 1e300]: worst %.2f ulp", path, worst);
	worst = worst_ulps(clv_vec_log, log, 1e-320, 1e-300, 1);
	ok(worst <= 5.0, "%s: log of subnormals: worst %.2f ulp", path, worst);
	worst = worst_ulps(clv_vec_log1p, log1p, -1.0 + 1e-12, 1.0, 0);
	ok(worst <= 5.0, "%s: log1p over (-1, 1]: worst %.2f ulp", path, worst);
	worst = worst_ulps(clv_vec_log1p, log1p, 1e-300, 1e300, 1);
	ok(worst <= 5.0, "%s: log1p over [1e-300, 1e300]: worst %.2f ulp", path, worst);
	worst = worst_ulps(clv_vec_log1p, log1p, 1e-320, 1e-300, 1);
	ok(worst <= 5.0, "%s: log1p of subnormals: worst %.2f ulp", path, worst);
	check_specials(clv_vec_exp, exp, path, "exp");
	check_specials(clv_vec_expm1, expm1, path, "expm1");
	check_specials(clv_vec_log, log, path, "log");
	check_specials(clv_vec_log1p, log1p, path, "log1p");
	check_lengths(clv_vec_exp, path, "exp");
	check_lengths(clv_vec_expm1, path, "expm1");
	check_lengths(clv_vec_log, path, "log");
	check_lengths(clv_vec_log1p, path, "log1p");
	worst = worst_pair_ulps(-0.2, 0.2, 0);
	ok(worst <= 1.0, "%s: log1p pair over [-0.2, 0.2]: worst %.2f ulp", path, worst);
	worst = worst_pair_ulps(1e-320, 1e-3, 1);
	ok(worst <= 1.0, "%s: log1p pair over [1e-320, 1e-3]: worst %.2f ulp", path, worst);
}

int
main(void)
{
	double		vector_plus[10],
				vector_minus[10],
				scalar_plus[10],
				scalar_minus[10];

	check_path("this processor's path");
	check_pair_lengths("this processor's path", vector_plus, vector_minus);
	clv_vec_force_scalar(true);
	check_path("the scalar path");
	check_pair_lengths("the scalar path", scalar_plus, scalar_minus);
	ok(memcmp(vector_plus, scalar_plus, sizeof(vector_plus)) == 0 &&
	   memcmp(vector_minus, scalar_minus, sizeof(vector_minus)) == 0,
	   "log1p pair: the same values on both paths");
	return done_testing();
}
