#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cvol-lane: host
# A test running past its timeout (cvol-timeout: 2) is killed and reported
# "not ok ... (timed out after 2s)" within a few seconds, not left running.
. "$CVOL_TOP/tests/common.sh"

f=tests/harness/fixtures
t0=$(date +%s)
out=$(cd "$CVOL_TOP" && CVOL_CHECK_OUT=$CVOL_TMP/out LANES=host \
	scripts/check $f/slow.sh 2>&1)
rc=$?
t1=$(date +%s)
echo "$out"
cvol_expect_ne "check exit status" "$rc" 0
cvol_expect_eq "TAP" "$(cat "$CVOL_TMP/out/tap/host/fixtures/slow.sh")" \
	"1..1
not ok 1 - $f/slow.sh (timed out after 2s)"
[ $((t1 - t0)) -lt 30 ] || cvol_fail "took $((t1 - t0))s to stop a 2s test"
log=$CVOL_TMP/out/host/fixtures/slow.sh.log
grep -q fixture-slow-started "$log" || cvol_fail "no output kept in $log"
if grep -q fixture-slow-finished "$log"; then
	cvol_fail "the test ran to completion"
fi
ps -eo args | grep -v grep | grep -q "fixtures/slow.sh" &&
	cvol_fail "the timed-out test is still running"
echo "ok: timed-out test killed and reported"
