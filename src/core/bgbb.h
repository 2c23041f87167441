/*
 * bgbb.h -- the beta-geometric/beta-Bernoulli (BG/BB) model of Fader,
 * Hardie and Shang (2010) for discrete transaction opportunities (yearly
 * donations, events, seasons): while alive a customer transacts at each
 * opportunity with probability p ~ Beta(alpha, beta), and at the start of
 * each opportunity it dies with probability theta ~ Beta(gamma, delta).
 * param is {alpha, beta, gamma, delta}.
 *
 * A customer's history over n opportunities after its first transaction
 * is x transactions, the last at opportunity t_x (t_x = 0 when x = 0).
 */
#ifndef CLV_BGBB_H
#define CLV_BGBB_H

#include "mle.h"

/*
 * Largest number of opportunities a row or a prediction may have: every
 * evaluation costs O(opportunities) at most, so this bounds the work.
 */
#define CLV_BGBB_MAX_OPPORTUNITIES 1000000

/* A distinct (x, t_x, n) history and how many customers have it. */
typedef struct ClvBgbbRow
{
	double		x;				/* transactions, integer, 0 <= x <= t_x */
	double		t_x;			/* opportunity of the last one, t_x <= n */
	double		n;				/* opportunities, <= CLV_BGBB_MAX_OPPORTUNITIES */
	double		count;			/* customers with this history, >= 0 */
} ClvBgbbRow;

/* Why a row breaks the input rules (a message), or NULL when it is valid. */
extern const char *clv_bgbb_row_problem(const ClvBgbbRow *row);

/*
 * The log-likelihood of rows (valid) at param, gradient in log-parameters
 * into grad_log when not NULL.  A customer's likelihood is
 *   B(alpha+x, beta+n-x) / B(alpha, beta) B(gamma, delta+n) / B(gamma, delta)
 *   + sum over i = 0 .. n-t_x-1 of B(alpha+x, beta+t_x-x+i) / B(alpha, beta)
 *     B(gamma+1, delta+t_x+i) / B(gamma, delta);
 * the sum is extended row by row while consecutive rows share (x, t_x)
 * with n not decreasing, so rows sorted by (x, t_x, n) cost
 * O(rows + distinct (x, t_x) x largest n) and any order at most
 * O(rows x largest n).
 */
extern double clv_bgbb_ll(const double *param, const ClvBgbbRow *rows,
						  size_t nrows, double *grad_log);

/*
 * Fits the model by maximum likelihood from all parameters 1; converged
 * is false when nobody transacted again or nobody had two opportunities
 * (the model is then not identified) or the optimiser failed.
 */
extern void clv_bgbb_fit(const ClvBgbbRow *rows, size_t nrows,
						 ClvInterrupt interrupt, void *interrupt_arg,
						 ClvModelFit *fit);

/*
 * Standard errors, Wald bounds, AIC and BIC of a BG/BB fit at param over rows
 * (clv_mle_inference; n of BIC the customers of rows).
 */
extern void clv_bgbb_inference(const double *param, const ClvBgbbRow *rows,
							  size_t nrows, ClvInterrupt interrupt,
							  void *interrupt_arg, ClvInference *inference);

/* Customers in rows: the sum of their counts (the n of BIC). */
extern double clv_bgbb_customers(const ClvBgbbRow *rows, size_t nrows);

/*
 * P(alive at opportunity n + m | x, t_x, n), m >= 0 (lifetimes'
 * conditional_probability_alive(m, ...); m = 1 is the paper's P(alive at
 * n + 1)).
 */
extern double clv_bgbb_p_alive(const double *param, double m, double x,
							   double t_x, double n);

/*
 * E[transactions in opportunities n+1 .. n+nstar | x, t_x, n]: P(alive at
 * n) times a new customer's expectation with the posterior parameters
 * (alpha + x, beta + n - x, gamma, delta + n); eq. 13 of the paper.
 */
extern double clv_bgbb_expected_transactions(const double *param,
											 double nstar, double x,
											 double t_x, double n);

/*
 * E[X(n)], a new customer's transactions in its first n opportunities:
 * alpha / (alpha + beta) delta / (gamma - 1)
 * [1 - Gamma(gamma + delta) Gamma(1 + delta + n) /
 * (Gamma(gamma + delta + n) Gamma(1 + delta))] (eq. 8), its limit at
 * gamma = 1 included.
 */
extern double clv_bgbb_unconditional_transactions(const double *param,
												  double n);

/*
 * P(X(n) = x) for a new customer, 0 <= x <= n (eq. 7); O(n).
 */
extern double clv_bgbb_pmf(const double *param, double n, double x);

/*
 * P(X(n, n + nstar) = xstar | x, t_x, n): transactions in the next nstar
 * opportunities; [xstar = 0] (1 - P(alive at n)) + P(alive at n) times a
 * new customer's P(X(nstar) = xstar) at the posterior parameters.
 */
extern double clv_bgbb_conditional_pmf(const double *param, double nstar,
									   double xstar, double x, double t_x,
									   double n);

#endif							/* CLV_BGBB_H */
