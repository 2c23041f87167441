"""readme_test.py -- the SQL examples of markdown files are tests.

    /usr/bin/python3 test/readme/readme_test.py [--timezone ZONE] [--keep] FILE.md ...

For each file: a fresh database (readme_test, dropped first and at the
end; CREATE EXTENSION clv unless --no-extension), then every ```sql block
in order, each through its own psql session (psql -X -q, ON_ERROR_STOP, the
session TimeZone --timezone, default America/St_Johns, so an example that
depends on the server's zone shows it).  One TAP line per block.

Conventions (README authors, see test/README.md):
  - "output follows": a ```text block (or a bare ``` block) that comes right
    after a ```sql block, with only blank lines between, is that block's
    printed output.  It is compared with what psql prints, after removing
    trailing blanks of each line and blank lines at the start and end; a
    block that does not show psql's "(N rows)" footers is compared without
    them.  A ```sql block with no output block is only run.
  - <!-- readme-test: skip --> on the line before a ```sql block: not run.
  - <!-- readme-test: error --> on the line before: the block must fail;
    its output block then shows psql's ERROR (and HINT) lines.
  - Every line psql prints must be at most --width characters (100).
A block fails when psql fails (unless marked error), when its output
differs from the block that follows (a diff is printed as TAP comments),
or when a printed line is too wide.  The connection comes from the usual
PG* environment variables.  Exit status 0 when every block passed.
"""
import argparse
import difflib
import os
import re
import subprocess
import sys

FENCE = re.compile(r'^(\s*)(```+|~~~+)\s*([A-Za-z0-9_+-]*)\s*$')
MARK = re.compile(r'^\s*<!--\s*readme-test:\s*(skip|error)\s*-->\s*$')
FOOTER = re.compile(r'^\((\d+ rows?)\)$')


def blocks(path):
    """the fenced blocks of a markdown file: (info, first line number, text, mark)"""
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    out = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info, start = m.group(2), m.group(3).lower(), i + 1
        mark = None
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0 and MARK.match(lines[j]):
            mark = MARK.match(lines[j]).group(1)
        body = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence[0] * len(fence)):
            body.append(lines[i])
            i += 1
        # what follows the block: blank lines, then maybe another fence
        k = i + 1
        while k < len(lines) and not lines[k].strip():
            k += 1
        out.append({'info': info, 'line': start, 'text': '\n'.join(body), 'mark': mark,
                    'next': k if k < len(lines) and FENCE.match(lines[k]) else None})
        i += 1
    return out


def normalise(text, keep_footers):
    lines = [l.rstrip() for l in text.split('\n')]
    if not keep_footers:
        lines = [l for l in lines if not FOOTER.match(l.strip())]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def psql(args, sql, env):
    p = subprocess.run(['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-P', 'pager=off'] + args,
                       input=sql, capture_output=True, text=True, env=env)
    # errors as psql prints them interactively: without the "psql:<stdin>:N: " prefix
    err = re.sub(r'^psql:<stdin>:\d+: ', '', p.stderr, flags=re.M)
    return p.returncode, p.stdout + err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('files', nargs='+')
    ap.add_argument('--timezone', default='America/St_Johns')
    ap.add_argument('--width', type=int, default=100)
    ap.add_argument('--database', default='readme_test')
    ap.add_argument('--no-extension', action='store_true')
    ap.add_argument('--keep', action='store_true', help='keep the database of the last file')
    args = ap.parse_args()

    env = dict(os.environ, PGTZ=args.timezone, PGDATESTYLE='ISO', LC_MESSAGES='C', PGOPTIONS='-c lc_messages=C')
    admin = ['-d', os.environ.get('PGDATABASE', 'postgres')]
    n = 0
    failed = 0
    for path in args.files:
        rc, out = psql(admin, 'SET client_min_messages = warning;\nDROP DATABASE IF EXISTS %s;\nCREATE DATABASE %s;\n'
                       % (args.database, args.database), env)
        if rc == 0 and not args.no_extension:
            rc, out = psql(['-d', args.database], 'CREATE EXTENSION clv;\n', env)
        n += 1
        if rc != 0:
            failed += 1
            print('not ok %d - %s: a fresh database %s' % (n, path, args.database))
            print('\n'.join('# ' + l for l in out.splitlines()))
            continue
        print('ok %d - %s: a fresh database %s' % (n, path, args.database))
        all_blocks = blocks(path)
        by_line = {b['line']: b for b in all_blocks}
        for b in all_blocks:
            if b['info'] != 'sql':
                continue
            where = '%s:%d' % (path, b['line'])
            n += 1
            if b['mark'] == 'skip':
                print('ok %d - %s # SKIP marked readme-test: skip' % (n, where))
                continue
            expected = None
            if b['next'] is not None:
                following = by_line.get(b['next'] + 1)
                if following and following['info'] in ('text', ''):
                    expected = following
            rc, out = psql(['-d', args.database], b['text'] + '\n', env)
            problems = []
            if b['mark'] == 'error' and rc == 0:
                problems.append('marked readme-test: error, but it ran without an error')
            elif b['mark'] != 'error' and rc != 0:
                problems.append('psql exited with status %d' % rc)
                problems += [l for l in out.splitlines() if l.startswith(('ERROR', 'DETAIL', 'HINT', 'psql'))][:6]
            wide = [(i + 1, len(l)) for i, l in enumerate(out.split('\n')) if len(l) > args.width]
            if wide:
                problems.append('%d printed lines are wider than %d characters (line %d: %d)'
                                % (len(wide), args.width, wide[0][0], wide[0][1]))
            what = 'fails as marked' if b['mark'] == 'error' else 'runs'
            if expected is not None:
                what += ', output equals the block at line %d' % expected['line']
                want = normalise(expected['text'], any(FOOTER.match(l.strip()) for l in expected['text'].split('\n')))
                have = normalise(out, any(FOOTER.match(l.strip()) for l in expected['text'].split('\n')))
                if want != have:
                    problems.append('output differs from the block at line %d:' % expected['line'])
                    diff = list(difflib.unified_diff(want, have, 'shown', 'printed', lineterm='', n=1))
                    problems += diff[:40] + (['... (%d more diff lines)' % (len(diff) - 40)] if len(diff) > 40 else [])
            if wide == [] and not problems:
                what += ', no line over %d' % args.width
            if problems:
                failed += 1
                print('not ok %d - %s %s' % (n, where, what))
                for p in problems:
                    print('#   ' + p)
            else:
                print('ok %d - %s %s' % (n, where, what))
        if not args.keep or path != args.files[-1]:
            psql(admin, 'DROP DATABASE IF EXISTS %s;\n' % args.database, env)
    print('1..%d' % n)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
