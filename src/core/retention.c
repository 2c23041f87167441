/*-------------------------------------------------------------------------
 *
 * retention.c
 *	  Calendar period numbers and the additive series and cohort counts of
 *	  the retention family (see retention.h).
 *
 *-------------------------------------------------------------------------
 */
#include "retention.h"

#include <string.h>

/* Days from 1970-01-01 to 2000-01-01, the day numbers' origin. */
#define CLV_RETENTION_EPOCH_SHIFT 10957

/* Floor division for a positive divisor. */
static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/*
 * Year, month (1..12) of day (days from 2000-01-01), proleptic Gregorian
 * with astronomical year numbers (H. Hinnant's civil_from_days).
 */
static void
civil_from_day(int32_t day, int64_t *year, int *month)
{
	int64_t		z = (int64_t) day + CLV_RETENTION_EPOCH_SHIFT + 719468;
	int64_t		era = floor_div(z, 146097);
	int64_t		doe = z - era * 146097;
	int64_t		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t		mp = (5 * doy + 2) / 153;

	*month = (int) (mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

/* The day number (from 2000-01-01) of the first of month of year. */
static int32_t
day_from_civil(int64_t year, int month)
{
	int64_t		y = year - (month <= 2);
	int64_t		era = floor_div(y, 400);
	int64_t		yoe = y - era * 400;
	int64_t		doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5;
	int64_t		doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (int32_t) (era * 146097 + doe - 719468 - CLV_RETENTION_EPOCH_SHIFT);
}

/* The number of the period of unit that contains day. */
int32_t
clv_retention_period_of_day(ClvRetentionUnit unit, int32_t day)
{
	int64_t		year;
	int			month;

	switch (unit)
	{
		case CLV_RETENTION_DAY:
			return day;
		case CLV_RETENTION_WEEK:
			/* 2000-01-03 (day 2) is a Monday */
			return (int32_t) floor_div((int64_t) day - 2, 7);
		default:
			break;
	}
	civil_from_day(day, &year, &month);
	if (unit == CLV_RETENTION_MONTH)
		return (int32_t) (year * 12 + month - 1);
	if (unit == CLV_RETENTION_QUARTER)
		return (int32_t) (year * 4 + (month - 1) / 3);
	return (int32_t) year;
}

/* The first day of period number period of unit. */
int32_t
clv_retention_period_first_day(ClvRetentionUnit unit, int32_t period)
{
	int64_t		year;

	switch (unit)
	{
		case CLV_RETENTION_DAY:
			return period;
		case CLV_RETENTION_WEEK:
			return (int32_t) ((int64_t) period * 7 + 2);
		case CLV_RETENTION_MONTH:
			year = floor_div(period, 12);
			return day_from_civil(year, (int) (period - year * 12) + 1);
		case CLV_RETENTION_QUARTER:
			year = floor_div(period, 4);
			return day_from_civil(year, (int) (period - year * 4) * 3 + 1);
		case CLV_RETENTION_YEAR:
			return day_from_civil(period, 1);
	}
	return period;
}

/* Empty counts of kind with a growing window. */
void
clv_counts_init(ClvRetentionCounts *counts, ClvCountsKind kind,
				const ClvPeriodMemory *memory)
{
	memset(counts, 0, sizeof(*counts));
	counts->kind = kind;
	counts->memory = *memory;
}

/* Allocates zeroed storage for the window [base, base + capacity). */
static void
counts_allocate(ClvRetentionCounts *counts, int64_t base, uint32_t capacity)
{
	const ClvPeriodMemory *m = &counts->memory;

	counts->base = base;
	counts->capacity = capacity;
	if (counts->kind == CLV_COUNTS_SERIES)
	{
		counts->active = (int64_t *) m->alloc(m->arg, sizeof(int64_t) * capacity);
		memset(counts->active, 0, sizeof(int64_t) * capacity);
		counts->retained = (int64_t *) m->alloc(m->arg, sizeof(int64_t) * capacity);
		memset(counts->retained, 0, sizeof(int64_t) * capacity);
		counts->new_customers = (int64_t *) m->alloc(m->arg, sizeof(int64_t) * capacity);
		memset(counts->new_customers, 0, sizeof(int64_t) * capacity);
	}
	else
	{
		counts->rows = (ClvCohortRow **) m->alloc(m->arg, sizeof(ClvCohortRow *) * capacity);
		memset(counts->rows, 0, sizeof(ClvCohortRow *) * capacity);
	}
}

/* Empty series counts over a fixed window. */
void
clv_counts_init_fixed(ClvRetentionCounts *counts, int32_t first, uint32_t nperiods,
					  const ClvPeriodMemory *memory)
{
	clv_counts_init(counts, CLV_COUNTS_SERIES, memory);
	counts->fixed = 1;
	counts_allocate(counts, first, nperiods);
}

/* Bytes of a cohort row of capacity cells. */
#define ROW_BYTES(capacity) (sizeof(ClvCohortRow) + sizeof(int64_t) * (size_t) (capacity))

/* Releases the storage arrays (not the rows) of counts. */
static void
counts_release_arrays(ClvRetentionCounts *counts)
{
	const ClvPeriodMemory *m = &counts->memory;

	if (counts->capacity == 0)
		return;
	if (counts->kind == CLV_COUNTS_SERIES)
	{
		m->release(m->arg, counts->active, sizeof(int64_t) * counts->capacity);
		m->release(m->arg, counts->retained, sizeof(int64_t) * counts->capacity);
		m->release(m->arg, counts->new_customers, sizeof(int64_t) * counts->capacity);
	}
	else
		m->release(m->arg, counts->rows, sizeof(ClvCohortRow *) * counts->capacity);
}

/* Releases the counts' memory. */
void
clv_counts_free(ClvRetentionCounts *counts)
{
	const ClvPeriodMemory *m = &counts->memory;

	if (counts->kind == CLV_COUNTS_COHORTS && counts->rows != NULL)
		for (uint32_t i = 0; i < counts->capacity; i++)
			if (counts->rows[i] != NULL)
				m->release(m->arg, counts->rows[i], ROW_BYTES(counts->rows[i]->capacity));
	counts_release_arrays(counts);
	counts->capacity = 0;
	counts->active = counts->retained = counts->new_customers = NULL;
	counts->rows = NULL;
}

/*
 * Makes the storage window cover [lo, hi] (a growing window grows by at
 * least half its size in each direction it grows); 0 when the observed
 * range would span more than CLV_COUNTS_MAX_PERIODS.
 */
static int
counts_cover(ClvRetentionCounts *counts, int64_t lo, int64_t hi)
{
	int64_t		first = counts->customers > 0 && counts->first < lo ? counts->first : lo;
	int64_t		last = counts->customers > 0 && counts->last > hi ? counts->last : hi;
	int64_t		new_lo,
				new_hi,
				old_hi = counts->base + (int64_t) counts->capacity - 1;
	ClvRetentionCounts old = *counts;

	if (last - first + 1 > CLV_COUNTS_MAX_PERIODS)
		return 0;
	if (counts->capacity > 0 && lo >= counts->base && hi <= old_hi)
		return 1;
	if (counts->capacity == 0)
	{
		new_lo = lo;
		new_hi = hi;
	}
	else
	{
		int64_t		slack = counts->capacity / 2 + 1;

		new_lo = lo < counts->base ? (lo < counts->base - slack ? lo : counts->base - slack) : counts->base;
		new_hi = hi > old_hi ? (hi > old_hi + slack ? hi : old_hi + slack) : old_hi;
	}
	/* never more than the widest window a group may have, with its slack */
	if (new_hi - new_lo + 1 > 2 * (int64_t) CLV_COUNTS_MAX_PERIODS)
	{
		new_lo = first;
		new_hi = last;
	}
	counts_allocate(counts, new_lo, (uint32_t) (new_hi - new_lo + 1));
	if (old.capacity > 0)
	{
		int64_t		shift = old.base - new_lo;

		if (counts->kind == CLV_COUNTS_SERIES)
		{
			memcpy(counts->active + shift, old.active, sizeof(int64_t) * old.capacity);
			memcpy(counts->retained + shift, old.retained, sizeof(int64_t) * old.capacity);
			memcpy(counts->new_customers + shift, old.new_customers, sizeof(int64_t) * old.capacity);
		}
		else
			memcpy(counts->rows + shift, old.rows, sizeof(ClvCohortRow *) * old.capacity);
		counts_release_arrays(&old);
	}
	return 1;
}

/* Notes that periods [lo, hi] are observed. */
static void
counts_observe(ClvRetentionCounts *counts, int32_t lo, int32_t hi)
{
	if (counts->customers == 0 || lo < counts->first)
		counts->first = lo;
	if (counts->customers == 0 || hi > counts->last)
		counts->last = hi;
}

/* The row of cohort c with room for length cells, created or grown. */
static ClvCohortRow *
counts_row(ClvRetentionCounts *counts, int32_t c, uint32_t length)
{
	const ClvPeriodMemory *m = &counts->memory;
	ClvCohortRow **slot = &counts->rows[c - counts->base];
	ClvCohortRow *row = *slot;

	if (row == NULL || row->capacity < length)
	{
		uint32_t	capacity = row == NULL ? length : row->capacity + row->capacity / 2;
		ClvCohortRow *grown;

		if (capacity < length)
			capacity = length;
		grown = (ClvCohortRow *) m->alloc(m->arg, ROW_BYTES(capacity));
		memset(grown, 0, ROW_BYTES(capacity));
		grown->capacity = capacity;
		if (row != NULL)
		{
			grown->length = row->length;
			memcpy(grown->cells, row->cells, sizeof(int64_t) * row->length);
			m->release(m->arg, row, ROW_BYTES(row->capacity));
		}
		*slot = row = grown;
	}
	if (row->length < length)
		row->length = length;
	return row;
}

/*
 * Adds the n ascending periods of list, the next of a customer whose last
 * period so far is *previous (INT64_MIN before the first), to series
 * counts, or to a cohort row whose period 0 is first.
 */
static inline void
counts_add_periods(ClvRetentionCounts *counts, ClvCohortRow *row, int32_t first,
				   const int32_t *list, uint32_t n, int64_t *previous)
{
	int64_t		end = counts->base + (int64_t) counts->capacity;

	for (uint32_t k = 0; k < n; k++)
	{
		int64_t		p = list[k];

		if (row != NULL)
			row->cells[p - first]++;
		else if (p >= counts->base && p < end)
		{
			int64_t		i = p - counts->base;

			counts->active[i]++;
			if (*previous == INT64_MIN)
				counts->new_customers[i]++;
			else if (*previous == p - 1)
				counts->retained[i]++;
		}
		*previous = p;
	}
}

/* Adds one customer. */
int
clv_counts_add(ClvRetentionCounts *counts, const ClvPeriodSet *set)
{
	int32_t		buf[64];
	uint32_t	n = 0;
	int32_t		first,
				last;
	int64_t		previous = INT64_MIN;
	ClvCohortRow *row = NULL;
	ClvPeriodIter it;

	/* the periods of an inline set straight into buf, others iterated */
	if (clv_pset_kind(set) == CLV_PSET_LIST)
		for (; n < clv_pset_count(set); n++)
			buf[n] = set->u.list[n];
	else if (clv_pset_kind(set) == CLV_PSET_WINDOW)
		for (uint32_t mask = set->u.window.mask; mask != 0; mask &= mask - 1)
			buf[n++] = set->u.window.base + clv_lowest_bit(mask);
	first = n > 0 ? buf[0] : clv_pset_first(set);
	last = n > 0 ? buf[n - 1] : clv_pset_last(set);

	if (!counts->fixed)
	{
		if (!counts_cover(counts, first, last))
			return 0;
		counts_observe(counts, first, last);
	}
	counts->customers++;
	if (counts->kind == CLV_COUNTS_COHORTS)
		row = counts_row(counts, first, (uint32_t) (last - first + 1));
	if (n > 0)
	{
		counts_add_periods(counts, row, first, buf, n, &previous);
		return 1;
	}
	clv_pset_iter_init(&it, set);
	for (;;)
	{
		for (n = 0; n < 64 && clv_pset_iter_next(&it, &buf[n]); n++)
			;
		if (n == 0)
			break;
		counts_add_periods(counts, row, first, buf, n, &previous);
	}
	return 1;
}

/* Adds the counts of from to into. */
int
clv_counts_merge(ClvRetentionCounts *into, const ClvRetentionCounts *from)
{
	int64_t		lo,
				hi;

	if (into->kind != from->kind || into->fixed != from->fixed ||
		(into->fixed && (into->base != from->base || into->capacity != from->capacity)))
		return 0;
	if (from->capacity == 0 || (!from->fixed && from->customers == 0))
		return 1;
	if (!into->fixed)
	{
		if (!counts_cover(into, from->first, from->last))
			return 0;
		counts_observe(into, from->first, from->last);
	}
	into->customers += from->customers;
	lo = from->fixed ? from->base : from->first;
	hi = from->fixed ? from->base + (int64_t) from->capacity - 1 : from->last;
	for (int64_t p = lo; p <= hi; p++)
	{
		int64_t		i = p - from->base;
		int64_t		j = p - into->base;

		if (from->kind == CLV_COUNTS_SERIES)
		{
			into->active[j] += from->active[i];
			into->retained[j] += from->retained[i];
			into->new_customers[j] += from->new_customers[i];
		}
		else if (from->rows[i] != NULL)
		{
			const ClvCohortRow *src = from->rows[i];
			ClvCohortRow *row = counts_row(into, (int32_t) p, src->length);

			for (uint32_t k = 0; k < src->length; k++)
				row->cells[k] += src->cells[k];
		}
	}
	return 1;
}

/* Series counts of period p. */
void
clv_counts_series_at(const ClvRetentionCounts *counts, int32_t p, int64_t *active,
					 int64_t *retained, int64_t *new_customers)
{
	int64_t		i = (int64_t) p - counts->base;

	if (counts->kind != CLV_COUNTS_SERIES || i < 0 || i >= (int64_t) counts->capacity)
	{
		*active = *retained = *new_customers = 0;
		return;
	}
	*active = counts->active[i];
	*retained = counts->retained[i];
	*new_customers = counts->new_customers[i];
}

/* The row of cohort c, or NULL. */
const ClvCohortRow *
clv_counts_cohort(const ClvRetentionCounts *counts, int32_t c)
{
	int64_t		i = (int64_t) c - counts->base;

	if (counts->kind != CLV_COUNTS_COHORTS || i < 0 || i >= (int64_t) counts->capacity)
		return NULL;
	return counts->rows[i];
}

/* Cells of the cohort matrix up to the last observed period. */
int64_t
clv_counts_cohort_cells(const ClvRetentionCounts *counts)
{
	int64_t		cells = 0;

	if (counts->kind != CLV_COUNTS_COHORTS || counts->customers == 0)
		return 0;
	for (int64_t c = counts->first; c <= counts->last; c++)
		if (counts->rows[c - counts->base] != NULL)
			cells += counts->last - c + 1;
	return cells;
}

/* The encoding: see retention.h. */
size_t
clv_counts_encoded_bound(const ClvRetentionCounts *counts)
{
	size_t		bound = 2 + 10 + 5 + 5;

	if (counts->kind == CLV_COUNTS_SERIES)
		return bound + 30 * (size_t) counts->capacity;
	bound += 5 * (size_t) counts->capacity;
	for (uint32_t i = 0; i < counts->capacity; i++)
		if (counts->rows[i] != NULL)
			bound += 10 * (size_t) counts->rows[i]->length;
	return bound;
}

/*
 * kind, fixed, customers; then the window's first period (zigzag) and
 * length: for a fixed window the storage window, else the observed
 * periods (nothing when there are no customers); then per period the
 * series' active, retained and new counts, or the cohort row's length (0:
 * none) and cells.
 */
size_t
clv_counts_encode(const ClvRetentionCounts *counts, uint8_t *out)
{
	size_t		n = 0;
	int64_t		lo,
				hi;

	out[n++] = (uint8_t) counts->kind;
	out[n++] = (uint8_t) counts->fixed;
	n += clv_varint64_put(out + n, (uint64_t) counts->customers);
	if (counts->fixed)
	{
		lo = counts->base;
		hi = counts->base + (int64_t) counts->capacity - 1;
	}
	else if (counts->customers == 0)
		return n;
	else
	{
		lo = counts->first;
		hi = counts->last;
	}
	n += clv_varint_put(out + n, clv_zigzag((int32_t) lo));
	n += clv_varint_put(out + n, (uint32_t) (hi - lo + 1));
	for (int64_t p = lo; p <= hi; p++)
	{
		int64_t		i = p - counts->base;

		if (counts->kind == CLV_COUNTS_SERIES)
		{
			n += clv_varint64_put(out + n, (uint64_t) counts->active[i]);
			n += clv_varint64_put(out + n, (uint64_t) counts->retained[i]);
			n += clv_varint64_put(out + n, (uint64_t) counts->new_customers[i]);
		}
		else if (counts->rows[i] == NULL)
			out[n++] = 0;
		else
		{
			const ClvCohortRow *row = counts->rows[i];

			n += clv_varint_put(out + n, row->length);
			for (uint32_t k = 0; k < row->length; k++)
				n += clv_varint64_put(out + n, (uint64_t) row->cells[k]);
		}
	}
	return n;
}

/* Counts never exceed this (2^62), so sums of a few cannot overflow. */
#define COUNT_MAX (INT64_C(1) << 62)

/* Decodes counts and checks their invariants; the bytes read or 0. */
size_t
clv_counts_decode(ClvRetentionCounts *counts, const uint8_t *in, size_t len,
				  const ClvPeriodMemory *memory)
{
	size_t		n = 2,
				got;
	uint64_t	customers;
	uint32_t	value,
				nperiods;
	int32_t		lo;
	int64_t		sum = 0;

	if (len < 2 || in[0] > CLV_COUNTS_COHORTS || in[1] > 1 ||
		(in[0] == CLV_COUNTS_COHORTS && in[1]))
		return 0;
	clv_counts_init(counts, (ClvCountsKind) in[0], memory);
	counts->fixed = in[1];
	if ((got = clv_varint64_get(in + n, len - n, &customers)) == 0 || customers > COUNT_MAX)
		return 0;
	n += got;
	counts->customers = (int64_t) customers;
	if (!counts->fixed && customers == 0)
		return n;
	if ((got = clv_varint_get(in + n, len - n, &value)) == 0)
		return 0;
	n += got;
	lo = clv_unzigzag(value);
	if ((got = clv_varint_get(in + n, len - n, &nperiods)) == 0 || nperiods == 0 ||
		nperiods > CLV_COUNTS_MAX_PERIODS || (int64_t) lo + nperiods - 1 > INT32_MAX ||
		nperiods > len)
		return 0;
	n += got;
	counts_allocate(counts, lo, nperiods);
	if (!counts->fixed)
	{
		counts->first = lo;
		counts->last = (int32_t) (lo + (int64_t) nperiods - 1);
	}
	for (uint32_t i = 0; i < nperiods; i++)
	{
		uint64_t	v[3];

		if (counts->kind == CLV_COUNTS_SERIES)
		{
			for (int f = 0; f < 3; f++)
			{
				if ((got = clv_varint64_get(in + n, len - n, &v[f])) == 0 || v[f] > customers)
					goto bad;
				n += got;
			}
			/* retained and new are among the active; retained were active before */
			if (v[1] > v[0] || v[2] > v[0] || v[1] + v[2] > v[0] ||
				(i > 0 && v[1] > (uint64_t) counts->active[i - 1]) ||
				(!counts->fixed && i == 0 && v[1] != 0))
				goto bad;
			counts->active[i] = (int64_t) v[0];
			counts->retained[i] = (int64_t) v[1];
			counts->new_customers[i] = (int64_t) v[2];
			sum += (int64_t) v[2];
			if (sum > (int64_t) customers)
				goto bad;
		}
		else
		{
			uint32_t	length;
			ClvCohortRow *row;

			if ((got = clv_varint_get(in + n, len - n, &length)) == 0)
				goto bad;
			n += got;
			if (length == 0)
				continue;
			if (length > nperiods - i || length > len - n)
				goto bad;
			row = counts_row(counts, (int32_t) (lo + i), length);
			for (uint32_t k = 0; k < length; k++)
			{
				if ((got = clv_varint64_get(in + n, len - n, &v[0])) == 0 ||
					v[0] > customers || (k > 0 && v[0] > (uint64_t) row->cells[0]) ||
					(k == 0 && v[0] == 0))
					goto bad;
				n += got;
				row->cells[k] = (int64_t) v[0];
			}
			if (row->cells[length - 1] == 0)
				goto bad;		/* canonical: a row ends with activity */
			sum += row->cells[0];
			if (sum > (int64_t) customers)
				goto bad;
		}
	}
	/* a growing window: every customer counted once, observed ends active */
	if (!counts->fixed)
	{
		if (sum != (int64_t) customers)
			goto bad;
		if (counts->kind == CLV_COUNTS_SERIES &&
			(counts->active[0] == 0 || counts->active[nperiods - 1] == 0))
			goto bad;
		if (counts->kind == CLV_COUNTS_COHORTS)
		{
			int			reaches_last = 0;

			if (counts->rows[0] == NULL)
				goto bad;
			for (uint32_t i = 0; i < nperiods; i++)
				if (counts->rows[i] != NULL && i + counts->rows[i]->length == nperiods)
					reaches_last = 1;
			if (!reaches_last)
				goto bad;
		}
	}
	return n;
bad:
	clv_counts_free(counts);
	return 0;
}
