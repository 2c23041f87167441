/*-------------------------------------------------------------------------
 *
 * clv.c
 *	  Module magic and settings, and what every function family's glue
 *	  shares: purchase-time and time-unit conversion, argument checks,
 *	  declared argument types, composites, the state memory bound and the
 *	  wire format helpers.
 *
 *-------------------------------------------------------------------------
 */
#include "clv.h"

#include <limits.h>
#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/date.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

int			clv_max_state_memory_kb = 1024 * 1024;

/*
 * Declared argument types by function OID, for clv_declared_argtype: a
 * small direct-mapped cache, emptied whenever pg_proc changes.
 */
#define DECLARED_CACHE_SLOTS 64
#define DECLARED_MAX_ARGS 8

typedef struct DeclaredArgs
{
	Oid			fn_oid;
	int			nargs;
	Oid			argtypes[DECLARED_MAX_ARGS];
} DeclaredArgs;

static DeclaredArgs declared_cache[DECLARED_CACHE_SLOTS];

/* Empties the declared-argument cache (a pg_proc invalidation). */
static void
declared_cache_reset(Datum arg, int cacheid, uint32 hashvalue)
{
	memset(declared_cache, 0, sizeof(declared_cache));
}

/* Defines the settings and registers the cache invalidation. */
void
_PG_init(void)
{
	DefineCustomIntVariable("clv.max_state_memory",
							"Largest memory one clv aggregate state may hold.",
							"Customer sets of the retention aggregates and distinct-row "
							"statistics of the model fits grow with the data; past this "
							"bound they stop with an error instead of exhausting memory.",
							&clv_max_state_memory_kb,
							1024 * 1024,
							1024,
							MAX_KILOBYTES,
							PGC_USERSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("clv");
	CacheRegisterSyscacheCallback(PROCOID, declared_cache_reset, (Datum) 0);
}

/* Which ClvTimeKind the type typid is. */
ClvTimeKind
clv_time_kind(Oid typid)
{
	switch (typid)
	{
		case TIMESTAMPTZOID:
			return CLV_TIME_TIMESTAMPTZ;
		case TIMESTAMPOID:
			return CLV_TIME_TIMESTAMP;
		case DATEOID:
			return CLV_TIME_DATE;
		default:
			elog(ERROR, "unexpected purchase-time type %u", typid);
	}
	return CLV_TIME_TIMESTAMPTZ;	/* keep compiler quiet */
}

/* The ClvTimeKind of argument argno of the calling function. */
ClvTimeKind
clv_arg_time_kind(FunctionCallInfo fcinfo, int argno)
{
	return clv_time_kind(clv_declared_argtype(fcinfo, argno));
}

/* The declared type of argument argno of the calling function. */
Oid
clv_declared_argtype(FunctionCallInfo fcinfo, int argno)
{
	Oid			fn_oid = fcinfo->flinfo->fn_oid;
	DeclaredArgs *slot = &declared_cache[fn_oid % DECLARED_CACHE_SLOTS];

	if (slot->fn_oid != fn_oid || !OidIsValid(fn_oid))
	{
		Oid		   *argtypes;
		int			nargs;

		get_func_signature(fn_oid, &argtypes, &nargs);
		if (nargs > DECLARED_MAX_ARGS)
			elog(ERROR, "function %u has more than %d arguments", fn_oid,
				 DECLARED_MAX_ARGS);
		slot->nargs = nargs;
		memcpy(slot->argtypes, argtypes, nargs * sizeof(Oid));
		pfree(argtypes);
		slot->fn_oid = fn_oid;
	}
	if (argno < 0 || argno >= slot->nargs)
		elog(ERROR, "function %u has no argument %d", fn_oid, argno + 1);
	return slot->argtypes[argno];
}

/* A purchase time as microseconds on its type's own axis. */
int64
clv_time_usec(Datum value, ClvTimeKind kind, const char *fname)
{
	if (kind == CLV_TIME_DATE)
	{
		DateADT		d = DatumGetDateADT(value);

		if (DATE_NOT_FINITE(d))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("%s does not accept infinite dates", fname),
					 errhint("Filter out rows whose date is infinity or -infinity.")));
		if (d >= TIMESTAMP_END_JULIAN - POSTGRES_EPOCH_JDATE)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("%s does not accept dates after 294276 AD", fname),
					 errhint("Dates are measured as timestamps, whose range ends in 294276 AD.")));
		return (int64) d * USECS_PER_DAY;
	}
	else
	{
		Timestamp	ts = DatumGetTimestamp(value);

		if (TIMESTAMP_NOT_FINITE(ts))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("%s does not accept infinite timestamps", fname),
					 errhint("Filter out rows whose time is infinity or -infinity.")));
		return ts;
	}
}

