/*-------------------------------------------------------------------------
 *
 * amount.c
 *	  Running sums of purchase amounts (see amount.h): the per-customer
 *	  aggregates' totals, exact for integer and numeric amounts and
 *	  compensated for floating ones, with their wire form.
 *
 *-------------------------------------------------------------------------
 */
#include "amount.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

/* The ClvAmountKind of a declared amount type. */
ClvAmountKind
clv_amount_kind(Oid typid)
{
	switch (typid)
	{
		case INT2OID:
			return CLV_AMOUNT_INT2;
		case INT4OID:
			return CLV_AMOUNT_INT4;
		case INT8OID:
			return CLV_AMOUNT_INT8;
		case NUMERICOID:
			return CLV_AMOUNT_NUMERIC;
		case FLOAT4OID:
			return CLV_AMOUNT_FLOAT4;
		case FLOAT8OID:
			return CLV_AMOUNT_FLOAT8;
		default:
			elog(ERROR, "unexpected amount type %u", typid);
	}
	return CLV_AMOUNT_NONE;		/* keep compiler quiet */
}

/* Raises the error of a NaN or infinite amount, value as text. */
static void
amount_not_finite(const char *fname, const char *value)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s amount must be finite, not %s", fname, value),
			 errhint("Filter out or replace rows whose amount is NaN or infinite.")));
}

/* Raises the error of a floating sum or result past the float8 range. */
static void
float_out_of_range(const char *fname, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s %s is out of range for type double precision",
					fname, what),
			 errhint("Pass the amounts as numeric to sum them exactly.")));
}

/* A ClvDecimal as a numeric. */
static Numeric
decimal_to_numeric(const ClvDecimal *d)
{
	char		buf[64];

	if (d->value >= PG_INT64_MIN && d->value <= PG_INT64_MAX)
		return int64_div_fast_to_numeric((int64) d->value, d->scale);
	clv_decimal_format(d, buf, sizeof(buf));
	return DatumGetNumeric(DirectFunctionCall3(numeric_in,
											   CStringGetDatum(buf),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

/* An exact sum as a numeric, in the current memory context. */
static Numeric
exact_sum_numeric(const ClvAmountSum *sum)
{
	return sum->overflow ? sum->overflow : decimal_to_numeric(&sum->decimal);
}

/* Keeps a copy of n in mcxt as the numeric value of sum. */
static void
set_overflow(ClvAmountSum *sum, Numeric n, MemoryContext mcxt)
{
	Numeric		old = sum->overflow;

	sum->overflow = MemoryContextAlloc(mcxt, VARSIZE(n));
	memcpy(sum->overflow, n, VARSIZE(n));
	if (old)
		pfree(old);
}

/* sum += addend in numeric arithmetic. */
static void
add_numeric(ClvAmountSum *sum, Numeric addend, MemoryContext mcxt)
{
	set_overflow(sum, numeric_add_opt_error(exact_sum_numeric(sum), addend, NULL),
				 mcxt);
}

/* A floating sum += one amount, which must be finite. */
static inline void
add_float(ClvAmountSum *sum, double amount, const char *fname)
{
	if (unlikely(!isfinite(amount)))
		amount_not_finite(fname, isnan(amount) ? "NaN" :
						  amount > 0 ? "Infinity" : "-Infinity");
	if (unlikely(!clv_fsum_add(&sum->floating, amount)))
		float_out_of_range(fname, "amount total");
}

/* sum += one amount of kind. */
void
clv_amount_add(ClvAmountSum *sum, ClvAmountKind kind, Datum amount,
			   MemoryContext mcxt, const char *fname)
{
	ClvDecimal	d = {0, 0};

	switch (kind)
	{
		case CLV_AMOUNT_NONE:
			return;
		case CLV_AMOUNT_FLOAT4:
			add_float(sum, DatumGetFloat4(amount), fname);
			return;
		case CLV_AMOUNT_FLOAT8:
			add_float(sum, DatumGetFloat8(amount), fname);
			return;
		case CLV_AMOUNT_INT2:
			d.value = DatumGetInt16(amount);
			break;
		case CLV_AMOUNT_INT4:
			d.value = DatumGetInt32(amount);
			break;
		case CLV_AMOUNT_INT8:
			d.value = DatumGetInt64(amount);
			break;
		case CLV_AMOUNT_NUMERIC:
			if (sum->overflow || !clv_numeric_to_decimal(amount, &d))
			{
				Numeric		n = DatumGetNumeric(amount);

				if (numeric_is_nan(n) || numeric_is_inf(n))
					amount_not_finite(fname,
									  DatumGetCString(DirectFunctionCall1(numeric_out, amount)));
				add_numeric(sum, n, mcxt);
				return;
			}
			break;
	}
	if (sum->overflow || !clv_decimal_add(&sum->decimal, &d))
		add_numeric(sum, decimal_to_numeric(&d), mcxt);
}

/* sum += addend, both of kind. */
void
clv_amount_merge(ClvAmountSum *sum, const ClvAmountSum *addend,
				 ClvAmountKind kind, MemoryContext mcxt, const char *fname)
{
	if (CLV_AMOUNT_IS_FLOAT(kind))
	{
		if (!clv_fsum_merge(&sum->floating, &addend->floating))
			float_out_of_range(fname, "amount total");
	}
	else if (sum->overflow || addend->overflow ||
			 !clv_decimal_add(&sum->decimal, &addend->decimal))
		add_numeric(sum, exact_sum_numeric(addend), mcxt);
}

/* A float8 result as a numeric, or 22003 naming fname and what. */
Numeric
clv_amount_checked_numeric(double value, const char *fname, const char *what)
{
	if (!isfinite(value))
		float_out_of_range(fname, what);
	return DatumGetNumeric(DirectFunctionCall1(float8_numeric,
											   Float8GetDatum(value)));
}

/* The value of sum as a numeric. */
Numeric
clv_amount_numeric(const ClvAmountSum *sum, ClvAmountKind kind,
				   const char *fname)
{
	if (CLV_AMOUNT_IS_FLOAT(kind))
		return clv_amount_checked_numeric(clv_fsum_value(&sum->floating),
										  fname, "amount total");
	return exact_sum_numeric(sum);
}

/* The value of sum as a finite float8. */
double
clv_amount_float8(const ClvAmountSum *sum, ClvAmountKind kind,
				  const char *fname)
{
	double		value;

	if (CLV_AMOUNT_IS_FLOAT(kind))
		value = clv_fsum_value(&sum->floating);
	else
		value = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
												   NumericGetDatum(exact_sum_numeric(sum))));
	if (!isfinite(value))
		float_out_of_range(fname, "amount total");
	return value;
}

/*
 * (sum - part) / count as a numeric: for exact kinds with the scale of the
 * amounts plus CLV_AMOUNT_MEAN_EXTRA_SCALE digits, rounded half away from
 * zero as numeric's round() does.
 */
Numeric
clv_amount_mean_rest(const ClvAmountSum *sum, const ClvAmountSum *part,
					 ClvAmountKind kind, int64 count, const char *fname)
{
	Numeric		rest;
	int32		scale;

	if (CLV_AMOUNT_IS_FLOAT(kind))
		return clv_amount_checked_numeric(clv_fsum_difference(&sum->floating,
															  &part->floating) /
										  (double) count,
										  fname, "repeat amount");
	rest = numeric_sub_opt_error(exact_sum_numeric(sum), exact_sum_numeric(part),
								 NULL);
	scale = DatumGetInt32(DirectFunctionCall1(numeric_scale, NumericGetDatum(rest)));
	return DatumGetNumeric(DirectFunctionCall2(numeric_round,
											   NumericGetDatum(numeric_div_opt_error(rest,
																					 int64_to_numeric(count),
																					 NULL)),
											   Int32GetDatum(scale + CLV_AMOUNT_MEAN_EXTRA_SCALE)));
}

/* Appends sum to a wire buffer. */
void
clv_amount_send(StringInfo buf, const ClvAmountSum *sum)
{
	pq_sendint8(buf, sum->overflow != NULL);
	if (sum->overflow)
	{
		bytea	   *bytes = DatumGetByteaPP(DirectFunctionCall1(numeric_send,
																NumericGetDatum(sum->overflow)));

		pq_sendint32(buf, VARSIZE_ANY_EXHDR(bytes));
		pq_sendbytes(buf, VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes));
	}
	pq_sendint64(buf, (int64) (sum->decimal.value >> 64));
	pq_sendint64(buf, (int64) (uint64) sum->decimal.value);
	pq_sendint32(buf, sum->decimal.scale);
	pq_sendfloat8(buf, sum->floating.value);
	pq_sendfloat8(buf, sum->floating.error);
}

