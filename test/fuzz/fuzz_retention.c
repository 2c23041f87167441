/*
 * fuzz_retention.c -- libFuzzer harness of src/core/retention.c.
 *
 * Calendar: for any date PostgreSQL can store, the period of every unit
 * must agree with the C library's gmtime (year, month, weekday), and the
 * period's first day must be in it and the day before in the previous one.
 *
 * Tallies: the input then gives a few customers, each a bitmap of active
 * periods at an offset; the series counts (active, retained, new) and the
 * cohort matrix must equal a naive count over each customer's list of
 * periods.
 */
#include <time.h>

#include "fuzz_input.h"
#include "retention.h"

/* PostgreSQL's dates, as days from 2000-01-01: Julian days 0 to 2147483493. */
#define MIN_DAY (-2451545)
#define MAX_DAY (2147483493 - 2451545)

#define MAX_CUSTOMERS 8
#define MAX_WORDS 4
#define MAX_BASE 100
#define MAX_PERIODS (MAX_BASE + 64 * MAX_WORDS)

/* Days from 1970-01-01 to 2000-01-01. */
#define UNIX_TO_2000_DAYS 10957

/* The period of unit containing day, computed with gmtime. */
static int64_t
reference_period(ClvRetentionUnit unit, int32_t day)
{
	time_t		seconds = ((time_t) day + UNIX_TO_2000_DAYS) * 86400;
	struct tm	tm;
	int64_t		year;
	int64_t		monday;

	FUZZ_CHECK(gmtime_r(&seconds, &tm) != NULL, "gmtime of day %d", (int) day);
	year = (int64_t) tm.tm_year + 1900;
	switch (unit)
	{
		case CLV_RETENTION_DAY:
			return day;
		case CLV_RETENTION_WEEK:
			/* the Monday on or before day, in weeks from 2000-01-03 */
			monday = (int64_t) day - (tm.tm_wday + 6) % 7;
			FUZZ_CHECK((monday - 2) % 7 == 0, "day %d, weekday %d", (int) day, tm.tm_wday);
			return (monday - 2) / 7;
		case CLV_RETENTION_MONTH:
			return year * 12 + tm.tm_mon;
		case CLV_RETENTION_QUARTER:
			return year * 4 + tm.tm_mon / 3;
		case CLV_RETENTION_YEAR:
			return year;
	}
	return 0;
}

