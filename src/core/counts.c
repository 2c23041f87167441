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
 * Pareto/NBD P(X(t) = n).  With c = r + s + n + 1 and, for alpha >= beta,
 * M = alpha, b2 = s + 1, D = alpha - beta (else M = beta, b2 = r + n,
 * D = beta - alpha), the "died by t" part is
 *   s beta^s alpha^r Gamma(r+n) / (Gamma(r) Gamma(c))
 *   [Gamma(r+s) M^-(r+s) 2F1(r+s, b2; c; D/M)
 *    - sum over i = 0..n of Gamma(r+s+i) / i! t^i (M+t)^-(r+s+i)
 *      2F1(r+s+i, b2; c; D/(M+t))],
 * all in logarithms; rounding can leave the bracket a hair below zero,
 * which is a zero.
 */
double
clv_pnbd_pmf(const double *param, double t, double n)
{
	double		r = param[0],
				alpha = param[1],
				s = param[2],
				beta = param[3];
	double		c = r + s + n + 1;
	bool		alpha_big = alpha >= beta;
	double		big = alpha_big ? alpha : beta,
				b2 = alpha_big ? s + 1 : r + n,
				gap = fabs(alpha - beta);
	double		log_nb,
				alive,
				log_whole,
				log_tail = -INFINITY,
				log_prefix,
				i;

	if (!(n >= 0))
		return 0.0;
	if (t == 0)
		return n == 0 ? 1.0 : 0.0;
	if (gap / big > CLV_PNBD_PMF_MAX_Z)
		return NAN;
	log_nb = lgamma(r + n) - lgamma(r) - lgamma(n + 1) + log_nb0(r, alpha, t) +
		(n > 0 ? n * log(t / (alpha + t)) : 0.0);
	alive = exp(log_nb - s * log1p(t / beta));

	log_whole = lgamma(r + s) - (r + s) * log(big) +
		clv_special_log_hyp2f1_positive(r + s, b2, c, gap / big);
	for (i = 0; i <= n; i++)
		log_tail = clv_special_logsumexp(log_tail,
										 lgamma(r + s + i) - lgamma(i + 1) +
										 (i > 0 ? i * log(t) : 0.0) -
										 (r + s + i) * log(big + t) +
										 clv_special_log_hyp2f1_positive(r + s + i, b2, c,
																		 gap / (big + t)));
	if (isnan(log_whole) || isnan(log_tail))
		return NAN;
	if (log_whole <= log_tail)
		return alive;
	log_prefix = log(s) + s * log(beta) + r * log(alpha) + lgamma(r + n) -
		lgamma(r) - lgamma(c);
	/*
	 * the difference of two nearly equal logs can leave the sum a few
	 * rounding errors above 1 (3.7e-9 for t of 1e4): no probability is
	 */
	return fmin(1.0, alive + exp(log_prefix + clv_special_logdiffexp(log_whole, log_tail)));
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
