/*
 * test_history_core.c -- unit tests of core/decimal.c, core/occasions.c,
 * core/fsum.c and core/span.c: the exact and compensated sums, occasion
 * counting and durations behind the per-customer aggregates.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "decimal.h"
#include "fsum.h"
#include "occasions.h"
#include "span.h"
#include "tap.h"

/* PostgreSQL's timestamp range in microseconds: 4714-11-24 BC .. 294277 AD */
#define MIN_TIMESTAMP_USEC INT64_C(-211813488000000000)
#define END_TIMESTAMP_USEC INT64_C(9223371331200000000)

/* Reports whether d prints as want. */
static void
is_decimal(const ClvDecimal *d, const char *want, const char *what)
{
	char		buf[64];

	clv_decimal_format(d, buf, sizeof(buf));
	ok(strcmp(buf, want) == 0, "%s: got %s, want %s", what, buf, want);
}

/* Compensated sums: digits kept, overflow reported, merges. */
static void
test_fsum(void)
{
	ClvFloatSum sum = {0, 0};
	ClvFloatSum first = {0, 0};
	ClvFloatSum left = {0, 0};
	ClvFloatSum right = {0, 0};
	ClvFloatSum whole = {0, 0};
	ClvFloatSum big = {DBL_MAX, 0};
	const double terms[] = {1e100, 1.0, -1e100, 3.0, 1e-3, -7e16, 7e16, 0.5};
	int			i;

	/* a huge first order, then two small repeat orders */
	ok(clv_fsum_add(&sum, 1e17) && clv_fsum_add(&first, 1e17), "1e17 added");
	ok(clv_fsum_add(&sum, 1.0) && clv_fsum_add(&sum, 1.0), "two 1s added");
	ok(sum.value == 1e17 && sum.error == 2.0, "the rounded sum keeps 2 as its error");
	ok(clv_fsum_value(&sum) == 1e17 + 2.0, "compensated value 1e17 + 2");
	ok(clv_fsum_difference(&sum, &first) == 2.0, "repeat total 2, not 0");

	/* cancellation a naive sum loses entirely */
	for (i = 0; i < 8; i++)
	{
		ok(clv_fsum_add(&whole, terms[i]), "term %d added", i);
		ok(clv_fsum_add(i < 4 ? &left : &right, terms[i]), "term %d added to a part", i);
	}
	is_near(clv_fsum_value(&whole), 4.501, 4 * DBL_EPSILON * 4.501,
			"1e100 + 1 - 1e100 + 3 + 0.001 - 7e16 + 7e16 + 0.5 (a naive sum gives 0.5)");
	ok(clv_fsum_merge(&left, &right), "halves merge");
	ok(clv_fsum_value(&left) == clv_fsum_value(&whole),
	   "merged halves equal the whole, got %.17g", clv_fsum_value(&left));

	/* overflow is reported, the sum unchanged, as the built-in sum's 22003 */
	ok(!clv_fsum_add(&big, DBL_MAX), "DBL_MAX + DBL_MAX overflows");
	ok(big.value == DBL_MAX && big.error == 0.0, "overflowed sum unchanged");
	big.value = -DBL_MAX;
	ok(!clv_fsum_add(&big, -DBL_MAX), "-DBL_MAX - DBL_MAX overflows");
	ok(clv_fsum_add(&big, DBL_MAX) && big.value == 0.0, "-DBL_MAX + DBL_MAX is 0");
	big.value = DBL_MAX;
	whole.value = DBL_MAX / 2;
	whole.error = 0.0;
	ok(!clv_fsum_merge(&big, &whole), "merging past DBL_MAX overflows");
	ok(big.value == DBL_MAX, "overflowed merge unchanged");
}

