/*
 * fuzz_input.h -- reading typed values from a libFuzzer input, and the
 * failure report every harness uses.
 *
 * A FuzzInput hands out the input's bytes front to back; once they run out
 * it yields zeros, so every input, however short, decodes to some value.
 */
#ifndef CLV_FUZZ_INPUT_H
#define CLV_FUZZ_INPUT_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct FuzzInput
{
	const uint8_t *data;
	size_t		size;
} FuzzInput;

/* Copies the next n bytes of in to out, zero-filling past the end. */
static inline void
fuzz_take(FuzzInput *in, void *out, size_t n)
{
	size_t		avail = in->size < n ? in->size : n;

	memcpy(out, in->data, avail);
	memset((uint8_t *) out + avail, 0, n - avail);
	in->data += avail;
	in->size -= avail;
}

/* The next byte of in. */
static inline uint8_t
fuzz_u8(FuzzInput *in)
{
	uint8_t		v;

	fuzz_take(in, &v, sizeof(v));
	return v;
}

/* The next 16 bits of in, as a signed integer. */
static inline int16_t
fuzz_i16(FuzzInput *in)
{
	int16_t		v;

	fuzz_take(in, &v, sizeof(v));
	return v;
}

/* The next 32 bits of in, as a signed integer. */
static inline int32_t
fuzz_i32(FuzzInput *in)
{
	int32_t		v;

	fuzz_take(in, &v, sizeof(v));
	return v;
}

/* The next 64 bits of in, as a signed integer. */
static inline int64_t
fuzz_i64(FuzzInput *in)
{
	int64_t		v;

	fuzz_take(in, &v, sizeof(v));
	return v;
}

/* The next 64 bits of in, as a double (any bit pattern: NaN, inf, -0). */
static inline double
fuzz_double(FuzzInput *in)
{
	double		v;

	fuzz_take(in, &v, sizeof(v));
	return v;
}

/*
 * The next 64 bits of in as a positive finite double: the sign bit is
 * dropped, and zero, infinities and NaNs become 1.  Every positive finite
 * double, subnormals included, is reachable.
 */
static inline double
fuzz_positive_double(FuzzInput *in)
{
	double		v = fabs(fuzz_double(in));

	return v > 0.0 && isfinite(v) ? v : 1.0;
}

/*
 * The next two bytes of in as a double log-uniform in [lo, hi], the range
 * of plausible model parameters and times.
 */
static inline double
fuzz_log_uniform(FuzzInput *in, double lo, double hi)
{
	uint16_t	v = (uint16_t) fuzz_i16(in);

	return exp(log(lo) + (log(hi) - log(lo)) * v / 65535.0);
}

/* An interrupt callback that counts its calls in *(long *) arg. */
static inline void
fuzz_count_interrupt(void *arg)
{
	(*(long *) arg)++;
}

/* Reports a violated property and aborts, so libFuzzer saves the input. */
#define FUZZ_CHECK(cond, ...) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

#endif							/* CLV_FUZZ_INPUT_H */
