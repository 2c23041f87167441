/*-------------------------------------------------------------------------
 *
 * customerset.c
 *	  The customer set of the one-scan retention aggregates (see
 *	  customerset.h): memory-bounded hash set, wire form, expanded-object
 *	  methods, the clv_customer_set type's I/O and the I/O helpers of the
 *	  family's other wire-form types.
 *
 * Memory: a customer takes one 24-byte hash entry (two periods, or any
 * periods within 32 consecutive ones, inline), its key's bytes for text
 * and uuid keys in a key arena, and an out-of-line period block only when
 * it has more periods.  Every allocation is checked first against
 * clv.max_state_memory.
 *
 *-------------------------------------------------------------------------
 */
#include "customerset.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/uuid.h"

const char *const retention_mode_names[] = {
	"retention_rate", "new_customer_share", "retention_series", "cohort_retention"
};

static const char *const retention_config_names[] = {
	"period_start", "period", "period", "period"
};

/* The wire format's version byte and the type's name in its messages. */
#define CUSTOMER_SET_WIRE_VERSION 1
#define CUSTOMER_SET_WHAT "clv_customer_set"

/* Key arena blocks. */
#define ARENA_FIRST_BLOCK_SIZE 1024
#define ARENA_BLOCK_SIZE (64 * 1024)

/* Mixes a 64-bit integer key into a 32-bit hash (murmur3's finalizer). */
static inline uint32
mix64(uint64 k)
{
	k ^= k >> 33;
	k *= UINT64CONST(0xff51afd7ed558ccd);
	k ^= k >> 33;
	k *= UINT64CONST(0xc4ceb9fe1a85ec53);
	k ^= k >> 33;
	return (uint32) k;
}

/* The bytes of a text key stored at p (a uint32 length, then the bytes). */
static inline const unsigned char *
text_key_bytes(const unsigned char *p, uint32 *len)
{
	memcpy(len, p, sizeof(uint32));
	return p + sizeof(uint32);
}

/* The hash of a stored or probe key. */
static inline uint32
key_hash(const CustomerSet *set, uint64 key)
{
	uint32		len;
	const unsigned char *bytes;

	switch (set->key_kind)
	{
		case RETENTION_KEY_INT4:
		case RETENTION_KEY_INT8:
			return mix64(key);
		case RETENTION_KEY_UUID:
			return hash_bytes((const unsigned char *) key, UUID_LEN);
		default:
			bytes = text_key_bytes((const unsigned char *) key, &len);
			return hash_bytes(bytes, (int) len);
	}
}

/* Whether two keys are the same customer: equal values or equal bytes. */
static inline bool
key_equal(const CustomerSet *set, uint64 a, uint64 b)
{
	uint32		alen,
				blen;
	const unsigned char *abytes,
			   *bbytes;

	switch (set->key_kind)
	{
		case RETENTION_KEY_INT4:
		case RETENTION_KEY_INT8:
			return a == b;
		case RETENTION_KEY_UUID:
			return memcmp((const void *) a, (const void *) b, UUID_LEN) == 0;
		default:
			abytes = text_key_bytes((const unsigned char *) a, &alen);
			bbytes = text_key_bytes((const unsigned char *) b, &blen);
			return alen == blen && memcmp(abytes, bbytes, alen) == 0;
	}
}

/* Allocates bytes in the set's context after checking the memory bound. */
static void *
set_alloc(CustomerSet *set, Size size, bool zero)
{
	void	   *p;

	clv_check_state_memory(set->bytes + size, retention_mode_names[set->mode]);
	p = MemoryContextAllocExtended(customer_set_context(set), size,
								   MCXT_ALLOC_HUGE | (zero ? MCXT_ALLOC_ZERO : 0));
	set->bytes += GetMemoryChunkSpace(p);
	return p;
}

/* Frees memory of set_alloc. */
static void
set_free(CustomerSet *set, void *p)
{
	set->bytes -= GetMemoryChunkSpace(p);
	pfree(p);
}

