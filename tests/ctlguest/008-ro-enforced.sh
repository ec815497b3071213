#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Read-only is enforced by the driver (kernel review D6): the block layer
# only warns about writes to a read-only disk, so page-cache data dirtied
# before a device became read-only (here by cvol_ctl_dev_reconfigure()
# behind cvold's back) would still be written back.  The driver refuses
# it: fsync gets EIO, a discard fails, the data on the device stays;
# reads still work, and clearing read-only makes it writable again.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctlguest/lib.sh"
bin=$CVOL_BUILD/tests/ctlguest/reconf
[ -x "$bin" ] || cvol_skip "$bin is not built (make tests)"
cvol_need_cmd python3 dd
ctlg_setup

ctl_ok vol create vm1 --size 16M
ctl_ok attach vm1
dev=$ctl_out
n=${dev#/dev/cvol}
head -c 65536 /dev/urandom >"$CVOL_TMP/a"
dd if="$CVOL_TMP/a" of="$dev" bs=64K oflag=direct conv=fsync status=none ||
	cvol_fail "writing the first pattern failed"
want=$(cvol_sum "$CVOL_TMP/a")

# dirty pages of a descriptor opened read-write before the change
out=$(python3 - "$dev" "$bin" "$n" <<'PY'
import errno, fcntl, os, struct, subprocess, sys
dev, reconf, n = sys.argv[1:4]
fd = os.open(dev, os.O_RDWR)
os.pwrite(fd, b"\xab" * 65536, 0)
r = subprocess.run([reconf, n, "ro", "1"], capture_output=True, text=True)
if r.stdout.strip() != "ok":
    print("reconf:", r.stdout.strip(), r.stderr.strip())
    sys.exit(1)
res = []
try:
    os.fsync(fd)
    res.append("fsync ok")
except OSError as e:
    res.append("fsync " + errno.errorcode[e.errno])
BLKDISCARD = 0x1277
try:
    fcntl.ioctl(fd, BLKDISCARD, struct.pack("QQ", 0, 65536))
    res.append("discard ok")
except OSError as e:
    res.append("discard " + errno.errorcode[e.errno])
print(" ".join(res))
PY
) || cvol_fail "the write probe failed: $out"
cvol_expect_contains "writeback to a read-only device" "$out" "fsync EIO"
case $out in
*"discard ok"*) cvol_fail "a discard on a read-only device succeeded: $out" ;;
esac
cvol_expect_eq "ro in sysfs" "$(cat "/sys/block/cvol$n/ro")" 1
dd if="$dev" of="$CVOL_TMP/got" bs=64K count=1 iflag=direct status=none ||
	cvol_fail "reading the read-only device failed"
echo "probe: $out"
cvol_expect_eq "data after refused writes" "$(cvol_sum "$CVOL_TMP/got")" "$want"

cvol_expect_eq "clear ro" "$("$bin" "$n" ro 0)" ok
head -c 65536 /dev/urandom >"$CVOL_TMP/b"
dd if="$CVOL_TMP/b" of="$dev" bs=64K oflag=direct conv=fsync status=none ||
	cvol_fail "writing after clearing read-only failed"
dd if="$dev" of="$CVOL_TMP/got" bs=64K count=1 iflag=direct status=none
cvol_expect_eq "data after ro cleared" "$(cvol_sum "$CVOL_TMP/got")" \
	"$(cvol_sum "$CVOL_TMP/b")"
echo PASS
