/*
 * occasions.c -- purchase occasions of one customer's purchase times.
 */
#include "occasions.h"

#include <stdlib.h>

/* qsort comparator of int64_t, ascending. */
static int
compare_int64(const void *a, const void *b)
{
	int64_t		x = *(const int64_t *) a;
	int64_t		y = *(const int64_t *) b;

	return (x > y) - (x < y);
}

/* Sorts times ascending in place. */
void
clv_occasions_sort(int64_t *times, size_t n)
{
	size_t		i;

	/* purchase histories usually arrive in order: check before sorting */
	for (i = 1; i < n; i++)
		if (times[i] < times[i - 1])
			break;
	if (i < n)
		qsort(times, n, sizeof(int64_t), compare_int64);
}

/* The number of distinct values in an ascending array. */
int64_t
clv_occasions_count_sorted(const int64_t *times, size_t n)
{
	int64_t		count = n > 0 ? 1 : 0;
	size_t		i;

	for (i = 1; i < n; i++)
		if (times[i] != times[i - 1])
			count++;
	return count;
}
