/*
 * stats.h -- the clv_stats value without PostgreSQL: its rows, the input
 * rules every row obeys, the order the rows are kept in, and the checks a
 * value read from outside (text, binary, a stored value) must pass.
 *
 * A clv_stats value is the sufficient statistic of the model fits: a time
 * unit (in microseconds; 0 for none), distinct (x, t_x, t) rows and
 * distinct (x, m) rows, each with the number of customers that have it.
 * The row structs have the layout of the rows of the stored value.
 */
#ifndef CLV_STATS_H
#define CLV_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A distinct (x, t_x, t) row and its customer count. */
typedef struct ClvStatsTx
{
	int64_t		x;				/* repeat purchases */
	double		t_x;			/* time of the last repeat purchase */
	double		t;				/* age of the customer */
	int64_t		count;			/* customers, > 0 */
} ClvStatsTx;

/* A distinct (x, m) row of a repeat customer (x > 0) and its count. */
typedef struct ClvStatsSpend
{
	int64_t		x;				/* repeat purchases, > 0 */
	double		m;				/* mean amount of the repeat purchases */
	int64_t		count;			/* customers, > 0 */
} ClvStatsSpend;

/* A clv_stats value's parts, wherever they are stored. */
typedef struct ClvStatsView
{
	int64_t		unit_usec;		/* the time unit; 0 when there is none */
	size_t		ntx;
	const ClvStatsTx *tx;
	size_t		nspend;
	const ClvStatsSpend *spend;
} ClvStatsView;

/*
 * The largest x the models take: beyond 2^53 a count is no longer exact in
 * the double precision the likelihoods are computed in.
 */
#define CLV_STATS_MAX_X ((int64_t) 1 << 53)

/* What a row or a value violates; CLV_STATS_OK when nothing. */
typedef enum ClvStatsRule
{
	CLV_STATS_OK = 0,
	CLV_STATS_X_RANGE,			/* 0 <= x <= 2^53 */
	CLV_STATS_T_ORDER,			/* 0 <= t_x <= t, both finite */
	CLV_STATS_T_X_ZERO,			/* t_x = 0 when x = 0 */
	CLV_STATS_M_FINITE,			/* m is a finite number */
	CLV_STATS_SPEND_X,			/* (x, m) rows have x > 0 */
	CLV_STATS_COUNT,			/* customer counts are positive */
	CLV_STATS_TX_ORDER,			/* (x, t_x, t) rows distinct, ascending */
	CLV_STATS_SPEND_ORDER,		/* (x, m) rows distinct, ascending */
	CLV_STATS_UNIT				/* a unit >= 0, and > 0 when there are
								 * (x, t_x, t) rows */
} ClvStatsRule;

/* v with -0 made +0: the two must be one key. */
static inline double
clv_stats_zero(double v)
{
	return v == 0.0 ? 0.0 : v;
}

/* The input rules of a purchase-model customer (x, t_x, t). */
extern ClvStatsRule clv_stats_tx_rule(int64_t x, double t_x, double t);

/* The input rule of x alone (0 <= x <= 2^53). */
extern ClvStatsRule clv_stats_x_rule(int64_t x);

/* The order of (x, t_x, t) rows: by x, then t_x, then t. */
extern int	clv_stats_tx_cmp(const ClvStatsTx *a, const ClvStatsTx *b);

/* The order of (x, m) rows: by x, then m. */
extern int	clv_stats_spend_cmp(const ClvStatsSpend *a, const ClvStatsSpend *b);

/* Sorts the rows of a value into their order (the counts go along). */
extern void clv_stats_sort(ClvStatsTx *tx, size_t ntx, ClvStatsSpend *spend,
						   size_t nspend);

/* A row's sort key and its index, as a fold's radix sort keeps them. */
typedef struct ClvStatsRadixItem
{
	uint64_t	key;
	uint64_t	index;
} ClvStatsRadixItem;

/*
 * The bytes of scratch space (aligned as a ClvStatsRadixItem) in which a
 * fold of n rows sorts them by radix, twice as fast as by comparison
 * where their key words vary in few bits (day-level times); 0 where n
 * rows are sorted faster by comparison.
 */
extern size_t clv_stats_fold_scratch_size(size_t n);

/*
 * Sorts rows[0..n) into their order and folds equal rows into one, adding
 * their counts; returns the number of distinct rows, now rows[0..].  With
 * scratch (of clv_stats_fold_scratch_size(n) bytes, else NULL) the sort is
 * a radix sort; the result is the same.  When two counts would add up past
 * 2^63 - 1 it stops and returns SIZE_MAX, the two counts in overflow[0]
 * and overflow[1].
 */
extern size_t clv_stats_tx_fold(ClvStatsTx *rows, size_t n, void *scratch,
								 int64_t overflow[2]);
extern size_t clv_stats_spend_fold(ClvStatsSpend *rows, size_t n, void *scratch,
								   int64_t overflow[2]);

/*
 * Merges the distinct rows b[0..nb), in order, into the distinct rows
 * a[0..na), in order, whose array has room for na + nb rows: a row of
 * both becomes one with the two counts added.  Returns the number of rows
 * of a; SIZE_MAX on an overflowing count, as the fold.
 */
extern size_t clv_stats_tx_merge(ClvStatsTx *a, size_t na, const ClvStatsTx *b,
								 size_t nb, int64_t overflow[2]);
extern size_t clv_stats_spend_merge(ClvStatsSpend *a, size_t na,
									const ClvStatsSpend *b, size_t nb,
									int64_t overflow[2]);

/*
 * Checks a value read from outside: every row obeys the input rules, its
 * counts are positive and its rows distinct and in order, its unit is not
 * negative and present when it has (x, t_x, t) rows.  On a violation of a
 * row, *in_spend says which list and *row which row of it.
 */
extern ClvStatsRule clv_stats_check(const ClvStatsView *value, bool *in_spend,
									size_t *row);

/*
 * The total order of values that the btree operator class uses: by unit,
 * then the (x, t_x, t) rows with their counts, then the (x, m) rows with
 * their counts, a shorter list first when one is a prefix of the other.
 * 0 exactly when the values are equal.
 */
extern int	clv_stats_compare(const ClvStatsView *a, const ClvStatsView *b);

/* a + b into *sum; false when it would pass 2^63 - 1. */
extern bool clv_stats_add_count(int64_t a, int64_t b, int64_t *sum);

#endif							/* CLV_STATS_H */
