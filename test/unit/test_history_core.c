/*
 * test_history_core.c -- unit tests of core/decimal.c and core/occasions.c,
 * the exact sums and occasion counting behind the per-customer aggregates.
 */
#include <string.h>

#include "decimal.h"
#include "occasions.h"
#include "tap.h"

/* Reports whether d prints as want. */
static void
is_decimal(const ClvDecimal *d, const char *want, const char *what)
{
	char		buf[64];

	clv_decimal_format(d, buf, sizeof(buf));
	ok(strcmp(buf, want) == 0, "%s: got %s, want %s", what, buf, want);
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

	return done_testing();
}
