/*-------------------------------------------------------------------------
 *
 * simulate.h
 *	  Simulation of one customer of a BG/NBD + Gamma-Gamma customer base,
 *	  the engine of clv_sample_orders.
 *
 * Plain C99 + libm, no PostgreSQL headers.  Times are whole seconds on the
 * caller's axis (PostgreSQL's seconds since 2000-01-01), amounts are cents.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLV_SAMPLE_SIMULATE_H
#define CLV_SAMPLE_SIMULATE_H

#include <stdint.h>

/* Model parameters, in the literature's names; all positive and finite. */
typedef struct ClvSampleModel
{
	double		r;				/* BG/NBD: purchase rate ~ Gamma(r, rate alpha) */
	double		alpha;
	double		a;				/* BG/NBD: dropout probability ~ Beta(a, b) */
	double		b;
	double		p;				/* Gamma-Gamma: amount ~ Gamma(p, rate nu) */
	double		q;				/* Gamma-Gamma: nu ~ Gamma(q, rate gamma) */
	double		gamma;
} ClvSampleModel;

/* The observation window on the whole-second grid, and the model's unit. */
typedef struct ClvSampleWindow
{
	int64_t		first_second;	/* the first whole second in the window */
	int64_t		end_second;		/* the first whole second after it */
	double		unit_seconds;	/* the model's time unit in seconds */
} ClvSampleWindow;

/* One simulated order. */
typedef struct ClvSampleOrder
{
	int64_t		second;			/* purchase time, whole seconds */
	int64_t		cents;			/* amount in cents, at least 1 */
} ClvSampleOrder;

typedef enum ClvSampleStatus
{
	CLV_SAMPLE_OK,
	CLV_SAMPLE_TOO_MANY_ORDERS, /* more orders than the caller's buffer */
	CLV_SAMPLE_AMOUNT_OUT_OF_RANGE	/* an amount of CLV_SAMPLE_MAX_CENTS or more */
} ClvSampleStatus;

/* Amounts must stay below this many cents (2^53: exact in a double). */
#define CLV_SAMPLE_MAX_CENTS 9007199254740992.0

/*
 * The window of whole seconds in [start_usec, end_usec) (microsecond
 * times), with unit_usec the unit in microseconds.  Returns 0 when the
 * window holds no whole second, 1 otherwise.
 */
extern int	clv_sample_window(int64_t start_usec, int64_t end_usec,
							  int64_t unit_usec, ClvSampleWindow *window);

/* The 64-bit key of customer's random stream under seed. */
extern uint64_t clv_sample_customer_key(int32_t seed, int64_t customer);

/*
 * Simulates customer number customer (its draws depend only on seed and
 * customer): a first purchase uniform over the window's seconds; repeat
 * purchases at exponential gaps of rate lambda ~ Gamma(r, alpha) per unit,
 * the customer dropping out after each repeat purchase with probability
 * pdrop ~ Beta(a, b), observed until the window's end; each amount
 * Gamma(p, rate nu) with nu ~ Gamma(q, gamma), rounded to cents (at least
 * one).  Writes the orders in time order to orders[0 .. *n_orders - 1];
 * fails when there would be more than max_orders or an amount is too large.
 */
extern ClvSampleStatus clv_sample_customer(const ClvSampleModel *model,
										   const ClvSampleWindow *window,
										   int32_t seed, int64_t customer,
										   ClvSampleOrder *orders,
										   int max_orders, int *n_orders);

#endif							/* CLV_SAMPLE_SIMULATE_H */
