/*-------------------------------------------------------------------------
 *
 * rng.h
 *	  A small seeded random generator and the samplers the sample-data
 *	  simulation draws from: uniform, exponential, normal, gamma, beta.
 *
 * Plain C99 + libm, no PostgreSQL headers.  The generator is xoshiro256**
 * seeded through splitmix64, so a stream depends only on its 64-bit key and
 * is the same on every platform.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLV_SAMPLE_RNG_H
#define CLV_SAMPLE_RNG_H

#include <stdint.h>

/* The state of one xoshiro256** stream. */
typedef struct ClvSampleRng
{
	uint64_t	s[4];
} ClvSampleRng;

/* Advances a splitmix64 counter and returns its next mixed output. */
extern uint64_t clv_sample_splitmix64(uint64_t *counter);

/* Seeds rng from key: the four state words are splitmix64(key) outputs. */
extern void clv_sample_rng_seed(ClvSampleRng *rng, uint64_t key);

/* The next 64 random bits of rng. */
extern uint64_t clv_sample_rng_next(ClvSampleRng *rng);

/* A uniform draw from [0, 1) on a grid of 2^-53. */
extern double clv_sample_uniform(ClvSampleRng *rng);

/* A uniform draw from the open interval (0, 1) on a grid of 2^-52, safe to take the log of. */
extern double clv_sample_uniform_open(ClvSampleRng *rng);

/* An exponential draw with rate 1. */
extern double clv_sample_exponential(ClvSampleRng *rng);

/* A standard normal draw (Marsaglia's polar method). */
extern double clv_sample_normal(ClvSampleRng *rng);

/*
 * The natural log of a Gamma(shape, rate 1) draw (Marsaglia and Tsang;
 * shape < 1 through the Gamma(shape + 1) boost).  Working in logs keeps
 * tiny shapes, whose draws underflow a double, usable.  shape > 0.
 */
extern double clv_sample_log_gamma(ClvSampleRng *rng, double shape);

/* A Gamma(shape, rate 1) draw; may underflow to 0 for tiny shapes. */
extern double clv_sample_gamma(ClvSampleRng *rng, double shape);

/* A Beta(a, b) draw, as X / (X + Y) of two gamma draws.  a, b > 0. */
extern double clv_sample_beta(ClvSampleRng *rng, double a, double b);

#endif							/* CLV_SAMPLE_RNG_H */
