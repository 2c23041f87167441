/*
 * stats.c -- the rows, rules and order of a clv_stats value (see stats.h).
 */
#include "stats.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sort_template.h"

/* 0 <= x <= 2^53. */
ClvStatsRule
clv_stats_x_rule(int64_t x)
{
	return x < 0 || x > CLV_STATS_MAX_X ? CLV_STATS_X_RANGE : CLV_STATS_OK;
}

/* x in range, 0 <= t_x <= t finite, t_x = 0 when x = 0. */
ClvStatsRule
clv_stats_tx_rule(int64_t x, double t_x, double t)
{
	if (clv_stats_x_rule(x) != CLV_STATS_OK)
		return CLV_STATS_X_RANGE;
	if (!isfinite(t_x) || !isfinite(t) || !(t_x >= 0.0) || !(t_x <= t))
		return CLV_STATS_T_ORDER;
	if (x == 0 && t_x != 0.0)
		return CLV_STATS_T_X_ZERO;
	return CLV_STATS_OK;
}

/* -1, 0 or 1 as a is below, equal to or above b (neither NaN). */
static inline int
order_of(double a, double b)
{
	return (a > b) - (a < b);
}

/*
 * The order of (x, t_x, t) rows and of (x, m) rows, inlined into the sorts
 * (a shared library's exported functions are not).
 */
static inline int
tx_order(const ClvStatsTx *a, const ClvStatsTx *b)
{
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->t_x != b->t_x)
		return order_of(a->t_x, b->t_x);
	return order_of(a->t, b->t);
}

static inline int
spend_order(const ClvStatsSpend *a, const ClvStatsSpend *b)
{
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	return order_of(a->m, b->m);
}

/* The order of (x, t_x, t) rows. */
int
clv_stats_tx_cmp(const ClvStatsTx *a, const ClvStatsTx *b)
{
	return tx_order(a, b);
}

/* The order of (x, m) rows. */
int
clv_stats_spend_cmp(const ClvStatsSpend *a, const ClvStatsSpend *b)
{
	return spend_order(a, b);
}

/* Whether row a comes before row b. */
#define TX_LESS(a, b) (tx_order((a), (b)) < 0)
#define SPEND_LESS(a, b) (spend_order((a), (b)) < 0)

CLV_SORT_DEFINE(sort_tx, ClvStatsTx, TX_LESS)
CLV_SORT_DEFINE(sort_spend, ClvStatsSpend, SPEND_LESS)

/* Sorts both row lists into their order. */
void
clv_stats_sort(ClvStatsTx *tx, size_t ntx, ClvStatsSpend *spend, size_t nspend)
{
	sort_tx(tx, ntx);
	sort_spend(spend, nspend);
}

/*
 * The radix sort of a fold's rows.  Each row's key words (x, then t_x and
 * t, or m), as unsigned numbers in the rows' order, vary only in a span of
 * bits across the rows to sort (day-level times, as doubles, in their top
 * twenty); the spans, side by side, make one 64-bit key per row (the top
 * 64 bits of them where they are longer, the rows of an equal key then
 * sorted by comparison), sorted with its row's index by least significant
 * digit first, the rows then moved into that order.
 */
#define RADIX_DIGIT_BITS 11
#define RADIX_DIGITS (1 << RADIX_DIGIT_BITS)
#define RADIX_MAX_PASSES ((64 + RADIX_DIGIT_BITS - 1) / RADIX_DIGIT_BITS)
#define RADIX_MAX_WORDS 3

/* Fewer rows than this take the comparison sort (faster there). */
#define RADIX_MIN_ROWS 512

/* The unsigned number whose order is the int64 value's. */
static inline uint64_t
int_bits(int64_t value)
{
	return (uint64_t) value ^ (UINT64_C(1) << 63);
}

/* The unsigned number whose order is the double's (not NaN, -0 as +0). */
static inline uint64_t
double_bits(double value)
{
	uint64_t	bits;

	value += 0.0;				/* -0 becomes +0 */
	memcpy(&bits, &value, sizeof(bits));
	return bits >> 63 ? ~bits : bits | (UINT64_C(1) << 63);
}

