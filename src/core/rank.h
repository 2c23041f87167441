/*-------------------------------------------------------------------------
 *
 * rank.h
 *	  Ties-consistent quantile scores, Pareto value tiers and the RFM
 *	  segment map: the numbers behind rfm_score, value_tier and
 *	  rfm_segment.
 *
 * Plain C99, no PostgreSQL headers.  A column of a window partition is
 * given as one double "key" per row that is monotone in the row's value
 * (a < b implies key(a) <= key(b)).  Keys that cannot tell two different
 * values apart (numerics beyond double precision, bigints beyond 2^53) are
 * flagged inexact; rows with equal keys of which one is inexact are put in
 * order by the caller's exact comparison, so equal scores mean equal values.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLV_RANK_H
#define CLV_RANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decimal.h"

/* worse count of a row that takes no part in scoring (a NULL input) */
#define CLV_RANK_EXCLUDED (-1)

/* greater sum of a row whose value is not positive (always 'low') */
#define CLV_RANK_NOT_POSITIVE (-1.0)

/* Exact order (<0, 0, >0) of rows a and b, called only when their keys are equal. */
typedef int (*ClvRankTieCompare) (void *arg, int64_t row_a, int64_t row_b);

/* Called now and then during long loops; it may not return (query cancel). */
typedef void (*ClvRankInterrupt) (void);

/* One column of a window partition, as the scoring functions read it. */
typedef struct ClvRankColumn
{
	int64_t		rows;			/* rows in the partition */
	const double *keys;			/* per row: key monotone in the value */
	const bool *excluded;		/* per row: left out (NULL input); NULL if none */
	const bool *inexact;		/* per row: key may hide a different value;
								 * NULL if no row is inexact */
	ClvRankTieCompare tie_compare;	/* needed when inexact is not NULL */
	void	   *tie_arg;
	const ClvDecimal *exact_values; /* per row: the value exactly, for sums
									 * (integer and decimal types); NULL to
									 * sum the keys */
	ClvRankInterrupt interrupt; /* may be NULL */
} ClvRankColumn;

/* Sort work item; the caller provides 2 * rows of them. */
typedef struct ClvRankItem
{
	uint64_t	order;			/* the key as an unsigned integer in key order */
	int64_t		row;
} ClvRankItem;

/* Pareto tier of one row. */
typedef enum ClvRankTier
{
	CLV_TIER_NONE,				/* excluded row: NULL */
	CLV_TIER_HIGH,
	CLV_TIER_MEDIUM,
	CLV_TIER_LOW
} ClvRankTier;

/*
 * For every row, the number of non-excluded rows whose value is strictly
 * worse (smaller when higher_is_better, else larger); CLV_RANK_EXCLUDED for
 * excluded rows.  NaN keys sort above +infinity and equal each other, as in
 * PostgreSQL.  work holds 2 * rows items.  Returns the number of
 * non-excluded rows.  O(rows) radix sort plus exact tie refinement.
 */
extern int64_t clv_rank_worse_counts(const ClvRankColumn *column,
									 bool higher_is_better,
									 ClvRankItem *work, int64_t *worse);

/*
 * For every row with a positive value, the sum of the values strictly
 * greater than its own; CLV_RANK_NOT_POSITIVE for a value <= 0 and NaN for
 * an excluded row.  *positive_total is the sum of the positive values.
 * Keys are the values themselves and must be finite.  With exact_values
 * the sums are exact (then rounded once to the nearest double, as SQL casts
 * an exact sum to float8) while they fit in a ClvDecimal, and continue in
 * long double past that; without, they are accumulated in long double from
 * the largest value down.
 */
extern void clv_rank_greater_sums(const ClvRankColumn *column,
								  ClvRankItem *work, double *greater,
								  double *positive_total);

/* Score 1 + floor(bins * worse / included), for 0 <= worse < included. */
extern int	clv_rank_score(int64_t worse, int64_t included, int bins);

/*
 * Tier of a row from its greater sum G and the positive total P:
 * high when G < high_share * P, medium when G < medium_share * P, else low
 * (compared in double, as SQL compares float8); NONE for NaN.
 */
extern ClvRankTier clv_rank_tier(double greater, double positive_total,
								 double high_share, double medium_share);

/* 'high', 'medium' or 'low'; NULL for CLV_TIER_NONE. */
extern const char *clv_rank_tier_name(ClvRankTier tier);

/* The named segment of the R and F digits (1..5 each); NULL outside. */
extern const char *clv_rank_segment(int r, int f);

#endif							/* CLV_RANK_H */
