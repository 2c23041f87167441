/*
 * optimize.c -- Newton's method where the Hessian is known, BFGS with a
 * backtracking line search, and Nelder-Mead as the fallback, for the
 * maximum-likelihood fits of the models.
 *
 * Everything lives in fixed-size arrays on the stack (at most
 * CLV_OPTIM_MAX_PARAMS variables), so an interrupt callback that never
 * returns (a PostgreSQL error) leaves nothing behind.
 */
#include "optimize.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define MAXN CLV_OPTIM_MAX_PARAMS

/* Iteration budgets of the three methods. */
#define NEWTON_MAX_ITERATIONS 100
#define BFGS_MAX_ITERATIONS 1000
#define NM_MAX_ITERATIONS 1000

/*
 * The most times Newton's method multiplies its damping by ten to make a
 * step where the Hessian is not positive definite.
 */
#define NEWTON_MAX_DAMPINGS 30

/* Stationarity: |gradient| <= GRAD_TOL (1 + |value|) in every coordinate. */
#define GRAD_TOL 1e-7

/*
 * The most a stationary point may still be below the optimum as BFGS's
 * model of the function predicts it (half g' H^-1 g): GAIN_TOL, or
 * GAIN_TOL_RELATIVE of the value where that is above the value's rounding.
 * The gradient test alone, relative to the value, let fits of large
 * likelihoods stop on a flat ridge up to 1 below the optimum.
 */
#define GAIN_TOL 1e-6
#define GAIN_TOL_RELATIVE 1e-13

/* Relative and absolute change of the value BFGS counts as no progress. */
#define VALUE_TOL 1e-14

/*
 * A search that lowers the function by less than STALL_TOL (relative)
 * over STALL_ITERATIONS iterations has stalled (crawling along a region
 * where the function cannot be evaluated, or a valley): it stops there.
 */
#define STALL_TOL 1e-10
#define STALL_ITERATIONS 20

/*
 * A change of the value below ROUNDING_TOL (relative) cannot be told from
 * the rounding of a log-likelihood summed over many rows: there the line
 * search judges a step by its derivative (see armijo_by_slope).
 */
#define ROUNDING_TOL 1e-12

/* The line search's sufficient decrease (Armijo) and curvature constants. */
#define ARMIJO_DECREASE 1e-4
#define WOLFE_CURVATURE 0.9

/* Longest step in any coordinate of theta per line search. */
#define MAX_STEP 2.0

/*
 * Shortest step the line search tries from a point near the edge of the
 * box (not interior), where the fit is degenerate whatever it finds: below
 * it, a parameter moves by less than the function's rounding can tell
 * (typically at the edge, pushing outwards).  From interior points it
 * backtracks as far as it takes.
 */
#define EDGE_MIN_STEP 1e-10

/* Finite-difference step in theta (the log of a parameter). */
#define FD_STEP 1e-5

/*
 * A BFGS step at least this long in some coordinate that lowers the
 * function by less than CLV_OPTIM_MIN_CURVATURE makes the search check
 * its curvature along the step, and in every direction at most every
 * FLAT_CHECK_EVERY iterations.
 */
#define FLAT_STEP 0.25
#define FLAT_CHECK_EVERY 3

/* The half-width of problem's box. */
static double
box_of(const ClvOptimProblem *problem)
{
	return problem->bound > 0.0 ? problem->bound : CLV_OPTIM_LOG_BOUND;
}

/* Whether theta is inside the box where the objective is evaluated. */
static bool
inside_box(const ClvOptimProblem *problem, const double *theta)
{
	int			i;

	for (i = 0; i < problem->n; i++)
		if (!(fabs(theta[i]) <= box_of(problem)))
			return false;
	return true;
}

/* Whether theta keeps a margin from the box, i.e. it is a true interior point. */
static bool
interior(const ClvOptimProblem *problem, const double *theta)
{
	int			i;

	for (i = 0; i < problem->n; i++)
		if (!(fabs(theta[i]) < box_of(problem) - 1.0))
			return false;
	return true;
}

