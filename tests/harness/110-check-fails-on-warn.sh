#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cvol-lane: host
# cvol-timeout: 400
# A guest test that loads a module which WARNs on load and exits 0 is
# reported failed ("kernel reported a problem") with the WARNING shown.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/harness/lib.sh"

cvol_need_cmd qemu-system-x86_64 prove
kdir=${KDIR:-$("$CVOL_TOP/scripts/kdir")} || cvol_skip "no kernel headers"
m=$CVOL_TOP/tests/harness/warnmod
make -s -C "$kdir" M="$m" modules >"$CVOL_TMP/build.log" 2>&1 || {
	cat "$CVOL_TMP/build.log"
	cvol_fail "cannot build $m"
}
f=tests/harness/fixtures
harness_check_fails $f/guest-warn.sh
cvol_expect_eq "TAP" "$(harness_tap guest-warn.sh)" \
	"1..1
not ok 1 - $f/guest-warn.sh (kernel reported a problem)"
cvol_expect_contains "script itself passed" "$out" "| fixture-guest-warn-loaded"
cvol_expect_contains "warning shown" "$out" \
	"cvol_warnmod: deliberate warning for the harness self-test"
cvol_expect_contains "WARNING line shown" "$out" "WARNING: CPU:"
cvol_expect_eq "last line" "$(echo "$out" | tail -n 1)" "Result: FAIL"
echo "ok: a kernel WARNING fails a passing guest test"
