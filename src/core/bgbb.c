/*
 * bgbb.c -- the BG/BB model (see bgbb.h).
 *
 * The likelihood's second part, "died after the last transaction", is a
 * sum over the opportunity of death whose consecutive terms have the
 * ratio (beta+t_x-x+i) / (alpha+beta+t_x+i) (delta+t_x+i) /
 * (gamma+1+delta+t_x+i) < 1, so it is summed relative to its first term
 * with no special function inside the loop; the digamma values its
 * gradient needs follow psi(z + 1) = psi(z) + 1/z.  The sum depends on
 * (x, t_x) and on n only through its length, so rows sharing (x, t_x)
 * extend one running sum.
 */
#include "bgbb.h"

#include <math.h>
#include <stddef.h>

#include "mle.h"
#include "special.h"

/* The input rules of a row. */
const char *
clv_bgbb_row_problem(const ClvBgbbRow *row)
{
	if (!(isfinite(row->x) && isfinite(row->t_x) && isfinite(row->n) &&
		  row->x == floor(row->x) && row->t_x == floor(row->t_x) &&
		  row->n == floor(row->n)))
		return "x, t_x and n must be integers";
	if (!(row->x >= 0 && row->x <= row->t_x && row->t_x <= row->n))
		return "the rule 0 <= x <= t_x <= n does not hold";
	if (row->x == 0 && row->t_x != 0)
		return "t_x must be 0 when x is 0";
	if (row->n > CLV_BGBB_MAX_OPPORTUNITIES)
		return "n is above the largest number of opportunities, 1000000";
	if (!(isfinite(row->count) && row->count >= 0))
		return "the count of customers must be finite and non-negative";
	return NULL;
}

/*
 * The running "died after the last transaction" sum of one (x, t_x):
 * sum over i < terms of term_i / term_0, term_0 = exp(log_first), and for
 * the gradient the same sums weighted by the digamma values below.
 */
typedef struct DyingSum
{
	double		x,
				t_x;
	double		terms;			/* i summed so far */
	double		log_first;		/* log of term 0 over B(alpha, beta) B(gamma, delta) */
	double		next;			/* term_terms / term_0 */
	double		sum;
	bool		gradient;
	double		psi_ab,			/* psi(alpha+beta+t_x+i) at i = terms */
				psi_b,			/* psi(beta+t_x-x+i) */
				psi_gd,			/* psi(gamma+1+delta+t_x+i) */
				psi_d;			/* psi(delta+t_x+i) */
	double		w_ab,			/* the sums weighted by those */
				w_b,
				w_gd,
				w_d;
} DyingSum;

/* Starts the sum of (x, t_x) with no term. */
static void
dying_start(const double *param, double x, double t_x, bool gradient,
			DyingSum *s)
{
	double		alpha = param[0],
				beta = param[1],
				gamma = param[2],
				delta = param[3];

	s->x = x;
	s->t_x = t_x;
	s->terms = 0;
	s->log_first = clv_special_lbeta_ratio(alpha, beta, x, t_x - x) +
		clv_special_lbeta_ratio(gamma, delta, 1, t_x);
	s->next = 1.0;
	s->sum = 0.0;
	s->gradient = gradient;
	s->w_ab = s->w_b = s->w_gd = s->w_d = 0.0;
	if (gradient)
	{
		s->psi_ab = clv_special_digamma(alpha + beta + t_x);
		s->psi_b = clv_special_digamma(beta + t_x - x);
		s->psi_gd = clv_special_digamma(gamma + 1 + delta + t_x);
		s->psi_d = clv_special_digamma(delta + t_x);
	}
}

/* Extends the sum to terms terms (no-op when it has as many already). */
static void
dying_extend(const double *param, DyingSum *s, double terms)
{
	double		alpha = param[0],
				beta = param[1],
				gamma = param[2],
				delta = param[3];

	for (; s->terms < terms && s->next > 0; s->terms++)
	{
		double		i = s->terms;
		double		ab = alpha + beta + s->t_x + i,
					b = beta + s->t_x - s->x + i,
					gd = gamma + 1 + delta + s->t_x + i,
					d = delta + s->t_x + i;

		s->sum += s->next;
		if (s->gradient)
		{
			s->w_ab += s->next * s->psi_ab;
			s->w_b += s->next * s->psi_b;
			s->w_gd += s->next * s->psi_gd;
			s->w_d += s->next * s->psi_d;
			s->psi_ab += 1 / ab;
			s->psi_b += 1 / b;
			s->psi_gd += 1 / gd;
			s->psi_d += 1 / d;
		}
		s->next *= b / ab * (d / gd);
	}
	/* once the terms underflow, the rest is below 1e-300 of the sum */
	if (s->terms < terms)
		s->terms = terms;
}

/* log of the sum's value: -inf without terms. */
static double
dying_log(const DyingSum *s)
{
	return s->sum > 0 ? s->log_first + log(s->sum) : -INFINITY;
}

