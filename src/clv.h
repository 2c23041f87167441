/*-------------------------------------------------------------------------
 *
 * clv.h
 *	  What the clv glue files share: purchase-time and time-unit
 *	  conversion, checks of configuration arguments.
 *
 * Every family's glue file (history.c, scoring.c, retention.c, models.c,
 * sample.c) converts Datums and reports errors; the numbers themselves are
 * computed in src/core/, which never includes PostgreSQL headers.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLV_H
#define CLV_H

#include "postgres.h"

#include "core/decimal.h"
#include "datatype/timestamp.h"
#include "fmgr.h"

/* The purchase-time types every time-taking aggregate accepts. */
typedef enum ClvTimeKind
{
	CLV_TIME_TIMESTAMPTZ,
	CLV_TIME_TIMESTAMP,
	CLV_TIME_DATE
} ClvTimeKind;

/* Which ClvTimeKind the type typid is; any other type is a can't-happen. */
extern ClvTimeKind clv_time_kind(Oid typid);

/* The ClvTimeKind of argument argno of the calling function. */
extern ClvTimeKind clv_arg_time_kind(FunctionCallInfo fcinfo, int argno);

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

#endif							/* CLV_H */
