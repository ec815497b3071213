#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Readiness for systemd (Type=notify): a cvold restarted beside an
# attached device sends READY=1 to NOTIFY_SOCKET (a datagram socket this
# test listens on, as systemd does) with its MAINPID, only once the
# control socket listens and the device is adopted: at that moment
# "status" says adopting false, the device reads back what was written
# before the restart and takes new writes.  SIGTERM sends STOPPING=1.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

cvol_need_daemon
cvol_need_cmd python3 dd
cvol_start_daemon

cvol_create nr $((16 << 20)) 16
dev=$(cvol_attach nr)
cvol_detach_at_exit "$dev"
head -c $((1 << 20)) /dev/urandom >"$CVOL_TMP/a"
dd if="$CVOL_TMP/a" of="$dev" bs=64K oflag=direct conv=fsync status=none ||
	cvol_fail "writing before the restart failed"
cvol_kill_daemon

# systemd's side: a datagram socket, every message a line of the log
ns=$CVOL_TMP/notify
python3 - "$ns" "$CVOL_TMP/notified" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(90)
with open(sys.argv[2], "a") as out:
    while True:
        try:
            m = s.recv(4096).decode()
        except socket.timeout:
            break
        out.write(m.replace("\n", " ") + "\n")
        out.flush()
        if "STOPPING=1" in m:
            break
PY
lpid=$!
cvol_at_exit "kill $lpid 2>/dev/null"
for _ in $(seq 100); do
	[ -S "$ns" ] && break
	sleep 0.1
done
[ -S "$ns" ] || cvol_fail "the notify listener did not start"

rm -f "$CVOL_SOCKET"
NOTIFY_SOCKET=$ns cvol_start_daemon
for _ in $(seq 300); do
	grep -q "READY=1" "$CVOL_TMP/notified" 2>/dev/null && break
	sleep 0.1
done
grep -q "READY=1" "$CVOL_TMP/notified" 2>/dev/null ||
	cvol_fail "no READY=1 within 30 s: $(cat "$CVOL_TMP/notified" 2>/dev/null)"
ready=$(grep -m1 "READY=1" "$CVOL_TMP/notified")
cvol_expect_contains "READY message" "$ready" "MAINPID=$CVOL_DAEMON_PID"
st=$(cvol_ok '{"op":"status"}')
cvol_expect_eq "adopting at READY" "$(cvol_field "$st" adopting)" false
cvol_expect_eq "devices at READY" "$(cvol_field "$st" devices)" 1
cvol_expect_eq "state at READY" "$(cat "/sys/block/${dev#/dev/}/cvol/state")" live
dd if="$dev" of="$CVOL_TMP/got" bs=64K count=16 iflag=direct status=none ||
	cvol_fail "reading after the restart failed"
cvol_expect_eq "data after the restart" "$(cvol_sum "$CVOL_TMP/got")" \
	"$(cvol_sum "$CVOL_TMP/a")"
dd if="$CVOL_TMP/a" of="$dev" bs=64K seek=16 oflag=direct conv=fsync \
	status=none || cvol_fail "writing after the restart failed"

cvol_stop_daemon || cvol_fail "cvold did not stop cleanly"
for _ in $(seq 100); do
	grep -q "STOPPING=1" "$CVOL_TMP/notified" && break
	sleep 0.1
done
grep -q "STOPPING=1" "$CVOL_TMP/notified" ||
	cvol_fail "no STOPPING=1 on SIGTERM: $(cat "$CVOL_TMP/notified")"
cvol_start_daemon
echo "ok: notified: $(tr '\n' '|' <"$CVOL_TMP/notified")"
