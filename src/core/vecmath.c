/*
 * vecmath.c -- exp, expm1, log and log1p over arrays (see vecmath.h).
 *
 * glibc's vector math library (libmvec) exports each function in the x86-64
 * vector ABI; _ZGVdN4v_ takes four doubles in an AVX2 register.  The AVX2
 * loop is compiled for AVX2 alone and only entered when the processor has
 * it; elsewhere libm takes one element at a time.
 */
#include "vecmath.h"

#include <math.h>
#include <stdbool.h>

#if defined(__x86_64__) && defined(__GLIBC__) && \
	(__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
#define CLV_VECMATH_LIBMVEC 1
#endif

/* Set by clv_vec_force_scalar: the scalar loop even where vectors run. */
static bool scalar_forced = false;

void
clv_vec_force_scalar(bool force)
{
	scalar_forced = force;
}

/* Which of the functions to apply. */
typedef enum VecFunction
{
	VEC_EXP,
	VEC_EXPM1,
	VEC_LOG,
	VEC_LOG1P
} VecFunction;

/* out = f(in) one element at a time through libm. */
static void
apply_scalar(VecFunction f, const double *in, double *out, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		out[i] = f == VEC_EXP ? exp(in[i]) : f == VEC_EXPM1 ? expm1(in[i]) :
			f == VEC_LOG ? log(in[i]) : log1p(in[i]);
}

#ifdef CLV_VECMATH_LIBMVEC

#include <immintrin.h>

/* glibc's AVX2 entry points, for AVX2 code alone to call. */
extern __m256d _ZGVdN4v_exp(__m256d x) __attribute__((target("avx2")));
extern __m256d _ZGVdN4v_expm1(__m256d x) __attribute__((target("avx2")));
extern __m256d _ZGVdN4v_log(__m256d x) __attribute__((target("avx2")));
extern __m256d _ZGVdN4v_log1p(__m256d x) __attribute__((target("avx2")));

/* out = f(in) four at a time, for n a multiple of 4. */
__attribute__((target("avx2")))
static void
apply_avx2(VecFunction f, const double *in, double *out, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i += 4)
	{
		__m256d		v = _mm256_loadu_pd(in + i);

		v = f == VEC_EXP ? _ZGVdN4v_exp(v) : f == VEC_EXPM1 ? _ZGVdN4v_expm1(v) :
			f == VEC_LOG ? _ZGVdN4v_log(v) : _ZGVdN4v_log1p(v);
		_mm256_storeu_pd(out + i, v);
	}
}

/*
 * out = f(in) for n elements: with AVX2, whole vectors and then the rest
 * padded to one; else one at a time.
 */
static void
apply(VecFunction f, const double *in, double *out, size_t n)
{
	static int	have_avx2 = -1;
	size_t		whole = n - n % 4,
				i;
	double		pad[4] = {0, 0, 0, 0};

	if (have_avx2 < 0)
		have_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
	if (!have_avx2 || scalar_forced)
	{
		apply_scalar(f, in, out, n);
		return;
	}
	apply_avx2(f, in, out, whole);
	if (whole == n)
		return;
	for (i = whole; i < n; i++)
		pad[i - whole] = in[i];
	apply_avx2(f, pad, pad, 4);
	for (i = whole; i < n; i++)
		out[i] = pad[i - whole];
}

#else							/* !CLV_VECMATH_LIBMVEC */

#define apply apply_scalar

#endif							/* CLV_VECMATH_LIBMVEC */

void
clv_vec_exp(const double *in, double *out, size_t n)
{
	apply(VEC_EXP, in, out, n);
}

void
clv_vec_expm1(const double *in, double *out, size_t n)
{
	apply(VEC_EXPM1, in, out, n);
}

void
clv_vec_log(const double *in, double *out, size_t n)
{
	apply(VEC_LOG, in, out, n);
}

void
clv_vec_log1p(const double *in, double *out, size_t n)
{
	apply(VEC_LOG1P, in, out, n);
}
