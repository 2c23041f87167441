/*-------------------------------------------------------------------------
 *
 * retention.h
 *	  Calendar periods and the per-period counts of the retention family:
 *	  which day, ISO week, month, quarter or year a date falls in, and the
 *	  active/retained/new counts and cohort matrix computed from each
 *	  customer's set of active periods (periodset.h).
 *
 * Plain C99, no PostgreSQL headers.  Days are counted from 2000-01-01
 * (PostgreSQL's date epoch) in the proleptic Gregorian calendar.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLV_CORE_RETENTION_H
#define CLV_CORE_RETENTION_H

#include <stddef.h>
#include <stdint.h>

#include "periodset.h"

/* The calendar periods that series and cohorts are cut into. */
typedef enum ClvRetentionUnit
{
	CLV_RETENTION_DAY,
	CLV_RETENTION_WEEK,			/* ISO week, starting on Monday */
	CLV_RETENTION_MONTH,
	CLV_RETENTION_QUARTER,
	CLV_RETENTION_YEAR
} ClvRetentionUnit;

/* The number of the period of unit that contains day. */
extern int32_t clv_retention_period_of_day(ClvRetentionUnit unit, int32_t day);

/* The first day of period number period of unit. */
extern int32_t clv_retention_period_first_day(ClvRetentionUnit unit,
											  int32_t period);

/*
 * The counts that series, cohorts and the one-period functions are read
 * from, additive over disjoint sets of customers, so that a state of
 * counts merges by addition.  Series: per period, the customers active,
 * retained (active in the period and the one before) and new (first
 * active period).  Cohorts: per cohort (first active period c) a row of
 * cells k = 0, 1, ...: the cohort's customers active in period c + k
 * (cell 0 is the cohort's size).
 *
 * The counts cover a window of periods that grows with the customers
 * added; a fixed window (the one-period functions) ignores periods outside
 * it.  Memory comes from the caller's allocator.
 */
typedef enum ClvCountsKind
{
	CLV_COUNTS_SERIES,
	CLV_COUNTS_COHORTS
} ClvCountsKind;

typedef struct ClvCohortRow
{
	uint32_t	length;			/* cells k = 0 .. length - 1 in use */
	uint32_t	capacity;
	int64_t		cells[];
} ClvCohortRow;

typedef struct ClvRetentionCounts
{
	ClvCountsKind kind;
	int			fixed;			/* window fixed at init */
	int64_t		customers;		/* customers added */
	int32_t		first;			/* observed periods (customers > 0) */
	int32_t		last;
	int64_t		base;			/* storage window [base, base + capacity) */
	uint32_t	capacity;
	int64_t    *active;			/* series: capacity each */
	int64_t    *retained;
	int64_t    *new_customers;
	ClvCohortRow **rows;		/* cohorts: capacity rows, NULL when empty */
	ClvPeriodMemory memory;
} ClvRetentionCounts;

/* Most periods a window may cover. */
#define CLV_COUNTS_MAX_PERIODS 1048576

/* Empty counts of kind with a growing window. */
extern void clv_counts_init(ClvRetentionCounts *counts, ClvCountsKind kind,
							const ClvPeriodMemory *memory);

/* Empty series counts over the fixed window [first, first + nperiods). */
extern void clv_counts_init_fixed(ClvRetentionCounts *counts, int32_t first,
								  uint32_t nperiods,
								  const ClvPeriodMemory *memory);

/* Releases the counts' memory. */
extern void clv_counts_free(ClvRetentionCounts *counts);

/*
 * Adds one customer with the non-empty set of active periods set.  Returns
 * 0 (adding nothing) when the window would span more than
 * CLV_COUNTS_MAX_PERIODS periods, else 1.
 */
extern int	clv_counts_add(ClvRetentionCounts *counts, const ClvPeriodSet *set);

/*
 * Adds the counts of from (same kind, same fixed window) to into; 0 when
 * the window would grow too wide or the kinds differ.
 */
extern int	clv_counts_merge(ClvRetentionCounts *into, const ClvRetentionCounts *from);

/* Series counts of period p (zero outside the window). */
extern void clv_counts_series_at(const ClvRetentionCounts *counts, int32_t p,
								 int64_t *active, int64_t *retained,
								 int64_t *new_customers);

/* The row of cohort c (NULL when the cohort is empty). */
extern const ClvCohortRow *clv_counts_cohort(const ClvRetentionCounts *counts,
											 int32_t c);

/* Cells of the cohort matrix up to the last observed period. */
extern int64_t clv_counts_cohort_cells(const ClvRetentionCounts *counts);

/*
 * A compact encoding (varints): kind, fixed, customers, the window and the
 * counts; clv_counts_encoded_bound bounds clv_counts_encode's output.
 * clv_counts_decode reads into uninitialized counts and checks every
 * invariant the finals rely on; it returns the bytes read, or 0 for
 * malformed input (counts then freed).
 */
extern size_t clv_counts_encoded_bound(const ClvRetentionCounts *counts);
extern size_t clv_counts_encode(const ClvRetentionCounts *counts, uint8_t *out);
extern size_t clv_counts_decode(ClvRetentionCounts *counts, const uint8_t *in,
								size_t len, const ClvPeriodMemory *memory);

#endif							/* CLV_CORE_RETENTION_H */
