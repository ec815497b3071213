#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# SIGTERM while fio keeps every queue full (iodepth 128 on two queues of
# depth 64) stops cvold: it stops taking new requests, flushes, logs
# "flushed" and exits 0 (daemon review F9: it served on until a fetch
# came back empty, which the load decides; past TimeoutStopSec systemd's
# SIGKILL skips the flush).  The requests it did
# not take wait in the kernel; the next cvold serves them, fio ends
# without an I/O error, and what was written before the load reads back.
# The bound is generous for TCG (10 s, then SIGKILL, which fails the
# exit status check); the time taken and cvold's stamped log lines are
# printed.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

cvol_need_fio_daemon
cvol_need_cmd date sha256sum

cvol_create tl $((64 << 20)) 16
dev=$(cvol_attach tl)
name=${dev#/dev/}
cvol_detach_at_exit "$dev"
# the last 8 MiB: written before the load, which never touches them
head -c $((8 << 20)) /dev/urandom >"$CVOL_TMP/before"
dd if="$CVOL_TMP/before" of="$dev" bs=1M seek=56 oflag=direct conv=fsync \
	status=none || cvol_fail "write before the load failed"
fio --name=tl --filename="$dev" --direct=1 --ioengine=libaio --iodepth=128 \
	--numjobs=2 --offset_increment=28m --size=28m --bs=4k --rw=randrw \
	--time_based --runtime=40 --randrepeat=0 --group_reporting \
	>"$CVOL_TMP/fio" 2>&1 &
fio_pid=$!
cvol_at_exit "kill $fio_pid 2>/dev/null"
cvol_wait_writes "$name"
sleep 3

# wait for cvold itself (cvol_stop_daemon polls with ps, slow at TCG
# speed); bounded: a watchdog kills it after 10 s (exit status 137)
pid=$CVOL_DAEMON_PID
start=$(date +%s%N)
kill -TERM "$pid"
(
	sleep 10
	kill -KILL "$pid" 2>/dev/null
) &
watchdog=$!
wait "$pid"
rc=$?
end=$(date +%s%N)
kill "$watchdog" 2>/dev/null
CVOL_DAEMON_PID=
ms=$(((end - start) / 1000000))
echo "cvold stopped $ms ms after SIGTERM under load, status $rc"
echo "SIGTERM at $((start / 1000000000)).$(printf %03d $((start / 1000000 % 1000))), reaped at $((end / 1000000000)).$(printf %03d $((end / 1000000 % 1000)))"
# cvold's own account, from its stamped log lines
sed -n '/: signal 15: stopping/,$p' "$CVOL_TMP/cvold.log" | grep "cvold\["
cvol_expect_eq "cvold exit status after SIGTERM under load" "$rc" 0
grep -q "$name: left in place, default/tl flushed" "$CVOL_TMP/cvold.log" ||
	cvol_fail "cvold did not log flushing $name: $(tail -n 5 "$CVOL_TMP/cvold.log")"
kill -0 "$fio_pid" 2>/dev/null || cvol_fail "fio ended with the daemon"
cvol_expect_eq "state without a daemon" \
	"$(cat "/sys/block/$name/cvol/state")" recovering

cvol_start_daemon
# bounded: fio's runtime plus slack
for _ in $(seq 900); do
	kill -0 "$fio_pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$fio_pid" 2>/dev/null && cvol_fail "fio did not end within 90 s"
wait "$fio_pid" || cvol_fail "fio failed: $(grep -i -m3 'err' "$CVOL_TMP/fio")"
grep -q "err= 0" "$CVOL_TMP/fio" || cvol_fail "fio reported errors"
echo "requeued after the stop: $(cvol_requeues "$name")"
timeout 60 dd if="$dev" of="$CVOL_TMP/after" bs=1M skip=56 count=8 \
	iflag=direct status=none || cvol_fail "read back failed"
cvol_expect_eq "data written before the stop" "$(cvol_sum "$CVOL_TMP/after")" \
	"$(cvol_sum "$CVOL_TMP/before")"
cvol_detach "$dev"
echo "ok: SIGTERM under load: exit 0 after $ms ms, flushed, fio ended without error, data verified"
