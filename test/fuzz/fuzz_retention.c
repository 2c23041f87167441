/*
 * fuzz_retention.c -- libFuzzer harness of src/core/retention.c.
 *
 * Calendar: for any date PostgreSQL can store, the period of every unit
 * must agree with the C library's gmtime (year, month, weekday), and the
 * period's first day must be in it and the day before in the previous one.
 *
 * Counts: the input then gives a few customers, each a bitmap of active
 * periods at an offset; the series counts (active, retained, new) and the
 * cohort matrix, counted in one pass or in two parts merged, decoded from
 * their encoding, or in a fixed window, must equal a naive count over each
 * customer's list of periods.  The rest of the input, decoded as counts, is
 * rejected or round-trips.
 */
#include <stdlib.h>
#include <time.h>

#include "fuzz_input.h"
#include "retention.h"
#include "../unit/counting_memory.h"

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

/* Checks counts (of customers 0..n-1 of the naive tallies) against them. */
static void
check_counts(const ClvRetentionCounts *series, const ClvRetentionCounts *cohorts,
			 const int64_t *naive_active, const int64_t *naive_retained,
			 const int64_t *naive_new, int64_t naive_cell[][MAX_PERIODS], int nperiods,
			 const char *what)
{
	for (int p = -1; p <= nperiods; p++)
	{
		int64_t		a,
					r,
					n;
		int			in = p >= 0 && p < nperiods;
		const ClvCohortRow *row = clv_counts_cohort(cohorts, p);

		clv_counts_series_at(series, p, &a, &r, &n);
		FUZZ_CHECK(a == (in ? naive_active[p] : 0) && r == (in ? naive_retained[p] : 0) &&
				   n == (in ? naive_new[p] : 0), "%s: series at period %d", what, p);
		FUZZ_CHECK((row != NULL) == (in && naive_cell[p][0] > 0), "%s: cohort %d row", what, p);
		for (int k = 0; row != NULL && k < nperiods - p; k++)
			FUZZ_CHECK((k < (int) row->length ? row->cells[k] : 0) == naive_cell[p][k],
					   "%s: cohort %d cell %d", what, p, k);
	}
}

