/*
 * pareto_nbd.c -- the Pareto/NBD model.
 *
 * The likelihood of one customer (Fader and Hardie, "A note on deriving the
 * Pareto/NBD model and related expressions") is
 *   L = Gamma(r+x) alpha^r beta^s / Gamma(r)
 *       [ (alpha+t)^-(r+x) (beta+t)^-s + s I ],
 *   I = integral over tau in [t_x, t] of (alpha+tau)^-(r+x) (beta+tau)^-(s+1),
 * the second term being "died at tau after the last purchase".  With
 * A = r + s + x, I = (F(t_x) - F(t)) / A where, for alpha >= beta,
 *   F(tau) = (alpha+tau)^-A 2F1(A, s+1; A+1; (alpha-beta)/(alpha+tau))
 * and for alpha < beta, symmetrically,
 *   F(tau) = (beta+tau)^-A 2F1(A, r+x; A+1; (beta-alpha)/(beta+tau)),
 * so the argument of 2F1 is always in [0, 1).  Everything is carried in
 * logarithms (customers with thousands of purchases overflow otherwise).
 * F depends on (x, tau) only, and day-level data has far fewer distinct
 * (x, t_x) and (x, t) pairs than rows (every x = 0 row has t_x = 0), so the
 * likelihood evaluates F once per distinct pair: the latest tau of each x
 * from its 2F1, each earlier one from the next as F(tau) = F(tau_next) +
 * A times the integral of the integrand above over [tau, tau_next], by
 * Gauss-Legendre quadrature (a sum of two positive terms, cheaper than a
 * 2F1 near z = 1 and at least as accurate), where that takes few nodes.
 * The gradient is analytic, carried the same way.
 */
#include "pareto_nbd.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "optimize.h"
#include "special.h"

/*
 * log F(tau) - log((alpha+tau)^-(r+x) (beta+tau)^-s): what F adds to the
 * alive weight at tau.  After Euler's transformation the powers of F's 2F1
 * cancel against those of (alpha + tau) and (beta + tau), leaving the
 * moderate log 2F1(1, ...) (and, for alpha < beta,
 * log((alpha+tau)/(beta+tau))).  limit bounds the work of the 2F1 (NaN
 * beyond it); shared, if not NULL, keeps the parts of its terms common to
 * every tau of one x; when grad is not NULL it receives the derivatives in
 * (r, alpha, s, beta).
 */
static double
log_f_excess(const double *param, double x, double tau, long limit,
			 ClvHyp2f1Shared *shared, double *grad)
{
	double		r = param[0],
				alpha = param[1],
				s = param[2],
				beta = param[3];
	double		big_a = r + s + x;
	double		g[3];
	double		value;

	if (alpha >= beta)
	{
		value = clv_special_log_hyp2f1_one_shared(r + x, big_a + 1,
												  (alpha - beta) / (alpha + tau),
												  (beta + tau) / (alpha + tau),
												  limit, shared, grad ? g : NULL);
		if (grad != NULL)
		{
			/* b = r + x, c = r + s + x + 1, z = (alpha - beta) / (alpha + tau) */
			grad[0] = g[0] + g[1];
			grad[1] = g[2] * (beta + tau) / ((alpha + tau) * (alpha + tau));
			grad[2] = g[1];
			grad[3] = -g[2] / (alpha + tau);
		}
		return value;
	}
	/* log w: from log1p where w is near 1, from the two logs where it is small */
	value = (alpha + tau >= 0.5 * (beta + tau) ?
			 log1p((alpha - beta) / (beta + tau)) :
			 log(alpha + tau) - log(beta + tau)) +
		clv_special_log_hyp2f1_one_shared(s + 1, big_a + 1,
										  (beta - alpha) / (beta + tau),
										  (alpha + tau) / (beta + tau), limit,
										  shared, grad ? g : NULL);
	if (grad != NULL)
	{
		/* b = s + 1, c = r + s + x + 1, z = (beta - alpha) / (beta + tau) */
		grad[0] = g[1];
		grad[1] = 1.0 / (alpha + tau) - g[2] / (beta + tau);
		grad[2] = g[0] + g[1];
		grad[3] = g[2] * (alpha + tau) / ((beta + tau) * (beta + tau)) - 1.0 / (beta + tau);
	}
	return value;
}

