/*
 * test_stats.c -- unit tests of the row order of src/core/stats.c: its
 * sort gives the order qsort gives with the same comparison, on random
 * rows, on rows with few distinct keys and on sorted, reversed and
 * organ-pipe inputs (quicksort's bad cases), from 0 to 200,000 rows; and
 * the fold and merge an aggregate's state builds its rows with count each
 * distinct row as often as it came, in any batches, compared with counting
 * runs of equal rows after qsort, and report an overflowing count.
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "tap.h"

/* The reference order. */
static int
tx_cmp(const void *a, const void *b)
{
	return clv_stats_tx_cmp(a, b);
}

static int
spend_cmp(const void *a, const void *b)
{
	return clv_stats_spend_cmp(a, b);
}

/* A deterministic generator (xorshift64*). */
static uint64_t rng_state = 88172645463325252ULL;

static uint64_t
next_random(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

/* Input shapes. */
enum
{
	SHAPE_RANDOM,
	SHAPE_FEW_KEYS,
	SHAPE_SORTED,
	SHAPE_REVERSED,
	SHAPE_ORGAN_PIPE,
	NSHAPES
};

static const char *const shape_names[NSHAPES] = {
	"random", "few distinct keys", "sorted", "reversed", "organ pipe"
};

/* Row i of n in shape (distinct rows, as a state holds them). */
static ClvStatsTx
tx_row(int shape, size_t i, size_t n)
{
	ClvStatsTx	row;
	size_t		k;

	switch (shape)
	{
		case SHAPE_RANDOM:
			row.x = (int64_t) (next_random() % 50);
			row.t_x = (double) (next_random() % 1000);
			row.t = row.t_x + (double) (i % 997) + (double) i * 1e-3;
			break;
		case SHAPE_FEW_KEYS:
			row.x = (int64_t) (next_random() % 3);
			row.t_x = 0.0;
			row.t = (double) i;
			break;
		default:
			k = shape == SHAPE_SORTED ? i : shape == SHAPE_REVERSED ? n - 1 - i :
				(i < n / 2 ? 2 * i : 2 * (n - 1 - i) + 1);
			row.x = (int64_t) (k / 100);
			row.t_x = (double) (k % 100);
			row.t = 100.0;
			break;
	}
	row.count = 1;
	return row;
}

/* Whether clv_stats_sort and qsort agree on n rows of shape. */
static int
sorts_like_qsort(int shape, size_t n)
{
	ClvStatsTx *tx = malloc(sizeof(ClvStatsTx) * (n + 1));
	ClvStatsTx *want = malloc(sizeof(ClvStatsTx) * (n + 1));
	ClvStatsSpend *spend = malloc(sizeof(ClvStatsSpend) * (n + 1));
	ClvStatsSpend *want_spend = malloc(sizeof(ClvStatsSpend) * (n + 1));
	int			same;

	for (size_t i = 0; i < n; i++)
	{
		tx[i] = tx_row(shape, i, n);
		spend[i].x = tx[i].x + 1;
		spend[i].m = tx[i].t_x * 1e4 + tx[i].t;
		spend[i].count = 1;
	}
	memcpy(want, tx, sizeof(ClvStatsTx) * n);
	memcpy(want_spend, spend, sizeof(ClvStatsSpend) * n);
	qsort(want, n, sizeof(ClvStatsTx), tx_cmp);
	qsort(want_spend, n, sizeof(ClvStatsSpend), spend_cmp);
	clv_stats_sort(tx, n, spend, n);
	same = memcmp(tx, want, sizeof(ClvStatsTx) * n) == 0 &&
		memcmp(spend, want_spend, sizeof(ClvStatsSpend) * n) == 0;
	free(tx);
	free(want);
	free(spend);
	free(want_spend);
	return same;
}

/*
 * The distinct rows of tx[0..n) with their counts, by counting runs of
 * equal rows after qsort; returns their number.
 */
static size_t
count_by_qsort(ClvStatsTx *tx, size_t n)
{
	size_t		distinct = 0;

	qsort(tx, n, sizeof(ClvStatsTx), tx_cmp);
	for (size_t i = 0; i < n; i++)
	{
		if (distinct > 0 && tx_cmp(&tx[distinct - 1], &tx[i]) == 0)
			tx[distinct - 1].count += tx[i].count;
		else
			tx[distinct++] = tx[i];
	}
	return distinct;
}

/*
 * Whether folding n rows of shape (a row drawn again and again, counts of
 * 1 to 3) in batches of batch rows and merging each batch into the rows
 * before gives the rows and counts that qsort and counting give.
 */
static int
folds_like_counting(int shape, size_t n, size_t batch, bool radix)
{
	ClvStatsTx *rows = malloc(sizeof(ClvStatsTx) * (n + 1));
	ClvStatsTx *want = malloc(sizeof(ClvStatsTx) * (n + 1));
	ClvStatsTx *pending = malloc(sizeof(ClvStatsTx) * (batch + 1));
	void	   *scratch = radix ? malloc(clv_stats_fold_scratch_size(batch) + 1) : NULL;
	size_t		nrows = 0;
	size_t		nwant;
	int64_t		overflow[2];
	int			same = 1;

	for (size_t i = 0; i < n; i++)
	{
		want[i] = tx_row(shape, i % (n / 3 + 1), n / 3 + 1);
		want[i].count = (int64_t) (next_random() % 3) + 1;
	}
	for (size_t start = 0; start < n; start += batch)
	{
		size_t		m = n - start < batch ? n - start : batch;
		size_t		folded;

		memcpy(pending, want + start, sizeof(ClvStatsTx) * m);
		folded = clv_stats_tx_fold(pending, m,
								   clv_stats_fold_scratch_size(m) > 0 ? scratch : NULL,
								   overflow);
		same &= folded != SIZE_MAX;
		nrows = clv_stats_tx_merge(rows, nrows, pending, folded, overflow);
		same &= nrows != SIZE_MAX;
		if (!same)
			break;
	}
	nwant = count_by_qsort(want, n);
	same = same && nrows == nwant &&
		memcmp(rows, want, sizeof(ClvStatsTx) * nwant) == 0;
	free(rows);
	free(want);
	free(pending);
	free(scratch);
	return same;
}

/*
 * Whether the radix sort and the comparison sort fold n (x, m) rows (m of
 * both signs, on a wide range with near ties or on a narrow one) alike.
 */
static int
spend_folds_alike(size_t n, bool wide)
{
	ClvStatsSpend *radix = malloc(sizeof(ClvStatsSpend) * n);
	ClvStatsSpend *comparison = malloc(sizeof(ClvStatsSpend) * n);
	void	   *scratch = malloc(clv_stats_fold_scratch_size(n));
	int64_t		overflow[2];
	size_t		nradix,
				ncomparison;
	int			same;

	for (size_t i = 0; i < n; i++)
	{
		uint64_t	r = next_random();

		radix[i].x = (int64_t) (r % 7) + 1;
		radix[i].m = wide ? ((double) (r >> 11) - 4e15) * 1e-3 * (double) (r % 3) :
			(double) ((r >> 8) % 40) - 20.0;
		/* amounts a few units in the last place apart tie in a truncated key */
		if (wide && (r & 0x20))
			radix[i].m = 1.0 + (double) ((r >> 6) % 8) * DBL_EPSILON;
		radix[i].count = 1;
	}
	memcpy(comparison, radix, sizeof(ClvStatsSpend) * n);
	nradix = clv_stats_spend_fold(radix, n, scratch, overflow);
	ncomparison = clv_stats_spend_fold(comparison, n, NULL, overflow);
	same = nradix == ncomparison;
	for (size_t i = 0; same && i < nradix; i++)
		same = clv_stats_spend_cmp(&radix[i], &comparison[i]) == 0 &&
			radix[i].count == comparison[i].count;
	free(radix);
	free(comparison);
	free(scratch);
	return same;
}

/* Folding and merging report the two counts that overflow. */
static void
test_count_overflow(void)
{
	ClvStatsTx	rows[3] = {{1, 1.0, 2.0, INT64_MAX - 1}, {1, 1.0, 2.0, 2}, {2, 0.5, 3.0, 1}};
	ClvStatsTx	more[1] = {{1, 1.0, 2.0, 1}};
	ClvStatsSpend spend[2] = {{3, 9.5, 5}, {3, 9.5, INT64_MAX}};
	ClvStatsTx	base[4];
	int64_t		overflow[2] = {0, 0};

	ok(clv_stats_tx_fold(rows, 3, NULL, overflow) == SIZE_MAX &&
	   ((overflow[0] == INT64_MAX - 1 && overflow[1] == 2) ||
		(overflow[0] == 2 && overflow[1] == INT64_MAX - 1)),
	   "fold: counts past 2^63 - 1 are reported with the two counts");
	overflow[0] = overflow[1] = 0;
	ok(clv_stats_spend_fold(spend, 2, NULL, overflow) == SIZE_MAX &&
	   ((overflow[0] == 5 && overflow[1] == INT64_MAX) ||
		(overflow[0] == INT64_MAX && overflow[1] == 5)),
	   "fold of (x, m) rows: the same");
	base[0] = (ClvStatsTx) {1, 1.0, 2.0, INT64_MAX};
	overflow[0] = overflow[1] = 0;
	ok(clv_stats_tx_merge(base, 1, more, 1, overflow) == SIZE_MAX &&
	   overflow[0] == INT64_MAX && overflow[1] == 1,
	   "merge: counts past 2^63 - 1 are reported with the two counts");
	base[0] = (ClvStatsTx) {1, 1.0, 2.0, INT64_MAX - 1};
	ok(clv_stats_tx_merge(base, 1, more, 1, overflow) == 1 &&
	   base[0].count == INT64_MAX,
	   "merge: counts up to 2^63 - 1 add up");
}

int
main(void)
{
	static const size_t sizes[] = {0, 1, 2, 3, 16, 17, 100, 1000, 200000};

	for (int shape = 0; shape < NSHAPES; shape++)
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
			ok(sorts_like_qsort(shape, sizes[s]), "clv_stats_sort = qsort: %s, %zu rows",
			   shape_names[shape], sizes[s]);
	for (int shape = 0; shape < NSHAPES; shape++)
		for (size_t s = 1; s < sizeof(sizes) / sizeof(sizes[0]); s++)
			for (size_t batch = sizes[s] > 1000 ? 4096 : 1; batch <= 4096; batch *= 64)
				for (int radix = 0; radix <= (batch > 1); radix++)
					ok(folds_like_counting(shape, sizes[s], batch, radix),
					   "fold and merge = counting after qsort: %s, %zu rows in batches of %zu%s",
					   shape_names[shape], sizes[s], batch,
					   radix ? ", radix sort" : "");
	ok(clv_stats_fold_scratch_size(511) == 0 && clv_stats_fold_scratch_size(512) > 0,
	   "fold: the radix sort from 512 rows");
	ok(spend_folds_alike(100000, true), "fold of (x, m) rows: radix = comparison, wide m");
	ok(spend_folds_alike(100000, false), "fold of (x, m) rows: radix = comparison, narrow m");
	test_count_overflow();
	return done_testing();
}