/* The Datum of kind for a microsecond value made by clv_time_usec. */
Datum
clv_usec_time(int64 usec, ClvTimeKind kind)
{
	if (kind == CLV_TIME_DATE)
		return DateADTGetDatum((DateADT) (usec / USECS_PER_DAY));
	return TimestampGetDatum(usec);
}

/* A model time unit in microseconds. */
int64
clv_unit_usec(const Interval *unit, const char *fname)
{
	int64		usec;

	if (unit->month != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s time unit must not have a month or year part", fname),
				 errhint("Use a unit of fixed length such as '1 day', '1 week' or '30 days'.")));
	if (pg_mul_s64_overflow((int64) unit->day, USECS_PER_DAY, &usec) ||
		pg_add_s64_overflow(usec, unit->time, &usec))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s time unit is out of range", fname)));
	if (usec <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s time unit must be positive", fname),
				 errhint("Use a unit of fixed length such as '1 day' or '1 week'.")));
	return usec;
}

/*
 * Decodes a numeric Datum into a ClvDecimal without copying it; false for
 * NaN, infinities and numbers too wide for a ClvDecimal.  The layout is
 * numeric's on-disk format (numeric.c): a uint16 header, an int16 weight
 * unless the header is short, then base-10000 digits.
 */
bool
clv_numeric_to_decimal(Datum value, ClvDecimal *out)
{
	struct varlena *packed = PG_DETOAST_DATUM_PACKED(value);
	const char *data = VARDATA_ANY(packed);
	Size		len = VARSIZE_ANY_EXHDR(packed);
	uint16		header;
	int			weight;
	int			dscale;
	bool		negative;
	int16		digits[16];
	int			ndigits;

	if (len < sizeof(uint16))
		return false;
	memcpy(&header, data, sizeof(uint16));
	if ((header & 0xC000) == 0x8000)
	{
		/* short format: sign, dscale and weight packed into the header */
		negative = (header & 0x2000) != 0;
		dscale = (header & 0x1F80) >> 7;
		weight = (header & 0x003F) | ((header & 0x0040) ? ~0x003F : 0);
		data += sizeof(uint16);
		len -= sizeof(uint16);
	}
	else if ((header & 0xC000) == 0xC000)
		return false;			/* NaN or an infinity */
	else
	{
		int16		long_weight;

		if (len < 2 * sizeof(uint16))
			return false;
		negative = (header & 0xC000) == 0x4000;
		dscale = header & 0x3FFF;
		memcpy(&long_weight, data + sizeof(uint16), sizeof(int16));
		weight = long_weight;
		data += 2 * sizeof(uint16);
		len -= 2 * sizeof(uint16);
	}
	ndigits = len / sizeof(int16);
	if (ndigits > (int) lengthof(digits))
		return false;
	memcpy(digits, data, ndigits * sizeof(int16));
	return clv_decimal_from_base10000(digits, ndigits, weight, negative,
									  dscale, out);
}

/*
 * A numeric Datum as the nearest double: clv_decimal_to_double, which is
 * correctly rounded as numeric_float8's strtod of the numeric's text is,
 * or numeric_float8 itself for what a ClvDecimal cannot hold (NaN,
 * infinities, very wide numbers and its out-of-range error).
 */
double
clv_numeric_float8(Datum value)
{
	ClvDecimal	d;

	if (clv_numeric_to_decimal(value, &d))
		return clv_decimal_to_double(&d);
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, value));
}

/* An interval's length in seconds as extract(epoch from ...) gives it. */
double
clv_interval_seconds(const Interval *span)
{
	return (double) span->month * (DAYS_PER_YEAR / MONTHS_PER_YEAR) * SECS_PER_DAY +
		(double) span->day * SECS_PER_DAY +
		(double) span->time / USECS_PER_SEC;
}

/* An interval of usec microseconds, as whole days plus a time part. */
Interval *
clv_usec_interval(double usec)
{
	double		rounded = rint(usec);

	if (isnan(rounded) || fabs(rounded) >= (double) PG_INT64_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("interval out of range")));
	return clv_usec_interval_exact((int64) rounded);
}

