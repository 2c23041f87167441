/*
 * bgnbd.c -- the BG/NBD model: likelihood and gradient in the stable form
 * of Hardie's note (the two terms of the likelihood joined by log-sum-exp),
 * maximum likelihood over log-parameters, and the predictions.
 */
#include "bgnbd.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "inference.h"
#include "mle.h"
#include "optimize.h"
#include "quadrature.h"
#include "special.h"
#include "vecmath.h"

/*
 * The terms of one customer's likelihood that depend on x alone; k = x +
 * shift is the number of dropout chances the customer survived (BG/NBD:
 * shift 0, one after each repeat purchase; MBG/NBD: shift 1, one more at
 * the first purchase).
 */
typedef struct XTerms
{
	double		x;
	double		lgamma_part;	/* lgamma(r+x) - lgamma(r) + log B(a, b+k) - log B(a, b) */
	double		log_dropout;	/* log(a / (b + k - 1)), -inf for k = 0 */
	double		inv_b_k;		/* 1 / (b + k - 1), 0 for k = 0 */
	double		d_r;			/* d lgamma_part / dr */
	double		d_a;			/* d lgamma_part / da */
	double		d_b;			/* d lgamma_part / db */
	double		d2_r;			/* d2 lgamma_part / dr2 */
	double		d2_ab;			/* d2 / da2 = d2 / da db */
	double		d2_b;			/* d2 / db2 */
} XTerms;

/*
 * Computes the x-only terms at param; first derivatives only when
 * with_derivatives, second ones only when with_second too.
 */
static void
x_terms(const double *param, double x, double shift, bool with_derivatives,
		bool with_second, XTerms *terms)
{
	double		r = param[0],
				a = param[2],
				b = param[3];
	double		k = x + shift;

	terms->x = x;
	/* each ratio without the cancellation of lgamma's in the billions */
	terms->lgamma_part = clv_special_lgamma_ratio(r, x) +
		clv_special_lgamma_ratio(b, k) - clv_special_lgamma_ratio(a + b, k);
	/* b + (k - 1): k - 1 is exact, (b + k) - 1 would round a small b */
	terms->log_dropout = k > 0 ? log(a) - log(b + (k - 1)) : -INFINITY;
	terms->inv_b_k = k > 0 ? 1.0 / (b + (k - 1)) : 0.0;
	if (with_derivatives)
	{
		terms->d_r = clv_special_digamma_ratio(r, x);
		terms->d_a = -clv_special_digamma_ratio(a + b, k);
		terms->d_b = clv_special_digamma_ratio(b, k) + terms->d_a;
	}
	if (with_second)
	{
		terms->d2_r = clv_special_trigamma(r + x) - clv_special_trigamma(r);
		terms->d2_ab = clv_special_trigamma(a + b) - clv_special_trigamma(a + b + k);
		terms->d2_b = terms->d2_ab + clv_special_trigamma(b + k) -
			clv_special_trigamma(b);
	}
}

/*
 * Slots of the likelihood's memo of log(alpha + t) (a power of 2): a
 * million weekly summaries of two years hold some 730 distinct ages t.
 */
#define LOG_T_SLOTS 2048

/*
 * A memo of log(alpha + t) and 1 / (alpha + t) by t, direct-mapped; empty
 * slots hold t = NaN.
 */
typedef struct LogTMemo
{
	struct
	{
		double		t;
		double		log_alpha_t;
		double		inv_alpha_t;
	}			slot[LOG_T_SLOTS];
} LogTMemo;

/* log(alpha + t), and 1 / (alpha + t) in *inv, from memo when it holds t. */
static inline double
log_alpha_t_memo(LogTMemo *memo, double alpha, double t, double *inv)
{
	uint64_t	bits;
	size_t		slot;

	memcpy(&bits, &t, sizeof(bits));
	slot = (size_t) ((bits * UINT64_C(0x9E3779B97F4A7C15)) >> 53) & (LOG_T_SLOTS - 1);
	if (!(memo->slot[slot].t == t))
	{
		memo->slot[slot].t = t;
		memo->slot[slot].log_alpha_t = log(alpha + t);
		memo->slot[slot].inv_alpha_t = 1.0 / (alpha + t);
	}
	*inv = memo->slot[slot].inv_alpha_t;
	return memo->slot[slot].log_alpha_t;
}

