/*
 * special.h -- special functions the probabilistic models need: digamma,
 * log-sum-exp helpers and the Gauss hypergeometric function 2F1 on [0, 1).
 *
 * Plain C99 + libm, no PostgreSQL headers.
 */
#ifndef CLV_SPECIAL_H
#define CLV_SPECIAL_H

/* log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b), for a, b > 0. */
extern double clv_special_lbeta(double a, double b);

/* The digamma function psi(x) = d/dx lgamma(x), for x > 0. */
extern double clv_special_digamma(double x);

/* The trigamma function psi'(x) = d/dx digamma(x), for x > 0. */
extern double clv_special_trigamma(double x);

/* log(exp(u) + exp(v)) without overflow; -INFINITY terms are allowed. */
extern double clv_special_logsumexp(double u, double v);

/* log(exp(u) - exp(v)) for u >= v; -INFINITY when they are equal. */
extern double clv_special_logdiffexp(double u, double v);

/*
 * c (2F1(a, b; c; z) - 1) for the Gauss hypergeometric function, for
 * 0 <= z < 1 and c > -1: the product has a finite limit at c = 0 and
 * continues to -1 < c < 0, which the BG/NBD expectation needs when
 * a + b < 1, and leaving out the leading 1 lets the caller subtract it
 * without cancellation.  By the power series, after Euler's transformation
 * 2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z) when that
 * makes the terms smaller.  NaN when the series does not converge in the
 * iteration budget or its terms cancel to fewer than 8 significant digits.
 */
extern double clv_special_hyp2f1_tail_times_c(double a, double b, double c,
											  double z);

/* Term ratios a ClvHyp2f1TailShared keeps. */
#define CLV_HYP2F1_TAIL_SHARED_TERMS 256

/*
 * The parts of the term ratios of clv_special_hyp2f1_tail_times_c's series
 * that do not depend on z (the divisions), kept for evaluations at many z
 * with the same a, b and c, as the BG/NBD expectation makes for the
 * horizons of one customer.
 */
typedef struct ClvHyp2f1TailShared
{
	double		a;				/* the a, b and c of the series summed */
	double		b;
	double		c;
	int			terms;			/* parts kept, of the ratios n = 1 .. terms */
	double		part[CLV_HYP2F1_TAIL_SHARED_TERMS];
} ClvHyp2f1TailShared;

/* Empties shared: it keeps nothing. */
extern void clv_special_hyp2f1_tail_shared_reset(ClvHyp2f1TailShared *shared);

/*
 * clv_special_hyp2f1_tail_times_c, to the bit, taking and keeping in shared
 * (when not NULL) the parts of the term ratios that do not depend on z;
 * shared forgets what it kept for another series.
 */
extern double clv_special_hyp2f1_tail_times_c_shared(double a, double b,
													 double c, double z,
													 ClvHyp2f1TailShared *shared);

/*
 * log 2F1(a, b; c; z) for a, b, c > 0 and 0 <= z < 1, by its series of
 * positive terms (no cancellation; values beyond a double stay finite).
 * NaN when the series does not converge in the iteration budget.
 */
extern double clv_special_log_hyp2f1_positive(double a, double b, double c,
											  double z);

/*
 * log 2F1(1, b; c; z) for c > 0 and 0 <= z < 1; w must be 1 - z, computed
 * by the caller without cancellation (z close to 1 is the hard case).  The
 * Pareto/NBD likelihood needs log 2F1(a, b'; a + 1; z), which may be far
 * beyond the range of a double (thousands of purchases); by Euler's
 * transformation it is (1 - b') log w plus this with b = a + 1 - b' and
 * c = a + 1, a moderate number.  When grad is not NULL it also stores the
 * partial derivatives in b, c and z there.  limit bounds the work: no
 * method sums more than limit terms or takes more than limit steps
 * (CLV_HYP2F1_MAX_TERMS for the most accurate answer).  NaN when no method
 * converges within it.
 */
extern double clv_special_log_hyp2f1_one(double b, double c, double z,
										 double w, long limit, double *grad);

/* Terms and steps of the 2F1 methods a ClvHyp2f1Shared keeps. */
#define CLV_HYP2F1_SHARED_TERMS 256

/*
 * The parts of the terms of clv_special_log_hyp2f1_one's power series and
 * of the steps of its continued fraction that depend on b and c only (the
 * divisions among them), kept for evaluations at many z with the same b
 * and c, as the Pareto/NBD likelihood makes for the pairs of one x.
 */
typedef struct ClvHyp2f1Shared
{
	double		b;				/* the b and c of the parts kept */
	double		c;
	int			series_terms;	/* parts kept of the series, */
	int			fraction_steps; /* and of the continued fraction */
	double		series[CLV_HYP2F1_SHARED_TERMS][3];
	double		fraction[CLV_HYP2F1_SHARED_TERMS][10];
} ClvHyp2f1Shared;

/* Empties shared: it keeps nothing. */
extern void clv_special_hyp2f1_shared_reset(ClvHyp2f1Shared *shared);

/*
 * clv_special_log_hyp2f1_one, to the bit, taking and keeping in shared
 * (when not NULL) the parts of the terms that depend on b and c only;
 * shared forgets what it kept for another b or c.
 */
extern double clv_special_log_hyp2f1_one_shared(double b, double c, double z,
												double w, long limit,
												ClvHyp2f1Shared *shared,
												double *grad);

/* The largest limit of clv_special_log_hyp2f1_one: every method's budget. */
#define CLV_HYP2F1_MAX_TERMS 2000000

/*
 * Where clv_special_lgamma_ratio and clv_special_digamma_ratio take the
 * difference of asymptotic series: x at least this; below it they
 * subtract the two values (a caller may take lgamma(x) once for many k).
 */
#define CLV_SPECIAL_RATIO_SERIES_FROM 50.0

/*
 * lgamma(x + k) - lgamma(x) for x > 0, k >= 0, without the cancellation
 * of the two lgamma values: for x >= 50 by the difference of Stirling's
 * series, (x - 1/2) log1p(k / x) + k log(x + k) - k plus the series'
 * tails; below, where lgamma(x) is small, directly.
 */
extern double clv_special_lgamma_ratio(double x, double k);

/*
 * digamma(x + k) - digamma(x) for x > 0, k >= 0, without the cancellation
 * of the two values: for x >= 50 by the difference of the asymptotic
 * series, log1p(k / x) minus the difference of the series' tails; below
 * directly.
 */
extern double clv_special_digamma_ratio(double x, double k);

/*
 * log B(a + i, b + j) - log B(a, b) for a, b > 0 and i, j >= 0 (e.g. a
 * survival or retention probability of the beta-geometric models),
 * accurate to about 1e-15 (i + j) absolute for any a, b.
 */
extern double clv_special_lbeta_ratio(double a, double b, double i, double j);

#endif							/* CLV_SPECIAL_H */
