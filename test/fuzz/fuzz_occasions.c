/*
 * fuzz_occasions.c -- libFuzzer harness of src/core/occasions.c.
 *
 * The input's first byte picks the shape of the times (as given, sorted
 * already, or sorted with one pair swapped, so both the in-order shortcut
 * and qsort are reached); the rest are int64 times.  clv_occasions_sort
 * must give the same array as an insertion sort, and
 * clv_occasions_count_sorted the number of distinct times found by
 * comparing every pair.
 */
#include "fuzz_input.h"
#include "occasions.h"

#define MAX_TIMES 2048

/* Sorts times ascending by insertion, the reference sort. */
static void
insertion_sort(int64_t *times, size_t n)
{
	size_t		i;

	for (i = 1; i < n; i++)
	{
		int64_t		t = times[i];
		size_t		j = i;

		for (; j > 0 && times[j - 1] > t; j--)
			times[j] = times[j - 1];
		times[j] = t;
	}
}

/* The number of distinct values among times, by comparing every pair. */
static int64_t
count_distinct_naive(const int64_t *times, size_t n)
{
	int64_t		count = 0;
	size_t		i,
				j;

	for (i = 0; i < n; i++)
	{
		for (j = 0; j < i; j++)
			if (times[j] == times[i])
				break;
		count += (j == i);
	}
	return count;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size};
	uint8_t		shape = fuzz_u8(&in);
	size_t		n = in.size / sizeof(int64_t);
	int64_t    *times,
			   *expected;
	int64_t		distinct;
	size_t		i;

	if (n > MAX_TIMES)
		n = MAX_TIMES;
	/* exact-size heap copies, so AddressSanitizer sees any stray access */
	times = malloc(n > 0 ? n * sizeof(int64_t) : 1);
	expected = malloc(n > 0 ? n * sizeof(int64_t) : 1);
	for (i = 0; i < n; i++)
		times[i] = fuzz_i64(&in);
	if (shape % 3 != 0)
		insertion_sort(times, n);
	if (shape % 3 == 2 && n >= 2)
	{
		/* one pair out of order: the in-order check must notice */
		size_t		k = (size_t) (shape / 3) % (n - 1);
		int64_t		t = times[k];

		times[k] = times[k + 1];
		times[k + 1] = t;
	}
	for (i = 0; i < n; i++)
		expected[i] = times[i];
	distinct = count_distinct_naive(times, n);
	insertion_sort(expected, n);

	clv_occasions_sort(times, n);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(times[i] == expected[i], "sort of %zu times differs from insertion sort at %zu",
				   n, i);
	FUZZ_CHECK(clv_occasions_count_sorted(times, n) == distinct,
			   "count of %zu times: %lld, naive %lld", n,
			   (long long) clv_occasions_count_sorted(times, n), (long long) distinct);
	free(times);
	free(expected);
	return 0;
}