/* Rows of the likelihood whose exponentials are taken together. */
#define LL_BLOCK 64

/*
 * Adds to h (the upper triangle of the Hessian in (r, alpha, a, b)) count
 * customers' second derivatives: of lgamma_part and r log(alpha), and of
 * the log-sum-exp of the alive term A = -(r + x) log(alpha + t) and the
 * dropout term D = log a - log(b + k - 1) - (r + x) log(alpha + t_x),
 * whose Hessian is (1 - w) A'' + w D'' + w (1 - w) (D' - A')(D' - A')^T,
 * w the dropout term's weight; log_gap is log(alpha + t) - log(alpha + t_x).
 */
static inline void
add_row_hessian(double h[][CLV_OPTIM_MAX_PARAMS], const double *param, const XTerms *xt,
				double count, double w, double log_gap, double inv_at,
				double inv_atx)
{
	double		r_x = param[0] + xt->x,
				inv_alpha = 1.0 / param[1],
				inv_a = 1.0 / param[2],
				inv_b_k = xt->inv_b_k,
				both = w * (1.0 - w);
	/* D' - A' in r and alpha (in a and b it is 1 / a and -1 / (b + k - 1)) */
	double		gap_r = log_gap,
				gap_alpha = -r_x * (inv_atx - inv_at);

	h[0][0] += count * (xt->d2_r + both * gap_r * gap_r);
	h[0][1] += count * (inv_alpha - (1.0 - w) * inv_at - w * inv_atx +
						both * gap_r * gap_alpha);
	h[0][2] += count * both * gap_r * inv_a;
	h[0][3] -= count * both * gap_r * inv_b_k;
	h[1][1] += count * (-param[0] * inv_alpha * inv_alpha +
						r_x * ((1.0 - w) * inv_at * inv_at + w * inv_atx * inv_atx) +
						both * gap_alpha * gap_alpha);
	h[1][2] += count * both * gap_alpha * inv_a;
	h[1][3] -= count * both * gap_alpha * inv_b_k;
	h[2][2] += count * (xt->d2_ab - w * w * inv_a * inv_a);
	h[2][3] += count * (xt->d2_ab - both * inv_a * inv_b_k);
	h[3][3] += count * (xt->d2_b + (w + both) * inv_b_k * inv_b_k);
}

/*
 * The log-likelihood of the beta-geometric family (shift 0 BG/NBD, 1
 * MBG/NBD), its gradient in log-parameters when grad_log is not NULL and
 * its Hessian in them when hess_log is not NULL too.  The terms of x alone and
 * log(alpha + t_x) are computed once per run of equal values: the rows
 * come sorted by x, then t_x (in another order the same values are only
 * computed more often); log(alpha + t) once per distinct t, but for
 * collisions in its memo.  Each row joins its alive and dropout terms by
 * log-sum-exp; the exponentials and logarithms of a block of rows are
 * taken together (src/core/vecmath.h).
 */
