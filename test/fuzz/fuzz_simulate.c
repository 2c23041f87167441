/*
 * fuzz_simulate.c -- libFuzzer harness of src/core/simulate.c.
 *
 * The input gives what clv_sample_orders lets through to the core: seven
 * model parameters (any positive finite doubles), a period [start, end) of
 * int64 microseconds with start < end, a positive unit, a seed, a customer
 * number and the size of the order buffer.  clv_sample_customer must end,
 * return one of its three statuses, write only into the buffer, and give
 * orders in time order, inside the window, of 1 to 2^53 - 1 cents; the
 * first order always exists unless the status says otherwise.  A second
 * run must give the same orders.
 */
#include "fuzz_input.h"
#include "simulate.h"

/* The order buffer holds at most this many orders (the SQL layer: 100000). */
#define MAX_BUFFER 4096

/* floor(usec / 10^6), in 128 bits so that negating INT64_MIN is safe. */
static __int128
floor_div_million(__int128 usec)
{
	__int128	q = usec / 1000000;

	return q * 1000000 > usec ? q - 1 : q;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size};
	ClvSampleModel model;
	ClvSampleWindow window;
	int64_t		start_usec,
				end_usec,
				unit_usec,
				customer;
	__int128	first_second,
				end_second;
	int32_t		seed;
	int			max_orders,
				n_orders,
				n_again,
				i;
	ClvSampleOrder *orders,
			   *again;
	ClvSampleStatus status,
				status_again;

	model.r = fuzz_positive_double(&in);
	model.alpha = fuzz_positive_double(&in);
	model.a = fuzz_positive_double(&in);
	model.b = fuzz_positive_double(&in);
	model.p = fuzz_positive_double(&in);
	model.q = fuzz_positive_double(&in);
	model.gamma = fuzz_positive_double(&in);
	start_usec = fuzz_i64(&in);
	end_usec = fuzz_i64(&in);
	unit_usec = fuzz_i64(&in);
	seed = fuzz_i32(&in);
	customer = fuzz_i64(&in);
	max_orders = (int) ((uint16_t) fuzz_i16(&in) % (MAX_BUFFER + 1));
	if (start_usec >= end_usec || unit_usec <= 0)
		return 0;				/* the SQL layer raises an error */

	/* the window of whole seconds in [start, end), reference: floor division */
	first_second = -floor_div_million(-(__int128) start_usec);
	end_second = -floor_div_million(-(__int128) end_usec);
	FUZZ_CHECK(clv_sample_window(start_usec, end_usec, unit_usec, &window) ==
			   (end_second > first_second),
			   "period [%lld, %lld) said to hold %s whole second", (long long) start_usec,
			   (long long) end_usec, end_second > first_second ? "no" : "a");
	if (end_second <= first_second)
		return 0;				/* the SQL layer raises an error */
	FUZZ_CHECK(window.first_second == first_second && window.end_second == end_second,
			   "window [%lld, %lld) of period [%lld, %lld)",
			   (long long) window.first_second, (long long) window.end_second,
			   (long long) start_usec, (long long) end_usec);

	/* exact-size heap buffers, so AddressSanitizer sees any write past them */
	orders = malloc(max_orders > 0 ? sizeof(ClvSampleOrder) * max_orders : 1);
	again = malloc(max_orders > 0 ? sizeof(ClvSampleOrder) * max_orders : 1);
	n_orders = -1;
	status = clv_sample_customer(&model, &window, seed, customer, orders, max_orders, &n_orders);
	FUZZ_CHECK(status == CLV_SAMPLE_OK || status == CLV_SAMPLE_TOO_MANY_ORDERS ||
			   status == CLV_SAMPLE_AMOUNT_OUT_OF_RANGE, "status %d", (int) status);
	FUZZ_CHECK(n_orders >= 0 && n_orders <= max_orders, "%d orders in a buffer of %d",
			   n_orders, max_orders);
	FUZZ_CHECK(status != CLV_SAMPLE_OK || n_orders >= 1, "no first order");
	FUZZ_CHECK(status != CLV_SAMPLE_TOO_MANY_ORDERS || n_orders == max_orders,
			   "too many orders with %d of %d", n_orders, max_orders);
	for (i = 0; i < n_orders; i++)
	{
		FUZZ_CHECK(orders[i].second >= window.first_second &&
				   orders[i].second < window.end_second,
				   "order %d at second %lld, window [%lld, %lld)", i,
				   (long long) orders[i].second, (long long) window.first_second,
				   (long long) window.end_second);
		FUZZ_CHECK(i == 0 || orders[i].second >= orders[i - 1].second,
				   "order %d before order %d", i, i - 1);
		FUZZ_CHECK(orders[i].cents >= 1 && (double) orders[i].cents < CLV_SAMPLE_MAX_CENTS,
				   "order %d of %lld cents", i, (long long) orders[i].cents);
	}

	status_again = clv_sample_customer(&model, &window, seed, customer, again, max_orders,
									   &n_again);
	FUZZ_CHECK(status_again == status && n_again == n_orders, "a second run differs");
	for (i = 0; i < n_orders; i++)
		FUZZ_CHECK(again[i].second == orders[i].second && again[i].cents == orders[i].cents,
				   "order %d differs in a second run", i);
	free(orders);
	free(again);
	return 0;
}
