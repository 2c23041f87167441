#!/usr/bin/python3
"""clv_pictures.py -- draw the five pictures of a clv deployment from the
materialized views that clv_create_views made in any database.

    /usr/bin/python3 tools/clv_pictures.py --dbname shop [--prefix clv_] [--schema s] [--outdir dir]
    /usr/bin/python3 tools/clv_pictures.py --print-sql [--prefix clv_]

Writes, in --outdir (default: the current directory):
    cohort_heatmap.png   retention of each monthly cohort, period by period
    segments.png         customers and revenue per RFM segment
    value_pareto.png     cumulative revenue against cumulative customers, by value tier
    p_alive_matrix.png   BG/NBD P(alive) over repeat purchases and recency
    holdout.png          predicted against actual holdout purchases by calibration repeats
and prints one line per picture: its path and size.  Each picture is one
SQL query over the views, printed by --print-sql: the same query gives a BI
tool the same chart.  Connection settings other than --dbname (host, port,
user) come from the usual PG* environment variables.

Debian's python3-matplotlib (with python3-psycopg2): one language for the
queries and the drawing, heatmaps with colour bars and annotations, and the
PNGs come out byte for byte the same from the same data (no time stamp or
version in the file), so the committed images change only when the data
does.
"""
import argparse
import os
import re
import sys

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402

# the query behind each picture; {v} is the view name prefix (quoted)
QUERIES = {
    'cohort_heatmap': """
SELECT cohort_start, period_number, customers, retention
FROM {v}cohorts
WHERE complete AND period_number > 0
ORDER BY cohort_start, period_number""",
    'segments': """
SELECT name AS segment, customers, customer_share, revenue, revenue_share
FROM {v}segments
WHERE dimension = 'segment'
ORDER BY revenue DESC""",
    'value_pareto': """
SELECT value_tier,
       row_number() OVER w / count(*) OVER ()::float8 AS customer_share,
       (sum(revenue) OVER w / sum(revenue) OVER ())::float8 AS revenue_share
FROM {v}customers
WINDOW w AS (ORDER BY revenue DESC, customer_id)
ORDER BY customer_share""",
    'p_alive_matrix': """
-- P(alive) of a customer as old as the oldest one (age t), by repeat
-- purchases x and the time of the last one t_x (in the model's unit)
WITH m AS (
  SELECT ROW(bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b, bgnbd_ll, customers,
             bgnbd_iterations, bgnbd_converged, unit::interval,
             NULL::float8[], bgnbd_aic, bgnbd_bic)::clv_bgnbd AS bg
  FROM {v}model),
span AS (
  SELECT floor(max(t))::int AS max_t,
         greatest(5, percentile_disc(0.99) WITHIN GROUP (ORDER BY x)) AS max_x
  FROM {v}customers)
SELECT x, t_x, p_alive(m.bg, x, t_x, max_t) AS p_alive
FROM m, span,
     generate_series(0, max_x) AS x,
     generate_series(0, max_t) AS t_x
WHERE x > 0 OR t_x = 0           -- no repeat purchase: t_x is 0
ORDER BY x, t_x""",
    'holdout': """
SELECT h.calibration_repeats, h.customers, h.actual_purchases, h.predicted_purchases,
       m.calibration_end, m.as_of
FROM {v}holdout h, {v}model m
WHERE h.customers >= 20
ORDER BY h.calibration_repeats""",
}

TITLES = {
    'cohort_heatmap': 'Cohort retention: share of each cohort active in later periods',
    'segments': 'Customers and revenue per RFM segment',
    'value_pareto': 'Value tiers: cumulative revenue against cumulative customers',
    'p_alive_matrix': 'BG/NBD P(alive) by repeat purchases and recency, for the oldest customers\' age',
    'holdout': 'Holdout check: predicted against actual purchases',
}

TIER_COLOURS = {'high': '#1b7837', 'medium': '#e08214', 'low': '#878787'}


def ident(name):
    """an identifier as SQL: quoted when it needs to be"""
    if re.fullmatch(r'[a-z_][a-z0-9_]*', name):
        return name
    return '"' + name.replace('"', '""') + '"'


def query_text(name, prefix, schema):
    """the query behind a picture, for the views of prefix (in schema)"""
    text = QUERIES[name]
    for suffix in ('cohorts', 'segments', 'customers', 'model', 'holdout'):
        view = (ident(schema) + '.' if schema else '') + ident(prefix + suffix)
        text = text.replace('{v}' + suffix, view)
    return text.strip() + ';'


def save(fig, outdir, name):
    path = os.path.join(outdir, name + '.png')
    fig.savefig(path, dpi=100, metadata={'Software': None})
    plt.close(fig)
    print('%s (%d bytes)' % (path, os.path.getsize(path)))


def finish(fig, ax, name, xlabel, ylabel, legend=None):
    """axis labels, legend and title of a picture"""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend:
        ax.legend(loc=legend)
    ax.set_title(TITLES[name])
    fig.tight_layout()
    return fig


