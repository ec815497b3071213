#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cvol_ctl_dev_reconfigure(): growing a device changes its size in the
# kernel and emits a resized event; setting read-only shows in sysfs;
# the kernel's reasons for refusals (shrink, a writable snapshot or
# read-only attachment, a missing device) come back as the library's message with the errno.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctlguest/lib.sh"
bin=$CVOL_BUILD/tests/ctlguest/reconf
ev=$CVOL_BUILD/tests/ctlguest/events
[ -x "$bin" ] && [ -x "$ev" ] || cvol_skip "$bin is not built (make tests)"
ctlg_setup

ctl_ok vol create vm1 --size 16M
ctl_ok snap create vm1@s1
ctl_ok attach vm1
n=${ctl_out#/dev/cvol}
ctl_ok attach vm1@s1
sn=${ctl_out#/dev/cvol}
ctl_ok vol create vm2 --size 16M
ctl_ok attach -r vm2
rn=${ctl_out#/dev/cvol}

ctlg_listen 1 20000

cvol_expect_eq "grow" "$("$bin" "$n" size $((32 << 20)))" ok
cvol_expect_eq "size after grow" "$(cat "/sys/block/cvol$n/size")" 65536
wait "$ctlg_pid" || cvol_fail "no event: $(cat "$CVOL_TMP/events")"
cvol_expect_eq "resized event" "$(tail -1 "$CVOL_TMP/events")" "resized $n"

cvol_expect_eq "shrink" "$("$bin" "$n" size $((8 << 20)))" \
	"error 22: cvol$n: devices only grow"
cvol_expect_eq "size after refused shrink" "$(cat "/sys/block/cvol$n/size")" 65536
cvol_expect_eq "odd size" "$("$bin" "$n" size 1000)" \
	"error 22: size 1000 is not a non-zero multiple of 512 bytes"
cvol_expect_eq "set ro" "$("$bin" "$n" ro 1)" ok
cvol_expect_eq "ro in sysfs" "$(cat "/sys/block/cvol$n/ro")" 1
cvol_expect_eq "clear ro" "$("$bin" "$n" ro 0)" ok
cvol_expect_eq "ro cleared in sysfs" "$(cat "/sys/block/cvol$n/ro")" 0
cvol_expect_eq "snapshot writable" "$("$bin" "$sn" ro 0)" \
	"error 22: cvol$sn: a snapshot device is read-only"
# cvold opened vm2 for reading only: the kernel must not let a write
# through behind its back
cvol_expect_eq "read-only attachment writable" "$("$bin" "$rn" ro 0)" \
	"error 22: cvol$rn: the device was attached read-only"
cvol_expect_eq "ro kept in sysfs" "$(cat "/sys/block/cvol$rn/ro")" 1
cvol_expect_eq "missing device" "$("$bin" 999 timeout 5)" \
	"error 2: cvol999: no such device"
echo PASS
