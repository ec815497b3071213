#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Short libFuzzer run (20 s) of the engine's directory, map chunk and
# pool identity decoders, seeded with a real pool's metadata; fails on any crash,
# sanitizer report or round-trip mismatch.  `make fuzz` runs it longer.
. "$CVOL_TOP/tests/common.sh"

bin=$CVOL_BUILD/fuzz/engine-decode
[ -x "$bin" ] || cvol_skip "$bin not built (clang with libFuzzer missing?)"
corpus=$CVOL_TMP/corpus
mkdir -p "$corpus"
# seeds: a pool directory, its identity and a map chunk as the file store
# keeps them
# (8 bytes of version before the payload)
"$CVOL_BUILD/tests/engine/001-write-read-boundaries" >/dev/null 2>&1 || true
n=0
for f in "$CVOL_TMP"/engine-*/*/cvol.dir "$CVOL_TMP"/engine-*/*/cvol.id \
	"$CVOL_TMP"/engine-*/*/m.*; do
	[ -f "$f" ] || continue
	tail -c +9 "$f" >"$corpus/$(basename "$f")"
	n=$((n + 1))
done
[ "$n" -ge 3 ] || cvol_fail "expected at least 3 seed objects, found $n"
# inputs that once failed (tests/fuzz/seeds/): a directory whose name
# fields carry bytes after their NUL must decode and encode back the same;
# one whose layer has a bad kind must be refused without reading the
# layers it has just freed
cp "$CVOL_TOP"/tests/fuzz/seeds/* "$corpus/"
"$bin" -max_total_time="${FUZZ_SECONDS:-20}" -timeout=10 \
	-artifact_prefix="$CVOL_TMP/" \
	"$corpus" >"$CVOL_TMP/fuzz.log" 2>&1
rc=$?
tail -n 3 "$CVOL_TMP/fuzz.log"
cvol_expect_eq "libFuzzer exit status" "$rc" 0
