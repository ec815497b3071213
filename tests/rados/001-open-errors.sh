#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The rados store refuses to open with a clear error, errno and message:
# a missing RADOS pool (-ENOENT), an unreadable ceph.conf (-ENOENT), an
# unreachable cluster within the connect timeout (-ETIMEDOUT, bounded at
# 2 s + slack), and refused cephx authentication (-EACCES, on a second
# cluster started with cephx); a good configuration opens.
# shellcheck source=tests/rados/lib.sh
. "$(dirname "$0")/lib.sh"

oe=$CVOL_BUILD/tests/rados/open-errors
rados_need_bin "$oe"
rados_need_cluster

out=$("$oe" "$CVOL_CEPH_CONF" "$CVOL_CEPH_POOL")
rados_expect_eq "good config" "$out" "ret=0 msg="

out=$("$oe" "$CVOL_CEPH_CONF" no-such-pool)
rados_expect_eq "missing pool" "$out" \
	"ret=-2 msg=rados: RADOS pool 'no-such-pool' does not exist"

out=$("$oe" "$CVOL_TMP/none/ceph.conf" "$CVOL_CEPH_POOL")
rados_expect_eq "missing config" "$out" \
	"ret=-2 msg=rados: cannot read Ceph config $CVOL_TMP/none/ceph.conf: No such file or directory"

# a monitor address where nothing listens: port 1 on loopback
printf '[global]\nmon host = 127.0.0.1:1\nauth client required = none\nlog file = %s\n' \
	"$CVOL_TMP/client.log" >"$CVOL_TMP/unreachable.conf"
t0=$SECONDS
out=$("$oe" "$CVOL_TMP/unreachable.conf" "$CVOL_CEPH_POOL" client.admin 2)
took=$((SECONDS - t0))
rados_expect_eq "unreachable cluster" "$out" \
	"ret=-110 msg=rados: Ceph cluster not reachable (mon host 127.0.0.1:1) within 2 s"
[ "$took" -le 6 ] || rados_fail "unreachable cluster took $took s, want <= 6"

# cephx: the right key opens, a wrong key is refused
rados_start_cluster cx CEPH_MINI_AUTH=cephx
out=$("$oe" "$RC_CONF" "$RC_POOL")
rados_expect_eq "cephx good key" "$out" "ret=0 msg="
ceph-authtool --create-keyring "$CVOL_TMP/bad.keyring" --gen-key \
	-n client.admin >/dev/null
sed "s|^keyring = $RC_DIR/keyring\$|keyring = $CVOL_TMP/bad.keyring|" \
	"$RC_CONF" >"$CVOL_TMP/bad.conf"
grep -q "^keyring = $CVOL_TMP/bad.keyring\$" "$CVOL_TMP/bad.conf" ||
	rados_fail "could not point the config at the bad keyring"
out=$("$oe" "$CVOL_TMP/bad.conf" "$RC_POOL" client.admin 5)
rados_expect_eq "cephx wrong key" "$out" \
	"ret=-13 msg=rados: Ceph cluster refused authentication of client.admin: Permission denied"
echo "PASS: open errors"