/* Calls the caller's interrupt callback, if any. */
static void
check_interrupt(const ClvOptimProblem *problem)
{
	if (problem->interrupt)
		problem->interrupt(problem->interrupt_arg);
}

/* The objective at theta, HUGE_VAL outside the box or where undefined. */
static double
value_at(const ClvOptimProblem *problem, const double *theta)
{
	double		f;

	if (!inside_box(problem, theta))
		return HUGE_VAL;
	check_interrupt(problem);
	f = problem->objective(theta, NULL, problem->arg);
	return isfinite(f) ? f : HUGE_VAL;
}

/* The gradient of problem at theta by central differences. */
void
clv_optim_numeric_gradient(const ClvOptimProblem *problem,
						   const double *theta, double *grad)
{
	double		probe[MAXN];
	int			i;

	memcpy(probe, theta, sizeof(double) * problem->n);
	for (i = 0; i < problem->n; i++)
	{
		double		up,
					down;

		probe[i] = theta[i] + FD_STEP;
		up = problem->objective(probe, NULL, problem->arg);
		probe[i] = theta[i] - FD_STEP;
		down = problem->objective(probe, NULL, problem->arg);
		probe[i] = theta[i];
		grad[i] = (up - down) / (2.0 * FD_STEP);
	}
}

/* The objective and its gradient (analytic or numeric) at theta. */
static double
value_and_gradient(const ClvOptimProblem *problem, const double *theta,
				   double *grad)
{
	double		f;
	int			i;

	if (!inside_box(problem, theta))
		return HUGE_VAL;
	check_interrupt(problem);
	if (problem->has_gradient)
		f = problem->objective(theta, grad, problem->arg);
	else
	{
		f = problem->objective(theta, NULL, problem->arg);
		if (isfinite(f))
			clv_optim_numeric_gradient(problem, theta, grad);
	}
	if (!isfinite(f))
		return HUGE_VAL;
	for (i = 0; i < problem->n; i++)
		if (!isfinite(grad[i]))
			return HUGE_VAL;
	return f;
}

/*
 * The objective, its gradient and its Hessian at theta, HUGE_VAL outside
 * the box or where any of them is undefined.
 */
static double
value_gradient_hessian(const ClvOptimProblem *problem, const double *theta,
					   double *grad, double hess[][MAXN])
{
	double		f;
	int			i,
				j;

	if (!inside_box(problem, theta))
		return HUGE_VAL;
	check_interrupt(problem);
	f = problem->hessian(theta, grad, hess, problem->arg);
	if (!isfinite(f))
		return HUGE_VAL;
	for (i = 0; i < problem->n; i++)
	{
		if (!isfinite(grad[i]))
			return HUGE_VAL;
		for (j = 0; j < problem->n; j++)
			if (!isfinite(hess[i][j]))
				return HUGE_VAL;
	}
	return f;
}

/*
 * The Cholesky factor l (lower triangle) of the symmetric part of a plus
 * shift times the identity; false where that is not positive definite.
 */
static bool
cholesky(int n, const double a[][MAXN], double shift, double l[][MAXN])
{
	int			i,
				j,
				k;

	for (i = 0; i < n; i++)
		for (j = 0; j <= i; j++)
		{
			double		sum = 0.5 * (a[i][j] + a[j][i]) + (i == j ? shift : 0.0);

			for (k = 0; k < j; k++)
				sum -= l[i][k] * l[j][k];
			if (i == j)
			{
				if (!(sum > 0.0))
					return false;
				l[i][i] = sqrt(sum);
			}
			else
				l[i][j] = sum / l[j][j];
		}
	return true;
}

/*
 * The Newton step damped by lambda: p solving (hess + lambda I) p = -grad
 * (hess symmetrised); false where that matrix is not positive definite.
 */