static double
bg_family_ll(const double *param, const ClvTxRow *rows, size_t nrows,
			 double shift, double *grad_log,
			 double hess_log[][CLV_OPTIM_MAX_PARAMS])
{
	double		r = param[0],
				alpha = param[1],
				a = param[2],
				b = param[3];
	double		log_alpha = log(alpha),
				r_over_alpha = r / alpha,
				inv_a = 1.0 / a;
	double		ll = 0.0,
				g_r = 0.0,
				g_alpha = 0.0,
				g_a = 0.0,
				g_b = 0.0;
	/* the Hessian in (r, alpha, a, b), upper triangle */
	double		h[4][CLV_OPTIM_MAX_PARAMS] = {{0}};
	XTerms		terms[LL_BLOCK + 1];
	int			nterms = 0;
	double		t_x = NAN,
				log_alpha_tx = NAN,
				inv_alpha_tx = NAN;
	LogTMemo	memo;
	size_t		i;

	for (i = 0; i < LOG_T_SLOTS; i++)
		memo.slot[i].t = NAN;

	for (i = 0; i < nrows; i += LL_BLOCK)
	{
		size_t		n = nrows - i < LL_BLOCK ? nrows - i : LL_BLOCK;
		const ClvTxRow *block = rows + i;
		unsigned char term_of[LL_BLOCK];
		double		log_at[LL_BLOCK],
					log_atx[LL_BLOCK],
					inv_at[LL_BLOCK],
					inv_atx[LL_BLOCK],
					larger[LL_BLOCK],
					ratio[LL_BLOCK],
					log1p_ratio[LL_BLOCK];
		bool		dropout_larger[LL_BLOCK];
		size_t		k;

		/* the last row's x terms start the block */
		if (nterms > 0)
		{
			terms[0] = terms[nterms - 1];
			nterms = 1;
		}
		for (k = 0; k < n; k++)
		{
			double		x = block[k].x;
			double		alive_term,
						dropout_term;

			if (nterms == 0 || x != terms[nterms - 1].x)
				x_terms(param, x, shift, grad_log != NULL, hess_log != NULL,
						&terms[nterms++]);
			term_of[k] = (unsigned char) (nterms - 1);
			if (!(block[k].t_x == t_x))
			{
				t_x = block[k].t_x;
				log_alpha_tx = log(alpha + t_x);
				inv_alpha_tx = 1.0 / (alpha + t_x);
			}
			log_at[k] = log_alpha_t_memo(&memo, alpha, block[k].t, &inv_at[k]);
			log_atx[k] = log_alpha_tx;
			inv_atx[k] = inv_alpha_tx;
			alive_term = -(r + x) * log_at[k];
			dropout_term = terms[nterms - 1].log_dropout - (r + x) * log_alpha_tx;
			dropout_larger[k] = !(alive_term > dropout_term);
			larger[k] = dropout_larger[k] ? dropout_term : alive_term;
			/* exp(smaller - larger), 0 when both are -inf */
			ratio[k] = larger[k] == -INFINITY ? -INFINITY :
				(dropout_larger[k] ? alive_term : dropout_term) - larger[k];
		}
		clv_vec_exp(ratio, ratio, n);
		clv_vec_log1p(ratio, log1p_ratio, n);
		for (k = 0; k < n; k++)
		{
			const XTerms *xt = &terms[term_of[k]];
			double		x = block[k].x;
			double		count = block[k].count;
			double		w_dropout = (dropout_larger[k] ? 1.0 : ratio[k]) / (1.0 + ratio[k]);

			ll += count * (xt->lgamma_part + r * log_alpha + larger[k] + log1p_ratio[k]);
			if (grad_log == NULL)
				continue;
			g_r += count * (xt->d_r + log_alpha -
							(1 - w_dropout) * log_at[k] - w_dropout * log_atx[k]);
			g_alpha += count * (r_over_alpha -
								(r + x) * ((1 - w_dropout) * inv_at[k] +
										   w_dropout * inv_atx[k]));
			g_a += count * (xt->d_a + w_dropout * inv_a);
			g_b += count * (xt->d_b - w_dropout * xt->inv_b_k);
			if (hess_log != NULL)
				add_row_hessian(h, param, xt, count, w_dropout, log_at[k] - log_atx[k],
								inv_at[k], inv_atx[k]);
		}
	}
	if (grad_log != NULL)
	{
		grad_log[0] = g_r * r;
		grad_log[1] = g_alpha * alpha;
		grad_log[2] = g_a * a;
		grad_log[3] = g_b * b;
	}
	if (hess_log != NULL)
		clv_mle_log_hessian(4, param, grad_log, h, hess_log);
	/* +inf is overflow at extreme parameters, never a likelihood */
	return ll < INFINITY ? ll : NAN;
}

/*
 * The log-likelihood of the beta-geometric family (shift 0 BG/NBD, 1
 * MBG/NBD), with its gradient in log-parameters into grad_log when not
 * NULL.
 */
double
clv_bg_family_ll(const double *param, const ClvTxRow *rows, size_t nrows,
				 double shift, double *grad_log)
{
	return bg_family_ll(param, rows, nrows, shift, grad_log, NULL);
}

/*
 * The same log-likelihood with its gradient and Hessian in log-parameters
 * (analytic: one pass over the rows instead of eight gradients).
 */
double
clv_bg_family_ll_hessian(const double *param, const ClvTxRow *rows,
						 size_t nrows, double shift, double *grad_log,
						 double hess_log[][CLV_OPTIM_MAX_PARAMS])
{
	return bg_family_ll(param, rows, nrows, shift, grad_log, hess_log);
}

