/*
 * span.c -- durations between purchase times, which cannot wrap (see
 * span.h).
 */
#include "span.h"

#include <math.h>

/* spans below this many microseconds are exact doubles */
#define SPAN_EXACT_DOUBLE ((__int128) 1 << 53)

/* to - from, exact in 128 bits, then rounded to the nearest double. */
double
clv_span_usec(int64_t from, int64_t to)
{
	return (double) ((__int128) to - (__int128) from);
}

/* The mean gap between occasions first and last of occasions ones. */
double
clv_mean_gap_usec(int64_t first, int64_t last, int64_t occasions)
{
	return clv_span_usec(first, last) / (double) (occasions - 1);
}

/* The mean gap rounded to a microsecond, as days and time of day. */
bool
clv_mean_gap_days_time(int64_t first, int64_t last, int64_t occasions,
					   int32_t *days, int64_t *time)
{
	__int128	span = (__int128) last - (__int128) first;
	__int128	gap;
	__int128	remainder;
	__int128	twice;

	if (span > -SPAN_EXACT_DOUBLE && span < SPAN_EXACT_DOUBLE)
	{
		/* the common case, in 64 bits as 1.0 computed it */
		int64_t		small_gap = (int64_t) rint((double) (int64_t) span /
											   (double) (occasions - 1));

		*days = (int32_t) (small_gap / CLV_USECS_PER_DAY);
		*time = small_gap % CLV_USECS_PER_DAY;
		return true;
	}
	gap = span / (occasions - 1);
	remainder = span % (occasions - 1);
	twice = 2 * (remainder < 0 ? -remainder : remainder);
	if (twice > occasions - 1 || (twice == occasions - 1 && (gap & 1)))
		gap += span < 0 ? -1 : 1;
	if (gap / CLV_USECS_PER_DAY < INT32_MIN || gap / CLV_USECS_PER_DAY > INT32_MAX)
		return false;
	*days = (int32_t) (gap / CLV_USECS_PER_DAY);
	*time = (int64_t) (gap % CLV_USECS_PER_DAY);
	return true;
}

/* The exact length of an interval in microseconds. */
__int128
clv_interval_usec(int32_t months, int32_t days, int64_t time)
{
	return (__int128) months * CLV_USECS_PER_MONTH +
		(__int128) days * CLV_USECS_PER_DAY + time;
}

/* Average purchase value x purchase frequency x lifespan. */
double
clv_formula_value(double total, int64_t occasions, double lifespan_usec,
				  double mean_gap_usec)
{
	return total / (double) occasions * lifespan_usec / mean_gap_usec;
}
