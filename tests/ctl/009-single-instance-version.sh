#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One cvold per socket: a second cvold started on the socket of a running
# one exits 1 with one line naming the first one's pid, and touches
# nothing (the socket is the same inode and the first still answers);
# once the first has stopped, a new one starts.  Every binary answers
# --version with its name and the release.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctl/lib.sh"

for b in cvold cvolctl cvol-namer; do
	out=$("$CVOL_BUILD/$b" --version) || cvol_fail "$b --version failed"
	case $out in
	"$b "[0-9]*.[0-9]*) ;;
	*) cvol_fail "$b --version printed '$out'" ;;
	esac
done
cvol_expect_eq "cvolctl -V" "$("$CVOLCTL" -V)" "$("$CVOLCTL" --version)"

cvol_start_daemon --config ""
first=$CVOL_DAEMON_PID
ino=$(stat -c %i "$CVOL_SOCKET")
rc=0
timeout 20 "$CVOL_BUILD/cvold" --foreground --store-root "$CVOL_STORE_ROOT" \
	--socket "$CVOL_SOCKET" --config "" >"$CVOL_TMP/second.out" \
	2>"$CVOL_TMP/second.err" || rc=$?
cvol_expect_eq "second cvold's exit status" "$rc" 1
cvol_expect_eq "second cvold's message" "$(cat "$CVOL_TMP/second.err")" \
	"cvold: already running (pid $first) on $CVOL_SOCKET"
cvol_expect_eq "second cvold's stdout" "$(cat "$CVOL_TMP/second.out")" ""
cvol_expect_eq "socket inode" "$(stat -c %i "$CVOL_SOCKET")" "$ino"
ctl_ok -j status
cvol_expect_eq "the first still answers" "$(ctl_json 'j["pid"]')" "$first"

cvol_stop_daemon
cvol_start_daemon --config ""
ctl_ok -j status
cvol_expect_eq "a new cvold after the first stopped" \
	"$(ctl_json 'j["pid"]')" "$CVOL_DAEMON_PID"
echo PASS
