#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# "cvolctl status" names the devices a previous cvold left that this one
# could not adopt, and why: cvold is killed with a volume attached and
# restarted on a store where that volume does not exist.  status -j
# lists the device under "not_adopted" with its names and the reason
# cvold logged, the human status prints a "not adopted:" line for it,
# and once the device is detached it is no longer listed.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctlguest/lib.sh"
ctlg_setup

ctl_ok vol create vm1 --size 16M
ctl_ok attach vm1
dev=$ctl_out
n=${dev#/dev/cvol}
ctl_ok -j status
cvol_expect_eq "not adopted, first cvold" "$(ctl_json 'j["not_adopted"]')" "[]"

cvol_stop_daemon KILL || :
CVOL_STORE_ROOT=$CVOL_TMP/other-store
cvol_start_daemon
ctl_ok vol list # waits for the adoption to end
why=$(sed -n "s|.*cvol$n: cannot adopt default/vm1: ||p" "$CVOL_TMP/cvold.log")
[ -n "$why" ] || cvol_fail "cvold logged no failed adoption of cvol$n: $(cat "$CVOL_TMP/cvold.log")"
ctl_ok -j status
cvol_expect_eq "devices served" "$(ctl_json 'j["devices"]')" 0
cvol_expect_eq "not adopted" \
	"$(ctl_json '[(d["path"], d["pool"], d["name"], d["snap"]) for d in j["not_adopted"]]')" \
	"[('$dev', 'default', 'vm1', '')]"
cvol_expect_eq "why not adopted" "$(ctl_json 'j["not_adopted"][0]["error"]')" \
	"$why"
ctl_ok status
cvol_expect_contains "human status" "$ctl_out" \
	"not adopted: $dev (default/vm1): $why"

ctl_ok detach "$dev"
[ ! -e "/sys/block/cvol$n" ] || cvol_fail "cvol$n is still there after detach"
ctl_ok -j status
cvol_expect_eq "not adopted after detach" "$(ctl_json 'j["not_adopted"]')" "[]"
ctl_ok status
case $ctl_out in
*"not adopted"*) cvol_fail "human status after detach: $ctl_out" ;;
esac
echo PASS
