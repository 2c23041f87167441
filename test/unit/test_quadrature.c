/*
 * test_quadrature.c -- unit tests of src/core/quadrature.c against
 * integrals known in closed form, and of the BG/NBD expectation at and
 * near a = 1, which is such an integral, and where its closed form
 * cancels, against values computed independently with 40-digit
 * arithmetic (mpmath's quad of the integral, or its hyp2f1 in the closed
 * form).
 */
#include <math.h>
#include <stdbool.h>

#include "bgnbd.h"
#include "quadrature.h"
#include "tap.h"

/* exp(-k x) for k = *(double *) arg. */
static double
exponential(double x, const void *arg)
{
	return exp(-*(const double *) arg * x);
}

/* The standard normal density. */
static double
normal_density(double x, const void *arg)
{
	(void) arg;
	return exp(-0.5 * x * x) / sqrt(2.0 * 3.14159265358979323846);
}

/* A narrow bump (width 1e-3) at 0.3 on a flat floor of 1. */
static double
bump(double x, const void *arg)
{
	double		u = (x - 0.3) / 1e-3;

	(void) arg;
	return 1.0 + 1.0 / (1.0 + u * u);
}

/* 1, overflowing to infinity beyond 0.7. */
static double
overflowing(double x, const void *arg)
{
	(void) arg;
	return x > 0.7 ? INFINITY : 1.0;
}

static void
test_known_integrals(void)
{
	double		rate = 1.0,
				fast = 1e4;

	is_near(clv_quadrature_positive(exponential, &rate, 0.0, 50.0, 4.0, 1e-12, 0.0, 0.0),
			-expm1(-50.0), 1e-14, "integral of exp(-x) over [0, 50]");
	is_near(clv_quadrature_positive(exponential, &fast, 0.0, 1.0, 4.0, 1e-12, 0.0, 0.0) * 1e4,
			1.0, 1e-12, "integral of exp(-1e4 x) over [0, 1], refined near 0");
	is_near(clv_quadrature_positive(normal_density, NULL, -10.0, 10.0, 1.0, 1e-12, 0.0, 0.0),
			1.0, 1e-14, "normal density over [-10, 10]");
	is_near(clv_quadrature_positive(bump, NULL, 0.0, 1.0, 1.0, 1e-12, 0.0, 0.0),
			1.0 + 1e-3 * (atan(700.0) + atan(300.0)), 1e-12,
			"a bump a thousandth wide on [0, 1]");
	is_near(clv_quadrature_positive(bump, NULL, 0.5, 0.5, 1.0, 1e-12, 0.0, 0.0), 0.0, 0.0,
			"an empty interval");
	ok(isnan(clv_quadrature_positive(overflowing, NULL, 0.0, 1.0, 1.0, 1e-12, 0.0, 0.0)),
	   "a non-finite integrand gives NaN");
	ok(isnan(clv_quadrature_positive(bump, NULL, 0.0, 1e6, 1.0, 1e-12, 0.0, 0.0)),
	   "more panels than the budget gives NaN");
	ok(isnan(clv_quadrature_positive(bump, NULL, 0.0, INFINITY, 1.0, 1e-12, 0.0, 0.0)),
	   "an infinite interval gives NaN");
	ok(isnan(clv_quadrature_positive(bump, NULL, 0.0, 1.0, 0.0, 1e-12, 0.0, 0.0)),
	   "panels of width 0 give NaN");
	ok(isnan(clv_quadrature_positive(bump, NULL, 0.0, NAN, 1.0, 1e-12, 0.0, 0.0)),
	   "a NaN bound gives NaN");
}

/*
 * BG/NBD E[Y(h) | x = 0, t, alive] where the closed form is 0/0 (a = 1):
 * r = 1e6, alpha = b = 783.6..., t = 154.25..., h = 1716.2... (CI's
 * fuzzer found the jump from 6067 to 17060 between a = 1 and 1 + 1e-9),
 * and CDNOW's r, alpha and b with a = 1.
 */
