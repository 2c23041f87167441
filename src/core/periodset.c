/*-------------------------------------------------------------------------
 *
 * periodset.c
 *	  Sets of active periods: inline, sorted array or bitmap, whichever is
 *	  small (see periodset.h).
 *
 * Representation rules, so that memory stays proportional to the number
 * of periods n: inline while n <= 2 or the set fits 32 consecutive
 * periods; out of line, a bitmap only while its bytes are at most twice
 * those of a sorted array of the same periods, else the array.
 *
 *-------------------------------------------------------------------------
 */
#include "periodset.h"

#include <string.h>

/* Out-of-line blocks. */
typedef struct PeriodArray
{
	uint32_t	capacity;
	int32_t		periods[];		/* count of them used, ascending */
} PeriodArray;

typedef struct PeriodBitmap
{
	int64_t		base;			/* period of bit 0 of words[0] */
	uint32_t	nwords;
	uint32_t	unused;
	uint64_t	words[];
} PeriodBitmap;

#define ARRAY_BYTES(capacity) (sizeof(PeriodArray) + sizeof(int32_t) * (size_t) (capacity))
#define BITMAP_BYTES(nwords) (sizeof(PeriodBitmap) + sizeof(uint64_t) * (size_t) (nwords))

/* Words a bitmap needs for span periods. */
#define WORDS_FOR(span) ((uint32_t) (((span) + 63) / 64))

static inline void
set_meta(ClvPeriodSet *set, int kind, uint32_t count)
{
	set->meta = (count << 2) | (uint32_t) kind;
}

static inline void *
get_block(const ClvPeriodSet *set)
{
	void	   *block;

	memcpy(&block, set->u.block, sizeof(block));
	return block;
}

static inline void
put_block(ClvPeriodSet *set, void *block)
{
	memset(set->u.block, 0, sizeof(set->u.block));
	memcpy(set->u.block, &block, sizeof(block));
}

/* Number of set bits of a word. */
static inline uint32_t
popcount(uint64_t word)
{
#if defined(__GNUC__) || defined(__clang__)
	return (uint32_t) __builtin_popcountll(word);
#else
	uint32_t	n = 0;

	for (; word != 0; word &= word - 1)
		n++;
	return n;
#endif
}

/* Index of the highest set bit of a non-zero word. */
static inline int
highest_bit(uint64_t word)
{
#if defined(__GNUC__) || defined(__clang__)
	return 63 - __builtin_clzll(word);
#else
	int			bit = 63;

	while ((word >> bit) == 0)
		bit--;
	return bit;
#endif
}

/* An empty set. */
void
clv_pset_init(ClvPeriodSet *set)
{
	memset(set, 0, sizeof(*set));
	set_meta(set, CLV_PSET_LIST, 0);
}

/* Bytes of the set's out-of-line block. */
size_t
clv_pset_block_bytes(const ClvPeriodSet *set)
{
	switch (clv_pset_kind(set))
	{
		case CLV_PSET_ARRAY:
			return ARRAY_BYTES(((const PeriodArray *) get_block(set))->capacity);
		case CLV_PSET_BITMAP:
			return BITMAP_BYTES(((const PeriodBitmap *) get_block(set))->nwords);
		default:
			return 0;
	}
}

/* Releases the out-of-line block; the set becomes empty. */
void
clv_pset_free(ClvPeriodSet *set, const ClvPeriodMemory *memory)
{
	size_t		bytes = clv_pset_block_bytes(set);

	if (bytes > 0)
		memory->release(memory->arg, get_block(set), bytes);
	clv_pset_init(set);
}

/* The lowest period of a non-empty set. */
int32_t
clv_pset_first(const ClvPeriodSet *set)
{
	const PeriodBitmap *bitmap;

	switch (clv_pset_kind(set))
	{
		case CLV_PSET_LIST:
			return set->u.list[0];
		case CLV_PSET_WINDOW:
			return set->u.window.base + clv_lowest_bit(set->u.window.mask);
		case CLV_PSET_ARRAY:
			return ((const PeriodArray *) get_block(set))->periods[0];
		default:
			bitmap = (const PeriodBitmap *) get_block(set);
			for (uint32_t w = 0; w < bitmap->nwords; w++)
				if (bitmap->words[w] != 0)
					return (int32_t) (bitmap->base + 64 * (int64_t) w +
									  clv_lowest_bit(bitmap->words[w]));
			return 0;
	}
}

