/*
 * counts.c -- P(X(t) = n) of the purchase models (see counts.h).
 *
 * The beta-geometric family (BG/NBD, MBG/NBD) shares one formula in the
 * number k = n + shift of dropout chances survived; every conditional
 * distribution is a mixture of "dead now" and a new customer of the
 * posterior process.
 */
#include "counts.h"

#include <math.h>

#include "bgnbd.h"
#include "mbgnbd.h"
#include "pareto_nbd.h"
#include "special.h"

/*
 * log NB(j) at t > 0 for j = 0, and its successive ratios: the
 * negative binomial of a gamma(r, alpha) mixture of Poisson counts.
 */
static double
log_nb0(double r, double alpha, double t)
{
	return -r * log1p(t / alpha);
}

/* P(X(t) = n) of the beta-geometric family with dropout shift. */
static double
bg_family_pmf(const double *param, double shift, double t, double n)
{
	double		r = param[0],
				alpha = param[1],
				a = param[2],
				b = param[3];
	double		k = n + shift;
	double		q,
				log_nb,
				below = 0.0,
				nb_j,
				j,
				result;

	if (!(n >= 0))
		return 0.0;
	if (t == 0)
	{
		/* nothing bought yet: X = 0 for sure */
		return n == 0 ? 1.0 : 0.0;
	}
	q = t / (alpha + t);
	/* the CDF below n, summed from NB(0) by the term ratios */
	nb_j = exp(log_nb0(r, alpha, t));
	for (j = 0; j < n; j++)
	{
		below += nb_j;
		nb_j *= (r + j) / (j + 1) * q;
	}
	log_nb = lgamma(r + n) - lgamma(r) - lgamma(n + 1) + log_nb0(r, alpha, t) +
		(n > 0 ? n * log(q) : 0.0);
	result = exp(clv_special_lbeta_ratio(a, b, 0, k) + log_nb);
	if (k > 0)
		result += exp(clv_special_lbeta_ratio(a, b, 1, k - 1)) * fmax(0.0, 1.0 - below);
	return result;
}

/*
 * The 2F1 series of the Pareto/NBD form need about 37 / (1 - z) terms;
 * beyond this z (alpha and beta more than 1e4 apart) the probability is
 * NaN rather than up to n + 2 series of millions of terms.
 */
#define CLV_PNBD_PMF_MAX_Z (1.0 - 1e-4)

/* BG/NBD P(X(t) = n). */
double
clv_bgnbd_pmf(const double *param, double t, double n)
{
	return bg_family_pmf(param, 0.0, t, n);
}

/* MBG/NBD P(X(t) = n). */
double
clv_mbgnbd_pmf(const double *param, double t, double n)
{
	return bg_family_pmf(param, 1.0, t, n);
}

/*
 * log of the i-th term of the Pareto/NBD "died by t" sum (below) at time t,
 * without its factor s (r)_n.  With M = max(alpha, beta), m the other, and
 * c = r + s + n + 1, the term of the likelihood's form,
 *   (beta/(M+t))^s (alpha/(M+t))^r (t/(M+t))^i / (i! (r+s+i)_(n+1-i))
 *   2F1(r+s+i, b; c; |alpha-beta|/(M+t))
 * with b = s + 1 for alpha >= beta and r + n otherwise, is taken through
 * Euler's transformation, 2F1 = ((m+t)/(M+t))^(c-r-s-i-b)
 * 2F1(n+1-i, c-b; c; .), so that the powers of s and of 2F1's series,
 * hundreds of thousands in size for large s, cancel before any rounding.
 */
static double
pnbd_died_log_term(const double *param, double n, double i, double t)
{
	double		r = param[0],
				alpha = param[1],
				s = param[2],
				beta = param[3];
	bool		alpha_big = alpha >= beta;
	double		big = alpha_big ? alpha : beta,
				small = alpha_big ? beta : alpha,
				c = r + s + n + 1,
				c_minus_b = alpha_big ? r + n : s + 1,
				power = alpha_big ? n - i : 1 - i;

	return -s * log1p(t / beta) - r * log1p(t / alpha) +
		(i > 0 ? i * log(t / (big + t)) : 0.0) +
		(power != 0 ? power * log((small + t) / (big + t)) : 0.0) -
		lgamma(i + 1) - clv_special_lgamma_ratio(r + s + i, n + 1 - i) +
		clv_special_log_hyp2f1_positive(n + 1 - i, c_minus_b, c,
										fabs(alpha - beta) / (big + t));
}