/* The key words of an (x, t_x, t) row, in its order. */
static inline void
tx_words(const ClvStatsTx *row, uint64_t *words)
{
	words[0] = int_bits(row->x);
	words[1] = double_bits(row->t_x);
	words[2] = double_bits(row->t);
}

/* The key words of an (x, m) row, in its order. */
static inline void
spend_words(const ClvStatsSpend *row, uint64_t *words)
{
	words[0] = int_bits(row->x);
	words[1] = double_bits(row->m);
}

/*
 * How the key words of a batch make one key: the bits of word w that vary
 * are those of differ[w] (each word xor the first row's), low[w] the
 * lowest of them, take[w] how many of its varying bits, from the top, the
 * key keeps.
 */
typedef struct KeyPacking
{
	int			nwords;
	uint64_t	first[RADIX_MAX_WORDS];
	uint64_t	differ[RADIX_MAX_WORDS];
	int			low[RADIX_MAX_WORDS];
	int			width[RADIX_MAX_WORDS];
	int			take[RADIX_MAX_WORDS];
	int			bits;			/* of the key, at most 64 */
	bool		truncated;		/* equal keys may hold different rows */
} KeyPacking;

/* Spans the varying bits of the words seen into at most 64 key bits. */
static void
key_packing_plan(KeyPacking *packing)
{
	int			room = 64;

	packing->bits = 0;
	packing->truncated = false;
	for (int w = 0; w < packing->nwords; w++)
	{
		uint64_t	differ = packing->differ[w];

		packing->low[w] = differ ? __builtin_ctzll(differ) : 0;
		packing->width[w] = differ ? 64 - __builtin_clzll(differ) - packing->low[w] : 0;
		packing->take[w] = packing->width[w] < room ? packing->width[w] : room;
		packing->truncated |= packing->take[w] < packing->width[w];
		room -= packing->take[w];
		packing->bits += packing->take[w];
	}
}

/* The key of a row's words. */
static inline uint64_t
key_of_words(const KeyPacking *packing, const uint64_t *words)
{
	uint64_t	key = 0;

	for (int w = 0; w < packing->nwords; w++)
	{
		int			take = packing->take[w];
		uint64_t	span;

		if (take == 0)
			continue;
		span = (words[w] >> packing->low[w]) >> (packing->width[w] - take);
		if (take < 64)
			span &= (UINT64_C(1) << take) - 1;
		key = take < 64 ? (key << take) | span : span;
	}
	return key;
}

/*
 * Sorts items[0..n) by key over its low bits bits, given the count of each
 * digit value of each pass in counts; the sorted items end in items or in
 * spare, whichever is returned.
 */
static ClvStatsRadixItem *
radix_sort_items(ClvStatsRadixItem *items, ClvStatsRadixItem *spare, size_t n,
				 int bits, uint32_t counts[RADIX_MAX_PASSES][RADIX_DIGITS])
{
	int			passes = (bits + RADIX_DIGIT_BITS - 1) / RADIX_DIGIT_BITS;

	for (int pass = 0; pass < passes; pass++)
	{
		uint32_t   *start = counts[pass];
		uint32_t	sum = 0;
		int			shift = pass * RADIX_DIGIT_BITS;
		ClvStatsRadixItem *swap;

		for (int digit = 0; digit < RADIX_DIGITS; digit++)
		{
			uint32_t	count = start[digit];

			start[digit] = sum;
			sum += count;
		}
		for (size_t i = 0; i < n; i++)
			spare[start[(items[i].key >> shift) & (RADIX_DIGITS - 1)]++] = items[i];
		swap = items;
		items = spare;
		spare = swap;
	}
	return items;
}

/*
 * Defines name_radix_sort(rows, n, scratch), which sorts rows[0..n) into
 * the order less(a, b) by their nwords key words, words_of(row, words),
 * in the scratch space of clv_stats_fold_scratch_size(n).
 */
