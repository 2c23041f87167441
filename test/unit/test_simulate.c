/*
 * test_simulate.c -- unit tests of src/core/simulate.c: the whole-second
 * window, per-customer determinism, orders inside the window and in time
 * order, and the failures for runaway parameters.
 */
#include <math.h>
#include <stdint.h>

#include "simulate.h"
#include "tap.h"

#define MAX_ORDERS 1000
#define USEC INT64_C(1000000)

/* The CDNOW fits, the function's defaults. */
static const ClvSampleModel cdnow = {0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44};

int
main(void)
{
	ClvSampleWindow window;
	ClvSampleOrder orders[MAX_ORDERS],
				again[MAX_ORDERS];
	ClvSampleModel model;
	int			n,
				n_again,
				customer,
				all_ok,
				same,
				inside,
				ordered,
				one_order = 0,
				total = 0;
	double		first_amounts = 0.0;

	/* windows: whole seconds in [start, end), negative times included */
	ok(clv_sample_window(0, 10 * USEC, 7 * 86400 * USEC, &window) &&
	   window.first_second == 0 && window.end_second == 10 &&
	   window.unit_seconds == 7 * 86400.0,
	   "window [0 s, 10 s) holds seconds 0..9 in weeks");
	ok(clv_sample_window(-USEC - 1, USEC / 2, USEC, &window) &&
	   window.first_second == -1 && window.end_second == 1,
	   "window [-1.000001 s, 0.5 s) holds seconds -1..0");
	ok(clv_sample_window(-USEC / 2, USEC / 2, USEC, &window) &&
	   window.first_second == 0 && window.end_second == 1,
	   "window [-0.5 s, 0.5 s) holds second 0");
	ok(!clv_sample_window(USEC / 4, 3 * USEC / 4, USEC, &window),
	   "window [0.25 s, 0.75 s) holds no whole second");
	ok(clv_sample_customer_key(1, 2) != clv_sample_customer_key(2, 1) &&
	   clv_sample_customer_key(-1, 1) != clv_sample_customer_key(1, 1),
	   "customer keys differ for swapped or negated seeds");

	/* two years from 2024-01-01 (PostgreSQL seconds), weekly rates */
	clv_sample_window(INT64_C(757382400) * USEC, INT64_C(820454400) * USEC,
					  7 * 86400 * USEC, &window);
	all_ok = same = inside = ordered = 1;
	for (customer = 1; customer <= 2000; customer++)
	{
		int			i;

		all_ok &= clv_sample_customer(&cdnow, &window, 1, customer,
									  orders, MAX_ORDERS, &n) == CLV_SAMPLE_OK;
		clv_sample_customer(&cdnow, &window, 1, customer, again, MAX_ORDERS, &n_again);
		same &= n == n_again;
		for (i = 0; i < n && i < n_again; i++)
			same &= orders[i].second == again[i].second &&
				orders[i].cents == again[i].cents;
		for (i = 0; i < n; i++)
		{
			inside &= orders[i].second >= window.first_second &&
				orders[i].second < window.end_second && orders[i].cents >= 1;
			if (i > 0)
				ordered &= orders[i].second >= orders[i - 1].second;
		}
		one_order += n == 1;
		total += n;
		first_amounts += orders[0].cents / 100.0;
	}
	ok(all_ok, "2000 CDNOW-like customers simulate");
	ok(same, "a customer's orders depend only on (seed, customer)");
	ok(inside, "orders lie in the window with at least one cent");
	ok(ordered, "orders come in time order");
	ok(one_order > 500 && one_order < 1500,
	   "about two in three customers never repeat (%d of 2000)", one_order);
	/* E[z] = p gamma / (q - 1) = 35.22, sd 32.0: 5 standard errors */
	is_near(first_amounts / 2000, 6.25 * 15.44 / 2.74, 5 * 32.0 / sqrt(2000),
			"mean first amount");
	ok(total > 4000 && total < 5500, "about 2.4 orders per customer (%d)", total);

	clv_sample_customer(&cdnow, &window, 1, 1, orders, MAX_ORDERS, &n);
	clv_sample_customer(&cdnow, &window, 2, 1, again, MAX_ORDERS, &n_again);
	ok(orders[0].second != again[0].second, "another seed gives another customer");

	/* runaway parameters fail instead of looping or cutting */
	model = cdnow;
	model.alpha = 1e-6;			/* a rate of 243,000 per week */
	model.b = 1e9;				/* and dropout all but impossible */
	ok(clv_sample_customer(&model, &window, 1, 1, orders, MAX_ORDERS, &n) ==
	   CLV_SAMPLE_TOO_MANY_ORDERS && n == MAX_ORDERS,
	   "more orders than the buffer holds is CLV_SAMPLE_TOO_MANY_ORDERS");
	model = cdnow;
	model.r = 1e300;
	model.alpha = 1e-300;		/* a rate that overflows: every gap is 0 */
	model.b = 1e9;
	ok(clv_sample_customer(&model, &window, 1, 1, orders, MAX_ORDERS, &n) ==
	   CLV_SAMPLE_TOO_MANY_ORDERS && n == MAX_ORDERS,
	   "an infinite rate ends as CLV_SAMPLE_TOO_MANY_ORDERS");
	model = cdnow;
	model.r = 1e-300;			/* a rate that underflows to 0 */
	ok(clv_sample_customer(&model, &window, 1, 1, orders, MAX_ORDERS, &n) ==
	   CLV_SAMPLE_OK && n == 1, "a zero rate gives the first order only");
	model = cdnow;
	model.q = 1e-3;				/* nu underflows, amounts overflow */
	ok(clv_sample_customer(&model, &window, 1, 1, orders, MAX_ORDERS, &n) ==
	   CLV_SAMPLE_AMOUNT_OUT_OF_RANGE, "an infinite amount is CLV_SAMPLE_AMOUNT_OUT_OF_RANGE");
	model = cdnow;
	model.gamma = 1e-9;			/* amounts below half a cent */
	ok(clv_sample_customer(&model, &window, 1, 1, orders, MAX_ORDERS, &n) ==
	   CLV_SAMPLE_OK && orders[0].cents == 1, "amounts are at least one cent");

	/* a one-second window: everyone buys at that second */
	clv_sample_window(0, USEC, 7 * 86400 * USEC, &window);
	ok(clv_sample_customer(&cdnow, &window, 1, 9, orders, MAX_ORDERS, &n) ==
	   CLV_SAMPLE_OK && orders[0].second == 0, "a one-second window");

	return done_testing();
}