/* An interval of exactly usec microseconds, as whole days plus a time part. */
Interval *
clv_usec_interval_exact(int64 usec)
{
	Interval   *result = (Interval *) palloc(sizeof(Interval));

	result->month = 0;
	result->day = (int32) (usec / USECS_PER_DAY);
	result->time = usec % USECS_PER_DAY;
	return result;
}

/* Checks that a configuration argument is the same in every row of a group. */
void
clv_check_same_int64(int64 *recorded, bool *is_recorded, int64 value,
					 const char *fname, const char *argname)
{
	if (!*is_recorded)
	{
		*recorded = value;
		*is_recorded = true;
	}
	else if (*recorded != value)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s argument \"%s\" must be the same for every row of a group",
						fname, argname),
				 errhint("Pass a constant or a value that depends only on the GROUP BY columns.")));
}

/* Raises SQLSTATE 22004 when argument argno is NULL. */
void
clv_check_not_null(FunctionCallInfo fcinfo, int argno, const char *fname,
				   const char *argname, const char *hint)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s argument \"%s\" must not be null", fname, argname),
				 hint ? errhint("%s", hint) : 0));
}

/* The aggregate memory context of a support function's call. */
MemoryContext
clv_agg_context(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "%s support function called in non-aggregate context", fname);
	return aggcontext;
}

/*
 * The states contexts found last, by name (the names are the callers'
 * constant strings), and the aggregate context each is in.
 */
#define STATES_CONTEXT_CACHE 4
static struct
{
	const char *name;
	MemoryContext aggcontext;
	MemoryContext context;
}			states_context_cache[STATES_CONTEXT_CACHE];

/* Forgets a states context found earlier when it is reset or deleted. */
static void
forget_states_context(void *arg)
{
	for (int i = 0; i < STATES_CONTEXT_CACHE; i++)
		if (states_context_cache[i].context == (MemoryContext) arg)
			memset(&states_context_cache[i], 0, sizeof(states_context_cache[i]));
}

/*
 * The context named name, a child of aggcontext, that holds every state of
 * one family made in it: one context for all the groups of an aggregate,
 * since PostgreSQL's hash aggregate sums its context's memory with all the
 * children's at every new group, and a context per group makes that
 * quadratic in the groups.  The states in it are never deleted one by one
 * (their transitions return the state they were given, so the executor
 * never deletes one); they live until the aggregate context is reset.
 */
MemoryContext
clv_agg_states_context(MemoryContext aggcontext, const char *name)
{
	MemoryContext child;
	MemoryContextCallback *callback;
	int			slot = 0;

	for (int i = 0; i < STATES_CONTEXT_CACHE; i++)
	{
		if (states_context_cache[i].name == name)
		{
			if (states_context_cache[i].aggcontext == aggcontext)
				return states_context_cache[i].context;
			slot = i;
			break;
		}
		if (states_context_cache[i].name == NULL)
			slot = i;
	}
	for (child = aggcontext->firstchild; child != NULL; child = child->nextchild)
		if (strcmp(child->name, name) == 0)
			break;
	if (child == NULL)
	{
		/* (the macro wants a literal; name is a constant of the caller's) */
		child = AllocSetContextCreateInternal(aggcontext, name, ALLOCSET_DEFAULT_SIZES);
		callback = MemoryContextAlloc(child, sizeof(MemoryContextCallback));
		callback->func = forget_states_context;
		callback->arg = child;
		MemoryContextRegisterResetCallback(child, callback);
	}
	states_context_cache[slot].name = name;
	states_context_cache[slot].aggcontext = aggcontext;
	states_context_cache[slot].context = child;
	return child;
}

/* The composite result of the calling function's declared row type. */
Datum
clv_composite_result(FunctionCallInfo fcinfo, Datum *values, bool *nulls)
{
	TupleDesc	desc;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls));
}

/*
 * The tuple of a composite value: a short-header value is copied into the
 * reader's buffer (a tuple must be aligned), anything else detoasted.
 */
