/*-------------------------------------------------------------------------
 *
 * amount.h
 *	  Running sums of purchase amounts of the six amount types the
 *	  per-customer aggregates take: smallint, integer, bigint and numeric
 *	  summed exactly, real and double precision summed in float8 with
 *	  compensation.
 *
 * Exact kinds keep a 128-bit ClvDecimal (core/decimal.c) until it would
 * overflow, then a numeric in the caller's memory context; floating kinds
 * keep a ClvFloatSum (core/fsum.c).  NaN and infinite amounts are errors
 * (22023), as is a float8 sum past the double range (22003, as the
 * built-in sum); every message names the aggregate fname.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLV_AMOUNT_H
#define CLV_AMOUNT_H

#include "clv.h"

#include "core/fsum.h"
#include "utils/numeric.h"

/* How an aggregate's amounts are summed; one per declared amount type. */
typedef enum ClvAmountKind
{
	CLV_AMOUNT_NONE,			/* no amount argument */
	CLV_AMOUNT_INT2,
	CLV_AMOUNT_INT4,
	CLV_AMOUNT_INT8,
	CLV_AMOUNT_NUMERIC,
	CLV_AMOUNT_FLOAT4,
	CLV_AMOUNT_FLOAT8
} ClvAmountKind;

#define CLV_AMOUNT_IS_FLOAT(kind) \
	((kind) == CLV_AMOUNT_FLOAT4 || (kind) == CLV_AMOUNT_FLOAT8)

/* A running sum; all zeros is an empty sum of any kind. */
typedef struct ClvAmountSum
{
	ClvDecimal	decimal;
	Numeric		overflow;		/* non-NULL once decimal is abandoned */
	ClvFloatSum floating;
} ClvAmountSum;

/* The ClvAmountKind of a declared amount type (int2 ... float8). */
extern ClvAmountKind clv_amount_kind(Oid typid);

/* sum += amount, a Datum of kind; an overflow numeric lives in mcxt. */
extern void clv_amount_add(ClvAmountSum *sum, ClvAmountKind kind, Datum amount,
						   MemoryContext mcxt, const char *fname);

/* sum += addend, a sum of the same kind. */
extern void clv_amount_merge(ClvAmountSum *sum, const ClvAmountSum *addend,
							 ClvAmountKind kind, MemoryContext mcxt,
							 const char *fname);

/* The value of sum as a numeric. */
extern Numeric clv_amount_numeric(const ClvAmountSum *sum, ClvAmountKind kind,
								  const char *fname);

/* The value of sum as a finite float8. */
extern double clv_amount_float8(const ClvAmountSum *sum, ClvAmountKind kind,
								const char *fname);

/* Digits a mean amount keeps beyond the scale of the amounts it averages. */
#define CLV_AMOUNT_MEAN_EXTRA_SCALE 4

/*
 * (sum - part) / count as a numeric, part being a sum of some of sum's
 * rows; for integer and numeric amounts rounded to their scale plus
 * CLV_AMOUNT_MEAN_EXTRA_SCALE digits.
 */
extern Numeric clv_amount_mean_rest(const ClvAmountSum *sum,
									const ClvAmountSum *part,
									ClvAmountKind kind, int64 count,
									const char *fname);

/* A float8 result as a numeric; a non-finite one is 22003 naming fname and what. */
extern Numeric clv_amount_checked_numeric(double value, const char *fname,
										  const char *what);

/* Appends sum to a wire buffer (clv_wire_begin). */
extern void clv_amount_send(StringInfo buf, const ClvAmountSum *sum);

/* Reads a sum written by clv_amount_send, validating it; what names the state. */
extern void clv_amount_recv(StringInfo buf, ClvAmountSum *sum,
							MemoryContext mcxt, const char *what);

#endif							/* CLV_AMOUNT_H */
