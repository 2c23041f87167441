/*
 * test_periodset.c -- sets of active periods (src/core/periodset.c):
 * representation changes, iteration, merge, memory proportional to the
 * periods held, and the encoding.
 */
#include <stdlib.h>
#include <string.h>

#include "periodset.h"
#include "tap.h"
#include "counting_memory.h"

/* Whether set holds exactly the n ascending periods of want. */
static int
holds(const ClvPeriodSet *set, const int32_t *want, uint32_t n)
{
	ClvPeriodIter it;
	int32_t		p;
	uint32_t	i = 0;

	if (clv_pset_count(set) != n)
		return 0;
	clv_pset_iter_init(&it, set);
	while (clv_pset_iter_next(&it, &p))
		if (i >= n || p != want[i++])
			return 0;
	return i == n && (n == 0 || (clv_pset_first(set) == want[0] &&
								 clv_pset_last(set) == want[n - 1]));
}

/* Encodes and decodes set; whether the copy holds the same periods. */
static int
round_trips(const ClvPeriodSet *set, size_t *encoded_bytes)
{
	uint8_t    *buf = malloc(clv_pset_encoded_bound(set));
	size_t		n = clv_pset_encode(set, buf);
	ClvPeriodSet copy;
	ClvPeriodIter a,
				b;
	int32_t		p,
				q;
	int			same;

	*encoded_bytes = n;
	same = n <= clv_pset_encoded_bound(set) &&
		clv_pset_decode(&copy, buf, n, INT32_MIN, INT32_MAX, &memory) == n &&
		clv_pset_count(&copy) == clv_pset_count(set);
	if (same)
	{
		clv_pset_iter_init(&a, set);
		clv_pset_iter_init(&b, &copy);
		while (clv_pset_iter_next(&a, &p))
			if (!clv_pset_iter_next(&b, &q) || p != q)
				same = 0;
	}
	clv_pset_free(&copy, &memory);
	free(buf);
	return same;
}

