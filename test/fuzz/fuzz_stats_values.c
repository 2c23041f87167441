/*
 * fuzz_stats_values.c -- libFuzzer harness of the clv_stats text form
 * (src/stats_text.c, read by PostgreSQL's JSON parser) and of the rules and
 * order of a value (src/core/stats.c), issue 10.3.
 *
 * fuzz-build: src/stats_text.c @pgcommon
 *
 * The text form is read by pg_parse_json, which lives in PostgreSQL's
 * libpgcommon; the harness links the frontend build of that library and
 * compiles stats_text.c with FRONTEND defined, so it runs the very code the
 * server runs (only the unit's conversion to an interval stays in the
 * server: here the unit is any string).
 *
 * The first byte picks the mode.  Values: rows decoded from the input with
 * any bit pattern for the doubles (subnormals, -0, the extremes, NaN and
 * infinities), made into a value by the rules a stored value obeys (zeros
 * +0, sorted, duplicates merged) and checked by clv_stats_check; a valid
 * value must read back from its text with every bit the same, also with
 * its keys in another order, white space around everything and numbers
 * spelt otherwise (x and count as 2.0E0-like decimals), and an invalid one
 * must be rejected on reading.  Texts: the rest of the input read as a
 * clv_stats text must not crash, and whatever it reads as a valid value
 * must write and read back to the same value.
 */
#include "postgres_fe.h"

#include <math.h>
#include <stddef.h>

#include "fuzz_input.h"
#include "mb/pg_wchar.h"
#include "stats_text.h"

#define MAX_ROWS 8

/*
 * The code under test allocates as the server does, in a memory context
 * reset after each call; the frontend library's palloc is malloc that
 * nothing frees.  The harness's palloc family (linked in place of
 * libpgcommon's) keeps every block on a list, and frees what is left after
 * each input: one memory context.
 */
typedef struct Block
{
	struct Block *prev,
			   *next;
	Size		size;
	max_align_t data[];
} Block;

static Block blocks = {&blocks, &blocks, 0};

/* A new block of size bytes on the list. */
void *
palloc(Size size)
{
	Block	   *block = malloc(sizeof(Block) + (size ? size : 1));

	if (block == NULL)
		abort();
	block->size = size;
	block->prev = blocks.prev;
	block->next = &blocks;
	blocks.prev->next = block;
	blocks.prev = block;
	return block->data;
}

/* A new zeroed block. */
void *
palloc0(Size size)
{
	return memset(palloc(size), 0, size);
}

/* The block of pointer. */
static Block *
block_of(void *pointer)
{
	return (Block *) ((char *) pointer - offsetof(Block, data));
}

/* Frees a block. */
void
pfree(void *pointer)
{
	Block	   *block = block_of(pointer);

	block->prev->next = block->next;
	block->next->prev = block->prev;
	free(block);
}

/* A block resized. */
void *
repalloc(void *pointer, Size size)
{
	void	   *moved = palloc(size);
	Size		old = block_of(pointer)->size;

	memcpy(moved, pointer, old < size ? old : size);
	pfree(pointer);
	return moved;
}

/* A copy of a string in a block. */
char *
pstrdup(const char *in)
{
	return strcpy(palloc(strlen(in) + 1), in);
}

/* Frees every block: the end of one input. */
static void
reset_blocks(void)
{
	while (blocks.next != &blocks)
		pfree(blocks.next->data);
}

/* Whether two values are the same, bit for bit. */
static bool
same_value(const ClvStatsView *a, const ClvStatsView *b)
{
	return a->unit_usec == b->unit_usec && a->ntx == b->ntx && a->nspend == b->nspend &&
		(a->ntx == 0 || memcmp(a->tx, b->tx, a->ntx * sizeof(ClvStatsTx)) == 0) &&
		(a->nspend == 0 || memcmp(a->spend, b->spend, a->nspend * sizeof(ClvStatsSpend)) == 0);
}

/*
 * The value a text read into, zeros made +0 as the server makes them; its
 * unit is 1 when it has one (the harness compares the unit's text).
 */
