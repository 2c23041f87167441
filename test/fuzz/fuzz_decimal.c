/*
 * fuzz_decimal.c -- libFuzzer harness of src/core/decimal.c.
 *
 * The input is a sequence of decimals, each either a numeric-style
 * base-10000 digit string (arbitrary digits, weight, dscale and sign,
 * valid or not) or a raw 128-bit value with a scale in range.  The first
 * is the accumulator, every later one is added to it, as the sum aggregate
 * does.  Each result is checked against a slow reference that keeps the
 * decimal digits in an array:
 *	- clv_decimal_from_base10000 rejects invalid digits and scales, is exact
 *	  when it succeeds, and fails only when the number does not fit (or for
 *	  the documented conservative reasons: weight above 8, a digit whose
 *	  scaled exponent exceeds 38);
 *	- clv_decimal_format writes a canonical literal that parses back to
 *	  exactly the same value and scale, never writes past len, gives ""
 *	  when len is too small and the literal when len is 44 or more;
 *	- clv_decimal_to_double is strtod of that literal (the nearest double);
 *	- clv_decimal_add is exact, or fails leaving the accumulator unchanged
 *	  and only when the sum, or an addend at the common scale, does not fit.
 */
#include "decimal.h"
#include "fuzz_input.h"

/* Reference decimals keep this many digits after the point... */
#define REF_FRACTION_DIGITS CLV_DECIMAL_MAX_SCALE
/* ... and this many in all (2^127 has 39 digits; sums need one more). */
#define REF_DIGITS (REF_FRACTION_DIGITS + 45)

/* The largest magnitude a ClvDecimal's value can have: 2^127 - 1. */
static const char int128_max_digits[] = "170141183460469231731687303715884105727";

/* A reference decimal: digit[k] is the digit of 10^(k - REF_FRACTION_DIGITS). */
typedef struct RefDecimal
{
	int			negative;
	uint8_t		digit[REF_DIGITS];
} RefDecimal;

/* True when r is zero. */
static int
ref_is_zero(const RefDecimal *r)
{
	int			k;

	for (k = 0; k < REF_DIGITS; k++)
		if (r->digit[k] != 0)
			return 0;
	return 1;
}

/* True when a and b are the same number (a zero's sign does not count). */
static int
ref_equal(const RefDecimal *a, const RefDecimal *b)
{
	if (memcmp(a->digit, b->digit, REF_DIGITS) != 0)
		return 0;
	return a->negative == b->negative || ref_is_zero(a);
}

/*
 * The reference value of a base-10000 digit string, truncated after dscale
 * decimal digits.  False when a nonzero digit is beyond the reference's
 * range.
 */
static int
ref_from_base10000(const int16_t *digits, int ndigits, int weight,
				   int negative, int dscale, RefDecimal *r)
{
	int			i;

	memset(r, 0, sizeof(*r));
	r->negative = negative;
	for (i = 0; i < ndigits; i++)
	{
		int			value = digits[i];
		int			j;

		/* the four decimal digits of digits[i], least significant first */
		for (j = 0; j < 4; j++, value /= 10)
		{
			long		exponent = 4L * (weight - i) + j;
			long		k = exponent + REF_FRACTION_DIGITS;

			if (value % 10 == 0 || exponent < -dscale)
				continue;
			if (k < 0 || k >= REF_DIGITS)
				return 0;
			r->digit[k] = (uint8_t) (value % 10);
		}
	}
	return 1;
}

/* True when r is exactly representable as a ClvDecimal of this scale. */
static int
ref_fits(const RefDecimal *r, int scale)
{
	char		integer[REF_DIGITS + 1];
	int			n = 0;
	int			k;

	for (k = 0; k < REF_FRACTION_DIGITS - scale; k++)
		if (r->digit[k] != 0)
			return 0;
	/* the digits of r * 10^scale, most significant first, no leading zeros */
	for (k = REF_DIGITS - 1; k >= REF_FRACTION_DIGITS - scale; k--)
		if (n > 0 || r->digit[k] != 0)
			integer[n++] = (char) ('0' + r->digit[k]);
	integer[n] = '\0';
	if (n != (int) strlen(int128_max_digits))
		return n < (int) strlen(int128_max_digits);
	return strcmp(integer, int128_max_digits) <= 0;
}

/* -1, 0 or 1 as |a| is below, equal to or above |b|. */
static int
ref_compare_magnitude(const RefDecimal *a, const RefDecimal *b)
{
	int			k;

	for (k = REF_DIGITS - 1; k >= 0; k--)
		if (a->digit[k] != b->digit[k])
			return a->digit[k] < b->digit[k] ? -1 : 1;
	return 0;
}

