#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Snapshot while fio writes to a mounted ext4 (fsfreeze around the
# snapshot): the snapshot attached read-only is fsck-clean and holds
# exactly the frozen content (checksum of the frozen device); a clone of
# it is writable and diverges from the snapshot, which stays unchanged.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

cvol_need_daemon
command -v fio >/dev/null || cvol_skip "fio missing"
modprobe ext4 2>/dev/null
cvol_start_daemon

cvol_create sv $((48 << 20)) 16
dev=$(cvol_attach sv)
mkfs.ext4 -q -F "$dev" || cvol_fail "mkfs failed"
mnt=$CVOL_TMP/mnt
mkdir -p "$mnt"
mount "$dev" "$mnt" || cvol_fail "mount failed"
fio --name=bg --directory="$mnt" --size=8m --bs=16k --rw=randwrite \
    --ioengine=psync --time_based --runtime=60 >"$CVOL_TMP/fio" 2>&1 &
fio_pid=$!
sleep 3
fsfreeze -f "$mnt" || cvol_fail "fsfreeze failed"
# O_DIRECT: the device's page cache still holds blocks mkfs wrote that
# ext4 has since rewritten through its own cache; a buffered read would
# checksum those stale copies, not what the device holds.
dd if="$dev" of="$CVOL_TMP/frozen.img" bs=1M iflag=direct status=none ||
	cvol_fail "reading the frozen device failed"
frozen=$(sha256sum <"$CVOL_TMP/frozen.img" | cut -d' ' -f1)
rep=$(cvol_req '{"op":"snap.create","pool":"default","name":"sv","snap":"s1"}')
fsfreeze -u "$mnt"
[ "$(cvol_field "$rep" ok)" = true ] || cvol_fail "snapshot failed: $rep"
sleep 1
kill "$fio_pid" 2>/dev/null
wait "$fio_pid" 2>/dev/null
umount "$mnt" || cvol_fail "umount failed"

snap=$(cvol_attach sv s1)
cvol_expect_eq "snapshot is read-only" "$(blockdev --getro "$snap")" 1
cvol_expect_eq "sysfs snapshot" \
	"$(cat /sys/block/${snap#/dev/}/cvol/snapshot)" s1
got=$(sha256sum <"$snap" | cut -d' ' -f1)
if [ "$got" != "$frozen" ]; then
	# which 4 KiB blocks differ, to tell data from metadata
	cmp -l "$CVOL_TMP/frozen.img" "$snap" | awk '{ print int(($1 - 1) / 4096) }' |
		uniq -c | head -20
	cvol_fail "snapshot content differs from the frozen device"
fi
fsck.ext4 -fn "$snap" >"$CVOL_TMP/fsck" 2>&1 ||
	cvol_fail "snapshot not fsck-clean: $(tail -3 "$CVOL_TMP/fsck")"
if dd if=/dev/zero of="$snap" bs=4k count=1 oflag=direct status=none 2>/dev/null; then
	cvol_fail "write to a read-only snapshot device succeeded"
fi

cvol_ok '{"op":"vol.clone","pool":"default","name":"sv","snap":"s1","new":"cl"}' >/dev/null
clone=$(cvol_attach cl)
mount "$clone" "$mnt" || cvol_fail "mounting the clone failed"
head -c 300000 /dev/urandom >"$mnt/new-in-clone"
umount "$mnt"
fsck.ext4 -fn "$clone" >/dev/null 2>&1 || cvol_fail "clone not fsck-clean"
[ "$(sha256sum <"$clone" | cut -d' ' -f1)" != "$frozen" ] ||
	cvol_fail "clone did not diverge"
cvol_expect_eq "snapshot unchanged by clone writes" \
	"$(sha256sum <"$snap" | cut -d' ' -f1)" "$frozen"
for d in "$clone" "$snap" "$dev"; do
	cvol_detach "$d"
done
echo "ok: frozen snapshot exact and clean, clone diverges"