/* Fits BG/NBD by maximum likelihood from r = alpha = a = b = 1. */
void
clv_bgnbd_fit(const ClvTxRow *rows, size_t nrows, ClvInterrupt interrupt,
			  void *interrupt_arg, ClvModelFit *fit)
{
	ClvTxData	data = {rows, nrows, 0.0, NULL};
	ClvLikelihood lik;

	clv_bg_family_likelihood(&data, &lik);
	clv_mle_fit(&lik, NULL, clv_model_has_repeats(rows, nrows), interrupt,
				interrupt_arg, fit);
}

/*
 * P(alive) = 1 / (1 + a / (b + x - 1) ((alpha + t) / (alpha + t_x))^(r + x)),
 * the power formed from log1p((t - t_x) / (alpha + t_x)): with alpha in the
 * billions the difference of two logarithms keeps few digits, and r + x
 * times it decides between 0 and 1.
 */
double
clv_bgnbd_p_alive(const double *param, double x, double t_x, double t)
{
	double		r = param[0],
				alpha = param[1],
				a = param[2],
				b = param[3];

	if (x == 0)
		return 1.0;
	return 1.0 / (1.0 + exp(log(a) - log(b + x - 1) +
							(r + x) * log1p((t - t_x) / (alpha + t_x))));
}

/* Term ratios a PfaffShared keeps. */
#define PFAFF_SHARED_TERMS 256

/*
 * The parts of the Pfaff series' term ratios that do not depend on zeta
 * (the divisions), kept for the horizons of one customer (whose r_x, a and
 * c are the same): for n = 1 .. terms, (r_x + n) / (c + n) and
 * (a + n - 1) / (n + 1).
 */
typedef struct PfaffShared
{
	int			terms;
	double		part[PFAFF_SHARED_TERMS][2];
} PfaffShared;

/* What the BG/NBD expectation's series keep for the horizons of one customer. */
typedef struct IfAliveShared
{
	PfaffShared pfaff;
	ClvHyp2f1TailShared tail;
} IfAliveShared;

/*
 * The ratio of term n + 1 to term n of the Pfaff series at zeta, its parts
 * without zeta taken from shared where kept there, else computed (and
 * kept, where shared has room for the next ones).
 */
static inline double
pfaff_term_ratio(PfaffShared *shared, double r_x, double a, double c,
				 double zeta, long n)
{
	double		rise,
				fall;

	if (n <= shared->terms)
		return -shared->part[n - 1][0] * (zeta * shared->part[n - 1][1]);
	rise = (r_x + n) / (c + n);
	fall = (a + n - 1) / (n + 1);
	if (n == shared->terms + 1 && n <= PFAFF_SHARED_TERMS)
	{
		shared->part[n - 1][0] = rise;
		shared->part[n - 1][1] = fall;
		shared->terms++;
	}
	return -rise * (zeta * fall);
}

/*
 * The expectation below by Pfaff's transformation:
 * (1 - z)^(r + x) 2F1(r + x, b + x; c; z) = 2F1(r + x, a - 1; c; -zeta)
 * with zeta = h / (alpha + t), so the bracket is a series in zeta whose
 * factor (a - 1) cancels against the formula's:
 *   E = c sum over n >= 1 of (-1)^(n+1) (r + x)_n (a)_(n-1) zeta^n / ((c)_n n!),
 * with c = a + b + x - 1 -- nothing subtracted but the alternating terms
 * (NaN when they cancel to fewer than 8 digits or do not converge), and no
 * singularity at a = 1.  It converges for zeta < 1; for larger zeta with
 * c far beyond zeta (r + x + a), its terms fall to nothing long before
 * they would grow again near n = c / zeta, and the sum up to there is the
 * function to within the smallest term (an asymptotic series): this is
 * E[(1 - (1 + p zeta)^-(r+x)) / p] for p ~ Beta(a, b + x), whose p is
 * about a / c.  Where the other forms subtract numbers of the size of c
 * (alpha far beyond the horizon, or b in the billions) it takes a few
 * terms.  The parts of its term ratios that do not depend on zeta come
 * from shared, which holds those of this r_x, a and c.
 */
