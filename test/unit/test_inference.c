/*
 * test_inference.c -- unit tests of src/core/mle.c and inference.c: the
 * observed information, standard errors, Wald bounds, AIC and BIC of the
 * fits, against lifetimes' published CDNOW standard errors, exact
 * likelihoods whose information is known in closed form, an independent
 * route to the Hessian, and the spread of refits on simulated customers.
 */
#include <math.h>
#include <string.h>

#include "bgnbd.h"
#include "gamma_gamma.h"
#include "inference.h"
#include "pareto_nbd.h"
#include "rng.h"
#include "simulate.h"
#include "tap.h"
#include "cdnow.h"

/* the Pareto/NBD likelihood's workspace (clv_pnbd_workspace_size) */
static double workspace[MAX_CUSTOMERS * 40];

/* Observations of independent Poisson counts: sum[k] over n[k] periods. */
typedef struct PoissonData
{
	double		sum[2];
	double		n[2];
} PoissonData;

/* sum_k (S_k log lambda_k - n_k lambda_k), gradient in log lambda. */
static double
poisson_ll(const double *param, double *grad_log, void *arg)
{
	const PoissonData *d = arg;
	double		ll = 0.0;

	for (int k = 0; k < 2; k++)
	{
		ll += d->sum[k] * log(param[k]) - d->n[k] * param[k];
		if (grad_log)
			grad_log[k] = d->sum[k] - d->n[k] * param[k];
	}
	return ll;
}

/* A likelihood with a minimum at 1 instead of a maximum: (log p)^2. */
static double
bowl_ll(const double *param, double *grad_log, void *arg)
{
	(void) arg;
	if (grad_log)
		grad_log[0] = 2 * log(param[0]);
	return log(param[0]) * log(param[0]);
}

/* A likelihood that ignores its second parameter. */
static double
flat_ll(const double *param, double *grad_log, void *arg)
{
	(void) arg;
	if (grad_log)
	{
		grad_log[0] = -2 * log(param[0]);
		grad_log[1] = 0.0;
	}
	return -log(param[0]) * log(param[0]);
}

static int	calls;

/* Counts interrupt calls. */
static void
count_call(void *arg)
{
	(void) arg;
	calls++;
}

/* Exact information of Poisson rates; singular and indefinite matrices. */
static void
test_exact(void)
{
	PoissonData data = {{40, 900}, {10, 300}};
	ClvLikelihood lik = {2, poisson_ll, true, &data, NULL};
	ClvLikelihood bowl = {1, bowl_ll, true, NULL, NULL};
	ClvLikelihood flat = {2, flat_ll, true, NULL, NULL};
	ClvModelFit fit;
	ClvInference inf;
	double		at_one[2] = {1, 1};

	calls = 0;
	clv_mle_fit(&lik, NULL, true, count_call, NULL, &fit);
	is_near(fit.param[0], 4.0, 1e-6, "Poisson MLE = sum / n");
	is_near(fit.param[1], 3.0, 1e-6, "second Poisson MLE = sum / n");
	calls = 0;
	clv_mle_inference(&lik, fit.param, 310, count_call, NULL, &inf);
	ok(calls >= 5, "inference calls the interrupt before each evaluation (%d)", calls);
	ok(inf.status == CLV_INFORMATION_OK, "Poisson information positive definite");
	is_near(inf.information[0][0], 10 / 4.0, 1e-6, "Poisson information n / lambda");
	is_near(inf.information[0][1], 0.0, 1e-6, "independent rates: no cross information");
	is_near(inf.se[0], sqrt(4.0 / 10), 1e-6, "Poisson SE sqrt(lambda / n)");
	is_near(inf.se[1], sqrt(3.0 / 300), 1e-8, "second Poisson SE");
	is_near(inf.lower[0], 4 - 1.959963984540054 * sqrt(0.4), 1e-6, "Wald lower bound");
	is_near(inf.upper[1], 3 + 1.959963984540054 * 0.1, 1e-6, "Wald upper bound");
	is_near(inf.aic, 2 * 2 - 2 * inf.ll, 1e-9, "AIC = 2k - 2 ll");
	is_near(inf.bic, 2 * log(310.0) - 2 * inf.ll, 1e-9, "BIC = k log n - 2 ll");

	/* without the gradient: second differences of the values */
	lik.has_gradient = false;
	clv_mle_inference(&lik, fit.param, 310, NULL, NULL, &inf);
	ok(inf.status == CLV_INFORMATION_OK &&
	   fabs(inf.se[0] - sqrt(0.4)) < 1e-5 && fabs(inf.se[1] - 0.1) < 1e-6,
	   "Poisson SEs from likelihood values alone (%.9g, %.9g)", inf.se[0], inf.se[1]);

	clv_mle_inference(&bowl, at_one, 10, NULL, NULL, &inf);
	ok(inf.status == CLV_INFORMATION_NOT_POSITIVE_DEFINITE && inf.se[0] == 0 &&
	   inf.lower[0] == 1 && inf.upper[0] == 1,
	   "a minimum is reported not positive definite, SE 0 and bounds at the estimate");
	clv_mle_inference(&flat, at_one, 10, NULL, NULL, &inf);
	ok(inf.status == CLV_INFORMATION_SINGULAR && inf.se[0] == 0 && inf.se[1] == 0,
	   "a parameter the likelihood ignores makes the information singular");
}

