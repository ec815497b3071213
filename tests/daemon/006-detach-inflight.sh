#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Detach with I/O in flight: a plain detach of an open device is refused
# with EBUSY; a forced detach while fio runs and while the daemon is
# stopped (requests waiting) completes promptly, fio gets I/O errors
# instead of hanging, and the module then unloads.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

cvol_need_fio_daemon

cvol_create di $((16 << 20)) 16
dev=$(cvol_attach di)
fio --name=di --filename="$dev" --direct=1 --ioengine=libaio --iodepth=32 \
    --size=16m --bs=4k --rw=randrw --time_based --runtime=60 \
    >"$CVOL_TMP/fio" 2>&1 &
fio_pid=$!
cvol_at_exit "kill $fio_pid 2>/dev/null"
# fio starts slowly under the debug kernel: refuse only once it has it open
cvol_wait_writes "${dev#/dev/}"
rep=$(cvol_req "{\"op\":\"dev.detach\",\"dev_id\":${dev#/dev/cvol}}")
cvol_expect_eq "detach while open: ok" "$(cvol_field "$rep" ok)" false
cvol_expect_eq "detach while open: errno" "$(cvol_field "$rep" errno)" 16
start=$(date +%s)
cvol_detach "$dev" true
wait "$fio_pid"
[ $(($(date +%s) - start)) -lt 30 ] || cvol_fail "forced detach took too long"
cvol_wait_gone "$dev"

# second device: requests wait for a dead daemon, then a forced removal
cvol_create dj $((16 << 20)) 16
dev=$(cvol_attach dj)
cvol_kill_daemon
dd if=/dev/zero of="$dev" bs=4k count=16 oflag=direct status=none 2>/dev/null &
dd_pid=$!
sleep 1
kill -0 "$dd_pid" 2>/dev/null || cvol_fail "I/O did not wait for the daemon"
rm -f "$CVOL_TMP/cvold.sock"
cvol_start_daemon
# the restarted daemon adopted it; force-remove while dd may still run
cvol_detach "$dev" true
wait "$dd_pid"
cvol_wait_gone "$dev"
cvol_stop_daemon
rmmod cvol || cvol_fail "rmmod failed after detaching everything"
[ -e /dev/cvol-control ] && cvol_fail "/dev/cvol-control still present"
echo "ok: detach under load and module unload never hang"