static double
purchases_if_alive_pfaff(double r_x, double a, double c, double zeta,
						 PfaffShared *shared)
{
	double		term = r_x * zeta;
	double		sum = term,
				magnitude = fabs(term);
	long		n;

	for (n = 1; n < 100000 && term != 0.0; n++)
	{
		double		ratio = pfaff_term_ratio(shared, r_x, a, c, zeta, n);

		term *= ratio;
		sum += term;
		magnitude += fabs(term);
		if (fabs(ratio) < 1.0 &&
			fabs(term) * fabs(ratio) <= DBL_EPSILON * 0.5 * fabs(sum) * (1.0 - fabs(ratio)))
			break;
		if (!isfinite(magnitude))
			return NAN;
	}
	if (n == 100000 || magnitude > 1e8 * fabs(sum))
		return NAN;
	return sum;
}

/*
 * E[Y(h) | x, t, alive] = (a + b + x - 1) / (a - 1)
 *   (1 - ((alpha + t) / (alpha + t + h))^(r + x)
 *        2F1(r + x, b + x; a + b + x - 1; h / (alpha + t + h))),
 * which times P(alive) is E[Y(h) | x, t_x, t]; for h / (alpha + t) < 1/2
 * summed by purchases_if_alive_pfaff, else with Euler's transformation
 * folded in:
 * ((alpha + t) / (alpha + t + h))^(r + x) 2F1(...) =
 * (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z), whose series
 * converges fast even for thousands of purchases.  With L = (a - 1)
 * log(1 - z) and c = a + b + x - 1 the bracket times c is
 * -c expm1(L) - exp(L) c (2F1 - 1): no subtraction of nearly equal numbers
 * (the result is about r times smaller than c), and c multiplied into 2F1
 * (clv_special_hyp2f1_tail_times_c) covers x = 0 with a + b < 1, where
 * c <= 0.  The transformed series
 * has terms of both signs; when they cancel (large r and z close to 1) and
 * c > 0, the untransformed form, all of whose terms are positive, is
 * summed in logarithms instead.  Both lose digits in proportion to
 * 1 / (a - 1), where the formula is 0/0: within A_NEAR_ONE of a = 1 the
 * expectation is clv_bgnbd_purchases_if_alive_integral instead.
 */
#define A_NEAR_ONE 1e-2

/*
 * Beyond a = 1, the closed form's two terms may also cancel (tiny r with
 * b in the hundred thousands lost three digits): when they cancel to
 * 1 / MAX_CANCELLATION of their size, or the closed form fails, the
 * integral is taken instead, for a up to INTEGRAL_MAX_A (its integrand is
 * a peak about 1 / sqrt(min(a, b + x)) wide; it is tested up to there).
 */
#define MAX_CANCELLATION 1e3
#define INTEGRAL_MAX_A 100.0

/*
 * Both series divide by c + 1 = a + b + x, formed from c = a + b + x - 1:
 * for x = 0 and a + b below C_PLUS_ONE_MIN that keeps only the digits of
 * a + b that survive the rounding of 1 (a + b = 8e-16 came out 2.6% off,
 * and the expectation 5%), so there the integral is taken instead.
 */
#define C_PLUS_ONE_MIN 1e-6

static double
purchases_if_alive_at(const double *param, double horizon, double x, double t,
					  ClvHyp2f1TailShared *shared, double *cancellation)
{
	double		r = param[0],
				alpha = param[1],
				a = param[2],
				b = param[3];
	double		z,
				c,
				log_factor,
				c_power,
				c_bracket;

	z = horizon / (alpha + t + horizon);
	c = a + b + x - 1;
	log_factor = (a - 1) * log1p(-z);
	c_power = c * expm1(log_factor);
	c_bracket = -c_power - exp(log_factor) *
		clv_special_hyp2f1_tail_times_c_shared(a + b - 1 - r, a - 1, c, z, shared);
	*cancellation = fabs(c_power / c_bracket);
	if (isnan(c_bracket) && c > 0)
	{
		double		log_power = (r + x) * log1p(-z);
		double		log_series = clv_special_log_hyp2f1_positive(r + x, b + x, c, z);
		double		exponent = log_power + log_series;

		c_bracket = -c * expm1(exponent);

		/*
		 * the exponent's rounding (the series' log of a sum near 1 among
		 * it) relative to the exponent: with r + x of 1e-20 the series'
		 * part of it was lost entirely, the result 3.3 times too large
		 */
		*cancellation = (fabs(log_power) + fabs(log_series) + 1.0) / fabs(exponent);
	}
	return c_bracket / (a - 1);
}

