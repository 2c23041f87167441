/*
 * fuzz_new_formulas.c -- libFuzzer harness of the likelihoods and
 * predictions of src/core/mbgnbd.c, bgbb.c, sbg.c and counts.c over
 * parameters log-uniform in [1e-6, 1e6] and customers obeying the input
 * rules.
 *
 * The first byte picks the model (MBG/NBD, BG/BB, sBG, or the count
 * distributions of BG/NBD, MBG/NBD and Pareto/NBD).  A NaN or infinite
 * prediction is an error the SQL layer reports, so it is allowed; a finite
 * one must be right:
 *	- MBG/NBD: P(alive) in [0, 1]; expected purchases >= 0 and not
 *	  falling as the horizon doubles; the log-likelihood equals an
 *	  independent transcription of the paper and its gradient central
 *	  differences (up to their rounding);
 *	- BG/BB (n <= 40): P(alive at n + m) in [0, 1] and not rising with m;
 *	  P(X(n) = x) over x = 0..n sums to 1 with mean E[X(n)], and the
 *	  conditional distribution over the next n* sums to 1 with mean the
 *	  conditional expectation;
 *	- sBG: S(t) in [0, 1] and not rising, S(t) + sum of P(T <= t) = 1,
 *	  retention rates in [0, 1], DERL between its first term and the
 *	  geometric bound (1 + d) / d;
 *	- counts: every P(X(t) = n) in [0, 1] and their partial sums <= 1,
 *	  conditional ones too.
 */
#include "bgbb.h"
#include "counts.h"
#include "fuzz_input.h"
#include "mbgnbd.h"
#include "sbg.h"
#include "special.h"

/* Probability tolerance: rounding of sums of terms of size 1. */
#define PROB_TOL 1e-9

/*
 * The MBG/NBD log-likelihood of one customer as the paper writes it, and
 * in *scale the sum of the magnitudes of its terms.
 */
static double
paper_mbgnbd_ll(const double *p, double x, double t_x, double t, double *scale)
{
	double		r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];
	double		common = lgamma(r + x) - lgamma(r) + r * log(alpha) +
		clv_special_lbeta(a, b + x + 1) - clv_special_lbeta(a, b);

	*scale = fabs(lgamma(r + x)) + fabs(lgamma(r)) + fabs(r * log(alpha)) +
		fabs(lgamma(a)) + fabs(lgamma(b)) + fabs(lgamma(a + b)) + fabs(lgamma(b + x + 1)) +
		fabs(lgamma(a + b + x + 1)) + fabs((r + x) * log(alpha + t)) +
		fabs((r + x) * log(alpha + t_x));
	return common + clv_special_logsumexp(-(r + x) * log(alpha + t),
										  log(a) - log(b + x) - (r + x) * log(alpha + t_x));
}

/* MBG/NBD checks. */
static void
check_mbgnbd(const double *p, double x, double t_x, double t, double h)
{
	ClvTxRow	row = {x, t_x, t, 1};
	double		alive = clv_mbgnbd_p_alive(p, x, t_x, t),
				e = clv_mbgnbd_expected_purchases(p, h, x, t_x, t),
				e2 = clv_mbgnbd_expected_purchases(p, 2 * h, x, t_x, t),
				rounding = 1e-8 * (p[2] + p[3] + x + 1) / fabs(p[2] - 1),
				scale,
				want = paper_mbgnbd_ll(p, x, t_x, t, &scale),
				grad[4],
				ll = clv_mbgnbd_ll(p, &row, 1, grad);

	FUZZ_CHECK(isnan(alive) || (alive >= 0 && alive <= 1), "MBG/NBD P(alive) %g", alive);
	FUZZ_CHECK(!isfinite(e) || e >= -rounding, "MBG/NBD expectation %g", e);
	FUZZ_CHECK(!isfinite(e) || !isfinite(e2) || e2 >= e - 1e-9 * e - rounding,
			   "MBG/NBD expectation falls from %g to %g as the horizon doubles", e, e2);
	FUZZ_CHECK(ll != INFINITY, "MBG/NBD log-likelihood +inf");
	FUZZ_CHECK(!isfinite(want) || fabs(ll - want) <= 1e-12 * scale + 1e-12,
			   "MBG/NBD log-likelihood %.17g, the paper's %.17g", ll, want);
	for (int i = 0; i < 4 && isfinite(ll) && scale < 1e6; i++)
	{
		double		up[4] = {p[0], p[1], p[2], p[3]},
					down[4] = {p[0], p[1], p[2], p[3]},
					step = 1e-5,
					numeric;

		up[i] *= exp(step);
		down[i] *= exp(-step);
		numeric = (clv_mbgnbd_ll(up, &row, 1, NULL) - clv_mbgnbd_ll(down, &row, 1, NULL)) /
			(2 * step);
		FUZZ_CHECK(fabs(numeric - grad[i]) <= 1e-4 * (1 + fabs(numeric)) + 1e-10 * scale / step,
				   "MBG/NBD gradient %d: %.17g, differences %.17g", i, grad[i], numeric);
	}
}

