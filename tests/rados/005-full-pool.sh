#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Review finding D14 on RADOS: a full cluster must not hang cvol, and
# must still let it free space.  On a cluster of its own (256 MiB
# memstore, full ratio 0.2, so the OSD is flagged full long before its
# fail-safe ratio makes it drop requests), the helper full-pool writes a
# volume until writes fail with ENOSPC or EDQUOT within 15 s each (not a
# hang), discards half of it (map chunk commits and removes on the full
# pool, each within 15 s), waits for writes to work again and checks all
# data.  Without "full try" the first write on the full pool waits
# forever: the helper runs under a 300 s timeout.  (A pool quota needs a
# ceph-mgr for its statistics; cvol's test clusters run none.)
# shellcheck source=tests/rados/lib.sh
. "$(dirname "$0")/lib.sh"

fp=$CVOL_BUILD/tests/rados/full-pool
rados_need_bin "$fp"
rados_start_cluster full CEPH_MINI_MEM_BYTES=268435456
export CEPH_CONF=$RC_CONF
ceph osd set-nearfull-ratio 0.1 >/dev/null 2>&1 &&
	ceph osd set-backfillfull-ratio 0.15 >/dev/null 2>&1 &&
	ceph osd set-full-ratio 0.2 >/dev/null 2>&1 ||
	rados_fail "cannot set the full ratios"
ceph config set osd osd_heartbeat_interval 1 >/dev/null 2>&1 ||
	rados_fail "cannot set the OSD heartbeat interval"

rc=0
timeout 300 "$fp" "$RC_CONF" "$RC_POOL" >"$CVOL_TMP/full-pool.out" 2>&1 || rc=$?
cat "$CVOL_TMP/full-pool.out"
[ "$rc" != 124 ] || rados_fail "full-pool hung (killed after 300 s)"
[ "$rc" = 0 ] || rados_fail "full-pool exit status $rc"
grep -q '^PASS$' "$CVOL_TMP/full-pool.out" || rados_fail "no PASS line"
grep -Eq '^pool full after [0-9]+ objects: .*RADOS pool is (full|at its quota)' \
	"$CVOL_TMP/full-pool.out" ||
	rados_fail "the write on the full pool lacks the full-pool message"
echo "PASS: full pool"