/*
 * The expectation above as E[(1 - (1 + p zeta)^-(r + x)) / p] over the
 * dropout probability p ~ Beta(a, b + x), zeta = h / (alpha + t): given p
 * and the purchase rate, a customer alive at t buys (1 - exp(-rate p h))
 * / p times in expectation, and the rate is Gamma(r + x, alpha + t).  The
 * integrand is positive and bounded, so the integral has no cancellation
 * and no singularity at a = 1.  It is taken in s = -log p on p < 1/2 and
 * in v = -log(1 - p) on p > 1/2, where the integrands vary on a scale of 1
 * (around s = log(b + x), where the beta density rises, and s =
 * log((r + x) zeta), where the customer's expected purchases stop growing
 * with 1/p); beyond 40 units past both the rest is taken in closed form.
 */
typedef struct PurchasesIntegral
{
	double		log_r_x;		/* log(r + x) */
	double		b_x;			/* b + x */
	double		a;
	double		log_zeta;		/* log(h / (alpha + t)) */
	double		log_norm;		/* -log B(a, b + x) */
} PurchasesIntegral;

#define PURCHASES_TAIL 40.0

/*
 * log(1 - (1 + u)^-(r + x)) for u = exp(log_u), without underflow where u
 * or the result is beyond the range of a double (alpha or b near 1e300).
 */
static double
log_purchase_share(double log_u, double log_r_x)
{
	/* log((r + x) log1p(u)); log1p(u) = u to a relative 1e-13 below e^-30 */
	double		log_y = log_r_x + (log_u > -30.0 ? log(log1p(exp(log_u))) : log_u);

	/* 1 - exp(-y) = y (1 - y / 2 + ...) */
	if (log_y < -30.0)
		return log_y;
	return log(-expm1(-exp(log_y)));
}

/* The integrand on p < 1/2, in s = -log p. */
static double
purchases_integrand_small_p(double s, const void *arg)
{
	const PurchasesIntegral *in = arg;

	return exp(log_purchase_share(in->log_zeta - s, in->log_r_x) -
			   (in->a - 1) * s + (in->b_x - 1) * log1p(-exp(-s)) + in->log_norm);
}

/* The integrand on p > 1/2, in v = -log(1 - p). */
static double
purchases_integrand_large_p(double v, const void *arg)
{
	const PurchasesIntegral *in = arg;
	double		log_p = log1p(-exp(-v));

	return exp(log_purchase_share(in->log_zeta + log_p, in->log_r_x) - log_p +
			   (in->a - 1) * log_p - in->b_x * v + in->log_norm);
}

double
clv_bgnbd_purchases_if_alive_integral(const double *param, double horizon,
									  double x, double t)
{
	PurchasesIntegral in;
	double		s_low,
				s_high,
				v_high,
				panel,
				noise,
				small_p,
				large_p;

	in.log_r_x = log(param[0] + x);
	in.b_x = param[3] + x;
	in.a = param[2];
	in.log_zeta = log(horizon) - log(param[1] + t);
	in.log_norm = clv_special_lgamma_ratio(fmax(in.a, in.b_x), fmin(in.a, in.b_x)) -
		lgamma(fmin(in.a, in.b_x));

	/*
	 * below log((b + x) / max(a, 1)) - 4 the integrand is below exp(-49) of
	 * its peak; beyond s_high it is (r + x) zeta p p^(a - 1) / B(a, b + x)
	 * to within a relative exp(-PURCHASES_TAIL)
	 */
	s_low = fmax(log(2.0), log(in.b_x / fmax(1.0, in.a)) - 4.0);
	s_high = fmax(s_low, fmax(in.log_r_x + in.log_zeta, log(in.b_x))) + PURCHASES_TAIL;
	panel = 4.0 / sqrt(fmax(1.0, fmin(in.a, in.b_x)));
	/* the integrands are exp() of sums of about log_norm's size */
	noise = DBL_EPSILON * fabs(in.log_norm);
	small_p = clv_quadrature_positive(purchases_integrand_small_p, &in,
									  s_low, s_high, panel, 1e-12, 0.0, noise) +
		exp(in.log_r_x + in.log_zeta - in.a * s_high + in.log_norm - log(in.a));

	/*
	 * beyond v_high, where q^(b + x) < exp(-PURCHASES_TAIL) if b + x > 1 and
	 * the rest of the integrand is its value at q = 0 to within a relative
	 * exp(-PURCHASES_TAIL): (1 - (1 + zeta)^-(r + x)) q^(b + x - 1) / B(a, b
	 * + x)
	 */
	v_high = fmax(log(2.0), fmax(0.0, fmax(log(in.a), in.log_r_x + in.log_zeta -
										   log1p(exp(in.log_zeta)))) +
				  PURCHASES_TAIL / fmax(1.0, in.b_x));
	large_p = clv_quadrature_positive(purchases_integrand_large_p, &in,
									  log(2.0), v_high, panel, 1e-12, small_p, noise) +
		exp(log_purchase_share(in.log_zeta, in.log_r_x) - in.b_x * v_high +
			in.log_norm - log(in.b_x));
	return small_p + large_p;
}

