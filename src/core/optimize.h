/*
 * optimize.h -- unconstrained minimisation of a smooth function of at most
 * CLV_OPTIM_MAX_PARAMS variables: Newton's method where its Hessian is
 * known, quasi-Newton BFGS with a backtracking line search, and
 * Nelder-Mead when BFGS fails.
 *
 * The models minimise their negative log-likelihood over the logarithms of
 * their parameters, so the search space is unbounded; the box
 * |theta_i| <= CLV_OPTIM_LOG_BOUND keeps the parameters finite on data that
 * cannot identify them.  All working memory is on the stack; the caller's
 * interrupt callback runs once per iteration and before every evaluation of
 * the function, and may longjmp out (the PostgreSQL glue calls
 * CHECK_FOR_INTERRUPTS there) without leaking.
 */
#ifndef CLV_OPTIMIZE_H
#define CLV_OPTIMIZE_H

#include <stdbool.h>

#define CLV_OPTIM_MAX_PARAMS 4

/* Bound on each |theta_i|: parameters stay within exp(+-30). */
#define CLV_OPTIM_LOG_BOUND 30.0

/*
 * The least curvature of a minimum of a problem that checks curvature, in
 * every direction: at a minimum the function must rise by at least half of
 * this when theta moves by 1 (a parameter by a factor e).  For a negative log-likelihood a flatter
 * direction means the data cannot tell the parameters from a limit of
 * the model (0.005 in log-likelihood is no evidence at all).
 */
#define CLV_OPTIM_MIN_CURVATURE 0.01

/*
 * The function to minimise at theta; when grad is not NULL it also stores
 * the gradient there (only asked for when has_gradient is set).  May return
 * HUGE_VAL or NaN where the function is undefined.
 */
typedef double (*ClvOptimObjective) (const double *theta, double *grad,
									 void *arg);

/*
 * The function to minimise at theta with its gradient into grad and its
 * Hessian into hess (both always asked for); HUGE_VAL or NaN where the
 * function is undefined.
 */
typedef double (*ClvOptimHessian) (const double *theta, double *grad,
								   double hess[][CLV_OPTIM_MAX_PARAMS],
								   void *arg);

typedef struct ClvOptimProblem
{
	int			n;				/* number of variables, 1..4 */
	ClvOptimObjective objective;
	bool		has_gradient;	/* else central finite differences */
	void	   *arg;			/* passed to objective */
	void		(*interrupt) (void *arg);	/* called each iteration and
											 * evaluation, or NULL */
	void	   *interrupt_arg;
	double		bound;			/* the box |theta_i| <= bound; 0 for
								 * CLV_OPTIM_LOG_BOUND */
	bool		check_curvature;	/* stop a search down a valley without
									 * CLV_OPTIM_MIN_CURVATURE */
	ClvOptimHessian hessian;	/* the same function with its Hessian, for
								 * Newton's method first; or NULL */
} ClvOptimProblem;

typedef struct ClvOptimResult
{
	double		theta[CLV_OPTIM_MAX_PARAMS];	/* the minimiser found */
	double		value;			/* the function there */
	int			iterations;		/* Newton, BFGS and Nelder-Mead iterations */
	bool		converged;		/* a stationary point inside the box */
	bool		degenerate;		/* the minimiser found is at the edge of the
								 * box, or the function is flat along some
								 * direction there */
} ClvOptimResult;

/*
 * Whether a function whose Hessian is hessian (n x n, symmetrised here)
 * has curvature of at least CLV_OPTIM_MIN_CURVATURE in every direction.
 */
extern bool clv_optim_curved(int n, const double hessian[][CLV_OPTIM_MAX_PARAMS]);

/*
 * Minimises problem starting at theta0: Newton's method where the problem
 * has a Hessian, BFGS where it has none or Newton's method stopped short of
 * a stationary point, then Nelder-Mead where BFGS stopped inside the box
 * without reaching one; the result is always finite.
 */
extern void clv_optim_minimize(const ClvOptimProblem *problem,
							   const double *theta0, ClvOptimResult *result);

/* The gradient of problem at theta by central differences. */
extern void clv_optim_numeric_gradient(const ClvOptimProblem *problem,
									   const double *theta, double *grad);

#endif							/* CLV_OPTIMIZE_H */