static ClvStatsView
view_of(StatsText *text)
{
	ClvStatsView view;
	int			i;

	for (i = 0; i < text->ntx; i++)
	{
		text->tx[i].t_x = clv_stats_zero(text->tx[i].t_x);
		text->tx[i].t = clv_stats_zero(text->tx[i].t);
	}
	for (i = 0; i < text->nspend; i++)
		text->spend[i].m = clv_stats_zero(text->spend[i].m);
	view.unit_usec = text->unit ? 1 : 0;
	view.ntx = text->ntx;
	view.tx = text->tx;
	view.nspend = text->nspend;
	view.spend = text->spend;
	return view;
}

/*
 * Reads text and checks it reads as value whose unit's text is unit_text:
 * every row, every bit.
 */
static void
check_reads_as(const char *text, const char *unit_text, const ClvStatsView *value)
{
	StatsText	read;
	char	   *problem = clv_stats_text_read(pstrdup(text), PG_UTF8, &read);
	ClvStatsView view;

	FUZZ_CHECK(problem == NULL, "the text of a valid value does not read: %s (%s)", problem, text);
	FUZZ_CHECK((read.unit == NULL) == (unit_text == NULL) &&
			   (unit_text == NULL || strcmp(read.unit, unit_text) == 0),
			   "the unit reads back as %s, not %s", read.unit ? read.unit : "null",
			   unit_text ? unit_text : "null");
	view = view_of(&read);
	view.unit_usec = value->unit_usec;
	FUZZ_CHECK(same_value(&view, value), "a value does not read back from its text %s", text);
}

/*
 * The text of value written otherwise: keys in the order given by perm,
 * white space everywhere, x and count as decimals with an exponent.
 */
static char *
respelt(const char *unit_text, const ClvStatsView *value, int perm)
{
	StringInfoData out;
	StringInfoData part[3];
	int			order[3][3] = {{1, 2, 0}, {2, 0, 1}, {0, 2, 1}};
	size_t		i;

	for (i = 0; i < 3; i++)
		initStringInfo(&part[i]);
	if (unit_text)
	{
		appendStringInfoString(&part[0], " \"unit\" :\t\"");
		for (const char *p = unit_text; *p; p++)
		{
			/* every character escaped as \u00XX */
			appendStringInfo(&part[0], "\\u%04x", (unsigned char) *p);
		}
		appendStringInfoChar(&part[0], '"');
	}
	else
		appendStringInfoString(&part[0], " \"unit\" : null ");
	appendStringInfoString(&part[1], "\n\"tx\":[ ");
	for (i = 0; i < value->ntx; i++)
		appendStringInfo(&part[1], "%s[ %lld.0e0 , %.17g, %.17g ,%lld0E-1 ]", i ? ", " : "",
						 (long long) value->tx[i].x, value->tx[i].t_x, value->tx[i].t,
						 (long long) value->tx[i].count);
	appendStringInfoString(&part[1], " ] ");
	appendStringInfoString(&part[2], "\"spend\"\r:[");
	for (i = 0; i < value->nspend; i++)
		appendStringInfo(&part[2], "%s[%lld,%.17e,%lld]", i ? "," : "",
						 (long long) value->spend[i].x, value->spend[i].m,
						 (long long) value->spend[i].count);
	appendStringInfoString(&part[2], "]");
	initStringInfo(&out);
	appendStringInfoString(&out, " {");
	for (i = 0; i < 3; i++)
		appendStringInfo(&out, "%s%s", i ? "," : "", part[order[perm][i]].data);
	appendStringInfoString(&out, "}\n");
	return out.data;
}

