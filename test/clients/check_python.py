"""check_python.py -- psycopg2 or psqlODBC (through pyodbc) reads every
column of every view deployed by clv_create_views and must get it in a
plain Python type (int, decimal.Decimal, float, str, bool, datetime.date,
datetime.datetime), with the value psql printed (reference files written by
test/clients/run.sh).

    /usr/bin/python3 check_python.py psycopg2 'host=127.0.0.1 port=... dbname=...' REFDIR
    /usr/bin/python3 check_python.py odbc 'Driver={PostgreSQL Unicode};Server=...' REFDIR

Prints one unnumbered TAP line per view; run.sh numbers the lines.
"""
import datetime
import decimal
import os
import sys

# the Python types acceptable for each PostgreSQL type
TYPES = {
    'bigint': (int,),
    'integer': (int,),
    'numeric': (decimal.Decimal,),
    'double precision': (float,),
    'text': (str,),
    'boolean': (bool,),
    'date': (datetime.date,),
    'timestamp with time zone': (datetime.datetime,),
}


def parse_timestamptz(text):
    """psql's '2026-12-03 07:49:50.346592+00' as an aware datetime"""
    if len(text) >= 3 and text[-3] in '+-':
        text += ':00'
    return datetime.datetime.fromisoformat(text)


def value_ok(pg_type, value, ref):
    """whether the driver's value is the one psql printed as ref"""
    if ref == '\\N':
        return value is None
    if value is None:
        return False
    if pg_type in ('bigint', 'integer', 'text'):
        return str(value) == ref
    if pg_type == 'numeric':
        return format(value, 'f') == ref
    if pg_type == 'double precision':
        return value == float(ref) or (value != value and ref == 'NaN')
    if pg_type == 'boolean':
        return value == (ref == 't')
    if pg_type == 'date':
        return not isinstance(value, datetime.datetime) and value.isoformat() == ref
    if pg_type == 'timestamp with time zone':
        want = parse_timestamptz(ref)
        if value.tzinfo is None:			# ODBC: the session's time zone, UTC
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value == want
    return False


def connect(driver, dsn):
    if driver == 'psycopg2':
        import psycopg2
        return psycopg2.connect(dsn, options='-c TimeZone=UTC')
    import pyodbc
    conn = pyodbc.connect(dsn, autocommit=True)
    conn.execute("SET TimeZone = 'UTC'")
    return conn


def main():
    driver, dsn, ref = sys.argv[1], sys.argv[2], sys.argv[3]
    name = {'psycopg2': 'psycopg2', 'odbc': 'psqlODBC'}[driver]
    conn = connect(driver, dsn)
    all_ok = True
    with open(os.path.join(ref, 'views.txt'), encoding='utf-8') as f:
        views = [line.rstrip('\n').split('\t') for line in f if line.strip()]
    for view, key in views:
        with open(os.path.join(ref, view + '.tsv'), encoding='utf-8') as f:
            expected = [line.rstrip('\n').split('\t') for line in f]
        with open(os.path.join(ref, view + '.types'), encoding='utf-8') as f:
            types = [line.rstrip('\n').split('\t')[1] for line in f]
        cur = conn.cursor()
        cur.execute('SELECT * FROM %s ORDER BY %s' % (view, key))
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
        problems = []
        if names != expected[0]:
            problems.append('columns %s, psql: %s' % (names, expected[0]))
        if len(rows) != len(expected) - 1:
            problems.append('rows: %d against psql\'s %d' % (len(rows), len(expected) - 1))
        for r, row in enumerate(rows, 1):
            want = expected[r] if r < len(expected) else []
            for c, value in enumerate(row):
                pg_type = types[c] if c < len(types) else '?'
                column = '%s.%s' % (view, names[c])
                if value is not None and (not isinstance(value, TYPES.get(pg_type, ()))
                                          or (pg_type != 'boolean' and isinstance(value, bool))):
                    problems.append('%s (%s) arrives as %s: %r' % (column, pg_type, type(value).__name__, value))
                elif c >= len(want) or not value_ok(pg_type, value, want[c]):
                    problems.append('%s row %d: %r, psql: %s' % (column, r, value, want[c] if c < len(want) else '(nothing)'))
        print('%s - %s reads %s: %d rows x %d columns in plain Python types, values as psql shows them'
              % ('ok' if not problems else 'not ok', name, view, len(rows), len(names)))
        for p in problems[:10]:
            print('#   ' + p)
        all_ok = all_ok and not problems
    conn.close()
    return 0 if all_ok else 1


if __name__ == '__main__':
    sys.exit(main())
