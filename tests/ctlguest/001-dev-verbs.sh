#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dev verbs in the guest: attach prints /dev/cvolN and is idempotent;
# dev list -j matches the kernel's view (sysfs pool/volume/snapshot, size,
# ro) and dev show; a snapshot attaches read-only; data written through
# the device reads back after detach and re-attach; rollback and rename
# while attached (head or snapshot) are refused; detach by path, by cvolN
# and by name; exact errors for unknown devices.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctlguest/lib.sh"
ctlg_setup

ctl_ok vol create vm1 --size 64M
ctl_ok attach vm1
dev=$ctl_out
case $dev in
/dev/cvol[0-9]*) ;;
*) cvol_fail "attach printed '$dev'" ;;
esac
n=${dev#/dev/cvol}
[ -b "$dev" ] || cvol_fail "$dev is not a block device"
ctl_ok dev attach default/vm1
cvol_expect_eq "idempotent attach" "$ctl_out" "$dev"
ctl_ok -j attach vm1
cvol_expect_eq "attach -j" "$(ctl_json '(j["dev_id"], j["path"])')" "($n, '$dev')"

# The kernel's view
cvol_expect_eq "sysfs pool" "$(ctlg_sysfs "$n" pool)" default
cvol_expect_eq "sysfs volume" "$(ctlg_sysfs "$n" volume)" vm1
cvol_expect_eq "sysfs size" "$(($(cat "/sys/block/cvol$n/size") * 512))" 67108864

# Data through the device survives detach and re-attach
dd if=/dev/urandom of="$CVOL_TMP/data" bs=1M count=4 2>/dev/null
dd if="$CVOL_TMP/data" of="$dev" bs=1M seek=3 oflag=direct 2>/dev/null ||
	cvol_fail "write to $dev failed"
sum=$(cvol_sum "$CVOL_TMP/data")

ctl_ok snap create vm1@s1
ctl_ok attach vm1@s1
sdev=$ctl_out
sn=${sdev#/dev/cvol}
cvol_expect_ne "snapshot device" "$sdev" "$dev"
cvol_expect_eq "snapshot ro" "$(cat "/sys/block/cvol$sn/ro")" 1
cvol_expect_eq "sysfs snapshot" "$(ctlg_sysfs "$sn" snapshot)" s1
cvol_expect_eq "snapshot data" "$(cvol_sum "$sdev" $((3 << 20)) $((4 << 20)))" "$sum"

# dev list -j against sysfs, for every device
ctl_ok -j dev list
want=""
for d in /sys/block/cvol[0-9]*; do
	id=${d##*/cvol}
	want="$want($id, '$(ctlg_sysfs "$id" pool)', '$(ctlg_sysfs "$id" volume)', '$(ctlg_sysfs "$id" snapshot)', $(($(cat "$d/size") * 512)), $([ "$(cat "$d/ro")" = 1 ] && echo True || echo False), 'live')
"
done
got=$(ctl_json '"\n".join(str((d["dev_id"], d["pool"], d["name"], d["snap"], d["size"], d["ro"], d["state"])) for d in sorted(j, key=lambda d: d["dev_id"]))')
cvol_expect_eq "dev list -j vs sysfs" "$got" "$(printf '%s' "$want" | sort -t, -k1n)"
ctl_ok dev list
cvol_expect_eq "dev list header" "$(echo "$ctl_out" | head -1 | tr -s ' ')" \
	"ID DEVICE POOL VOLUME SNAPSHOT SIZE RO STATE"
ctl_ok -j dev show vm1@s1
cvol_expect_eq "dev show -j" "$(ctl_json '(j["dev_id"], j["ro"], j["nr_queues"] > 0, j["stats"]["reads"] > 0)')" \
	"($sn, True, True, True)"

# rollback while attached is refused
ctl_err_is "cvolctl: snap rollback: volume vm1 is in use (detach it first)" snap rollback vm1@s1
# so is a rename: the device (and a restarted cvold) knows the volume by name
ctl_err_is "cvolctl: vol rename: volume 'vm1' is attached as $dev: detach it before renaming it" \
	vol rename vm1 vm1-old

# detach: by path, by name, by cvolN; errors
ctl_ok detach "$dev"
[ -e "/sys/block/cvol$n" ] && cvol_fail "cvol$n still exists after detach"
ctl_err_is "cvolctl: vol rename: volume 'vm1' is attached as $sdev: detach it before renaming it" \
	vol rename vm1 vm1-old
ctl_err_is "cvolctl: detach: default/vm1 is not attached" detach vm1
ctl_err_is "cvolctl: dev detach: cvol999: no such device" dev detach /dev/cvol999
ctl_ok -j detach vm1@s1
cvol_expect_eq "detach -j" "$ctl_out" "{\"dev_id\":$sn}"
ctl_ok attach vm1
dev=$ctl_out
n=${dev#/dev/cvol}
cvol_expect_eq "data after re-attach" "$(cvol_sum "$dev" $((3 << 20)) $((4 << 20)))" "$sum"
ctl_ok detach "cvol$n"
ctl_ok -j dev list
cvol_expect_eq "no devices left" "$ctl_out" "[]"
echo PASS