/* The period sets' allocator: set_alloc and set_free. */
static void *
period_alloc(void *arg, size_t bytes)
{
	return set_alloc((CustomerSet *) arg, bytes, false);
}

static void
period_release(void *arg, void *block, size_t bytes)
{
	set_free((CustomerSet *) arg, block);
}

/* Expanded-object methods: the flat form is the wire form. */
static Size
customer_set_flat_size(ExpandedObjectHeader *eohptr)
{
	CustomerSet *set = (CustomerSet *) eohptr;

	if (set->flat == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(customer_set_context(set));

		set->flat = customer_set_serialize(set);
		MemoryContextSwitchTo(old);
	}
	return VARSIZE(set->flat);
}

static void
customer_set_flatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	CustomerSet *set = (CustomerSet *) eohptr;

	Assert(set->flat != NULL && allocated_size == VARSIZE(set->flat));
	memcpy(result, set->flat, allocated_size);
}

static const ExpandedObjectMethods customer_set_methods = {
	customer_set_flat_size,
	customer_set_flatten
};

/*
 * A new empty set living in context.  The configuration is copied from
 * like (when not NULL), else left for the caller.
 */
static CustomerSet *
set_init(MemoryContext context, RetentionMode mode, RetentionKeyKind key_kind,
		 ClvTimeKind time_kind, const CustomerSet *like)
{
	CustomerSet *set = (CustomerSet *) MemoryContextAllocZero(context, sizeof(CustomerSet));

	EOH_init_header(&set->hdr, &customer_set_methods, context);
	set->mode = mode;
	set->key_kind = key_kind;
	set->time_kind = time_kind;
	if (like != NULL)
	{
		set->unit = like->unit;
		memcpy(set->config, like->config, sizeof(set->config));
		set->previous_start = like->previous_start;
		set->period_start = like->period_start;
		set->period_end = like->period_end;
	}
	set->memory.alloc = period_alloc;
	set->memory.release = period_release;
	set->memory.arg = set;
	return set;
}

/* A new empty set in a new context under parent. */
CustomerSet *
customer_set_new(MemoryContext parent, RetentionMode mode, RetentionKeyKind key_kind,
				 ClvTimeKind time_kind, const CustomerSet *like)
{
	return set_init(AllocSetContextCreate(parent, "clv customer set", ALLOCSET_START_SMALL_SIZES),
					mode, key_kind, time_kind, like);
}

/* The name of the context that holds the sets of one aggregate context. */
static const char group_sets_context_name[] = "clv customer sets";

/*
 * A new empty set of a group of the aggregate context aggcontext, in the
 * context the sets of all its groups share (see clv_agg_states_context):
 * it is never freed alone.
 */
CustomerSet *
customer_set_new_in_group(MemoryContext aggcontext, RetentionMode mode,
						  RetentionKeyKind key_kind, ClvTimeKind time_kind,
						  const CustomerSet *like)
{
	return set_init(clv_agg_states_context(aggcontext, group_sets_context_name),
					mode, key_kind, time_kind, like);
}

/* Deletes a set of customer_set_new and its memory. */
void
customer_set_free(CustomerSet *set)
{
	MemoryContextDelete(customer_set_context(set));
}

/* Copies len key bytes into the arena; returns their address. */
static char *
arena_copy(CustomerSet *set, const void *prefix, size_t prefix_len,
		   const void *data, size_t len)
{
	size_t		need = prefix_len + len;
	char	   *p;

	if (need > set->arena_left)
	{
		/* small sets (a group of many) take small blocks */
		Size		block = Max(Min(ARENA_BLOCK_SIZE, Max(ARENA_FIRST_BLOCK_SIZE, set->bytes / 2)),
								need);

		set->arena = (char *) set_alloc(set, block, false);
		set->arena_left = block;
	}
	p = set->arena;
	memcpy(p, prefix, prefix_len);
	memcpy(p + prefix_len, data, len);
	set->arena += need;
	set->arena_left -= need;
	return p;
}