static HeapTupleHeader
composite_header(ClvCompositeReader *reader, MemoryContext mcxt, Datum composite)
{
	struct varlena *value = (struct varlena *) DatumGetPointer(composite);
	Size		len;

	if (!VARATT_IS_SHORT(value))
		return DatumGetHeapTupleHeader(composite);
	len = VARSIZE_SHORT(value) - VARHDRSZ_SHORT;
	if (reader->copy == NULL)
		reader->copy = MemoryContextAlloc(mcxt, VARATT_SHORT_MAX + VARHDRSZ);
	SET_VARSIZE(reader->copy, len + VARHDRSZ);
	memcpy(VARDATA(reader->copy), VARDATA_SHORT(value), len);
	return (HeapTupleHeader) reader->copy;
}

/*
 * Deforms the first natts attributes of a composite value, caching its
 * tuple descriptor in reader; a row type with fewer attributes, or with
 * more unless prefix, is a can't-happen error.
 */
static void
deform_composite(ClvCompositeReader *reader, MemoryContext mcxt,
				 Datum composite, int natts, bool prefix, Datum *values,
				 bool *nulls)
{
	HeapTupleHeader th = composite_header(reader, mcxt, composite);
	Oid			typid = HeapTupleHeaderGetTypeId(th);
	int32		typmod = HeapTupleHeaderGetTypMod(th);
	HeapTupleData tuple;
	int			i;

	if (reader->desc == NULL || reader->typid != typid || reader->typmod != typmod)
	{
		MemoryContext old = MemoryContextSwitchTo(mcxt);

		reader->desc = lookup_rowtype_tupdesc_copy(typid, typmod);
		MemoryContextSwitchTo(old);
		reader->typid = typid;
		reader->typmod = typmod;
		if (reader->desc->natts < natts || (!prefix && reader->desc->natts != natts))
			elog(ERROR, "composite of type %u has %d attributes, expected %d",
				 typid, reader->desc->natts, natts);
	}
	tuple.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = th;
	if (reader->desc->natts == natts)
		heap_deform_tuple(&tuple, reader->desc, values, nulls);
	else
		for (i = 0; i < natts; i++)
			values[i] = heap_getattr(&tuple, i + 1, reader->desc, &nulls[i]);
}

/* Deforms a composite value of exactly natts attributes. */
void
clv_deform_composite(ClvCompositeReader *reader, MemoryContext mcxt,
					 Datum composite, int natts, Datum *values, bool *nulls)
{
	deform_composite(reader, mcxt, composite, natts, false, values, nulls);
}

/* Deforms the first natts attributes of a composite value. */
void
clv_deform_composite_prefix(ClvCompositeReader *reader, MemoryContext mcxt,
							Datum composite, int natts, Datum *values,
							bool *nulls)
{
	deform_composite(reader, mcxt, composite, natts, true, values, nulls);
}

/* Raises 54000 when a state would hold more than clv.max_state_memory. */
void
clv_check_state_memory(Size bytes, const char *fname)
{
	if (bytes / 1024 >= (Size) clv_max_state_memory_kb)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s state would exceed clv.max_state_memory (%d kB)",
						fname, clv_max_state_memory_kb),
				 errhint("Raise clv.max_state_memory, restrict the rows with WHERE, or group by more columns.")));
}

/* Starts a serialized value: a version byte. */
void
clv_wire_begin(StringInfo buf, uint8 version)
{
	pq_begintypsend(buf);
	pq_sendint8(buf, version);
}

/* Opens a serialized value for reading and checks its version byte. */
void
clv_wire_open(StringInfo buf, const struct varlena *bytes, uint8 version,
			  const char *what)
{
	struct varlena *detoasted = pg_detoast_datum_packed((struct varlena *) bytes);
	int			version_read;

	/* a copy ends in a NUL, so that a string read cannot overrun it */
	initStringInfo(buf);
	appendBinaryStringInfo(buf, VARDATA_ANY(detoasted), VARSIZE_ANY_EXHDR(detoasted));
	if (buf->len < 1)
		clv_wire_invalid(what, "The value is empty.");
	version_read = pq_getmsgbyte(buf);
	if (version_read != version)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid %s value: version %d, expected %d",
						what, version_read, version)));
}

/* Checks that a serialized value was read to its end. */
void
clv_wire_close(StringInfo buf, const char *what)
{
	if (buf->cursor != buf->len)
		clv_wire_invalid(what, "The value has trailing bytes.");
}

/* Raises the error of a malformed serialized value. */
void
clv_wire_invalid(const char *what, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid %s value", what),
			 errdetail("%s", detail)));
}
