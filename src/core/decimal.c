/*
 * decimal.c -- exact sums of integer and decimal amounts (see decimal.h).
 */
#include "decimal.h"

#include <stdlib.h>
#include <string.h>

/* 10^n as a 128-bit integer, for 0 <= n <= 38. */
static __int128
pow10_i128(int n)
{
	__int128	p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

/* *v * 10^n, false when it would overflow. */
static bool
scale_up(__int128 *v, int n)
{
	__int128	result;

	if (n > 38 || __builtin_mul_overflow(*v, pow10_i128(n), &result))
		return false;
	*v = result;
	return true;
}

/* acc += addend exactly; false (acc unchanged) when it would overflow. */
bool
clv_decimal_add(ClvDecimal *acc, const ClvDecimal *addend)
{
	__int128	a = acc->value;
	__int128	b = addend->value;
	int			scale = acc->scale > addend->scale ? acc->scale : addend->scale;

	if (!scale_up(&a, scale - acc->scale) || !scale_up(&b, scale - addend->scale))
		return false;
	if (__builtin_add_overflow(a, b, &a))
		return false;
	acc->value = a;
	acc->scale = scale;
	return true;
}

/* 10^n for 0 <= n <= 18, the powers of ten a 64-bit integer holds. */
static const int64_t pow10_i64[19] = {
	INT64_C(1), INT64_C(10), INT64_C(100), INT64_C(1000), INT64_C(10000),
	INT64_C(100000), INT64_C(1000000), INT64_C(10000000), INT64_C(100000000),
	INT64_C(1000000000), INT64_C(10000000000), INT64_C(100000000000),
	INT64_C(1000000000000), INT64_C(10000000000000), INT64_C(100000000000000),
	INT64_C(1000000000000000), INT64_C(10000000000000000),
	INT64_C(100000000000000000), INT64_C(1000000000000000000)
};

/*
 * The value of at most 4 base-10000 digits (as numeric stores them) times
 * 10^dscale in *value, in 64-bit arithmetic; false when it does not fit
 * there, or a digit is out of range (the caller then takes the general
 * path).
 */
static bool
small_from_base10000(const int16_t *digits, int ndigits, int weight,
					 int dscale, int64_t *value)
{
	int64_t		v = 0;
	int			exponent = 4 * (weight - ndigits + 1) + dscale;
	int			i;

	if (ndigits > 4 || exponent > 18 || exponent < -3)
		return false;
	for (i = 0; i < ndigits; i++)
	{
		if (digits[i] < 0 || digits[i] > 9999)
			return false;
		v = v * 10000 + digits[i];	/* < 10^16: no overflow */
	}
	if (exponent >= 0)
		return !__builtin_mul_overflow(v, pow10_i64[exponent], value);
	*value = v / pow10_i64[-exponent];	/* trailing zeros beyond dscale */
	return true;
}

/* The ClvDecimal of a base-10000 digit string as numeric stores it. */
bool
clv_decimal_from_base10000(const int16_t *digits, int ndigits, int weight,
						   bool negative, int dscale, ClvDecimal *out)
{
	__int128	value = 0;
	int64_t		small;
	int			i;

	if (dscale < 0 || dscale > CLV_DECIMAL_MAX_SCALE)
		return false;
	if (small_from_base10000(digits, ndigits, weight, dscale, &small))
	{
		out->value = negative ? -(__int128) small : small;
		out->scale = dscale;
		return true;
	}
	/* at most 36 integer digits, so that the loop below cannot overflow */
	if (ndigits > 0 && weight > 8)
		return false;
	for (i = 0; i < ndigits; i++)
	{
		/* decimal exponent of this digit's units, after scaling by dscale */
		int			exponent = 4 * (weight - i) + dscale;
		__int128	term = digits[i];

		if (digits[i] < 0 || digits[i] > 9999)
			return false;
		if (exponent >= 0)
		{
			if (!scale_up(&term, exponent))
				return false;
		}
		else if (exponent > -4)
			term /= pow10_i128(-exponent);	/* trailing zeros beyond dscale */
		else
			continue;			/* wholly beyond dscale: zero by definition */
		if (__builtin_add_overflow(value, term, &value))
			return false;
	}
	out->value = negative ? -value : value;
	out->scale = dscale;
	return true;
}

/* Writes d as a plain decimal literal into buf; returns buf. */
char *
clv_decimal_format(const ClvDecimal *d, char *buf, size_t len)
{
	char		digits[48];
	int			n = 0;
	size_t		pos = 0;
	unsigned __int128 magnitude;

	magnitude = d->value < 0 ? -(unsigned __int128) d->value : (unsigned __int128) d->value;
	do
	{
		digits[n++] = (char) ('0' + (int) (magnitude % 10));
		magnitude /= 10;
	} while (magnitude > 0);
	while (n <= d->scale)
		digits[n++] = '0';
	if (len < (size_t) n + 3)
	{
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	if (d->value < 0)
		buf[pos++] = '-';
	while (n > 0)
	{
		if (n == d->scale)
			buf[pos++] = '.';
		buf[pos++] = digits[--n];
	}
	buf[pos] = '\0';
	return buf;
}

/*
 * d as the nearest double.  Small values take one exact division; the rest
 * go through the decimal literal and strtod, as numeric's cast to float8
 * does (PostgreSQL keeps LC_NUMERIC at "C", so the point is '.'), because
 * dividing a rounded value by a rounded power of ten can miss the nearest
 * double by an ulp or two.
 */
double
clv_decimal_to_double(const ClvDecimal *d)
{
	/* 2^53 and 10^22: the largest integer and power of ten exact as doubles */
	const __int128 exact_limit = (__int128) 1 << 53;
	char		buf[48];

	static const double pow10_exact[23] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
		1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
	};

	if (d->value >= -exact_limit && d->value <= exact_limit &&
		d->scale >= 0 && d->scale <= 22)
		return (double) d->value / pow10_exact[d->scale];
	return strtod(clv_decimal_format(d, buf, sizeof(buf)), NULL);
}
