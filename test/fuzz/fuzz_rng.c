/*
 * fuzz_rng.c -- libFuzzer harness of the samplers of src/core/rng.c.
 *
 * The input is a 64-bit key and then a program of draws: a byte picking
 * the sampler, followed by its shape parameters, which are any positive
 * finite doubles (subnormals to DBL_MAX), as the SQL layer lets through.
 * Every draw must lie in its sampler's range (no NaN, no infinity, a beta
 * in [0, 1], log-gamma finite or -inf), every rejection loop must end, and
 * replaying the program from the same key must give the same bits.
 */
#include "fuzz_input.h"
#include "rng.h"

#define MAX_DRAWS 64

/* One draw of the sampler op picks, with the parameters a and b. */
static double
draw(ClvSampleRng *rng, int op, double a, double b)
{
	switch (op)
	{
		case 0:
			{
				double		u = clv_sample_uniform(rng);

				FUZZ_CHECK(u >= 0.0 && u < 1.0, "uniform %.17g", u);
				return u;
			}
		case 1:
			{
				double		u = clv_sample_uniform_open(rng);

				FUZZ_CHECK(u > 0.0 && u < 1.0, "open uniform %.17g", u);
				return u;
			}
		case 2:
			{
				double		e = clv_sample_exponential(rng);

				FUZZ_CHECK(e > 0.0 && isfinite(e), "exponential %.17g", e);
				return e;
			}
		case 3:
			{
				double		z = clv_sample_normal(rng);

				FUZZ_CHECK(isfinite(z), "normal %.17g", z);
				return z;
			}
		case 4:
			{
				double		lg = clv_sample_log_gamma(rng, a);

				FUZZ_CHECK(!isnan(lg) && lg < INFINITY, "log gamma(%.17g) = %.17g", a, lg);
				return lg;
			}
		case 5:
			{
				double		g = clv_sample_gamma(rng, a);

				FUZZ_CHECK(g >= 0.0 && isfinite(g), "gamma(%.17g) = %.17g", a, g);
				return g;
			}
		default:
			{
				double		beta = clv_sample_beta(rng, a, b);

				FUZZ_CHECK(beta >= 0.0 && beta <= 1.0, "beta(%.17g, %.17g) = %.17g", a, b, beta);
				return beta;
			}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size};
	uint64_t	key = (uint64_t) fuzz_i64(&in);
	ClvSampleRng rng,
				replay;
	int			ops[MAX_DRAWS];
	double		shape_a[MAX_DRAWS],
				shape_b[MAX_DRAWS],
				result[MAX_DRAWS];
	int			n,
				i;

	clv_sample_rng_seed(&rng, key);
	for (n = 0; n < MAX_DRAWS && in.size > 0; n++)
	{
		ops[n] = fuzz_u8(&in) % 7;
		shape_a[n] = ops[n] >= 4 ? fuzz_positive_double(&in) : 0.0;
		shape_b[n] = ops[n] == 6 ? fuzz_positive_double(&in) : 0.0;
		result[n] = draw(&rng, ops[n], shape_a[n], shape_b[n]);
	}

	clv_sample_rng_seed(&replay, key);
	for (i = 0; i < n; i++)
	{
		double		again = draw(&replay, ops[i], shape_a[i], shape_b[i]);

		FUZZ_CHECK(memcmp(&again, &result[i], sizeof(double)) == 0,
				   "draw %d is %.17g on replay, %.17g first", i, again, result[i]);
	}
	FUZZ_CHECK(memcmp(&rng, &replay, sizeof(rng)) == 0, "replay ends in another state");
	return 0;
}