static bool
damped_newton_step(int n, const double hess[][MAXN], double lambda,
				   const double *grad, double *p)
{
	double		l[MAXN][MAXN],
				y[MAXN];
	int			i,
				k;

	if (!cholesky(n, hess, lambda, l))
		return false;
	for (i = 0; i < n; i++)
	{
		double		sum = -grad[i];

		for (k = 0; k < i; k++)
			sum -= l[i][k] * y[k];
		y[i] = sum / l[i][i];
	}
	for (i = n - 1; i >= 0; i--)
	{
		double		sum = y[i];

		for (k = i + 1; k < n; k++)
			sum -= l[k][i] * p[k];
		p[i] = sum / l[i][i];
	}
	for (i = 0; i < n; i++)
		if (!isfinite(p[i]))
			return false;
	return true;
}

/* Records theta, where the function is f, as the search's point. */
static void
keep_point(ClvOptimResult *result, int n, const double *theta, double f)
{
	memcpy(result->theta, theta, sizeof(double) * n);
	result->value = f;
}

/* Whether grad is small enough for f to count as stationary. */
static bool
is_stationary(int n, const double *grad, double f, double tol)
{
	int			i;

	for (i = 0; i < n; i++)
		if (!(fabs(grad[i]) <= tol * (1.0 + fabs(f))))
			return false;
	return true;
}

/*
 * Whether BFGS's quadratic model, inverse Hessian h, predicts at most
 * GAIN_TOL (or GAIN_TOL_RELATIVE of f) still to gain from the point whose
 * value is f and gradient grad.
 */
static bool
little_to_gain(int n, const double h[][MAXN], const double *grad, double f)
{
	double		gain = 0.0;
	int			i,
				j;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			gain += 0.5 * grad[i] * h[i][j] * grad[j];
	return gain <= fmax(GAIN_TOL, GAIN_TOL_RELATIVE * fabs(f));
}

/*
 * Whether the function has curvature of at least CLV_OPTIM_MIN_CURVATURE
 * in every direction at theta, where its gradient is at: the Hessian, by
 * forward differences of the gradient, minus that much times the identity
 * has a Cholesky factor.  Only with an analytic gradient (differences of
 * differences are too coarse); without one every point passes.
 */
static bool
has_curvature(const ClvOptimProblem *problem, const double *theta,
			  const double *at)
{
	int			n = problem->n;
	double		h[MAXN][MAXN];
	double		probe[MAXN],
				up[MAXN];
	const double step = 1e-4;
	int			i,
				j;

	if (!problem->has_gradient)
		return true;
	memcpy(probe, theta, sizeof(double) * n);
	for (j = 0; j < n; j++)
	{
		probe[j] = theta[j] + step;
		if (value_and_gradient(problem, probe, up) == HUGE_VAL)
			return true;		/* at the edge: judged by the box */
		probe[j] = theta[j];
		for (i = 0; i < n; i++)
			h[i][j] = (up[i] - at[i]) / step;
	}
	return clv_optim_curved(n, h);
}

/* See optimize.h. */
bool
clv_optim_curved(int n, const double hessian[][CLV_OPTIM_MAX_PARAMS])
{
	double		l[MAXN][MAXN];

	return cholesky(n, hessian, -CLV_OPTIM_MIN_CURVATURE, l);
}

/*
 * Whether a step whose value is within the rounding of the start's meets
 * the Armijo condition as its derivatives tell: Hager and Zhang's
 * approximate Wolfe conditions, sigma phi'(0) <= phi'(step) <= (2 delta -
 * 1) phi'(0), where phi is the function along the search direction and
 * the right-hand inequality is the Armijo condition of the quadratic
 * through phi'(0) and phi'(step).  Comparing values there would follow
 * their rounding, and halve a good step again and again.
 */
static bool
armijo_by_slope(int n, const double *gradient, const double *direction,
				double slope)
{
	double		slope_there = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		slope_there += gradient[i] * direction[i];
	return slope_there >= WOLFE_CURVATURE * slope &&
		slope_there <= (2.0 * ARMIJO_DECREASE - 1.0) * slope;
}

