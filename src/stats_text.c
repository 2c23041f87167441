/*-------------------------------------------------------------------------
 *
 * stats_text.c
 *	  The text form of clv_stats (see stats_text.h): a JSON object read
 *	  through pg_parse_json with a semantic-action struct, written with
 *	  PostgreSQL's shortest exact float output.
 *
 * Compiled into the extension and, with FRONTEND defined, into the fuzz
 * harness against libpgcommon: no ereport here, the first problem found
 * is recorded and returned.
 *
 *-------------------------------------------------------------------------
 */
#ifdef FRONTEND
#include "postgres_fe.h"
#else
#include "postgres.h"
#endif

#include <errno.h>
#include <math.h>

#include "common/jsonapi.h"
#include "common/shortest_dec.h"

#include "stats_text.h"

/* The three keys of the object. */
typedef enum StatsKey
{
	KEY_UNIT,
	KEY_TX,
	KEY_SPEND,
	KEY_COUNT
} StatsKey;

static const char *const key_names[KEY_COUNT] = {"unit", "tx", "spend"};

/* Where in the value the parser is: the nesting of arrays and the object. */
typedef enum StatsLevel
{
	LEVEL_TOP,					/* outside everything */
	LEVEL_OBJECT,				/* in the object */
	LEVEL_ROWS,					/* in the array of rows of a key */
	LEVEL_ROW					/* in one row */
} StatsLevel;

/* The semantic state of one parse. */
typedef struct StatsParse
{
	StatsText  *out;
	char	   *error;			/* the first problem, NULL while none */
	StatsLevel	level;
	int			key;			/* the key being read, -1 before the first */
	bool		seen[KEY_COUNT];
	int			fields;			/* numbers read into the current row */
	int64		ints[2];		/* x and count of the current row */
	double		floats[2];		/* t_x and t, or m */
	StringInfoData tx;			/* rows read so far, as structs */
	StringInfoData spend;
} StatsParse;

/* Records a problem unless one was found already. */
static void
parse_fail(StatsParse *parse, char *message)
{
	if (parse->error == NULL)
		parse->error = message;
}

/*
 * Reads a JSON number token that must be an integer of at most 64 bits:
 * digits, or a fraction and exponent that make an integer (2E+0, 1.0,
 * 15e-1 is not one).
 */
static bool
read_int64(const char *token, int64 *out)
{
	char	   *digits = palloc(strlen(token) + 1);
	int			ndigits = 0;
	bool		negative = false;
	bool		in_fraction = false;
	long		exponent = 0;
	const char *p = token;
	uint64		value = 0;
	int			i;

	if (*p == '-')
	{
		negative = true;
		p++;
	}
	/* the significant digits, and the power of ten of the last one */
	for (; (*p >= '0' && *p <= '9') || *p == '.'; p++)
	{
		if (*p == '.')
		{
			in_fraction = true;
			continue;
		}
		if (ndigits > 0 || *p != '0')
			digits[ndigits++] = *p;
		if (in_fraction)
			exponent--;
	}
	if (*p == 'e' || *p == 'E')
	{
		long		written;

		errno = 0;
		written = strtol(p + 1, NULL, 10);
		if (errno != 0 || written > 100 || written < -100000)
		{
			/* only a zero survives such an exponent */
			*out = 0;
			return ndigits == 0;
		}
		exponent += written;
	}
	/* trailing zeros of the digits absorb a negative exponent */
	while (ndigits > 0 && digits[ndigits - 1] == '0' && exponent < 0)
	{
		ndigits--;
		exponent++;
	}
	if (ndigits == 0)
	{
		*out = 0;
		return true;
	}
	if (exponent < 0 || ndigits + exponent > 20)
		return false;
	for (i = 0; i < ndigits + exponent; i++)
	{
		int			digit = i < ndigits ? digits[i] - '0' : 0;

		if (value > (PG_UINT64_MAX - digit) / 10)
			return false;
		value = value * 10 + digit;
	}
	if (value > (uint64) PG_INT64_MAX + (negative ? 1 : 0))
		return false;
	*out = negative ? (int64) (0 - value) : (int64) value;
	return true;
}

/*
 * Reads a JSON number token as a double: a number that rounds to a
 * subnormal is read (strtod's range error is no error then), one beyond
 * the range of a double, or that rounds to 0 though it is not 0, is not.
 */
static bool
read_float8(const char *token, double *out)
{
	double		value;

	errno = 0;
	value = strtod(token, NULL);
	if (errno == ERANGE && (value == 0.0 || isinf(value)))
		return false;
	*out = value;
	return true;
}

