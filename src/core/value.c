/*
 * value.c -- the model-based customer value (see value.h).
 */
#include "value.h"

#include <math.h>

/* The months whose expectations are taken in one call of if_alive. */
#define MONTHS_PER_CALL 12

/* The discounted purchases of the next months months, given alive. */
double
clv_discounted_purchases(ClvPurchasesIfAlive if_alive, const double *param,
						 double x, double t, int months, double month_length,
						 double discount, ClvInterrupt interrupt,
						 void *interrupt_arg)
{
	double		value = 0.0,
				before = 0.0;
	int			first;

	for (first = 1; first <= months; first += MONTHS_PER_CALL)
	{
		int			n = months - first + 1 < MONTHS_PER_CALL ?
			months - first + 1 : MONTHS_PER_CALL;
		double		horizon[MONTHS_PER_CALL],
					upto[MONTHS_PER_CALL];
		int			i;

		if (interrupt)
			interrupt(interrupt_arg);
		for (i = 0; i < n; i++)
			horizon[i] = (first + i) * month_length;
		if_alive(param, horizon, n, x, t, upto);
		for (i = 0; i < n; i++)
		{
			value += (upto[i] - before) / pow(1.0 + discount, first + i);
			before = upto[i];
		}
	}
	return value;
}
