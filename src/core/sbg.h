/*
 * sbg.h -- the shifted-beta-geometric (sBG) model of contract duration
 * (Fader and Hardie 2007, "How to project customer retention"; the
 * discounted expected residual lifetime of Fader and Hardie 2010): each
 * customer renews at the end of every period with probability 1 - theta,
 * theta ~ Beta(alpha, beta) across customers.  param is {alpha, beta}.
 *
 * A customer's lifetime T is the period at whose end it churns (T >= 1):
 *   P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta),
 *   S(t) = P(T > t) = B(alpha, beta + t) / B(alpha, beta).
 */
#ifndef CLV_SBG_H
#define CLV_SBG_H

#include "mle.h"

/*
 * Customers observed for periods whole periods: churned at the end of
 * period periods (periods >= 1), or still active after it (periods >= 0).
 */
typedef struct ClvSbgRow
{
	double		periods;		/* a non-negative integer */
	bool		churned;
	double		count;			/* customers with this row, >= 0 */
} ClvSbgRow;

/*
 * The rows of a cohort whose survivor counts at the ends of periods
 * 0, 1, ..., nsurvivors - 1 are survivors[] (survivors[0] the cohort size):
 * survivors[t - 1] - survivors[t] churned at period t, and
 * survivors[nsurvivors - 1] active after nsurvivors - 1 periods.  Writes
 * nsurvivors rows to rows[] and returns their number, or -1 when the
 * counts are not finite, negative or increasing (nothing is written
 * then).  nsurvivors >= 1.
 */
extern int	clv_sbg_rows_from_survivors(const double *survivors,
										int nsurvivors, ClvSbgRow *rows);

/* Why a row breaks the input rules (a message), or NULL when it is valid. */
extern const char *clv_sbg_row_problem(const ClvSbgRow *row);

/*
 * The log-likelihood of rows (valid, see clv_sbg_row_problem) at param,
 * gradient in log-parameters into grad_log when not NULL.  O(1) per row.
 */
extern double clv_sbg_ll(const double *param, const ClvSbgRow *rows,
						 size_t nrows, double *grad_log);

/*
 * Fits the model by maximum likelihood from alpha = beta = 1; converged is
 * false when the data cannot identify both parameters (no customer
 * churned, or nobody was observed beyond the first period) or the
 * optimiser failed; the parameters are finite anyway.
 */
extern void clv_sbg_fit(const ClvSbgRow *rows, size_t nrows,
						ClvInterrupt interrupt, void *interrupt_arg,
						ClvModelFit *fit);

/*
 * Standard errors, Wald bounds, AIC and BIC of an sBG fit at param over rows
 * (clv_mle_inference; n of BIC the customers of rows).
 */
extern void clv_sbg_inference(const double *param, const ClvSbgRow *rows,
							  size_t nrows, ClvInterrupt interrupt,
							  void *interrupt_arg, ClvInference *inference);

/* Customers in rows: the sum of their counts (the n of BIC). */
extern double clv_sbg_customers(const ClvSbgRow *rows, size_t nrows);

/* P(T = t), the share of a new cohort that churns at the end of period t >= 1. */
extern double clv_sbg_churn_probability(const double *param, double t);

/* S(t), the share of a new cohort still active after t >= 0 periods. */
extern double clv_sbg_survival(const double *param, double t);

/*
 * The retention rate of period t >= 1, S(t) / S(t - 1) =
 * (beta + t - 1) / (alpha + beta + t - 1): it rises with t as the
 * cohort's churn-prone customers leave.
 */
extern double clv_sbg_retention_rate(const double *param, double t);

/*
 * The discounted expected residual lifetime (Fader and Hardie 2010) of a
 * customer active for periods >= 1 periods (periods - 1 renewals), at the
 * discount rate discount > 0 per period: the expected number of its
 * future renewals, the next one undiscounted and the k-th after it
 * discounted by (1 + discount)^k,
 *   sum over k >= 0 of S(periods + k) / S(periods - 1) / (1 + discount)^k
 *   = (beta + periods - 1) / (alpha + beta + periods - 1)
 *     2F1(1, beta + periods; alpha + beta + periods; 1 / (1 + discount)).
 * Times the payment per period it is the customer's residual value.  NaN
 * for discount <= 0 or when 2F1 does not converge.
 */
extern double clv_sbg_derl(const double *param, double periods,
						   double discount);

#endif							/* CLV_SBG_H */
