/*-------------------------------------------------------------------------
 *
 * retention.c
 *	  Calendar period numbers and the series and cohort tallies of the
 *	  retention family (see retention.h).
 *
 *-------------------------------------------------------------------------
 */
#include "retention.h"

/* Days from 1970-01-01 to 2000-01-01, the day numbers' origin. */
#define CLV_RETENTION_EPOCH_SHIFT 10957

/* Floor division for a positive divisor. */
static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/*
 * Year, month (1..12) of day (days from 2000-01-01), proleptic Gregorian
 * with astronomical year numbers (H. Hinnant's civil_from_days).
 */
static void
civil_from_day(int32_t day, int64_t *year, int *month)
{
	int64_t		z = (int64_t) day + CLV_RETENTION_EPOCH_SHIFT + 719468;
	int64_t		era = floor_div(z, 146097);
	int64_t		doe = z - era * 146097;
	int64_t		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t		mp = (5 * doy + 2) / 153;

	*month = (int) (mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

/* The day number (from 2000-01-01) of the first of month of year. */
static int32_t
day_from_civil(int64_t year, int month)
{
	int64_t		y = year - (month <= 2);
	int64_t		era = floor_div(y, 400);
	int64_t		yoe = y - era * 400;
	int64_t		doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5;
	int64_t		doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (int32_t) (era * 146097 + doe - 719468 - CLV_RETENTION_EPOCH_SHIFT);
}

/* The number of the period of unit that contains day. */
int32_t
clv_retention_period_of_day(ClvRetentionUnit unit, int32_t day)
{
	int64_t		year;
	int			month;

	switch (unit)
	{
		case CLV_RETENTION_DAY:
			return day;
		case CLV_RETENTION_WEEK:
			/* 2000-01-03 (day 2) is a Monday */
			return (int32_t) floor_div((int64_t) day - 2, 7);
		default:
			break;
	}
	civil_from_day(day, &year, &month);
	if (unit == CLV_RETENTION_MONTH)
		return (int32_t) (year * 12 + month - 1);
	if (unit == CLV_RETENTION_QUARTER)
		return (int32_t) (year * 4 + (month - 1) / 3);
	return (int32_t) year;
}

/* The first day of period number period of unit. */
int32_t
clv_retention_period_first_day(ClvRetentionUnit unit, int32_t period)
{
	int64_t		year;

	switch (unit)
	{
		case CLV_RETENTION_DAY:
			return period;
		case CLV_RETENTION_WEEK:
			return (int32_t) ((int64_t) period * 7 + 2);
		case CLV_RETENTION_MONTH:
			year = floor_div(period, 12);
			return day_from_civil(year, (int) (period - year * 12) + 1);
		case CLV_RETENTION_QUARTER:
			year = floor_div(period, 4);
			return day_from_civil(year, (int) (period - year * 4) * 3 + 1);
		case CLV_RETENTION_YEAR:
			return day_from_civil(period, 1);
	}
	return period;
}

/* Index of the lowest set bit of a non-zero word. */
static int
lowest_bit(uint64_t word)
{
#if defined(__GNUC__) || defined(__clang__)
	return __builtin_ctzll(word);
#else
	int			bit = 0;

	while ((word & 1) == 0)
	{
		word >>= 1;
		bit++;
	}
	return bit;
#endif
}

/* Adds one customer's active periods to the series counts. */
void
clv_retention_series_add(ClvRetentionSeries *series, const uint64_t *words,
						 int nwords, int32_t base)
{
	int32_t		previous = 0;
	int			seen = 0;

	for (int w = 0; w < nwords; w++)
	{
		uint64_t	word = words[w];

		while (word != 0)
		{
			int32_t		period = base + 64 * w + lowest_bit(word);

			series->active[period]++;
			if (!seen)
				series->new_customers[period]++;
			else if (previous == period - 1)
				series->retained[period]++;
			previous = period;
			seen = 1;
			word &= word - 1;
		}
	}
}

/* The first set period of a non-empty bitmap. */
int32_t
clv_retention_first_period(const uint64_t *words, int nwords, int32_t base)
{
	for (int w = 0; w < nwords; w++)
		if (words[w] != 0)
			return base + 64 * w + lowest_bit(words[w]);
	return -1;
}

/* Lays out the rows of the non-empty cohorts; returns the cells needed. */
int64_t
clv_retention_cohorts_layout(ClvRetentionCohorts *cohorts)
{
	int64_t		cells = 0;

	for (int32_t c = 0; c < cohorts->nperiods; c++)
	{
		if (cohorts->size[c] == 0)
			cohorts->offset[c] = -1;
		else
		{
			cohorts->offset[c] = cells;
			cells += cohorts->nperiods - c;
		}
	}
	return cells;
}

/* Adds one customer's active periods to the cohort matrix. */
void
clv_retention_cohorts_add(ClvRetentionCohorts *cohorts, const uint64_t *words,
						  int nwords, int32_t base)
{
	int32_t		cohort = clv_retention_first_period(words, nwords, base);
	int64_t    *row = cohorts->cell + cohorts->offset[cohort];

	for (int w = 0; w < nwords; w++)
	{
		uint64_t	word = words[w];

		while (word != 0)
		{
			row[base + 64 * w + lowest_bit(word) - cohort]++;
			word &= word - 1;
		}
	}
}