/* Makes room for one more entry: a new block when the last is full. */
static void
reserve_entry(CustomerSet *set)
{
	uint64		capacity;
	int			b = set->nblocks;
	Size		entries;

	capacity = b <= CUSTOMER_GROWING_BLOCKS ?
		(uint64) CUSTOMER_FIRST_BLOCK * ((UINT64CONST(1) << b) - 1) :
		CUSTOMER_GROWN_ENTRIES + (uint64) (b - CUSTOMER_GROWING_BLOCKS) * CUSTOMER_BLOCK_ENTRIES;
	if (set->members < capacity)
		return;
	if (b == set->max_blocks)
	{
		int			max_blocks = Max(16, 2 * set->max_blocks);
		CustomerEntry **blocks = (CustomerEntry **) set_alloc(set, sizeof(CustomerEntry *) * max_blocks,
															  false);

		if (b > 0)
		{
			memcpy(blocks, set->blocks, sizeof(CustomerEntry *) * b);
			set_free(set, set->blocks);
		}
		set->blocks = blocks;
		set->max_blocks = max_blocks;
	}
	entries = b < CUSTOMER_GROWING_BLOCKS ? (Size) CUSTOMER_FIRST_BLOCK << b : CUSTOMER_BLOCK_ENTRIES;
	set->blocks[b] = (CustomerEntry *) set_alloc(set, sizeof(CustomerEntry) * entries, false);
	set->nblocks = b + 1;
}

/* Doubles the slot table (or makes the first) and places every entry again. */
static void
grow_slots(CustomerSet *set)
{
	uint64		nslots = set->nslots == 0 ? 32 : 2 * set->nslots;
	uint32	   *slots;

	if (nslots > (UINT64CONST(1) << 32))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s cannot hold more than 3 billion customers",
						retention_mode_names[set->mode])));
	slots = (uint32 *) set_alloc(set, sizeof(uint32) * nslots, true);
	for (uint64 i = 0; i < set->members; i++)
	{
		uint64		mask = nslots - 1;
		uint64		s = key_hash(set, customer_key(customer_set_entry(set, i))) & mask;

		while (slots[s] != 0)
			s = (s + 1) & mask;
		slots[s] = (uint32) (i + 1);
	}
	if (set->slots != NULL)
		set_free(set, set->slots);
	set->slots = slots;
	set->nslots = nslots;
}

/* Inserts key (a probe or another set's stored key), copying its bytes. */
static CustomerEntry *
insert_key(CustomerSet *set, uint64 key)
{
	uint64		mask,
				s;
	CustomerEntry *entry;

	if (set->members + 1 > set->nslots / 4 * 3)
		grow_slots(set);
	mask = set->nslots - 1;
	for (s = key_hash(set, key) & mask; set->slots[s] != 0; s = (s + 1) & mask)
	{
		entry = customer_set_entry(set, set->slots[s] - 1);
		if (key_equal(set, customer_key(entry), key))
			return entry;
	}
	reserve_entry(set);
	if (set->key_kind == RETENTION_KEY_UUID)
		key = (uint64) arena_copy(set, NULL, 0, (const void *) key, UUID_LEN);
	else if (set->key_kind == RETENTION_KEY_TEXT)
	{
		uint32		len;
		const unsigned char *bytes = text_key_bytes((const unsigned char *) key, &len);

		key = (uint64) arena_copy(set, (const void *) key,
								  bytes - (const unsigned char *) key, bytes, len);
	}
	entry = customer_set_entry(set, set->members);
	memcpy(entry->key, &key, sizeof(key));
	clv_pset_init(&entry->set);
	set->slots[s] = (uint32) (set->members + 1);
	set->members++;
	return entry;
}