/* The name of field i of a row of key, for messages. */
static const char *
field_name(int key, int i)
{
	static const char *const tx_fields[4] = {"x", "t_x", "t", "count"};
	static const char *const spend_fields[3] = {"x", "m", "count"};

	return key == KEY_TX ? tx_fields[i] : spend_fields[i];
}

/* The number of fields of a row of key. */
static int
row_width(int key)
{
	return key == KEY_TX ? 4 : 3;
}

/*
 * Object start: only the value itself is an object.  (Every action does
 * nothing once a problem is recorded: the rest of the text only has to be
 * valid JSON.)
 */
static void
on_object_start(void *state)
{
	StatsParse *parse = (StatsParse *) state;

	if (parse->error != NULL)
		return;
	if (parse->level != LEVEL_TOP)
		parse_fail(parse, psprintf("Only the value itself is an object."));
	parse->level = LEVEL_OBJECT;
}

/* A key of the object: one of the three, each once. */
static void
on_field_start(void *state, char *fname, bool isnull)
{
	StatsParse *parse = (StatsParse *) state;
	int			key;

	if (parse->error != NULL)
		return;
	for (key = 0; key < KEY_COUNT; key++)
		if (strcmp(fname, key_names[key]) == 0)
			break;
	if (key == KEY_COUNT)
	{
		parse_fail(parse, psprintf("Unknown key \"%s\".", fname));
		return;
	}
	if (parse->seen[key])
		parse_fail(parse, psprintf("Key \"%s\" appears twice.", fname));
	parse->seen[key] = true;
	parse->key = key;
}

/* An array: the rows of "tx" or "spend", or one row. */
static void
on_array_start(void *state)
{
	StatsParse *parse = (StatsParse *) state;

	if (parse->error != NULL)
		return;
	if (parse->level == LEVEL_OBJECT && parse->key != KEY_UNIT)
		parse->level = LEVEL_ROWS;
	else if (parse->level == LEVEL_ROWS)
	{
		parse->level = LEVEL_ROW;
		parse->fields = 0;
	}
	else if (parse->level == LEVEL_OBJECT)
		parse_fail(parse, psprintf("\"unit\" must be a string or null."));
	else if (parse->level == LEVEL_ROW)
		parse_fail(parse, psprintf("A row of \"%s\" holds numbers only.",
								   key_names[parse->key]));
	else
		parse_fail(parse, psprintf("The value must be a JSON object."));
}

/* The end of a row (stored) or of the rows. */
static void
on_array_end(void *state)
{
	StatsParse *parse = (StatsParse *) state;

	if (parse->error != NULL)
		return;
	if (parse->level == LEVEL_ROW)
	{
		if (parse->fields != row_width(parse->key))
		{
			parse_fail(parse, psprintf("A row of \"%s\" must have %d numbers, not %d.",
									   key_names[parse->key], row_width(parse->key),
									   parse->fields));
			return;
		}
		if (parse->key == KEY_TX)
		{
			ClvStatsTx	row = {parse->ints[0], parse->floats[0], parse->floats[1],
			parse->ints[1]};

			appendBinaryStringInfo(&parse->tx, (char *) &row, sizeof(row));
		}
		else
		{
			ClvStatsSpend row = {parse->ints[0], parse->floats[0], parse->ints[1]};

			appendBinaryStringInfo(&parse->spend, (char *) &row, sizeof(row));
		}
		parse->level = LEVEL_ROWS;
	}
	else
		parse->level = LEVEL_OBJECT;
}

/* A scalar: the unit, or a number of a row. */
static void
on_scalar(void *state, char *token, JsonTokenType tokentype)
{
	StatsParse *parse = (StatsParse *) state;
	int			field;

	if (parse->error != NULL)
		return;
	switch (parse->level)
	{
		case LEVEL_TOP:
			parse_fail(parse, psprintf("The value must be a JSON object."));
			return;
		case LEVEL_OBJECT:
			if (parse->key != KEY_UNIT)
				parse_fail(parse, psprintf("\"%s\" must be an array of rows.",
										   key_names[parse->key]));
			else if (tokentype == JSON_TOKEN_STRING)
				parse->out->unit = pstrdup(token);
			else if (tokentype != JSON_TOKEN_NULL)
				parse_fail(parse, psprintf("\"unit\" must be a string or null."));
			return;
		case LEVEL_ROWS:
			parse_fail(parse, psprintf("Each row of \"%s\" must be an array.",
									   key_names[parse->key]));
			return;
		case LEVEL_ROW:
			break;
	}
	field = parse->fields++;
	if (tokentype != JSON_TOKEN_NUMBER)
	{
		parse_fail(parse, psprintf("A row of \"%s\" holds numbers only.",
								   key_names[parse->key]));
		return;
	}
	if (field >= row_width(parse->key))
	{
		parse_fail(parse, psprintf("A row of \"%s\" must have %d numbers.",
								   key_names[parse->key], row_width(parse->key)));
		return;
	}
	/* x and count are integers, the rest doubles */
	if (field == 0 || field == row_width(parse->key) - 1)
	{
		if (!read_int64(token, &parse->ints[field == 0 ? 0 : 1]))
			parse_fail(parse, psprintf("%s must be an integer of at most 64 bits, not %s.",
									   field_name(parse->key, field), token));
	}
	else if (!read_float8(token, &parse->floats[field - 1]))
		parse_fail(parse, psprintf("%s %s is out of range for double precision.",
								   field_name(parse->key, field), token));
}

