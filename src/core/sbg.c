/*
 * sbg.c -- the shifted-beta-geometric model (see sbg.h): likelihood and
 * gradient through log-beta functions and digamma, fit through mle.c,
 * retention projections and the discounted expected residual lifetime.
 */
#include "sbg.h"

#include <math.h>
#include <stddef.h>

#include "mle.h"
#include "special.h"

/* The survivor counts of a cohort as rows. */
int
clv_sbg_rows_from_survivors(const double *survivors, int nsurvivors,
							ClvSbgRow *rows)
{
	int			t;

	if (nsurvivors < 1)
		return -1;
	for (t = 0; t < nsurvivors; t++)
		if (!(isfinite(survivors[t]) && survivors[t] >= 0) ||
			(t > 0 && !(survivors[t] <= survivors[t - 1])))
			return -1;
	for (t = 1; t < nsurvivors; t++)
	{
		rows[t - 1].periods = t;
		rows[t - 1].churned = true;
		rows[t - 1].count = survivors[t - 1] - survivors[t];
	}
	rows[nsurvivors - 1].periods = nsurvivors - 1;
	rows[nsurvivors - 1].churned = false;
	rows[nsurvivors - 1].count = survivors[nsurvivors - 1];
	return nsurvivors;
}

/* The input rules of a row. */
const char *
clv_sbg_row_problem(const ClvSbgRow *row)
{
	if (!(isfinite(row->periods) && row->periods >= 0 &&
		  row->periods == floor(row->periods)))
		return "periods must be a non-negative integer";
	if (row->churned && row->periods < 1)
		return "a churned customer must have been observed for at least one period";
	if (!(isfinite(row->count) && row->count >= 0))
		return "the count of customers must be finite and non-negative";
	return NULL;
}

/*
 * The sBG log-likelihood: churned rows log B(alpha + 1, beta + t - 1),
 * active rows log B(alpha, beta + t), each less log B(alpha, beta) (taken
 * together by clv_special_lbeta_ratio, exact for large parameters too).
 */
double
clv_sbg_ll(const double *param, const ClvSbgRow *rows, size_t nrows,
		   double *grad_log)
{
	double		alpha = param[0],
				beta = param[1];
	double		psi_ab = 0.0,
				psi_a = 0.0,
				psi_b = 0.0;
	double		ll = 0.0,
				g_alpha = 0.0,
				g_beta = 0.0;
	size_t		i;

	if (grad_log != NULL)
	{
		psi_ab = clv_special_digamma(alpha + beta);
		psi_a = clv_special_digamma(alpha);
		psi_b = clv_special_digamma(beta);
	}
	for (i = 0; i < nrows; i++)
	{
		double		t = rows[i].periods,
					n = rows[i].count;
		double		more_a = rows[i].churned ? 1 : 0;
		double		more_b = rows[i].churned ? t - 1 : t;
		double		shape_a = alpha + more_a,
					shape_b = beta + more_b;

		if (n == 0)
			continue;
		ll += n * clv_special_lbeta_ratio(alpha, beta, more_a, more_b);
		if (grad_log == NULL)
			continue;
		{
			double		psi_sum = clv_special_digamma(shape_a + shape_b);

			g_alpha += n * (clv_special_digamma(shape_a) - psi_sum - psi_a + psi_ab);
			g_beta += n * (clv_special_digamma(shape_b) - psi_sum - psi_b + psi_ab);
		}
	}
	if (grad_log != NULL)
	{
		grad_log[0] = g_alpha * alpha;
		grad_log[1] = g_beta * beta;
	}
	return ll < INFINITY ? ll : NAN;
}

/* The data of a fit. */
typedef struct SbgData
{
	const ClvSbgRow *rows;
	size_t		nrows;
} SbgData;

/* clv_sbg_ll over an SbgData, for mle.c. */
static double
sbg_ll(const double *param, double *grad_log, void *arg)
{
	const SbgData *data = (const SbgData *) arg;

	return clv_sbg_ll(param, data->rows, data->nrows, grad_log);
}

/* Customers in rows. */
double
clv_sbg_customers(const ClvSbgRow *rows, size_t nrows)
{
	return clv_mle_customers(rows, nrows, sizeof(ClvSbgRow), offsetof(ClvSbgRow, count));
}