#define STATS_RADIX_DEFINE(name, type, nwords_, words_of, sort) \
static void \
name##_radix_sort(type *rows, size_t n, ClvStatsRadixItem *scratch) \
{ \
	KeyPacking	packing = {.nwords = nwords_}; \
	uint32_t	counts[RADIX_MAX_PASSES][RADIX_DIGITS]; \
	ClvStatsRadixItem *sorted; \
	uint64_t	words[RADIX_MAX_WORDS]; \
	int			passes; \
\
	if (scratch == NULL || clv_stats_fold_scratch_size(n) == 0) \
	{ \
		sort(rows, n); \
		return; \
	} \
	words_of(&rows[0], packing.first); \
	for (size_t i = 1; i < n; i++) \
	{ \
		words_of(&rows[i], words); \
		for (int w = 0; w < nwords_; w++) \
			packing.differ[w] |= words[w] ^ packing.first[w]; \
	} \
	key_packing_plan(&packing); \
	passes = (packing.bits + RADIX_DIGIT_BITS - 1) / RADIX_DIGIT_BITS; \
	memset(counts, 0, sizeof(counts[0]) * passes); \
	for (size_t i = 0; i < n; i++) \
	{ \
		uint64_t	key; \
\
		words_of(&rows[i], words); \
		key = key_of_words(&packing, words); \
		scratch[i].key = key; \
		scratch[i].index = i; \
		for (int pass = 0; pass < passes; pass++) \
			counts[pass][(key >> (pass * RADIX_DIGIT_BITS)) & (RADIX_DIGITS - 1)]++; \
	} \
	sorted = radix_sort_items(scratch, scratch + n, n, packing.bits, counts); \
	/* each row to its place, cycle by cycle; a placed item's index is its own */ \
	for (size_t i = 0; i < n; i++) \
	{ \
		size_t		at = i; \
		type		first = rows[i]; \
\
		if (sorted[i].index == i) \
			continue; \
		for (;;) \
		{ \
			size_t		from = sorted[at].index; \
\
			sorted[at].index = at; \
			if (from == i) \
			{ \
				rows[at] = first; \
				break; \
			} \
			rows[at] = rows[from]; \
			at = from; \
		} \
	} \
	if (packing.truncated) \
		for (size_t i = 0, end; i < n; i = end) \
		{ \
			for (end = i + 1; end < n && sorted[end].key == sorted[i].key; end++) \
				; \
			if (end - i > 1) \
				sort(rows + i, end - i); \
		} \
}

STATS_RADIX_DEFINE(tx, ClvStatsTx, 3, tx_words, sort_tx)
STATS_RADIX_DEFINE(spend, ClvStatsSpend, 2, spend_words, sort_spend)

/* Bytes of scratch space a fold of n rows sorts them in by radix (0: none). */
size_t
clv_stats_fold_scratch_size(size_t n)
{
	return n < RADIX_MIN_ROWS || n > UINT32_MAX ? 0 : 2 * n * sizeof(ClvStatsRadixItem);
}

/*
 * Defines name_fold and name_merge over rows of type in the order
 * order(a, b) (see stats.h): the rows differ only in their key fields and
 * both end in an int64_t count.
 */
#define STATS_ROWS_DEFINE(name, type, radix_sort, order) \
size_t \
name##_fold(type *rows, size_t n, void *scratch, int64_t overflow[2]) \
{ \
	size_t		distinct = 0; \
\
	if (n == 0) \
		return 0; \
	radix_sort(rows, n, scratch); \
	for (size_t i = 1; i < n; i++) \
	{ \
		if (order(&rows[distinct], &rows[i]) == 0) \
		{ \
			if (!clv_stats_add_count(rows[distinct].count, rows[i].count, \
									 &rows[distinct].count)) \
			{ \
				overflow[0] = rows[distinct].count; \
				overflow[1] = rows[i].count; \
				return SIZE_MAX; \
			} \
		} \
		else \
			rows[++distinct] = rows[i]; \
	} \
	return distinct + 1; \
} \
\
size_t \
name##_merge(type *a, size_t na, const type *b, size_t nb, \
			 int64_t overflow[2]) \
{ \
	size_t		i = na, \
				j = nb, \
				w = na + nb; \
\
	/* from the back, so that no row of a is written over before it is read */ \
	while (j > 0) \
	{ \
		int			c = i > 0 ? order(&a[i - 1], &b[j - 1]) : -1; \
\
		if (c > 0) \
			a[--w] = a[--i]; \
		else if (c < 0) \
			a[--w] = b[--j]; \
		else \
		{ \
			type		row = a[--i]; \
\
			if (!clv_stats_add_count(row.count, b[--j].count, &row.count)) \
			{ \
				overflow[0] = a[i].count; \
				overflow[1] = b[j].count; \
				return SIZE_MAX; \
			} \
			a[--w] = row; \
		} \
	} \
	/* a[0..i) are in place; close the gap the folded rows left after them */ \
	if (w > i) \
		memmove(&a[i], &a[w], (na + nb - w) * sizeof(type)); \
	return na + nb - (w - i); \
}