/*
 * Pareto/NBD P(X(t) = n): alive at t with n purchases, plus died by t
 * after n purchases, which is s (r)_n times the difference of the term at
 * t = 0 and the sum of the terms i = 0..n at t (pnbd_died_log_term).
 * Rounding can leave that difference a hair below zero, which is a zero.
 */
double
clv_pnbd_pmf(const double *param, double t, double n)
{
	double		r = param[0],
				alpha = param[1],
				s = param[2],
				beta = param[3];
	double		gap = fabs(alpha - beta),
				big = fmax(alpha, beta);
	double		log_nb,
				alive,
				log_whole,
				log_tail = -INFINITY,
				i;

	if (!(n >= 0))
		return 0.0;
	if (t == 0)
		return n == 0 ? 1.0 : 0.0;
	if (gap / big > CLV_PNBD_PMF_MAX_Z)
		return NAN;
	log_nb = clv_special_lgamma_ratio(r, n) - lgamma(n + 1) + log_nb0(r, alpha, t) +
		(n > 0 ? n * log(t / (alpha + t)) : 0.0);
	alive = exp(log_nb - s * log1p(t / beta));

	log_whole = pnbd_died_log_term(param, n, 0, 0);
	for (i = 0; i <= n; i++)
		log_tail = clv_special_logsumexp(log_tail, pnbd_died_log_term(param, n, i, t));
	if (isnan(log_whole) || isnan(log_tail))
		return NAN;
	if (log_whole <= log_tail)
		return alive;
	/* what rounding is left can still put the sum a hair above 1 */
	return fmin(1.0, alive + exp(log(s) + clv_special_lgamma_ratio(r, n) +
								 clv_special_logdiffexp(log_whole, log_tail)));
}

/* A model's P(alive) and new-customer P(X(t) = n). */
typedef double (*PAlive) (const double *param, double x, double t_x, double t);
typedef double (*NewPmf) (const double *param, double t, double n);

/* [n = 0] (1 - pa) + pa P_new(X(horizon) = n) at the posterior parameters. */
static double
mixture_pmf(PAlive p_alive, NewPmf pmf, const double *param,
			const double *posterior, double horizon, double n, double x,
			double t_x, double t)
{
	double		alive = p_alive(param, x, t_x, t);

	return (n == 0 ? 1.0 - alive : 0.0) + alive * pmf(posterior, horizon, n);
}

/* BG/NBD P(X(t, t + horizon) = n | x, t_x, t). */
double
clv_bgnbd_conditional_pmf(const double *param, double horizon, double n,
						  double x, double t_x, double t)
{
	double		posterior[4] = {param[0] + x, param[1] + t, param[2], param[3] + x};

	return mixture_pmf(clv_bgnbd_p_alive, clv_bgnbd_pmf, param, posterior,
					   horizon, n, x, t_x, t);
}

/* MBG/NBD P(X(t, t + horizon) = n | x, t_x, t). */
double
clv_mbgnbd_conditional_pmf(const double *param, double horizon, double n,
						   double x, double t_x, double t)
{
	double		posterior[4] = {param[0] + x, param[1] + t, param[2],
	param[3] + x + 1};

	return mixture_pmf(clv_mbgnbd_p_alive, clv_bgnbd_pmf, param, posterior,
					   horizon, n, x, t_x, t);
}

/* Pareto/NBD P(X(t, t + horizon) = n | x, t_x, t). */
double
clv_pnbd_conditional_pmf(const double *param, double horizon, double n,
						 double x, double t_x, double t)
{
	double		posterior[4] = {param[0] + x, param[1] + t, param[2],
	param[3] + t};

	return mixture_pmf(clv_pnbd_p_alive, clv_pnbd_pmf, param, posterior,
					   horizon, n, x, t_x, t);
}
