/*
 * pareto_hard.c -- benchmark of issue 10's Pareto/NBD goal, "any input of
 * up to 2,000 distinct rows fits in under 50 ms": random 2,000-row inputs
 * drawn to be hard (ages over six decades, up to 5,000 purchases, three
 * shapes of recency, counts up to 1,000 per row), each fitted as
 * pareto_nbd_fit does (with standard errors where the fit converged), rows
 * ordered by (x, t_x, t) as the fitting aggregates pass them.
 *
 *	make paretobench [PARETO_INPUTS=N]		(default 40 inputs)
 *
 * Prints one line per input (processor time of the fit and of its
 * standard errors, likelihood evaluations, iterations, converged) and the
 * median, 90th percentile and largest total, and how many took over
 * 50 ms.
 */
#define _POSIX_C_SOURCE 199309L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "inference.h"
#include "pareto_nbd.h"
#include "rng.h"
#include "tx_order.h"

#define ROWS 2000

/* Milliseconds of processor time since an arbitrary origin. */
static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

/* Counts the calls a fit makes: one per iteration and per evaluation. */
static void
count_call(void *arg)
{
	++*(long *) arg;
}

/* A draw from [low, high) uniform in the logarithm. */
static double
log_uniform(ClvSampleRng *rng, double low, double high)
{
	return exp(log(low) + clv_sample_uniform(rng) * (log(high) - log(low)));
}

/*
 * Input number input: the longest age and the largest count of purchases
 * drawn per input; 30% of customers without a repeat purchase; ages
 * uniform, log-uniform over four decades, or in the upper half, by
 * input; recency uniform, or skewed early for a third of the inputs.
 */
static void
draw_input(int input, ClvTxRow *rows)
{
	ClvSampleRng rng;
	int			shape = input % 3;
	double		longest,
				most;

	clv_sample_rng_seed(&rng, (uint64_t) input);
	longest = log_uniform(&rng, 1e-2, 1e4);
	most = log_uniform(&rng, 2, 5000);
	for (int i = 0; i < ROWS; i++)
	{
		double		x = 0.0,
					t,
					recency;

		if (clv_sample_uniform(&rng) >= 0.3)
			x = floor(clv_sample_uniform(&rng) < 0.9 ?
					  clv_sample_uniform(&rng) * fmin(most, 20) + 1 :
					  clv_sample_uniform(&rng) * most + 1);
		t = shape == 0 ? longest * clv_sample_uniform(&rng) :
			shape == 1 ? log_uniform(&rng, longest * 1e-4, longest) :
			longest * (0.5 + 0.5 * clv_sample_uniform(&rng));
		recency = shape == 2 ?
			clv_sample_uniform(&rng) * clv_sample_uniform(&rng) :
			clv_sample_uniform(&rng);
		rows[i].x = x;
		rows[i].t = t;
		rows[i].t_x = x > 0 ? t * recency : 0.0;
		rows[i].count = 1 + floor(log_uniform(&rng, 1, 1000));
	}
	qsort(rows, ROWS, sizeof(ClvTxRow), tx_cmp);
}

/* Orders doubles ascending. */
static int
double_cmp(const void *a, const void *b)
{
	double		l = *(const double *) a,
				r = *(const double *) b;

	return (l > r) - (l < r);
}

int
main(void)
{
	const char *env = getenv("PARETO_INPUTS");
	int			inputs = env ? atoi(env) : 40;
	ClvTxRow   *rows = malloc(sizeof(ClvTxRow) * ROWS);
	void	   *workspace = malloc(clv_pnbd_workspace_size(ROWS));
	double	   *total = malloc(sizeof(double) * (inputs > 0 ? inputs : 1));
	int			over = 0;

	if (rows == NULL || workspace == NULL || total == NULL || inputs < 1)
		return 1;
	for (int input = 0; input < inputs; input++)
	{
		ClvModelFit fit;
		ClvInference inf;
		long		calls = 0;
		double		start,
					fitted,
					end;

		draw_input(input, rows);
		start = cpu_ms();
		clv_pnbd_fit(rows, ROWS, workspace, count_call, &calls, &fit);
		fitted = cpu_ms();
		if (fit.converged)
			clv_pnbd_inference(fit.param, rows, ROWS, workspace, NULL, NULL, &inf);
		end = cpu_ms();
		total[input] = end - start;
		over += total[input] > 50.0;
		printf("input %2d  fit %6.1f ms  SE %5.1f ms  total %6.1f ms  %3ld calls  %3d iterations  converged %d\n",
			   input, fitted - start, end - fitted, total[input], calls,
			   fit.iterations, fit.converged);
	}
	qsort(total, inputs, sizeof(double), double_cmp);
	printf("%d inputs of %d rows: fit+SE median %.1f ms, 90th percentile %.1f ms, largest %.1f ms; %d over 50 ms\n",
		   inputs, ROWS, total[inputs / 2], total[(int) (0.9 * (inputs - 1))],
		   total[inputs - 1], over);
	free(rows);
	free(workspace);
	free(total);
	return 0;
}