/* Encodes counts and decodes them again into copy. */
static void
round_trip(const ClvRetentionCounts *counts, ClvRetentionCounts *copy)
{
	uint8_t    *buf = malloc(clv_counts_encoded_bound(counts));
	size_t		n = clv_counts_encode(counts, buf);

	FUZZ_CHECK(n <= clv_counts_encoded_bound(counts), "encoding past its bound");
	FUZZ_CHECK(clv_counts_decode(copy, buf, n, &memory) == n, "own encoding rejected");
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size};
	int64_t		span = (int64_t) MAX_DAY - MIN_DAY + 1;
	int32_t		day = (int32_t) (MIN_DAY + (int64_t) ((uint32_t) fuzz_i32(&in) % (uint64_t) span));
	int			ncustomers = fuzz_u8(&in) % (MAX_CUSTOMERS + 1);
	int			split = ncustomers > 0 ? fuzz_u8(&in) % (ncustomers + 1) : 0;
	int			nperiods = 0;
	ClvPeriodSet sets[MAX_CUSTOMERS];
	int32_t		list[MAX_CUSTOMERS][MAX_PERIODS];
	int			nlist[MAX_CUSTOMERS];
	int64_t		naive_active[MAX_PERIODS] = {0},
				naive_retained[MAX_PERIODS] = {0},
				naive_new[MAX_PERIODS] = {0};
	static int64_t naive_cell[MAX_PERIODS][MAX_PERIODS];
	ClvRetentionCounts series,
				cohorts,
				part_series[2],
				part_cohorts[2],
				copy_series,
				copy_cohorts,
				fixed;
	int32_t		fixed_first;
	int			i,
				k;

	check_calendar(day);

	/* customers with at least one active period in [0, MAX_PERIODS) */
	memset(naive_cell, 0, sizeof(naive_cell));
	for (i = 0; i < ncustomers; i++)
	{
		int			base = fuzz_u8(&in) % MAX_BASE;
		int			nwords = 1 + fuzz_u8(&in) % MAX_WORDS;

		clv_pset_init(&sets[i]);
		nlist[i] = 0;
		for (int w = 0; w < nwords; w++)
		{
			uint64_t	word = (uint64_t) fuzz_i64(&in);

			for (int b = 0; b < 64; b++)
				if ((word >> b) & 1)
				{
					list[i][nlist[i]++] = base + 64 * w + b;
					clv_pset_add(&sets[i], base + 64 * w + b, &memory);
				}
		}
		if (nlist[i] == 0)
		{
			list[i][nlist[i]++] = base;
			clv_pset_add(&sets[i], base, &memory);
		}
		if (list[i][nlist[i] - 1] + 1 > nperiods)
			nperiods = list[i][nlist[i] - 1] + 1;
		/* the naive counts, from the customer's ascending list of periods */
		naive_new[list[i][0]]++;
		for (k = 0; k < nlist[i]; k++)
		{
			naive_active[list[i][k]]++;
			if (k > 0 && list[i][k - 1] == list[i][k] - 1)
				naive_retained[list[i][k]]++;
			naive_cell[list[i][0]][list[i][k] - list[i][0]]++;
		}
	}

	/* all at once, and in two parts merged */
	clv_counts_init(&series, CLV_COUNTS_SERIES, &memory);
	clv_counts_init(&cohorts, CLV_COUNTS_COHORTS, &memory);
	for (int part = 0; part < 2; part++)
	{
		clv_counts_init(&part_series[part], CLV_COUNTS_SERIES, &memory);
		clv_counts_init(&part_cohorts[part], CLV_COUNTS_COHORTS, &memory);
	}
	for (i = 0; i < ncustomers; i++)
	{
		FUZZ_CHECK(clv_counts_add(&series, &sets[i]) && clv_counts_add(&cohorts, &sets[i]), "add");
		clv_counts_add(&part_series[i < split], &sets[i]);
		clv_counts_add(&part_cohorts[i < split], &sets[i]);
	}
	check_counts(&series, &cohorts, naive_active, naive_retained, naive_new, naive_cell,
				 nperiods, "one pass");
	FUZZ_CHECK(clv_counts_merge(&part_series[0], &part_series[1]) &&
			   clv_counts_merge(&part_cohorts[0], &part_cohorts[1]), "merge");
	check_counts(&part_series[0], &part_cohorts[0], naive_active, naive_retained, naive_new,
				 naive_cell, nperiods, "merged");
	if (ncustomers > 0)
	{
		int64_t		cells = 0;

		FUZZ_CHECK(series.first == cohorts.first && series.last == nperiods - 1 &&
				   part_series[0].first == series.first && part_series[0].last == series.last,
				   "observed periods");
		for (int c = series.first; c < nperiods; c++)
			if (naive_cell[c][0] > 0)
				cells += nperiods - c;
		FUZZ_CHECK(clv_counts_cohort_cells(&cohorts) == cells, "cohort cells");
	}

	/* encodings round-trip */
	round_trip(&series, &copy_series);
	round_trip(&part_cohorts[0], &copy_cohorts);
	check_counts(&copy_series, &copy_cohorts, naive_active, naive_retained, naive_new,
				 naive_cell, nperiods, "decoded");

	/* a fixed window of two periods counts those periods only */
	fixed_first = (int32_t) (fuzz_u8(&in) % MAX_PERIODS);
	clv_counts_init_fixed(&fixed, fixed_first, 2, &memory);
	for (i = 0; i < ncustomers; i++)
		clv_counts_add(&fixed, &sets[i]);
	for (int p = fixed_first; p < fixed_first + 2; p++)
	{
		int64_t		a,
					r,
					n;

		clv_counts_series_at(&fixed, p, &a, &r, &n);
		FUZZ_CHECK(a == naive_active[p] && r == naive_retained[p] && n == naive_new[p],
				   "fixed window at %d", p);
	}

	clv_counts_free(&series);
	clv_counts_free(&cohorts);
	clv_counts_free(&part_series[0]);
	clv_counts_free(&part_series[1]);
	clv_counts_free(&part_cohorts[0]);
	clv_counts_free(&part_cohorts[1]);
	clv_counts_free(&copy_series);
	clv_counts_free(&copy_cohorts);
	clv_counts_free(&fixed);
	for (i = 0; i < ncustomers; i++)
		clv_pset_free(&sets[i], &memory);

	/* the rest of the input as an encoding: rejected, or it round-trips */
	{
		ClvRetentionCounts decoded,
					again;
		size_t		n = clv_counts_decode(&decoded, in.data, in.size, &memory);

		if (n > 0)
		{
			uint8_t    *buf = malloc(clv_counts_encoded_bound(&decoded));
			size_t		m = clv_counts_encode(&decoded, buf);

			FUZZ_CHECK(clv_counts_decode(&again, buf, m, &memory) == m, "re-encoding rejected");
			FUZZ_CHECK(again.customers == decoded.customers, "re-encoding differs");
			clv_counts_free(&again);
			clv_counts_free(&decoded);
			free(buf);
		}
	}
	FUZZ_CHECK(live_bytes == 0, "%zu bytes leaked", live_bytes);
	return 0;
}
