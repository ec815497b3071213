#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kill -9 cvold repeatedly while fio writes with crc32c verification and
# restart it each time: the restarted daemon adopts the device, fio sees
# no I/O error and verifies every block.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

cvol_need_fio_daemon

cvol_create kr $((32 << 20)) 16
dev=$(cvol_attach kr)
name=${dev#/dev/}
fio --name=kr --filename="$dev" --direct=1 --ioengine=libaio --iodepth=32 \
    --numjobs=2 --offset_increment=12m --size=12m --bs=16k --rw=randwrite \
    --verify=crc32c --verify_fatal=1 --randrepeat=0 --group_reporting \
    >"$CVOL_TMP/fio" 2>&1 &
fio_pid=$!
for round in 1 2 3 4; do
	sleep 1.5
	cvol_kill_daemon
	sleep 0.5
	state=$(cat /sys/block/$name/cvol/state)
	[ "$state" = recovering ] || [ "$state" = live ] ||
		cvol_fail "round $round: state '$state' after kill"
	rm -f "$CVOL_TMP/cvold.sock"
	cvol_start_daemon
	for _ in $(seq 50); do
		[ "$(cat /sys/block/$name/cvol/state)" = live ] && break
		sleep 0.1
	done
	cvol_expect_eq "round $round: state after restart" \
		"$(cat /sys/block/$name/cvol/state)" live
done
wait "$fio_pid" || cvol_fail "fio failed: $(grep -i -m3 'err\|verify' "$CVOL_TMP/fio")"
grep -q "err= 0" "$CVOL_TMP/fio" || cvol_fail "fio reported errors"
# informative only: whether a kill finds requests handed out but not
# completed is timing (the cvol_ring KUnit suite tests requeueing itself)
echo "requeued requests: $(cvol_requeues "$name")"
cvol_detach "$dev"
echo "ok: 4 daemon kills, no I/O error, verify passed"
