/*
 * fuzz_models.c -- libFuzzer harness for the probabilistic models of
 * src/core: likelihoods, gradients and predictions at arbitrary valid
 * parameters and customers must be finite where the mathematics is, and
 * probabilities must stay in [0, 1].  Parameters span 1e-3..1e3.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/core \
 *       test/fuzz/fuzz_models.c src/core/[a-z]*.c -lm -o test/fuzz/fuzz_models.bin
 *   test/fuzz/fuzz_models.bin -max_total_time=60
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgnbd.h"
#include "gamma_gamma.h"
#include "pareto_nbd.h"

#define MAX_ROWS 8

/* Reads the next byte of the input, 0 when it is exhausted. */
static unsigned
next_byte(const uint8_t **data, size_t *size)
{
	unsigned	b = 0;

	if (*size > 0)
	{
		b = **data;
		(*data)++;
		(*size)--;
	}
	return b;
}

/* A value in [lo, hi] on a log scale, from two bytes. */
static double
log_uniform(const uint8_t **data, size_t *size, double lo, double hi)
{
	unsigned	v = next_byte(data, size) << 8 | next_byte(data, size);

	return exp(log(lo) + (log(hi) - log(lo)) * v / 65535.0);
}

/* Aborts (a finding) when cond does not hold. */
#define check(cond) do { if (!(cond)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	double		param[4];
	ClvTxRow	rows[MAX_ROWS];
	ClvSpendRow spend[MAX_ROWS];
	double		workspace[MAX_ROWS * 40];	/* clv_pnbd_workspace_size */
	double		grad[4];
	size_t		n = 1 + next_byte(&data, &size) % MAX_ROWS;
	size_t		i;

	check(clv_pnbd_workspace_size(MAX_ROWS) <= sizeof(workspace));
	for (i = 0; i < 4; i++)
		param[i] = log_uniform(&data, &size, 1e-3, 1e3);
	for (i = 0; i < n; i++)
	{
		double		t = log_uniform(&data, &size, 1e-3, 1e4);
		unsigned	kind = next_byte(&data, &size);

		rows[i].x = (kind & 1) ? floor(log_uniform(&data, &size, 1, 1e4)) : 0;
		rows[i].t = t;
		rows[i].t_x = rows[i].x > 0 ? t * next_byte(&data, &size) / 255.0 : 0;
		rows[i].count = 1 + next_byte(&data, &size);
		spend[i].x = rows[i].x > 0 ? rows[i].x : 1;
		spend[i].m = log_uniform(&data, &size, 1e-2, 1e5);
		spend[i].count = rows[i].count;
	}

	check(!isnan(clv_bgnbd_ll(param, rows, n, grad)));
	for (i = 0; i < 4; i++)
		check(!isnan(grad[i]));
	check(!isnan(clv_pnbd_ll(param, rows, n, workspace, NULL)));
	check(!isnan(clv_gg_ll(param, spend, n, grad)));
	for (i = 0; i < 3; i++)
		check(!isnan(grad[i]));
	for (i = 0; i < n; i++)
	{
		double		alive_bg = clv_bgnbd_p_alive(param, rows[i].x, rows[i].t_x, rows[i].t);
		double		alive_p = clv_pnbd_p_alive(param, rows[i].x, rows[i].t_x, rows[i].t);
		double		expected;

		check(alive_bg >= 0 && alive_bg <= 1);
		check(alive_p >= 0 && alive_p <= 1);
		check(clv_pnbd_expected_purchases(param, rows[i].t, rows[i].x, rows[i].t_x,
										  rows[i].t) >= 0);
		/* NaN: 8 digits could not be guaranteed (the glue reports an error) */
		expected = clv_bgnbd_expected_purchases(param, rows[i].t, rows[i].x, rows[i].t_x,
												rows[i].t);
		check(isnan(expected) || expected >= 0);
	}
	return 0;
}
