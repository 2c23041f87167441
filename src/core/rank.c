/*-------------------------------------------------------------------------
 *
 * rank.c
 *	  Ties-consistent quantile scores, Pareto value tiers and the RFM
 *	  segment map (see rank.h).
 *
 * A column is sorted once: its keys become unsigned integers in the same
 * order (IEEE bits with the sign folded), which an 8-bit LSD radix sort
 * orders in linear time, skipping the byte positions where all keys agree.
 * Runs of equal keys that hold an inexact row are then re-sorted with the
 * caller's exact comparison.  Tie groups (rows of equal value) are the
 * runs of the final order; every row of a group gets the same result.
 *
 *-------------------------------------------------------------------------
 */
#include "rank.h"

#include <math.h>
#include <string.h>

#define SIGN_BIT UINT64_C(0x8000000000000000)
#define CANONICAL_NAN_BITS UINT64_C(0x7FF8000000000000)

/* rows processed between two calls of the interrupt callback */
#define INTERRUPT_STRIDE 65536

/* Calls the column's interrupt callback, if any. */
static void
check_interrupt(const ClvRankColumn *column)
{
	if (column->interrupt)
		column->interrupt();
}

/*
 * A key as an unsigned integer that orders like the key: -0 equals +0, every
 * NaN is one value above +infinity.
 */
static uint64_t
key_order(double key)
{
	uint64_t	bits;

	if (key == 0.0)
		key = 0.0;
	if (isnan(key))
		bits = CANONICAL_NAN_BITS;
	else
		memcpy(&bits, &key, sizeof(bits));
	return (bits & SIGN_BIT) ? ~bits : bits | SIGN_BIT;
}

/* The key whose order key_order gave. */
static double
order_key(uint64_t order)
{
	uint64_t	bits = (order & SIGN_BIT) ? order & ~SIGN_BIT : ~order;
	double		key;

	memcpy(&key, &bits, sizeof(key));
	return key;
}

/*
 * Stable LSD radix sort of items[0..count) by order, using scratch of the
 * same size.  Returns whichever of the two buffers holds the sorted items.
 */
static ClvRankItem *
radix_sort(const ClvRankColumn *column, ClvRankItem *items,
		   ClvRankItem *scratch, int64_t count)
{
	static const int bytes = (int) sizeof(uint64_t);
	int64_t		histogram[sizeof(uint64_t)][256];
	ClvRankItem *source = items;
	ClvRankItem *target = scratch;

	memset(histogram, 0, sizeof(histogram));
	for (int64_t i = 0; i < count; i++)
	{
		for (int b = 0; b < bytes; b++)
			histogram[b][(source[i].order >> (8 * b)) & 0xFF]++;
		if (i % INTERRUPT_STRIDE == 0)
			check_interrupt(column);
	}

	for (int b = 0; b < bytes; b++)
	{
		int64_t		next[256];
		int64_t		position = 0;
		bool		one_bucket = false;
		ClvRankItem *swap;

		for (int d = 0; d < 256; d++)
		{
			if (histogram[b][d] == count)
				one_bucket = true;
			next[d] = position;
			position += histogram[b][d];
		}
		if (one_bucket)
			continue;			/* every key has the same byte here */
		check_interrupt(column);
		for (int64_t i = 0; i < count; i++)
			target[next[(source[i].order >> (8 * b)) & 0xFF]++] = source[i];
		swap = source;
		source = target;
		target = swap;
	}
	return source;
}

/* Exact order of two items with equal keys, by the caller's comparison. */
static int
tie_order(const ClvRankColumn *column, const ClvRankItem *a,
		  const ClvRankItem *b)
{
	if (!column->inexact[a->row] && !column->inexact[b->row])
		return 0;				/* equal exact keys are equal values */
	return column->tie_compare(column->tie_arg, a->row, b->row);
}

/* Merge sort of items[0..count) by tie_order, using scratch of that size. */
static void
tie_sort(const ClvRankColumn *column, ClvRankItem *items,
		 ClvRankItem *scratch, int64_t count)
{
	int64_t		half = count / 2;
	int64_t		left = 0;
	int64_t		right = half;
	int64_t		out = 0;

	if (count < 2)
		return;
	tie_sort(column, items, scratch, half);
	tie_sort(column, items + half, scratch, count - half);
	while (left < half && right < count)
	{
		if (tie_order(column, &items[right], &items[left]) < 0)
			scratch[out++] = items[right++];
		else
			scratch[out++] = items[left++];
	}
	while (left < half)
		scratch[out++] = items[left++];
	while (right < count)
		scratch[out++] = items[right++];
	memcpy(items, scratch, count * sizeof(ClvRankItem));
}

/* True when the adjacent sorted items a and b hold equal values. */
static bool
same_value(const ClvRankColumn *column, const ClvRankItem *a,
		   const ClvRankItem *b)
{
	if (a->order != b->order)
		return false;
	return column->inexact == NULL || tie_order(column, a, b) == 0;
}

/*
 * Sorts the non-excluded rows of column by value into work (2 * rows
 * items); *sorted points at the result and the count is returned.
 */
static int64_t
sort_column(const ClvRankColumn *column, ClvRankItem *work,
			ClvRankItem **sorted)
{
	int64_t		count = 0;
	ClvRankItem *items;
	ClvRankItem *scratch;

	for (int64_t i = 0; i < column->rows; i++)
	{
		if (column->excluded && column->excluded[i])
			continue;
		work[count].order = key_order(column->keys[i]);
		work[count].row = i;
		count++;
	}
	items = radix_sort(column, work, work + column->rows, count);
	scratch = (items == work) ? work + column->rows : work;

	if (column->inexact)
	{
		int64_t		end;

		for (int64_t start = 0; start < count; start = end)
		{
			bool		any_inexact = column->inexact[items[start].row];

			for (end = start + 1;
				 end < count && items[end].order == items[start].order;
				 end++)
				any_inexact |= column->inexact[items[end].row];
			if (any_inexact && end - start > 1)
			{
				check_interrupt(column);
				tie_sort(column, items + start, scratch, end - start);
			}
		}
	}
	*sorted = items;
	return count;
}

