#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fio --verify=crc32c random write then random read/write across object
# boundaries (several jobs, iodepth 32, unaligned-to-object block sizes)
# on volumes with 64 KiB and 4 MiB objects; flush and FUA are exercised
# with --fsync and --sync=dsync.  No I/O error, verify passes.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

cvol_need_fio_daemon

run_fio()
{
	local dev=$1 rw=$2 extra=$3 out=$CVOL_TMP/fio.$2.$4

	# shellcheck disable=SC2086
	fio --name=v --filename="$dev" --direct=1 --ioengine=libaio \
	    --iodepth=32 --numjobs=3 --offset_increment=8m --size=8m \
	    --bsrange=4k-96k --blockalign=4k --rw="$rw" --verify=crc32c \
	    --verify_fatal=1 --do_verify=1 --randrepeat=0 --group_reporting \
	    $extra >"$out" 2>&1 ||
		cvol_fail "fio $rw on $dev failed: $(grep -i -m3 'err\|verify' "$out")"
	grep -q "err= 0" "$out" || cvol_fail "fio $rw reported errors"
}

for order in 16 22; do
	cvol_create "fio$order" $((32 << 20)) "$order"
	dev=$(cvol_attach "fio$order")
	run_fio "$dev" randwrite "--fsync=7" "$order"
	run_fio "$dev" randrw "--sync=dsync" "$order"
	cvol_detach "$dev"
	cvol_wait_gone "$dev"
done
echo "ok: fio verify on 64 KiB and 4 MiB objects"
