/*
 * stats.c -- the rows, rules and order of a clv_stats value (see stats.h).
 */
#include "stats.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sort_template.h"

/* 0 <= x <= 2^53. */
ClvStatsRule
clv_stats_x_rule(int64_t x)
{
	return x < 0 || x > CLV_STATS_MAX_X ? CLV_STATS_X_RANGE : CLV_STATS_OK;
}

/* x in range, 0 <= t_x <= t finite, t_x = 0 when x = 0. */
ClvStatsRule
clv_stats_tx_rule(int64_t x, double t_x, double t)
{
	if (clv_stats_x_rule(x) != CLV_STATS_OK)
		return CLV_STATS_X_RANGE;
	if (!isfinite(t_x) || !isfinite(t) || !(t_x >= 0.0) || !(t_x <= t))
		return CLV_STATS_T_ORDER;
	if (x == 0 && t_x != 0.0)
		return CLV_STATS_T_X_ZERO;
	return CLV_STATS_OK;
}

/* -1, 0 or 1 as a is below, equal to or above b (neither NaN). */
static inline int
order_of(double a, double b)
{
	return (a > b) - (a < b);
}

/*
 * The order of (x, t_x, t) rows and of (x, m) rows, inlined into the sorts
 * (a shared library's exported functions are not).
 */
static inline int
tx_order(const ClvStatsTx *a, const ClvStatsTx *b)
{
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->t_x != b->t_x)
		return order_of(a->t_x, b->t_x);
	return order_of(a->t, b->t);
}

static inline int
spend_order(const ClvStatsSpend *a, const ClvStatsSpend *b)
{
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	return order_of(a->m, b->m);
}

/* The order of (x, t_x, t) rows. */
int
clv_stats_tx_cmp(const ClvStatsTx *a, const ClvStatsTx *b)
{
	return tx_order(a, b);
}

/* The order of (x, m) rows. */
int
clv_stats_spend_cmp(const ClvStatsSpend *a, const ClvStatsSpend *b)
{
	return spend_order(a, b);
}

/* Whether row a comes before row b. */
#define TX_LESS(a, b) (tx_order((a), (b)) < 0)
#define SPEND_LESS(a, b) (spend_order((a), (b)) < 0)

CLV_SORT_DEFINE(sort_tx, ClvStatsTx, TX_LESS)
CLV_SORT_DEFINE(sort_spend, ClvStatsSpend, SPEND_LESS)

/* Sorts both row lists into their order. */
void
clv_stats_sort(ClvStatsTx *tx, size_t ntx, ClvStatsSpend *spend, size_t nspend)
{
	sort_tx(tx, ntx);
	sort_spend(spend, nspend);
}

/*
 * Defines name_fold and name_merge over rows of type in the order
 * order(a, b) (see stats.h): the rows differ only in their key fields and
 * both end in an int64_t count.
 */
#define STATS_ROWS_DEFINE(name, type, sort, order) \
size_t \
name##_fold(type *rows, size_t n, int64_t overflow[2]) \
{ \
	size_t		distinct = 0; \
\
	if (n == 0) \
		return 0; \
	sort(rows, n); \
	for (size_t i = 1; i < n; i++) \
	{ \
		if (order(&rows[distinct], &rows[i]) == 0) \
		{ \
			if (!clv_stats_add_count(rows[distinct].count, rows[i].count, \
									 &rows[distinct].count)) \
			{ \
				overflow[0] = rows[distinct].count; \
				overflow[1] = rows[i].count; \
				return SIZE_MAX; \
			} \
		} \
		else \
			rows[++distinct] = rows[i]; \
	} \
	return distinct + 1; \
} \
\
size_t \
name##_merge(type *a, size_t na, const type *b, size_t nb, \
			 int64_t overflow[2]) \
{ \
	size_t		i = na, \
				j = nb, \
				w = na + nb; \
\
	/* from the back, so that no row of a is written over before it is read */ \
	while (j > 0) \
	{ \
		int			c = i > 0 ? order(&a[i - 1], &b[j - 1]) : -1; \
\
		if (c > 0) \
			a[--w] = a[--i]; \
		else if (c < 0) \
			a[--w] = b[--j]; \
		else \
		{ \
			type		row = a[--i]; \
\
			if (!clv_stats_add_count(row.count, b[--j].count, &row.count)) \
			{ \
				overflow[0] = a[i].count; \
				overflow[1] = b[j].count; \
				return SIZE_MAX; \
			} \
			a[--w] = row; \
		} \
	} \
	/* a[0..i) are in place; close the gap the folded rows left after them */ \
	if (w > i) \
		memmove(&a[i], &a[w], (na + nb - w) * sizeof(type)); \
	return na + nb - (w - i); \
}

