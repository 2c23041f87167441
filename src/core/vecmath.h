/*
 * vecmath.h -- exp, expm1, log and log1p over arrays, for the likelihoods
 * whose rows each need one of them: on x86-64 with glibc 2.35 or later and a
 * processor with AVX2 through glibc's vector math library, four at a
 * time; elsewhere one at a time through libm.  glibc documents its vector
 * functions within 4 ulp, its scalar ones within 1.  And log1p of +-e
 * for small e by a series of this file's own, four at a time with AVX2.
 *
 * Plain C99 + libm, no PostgreSQL headers.
 */
#ifndef CLV_VECMATH_H
#define CLV_VECMATH_H

#include <stdbool.h>
#include <stddef.h>

/* out[i] = exp(in[i]) for i < n; in and out may be the same array. */
extern void clv_vec_exp(const double *in, double *out, size_t n);

/* out[i] = expm1(in[i]) for i < n; in and out may be the same array. */
extern void clv_vec_expm1(const double *in, double *out, size_t n);

/* out[i] = log(in[i]) for i < n; in and out may be the same array. */
extern void clv_vec_log(const double *in, double *out, size_t n);

/* out[i] = log1p(in[i]) for i < n; in and out may be the same array. */
extern void clv_vec_log1p(const double *in, double *out, size_t n);

/*
 * plus[i] = log1p(e[i]) and minus[i] = log1p(-e[i]) for i < n, each
 * |e[i]| <= 0.2, by a series (within 1 ulp; AVX2 or not, the same
 * values); neither output may be e.
 */
extern void clv_vec_log1p_pair(const double *e, double *plus, double *minus,
							   size_t n);

/*
 * Whether every call takes libm's one element at a time (the unit tests
 * check both paths on a processor with vectors).
 */
extern void clv_vec_force_scalar(bool force);

#endif							/* CLV_VECMATH_H */