/*
 * CDNOW BG/NBD: lifetimes' summary prints se(coef) r 0.012557, alpha
 * 0.378221, a 0.185719, b 0.705345 (3 significant digits asked).
 */
static void
test_cdnow(void)
{
	long		sum_x;
	int			zeros;
	double		want[4] = {0.0126, 0.378, 0.186, 0.705};
	ClvModelFit fit;
	ClvInference inf,
				by_values;
	ClvTxData	data;
	ClvLikelihood lik;
	double		worst = 0.0;

	if (load_cdnow(&sum_x, &zeros) < 0)
	{
		ok(0, "CDNOW sample not found (run from the repository root)");
		return;
	}
	clv_bgnbd_fit(tx_rows, n_tx_rows, NULL, NULL, &fit);
	clv_bgnbd_inference(fit.param, tx_rows, n_tx_rows, NULL, NULL, &inf);
	ok(inf.status == CLV_INFORMATION_OK, "CDNOW BG/NBD information positive definite");
	for (int i = 0; i < 4; i++)
	{
		double		digit = pow(10.0, floor(log10(want[i])) - 2);

		is_near(inf.se[i], want[i], digit / 2, "CDNOW BG/NBD SE = lifetimes' to 3 digits");
	}
	is_near(inf.customers, 2357, 0, "n of BIC: the 2357 customers");
	is_near(inf.bic, 4 * log(2357.0) - 2 * fit.ll, 1e-6, "BIC of the CDNOW fit");

	/* the same Hessian by second differences of values: an independent route */
	data = (ClvTxData) {tx_rows, n_tx_rows, 0.0, NULL};
	clv_bg_family_likelihood(&data, &lik);
	lik.has_gradient = false;
	lik.hessian = NULL;
	clv_mle_inference(&lik, fit.param, 2357, NULL, NULL, &by_values);
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			worst = fmax(worst, fabs(by_values.information[i][j] - inf.information[i][j]) /
						 sqrt(inf.information[i][i] * inf.information[j][j]));
	ok(worst < 1e-4, "BG/NBD analytic information = from values (%.2g)", worst);
	worst = 0.0;
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
		{
			double		product = 0.0;

			for (int k = 0; k < 4; k++)
				product += inf.covariance[i][k] * inf.information[k][j];
			worst = fmax(worst, fabs(product - (i == j)));
		}
	ok(worst < 1e-9, "covariance x information = identity (%.2g)", worst);

	clv_pnbd_fit(tx_rows, n_tx_rows, workspace, NULL, NULL, &fit);
	clv_pnbd_inference(fit.param, tx_rows, n_tx_rows, workspace, NULL, NULL, &inf);
	ok(inf.status == CLV_INFORMATION_OK && inf.se[0] > 0.03 && inf.se[0] < 0.07 &&
	   inf.se[3] > 3 && inf.se[3] < 10,
	   "CDNOW Pareto/NBD SEs (r %.4g, alpha %.4g, s %.4g, beta %.4g)",
	   inf.se[0], inf.se[1], inf.se[2], inf.se[3]);
	clv_gg_fit(spend_rows, n_spend_rows, NULL, NULL, &fit);
	clv_gg_inference(fit.param, spend_rows, n_spend_rows, NULL, NULL, &inf);
	ok(inf.status == CLV_INFORMATION_OK && inf.customers == 946,
	   "CDNOW Gamma-Gamma SEs (p %.4g, q %.4g, gamma %.4g) over 946 customers",
	   inf.se[0], inf.se[1], inf.se[2]);
}

