/*-------------------------------------------------------------------------
 *
 * sample.c
 *	  clv_sample_orders: a deterministic simulated orders table for demos,
 *	  examples, benchmarks and model-recovery tests.
 *
 * The simulation itself is in core/simulate.c; this file checks the
 * arguments and turns each customer's orders into rows of a tuplestore.
 *
 *-------------------------------------------------------------------------
 */
#include "clv.h"

#include <math.h>

#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "core/simulate.h"

/* At most this many orders per customer; more is an error, never a cut. */
#define CLV_SAMPLE_MAX_ORDERS_PER_CUSTOMER 100000

/*
 * Orders per customer with the default parameters (2,345,725 rows for a
 * million customers), for the planner's row estimate.
 */
#define CLV_SAMPLE_DEFAULT_ORDERS_PER_CUSTOMER 2.35

PG_FUNCTION_INFO_V1(clv_sample_orders);
PG_FUNCTION_INFO_V1(clv_sample_orders_support);

/* Raises a class-22 error unless the model parameter value is positive and finite. */
static void
check_model_parameter(double value, const char *name)
{
	if (!(value > 0.0) || isinf(value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("clv_sample_orders parameter \"%s\" must be positive and finite, not %g",
						name, value),
				 errhint("The BG/NBD parameters r, alpha, a, b and the Gamma-Gamma parameters p, q, gamma are all positive numbers.")));
}

/* Raises a class-22 error unless a bound of the simulated period is finite. */
static void
check_finite_time(TimestampTz value, const char *name)
{
	if (TIMESTAMP_NOT_FINITE(value))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("clv_sample_orders argument \"%s\" must be finite", name),
				 errhint("Pass the start and end of the simulated period as finite timestamps.")));
}

/*
 * clv_sample_orders(customers, seed, r, alpha, a, b, p, q, gamma, unit,
 * start_at, end_at) returns the simulated orders (customer_id, ordered_at,
 * amount) of customers 1..customers, ordered by customer and time.
 */
Datum
clv_sample_orders(PG_FUNCTION_ARGS)
{
	int32		customers = PG_GETARG_INT32(0);
	int32		seed = PG_GETARG_INT32(1);
	ClvSampleModel model;
	Interval   *unit = PG_GETARG_INTERVAL_P(9);
	TimestampTz start_at = PG_GETARG_TIMESTAMPTZ(10);
	TimestampTz end_at = PG_GETARG_TIMESTAMPTZ(11);
	int64		unit_usec;
	ClvSampleWindow window;
	ClvSampleOrder *orders;
	ReturnSetInfo *rsinfo;
	int64		customer;

	if (customers < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("clv_sample_orders argument \"customers\" must not be negative, not %d",
						customers),
				 errhint("Pass the number of customers to simulate; 0 gives no rows.")));
	model.r = PG_GETARG_FLOAT8(2);
	model.alpha = PG_GETARG_FLOAT8(3);
	model.a = PG_GETARG_FLOAT8(4);
	model.b = PG_GETARG_FLOAT8(5);
	model.p = PG_GETARG_FLOAT8(6);
	model.q = PG_GETARG_FLOAT8(7);
	model.gamma = PG_GETARG_FLOAT8(8);
	check_model_parameter(model.r, "r");
	check_model_parameter(model.alpha, "alpha");
	check_model_parameter(model.a, "a");
	check_model_parameter(model.b, "b");
	check_model_parameter(model.p, "p");
	check_model_parameter(model.q, "q");
	check_model_parameter(model.gamma, "gamma");
	unit_usec = clv_unit_usec(unit, "clv_sample_orders");
	check_finite_time(start_at, "start_at");
	check_finite_time(end_at, "end_at");
	if (end_at <= start_at)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("clv_sample_orders argument \"end_at\" must be later than \"start_at\""),
				 errhint("Orders are simulated in [start_at, end_at).")));
	if (!clv_sample_window(start_at, end_at, unit_usec, &window))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("clv_sample_orders period [start_at, end_at) contains no whole second"),
				 errhint("Order times are whole seconds; widen the period.")));

	InitMaterializedSRF(fcinfo, 0);
	rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	orders = palloc(sizeof(ClvSampleOrder) * CLV_SAMPLE_MAX_ORDERS_PER_CUSTOMER);

	for (customer = 1; customer <= customers; customer++)
	{
		int			n_orders;
		int			i;

		CHECK_FOR_INTERRUPTS();
		switch (clv_sample_customer(&model, &window, seed, customer, orders,
									CLV_SAMPLE_MAX_ORDERS_PER_CUSTOMER, &n_orders))
		{
			case CLV_SAMPLE_OK:
				break;
			case CLV_SAMPLE_TOO_MANY_ORDERS:
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("clv_sample_orders customer %lld has more than %d orders",
								(long long) customer, CLV_SAMPLE_MAX_ORDERS_PER_CUSTOMER),
						 errhint("The purchase rate r / alpha per unit is too high for the period; use a larger alpha or a shorter unit.")));
				break;
			case CLV_SAMPLE_AMOUNT_OUT_OF_RANGE:
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("clv_sample_orders amount of customer %lld is out of range",
								(long long) customer),
						 errhint("Amounts average p * gamma / (q - 1); use a larger q or a smaller gamma.")));
				break;
		}
		for (i = 0; i < n_orders; i++)
		{
			Datum		values[3];
			bool		nulls[3] = {false, false, false};
			Numeric		amount = int64_div_fast_to_numeric(orders[i].cents, 2);

			values[0] = Int64GetDatum(customer);
			values[1] = TimestampTzGetDatum(orders[i].second * USECS_PER_SEC);
			values[2] = NumericGetDatum(amount);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			pfree(amount);
		}
	}
	pfree(orders);
	return (Datum) 0;
}

/*
 * Planner support for clv_sample_orders: when the number of customers is a
 * constant, the row estimate is that many times the orders per customer of
 * the default parameters (0 for NULL, the function being STRICT); otherwise
 * the function's ROWS stands.
 */
Datum
clv_sample_orders_support(PG_FUNCTION_ARGS)
{
	Node	   *request = (Node *) PG_GETARG_POINTER(0);
	SupportRequestRows *rows_request;
	Node	   *customers;

	if (!IsA(request, SupportRequestRows))
		PG_RETURN_POINTER(NULL);
	rows_request = (SupportRequestRows *) request;
	if (!is_funcclause(rows_request->node))
		PG_RETURN_POINTER(NULL);
	customers = linitial(((FuncExpr *) rows_request->node)->args);
	if (!IsA(customers, Const))
		PG_RETURN_POINTER(NULL);
	if (((Const *) customers)->constisnull)
		rows_request->rows = 0; /* STRICT: no rows */
	else
		rows_request->rows = Max(DatumGetInt32(((Const *) customers)->constvalue), 0) *
			CLV_SAMPLE_DEFAULT_ORDERS_PER_CUSTOMER;
	PG_RETURN_POINTER(rows_request);
}
