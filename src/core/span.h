/*
 * span.h -- durations between purchase times, which cannot wrap.
 *
 * Purchase times are int64 microseconds on PostgreSQL's timestamp axis
 * (4714 BC .. 294276 AD); the difference of two of them needs 65 bits, so
 * it is taken in 128-bit arithmetic and only then rounded to a double
 * (exactly the int64 difference where that fits).  Also the split of a
 * duration into an interval's days and time, the exact length of an
 * interval, and the formula CLV.  Plain C99 (with the __int128 extension),
 * no PostgreSQL.
 */
#ifndef CLV_CORE_SPAN_H
#define CLV_CORE_SPAN_H

#include <stdbool.h>
#include <stdint.h>

#define CLV_USECS_PER_DAY INT64_C(86400000000)

/* A month of an interval as extract(epoch ...) counts it: 30.4375 days. */
#define CLV_USECS_PER_MONTH INT64_C(2629800000000)

/*
 * The longest lifespan clv(ordered_at, amount, lifespan) accepts: 290,000
 * years of 365.25 days (about 9.15e18 microseconds, below 2^63).
 */
#define CLV_MAX_LIFESPAN_YEARS 290000
#define CLV_MAX_LIFESPAN_USEC (INT64_C(290000) * 12 * CLV_USECS_PER_MONTH)

/* to - from in microseconds, the exact difference rounded to a double. */
extern double clv_span_usec(int64_t from, int64_t to);

/* The mean gap (last - first) / (occasions - 1), for occasions >= 2. */
extern double clv_mean_gap_usec(int64_t first, int64_t last,
								int64_t occasions);

/*
 * The same mean gap rounded to a whole microsecond (half to even), as an
 * interval's days and time of day: exactly 1.0's double quotient for spans
 * below 2^53 microseconds (285 years), exact 128-bit division beyond.
 * False when the days do not fit in 32 bits (never for timestamps).
 */
extern bool clv_mean_gap_days_time(int64_t first, int64_t last,
								   int64_t occasions, int32_t *days,
								   int64_t *time);

/*
 * The exact length in microseconds of an interval of months, days and
 * time, a month being 30.4375 days and a day 24 hours, as extract(epoch
 * ...) counts them.
 */
extern __int128 clv_interval_usec(int32_t months, int32_t days, int64_t time);

/*
 * CLV by the formula: total / occasions x lifespan / mean gap, i.e.
 * average purchase value x purchase frequency x lifespan.
 */
extern double clv_formula_value(double total, int64_t occasions,
								double lifespan_usec, double mean_gap_usec);

#endif							/* CLV_CORE_SPAN_H */
