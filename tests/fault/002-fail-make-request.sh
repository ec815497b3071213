#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cvold's file store sits on ext4 on a loop device; with fail_make_request
# failing every bio to that loop device, reads of /dev/cvolN that reach
# the store fail with EIO at the caller (no hang, no splat, the daemon
# keeps running, the device stays live), and once injection stops the
# same blocks read back intact and new writes read back.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"
. "$CVOL_TOP/tests/fault/lib.sh"

fault_need fail_make_request
cvol_need_cmd mkfs.ext4 losetup dd sha256sum
cvol_need_daemon

modprobe loop 2>/dev/null	# built in on the debug kernel
modprobe ext4 2>/dev/null
img=$CVOL_TMP/backing.img
truncate -s 256M "$img"
loopdev=$(losetup -f --show "$img") || cvol_fail "losetup failed"
cvol_at_exit "losetup -d $loopdev"
mkfs.ext4 -q -F "$loopdev" || cvol_fail "mkfs.ext4 $loopdev failed"
mkdir -p "$CVOL_TMP/store"
mount -o noatime,errors=continue "$loopdev" "$CVOL_TMP/store" ||
	cvol_fail "mount $loopdev failed"
cvol_at_exit "umount $CVOL_TMP/store"
CVOL_STORE_ROOT=$CVOL_TMP/store
fault_start_dev fmr
head -c $((1 << 20)) /dev/urandom >"$CVOL_TMP/pattern"
want=$(cvol_sum "$CVOL_TMP/pattern")
dd if="$CVOL_TMP/pattern" of="$dev" bs=64K oflag=direct conv=fsync \
	status=none || cvol_fail "writing the pattern failed"
sync
echo 1 >/proc/sys/vm/drop_caches

fault_leak_baseline
fault_set fail_make_request verbose 0
fault_set fail_make_request interval 1
fault_set fail_make_request times -1
fault_set fail_make_request probability 100
mif=/sys/block/${loopdev#/dev/}/make-it-fail
cvol_at_exit "echo 0 >$mif"
echo 1 >"$mif"

out=$(timeout 120 dd if="$dev" of=/dev/null bs=64K count=16 iflag=direct 2>&1)
rc=$?
cvol_expect_ne "dd while the store fails (124: hung)" "$rc" 124
cvol_expect_eq "dd status while the store fails" "$rc" 1
cvol_expect_contains "dd error while the store fails" "$out" \
	"Input/output error"
kill -0 "$CVOL_DAEMON_PID" 2>/dev/null || cvol_fail "cvold died under EIO"
cvol_expect_eq "state under injection" \
	"$(cat /sys/block/cvol"$id"/cvol/state)" live

echo 0 >"$mif"
echo 0 >"$fault_dbg/fail_make_request/probability"

got=$(timeout 120 dd if="$dev" bs=64K count=16 iflag=direct status=none |
	sha256sum | cut -d' ' -f1)
cvol_expect_eq "pattern after injection stopped" "$got" "$want"
dd if=/dev/urandom of="$CVOL_TMP/pattern2" bs=64K count=8 status=none
dd if="$CVOL_TMP/pattern2" of="$dev" bs=64K seek=16 oflag=direct \
	conv=fsync status=none || cvol_fail "write after recovery failed"
got=$(dd if="$dev" bs=64K skip=16 count=8 iflag=direct status=none |
	sha256sum | cut -d' ' -f1)
cvol_expect_eq "new data after recovery" "$got" \
	"$(cvol_sum "$CVOL_TMP/pattern2")"
cvol_expect_eq "state after recovery" \
	"$(cat /sys/block/cvol"$id"/cvol/state)" live
cvol_detach "$dev"
cvol_wait_gone "$dev"

fault_expect_no_leaks
echo "ok: EIO from the store reached the caller; recovered after injection"
