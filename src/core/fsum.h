/*
 * fsum.h -- compensated sums of floating-point amounts.
 *
 * A ClvFloatSum keeps a double running sum and, beside it, the rounding
 * error of every addition (Neumaier's variant of Kahan summation), so that
 * value + error carries the digits a large addend would otherwise absorb:
 * the repeat amount "total - first occasion" of a customer whose first
 * order is huge keeps its cents.  Additions report an overflow of the
 * running sum instead of going on with an infinity, as PostgreSQL's own
 * float8 sum raises 22003.  Plain C99, no PostgreSQL.
 */
#ifndef CLV_CORE_FSUM_H
#define CLV_CORE_FSUM_H

#include <stdbool.h>

typedef struct ClvFloatSum
{
	double		value;			/* the running sum, rounded */
	double		error;			/* value + error is the sum */
} ClvFloatSum;

/*
 * sum += x, for a finite x; false (sum unchanged) when the running sum
 * would overflow.
 */
extern bool clv_fsum_add(ClvFloatSum *sum, double x);

/*
 * sum += other (a partial sum of other rows); false (sum unchanged) when
 * the running sum would overflow.
 */
extern bool clv_fsum_merge(ClvFloatSum *sum, const ClvFloatSum *other);

/* The compensated value of sum (infinite only at the very edge of range). */
extern double clv_fsum_value(const ClvFloatSum *sum);

/*
 * minuend - subtrahend, each with its compensation: the sum of the rows of
 * minuend that are not in subtrahend, when subtrahend is a part of it.
 */
extern double clv_fsum_difference(const ClvFloatSum *minuend,
								  const ClvFloatSum *subtrahend);

#endif							/* CLV_CORE_FSUM_H */
