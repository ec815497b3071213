#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Attach is idempotent only for the same access (daemon review F11):
# "attach -r" of a volume attached read-write, and a read-write attach of
# one attached read-only, fail with EBUSY naming the device instead of
# returning the device with the other access; the device stays as it was.
# The same attach again still returns the same device, and so does a
# snapshot's (always read-only) with or without -r.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctlguest/lib.sh"
ctlg_setup

ctl_ok vol create vm1 --size 16M
ctl_ok snap create vm1@s
ctl_ok attach vm1
dev=$ctl_out
n=${dev#/dev/cvol}
ctl_err_is "cvolctl: attach: volume 'vm1' is attached read-write as $dev: detach it to attach it read-only" \
	attach -r vm1
ctl_ok attach vm1
cvol_expect_eq "read-write attach again" "$ctl_out" "$dev"
cvol_expect_eq "ro of $dev after the refused read-only attach" \
	"$(cat "/sys/block/cvol$n/ro")" 0
ctl_ok -j dev list
cvol_expect_eq "devices after the refused attach" \
	"$(ctl_json '[(d["path"], d["ro"]) for d in j]')" "[('$dev', False)]"
ctl_ok detach vm1

ctl_ok attach -r vm1
dev=$ctl_out
n=${dev#/dev/cvol}
ctl_err_is "cvolctl: attach: volume 'vm1' is attached read-only as $dev: detach it to attach it read-write" \
	attach vm1
ctl_ok attach --read-only vm1
cvol_expect_eq "read-only attach again" "$ctl_out" "$dev"
cvol_expect_eq "ro of $dev after the refused read-write attach" \
	"$(cat "/sys/block/cvol$n/ro")" 1
ctl_ok detach vm1

ctl_ok attach vm1@s
dev=$ctl_out
ctl_ok attach -r vm1@s
cvol_expect_eq "snapshot attached again with -r" "$ctl_out" "$dev"
ctl_ok attach vm1@s
cvol_expect_eq "snapshot attached again without -r" "$ctl_out" "$dev"
ctl_ok detach vm1@s
echo PASS
