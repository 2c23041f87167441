/*-------------------------------------------------------------------------
 *
 * customerset.h
 *	  The state of the one-scan retention aggregates: a hash set of
 *	  customers, each with the flags (one-period functions) or the set of
 *	  active calendar periods (series, cohorts) its aggregate needs.  The
 *	  same object is the internal state of the timestamptz forms and, as
 *	  an expanded object, the clv_customer_set state of the date and
 *	  timestamp forms; its flat form is the wire format of both.  Also what
 *	  the one-scan and two-step (activity.c) forms share (periods.c): the
 *	  calendar periods of row times, the period counts' bounded memory and
 *	  the result arrays.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLV_CUSTOMERSET_H
#define CLV_CUSTOMERSET_H

#include "clv.h"

#include "port/pg_bitutils.h"
#include "utils/expandeddatum.h"

#include "core/periodset.h"
#include "core/retention.h"

/* Which aggregate a state belongs to; indexes retention_mode_names. */
typedef enum RetentionMode
{
	RETENTION_RATE,				/* flags: previous and current period */
	RETENTION_NEW_SHARE,		/* flags: current period, before it */
	RETENTION_SERIES,			/* active calendar periods */
	RETENTION_COHORTS			/* active calendar periods */
} RetentionMode;

extern const char *const retention_mode_names[];

#define RETENTION_MODE_IS_PERIODS(mode) ((mode) >= RETENTION_SERIES)

/* A customer's flags in the one-period modes. */
#define RETENTION_IN_PREVIOUS	0x1 /* a row in [start - period, start) */
#define RETENTION_IN_CURRENT	0x2 /* a row in [start, start + period) */
#define RETENTION_BEFORE		0x4 /* a row before start */

/* The customer key types. */
typedef enum RetentionKeyKind
{
	RETENTION_KEY_INT4,
	RETENTION_KEY_INT8,
	RETENTION_KEY_TEXT,
	RETENTION_KEY_UUID
} RetentionKeyKind;

/* The configuration arguments: the same in every row. */
typedef enum RetentionConfig
{
	RETENTION_CONFIG_START,		/* period_start (one-period modes) */
	RETENTION_CONFIG_MONTHS,	/* period's parts */
	RETENTION_CONFIG_DAYS,
	RETENTION_CONFIG_USECS,
	RETENTION_NCONFIG
} RetentionConfig;

/*
 * Most calendar periods one group may span (first to last period with
 * rows): 2,800 years of days.
 */
#define RETENTION_MAX_PERIODS	CLV_COUNTS_MAX_PERIODS

/*
 * One customer: 20 bytes.  key holds the customer's int4/int8 value, or the
 * address of the key's bytes in the set's arena (text: a uint32 length,
 * then the bytes; uuid: 16 bytes), as two 32-bit halves so that an entry
 * needs only 4-byte alignment.  In the one-period modes set.meta holds the
 * RETENTION_* flags and the rest of set is unused.
 */
typedef struct CustomerEntry
{
	uint32		key[2];
	ClvPeriodSet set;
} CustomerEntry;

/* The 64-bit key of an entry. */
static inline uint64
customer_key(const CustomerEntry *entry)
{
	uint64		key;

	memcpy(&key, entry->key, sizeof(key));
	return key;
}

/*
 * Entries live in blocks that never move: 16, 32, ... 4096 entries, then
 * blocks of 4096, so a small set stays small and a large one never copies
 * its entries.  An open-addressing table of entry numbers finds them.
 */
#define CUSTOMER_FIRST_BLOCK	16
#define CUSTOMER_GROWING_BLOCKS	9	/* 16 << 8 = 4096 */
#define CUSTOMER_BLOCK_ENTRIES	4096
#define CUSTOMER_GROWN_ENTRIES	(CUSTOMER_FIRST_BLOCK * ((1 << CUSTOMER_GROWING_BLOCKS) - 1))

typedef struct CustomerSet CustomerSet;

/*
 * The state.  Everything it holds lives in the memory context the
 * expanded-object header names (its own, or one shared by the groups of an
 * aggregate: see customer_set_new_in_group); bytes counts what the customers take
 * (hash table, keys, period blocks) against clv.max_state_memory.
 */
struct CustomerSet
{
	ExpandedObjectHeader hdr;	/* first: the set is an expanded object */
	RetentionMode mode;
	RetentionKeyKind key_kind;
	ClvTimeKind time_kind;
	ClvRetentionUnit unit;		/* period modes */
	int64		config[RETENTION_NCONFIG];
	/* one-period modes: row times (clv_time_usec) bounding the periods */
	int64		previous_start;
	int64		period_start;
	int64		period_end;
	/* period modes: the first and last period with rows */
	int32		first_period;
	int32		last_period;
	uint64		members;		/* customers, entries 0 .. members - 1 */
	CustomerEntry **blocks;
	int			nblocks;
	int			max_blocks;
	uint32	   *slots;			/* entry number + 1 per slot, 0 when empty */
	uint64		nslots;			/* a power of 2, at most 3/4 full */
	Size		bytes;
	char	   *arena;			/* free space of the current key block */
	Size		arena_left;
	StringInfoData probe;		/* a text key formatted as stored */
	ClvPeriodMemory memory;
	bytea	   *flat;			/* wire form, cached between flattens */
	bool		adoptable;		/* made by deserialize: a combine may keep it */
};

/* The set's memory context. */
#define customer_set_context(set) ((set)->hdr.eoh_context)

