/*
 * fsum.c -- compensated sums of floating-point amounts (see fsum.h).
 */
#include "fsum.h"

#include <math.h>

/* sum += x, carrying the rounding error of the addition. */
bool
clv_fsum_add(ClvFloatSum *sum, double x)
{
	double		result = sum->value + x;

	if (!isfinite(result))
		return false;
	/* the part of the smaller operand that the rounded result lost */
	sum->error += fabs(sum->value) >= fabs(x) ?
		(sum->value - result) + x :
		(x - result) + sum->value;
	sum->value = result;
	return true;
}

/* sum += other, both compensated. */
bool
clv_fsum_merge(ClvFloatSum *sum, const ClvFloatSum *other)
{
	if (!clv_fsum_add(sum, other->value))
		return false;
	sum->error += other->error;
	return true;
}

/* The compensated value of sum. */
double
clv_fsum_value(const ClvFloatSum *sum)
{
	return sum->value + sum->error;
}

/* minuend - subtrahend, each with its compensation. */
double
clv_fsum_difference(const ClvFloatSum *minuend, const ClvFloatSum *subtrahend)
{
	return (minuend->value - subtrahend->value) +
		(minuend->error - subtrahend->error);
}
