#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The engine's host tests pass on RADOS too: every test named in
# tests/engine/rados-ok (one program name per line, # comments allowed)
# is run from build/tests/engine/ with CVOL_TEST_STORE=rados and must
# exit 0 (4 counts as skipped; all skipped skips this test).
# shellcheck source=tests/rados/lib.sh
. "$(dirname "$0")/lib.sh"

list=$CVOL_TOP/tests/engine/rados-ok
[ -f "$list" ] || rados_skip "tests/engine/rados-ok does not exist yet"
rados_need_cluster

pass=0 skip=0 fail=0
while read -r name _; do
	case $name in
	'' | '#'*) continue ;;
	esac
	bin=$CVOL_BUILD/tests/engine/$name
	[ -x "$bin" ] || rados_fail "$bin not built"
	mkdir -p "$CVOL_TMP/$name"
	rc=0
	CVOL_TMP=$CVOL_TMP/$name timeout 240 "$bin" \
		>"$CVOL_TMP/$name.log" 2>&1 || rc=$?
	case $rc in
	0) pass=$((pass + 1)) ;;
	4) skip=$((skip + 1)) ;;
	*)
		fail=$((fail + 1))
		echo "engine test $name failed on RADOS (exit $rc):"
		tail -n 20 "$CVOL_TMP/$name.log"
		;;
	esac
done <"$list"
echo "engine tests on RADOS: $pass passed, $skip skipped, $fail failed"
[ "$fail" -eq 0 ] || exit 1
[ "$pass" -gt 0 ] || rados_skip "every listed engine test skipped"