/* Worse counts of every row of column (see rank.h). */
int64_t
clv_rank_worse_counts(const ClvRankColumn *column, bool higher_is_better,
					  ClvRankItem *work, int64_t *worse)
{
	ClvRankItem *items;
	int64_t		count = sort_column(column, work, &items);
	int64_t		end;

	for (int64_t i = 0; i < column->rows; i++)
		worse[i] = CLV_RANK_EXCLUDED;
	for (int64_t start = 0; start < count; start = end)
	{
		int64_t		worse_rows;

		for (end = start + 1;
			 end < count && same_value(column, &items[end - 1], &items[end]);
			 end++)
			;
		worse_rows = higher_is_better ? start : count - end;
		for (int64_t k = start; k < end; k++)
			worse[items[k].row] = worse_rows;
		if (start / INTERRUPT_STRIDE != end / INTERRUPT_STRIDE)
			check_interrupt(column);
	}
	return count;
}

/*
 * A running sum of a column's values: exact while the values are given
 * exactly and the sum fits a ClvDecimal, in long double otherwise.
 */
typedef struct ValueSum
{
	bool		is_exact;
	ClvDecimal	exact;
	long double approximate;
} ValueSum;

/* An empty sum, exact when the column gives exact values. */
static void
value_sum_init(ValueSum *sum, bool is_exact)
{
	sum->is_exact = is_exact;
	sum->exact.value = 0;
	sum->exact.scale = 0;
	sum->approximate = 0.0L;
}

/* sum += the value of item's row. */
static void
value_sum_add(ValueSum *sum, const ClvRankColumn *column, ClvRankItem item)
{
	if (sum->is_exact)
	{
		if (clv_decimal_add(&sum->exact, &column->exact_values[item.row]))
			return;
		/* past 38 digits: go on in long double */
		sum->is_exact = false;
		sum->approximate = (long double) clv_decimal_to_double(&sum->exact);
	}
	sum->approximate += order_key(item.order);
}

/* The sum as the nearest double. */
static double
value_sum_double(const ValueSum *sum)
{
	return sum->is_exact ? clv_decimal_to_double(&sum->exact) :
		(double) sum->approximate;
}

/* Sums of strictly greater values of every row of column (see rank.h). */
void
clv_rank_greater_sums(const ClvRankColumn *column, ClvRankItem *work,
					  double *greater, double *positive_total)
{
	ClvRankItem *items;
	int64_t		count = sort_column(column, work, &items);
	ValueSum	sum_above;
	int64_t		start;

	value_sum_init(&sum_above, column->exact_values != NULL);
	for (int64_t i = 0; i < column->rows; i++)
		greater[i] = NAN;
	/* tie groups from the largest value down: [start, end) */
	for (int64_t end = count; end > 0; end = start)
	{
		double		value = order_key(items[end - 1].order);
		double		greater_sum = value > 0.0 ? value_sum_double(&sum_above) :
			CLV_RANK_NOT_POSITIVE;

		for (start = end - 1;
			 start > 0 && same_value(column, &items[start - 1], &items[start]);
			 start--)
			;
		for (int64_t k = start; k < end; k++)
			greater[items[k].row] = greater_sum;
		if (value > 0.0)
		{
			for (int64_t k = start; k < end; k++)
				value_sum_add(&sum_above, column, items[k]);
		}
		if (start / INTERRUPT_STRIDE != end / INTERRUPT_STRIDE)
			check_interrupt(column);
	}
	*positive_total = value_sum_double(&sum_above);
}

/* Score 1 + floor(bins * worse / included). */
int
clv_rank_score(int64_t worse, int64_t included, int bins)
{
	return 1 + (int) (((int64_t) bins * worse) / included);
}

/* Pareto tier of a row from its greater sum and the positive total. */
ClvRankTier
clv_rank_tier(double greater, double positive_total, double high_share,
			  double medium_share)
{
	if (isnan(greater))
		return CLV_TIER_NONE;
	if (greater < 0.0)
		return CLV_TIER_LOW;	/* CLV_RANK_NOT_POSITIVE */
	if (greater < high_share * positive_total)
		return CLV_TIER_HIGH;
	if (greater < medium_share * positive_total)
		return CLV_TIER_MEDIUM;
	return CLV_TIER_LOW;
}

/* The text of a tier. */
const char *
clv_rank_tier_name(ClvRankTier tier)
{
	switch (tier)
	{
		case CLV_TIER_HIGH:
			return "high";
		case CLV_TIER_MEDIUM:
			return "medium";
		case CLV_TIER_LOW:
			return "low";
		case CLV_TIER_NONE:
			break;
	}
	return NULL;
}

/* The named segment of an R x F cell (SPEC.md's table). */
const char *
clv_rank_segment(int r, int f)
{
	static const char *const segments[5][5] = {
		/* R = 1; F = 1..5 */
		{"Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"},
		/* R = 2 */
		{"Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"},
		/* R = 3 */
		{"About to Sleep", "About to Sleep", "Need Attention", "Loyal", "Loyal"},
		/* R = 4 */
		{"Promising", "Potential Loyalists", "Potential Loyalists", "Loyal", "Loyal"},
		/* R = 5 */
		{"New Customers", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions"}
	};

	if (r < 1 || r > 5 || f < 1 || f > 5)
		return NULL;
	return segments[r - 1][f - 1];
}