/* Unidentified data: finite parameters, no standard errors, no NaN. */
static void
test_unidentified(void)
{
	ClvTxRow	rows[3] = {{0, 0, 10, 5}, {0, 0, 20, 7}, {0, 0, 30, 2}};
	ClvModelFit fit;
	ClvInference inf;
	bool		finite = true;

	clv_bgnbd_fit(rows, 3, NULL, NULL, &fit);
	clv_bgnbd_inference(fit.param, rows, 3, NULL, NULL, &inf);
	for (int i = 0; i < 4; i++)
		finite &= isfinite(inf.se[i]) && inf.se[i] == 0 && isfinite(inf.lower[i]);
	ok(!fit.converged && inf.status != CLV_INFORMATION_OK && finite,
	   "BG/NBD without repeats: status %d, SEs 0, nothing NaN", (int) inf.status);
}

/*
 * Flat likelihoods: three customers for four parameters leave a and b free
 * to run off together (BFGS stops on its gradient with both in the
 * millions); the inference at that point reports a flat direction, and at
 * the CDNOW fit (loaded by test_cdnow) none.
 */
static void
test_flat(void)
{
	ClvTxRow	rows[3] = {{0, 0, 3, 1}, {1, 1, 2, 1}, {2, 1, 4, 1}};
	ClvModelFit fit;
	ClvInference inf;

	clv_bgnbd_fit(rows, 3, NULL, NULL, &fit);
	clv_bgnbd_inference(fit.param, rows, 3, NULL, NULL, &inf);
	ok(inf.flat && fit.param[2] > 1e4 && fit.param[3] > 1e4,
	   "BG/NBD of three customers: flat at a = %.3g, b = %.3g", fit.param[2], fit.param[3]);
	if (n_tx_rows == 0)
		return;					/* test_cdnow reported the missing sample */
	clv_bgnbd_fit(tx_rows, n_tx_rows, NULL, NULL, &fit);
	clv_bgnbd_inference(fit.param, tx_rows, n_tx_rows, NULL, NULL, &inf);
	ok(!inf.flat, "CDNOW BG/NBD: curved in every direction");
}

/*
 * clv_mle_check_maximum: a converged fit whose inference finds no maximum
 * (a flat direction, a singular or not
 * positive definite information matrix) is marked not converged, and
 * degenerate unless the matrix showed negative curvature; the others are
 * left as they are.
 */
static void
test_check_maximum(void)
{
	static const struct
	{
		ClvInformationStatus status;
		bool		flat;
		bool		converged;
		bool		degenerate;
		const char *what;
	}			cases[] = {
		{CLV_INFORMATION_OK, false, true, false, "a maximum"},
		{CLV_INFORMATION_OK, true, false, true, "flat"},
		{CLV_INFORMATION_SINGULAR, false, false, true, "singular"},
		{CLV_INFORMATION_NOT_POSITIVE_DEFINITE, false, false, false,
		"not positive definite"},
		{CLV_INFORMATION_NOT_FINITE, false, true, false, "not finite"},
	};
	int			i;

	for (i = 0; i < (int) (sizeof(cases) / sizeof(cases[0])); i++)
	{
		ClvModelFit fit = {.converged = true, .degenerate = false};
		ClvInference inf = {.status = cases[i].status, .flat = cases[i].flat};

		clv_mle_check_maximum(&fit, &inf);
		ok(fit.converged == cases[i].converged && fit.degenerate == cases[i].degenerate,
		   "check_maximum, %s: converged %d, degenerate %d", cases[i].what,
		   fit.converged, fit.degenerate);
	}
	{
		ClvModelFit fit = {.converged = false, .degenerate = false};
		ClvInference inf = {.status = CLV_INFORMATION_SINGULAR, .flat = true};

		clv_mle_check_maximum(&fit, &inf);
		ok(!fit.converged && !fit.degenerate,
		   "check_maximum leaves a fit that did not converge as it is");
	}
}

