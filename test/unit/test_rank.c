/*
 * test_rank.c -- unit tests of src/core/rank.c: worse counts and greater
 * sums against brute-force O(n^2) definitions, exact tie refinement of
 * inexact keys, scores, tiers and the segment map.
 */
#include <stdlib.h>
#include <string.h>

#include "rank.h"
#include "tap.h"

#define MAX_ROWS 3000

static double keys[MAX_ROWS];
static bool excluded[MAX_ROWS];
static bool inexact[MAX_ROWS];
static int64_t exact_values[MAX_ROWS];
static int64_t worse[MAX_ROWS];
static double greater[MAX_ROWS];
static ClvRankItem work[2 * MAX_ROWS];
static int	interrupts;

/* Counts interrupt callbacks. */
static void
count_interrupt(void)
{
	interrupts++;
}

/* Exact comparison of the int64 values behind coarse keys. */
static int
compare_exact(void *arg, int64_t a, int64_t b)
{
	const int64_t *values = arg;

	return (values[a] > values[b]) - (values[a] < values[b]);
}

/* PostgreSQL's float8 order: NaN above everything and equal to NaN. */
static int
pg_float_compare(double a, double b)
{
	if (isnan(a))
		return isnan(b) ? 0 : 1;
	if (isnan(b))
		return -1;
	return (a > b) - (a < b);
}

/* Brute-force check of worse counts over doubles; returns mismatches. */
static int
brute_worse_mismatches(int64_t rows, bool higher_is_better)
{
	int			bad = 0;

	for (int64_t i = 0; i < rows; i++)
	{
		int64_t		want = 0;

		if (excluded[i])
		{
			bad += worse[i] != CLV_RANK_EXCLUDED;
			continue;
		}
		for (int64_t j = 0; j < rows; j++)
		{
			int			c = pg_float_compare(keys[j], keys[i]);

			if (!excluded[j] && (higher_is_better ? c < 0 : c > 0))
				want++;
		}
		bad += worse[i] != want;
	}
	return bad;
}

/* Fills rows random keys among `distinct` values, some NaN/-0/excluded. */
static void
fill_random(int64_t rows, int distinct, bool specials)
{
	for (int64_t i = 0; i < rows; i++)
	{
		keys[i] = (double) (rand() % distinct) - distinct / 3;
		excluded[i] = rand() % 10 == 0;
		if (specials && rand() % 50 == 0)
			keys[i] = NAN;
		if (specials && keys[i] == 0.0 && rand() % 2)
			keys[i] = -0.0;
		if (specials && rand() % 100 == 0)
			keys[i] = (rand() % 2) ? INFINITY : -INFINITY;
	}
}

/* Worse counts against the O(n^2) definition. */
static void
test_worse_counts(void)
{
	ClvRankColumn column = {0};
	int64_t		included;

	column.keys = keys;
	column.excluded = excluded;
	column.interrupt = count_interrupt;

	srand(7);
	for (int trial = 0; trial < 6; trial++)
	{
		int64_t		rows = (trial == 0) ? 1 : 200 + 500 * trial;
		int			distinct = (trial % 2) ? 7 : 100000;

		column.rows = rows;
		fill_random(rows, distinct, true);
		included = clv_rank_worse_counts(&column, true, work, worse);
		ok(brute_worse_mismatches(rows, true) == 0,
		   "higher is better, %lld rows, %d distinct", (long long) rows, distinct);
		included = clv_rank_worse_counts(&column, false, work, worse);
		ok(brute_worse_mismatches(rows, false) == 0,
		   "lower is better, %lld rows, %d distinct", (long long) rows, distinct);
		(void) included;
	}

	/* all equal: everyone has 0 worse rows, so score 1 */
	column.rows = 10;
	for (int i = 0; i < 10; i++)
	{
		keys[i] = 3.5;
		excluded[i] = false;
	}
	included = clv_rank_worse_counts(&column, true, work, worse);
	ok(included == 10 && worse[0] == 0 && worse[9] == 0, "all equal values: 0 worse");

	/* all excluded */
	for (int i = 0; i < 10; i++)
		excluded[i] = true;
	included = clv_rank_worse_counts(&column, true, work, worse);
	ok(included == 0 && worse[4] == CLV_RANK_EXCLUDED, "all excluded");

	/* large magnitudes of both signs exercise all radix bytes */
	column.rows = 6;
	keys[0] = -1e300;
	keys[1] = 1e300;
	keys[2] = 1e-300;
	keys[3] = -1e-300;
	keys[4] = 0.0;
	keys[5] = -0.0;
	memset(excluded, 0, sizeof(excluded));
	clv_rank_worse_counts(&column, true, work, worse);
	ok(worse[0] == 0 && worse[3] == 1 && worse[4] == 2 && worse[5] == 2 &&
	   worse[2] == 4 && worse[1] == 5, "order across signs and exponents, -0 = +0");
	ok(interrupts > 0, "interrupt callback called");
}