/* Whether some customer churned and some customer was seen past period 1. */
static bool
identified(const ClvSbgRow *rows, size_t nrows)
{
	bool		churn = false,
				beyond_first = false;
	size_t		i;

	for (i = 0; i < nrows; i++)
		if (rows[i].count > 0)
		{
			churn |= rows[i].churned;
			beyond_first |= rows[i].periods >= 2;
		}
	return churn && beyond_first;
}

/*
 * As alpha and beta grow with alpha / (alpha + beta) = p fixed, the sBG
 * model tends to the geometric model of churn probability p, whose
 * likelihood is highest at p = churned / periods at risk: the log-likelihood
 * of that limit.  A fit that does not beat it by GEOMETRIC_MARGIN
 * (relative) rises towards the limit (the data show no heterogeneity), and
 * its large alpha and beta are where the optimiser stopped, not an optimum.
 */
#define GEOMETRIC_MARGIN 1e-6

static double
geometric_limit_ll(const ClvSbgRow *rows, size_t nrows)
{
	double		churned = 0.0,
				at_risk = 0.0,
				p;
	size_t		i;

	for (i = 0; i < nrows; i++)
	{
		churned += rows[i].churned ? rows[i].count : 0.0;
		at_risk += rows[i].count * rows[i].periods;
	}
	if (churned == 0.0 || churned == at_risk)
		return 0.0;
	p = churned / at_risk;
	return churned * log(p) + (at_risk - churned) * log1p(-p);
}

/* Fits the sBG model by maximum likelihood. */
void
clv_sbg_fit(const ClvSbgRow *rows, size_t nrows, ClvInterrupt interrupt,
			void *interrupt_arg, ClvModelFit *fit)
{
	SbgData		data = {rows, nrows};
	ClvLikelihood lik = {2, sbg_ll, true, &data, NULL};

	clv_mle_fit(&lik, NULL, identified(rows, nrows), interrupt,
				interrupt_arg, fit);
	if (fit->converged &&
		fit->ll <= geometric_limit_ll(rows, nrows) + GEOMETRIC_MARGIN * (1.0 + fabs(fit->ll)))
	{
		fit->converged = false;
		fit->degenerate = true;
	}
}

/* P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta). */
double
clv_sbg_churn_probability(const double *param, double t)
{
	return exp(clv_special_lbeta_ratio(param[0], param[1], 1, t - 1));
}

/* S(t) = B(alpha, beta + t) / B(alpha, beta). */
double
clv_sbg_survival(const double *param, double t)
{
	return exp(clv_special_lbeta_ratio(param[0], param[1], 0, t));
}

/* (beta + t - 1) / (alpha + beta + t - 1). */
double
clv_sbg_retention_rate(const double *param, double t)
{
	return (param[1] + t - 1) / (param[0] + param[1] + t - 1);
}

/*
 * DERL through log 2F1(1, b; c; z) of special.c, which takes w = 1 - z =
 * discount / (1 + discount) without cancellation for small rates.
 */
double
clv_sbg_derl(const double *param, double periods, double discount)
{
	double		alpha = param[0],
				beta = param[1];
	double		z,
				w;

	if (!(discount > 0) || !(periods >= 1))
		return NAN;
	z = 1.0 / (1.0 + discount);
	w = discount / (1.0 + discount);
	return clv_sbg_retention_rate(param, periods) *
		exp(clv_special_log_hyp2f1_one(beta + periods,
									   alpha + beta + periods, z, w,
									   CLV_HYP2F1_MAX_TERMS, NULL));
}

/* Inference of an sBG fit. */
void
clv_sbg_inference(const double *param, const ClvSbgRow *rows, size_t nrows,
				  ClvInterrupt interrupt, void *interrupt_arg,
				  ClvInference *inference)
{
	SbgData		data = {rows, nrows};
	ClvLikelihood lik = {2, sbg_ll, true, &data, NULL};

	clv_mle_inference(&lik, param, clv_sbg_customers(rows, nrows), interrupt,
					  interrupt_arg, inference);
}
