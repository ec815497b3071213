#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cvol-lane: host
# scripts/check reports a passing, a failing and a skipping host test as
# TAP ok / not ok / ok # SKIP with the reason, prints the failing test's
# output, ends with prove's "Result: FAIL" and exits non-zero.
. "$CVOL_TOP/tests/common.sh"

cvol_need_cmd prove
f=tests/harness/fixtures
out=$(cd "$CVOL_TOP" && CVOL_CHECK_OUT=$CVOL_TMP/out LANES=host \
	scripts/check $f/pass.sh $f/fail.sh $f/skip.sh 2>&1)
rc=$?
echo "$out"
cvol_expect_ne "check exit status" "$rc" 0
tap=$CVOL_TMP/out/tap/host/fixtures
cvol_expect_eq "pass TAP" "$(cat $tap/pass.sh)" "1..1
ok 1 - $f/pass.sh"
cvol_expect_eq "fail TAP" "$(cat $tap/fail.sh)" "1..1
not ok 1 - $f/fail.sh (exit status 1)"
cvol_expect_eq "skip TAP" "$(cat $tap/skip.sh)" "1..1
ok 1 - $f/skip.sh # SKIP fixture-skip-reason"
cvol_expect_contains "failing output shown" "$out" \
	"| fixture-fail-output: the data did not match"
cvol_expect_contains "skip shown by prove" "$out" \
	"ok 1 - $f/skip.sh # SKIP fixture-skip-reason"
cvol_expect_contains "counts" "$out" "check: 1 passed, 1 failed, 1 skipped"
cvol_expect_eq "last line" "$(echo "$out" | tail -n 1)" "Result: FAIL"
echo "$out" | grep -q '^Files=3, Tests=3,' ||
	cvol_fail "prove summary does not count 3 tests"
echo "ok: pass, fail and skip reported as such"
