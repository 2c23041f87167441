/*
 * fuzz_model_formulas.c -- libFuzzer harness of the likelihoods and
 * predictions of src/core/bgnbd.c, pareto_nbd.c and gamma_gamma.c, over
 * every positive finite parameter value the SQL layer accepts in a model
 * composite (fuzz_models.c covers the usual range 1e-2..1e2).
 *
 * The first byte picks the parameter range: any positive finite double, or
 * log-uniform in [1e-6, 1e6].  Then come a customer (x, t_x, t, m) obeying
 * the input rules (x a non-negative integer, 0 <= t_x <= t, t_x = 0 when
 * x = 0, m > 0) and a horizon.  A NaN or infinite prediction is an error
 * the SQL layer reports, so it is allowed; a finite one must be right:
 *	- p_alive in [0, 1], expected purchases >= 0 and not decreasing in the
 *	  horizon (both up to the formula's rounding error), CLV >= 0, expected spend between the population mean and m
 *	  (it is their credibility-weighted average);
 *	- undiscounted, the monthly increments of the CLV sum add up to the
 *	  expected purchases of the whole horizon, and discounting never
 *	  raises the sum;
 *	- every prediction continuous: moving one parameter by a relative 1e-9
 *	  moves it by a relative 1e-4 at most (plus rounding), which catches
 *	  wrong branches at special points such as a = 1 or s = 1;
 *	- BG/NBD's expected purchases if alive equal their defining integral
 *	  over the dropout probability (clv_bgnbd_purchases_if_alive_integral)
 *	  to 1e-6 for a <= 100, where that is accurate;
 *	- the BG/NBD log-likelihood equals an independent transcription of
 *	  Fader, Hardie and Lee (2005) eq. 6, and its gradient central
 *	  differences, in the usual range;
 *	- no log-likelihood is +inf.
 */
#include <float.h>

#include "bgnbd.h"
#include "fuzz_input.h"
#include "gamma_gamma.h"
#include "pareto_nbd.h"
#include "special.h"
#include "value.h"

/* A customer of the input rules. */
typedef struct Customer
{
	double		x,
				t_x,
				t,
				m;
} Customer;

/*
 * The BG/NBD log-likelihood of one customer, Fader, Hardie and Lee (2005)
 * eq. 6, written from the paper with log-beta functions.  *scale is the
 * sum of the magnitudes of its terms: the likelihood's rounding error is
 * a few ulps of that, however small the likelihood.
 */
static double
reference_bgnbd_ll(const double *param, const Customer *c, double *scale)
{
	double		r = param[0],
				alpha = param[1],
				a = param[2],
				b = param[3];
	double		common = lgamma(r + c->x) - lgamma(r) + r * log(alpha) -
		clv_special_lbeta(a, b);
	double		alive = clv_special_lbeta(a, b + c->x) - (r + c->x) * log(alpha + c->t);
	double		dropped;

	*scale = fabs(lgamma(r + c->x)) + fabs(lgamma(r)) + fabs(r * log(alpha)) +
		fabs(lgamma(a)) + fabs(lgamma(b)) + fabs(lgamma(a + b)) +
		fabs(lgamma(b + c->x)) + fabs(lgamma(a + b + c->x)) +
		fabs((r + c->x) * log(alpha + c->t));
	if (c->x == 0)
		return common + alive;
	dropped = clv_special_lbeta(a + 1, b + c->x - 1) - (r + c->x) * log(alpha + c->t_x);
	*scale += fabs((r + c->x) * log(alpha + c->t_x));
	return common + clv_special_logsumexp(alive, dropped);
}

/* Expected purchases of model kind (0 BG/NBD, 1 Pareto/NBD). */
static double
expected(int kind, const double *param, double horizon, const Customer *c)
{
	return kind == 0 ? clv_bgnbd_expected_purchases(param, horizon, c->x, c->t_x, c->t) :
		clv_pnbd_expected_purchases(param, horizon, c->x, c->t_x, c->t);
}

