/*
 * decimal.h -- exact sums of integer and decimal amounts.
 *
 * A ClvDecimal is value / 10^scale with a 128-bit value: wide enough for
 * any realistic sum of money (38 digits), exact in any order of addition,
 * so serial and parallel plans agree to the last digit.  Operations report
 * overflow instead of wrapping; the caller then falls back to arbitrary
 * precision.  Plain C99 (with the __int128 extension), no PostgreSQL.
 */
#ifndef CLV_CORE_DECIMAL_H
#define CLV_CORE_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest scale a ClvDecimal keeps (digits after the decimal point). */
#define CLV_DECIMAL_MAX_SCALE 30

/*
 * 8-byte alignment, as PostgreSQL's int128: palloc'd memory is only
 * MAXALIGNed, and 16-byte aligned moves of an __int128 there would fault.
 */
typedef __int128 clv_int128 __attribute__((aligned(8)));

typedef struct ClvDecimal
{
	clv_int128	value;
	int			scale;
} ClvDecimal;

/* acc += addend exactly; false (acc unchanged) when it would overflow. */
extern bool clv_decimal_add(ClvDecimal *acc, const ClvDecimal *addend);

/*
 * The ClvDecimal of a base-10000 digit string as PostgreSQL's numeric
 * stores it: digits[0] has weight `weight` (its value is digits[0] *
 * 10000^weight), `dscale` decimal digits after the point.  False when the
 * number does not fit.
 */
extern bool clv_decimal_from_base10000(const int16_t *digits, int ndigits,
									   int weight, bool negative, int dscale,
									   ClvDecimal *out);

/*
 * Writes d as a plain decimal literal ("-123.4500") into buf of size len
 * (at least 44 bytes suffice for any ClvDecimal); returns buf.
 */
extern char *clv_decimal_format(const ClvDecimal *d, char *buf, size_t len);

/* d as the nearest double. */
extern double clv_decimal_to_double(const ClvDecimal *d);

#endif							/* CLV_CORE_DECIMAL_H */
