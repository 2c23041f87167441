/*
 * decimal.c -- exact sums of integer and decimal amounts (see decimal.h).
 */
#include "decimal.h"

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

/* The ClvDecimal of a base-10000 digit string as numeric stores it. */
bool
clv_decimal_from_base10000(const int16_t *digits, int ndigits, int weight,
						   bool negative, int dscale, ClvDecimal *out)
{
	__int128	value = 0;
	int			i;

	if (dscale < 0 || dscale > CLV_DECIMAL_MAX_SCALE)
		return false;
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

/* d as the nearest double. */
double
clv_decimal_to_double(const ClvDecimal *d)
{
	double		divisor = 1.0;
	int			i;

	/* powers of ten up to 1e22 are exact doubles: one rounding only */
	for (i = 0; i < d->scale; i++)
		divisor *= 10.0;
	return (double) d->value / divisor;
}