/* log(s / (r + s + x)), the factor of log_dying_from's term for x. */
static double
log_dying_share(const double *param, double x)
{
	return log(param[2]) - log(param[0] + param[2] + x);
}

/*
 * log(s I) from log F(t_x) and log F(t), and log_share the
 * log_dying_share of the customer's x: the weight of dying in between.
 * F decreases, but for t_x within rounding of t the two may come out equal
 * or swapped; the term is then negligible (about s (t - t_x) / (beta + t)
 * of the alive term) and taken as 0.
 */
static double
log_dying_from(double log_share, double log_f_tx, double log_f_t)
{
	if (isnan(log_f_tx) || isnan(log_f_t))
		return NAN;
	if (log_f_tx <= log_f_t)
		return -INFINITY;
	return log_share + clv_special_logdiffexp(log_f_tx, log_f_t);
}

/*
 * log(alpha^r beta^s (alpha+t)^-(r+x) (beta+t)^-s): the weight of being
 * alive at t, times the likelihood's alpha^r beta^s, formed as
 * -r log1p(t/alpha) - x log(alpha+t) - s log1p(t/beta) so that no two
 * numbers of the size of s log beta are subtracted (with s in the
 * millions they would leave the likelihood only a few digits); when grad
 * is not NULL its derivatives in (r, alpha, s, beta).
 */
static double
log_alive_term(const double *param, double x, double t, double *grad)
{
	double		r = param[0],
				alpha = param[1],
				s = param[2],
				beta = param[3];
	double		log_alpha_share = log1p(t / alpha),
				log_beta_share = log1p(t / beta),
				log_alpha_t = log(alpha + t);

	if (grad != NULL)
	{
		grad[0] = -log_alpha_share;
		grad[1] = r * t / (alpha * (alpha + t)) - x / (alpha + t);
		grad[2] = -log_beta_share;
		grad[3] = s * t / (beta * (beta + t));
	}
	return -r * log_alpha_share - x * log_alpha_t - s * log_beta_share;
}

/*
 * log F(tau) of the file comment times the likelihood's alpha^r beta^s
 * (the scale of log_alive_term), and its derivatives when grad is not
 * NULL; shared as for log_f_excess.  alive receives log_alive_term at tau
 * and (when grad is not NULL) its derivatives.
 */
static double
log_f(const double *param, double x, double tau, long limit,
	  ClvHyp2f1Shared *shared, double *grad, double *alive)
{
	double		value;
	int			i;

	alive[0] = log_alive_term(param, x, tau, grad ? &alive[1] : NULL);
	value = alive[0] + log_f_excess(param, x, tau, limit, shared, grad);
	if (grad != NULL)
		for (i = 0; i < 4; i++)
			grad[i] += alive[1 + i];
	return value;
}

/*
 * Gauss-Legendre rules on [-1, 1], symmetric: the positive nodes and
 * their weights.
 */
static const double gauss4_node[2] = {0.33998104358485626480, 0.86113631159405257522};
static const double gauss4_weight[2] = {0.65214515486254614263, 0.34785484513745385737};
static const double gauss8_node[4] = {0.18343464249564980494, 0.52553240991632898582,
0.79666647741362673959, 0.96028985649753623168};
static const double gauss8_weight[4] = {0.36268378337836198297, 0.31370664587788728734,
0.22238103445337447054, 0.10122853629037625915};

/*
 * The most pieces log_f_before splits its interval into; a longer one
 * takes F from its 2F1 instead (which is then the cheaper: over random
 * 2,000-row fits the slowest took 3.5 times as long with up to 48 pieces).
 */
#define CHAIN_MAX_PIECES 8

/*
 * The least argument of F's 2F1 at which log_f_before takes F from the next
 * tau: below it the 2F1's power series (terms falling at least like z^n,
 * their parts shared by the pairs of an x) is the cheaper.
 */
#define CHAIN_MIN_Z 0.5

/*
 * The longest piece of log_f_before's integral that starts at u: half the
 * distance to G's singularities (-alpha, -beta), and short enough
 * that log G falls by at most 1 along it (G is log-convex: its slope is
 * steepest at u), where the 8-point Gauss-Legendre rule is exact to
 * rounding.
 */
