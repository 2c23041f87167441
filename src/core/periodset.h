/*-------------------------------------------------------------------------
 *
 * periodset.h
 *	  A customer's set of active calendar periods (integers), kept in
 *	  memory proportional to the number of periods, not to their span:
 *	  up to two periods or any set within 32 consecutive periods inline (12
 *	  bytes, no allocation), a sorted array when sparse, a bitmap when
 *	  dense.  Add, merge, iterate in ascending order, and a compact byte
 *	  encoding (delta varints or a bitmap, whichever is shorter) with a
 *	  validating decoder.
 *
 * Plain C99, no PostgreSQL headers.  Out-of-line blocks come from the
 * caller's allocator, which may refuse (longjmp out) when a memory bound
 * is reached; a set is never left inconsistent by a refused allocation.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLV_CORE_PERIODSET_H
#define CLV_CORE_PERIODSET_H

#include <stddef.h>
#include <stdint.h>

/* The caller's memory for out-of-line blocks. */
typedef struct ClvPeriodMemory
{
	void	   *(*alloc) (void *arg, size_t bytes);
	void		(*release) (void *arg, void *block, size_t bytes);
	void	   *arg;
} ClvPeriodMemory;

/*
 * A set of periods: 12 bytes, 4-byte aligned, so that a hash entry with an
 * 8-byte key and this set fits 24 bytes.  meta holds the representation in
 * its low 2 bits and the number of periods above them; u holds the inline
 * periods or the address of the out-of-line block.
 */
typedef struct ClvPeriodSet
{
	uint32_t	meta;
	union
	{
		int32_t		list[2];	/* CLV_PSET_LIST: count <= 2, ascending */
		struct
		{
			int32_t		base;	/* CLV_PSET_WINDOW: period of bit 0 */
			uint32_t	mask;	/* bit i: period base + i is active */
		}			window;
		unsigned char block[8]; /* CLV_PSET_ARRAY, CLV_PSET_BITMAP */
	}			u;
} ClvPeriodSet;

#define CLV_PSET_LIST	0
#define CLV_PSET_WINDOW	1
#define CLV_PSET_ARRAY	2
#define CLV_PSET_BITMAP	3

/* Most periods one set may hold (the count field's range). */
#define CLV_PSET_MAX_COUNT ((uint32_t) 1 << 29)

/* Index of the lowest set bit of a non-zero word. */
static inline int
clv_lowest_bit(uint64_t word)
{
#if defined(__GNUC__) || defined(__clang__)
	return __builtin_ctzll(word);
#else
	int			bit = 0;

	while ((word & 1) == 0)
	{
		word >>= 1;
		bit++;
	}
	return bit;
#endif
}

/* An empty set. */
extern void clv_pset_init(ClvPeriodSet *set);

/* The number of periods in the set. */
static inline uint32_t
clv_pset_count(const ClvPeriodSet *set)
{
	return set->meta >> 2;
}

/* The representation (CLV_PSET_*) of the set. */
static inline int
clv_pset_kind(const ClvPeriodSet *set)
{
	return (int) (set->meta & 3);
}

/* Adds period; returns 1 when it was new, 0 when already present. */
extern int	clv_pset_add(ClvPeriodSet *set, int32_t period,
						 const ClvPeriodMemory *memory);

/* Adds every period of from to into. */
extern void clv_pset_merge(ClvPeriodSet *into, const ClvPeriodSet *from,
						   const ClvPeriodMemory *memory);

/* Releases the set's out-of-line block; the set becomes empty. */
extern void clv_pset_free(ClvPeriodSet *set, const ClvPeriodMemory *memory);

/* Bytes of the set's out-of-line block (0 when inline). */
extern size_t clv_pset_block_bytes(const ClvPeriodSet *set);

/* The lowest and highest period of a non-empty set. */
extern int32_t clv_pset_first(const ClvPeriodSet *set);
extern int32_t clv_pset_last(const ClvPeriodSet *set);

/* Whether period is in the set. */
extern int	clv_pset_contains(const ClvPeriodSet *set, int32_t period);

/* Iteration in ascending order. */
typedef struct ClvPeriodIter
{
	const ClvPeriodSet *set;
	uint32_t	index;			/* next list/array index, or next word */
	uint64_t	bits;			/* unread bits of the current word */
	int64_t		bits_base;		/* period of bit 0 of the current word */
} ClvPeriodIter;

extern void clv_pset_iter_init(ClvPeriodIter *it, const ClvPeriodSet *set);

/* The next period into *period; 0 when the set is exhausted. */
extern int	clv_pset_iter_next(ClvPeriodIter *it, int32_t *period);

/*
 * Encoding: a form byte, then either (0) the count, the first period and
 * each further period's gap minus one as varints, or (1) the first period
 * and the byte length as varints and a bitmap whose bit 0 is the first
 * period.  Periods are zigzag-encoded.  clv_pset_encoded_bound is an
 * upper bound of clv_pset_encode's output, which returns the bytes written.
 */
extern size_t clv_pset_encoded_bound(const ClvPeriodSet *set);
extern size_t clv_pset_encode(const ClvPeriodSet *set, uint8_t *out);

/*
 * Decodes a non-empty set from in[0..len) into an empty set, accepting
 * only periods in [min, max]; returns the bytes read, or 0 for malformed
 * input (the set is then freed and empty).
 */
extern size_t clv_pset_decode(ClvPeriodSet *set, const uint8_t *in, size_t len,
							  int32_t min, int32_t max,
							  const ClvPeriodMemory *memory);

/*
 * Unsigned LEB128 varints of up to 64 (or 32) bits, used by the encodings:
 * put returns the bytes written, get the bytes read or 0 for a truncated,
 * overlong or too large value.
 */
extern size_t clv_varint64_put(uint8_t *out, uint64_t value);
extern size_t clv_varint64_get(const uint8_t *in, size_t len, uint64_t *value);
extern size_t clv_varint_put(uint8_t *out, uint32_t value);
extern size_t clv_varint_get(const uint8_t *in, size_t len, uint32_t *value);

/* Zigzag mapping of signed to unsigned 32-bit integers. */
static inline uint32_t
clv_zigzag(int32_t v)
{
	return ((uint32_t) v << 1) ^ (uint32_t) -(int32_t) ((uint32_t) v >> 31);
}

static inline int32_t
clv_unzigzag(uint32_t u)
{
	return (int32_t) ((u >> 1) ^ (uint32_t) -(int32_t) (u & 1));
}

#endif							/* CLV_CORE_PERIODSET_H */
