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
"$bin" 4 20000 >"$CVOL_TMP/events" 2>&1 &
pid=$!
cvol_at_exit "kill $pid 2>/dev/null"
i=0
until grep -q . "$CVOL_TMP/events"; do
	i=$((i + 1))
	[ "$i" -lt 100 ] || cvol_fail "listener did not start"
	sleep 0.1
done
cvol_expect_eq "listener" "$(head -1 "$CVOL_TMP/events")" ready

ctl_ok attach vm1
a=${ctl_out#/dev/cvol}
ctl_ok attach vm1@s1
b=${ctl_out#/dev/cvol}
ctl_ok detach vm1@s1
ctl_ok detach vm1
wait "$pid" || cvol_fail "listener failed: $(cat "$CVOL_TMP/events")"
cvol_expect_eq "events" "$(tail -n +2 "$CVOL_TMP/events")" "added $a default/vm1
added $b default/vm1@s1
removed $b
removed $a"
echo PASS