static double
longest_piece(double r, double alpha, double s, double beta, double x, double u)
{
	double		rate = (r + x) / (alpha + u) + (s + 1) / (beta + u);

	return fmin(0.5 * fmin(alpha + u, beta + u), 1.0 / rate);
}

/*
 * log(F(tau) - F(tau_next)) = log(A integral over [tau, tau_next] of G),
 * G(u) = alpha^r beta^s (alpha+u)^-(r+x) (beta+u)^-(s+1) (the likelihood's
 * scale), by Gauss-Legendre on pieces no longer than longest_piece (so
 * growing away from the singularities; the 4-point rule on a piece far
 * shorter), with its derivatives in grad when not NULL: no difference of
 * two values of F is taken.  False (nothing stored) where that takes more
 * than CHAIN_MAX_PIECES pieces.
 */
static bool
log_f_drop(const double *param, double x, double tau, double tau_next,
		   double *log_drop, double *grad)
{
	double		r = param[0],
				alpha = param[1],
				s = param[2],
				beta = param[3];
	double		big_a = r + s + x;
	double		near_alpha = alpha + tau,
				near_beta = beta + tau;
	double		starts[CHAIN_MAX_PIECES + 1];
	double		integral = 0.0,
				moment[4] = {0, 0, 0, 0};
	int			pieces = 0;

	if (!(tau < tau_next))
		return false;
	/*
	 * log G falls by at most 1 per piece: a fall by more takes more (first
	 * by log1p(y) >= y / (1 + y), without a logarithm)
	 */
	{
		double		y_alpha = (tau_next - tau) / near_alpha,
					y_beta = (tau_next - tau) / near_beta;

		if ((r + x) * y_alpha / (1 + y_alpha) + (s + 1) * y_beta / (1 + y_beta) > CHAIN_MAX_PIECES ||
			(r + x) * log1p(y_alpha) + (s + 1) * log1p(y_beta) > CHAIN_MAX_PIECES)
			return false;
	}
	/* the pieces' ends, from tau up */
	starts[0] = tau;
	while (starts[pieces] < tau_next)
	{
		if (pieces == CHAIN_MAX_PIECES)
			return false;
		starts[pieces + 1] = fmin(tau_next, starts[pieces] +
								  longest_piece(r, alpha, s, beta, x, starts[pieces]));
		pieces++;
	}
	for (int piece = 0; piece < pieces; piece++)
	{
		double		half_width = 0.5 * (starts[piece + 1] - starts[piece]),
					middle = 0.5 * (starts[piece + 1] + starts[piece]) - tau;
		bool		short_piece = 2 * half_width <=
			longest_piece(r, alpha, s, beta, x, starts[piece]) / 64;
		const double *node = short_piece ? gauss4_node : gauss8_node,
				   *weight = short_piece ? gauss4_weight : gauss8_weight;
		int			half_nodes = short_piece ? 2 : 4;

		for (int k = 0; k < 2 * half_nodes; k++)
		{
			/* v = u - tau; G(u) / G(tau) = exp(h) */
			double		v = middle + (k < half_nodes ? -1.0 : 1.0) *
				half_width * node[k % half_nodes];
			double		alpha_growth = log1p(v / near_alpha),
						beta_growth = log1p(v / near_beta);
			double		g = weight[k % half_nodes] * half_width *
				exp(-(r + x) * alpha_growth - (s + 1) * beta_growth);

			integral += g;
			if (grad != NULL)
			{
				double		u = tau + v;

				/*
				 * d log G(u) in (r, alpha, s, beta); log1p(u / alpha) is
				 * log1p(tau / alpha) + alpha_growth, its first part added
				 * after the loop
				 */
				moment[0] -= g * alpha_growth;
				moment[1] += g * (r * u / alpha - x) / (alpha + u);
				moment[2] -= g * beta_growth;
				moment[3] += g * (s * u / beta - 1.0) / (beta + u);
			}
		}
	}
	if (grad != NULL)
	{
		moment[0] -= log1p(tau / alpha) * integral;
		moment[2] -= log1p(tau / beta) * integral;
	}
	/* log of A times the integral of G; G(tau) = alive(tau) / (beta + tau) */
	*log_drop = log(big_a) + log_alive_term(param, x, tau, NULL) - log(near_beta) +
		log(integral);
	if (!isfinite(*log_drop))
		return false;
	/* the mean derivative of log G over the integral, and of log A */
	for (int i = 0; grad != NULL && i < 4; i++)
		grad[i] = moment[i] / integral + (i == 0 || i == 2 ? 1.0 / big_a : 0.0);
	return true;
}

