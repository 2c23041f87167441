/*
 * test_retention.c -- calendar periods and the additive series and cohort
 * counts of src/core/retention.c.
 */
#include <stdlib.h>
#include <string.h>

#include "retention.h"
#include "tap.h"
#include "counting_memory.h"

/* Days from 2000-01-01, computed independently (Python's datetime). */
#define DAY_2024_02_29 8825
#define DAY_2024_12_30 9130		/* a Monday */
#define DAY_1997_01_01 (-1095)

/* Whether every day of [from, to) maps into a period that contains it. */
static int
periods_contain_days(ClvRetentionUnit unit, int32_t from, int32_t to, int32_t step)
{
	for (int32_t day = from; day < to; day += step)
	{
		int32_t		period = clv_retention_period_of_day(unit, day);
		int32_t		first = clv_retention_period_first_day(unit, period);
		int32_t		next = clv_retention_period_first_day(unit, period + 1);

		if (!(first <= day && day < next) ||
			clv_retention_period_of_day(unit, first) != period ||
			clv_retention_period_of_day(unit, first - 1) != period - 1)
			return 0;
	}
	return 1;
}

/* A set of the n periods of list. */
static ClvPeriodSet
set_of(const int32_t *list, int n)
{
	ClvPeriodSet set;

	clv_pset_init(&set);
	for (int i = 0; i < n; i++)
		clv_pset_add(&set, list[i], &memory);
	return set;
}

/* Series counts of period p as "active/retained/new". */
static const char *
series_at(const ClvRetentionCounts *counts, int32_t p)
{
	static char buf[64];
	int64_t		a,
				r,
				n;

	clv_counts_series_at(counts, p, &a, &r, &n);
	snprintf(buf, sizeof(buf), "%lld/%lld/%lld", (long long) a, (long long) r, (long long) n);
	return buf;
}