/* Reads a sum written by clv_amount_send, validating it. */
void
clv_amount_recv(StringInfo buf, ClvAmountSum *sum, MemoryContext mcxt,
				const char *what)
{
	int			has_overflow = pq_getmsgbyte(buf);
	int64		high;
	uint64		low;

	if (has_overflow != 0 && has_overflow != 1)
		clv_wire_invalid(what, "An amount sum's flag byte is out of range.");
	sum->overflow = NULL;
	if (has_overflow)
	{
		int32		len = (int32) pq_getmsgint(buf, 4);
		StringInfoData field;
		Numeric		n;

		if (len < 0 || len > buf->len - buf->cursor)
			clv_wire_invalid(what, "A numeric amount sum has a bad length.");
		field.data = (char *) pq_getmsgbytes(buf, len);
		field.len = field.maxlen = len;
		field.cursor = 0;
		n = DatumGetNumeric(DirectFunctionCall3(numeric_recv,
												PointerGetDatum(&field),
												ObjectIdGetDatum(InvalidOid),
												Int32GetDatum(-1)));
		if (field.cursor != field.len || numeric_is_nan(n) || numeric_is_inf(n))
			clv_wire_invalid(what, "A numeric amount sum is malformed.");
		set_overflow(sum, n, mcxt);
	}
	high = pq_getmsgint64(buf);
	low = (uint64) pq_getmsgint64(buf);
	sum->decimal.value = (((__int128) high) << 64) | low;
	sum->decimal.scale = pq_getmsgint(buf, 4);
	sum->floating.value = pq_getmsgfloat8(buf);
	sum->floating.error = pq_getmsgfloat8(buf);
	if (sum->decimal.scale < 0 || sum->decimal.scale > CLV_DECIMAL_MAX_SCALE ||
		!isfinite(sum->floating.value) || !isfinite(sum->floating.error))
		clv_wire_invalid(what, "An amount sum is out of range.");
}
