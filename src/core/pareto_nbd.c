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
 * 2F1 near z = 1 and at least as accurate), where that takes few nodes;
 * F(t) not at all where it is negligible against F(t_x).  The gradient is
 * analytic, carried the same way.  The quadrature's nodes, the sums of
 * the drops and the rows' terms are taken in blocks, their exp, expm1, log
 * and log1p over each block in one call of vecmath.h (four at a time).
 */
#include "pareto_nbd.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "optimize.h"
#include "special.h"
#include "vecmath.h"

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
 * Whether log(F(t_x) - F(t)) from log F(t_x) and log F(t) is a special
 * value, then stored in *special: NaN where either is NaN, -inf where
 * F(t_x) <= F(t).  F decreases, but for t_x within rounding of t the two
 * may come out equal or swapped; the term is then negligible (about
 * s (t - t_x) / (beta + t) of the alive term) and taken as 0.
 */
static bool
log_drop_special(double log_f_tx, double log_f_t, double *special)
{
	if (isnan(log_f_tx) || isnan(log_f_t))
		*special = NAN;
	else if (log_f_tx <= log_f_t)
		*special = -INFINITY;
	else
		return false;
	return true;
}

/*
 * log(s I) from log F(t_x) and log F(t), and log_share the
 * log_dying_share of the customer's x: the weight of dying in between.
 */
static double
log_dying_from(double log_share, double log_f_tx, double log_f_t)
{
	double		special;

	if (log_drop_special(log_f_tx, log_f_t, &special))
		return special;
	return log_share + clv_special_logdiffexp(log_f_tx, log_f_t);
}

/*
 * log(alpha^r beta^s (alpha+t)^-(r+x) (beta+t)^-s): the weight of being
 * alive at t, times the likelihood's alpha^r beta^s, formed as
 * -r log1p(t/alpha) - x log(alpha+t) - s log1p(t/beta) so that no two
 * numbers of the size of s log beta are subtracted (with s in the
 * millions they would leave the likelihood only a few digits), from those
 * three logarithms; when grad is not NULL its derivatives in (r, alpha, s,
 * beta).
 */
static double
alive_of_logs(const double *param, double x, double t, double log_alpha_share,
			  double log_alpha_t, double log_beta_share, double *grad)
{
	double		r = param[0],
				alpha = param[1],
				s = param[2],
				beta = param[3];

	if (grad != NULL)
	{
		grad[0] = -log_alpha_share;
		grad[1] = r * t / (alpha * (alpha + t)) - x / (alpha + t);
		grad[2] = -log_beta_share;
		grad[3] = s * t / (beta * (beta + t));
	}
	return -r * log_alpha_share - x * log_alpha_t - s * log_beta_share;
}

/* alive_of_logs at t, its logarithms taken here. */
static double
log_alive_term(const double *param, double x, double t, double *grad)
{
	return alive_of_logs(param, x, t, log1p(t / param[1]), log(param[1] + t),
						 log1p(t / param[3]), grad);
}

/*
 * log F(tau) of the file comment times the likelihood's alpha^r beta^s
 * (the scale of log_alive_term), and its derivatives when grad is not
 * NULL; shared as for log_f_excess.  alive holds log_alive_term at tau
 * and (when grad is not NULL) its derivatives, or receives them where it
 * is NaN.
 */
