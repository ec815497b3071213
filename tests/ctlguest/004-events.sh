#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# libcvolctl events: a subscriber sees "added" with pool, volume and
# snapshot for attach and "removed" for detach, in order, with the device
# ids that attach printed.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctlguest/lib.sh"
bin=$CVOL_BUILD/tests/ctlguest/events
[ -x "$bin" ] || cvol_skip "$bin is not built (make tests)"
ctlg_setup

ctl_ok vol create vm1 --size 16M
ctl_ok snap create vm1@s1
ctlg_listen 4 20000
cvol_expect_eq "listener" "$(head -1 "$CVOL_TMP/events")" ready

ctl_ok attach vm1
a=${ctl_out#/dev/cvol}
ctl_ok attach vm1@s1
b=${ctl_out#/dev/cvol}
ctl_ok detach vm1@s1
ctl_ok detach vm1
wait "$ctlg_pid" || cvol_fail "listener failed: $(cat "$CVOL_TMP/events")"
cvol_expect_eq "events" "$(tail -n +2 "$CVOL_TMP/events")" "added $a default/vm1
added $b default/vm1@s1
removed $b
removed $a"
echo PASS
