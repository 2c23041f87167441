/*
 * value.c -- the model-based customer value (see value.h).
 */
#include "value.h"

#include <math.h>

/* The discounted purchases of the next months months, given alive. */
double
clv_discounted_purchases(ClvPurchasesIfAlive if_alive, const double *param,
						 double x, double t, int months, double month_length,
						 double discount, ClvInterrupt interrupt,
						 void *interrupt_arg)
{
	double		value = 0.0,
				before = 0.0;
	int			i;

	for (i = 1; i <= months; i++)
	{
		double		upto;

		if (interrupt)
			interrupt(interrupt_arg);
		upto = if_alive(param, i * month_length, x, t);
		value += (upto - before) / pow(1.0 + discount, i);
		before = upto;
	}
	return value;
}