static double
log_f(const double *param, double x, double tau, long limit,
	  ClvHyp2f1Shared *shared, double *grad, double *alive)
{
	double		value;
	int			i;

	if (isnan(alive[0]))
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
typedef struct GaussRule
{
	int			half_nodes;
	const double *node;
	const double *weight;
} GaussRule;

static const double gauss4_node[2] = {0.33998104358485626480, 0.86113631159405257522};
static const double gauss4_weight[2] = {0.65214515486254614263, 0.34785484513745385737};
static const double gauss6_node[3] = {0.23861918608319690863, 0.66120938646626451366,
0.93246951420315202781};
static const double gauss6_weight[3] = {0.46791393457269104739, 0.36076157304813860757,
0.17132449237917034504};
static const double gauss8_node[4] = {0.18343464249564980494, 0.52553240991632898582,
0.79666647741362673959, 0.96028985649753623168};
static const double gauss8_weight[4] = {0.36268378337836198297, 0.31370664587788728734,
0.22238103445337447054, 0.10122853629037625915};

static const GaussRule gauss4 = {2, gauss4_node, gauss4_weight};
static const GaussRule gauss6 = {3, gauss6_node, gauss6_weight};
static const GaussRule gauss8 = {4, gauss8_node, gauss8_weight};

/*
 * The rule exact to rounding on a piece of length of a drop whose longest
 * piece there is longest: the fewer nodes, the shorter the piece than
 * that.  Against 8 points on every piece, over the likelihoods and
 * gradients of random 2,000-row inputs at random parameters: the
 * log-likelihood within 4e-16 (4 points up to longest / 4: 4e-14; 6 up
 * to longest: 1e-13).
 */
static const GaussRule *
piece_rule(double length, double longest)
{
	if (length <= longest / 8)
		return &gauss4;
	if (length <= longest / 2)
		return &gauss6;
	return &gauss8;
}

/*
 * The most pieces a drop's quadrature splits its interval into (a longer
 * one is not taken by quadrature): a customer's [t_x, t] (see
 * DROP_BY_QUADRATURE) up to DROP_MAX_PIECES; between the pairs of an x up
 * to CHAIN_MAX_PIECES, a longer one taking F from its 2F1 instead (which
 * is then the cheaper: over random 2,000-row fits the slowest took 3.5
 * times as long with up to 48 pieces, and with the nodes taken four at a
 * time by vector calls 5 pieces cut the slowest fits by a tenth from 8).
 */
#define DROP_MAX_PIECES 8
#define CHAIN_MAX_PIECES 5

/*
 * The least argument of F's 2F1 at which the likelihood takes F from the
 * next tau: below it the 2F1's power series (terms falling at least like
 * z^n, their parts shared by the pairs of an x) is the cheaper.
 */
#define CHAIN_MIN_Z 0.5

/*
 * The longest piece of a drop's integral that starts at u: half the
 * distance to G's singularities (-alpha, -beta), and short enough
 * that log G falls by at most 1 along it (G is log-convex: its slope is
 * steepest at u), where the 8-point Gauss-Legendre rule is exact to
 * rounding.
 */
static double
longest_piece(double r, double alpha, double s, double beta, double x, double u)
{
	double		to_alpha = alpha + u,
				to_beta = beta + u,
				nearest = to_alpha < to_beta ? to_alpha : to_beta;

	/* 1 / rate with one division */
	double		per_rate = to_alpha *
		(to_beta / ((r + x) * to_beta + (s + 1) * to_alpha));

	return 0.5 * nearest < per_rate ? 0.5 * nearest : per_rate;
}

/*
 * The most nodes a DropBatch holds: room for many intervals of a few
 * pieces each, so the vector calls are long (and for one of
 * DROP_MAX_PIECES pieces of 8 nodes).
 */
#define DROP_BATCH_NODES 256

/*
 * The most intervals, and pieces, it holds: each has a piece of at least
 * 4 nodes.  Its nodes come in pairs, symmetric about their piece's middle.
 */
#define DROP_BATCH_DROPS (DROP_BATCH_NODES / 4)
#define DROP_BATCH_PIECES (DROP_BATCH_NODES / 4)
#define DROP_BATCH_PAIRS (DROP_BATCH_NODES / 2)

/*
 * Intervals [tau, tau_next] of one x each, queued by drop_batch_add for
 * drop_batch_flush to take log(F(tau) - F(tau_next)) = log(A integral over
 * [tau, tau_next] of G), G(u) = alpha^r beta^s (alpha+u)^-(r+x)
 * (beta+u)^-(s+1) (the likelihood's scale), by Gauss-Legendre quadrature:
 * no difference of two values of F is taken.  log G(u) / G(tau) at a node
 * u of a piece whose middle is m is -(r + x) log1p((u - tau) / (alpha +
 * tau)) - (s + 1) log1p((u - tau) / (beta + tau)), each log1p that of the
 * middle plus log1p(+-(u - m) / (alpha or beta + m)) (clv_vec_log1p_pair's,
 * for the two nodes of a pair at once, as the pieces are at most half as
 * long as alpha or beta + their start, see longest_piece): those of the
 * middles, those of the pairs, and the exponentials of all the nodes,
 * each in one vector call.
 */
typedef struct DropBatch
{
	const double *param;
	double		per_alpha;		/* 1 / alpha and 1 / beta */
	double		per_beta;
	int			drops;			/* intervals queued */
	int			pieces;			/* their pieces */
	int			pairs;			/* their pairs of nodes, in the order of the
								 * intervals */
	double		x[DROP_BATCH_DROPS];
	double		tau[DROP_BATCH_DROPS];
	int			end[DROP_BATCH_DROPS];	/* one past each interval's last pair */
	double	   *log_drop[DROP_BATCH_DROPS]; /* where its logarithm goes, */
	double	   *grad[DROP_BATCH_DROPS]; /* and its derivatives (or NULL) */
	int			piece[DROP_BATCH_PAIRS];	/* each pair's piece */
	double		v[DROP_BATCH_NODES];	/* each node's u - tau, the lower of
										 * each pair first */
	double		weight[DROP_BATCH_PAIRS];	/* a pair's weight times its
											 * piece's half-width */

	/*
	 * each pair's distance from the middle of its piece over alpha plus
	 * the middle, then over beta plus the middle
	 */
	double		spread[DROP_BATCH_NODES];

	/*
	 * 1 / (alpha + m) and 1 / (beta + m) of each piece's middle m; m - tau
	 * over alpha + tau and beta + tau, and tau / alpha and tau / beta of
	 * each interval, their log1p after the flush's first step
	 */
	double		per_middle[2][DROP_BATCH_PIECES];
	double		middle_growth[2][DROP_BATCH_PIECES];
	double		tau_growth[2][DROP_BATCH_DROPS];
} DropBatch;

/* Empties batch, for intervals of the likelihood at param. */
static void
drop_batch_start(DropBatch *batch, const double *param)
{
	batch->param = param;
	batch->per_alpha = 1.0 / param[1];
	batch->per_beta = 1.0 / param[3];
	batch->drops = 0;
	batch->pieces = 0;
	batch->pairs = 0;
}

/*
 * Takes the integrals of the intervals in batch and empties it: each
 * interval's log(F(tau) - F(tau_next)) to its log_drop, NaN where that is
 * not finite, and (where its grad is not NULL) its derivatives in
 * (r, alpha, s, beta) to grad.  Vector calls over all the intervals: log1p
 * of every piece's middle over alpha + tau and over beta + tau and of every
 * tau over alpha and over beta, clv_vec_log1p_pair of every pair's spreads,
 * exp of every node's log of G(u) / G(tau), log of every alpha + tau,
 * beta + tau, integral and A.
 */
static void
drop_batch_flush(DropBatch *batch)
{
	double		r = batch->param[0],
				alpha = batch->param[1],
				s = batch->param[2],
				beta = batch->param[3],
				r_share = r / alpha,
				s_share = s / beta;
	int			drops = batch->drops,
				d,
				p,
				k;
	const double *tau_alpha_growth = batch->tau_growth[0],
			   *tau_beta_growth = batch->tau_growth[1];
	double		alpha_growth[DROP_BATCH_NODES],
				beta_growth[DROP_BATCH_NODES],
				ratio[DROP_BATCH_NODES];	/* G(u) / G(tau) at each node */

	/* log1p of each pair's spreads (over alpha, then beta), and of minus */
	double		upper[DROP_BATCH_NODES],
				lower[DROP_BATCH_NODES];

	/* log of each interval's alpha + tau, beta + tau, integral and A */
	double		logs[4 * DROP_BATCH_DROPS];
	double		integral[DROP_BATCH_DROPS],
				moment[DROP_BATCH_DROPS][4];

	for (k = 0; k < 2; k++)
	{
		clv_vec_log1p(batch->middle_growth[k], batch->middle_growth[k], batch->pieces);
		clv_vec_log1p(batch->tau_growth[k], batch->tau_growth[k], drops);
	}
	clv_vec_log1p_pair(batch->spread, upper, lower, 2 * batch->pairs);
	/* G(u) / G(tau) = exp(-(r + x) alpha growth - (s + 1) beta growth) */
	for (d = 0, p = 0; d < drops; d++)
	{
		double		alpha_power = r + batch->x[d];

		for (; p < batch->end[d]; p++)
		{
			double		alpha_middle = batch->middle_growth[0][batch->piece[p]],
						beta_middle = batch->middle_growth[1][batch->piece[p]];

			alpha_growth[2 * p] = alpha_middle + lower[2 * p];
			alpha_growth[2 * p + 1] = alpha_middle + upper[2 * p];
			beta_growth[2 * p] = beta_middle + lower[2 * p + 1];
			beta_growth[2 * p + 1] = beta_middle + upper[2 * p + 1];
			for (k = 2 * p; k < 2 * p + 2; k++)
				ratio[k] = -alpha_power * alpha_growth[k] - (s + 1) * beta_growth[k];
		}
	}
	clv_vec_exp(ratio, ratio, 2 * batch->pairs);
	for (d = 0, p = 0; d < drops; d++)
	{
		double		tau = batch->tau[d],
					x = batch->x[d],
					sum = 0.0,
					m[4] = {0.0, 0.0, 0.0, 0.0};	/* the moments, in registers */

		for (; p < batch->end[d]; p++)
		{
			double		g[2],
						alpha_spread,
						beta_spread,
						alpha_narrow,
						beta_narrow,
						per_both,
						per_alpha,
						per_beta;

			for (k = 0; k < 2; k++)
			{
				g[k] = batch->weight[p] * ratio[2 * p + k];
				sum += g[k];
			}
			if (batch->grad[d] == NULL)
				continue;

			/*
			 * d log G(u) in (r, alpha, s, beta); 1 / (alpha + u) is the
			 * middle's times 1 / (1 -+ spread), the two of alpha and the
			 * two of beta from one division; log1p(u / alpha) is
			 * log1p(tau / alpha) + the alpha growth, its first part added
			 * after the loop
			 */
			alpha_spread = batch->spread[2 * p];
			beta_spread = batch->spread[2 * p + 1];
			alpha_narrow = 1.0 - alpha_spread * alpha_spread;
			beta_narrow = 1.0 - beta_spread * beta_spread;
			per_both = 1.0 / (alpha_narrow * beta_narrow);
			per_alpha = per_both * beta_narrow * batch->per_middle[0][batch->piece[p]];
			per_beta = per_both * alpha_narrow * batch->per_middle[1][batch->piece[p]];
			for (k = 0; k < 2; k++)
			{
				double		u = tau + batch->v[2 * p + k],
							sign = k == 0 ? 1.0 : -1.0;

				m[0] -= g[k] * alpha_growth[2 * p + k];
				m[1] += g[k] * (r_share * u - x) *
					(per_alpha * (1.0 + sign * alpha_spread));
				m[2] -= g[k] * beta_growth[2 * p + k];
				m[3] += g[k] * (s_share * u - 1.0) *
					(per_beta * (1.0 + sign * beta_spread));
			}
		}
		integral[d] = sum;
		moment[d][0] = m[0] - tau_alpha_growth[d] * sum;
		moment[d][1] = m[1];
		moment[d][2] = m[2] - tau_beta_growth[d] * sum;
		moment[d][3] = m[3];
		logs[d] = alpha + tau;
		logs[drops + d] = beta + tau;
		logs[2 * drops + d] = integral[d];
		logs[3 * drops + d] = r + s + x;
	}
	clv_vec_log(logs, logs, 4 * drops);
	for (d = 0; d < drops; d++)
	{
		/* log of A times the integral; G(tau) = alive(tau) / (beta + tau) */
		double		log_drop = logs[3 * drops + d] +
			alive_of_logs(batch->param, batch->x[d], batch->tau[d],
						  tau_alpha_growth[d], logs[d], tau_beta_growth[d], NULL) -
			logs[drops + d] + logs[2 * drops + d];

		*batch->log_drop[d] = isfinite(log_drop) ? log_drop : NAN;
		if (!isfinite(log_drop) || batch->grad[d] == NULL)
			continue;
		/* the mean derivative of log G over the integral, and of log A */
		for (k = 0; k < 4; k++)
			batch->grad[d][k] = moment[d][k] * (1.0 / integral[d]) +
				(k == 0 || k == 2 ? 1.0 / (r + s + batch->x[d]) : 0.0);
	}
	drop_batch_start(batch, batch->param);
}

/*
 * Queues in batch the interval [tau, tau_next] of x, its logarithm of
 * F(tau) - F(tau_next) to go to log_drop and its derivatives to grad (when
 * not NULL) at the next drop_batch_flush, on pieces no longer than
 * longest_piece (so growing away from the singularities; fewer points on
 * a shorter piece, see piece_rule).  False (nothing queued) where that
 * takes more than max_pieces (at most DROP_MAX_PIECES) pieces.  Flushes
 * batch first where the interval's nodes would not fit.
 */
static bool
drop_batch_add(DropBatch *batch, double x, double tau, double tau_next,
			   int max_pieces, double *log_drop, double *grad)
{
	double		r = batch->param[0],
				alpha = batch->param[1],
				s = batch->param[2],
				beta = batch->param[3];
	double		starts[DROP_MAX_PIECES + 1],
				longest,
				per_alpha,
				per_beta;
	const GaussRule *rule[DROP_MAX_PIECES];
	int			pieces = 0,
				pairs = 0,
				piece;

	if (!(tau < tau_next))
		return false;
	per_alpha = 1.0 / (alpha + tau);
	per_beta = 1.0 / (beta + tau);
	/*
	 * log G falls by at most 1 per piece: a fall by more takes more, as
	 * the pieces below would find; at once by log1p(y) >= 2 y / (2 + y),
	 * without a logarithm, or a division (times (2 + y_alpha) (2 + y_beta))
	 */
	{
		double		y_alpha = (tau_next - tau) * per_alpha,
					y_beta = (tau_next - tau) * per_beta;

		if (2 * (r + x) * y_alpha * (2 + y_beta) +
			2 * (s + 1) * y_beta * (2 + y_alpha) >
			max_pieces * (2 + y_alpha) * (2 + y_beta))
			return false;
	}
	/* the pieces' ends, from tau up, and their rules */
	starts[0] = tau;
	while (starts[pieces] < tau_next)
	{
		if (pieces == max_pieces)
			return false;
		longest = longest_piece(r, alpha, s, beta, x, starts[pieces]);
		starts[pieces + 1] = starts[pieces] + longest < tau_next ?
			starts[pieces] + longest : tau_next;
		rule[pieces] = piece_rule(starts[pieces + 1] - starts[pieces], longest);
		pairs += rule[pieces]->half_nodes;
		pieces++;
	}
	if (batch->pairs + pairs > DROP_BATCH_PAIRS)
		drop_batch_flush(batch);
	for (piece = 0; piece < pieces; piece++)
	{
		double		half_width = 0.5 * (starts[piece + 1] - starts[piece]),
					middle = 0.5 * (starts[piece + 1] + starts[piece]) - tau,
					per_middle_alpha = 1.0 / (alpha + tau + middle),
					per_middle_beta = 1.0 / (beta + tau + middle);
		const double *node = rule[piece]->node,
				   *weight = rule[piece]->weight;
		int			at = batch->pieces++;

		batch->per_middle[0][at] = per_middle_alpha;
		batch->per_middle[1][at] = per_middle_beta;
		batch->middle_growth[0][at] = middle * per_alpha;
		batch->middle_growth[1][at] = middle * per_beta;
		for (int k = 0; k < rule[piece]->half_nodes; k++)
		{
			double		spread = half_width * node[k];
			int			pair = batch->pairs++;

			batch->piece[pair] = at;
			batch->v[2 * pair] = middle - spread;
			batch->v[2 * pair + 1] = middle + spread;
			batch->weight[pair] = weight[k] * half_width;
			batch->spread[2 * pair] = spread * per_middle_alpha;
			batch->spread[2 * pair + 1] = spread * per_middle_beta;
		}
	}
	batch->tau_growth[0][batch->drops] = tau * batch->per_alpha;
	batch->tau_growth[1][batch->drops] = tau * batch->per_beta;
	batch->x[batch->drops] = x;
	batch->tau[batch->drops] = tau;
	batch->end[batch->drops] = batch->pairs;
	batch->log_drop[batch->drops] = log_drop;
	batch->grad[batch->drops++] = grad;
	return true;
}

/*
 * Where log F(t_x) - log F(t) is below this, a customer's dying term
 * F(t_x) - F(t) is taken by a DropBatch's quadrature, not as the difference
 * (which loses digits as the two meet, and its gradient, divided by
 * their difference, all of them when t_x is a rounding of t).
 */
#define DROP_BY_QUADRATURE 1e-4

/*
 * Where F(t) / F(t_x) is below exp(-NEGLIGIBLE_F_T) a customer's dying
 * term F(t_x) - F(t) is F(t_x) to far below its rounding, and F(t) is not
 * needed for it.
 */
#define NEGLIGIBLE_F_T 50.0

/*
 * Whether F(t) / F(t_x) < exp(-NEGLIGIBLE_F_T) at param for t_x < t, by a
 * bound.  F(tau) is A times the integral of G (a DropBatch's) from tau on:
 * (alpha + u)^-(r+x) <= (alpha + t)^-(r+x) bounds F(t) above by
 * A G(t) (beta + t) / s, and log G's convexity bounds F(t_x) below by
 * A G(t_x) / rate, rate the slope of -log G at t_x.  Their ratio is at
 * most w exp(-P), w = rate (beta + t_x) / s > 1 and P = (r + x)
 * log1p(y_alpha) + s log1p(y_beta) with y = (t - t_x) / (alpha or beta +
 * t_x), and log1p(y) >= y / (1 + y).  False at once where r + x + s,
 * more than P, is too small (without a division), and then where that
 * bound of P is (without a logarithm).
 */
static bool
f_t_negligible(const double *param, double x, double t_x, double t)
{
	double		r = param[0],
				alpha = param[1],
				s = param[2],
				beta = param[3];
	double		fall,
				rate;

	if (!(r + x + s > NEGLIGIBLE_F_T))
		return false;
	/* y / (1 + y) = (t - t_x) / (alpha or beta + t) */
	fall = (r + x) * ((t - t_x) / (alpha + t)) + s * ((t - t_x) / (beta + t));
	if (!(fall > NEGLIGIBLE_F_T))
		return false;
	rate = (r + x) / (alpha + t_x) + (s + 1) / (beta + t_x);
	return fall - log(rate * (beta + t_x) / s) > NEGLIGIBLE_F_T;
}

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
 * row the index of its (x, t_x) and (x, t) pairs, the distinct x of the
 * rows and their terms, and the rows in the fit's time scale.
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
	size_t		nxs;
	double	   *xs;				/* the distinct x of the rows, ascending */
	size_t	   *row_x;			/* nrows: each row's x among them */

	/*
	 * each x's log Gamma(r + x) / Gamma(r), its derivative in r and
	 * log_dying_share, at the parameters of an evaluation
	 */
	double	   *gamma_ratio;
	double	   *psi_ratio;
	double	   *log_share;
	ClvTxRow   *scaled;			/* nrows rows in units of the longest t */
	unsigned char *needs;		/* what an evaluation needs at each distinct
								 * pair: NEEDS_F, NEEDS_ALIVE */
} PairIndex;

