/*
 * value.h -- the model-based customer value: the discounted expected
 * purchases of a purchase model (BG/NBD, Pareto/NBD) times the expected
 * spend per purchase of Gamma-Gamma.
 */
#ifndef CLV_VALUE_H
#define CLV_VALUE_H

#include "model.h"

/*
 * A purchase model's expectation given alive at each of nhorizons horizons,
 * as clv_bgnbd_purchases_if_alive_horizons.
 */
typedef void (*ClvPurchasesIfAlive) (const double *param,
									 const double *horizons, int nhorizons,
									 double x, double t, double *if_alive);

/*
 * The discounted purchases of the next months months of a customer alive
 * now, with x repeat purchases at age t: the sum over i = 1 .. months of
 * (A(i month) - A((i - 1) month)) / (1 + discount)^i, A being if_alive and
 * month_length a month in the model's time unit.  A customer's value is
 * this times P(alive) times the expected spend per purchase.  The months
 * are evaluated a year at a time (if_alive's horizons share their work);
 * interrupt (may be NULL) is called once per year.
 */
extern double clv_discounted_purchases(ClvPurchasesIfAlive if_alive,
									   const double *param, double x,
									   double t, int months,
									   double month_length, double discount,
									   ClvInterrupt interrupt,
									   void *interrupt_arg);

#endif							/* CLV_VALUE_H */