/* BG/BB checks for x, t_x, n (n <= 40) and nstar. */
static void
check_bgbb(const double *p, double x, double t_x, double n, double nstar)
{
	double		before = 1.0,
				total = 0.0,
				mean = 0.0,
				e_new = clv_bgbb_unconditional_transactions(p, n),
				e_cond = clv_bgbb_expected_transactions(p, nstar, x, t_x, n);

	for (double m = 0; m <= 3; m++)
	{
		double		alive = clv_bgbb_p_alive(p, m, x, t_x, n);

		FUZZ_CHECK(isnan(alive) || (alive >= 0 && alive <= 1 + PROB_TOL &&
									alive <= before + PROB_TOL),
				   "BG/BB P(alive at n + %g) %.17g after %.17g", m, alive, before);
		if (isfinite(alive))
			before = alive;
	}
	for (double k = 0; k <= n; k++)
	{
		double		prob = clv_bgbb_pmf(p, n, k);

		FUZZ_CHECK(isnan(prob) || (prob >= 0 && prob <= 1 + PROB_TOL), "BG/BB P(X = %g) %g", k, prob);
		total += prob;
		mean += k * prob;
	}
	FUZZ_CHECK(!isfinite(total) || fabs(total - 1) <= PROB_TOL, "BG/BB P(X(n)) sums to %.17g", total);
	FUZZ_CHECK(!isfinite(mean) || !isfinite(e_new) || fabs(mean - e_new) <= 1e-8 * (1 + n),
			   "BG/BB mean of P(X(n)) %.17g, E[X(n)] %.17g", mean, e_new);
	total = mean = 0.0;
	for (double k = 0; k <= nstar; k++)
	{
		double		prob = clv_bgbb_conditional_pmf(p, nstar, k, x, t_x, n);

		total += prob;
		mean += k * prob;
	}
	FUZZ_CHECK(!isfinite(total) || fabs(total - 1) <= PROB_TOL,
			   "BG/BB conditional P sums to %.17g", total);
	FUZZ_CHECK(!isfinite(mean) || !isfinite(e_cond) || fabs(mean - e_cond) <= 1e-8 * (1 + nstar),
			   "BG/BB conditional mean %.17g, expectation %.17g", mean, e_cond);
}

/* sBG checks up to period 60 and for the discount rate d. */
static void
check_sbg(const double *p, double periods, double d)
{
	double		before = 1.0,
				churned = 0.0,
				derl = clv_sbg_derl(p, periods, d),
				first = clv_sbg_retention_rate(p, periods);

	for (double t = 1; t <= 60; t++)
	{
		double		s = clv_sbg_survival(p, t),
					rate = clv_sbg_retention_rate(p, t);

		churned += clv_sbg_churn_probability(p, t);
		FUZZ_CHECK(s >= 0 && s <= before + PROB_TOL, "sBG S(%g) = %.17g after %.17g", t, s, before);
		FUZZ_CHECK(rate >= 0 && rate <= 1, "sBG retention rate %g", rate);
		FUZZ_CHECK(fabs(s + churned - 1) <= PROB_TOL, "sBG S(%g) + churned = %.17g", t, s + churned);
		before = s;
	}
	FUZZ_CHECK(!isfinite(derl) || (derl >= first * (1 - 1e-9) && derl <= (1 + d) / d * (1 + 1e-9)),
			   "sBG DERL %.17g outside [%.17g, %.17g]", derl, first, (1 + d) / d);
}

/* Count distributions of the three purchase models. */
static void
check_counts(const double *p, double x, double t_x, double t, double h)
{
	typedef double (*Pmf) (const double *, double, double);
	typedef double (*CondPmf) (const double *, double, double, double, double, double);
	static const Pmf pmf[3] = {clv_bgnbd_pmf, clv_mbgnbd_pmf, clv_pnbd_pmf};
	static const CondPmf cond[3] = {clv_bgnbd_conditional_pmf, clv_mbgnbd_conditional_pmf,
	clv_pnbd_conditional_pmf};

	for (int m = 0; m < 3; m++)
	{
		double		total = 0.0,
					cond_total = 0.0;

		for (double n = 0; n <= 6; n++)
		{
			double		prob = pmf[m](p, h, n),
						c = cond[m](p, h, n, x, t_x, t);

			FUZZ_CHECK(isnan(prob) || (prob >= 0 && prob <= 1 + PROB_TOL),
					   "model %d P(X(%g) = %g) = %.17g", m, h, n, prob);
			FUZZ_CHECK(isnan(c) || (c >= 0 && c <= 1 + PROB_TOL),
					   "model %d conditional P = %.17g", m, c);
			total += prob;
			cond_total += c;
		}
		FUZZ_CHECK(!(total > 1 + 1e-8), "model %d probabilities sum to %.17g", m, total);
		FUZZ_CHECK(!(cond_total > 1 + 1e-8), "model %d conditional sum %.17g", m, cond_total);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size};
	uint8_t		mode = fuzz_u8(&in);
	double		p[4];
	double		x,
				t_x,
				t,
				h;

	for (int i = 0; i < 4; i++)
		p[i] = fuzz_log_uniform(&in, 1e-6, 1e6);
	x = fuzz_u8(&in) % 30;
	t = fuzz_log_uniform(&in, 1e-3, 1e4);
	t_x = x > 0 ? t * fuzz_u8(&in) / 255.0 : 0.0;
	h = fuzz_log_uniform(&in, 1e-3, 1e4);
	switch (mode % 4)
	{
		case 0:
			check_mbgnbd(p, x, t_x, t, h);
			break;
		case 1:
			{
				double		n = fuzz_u8(&in) % 41,
							tx = n > 0 ? fuzz_u8(&in) % ((int) n + 1) : 0,
							xx = tx > 0 ? 1 + fuzz_u8(&in) % (int) tx : 0;

				check_bgbb(p, xx, tx, n, fuzz_u8(&in) % 41);
				break;
			}
		case 2:
			check_sbg(p, 1 + fuzz_u8(&in) % 50, fuzz_log_uniform(&in, 1e-4, 10));
			break;
		default:
			check_counts(p, x, t_x, t, h);
			break;
	}
	return 0;
}