/*
 * Backtracks from x, where the function is f, along p (slope its
 * derivative there) from step, halving it until the Armijo condition
 * holds (or, within the rounding of f, its form by slopes), at most 60
 * times and, from a point near the edge of the box (near_edge), not below
 * a move of EDGE_MIN_STEP in the longest coordinate (longest the largest
 * |p_i|).  Returns whether a step was accepted: then the point is in xn,
 * its value in *fn, its gradient in gn and, when hn is not NULL, its
 * Hessian in hn, all from one evaluation there.
 */
static bool
backtrack(const ClvOptimProblem *problem, const double *x, double f,
		  const double *p, double slope, double step, bool near_edge,
		  double longest, double *xn, double *fn, double *gn, double hn[][MAXN])
{
	int			n = problem->n;
	int			i,
				tries;

	for (tries = 0; tries < 60 && !(near_edge && step * longest < EDGE_MIN_STEP); tries++)
	{
		for (i = 0; i < n; i++)
			xn[i] = x[i] + step * p[i];
		*fn = hn != NULL ? value_gradient_hessian(problem, xn, gn, hn) :
			value_and_gradient(problem, xn, gn);
		if (*fn <= f + ARMIJO_DECREASE * step * slope ||
			(fabs(*fn - f) <= ROUNDING_TOL * (1.0 + fabs(f)) &&
			 armijo_by_slope(n, gn, p, slope)))
			return true;
		step *= 0.5;
	}
	return false;
}

/*
 * Newton's method from result->theta with the problem's Hessian: the
 * Newton step where the Hessian is positive definite, else that of the
 * Hessian plus the first multiple of the identity, growing tenfold from a
 * millionth of its largest diagonal entry, that is (Levenberg and
 * Marquardt's damping); each backtracked until the Armijo condition holds
 * (judged as BFGS judges its steps).  Returns true at a
 * stationary point where the Hessian, positive definite, predicts at most
 * GAIN_TOL still to gain (BFGS's test, with the true Hessian for its
 * model); false, for BFGS to go on from result->theta (the best point so
 * far), when a point leaves the interior of the box (degenerate fits are
 * BFGS's to judge), no damping makes a step, the line search fails or the
 * iterations run out.
 */
static bool
newton(const ClvOptimProblem *problem, ClvOptimResult *result)
{
	int			n = problem->n;
	double		x[MAXN],
				g[MAXN],
				h[MAXN][MAXN],
				f;
	int			iter;

	memcpy(x, result->theta, sizeof(double) * n);
	f = value_gradient_hessian(problem, x, g, h);
	if (f == HUGE_VAL)
		return false;
	for (iter = 0; iter < NEWTON_MAX_ITERATIONS; iter++)
	{
		double		p[MAXN],
					xn[MAXN],
					gn[MAXN],
					hn[MAXN][MAXN];
		double		slope = 0.0,
					longest = 0.0,
					step = 1.0,
					lambda = 0.0,
					fn = HUGE_VAL;
		int			i,
					tries;

		check_interrupt(problem);
		result->iterations++;
		keep_point(result, n, x, f);
		if (!interior(problem, x))
			return false;
		if (damped_newton_step(n, h, 0.0, g, p))
		{
			double		gain = 0.0;

			for (i = 0; i < n; i++)
				gain -= 0.5 * g[i] * p[i];
			if (is_stationary(n, g, f, GRAD_TOL) &&
				gain <= fmax(GAIN_TOL, GAIN_TOL_RELATIVE * fabs(f)))
				return true;
		}
		else
		{
			for (i = 0; i < n; i++)
				lambda = fmax(lambda, fabs(h[i][i]));
			lambda = lambda > 0.0 ? 1e-6 * lambda : 1.0;
			for (tries = 0; !damped_newton_step(n, h, lambda, g, p); tries++)
			{
				if (tries == NEWTON_MAX_DAMPINGS)
					return false;
				lambda *= 10.0;
			}
		}
		for (i = 0; i < n; i++)
		{
			slope += p[i] * g[i];
			longest = fmax(longest, fabs(p[i]));
		}
		if (!(slope < 0.0))
			return false;
		if (longest > MAX_STEP)
			step = MAX_STEP / longest;
		if (!backtrack(problem, x, f, p, slope, step, false, longest, xn, &fn, gn, hn))
			return false;
		if (fabs(f - fn) <= VALUE_TOL * (1.0 + fabs(f)))
		{
			keep_point(result, n, xn, fn);
			return is_stationary(n, gn, fn, GRAD_TOL * 100);
		}
		memcpy(x, xn, sizeof(double) * n);
		memcpy(g, gn, sizeof(double) * n);
		memcpy(h, hn, sizeof(h));
		f = fn;
	}
	keep_point(result, n, x, f);
	return false;
}

