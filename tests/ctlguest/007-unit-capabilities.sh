#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cvold holding only the capabilities its systemd unit leaves it
# (CapabilityBoundingSet= of utils/cvold.service.in, applied with setpriv
# the way systemd applies it to a root service) attaches a volume, serves
# data that reads back, reconfigures nothing it may not, and detaches: the
# unit's set is enough.  The same daemon without CAP_SYS_ADMIN cannot
# attach (EPERM from the kernel, reported by cvolctl), and the unit does
# not grant CAP_NET_ADMIN: cvol needs one capability (kernel review D5).
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctlguest/lib.sh"
cvol_need_cmd setpriv
cvol_need_root

caps=$(ctl_unit_caps)
[ -n "$caps" ] || cvol_fail "no CapabilityBoundingSet= in the unit"
echo "unit capabilities: $caps"
case " $caps " in
*" CAP_NET_ADMIN "*) cvol_fail "the unit grants CAP_NET_ADMIN, which cvol does not need" ;;
esac

# start_bounded CAPS: cvold as root with its bounding set cut to CAPS
start_bounded()
{
	ctl_bounded_cvold "$1"
	real_build=$CVOL_BUILD
	CVOL_BUILD=$CVOL_TMP/bin
	cvol_start_daemon
	CVOL_BUILD=$real_build
	# what the kernel sees the daemon holding
	eff=$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$CVOL_DAEMON_PID/status")
	echo "cvold (pid $CVOL_DAEMON_PID) effective capabilities: $eff"
}

cvol_load_module
[ -x "$CVOLCTL" ] || cvol_skip "$CVOLCTL is not built (make userspace)"
cvol_at_exit ctlg_detach_all
cvol_at_exit cvol_stop_daemon

start_bounded "$caps"
ctl_ok vol create capvol --size 16M
ctl_ok attach capvol
dev=$ctl_out
[ -b "$dev" ] || cvol_fail "attach printed '$dev'"
head -c $((2 << 20)) /dev/urandom >"$CVOL_TMP/data"
dd if="$CVOL_TMP/data" of="$dev" bs=64K oflag=direct conv=fsync \
	status=none || cvol_fail "write to $dev failed"
got=$(dd if="$dev" bs=64K count=32 iflag=direct status=none | sha256sum |
	cut -d' ' -f1)
cvol_expect_eq "data through the unit-bounded daemon" "$got" \
	"$(cvol_sum "$CVOL_TMP/data")"
ctl_ok detach "$dev"
i=0
while [ -e "$dev" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || cvol_fail "$dev still there 10 s after detach"
	sleep 0.1
done
cvol_stop_daemon || cvol_fail "cvold did not stop cleanly"

# without CAP_SYS_ADMIN the kernel refuses the device
start_bounded "$(echo "$caps" | sed 's/CAP_SYS_ADMIN//')"
ctl_run attach capvol
cvol_expect_eq "exit status of attach without CAP_SYS_ADMIN" "$ctl_rc" 1
cvol_expect_contains "attach without CAP_SYS_ADMIN" "$ctl_err" \
	"CAP_SYS_ADMIN required"
for d in /sys/block/cvol[0-9]*; do
	[ -e "$d" ] && cvol_fail "a refused attach left ${d##*/}"
done
echo "ok: the unit's capability set serves a device, one less does not"
