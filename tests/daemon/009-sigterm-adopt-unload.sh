#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# SIGTERM stops cvold cleanly (exit 0) and leaves the device in place
# with everything written so far flushed to the store; a read issued
# while no daemon runs waits and completes, with the right data, once
# the next cvold adopts the device.  Then, with that daemon stopped too,
# rmmod removes the module with the device still attached: the device
# goes away and the kernel reports nothing.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

cvol_need_daemon
cvol_need_cmd timeout sha256sum
cvol_start_daemon

cvol_create st $((16 << 20)) 16
dev=$(cvol_attach st)
name=${dev#/dev/}
head -c $((1 << 20)) /dev/urandom >"$CVOL_TMP/data"
want=$(cvol_sum "$CVOL_TMP/data")
# no fsync: the daemon's shutdown flush is what makes it durable
dd if="$CVOL_TMP/data" of="$dev" bs=64K oflag=direct status=none ||
	cvol_fail "write failed"

cvol_stop_daemon
rc=$?
cvol_expect_eq "cvold exit status after SIGTERM" "$rc" 0
grep -q "$name: left in place" "$CVOL_TMP/cvold.log" ||
	cvol_fail "cvold did not log leaving $name in place"
[ -b "$dev" ] || cvol_fail "$dev went away with the daemon"
cvol_expect_eq "state without a daemon" \
	"$(cat /sys/block/"$name"/cvol/state)" recovering

timeout 120 dd if="$dev" of="$CVOL_TMP/got" bs=64K count=16 iflag=direct \
	status=none &
reader=$!
sleep 1
kill -0 "$reader" 2>/dev/null ||
	cvol_fail "a read completed while no daemon served $dev"
cvol_start_daemon
wait "$reader" || cvol_fail "read across the restart failed"
cvol_expect_eq "data read across the restart" "$(cvol_sum "$CVOL_TMP/got")" \
	"$want"
cvol_expect_eq "state after adoption" \
	"$(cat /sys/block/"$name"/cvol/state)" live

cvol_stop_daemon || cvol_fail "second cvold did not stop cleanly"
# bounded retries: a udev probe may hold the device for a moment
for _ in $(seq 20); do
	rmmod cvol 2>"$CVOL_TMP/rmmod" && break
	sleep 0.5
done
[ -d /sys/module/cvol ] &&
	cvol_fail "rmmod with $dev attached failed: $(cat "$CVOL_TMP/rmmod")"
[ -e "/sys/block/$name" ] && cvol_fail "$name still present after rmmod"
echo "ok: SIGTERM left $dev in place, the next cvold adopted it, rmmod removed it"
