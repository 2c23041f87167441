/*
 * model.c -- what the fits of the probabilistic models share: whether the
 * data can identify a purchase model, and the step from the optimiser's
 * result to a fit (see model.h).
 */
#include "model.h"

#include <math.h>

#include "optimize.h"

/* Whether any customer repurchased. */
bool
clv_model_has_repeats(const ClvTxRow *rows, size_t nrows)
{
	size_t		i;

	for (i = 0; i < nrows; i++)
		if (rows[i].x > 0 && rows[i].count > 0)
			return true;
	return false;
}

/* Minimises problem from theta0 and reports the fit. */
void
clv_model_fit(const ClvOptimProblem *problem, const double *theta0,
			  bool identified, ClvModelFit *fit)
{
	ClvOptimResult result;
	int			i;

	clv_optim_minimize(problem, theta0, &result);
	for (i = 0; i < CLV_OPTIM_MAX_PARAMS; i++)
		fit->param[i] = i < problem->n ? exp(result.theta[i]) : 0.0;
	fit->ll = -result.value;
	fit->iterations = result.iterations;
	fit->converged = result.converged && identified;
	/* data that cannot identify the model only approach a limit of it */
	fit->degenerate = result.degenerate || !identified;
}
