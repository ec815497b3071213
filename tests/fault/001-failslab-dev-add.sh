#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every allocation of a DEV_ADD request fails in turn (fail-nth over
# failslab and fail_page_alloc, GFP_KERNEL included): each attempt ends
# with ENOMEM/ENOBUFS or success, never leaves a device behind, leaks
# nothing kmemleak can see, and prints no splat (vmalloc's own allocation
# failure reports excepted); once injection stops a device is added,
# listed and removed normally.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/fault/lib.sh"

fault_need failslab fail_page_alloc
cvol_need_cmd python3
cvol_load_module
nl="python3 $CVOL_TOP/tests/fault/cvolnl.py"

cvol_expect_eq "devices before" "$($nl list)" ""
fault_leak_baseline
# only fail-nth injects: probability 0 keeps every other task safe
fault_set failslab probability 0
fault_set failslab verbose 0
fault_set failslab ignore-gfp-wait N
fault_set fail_page_alloc probability 0
fault_set fail_page_alloc verbose 0
fault_set fail_page_alloc ignore-gfp-wait N
fault_set fail_page_alloc min-order 0

out=$($nl sweep-add 2>&1)
rc=$?
echo "$out"
cvol_expect_eq "sweep-add status" "$rc" 0
cvol_expect_contains "sweep-add summary" "$out" "ENOMEM="
cvol_expect_eq "devices after the sweep" "$($nl list)" ""
fault_kmsg_check

fault_expect_no_leaks

# recovery: an ordinary add, list, remove
id=$($nl add fault after 1048576) || cvol_fail "add after the sweep: $id"
cvol_expect_eq "devices after add" "$($nl list)" "$id"
cvol_expect_eq "state" "$(cat /sys/block/cvol"$id"/cvol/state 2>/dev/null ||
	echo no-disk)" "no-disk"
out=$($nl remove "$id") || cvol_fail "remove after the sweep: $out"
cvol_expect_eq "devices at the end" "$($nl list)" ""
