/*-------------------------------------------------------------------------
 *
 * models.h
 *	  What the glue files of the probabilistic models share: the clv_stats
 *	  type in its two forms (the stored flat value and the expanded
 *	  working state of the aggregates) and the input rules of a customer.
 *
 * stats.c implements the type, fit.c the aggregates that build and fit
 * it, predict.c the scoring functions; the numbers are computed in
 * src/core/.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLV_MODELS_H
#define CLV_MODELS_H

#include "clv.h"

#include "utils/expandeddatum.h"
#include "utils/hsearch.h"

#include "core/mle.h"
#include "core/stats.h"

/*
 * A clv_stats value as stored (unchanged since 1.0): this header, then
 * n_tx ClvStatsTx and n_spend ClvStatsSpend rows, each list in ascending
 * order.  unit_usec is 0 when the value has no unit (a Gamma-Gamma state
 * over plain columns, or no row at all).
 */
typedef struct ClvStats
{
	int32		vl_len_;
	int32		n_tx;
	int32		n_spend;
	int32		reserved;		/* always 0 */
	int64		unit_usec;
	/* ClvStatsTx tx[n_tx]; ClvStatsSpend spend[n_spend]; follow */
} ClvStats;

#define STATS_TX(s) ((ClvStatsTx *) ((char *) (s) + sizeof(ClvStats)))
#define STATS_SPEND(s) ((ClvStatsSpend *) (STATS_TX(s) + (s)->n_tx))
#define STATS_SIZE(ntx, nspend) \
	(sizeof(ClvStats) + (Size) (ntx) * sizeof(ClvStatsTx) + \
	 (Size) (nspend) * sizeof(ClvStatsSpend))

/* A flat value's parts as the core sees them. */
extern ClvStatsView clv_stats_view(const ClvStats *stats);

/*
 * A list of rows of one kind (ClvStatsTx or ClvStatsSpend) of a state:
 * its distinct rows in order, each with its customer count, and the rows
 * added since, in arrival order, which are sorted and folded into the
 * distinct rows whenever there are a quarter as many of them (at least
 * PENDING_MIN_ROWS), and before the state is read.  Sorting small batches
 * and merging sorted runs reads and writes memory in order, where a hash
 * table of as many rows misses the cache at every row.
 */
typedef struct StatsRowList
{
	char	   *rows;			/* nsorted distinct rows, in order */
	size_t		nsorted;
	size_t		capacity;		/* rows allocated at rows */
	char	   *pending;		/* npending rows added since, any order */
	size_t		npending;
	size_t		pending_capacity;
} StatsRowList;

/*
 * The working state of every model aggregate: an expanded clv_stats, its
 * distinct rows and counts (memory grows with distinct rows, not
 * customers), made in the one context, a child of the aggregate context,
 * that holds every state of that aggregate context, so that the executor
 * (and Citus) keep it between rows.  Flattened it is the stored layout.
 */
typedef struct StatsState
{
	ExpandedObjectHeader hdr;
	StatsRowList tx;			/* ClvStatsTx rows */
	StatsRowList spend;			/* ClvStatsSpend rows, x > 0 */
	int64		unit_usec;
	bool		has_unit;
	const char *fname;			/* the aggregate that added the latest row */
	Size		bytes;			/* allocated for it, about */
} StatsState;

/* Which parts of a clv_stats a state takes from its input. */
#define STATS_WANT_TX 1
#define STATS_WANT_SPEND 2
#define STATS_WANT_ALL (STATS_WANT_TX | STATS_WANT_SPEND)

/*
 * The read/write state of a transition or combine function's argument 0:
 * a new empty one when it is NULL, the argument itself when it is one of
 * ours, else an expanded copy of the (flat) value.  fname names the
 * aggregate in messages.
 */
extern StatsState *clv_stats_state_arg(FunctionCallInfo fcinfo, const char *fname);

/* The state as the transition's result (its read/write pointer). */
#define CLV_STATS_STATE_RESULT(state) EOHPGetRWDatum(&(state)->hdr)

/* The sum of two customer counts; past 2^63 - 1 an error naming fname. */
extern int64 clv_stats_add_counts(int64 count, int64 more, const char *fname);

/* Records the unit of a row; another unit in the same group is an error. */
extern void clv_stats_state_set_unit(StatsState *state, int64 unit_usec,
									 const char *fname);

/* Adds count customers with summary (x, t_x, t). */
extern void clv_stats_state_add_tx(StatsState *state, int64 x, float8 t_x,
								   float8 t, int64 count, const char *fname);

/* Adds count customers with spend summary (x, m), x > 0. */
extern void clv_stats_state_add_spend(StatsState *state, int64 x, float8 m,
									  int64 count, const char *fname);

/*
 * Adds the parts in want of a clv_stats Datum (flat or expanded) to the
 * state, and its unit.
 */
extern void clv_stats_state_add_value(StatsState *state, Datum value,
									  int want, const char *fname);

/*
 * A clv_stats Datum (flat, or an expanded state read-only) as a flat value
 * with rows sorted, in the current memory context; the Datum is not
 * modified.
 */
extern ClvStats *clv_stats_flat(Datum value, const char *fname);

/* Raises the class-22 error of a customer that breaks rule. */
extern void clv_stats_rule_error(const char *fname, int sqlstate,
								 ClvStatsRule rule, int64 x, double t_x,
								 double t, double m) pg_attribute_noreturn();

/*
 * Checks the input rules of a purchase-model customer (x, t_x, t), raising
 * the class-22 error sqlstate naming fname.
 */
extern void clv_stats_check_tx(const char *fname, int sqlstate, int64 x,
							   double t_x, double t);

/* Checks 0 <= x <= 2^53. */
extern void clv_stats_check_x(const char *fname, int sqlstate, int64 x);

/* Checks that m, the mean repeat amount, is a finite number. */
extern void clv_stats_check_m(const char *fname, int64 x, double m);

/*
 * The attributes every model composite ends with: std_errors float8[] (in
 * the order of the parameters), aic float8 and bic float8.
 */
#define CLV_FIT_QUALITY_NATTS 3

/*
 * Stores a fit's std_errors, aic and bic at values[0..2] and nulls[0..2]:
 * AIC and BIC from the fit's log-likelihood with nparams parameters and
 * customers customers; the standard errors from inference, NULL when the
 * fit did not converge (its own WARNING says so; inference is then not
 * read and may be NULL) and, with a WARNING naming fname, when the
 * observed information is not positive definite.
 */
extern void clv_fit_quality(const ClvInference *inference,
							const ClvModelFit *fit, int nparams,
							double customers, const char *fname,
							Datum *values, bool *nulls);

/* Lets the optimiser in core/ honour cancel and statement_timeout. */
extern void clv_models_check_interrupts(void *arg);

#endif							/* CLV_MODELS_H */
