#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cvol-lane: guest
# cvol-timeout: 900
#
# A RADOS-backed volume attached as /dev/cvolN passes fio verify.  The
# cluster runs inside the guest (scripts/ceph-mini on the guest's
# loopback: no network leaves the guest; 70 s or more to start under TCG).
# cvold serves pool "ceph" from its config file; fio writes 16 MiB with
# crc32c verify across 4 MiB object boundaries (8 MiB per pass); after detach and a fresh
# attach a verify-only pass reads every block back from RADOS.
# shellcheck source=tests/rados/lib.sh
. "$(dirname "$0")/lib.sh"

cvol_need_guest
cvol_need_cmd fio
cvol_need_cmd python3
[ -x "$CVOL_BUILD/cvold" ] || rados_skip "cvold not built"
# always our own cluster, inside the guest
t0=$SECONDS
rados_start_cluster ceph
echo "cluster up in $((SECONDS - t0)) s"
cvol_load_module

cat >"$CVOL_TMP/cvol.conf" <<EOC
[pool ceph]
driver = rados
ceph_conf = $RC_CONF
ceph_pool = $RC_POOL
EOC
cvol_start_daemon --config "$CVOL_TMP/cvol.conf"

# req JSON [KEY]: send, fail unless ok, print KEY of the reply
req()
{
	local rep

	rep=$(cvol_rpc "$1")
	python3 -c '
import json, sys
r = json.loads(sys.argv[1])
if not r.get("ok"):
	sys.exit(1)
if len(sys.argv) > 2 and sys.argv[2]:
	print(r.get(sys.argv[2]))' "$rep" "${2:-}" ||
		rados_fail "request $1: $rep"
}

fio_pass()
{
	local out=$CVOL_TMP/fio.$2.log

	# shellcheck disable=SC2086
	fio --name=rados --filename="$1" --direct=1 --ioengine=libaio \
		--iodepth=16 --size=8m --bsrange=4k-64k --blockalign=4k \
		--rw=randwrite --verify=crc32c --verify_fatal=1 \
		--randrepeat=1 --randseed=4242 $3 >"$out" 2>&1 ||
		rados_fail "fio $2 on $1: $(grep -i -m3 'err\|verify' "$out")"
	grep -q "err= 0" "$out" || rados_fail "fio $2 reported errors"
}

req '{"op":"vol.create","pool":"ceph","name":"fio","size":33554432,"order":22}'
dev=$(req '{"op":"dev.attach","pool":"ceph","name":"fio"}' path)
[ -b "$dev" ] || rados_fail "attach gave '$dev', not a block device"
t0=$SECONDS
fio_pass "$dev" write "--do_verify=1"
echo "fio write+verify in $((SECONDS - t0)) s"
req "{\"op\":\"dev.detach\",\"dev_id\":${dev#/dev/cvol}}"
for _ in $(seq 50); do
	[ -e "$dev" ] || break
	sleep 0.1
done

dev=$(req '{"op":"dev.attach","pool":"ceph","name":"fio"}' path)
fio_pass "$dev" verify "--verify_only=1"
echo "fio verify after re-attach done"
req "{\"op\":\"dev.detach\",\"dev_id\":${dev#/dev/cvol}}"
echo "ok: fio verify on a RADOS-backed volume"