/* The highest period of a non-empty set. */
int32_t
clv_pset_last(const ClvPeriodSet *set)
{
	const PeriodBitmap *bitmap;

	switch (clv_pset_kind(set))
	{
		case CLV_PSET_LIST:
			return set->u.list[clv_pset_count(set) - 1];
		case CLV_PSET_WINDOW:
			return set->u.window.base + highest_bit(set->u.window.mask);
		case CLV_PSET_ARRAY:
			return ((const PeriodArray *) get_block(set))->periods[clv_pset_count(set) - 1];
		default:
			bitmap = (const PeriodBitmap *) get_block(set);
			for (uint32_t w = bitmap->nwords; w-- > 0;)
				if (bitmap->words[w] != 0)
					return (int32_t) (bitmap->base + 64 * (int64_t) w +
									  highest_bit(bitmap->words[w]));
			return 0;
	}
}

/* Position of the first array element >= period. */
static uint32_t
array_search(const PeriodArray *array, uint32_t count, int32_t period)
{
	uint32_t	lo = 0,
				hi = count;

	while (lo < hi)
	{
		uint32_t	mid = lo + (hi - lo) / 2;

		if (array->periods[mid] < period)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether period is in the set. */
int
clv_pset_contains(const ClvPeriodSet *set, int32_t period)
{
	uint32_t	count = clv_pset_count(set);
	int64_t		offset;

	switch (clv_pset_kind(set))
	{
		case CLV_PSET_LIST:
			return (count > 0 && set->u.list[0] == period) ||
				(count > 1 && set->u.list[1] == period);
		case CLV_PSET_WINDOW:
			offset = (int64_t) period - set->u.window.base;
			return offset >= 0 && offset < 32 && ((set->u.window.mask >> offset) & 1);
		case CLV_PSET_ARRAY:
			{
				const PeriodArray *array = (const PeriodArray *) get_block(set);
				uint32_t	at = array_search(array, count, period);

				return at < count && array->periods[at] == period;
			}
		default:
			{
				const PeriodBitmap *bitmap = (const PeriodBitmap *) get_block(set);

				offset = (int64_t) period - bitmap->base;
				return offset >= 0 && offset < 64 * (int64_t) bitmap->nwords &&
					((bitmap->words[offset / 64] >> (offset % 64)) & 1);
			}
	}
}

/* Iteration in ascending order. */
void
clv_pset_iter_init(ClvPeriodIter *it, const ClvPeriodSet *set)
{
	it->set = set;
	it->index = 0;
	it->bits = 0;
	it->bits_base = 0;
	if (clv_pset_kind(set) == CLV_PSET_WINDOW)
	{
		it->bits = set->u.window.mask;
		it->bits_base = set->u.window.base;
	}
}

/* The next period, or 0 at the end. */
int
clv_pset_iter_next(ClvPeriodIter *it, int32_t *period)
{
	const ClvPeriodSet *set = it->set;

	switch (clv_pset_kind(set))
	{
		case CLV_PSET_LIST:
			if (it->index >= clv_pset_count(set))
				return 0;
			*period = set->u.list[it->index++];
			return 1;
		case CLV_PSET_ARRAY:
			if (it->index >= clv_pset_count(set))
				return 0;
			*period = ((const PeriodArray *) get_block(set))->periods[it->index++];
			return 1;
		case CLV_PSET_WINDOW:
			break;
		default:
			{
				const PeriodBitmap *bitmap = (const PeriodBitmap *) get_block(set);

				while (it->bits == 0)
				{
					if (it->index >= bitmap->nwords)
						return 0;
					it->bits = bitmap->words[it->index];
					it->bits_base = bitmap->base + 64 * (int64_t) it->index;
					it->index++;
				}
			}
			break;
	}
	if (it->bits == 0)
		return 0;
	*period = (int32_t) (it->bits_base + clv_lowest_bit(it->bits));
	it->bits &= it->bits - 1;
	return 1;
}

/*
 * Replaces the set's out-of-line block by block, of kind, holding count
 * periods; releases the old one.
 */
static void
replace_block(ClvPeriodSet *set, void *block, int kind, uint32_t count,
			  const ClvPeriodMemory *memory)
{
	memory->release(memory->arg, get_block(set), clv_pset_block_bytes(set));
	put_block(set, block);
	set_meta(set, kind, count);
}

/* A zeroed bitmap of nwords words whose bit 0 is period base. */
static PeriodBitmap *
bitmap_new(const ClvPeriodMemory *memory, int64_t base, uint32_t nwords)
{
	PeriodBitmap *bitmap = (PeriodBitmap *) memory->alloc(memory->arg, BITMAP_BYTES(nwords));

	bitmap->base = base;
	bitmap->nwords = nwords;
	bitmap->unused = 0;
	memset(bitmap->words, 0, sizeof(uint64_t) * nwords);
	return bitmap;
}

/* Sets period p (within the bitmap's words) in bitmap. */
static inline void
bitmap_set(PeriodBitmap *bitmap, int64_t p)
{
	int64_t		offset = p - bitmap->base;

	bitmap->words[offset / 64] |= UINT64_C(1) << (offset % 64);
}

/*
 * Writes the set's periods and period (not in the set) in ascending order
 * to out; returns how many.
 */
static uint32_t
collect_with(const ClvPeriodSet *set, int32_t period, int32_t *out)
{
	ClvPeriodIter it;
	int32_t		p;
	uint32_t	n = 0;
	int			placed = 0;

	clv_pset_iter_init(&it, set);
	while (clv_pset_iter_next(&it, &p))
	{
		if (!placed && period < p)
		{
			out[n++] = period;
			placed = 1;
		}
		out[n++] = p;
	}
	if (!placed)
		out[n++] = period;
	return n;
}

/*
 * Replaces the set's contents by the count ascending periods of list (at
 * least 3), choosing an array or a bitmap; the old block, if any, is
 * released by the caller afterwards.  span = last - first + 1.
 */
static void
store_out_of_line(ClvPeriodSet *set, const int32_t *list, uint32_t count,
				  const ClvPeriodMemory *memory)
{
	int64_t		span = (int64_t) list[count - 1] - list[0] + 1;
	uint32_t	capacity = 4;

	while (capacity < count)
		capacity *= 2;
	if (BITMAP_BYTES(WORDS_FOR(span)) <= ARRAY_BYTES(capacity))
	{
		PeriodBitmap *bitmap = bitmap_new(memory, list[0], WORDS_FOR(span));

		for (uint32_t i = 0; i < count; i++)
			bitmap_set(bitmap, list[i]);
		put_block(set, bitmap);
		set_meta(set, CLV_PSET_BITMAP, count);
	}
	else
	{
		PeriodArray *array = (PeriodArray *) memory->alloc(memory->arg, ARRAY_BYTES(capacity));

		array->capacity = capacity;
		memcpy(array->periods, list, sizeof(int32_t) * count);
		put_block(set, array);
		set_meta(set, CLV_PSET_ARRAY, count);
	}
}

/* Adds period to an inline set (count >= 1 for a window). */
static int
add_inline(ClvPeriodSet *set, int32_t period, const ClvPeriodMemory *memory)
{
	uint32_t	count = clv_pset_count(set);
	int32_t		list[33];
	uint32_t	n;
	int64_t		lo,
				hi;

	if (clv_pset_kind(set) == CLV_PSET_WINDOW)
	{
		int64_t		offset = (int64_t) period - set->u.window.base;
		uint32_t	mask = set->u.window.mask;

		/* within the window, or the window can slide down to it */
		if (offset >= 0 && offset < 32)
		{
			if ((mask >> offset) & 1)
				return 0;
			set->u.window.mask = mask | ((uint32_t) 1 << offset);
			set_meta(set, CLV_PSET_WINDOW, count + 1);
			return 1;
		}
		if (offset < 0 && highest_bit(mask) - offset < 32)
		{
			set->u.window.mask = (mask << (-offset)) | 1;
			set->u.window.base = period;
			set_meta(set, CLV_PSET_WINDOW, count + 1);
			return 1;
		}
	}
	else if (clv_pset_contains(set, period))
		return 0;
	if (clv_pset_kind(set) == CLV_PSET_LIST && count < 2)
	{
		if (count == 0)
			set->u.list[0] = period;
		else if (period > set->u.list[0])
			set->u.list[1] = period;
		else
		{
			set->u.list[1] = set->u.list[0];
			set->u.list[0] = period;
		}
		set_meta(set, CLV_PSET_LIST, count + 1);
		return 1;
	}
	n = collect_with(set, period, list);
	lo = list[0];
	hi = list[n - 1];
	if (hi - lo < 32)
	{
		uint32_t	mask = 0;

		for (uint32_t i = 0; i < n; i++)
			mask |= (uint32_t) 1 << (list[i] - lo);
		set->u.window.base = (int32_t) lo;
		set->u.window.mask = mask;
		set_meta(set, CLV_PSET_WINDOW, n);
		return 1;
	}
	store_out_of_line(set, list, n, memory);
	return 1;
}

/* Adds period to an array set. */
static int
add_array(ClvPeriodSet *set, int32_t period, const ClvPeriodMemory *memory)
{
	PeriodArray *array = (PeriodArray *) get_block(set);
	uint32_t	count = clv_pset_count(set);
	uint32_t	at;

	if (period > array->periods[count - 1])
		at = count;
	else
	{
		at = array_search(array, count, period);
		if (array->periods[at] == period)
			return 0;
	}
	if (count == array->capacity)
	{
		int64_t		lo = period < array->periods[0] ? period : array->periods[0];
		int64_t		hi = period > array->periods[count - 1] ? period : array->periods[count - 1];
		uint32_t	nwords = WORDS_FOR(hi - lo + 1);
		uint32_t	capacity = array->capacity * 2;

		if (BITMAP_BYTES(nwords) <= ARRAY_BYTES(capacity))
		{
			/* dense enough: becomes a bitmap */
			PeriodBitmap *bitmap = bitmap_new(memory, lo, nwords);

			for (uint32_t i = 0; i < count; i++)
				bitmap_set(bitmap, array->periods[i]);
			bitmap_set(bitmap, period);
			replace_block(set, bitmap, CLV_PSET_BITMAP, count + 1, memory);
			return 1;
		}
		else
		{
			PeriodArray *grown = (PeriodArray *) memory->alloc(memory->arg, ARRAY_BYTES(capacity));

			grown->capacity = capacity;
			memcpy(grown->periods, array->periods, sizeof(int32_t) * count);
			replace_block(set, grown, CLV_PSET_ARRAY, count, memory);
			array = grown;
		}
	}
	memmove(array->periods + at + 1, array->periods + at, sizeof(int32_t) * (count - at));
	array->periods[at] = period;
	set_meta(set, CLV_PSET_ARRAY, count + 1);
	return 1;
}

/*
 * Adds period to a bitmap set.  Outside the bitmap's words it grows by at
 * least half its span in that direction (so that appending in order costs
 * O(1) amortized), unless the set has become too sparse for a bitmap: then
 * it turns into an array.
 */
static int
add_bitmap(ClvPeriodSet *set, int32_t period, const ClvPeriodMemory *memory)
{
	PeriodBitmap *bitmap = (PeriodBitmap *) get_block(set);
	uint32_t	count = clv_pset_count(set);
	int64_t		offset = (int64_t) period - bitmap->base;
	int64_t		first = clv_pset_first(set);
	int64_t		last = clv_pset_last(set);
	int64_t		lo = bitmap->base;
	int64_t		hi = bitmap->base + 64 * (int64_t) bitmap->nwords - 1;
	int64_t		slack = 32 * (int64_t) bitmap->nwords;
	uint32_t	capacity = 4;
	uint32_t	nwords;
	PeriodBitmap *grown;
	ClvPeriodIter it;
	int32_t		p;

	if (offset >= 0 && offset <= hi - lo)
	{
		uint64_t	bit = UINT64_C(1) << (offset % 64);

		if (bitmap->words[offset / 64] & bit)
			return 0;
		bitmap->words[offset / 64] |= bit;
		set_meta(set, CLV_PSET_BITMAP, count + 1);
		return 1;
	}
	if (period < first)
		first = period;
	if (period > last)
		last = period;
	while (capacity < count + 1)
		capacity *= 2;
	if (BITMAP_BYTES(WORDS_FOR(last - first + 1)) > 2 * ARRAY_BYTES(capacity))
	{
		/* too sparse now: becomes an array */
		PeriodArray *array = (PeriodArray *) memory->alloc(memory->arg, ARRAY_BYTES(capacity));
		uint32_t	n;

		array->capacity = capacity;
		n = collect_with(set, period, array->periods);
		replace_block(set, array, CLV_PSET_ARRAY, n, memory);
		return 1;
	}
	/*
	 * The new bitmap covers the periods tightly plus slack in the direction
	 * of growth, never more than twice the array's size.
	 */
	{
		int64_t		max_words = (int64_t) ((2 * ARRAY_BYTES(capacity) - sizeof(PeriodBitmap)) /
										   sizeof(uint64_t));
		int64_t		room = 64 * (max_words - (int64_t) WORDS_FOR(last - first + 1));

		if (slack > room)
			slack = room > 0 ? room : 0;
		lo = first;
		hi = last;
		if (offset < 0)
			lo -= slack;
		else
			hi += slack;
	}
	nwords = WORDS_FOR(hi - lo + 1);
	grown = bitmap_new(memory, lo, nwords);
	if (bitmap->base >= lo && (bitmap->base - lo) % 64 == 0 &&
		bitmap->base + 64 * (int64_t) bitmap->nwords - 1 <= hi)
		memcpy(grown->words + (bitmap->base - lo) / 64, bitmap->words,
			   sizeof(uint64_t) * bitmap->nwords);
	else
	{
		clv_pset_iter_init(&it, set);
		while (clv_pset_iter_next(&it, &p))
			bitmap_set(grown, p);
	}
	bitmap_set(grown, period);
	replace_block(set, grown, CLV_PSET_BITMAP, count + 1, memory);
	return 1;
}

/* Adds period; 1 when new. */
int
clv_pset_add(ClvPeriodSet *set, int32_t period, const ClvPeriodMemory *memory)
{
	switch (clv_pset_kind(set))
	{
		case CLV_PSET_ARRAY:
			return add_array(set, period, memory);
		case CLV_PSET_BITMAP:
			return add_bitmap(set, period, memory);
		default:
			return add_inline(set, period, memory);
	}
}

/* Adds every period of from to into. */
void
clv_pset_merge(ClvPeriodSet *into, const ClvPeriodSet *from,
			   const ClvPeriodMemory *memory)
{
	ClvPeriodIter it;
	int32_t		p;

	/* bitmaps over the same words: OR them */
	if (clv_pset_kind(into) == CLV_PSET_BITMAP && clv_pset_kind(from) == CLV_PSET_BITMAP)
	{
		PeriodBitmap *a = (PeriodBitmap *) get_block(into);
		const PeriodBitmap *b = (const PeriodBitmap *) get_block(from);

		if (b->base >= a->base && (b->base - a->base) % 64 == 0 &&
			(b->base - a->base) / 64 + b->nwords <= a->nwords)
		{
			uint32_t	count = 0;
			int64_t		first = (b->base - a->base) / 64;

			for (uint32_t w = 0; w < b->nwords; w++)
				a->words[first + w] |= b->words[w];
			for (uint32_t w = 0; w < a->nwords; w++)
				count += popcount(a->words[w]);
			set_meta(into, CLV_PSET_BITMAP, count);
			return;
		}
	}
	clv_pset_iter_init(&it, from);
	while (clv_pset_iter_next(&it, &p))
		clv_pset_add(into, p, memory);
}

/* Unsigned LEB128 of a 64-bit value; returns the bytes written (<= 10). */
size_t
clv_varint64_put(uint8_t *out, uint64_t value)
{
	size_t		n = 0;

	while (value >= 0x80)
	{
		out[n++] = (uint8_t) (value | 0x80);
		value >>= 7;
	}
	out[n++] = (uint8_t) value;
	return n;
}

/* Reads a 64-bit varint; the bytes read, 0 when malformed or truncated. */
size_t
clv_varint64_get(const uint8_t *in, size_t len, uint64_t *value)
{
	uint64_t	result = 0;

	for (size_t n = 0; n < len && n < 10; n++)
	{
		uint64_t	byte = in[n];

		if (n == 9 && byte > 1)
			return 0;			/* more than 64 bits */
		result |= (byte & 0x7f) << (7 * n);
		if ((byte & 0x80) == 0)
		{
			if (n > 0 && byte == 0)
				return 0;		/* overlong */
			*value = result;
			return n + 1;
		}
	}
	return 0;
}

/* A 32-bit varint. */
size_t
clv_varint_put(uint8_t *out, uint32_t value)
{
	return clv_varint64_put(out, value);
}

size_t
clv_varint_get(const uint8_t *in, size_t len, uint32_t *value)
{
	uint64_t	v;
	size_t		n = clv_varint64_get(in, len < 5 ? len : 5, &v);

	if (n == 0 || v > UINT32_MAX)
		return 0;
	*value = (uint32_t) v;
	return n;
}

/* Upper bound of the encoding's size. */
size_t
clv_pset_encoded_bound(const ClvPeriodSet *set)
{
	return 1 + 5 + 5 + 5 * (size_t) clv_pset_count(set);
}

/* Bytes of the bitmap form of a set spanning span periods. */
static size_t
bitmap_form_bytes(int64_t span)
{
	return 1 + 5 + 5 + (size_t) ((span + 7) / 8);
}

/* Encodes the set; returns the bytes written. */
size_t
clv_pset_encode(const ClvPeriodSet *set, uint8_t *out)
{
	uint32_t	count = clv_pset_count(set);
	int32_t		first = clv_pset_first(set);
	int64_t		span = (int64_t) clv_pset_last(set) - first + 1;
	ClvPeriodIter it;
	int32_t		p;
	size_t		n = 0;

	if (count > 2 && bitmap_form_bytes(span) < 1 + 5 + 5 + (size_t) count)
	{
		size_t		nbytes = (size_t) ((span + 7) / 8);

		out[n++] = 1;
		n += clv_varint_put(out + n, clv_zigzag(first));
		n += clv_varint_put(out + n, (uint32_t) nbytes);
		memset(out + n, 0, nbytes);
		clv_pset_iter_init(&it, set);
		while (clv_pset_iter_next(&it, &p))
		{
			int64_t		offset = (int64_t) p - first;

			out[n + offset / 8] |= (uint8_t) (1 << (offset % 8));
		}
		return n + nbytes;
	}
	out[n++] = 0;
	n += clv_varint_put(out + n, count);
	clv_pset_iter_init(&it, set);
	if (clv_pset_iter_next(&it, &p))
	{
		int32_t		previous = p;

		n += clv_varint_put(out + n, clv_zigzag(p));
		while (clv_pset_iter_next(&it, &p))
		{
			n += clv_varint_put(out + n, (uint32_t) ((int64_t) p - previous - 1));
			previous = p;
		}
	}
	return n;
}

/* Decodes a non-empty set; returns the bytes read or 0. */
size_t
clv_pset_decode(ClvPeriodSet *set, const uint8_t *in, size_t len,
				int32_t min, int32_t max, const ClvPeriodMemory *memory)
{
	size_t		n = 1;
	size_t		got;
	uint32_t	value;
	int64_t		period;

	clv_pset_init(set);
	if (len < 1 || in[0] > 1)
		return 0;
	if (in[0] == 0)
	{
		uint32_t	count;

		if ((got = clv_varint_get(in + n, len - n, &count)) == 0 || count == 0 ||
			count > CLV_PSET_MAX_COUNT || (int64_t) count > (int64_t) max - min + 1)
			return 0;
		n += got;
		if ((got = clv_varint_get(in + n, len - n, &value)) == 0)
			return 0;
		n += got;
		period = clv_unzigzag(value);
		for (uint32_t i = 0;; i++)
		{
			if (period < min || period > max)
				goto bad;
			clv_pset_add(set, (int32_t) period, memory);
			if (i + 1 == count)
				break;
			if ((got = clv_varint_get(in + n, len - n, &value)) == 0)
				goto bad;
			n += got;
			period += (int64_t) value + 1;
		}
		return n;
	}
	else
	{
		uint32_t	nbytes;
		int64_t		first;

		if ((got = clv_varint_get(in + n, len - n, &value)) == 0)
			return 0;
		n += got;
		first = clv_unzigzag(value);
		if ((got = clv_varint_get(in + n, len - n, &nbytes)) == 0 || nbytes == 0 ||
			nbytes > len - n - got)
			return 0;
		n += got;
		/* canonical: bit 0 is the first period, the last byte is not empty */
		if ((in[n] & 1) == 0 || in[n + nbytes - 1] == 0 || first < min ||
			first + 8 * (int64_t) nbytes - 8 > max)
			return 0;
		for (uint32_t b = 0; b < nbytes; b++)
			for (int bit = 0; bit < 8; bit++)
				if ((in[n + b] >> bit) & 1)
				{
					period = first + 8 * (int64_t) b + bit;
					if (period > max)
						goto bad;
					clv_pset_add(set, (int32_t) period, memory);
				}
		return n + nbytes;
	}
bad:
	clv_pset_free(set, memory);
	return 0;
}
