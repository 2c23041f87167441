/*
 * tx_order.h -- the order of ClvTxRow the fitting aggregates pass rows in
 * (x, then t_x, then t), for the C benchmarks' qsort.
 */
#ifndef CLV_BENCH_TX_ORDER_H
#define CLV_BENCH_TX_ORDER_H

#include "model.h"

/* Rows by x, t_x, t. */
static int
tx_cmp(const void *a, const void *b)
{
	const ClvTxRow *l = a,
			   *r = b;

	if (l->x != r->x)
		return l->x < r->x ? -1 : 1;
	if (l->t_x != r->t_x)
		return l->t_x < r->t_x ? -1 : 1;
	return (l->t > r->t) - (l->t < r->t);
}

#endif							/* CLV_BENCH_TX_ORDER_H */
