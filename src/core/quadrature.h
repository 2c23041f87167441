/*
 * quadrature.h -- numerical integration of smooth positive functions on a
 * finite interval: adaptive Gauss-Kronrod (7 and 15 points).
 *
 * Plain C99 + libm, no PostgreSQL headers.
 */
#ifndef CLV_QUADRATURE_H
#define CLV_QUADRATURE_H

/* A function to integrate: its value at x, given the caller's argument. */
typedef double (*ClvIntegrand) (double x, const void *arg);

/*
 * The integral of f over [lo, hi] for f >= 0, smooth on the scale of
 * panel: the interval is cut into panels at most that wide, and each is
 * halved until its Kronrod and Gauss estimates agree to rel_tol of the
 * whole integral plus rest, the size of whatever the caller adds to it
 * (the Kronrod estimate is then far more accurate), or to their rounding
 * error, given noise, the relative rounding error of f's values.  NaN
 * when f is not finite somewhere or the work budget of
 * CLV_QUADRATURE_MAX_PANELS panels runs out.
 */
extern double clv_quadrature_positive(ClvIntegrand f, const void *arg,
									  double lo, double hi, double panel,
									  double rel_tol, double rest,
									  double noise);

/* The most panels clv_quadrature_positive evaluates. */
#define CLV_QUADRATURE_MAX_PANELS 4096

#endif							/* CLV_QUADRATURE_H */