int
main(void)
{
	static const int32_t c1[] = {11, 12, 14};
	static const int32_t c2[] = {10, 12};
	static const int32_t c3[] = {13, 14};
	ClvPeriodSet s1,
				s2,
				s3;
	ClvRetentionCounts series,
				part,
				cohorts,
				fixed,
				copy;
	const ClvCohortRow *row;
	uint8_t    *buf;
	size_t		n;

	/* calendar periods */
	ok(clv_retention_period_of_day(CLV_RETENTION_DAY, DAY_2024_02_29) == DAY_2024_02_29, "day period is the day");
	ok(clv_retention_period_of_day(CLV_RETENTION_MONTH, DAY_2024_02_29) == 2024 * 12 + 1, "2024-02-29 is in month 2024*12+1");
	ok(clv_retention_period_of_day(CLV_RETENTION_QUARTER, DAY_2024_02_29) == 2024 * 4, "2024-02-29 is in Q1 2024");
	ok(clv_retention_period_of_day(CLV_RETENTION_YEAR, DAY_1997_01_01) == 1997, "1997-01-01 is in 1997");
	ok(clv_retention_period_first_day(CLV_RETENTION_MONTH, 2024 * 12 + 1) == DAY_2024_02_29 - 28, "February 2024 starts 28 days before its 29th");
	ok(clv_retention_period_first_day(CLV_RETENTION_YEAR, 2000) == 0, "2000 starts on day 0");
	ok(clv_retention_period_first_day(CLV_RETENTION_WEEK, clv_retention_period_of_day(CLV_RETENTION_WEEK, 0)) == -5,
	   "Saturday 2000-01-01 is in the ISO week of Monday 1999-12-27");
	ok(clv_retention_period_first_day(CLV_RETENTION_WEEK, clv_retention_period_of_day(CLV_RETENTION_WEEK, DAY_2024_12_30 + 6)) == DAY_2024_12_30,
	   "Sunday 2025-01-05 is in the week of Monday 2024-12-30");
	ok(clv_retention_period_first_day(CLV_RETENTION_MONTH, 1900 * 12 + 2) -
	   clv_retention_period_first_day(CLV_RETENTION_MONTH, 1900 * 12 + 1) == 28, "1900 is not a leap year");
	ok(clv_retention_period_first_day(CLV_RETENTION_MONTH, 2000 * 12 + 2) -
	   clv_retention_period_first_day(CLV_RETENTION_MONTH, 2000 * 12 + 1) == 29, "2000 is a leap year");
	ok(clv_retention_period_first_day(CLV_RETENTION_MONTH, 0 * 12 + 2) -
	   clv_retention_period_first_day(CLV_RETENTION_MONTH, 0 * 12 + 1) == 29, "year 0 (1 BC) is a leap year");
	ok(clv_retention_period_first_day(CLV_RETENTION_YEAR, -4713) == -2451545 + 0 - 327,
	   "4714 BC (year -4713) starts 327 days before PostgreSQL's first date, 4713-11-24 BC");
	for (int unit = CLV_RETENTION_DAY; unit <= CLV_RETENTION_YEAR; unit++)
		ok(periods_contain_days((ClvRetentionUnit) unit, -2451545, 2500000, 13),
		   "unit %d: each day 4713 BC..8845 AD lies in its period", unit);

	/*
	 * Customers {11, 12, 14}, {10, 12}, {13, 14}.  By hand: period 10: 1
	 * active, 1 new; 11: 1/0/1; 12: 2 active, 1 retained (c1); 13: 1/0/1;
	 * 14: 2 active, 1 retained (c3).
	 */
	s1 = set_of(c1, 3);
	s2 = set_of(c2, 2);
	s3 = set_of(c3, 2);
	clv_counts_init(&series, CLV_COUNTS_SERIES, &memory);
	ok(clv_counts_add(&series, &s1) && clv_counts_add(&series, &s2) && clv_counts_add(&series, &s3),
	   "series: three customers added");
	ok(series.first == 10 && series.last == 14 && series.customers == 3, "series: periods 10..14 observed");
	ok(strcmp(series_at(&series, 10), "1/0/1") == 0 && strcmp(series_at(&series, 11), "1/0/1") == 0 &&
	   strcmp(series_at(&series, 12), "2/1/0") == 0 && strcmp(series_at(&series, 13), "1/0/1") == 0 &&
	   strcmp(series_at(&series, 14), "2/1/0") == 0, "series: active/retained/new by hand");
	ok(strcmp(series_at(&series, 9), "0/0/0") == 0 && strcmp(series_at(&series, 1000), "0/0/0") == 0,
	   "series: zero outside the window");

	/* the same from two parts merged, in the other order */
	clv_counts_init(&part, CLV_COUNTS_SERIES, &memory);
	clv_counts_add(&part, &s3);
	clv_counts_init(&copy, CLV_COUNTS_SERIES, &memory);
	clv_counts_add(&copy, &s2);
	clv_counts_add(&copy, &s1);
	ok(clv_counts_merge(&part, &copy) && part.customers == 3 && part.first == 10 && part.last == 14,
	   "series: merged parts cover the same periods");
	ok(strcmp(series_at(&part, 12), "2/1/0") == 0 && strcmp(series_at(&part, 14), "2/1/0") == 0 &&
	   strcmp(series_at(&part, 10), "1/0/1") == 0, "series: merged parts count the same");
	clv_counts_free(&copy);

	/* encoding round trip and validation */
	buf = malloc(clv_counts_encoded_bound(&part));
	n = clv_counts_encode(&part, buf);
	ok(n <= clv_counts_encoded_bound(&part) && clv_counts_decode(&copy, buf, n, &memory) == n &&
	   strcmp(series_at(&copy, 12), "2/1/0") == 0 && copy.first == 10 && copy.last == 14,
	   "series: encoding round-trips (%zu bytes)", n);
	clv_counts_free(&copy);
	ok(clv_counts_decode(&copy, buf, n - 1, &memory) == 0, "series: truncated encoding rejected");
	buf[2] = 2;					/* 2 customers: the new counts add up to 3 */
	ok(clv_counts_decode(&copy, buf, n, &memory) == 0, "series: counts inconsistent with customers rejected");
	free(buf);

	clv_counts_free(&part);

	/* a fixed window: periods 12 and 13 only (retention_rate of 13) */
	clv_counts_init_fixed(&fixed, 12, 2, &memory);
	clv_counts_add(&fixed, &s1);
	clv_counts_add(&fixed, &s2);
	clv_counts_add(&fixed, &s3);
	ok(strcmp(series_at(&fixed, 12), "2/1/0") == 0 && strcmp(series_at(&fixed, 13), "1/0/1") == 0 &&
	   strcmp(series_at(&fixed, 14), "0/0/0") == 0, "fixed window: counts of 12 and 13 only");
	clv_counts_init(&part, CLV_COUNTS_SERIES, &memory);
	ok(!clv_counts_merge(&fixed, &part), "fixed and growing windows do not merge");
	clv_counts_free(&part);

	/* cohorts: c2 in cohort 10 {k 0, 2}, c1 in 11 {0, 1, 3}, c3 in 13 {0, 1} */
	clv_counts_init(&cohorts, CLV_COUNTS_COHORTS, &memory);
	clv_counts_add(&cohorts, &s1);
	clv_counts_add(&cohorts, &s2);
	clv_counts_add(&cohorts, &s3);
	row = clv_counts_cohort(&cohorts, 10);
	ok(row != NULL && row->length == 3 && row->cells[0] == 1 && row->cells[1] == 0 && row->cells[2] == 1,
	   "cohort 10: 1, 0, 1");
	row = clv_counts_cohort(&cohorts, 11);
	ok(row != NULL && row->length == 4 && row->cells[0] == 1 && row->cells[3] == 1, "cohort 11: 1, 1, 0, 1");
	ok(clv_counts_cohort(&cohorts, 12) == NULL, "no cohort 12");
	ok(clv_counts_cohort_cells(&cohorts) == 5 + 4 + 2, "cells up to the last period: 5 + 4 + 2");
	buf = malloc(clv_counts_encoded_bound(&cohorts));
	n = clv_counts_encode(&cohorts, buf);
	ok(clv_counts_decode(&copy, buf, n, &memory) == n && clv_counts_cohort(&copy, 13)->cells[1] == 1 &&
	   clv_counts_cohort_cells(&copy) == 11, "cohorts: encoding round-trips");
	clv_counts_free(&copy);
	free(buf);

	clv_counts_free(&series);
	clv_counts_free(&fixed);
	clv_counts_free(&cohorts);
	clv_pset_free(&s1, &memory);
	ok(live_bytes == 0, "nothing leaks");
	return done_testing();
}
