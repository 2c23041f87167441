/*
 * sort_template.h -- an in-place introsort with an inlined comparison, for
 * the large row arrays of src/core (qsort's call per comparison was a
 * sixth of a fit's time).
 *
 * CLV_SORT_DEFINE(name, type, less) defines
 *	static void name(type *rows, size_t n)
 * which sorts rows by less(const type *, const type *), a strict weak
 * order: quicksort with the median of three, heapsort past 2 log2 n
 * levels (so O(n log n) on any input), insertion sort for short runs.
 * Not stable: for arrays whose rows all differ, as the callers sort, the
 * result is the only sorted order.
 *
 * Plain C99, no PostgreSQL headers.
 */
#ifndef CLV_SORT_TEMPLATE_H
#define CLV_SORT_TEMPLATE_H

#include <stddef.h>

#define CLV_SORT_SWAP(type, a, b) \
	do { type clv_sort_tmp_ = (a); (a) = (b); (b) = clv_sort_tmp_; } while (0)

#define CLV_SORT_DEFINE(name, type, less) \
static void \
name##_insertion(type *rows, size_t n) \
{ \
	for (size_t i = 1; i < n; i++) \
	{ \
		type		item = rows[i]; \
		size_t		j = i; \
\
		while (j > 0 && less(&item, &rows[j - 1])) \
		{ \
			rows[j] = rows[j - 1]; \
			j--; \
		} \
		rows[j] = item; \
	} \
} \
\
static void \
name##_sift(type *rows, size_t root, size_t n) \
{ \
	type		item = rows[root]; \
\
	for (;;) \
	{ \
		size_t		child = 2 * root + 1; \
\
		if (child >= n) \
			break; \
		if (child + 1 < n && less(&rows[child], &rows[child + 1])) \
			child++; \
		if (!less(&item, &rows[child])) \
			break; \
		rows[root] = rows[child]; \
		root = child; \
	} \
	rows[root] = item; \
} \
\
static void \
name##_heapsort(type *rows, size_t n) \
{ \
	for (size_t i = n / 2; i-- > 0;) \
		name##_sift(rows, i, n); \
	for (size_t end = n; end-- > 1;) \
	{ \
		CLV_SORT_SWAP(type, rows[0], rows[end]); \
		name##_sift(rows, 0, end); \
	} \
} \
\
static void \
name##_intro(type *rows, size_t n, int depth) \
{ \
	while (n > 16) \
	{ \
		size_t		mid = n / 2; \
		ptrdiff_t	i = -1, \
					j = (ptrdiff_t) n; \
		type		pivot; \
\
		if (depth-- == 0) \
		{ \
			name##_heapsort(rows, n); \
			return; \
		} \
		if (less(&rows[mid], &rows[0])) \
			CLV_SORT_SWAP(type, rows[mid], rows[0]); \
		if (less(&rows[n - 1], &rows[0])) \
			CLV_SORT_SWAP(type, rows[n - 1], rows[0]); \
		if (less(&rows[n - 1], &rows[mid])) \
			CLV_SORT_SWAP(type, rows[n - 1], rows[mid]); \
		pivot = rows[mid]; \
		/* Hoare's partition: rows[0..j] <= pivot <= rows[j+1..n-1] */ \
		for (;;) \
		{ \
			do \
				i++; \
			while (less(&rows[i], &pivot)); \
			do \
				j--; \
			while (less(&pivot, &rows[j])); \
			if (i >= j) \
				break; \
			CLV_SORT_SWAP(type, rows[i], rows[j]); \
		} \
		/* recurse into the shorter part, loop on the longer */ \
		if ((size_t) j + 1 < n - ((size_t) j + 1)) \
		{ \
			name##_intro(rows, (size_t) j + 1, depth); \
			rows += j + 1; \
			n -= (size_t) j + 1; \
		} \
		else \
		{ \
			name##_intro(rows + j + 1, n - ((size_t) j + 1), depth); \
			n = (size_t) j + 1; \
		} \
	} \
	name##_insertion(rows, n); \
} \
\
static void \
name(type *rows, size_t n) \
{ \
	int			depth = 0; \
\
	for (size_t m = n; m > 1; m >>= 1) \
		depth += 2; \
	name##_intro(rows, n, depth); \
}

#endif							/* CLV_SORT_TEMPLATE_H */