static void
test_bgnbd_a_one(void)
{
	double		huge[4] = {999999.99999999953, 783.64189662175295, 1.0, 783.64189662175295};
	double		cdnow[4] = {0.243, 4.414, 1.0, 2.426};
	double		a_values[3] = {1.0, 1.001, 0.999};
	double		want[3] = {6078.611316198204772, 6055.103875110637143, 6102.240620090516797};
	int			i;

	for (i = 0; i < 3; i++)
	{
		huge[2] = a_values[i];
		is_near(clv_bgnbd_purchases_if_alive(huge, 1716.2357473489355, 0, 154.25359490188205),
				want[i], 1e-11 * want[i], "BG/NBD expectation near a = 1, r = 1e6");
	}
	for (i = -1; i <= 1; i += 2)
	{
		double		inside,
					outside;

		huge[2] = 1.0 + i * 1e-9;
		is_near(clv_bgnbd_purchases_if_alive(huge, 1716.2357473489355, 0, 154.25359490188205),
				want[0], 1e-8 * want[0], "BG/NBD expectation at a = 1 +- 1e-9, r = 1e6");
		/* the edges of the integral's window, for CDNOW's r, alpha and b */
		cdnow[2] = 1.0 + i * 0.01 * (1.0 - 1e-12);
		inside = clv_bgnbd_purchases_if_alive(cdnow, 39.0, 2, 30.0);
		cdnow[2] = 1.0 + i * 0.01 * (1.0 + 1e-12);
		outside = clv_bgnbd_purchases_if_alive(cdnow, 39.0, 2, 30.0);
		is_near(inside, outside, 1e-10 * outside,
				"BG/NBD expectation continuous at the edge of the a = 1 window");
	}
	cdnow[2] = 1.0;
	is_near(clv_bgnbd_purchases_if_alive(cdnow, 39.0, 0, 0.0), 1.084279010591519, 1e-11,
			"BG/NBD E[X(39)] at a = 1, CDNOW's r, alpha and b");
	is_near(clv_bgnbd_purchases_if_alive(cdnow, 39.0, 2, 30.0), 1.954206244255620, 1e-11,
			"BG/NBD E[Y(39) | x = 2, t = 30, alive] at a = 1");
}

/*
 * Away from a = 1, where the closed form's terms cancel: r = 1.9e-6,
 * alpha = 2.5e-4, b = 484,513 gave 0.12338 for 0.12349 (mpmath).
 */
static void
test_bgnbd_cancellation(void)
{
	double		param[4] = {1.94878e-06, 0.00025106, 0.98, 484513};
	double		large_a[4] = {4.96731, 0.255464, 93.1265, 26.2019};

	is_near(clv_bgnbd_purchases_if_alive(param, 224.753, 0, 0.00308876),
			0.1234928445614509, 1e-11, "BG/NBD expectation where the closed form cancels");
	is_near(clv_bgnbd_purchases_if_alive_integral(large_a, 0.155426, 390, 1.40326),
			5.509115467550880, 1e-10, "BG/NBD expectation's integral at a = 93");
	is_near(clv_bgnbd_purchases_if_alive(large_a, 0.155426, 390, 1.40326),
			5.509115467550880, 1e-10, "BG/NBD expectation's closed form at a = 93");
	{
		/*
		 * r = 9.4e-129 (a random fuzz pass): the series' part of the
		 * exponent was lost to the rounding of its log near 1, the
		 * expectation 3.3 times mpmath's
		 */
		double		tiny_r[4] = {9.3600019568501916e-129, 1e-3, 1.0625, 1};

		is_near(clv_bgnbd_purchases_if_alive(tiny_r, 153.30805198109906, 0, 0.0010291937469987728),
				5.1124535873258787e-127, 1e-9 * 5.1124535873258787e-127,
				"BG/NBD expectation at r = 9.4e-129 = its integral");
	}
}

int
main(void)
{
	test_known_integrals();
	test_bgnbd_a_one();
	test_bgnbd_cancellation();
	{
		/*
		 * a = b = 4e-16, x = 0: Beta(a, b) puts half its mass at p = 0 and
		 * half at p = 1, so the expectation is (r zeta + 1 - (1 + zeta)^-r)
		 * / 2: 0.75 at zeta = 1, 0.342857 at zeta = 0.4 (r = 1).  The
		 * series' c + 1 = a + b, formed from a + b - 1, used to be 2.6% off
		 */
		double		tiny[4] = {1, 3.9880952570848757e-16, 3.9880952570848757e-16,
		3.9880952570848757e-16};

		is_near(clv_bgnbd_purchases_if_alive(tiny, 0.001, 0, 0.001), 0.75, 1e-9,
				"BG/NBD purchases if alive, a = b = 4e-16, zeta = 1");
		is_near(clv_bgnbd_purchases_if_alive(tiny, 0.0004, 0, 0.001), 0.5 * (0.4 + 1 - 1 / 1.4),
				1e-9, "BG/NBD purchases if alive, a = b = 4e-16, zeta = 0.4");
	}
	return done_testing();
}