/*
 * BFGS on the inverse Hessian from result->theta.  Returns true when it
 * reached a stationary point; result holds the best point either way.
 * When the problem checks curvature: where the function falls by less than
 * the least curvature in a step into the margin of the box, or in a step
 * of at least FLAT_STEP along which, or at whose end in some direction,
 * it has less curvature than that, the search is walking down a valley
 * that never ends (a limit of the model): it stops and sets
 * result->degenerate.  (Whether a stationary point has that curvature is
 * for the caller's inference to judge: clv_mle_check_maximum, on the
 * Hessian its standard errors come from.)
 */
static bool
bfgs(const ClvOptimProblem *problem, ClvOptimResult *result)
{
	int			n = problem->n;
	double		h[MAXN][MAXN];
	double		x[MAXN],
				g[MAXN],
				p[MAXN],
				xn[MAXN],
				gn[MAXN],
				s[MAXN],
				y[MAXN],
				hy[MAXN];
	double		f,
				stall_from = HUGE_VAL;
	int			i,
				j,
				iter,
				flat_checked = -FLAT_CHECK_EVERY;
	bool		scaled = false;

	memcpy(x, result->theta, sizeof(double) * n);
	f = value_and_gradient(problem, x, g);
	if (f == HUGE_VAL)
	{
		/* (the value alone may be finite where the gradient is not) */
		result->value = value_at(problem, x);
		return false;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			h[i][j] = (i == j);

	for (iter = 0; iter < BFGS_MAX_ITERATIONS; iter++)
	{
		double		slope = 0.0,
					longest = 0.0,
					step = 1.0,
					fn = HUGE_VAL,
					sy = 0.0,
					yhy = 0.0;

		check_interrupt(problem);
		result->iterations++;
		keep_point(result, n, x, f);
		if (is_stationary(n, g, f, GRAD_TOL) && little_to_gain(n, h, g, f))
			return true;

		/* search direction; restart from steepest descent if not downhill */
		for (i = 0; i < n; i++)
		{
			p[i] = 0.0;
			for (j = 0; j < n; j++)
				p[i] -= h[i][j] * g[j];
			slope += p[i] * g[i];
		}
		if (!(slope < 0.0))
		{
			slope = 0.0;
			for (i = 0; i < n; i++)
			{
				for (j = 0; j < n; j++)
					h[i][j] = (i == j);
				p[i] = -g[i];
				slope -= g[i] * g[i];
			}
		}
		for (i = 0; i < n; i++)
			if (fabs(p[i]) > longest)
				longest = fabs(p[i]);
		if (longest > MAX_STEP)
			step = MAX_STEP / longest;

		/* backtracking until the Armijo condition holds */
		if (!backtrack(problem, x, f, p, slope, step, !interior(problem, x), longest,
					   xn, &fn, gn, NULL))
			return false;

		for (i = 0; i < n; i++)
		{
			s[i] = xn[i] - x[i];
			y[i] = gn[i] - g[i];
			sy += s[i] * y[i];
		}
		if (problem->check_curvature && f - fn < CLV_OPTIM_MIN_CURVATURE)
		{
			double		longest_step = 0.0,
						ss = 0.0;
			bool		flat;

			for (i = 0; i < n; i++)
			{
				longest_step = fmax(longest_step, fabs(s[i]));
				ss += s[i] * s[i];
			}

			/*
			 * a valley without end: the step went into the margin of the
			 * box, where the likelihood of a parameter running off to a
			 * limit of the model rounds to noise that BFGS would follow
			 * forever; or, in a long step, the function is flat along the
			 * step on average (sy / ss, free and, as the step runs along
			 * the valley, untouched by the noise of the gradient's other
			 * components), or in some direction at the new point
			 */
			flat = !interior(problem, xn);
			if (!flat && longest_step >= FLAT_STEP)
			{
				flat = sy < CLV_OPTIM_MIN_CURVATURE * ss;
				if (!flat && iter - flat_checked >= FLAT_CHECK_EVERY)
				{
					flat_checked = iter;
					flat = !has_curvature(problem, xn, gn);
				}
			}
			if (flat)
			{
				keep_point(result, n, xn, fn);
				result->degenerate = true;
				return false;
			}
		}
		if (fabs(f - fn) <= VALUE_TOL * (1.0 + fabs(f)))
		{
			keep_point(result, n, xn, fn);
			return is_stationary(n, gn, fn, GRAD_TOL * 100);
		}
		memcpy(x, xn, sizeof(double) * n);
		memcpy(g, gn, sizeof(double) * n);
		f = fn;
		if (iter % STALL_ITERATIONS == 0)
		{
			if (iter > 0 && stall_from - f <= STALL_TOL * (1.0 + fabs(f)))
				break;
			stall_from = f;
		}

		/* BFGS update of the inverse Hessian, skipped without curvature */
		if (sy <= 1e-12)
			continue;
		if (!scaled)
		{
			double		yy = 0.0;

			for (i = 0; i < n; i++)
				yy += y[i] * y[i];
			for (i = 0; i < n; i++)
				for (j = 0; j < n; j++)
					h[i][j] = (i == j) ? sy / yy : 0.0;
			scaled = true;
		}
		for (i = 0; i < n; i++)
		{
			hy[i] = 0.0;
			for (j = 0; j < n; j++)
				hy[i] += h[i][j] * y[j];
			yhy += y[i] * hy[i];
		}
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				h[i][j] += ((sy + yhy) * s[i] * s[j]) / (sy * sy) -
					(hy[i] * s[j] + s[i] * hy[j]) / sy;
	}
	keep_point(result, n, x, f);
	return false;
}

/*
 * Nelder-Mead from result->theta.  Returns true when the simplex collapsed
 * onto a point (or stalled with all its vertices at one value); result
 * holds the best vertex either way.
 */
static bool
nelder_mead(const ClvOptimProblem *problem, ClvOptimResult *result)
{
	int			n = problem->n;
	double		v[MAXN + 1][MAXN];
	double		fv[MAXN + 1];
	double		stall_from = HUGE_VAL;
	int			i,
				j,
				iter;
	bool		collapsed = false;

	for (i = 0; i <= n; i++)
	{
		memcpy(v[i], result->theta, sizeof(double) * n);
		if (i > 0)
			v[i][i - 1] += (v[i][i - 1] > 0 ? -0.5 : 0.5);
		fv[i] = value_at(problem, v[i]);
	}

	for (iter = 0; iter < NM_MAX_ITERATIONS; iter++)
	{
		double		centroid[MAXN],
					xr[MAXN],
					xe[MAXN],
					xc[MAXN];
		double		fr,
					fe,
					fc,
					size = 0.0;
		int			best = 0,
					worst = 0,
					second = 0;

		check_interrupt(problem);
		result->iterations++;
		for (i = 1; i <= n; i++)
		{
			if (fv[i] < fv[best])
				best = i;
			if (fv[i] > fv[worst])
				worst = i;
		}
		second = best;
		for (i = 0; i <= n; i++)
			if (i != worst && fv[i] > fv[second])
				second = i;
		for (i = 0; i <= n; i++)
			for (j = 0; j < n; j++)
				if (fabs(v[i][j] - v[best][j]) > size)
					size = fabs(v[i][j] - v[best][j]);
		if (fv[worst] - fv[best] <= 1e-12 * (1.0 + fabs(fv[best])) && size < 1e-8)
		{
			collapsed = true;
			break;
		}
		/* stalled: done when the simplex is flat, else given up */
		if (iter % (5 * STALL_ITERATIONS) == 0)
		{
			if (iter > 0 && stall_from - fv[best] <= STALL_TOL * (1.0 + fabs(fv[best])))
			{
				collapsed = fv[worst] - fv[best] <= 1e-12 * (1.0 + fabs(fv[best]));
				break;
			}
			stall_from = fv[best];
		}

		for (j = 0; j < n; j++)
		{
			centroid[j] = 0.0;
			for (i = 0; i <= n; i++)
				if (i != worst)
					centroid[j] += v[i][j] / n;
			xr[j] = centroid[j] + (centroid[j] - v[worst][j]);
		}
		fr = value_at(problem, xr);
		if (fr < fv[best])
		{
			for (j = 0; j < n; j++)
				xe[j] = centroid[j] + 2.0 * (centroid[j] - v[worst][j]);
			fe = value_at(problem, xe);
			if (fe < fr)
			{
				memcpy(v[worst], xe, sizeof(double) * n);
				fv[worst] = fe;
			}
			else
			{
				memcpy(v[worst], xr, sizeof(double) * n);
				fv[worst] = fr;
			}
			continue;
		}
		if (fr < fv[second])
		{
			memcpy(v[worst], xr, sizeof(double) * n);
			fv[worst] = fr;
			continue;
		}
		for (j = 0; j < n; j++)
			xc[j] = centroid[j] + 0.5 * (v[worst][j] - centroid[j]);
		fc = value_at(problem, xc);
		if (fc < fv[worst])
		{
			memcpy(v[worst], xc, sizeof(double) * n);
			fv[worst] = fc;
			continue;
		}
		/* shrink towards the best vertex */
		for (i = 0; i <= n; i++)
		{
			if (i == best)
				continue;
			for (j = 0; j < n; j++)
				v[i][j] = v[best][j] + 0.5 * (v[i][j] - v[best][j]);
			fv[i] = value_at(problem, v[i]);
		}
	}

	j = 0;
	for (i = 1; i <= n; i++)
		if (fv[i] < fv[j])
			j = i;
	if (fv[j] < result->value)
	{
		keep_point(result, n, v[j], fv[j]);
	}
	return collapsed;
}

/*
 * Minimises problem from theta0: Newton's method where it has a Hessian,
 * BFGS where that has not converged, then Nelder-Mead if BFGS failed.
 */
void
clv_optim_minimize(const ClvOptimProblem *problem, const double *theta0,
				   ClvOptimResult *result)
{
	int			n = problem->n;
	int			i;

	memset(result, 0, sizeof(*result));
	for (i = 0; i < n; i++)
		result->theta[i] = fmax(-box_of(problem), fmin(box_of(problem), theta0[i]));

	result->converged = (problem->hessian != NULL && newton(problem, result)) ||
		bfgs(problem, result);
	/*
	 * where BFGS ran to the edge of the box, or down a valley without end,
	 * the function falls towards a limit: no point in searching on
	 */
	if (!result->converged && !result->degenerate && interior(problem, result->theta))
	{
		double		grad[MAXN];

		if (nelder_mead(problem, result) &&
			value_and_gradient(problem, result->theta, grad) < HUGE_VAL)
			result->converged = is_stationary(n, grad, result->value,
											  GRAD_TOL * 1000);
	}
	result->degenerate = result->degenerate || !interior(problem, result->theta);
	result->converged = result->converged && !result->degenerate &&
		isfinite(result->value);
}
