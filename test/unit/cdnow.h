/*
 * cdnow.h -- the CDNOW sample as the unit tests read it: the calibration
 * summaries (same-day orders merged, up to 1997-09-30 inclusive, weeks)
 * compressed to distinct (x, t_x, t) rows, and the (x, m) spend rows.
 *
 * Run from the repository root (make unitcheck); the sample is read from
 * test/data/cdnow/CDNOW_sample.txt unless CLV_CDNOW_SAMPLE names another
 * path.  Include once per test program.
 */
#ifndef CLV_TEST_CDNOW_H
#define CLV_TEST_CDNOW_H

#include <stdio.h>
#include <stdlib.h>

#include "model.h"

#define MAX_ORDERS 10000
#define MAX_CUSTOMERS 3000

/* One line of the sample: customer, day number, amount. */
typedef struct Order
{
	int			customer;
	long		day;
	double		amount;
} Order;

/* Days since 1970-01-01 of a proleptic Gregorian yyyymmdd. */
static long
day_number(long yyyymmdd)
{
	long		y = yyyymmdd / 10000,
				m = yyyymmdd / 100 % 100,
				d = yyyymmdd % 100;
	long		era,
				yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Orders by customer, then day. */
static int
order_cmp(const void *a, const void *b)
{
	const Order *x = a,
			   *y = b;

	if (x->customer != y->customer)
		return x->customer < y->customer ? -1 : 1;
	return (x->day > y->day) - (x->day < y->day);
}

/* Rows by x, t_x, t. */
static int
tx_cmp(const void *a, const void *b)
{
	const ClvTxRow *x = a,
			   *y = b;

	if (x->x != y->x)
		return x->x < y->x ? -1 : 1;
	if (x->t_x != y->t_x)
		return x->t_x < y->t_x ? -1 : 1;
	return (x->t > y->t) - (x->t < y->t);
}

static Order orders[MAX_ORDERS];
static ClvTxRow tx_rows[MAX_CUSTOMERS];
static ClvSpendRow spend_rows[MAX_CUSTOMERS];
static size_t n_tx_rows,
			n_spend_rows;

/*
 * Reads the sample and builds the calibration summaries (same-day orders
 * merged, up to 1997-09-30 inclusive, weeks), compressed to distinct rows.
 * Returns the number of customers, or -1 when the file is missing.
 */
static int
load_cdnow(long *sum_x, int *zeros)
{
	const char *path = getenv("CLV_CDNOW_SAMPLE");
	FILE	   *file;
	long		master,
				sample,
				date,
				cds;
	double		amount;
	size_t		n = 0,
				i = 0;
	long		end = day_number(19970930);
	int			customers = 0;

	if (path == NULL)
		path = "test/data/cdnow/CDNOW_sample.txt";
	file = fopen(path, "r");
	if (file == NULL)
		return -1;
	while (n < MAX_ORDERS &&
		   fscanf(file, "%ld %ld %ld %ld %lf", &master, &sample, &date, &cds,
				  &amount) == 5)
	{
		orders[n].customer = (int) sample;
		orders[n].day = day_number(date);
		orders[n].amount = amount;
		n++;
	}
	fclose(file);
	qsort(orders, n, sizeof(Order), order_cmp);

	*sum_x = 0;
	*zeros = 0;
	n_tx_rows = n_spend_rows = 0;
	while (i < n)
	{
		int			customer = orders[i].customer;
		long		first = orders[i].day,
					last = first,
					x = 0;
		double		repeat_total = 0.0;

		for (; i < n && orders[i].customer == customer; i++)
		{
			if (orders[i].day > end)
				continue;
			if (orders[i].day != last)
			{
				x++;
				last = orders[i].day;
			}
			if (orders[i].day != first)
				repeat_total += orders[i].amount;
		}
		if (first > end)
			continue;
		customers++;
		*sum_x += x;
		*zeros += x == 0;
		tx_rows[n_tx_rows].x = (double) x;
		tx_rows[n_tx_rows].t_x = (last - first) / 7.0;
		tx_rows[n_tx_rows].t = (end - first) / 7.0;
		tx_rows[n_tx_rows].count = 1;
		n_tx_rows++;
		if (x > 0)
		{
			spend_rows[n_spend_rows].x = (double) x;
			spend_rows[n_spend_rows].m = repeat_total / x;
			spend_rows[n_spend_rows].count = 1;
			n_spend_rows++;
		}
	}

	/* compress equal (x, t_x, t) rows into counts */
	qsort(tx_rows, n_tx_rows, sizeof(ClvTxRow), tx_cmp);
	n = 0;
	for (i = 0; i < n_tx_rows; i++)
	{
		if (n > 0 && tx_cmp(&tx_rows[n - 1], &tx_rows[i]) == 0)
			tx_rows[n - 1].count += 1;
		else
			tx_rows[n++] = tx_rows[i];
	}
	n_tx_rows = n;
	return customers;
}

#endif							/* CLV_TEST_CDNOW_H */
