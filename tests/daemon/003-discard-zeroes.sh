#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Discard and write-zeroes: a discarded range spanning object boundaries
# reads back as zeros, bytes outside it keep their data; BLKZEROOUT
# (write-zeroes) likewise; the queue advertises discard granularity =
# object size and a volatile write cache.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

cvol_need_daemon
cvol_start_daemon

cvol_create dz $((8 << 20)) 16
dev=$(cvol_attach dz)
name=${dev#/dev/}
cvol_expect_eq "discard_granularity" \
	"$(cat /sys/block/$name/queue/discard_granularity)" 65536
cvol_expect_eq "write_cache" "$(cat /sys/block/$name/queue/write_cache)" \
	"write back"

head -c $((8 << 20)) /dev/urandom >"$CVOL_TMP/data"
dd if="$CVOL_TMP/data" of="$dev" bs=1M oflag=direct status=none ||
	cvol_fail "write failed"

# discard 1 MiB starting at 192 KiB (crosses 16 objects' boundaries)
blkdiscard -o $((192 << 10)) -l $((1 << 20)) "$dev" ||
	cvol_fail "blkdiscard failed"
# write-zeroes 320 KiB at 4 MiB + 64 KiB
blkdiscard -z -o $(((4 << 20) + (64 << 10))) -l $((320 << 10)) "$dev" ||
	cvol_fail "blkdiscard -z failed"

python3 - "$dev" "$CVOL_TMP/data" <<'PY' || cvol_fail "contents after discard differ"
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
got = b""
while len(got) < 8 << 20:
	got += os.pread(fd, (8 << 20) - len(got), len(got))
want = bytearray(open(sys.argv[2], "rb").read())
for off, ln in ((192 << 10, 1 << 20), ((4 << 20) + (64 << 10), 320 << 10)):
	want[off:off + ln] = bytes(ln)
if got != bytes(want):
	bad = next(i for i in range(len(got)) if got[i] != want[i])
	print("first difference at byte", bad)
	sys.exit(1)
PY
cvol_detach "$dev"
echo "ok: discard and write-zeroes read back zeros, the rest intact"
