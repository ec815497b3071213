#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cvold serves a RADOS pool named in its config file: over the control
# socket a volume is created in pool "ceph" (its objects appear in the
# RADOS pool, nothing under the store root), listed, described with the
# right size, snapshotted and removed; a configured pool whose RADOS pool
# does not exist fails with errno 2 and the driver's message.
# shellcheck source=tests/rados/lib.sh
. "$(dirname "$0")/lib.sh"

rados_need_cluster
cvol_need_cmd python3

cat >"$CVOL_TMP/cvol.conf" <<EOC
# pools of this test
[pool ceph]
driver = rados
ceph_conf = $CVOL_CEPH_CONF
ceph_pool = $CVOL_CEPH_POOL
ceph_client = ${CVOL_CEPH_CLIENT:-client.admin}
connect_timeout = 10

[pool gone]
driver = rados
ceph_conf = $CVOL_CEPH_CONF
ceph_pool = no-such-rados-pool
EOC
cvol_start_daemon --config "$CVOL_TMP/cvol.conf"

# field JSON KEY[.KEY...]: print that member of the reply
field()
{
	python3 -c '
import json, sys
v = json.loads(sys.argv[1])
for k in sys.argv[2].split("."):
	v = v.get(k) if isinstance(v, dict) else None
print(str(v).lower() if isinstance(v, bool) else ("" if v is None else v))' "$1" "$2"
}

ok()
{
	local rep

	rep=$(cvol_rpc "$1")
	[ "$(field "$rep" ok)" = true ] || rados_fail "request $1: $rep"
	printf '%s\n' "$rep"
}

vol=r$$
n0=$(timeout 30 rados -c "$CVOL_CEPH_CONF" -p "$CVOL_CEPH_POOL" ls | wc -l)
ok "{\"op\":\"vol.create\",\"pool\":\"ceph\",\"name\":\"$vol\",\"size\":67108864}" >/dev/null
rep=$(ok "{\"op\":\"vol.info\",\"pool\":\"ceph\",\"name\":\"$vol\"}")
cvol_expect_eq "vol.info size" "$(field "$rep" volume.size)" 67108864
cvol_expect_eq "vol.info order" "$(field "$rep" volume.order)" 22
rep=$(ok "{\"op\":\"vol.list\",\"pool\":\"ceph\"}")
cvol_expect_contains "vol.list" "$rep" "\"$vol\""
ok "{\"op\":\"snap.create\",\"pool\":\"ceph\",\"name\":\"$vol\",\"snap\":\"s1\"}" >/dev/null
rep=$(ok "{\"op\":\"snap.list\",\"pool\":\"ceph\",\"name\":\"$vol\"}")
cvol_expect_contains "snap.list" "$rep" '"s1"'

n=$(timeout 30 rados -c "$CVOL_CEPH_CONF" -p "$CVOL_CEPH_POOL" ls | wc -l)
[ "$n" -gt "$n0" ] || rados_fail "RADOS pool has $n objects, $n0 before create"
[ ! -e "$CVOL_STORE_ROOT/ceph" ] ||
	rados_fail "pool ceph was created under the store root"

ok "{\"op\":\"snap.remove\",\"pool\":\"ceph\",\"name\":\"$vol\",\"snap\":\"s1\"}" >/dev/null
ok "{\"op\":\"vol.remove\",\"pool\":\"ceph\",\"name\":\"$vol\"}" >/dev/null
rep=$(ok "{\"op\":\"vol.list\",\"pool\":\"ceph\"}")
case $rep in
*"\"$vol\""*) rados_fail "removed volume still listed: $rep" ;;
esac

rep=$(cvol_rpc "{\"op\":\"vol.list\",\"pool\":\"gone\"}")
cvol_expect_eq "missing RADOS pool ok" "$(field "$rep" ok)" false
cvol_expect_eq "missing RADOS pool errno" "$(field "$rep" errno)" 2
cvol_expect_contains "missing RADOS pool message" "$(field "$rep" error)" \
	"RADOS pool 'no-such-rados-pool' does not exist"
echo "PASS: cvold serves a RADOS pool"
