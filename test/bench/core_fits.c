/*
 * core_fits.c -- unit-level benchmark of the fits of src/core on data the
 * size of issue 13's (1M customers over two years, about 690,000 distinct
 * day-level (x, t_x, t) rows): BG/NBD customers simulated by simulate.c
 * (CDNOW's parameters), summarised per day in weeks and compressed to
 * distinct rows, then fitted with their standard errors (BG/NBD, MBG/NBD,
 * Pareto/NBD); BG/BB on the same customers' weekly opportunities; sBG on
 * their monthly survival.
 *
 *	make corebench [BENCH_CUSTOMERS=N]		(default 1,000,000 customers)
 *
 * Prints one line per step with its wall-clock time, a fit's split into
 * the fit and its standard errors.
 */
#define _POSIX_C_SOURCE 199309L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgbb.h"
#include "bgnbd.h"
#include "inference.h"
#include "mbgnbd.h"
#include "pareto_nbd.h"
#include "sbg.h"
#include "simulate.h"
#include "tx_order.h"

/* Seconds since an arbitrary origin. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* BG/BB rows by x, t_x, n. */
static int
bgbb_cmp(const void *a, const void *b)
{
	const ClvBgbbRow *l = a,
			   *r = b;

	if (l->x != r->x)
		return l->x < r->x ? -1 : 1;
	if (l->t_x != r->t_x)
		return l->t_x < r->t_x ? -1 : 1;
	return (l->n > r->n) - (l->n < r->n);
}

/* Merges equal neighbours of sorted rows into counts; returns the new size. */
#define COMPRESS(rows, n, cmp) \
	do { \
		size_t		m_ = 0; \
		for (size_t i_ = 0; i_ < (n); i_++) \
			if (m_ > 0 && cmp(&(rows)[m_ - 1], &(rows)[i_]) == 0) \
				(rows)[m_ - 1].count += (rows)[i_].count; \
			else \
				(rows)[m_++] = (rows)[i_]; \
		(n) = m_; \
	} while (0)

/*
 * Prints a fit's line: the fit started at start, its standard errors at
 * se_start, both ended now.
 */
static void
report(const char *what, size_t rows, double start, double se_start,
	   const ClvModelFit *fit, const ClvInference *inf, int nparams)
{
	double		end = now();

	printf("%-10s %7zu rows  fit+SE %6.3f s (SE %6.3f s)  %3d iterations  converged %d  ll %.1f\n",
		   what, rows, end - start, end - se_start, fit->iterations, fit->converged,
		   fit->ll);
	for (int i = 0; i < nparams; i++)
		printf("           param %d = %.5g (SE %.3g)\n", i, fit->param[i], inf->se[i]);
}

int
main(void)
{
	const char *env = getenv("BENCH_CUSTOMERS");
	long		customers = env ? atol(env) : 1000000;
	const ClvSampleModel truth = {0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44};
	const long	days = 730;
	ClvTxRow   *tx = malloc(sizeof(ClvTxRow) * customers);
	ClvBgbbRow *bb = malloc(sizeof(ClvBgbbRow) * customers);
	double		survivors[25] = {0};
	ClvSbgRow	sbg[25];
	ClvSampleWindow window;
	ClvSampleOrder orders[5000];
	size_t		ntx = 0,
				nbb = 0;
	ClvModelFit fit;
	ClvInference inf;
	void	   *workspace;
	double		start,
				se_start;

	clv_sample_window(0, days * 86400 * INT64_C(1000000), INT64_C(7) * 86400 * 1000000, &window);
	start = now();
	for (long c = 0; c < customers; c++)
	{
		int			k;
		long		first,
					last,
					x = 0,
					weeks = 0,
					last_week = 0;

		if (clv_sample_customer(&truth, &window, 42, c, orders, 5000, &k) != CLV_SAMPLE_OK)
			continue;
		first = last = orders[0].second / 86400;
		for (int j = 1; j < k; j++)
		{
			long		day = orders[j].second / 86400,
						week = (day - first) / 7;

			if (day != last)
			{
				x++;
				last = day;
			}
			/* opportunity w >= 1 is the w-th week after the first purchase */
			if (week >= 1 && week != last_week)
			{
				weeks++;
				last_week = week;
			}
		}
		tx[ntx++] = (ClvTxRow) {x, (last - first) / 7.0, (days - 1 - first) / 7.0, 1};
		bb[nbb++] = (ClvBgbbRow) {weeks, weeks > 0 ? last_week : 0, (days - 1 - first) / 7, 1};
		/* monthly (30-day) survival of the customers who started in month 0 */
		if (first < 30)
			for (int m = 0; m < 25 && first + 30 * m <= days - 1; m++)
				survivors[m] += last >= first + 30 * m;
	}
	printf("simulated %ld customers in %.3f s\n", customers, now() - start);

	start = now();
	qsort(tx, ntx, sizeof(ClvTxRow), tx_cmp);
	COMPRESS(tx, ntx, tx_cmp);
	qsort(bb, nbb, sizeof(ClvBgbbRow), bgbb_cmp);
	COMPRESS(bb, nbb, bgbb_cmp);
	printf("sorted and compressed in %.3f s: %zu distinct (x, t_x, t), %zu distinct (x, t_x, n)\n",
		   now() - start, ntx, nbb);

	start = now();
	clv_bgnbd_fit(tx, ntx, NULL, NULL, &fit);
	se_start = now();
	clv_bgnbd_inference(fit.param, tx, ntx, NULL, NULL, &inf);
	report("BG/NBD", ntx, start, se_start, &fit, &inf, 4);

	start = now();
	clv_mbgnbd_fit(tx, ntx, NULL, NULL, &fit);
	se_start = now();
	clv_mbgnbd_inference(fit.param, tx, ntx, NULL, NULL, &inf);
	report("MBG/NBD", ntx, start, se_start, &fit, &inf, 4);

	workspace = malloc(clv_pnbd_workspace_size(ntx));
	start = now();
	clv_pnbd_fit(tx, ntx, workspace, NULL, NULL, &fit);
	se_start = now();
	clv_pnbd_inference(fit.param, tx, ntx, workspace, NULL, NULL, &inf);
	report("Pareto/NBD", ntx, start, se_start, &fit, &inf, 4);
	free(workspace);

	start = now();
	clv_bgbb_fit(bb, nbb, NULL, NULL, &fit);
	se_start = now();
	clv_bgbb_inference(fit.param, bb, nbb, NULL, NULL, &inf);
	report("BG/BB", nbb, start, se_start, &fit, &inf, 4);

	start = now();
	{
		int			n = 25;

		while (n > 1 && survivors[n - 1] == 0)
			n--;
		n = clv_sbg_rows_from_survivors(survivors, n, sbg);
		clv_sbg_fit(sbg, n, NULL, NULL, &fit);
		se_start = now();
		clv_sbg_inference(fit.param, sbg, n, NULL, NULL, &inf);
		report("sBG", (size_t) n, start, se_start, &fit, &inf, 2);
	}
	free(tx);
	free(bb);
	return 0;
}