/*
 * log F(tau) (with its derivatives in grad, when not NULL) from log F and
 * its derivatives at a later tau_next of the same x: F(tau) = F(tau_next) +
 * log_f_drop's A integral over [tau, tau_next].  The two terms are
 * positive: nothing cancels, and F(tau) is as accurate as F(tau_next).
 * False (nothing stored) where the 2F1's argument is small (its series is
 * then the cheaper) or log_f_drop fails.
 */
static bool
log_f_before(const double *param, double x, double tau, double tau_next,
			 double log_f_next, const double *grad_next, double *log_f_out,
			 double *grad)
{
	double		alpha = param[1],
				beta = param[3];
	double		log_drop,
				drop_grad[4],
				log_f;

	/* where the 2F1's argument is small its series is shorter */
	if (fabs(alpha - beta) < CHAIN_MIN_Z * (fmax(alpha, beta) + tau) ||
		!log_f_drop(param, x, tau, tau_next, &log_drop, grad ? drop_grad : NULL))
		return false;
	log_f = clv_special_logsumexp(log_f_next, log_drop);
	if (!isfinite(log_f))
		return false;
	*log_f_out = log_f;
	if (grad != NULL)
	{
		/* the drop's share of F(tau) takes the drop's derivatives */
		double		share = exp(log_drop - log_f);

		for (int i = 0; i < 4; i++)
			grad[i] = (1.0 - share) * grad_next[i] + share * drop_grad[i];
	}
	return true;
}

/*
 * Where log F(t_x) - log F(t) is below this, a customer's dying term
 * F(t_x) - F(t) is taken by log_f_drop's quadrature, not as the difference
 * (which loses digits as the two meet, and its gradient, divided by
 * their difference, all of them when t_x is a rounding of t).
 */
#define DROP_BY_QUADRATURE 1e-4

/*
 * Terms and steps of one 2F1 in a likelihood evaluation: what bounds a
 * fit's work per evaluation.  The likelihood is NaN (out of reach for the
 * optimiser) where a customer's 2F1 needs more.
 */
#define LIKELIHOOD_LIMIT 1000

/* A (x, tau) pair at which F is needed, and where it came from. */
typedef struct PairRef
{
	double		x;
	double		tau;
	size_t		use;			/* 2 * row + (0 for t_x, 1 for t) */
} PairRef;

/*
 * The workspace: the distinct pairs, their log F values and gradients
 * (and the alive terms at their tau, where F came from its 2F1), for each
 * row the index of its (x, t_x) and (x, t) pairs, and the rows in the
 * fit's time scale.
 */
typedef struct PairIndex
{
	size_t		npairs;
	PairRef    *pairs;			/* 2 nrows entries; the first npairs distinct */
	double	   *log_f;			/* log F of each distinct pair */
	double	   *grad_f;			/* 4 derivatives of each distinct pair */
	double	   *alive;			/* log_alive_term and its 4 derivatives at
								 * each distinct pair's tau; NaN where not
								 * computed */
	size_t	   *row_pair;		/* 2 nrows: pair of (x, t_x), of (x, t) */
	ClvTxRow   *scaled;			/* nrows rows in units of the longest t */
} PairIndex;

/* Bytes of workspace for nrows rows: the index, then its arrays. */
size_t
clv_pnbd_workspace_size(size_t nrows)
{
	return sizeof(PairIndex) +
		2 * nrows * (sizeof(PairRef) + 10 * sizeof(double) + sizeof(size_t)) +
		nrows * sizeof(ClvTxRow);
}

/* Orders pairs by (x, tau). */
static int
pair_cmp(const void *a, const void *b)
{
	const PairRef *l = a,
			   *r = b;

	if (l->x != r->x)
		return l->x < r->x ? -1 : 1;
	return (l->tau > r->tau) - (l->tau < r->tau);
}

/*
 * Lays out the workspace (the index at its start) and finds the distinct
 * (x, tau) pairs of rows, only those of rows with t_x < t (the others have
 * no dying term); returns the index.
 */
