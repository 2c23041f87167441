/*
 * fuzz_stats_rows.c -- libFuzzer harness of the fold and merge that build
 * a model aggregate's rows (src/core/stats.c): rows arrive in any order,
 * with repeats, in batches of any size, and each batch is sorted and
 * folded (equal rows' counts added) and merged into the rows before.
 *
 * The first byte picks the row kind ((x, t_x, t) or (x, m)) and the batch
 * size (up to 2,048 rows, so that batches of 512 and more take the radix
 * sort), the second whether the keys are narrow (their bits vary in a few
 * places) or wide (the radix sort's key keeps only the top bits, and rows
 * of equal keys are sorted by comparison); then come rows whose keys take
 * few values, so that they repeat, and whose counts are positive and now
 * and then near 2^63.  The result must
 * equal an O(n^2) reference: every distinct row once, in ascending order,
 * with the exact sum of its counts (in 128 bits); or an overflow report
 * exactly when some row's sum passes 2^63 - 1, naming two counts that do.
 * Every buffer has its exact size, so AddressSanitizer sees overruns.
 */
#include <float.h>

#include "fuzz_input.h"
#include "stats.h"

#define MAX_ROWS 2048

/* A count: mostly small, now and then within reach of 2^63 - 1. */
static int64_t
fuzz_count(FuzzInput *in)
{
	uint8_t		b = fuzz_u8(in);

	if (b >= 0xF0)
		return INT64_MAX - (int64_t) (b - 0xF0);
	return (int64_t) (b % 7) + 1;
}

/*
 * A key double from a byte: a few values, -0 and +0 among them (made +0);
 * narrow ones are small numbers of few bits, wide ones also span the
 * doubles and differ in the last place.
 */
static double
fuzz_key(FuzzInput *in, bool wide)
{
	static const double narrow_values[4] = {0.0, -0.0, 0.5, 1.0};
	static const double wide_values[8] = {1e-320, 3.25, 1e300, 7.0,
	1.0 + DBL_EPSILON, 1.0 + 2 * DBL_EPSILON, 0.0, 1.0};
	uint8_t		b = fuzz_u8(in);

	return clv_stats_zero(wide ? wide_values[b % 8] : narrow_values[b % 4]);
}

/*
 * The reference: the distinct keys of rows (compared by cmp) in ascending
 * order with 128-bit sums of their counts; the number of distinct keys.
 */
#define REFERENCE(type, cmp) \
static size_t \
reference_##type(const type *rows, size_t n, type *distinct, __int128 *sums) \
{ \
	size_t		nd = 0; \
\
	for (size_t i = 0; i < n; i++) \
	{ \
		size_t		at = 0; \
\
		while (at < nd && cmp(&distinct[at], &rows[i]) < 0) \
			at++; \
		if (at < nd && cmp(&distinct[at], &rows[i]) == 0) \
		{ \
			sums[at] += rows[i].count; \
			continue; \
		} \
		memmove(&distinct[at + 1], &distinct[at], (nd - at) * sizeof(type)); \
		memmove(&sums[at + 1], &sums[at], (nd - at) * sizeof(__int128)); \
		distinct[at] = rows[i]; \
		sums[at] = rows[i].count; \
		nd++; \
	} \
	return nd; \
}

REFERENCE(ClvStatsTx, clv_stats_tx_cmp)
REFERENCE(ClvStatsSpend, clv_stats_spend_cmp)

/*
 * Builds rows of one kind in batches and checks them against the
 * reference.
 */
