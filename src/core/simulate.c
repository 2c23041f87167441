/*-------------------------------------------------------------------------
 *
 * simulate.c
 *	  One customer of a BG/NBD (Fader, Hardie and Lee 2005) purchase
 *	  process with Gamma-Gamma (Fader, Hardie and Lee 2005b) amounts.
 *
 * Every customer has its own random stream, keyed by (seed, customer), and
 * draws from it in a fixed order, so a customer's orders do not depend on
 * how many customers are simulated or in which order.
 *
 *-------------------------------------------------------------------------
 */
#include "simulate.h"

#include <math.h>

#include "rng.h"

#define CLV_SAMPLE_USEC_PER_SECOND INT64_C(1000000)

/* The smallest whole second whose microsecond time is >= usec. */
static int64_t
ceil_second(int64_t usec)
{
	int64_t		second = usec / CLV_SAMPLE_USEC_PER_SECOND;

	/* C division truncates toward zero: round positive remainders up */
	if (usec % CLV_SAMPLE_USEC_PER_SECOND > 0)
		second++;
	return second;
}

/* The window of whole seconds in [start_usec, end_usec). */
int
clv_sample_window(int64_t start_usec, int64_t end_usec, int64_t unit_usec,
				  ClvSampleWindow *window)
{
	window->first_second = ceil_second(start_usec);
	window->end_second = ceil_second(end_usec);
	window->unit_seconds = (double) unit_usec / (double) CLV_SAMPLE_USEC_PER_SECOND;
	return window->end_second > window->first_second;
}

/* The key (seed, customer) packed into 64 bits, one stream per customer. */
uint64_t
clv_sample_customer_key(int32_t seed, int64_t customer)
{
	return ((uint64_t) (uint32_t) seed << 32) ^ (uint64_t) customer;
}

/*
 * An amount in cents: Gamma(p, rate nu) with log_nu the log of nu.  Returns
 * -1 when it is CLV_SAMPLE_MAX_CENTS or more.
 */
static int64_t
draw_cents(ClvSampleRng *rng, double p, double log_nu)
{
	double		cents = floor(100.0 * exp(clv_sample_log_gamma(rng, p) - log_nu) + 0.5);

	if (!(cents < CLV_SAMPLE_MAX_CENTS))
		return -1;
	return cents < 1.0 ? 1 : (int64_t) cents;
}

/* Simulates one customer's orders in the window. */
ClvSampleStatus
clv_sample_customer(const ClvSampleModel *model, const ClvSampleWindow *window,
					int32_t seed, int64_t customer,
					ClvSampleOrder *orders, int max_orders, int *n_orders)
{
	ClvSampleRng rng;
	int64_t		span = window->end_second - window->first_second;
	int64_t		first;
	double		lambda,
				pdrop,
				log_nu,
				age_units;
	int			n = 0;

	*n_orders = 0;
	if (max_orders < 1)
		return CLV_SAMPLE_TOO_MANY_ORDERS;
	clv_sample_rng_seed(&rng, clv_sample_customer_key(seed, customer));

	/* the customer's parameters, always drawn in this order */
	first = window->first_second +
		(int64_t) floor(clv_sample_uniform(&rng) * (double) span);
	if (first >= window->end_second)
		first = window->end_second - 1;
	lambda = exp(clv_sample_log_gamma(&rng, model->r) - log(model->alpha));
	pdrop = clv_sample_beta(&rng, model->a, model->b);
	log_nu = clv_sample_log_gamma(&rng, model->q) - log(model->gamma);

	/* the first purchase, which is never followed by a dropout */
	orders[n].second = first;
	orders[n].cents = draw_cents(&rng, model->p, log_nu);
	if (orders[n].cents < 0)
		return CLV_SAMPLE_AMOUNT_OUT_OF_RANGE;
	n++;

	/* repeat purchases until the customer drops out or the window ends */
	age_units = 0.0;
	for (;;)
	{
		double		offset_seconds;

		age_units += clv_sample_exponential(&rng) / lambda;
		offset_seconds = age_units * window->unit_seconds;
		/* also stops on an infinite gap (lambda underflowed to 0) */
		if (!(offset_seconds < (double) (window->end_second - first)))
			break;
		if (n == max_orders)
		{
			*n_orders = n;
			return CLV_SAMPLE_TOO_MANY_ORDERS;
		}
		orders[n].second = first + (int64_t) floor(offset_seconds);
		orders[n].cents = draw_cents(&rng, model->p, log_nu);
		if (orders[n].cents < 0)
		{
			*n_orders = n;
			return CLV_SAMPLE_AMOUNT_OUT_OF_RANGE;
		}
		n++;
		if (clv_sample_uniform(&rng) < pdrop)
			break;
	}
	*n_orders = n;
	return CLV_SAMPLE_OK;
}
