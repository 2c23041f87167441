/*
 * fuzz_rank.c -- libFuzzer harness of src/core/rank.c.
 *
 * The input is a window partition of up to MAX_ROWS rows in one of two
 * shapes, picked by the first byte:
 *	- float8: any double keys (NaN, infinities, -0), no inexact rows;
 *	- bigint: int64 values whose keys are (double) value, a row flagged
 *	  inexact when its key rounds (and now and then when it does not), the
 *	  exact comparison being the int64 one;
 * with some rows excluded (NULL).  The results must equal O(n^2)
 * references that compare every pair of rows with PostgreSQL's semantics
 * (NaN equal to NaN and above +infinity, -0 equal to 0):
 *	- clv_rank_worse_counts, both directions, and its scores for 2..9 bins;
 *	- clv_rank_greater_sums (finite keys only, as documented), summed in
 *	  long double, bigints also given exactly and then checked against
 *	  exact 128-bit sums rounded once, and the tiers at the input's shares;
 * and clv_rank_segment names exactly the cells 1..5 x 1..5.  Every buffer
 * is allocated to its exact size, so AddressSanitizer sees overruns.
 */
#include "fuzz_input.h"
#include "rank.h"

#define MAX_ROWS 256

/* A partition: per row the key, the exact value (bigint shape), flags. */
typedef struct Partition
{
	int64_t		rows;
	int			bigint;
	double	   *keys;
	int64_t    *exact;
	bool	   *excluded;
	bool	   *inexact;
} Partition;

/* The exact comparison rank.c calls for equal keys: int64 order. */
static int
compare_exact(void *arg, int64_t row_a, int64_t row_b)
{
	const Partition *p = (const Partition *) arg;

	return (p->exact[row_a] > p->exact[row_b]) - (p->exact[row_a] < p->exact[row_b]);
}

/* The order (<0, 0, >0) of two rows' values, as PostgreSQL compares them. */
static int
compare_values(const Partition *p, int64_t a, int64_t b)
{
	double		x = p->keys[a],
				y = p->keys[b];

	if (p->bigint)
		return compare_exact((void *) p, a, b);
	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return (x > y) - (x < y);
}

/* Counts the interrupt callbacks, which must not disturb anything. */
static int64_t interrupts;

static void
count_interrupt(void)
{
	interrupts++;
}

/* Checks the worse counts and scores of p in one direction. */
static void
check_worse_counts(const Partition *p, const ClvRankColumn *column, bool higher_is_better)
{
	ClvRankItem *work = malloc(sizeof(ClvRankItem) * 2 * p->rows);
	int64_t    *worse = malloc(sizeof(int64_t) * p->rows);
	int64_t		included = 0;
	int64_t		got;
	int64_t		i,
				j;

	for (i = 0; i < p->rows; i++)
		included += !p->excluded[i];
	got = clv_rank_worse_counts(column, higher_is_better, work, worse);
	FUZZ_CHECK(got == included, "%lld rows included, %lld returned", (long long) included,
			   (long long) got);
	for (i = 0; i < p->rows; i++)
	{
		int64_t		expected = 0;
		int			bins;

		if (p->excluded[i])
		{
			FUZZ_CHECK(worse[i] == CLV_RANK_EXCLUDED, "excluded row %lld counts %lld",
					   (long long) i, (long long) worse[i]);
			continue;
		}
		for (j = 0; j < p->rows; j++)
			if (!p->excluded[j])
				expected += higher_is_better ? compare_values(p, j, i) < 0 :
					compare_values(p, j, i) > 0;
		FUZZ_CHECK(worse[i] == expected, "row %lld (key %.17g): %lld worse, naive %lld",
				   (long long) i, p->keys[i], (long long) worse[i], (long long) expected);
		for (bins = 2; bins <= 9; bins++)
		{
			int			score = clv_rank_score(worse[i], included, bins);

			/* 1 + floor(bins * worse / included), by the definition of floor */
			FUZZ_CHECK(score >= 1 && score <= bins &&
					   (int64_t) (score - 1) * included <= bins * worse[i] &&
					   (int64_t) score * included > bins * worse[i],
					   "score %d of %lld worse among %lld, %d bins", score,
					   (long long) worse[i], (long long) included, bins);
		}
	}
	free(work);
	free(worse);
}

/* An integer sum as the nearest double, through its decimal digits. */
static double
exact_to_double(__int128 v)
{
	char		digits[48];
	char		text[50];
	int			n = 0;
	size_t		pos = 0;
	unsigned __int128 magnitude = v < 0 ? -(unsigned __int128) v : (unsigned __int128) v;

	do
	{
		digits[n++] = (char) ('0' + (int) (magnitude % 10));
		magnitude /= 10;
	} while (magnitude > 0);
	if (v < 0)
		text[pos++] = '-';
	while (n > 0)
		text[pos++] = digits[--n];
	text[pos] = '\0';
	return strtod(text, NULL);
}

/*
 * Checks the greater sums and tiers of p (whose keys are finite): against
 * naive long double sums, and for bigints (summed exactly) against exact
 * 128-bit sums rounded once.
 */
