/*
 * counts.h -- the distribution of the number of purchases in a horizon
 * under the continuous-time purchase models: P(X(t) = n) for a new
 * customer, and P(X(t, t + horizon) = n | x, t_x, t) for a customer with
 * a history.  Population expectations E[X(t)] are the models' own
 * clv_*_unconditional_purchases.
 *
 * param as in bgnbd.h, mbgnbd.h and pareto_nbd.h; times in the model's
 * unit, t >= 0 and horizon >= 0; n a non-negative integer.  Each value is
 * a probability accurate to about 1e-14 absolute (tiny probabilities lose
 * relative precision); the work is O(n) (Pareto/NBD: n + 2 hypergeometric
 * series), so callers bound n.  NaN only for Pareto/NBD, when alpha and
 * beta are more than a factor 1e4 apart (its series would need millions
 * of terms) or a series does not converge.
 */
#ifndef CLV_COUNTS_H
#define CLV_COUNTS_H

/*
 * BG/NBD, Fader, Hardie and Lee (2005) eq. 8: P(X(t) = n) =
 * B(a, b+n) / B(a, b) NB(n) + [n > 0] B(a+1, b+n-1) / B(a, b)
 * (1 - sum over j < n of NB(j)), NB(j) = Gamma(r+j) / (Gamma(r) j!)
 * (alpha / (alpha+t))^r (t / (alpha+t))^j.
 */
extern double clv_bgnbd_pmf(const double *param, double t, double n);

/*
 * MBG/NBD: as BG/NBD with b + n + 1 for b + n (a dropout chance at the
 * first purchase too), so the second term is there for n = 0 as well.
 */
extern double clv_mbgnbd_pmf(const double *param, double t, double n);

/*
 * Pareto/NBD: P(alive at t) NB(n) plus the integral over the time of
 * death tau in [0, t] of NB(n) at tau, in the closed form of Fader and
 * Hardie's note on P(X(t) = x) (the integral over [0, inf) less its tail
 * over [t, inf), each a Gauss hypergeometric function).
 */
extern double clv_pnbd_pmf(const double *param, double t, double n);

/*
 * Given x, t_x, t: with P(alive at t) = pa, [n = 0] (1 - pa) + pa
 * P(X(horizon) = n) of a new customer of the posterior process: BG/NBD
 * (r + x, alpha + t, a, b + x) for BG/NBD, the same with b + x + 1 for
 * MBG/NBD (its future is BG/NBD's once alive), Pareto/NBD
 * (r + x, alpha + t, s, beta + t) for Pareto/NBD.
 */
extern double clv_bgnbd_conditional_pmf(const double *param, double horizon,
										double n, double x, double t_x,
										double t);
extern double clv_mbgnbd_conditional_pmf(const double *param, double horizon,
										 double n, double x, double t_x,
										 double t);
extern double clv_pnbd_conditional_pmf(const double *param, double horizon,
									   double n, double x, double t_x,
									   double t);

#endif							/* CLV_COUNTS_H */