/* P(alive) of model kind. */
static double
p_alive(int kind, const double *param, const Customer *c)
{
	return kind == 0 ? clv_bgnbd_p_alive(param, c->x, c->t_x, c->t) :
		clv_pnbd_p_alive(param, c->x, c->t_x, c->t);
}

/*
 * The absolute rounding error allowed in model kind's expected purchases:
 * BG/NBD's formula is c / (a - 1) times a bracket of terms of size 1,
 * summed by a series that may lose up to 8 digits to cancellation before
 * it reports NaN (c = a + b + x - 1).
 */
static double
expected_rounding(int kind, const double *param, const Customer *c)
{
	if (kind == 1)
		return 0.0;
	/* within 1e-2 of a = 1 the expectation is an integral instead */
	return 1e-8 * (fabs(param[2] + param[3] + c->x - 1.0) + 1.0) /
		fmax(fabs(param[2] - 1.0), 1e-2);
}

/*
 * Checks that a prediction does not jump when one parameter moves by a
 * relative 1e-9: by a relative 1e-4 at most, plus 1e-10 and the formula's
 * own rounding error.
 */
static void
check_continuity(const char *what, int kind, const double *param, double horizon,
				 const Customer *c, int which_prediction)
{
	double		at = which_prediction ? expected(kind, param, horizon, c) : p_alive(kind, param, c);
	int			i;

	if (!isfinite(at))
		return;
	for (i = 0; i < 4; i++)
	{
		double		moved[4];
		double		there;
		double		slack;

		memcpy(moved, param, sizeof(moved));
		moved[i] *= 1.0 + 1e-9;
		/* (no model has an infinite parameter: near DBL_MAX the move is not one) */
		if (!isfinite(moved[i]))
			continue;
		there = which_prediction ? expected(kind, moved, horizon, c) : p_alive(kind, moved, c);
		slack = 1e-10 + (which_prediction ? expected_rounding(kind, param, c) : 0.0);
		FUZZ_CHECK(!isfinite(there) || fabs(at - there) <= 1e-4 * fmax(at, there) + slack,
				   "%s jumps from %.17g to %.17g when param[%d] = %.17g moves by 1e-9 "
				   "(param %.17g %.17g %.17g %.17g; horizon %.17g; x %.17g, t_x %.17g, t %.17g)",
				   what, at, there, i, param[i], param[0], param[1], param[2], param[3],
				   horizon, c->x, c->t_x, c->t);
	}
}

