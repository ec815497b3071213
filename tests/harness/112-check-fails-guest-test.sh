#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cvol-lane: host
# cvol-timeout: 300
# A guest test that exits 1 is reported "not ok" with its output (written
# inside the guest) printed on the host, and check exits non-zero.
. "$CVOL_TOP/tests/common.sh"

cvol_need_cmd qemu-system-x86_64 prove
f=tests/harness/fixtures
out=$(cd "$CVOL_TOP" && CVOL_CHECK_OUT=$CVOL_TMP/out LANES=guest \
	scripts/check $f/guest-fail.sh 2>&1)
rc=$?
echo "$out"
cvol_expect_ne "check exit status" "$rc" 0
cvol_expect_eq "TAP" "$(cat "$CVOL_TMP/out/tap/guest/fixtures/guest-fail.sh")" \
	"1..1
not ok 1 - $f/guest-fail.sh (exit status 1)"
cvol_expect_contains "guest output shown" "$out" \
	"| fixture-guest-fail-output on cvol-guest"
cvol_expect_eq "last line" "$(echo "$out" | tail -n 1)" "Result: FAIL"
echo "ok: failing guest test reported with its output"