/* Formats a text key's bytes as stored, in set->probe; returns its address. */
static uint64
text_probe(CustomerSet *set, const char *data, uint32 len)
{
	uint32		prefix = len;

	if (set->probe.data == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(customer_set_context(set));

		initStringInfo(&set->probe);
		MemoryContextSwitchTo(old);
	}
	resetStringInfo(&set->probe);
	appendBinaryStringInfo(&set->probe, (const char *) &prefix, sizeof(prefix));
	appendBinaryStringInfo(&set->probe, data, (int) len);
	return (uint64) set->probe.data;
}

/* The entry of a customer key Datum, added if new. */
CustomerEntry *
customer_set_lookup(CustomerSet *set, Datum key)
{
	switch (set->key_kind)
	{
		case RETENTION_KEY_INT4:
			return insert_key(set, (uint64) (int64) DatumGetInt32(key));
		case RETENTION_KEY_INT8:
			return insert_key(set, (uint64) DatumGetInt64(key));
		case RETENTION_KEY_UUID:
			return insert_key(set, (uint64) DatumGetUUIDP(key)->data);
		default:
			{
				struct varlena *text = PG_DETOAST_DATUM_PACKED(key);
				CustomerEntry *entry;

				entry = insert_key(set, text_probe(set, VARDATA_ANY(text),
												   VARSIZE_ANY_EXHDR(text)));
				if ((Pointer) text != DatumGetPointer(key))
					pfree(text);
				return entry;
			}
	}
}

/* Adds period to a customer's periods. */
void
customer_set_add_period(CustomerSet *set, CustomerEntry *entry, int32 period)
{
	clv_pset_add(&entry->set, period, &set->memory);
}

/* Widens the period range; over RETENTION_MAX_PERIODS is an error. */
void
customer_set_extend_range(CustomerSet *set, int32 first, int32 last)
{
	if (set->members == 0 || first < set->first_period)
		set->first_period = first;
	if (set->members == 0 || last > set->last_period)
		set->last_period = last;
	if ((int64) set->last_period - set->first_period >= RETENTION_MAX_PERIODS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s rows span more than %d periods",
						retention_mode_names[set->mode], RETENTION_MAX_PERIODS),
				 errhint("Use a longer period or restrict the rows with WHERE.")));
}

/* Checks that two states can be merged: same aggregate and configuration. */
static void
check_compatible(const CustomerSet *into, RetentionMode mode, RetentionKeyKind key_kind,
				 ClvTimeKind time_kind, ClvRetentionUnit unit, const int64 *config)
{
	if (into->mode != mode || into->key_kind != key_kind ||
		into->time_kind != time_kind || into->unit != unit)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s cannot combine states of different aggregates",
						retention_mode_names[into->mode])));
	for (int i = 0; i < RETENTION_NCONFIG; i++)
		if (into->config[i] != config[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s argument \"%s\" must be the same for every row of a group",
							retention_mode_names[into->mode], retention_config_names[i]),
					 errhint("Pass a constant or a value that depends only on the GROUP BY columns.")));
}

/* Merges every customer of from into into. */
void
customer_set_merge(CustomerSet *into, const CustomerSet *from)
{
	check_compatible(into, from->mode, from->key_kind, from->time_kind, from->unit,
					 from->config);
	customer_set_changed(into);
	if (RETENTION_MODE_IS_PERIODS(from->mode) && from->members > 0)
		customer_set_extend_range(into, from->first_period, from->last_period);
	for (uint64 i = 0; i < from->members; i++)
	{
		const CustomerEntry *entry = customer_set_entry(from, i);
		CustomerEntry *target;

		CHECK_FOR_INTERRUPTS();
		target = insert_key(into, customer_key(entry));
		if (RETENTION_MODE_IS_PERIODS(into->mode))
			clv_pset_merge(&target->set, &entry->set, &into->memory);
		else
			target->set.meta |= entry->set.meta;
	}
}

/*
 * The wire form: version; mode, key kind, time kind, unit (bytes); the
 * configuration and the one-period bounds (int64); the first and last
 * period (int32); the number of customers (int64); then per customer its
 * key (int4, int8, 16 uuid bytes, or int32 length and text bytes) and
 * either its flags (byte) or its periods (core/periodset.c's encoding,
 * preceded by its int32 length).
 */
