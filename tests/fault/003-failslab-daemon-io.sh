#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# failslab and fail_page_alloc on every kernel allocation cvold's threads
# make (task-filter; 5% of them fail) while /dev/cvolN is read and
# written: each read either fails with EIO or returns exactly the data
# written before (never other bytes), each write succeeds or fails with
# EIO or ENOSPC (the store's own error for a failed page), nothing hangs, cvold keeps running and the device stays live; once
# injection stops the old data reads back, new writes read back (after a
# restart of cvold if a failed sync poisoned the store, and only then),
# and kmemleak sees no cvol object leaked.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"
. "$CVOL_TOP/tests/fault/lib.sh"

fault_need failslab fail_page_alloc
cvol_need_cmd dd sha256sum timeout
cvol_need_daemon

fault_start_dev fsi
head -c $((1 << 20)) /dev/urandom >"$CVOL_TMP/old"
head -c $((1 << 20)) /dev/urandom >"$CVOL_TMP/new"
want_old=$(cvol_sum "$CVOL_TMP/old")
want_new=$(cvol_sum "$CVOL_TMP/new")
dd if="$CVOL_TMP/old" of="$dev" bs=64K oflag=direct conv=fsync \
	status=none || cvol_fail "writing the first pattern failed"

# make-it-fail on every cvold thread (threads started later inherit it)
mark_daemon()
{
	[ -n "$CVOL_DAEMON_PID" ] || return 0
	for t in /proc/"$CVOL_DAEMON_PID"/task/*; do
		echo "$1" >"$t/make-it-fail" 2>/dev/null
	done
}

fault_leak_baseline
for f in failslab fail_page_alloc; do
	fault_set $f verbose 0
	fault_set $f task-filter Y
	fault_set $f ignore-gfp-wait N
	fault_set $f interval 1
	fault_set $f times -1
	fault_set $f space 0
	fault_set $f probability 5
done
fault_set fail_page_alloc min-order 0
fault_set fail_page_alloc ignore-gfp-highmem N
cvol_at_exit "mark_daemon 0"
mark_daemon 1

reads_ok=0 reads_eio=0 writes_ok=0 writes_eio=0
for i in $(seq 8); do
	out=$(timeout 120 dd if="$dev" of="$CVOL_TMP/got" bs=64K count=16 \
		iflag=direct status=none 2>&1)
	rc=$?
	[ $rc -ne 124 ] || cvol_fail "read $i hung under injection"
	if [ $rc -eq 0 ]; then
		cvol_expect_eq "read $i under injection" \
			"$(cvol_sum "$CVOL_TMP/got")" "$want_old"
		reads_ok=$((reads_ok + 1))
	else
		cvol_expect_contains "read $i error" "$out" "Input/output error"
		reads_eio=$((reads_eio + 1))
	fi
	out=$(timeout 120 dd if="$CVOL_TMP/new" of="$dev" bs=64K seek=16 \
		oflag=direct status=none 2>&1)
	rc=$?
	[ $rc -ne 124 ] || cvol_fail "write $i hung under injection"
	if [ $rc -eq 0 ]; then
		writes_ok=$((writes_ok + 1))
	else
		case $out in
		*"Input/output error"* | *"No space left on device"*) ;;
		*) cvol_fail "write $i: unexpected error: $out" ;;
		esac
		writes_eio=$((writes_eio + 1))
	fi
	kill -0 "$CVOL_DAEMON_PID" 2>/dev/null ||
		cvol_fail "cvold died under injection (round $i)"
done
echo "under injection: reads $reads_ok ok, $reads_eio EIO; writes $writes_ok ok, $writes_eio failed"
cvol_expect_eq "state under injection" \
	"$(cat /sys/block/cvol"$id"/cvol/state)" live

mark_daemon 0
echo 0 >"$fault_dbg/failslab/probability"
echo 0 >"$fault_dbg/fail_page_alloc/probability"
fault_kmsg_check

got=$(timeout 120 dd if="$dev" bs=64K count=16 iflag=direct status=none |
	sha256sum | cut -d' ' -f1)
cvol_expect_eq "old data after injection" "$got" "$want_old"
# A sync that failed under injection poisons the file store until it is
# reopened (Documentation/engine.md): then, and only then, the write must
# fail with EIO, and a restarted cvold, which adopts the device and
# reopens the store, must take it.  Whether the store is poisoned, any
# change to the pool tells: it is refused with the poison's own message.
if ! out=$(dd if="$CVOL_TMP/new" of="$dev" bs=64K seek=16 oflag=direct \
	conv=fsync status=none 2>&1); then
	probe=$(cvol_req '{"op":"vol.create","pool":"default","name":"probe","size":1048576,"order":16}')
	case $probe in
	*"an earlier sync failed and data may be lost"*) ;;
	*)
		tail -n 30 "$CVOL_TMP/cvold.log"
		cvol_fail "write after injection failed: $out (store not poisoned: $probe)"
		;;
	esac
	cvol_expect_contains "write to the poisoned store" "$out" \
		"Input/output error"
	echo "a sync failed under injection and poisoned the store: restarting cvold"
	cvol_kill_daemon
	cvol_start_daemon
	dd if="$CVOL_TMP/new" of="$dev" bs=64K seek=16 oflag=direct \
		conv=fsync status=none || {
		tail -n 30 "$CVOL_TMP/cvold.log"
		cvol_fail "write after the restart failed"
	}
fi
got=$(timeout 120 dd if="$dev" bs=64K skip=16 count=16 iflag=direct \
	status=none | sha256sum | cut -d' ' -f1)
cvol_expect_eq "new data after injection" "$got" "$want_new"
cvol_expect_eq "state after injection" \
	"$(cat /sys/block/cvol"$id"/cvol/state)" live
cvol_detach "$dev"
cvol_wait_gone "$dev"
cvol_stop_daemon || cvol_fail "cvold did not exit cleanly after injection"

fault_expect_no_leaks
echo "ok: allocation failures in cvold reached callers as EIO or were retried"
