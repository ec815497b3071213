#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# udev names with systemd-udevd running in the guest and utils/60-cvol.rules
# installed: attach creates /dev/cvol/<pool>/<volume> (and @<snap> for a
# snapshot) pointing at /dev/cvolN, partitions get -partN links, detach
# removes the links, /dev/cvol-control is root-only 0600; qemu-io -f raw
# writes and reads a pattern through the udev path (what libvirt's raw
# disk does), checked byte for byte through /dev/cvolN.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctlguest/lib.sh"
udevd=
for p in /lib/systemd/systemd-udevd /usr/lib/systemd/systemd-udevd; do
	[ -x "$p" ] && udevd=$p && break
done
[ -n "$udevd" ] || cvol_skip "systemd-udevd is not installed (apt-get install systemd)"
cvol_need_cmd udevadm sfdisk qemu-io
ctlg_setup
# The guest's root is a chroot-like overlay: without this udevadm ignores
# trigger and settle.
SYSTEMD_IGNORE_CHROOT=1
export SYSTEMD_IGNORE_CHROOT

# wait_link LINK TARGET: up to 10 s for LINK to resolve to TARGET ("" for
# LINK to disappear)
wait_link()
{
	udevadm settle --timeout=30
	wl_i=0
	while [ "$(readlink -f "$1" 2>/dev/null || true)" != "$2" ] ||
		{ [ -z "$2" ] && [ -e "$1" ]; }; do
		[ -z "$2" ] && [ ! -e "$1" ] && [ ! -L "$1" ] && return 0
		wl_i=$((wl_i + 1))
		[ "$wl_i" -lt 100 ] ||
			cvol_fail "$1: want '$2', got '$(readlink -f "$1" 2>&1)' ($(find /dev/cvol 2>&1 | tr '\n' ' '))"
		sleep 0.1
	done
}

# Our rule, calling the namer from the tree.  Once udevd exits nothing of
# it stays: a /run/udev left behind makes libdevmapper in later tests wait
# for a udev that is gone.
[ -e /run/udev ] || cvol_at_exit "rm -rf /run/udev"
mkdir -p /run/udev/rules.d
sed "s|PROGRAM=\"cvol-namer|PROGRAM=\"$CVOL_BUILD/cvol-namer|" \
	"$CVOL_TOP/utils/60-cvol.rules" >/run/udev/rules.d/60-cvol.rules
"$udevd" --daemon >"$CVOL_TMP/udevd.log" 2>&1 ||
	cvol_fail "systemd-udevd did not start: $(cat "$CVOL_TMP/udevd.log")"
cvol_at_exit "udevadm control --exit >/dev/null 2>&1"
# The rule, not the default, makes the data channel root-only
chmod 0666 /dev/cvol-control
udevadm trigger --action=change --sysname-match=cvol-control
udevadm settle --timeout=30
i=0
while [ "$(stat -c '%a %U' /dev/cvol-control)" != "600 root" ]; do
	i=$((i + 1))
	[ "$i" -lt 100 ] ||
		cvol_fail "cvol-control mode: $(stat -c '%a %U' /dev/cvol-control), want 600 root"
	sleep 0.1
done

ctl_ok vol create vm1 --size 32M
ctl_ok attach vm1
dev=$ctl_out
link=/dev/cvol/default/vm1
wait_link "$link" "$dev"

# qemu-io through the link, verified through /dev/cvolN
qemu-io -f raw -c "write -P 0xa5 1M 256k" "$link" >"$CVOL_TMP/qio" 2>&1 ||
	cvol_fail "qemu-io write: $(cat "$CVOL_TMP/qio")"
qemu-io -f raw -c "read -P 0xa5 1M 256k" -c "read -P 0 0 1M" "$link" \
	>"$CVOL_TMP/qio" 2>&1 || cvol_fail "qemu-io read: $(cat "$CVOL_TMP/qio")"
grep -q '^read 262144/262144 bytes at offset 1048576' "$CVOL_TMP/qio" ||
	cvol_fail "qemu-io did not read: $(cat "$CVOL_TMP/qio")"
grep -q 'Pattern verification failed' "$CVOL_TMP/qio" &&
	cvol_fail "qemu-io read back a wrong pattern: $(cat "$CVOL_TMP/qio")"
head -c 262144 /dev/zero | tr '\0' '\245' >"$CVOL_TMP/want"
cvol_expect_eq "bytes written by qemu-io" \
	"$(cvol_sum "$dev" $((1 << 20)) 262144)" "$(cvol_sum "$CVOL_TMP/want")"

# A detach by the udev path removes the link
ctl_ok detach "$link"
wait_link "$link" ""

# Partitions
ctl_ok attach vm1
dev=$ctl_out
printf 'label: dos\n,8M\n,8M\n' | sfdisk -q "$dev" >"$CVOL_TMP/sfdisk" 2>&1 ||
	cvol_fail "sfdisk: $(cat "$CVOL_TMP/sfdisk")"
for p in 1 2; do
	wait_link "/dev/cvol/default/vm1-part$p" "${dev}p$p"
done

# A snapshot device gets @snap
ctl_ok snap create vm1@s1
ctl_ok attach vm1@s1
sdev=$ctl_out
wait_link /dev/cvol/default/vm1@s1 "$sdev"
ctl_ok detach vm1@s1
ctl_ok detach vm1
wait_link /dev/cvol/default/vm1@s1 ""
wait_link /dev/cvol/default/vm1 ""
wait_link /dev/cvol/default/vm1-part1 ""
left=$(find /dev/cvol -type l 2>/dev/null)
cvol_expect_eq "links left after detach" "$left" ""
echo PASS