/*
 * E[Y(horizon) | x, t, alive], the series' parts that do not depend on the
 * horizon taken from and kept in shared.
 */
static double
purchases_if_alive(const double *param, double horizon, double x, double t,
				   IfAliveShared *shared)
{
	double		r = param[0],
				alpha = param[1],
				a = param[2],
				b = param[3];
	double		zeta = horizon / (alpha + t);
	double		value,
				cancellation;

	if (horizon == 0)
		return 0.0;
	if (a + b + x < C_PLUS_ONE_MIN)
		return clv_bgnbd_purchases_if_alive_integral(param, horizon, x, t);
	if (zeta < 0.5 || a + b + x - 1 > 64.0 * zeta * (r + x + a + 1.0))
	{
		value = purchases_if_alive_pfaff(r + x, a, a + b + x - 1, zeta,
										 &shared->pfaff);
		if (!isnan(value))
			return value;
	}
	if (fabs(a - 1.0) < A_NEAR_ONE)
		return clv_bgnbd_purchases_if_alive_integral(param, horizon, x, t);
	value = purchases_if_alive_at(param, horizon, x, t, &shared->tail,
								  &cancellation);
	if (!(value >= 0.0 && isfinite(value) && cancellation < MAX_CANCELLATION) &&
		a <= INTEGRAL_MAX_A)
		return clv_bgnbd_purchases_if_alive_integral(param, horizon, x, t);
	return value;
}

/*
 * The expectation at each horizon; the series of the horizons share the
 * parts of their term ratios that do not depend on the horizon (each
 * horizon's arithmetic is that of clv_bgnbd_purchases_if_alive).
 */
void
clv_bgnbd_purchases_if_alive_horizons(const double *param,
									  const double *horizons, int nhorizons,
									  double x, double t, double *if_alive)
{
	IfAliveShared shared;
	int			i;

	shared.pfaff.terms = 0;
	clv_special_hyp2f1_tail_shared_reset(&shared.tail);
	for (i = 0; i < nhorizons; i++)
		if_alive[i] = purchases_if_alive(param, horizons[i], x, t, &shared);
}

double
clv_bgnbd_purchases_if_alive(const double *param, double horizon, double x,
							 double t)
{
	double		if_alive;

	clv_bgnbd_purchases_if_alive_horizons(param, &horizon, 1, x, t, &if_alive);
	return if_alive;
}

/* E[purchases in (t, t + horizon] | x, t_x, t]. */
double
clv_bgnbd_expected_purchases(const double *param, double horizon, double x,
							 double t_x, double t)
{
	return clv_bgnbd_purchases_if_alive(param, horizon, x, t) *
		clv_bgnbd_p_alive(param, x, t_x, t);
}

/* E[X(t)] is the conditional expectation of a customer seen at age 0. */
double
clv_bgnbd_unconditional_purchases(const double *param, double t)
{
	return clv_bgnbd_expected_purchases(param, t, 0, 0, 0);
}

/* The BG/NBD log-likelihood: the family's with no dropout at the start. */
double
clv_bgnbd_ll(const double *param, const ClvTxRow *rows, size_t nrows,
			 double *grad_log)
{
	return clv_bg_family_ll(param, rows, nrows, 0.0, grad_log);
}
