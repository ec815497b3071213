#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cvol-lane: host
# cvol-timeout: 300
# A guest test that exits 1 is reported "not ok" with its output (written
# inside the guest) printed on the host, and check exits non-zero.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/harness/lib.sh"

cvol_need_cmd qemu-system-x86_64 prove
f=tests/harness/fixtures
harness_check_fails $f/guest-fail.sh
cvol_expect_eq "TAP" "$(harness_tap guest-fail.sh)" \
	"1..1
not ok 1 - $f/guest-fail.sh (exit status 1)"
cvol_expect_contains "guest output shown" "$out" \
	"| fixture-guest-fail-output on cvol-guest"
cvol_expect_eq "last line" "$(echo "$out" | tail -n 1)" "Result: FAIL"
echo "ok: failing guest test reported with its output"
