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
