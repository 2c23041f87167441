/*
 * vecmath.c -- exp, expm1, log and log1p over arrays, and log1p of pairs
 * +-e (see vecmath.h).
 *
 * glibc's vector math library (libmvec) exports each function in the x86-64
 * vector ABI; _ZGVdN4v_ takes four doubles in an AVX2 register.  The AVX2
 * loops are compiled for AVX2 alone and only entered when the processor has
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

/*
 * log1p(e) to *plus and log1p(-e) to *minus, for |e| <= 0.2: half of
 * log1p(-e^2) plus and minus atanh(e), from their series in t = e^2,
 * -t sum t^k / (k + 1) and e (1 + t sum t^k / (2k + 3)), whose terms past
 * the eleventh (t^11 / 12 < 1.5e-17 of the first) are below rounding;
 * e added last, to the small rest.  By Estrin's scheme, short chains of
 * dependent operations; the AVX2 loop below takes the same operations in
 * the same order, four at a time.
 */
static void
log1p_pair(double e, double *plus, double *minus)
{
	double		t = e * e,
				t2 = t * t,
				t4 = t2 * t2,
				t8 = t4 * t4;
	double		odd = ((1.0 / 3 + t * (1.0 / 5)) + t2 * (1.0 / 7 + t * (1.0 / 9))) +
		t4 * ((1.0 / 11 + t * (1.0 / 13)) + t2 * (1.0 / 15 + t * (1.0 / 17))) +
		t8 * (1.0 / 19 + t * (1.0 / 21));
	double		even = ((1.0 + t * (1.0 / 2)) + t2 * (1.0 / 3 + t * (1.0 / 4))) +
		t4 * ((1.0 / 5 + t * (1.0 / 6)) + t2 * (1.0 / 7 + t * (1.0 / 8))) +
		t8 * ((1.0 / 9 + t * (1.0 / 10)) + t2 * (1.0 / 11));
	double		half_even = -0.5 * t * even,
				odd_rest = e * t * odd;

	*plus = e + (half_even + odd_rest);
	*minus = -e + (half_even - odd_rest);
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

/* a * b + c, four at a time, rounded twice as in C (no fused multiply-add) */
#define MUL_ADD(a, b, c) _mm256_add_pd(_mm256_mul_pd((a), (b)), (c))

/* log1p_pair four at a time, for n a multiple of 4. */
__attribute__((target("avx2")))
static void
log1p_pair_avx2(const double *e, double *plus, double *minus, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i += 4)
	{
		__m256d		ev = _mm256_loadu_pd(e + i),
					t = _mm256_mul_pd(ev, ev),
					t2 = _mm256_mul_pd(t, t),
					t4 = _mm256_mul_pd(t2, t2),
					t8 = _mm256_mul_pd(t4, t4),
					one = _mm256_set1_pd(1.0),
					odd,
					even,
					half_even,
					odd_rest;

		odd = _mm256_add_pd(
			_mm256_add_pd(
				_mm256_add_pd(MUL_ADD(t, _mm256_set1_pd(1.0 / 5), _mm256_set1_pd(1.0 / 3)),
							  _mm256_mul_pd(t2, MUL_ADD(t, _mm256_set1_pd(1.0 / 9),
														_mm256_set1_pd(1.0 / 7)))),
				_mm256_mul_pd(t4, _mm256_add_pd(
					MUL_ADD(t, _mm256_set1_pd(1.0 / 13), _mm256_set1_pd(1.0 / 11)),
					_mm256_mul_pd(t2, MUL_ADD(t, _mm256_set1_pd(1.0 / 17),
											  _mm256_set1_pd(1.0 / 15)))))),
			_mm256_mul_pd(t8, MUL_ADD(t, _mm256_set1_pd(1.0 / 21), _mm256_set1_pd(1.0 / 19))));
		even = _mm256_add_pd(
			_mm256_add_pd(
				_mm256_add_pd(MUL_ADD(t, _mm256_set1_pd(1.0 / 2), one),
							  _mm256_mul_pd(t2, MUL_ADD(t, _mm256_set1_pd(1.0 / 4),
														_mm256_set1_pd(1.0 / 3)))),
				_mm256_mul_pd(t4, _mm256_add_pd(
					MUL_ADD(t, _mm256_set1_pd(1.0 / 6), _mm256_set1_pd(1.0 / 5)),
					_mm256_mul_pd(t2, MUL_ADD(t, _mm256_set1_pd(1.0 / 8),
											  _mm256_set1_pd(1.0 / 7)))))),
			_mm256_mul_pd(t8, _mm256_add_pd(
				MUL_ADD(t, _mm256_set1_pd(1.0 / 10), _mm256_set1_pd(1.0 / 9)),
				_mm256_mul_pd(t2, _mm256_set1_pd(1.0 / 11)))));
		half_even = _mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(-0.5), t), even);
		odd_rest = _mm256_mul_pd(_mm256_mul_pd(ev, t), odd);
		_mm256_storeu_pd(plus + i, _mm256_add_pd(ev, _mm256_add_pd(half_even, odd_rest)));
		_mm256_storeu_pd(minus + i, _mm256_add_pd(_mm256_xor_pd(ev, _mm256_set1_pd(-0.0)),
												  _mm256_sub_pd(half_even, odd_rest)));
	}
}

/* Whether the AVX2 loops run: the processor has AVX2, not forced scalar. */
static bool
use_avx2(void)
{
	static int	have_avx2 = -1;

	if (have_avx2 < 0)
		have_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
	return have_avx2 && !scalar_forced;
}

/*
 * out = f(in) for n elements: with AVX2, whole vectors and then the rest
 * padded to one; else one at a time.
 */
static void
apply(VecFunction f, const double *in, double *out, size_t n)
{
	size_t		whole = n - n % 4,
				i;
	double		pad[4] = {0, 0, 0, 0};

	if (!use_avx2())
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

/*
 * log1p_pair over n elements: with AVX2, whole vectors and then the rest
 * padded to one; else one at a time.
 */
static void
apply_log1p_pair(const double *e, double *plus, double *minus, size_t n)
{
	size_t		whole = n - n % 4,
				i;
	double		pad[3][4] = {{0, 0, 0, 0}};

	if (!use_avx2())
	{
		for (i = 0; i < n; i++)
			log1p_pair(e[i], &plus[i], &minus[i]);
		return;
	}
	log1p_pair_avx2(e, plus, minus, whole);
	if (whole == n)
		return;
	for (i = whole; i < n; i++)
		pad[0][i - whole] = e[i];
	log1p_pair_avx2(pad[0], pad[1], pad[2], 4);
	for (i = whole; i < n; i++)
	{
		plus[i] = pad[1][i - whole];
		minus[i] = pad[2][i - whole];
	}
}

#else							/* !CLV_VECMATH_LIBMVEC */

#define apply apply_scalar

/* log1p_pair over n elements, one at a time. */
static void
apply_log1p_pair(const double *e, double *plus, double *minus, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		log1p_pair(e[i], &plus[i], &minus[i]);
}

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

void
clv_vec_log1p_pair(const double *e, double *plus, double *minus, size_t n)
{
	apply_log1p_pair(e, plus, minus, n);
}