bytea *
customer_set_serialize(CustomerSet *set)
{
	StringInfoData buf;
	uint8	   *scratch = NULL;
	size_t		scratch_size = 0;

	clv_wire_begin(&buf, CUSTOMER_SET_WIRE_VERSION);
	pq_sendbyte(&buf, (uint8) set->mode);
	pq_sendbyte(&buf, (uint8) set->key_kind);
	pq_sendbyte(&buf, (uint8) set->time_kind);
	pq_sendbyte(&buf, (uint8) set->unit);
	for (int i = 0; i < RETENTION_NCONFIG; i++)
		pq_sendint64(&buf, set->config[i]);
	pq_sendint64(&buf, set->previous_start);
	pq_sendint64(&buf, set->period_start);
	pq_sendint64(&buf, set->period_end);
	pq_sendint32(&buf, set->first_period);
	pq_sendint32(&buf, set->last_period);
	pq_sendint64(&buf, (int64) set->members);
	for (uint64 i = 0; i < set->members; i++)
	{
		const CustomerEntry *entry = customer_set_entry(set, i);
		uint64		key = customer_key(entry);

		CHECK_FOR_INTERRUPTS();
		switch (set->key_kind)
		{
			case RETENTION_KEY_INT4:
				pq_sendint32(&buf, (int32) (int64) key);
				break;
			case RETENTION_KEY_INT8:
				pq_sendint64(&buf, (int64) key);
				break;
			case RETENTION_KEY_UUID:
				pq_sendbytes(&buf, (const char *) key, UUID_LEN);
				break;
			default:
				{
					uint32		len;
					const unsigned char *bytes = text_key_bytes((const unsigned char *) key, &len);

					pq_sendint32(&buf, len);
					pq_sendbytes(&buf, (const char *) bytes, (int) len);
				}
				break;
		}
		if (RETENTION_MODE_IS_PERIODS(set->mode))
		{
			size_t		bound = clv_pset_encoded_bound(&entry->set);
			size_t		n;

			if (bound > scratch_size)
			{
				scratch_size = Max(bound, 256);
				scratch = scratch ? repalloc(scratch, scratch_size) : palloc(scratch_size);
			}
			n = clv_pset_encode(&entry->set, scratch);
			pq_sendint32(&buf, (int32) n);
			pq_sendbytes(&buf, (const char *) scratch, (int) n);
		}
		else
			pq_sendbyte(&buf, (uint8) entry->set.meta);
	}
	if (scratch)
		pfree(scratch);
	return pq_endtypsend(&buf);
}

/* A validating reader of the wire form's header. */
typedef struct WireHeader
{
	RetentionMode mode;
	RetentionKeyKind key_kind;
	ClvTimeKind time_kind;
	ClvRetentionUnit unit;
	int64		config[RETENTION_NCONFIG];
	int64		previous_start;
	int64		period_start;
	int64		period_end;
	int32		first_period;
	int32		last_period;
	int64		ncustomers;
} WireHeader;

