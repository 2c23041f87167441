/*
 * test_retention.c -- calendar periods and series/cohort tallies of
 * src/core/retention.c.
 */
#include "retention.h"
#include "tap.h"

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

int
main(void)
{
	uint64_t	one[1];
	uint64_t	two[2];
	int64_t		active[6] = {0};
	int64_t		retained[6] = {0};
	int64_t		new_customers[6] = {0};
	ClvRetentionSeries series = {6, active, retained, new_customers};
	int64_t		size[4] = {0};
	int64_t		offset[4];
	int64_t		cell[10] = {0};
	ClvRetentionCohorts cohorts = {4, size, offset, cell};

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

	/* series: one customer active in periods 1, 2, 4; one in 0 and 2 */
	one[0] = 0x0b;				/* periods 0, 1, 3 from base 1 */
	clv_retention_series_add(&series, one, 1, 1);
	one[0] = 0x05;				/* periods 0, 2 from base 0 */
	clv_retention_series_add(&series, one, 1, 0);
	ok(active[0] == 1 && active[1] == 1 && active[2] == 2 && active[3] == 0 && active[4] == 1,
	   "series: active counts");
	ok(retained[1] == 0 && retained[2] == 1 && retained[4] == 0, "series: retained counts");
	ok(new_customers[0] == 1 && new_customers[1] == 1 && new_customers[2] == 0, "series: new counts");

	/* bitmaps over two words: adjacency across the word boundary */
	two[0] = UINT64_C(1) << 63;
	two[1] = 1;
	clv_retention_series_add(&series, two, 2, -60);	/* periods 3 and 4 */
	ok(active[3] == 1 && active[4] == 2 && retained[4] == 1 && new_customers[3] == 1,
	   "series: periods 63 and 64 of a bitmap are consecutive");
	ok(clv_retention_first_period(two, 2, -60) == 3, "first period of a two-word bitmap");

	/* cohorts: customers in {0, 2}, {0}, {1, 3} over 4 periods */
	size[0] = 2;
	size[1] = 1;
	ok(clv_retention_cohorts_layout(&cohorts) == 4 + 3, "cohort rows: 4 + 3 cells, empty cohorts skipped");
	ok(offset[2] < 0 && offset[3] < 0, "empty cohorts have no row");
	one[0] = 0x05;
	clv_retention_cohorts_add(&cohorts, one, 1, 0);
	one[0] = 0x01;
	clv_retention_cohorts_add(&cohorts, one, 1, 0);
	one[0] = 0x05;
	clv_retention_cohorts_add(&cohorts, one, 1, 1);
	ok(cell[0] == 2 && cell[1] == 0 && cell[2] == 1 && cell[3] == 0, "cohort 0: 2, 0, 1, 0");
	ok(cell[4] == 1 && cell[5] == 0 && cell[6] == 1, "cohort 1: 1, 0, 1");
	return done_testing();
}
