/*
 * test_stats.c -- unit tests of the row order of src/core/stats.c: its
 * sort gives the order qsort gives with the same comparison, on random
 * rows, on rows with few distinct keys and on sorted, reversed and
 * organ-pipe inputs (quicksort's bad cases), from 0 to 200,000 rows.
 */
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

int
main(void)
{
	static const size_t sizes[] = {0, 1, 2, 3, 16, 17, 100, 1000, 200000};

	for (int shape = 0; shape < NSHAPES; shape++)
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
			ok(sorts_like_qsort(shape, sizes[s]), "clv_stats_sort = qsort: %s, %zu rows",
			   shape_names[shape], sizes[s]);
	return done_testing();
}