/* Entry i (< members) of a set. */
static inline CustomerEntry *
customer_set_entry(const CustomerSet *set, uint64 i)
{
	if (i < CUSTOMER_GROWN_ENTRIES)
	{
		int			b = pg_leftmost_one_pos64(i / CUSTOMER_FIRST_BLOCK + 1);

		return &set->blocks[b][i - (uint64) CUSTOMER_FIRST_BLOCK * ((UINT64CONST(1) << b) - 1)];
	}
	i -= CUSTOMER_GROWN_ENTRIES;
	return &set->blocks[CUSTOMER_GROWING_BLOCKS + i / CUSTOMER_BLOCK_ENTRIES]
		[i % CUSTOMER_BLOCK_ENTRIES];
}

/*
 * A new empty set in a new context under parent.  The configuration is
 * copied from like (when not NULL), else left for the caller.
 */
extern CustomerSet *customer_set_new(MemoryContext parent, RetentionMode mode,
									 RetentionKeyKind key_kind,
									 ClvTimeKind time_kind,
									 const CustomerSet *like);

/*
 * The same for a group of the aggregate context aggcontext: in the context
 * the sets of all its groups share, never freed alone.
 */
extern CustomerSet *customer_set_new_in_group(MemoryContext aggcontext, RetentionMode mode,
											  RetentionKeyKind key_kind,
											  ClvTimeKind time_kind,
											  const CustomerSet *like);

/* Deletes a set of customer_set_new and its memory. */
extern void customer_set_free(CustomerSet *set);

/*
 * The entry of a customer key Datum, added (with its key copied into the
 * set) if new.
 */
extern CustomerEntry *customer_set_lookup(CustomerSet *set, Datum key);

/* Adds period to a customer's periods. */
extern void customer_set_add_period(CustomerSet *set, CustomerEntry *entry,
									int32 period);

/*
 * Widens the set's period range to [first, last]; over
 * RETENTION_MAX_PERIODS periods is an error.
 */
extern void customer_set_extend_range(CustomerSet *set, int32 first, int32 last);

/* Merges every customer of from into into (same kind of state). */
extern void customer_set_merge(CustomerSet *into, const CustomerSet *from);

/* The wire form of a set (a complete varlena). */
extern bytea *customer_set_serialize(CustomerSet *set);

/*
 * Reads a wire form: into a new set under parent, or, with parent NULL,
 * only validates it (returning NULL); malformed input is SQLSTATE 22P03.
 */
extern CustomerSet *customer_set_read(const struct varlena *bytes,
									  MemoryContext parent);
extern CustomerSet *customer_set_read_in_group(const struct varlena *bytes,
											   MemoryContext aggcontext);

/*
 * Merges a wire form into into without building a set of it first (the
 * combine of flat values).
 */
extern void customer_set_merge_flat(CustomerSet *into, const struct varlena *bytes);

/*
 * The set behind a clv_customer_set Datum: its expanded object, or one read
 * from its flat form under parent.
 */
extern CustomerSet *customer_set_from_datum(Datum datum, MemoryContext parent);

/*
 * The set of datum when it is a read/write expanded set under aggcontext,
 * which the caller may update in place; else NULL.
 */
extern CustomerSet *customer_set_own(Datum datum, MemoryContext aggcontext);

/* Forgets the cached flat form after a change. */
static inline void
customer_set_changed(CustomerSet *set)
{
	if (set->flat != NULL)
	{
		pfree(set->flat);
		set->flat = NULL;
	}
}

/*
 * The I/O of the family's wire-form types (clv_customer_set, clv_activity,
 * clv_retention_counts): text is \x and the hexadecimal digits of the
 * wire form; input, text or binary, is checked by validate.
 * retention_wire_need raises 22P03 unless n more bytes remain to be read.
 */
extern void retention_wire_need(StringInfo buf, int n, const char *what);
extern bytea *retention_wire_text_in(const char *text, const char *what,
									 void (*validate) (const struct varlena *bytes));
extern char *retention_wire_text_out(const bytea *bytes);
extern bytea *retention_wire_recv(StringInfo buf,
								  void (*validate) (const struct varlena *bytes));

/*
 * Memory of the counts that finals and the two-step states build, and of
 * clv_activity's period sets: every allocation checked against
 * clv.max_state_memory for fname, plus extra bytes the caller will also
 * hold (its output).
 */
typedef struct CountsMemory
{
	ClvPeriodMemory memory;
	MemoryContext context;
	Size		bytes;
	Size		extra;
	const char *fname;
} CountsMemory;

extern void counts_memory_init(CountsMemory *cm, MemoryContext context,
							   const char *fname);

/* Checks that bytes more of output fit the bound, with the counts. */
extern void counts_memory_reserve(CountsMemory *cm, Size bytes);

/* The calendar period counts of a periods-mode set (its finals' input). */
extern void customer_set_counts(CustomerSet *set, ClvRetentionCounts *counts,
								CountsMemory *cm);

/*
 * The result array of counts: clv_retention[] of series counts, one element
 * per observed period, or clv_cohort[] of cohort counts.
 */
extern Datum retention_counts_result(FunctionCallInfo fcinfo,
									 const ClvRetentionCounts *counts,
									 ClvRetentionUnit unit, CountsMemory *cm);

/* The calendar unit of a series period; other periods are a class-22 error. */
extern ClvRetentionUnit retention_calendar_unit(const Interval *period,
												const char *fname);

/*
 * The calendar period of unit containing row time t (clv_time_usec of
 * kind): for timestamptz the local day in the session TimeZone, as
 * date_trunc has it (with a cache of UTC offsets made in mcxt at
 * *tz_cache, kept by the caller).
 */
extern int32 retention_period_of(void **tz_cache, MemoryContext mcxt,
								 ClvRetentionUnit unit, ClvTimeKind kind, int64 t);

#endif							/* CLV_CUSTOMERSET_H */
