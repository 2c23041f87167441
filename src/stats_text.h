/*-------------------------------------------------------------------------
 *
 * stats_text.h
 *	  The text form of clv_stats, read by PostgreSQL's JSON parser:
 *	    {"unit":"7 days","tx":[[x,t_x,t,count],...],"spend":[[x,m,count],...]}
 *	  with "unit":null for a value without a unit.  Keys in any order, any
 *	  JSON spelling of the same values.
 *
 * This file and stats_text.c use only what PostgreSQL's frontend library
 * libpgcommon also has (the JSON parser, shortest float output, string
 * buffers), so the libFuzzer harness test/fuzz/fuzz_stats_values.c runs the
 * very same code outside the server.  Errors are returned, never thrown;
 * the unit stays text (stats.c converts it with the interval type).
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLV_STATS_TEXT_H
#define CLV_STATS_TEXT_H

#include "lib/stringinfo.h"

#include "core/stats.h"

/* A clv_stats text read into its parts (arrays palloc'd). */
typedef struct StatsText
{
	char	   *unit;			/* the unit's text, NULL for "unit":null */
	ClvStatsTx *tx;
	int			ntx;
	ClvStatsSpend *spend;
	int			nspend;
} StatsText;

/*
 * Reads the text form in input (NUL-terminated, in encoding) into out.
 * Returns NULL, or what is wrong with the input (a sentence for an error
 * detail, palloc'd).  The rows are read as written: their rules and order
 * are checked by the caller (clv_stats_check).
 */
extern char *clv_stats_text_read(char *input, int encoding, StatsText *out);

/*
 * Appends the text form of value to out; unit is the unit's text, or NULL
 * for a value without a unit.  Numbers in the shortest form that reads back
 * exactly.
 */
extern void clv_stats_text_write(StringInfo out, const char *unit,
								 const ClvStatsView *value);

#endif							/* CLV_STATS_TEXT_H */
