/*-------------------------------------------------------------------------
 *
 * retention.h
 *	  Calendar periods and the per-period tallies of the retention family:
 *	  which day, ISO week, month, quarter or year a date falls in, and the
 *	  active/retained/new counts and cohort matrix computed from each
 *	  customer's set of active periods.
 *
 * Plain C99, no PostgreSQL headers.  Days are counted from 2000-01-01
 * (PostgreSQL's date epoch) in the proleptic Gregorian calendar; a
 * customer's active periods are a bitmap of 64-bit words whose bit 0 is a
 * given period number.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLV_CORE_RETENTION_H
#define CLV_CORE_RETENTION_H

#include <stdint.h>

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
 * Per-period counts of a series over nperiods periods numbered from 0:
 * customers active, retained (active in the period and the one before) and
 * new (first active period).  The arrays are zeroed by the caller.
 */
typedef struct ClvRetentionSeries
{
	int32_t		nperiods;
	int64_t    *active;
	int64_t    *retained;
	int64_t    *new_customers;
} ClvRetentionSeries;

/*
 * Adds one customer, whose active periods are the set bits of words[0..nwords)
 * with bit 0 of words[0] being period base (relative to the series' period 0).
 */
extern void clv_retention_series_add(ClvRetentionSeries *series,
									 const uint64_t *words, int nwords,
									 int32_t base);

/* The first (lowest) set period of a non-empty bitmap, as above. */
extern int32_t clv_retention_first_period(const uint64_t *words, int nwords,
										  int32_t base);

/*
 * The cohort matrix over nperiods periods: row c (cohort = first active
 * period c) has nperiods - c cells k = 0.., stored from cell[offset[c]];
 * offset[c] < 0 marks a cohort without customers.  size[c] counts the
 * cohort's customers.  Cells and sizes are zeroed by the caller.
 */
typedef struct ClvRetentionCohorts
{
	int32_t		nperiods;
	int64_t    *size;
	int64_t    *offset;
	int64_t    *cell;
} ClvRetentionCohorts;

/*
 * Lays out the rows of the cohorts whose size is already counted; returns
 * the number of cells needed.
 */
extern int64_t clv_retention_cohorts_layout(ClvRetentionCohorts *cohorts);

/* Adds one customer's active periods (as for clv_retention_series_add). */
extern void clv_retention_cohorts_add(ClvRetentionCohorts *cohorts,
									  const uint64_t *words, int nwords,
									  int32_t base);

#endif							/* CLV_CORE_RETENTION_H */