static PairIndex *
index_pairs(const ClvTxRow *rows, size_t nrows, void *workspace)
{
	PairIndex  *index = (PairIndex *) workspace;
	size_t		i,
				n = 0;

	index->pairs = (PairRef *) (index + 1);
	index->log_f = (double *) (index->pairs + 2 * nrows);
	index->grad_f = index->log_f + 2 * nrows;
	index->alive = index->grad_f + 8 * nrows;
	index->row_pair = (size_t *) (index->alive + 10 * nrows);
	index->scaled = (ClvTxRow *) (index->row_pair + 2 * nrows);
	for (i = 0; i < nrows; i++)
	{
		index->row_pair[2 * i] = index->row_pair[2 * i + 1] = 0;
		if (rows[i].t_x < rows[i].t)
		{
			index->pairs[n++] = (PairRef) {rows[i].x, rows[i].t_x, 2 * i};
			index->pairs[n++] = (PairRef) {rows[i].x, rows[i].t, 2 * i + 1};
		}
	}
	qsort(index->pairs, n, sizeof(PairRef), pair_cmp);
	index->npairs = 0;
	for (i = 0; i < n; i++)
	{
		size_t		use = index->pairs[i].use;

		if (index->npairs == 0 ||
			pair_cmp(&index->pairs[index->npairs - 1], &index->pairs[i]) != 0)
			index->pairs[index->npairs++] = index->pairs[i];
		index->row_pair[use] = index->npairs - 1;
	}
	return index;
}

/*
 * The log-likelihood of rows at param, F evaluated once per distinct pair
 * (the parts of its 2F1 that depend on x only once per x), the alive term
 * once per run of rows with the same (x, t), and when grad is not NULL its
 * derivatives in (r, alpha, s, beta).
 */