/* sum = a + b, schoolbook (the reference has room for every exact sum). */
static void
ref_add(const RefDecimal *a, const RefDecimal *b, RefDecimal *sum)
{
	int			k;
	int			carry = 0;

	if (a->negative == b->negative)
	{
		sum->negative = a->negative;
		for (k = 0; k < REF_DIGITS; k++)
		{
			int			d = a->digit[k] + b->digit[k] + carry;

			sum->digit[k] = (uint8_t) (d % 10);
			carry = d / 10;
		}
		FUZZ_CHECK(carry == 0, "reference overflow");
		return;
	}
	/* opposite signs: the larger magnitude minus the smaller */
	if (ref_compare_magnitude(a, b) < 0)
	{
		const RefDecimal *t = a;

		a = b;
		b = t;
	}
	sum->negative = a->negative;
	for (k = 0; k < REF_DIGITS; k++)
	{
		int			d = a->digit[k] - b->digit[k] - carry;

		carry = d < 0;
		sum->digit[k] = (uint8_t) (d + 10 * carry);
	}
}

/*
 * Parses a literal clv_decimal_format writes: optional '-', integer digits
 * without leading zeros (a lone 0 allowed), then, when scale > 0, '.' and
 * exactly scale digits.  Stores its exact value as a 128-bit integer and as
 * a reference decimal.  False when the text is not of that form.
 */
static int
parse_literal(const char *text, int scale, __int128 *value, RefDecimal *r)
{
	const char *p = text;
	const char *point;
	unsigned __int128 magnitude = 0;
	int			ndigits = 0;

	memset(r, 0, sizeof(*r));
	r->negative = (*p == '-');
	if (r->negative)
		p++;
	point = strchr(p, '.');
	if ((point != NULL) != (scale > 0))
		return 0;
	if (point != NULL && (int) strlen(point + 1) != scale)
		return 0;
	if (p[0] == '0' && p[1] != '\0' && p[1] != '.')
		return 0;				/* a leading zero */
	for (; *p != '\0'; p++)
	{
		if (p == point)
			continue;
		if (*p < '0' || *p > '9' || ndigits == REF_DIGITS - REF_FRACTION_DIGITS + scale)
			return 0;
		if (magnitude > (((unsigned __int128) 1) << 127) / 10)
			return 0;
		magnitude = magnitude * 10 + (unsigned) (*p - '0');
		ndigits++;
	}
	if (ndigits == 0 || (point != NULL && point == text + r->negative))
		return 0;				/* no digits, or no integer digits */
	/* -2^127 is the one magnitude only a negative value can have */
	if (magnitude > (((unsigned __int128) 1) << 127) - !r->negative)
		return 0;
	*value = (__int128) (r->negative ? 0 - magnitude : magnitude);
	/* the same digits into the reference, least significant first */
	for (p = text + strlen(text) - 1, ndigits = 0; p >= text + r->negative; p--)
		if (p != point)
			r->digit[REF_FRACTION_DIGITS - scale + ndigits++] = (uint8_t) (*p - '0');
	return 1;
}

/*
 * Checks clv_decimal_format and clv_decimal_to_double on d, and stores its
 * exact value in r.
 */
static void
check_format(const ClvDecimal *d, RefDecimal *r)
{
	char		text[64];
	size_t		needed;
	size_t		len;
	__int128	parsed;
	double		approx,
				expected;

	FUZZ_CHECK(d->scale >= 0 && d->scale <= CLV_DECIMAL_MAX_SCALE, "scale %d", d->scale);
	clv_decimal_format(d, text, sizeof(text));
	needed = strlen(text) + 1;
	FUZZ_CHECK(needed > 1 && needed <= 44, "\"%s\" is longer than 43 characters", text);
	FUZZ_CHECK(parse_literal(text, d->scale, &parsed, r), "\"%s\" is malformed (scale %d)",
			   text, d->scale);
	FUZZ_CHECK(parsed == d->value, "\"%s\" does not parse back to the value", text);

	/*
	 * Exact-size heap buffers: AddressSanitizer catches any write past len.
	 * A buffer too small gets "", one of 44 bytes or more the literal; in
	 * between, format may reserve room for a sign and a point it does not
	 * write, so either is right.
	 */
	for (len = 0; len <= needed + 3; len++)
	{
		size_t		size = len == needed + 3 ? 44 : len;
		char	   *buf = malloc(size);
		char	   *result = clv_decimal_format(d, buf, size);

		FUZZ_CHECK(result == buf, "format returns its buffer");
		if (size >= 44)
			FUZZ_CHECK(strcmp(buf, text) == 0, "\"%s\" != \"%s\" in a %zu-byte buffer",
					   buf, text, size);
		else if (size > 0)
			FUZZ_CHECK(buf[0] == '\0' || (size >= needed && strcmp(buf, text) == 0),
					   "\"%s\" instead of \"%s\" or \"\" in a %zu-byte buffer",
					   buf, text, size);
		free(buf);
	}

	approx = clv_decimal_to_double(d);
	expected = strtod(text, NULL);
	FUZZ_CHECK(approx == expected,
			   "to_double(%s) = %.17g, nearest double %.17g", text, approx, expected);
}

