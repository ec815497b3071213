#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vol resize of an attached volume grows its device too: the new size
# shows in sysfs and dev list, and data written past the old end reads
# back; a shrink of an attached volume is refused by cvold.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctlguest/lib.sh"
ctlg_setup

ctl_ok vol create vm1 --size 16M
ctl_ok attach vm1
dev=$ctl_out
n=${dev#/dev/cvol}
ctl_ok vol resize vm1 --size 32M
cvol_expect_eq "sysfs size after grow" "$(cat "/sys/block/cvol$n/size")" 65536
ctl_ok -j dev list
cvol_expect_eq "dev list size" "$(ctl_json 'j[0]["size"]')" 33554432
dd if=/dev/urandom of="$CVOL_TMP/data" bs=1M count=2 2>/dev/null
dd if="$CVOL_TMP/data" of="$dev" bs=1M seek=24 oflag=direct 2>/dev/null ||
	cvol_fail "write past the old end failed"
cvol_expect_eq "data past the old end" \
	"$(cvol_sum "$dev" $((24 << 20)) $((2 << 20)))" "$(cvol_sum "$CVOL_TMP/data")"
ctl_err_is "cvolctl: vol resize: volume 'vm1' is attached as $dev: detach it before shrinking" \
	vol resize vm1 --size 8M --allow-shrink
cvol_expect_eq "size after refused shrink" "$(cat "/sys/block/cvol$n/size")" 65536
ctl_ok -j vol info vm1
cvol_expect_eq "volume size after refused shrink" "$(ctl_json 'j["size"]')" 33554432
ctl_ok detach vm1
ctl_ok vol resize vm1 --size 8M --allow-shrink
echo PASS