/* Checks the period of day and the bounds of that period, for every unit. */
static void
check_calendar(int32_t day)
{
	ClvRetentionUnit unit;

	for (unit = CLV_RETENTION_DAY; unit <= CLV_RETENTION_YEAR; unit++)
	{
		int32_t		period = clv_retention_period_of_day(unit, day);
		int32_t		first = clv_retention_period_first_day(unit, period);

		FUZZ_CHECK(period == reference_period(unit, day), "unit %d: day %d in period %d, not %lld",
				   (int) unit, (int) day, (int) period,
				   (long long) reference_period(unit, day));
		FUZZ_CHECK(first <= day && clv_retention_period_of_day(unit, first) == period,
				   "unit %d: period %d of day %d starts on day %d", (int) unit, (int) period,
				   (int) day, (int) first);
		if (first > MIN_DAY)
			FUZZ_CHECK(clv_retention_period_of_day(unit, first - 1) == period - 1,
					   "unit %d: the day before period %d's first day %d", (int) unit,
					   (int) period, (int) first);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size};
	int64_t		span = (int64_t) MAX_DAY - MIN_DAY + 1;
	int32_t		day = (int32_t) (MIN_DAY + (int64_t) ((uint32_t) fuzz_i32(&in) % (uint64_t) span));
	int			ncustomers = fuzz_u8(&in) % (MAX_CUSTOMERS + 1);
	uint64_t	words[MAX_CUSTOMERS][MAX_WORDS];
	int			nwords[MAX_CUSTOMERS];
	int32_t		base[MAX_CUSTOMERS];
	int64_t		active[MAX_PERIODS] = {0},
				retained[MAX_PERIODS] = {0},
				new_customers[MAX_PERIODS] = {0},
				size_of[MAX_PERIODS] = {0},
				offset[MAX_PERIODS];
	int64_t		naive_active[MAX_PERIODS] = {0},
				naive_retained[MAX_PERIODS] = {0},
				naive_new[MAX_PERIODS] = {0},
				naive_size[MAX_PERIODS] = {0};
	static int64_t naive_cell[MAX_PERIODS][MAX_PERIODS];
	int64_t    *cell;
	int64_t		ncells;
	int32_t		nperiods = 1;
	ClvRetentionSeries series = {0, active, retained, new_customers};
	ClvRetentionCohorts cohorts = {0, size_of, offset, NULL};
	int			i,
				c,
				k;

	check_calendar(day);

	/* customers with at least one active period */
	for (i = 0; i < ncustomers; i++)
	{
		int			any = 0;

		base[i] = fuzz_u8(&in) % MAX_BASE;
		nwords[i] = 1 + fuzz_u8(&in) % MAX_WORDS;
		for (k = 0; k < nwords[i]; k++)
		{
			words[i][k] = (uint64_t) fuzz_i64(&in);
			any |= words[i][k] != 0;
		}
		if (!any)
			words[i][nwords[i] - 1] = UINT64_C(1) << 63;
		if (base[i] + 64 * nwords[i] > nperiods)
			nperiods = base[i] + 64 * nwords[i];
	}
	series.nperiods = cohorts.nperiods = nperiods;

	/* the naive counts, from each customer's ascending list of periods */
	memset(naive_cell, 0, sizeof(naive_cell));
	for (i = 0; i < ncustomers; i++)
	{
		int32_t		list[64 * MAX_WORDS];
		int			n = 0;

		for (k = 0; k < 64 * nwords[i]; k++)
			if (words[i][k / 64] >> (k % 64) & 1)
				list[n++] = base[i] + k;
		FUZZ_CHECK(clv_retention_first_period(words[i], nwords[i], base[i]) == list[0],
				   "first period of customer %d", i);
		naive_new[list[0]]++;
		naive_size[list[0]]++;
		for (k = 0; k < n; k++)
		{
			naive_active[list[k]]++;
			if (k > 0 && list[k - 1] == list[k] - 1)
				naive_retained[list[k]]++;
			naive_cell[list[0]][list[k] - list[0]]++;
		}
	}

	for (i = 0; i < ncustomers; i++)
		clv_retention_series_add(&series, words[i], nwords[i], base[i]);
	for (c = 0; c < nperiods; c++)
		FUZZ_CHECK(active[c] == naive_active[c] && retained[c] == naive_retained[c] &&
				   new_customers[c] == naive_new[c], "series at period %d", c);

	/* cohorts: sizes first (as the glue counts them), then layout and cells */
	memcpy(size_of, naive_size, sizeof(size_of));
	ncells = clv_retention_cohorts_layout(&cohorts);
	cell = calloc(ncells > 0 ? ncells : 1, sizeof(int64_t));
	cohorts.cell = cell;
	for (i = 0; i < ncustomers; i++)
		clv_retention_cohorts_add(&cohorts, words[i], nwords[i], base[i]);
	for (c = 0; c < nperiods; c++)
	{
		FUZZ_CHECK((offset[c] < 0) == (naive_size[c] == 0), "cohort %d offset %lld", c,
				   (long long) offset[c]);
		if (offset[c] < 0)
			continue;
		FUZZ_CHECK(offset[c] + nperiods - c <= ncells, "cohort %d past the cells", c);
		for (k = 0; k < nperiods - c; k++)
			FUZZ_CHECK(cell[offset[c] + k] == naive_cell[c][k], "cohort %d cell %d", c, k);
	}
	free(cell);
	return 0;
}