static void
read_header(StringInfo buf, WireHeader *h)
{
	int			mode,
				key_kind,
				time_kind,
				unit;

	retention_wire_need(buf, 4 + 8 * (RETENTION_NCONFIG + 3) + 4 + 4 + 8, CUSTOMER_SET_WHAT);
	mode = pq_getmsgbyte(buf);
	key_kind = pq_getmsgbyte(buf);
	time_kind = pq_getmsgbyte(buf);
	unit = pq_getmsgbyte(buf);
	if (mode > RETENTION_COHORTS || key_kind > RETENTION_KEY_UUID ||
		time_kind > CLV_TIME_DATE || unit > CLV_RETENTION_YEAR)
		clv_wire_invalid(CUSTOMER_SET_WHAT, "The header names no retention aggregate.");
	h->mode = (RetentionMode) mode;
	h->key_kind = (RetentionKeyKind) key_kind;
	h->time_kind = (ClvTimeKind) time_kind;
	h->unit = (ClvRetentionUnit) unit;
	for (int i = 0; i < RETENTION_NCONFIG; i++)
		h->config[i] = pq_getmsgint64(buf);
	h->previous_start = pq_getmsgint64(buf);
	h->period_start = pq_getmsgint64(buf);
	h->period_end = pq_getmsgint64(buf);
	h->first_period = pq_getmsgint(buf, 4);
	h->last_period = pq_getmsgint(buf, 4);
	h->ncustomers = pq_getmsgint64(buf);
	/* every customer takes at least 3 bytes */
	if (h->ncustomers < 0 || h->ncustomers > (buf->len - buf->cursor) / 3)
		clv_wire_invalid(CUSTOMER_SET_WHAT, "The customer count does not match the value's size.");
	if (RETENTION_MODE_IS_PERIODS(h->mode) && h->ncustomers > 0 &&
		(h->first_period > h->last_period ||
		 (int64) h->last_period - h->first_period >= RETENTION_MAX_PERIODS))
		clv_wire_invalid(CUSTOMER_SET_WHAT, "The period range is invalid.");
	if (!RETENTION_MODE_IS_PERIODS(h->mode) &&
		!(h->previous_start <= h->period_start && h->period_start < h->period_end))
		clv_wire_invalid(CUSTOMER_SET_WHAT, "The period bounds are invalid.");
}

/*
 * Reads the customers of a wire form into into, or only checks them when
 * into is NULL (a scratch set then decodes each customer's periods).
 */
static void
read_customers(StringInfo buf, const WireHeader *h, CustomerSet *into)
{
	CustomerSet *scratch = NULL;

	if (into == NULL && RETENTION_MODE_IS_PERIODS(h->mode))
		scratch = customer_set_new(CurrentMemoryContext, h->mode, h->key_kind,
								   h->time_kind, NULL);
	for (int64 i = 0; i < h->ncustomers; i++)
	{
		uint64		key = 0;
		CustomerEntry *entry = NULL;

		CHECK_FOR_INTERRUPTS();
		retention_wire_need(buf, h->key_kind == RETENTION_KEY_INT8 ? 8 :
							h->key_kind == RETENTION_KEY_UUID ? UUID_LEN : 4,
							CUSTOMER_SET_WHAT);
		switch (h->key_kind)
		{
			case RETENTION_KEY_INT4:
				key = (uint64) (int64) (int32) pq_getmsgint(buf, 4);
				break;
			case RETENTION_KEY_INT8:
				key = (uint64) pq_getmsgint64(buf);
				break;
			case RETENTION_KEY_UUID:
				key = (uint64) pq_getmsgbytes(buf, UUID_LEN);
				break;
			default:
				{
					int32		len = pq_getmsgint(buf, 4);
					const char *bytes;

					if (len < 0 || len > buf->len - buf->cursor)
						clv_wire_invalid(CUSTOMER_SET_WHAT, "A customer key is truncated.");
					bytes = pq_getmsgbytes(buf, len);
					if (into != NULL)
						key = text_probe(into, bytes, (uint32) len);
				}
				break;
		}
		if (into != NULL)
			entry = insert_key(into, key);
		retention_wire_need(buf, RETENTION_MODE_IS_PERIODS(h->mode) ? 4 : 1, CUSTOMER_SET_WHAT);
		if (RETENTION_MODE_IS_PERIODS(h->mode))
		{
			int32		len = pq_getmsgint(buf, 4);
			const uint8 *bytes;
			ClvPeriodSet periods;
			CustomerSet *owner = into ? into : scratch;

			if (len < 0 || len > buf->len - buf->cursor)
				clv_wire_invalid(CUSTOMER_SET_WHAT, "A customer's periods are truncated.");
			bytes = (const uint8 *) pq_getmsgbytes(buf, len);
			if (clv_pset_decode(&periods, bytes, len, h->first_period, h->last_period,
								&owner->memory) != (size_t) len)
				clv_wire_invalid(CUSTOMER_SET_WHAT, "A customer's periods are malformed or out of range.");
			if (entry != NULL && clv_pset_count(&entry->set) == 0)
				entry->set = periods;
			else
			{
				if (entry != NULL)
					clv_pset_merge(&entry->set, &periods, &owner->memory);
				clv_pset_free(&periods, &owner->memory);
			}
		}
		else
		{
			int			flags = pq_getmsgbyte(buf);

			if (flags == 0 || flags > (RETENTION_IN_PREVIOUS | RETENTION_IN_CURRENT |
									   RETENTION_BEFORE))
				clv_wire_invalid(CUSTOMER_SET_WHAT, "A customer's flags are invalid.");
			if (entry != NULL)
				entry->set.meta |= (uint32) flags;
		}
	}
	if (scratch)
		customer_set_free(scratch);
}