#define SIM_CUSTOMERS 5000
#define SIM_FITS 100

/*
 * Simulate-and-refit: 100 samples of 5,000 BG/NBD customers (CDNOW's
 * parameters, first purchases over a year, exact times in weeks: day-level
 * summaries merge same-day purchases, which the model does not know, and
 * bias alpha by about one SE);
 * each true parameter must lie within 2 SE of the estimate in at least 90
 * of the 100 fits (95.4% expected if the SEs are right; too small SEs
 * fail), and the SEs' mean must match the estimates' spread.
 */
static void
test_simulate_refit(void)
{
	static ClvTxRow rows[SIM_CUSTOMERS];
	static const ClvSampleModel truth = {0.243, 4.414, 0.793, 2.426, 1, 2, 1};
	const double true_param[4] = {0.243, 4.414, 0.793, 2.426};
	ClvSampleWindow window;
	ClvSampleOrder orders[2000];
	int			covered[4] = {0},
				usable = 0;
	double		sum_se[4] = {0},
				sum_est[4] = {0},
				sum_est2[4] = {0};

	clv_sample_window(0, INT64_C(364) * 86400 * 1000000, INT64_C(7) * 86400 * 1000000,
					  &window);
	for (int fit_no = 0; fit_no < SIM_FITS; fit_no++)
	{
		size_t		n = 0;
		ClvModelFit fit;
		ClvInference inf;

		for (int c = 0; c < SIM_CUSTOMERS; c++)
		{
			int			k;

			clv_sample_customer(&truth, &window, 1000 + fit_no, c, orders, 2000, &k);
			rows[n++] = (ClvTxRow) {k - 1,
				(orders[k - 1].second - orders[0].second) / window.unit_seconds,
			(window.end_second - orders[0].second) / window.unit_seconds, 1};
		}
		clv_bgnbd_fit(rows, n, NULL, NULL, &fit);
		clv_bgnbd_inference(fit.param, rows, n, NULL, NULL, &inf);
		if (!fit.converged || inf.status != CLV_INFORMATION_OK)
			continue;
		usable++;
		for (int i = 0; i < 4; i++)
		{
			covered[i] += fabs(fit.param[i] - true_param[i]) <= 2 * inf.se[i];
			sum_se[i] += inf.se[i];
			sum_est[i] += fit.param[i];
			sum_est2[i] += fit.param[i] * fit.param[i];
		}
	}
	ok(usable == SIM_FITS, "%d of %d simulated fits converged with SEs", usable, SIM_FITS);
	for (int i = 0; i < 4; i++)
	{
		double		mean = sum_est[i] / usable;
		double		spread = sqrt(sum_est2[i] / usable - mean * mean);

		ok(covered[i] >= 90,
		   "parameter %d: truth within 2 SE in %d of %d fits (mean estimate %.4g, "
		   "mean SE %.4g, spread of estimates %.4g)",
		   i, covered[i], usable, mean, sum_se[i] / usable, spread);
	}
}

/*
 * The largest difference between lik's analytic Hessian at point and
 * central differences of its analytic gradient (extrapolated from steps
 * h and 2h, Richardson's), each entry relative to sqrt(|h_ii h_jj|) (the
 * differences' own error is below 5e-7).
 */
