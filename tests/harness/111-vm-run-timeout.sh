#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cvol-lane: host
# cvol-timeout: 300
# A guest command that hangs is killed at VM_TIMEOUT: vm-run exits 124,
# says so, and shows the guest's last kernel messages, including a marker
# the command logged and the blocked-task dump asked for over sysrq.
. "$CVOL_TOP/tests/common.sh"

cvol_need_cmd qemu-system-x86_64
t0=$(date +%s)
VM_TIMEOUT=45 VM_DIR=$CVOL_TMP/vm "$CVOL_TOP/scripts/vm-run" sh -c \
	'echo cvol-hang-marker-kmsg >/dev/kmsg; echo hang-started; sleep 1000' \
	>"$CVOL_TMP/out" 2>&1
rc=$?
t1=$(date +%s)
cat "$CVOL_TMP/out"
cvol_expect_eq "vm-run exit status" "$rc" 124
[ $((t1 - t0)) -lt 85 ] || cvol_fail "took $((t1 - t0))s for a 45s timeout"
out=$(cat "$CVOL_TMP/out")
cvol_expect_contains "command output" "$out" "hang-started"
cvol_expect_contains "timeout reported" "$out" \
	"vm-run: guest timed out after 45s; killed"
cvol_expect_contains "kernel messages shown" "$out" \
	"vm-run: last guest kernel messages"
cvol_expect_contains "marker among them" "$out" "] cvol-hang-marker-kmsg"
cvol_expect_contains "sysrq dump among them" "$out" "sysrq: Show Blocked State"
echo "ok: hung guest killed at its timeout with kernel messages shown"