/*
 * Reads a wire form into a new set, under parent or (when in_group) of a
 * group of the aggregate context parent, or only validates it (parent
 * NULL).
 */
static CustomerSet *
read_set(const struct varlena *bytes, MemoryContext parent, bool in_group)
{
	StringInfoData buf;
	WireHeader	h;
	CustomerSet *set = NULL;

	clv_wire_open(&buf, bytes, CUSTOMER_SET_WIRE_VERSION, CUSTOMER_SET_WHAT);
	read_header(&buf, &h);
	if (parent != NULL)
	{
		set = in_group ?
			customer_set_new_in_group(parent, h.mode, h.key_kind, h.time_kind, NULL) :
			customer_set_new(parent, h.mode, h.key_kind, h.time_kind, NULL);
		set->unit = h.unit;
		memcpy(set->config, h.config, sizeof(set->config));
		set->previous_start = h.previous_start;
		set->period_start = h.period_start;
		set->period_end = h.period_end;
		set->first_period = h.first_period;
		set->last_period = h.last_period;
	}
	read_customers(&buf, &h, set);
	clv_wire_close(&buf, CUSTOMER_SET_WHAT);
	pfree(buf.data);
	return set;
}

/* Reads a wire form into a new set under parent, or only validates it. */
CustomerSet *
customer_set_read(const struct varlena *bytes, MemoryContext parent)
{
	return read_set(bytes, parent, false);
}

/* Reads a wire form into a new set of a group of aggcontext. */
CustomerSet *
customer_set_read_in_group(const struct varlena *bytes, MemoryContext aggcontext)
{
	return read_set(bytes, aggcontext, true);
}

/* Merges a wire form into into. */
void
customer_set_merge_flat(CustomerSet *into, const struct varlena *bytes)
{
	StringInfoData buf;
	WireHeader	h;

	clv_wire_open(&buf, bytes, CUSTOMER_SET_WIRE_VERSION, CUSTOMER_SET_WHAT);
	read_header(&buf, &h);
	check_compatible(into, h.mode, h.key_kind, h.time_kind, h.unit, h.config);
	customer_set_changed(into);
	if (RETENTION_MODE_IS_PERIODS(h.mode) && h.ncustomers > 0)
		customer_set_extend_range(into, h.first_period, h.last_period);
	read_customers(&buf, &h, into);
	clv_wire_close(&buf, CUSTOMER_SET_WHAT);
	pfree(buf.data);
}

/* Whether datum is an expanded customer set. */
static bool
is_expanded_set(Datum datum)
{
	return VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(datum)) &&
		DatumGetEOHP(datum)->eoh_methods == &customer_set_methods;
}

/* The set behind a clv_customer_set Datum. */
CustomerSet *
customer_set_from_datum(Datum datum, MemoryContext parent)
{
	if (is_expanded_set(datum))
		return (CustomerSet *) DatumGetEOHP(datum);
	return customer_set_read((struct varlena *) DatumGetPointer(datum), parent);
}

/*
 * The set of datum when it is a read/write expanded set living under
 * aggcontext (the caller may update it in place), else NULL.  Called for
 * every row: reads the expanded pointer without function calls.
 */
