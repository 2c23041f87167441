/*
 * test_rng.c -- unit tests of src/core/rng.c: the generator against the
 * published splitmix64 and xoshiro256** outputs, determinism, and the
 * moments of every sampler within a few standard errors.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "rng.h"
#include "tap.h"

#define DRAWS 1000000

typedef double (*Sampler) (ClvSampleRng *rng, const double *shape);

/* Sample mean and variance of DRAWS draws of sampler from key 42. */
static void
moments(Sampler sampler, const double *shape, double *mean, double *var)
{
	ClvSampleRng rng;
	double		sum = 0.0,
				sum2 = 0.0;
	int			i;

	clv_sample_rng_seed(&rng, 42);
	for (i = 0; i < DRAWS; i++)
	{
		double		x = sampler(&rng, shape);

		sum += x;
		sum2 += x * x;
	}
	*mean = sum / DRAWS;
	*var = sum2 / DRAWS - *mean * *mean;
}

static double
draw_uniform(ClvSampleRng *rng, const double *shape)
{
	(void) shape;
	return clv_sample_uniform(rng);
}

static double
draw_exponential(ClvSampleRng *rng, const double *shape)
{
	(void) shape;
	return clv_sample_exponential(rng);
}

static double
draw_normal(ClvSampleRng *rng, const double *shape)
{
	(void) shape;
	return clv_sample_normal(rng);
}

static double
draw_gamma(ClvSampleRng *rng, const double *shape)
{
	return clv_sample_gamma(rng, shape[0]);
}

static double
draw_log_gamma(ClvSampleRng *rng, const double *shape)
{
	return clv_sample_log_gamma(rng, shape[0]);
}

static double
draw_beta(ClvSampleRng *rng, const double *shape)
{
	return clv_sample_beta(rng, shape[0], shape[1]);
}

/*
 * Checks mean and variance against want_mean and want_var, within 5
 * standard errors; kurtosis is the distribution's 4th central moment over
 * the squared variance (3 for a normal), for the variance's standard error.
 */
static void
check_moments(const char *what, Sampler sampler, const double *shape,
			  double want_mean, double want_var, double kurtosis)
{
	double		mean,
				var;
	char		label[128];

	moments(sampler, shape, &mean, &var);
	snprintf(label, sizeof(label), "%s mean", what);
	is_near(mean, want_mean, 5.0 * sqrt(want_var / DRAWS), label);
	snprintf(label, sizeof(label), "%s variance", what);
	is_near(var, want_var, 5.0 * want_var * sqrt((kurtosis - 1.0) / DRAWS), label);
}

/* Checks a gamma shape k: mean = variance = k, kurtosis 3 + 6 / k. */
static void
check_gamma(double k)
{
	char		what[64];

	snprintf(what, sizeof(what), "gamma(%g)", k);
	check_moments(what, draw_gamma, &k, k, k, 3.0 + 6.0 / k);
}

/* Checks beta(a, b) mean and variance; its kurtosis is below 9 for these. */
static void
check_beta(double a, double b)
{
	double		shape[2] = {a, b};
	double		s = a + b;
	char		what[64];

	snprintf(what, sizeof(what), "beta(%g, %g)", a, b);
	check_moments(what, draw_beta, shape, a / s, a * b / (s * s * (s + 1.0)), 9.0);
}

int
main(void)
{
	ClvSampleRng rng,
				again;
	uint64_t	counter = 0;
	int			i,
				same,
				all_finite;
	double		tiny = 1e-3,
				mean,
				var;

	/* published vectors */
	ok(clv_sample_splitmix64(&counter) == UINT64_C(0xE220A8397B1DCDAF),
	   "splitmix64 from 0 gives the reference first output");
	memset(&rng, 0, sizeof(rng));
	rng.s[0] = 1;
	rng.s[1] = 2;
	rng.s[2] = 3;
	rng.s[3] = 4;
	ok(clv_sample_rng_next(&rng) == 11520 && clv_sample_rng_next(&rng) == 0 &&
	   clv_sample_rng_next(&rng) == 1509978240,
	   "xoshiro256** from {1,2,3,4} gives the reference outputs");

	/* determinism: the same key gives the same stream, another key another */
	clv_sample_rng_seed(&rng, 7);
	clv_sample_rng_seed(&again, 7);
	same = 1;
	for (i = 0; i < 1000; i++)
		same &= clv_sample_gamma(&rng, 0.5) == clv_sample_gamma(&again, 0.5);
	ok(same, "the same key gives the same gamma draws");
	clv_sample_rng_seed(&again, 8);
	ok(clv_sample_rng_next(&rng) != clv_sample_rng_next(&again),
	   "another key gives another stream");

	/* ranges */
	clv_sample_rng_seed(&rng, 1);
	same = 1;
	for (i = 0; i < DRAWS; i++)
	{
		double		u = clv_sample_uniform(&rng);
		double		v = clv_sample_uniform_open(&rng);

		same &= u >= 0.0 && u < 1.0 && v > 0.0 && v < 1.0;
	}
	ok(same, "uniform draws lie in [0, 1), open uniform draws in (0, 1)");

	/* moments */
	check_moments("uniform", draw_uniform, NULL, 0.5, 1.0 / 12.0, 1.8);
	check_moments("exponential", draw_exponential, NULL, 1.0, 1.0, 9.0);
	check_moments("normal", draw_normal, NULL, 0.0, 1.0, 3.0);
	check_gamma(0.243);
	check_gamma(0.8);
	check_gamma(1.0);
	check_gamma(3.74);
	check_gamma(6.25);
	check_gamma(50.0);
	check_beta(2.0, 5.0);
	check_beta(0.793, 2.426);
	check_beta(0.5, 0.5);

	/*
	 * A tiny shape underflows a double but not its log: E[log X] is
	 * digamma(0.001) = -1000.5756 and Var[log X] trigamma(0.001) ~ 1e6.
	 */
	moments(draw_log_gamma, &tiny, &mean, &var);
	is_near(mean, -1000.5756, 5.0 * 1000.0 / sqrt(DRAWS), "log gamma(0.001) mean");
	clv_sample_rng_seed(&rng, 3);
	all_finite = 1;
	for (i = 0; i < 10000; i++)
	{
		double		p = clv_sample_beta(&rng, tiny, tiny);

		all_finite &= p >= 0.0 && p <= 1.0;
	}
	ok(all_finite, "beta(0.001, 0.001) draws stay in [0, 1]");

	return done_testing();
}