/* Checks the predictions of model kind at param for customer c. */
static void
check_predictions(int kind, const double *param, double horizon, const Customer *c)
{
	const char *name = kind == 0 ? "BG/NBD" : "Pareto/NBD";
	double		alive = p_alive(kind, param, c);
	double		e = expected(kind, param, horizon, c);
	double		e_longer = expected(kind, param, 2.0 * horizon, c);

	FUZZ_CHECK(isnan(alive) || (alive >= 0.0 && alive <= 1.0), "%s p_alive %.17g", name, alive);
	FUZZ_CHECK(!isfinite(e) || e >= -expected_rounding(kind, param, c),
			   "%s expected purchases %.17g (param %.17g %.17g %.17g %.17g; horizon %.17g; "
			   "x %.17g, t_x %.17g, t %.17g)", name, e, param[0], param[1], param[2], param[3],
			   horizon, c->x, c->t_x, c->t);
	FUZZ_CHECK(!isfinite(e) || !isfinite(e_longer) || e_longer >= e - 1e-9 * fabs(e) - expected_rounding(kind, param, c),
			   "%s expected purchases fall from %.17g to %.17g when the horizon doubles "
			   "(param %.17g %.17g %.17g %.17g; horizon %.17g; x %.17g, t_x %.17g, t %.17g)",
			   name, e, e_longer, param[0], param[1], param[2], param[3], horizon,
			   c->x, c->t_x, c->t);
	if (kind == 0 && param[2] <= 100.0)
	{
		double		if_alive = clv_bgnbd_purchases_if_alive(param, horizon, c->x, c->t),
					integral = clv_bgnbd_purchases_if_alive_integral(param, horizon, c->x, c->t);

		FUZZ_CHECK(!isfinite(if_alive) || isnan(integral) ||
				   fabs(if_alive - integral) <= 1e-6 * integral + 1e-300,
				   "BG/NBD purchases if alive %.17g, its integral %.17g (param %.17g %.17g "
				   "%.17g %.17g; horizon %.17g; x %.17g, t %.17g)", if_alive, integral,
				   param[0], param[1], param[2], param[3], horizon, c->x, c->t);
	}
	check_continuity(kind == 0 ? "BG/NBD p_alive" : "Pareto/NBD p_alive", kind, param, horizon, c, 0);
	check_continuity(kind == 0 ? "BG/NBD expected purchases" : "Pareto/NBD expected purchases",
					 kind, param, horizon, c, 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size};
	uint8_t		mode = fuzz_u8(&in);
	int			moderate = mode & 1;
	double		param[4],
				gg[3];
	Customer	c;
	ClvTxRow	row;
	ClvSpendRow spend_row;
	void	   *workspace = malloc(clv_pnbd_workspace_size(1));
	double		horizon,
				grad[4],
				ll,
				spend,
				value;
	int			i,
				kind;

	for (i = 0; i < 4; i++)
		param[i] = moderate ? fuzz_log_uniform(&in, 1e-6, 1e6) : fuzz_positive_double(&in);
	for (i = 0; i < 3; i++)
		gg[i] = moderate ? fuzz_log_uniform(&in, 1e-6, 1e6) : fuzz_positive_double(&in);
	/* special points of the formulas: a = 1 (BG/NBD), s = 1 (Pareto/NBD) */
	if (mode & 2)
		param[2] = (mode >> 3) == 31 ? 1.0 : 1.0 + (mode & 4 ? 1.0 : -0.5) * ldexp(1.0, -(mode >> 3));
	c.x = (mode & 128) ? (uint16_t) fuzz_i16(&in) : fuzz_u8(&in) % 8;
	c.t = fuzz_log_uniform(&in, 1e-3, 1e4);
	c.t_x = c.x > 0 ? c.t * fuzz_u8(&in) / 255.0 : 0.0;
	c.m = fuzz_log_uniform(&in, 1e-2, 1e6);
	horizon = fuzz_log_uniform(&in, 1e-3, 1e4);

	check_predictions(0, param, horizon, &c);
	check_predictions(1, param, horizon, &c);

	/* Gamma-Gamma: the spend is a weighted average of m and the mean */
	spend = clv_gg_expected_spend(gg, c.x, c.m);
	if (isfinite(spend) && c.x > 0 && gg[1] > 1.0)
	{
		double		mean = gg[0] * gg[2] / (gg[1] - 1.0);

		FUZZ_CHECK(spend >= fmin(mean, c.m) * (1 - 1e-12) && spend <= fmax(mean, c.m) * (1 + 1e-12),
				   "expected spend %.17g outside [%.17g, %.17g]", spend, fmin(mean, c.m),
				   fmax(mean, c.m));
	}
	if (isfinite(spend))
	{
		int			months = fuzz_u8(&in) % 25;
		double		discount = fuzz_u8(&in) / 255.0;

		for (kind = 0; kind < 2; kind++)
		{
			ClvPurchasesIfAlive if_alive = kind == 0 ? clv_bgnbd_purchases_if_alive_horizons :
				clv_pnbd_purchases_if_alive_horizons;
			double		discounted = clv_discounted_purchases(if_alive, param, c.x, c.t,
															  months, 30.0, discount,
															  NULL, NULL);
			double		undiscounted = clv_discounted_purchases(if_alive, param, c.x, c.t,
																months, 30.0, 0.0, NULL, NULL);
			double		horizon_total = expected(kind, param, months * 30.0, &c);
			/* each month's expectation may be off by the formula's rounding */
			double		months_rounding = months == 0 ? 0.0 :
				2.0 * months * expected_rounding(kind, param, &c);

			/* a spend of 0 (underflow) allows nothing below 0 */
			double		allowed = spend > 0.0 ? spend * (1e-9 * months + months_rounding) : 0.0;

			value = spend * p_alive(kind, param, &c) * discounted;
			FUZZ_CHECK(!isfinite(value) || value >= -allowed,
					   "model %d clv %.17g (spend %.17g)", kind, value, spend);
			/* undiscounted, the monthly increments add up to the whole horizon */
			FUZZ_CHECK(!isfinite(undiscounted) || !isfinite(horizon_total) ||
					   fabs(undiscounted * p_alive(kind, param, &c) - horizon_total) <=
					   1e-9 * fmax(1.0, fabs(horizon_total)),
					   "model %d: %d months sum to %.17g, expected %.17g", kind, months,
					   undiscounted * p_alive(kind, param, &c), horizon_total);
			FUZZ_CHECK(!isfinite(discounted) || !isfinite(undiscounted) ||
					   discount == 0.0 ||
					   discounted <= undiscounted * (1 + 1e-12) + 1e-300 + months_rounding,
					   "model %d: discounting raised %.17g to %.17g", kind, undiscounted,
					   discounted);
		}
	}

	/* likelihoods */
	row = (ClvTxRow) {c.x, c.t_x, c.t, 1.0};
	spend_row = (ClvSpendRow) {c.x > 0 ? c.x : 1.0, c.m, 1.0};
	ll = clv_bgnbd_ll(param, &row, 1, grad);
	FUZZ_CHECK(ll < INFINITY || isnan(ll), "BG/NBD ll +inf");
	ll = clv_pnbd_ll(param, &row, 1, workspace, NULL);
	FUZZ_CHECK(ll < INFINITY || isnan(ll), "Pareto/NBD ll +inf");
	free(workspace);
	ll = clv_gg_ll(gg, &spend_row, 1, grad);
	FUZZ_CHECK(ll < INFINITY || isnan(ll), "Gamma-Gamma ll +inf");

	if (moderate && c.x < 1000)
	{
		double		scale;
		double		expected_ll = reference_bgnbd_ll(param, &c, &scale);

		ll = clv_bgnbd_ll(param, &row, 1, grad);
		FUZZ_CHECK(fabs(ll - expected_ll) <= 1e-9 * (1.0 + fabs(expected_ll)) + 1e-13 * scale,
				   "BG/NBD ll %.17g, eq. 6 %.17g (param %.17g %.17g %.17g %.17g; x %.17g, t_x %.17g, t %.17g)",
				   ll, expected_ll, param[0], param[1], param[2], param[3], c.x, c.t_x, c.t);
		for (i = 0; i < 4; i++)
		{
			double		up[4],
						down[4],
						h = 1e-5,
						numeric;

			memcpy(up, param, sizeof(up));
			memcpy(down, param, sizeof(down));
			up[i] *= exp(h);
			down[i] *= exp(-h);
			numeric = (clv_bgnbd_ll(up, &row, 1, NULL) - clv_bgnbd_ll(down, &row, 1, NULL)) / (2 * h);
			/* the differences carry the likelihood's rounding error / h */
			FUZZ_CHECK(fabs(grad[i] - numeric) <= 1e-4 * (1.0 + fabs(numeric)) + 1e-15 * scale / h,
					   "BG/NBD d ll / d log param[%d] = %.17g, differences %.17g "
					   "(param %.17g %.17g %.17g %.17g; x %.17g, t_x %.17g, t %.17g)",
					   i, grad[i], numeric, param[0], param[1], param[2], param[3],
					   c.x, c.t_x, c.t);
		}
	}
	return 0;
}