/* A pair's F is needed (by a row or a pair before it). */
#define NEEDS_F 1

/* A pair's alive term is needed (it is the (x, t) of a row). */
#define NEEDS_ALIVE 2

/* Bytes of workspace for nrows rows: the index, then its arrays. */
size_t
clv_pnbd_workspace_size(size_t nrows)
{
	return sizeof(PairIndex) +
		2 * nrows * (sizeof(PairRef) + 10 * sizeof(double) + sizeof(size_t) +
					 sizeof(unsigned char)) +
		nrows * (4 * sizeof(double) + sizeof(size_t) + sizeof(ClvTxRow));
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
 * x of rows, and the distinct (x, tau) pairs of rows, only those of rows
 * with t_x < t (the others have no dying term); returns the index.
 */
static PairIndex *
index_pairs(const ClvTxRow *rows, size_t nrows, void *workspace)
{
	PairIndex  *index = (PairIndex *) workspace;
	size_t		i,
				n = 0;
	bool		by_x = true;

	index->pairs = (PairRef *) (index + 1);
	index->log_f = (double *) (index->pairs + 2 * nrows);
	index->grad_f = index->log_f + 2 * nrows;
	index->alive = index->grad_f + 8 * nrows;
	index->row_pair = (size_t *) (index->alive + 10 * nrows);
	index->xs = (double *) (index->row_pair + 2 * nrows);
	index->gamma_ratio = index->xs + nrows;
	index->psi_ratio = index->gamma_ratio + nrows;
	index->log_share = index->psi_ratio + nrows;
	index->row_x = (size_t *) (index->log_share + nrows);
	index->scaled = (ClvTxRow *) (index->row_x + nrows);
	index->needs = (unsigned char *) (index->scaled + nrows);

	/*
	 * the x of every row, sorted by x in the pairs' room (the fitting
	 * aggregates pass rows sorted already)
	 */
	for (i = 0; i < nrows; i++)
	{
		index->pairs[i] = (PairRef) {rows[i].x, 0.0, i};
		by_x &= i == 0 || rows[i - 1].x <= rows[i].x;
	}
	if (!by_x)
		qsort(index->pairs, nrows, sizeof(PairRef), pair_cmp);
	index->nxs = 0;
	for (i = 0; i < nrows; i++)
	{
		if (index->nxs == 0 || index->xs[index->nxs - 1] != index->pairs[i].x)
			index->xs[index->nxs++] = index->pairs[i].x;
		index->row_x[index->pairs[i].use] = index->nxs - 1;
	}

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

/* The most pairs chain_block takes together. */
#define CHAIN_BLOCK 64

/*
 * How far the largest term of chain_block's sums may be above the first
 * (the next F or the first drop): exp(-CHAIN_RANGE) is far from
 * underflow, so every sum keeps the digits of its largest term.
 */
#define CHAIN_RANGE 600.0

/*
 * log F, and its derivatives when grad, of the pairs low..high of index,
 * each holding in its log_f (and grad_f) the log of the drop of F to the
 * next pair (and its derivatives), F of the pair after high known: F of
 * each is that F plus the drops from the pair up to high, all positive,
 * so nothing cancels and each F is as accurate as the first.  The terms
 * are summed as shares of exp(top), top the largest of their logarithms;
 * the shares' exp and the sums' log each in one vector call.
 */
static void
chain_block(PairIndex *index, size_t low, size_t high, double top, bool grad)
{
	int			n = (int) (high - low + 1),
				k,
				m;
	const double *next_grad = &index->grad_f[4 * (high + 1)];
	double		share[CHAIN_BLOCK + 1],
				sum[CHAIN_BLOCK];
	double		total,
				total_grad[4] = {0, 0, 0, 0};

	for (k = 0; k < n; k++)
		share[k] = index->log_f[low + k] - top;
	share[n] = index->log_f[high + 1] - top;
	clv_vec_exp(share, share, n + 1);
	/* from the next F down, F and its gradient times F, over exp(top) */
	total = share[n];
	for (m = 0; grad && m < 4; m++)
		total_grad[m] = share[n] * next_grad[m];
	for (k = n; k-- > 0;)
	{
		double	   *drop_grad = &index->grad_f[4 * (low + k)],
					per_total;

		total += share[k];
		sum[k] = total;
		per_total = 1.0 / total;
		for (m = 0; grad && m < 4; m++)
		{
			total_grad[m] += share[k] * drop_grad[m];
			drop_grad[m] = total_grad[m] * per_total;
		}
	}
	clv_vec_log(sum, sum, n);
	for (k = 0; k < n; k++)
		index->log_f[low + k] = top + sum[k];
}

/* The most pairs alive_pairs takes together. */
#define ALIVE_BLOCK 64

/*
 * log_alive_term, and its derivatives when grad, into index->alive at the
 * pairs that need it: those of NEEDS_ALIVE and those whose F is needed
 * and not kept from a drop (its 2F1 takes it); NaN at the others.  Their
 * logarithms in blocks, each in one vector call.
 */
static void
alive_pairs(const double *param, PairIndex *index, bool grad)
{
	size_t		which[ALIVE_BLOCK];
	double		shares[2 * ALIVE_BLOCK],
				logs[ALIVE_BLOCK];
	size_t		i = 0;

	while (i < index->npairs)
	{
		int			n = 0,
					k;

		for (; i < index->npairs && n < ALIVE_BLOCK; i++)
		{
			index->alive[5 * i] = NAN;
			if ((index->needs[i] & NEEDS_ALIVE) ||
				((index->needs[i] & NEEDS_F) && isnan(index->log_f[i])))
				which[n++] = i;
		}
		/* log1p(tau / alpha), log1p(tau / beta), log(alpha + tau) */
		for (k = 0; k < n; k++)
		{
			double		tau = index->pairs[which[k]].tau;

			shares[k] = tau / param[1];
			shares[n + k] = tau / param[3];
			logs[k] = param[1] + tau;
		}
		clv_vec_log1p(shares, shares, 2 * n);
		clv_vec_log(logs, logs, n);
		for (k = 0; k < n; k++)
		{
			double	   *alive = &index->alive[5 * which[k]];

			alive[0] = alive_of_logs(param, index->pairs[which[k]].x,
									 index->pairs[which[k]].tau, shares[k],
									 logs[k], shares[n + k],
									 grad ? &alive[1] : NULL);
		}
	}
}

/* Rows whose terms rows_block takes together. */
#define ROW_BLOCK 64

/*
 * What the likelihood's rows carry from one row to the next, and their
 * sums: the last row's alive term and its derivatives, the log-likelihood
 * and its gradient so far.
 */
typedef struct RowSums
{
	const double *param;
	bool		with_grad;
	double		alive;
	double		alive_grad[4];
	double		ll;
	double		total[4];
} RowSums;

/* Starts sums for the rows of the likelihood at param. */
static void
row_sums_start(RowSums *sums, const double *param, bool with_grad)
{
	memset(sums, 0, sizeof(*sums));
	sums->param = param;
	sums->with_grad = with_grad;
}

/*
 * The terms of each distinct x of index at param: log Gamma(r + x) /
 * Gamma(r), its derivative in r when grad, and log_dying_share, whose
 * logarithms of r + s + x are taken in one vector call.
 */
static void
x_terms(const double *param, PairIndex *index, bool grad)
{
	double		r = param[0],
				s = param[2],
				log_s = log(s);

	/* Gamma(r) once where the ratio subtracts */
	bool		direct = r < CLV_SPECIAL_RATIO_SERIES_FROM;
	double		lgamma_r = direct ? lgamma(r) : 0.0,
				psi_r = direct && grad ? clv_special_digamma(r) : 0.0;
	size_t		i;

	for (i = 0; i < index->nxs; i++)
	{
		double		x = index->xs[i];

		/* exact where r is in the millions */
		index->gamma_ratio[i] = direct ? lgamma(r + x) - lgamma_r :
			clv_special_lgamma_ratio(r, x);
		index->psi_ratio[i] = !grad ? 0.0 : direct ?
			clv_special_digamma(r + x) - psi_r :
			clv_special_digamma_ratio(r, x);
		index->log_share[i] = r + s + x;
	}
	clv_vec_log(index->log_share, index->log_share, index->nxs);
	for (i = 0; i < index->nxs; i++)
		index->log_share[i] = log_s - index->log_share[i];
}

/*
 * Adds to sums the terms of the n rows from rows[first] on, indexed in
 * index with their pairs' F and their x's terms (batch, empty and at the
 * same parameters, takes their drops): the alive term of each from its
 * (x, t) pair (from the row before where (x, t) is the same, for
 * t_x = t), the dying term from F(t_x) alone where F(t) is negligible, by
 * quadrature where the two are too close for their difference, else their
 * difference, and the log of the sum of the two; the logarithms and
 * exponentials of each step over the rows in one vector call.
 */
static void
rows_block(const ClvTxRow *rows, size_t first, int n, const PairIndex *index,
		   DropBatch *batch, RowSums *sums)
{
	const double *param = sums->param;
	double		r = param[0],
				s = param[2];
	bool		with_grad = sums->with_grad;
	double		alive[ROW_BLOCK],
				alive_grad[ROW_BLOCK][4],
				dying[ROW_BLOCK],
				dying_grad[ROW_BLOCK][4];

	/* the rows whose dying term is by quadrature, or a difference */
	bool		by_drop[ROW_BLOCK];
	int			differences[ROW_BLOCK],
				ndifferences = 0;
	double		gap[ROW_BLOCK],
				q[ROW_BLOCK],
				rest[ROW_BLOCK],
				joint[ROW_BLOCK],
				w_dying[ROW_BLOCK],
				ll,
				total[4];
	int			j,
				m,
				k;

	for (j = 0; j < n; j++)
	{
		size_t		i = first + j;
		const ClvTxRow *row = &rows[i];

		if (row->t_x < row->t)
		{
			const double *kept = &index->alive[5 * index->row_pair[2 * i + 1]];

			sums->alive = kept[0];
			if (with_grad)
				memcpy(sums->alive_grad, &kept[1], sizeof(sums->alive_grad));
		}
		else if (i == 0 || row->x != rows[i - 1].x || row->t != rows[i - 1].t)
			sums->alive = log_alive_term(param, row->x, row->t,
										 with_grad ? sums->alive_grad : NULL);
		alive[j] = sums->alive;
		memcpy(alive_grad[j], sums->alive_grad, sizeof(alive_grad[j]));

		dying[j] = -INFINITY;
		by_drop[j] = false;
		if (row->t_x < row->t)
		{
			size_t		at_tx = index->row_pair[2 * i],
						at_t = index->row_pair[2 * i + 1];

			if (!(index->needs[at_t] & NEEDS_F))
			{
				/* F(t) negligible: F(t_x) is the dying term */
				dying[j] = index->log_f[at_tx];
				memcpy(dying_grad[j], &index->grad_f[4 * at_tx], sizeof(dying_grad[j]));
			}
			else if (index->log_f[at_tx] - index->log_f[at_t] < DROP_BY_QUADRATURE &&
					 drop_batch_add(batch, row->x, row->t_x, row->t,
									DROP_MAX_PIECES, &dying[j],
									with_grad ? dying_grad[j] : NULL))
				by_drop[j] = true;
			else
				differences[ndifferences++] = j;
		}
	}
	drop_batch_flush(batch);
	for (j = 0; j < n; j++)
		if (by_drop[j] && isnan(dying[j]))
			differences[ndifferences++] = j;

	/*
	 * with q = F(t) / F(t_x) and 1 - q = -expm1(log F(t) - log F(t_x)),
	 * log(F(t_x) - F(t)) = log F(t_x) + log(1 - q) and d log(F(t_x) - F(t))
	 * = (dF(t_x) - q dF(t)) / (1 - q)
	 */
	for (m = 0, k = 0; k < ndifferences; k++)
	{
		size_t		i = first + differences[k];
		double		log_f_tx = index->log_f[index->row_pair[2 * i]],
					log_f_t = index->log_f[index->row_pair[2 * i + 1]];

		if (!log_drop_special(log_f_tx, log_f_t, &dying[differences[k]]))
		{
			differences[m] = differences[k];
			gap[m++] = log_f_t - log_f_tx;
		}
	}
	ndifferences = m;
	clv_vec_exp(gap, q, ndifferences);
	clv_vec_expm1(gap, rest, ndifferences);
	for (k = 0; k < ndifferences; k++)
		rest[k] = -rest[k];
	clv_vec_log(rest, gap, ndifferences);
	for (k = 0; k < ndifferences; k++)
	{
		size_t		i = first + differences[k],
					at_tx = index->row_pair[2 * i],
					at_t = index->row_pair[2 * i + 1];
		double		per_drop = 1.0 / rest[k];

		j = differences[k];
		dying[j] = index->log_f[at_tx] + gap[k];
		for (m = 0; with_grad && m < 4; m++)
			dying_grad[j][m] = (index->grad_f[4 * at_tx + m] -
								q[k] * index->grad_f[4 * at_t + m]) * per_drop;
	}

	/* times s / A, and log(exp(alive) + exp(dying)) */
	for (j = 0; j < n; j++)
	{
		double		x = rows[first + j].x;

		if (dying[j] > -INFINITY)
		{
			dying[j] += index->log_share[index->row_x[first + j]];
			if (with_grad)
			{
				dying_grad[j][0] -= 1.0 / (r + s + x);
				dying_grad[j][2] += 1.0 / s - 1.0 / (r + s + x);
			}
		}
		joint[j] = alive[j] > dying[j] ? dying[j] - alive[j] : alive[j] - dying[j];
	}
	clv_vec_exp(joint, joint, n);
	clv_vec_log1p(joint, joint, n);
	for (j = 0; j < n; j++)
	{
		double		hi = alive[j] > dying[j] ? alive[j] : dying[j];

		joint[j] = hi == -INFINITY ? -INFINITY : hi + joint[j];
		w_dying[j] = dying[j] - joint[j];
	}
	if (with_grad)
		clv_vec_exp(w_dying, w_dying, n);
	/* the sums in registers over the block */
	ll = sums->ll;
	memcpy(total, sums->total, sizeof(total));
	for (j = 0; j < n; j++)
	{
		double		count = rows[first + j].count;
		size_t		at_x = index->row_x[first + j];

		ll += count * (index->gamma_ratio[at_x] + joint[j]);
		if (!with_grad)
			continue;
		total[0] += count * index->psi_ratio[at_x];
		for (k = 0; k < 4; k++)
			total[k] += count * ((1.0 - w_dying[j]) * alive_grad[j][k] +
								 (w_dying[j] > 0.0 ? w_dying[j] * dying_grad[j][k] : 0.0));
	}
	sums->ll = ll;
	memcpy(sums->total, total, sizeof(total));
}

/*
 * The log-likelihood of rows at param, F evaluated once per distinct pair
 * that needs it (the parts of its 2F1 that depend on x only once per x),
 * the alive term once per distinct (x, t), and when grad is not NULL its
 * derivatives in (r, alpha, s, beta).
 */
static double
indexed_ll(const double *param, const ClvTxRow *rows, size_t nrows,
		   PairIndex *index, long limit, double *grad)
{
	double		alpha = param[1],
				beta = param[3];
	ClvHyp2f1Shared shared;
	DropBatch	batch;
	RowSums		sums;
	size_t		i;
	int			k;

	/*
	 * what the rows need: F at t_x, F at t where it is not negligible, the
	 * alive term at t
	 */
	memset(index->needs, 0, index->npairs);
	for (i = 0; i < nrows; i++)
		if (rows[i].t_x < rows[i].t)
		{
			index->needs[index->row_pair[2 * i]] |= NEEDS_F;
			index->needs[index->row_pair[2 * i + 1]] |= NEEDS_ALIVE;
			if (!f_t_negligible(param, rows[i].x, rows[i].t_x, rows[i].t))
				index->needs[index->row_pair[2 * i + 1]] |= NEEDS_F;
		}

	/*
	 * F of a pair from F of the next pair of the same x (they are sorted)
	 * where the argument of F's 2F1 is not small (its series is then the
	 * cheaper) and the drop between them takes few pieces, which makes the
	 * next needed: the drops first, in batches, each kept where its pair's
	 * F goes (NaN where not taken)
	 */
	drop_batch_start(&batch, param);
	for (i = 0; i < index->npairs; i++)
	{
		const PairRef *pair = &index->pairs[i];

		index->log_f[i] = NAN;
		if ((index->needs[i] & NEEDS_F) && i + 1 < index->npairs &&
			index->pairs[i + 1].x == pair->x &&
			fabs(alpha - beta) >= CHAIN_MIN_Z * (fmax(alpha, beta) + pair->tau) &&
			drop_batch_add(&batch, pair->x, pair->tau, index->pairs[i + 1].tau,
						   CHAIN_MAX_PIECES, &index->log_f[i],
						   grad ? &index->grad_f[4 * i] : NULL))
			index->needs[i + 1] |= NEEDS_F;
	}
	drop_batch_flush(&batch);
	alive_pairs(param, index, grad != NULL);

	/*
	 * then F of each needed pair from the latest, from its 2F1 where not
	 * from the next; a pair out of reach makes the likelihood NaN: the rest
	 * need not be tried; the pairs of one x (in a row) share the b and c of
	 * their 2F1
	 */
	clv_special_hyp2f1_shared_reset(&shared);
	for (i = index->npairs; i-- > 0;)
	{
		if (!(index->needs[i] & NEEDS_F))
			continue;
		if (!isnan(index->log_f[i]) && index->log_f[i + 1] < INFINITY)
		{
			/*
			 * from the next: the run of pairs down from i that take F so,
			 * within CHAIN_BLOCK pairs and CHAIN_RANGE
			 */
			double		first = fmax(index->log_f[i + 1], index->log_f[i]),
						top = first;
			size_t		low = i;

			while (low > 0 && i - low + 1 < CHAIN_BLOCK &&
				   !isnan(index->log_f[low - 1]) &&
				   fmax(top, index->log_f[low - 1]) - first <= CHAIN_RANGE)
				top = fmax(top, index->log_f[--low]);
			chain_block(index, low, i, top, grad != NULL);
			i = low;
			continue;
		}
		index->log_f[i] = log_f(param, index->pairs[i].x, index->pairs[i].tau,
								limit, &shared,
								grad ? &index->grad_f[4 * i] : NULL,
								&index->alive[5 * i]);
		if (isnan(index->log_f[i]))
		{
			for (k = 0; grad != NULL && k < 4; k++)
				grad[k] = NAN;
			return NAN;
		}
	}
	x_terms(param, index, grad != NULL);
	row_sums_start(&sums, param, grad != NULL);
	for (i = 0; i < nrows; i += ROW_BLOCK)
		rows_block(rows, i, (int) (nrows - i < ROW_BLOCK ? nrows - i : ROW_BLOCK),
				   index, &batch, &sums);
	if (grad != NULL)
		memcpy(grad, sums.total, sizeof(sums.total));
	/* +inf is overflow at extreme parameters, never a likelihood */
	return sums.ll < INFINITY ? sums.ll : NAN;
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
 * The parameters at the point theta of a fit's search: the logarithms of
 * each gamma's shape and of its inverse mean, log r, log(alpha / r),
 * log s and log(beta / s).  The likelihood's long ridge, along which s
 * and beta (or r and alpha) grow together towards a model without
 * heterogeneity, runs along an axis there; in log-parameters it runs
 * diagonally, and BFGS took a fifth more iterations to fit random
 * 2,000-row inputs.
 */
static void
param_of_search(const double *theta, double *param)
{
	param[0] = exp(theta[0]);
	param[1] = param[0] * exp(theta[1]);
	param[2] = exp(theta[2]);
	param[3] = param[2] * exp(theta[3]);
}

/*
 * The negative log-likelihood at the search point theta
 * (param_of_search) and its gradient there, for the optimiser; each 2F1
 * within LIKELIHOOD_LIMIT terms or steps.
 */
static double
negative_ll(const double *theta, double *grad, void *arg)
{
	FitData    *data = (FitData *) arg;
	double		param[4];
	double		ll;
	int			i;

	param_of_search(theta, param);
	ll = indexed_ll(param, data->rows, data->nrows, data->index, LIKELIHOOD_LIMIT, grad);
	if (grad != NULL)
	{
		/* in log-parameters, then as log r and log s move alpha and beta */
		for (i = 0; i < 4; i++)
			grad[i] = -grad[i] * param[i];
		grad[0] += grad[1];
		grad[2] += grad[3];
	}
	return -ll;
}

/*
 * Half-width of the box a Pareto/NBD fit searches (param_of_search), in
 * the time unit of the longest customer age: the shapes r and s and the
 * mean rates r / alpha and s / beta within exp(+-20).  A likelihood that
 * keeps rising towards its edge is a limit of the model the data cannot
 * tell from it (no dropout, no heterogeneity), reported as not converged.
 */
#define PNBD_LOG_BOUND 20.0

/*
 * The unit of time a fit of rows works in, the longest customer age t (1
 * where every t is 0), and the search point (param_of_search) where it
 * starts in that unit: r = s = beta = 1 and alpha where the mean purchase
 * rate r / alpha is the data's (alpha = 1 without a repeat purchase).
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

	param_of_search(theta0, param);
	param[1] *= scale;
	param[3] *= scale;
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
	interrupt_arg, PNBD_LOG_BOUND, true, NULL};
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
	{
		/* clv_model_fit's parameters are exp(theta): those of the search */
		clv_model_fit(&problem, theta0, true, fit);
		fit->param[1] *= fit->param[0];
		fit->param[3] *= fit->param[2];
	}
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

	/*
	 * an optimum where the likelihood in the data's own unit meets a 2F1
	 * out of reach (the rounding of the scaled times decided otherwise)
	 * cannot be scored or given standard errors: not converged
	 */
	if (fit->converged)
	{
		clv_pnbd_index(rows, nrows, workspace);
		if (isnan(clv_pnbd_indexed_ll(fit->param, rows, nrows, workspace, NULL)))
			fit->converged = false;
	}
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

/* E[Y(h) | x, t, alive] at each horizon: a closed form each, nothing to share. */
void
clv_pnbd_purchases_if_alive_horizons(const double *param,
									 const double *horizons, int nhorizons,
									 double x, double t, double *if_alive)
{
	int			i;

	for (i = 0; i < nhorizons; i++)
		if_alive[i] = clv_pnbd_purchases_if_alive(param, horizons[i], x, t);
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