#define CHECK_KIND(type, fold, merge, cmp) \
static void \
check_##type(type *rows, size_t n, size_t batch) \
{ \
	type	   *built = malloc(sizeof(type) * (n ? n : 1)); \
	type	   *pending = malloc(sizeof(type) * batch); \
	type	   *distinct = malloc(sizeof(type) * (n ? n : 1)); \
	__int128   *sums = malloc(sizeof(__int128) * (n ? n : 1)); \
	size_t		nbuilt = 0, \
				nd = reference_##type(rows, n, distinct, sums); \
	bool		overflows = false, \
				reported = false; \
	int64_t		overflow[2] = {0, 0}; \
	void	   *scratch; \
\
	for (size_t i = 0; i < nd; i++) \
		overflows |= sums[i] > INT64_MAX; \
	for (size_t start = 0; start < n && !reported; start += batch) \
	{ \
		size_t		m = n - start < batch ? n - start : batch; \
		size_t		folded; \
\
		memcpy(pending, rows + start, sizeof(type) * m); \
		scratch = clv_stats_fold_scratch_size(m) > 0 ? \
			malloc(clv_stats_fold_scratch_size(m)) : NULL; \
		folded = fold(pending, m, scratch, overflow); \
		free(scratch); \
		if (folded == SIZE_MAX) \
		{ \
			reported = true; \
			break; \
		} \
		FUZZ_CHECK(folded <= m, "fold returned %zu rows of %zu", folded, m); \
		nbuilt = merge(built, nbuilt, pending, folded, overflow); \
		reported = nbuilt == SIZE_MAX; \
	} \
	FUZZ_CHECK(reported == overflows, "overflow %s but the sums %s 2^63 - 1", \
			   reported ? "reported" : "not reported", \
			   overflows ? "pass" : "do not pass"); \
	if (reported) \
		FUZZ_CHECK(overflow[0] > 0 && overflow[1] > 0 && \
				   (__int128) overflow[0] + overflow[1] > INT64_MAX, \
				   "overflow reported with counts %lld and %lld", \
				   (long long) overflow[0], (long long) overflow[1]); \
	else \
	{ \
		FUZZ_CHECK(nbuilt == nd, "%zu rows built, %zu distinct", nbuilt, nd); \
		for (size_t i = 0; i < nd; i++) \
		{ \
			FUZZ_CHECK(cmp(&built[i], &distinct[i]) == 0, "row %zu differs", i); \
			FUZZ_CHECK(built[i].count == sums[i], "row %zu: count %lld, sum %lld", \
					   i, (long long) built[i].count, (long long) sums[i]); \
		} \
	} \
	free(built); \
	free(pending); \
	free(distinct); \
	free(sums); \
}

CHECK_KIND(ClvStatsTx, clv_stats_tx_fold, clv_stats_tx_merge, clv_stats_tx_cmp)
CHECK_KIND(ClvStatsSpend, clv_stats_spend_fold, clv_stats_spend_merge, clv_stats_spend_cmp)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size};
	uint8_t		mode = fuzz_u8(&in);
	bool		wide = fuzz_u8(&in) & 1;
	size_t		batch = (size_t) (mode >> 1) + 1;
	size_t		n = 0;

	/* past 64, batches of 32 to 2,048 rows */
	if (batch > 64)
		batch = (batch - 64) * 32;

	if (mode & 1)
	{
		ClvStatsSpend *rows = malloc(sizeof(ClvStatsSpend) * MAX_ROWS);

		while (in.size > 0 && n < MAX_ROWS)
		{
			rows[n].x = fuzz_u8(&in) % 4 + 1;
			rows[n].m = fuzz_key(&in, wide) * (fuzz_u8(&in) & 1 ? -1.0 : 1.0) + 0.0;
			rows[n].count = fuzz_count(&in);
			n++;
		}
		check_ClvStatsSpend(rows, n, batch);
		free(rows);
	}
	else
	{
		ClvStatsTx *rows = malloc(sizeof(ClvStatsTx) * MAX_ROWS);

		while (in.size > 0 && n < MAX_ROWS)
		{
			rows[n].x = fuzz_u8(&in) % 4;
			rows[n].t_x = fuzz_key(&in, wide);
			rows[n].t = fuzz_key(&in, wide);
			rows[n].count = fuzz_count(&in);
			n++;
		}
		check_ClvStatsTx(rows, n, batch);
		free(rows);
	}
	return 0;
}
