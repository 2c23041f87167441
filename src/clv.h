/*-------------------------------------------------------------------------
 *
 * clv.h
 *	  What the clv glue files share: purchase-time and time-unit
 *	  conversion, argument and NULL checks, declared argument types,
 *	  composites in and out, the state memory bound, and the one
 *	  serialization idiom of every state.
 *
 * Every family's glue file converts Datums and reports errors; the numbers
 * themselves are computed in src/core/, which never includes PostgreSQL
 * headers.  Function names in messages are constants of the entry point
 * that raises them, never read from the call's Aggref (a distributed
 * engine may call a support function through another aggregate).
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLV_H
#define CLV_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "core/decimal.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "lib/stringinfo.h"

/* The purchase-time types every time-taking aggregate accepts. */
typedef enum ClvTimeKind
{
	CLV_TIME_TIMESTAMPTZ,
	CLV_TIME_TIMESTAMP,
	CLV_TIME_DATE
} ClvTimeKind;

/* Which ClvTimeKind the type typid is; any other type is a can't-happen. */
extern ClvTimeKind clv_time_kind(Oid typid);

/*
 * The ClvTimeKind of argument argno of the calling function, from its
 * declared signature.
 */
extern ClvTimeKind clv_arg_time_kind(FunctionCallInfo fcinfo, int argno);

/*
 * The declared type of argument argno of the calling function, read from
 * its pg_proc entry (fn_oid), so that it is known however the function is
 * called: by an aggregate node, a window node, or a distributed engine's
 * bare function handle without an expression tree.  Overloads that differ
 * only in types share one C entry point and tell themselves apart this way.
 */
extern Oid	clv_declared_argtype(FunctionCallInfo fcinfo, int argno);

/*
 * A purchase time as microseconds on the type's own axis (dates are
 * midnights), so differences are exact durations.  +-infinity raises
 * SQLSTATE 22008 naming fname.
 */
extern int64 clv_time_usec(Datum value, ClvTimeKind kind, const char *fname);

/* The Datum of kind for a microsecond value made by clv_time_usec. */
extern Datum clv_usec_time(int64 usec, ClvTimeKind kind);

/*
 * A model time unit ('1 day', '1 week', '12 hours') in microseconds; a unit
 * with a month part, or not positive, is a class-22 error naming fname.
 */
extern int64 clv_unit_usec(const Interval *unit, const char *fname);

/*
 * A numeric Datum as a ClvDecimal; false for NaN, infinities and numbers
 * too wide for one (more than 38 digits, or 30 after the point).
 */
extern bool clv_numeric_to_decimal(Datum value, ClvDecimal *out);

/*
 * A numeric Datum as numeric_float8 converts it (the nearest double, the
 * same errors), without its text round trip where the value fits a
 * ClvDecimal.
 */
extern double clv_numeric_float8(Datum value);

/* An interval's length in seconds as extract(epoch from ...) gives it. */
extern double clv_interval_seconds(const Interval *span);

/* An interval of usec microseconds, days and time justified as 'd days hh:mm:ss'. */
extern Interval *clv_usec_interval(double usec);

/* The same for an exact microsecond count (a time unit), never out of range. */
extern Interval *clv_usec_interval_exact(int64 usec);

/*
 * Checks that a configuration argument (as_of, unit, lifespan, period...)
 * is the same in every row of a group: the first call records it, later
 * calls compare; a change is a class-22 error naming fname and argname.
 */
extern void clv_check_same_int64(int64 *recorded, bool *is_recorded,
								 int64 value, const char *fname,
								 const char *argname);

/*
 * Raises SQLSTATE 22004 when argument argno, named argname, is NULL; hint
 * says what to pass instead (NULL for none).
 */
extern void clv_check_not_null(FunctionCallInfo fcinfo, int argno,
							   const char *fname, const char *argname,
							   const char *hint);

/*
 * The aggregate memory context of a support function's call; a call
 * outside an aggregate (or window aggregate) is a can't-happen error.
 */
extern MemoryContext clv_agg_context(FunctionCallInfo fcinfo, const char *fname);
extern MemoryContext clv_agg_states_context(MemoryContext aggcontext, const char *name);

/*
 * The composite result of the calling function's declared row type (read
 * through fn_oid when the call has no expression tree).
 */
extern Datum clv_composite_result(FunctionCallInfo fcinfo, Datum *values,
								  bool *nulls);

/*
 * Reads composite arguments: the tuple descriptor of the last row type
 * seen is kept in mcxt, so a call site pays the type lookup once, and so
 * is an aligned buffer for values stored with a short header (a row read
 * from a table), which are copied there instead of into a new allocation
 * per call.  A zeroed struct is an empty reader; the values a read
 * returns stay valid until the reader's next read.
 */
typedef struct ClvCompositeReader
{
	Oid			typid;
	int32		typmod;
	TupleDesc	desc;
	struct varlena *copy;
} ClvCompositeReader;

/*
 * Deforms the composite value into values/nulls; a row type with another
 * attribute count than natts is a can't-happen error.
 */
extern void clv_deform_composite(ClvCompositeReader *reader, MemoryContext mcxt,
								 Datum composite, int natts,
								 Datum *values, bool *nulls);

/*
 * The same for the first natts attributes of a row type that may have more:
 * a clv_holdout read as the clv_summary it begins with.
 */
extern void clv_deform_composite_prefix(ClvCompositeReader *reader,
										MemoryContext mcxt, Datum composite,
										int natts, Datum *values, bool *nulls);

/*
 * The bound on the memory of one aggregate state that grows with the data
 * (customer sets, distinct-row statistics): the setting
 * clv.max_state_memory, in kilobytes.
 */
extern int	clv_max_state_memory_kb;

/*
 * Raises SQLSTATE 54000 naming clv.max_state_memory when a state of fname
 * would hold more than the bound.
 */
extern void clv_check_state_memory(Size bytes, const char *fname);

/*
 * The one wire format of every state and type: fields written with pq_*
 * into a StringInfo after a version byte, read back with length checks.
 * clv_wire_begin starts a buffer; clv_wire_open copies a varlena's payload
 * into a NUL-terminated StringInfo and checks its version byte against
 * version; clv_wire_close checks that nothing is left over.  what names
 * the state or type in the messages of malformed input (SQLSTATE 22P03).
 */
extern void clv_wire_begin(StringInfo buf, uint8 version);
extern void clv_wire_open(StringInfo buf, const struct varlena *bytes,
						  uint8 version, const char *what);
extern void clv_wire_close(StringInfo buf, const char *what);

/* Raises the error of a malformed serialized value (SQLSTATE 22P03). */
extern void clv_wire_invalid(const char *what, const char *detail) pg_attribute_noreturn();

#endif							/* CLV_H */
