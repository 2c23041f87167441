/*
 * fuzz_history.c -- libFuzzer harness of src/core/fsum.c and
 * src/core/span.c, the arithmetic of the per-customer aggregates.
 *
 * The input's first byte picks the check.
 *
 * Even: compensated sums.  The rest is a list of terms, each 8 bytes of
 * mantissa (53 bits kept, signed) and 1 byte of binary exponent in
 * [-30, 30], so that every term and every partial sum is exact in a
 * 128-bit fixed-point reference with 2^-30 as its unit.  The sum of all
 * terms, the merge of two parts split where the first byte says (a
 * parallel plan's combine) and the difference between the whole and its
 * first terms (clv_summary's repeat amount) must each be within Neumaier's
 * error bound of the exact value: 2u|S| + 2n^2u^2 sum|x|.
 *
 * Odd: durations.  Two int64 times (any, not only PostgreSQL's range) and
 * an occasion count: clv_span_usec must be the exact difference, computed
 * here in unsigned 64-bit arithmetic, rounded to a double; the mean gap as
 * days and time must be the exact quotient rounded half to even (spans of
 * 2^53 microseconds and more) or 1.0's rint of the double quotient (below),
 * with the time of day inside a day and of the span's sign.  Three interval
 * fields: clv_interval_usec must equal the length summed another way (30
 * days and 10.5 hours a month).
 */
#include <float.h>

#include "fsum.h"
#include "fuzz_input.h"
#include "span.h"

#define MAX_TERMS 256
#define FIXED_SCALE 30			/* reference unit 2^-30 */

/* The next term: a 53-bit signed mantissa times 2^[-30, 30]. */
static double
next_term(FuzzInput *in, __int128 *fixed)
{
	int64_t		mantissa = fuzz_i64(in) % (INT64_C(1) << 53);
	int			exponent = fuzz_u8(in) % 61 - 30;

	*fixed = (__int128) mantissa * ((__int128) 1 << (exponent + FIXED_SCALE));
	return ldexp((double) mantissa, exponent);
}

/* The reference value of a fixed-point sum. */
static long double
fixed_value(__int128 fixed)
{
	return ldexpl((long double) fixed, -FIXED_SCALE);
}

/* Checks a compensated result against its exact value. */
static void
check_bound(double got, __int128 exact, long double abs_sum, int n,
			const char *what)
{
	long double want = fixed_value(exact);
	long double u = DBL_EPSILON / 2;
	long double bound = 2 * u * fabsl(want) + 2.0L * n * n * u * u * abs_sum +
		LDBL_MIN;

	FUZZ_CHECK(fabsl((long double) got - want) <= bound,
			   "%s of %d terms: got %.17g, exact %.21Lg, bound %.3Lg", what, n,
			   got, want, bound);
}

/* Compensated sums of exactly representable terms. */
static void
fuzz_fsum(FuzzInput *in, uint8_t mode)
{
	double		terms[MAX_TERMS];
	__int128	fixed[MAX_TERMS];
	ClvFloatSum whole = {0, 0},
				left = {0, 0},
				right = {0, 0},
				head = {0, 0};
	__int128	exact = 0,
				exact_head = 0;
	long double abs_sum = 0;
	int			n = 0,
				split,
				i;

	while (in->size > 0 && n < MAX_TERMS)
	{
		terms[n] = next_term(in, &fixed[n]);
		n++;
	}
	split = n > 0 ? (mode / 2) % (n + 1) : 0;
	for (i = 0; i < n; i++)
	{
		/* magnitudes below 2^84: no overflow can be reported */
		FUZZ_CHECK(clv_fsum_add(&whole, terms[i]), "term %d overflowed", i);
		FUZZ_CHECK(clv_fsum_add(i < split ? &left : &right, terms[i]),
				   "term %d overflowed a part", i);
		if (i < split)
		{
			FUZZ_CHECK(clv_fsum_add(&head, terms[i]), "term %d overflowed the head", i);
			exact_head += fixed[i];
		}
		exact += fixed[i];
		abs_sum += fabsl(fixed_value(fixed[i]));
	}
	FUZZ_CHECK(clv_fsum_merge(&left, &right), "merge overflowed");
	check_bound(clv_fsum_value(&whole), exact, abs_sum, n, "sum");
	check_bound(clv_fsum_value(&left), exact, abs_sum, n + 2, "merged parts");
	check_bound(clv_fsum_difference(&whole, &head), exact - exact_head, abs_sum,
				n + 2, "whole - head");
}

/* The exact rounding half to even of span / divisor, span >= 0. */
static uint64_t
divide_half_even(uint64_t span, uint64_t divisor)
{
	uint64_t	quotient = span / divisor;
	uint64_t	remainder = span % divisor;

	if (remainder > divisor - remainder ||
		(remainder == divisor - remainder && (quotient & 1)))
		quotient++;
	return quotient;
}

/* Durations between any two times, mean gaps and interval lengths. */
static void
fuzz_span(FuzzInput *in)
{
	int64_t		a = fuzz_i64(in);
	int64_t		b = fuzz_i64(in);
	int64_t		occasions = 2 + (fuzz_i64(in) & INT64_C(0x7fffffff));
	int32_t		months = fuzz_i32(in);
	int32_t		day_count = fuzz_i32(in);
	int64_t		time_part = fuzz_i64(in);
	int64_t		first = a < b ? a : b;
	int64_t		last = a < b ? b : a;
	uint64_t	distance = (uint64_t) last - (uint64_t) first;
	double		span = clv_span_usec(a, b);
	int32_t		days;
	int64_t		time;
	__int128	gap;
	__int128	want;

	FUZZ_CHECK(span == (a <= b ? (double) distance : -(double) distance),
			   "span %lld -> %lld: got %.17g, exact %llu", (long long) a,
			   (long long) b, span, (unsigned long long) distance);

	FUZZ_CHECK(clv_mean_gap_days_time(first, last, occasions, &days, &time),
			   "mean gap of %llu over %lld did not fit", (unsigned long long) distance,
			   (long long) occasions);
	FUZZ_CHECK(time >= 0 && time < CLV_USECS_PER_DAY && days >= 0,
			   "mean gap parts %d days %lld us out of range", days, (long long) time);
	gap = (__int128) days * CLV_USECS_PER_DAY + time;
	want = distance >= (UINT64_C(1) << 53) ?
		(__int128) divide_half_even(distance, (uint64_t) occasions - 1) :
		(__int128) rint((double) distance / (double) (occasions - 1));
	FUZZ_CHECK(gap == want, "mean gap of %llu over %lld gaps: got %lld, want %lld",
			   (unsigned long long) distance, (long long) occasions - 1,
			   (long long) gap, (long long) want);
	/* the same gap with the span reversed is its negative */
	FUZZ_CHECK(clv_mean_gap_days_time(last, first, occasions, &days, &time) &&
			   (__int128) days * CLV_USECS_PER_DAY + time == -want,
			   "reversed mean gap of %llu is not the negative", (unsigned long long) distance);

	FUZZ_CHECK(clv_interval_usec(months, day_count, time_part) ==
			   ((__int128) months * 30 + day_count) * CLV_USECS_PER_DAY +
			   (__int128) months * 37800000000 + time_part,
			   "interval %d months %d days %lld us", months, day_count,
			   (long long) time_part);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size};
	uint8_t		mode = fuzz_u8(&in);

	if (mode % 2 == 0)
		fuzz_fsum(&in, mode);
	else
		fuzz_span(&in);
	return 0;
}