/*
 * log B(alpha+x, beta+n-x) B(gamma, delta+n+m) / (B(alpha, beta)
 * B(gamma, delta)): x transactions in n opportunities and alive at n + m.
 */
static double
log_alive_term(const double *param, double x, double n, double m)
{
	return clv_special_lbeta_ratio(param[0], param[1], x, n - x) +
		clv_special_lbeta_ratio(param[2], param[3], 0, n + m);
}

/* The BG/BB log-likelihood and its gradient in log-parameters. */
double
clv_bgbb_ll(const double *param, const ClvBgbbRow *rows, size_t nrows,
			double *grad_log)
{
	double		alpha = param[0],
				beta = param[1],
				gamma = param[2],
				delta = param[3];
	double		psi_a = 0,
				psi_b = 0,
				psi_g = 0,
				psi_d = 0,
				psi_ab = 0,
				psi_gd = 0,
				psi_g1 = 0;
	double		ll = 0.0,
				g[4] = {0, 0, 0, 0};
	bool		gradient = grad_log != NULL;
	DyingSum	dying;
	size_t		i;
	int			k;

	dying.x = dying.t_x = -1;	/* no (x, t_x) yet */
	dying.terms = 0;
	if (gradient)
	{
		psi_a = clv_special_digamma(alpha);
		psi_b = clv_special_digamma(beta);
		psi_g = clv_special_digamma(gamma);
		psi_d = clv_special_digamma(delta);
		psi_ab = clv_special_digamma(alpha + beta);
		psi_gd = clv_special_digamma(gamma + delta);
		psi_g1 = clv_special_digamma(gamma + 1);
	}
	for (i = 0; i < nrows; i++)
	{
		const ClvBgbbRow *row = &rows[i];
		double		x = row->x,
					n = row->n;
		double		log_alive,
					log_dying,
					joint,
					w_alive,
					w_dying;

		if (row->count == 0)
			continue;
		if (x != dying.x || row->t_x != dying.t_x || n - row->t_x < dying.terms)
			dying_start(param, x, row->t_x, gradient, &dying);
		dying_extend(param, &dying, n - row->t_x);
		log_alive = log_alive_term(param, x, n, 0);
		log_dying = dying_log(&dying);
		joint = clv_special_logsumexp(log_alive, log_dying);
		ll += row->count * joint;
		if (!gradient)
			continue;
		w_alive = exp(log_alive - joint);
		w_dying = exp(log_dying - joint);
		{
			double		psi_abn = clv_special_digamma(alpha + beta + n),
						psi_gdn = clv_special_digamma(gamma + delta + n),
						psi_ax = clv_special_digamma(alpha + x),
						mean_ab = dying.sum > 0 ? dying.w_ab / dying.sum : 0,
						mean_b = dying.sum > 0 ? dying.w_b / dying.sum : 0,
						mean_gd = dying.sum > 0 ? dying.w_gd / dying.sum : 0,
						mean_d = dying.sum > 0 ? dying.w_d / dying.sum : 0;

			g[0] += row->count * (psi_ax - w_alive * psi_abn - w_dying * mean_ab -
								  psi_a + psi_ab);
			g[1] += row->count *
				(w_alive * (clv_special_digamma(beta + n - x) - psi_abn) +
				 w_dying * (mean_b - mean_ab) - psi_b + psi_ab);
			g[2] += row->count * (w_alive * (psi_g - psi_gdn) +
								  w_dying * (psi_g1 - mean_gd) - psi_g + psi_gd);
			g[3] += row->count *
				(w_alive * (clv_special_digamma(delta + n) - psi_gdn) +
				 w_dying * (mean_d - mean_gd) - psi_d + psi_gd);
		}
	}
	if (gradient)
		for (k = 0; k < 4; k++)
			grad_log[k] = g[k] * param[k];
	return ll < INFINITY ? ll : NAN;
}

/* The data of a fit. */
typedef struct BgbbData
{
	const ClvBgbbRow *rows;
	size_t		nrows;
} BgbbData;

/* clv_bgbb_ll over a BgbbData, for mle.c. */
static double
bgbb_ll(const double *param, double *grad_log, void *arg)
{
	const BgbbData *data = (const BgbbData *) arg;

	return clv_bgbb_ll(param, data->rows, data->nrows, grad_log);
}

/* Customers in rows. */
double
clv_bgbb_customers(const ClvBgbbRow *rows, size_t nrows)
{
	return clv_mle_customers(rows, nrows, sizeof(ClvBgbbRow), offsetof(ClvBgbbRow, count));
}

/* Fits BG/BB by maximum likelihood from all parameters 1. */
void
clv_bgbb_fit(const ClvBgbbRow *rows, size_t nrows, ClvInterrupt interrupt,
			 void *interrupt_arg, ClvModelFit *fit)
{
	BgbbData	data = {rows, nrows};
	ClvLikelihood lik = {4, bgbb_ll, true, &data, NULL};
	bool		repeats = false,
				spans = false;
	size_t		i;

	for (i = 0; i < nrows; i++)
		if (rows[i].count > 0)
		{
			repeats |= rows[i].x > 0;
			spans |= rows[i].n >= 2;
		}
	clv_mle_fit(&lik, NULL, repeats && spans, interrupt, interrupt_arg, fit);
}