STATS_ROWS_DEFINE(clv_stats_tx, ClvStatsTx, sort_tx, tx_order)
STATS_ROWS_DEFINE(clv_stats_spend, ClvStatsSpend, sort_spend, spend_order)

/* Checks a value read from outside. */
ClvStatsRule
clv_stats_check(const ClvStatsView *value, bool *in_spend, size_t *row_index)
{
	size_t		i;

	*in_spend = false;
	*row_index = 0;
	if (value->unit_usec < 0 || (value->ntx > 0 && value->unit_usec == 0))
		return CLV_STATS_UNIT;
	for (i = 0; i < value->ntx; i++)
	{
		const ClvStatsTx *row = &value->tx[i];
		ClvStatsRule rule = clv_stats_tx_rule(row->x, row->t_x, row->t);

		*row_index = i;
		if (rule != CLV_STATS_OK)
			return rule;
		if (row->count <= 0)
			return CLV_STATS_COUNT;
		if (i > 0 && clv_stats_tx_cmp(&value->tx[i - 1], row) >= 0)
			return CLV_STATS_TX_ORDER;
	}
	for (i = 0; i < value->nspend; i++)
	{
		const ClvStatsSpend *row = &value->spend[i];

		*in_spend = true;
		*row_index = i;
		if (clv_stats_x_rule(row->x) != CLV_STATS_OK)
			return CLV_STATS_X_RANGE;
		if (row->x == 0)
			return CLV_STATS_SPEND_X;
		if (!isfinite(row->m))
			return CLV_STATS_M_FINITE;
		if (row->count <= 0)
			return CLV_STATS_COUNT;
		if (i > 0 && clv_stats_spend_cmp(&value->spend[i - 1], row) >= 0)
			return CLV_STATS_SPEND_ORDER;
	}
	return CLV_STATS_OK;
}

/* -1, 0 or 1 as the int64 a is below, equal to or above b. */
static inline int
order_of_int(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

/* The total order of values. */
int
clv_stats_compare(const ClvStatsView *a, const ClvStatsView *b)
{
	size_t		i;
	int			c;

	if ((c = order_of_int(a->unit_usec, b->unit_usec)) != 0)
		return c;
	for (i = 0; i < a->ntx && i < b->ntx; i++)
		if ((c = clv_stats_tx_cmp(&a->tx[i], &b->tx[i])) != 0 ||
			(c = order_of_int(a->tx[i].count, b->tx[i].count)) != 0)
			return c;
	if (a->ntx != b->ntx)
		return a->ntx < b->ntx ? -1 : 1;
	for (i = 0; i < a->nspend && i < b->nspend; i++)
		if ((c = clv_stats_spend_cmp(&a->spend[i], &b->spend[i])) != 0 ||
			(c = order_of_int(a->spend[i].count, b->spend[i].count)) != 0)
			return c;
	if (a->nspend != b->nspend)
		return a->nspend < b->nspend ? -1 : 1;
	return 0;
}

/* a + b without passing 2^63 - 1 (both are positive counts). */
bool
clv_stats_add_count(int64_t a, int64_t b, int64_t *sum)
{
	if (b > 0 && a > INT64_MAX - b)
		return false;
	if (b < 0 && a < INT64_MIN - b)
		return false;
	*sum = a + b;
	return true;
}
