/*-------------------------------------------------------------------------
 *
 * rng.c
 *	  xoshiro256** seeded by splitmix64, and the uniform, exponential,
 *	  normal, gamma and beta samplers built on it.
 *
 * References: Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators" (2021); Marsaglia and Tsang, "A simple method for generating
 * gamma variables" (2000).
 *
 *-------------------------------------------------------------------------
 */
#include "rng.h"

#include <math.h>

/* The spacings of the uniform grids. */
#define CLV_SAMPLE_TWO_POW_MINUS_53 (1.0 / 9007199254740992.0)
#define CLV_SAMPLE_TWO_POW_MINUS_52 (1.0 / 4503599627370496.0)

/* x rotated left by k bits (0 < k < 64). */
static inline uint64_t
rotate_left(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Advances a splitmix64 counter and returns its next mixed output. */
uint64_t
clv_sample_splitmix64(uint64_t *counter)
{
	uint64_t	z = (*counter += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Seeds rng from key through four splitmix64 outputs. */
void
clv_sample_rng_seed(ClvSampleRng *rng, uint64_t key)
{
	uint64_t	counter = key;
	int			i;

	for (i = 0; i < 4; i++)
		rng->s[i] = clv_sample_splitmix64(&counter);
}

/* The next 64 bits of xoshiro256**. */
uint64_t
clv_sample_rng_next(ClvSampleRng *rng)
{
	uint64_t   *s = rng->s;
	uint64_t	result = rotate_left(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotate_left(s[3], 45);
	return result;
}

/* A uniform draw from [0, 1): the top 53 bits scaled by 2^-53. */
double
clv_sample_uniform(ClvSampleRng *rng)
{
	return (double) (clv_sample_rng_next(rng) >> 11) * CLV_SAMPLE_TWO_POW_MINUS_53;
}

/*
 * A uniform draw from (0, 1): the midpoints of the 2^-52 grid, from 2^-53
 * to 1 - 2^-53, all exact doubles (midpoints of the 2^-53 grid would round
 * the largest to 1).
 */
double
clv_sample_uniform_open(ClvSampleRng *rng)
{
	return ((double) (clv_sample_rng_next(rng) >> 12) + 0.5) * CLV_SAMPLE_TWO_POW_MINUS_52;
}

/* An exponential draw with rate 1, by inversion. */
double
clv_sample_exponential(ClvSampleRng *rng)
{
	return -log(clv_sample_uniform_open(rng));
}

/* A standard normal draw by Marsaglia's polar method (one of the pair). */
double
clv_sample_normal(ClvSampleRng *rng)
{
	double		u,
				v,
				s;

	do
	{
		u = 2.0 * clv_sample_uniform(rng) - 1.0;
		v = 2.0 * clv_sample_uniform(rng) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	return u * sqrt(-2.0 * log(s) / s);
}

/* The log of a Gamma(shape) draw, shape >= 1, by Marsaglia and Tsang. */
static double
log_gamma_marsaglia_tsang(ClvSampleRng *rng, double shape)
{
	double		d = shape - 1.0 / 3.0;
	double		c = 1.0 / sqrt(9.0 * d);

	for (;;)
	{
		double		x,
					v,
					u;

		do
		{
			x = clv_sample_normal(rng);
			v = 1.0 + c * x;
		} while (v <= 0.0);
		v = v * v * v;
		u = clv_sample_uniform_open(rng);
		if (u < 1.0 - 0.0331 * (x * x) * (x * x) ||
			log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return log(d) + log(v);
	}
}

/* The log of a Gamma(shape, rate 1) draw, for any shape > 0. */
double
clv_sample_log_gamma(ClvSampleRng *rng, double shape)
{
	double		boosted;

	if (shape >= 1.0)
		return log_gamma_marsaglia_tsang(rng, shape);
	/* Gamma(shape) = Gamma(shape + 1) * U^(1/shape) */
	boosted = log_gamma_marsaglia_tsang(rng, shape + 1.0);
	return boosted + log(clv_sample_uniform_open(rng)) / shape;
}

/* A Gamma(shape, rate 1) draw. */
double
clv_sample_gamma(ClvSampleRng *rng, double shape)
{
	return exp(clv_sample_log_gamma(rng, shape));
}

/* A Beta(a, b) draw: X / (X + Y) = 1 / (1 + Y / X), computed from logs. */
double
clv_sample_beta(ClvSampleRng *rng, double a, double b)
{
	double		log_x = clv_sample_log_gamma(rng, a);
	double		log_y = clv_sample_log_gamma(rng, b);

	return 1.0 / (1.0 + exp(log_y - log_x));
}