/* log of one customer's likelihood. */
static double
log_likelihood_term(const double *param, double x, double t_x, double n)
{
	DyingSum	dying;

	dying_start(param, x, t_x, false, &dying);
	dying_extend(param, &dying, n - t_x);
	return clv_special_logsumexp(log_alive_term(param, x, n, 0),
								 dying_log(&dying));
}

/* P(alive at n + m | x, t_x, n). */
double
clv_bgbb_p_alive(const double *param, double m, double x, double t_x,
				 double n)
{
	return exp(log_alive_term(param, x, n, m) -
			   log_likelihood_term(param, x, t_x, n));
}

/*
 * E[X(n)]: alpha / (alpha + beta) times the sum over k = 1 .. n of
 * S(k) = B(gamma, delta + k) / B(gamma, delta), by that sum (exact) for
 * n <= 10000 or gamma within 1e-3 of 1, else by its closed form.
 */
double
clv_bgbb_unconditional_transactions(const double *param, double n)
{
	double		alpha = param[0],
				beta = param[1],
				gamma = param[2],
				delta = param[3];
	double		mean_p = alpha / (alpha + beta);
	double		total = 0.0,
				survival = 1.0,
				k;

	/* each ratio of Gamma functions without the cancellation of lgamma's */
	if (n > 10000 && fabs(gamma - 1) > 1e-3)
		return mean_p * delta / (gamma - 1) *
			-expm1(clv_special_lgamma_ratio(1 + delta, n) -
				   clv_special_lgamma_ratio(gamma + delta, n));
	for (k = 1; k <= n; k++)
	{
		survival *= (delta + k - 1) / (gamma + delta + k - 1);
		total += survival;
	}
	return mean_p * total;
}

/* The posterior parameters of a customer alive at n. */
static void
posterior(const double *param, double x, double n, double *post)
{
	post[0] = param[0] + x;
	post[1] = param[1] + n - x;
	post[2] = param[2];
	post[3] = param[3] + n;
}

/* E[transactions in the next nstar opportunities | x, t_x, n]. */
double
clv_bgbb_expected_transactions(const double *param, double nstar, double x,
							   double t_x, double n)
{
	double		post[4];

	posterior(param, x, n, post);
	return clv_bgbb_p_alive(param, 0, x, t_x, n) *
		clv_bgbb_unconditional_transactions(post, nstar);
}

/*
 * P(X(n) = x) = C(n, x) B(alpha+x, beta+n-x) / B(alpha, beta)
 * B(gamma, delta+n) / B(gamma, delta) + sum over i = x .. n-1 of
 * C(i, x) B(alpha+x, beta+i-x) / B(alpha, beta) B(gamma+1, delta+i) /
 * B(gamma, delta), the sum's terms by their ratios in logarithms.
 */
double
clv_bgbb_pmf(const double *param, double n, double x)
{
	double		alpha = param[0],
				beta = param[1],
				gamma = param[2],
				delta = param[3];
	double		log_term,
				total,
				i;

	if (!(x >= 0 && x <= n))
		return 0.0;
	total = exp(lgamma(n + 1) - lgamma(x + 1) - lgamma(n - x + 1) +
				log_alive_term(param, x, n, 0));
	log_term = clv_special_lbeta_ratio(alpha, beta, x, 0) +
		clv_special_lbeta_ratio(gamma, delta, 1, x);
	for (i = x; i < n; i++)
	{
		total += exp(log_term);
		log_term += log((i + 1) / (i + 1 - x) * ((beta + i - x) / (alpha + beta + i)) *
						((delta + i) / (gamma + 1 + delta + i)));
	}
	return total;
}

/* P(X(n, n + nstar) = xstar | x, t_x, n). */
double
clv_bgbb_conditional_pmf(const double *param, double nstar, double xstar,
						 double x, double t_x, double n)
{
	double		post[4];
	double		alive = clv_bgbb_p_alive(param, 0, x, t_x, n);

	posterior(param, x, n, post);
	return (xstar == 0 ? 1 - alive : 0.0) +
		alive * clv_bgbb_pmf(post, nstar, xstar);
}

/* Inference of a BG/BB fit. */
void
clv_bgbb_inference(const double *param, const ClvBgbbRow *rows, size_t nrows,
				   ClvInterrupt interrupt, void *interrupt_arg,
				   ClvInference *inference)
{
	BgbbData	data = {rows, nrows};
	ClvLikelihood lik = {4, bgbb_ll, true, &data, NULL};

	clv_mle_inference(&lik, param, clv_bgbb_customers(rows, nrows), interrupt,
					  interrupt_arg, inference);
}