STATS_ROWS_DEFINE(clv_stats_tx, ClvStatsTx, tx_radix_sort, tx_order)
STATS_ROWS_DEFINE(clv_stats_spend, ClvStatsSpend, spend_radix_sort, spend_order)

/* Checks a value read from outside. */
ClvStatsRule
clv_stats_check(const ClvStatsView *value, bool *in_spend, size_t *row_index)
{
	size_t		i;

	*in_spend = false;
	*row_index = 0;
	if (value->unit_usec < 0 || (value->ntx > 0 && value->unit_usec == 0))
		return CLV_STATS_UNIT;
	for (i = 0; i < value->ntx; i++)
	{
		const ClvStatsTx *row = &value->tx[i];
		ClvStatsRule rule = clv_stats_tx_rule(row->x, row->t_x, row->t);

		*row_index = i;
		if (rule != CLV_STATS_OK)
			return rule;
		if (row->count <= 0)
			return CLV_STATS_COUNT;
		if (i > 0 && clv_stats_tx_cmp(&value->tx[i - 1], row) >= 0)
			return CLV_STATS_TX_ORDER;
	}
	for (i = 0; i < value->nspend; i++)
	{
		const ClvStatsSpend *row = &value->spend[i];

		*in_spend = true;
		*row_index = i;
		if (clv_stats_x_rule(row->x) != CLV_STATS_OK)
			return CLV_STATS_X_RANGE;
		if (row->x == 0)
			return CLV_STATS_SPEND_X;
		if (!isfinite(row->m))
			return CLV_STATS_M_FINITE;
		if (row->count <= 0)
			return CLV_STATS_COUNT;
		if (i > 0 && clv_stats_spend_cmp(&value->spend[i - 1], row) >= 0)
			return CLV_STATS_SPEND_ORDER;
	}
	return CLV_STATS_OK;
}

/* -1, 0 or 1 as the int64 a is below, equal to or above b. */
static inline int
order_of_int(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

/* The total order of values. */
int
clv_stats_compare(const ClvStatsView *a, const ClvStatsView *b)
{
	size_t		i;
	int			c;

	if ((c = order_of_int(a->unit_usec, b->unit_usec)) != 0)
		return c;
	for (i = 0; i < a->ntx && i < b->ntx; i++)
		if ((c = clv_stats_tx_cmp(&a->tx[i], &b->tx[i])) != 0 ||
			(c = order_of_int(a->tx[i].count, b->tx[i].count)) != 0)
			return c;
	if (a->ntx != b->ntx)
		return a->ntx < b->ntx ? -1 : 1;
	for (i = 0; i < a->nspend && i < b->nspend; i++)
		if ((c = clv_stats_spend_cmp(&a->spend[i], &b->spend[i])) != 0 ||
			(c = order_of_int(a->spend[i].count, b->spend[i].count)) != 0)
			return c;
	if (a->nspend != b->nspend)
		return a->nspend < b->nspend ? -1 : 1;
	return 0;
}

/* a + b without passing 2^63 - 1 (both are positive counts). */
bool
clv_stats_add_count(int64_t a, int64_t b, int64_t *sum)
{
	if (b > 0 && a > INT64_MAX - b)
		return false;
	if (b < 0 && a < INT64_MIN - b)
		return false;
	*sum = a + b;
	return true;
}