static double
indexed_ll(const double *param, const ClvTxRow *rows, size_t nrows,
		   PairIndex *index, long limit, double *grad)
{
	double		r = param[0],
				s = param[2];
	/* Gamma(r + x) / Gamma(r): Gamma(r) once where the ratio subtracts */
	bool		direct = r < CLV_SPECIAL_RATIO_SERIES_FROM;
	double		lgamma_r = direct ? lgamma(r) : 0.0,
				psi_r = direct && grad ? clv_special_digamma(r) : 0.0;
	double		last_x = -1,
				log_gamma_ratio = 0.0,
				psi_ratio = 0.0,
				log_share = 0.0,
				ll = 0.0;
	double		total[4] = {0, 0, 0, 0},
				alive = 0.0,
				alive_grad[4] = {0, 0, 0, 0};
	ClvHyp2f1Shared shared;
	size_t		i;
	int			k;

	/*
	 * a pair out of reach makes the likelihood NaN: the rest need not be
	 * tried; the pairs of one x (in a row, they are sorted) share the b and
	 * c of their 2F1
	 */
	clv_special_hyp2f1_shared_reset(&shared);
	for (i = index->npairs; i-- > 0;)
	{
		const PairRef *pair = &index->pairs[i];

		/*
		 * from the next pair of the same x (they are sorted) where that is
		 * cheap, else from the 2F1
		 */
		index->alive[5 * i] = NAN;
		if (i + 1 < index->npairs && index->pairs[i + 1].x == pair->x &&
			log_f_before(param, pair->x, pair->tau, index->pairs[i + 1].tau,
						 index->log_f[i + 1], &index->grad_f[4 * (i + 1)],
						 &index->log_f[i], grad ? &index->grad_f[4 * i] : NULL))
			continue;
		index->log_f[i] = log_f(param, pair->x, pair->tau, limit, &shared,
								grad ? &index->grad_f[4 * i] : NULL,
								&index->alive[5 * i]);
		if (isnan(index->log_f[i]))
		{
			for (k = 0; grad != NULL && k < 4; k++)
				grad[k] = NAN;
			return NAN;
		}
	}
	for (i = 0; i < nrows; i++)
	{
		const ClvTxRow *row = &rows[i];
		double		dying_grad[4] = {0, 0, 0, 0};
		double		dying = -INFINITY,
					joint,
					w_dying;

		/*
		 * the alive term of the row before when (x, t) is the same, else
		 * of its (x, t) pair where F's 2F1 took it
		 */
		if (row->t_x < row->t && !isnan(index->alive[5 * index->row_pair[2 * i + 1]]))
		{
			const double *kept = &index->alive[5 * index->row_pair[2 * i + 1]];

			alive = kept[0];
			if (grad != NULL)
				memcpy(alive_grad, &kept[1], sizeof(alive_grad));
		}
		else if (i == 0 || row->x != rows[i - 1].x || row->t != rows[i - 1].t)
			alive = log_alive_term(param, row->x, row->t, grad ? alive_grad : NULL);
		if (row->x != last_x)
		{
			last_x = row->x;
			/* exact where r is in the millions */
			log_gamma_ratio = direct ? lgamma(r + row->x) - lgamma_r :
				clv_special_lgamma_ratio(r, row->x);
			psi_ratio = grad == NULL ? 0.0 : direct ?
				clv_special_digamma(r + row->x) - psi_r :
				clv_special_digamma_ratio(r, row->x);
			log_share = log_dying_share(param, row->x);
		}
		if (row->t_x < row->t)
		{
			size_t		at_tx = index->row_pair[2 * i],
						at_t = index->row_pair[2 * i + 1];
			double		log_drop;

			if (index->log_f[at_tx] - index->log_f[at_t] < DROP_BY_QUADRATURE &&
				log_f_drop(param, row->x, row->t_x, row->t, &log_drop,
						   grad ? dying_grad : NULL))
				dying = log_share + log_drop;
			else
			{
				dying = log_dying_from(log_share, index->log_f[at_tx],
									   index->log_f[at_t]);
				if (grad != NULL && dying > -INFINITY)
				{
					/* d log(F(t_x) - F(t)) = (dF(t_x) - q dF(t)) / (1 - q) */
					double		q = exp(index->log_f[at_t] - index->log_f[at_tx]);

					for (k = 0; k < 4; k++)
						dying_grad[k] = (index->grad_f[4 * at_tx + k] -
										 q * index->grad_f[4 * at_t + k]) / (1.0 - q);
				}
			}
			if (grad != NULL && dying > -INFINITY)
			{
				/* and of log_share */
				dying_grad[0] -= 1.0 / (r + s + row->x);
				dying_grad[2] += 1.0 / s - 1.0 / (r + s + row->x);
			}
		}
		joint = clv_special_logsumexp(alive, dying);
		ll += row->count * (log_gamma_ratio + joint);
		if (grad == NULL)
			continue;
		w_dying = exp(dying - joint);
		total[0] += row->count * psi_ratio;
		for (k = 0; k < 4; k++)
			total[k] += row->count * ((1.0 - w_dying) * alive_grad[k] +
									  (w_dying > 0.0 ? w_dying * dying_grad[k] : 0.0));
	}
	if (grad != NULL)
		memcpy(grad, total, sizeof(total));
	/* +inf is overflow at extreme parameters, never a likelihood */
	return ll < INFINITY ? ll : NAN;
}

/* Indexes the distinct (x, t_x) and (x, t) pairs of rows in workspace. */
void
clv_pnbd_index(const ClvTxRow *rows, size_t nrows, void *workspace)
{
	index_pairs(rows, nrows, workspace);
}

/*
 * The Pareto/NBD log-likelihood of the rows indexed in workspace, and its
 * gradient in log-parameters.
 */
double
clv_pnbd_indexed_ll(const double *param, const ClvTxRow *rows, size_t nrows,
					void *workspace, double *grad_log)
{
	double		ll;
	int			k;

	ll = indexed_ll(param, rows, nrows, (PairIndex *) workspace,
					CLV_HYP2F1_MAX_TERMS, grad_log);
	if (grad_log != NULL)
		for (k = 0; k < 4; k++)
			grad_log[k] *= param[k];
	return ll;
}

/* The Pareto/NBD log-likelihood of rows, and its gradient in log-parameters. */
double
clv_pnbd_ll(const double *param, const ClvTxRow *rows, size_t nrows,
			void *workspace, double *grad_log)
{
	clv_pnbd_index(rows, nrows, workspace);
	return clv_pnbd_indexed_ll(param, rows, nrows, workspace, grad_log);
}