static void
check_greater_sums(const Partition *p, const ClvRankColumn *column, double high_share,
				   double medium_share)
{
	ClvRankItem *work = malloc(sizeof(ClvRankItem) * 2 * p->rows);
	double	   *greater = malloc(sizeof(double) * p->rows);
	double		total;
	long double expected_total = 0.0L;
	int64_t		i,
				j;

	__int128	exact_total = 0;

	clv_rank_greater_sums(column, work, greater, &total);
	for (i = 0; i < p->rows; i++)
		if (!p->excluded[i] && p->keys[i] > 0.0)
		{
			expected_total += p->keys[i];
			exact_total += p->exact[i];
		}
	FUZZ_CHECK(total == (double) expected_total ||
			   fabsl(total - expected_total) <= 1e-15L * fabsl(expected_total),
			   "positive total %.17g, naive %.17Lg", total, expected_total);
	if (column->exact_values)
		FUZZ_CHECK(total == exact_to_double(exact_total),
				   "exact positive total %.17g", total);
	for (i = 0; i < p->rows; i++)
	{
		long double expected = 0.0L;
		ClvRankTier tier = clv_rank_tier(greater[i], total, high_share, medium_share);

		if (p->excluded[i])
		{
			FUZZ_CHECK(isnan(greater[i]) && tier == CLV_TIER_NONE &&
					   clv_rank_tier_name(tier) == NULL,
					   "excluded row %lld: greater %.17g", (long long) i, greater[i]);
			continue;
		}
		FUZZ_CHECK(clv_rank_tier_name(tier) != NULL, "row %lld has no tier", (long long) i);
		if (!(p->keys[i] > 0.0))
		{
			FUZZ_CHECK(greater[i] == CLV_RANK_NOT_POSITIVE && tier == CLV_TIER_LOW,
					   "row %lld of value %.17g: greater %.17g", (long long) i, p->keys[i],
					   greater[i]);
			continue;
		}
		__int128	exact_expected = 0;

		for (j = 0; j < p->rows; j++)
			if (!p->excluded[j] && compare_values(p, j, i) > 0)
			{
				expected += p->keys[j];
				exact_expected += p->exact[j];
			}
		if (column->exact_values)
			FUZZ_CHECK(greater[i] == exact_to_double(exact_expected),
					   "row %lld: exact greater sum %.17g", (long long) i, greater[i]);
		FUZZ_CHECK(greater[i] == (double) expected ||
				   fabsl(greater[i] - expected) <= 1e-15L * fabsl(expected_total),
				   "row %lld (value %.17g): greater sum %.17g, naive %.17Lg", (long long) i,
				   p->keys[i], greater[i], expected);
		FUZZ_CHECK(tier == (greater[i] < high_share * total ? CLV_TIER_HIGH :
							greater[i] < medium_share * total ? CLV_TIER_MEDIUM : CLV_TIER_LOW),
				   "row %lld tier %d", (long long) i, (int) tier);
	}
	free(work);
	free(greater);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size};
	uint8_t		shape = fuzz_u8(&in);
	double		high_share = fuzz_u8(&in) / 255.0;
	double		medium_share = high_share + (1.0 - high_share) * fuzz_u8(&in) / 255.0;
	Partition	p;
	ClvRankColumn column;
	int			all_finite = 1;
	int			r,
				f;
	int64_t		i;

	p.rows = 1 + (int64_t) (in.size / 9 < MAX_ROWS - 1 ? in.size / 9 : MAX_ROWS - 1);
	p.bigint = shape & 1;
	p.keys = malloc(sizeof(double) * p.rows);
	p.exact = malloc(sizeof(int64_t) * p.rows);
	p.excluded = malloc(sizeof(bool) * p.rows);
	p.inexact = malloc(sizeof(bool) * p.rows);
	for (i = 0; i < p.rows; i++)
	{
		uint8_t		flags = fuzz_u8(&in);

		p.excluded[i] = (shape & 2) && (flags & 1);
		if (p.bigint)
		{
			/* few distinct values near 2^53 .. 2^63 collide in double */
			p.exact[i] = (flags & 2) ? fuzz_i64(&in) : (int64_t) ((uint64_t) fuzz_i64(&in) % 8) +
				((flags & 4) ? INT64_C(1) << 60 : 0);
			p.keys[i] = (double) p.exact[i];
			p.inexact[i] = p.keys[i] >= 0x1p63 || (int64_t) p.keys[i] != p.exact[i] ||
				(flags & 8);
		}
		else
		{
			static const double special[8] = {-INFINITY, -1.0, -0.0, 0.0, 1.0, INFINITY, NAN, -NAN};

			if (flags & 2)
				p.keys[i] = fuzz_double(&in);
			else if (flags & 16)
				p.keys[i] = special[fuzz_u8(&in) % 8];
			else
				p.keys[i] = (double) (fuzz_u8(&in) % 8) - 2.0;
			p.exact[i] = 0;
			p.inexact[i] = false;
		}
		all_finite &= isfinite(p.keys[i]);
	}

	column.rows = p.rows;
	column.keys = p.keys;
	column.excluded = (shape & 2) ? p.excluded : NULL;
	column.inexact = p.bigint ? p.inexact : NULL;
	column.tie_compare = compare_exact;
	column.tie_arg = &p;
	column.interrupt = (shape & 4) ? count_interrupt : NULL;
	column.exact_values = NULL;
	if (p.bigint)
	{
		ClvDecimal *decimals = malloc(sizeof(ClvDecimal) * p.rows);

		for (i = 0; i < p.rows; i++)
		{
			decimals[i].value = p.exact[i];
			decimals[i].scale = 0;
		}
		column.exact_values = decimals;
	}

	check_worse_counts(&p, &column, true);
	check_worse_counts(&p, &column, false);
	if (all_finite)
		check_greater_sums(&p, &column, high_share, medium_share);

	for (r = -1; r <= 7; r++)
		for (f = -1; f <= 7; f++)
			FUZZ_CHECK((clv_rank_segment(r, f) != NULL) == (r >= 1 && r <= 5 && f >= 1 && f <= 5),
					   "segment of R %d, F %d", r, f);

	free((void *) column.exact_values);
	free(p.keys);
	free(p.exact);
	free(p.excluded);
	free(p.inexact);
	return 0;
}