int
main(void)
{
	ClvPeriodSet set,
				other;
	int32_t		want[4096];
	size_t		bytes;
	uint8_t		buf[64];

	/* two periods ten years of days apart: inline, no allocation */
	clv_pset_init(&set);
	ok(sizeof(ClvPeriodSet) == 12, "a set is 12 bytes (a 24-byte hash entry with an 8-byte key)");
	ok(clv_pset_add(&set, 3650, &memory) == 1 && clv_pset_add(&set, 0, &memory) == 1 &&
	   clv_pset_add(&set, 3650, &memory) == 0, "add reports new and present periods");
	want[0] = 0;
	want[1] = 3650;
	ok(holds(&set, want, 2) && clv_pset_kind(&set) == CLV_PSET_LIST && live_bytes == 0,
	   "two periods 3650 apart stay inline");
	ok(round_trips(&set, &bytes) && bytes <= 6, "they round-trip through the encoding");
	ok(bytes <= 6, "in %zu bytes", bytes);

	/* up to 32 consecutive periods: an inline window */
	clv_pset_init(&set);
	for (int32_t p = 31; p >= 0; p -= 2)
		clv_pset_add(&set, p + 100, &memory);
	for (int i = 0; i < 16; i++)
		want[i] = 101 + 2 * i;
	ok(holds(&set, want, 16) && clv_pset_kind(&set) == CLV_PSET_WINDOW && live_bytes == 0,
	   "16 periods within 32, added in descending order: an inline window");
	ok(clv_pset_contains(&set, 131) && !clv_pset_contains(&set, 130) &&
	   !clv_pset_contains(&set, 133), "contains in a window");

	/* leaving the window: a sparse array */
	clv_pset_add(&set, -100000, &memory);
	memmove(want + 1, want, 16 * sizeof(int32_t));
	want[0] = -100000;
	ok(holds(&set, want, 17) && clv_pset_kind(&set) == CLV_PSET_ARRAY,
	   "a period far away: a sorted array");
	ok(live_bytes == clv_pset_block_bytes(&set) && live_bytes <= 8 + 4 * 32,
	   "the array holds %zu bytes for 17 periods", live_bytes);
	ok(round_trips(&set, &bytes), "an array round-trips");
	clv_pset_free(&set, &memory);
	ok(live_bytes == 0 && clv_pset_count(&set) == 0, "free releases the block");

	/* dense: a bitmap, appended in order and in reverse */
	clv_pset_init(&set);
	for (int32_t p = 0; p < 4000; p++)
	{
		clv_pset_add(&set, p, &memory);
		want[p] = p;
	}
	ok(holds(&set, want, 4000) && clv_pset_kind(&set) == CLV_PSET_BITMAP,
	   "4000 consecutive periods: a bitmap");
	ok(live_bytes <= 2 * (16 + 4000 / 8 + 8) + 16, "bitmap of 4000 periods in %zu bytes", live_bytes);
	ok(round_trips(&set, &bytes), "a bitmap round-trips");
	ok(bytes < 4000 / 8 + 16, "encoded as a bitmap in %zu bytes", bytes);
	clv_pset_init(&other);
	for (int32_t p = 3999; p >= 0; p--)
		clv_pset_add(&other, p, &memory);
	ok(holds(&other, want, 4000) && clv_pset_kind(&other) == CLV_PSET_BITMAP,
	   "the same added in reverse order");
	clv_pset_merge(&set, &other, &memory);
	ok(holds(&set, want, 4000), "merging equal bitmaps changes nothing");
	clv_pset_free(&other, &memory);

	/* a bitmap becoming sparse turns into an array */
	clv_pset_add(&set, 2000000, &memory);
	want[4000] = 2000000;
	ok(holds(&set, want, 4001) && clv_pset_kind(&set) == CLV_PSET_ARRAY,
	   "a bitmap with a period 2 million away becomes an array");
	ok(live_bytes <= 16 + 4 * 8192, "%zu bytes for 4001 sparse periods", live_bytes);

	/* merge of interleaved sets */
	clv_pset_init(&other);
	for (int32_t p = 1; p < 40; p += 2)
		clv_pset_add(&other, p * 1000, &memory);
	clv_pset_merge(&set, &other, &memory);
	ok(clv_pset_count(&set) == 4001 + 20 - 2 && clv_pset_contains(&set, 39000) &&
	   clv_pset_contains(&set, 3999) && clv_pset_contains(&set, 2000000),
	   "merge adds the new periods only (1000 and 3000 were there)");
	clv_pset_free(&set, &memory);
	clv_pset_free(&other, &memory);
	ok(live_bytes == 0, "nothing leaks");

	/* decoding rejects malformed input */
	clv_pset_init(&set);
	clv_pset_add(&set, 5, &memory);
	clv_pset_add(&set, 9, &memory);
	bytes = clv_pset_encode(&set, buf);
	ok(clv_pset_decode(&other, buf, bytes, 0, 100, &memory) == bytes, "a valid encoding decodes");
	clv_pset_free(&other, &memory);
	ok(clv_pset_decode(&other, buf, bytes - 1, 0, 100, &memory) == 0, "a truncated one does not");
	ok(clv_pset_decode(&other, buf, bytes, 6, 100, &memory) == 0 &&
	   clv_pset_decode(&other, buf, bytes, 0, 8, &memory) == 0, "periods out of range are rejected");
	buf[0] = 2;
	ok(clv_pset_decode(&other, buf, bytes, 0, 100, &memory) == 0, "an unknown form is rejected");
	buf[0] = 0;
	buf[1] = 0;
	ok(clv_pset_decode(&other, buf, bytes, 0, 100, &memory) == 0, "an empty set is rejected");
	memcpy(buf, "\x01\x0a\x01\x00", 4);
	ok(clv_pset_decode(&other, buf, 4, 0, 100, &memory) == 0, "a bitmap without its first period is rejected");
	memcpy(buf, "\x00\x01\x80\x00", 4);
	ok(clv_pset_decode(&other, buf, 4, -100, 100, &memory) == 0, "an overlong varint is rejected");
	ok(live_bytes == 0, "rejected input leaves nothing allocated");

	ok(clv_zigzag(-1) == 1 && clv_zigzag(1) == 2 && clv_unzigzag(clv_zigzag(INT32_MIN)) == INT32_MIN &&
	   clv_unzigzag(clv_zigzag(INT32_MAX)) == INT32_MAX, "zigzag round-trips the extremes");
	return done_testing();
}
