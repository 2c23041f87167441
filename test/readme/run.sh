#!/usr/bin/env bash
# test/readme/run.sh -- the SQL examples of markdown files are tests
# (readme_test.py: every ```sql block in order in a fresh database, its
# printed output against the ```text block that follows, no line over 100
# characters; the conventions are in readme_test.py and test/README.md).
#
#   bash test/readme/run.sh [FILE.md ...]   default README.md; TAP, exit 0 when all pass
#   bash test/readme/run.sh --self-test     the tool itself: test/readme/good.md must pass
#                                           whole, and on test/readme/bad.md it must report
#                                           exactly the failures of bad.expected
# Needs a running server with clv installed, reached through the usual PG*
# variables (.ci/run exports those of its throw-away server).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tool="/usr/bin/python3 $here/readme_test.py"

if [ "${1:-}" != --self-test ]; then
	cd "$here/../.." && exec $tool "${@:-README.md}"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failures=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failures=$((failures + 1)); fi
}
cd "$here"
$tool good.md > "$tmp/good" 2>&1
status=$?
sed 's/^/# /' "$tmp/good"
[ $status -eq 0 ] && ! grep -q '^not ok' "$tmp/good" && [ "$(grep -c '^ok' "$tmp/good")" -eq 8 ]
ok $? "readme_test.py passes all 8 blocks of good.md (output blocks with and without footers, bare fences, skip and error marks)"
$tool bad.md > "$tmp/bad" 2>&1
status=$?
[ $status -eq 1 ]
ok $? "readme_test.py exits with status 1 on bad.md"
diff -u bad.expected "$tmp/bad" > "$tmp/diff"
ok $? "on bad.md it reports exactly bad.expected: stale output, a missing table, a wide line, an error mark that runs, a TimeZone-dependent example"
sed 's/^/# /' "$tmp/diff"
echo "1..$n"
[ $failures -eq 0 ]