/* The data a fit's objective needs: the rows in the fit's time scale. */
typedef struct FitData
{
	const ClvTxRow *rows;
	size_t		nrows;
	PairIndex  *index;
} FitData;

/*
 * The negative log-likelihood at log-parameters theta and its gradient,
 * for the optimiser; each 2F1 within LIKELIHOOD_LIMIT terms or steps.
 */
static double
negative_ll(const double *theta, double *grad, void *arg)
{
	FitData    *data = (FitData *) arg;
	double		param[4];
	double		ll;
	int			i;

	for (i = 0; i < 4; i++)
		param[i] = exp(theta[i]);
	ll = indexed_ll(param, data->rows, data->nrows, data->index, LIKELIHOOD_LIMIT, grad);
	if (grad != NULL)
		for (i = 0; i < 4; i++)
			grad[i] = -grad[i] * param[i];
	return -ll;
}

/*
 * Half-width of the box of log-parameters a Pareto/NBD fit searches, in
 * the time unit of the longest customer age: r, alpha, s and beta within
 * exp(+-20).  A likelihood that keeps rising towards its edge is a limit
 * of the model the data cannot tell from it (no dropout, no
 * heterogeneity), reported as not converged.
 */
#define PNBD_LOG_BOUND 20.0

/*
 * The unit of time a fit of rows works in, the longest customer age t (1
 * where every t is 0), and where it starts, in log-parameters in that
 * unit: r = s = beta = 1 and alpha where the mean purchase rate r / alpha
 * is the data's (alpha = 1 without a repeat purchase).
 */
static double
fit_start(const ClvTxRow *rows, size_t nrows, double *theta0)
{
	double		scale = 0.0,
				repeats = 0.0,
				exposure = 0.0;
	size_t		i;

	for (i = 0; i < nrows; i++)
		scale = fmax(scale, rows[i].t);
	if (!(scale > 0.0))
		scale = 1.0;
	for (i = 0; i < nrows; i++)
	{
		repeats += rows[i].count * rows[i].x;
		exposure += rows[i].count * (rows[i].t / scale);
	}
	theta0[0] = theta0[1] = theta0[2] = theta0[3] = 0.0;
	if (repeats > 0.0)
		theta0[1] = fmax(-(PNBD_LOG_BOUND - 1), fmin(PNBD_LOG_BOUND - 1, log(exposure / repeats)));
	return scale;
}

/* The parameters, in the rows' unit of time, a fit of rows starts from. */
void
clv_pnbd_fit_start(const ClvTxRow *rows, size_t nrows, double *param)
{
	double		theta0[4];
	double		scale = fit_start(rows, nrows, theta0);

	param[0] = exp(theta0[0]);
	param[1] = exp(theta0[1]) * scale;
	param[2] = exp(theta0[2]);
	param[3] = exp(theta0[3]) * scale;
}

/*
 * Fits Pareto/NBD by maximum likelihood from fit_start's point, in units of
 * the longest customer age t (times are divided by it, so the box means
 * the same whatever the unit; data without a repeat purchase, which cannot
 * identify the model, get r = alpha = s = beta = 1, not converged), with
 * the likelihood's analytic gradient.  The log-likelihood reported is in
 * the data's own unit: scaling times by k scales each customer's
 * likelihood by k^-x.
 */
void
clv_pnbd_fit(const ClvTxRow *rows, size_t nrows, void *workspace,
			 ClvInterrupt interrupt, void *interrupt_arg, ClvModelFit *fit)
{
	FitData		data = {NULL, nrows, index_pairs(rows, nrows, workspace)};
	ClvOptimProblem problem = {4, negative_ll, true, &data, interrupt,
	interrupt_arg, PNBD_LOG_BOUND, true};
	double		theta0[4];
	double		scale = fit_start(rows, nrows, theta0),
				repeats = 0.0;
	size_t		i;

	for (i = 0; i < nrows; i++)
	{
		data.index->scaled[i] = rows[i];
		data.index->scaled[i].t_x = rows[i].t_x / scale;
		data.index->scaled[i].t = rows[i].t / scale;
		repeats += rows[i].count * rows[i].x;
	}
	/* the pairs' times in the fit's scale too */
	for (i = 0; i < data.index->npairs; i++)
		data.index->pairs[i].tau /= scale;
	data.rows = data.index->scaled;

	if (clv_model_has_repeats(rows, nrows))
		clv_model_fit(&problem, theta0, true, fit);
	else
	{
		/*
		 * without a repeat purchase the likelihood only rises towards a
		 * limit of the model (no purchases at all): the start is reported,
		 * not converged
		 */
		if (interrupt)
			interrupt(interrupt_arg);
		fit->param[0] = fit->param[1] = fit->param[2] = fit->param[3] = 1.0;
		fit->ll = -negative_ll(theta0, NULL, &data);
		fit->iterations = 0;
		fit->converged = false;
		fit->degenerate = true;
	}
	fit->param[1] *= scale;
	fit->param[3] *= scale;
	fit->ll -= repeats * log(scale);
}

