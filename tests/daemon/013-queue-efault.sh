#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A queue thread whose CVOL_IOC_COMMIT_FETCH fails with EFAULT (injected
# by the LD_PRELOAD shim tests/daemon/efault-fetch.so) does not leave its
# queue bound and unserved (daemon review F3).  Once: the thread closes
# its queue file (the kernel requeues what it had handed out), binds the
# queue again and serves on; the write in flight completes, every block
# reads back, the log says what happened.  Every time: after its bounded
# restarts the queue stays unbound, the log and dev.list say so, the
# device waits in "recovering", and the next cvold serves the waiting
# write.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

cvol_need_daemon
cvol_need_cmd sha256sum
shim=$CVOL_BUILD/tests/daemon/efault-fetch.so
[ -f "$shim" ] || cvol_skip "$shim is not built (make tests)"
arm=$CVOL_TMP/arm

# start_shimmed SPEC: cvold with the shim failing fetch SPEC (N or N+),
# counting only while $arm exists
start_shimmed()
{
	local real=$CVOL_BUILD

	mkdir -p "$CVOL_TMP/bin"
	cat >"$CVOL_TMP/bin/cvold" <<EOS
#!/bin/sh
CVOL_TEST_EFAULT_FETCH=$1 CVOL_TEST_EFAULT_ARM=$arm LD_PRELOAD=$shim \
	exec "$real/cvold" "\$@"
EOS
	chmod +x "$CVOL_TMP/bin/cvold"
	CVOL_BUILD=$CVOL_TMP/bin
	cvol_start_daemon
	CVOL_BUILD=$real
}

# wait_done PID WHAT: wait (bounded, 60 s) for background job PID
wait_done()
{
	local _

	for _ in $(seq 600); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$1" 2>/dev/null &&
		cvol_fail "$2 did not complete within 60 s: $(tail -n 5 "$CVOL_TMP/cvold.log")"
	wait "$1" || cvol_fail "$2 failed"
}

# dev_error: the "error" dev.list reports for $name
dev_error()
{
	cvol_req '{"op":"dev.list"}' | python3 -c '
import json, sys
d = [x for x in json.load(sys.stdin)["devices"] if x["dev_id"] == int(sys.argv[1])]
print(d[0].get("error", "") if d else "no such device")' "${name#cvol}"
}

# --- once: restarted, nothing lost ---
start_shimmed 5
cvol_create ef $((16 << 20)) 16
dev=$(cvol_attach ef)
name=${dev#/dev/}
cvol_detach_at_exit "$dev"
head -c $((8 << 20)) /dev/urandom >"$CVOL_TMP/data"
want=$(cvol_sum "$CVOL_TMP/data")
touch "$arm"
dd if="$CVOL_TMP/data" of="$dev" bs=64K oflag=direct status=none &
wait_done $! "the write across the injected EFAULT"
rm -f "$arm"
grep -q "efault-fetch: injected EFAULT" "$CVOL_TMP/cvold.log" ||
	cvol_fail "the shim injected nothing"
grep "$name .*: queue [0-9]*: commit/fetch: Bad address" "$CVOL_TMP/cvold.log" |
	grep -q "binding the queue again" ||
	cvol_fail "cvold did not log the EFAULT and the restart: $(tail -n 5 "$CVOL_TMP/cvold.log")"
grep -q "$name .*: queue [0-9]*: bound again, serving" "$CVOL_TMP/cvold.log" ||
	cvol_fail "cvold did not log the queue bound again"
grep "$name .*: queue" "$CVOL_TMP/cvold.log"
timeout 60 dd if="$dev" of="$CVOL_TMP/got" bs=64K count=128 iflag=direct \
	status=none || cvol_fail "read back failed"
cvol_expect_eq "data written across the EFAULT" "$(cvol_sum "$CVOL_TMP/got")" \
	"$want"
requeues=$(cvol_requeues "$name")
[ "$requeues" -ge 1 ] ||
	cvol_fail "no request was requeued: the queue file was not closed"
cvol_expect_eq "state after the restart" "$(cat "/sys/block/$name/cvol/state")" live
cvol_expect_eq "dev.list error after the restart" "$(dev_error)" ""
cvol_stop_daemon || cvol_fail "cvold did not stop cleanly"

# --- every time: given up, said so, served by the next cvold ---
start_shimmed 1+
touch "$arm"
head -c $((1 << 20)) /dev/urandom >"$CVOL_TMP/data2"
dd if="$CVOL_TMP/data2" of="$dev" bs=64K oflag=direct status=none &
writer=$!
for _ in $(seq 300); do
	grep -q "$name .*: queue [0-9]*: not served" "$CVOL_TMP/cvold.log" &&
		break
	sleep 0.1
done
grep "$name .*: queue [0-9]*: not served" "$CVOL_TMP/cvold.log" |
	grep -q "after 5 restarts" ||
	cvol_fail "cvold did not log giving the queue up: $(tail -n 5 "$CVOL_TMP/cvold.log")"
grep "$name .*: queue" "$CVOL_TMP/cvold.log" | tail -n 3
err=$(dev_error)
cvol_expect_contains "dev.list error of the given-up queue" "$err" "not served"
echo "dev.list: $err"
cvol_expect_eq "state with a queue given up" \
	"$(cat "/sys/block/$name/cvol/state")" recovering
kill -0 "$writer" 2>/dev/null ||
	cvol_fail "the write completed although no queue served it"
cvol_stop_daemon || cvol_fail "cvold with a queue given up did not stop cleanly"
rm -f "$arm"
cvol_start_daemon
wait_done "$writer" "the write waiting for the next cvold"
timeout 60 dd if="$dev" of="$CVOL_TMP/got2" bs=64K count=16 iflag=direct \
	status=none || cvol_fail "read back after the restart failed"
cvol_expect_eq "data served by the next cvold" "$(cvol_sum "$CVOL_TMP/got2")" \
	"$(cvol_sum "$CVOL_TMP/data2")"
cvol_detach "$dev"
echo "ok: EFAULT once: queue bound again, $requeues requeued, data verified; every time: given up, reported, served by the next cvold"
