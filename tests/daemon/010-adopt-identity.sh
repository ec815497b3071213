#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A restarted cvold adopts a device only if the names the device recorded
# still resolve to the volume it was attached to (its backend identity:
# pool uuid, volume id): while no cvold ran, the volume was replaced
# (another pool under the same store root, or the volume removed and
# another renamed to its name), so the device must not serve the new
# volume's data: every read fails with EIO, the log says why, dev.list
# shows the error, the name cannot be attached again until the device is
# detached.  With the right pool back, the same device is adopted again
# and reads its own data.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

cvol_need_daemon
cvol_need_cmd timeout sha256sum unshare

# read 1 MiB of $dev into FILE; fail unless it fails with EIO
expect_eio()
{
	if timeout 60 dd if="$dev" of="$CVOL_TMP/got" bs=64K count=16 \
		iflag=direct status=none 2>"$CVOL_TMP/dd.err"; then
		[ "$(cvol_sum "$CVOL_TMP/got")" = "$other" ] &&
			cvol_fail "$1: $dev served the other volume's data"
		cvol_fail "$1: read of $dev succeeded"
	fi
	grep -q "Input/output error" "$CVOL_TMP/dd.err" ||
		cvol_fail "$1: read failed, but not with EIO: $(cat "$CVOL_TMP/dd.err")"
}

expect_data()
{
	timeout 60 dd if="$dev" of="$CVOL_TMP/got" bs=64K count=16 \
		iflag=direct status=none || cvol_fail "$1: read of $dev failed"
	cvol_expect_eq "$1: data of $dev" "$(cvol_sum "$CVOL_TMP/got")" "$2"
}

# the log of the current cvold says $name is fenced for its identity
expect_fenced_log()
{
	grep "$name: fenced" "$CVOL_TMP/cvold.log" | grep -q "identity" ||
		cvol_fail "$1: cvold did not log why $name is not served: $(tail -n 5 "$CVOL_TMP/cvold.log")"
	echo "$1: $(grep "$name: fenced" "$CVOL_TMP/cvold.log" | tail -n 1)"
	cvol_req '{"op":"dev.list"}' | python3 -c '
import json, sys
d = [x for x in json.load(sys.stdin)["devices"] if x["dev_id"] == int(sys.argv[1])]
sys.exit(0 if d and "identity" in d[0].get("error", "") else 1)' "${name#cvol}" ||
		cvol_fail "$1: dev.list shows no error for $name"
}

# fill VOL FILE: attach VOL, write FILE to it durably, detach
fill()
{
	local d

	d=$(cvol_attach "$1")
	dd if="$2" of="$d" bs=64K oflag=direct conv=fsync status=none ||
		cvol_fail "write to $1 failed"
	cvol_detach "$d"
	cvol_wait_gone "$d"
}

head -c $((1 << 20)) /dev/urandom >"$CVOL_TMP/mine"
head -c $((1 << 20)) /dev/urandom >"$CVOL_TMP/other"
mine=$(cvol_sum "$CVOL_TMP/mine")
other=$(cvol_sum "$CVOL_TMP/other")
root=$CVOL_STORE_ROOT
root2=$CVOL_TMP/store2

# another store root: pool "default" again, volume "a" again (the first
# volume of its pool, as below: the same volume id), other data
CVOL_STORE_ROOT=$root2
cvol_start_daemon
cvol_create a $((16 << 20)) 16
fill a "$CVOL_TMP/other"
cvol_stop_daemon || cvol_fail "cvold on $root2 did not stop cleanly"

CVOL_STORE_ROOT=$root
cvol_start_daemon
cvol_create a $((16 << 20)) 16
cvol_create b $((16 << 20)) 16
fill b "$CVOL_TMP/other"
dev=$(cvol_attach a)
name=${dev#/dev/}
cvol_detach_at_exit "$dev"
dd if="$CVOL_TMP/mine" of="$dev" bs=64K oflag=direct conv=fsync \
	status=none || cvol_fail "write to a failed"
identity=$(cat /sys/block/"$name"/cvol/identity)
[[ $identity =~ ^cvol1:[0-9a-f]{32}:v[0-9]+$ ]] ||
	cvol_fail "identity of $name: '$identity'"

# 1: cvold comes back on another store root with a pool of the same name
cvol_kill_daemon
CVOL_STORE_ROOT=$root2
cvol_start_daemon
expect_eio "other pool"
expect_fenced_log "other pool"
rep=$(cvol_req '{"op":"dev.attach","pool":"default","name":"a","ro":false}')
[ "$(cvol_field "$rep" ok)" = false ] && grep -q "fenced" <<<"$rep" ||
	cvol_fail "attach of a name a fenced device holds: $rep"

# 2: the right pool again: adopted, its own data
cvol_kill_daemon
CVOL_STORE_ROOT=$root
cvol_start_daemon
grep -q "$name: adopted default/a" "$CVOL_TMP/cvold.log" ||
	cvol_fail "$name not adopted on its own pool"
expect_data "own pool" "$mine"
cvol_expect_eq "identity after adoption" \
	"$(cat /sys/block/"$name"/cvol/identity)" "$identity"

# 3: offline, a is removed and b renamed to a
cvol_kill_daemon
: >"$CVOL_TMP/cvold.log"
cvol_start_offline_daemon
cvol_ok '{"op":"vol.remove","pool":"default","name":"a"}' >/dev/null
cvol_ok '{"op":"vol.rename","pool":"default","name":"b","new":"a"}' >/dev/null
cvol_stop_daemon || cvol_fail "offline cvold did not stop cleanly"
cvol_start_daemon
expect_eio "a replaced"
expect_fenced_log "a replaced"

# a fenced device detaches like any other; then the new a attaches
cvol_detach "$dev"
cvol_wait_gone "$dev"
dev=$(cvol_attach a)
cvol_detach_at_exit "$dev"
expect_data "the new a" "$other"
cvol_detach "$dev"
echo "ok: a replaced volume is never served; the right one is adopted"