/* Durations: no wrap across the timestamp range, exact mean gaps. */
static void
test_span(void)
{
	int32_t		days = 0;
	int64_t		time = 0;
	double		widest = clv_span_usec(MIN_TIMESTAMP_USEC, END_TIMESTAMP_USEC - 1);

	/* the widest span needs 64 bits: 1.0 wrapped it negative */
	ok(widest > 9.4e18 && widest < 9.5e18, "widest span positive, got %.17g", widest);
	ok(clv_span_usec(END_TIMESTAMP_USEC - 1, MIN_TIMESTAMP_USEC) == -widest, "and its negative");
	ok(clv_span_usec(INT64_MIN, INT64_MAX) == 18446744073709551615.0, "2^64 - 1 as a double");
	ok(clv_span_usec(5, 1234567) == 1234562.0, "small spans exact");
	ok(clv_mean_gap_usec(0, 300, 4) == 100.0, "mean gap of 4 occasions");

	/* the interval of the span: 4713-01-01 BC .. 294276-12-31 23:59:59 */
	ok(clv_mean_gap_days_time(INT64_C(-211810204800000000),
							  INT64_C(9223371331199000000), 2, &days, &time),
	   "widest mean gap fits an interval");
	ok(days == 109203489 && time == INT64_C(86399000000),
	   "109203489 days 23:59:59, got %d days %lld", days, (long long) time);
	/* beyond 2^53: exact division, half to even */
	ok(clv_mean_gap_days_time(0, INT64_C(9000000000000000001), 3, &days, &time) &&
	   (int64_t) days * CLV_USECS_PER_DAY + time == INT64_C(4500000000000000000),
	   "9e18 + 1 over 2 gaps rounds half to even");
	ok(clv_mean_gap_days_time(0, INT64_C(9000000000000000003), 3, &days, &time) &&
	   (int64_t) days * CLV_USECS_PER_DAY + time == INT64_C(4500000000000000002),
	   "9e18 + 3 over 2 gaps rounds half to even (up)");
	ok(clv_mean_gap_days_time(0, INT64_C(9000000000000000002), 4, &days, &time) &&
	   (int64_t) days * CLV_USECS_PER_DAY + time == INT64_C(3000000000000000001),
	   "9e18 + 2 over 3 gaps rounds to nearest");
	/* below 2^53 the double quotient of 1.0, rint's half to even */
	ok(clv_mean_gap_days_time(0, 5, 3, &days, &time) && days == 0 && time == 2,
	   "5 us over 2 gaps is 2 us");
	ok(clv_mean_gap_days_time(0, 7, 3, &days, &time) && time == 4,
	   "7 us over 2 gaps is 4 us");
	ok(clv_mean_gap_days_time(0, 3 * CLV_USECS_PER_DAY + 7, 2, &days, &time) &&
	   days == 3 && time == 7, "3 days 7 us as days and time");
	ok(clv_mean_gap_days_time(3 * CLV_USECS_PER_DAY + 7, 0, 2, &days, &time) &&
	   days == -3 && time == -7, "a negative span keeps one sign");

	/* lifespans: exact, a month 30.4375 days as extract(epoch) */
	ok(clv_interval_usec(3480000, 0, 0) == CLV_MAX_LIFESPAN_USEC,
	   "290,000 years is the limit exactly");
	ok(CLV_MAX_LIFESPAN_USEC == INT64_C(9151704000000000000), "the limit in microseconds");
	ok(clv_interval_usec(12, -1, 3600000000) ==
	   (__int128) 365 * CLV_USECS_PER_DAY + 21600000000 + 3600000000 - CLV_USECS_PER_DAY + 0,
	   "1 year -1 day 1 hour");
	ok(clv_interval_usec(INT32_MAX, INT32_MAX, INT64_MAX) > (__int128) INT64_MAX,
	   "the longest interval does not wrap");
	ok(clv_interval_usec(INT32_MIN, INT32_MIN, INT64_MIN) < (__int128) INT64_MIN,
	   "nor the most negative");
	ok(clv_interval_usec(1, -30, -37800000000) == 0, "1 month -30 days -10:30 is zero");

	/* the formula: 30 in 3 occasions, 10 days apart on average, over a year */
	is_near(clv_formula_value(30.0, 3, 365.25 * CLV_USECS_PER_DAY, 10.0 * CLV_USECS_PER_DAY),
			365.25, 1e-12, "clv = 30 / 3 x 365.25 / 10");
}

int
main(void)
{
	ClvDecimal	acc = {0, 0};
	ClvDecimal	a = {12345, 2};		/* 123.45 */
	ClvDecimal	b = {-5, 3};		/* -0.005 */
	ClvDecimal	big = {0, 0};
	ClvDecimal	d;
	int16_t		digits_123_45[] = {123, 4500};
	int16_t		digits_small[] = {12};
	int16_t		digits_wide[] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	int64_t		times[] = {5, 1, 3, 3, 1, 9};
	int64_t		empty[1];

	/* exact addition across scales */
	ok(clv_decimal_add(&acc, &a), "add 123.45");
	ok(clv_decimal_add(&acc, &b), "add -0.005");
	is_decimal(&acc, "123.445", "mixed scales sum exactly");
	ok(clv_decimal_to_double(&acc) == 123.445, "as double");
	/* found by fuzzing: value / 10^27 in doubles is 983866043.00000024 */
	d.value = (__int128) 983866043 * 1000000000 * 1000000000 * 1000000000;
	d.scale = 27;
	ok(clv_decimal_to_double(&d) == 983866043.0, "to_double is the nearest double at scale 27");

	/* overflow is reported and leaves the accumulator unchanged */
	big.value = ((__int128) 1) << 126;
	d = big;
	ok(!clv_decimal_add(&d, &big), "2^126 + 2^126 overflows");
	ok(d.value == big.value, "overflowed accumulator unchanged");
	d.value = 1;
	d.scale = 0;
	big.scale = 30;
	ok(!clv_decimal_add(&d, &big) || d.scale == 30, "rescaling overflow detected");

	/* numeric's base-10000 digits */
	ok(clv_decimal_from_base10000(digits_123_45, 2, 0, false, 2, &d), "decode 123.45");
	is_decimal(&d, "123.45", "decoded 123.45");
	ok(clv_decimal_from_base10000(digits_123_45, 2, 0, true, 4, &d), "decode -123.4500");
	is_decimal(&d, "-123.4500", "decoded -123.4500");
	ok(clv_decimal_from_base10000(digits_small, 1, -1, false, 4, &d), "decode 0.0012");
	is_decimal(&d, "0.0012", "decoded 0.0012");
	ok(clv_decimal_from_base10000(digits_small, 1, 2, false, 0, &d), "decode 12e8");
	is_decimal(&d, "1200000000", "decoded 1200000000");
	ok(clv_decimal_from_base10000(NULL, 0, 0, false, 0, &d), "decode zero");
	is_decimal(&d, "0", "decoded 0");
	ok(!clv_decimal_from_base10000(digits_wide, 10, 9, false, 0, &d),
	   "a 40-digit number does not fit");
	ok(!clv_decimal_from_base10000(digits_small, 1, 0, false, 31, &d),
	   "a scale above the maximum does not fit");

	/* occasions: sort and count distinct instants */
	clv_occasions_sort(times, 6);
	ok(times[0] == 1 && times[1] == 1 && times[2] == 3 && times[5] == 9, "sorted");
	ok(clv_occasions_count_sorted(times, 6) == 4, "4 distinct occasions");
	ok(clv_occasions_count_sorted(empty, 0) == 0, "no times, no occasions");
	ok(clv_occasions_count_sorted(times, 1) == 1, "one time, one occasion");

	test_fsum();
	test_span();
	return done_testing();
}
