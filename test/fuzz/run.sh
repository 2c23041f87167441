#!/usr/bin/env bash
# test/fuzz/run.sh [seconds-per-target] -- builds every libFuzzer harness
# test/fuzz/fuzz_<name>.c against src/core into test/fuzz/fuzz_<name>.bin and
# runs it for that many seconds (default 10) from its seed corpus
# test/fuzz/corpus/fuzz_<name>/, printing TAP: one "ok N - fuzz_<name>" or
# "not ok N - fuzz_<name>" line per harness, or "ok N - fuzz_<name> # SKIP
# no libFuzzer" for all of them when clang cannot link -fsanitize=fuzzer
# (Debian 12: apt-get install clang libclang-rt-14-dev).
#
# Inputs the fuzzer finds go to a scratch directory, never into the
# committed corpus.  On a failure its log and the crashing input are kept
# there (the "#" lines say where); replay with test/fuzz/fuzz_<name>.bin FILE.
# Exit status 1 when a harness failed or did not build.
#
# FUZZ_RUNS=N (as .ci/run sets it) runs at most N inputs per harness from
# a fixed seed, within the time budget, so that a CI run repeats itself
# (but for the slowest harnesses, which the time budget cuts short).
# A harness that needs more than src/core names it on a comment line
# " * fuzz-build: FILES...": more sources to compile with it, and @pgcommon
# for PostgreSQL's frontend libpgcommon (its JSON parser), found through
# PG_CONFIG (default /usr/lib/postgresql/15/bin/pg_config).
#
# FUZZ_RANDOM_RUNS=M then runs every harness once more, M inputs from a
# random seed (FUZZ_SEED=S to choose it), printed on a "#" line so that a
# failure can be replayed: test/fuzz/run.sh with FUZZ_SEED=S, or the
# crashing input kept in the scratch directory.  A failure found this way
# is fixed, and its input added to the corpus.
set -u

seconds=${1:-10}
budget=(-max_total_time="$seconds")
[ -n "${FUZZ_RUNS:-}" ] && budget+=(-runs="$FUZZ_RUNS" -seed=1)
random_runs=${FUZZ_RANDOM_RUNS:-0}
# (FUZZ_SEED as given, so that the seed printed replays the same run)
random_seed=${FUZZ_SEED:-$(($(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % 2147483647 + 1))}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
CC=${CC_FUZZ:-clang}
CFLAGS_FUZZ="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Wall -Wextra -Isrc/core"
pg_config=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
[ -x "$pg_config" ] || pg_config=pg_config

# the extra build arguments a harness names on its " * fuzz-build:" line
build_extra() {
	local extra
	extra=$(sed -n 's/^ \* fuzz-build: //p' "$1")
	case "$extra" in
	*@pgcommon*)
		extra=${extra//@pgcommon/-DFRONTEND -Isrc -I$($pg_config --includedir-server) \
-Wno-ignored-attributes -Wno-unused-parameter -L$($pg_config --pkglibdir) -lpgcommon -lpgport}
		;;
	esac
	echo "$extra"
}

# glibc's vector math library, for src/core/vecmath.c on x86-64
libmvec=
[ "$(uname -m)" = x86_64 ] && libmvec=-lmvec

harnesses=(test/fuzz/fuzz_*.c)
passes=1
[ "$random_runs" -gt 0 ] && passes=2
echo "1..$((${#harnesses[@]} * passes))"
[ "$passes" = 2 ] && echo "# random pass: $random_runs inputs per harness from seed $random_seed (FUZZ_SEED=$random_seed replays it)"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/clv-fuzz.XXXXXX")
failed=0

# can this compiler build and link a libFuzzer target at all?
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }' > "$scratch/probe.c"
have_libfuzzer=0
$CC $CFLAGS_FUZZ -o "$scratch/probe" "$scratch/probe.c" >/dev/null 2>&1 && have_libfuzzer=1

# run_harness N LABEL BIN LOG FLAGS...: one TAP line for one run of BIN
run_harness() {
	local n=$1 label=$2 bin=$3 log=$4
	shift 4
	# -timeout: one input running longer than 10 s is a hang, a failure
	if "$bin" "$@" -timeout=10 \
		-artifact_prefix="$scratch/$name-" "${corpus[@]}" > "$log" 2>&1; then
		echo "ok $n - $label"
		grep -E '^Done [0-9]+ runs' "$log" | sed "s/^/# $label: /"
	else
		echo "not ok $n - $label"
		grep -E 'check failed|ERROR|runtime error|SUMMARY' "$log" | head -5 | sed 's/^/#   /'
		echo "#   log $log; crashing input $(ls "$scratch/$name"-* 2>/dev/null | head -1)"
		failed=1
	fi
}

n=0
for source in "${harnesses[@]}"; do
	n=$((n + 1))
	name=$(basename "$source" .c)
	if [ "$have_libfuzzer" = 0 ]; then
		echo "ok $n - $name # SKIP no libFuzzer"
		[ "$passes" = 2 ] && n=$((n + 1)) && echo "ok $n - $name (random seed) # SKIP no libFuzzer"
		continue
	fi
	bin=test/fuzz/$name.bin
	log=$scratch/$name.log
	# shellcheck disable=SC2046
	if ! $CC $CFLAGS_FUZZ -o "$bin" "$source" src/core/*.c $(build_extra "$source") $libmvec -lm > "$log" 2>&1; then
		echo "not ok $n - $name"
		echo "# $name did not build:"
		sed 's/^/#   /' "$log"
		[ "$passes" = 2 ] && n=$((n + 1)) && echo "not ok $n - $name (random seed): did not build"
		failed=1
		continue
	fi
	mkdir -p "$scratch/$name"
	corpus=("$scratch/$name")
	[ -d "test/fuzz/corpus/$name" ] && corpus+=("test/fuzz/corpus/$name")
	run_harness "$n" "$name" "$bin" "$log" "${budget[@]}"
	if [ "$passes" = 2 ]; then
		n=$((n + 1))
		run_harness "$n" "$name (random seed $random_seed)" "$bin" "$log.random" \
			-max_total_time="$seconds" -runs="$random_runs" -seed="$random_seed"
	fi
done

[ "$failed" = 1 ] || rm -rf "$scratch"
exit $failed
