# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the guest control-tool tests; source after tests/common.sh.
# Loads cvol.ko, starts cvold and provides the cvolctl helpers of
# tests/ctl/lib.sh.
. "$CVOL_TOP/tests/ctl/lib.sh"

# ctlg_setup: module + daemon, ready for dev verbs
ctlg_setup()
{
	cvol_need_cmd python3
	cvol_load_module
	[ -x "$CVOLCTL" ] || cvol_skip "$CVOLCTL is not built (make userspace)"
	cvol_start_daemon
	cvol_at_exit ctlg_detach_all
}

# ctlg_detach_all: force-detach every device (test cleanup)
ctlg_detach_all()
{
	for ctlg_d in /sys/block/cvol[0-9]*; do
		[ -e "$ctlg_d" ] || continue
		"$CVOLCTL" -s "$CVOL_SOCKET" dev detach --force \
			"${ctlg_d##*/}" >/dev/null 2>&1
	done
}

# ctlg_sysfs N ATTR: /sys/block/cvolN/cvol/ATTR
ctlg_sysfs()
{
	cat "/sys/block/cvol$1/cvol/$2"
}

# ctlg_listen N MS: run the events listener (tests/ctlguest/events) in the
# background for N events or MS milliseconds, its output in
# $CVOL_TMP/events and its pid in ctlg_pid (killed at exit); return once
# it has written its first line
ctlg_listen()
{
	"$CVOL_BUILD/tests/ctlguest/events" "$1" "$2" >"$CVOL_TMP/events" 2>&1 &
	ctlg_pid=$!
	cvol_at_exit "kill $ctlg_pid 2>/dev/null"
	ctlg_i=0
	until grep -q . "$CVOL_TMP/events"; do
		ctlg_i=$((ctlg_i + 1))
		[ "$ctlg_i" -lt 100 ] || cvol_fail "listener did not start"
		sleep 0.1
	done
}