/* Coarse keys (value / 1024) with exact refinement by the comparator. */
static void
test_inexact_ties(void)
{
	ClvRankColumn column = {0};
	int			bad = 0;
	int64_t		rows = 2000;

	column.rows = rows;
	column.keys = keys;
	column.excluded = excluded;
	column.inexact = inexact;
	column.tie_compare = compare_exact;
	column.tie_arg = exact_values;

	srand(11);
	for (int64_t i = 0; i < rows; i++)
	{
		exact_values[i] = rand() % 20000;
		keys[i] = (double) (exact_values[i] / 1024);
		inexact[i] = rand() % 3 != 0;
		excluded[i] = rand() % 20 == 0;
	}
	/*
	 * An exact row's key must determine its value: exact rows hold multiples
	 * of 1024, sharing their key with inexact rows of other values.
	 */
	for (int64_t i = 0; i < rows; i++)
		if (!inexact[i])
			exact_values[i] = 1024 * (int64_t) keys[i];
	clv_rank_worse_counts(&column, true, work, worse);
	for (int64_t i = 0; i < rows; i++)
	{
		int64_t		want = 0;

		if (excluded[i])
			continue;
		for (int64_t j = 0; j < rows; j++)
			if (!excluded[j] && exact_values[j] < exact_values[i])
				want++;
		bad += worse[i] != want;
	}
	ok(bad == 0, "inexact keys: ties broken by exact comparison (%d bad)", bad);

	/* without refinement the coarse keys would merge different values */
	column.inexact = NULL;
	clv_rank_worse_counts(&column, true, work, worse);
	bad = 0;
	for (int64_t i = 0; i < rows; i++)
	{
		int64_t		want = 0;

		if (excluded[i])
			continue;
		for (int64_t j = 0; j < rows; j++)
			if (!excluded[j] && exact_values[j] < exact_values[i])
				want++;
		bad += worse[i] != want;
	}
	ok(bad > 0, "control: coarse keys alone merge different values");
}

/* Greater sums against the O(n^2) definition. */
static void
test_greater_sums(void)
{
	ClvRankColumn column = {0};
	double		total;
	double		want_total = 0.0;
	int			bad = 0;
	int64_t		rows = 1500;

	column.rows = rows;
	column.keys = keys;
	column.excluded = excluded;

	srand(3);
	fill_random(rows, 40, false);
	for (int64_t i = 0; i < rows; i++)
		if (!excluded[i] && keys[i] > 0)
			want_total += keys[i];
	clv_rank_greater_sums(&column, work, greater, &total);
	for (int64_t i = 0; i < rows; i++)
	{
		double		want = 0.0;

		if (excluded[i])
		{
			bad += !isnan(greater[i]);
			continue;
		}
		if (keys[i] <= 0)
		{
			bad += greater[i] != CLV_RANK_NOT_POSITIVE;
			continue;
		}
		for (int64_t j = 0; j < rows; j++)
			if (!excluded[j] && keys[j] > keys[i])
				want += keys[j];
		bad += greater[i] != want;
	}
	ok(bad == 0, "greater sums equal the brute-force sums");
	is_near(total, want_total, 0.0, "positive total");

	/* Pareto example: 50, 30, 10, 10 of 100 */
	column.rows = 5;
	keys[0] = 50;
	keys[1] = 30;
	keys[2] = 10;
	keys[3] = 10;
	keys[4] = -5;
	memset(excluded, 0, sizeof(excluded));
	clv_rank_greater_sums(&column, work, greater, &total);
	ok(total == 100 && greater[0] == 0 && greater[1] == 50 &&
	   greater[2] == 80 && greater[3] == 80 &&
	   greater[4] == CLV_RANK_NOT_POSITIVE, "greater sums of 50, 30, 10, 10, -5");
	ok(clv_rank_tier(greater[0], total, 0.8, 0.95) == CLV_TIER_HIGH &&
	   clv_rank_tier(greater[1], total, 0.8, 0.95) == CLV_TIER_HIGH &&
	   clv_rank_tier(greater[2], total, 0.8, 0.95) == CLV_TIER_MEDIUM &&
	   clv_rank_tier(greater[3], total, 0.8, 0.95) == CLV_TIER_MEDIUM &&
	   clv_rank_tier(greater[4], total, 0.8, 0.95) == CLV_TIER_LOW,
	   "tiers: G = 80 is not < 0.8 * 100, so the tied 10s are both medium");
	ok(clv_rank_tier(greater[2], total, 0.5, 0.8) == CLV_TIER_LOW,
	   "G = 80 is not < 0.8 * 100 either: low");
	ok(clv_rank_tier(NAN, total, 0.8, 0.95) == CLV_TIER_NONE &&
	   clv_rank_tier_name(CLV_TIER_NONE) == NULL, "excluded row has no tier");
	ok(strcmp(clv_rank_tier_name(CLV_TIER_MEDIUM), "medium") == 0, "tier names");
}

