/*
 * fuzz_periodset.c -- libFuzzer harness of src/core/periodset.c.
 *
 * The input drives two period sets through adds (periods near each other,
 * in runs, or far apart, so that every representation and every change
 * between them is reached) and merges; after each step each set must hold
 * exactly the periods of a naive reference (a sorted array of distinct
 * periods): count, ascending iteration, first, last, contains.  Memory is
 * checked to stay proportional to the periods held, and every set must
 * survive its encoding.  The input's tail is also decoded as an encoding:
 * any bytes are either rejected or decode to a set that re-encodes and
 * decodes to itself.
 */
#include <stdlib.h>

#include "fuzz_input.h"
#include "periodset.h"
#include "../unit/counting_memory.h"

#define MAX_PERIODS 4096

/* The naive reference: distinct periods in ascending order. */
typedef struct Reference
{
	int			n;
	int32_t		p[MAX_PERIODS];
} Reference;

/* Adds p to the reference; 1 when new. */
static int
reference_add(Reference *ref, int32_t p)
{
	int			i = 0;

	while (i < ref->n && ref->p[i] < p)
		i++;
	if (i < ref->n && ref->p[i] == p)
		return 0;
	memmove(ref->p + i + 1, ref->p + i, sizeof(int32_t) * (ref->n - i));
	ref->p[i] = p;
	ref->n++;
	return 1;
}

/* Checks set against ref in every way the set can be read. */
static void
check_same(const ClvPeriodSet *set, const Reference *ref, const char *what)
{
	ClvPeriodIter it;
	int32_t		p;
	int			i = 0;

	FUZZ_CHECK(clv_pset_count(set) == (uint32_t) ref->n, "%s: count %u, want %d", what,
			   clv_pset_count(set), ref->n);
	clv_pset_iter_init(&it, set);
	while (clv_pset_iter_next(&it, &p))
	{
		FUZZ_CHECK(i < ref->n && p == ref->p[i], "%s: period %d at %d", what, (int) p, i);
		i++;
	}
	FUZZ_CHECK(i == ref->n, "%s: iteration ended at %d of %d", what, i, ref->n);
	if (ref->n == 0)
		return;
	FUZZ_CHECK(clv_pset_first(set) == ref->p[0] && clv_pset_last(set) == ref->p[ref->n - 1],
			   "%s: first/last", what);
	for (int k = 0; k < ref->n && k < 64; k++)
	{
		FUZZ_CHECK(clv_pset_contains(set, ref->p[k]), "%s: contains %d", what, (int) ref->p[k]);
		if (k + 1 < ref->n && ref->p[k] + 1 < ref->p[k + 1])
			FUZZ_CHECK(!clv_pset_contains(set, ref->p[k] + 1), "%s: not contains", what);
	}
	/* memory proportional to the periods: within the representation rules */
	FUZZ_CHECK(clv_pset_block_bytes(set) <= 32 + 16 * (size_t) ref->n +
			   (ref->n <= 2 ? 0 : 0), "%s: %zu bytes for %d periods", what,
			   clv_pset_block_bytes(set), ref->n);
	FUZZ_CHECK(ref->n > 2 || clv_pset_block_bytes(set) == 0, "%s: small set out of line", what);
}

/* Encodes set and decodes it again; both must hold ref. */
static void
check_encoding(const ClvPeriodSet *set, const Reference *ref)
{
	uint8_t    *buf;
	size_t		n;
	ClvPeriodSet copy;

	if (ref->n == 0)
		return;
	buf = malloc(clv_pset_encoded_bound(set));
	n = clv_pset_encode(set, buf);
	FUZZ_CHECK(n <= clv_pset_encoded_bound(set), "encoding past its bound");
	FUZZ_CHECK(clv_pset_decode(&copy, buf, n, ref->p[0], ref->p[ref->n - 1], &memory) == n,
			   "own encoding rejected");
	check_same(&copy, ref, "decoded");
	clv_pset_free(&copy, &memory);
	if (n > 1)
		FUZZ_CHECK(clv_pset_decode(&copy, buf, n - 1, INT32_MIN, INT32_MAX, &memory) == 0 ||
				   clv_pset_count(&copy) > 0, "truncated");
	clv_pset_free(&copy, &memory);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size};
	static Reference ref[2];
	ClvPeriodSet set[2];
	int			steps = fuzz_u8(&in) % 64;
	int32_t		cursor = fuzz_i32(&in);

	ref[0].n = ref[1].n = 0;
	clv_pset_init(&set[0]);
	clv_pset_init(&set[1]);
	for (int step = 0; step < steps; step++)
	{
		uint8_t		op = fuzz_u8(&in);
		int			s = op & 1;
		int32_t		p;

		switch ((op >> 1) % 5)
		{
			case 0:				/* near the cursor */
				p = (int32_t) ((int64_t) cursor + (int8_t) fuzz_u8(&in));
				if (ref[s].n < MAX_PERIODS)
					FUZZ_CHECK(clv_pset_add(&set[s], p, &memory) == reference_add(&ref[s], p),
							   "add near");
				break;
			case 1:				/* a run upwards or downwards */
				{
					int			len = fuzz_u8(&in);
					int			dir = len & 1 ? 1 : -1;

					for (int i = 0; i < len && ref[s].n < MAX_PERIODS; i++)
					{
						p = (int32_t) ((int64_t) cursor + dir * i);
						FUZZ_CHECK(clv_pset_add(&set[s], p, &memory) == reference_add(&ref[s], p),
								   "add run");
					}
				}
				break;
			case 2:				/* anywhere */
				p = fuzz_i32(&in);
				if (ref[s].n < MAX_PERIODS)
					FUZZ_CHECK(clv_pset_add(&set[s], p, &memory) == reference_add(&ref[s], p),
							   "add far");
				break;
			case 3:				/* move the cursor */
				cursor = (int32_t) ((int64_t) cursor + fuzz_i16(&in));
				break;
			default:			/* merge the other set into this one */
				if (ref[s].n + ref[1 - s].n <= MAX_PERIODS)
				{
					clv_pset_merge(&set[s], &set[1 - s], &memory);
					for (int i = 0; i < ref[1 - s].n; i++)
						reference_add(&ref[s], ref[1 - s].p[i]);
				}
				break;
		}
		check_same(&set[s], &ref[s], s ? "set 1" : "set 0");
	}
	check_encoding(&set[0], &ref[0]);
	check_encoding(&set[1], &ref[1]);
	clv_pset_free(&set[0], &memory);
	clv_pset_free(&set[1], &memory);

	/* the rest of the input as an encoding */
	{
		ClvPeriodSet decoded;
		size_t		n = clv_pset_decode(&decoded, in.data, in.size, -100000, 100000, &memory);

		if (n > 0)
		{
			Reference *r = &ref[0];
			ClvPeriodIter it;
			int32_t		p;

			FUZZ_CHECK(n <= in.size && clv_pset_count(&decoded) > 0, "decoded nothing");
			r->n = 0;
			clv_pset_iter_init(&it, &decoded);
			while (clv_pset_iter_next(&it, &p) && r->n < MAX_PERIODS)
			{
				FUZZ_CHECK(p >= -100000 && p <= 100000, "decoded period %d out of range", (int) p);
				r->p[r->n++] = p;
			}
			if ((uint32_t) r->n == clv_pset_count(&decoded))
			{
				check_same(&decoded, r, "decoded input");
				check_encoding(&decoded, r);
			}
		}
		clv_pset_free(&decoded, &memory);
	}
	FUZZ_CHECK(live_bytes == 0, "%zu bytes leaked", live_bytes);
	return 0;
}
