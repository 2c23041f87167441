/*
 * tap.h -- a minimal TAP producer for the C unit tests of src/core.
 *
 * Each test program calls ok()/is_near() and ends with done_testing(),
 * which prints the plan and returns the exit status for main().
 */
#ifndef CLV_TAP_H
#define CLV_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

static int	tap_count = 0;
static int	tap_failed = 0;

/* Reports one assertion: cond true is "ok". */
static inline void
ok(int cond, const char *fmt,...)
{
	va_list		ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Reports whether got is within tol of want (absolute), printing both. */
static inline void
is_near(double got, double want, double tol, const char *what)
{
	int			cond = fabs(got - want) <= tol;

	ok(cond, "%s: got %.10g, want %.10g +- %g", what, got, want, tol);
}

/* Prints the plan; the exit status is non-zero when any assertion failed. */
static inline int
done_testing(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed != 0;
}

#endif							/* CLV_TAP_H */
