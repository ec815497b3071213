#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Attach a volume, mkfs.ext4, mount, write files, unmount: fsck -fn is
# clean and the files' checksums match after detach and re-attach; the
# sysfs identity attributes name the volume.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

cvol_need_daemon
command -v mkfs.ext4 >/dev/null || cvol_skip "mkfs.ext4 missing"
modprobe ext4 2>/dev/null
cvol_start_daemon

cvol_create fs1 $((64 << 20)) 16
dev=$(cvol_attach fs1)
[ -b "$dev" ] || cvol_fail "attach gave '$dev', not a block device"
name=${dev#/dev/}
cvol_expect_eq "sysfs pool" "$(cat /sys/block/$name/cvol/pool)" default
cvol_expect_eq "sysfs volume" "$(cat /sys/block/$name/cvol/volume)" fs1
cvol_expect_eq "sysfs object_size" "$(cat /sys/block/$name/cvol/object_size)" 65536
cvol_expect_eq "sysfs state" "$(cat /sys/block/$name/cvol/state)" live
cvol_expect_eq "size" "$(blockdev --getsize64 "$dev")" $((64 << 20))

mkfs.ext4 -q -F "$dev" || cvol_fail "mkfs.ext4 failed"
mnt=$CVOL_TMP/mnt
mkdir -p "$mnt"
mount "$dev" "$mnt" || cvol_fail "mount failed"
for i in 1 2 3 4; do
	head -c $((i * 700000 + 123)) /dev/urandom >"$mnt/f$i"
done
mkdir "$mnt/dir" && cp "$mnt/f2" "$mnt/dir/copy"
(cd "$mnt" && sha256sum f1 f2 f3 f4 dir/copy) >"$CVOL_TMP/sums"
umount "$mnt" || cvol_fail "umount failed"
fsck.ext4 -fn "$dev" >"$CVOL_TMP/fsck" 2>&1 ||
	cvol_fail "fsck after unmount: $(tail -3 "$CVOL_TMP/fsck")"

cvol_detach "$dev"
cvol_wait_gone "$dev"
dev=$(cvol_attach fs1)
fsck.ext4 -fn "$dev" >"$CVOL_TMP/fsck" 2>&1 ||
	cvol_fail "fsck after re-attach: $(tail -3 "$CVOL_TMP/fsck")"
mount -o ro "$dev" "$mnt" || cvol_fail "mount after re-attach failed"
(cd "$mnt" && sha256sum -c --quiet "$CVOL_TMP/sums") ||
	cvol_fail "checksums differ after re-attach"
umount "$mnt"
cvol_detach "$dev"
echo "ok: ext4 clean and data intact across detach/re-attach"