/* Reads the text form of a clv_stats value. */
char *
clv_stats_text_read(char *input, int encoding, StatsText *out)
{
	StatsParse	parse;
	JsonSemAction sem;
	JsonLexContext *lex;
	JsonParseErrorType result;
	int			key;

	memset(out, 0, sizeof(*out));
	memset(&parse, 0, sizeof(parse));
	parse.out = out;
	parse.key = -1;
	initStringInfo(&parse.tx);
	initStringInfo(&parse.spend);
	memset(&sem, 0, sizeof(sem));
	sem.semstate = &parse;
	sem.object_start = on_object_start;
	sem.object_field_start = on_field_start;
	sem.array_start = on_array_start;
	sem.array_end = on_array_end;
	sem.scalar = on_scalar;

	lex = makeJsonLexContextCstringLen(input, strlen(input), encoding, true);
	result = pg_parse_json(lex, &sem);
	if (result != JSON_SUCCESS)
#ifdef FRONTEND
		return psprintf("The value is not valid JSON.");
#else
		return psprintf("The value is not valid JSON: %s", json_errdetail(result, lex));
#endif
	if (parse.error != NULL)
		return parse.error;
	for (key = 0; key < KEY_COUNT; key++)
		if (!parse.seen[key])
			return psprintf("Key \"%s\" is missing.", key_names[key]);
	out->tx = (ClvStatsTx *) parse.tx.data;
	out->ntx = parse.tx.len / sizeof(ClvStatsTx);
	out->spend = (ClvStatsSpend *) parse.spend.data;
	out->nspend = parse.spend.len / sizeof(ClvStatsSpend);
	return NULL;
}

/* Appends a double in the shortest form that reads back exactly. */
static void
write_float8(StringInfo out, double value)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(value, buf);
	appendStringInfoString(out, buf);
}

/* Appends text as a JSON string. */
static void
write_string(StringInfo out, const char *text)
{
	const char *p;

	appendStringInfoChar(out, '"');
	for (p = text; *p != '\0'; p++)
	{
		if (*p == '"' || *p == '\\')
			appendStringInfoChar(out, '\\');
		if ((unsigned char) *p < 0x20)
			appendStringInfo(out, "\\u%04x", (unsigned char) *p);
		else
			appendStringInfoChar(out, *p);
	}
	appendStringInfoChar(out, '"');
}

/* Appends the text form of a value. */
void
clv_stats_text_write(StringInfo out, const char *unit, const ClvStatsView *value)
{
	size_t		i;

	appendStringInfoString(out, "{\"unit\":");
	if (unit != NULL)
		write_string(out, unit);
	else
		appendStringInfoString(out, "null");
	appendStringInfoString(out, ",\"tx\":[");
	for (i = 0; i < value->ntx; i++)
	{
		const ClvStatsTx *row = &value->tx[i];

		appendStringInfo(out, "%s[" INT64_FORMAT ",", i > 0 ? "," : "", row->x);
		write_float8(out, row->t_x);
		appendStringInfoChar(out, ',');
		write_float8(out, row->t);
		appendStringInfo(out, "," INT64_FORMAT "]", row->count);
	}
	appendStringInfoString(out, "],\"spend\":[");
	for (i = 0; i < value->nspend; i++)
	{
		const ClvStatsSpend *row = &value->spend[i];

		appendStringInfo(out, "%s[" INT64_FORMAT ",", i > 0 ? "," : "", row->x);
		write_float8(out, row->m);
		appendStringInfo(out, "," INT64_FORMAT "]", row->count);
	}
	appendStringInfoString(out, "]}");
}