/*
 * log F(tau) - log((alpha+t)^-(r+x) (beta+t)^-s): F relative to the alive
 * weight at age t, formed as (r + x) log((alpha+t)/(alpha+tau)) +
 * s log((beta+t)/(beta+tau)) + log_f_excess, so that no two numbers of the
 * size of (r + x) log(alpha + t) are subtracted: with parameters in the
 * billions those carry an absolute rounding error near 1e-3.
 */
static double
log_f_relative(const double *param, double x, double tau, double t)
{
	double		gap = t - tau;

	return (param[0] + x) * log1p(gap / (param[1] + tau)) +
		param[2] * log1p(gap / (param[3] + tau)) +
		log_f_excess(param, x, tau, CLV_HYP2F1_MAX_TERMS, NULL, NULL);
}

/*
 * P(alive) = 1 / (1 + s I (alpha+t)^(r+x) (beta+t)^s), the product formed
 * from F relative to the alive weight (log_f_relative).
 */
double
clv_pnbd_p_alive(const double *param, double x, double t_x, double t)
{
	double		dying_vs_alive = t_x >= t ? -INFINITY :
		log_dying_from(log_dying_share(param, x),
					   log_f_relative(param, x, t_x, t),
					   log_f_relative(param, x, t, t));

	return 1.0 / (1.0 + exp(dying_vs_alive));
}

/*
 * E[Y(h) | x, t, alive] = (r + x)(beta + t) / ((alpha + t)(s - 1))
 *   (1 - ((beta + t) / (beta + t + h))^(s - 1)),
 * which times P(alive) is E[Y(h) | x, t_x, t]; its limit at s = 1 is
 * (r + x) / (alpha + t) (beta + t) log(1 + h / (beta + t)).
 */
double
clv_pnbd_purchases_if_alive(const double *param, double horizon, double x,
							double t)
{
	double		r = param[0],
				alpha = param[1],
				s = param[2],
				beta = param[3];
	double		share = horizon / (beta + t);
	double		growth = log1p(share);
	double		growth_per_share = share < 1e-8 ? 1.0 - 0.5 * share : growth / share;
	double		exponent;
	double		bracket_per_growth;

	/* a subnormal share has lost digits: (s - 1) share by another route */
	exponent = share >= DBL_MIN ? (s - 1) * growth :
		(s - 1) / (beta + t) * horizon * growth_per_share;
	if (exponent > 40.0)
		return (r + x) / (alpha + t) * ((beta + t) / (s - 1));

	/*
	 * (beta + t) times the bracket is horizon log(1 + share) / share times
	 * (1 - e^-exponent) / exponent, whose series near 0 (s near 1, or a
	 * share too small for expm1) is exact to 1e-17 relative.
	 */
	bracket_per_growth = fabs(exponent) < 1e-8 ? 1.0 - 0.5 * exponent :
		-expm1(-exponent) / exponent;
	return (r + x) / (alpha + t) * horizon * growth_per_share * bracket_per_growth;
}

/* E[purchases in (t, t + horizon] | x, t_x, t]. */
double
clv_pnbd_expected_purchases(const double *param, double horizon, double x,
							double t_x, double t)
{
	return clv_pnbd_purchases_if_alive(param, horizon, x, t) *
		clv_pnbd_p_alive(param, x, t_x, t);
}

/* E[X(t)] is the conditional expectation of a customer seen at age 0. */
double
clv_pnbd_unconditional_purchases(const double *param, double t)
{
	return clv_pnbd_expected_purchases(param, t, 0, 0, 0);
}
