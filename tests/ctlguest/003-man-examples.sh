#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The device lines of cvolctl(8)'s EXAMPLES (attach, dev list -j, detach)
# run for real in the guest after its volume lines, and do what they say.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctlguest/lib.sh"
ctlg_setup

python3 "$CVOL_TOP/tests/ctl/man-examples.py" \
	"$CVOL_TOP/Documentation/man/cvolctl.8" | grep '^cvolctl ' >"$CVOL_TMP/ex"
n=0
while read -r line; do
	# shellcheck disable=SC2086
	set -- ${line#cvolctl }
	ctl_ok "$@"
	case $line in
	*"attach vm2")
		dev=$ctl_out
		[ -b "$dev" ] || cvol_fail "$line printed '$dev'"
		n=$((n + 1))
		;;
	*"dev list")
		cvol_expect_eq "$line" "$(ctl_json '[(d["path"], d["name"]) for d in j]')" \
			"[('$dev', 'vm2')]"
		n=$((n + 1))
		;;
	*detach*)
		[ -e "$dev" ] && cvol_fail "$dev still there after: $line"
		n=$((n + 1))
		;;
	esac
done <"$CVOL_TMP/ex"
cvol_expect_eq "device example lines run" "$n" 3
echo PASS