/* Greater sums of exact values: exact, and past 38 digits in long double. */
static void
test_exact_greater_sums(void)
{
	static const ClvDecimal cents[4] = {{190, 2}, {170, 2}, {70, 2}, {20, 2}};
	ClvDecimal	huge[3];
	ClvRankColumn column = {0};
	double		total;

	column.rows = 4;
	column.keys = keys;
	column.exact_values = cents;
	memset(excluded, 0, sizeof(excluded));
	keys[0] = 1.9;
	keys[1] = 1.7;
	keys[2] = 0.7;
	keys[3] = 0.2;
	clv_rank_greater_sums(&column, work, greater, &total);
	ok(greater[2] == 3.6 && total == 4.5,
	   "exact sums: G(0.70) = 3.60 and P = 4.50 exactly, rounded once (%.17g, %.17g)",
	   greater[2], total);
	ok(clv_rank_tier(greater[2], total, 0.8, 0.95) == CLV_TIER_MEDIUM,
	   "G = 3.60 is not < 0.8 * 4.50 in double: medium, as in cents");
	column.exact_values = NULL;
	clv_rank_greater_sums(&column, work, greater, &total);
	ok(greater[2] != 3.6, "control: summing the keys misses 3.60 (%.17g)",
	   greater[2]);

	/* three values of 10^38: the sum leaves 128 bits and goes on approximately */
	for (int i = 0; i < 3; i++)
	{
		huge[i].value = (__int128) 1;
		for (int d = 0; d < 38; d++)
			huge[i].value *= 10;
		huge[i].scale = 0;
		keys[i] = 1e38;
	}
	column.rows = 3;
	column.exact_values = huge;
	clv_rank_greater_sums(&column, work, greater, &total);
	ok(fabs(total / 3e38 - 1) < 1e-15 && greater[0] == 0.0,
	   "past 128 bits the sums continue in long double (total %.17g)", total);
}

/* Scores and the segment map. */
static void
test_scores_and_segments(void)
{
	ok(clv_rank_score(0, 1, 5) == 1, "single row scores 1");
	ok(clv_rank_score(9, 10, 5) == 5 && clv_rank_score(2, 10, 5) == 2 &&
	   clv_rank_score(1, 10, 5) == 1, "1 + floor(5 w / 10)");
	ok(clv_rank_score(6, 7, 9) == 8, "1 + floor(9 * 6 / 7) = 8");
	ok(strcmp(clv_rank_segment(5, 5), "Champions") == 0 &&
	   strcmp(clv_rank_segment(5, 1), "New Customers") == 0 &&
	   strcmp(clv_rank_segment(1, 5), "Can't Lose Them") == 0 &&
	   strcmp(clv_rank_segment(3, 3), "Need Attention") == 0 &&
	   strcmp(clv_rank_segment(4, 1), "Promising") == 0 &&
	   strcmp(clv_rank_segment(2, 3), "At Risk") == 0,
	   "segment map corners");
	ok(clv_rank_segment(0, 3) == NULL && clv_rank_segment(3, 6) == NULL,
	   "digits outside 1..5 have no segment");
}

int
main(void)
{
	test_worse_counts();
	test_inexact_ties();
	test_greater_sums();
	test_exact_greater_sums();
	test_scores_and_segments();
	return done_testing();
}
