# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Helpers of the RADOS lane, on top of tests/common.sh.  scripts/check
# starts one cluster with scripts/ceph-mini for the whole lane and exports
# CVOL_CEPH_CONF, CVOL_CEPH_POOL, CVOL_CEPH_CLIENT and CVOL_CEPH_DIR; run
# by hand, a test starts its own cluster under $CVOL_TMP (about 2 s) and
# stops it on exit.

# shellcheck source=tests/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

rados_skip()
{
	cvol_skip "$*"
}

rados_fail()
{
	cvol_fail "$*"
}

# rados_expect_eq WHAT GOT WANT
rados_expect_eq()
{
	[ "$2" = "$3" ] || rados_fail "$1: got '$2', want '$3'"
}

RC_CONF='' RC_POOL='' RC_DIR=''
export RC_DIR

# rados_start_cluster NAME [ENV...]: start a cluster in $CVOL_TMP/NAME,
# stopped when the test exits, and set RC_CONF, RC_POOL and RC_DIR to its
# config, pool and directory.  ENV: CEPH_MINI_* knobs.
rados_start_cluster()
{
	local name=$1 out kv

	shift
	command -v ceph-mon >/dev/null ||
		rados_skip "Ceph is not installed (ceph-mon, ceph-osd)"
	out=$(env "$@" "$CVOL_TOP/scripts/ceph-mini" start \
		"$CVOL_TMP/$name" 2>"$CVOL_TMP/$name.log") ||
		rados_fail "ceph-mini start failed: $(tail -n 5 "$CVOL_TMP/$name.log")"
	cvol_at_exit "\"\$CVOL_TOP/scripts/ceph-mini\" stop \"$CVOL_TMP/$name\" >/dev/null 2>&1"
	while IFS= read -r kv; do
		case $kv in
		CVOL_CEPH_CONF=*) RC_CONF=${kv#*=} ;;
		CVOL_CEPH_POOL=*) RC_POOL=${kv#*=} ;;
		CVOL_CEPH_DIR=*) RC_DIR=${kv#*=} ;;
		esac
	done <<<"$out"
}

# rados_need_cluster: use the lane's cluster, or start one
rados_need_cluster()
{
	if [ -z "${CVOL_CEPH_CONF:-}" ]; then
		rados_start_cluster lane
		export CVOL_CEPH_CONF=$RC_CONF CVOL_CEPH_POOL=$RC_POOL \
			CVOL_CEPH_CLIENT=client.admin
	fi
	export CVOL_TEST_STORE=rados
}

# rados_need_bin PATH: skip when a helper program was not built
rados_need_bin()
{
	[ -x "$1" ] || rados_skip "$1 not built (no librados? run make tests)"
}