/* Values decoded from the input: the round trip of every valid one. */
static void
fuzz_value(FuzzInput *in)
{
	ClvStatsTx	tx[MAX_ROWS];
	ClvStatsSpend spend[MAX_ROWS];
	size_t		ntx = fuzz_u8(in) % (MAX_ROWS + 1),
				nspend = fuzz_u8(in) % (MAX_ROWS + 1),
				n,
				i;
	uint8_t		unit_kind = fuzz_u8(in);
	int64_t		unit = unit_kind % 4 == 0 ? 0 : unit_kind % 4 == 1 ? 86400000000 :
		fuzz_i64(in);
	char		unit_text[32];
	ClvStatsView value;
	bool		in_spend;
	size_t		row;
	StringInfoData text;
	StatsText	read;

	for (i = 0; i < ntx; i++)
	{
		uint8_t		shape = fuzz_u8(in);

		tx[i].x = shape & 1 ? fuzz_i64(in) : shape % 8;
		tx[i].t_x = shape & 2 ? fuzz_double(in) : 0.0;
		tx[i].t = fuzz_double(in);
		tx[i].count = shape & 4 ? fuzz_i64(in) : 1 + shape % 16;
		if (tx[i].x == 0)
			tx[i].t_x = 0.0;
		if (shape & 8 && tx[i].t_x > tx[i].t)
		{
			double		swap = tx[i].t;

			tx[i].t = tx[i].t_x;
			tx[i].t_x = swap;
		}
		tx[i].t_x = clv_stats_zero(tx[i].t_x);
		tx[i].t = clv_stats_zero(tx[i].t);
	}
	for (i = 0; i < nspend; i++)
	{
		uint8_t		shape = fuzz_u8(in);

		spend[i].x = shape & 1 ? fuzz_i64(in) : 1 + shape % 8;
		spend[i].m = fuzz_double(in);
		spend[i].count = shape & 4 ? fuzz_i64(in) : 1 + shape % 16;
		spend[i].m = clv_stats_zero(spend[i].m);
	}
	/* the stored form: sorted, distinct (a repeated row once) */
	clv_stats_sort(tx, ntx, spend, nspend);
	for (n = 0, i = 0; i < ntx; i++)
		if (n == 0 || clv_stats_tx_cmp(&tx[n - 1], &tx[i]) != 0)
			tx[n++] = tx[i];
	ntx = n;
	for (n = 0, i = 0; i < nspend; i++)
		if (n == 0 || clv_stats_spend_cmp(&spend[n - 1], &spend[i]) != 0)
			spend[n++] = spend[i];
	nspend = n;

	value.unit_usec = unit;
	value.ntx = ntx;
	value.tx = tx;
	value.nspend = nspend;
	value.spend = spend;
	snprintf(unit_text, sizeof(unit_text), "%lld", (long long) unit);

	initStringInfo(&text);
	clv_stats_text_write(&text, unit ? unit_text : NULL, &value);
	if (clv_stats_check(&value, &in_spend, &row) != CLV_STATS_OK)
	{
		/* an invalid value may be written, never read back as valid */
		char	   *problem = clv_stats_text_read(pstrdup(text.data), PG_UTF8, &read);

		if (problem == NULL)
		{
			ClvStatsView view = view_of(&read);

			/* the server reads the unit as an interval: the same number */
			view.unit_usec = read.unit ? unit : 0;
			FUZZ_CHECK(clv_stats_check(&view, &in_spend, &row) != CLV_STATS_OK,
					   "an invalid value reads back valid: %s", text.data);
		}
		return;
	}
	check_reads_as(text.data, unit ? unit_text : NULL, &value);
	check_reads_as(respelt(unit ? unit_text : NULL, &value, unit_kind % 3),
				   unit ? unit_text : NULL, &value);
}

/* Any text: no crash; a valid value read writes and reads back the same. */
static void
fuzz_text(FuzzInput *in)
{
	char	   *text = palloc(in->size + 1);
	StatsText	read;
	ClvStatsView view;
	bool		in_spend;
	size_t		row;
	StringInfoData again;

	memcpy(text, in->data, in->size);
	text[in->size] = '\0';
	if (clv_stats_text_read(text, PG_UTF8, &read) != NULL)
		return;
	view = view_of(&read);
	if (clv_stats_check(&view, &in_spend, &row) != CLV_STATS_OK)
		return;
	initStringInfo(&again);
	clv_stats_text_write(&again, read.unit, &view);
	check_reads_as(again.data, read.unit, &view);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size};
	uint8_t		mode = fuzz_u8(&in);

	if (mode & 1)
		fuzz_text(&in);
	else
		fuzz_value(&in);
	reset_blocks();
	return 0;
}
