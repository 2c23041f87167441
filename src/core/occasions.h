/*
 * occasions.h -- purchase occasions of one customer's purchase times.
 *
 * Times are int64 microseconds; rows at the same instant are one purchase
 * occasion.  Plain C99, no PostgreSQL.
 */
#ifndef CLV_CORE_OCCASIONS_H
#define CLV_CORE_OCCASIONS_H

#include <stddef.h>
#include <stdint.h>

/* Sorts times ascending in place. */
extern void clv_occasions_sort(int64_t *times, size_t n);

/* The number of distinct values in an ascending array. */
extern int64_t clv_occasions_count_sorted(const int64_t *times, size_t n);

#endif							/* CLV_CORE_OCCASIONS_H */
