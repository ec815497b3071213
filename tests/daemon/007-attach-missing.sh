#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Attaching a volume that does not exist fails with ENOENT and a message
# naming the volume, and creates no device; without cvol.ko loaded, attach
# fails with ENODEV and "cvol kernel module not loaded (modprobe cvol)".
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

cvol_need_daemon
cvol_start_daemon

# ncvol: how many cvol block devices exist
ncvol()
{
	local n=0 d

	for d in /sys/block/cvol*; do
		[ -e "$d" ] && n=$((n + 1))
	done
	echo "$n"
}

before=$(ncvol)
rep=$(cvol_req '{"op":"dev.attach","pool":"default","name":"no-such-vol"}')
cvol_expect_eq "ok" "$(cvol_field "$rep" ok)" false
cvol_expect_eq "errno" "$(cvol_field "$rep" errno)" 2
case $(cvol_field "$rep" error) in
*no-such-vol*) ;;
*) cvol_fail "message does not name the volume: $rep" ;;
esac
cvol_expect_eq "no device created" "$(ncvol)" "$before"

[ "$before" = 0 ] || cvol_skip "other cvol devices exist: cannot unload"
cvol_stop_daemon
rmmod cvol || cvol_fail "rmmod failed"
cvol_start_daemon
cvol_create vm $((1 << 20)) 16
rep=$(cvol_req '{"op":"dev.attach","pool":"default","name":"vm"}')
cvol_expect_eq "errno without module" "$(cvol_field "$rep" errno)" 19
cvol_expect_eq "message without module" "$(cvol_field "$rep" error)" \
	"cvol kernel module not loaded (modprobe cvol)"
echo "ok: clear errors for a missing volume and a missing module"
