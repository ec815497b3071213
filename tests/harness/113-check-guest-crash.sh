#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cvol-lane: host
# cvol-timeout: 400
# A guest test that panics the guest kernel is reported failed with the
# guest's last kernel messages (the panic), and the guest tests after it
# still run, in a fresh guest, and pass.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/harness/lib.sh"

cvol_need_cmd qemu-system-x86_64 prove
f=tests/harness/fixtures
harness_check_fails $f/guest-crash.sh $f/guest-pass.sh
cvol_expect_eq "crash TAP" "$(harness_tap guest-crash.sh)" "1..1
not ok 1 - $f/guest-crash.sh (guest stopped during the test, vm-run exit 125)"
cvol_expect_eq "pass TAP" "$(harness_tap guest-pass.sh)" "1..1
ok 1 - $f/guest-pass.sh"
cvol_expect_contains "its output kept" "$out" "| fixture-guest-crash-now"
cvol_expect_contains "panic shown" "$out" "Kernel panic - not syncing: sysrq triggered crash"
cvol_expect_contains "second boot" "$out" "[guest] booting guest 2 for 1 test(s)"
echo "ok: a guest panic fails its test and the rest run in a new guest"