CustomerSet *
customer_set_own(Datum datum, MemoryContext aggcontext)
{
	varatt_expanded ptr;
	ExpandedObjectHeader *eoh;

	if (!VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(datum)))
		return NULL;
	memcpy(&ptr, VARDATA_EXTERNAL(DatumGetPointer(datum)), sizeof(ptr));
	eoh = ptr.eohptr;
	if (eoh->eoh_methods != &customer_set_methods || eoh->eoh_context->parent != aggcontext)
		return NULL;
	return (CustomerSet *) eoh;
}

/* clv_customer_set's wire bytes (flattening an expanded value). */
static bytea *
customer_set_bytes(Datum datum)
{
	if (is_expanded_set(datum))
		return customer_set_serialize((CustomerSet *) DatumGetEOHP(datum));
	return (bytea *) PG_DETOAST_DATUM(datum);
}

/* Raises 22P03 unless n more bytes of a wire form remain in buf. */
void
retention_wire_need(StringInfo buf, int n, const char *what)
{
	if (buf->len - buf->cursor < n)
		clv_wire_invalid(what, "The value is truncated.");
}

/* Text input of a wire-form type: \x and hex digits, validated. */
bytea *
retention_wire_text_in(const char *text, const char *what,
					   void (*validate) (const struct varlena *bytes))
{
	size_t		len = strlen(text);
	bytea	   *result;

	if (len < 2 || text[0] != '\\' || text[1] != 'x' || (len - 2) % 2 != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s", what),
				 errhint("A %s is written as \\x and hexadecimal digits.", what)));
	result = (bytea *) palloc(VARHDRSZ + (len - 2) / 2);
	SET_VARSIZE(result, VARHDRSZ + hex_decode(text + 2, len - 2, VARDATA(result)));
	validate((struct varlena *) result);
	return result;
}

/* Text output of a wire form: \x and hex digits. */
char *
retention_wire_text_out(const bytea *bytes)
{
	size_t		len = VARSIZE_ANY_EXHDR(bytes);
	char	   *text = palloc(3 + 2 * len);

	text[0] = '\\';
	text[1] = 'x';
	text[2 + hex_encode(VARDATA_ANY(bytes), len, text + 2)] = '\0';
	return text;
}

/* Binary input of a wire-form type: the bytes, validated. */
bytea *
retention_wire_recv(StringInfo buf, void (*validate) (const struct varlena *bytes))
{
	int			len = buf->len - buf->cursor;
	bytea	   *result = (bytea *) palloc(VARHDRSZ + len);

	SET_VARSIZE(result, VARHDRSZ + len);
	pq_copymsgbytes(buf, VARDATA(result), len);
	validate((struct varlena *) result);
	return result;
}

/* Validates a clv_customer_set wire form. */
static void
customer_set_validate(const struct varlena *bytes)
{
	customer_set_read(bytes, NULL);
}

/* clv_customer_set input: \x and the hex digits of the wire form. */
PG_FUNCTION_INFO_V1(clv_customer_set_in);
Datum
clv_customer_set_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(retention_wire_text_in(PG_GETARG_CSTRING(0), CUSTOMER_SET_WHAT,
											 customer_set_validate));
}

/* clv_customer_set output: \x and the hex digits of the wire form. */
PG_FUNCTION_INFO_V1(clv_customer_set_out);
Datum
clv_customer_set_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(retention_wire_text_out(customer_set_bytes(PG_GETARG_DATUM(0))));
}

/* clv_customer_set binary input: the wire form, validated. */
PG_FUNCTION_INFO_V1(clv_customer_set_recv);
Datum
clv_customer_set_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(retention_wire_recv((StringInfo) PG_GETARG_POINTER(0),
										  customer_set_validate));
}

/* clv_customer_set binary output: the wire form. */
PG_FUNCTION_INFO_V1(clv_customer_set_send);
Datum
clv_customer_set_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(customer_set_bytes(PG_GETARG_DATUM(0)));
}