/*
 * Reads the next decimal of in into d and checks its construction.  False
 * when it is invalid or does not fit (then d is not set).
 */
static int
read_decimal(FuzzInput *in, ClvDecimal *d)
{
	uint8_t		mode = fuzz_u8(in);
	int16_t		digits[16];
	int			ndigits;
	int			weight;
	int			dscale;
	int			negative = (mode & 2) != 0;
	int			invalid = 0;
	int			conservative = 0;
	int			accepted;
	int			i;
	RefDecimal	expected,
				got;

	if (mode & 1)
	{
		/* a raw value with a scale in range, as deserialize accepts */
		fuzz_take(in, &d->value, sizeof(d->value));
		d->scale = fuzz_u8(in) % (CLV_DECIMAL_MAX_SCALE + 1);
		return 1;
	}

	/* mostly valid dscales and digits, sometimes any 16-bit value */
	weight = fuzz_i16(in);
	dscale = (mode & 4) ? fuzz_i16(in) : fuzz_u8(in) % 40;
	ndigits = fuzz_u8(in) % 17;
	for (i = 0; i < ndigits; i++)
		digits[i] = (mode & 8) ? fuzz_i16(in) : (int16_t) ((uint16_t) fuzz_i16(in) % 10000);

	invalid = dscale < 0 || dscale > CLV_DECIMAL_MAX_SCALE;
	for (i = 0; i < ndigits; i++)
	{
		invalid |= digits[i] < 0 || digits[i] > 9999;
		conservative |= 4L * (weight - i) + dscale > 38;
	}
	conservative |= ndigits > 0 && weight > 8;

	accepted = clv_decimal_from_base10000(digits, ndigits, weight, negative, dscale, d);
	if (invalid)
	{
		FUZZ_CHECK(!accepted, "invalid digits or dscale %d accepted", dscale);
		return 0;
	}
	if (!accepted)
	{
		FUZZ_CHECK(conservative ||
				   !ref_from_base10000(digits, ndigits, weight, negative, dscale, &expected) ||
				   !ref_fits(&expected, dscale),
				   "a number that fits is rejected (weight %d, dscale %d)", weight, dscale);
		return 0;
	}
	FUZZ_CHECK(ref_from_base10000(digits, ndigits, weight, negative, dscale, &expected),
			   "accepted a number beyond 10^%d", REF_DIGITS - REF_FRACTION_DIGITS);
	FUZZ_CHECK(d->scale == dscale, "scale %d, dscale %d", d->scale, dscale);
	check_format(d, &got);
	FUZZ_CHECK(ref_equal(&got, &expected), "wrong value (weight %d, dscale %d)", weight, dscale);
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size};
	ClvDecimal	acc;
	RefDecimal	acc_ref;

	if (!read_decimal(&in, &acc))
		return 0;
	check_format(&acc, &acc_ref);
	while (in.size > 0)
	{
		ClvDecimal	addend,
					before = acc;
		RefDecimal	addend_ref,
					sum_ref;
		int			scale;

		if (!read_decimal(&in, &addend))
			continue;
		check_format(&addend, &addend_ref);
		ref_add(&acc_ref, &addend_ref, &sum_ref);
		scale = acc.scale > addend.scale ? acc.scale : addend.scale;
		if (clv_decimal_add(&acc, &addend))
		{
			FUZZ_CHECK(acc.scale == scale, "sum scale %d, expected %d", acc.scale, scale);
			check_format(&acc, &acc_ref);
			FUZZ_CHECK(ref_equal(&acc_ref, &sum_ref), "wrong sum");
		}
		else
		{
			FUZZ_CHECK(acc.value == before.value && acc.scale == before.scale,
					   "a failed add changed the accumulator");
			FUZZ_CHECK(!ref_fits(&sum_ref, scale) || !ref_fits(&acc_ref, scale) ||
					   !ref_fits(&addend_ref, scale),
					   "a sum that fits overflowed");
		}
	}
	return 0;
}