def cohort_heatmap(rows):
    cohorts = sorted({r[0] for r in rows})
    width = max(r[1] for r in rows)
    size = {r[0]: r[2] for r in rows}
    grid = [[float('nan')] * width for _ in cohorts]
    for cohort, k, _, share in rows:
        grid[cohorts.index(cohort)][k - 1] = share * 100
    fig, ax = plt.subplots(figsize=(10, 7))
    image = ax.imshow(grid, cmap='YlGnBu', aspect='auto', interpolation='nearest')
    ax.set_yticks(range(len(cohorts)))
    ax.set_yticklabels(['%s (%d)' % (c.strftime('%Y-%m'), size[c]) for c in cohorts], fontsize=7)
    step = max(1, width // 12)
    ax.set_xticks(range(0, width, step))
    ax.set_xticklabels([str(k + 1) for k in range(0, width, step)])
    fig.colorbar(image, ax=ax, label='active customers, % of the cohort')
    return finish(fig, ax, 'cohort_heatmap', 'periods after the first purchase', 'cohort (customers)')


def segments(rows):
    names = [r[0] for r in rows][::-1]
    customers = [r[2] * 100 for r in rows][::-1]
    revenue = [r[4] * 100 for r in rows][::-1]
    fig, ax = plt.subplots(figsize=(9, 5.5))
    at = range(len(names))
    ax.barh([i + 0.2 for i in at], revenue, height=0.4, color='#2166ac', label='revenue')
    ax.barh([i - 0.2 for i in at], customers, height=0.4, color='#b2abd2', label='customers')
    for i, r in enumerate(rows[::-1]):
        ax.text(revenue[i] + 0.3, i + 0.2, '%.1f%%' % revenue[i], va='center', fontsize=7)
        ax.text(customers[i] + 0.3, i - 0.2, '%d' % r[1], va='center', fontsize=7)
    ax.set_yticks(list(at))
    ax.set_yticklabels(names)
    return finish(fig, ax, 'segments', '% of all customers / of total revenue', '', 'lower right')


def value_pareto(rows):
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for tier in ('high', 'medium', 'low'):
        points = [(r[1] * 100, r[2] * 100) for r in rows if r[0] == tier]
        if points:
            share = 100.0 * len(points) / len(rows)
            ax.plot([p[0] for p in points], [p[1] for p in points], color=TIER_COLOURS[tier], linewidth=2.5,
                    label='%s: %.0f%% of customers' % (tier, share))
    ax.plot([0, 100], [0, 100], color='#cccccc', linestyle='--', linewidth=1, label='equal shares')
    for level in (80, 95):
        ax.axhline(level, color='#dddddd', linewidth=0.8)
    ax.set_xlim(0, 100)
    ax.set_ylim(min(0, min(r[2] * 100 for r in rows)), 101)
    return finish(fig, ax, 'value_pareto', 'customers, by revenue from the highest (%)',
                  'cumulative revenue (%)', 'lower right')


def p_alive_matrix(rows):
    xs = max(r[0] for r in rows) + 1
    ts = max(r[1] for r in rows) + 1
    grid = [[float('nan')] * ts for _ in range(xs)]
    for x, t_x, p in rows:
        grid[x][t_x] = p
    fig, ax = plt.subplots(figsize=(10, 5.5))
    cmap = ListedColormap(plt.get_cmap('RdYlGn')(range(256)))
    image = ax.imshow(grid, cmap=cmap, vmin=0, vmax=1, aspect='auto', origin='lower', interpolation='nearest')
    ax.annotate('x = 0: P(alive) = 1 by definition', xy=(0, 0), xytext=(ts * 0.05, 0.25), fontsize=8,
                arrowprops={'arrowstyle': '->', 'linewidth': 0.8})
    fig.colorbar(image, ax=ax, label='P(alive)')
    return finish(fig, ax, 'p_alive_matrix', 'recency t_x: time of the last repeat purchase (model units since the first)',
                  'repeat purchases x')


def holdout(rows):
    fig, ax = plt.subplots(figsize=(8, 5.5))
    x = [r[0] for r in rows]
    ax.plot(x, [r[2] for r in rows], marker='o', color='#2166ac', label='actual')
    ax.plot(x, [r[3] for r in rows], marker='s', linestyle='--', color='#d6604d', label='predicted (BG/NBD)')
    return finish(fig, ax, 'holdout', 'repeat purchases in the calibration period (up to %s)' % rows[0][4].isoformat(),
                  'mean purchases in the holdout period (to %s)' % rows[0][5].isoformat(), 'upper left')


DRAW = {
    'cohort_heatmap': cohort_heatmap,
    'segments': segments,
    'value_pareto': value_pareto,
    'p_alive_matrix': p_alive_matrix,
    'holdout': holdout,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--dbname', help='database name or connection string')
    ap.add_argument('--prefix', default='clv_', help='the prefix given to clv_create_views (default clv_)')
    ap.add_argument('--schema', help='the schema of the views (default: the search_path)')
    ap.add_argument('--outdir', default='.', help='where to write the PNG files (default: .)')
    ap.add_argument('--print-sql', action='store_true', help='print the query behind each picture and stop')
    args = ap.parse_args()
    if args.print_sql:
        for name in DRAW:
            print('-- %s.png: %s\n%s\n' % (name, TITLES[name], query_text(name, args.prefix, args.schema)))
        return 0
    if not args.dbname:
        ap.error('--dbname is required to draw')

    import psycopg2
    plt.rcParams.update({'font.family': 'DejaVu Sans', 'font.size': 9})
    os.makedirs(args.outdir, exist_ok=True)
    conn = psycopg2.connect(dbname=args.dbname) if '=' not in args.dbname and '://' not in args.dbname \
        else psycopg2.connect(args.dbname)
    conn.set_session(readonly=True)
    for name, draw in DRAW.items():
        with conn.cursor() as cur:
            cur.execute(query_text(name, args.prefix, args.schema))
            rows = cur.fetchall()
        if not rows:
            print('%s: the query returned no rows' % name, file=sys.stderr)
            return 1
        save(draw(rows), args.outdir, name)
    conn.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