static double
hessian_error(const ClvLikelihood *lik, const double *point)
{
	int			n = lik->nparams;
	double		grad[CLV_OPTIM_MAX_PARAMS],
				hess[CLV_OPTIM_MAX_PARAMS][CLV_OPTIM_MAX_PARAMS],
				worst = 0.0;
	double		ll = lik->hessian(point, grad, hess, lik->arg);

	if (fabs(ll - lik->ll(point, NULL, lik->arg)) > 1e-12 * fabs(ll))
		return INFINITY;
	for (int j = 0; j < n; j++)
	{
		double		difference[2][CLV_OPTIM_MAX_PARAMS];

		/* h large enough that BG/NBD's gradient in b at 1e4 keeps its digits */
		for (int k = 0; k < 2; k++)
		{
			double		step = 1e-3 * (k + 1),
						up[CLV_OPTIM_MAX_PARAMS],
						down[CLV_OPTIM_MAX_PARAMS],
						probe[CLV_OPTIM_MAX_PARAMS];

			memcpy(probe, point, sizeof(double) * n);
			probe[j] = point[j] * exp(step);
			lik->ll(probe, up, lik->arg);
			probe[j] = point[j] * exp(-step);
			lik->ll(probe, down, lik->arg);
			for (int i = 0; i < n; i++)
				difference[k][i] = (up[i] - down[i]) / (2 * step);
		}
		for (int i = 0; i < n; i++)
			worst = fmax(worst, fabs((4 * difference[0][i] - difference[1][i]) / 3 - hess[i][j]) /
						 sqrt(fabs(hess[i][i] * hess[j][j])));
	}
	return worst;
}

/*
 * The analytic Hessians of BG/NBD, MBG/NBD and Gamma-Gamma equal central
 * differences of their analytic gradients on random customers, at
 * parameters near and far from any optimum: each entry within 2e-6.
 */
static void
test_analytic_hessians(void)
{
	static ClvTxRow rows[400];
	static ClvSpendRow spend[400];
	static const double bg_points[4][4] = {
		{0.24, 4.4, 0.79, 2.4}, {3.0, 0.05, 20.0, 0.3}, {0.01, 300.0, 0.2, 50.0},
		{1e3, 1e3, 1.5, 1e4}
	};
	static const double gg_points[4][3] = {
		{6.25, 3.74, 15.4}, {0.5, 20.0, 1e-3}, {1e3, 2.5, 300.0}, {0.05, 1.2, 1e4}
	};
	ClvSampleRng rng;
	ClvTxData	tx[2];
	ClvSpendData spend_data = {.rows = spend, .nrows = 400};
	ClvLikelihood lik;

	clv_sample_rng_seed(&rng, 12345);
	for (int i = 0; i < 400; i++)
	{
		double		u = clv_sample_uniform(&rng);

		rows[i].x = floor(u * u * 30);
		rows[i].t = 1 + 60 * clv_sample_uniform(&rng);
		rows[i].t_x = rows[i].x > 0 ? rows[i].t * clv_sample_uniform(&rng) : 0.0;
		rows[i].count = 1 + (i % 3);
		spend[i].x = 1 + floor(clv_sample_uniform(&rng) * 12);
		spend[i].m = exp(6 * clv_sample_uniform(&rng) - 2);
		spend[i].count = 1 + (i % 4);
	}
	for (int shift = 0; shift <= 1; shift++)
	{
		tx[shift] = (ClvTxData) {rows, 400, shift, NULL};
		clv_bg_family_likelihood(&tx[shift], &lik);
		for (int p = 0; p < 4; p++)
		{
			double		worst = hessian_error(&lik, bg_points[p]);

			ok(worst < 2e-6, "%s analytic Hessian = differences of the gradient at point %d (%.2g)",
			   shift ? "MBG/NBD" : "BG/NBD", p, worst);
		}
	}
	clv_gg_likelihood(&spend_data, &lik);
	for (int p = 0; p < 4; p++)
	{
		double		worst = hessian_error(&lik, gg_points[p]);

		ok(worst < 2e-6, "Gamma-Gamma analytic Hessian = differences of the gradient at point %d (%.2g)",
		   p, worst);
	}
}

int
main(void)
{
	test_exact();
	test_cdnow();
	test_analytic_hessians();
	test_flat();
	test_check_maximum();
	test_unidentified();
	test_simulate_refit();
	return done_testing();
}
