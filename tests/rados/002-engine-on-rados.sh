#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The engine's host tests pass on RADOS too: the tests named in
# tests/engine/rados-ok (one program name per line, optionally followed by
# VAR=value settings for it, # comments allowed), or every
# tests/engine/NNN-* program when that list does not exist, run from
# build/tests/engine/ with CVOL_TEST_STORE=rados and must exit 0 (4 counts
# as skipped; all skipped skips this test).  The model test runs shorter
# here: CVOL_MODEL_OPS=400 per seed unless the list says otherwise.
# Skipped in the rados lane when tests/engine/settings puts the engine
# group in that lane itself (run by hand it still runs them all).
# shellcheck source=tests/rados/lib.sh
. "$(dirname "$0")/lib.sh"

# the engine group may run in the rados lane by itself: no second run
lanes=$(
	lane=''
	# shellcheck disable=SC1091
	. "$CVOL_TOP/tests/engine/settings" 2>/dev/null
	echo "$lane"
)
case " $lanes " in
*" rados "*)
	[ "${CVOL_LANE:-}" = rados ] &&
		rados_skip "tests/engine runs in the rados lane itself"
	;;
esac
list=$CVOL_TOP/tests/engine/rados-ok
if [ ! -f "$list" ]; then
	list=$CVOL_TMP/engine-tests
	for f in "$CVOL_TOP"/tests/engine/[0-9]*.c; do
		[ -e "$f" ] && basename "$f" .c
	done >"$list"
	[ -s "$list" ] || rados_skip "no engine tests yet"
fi
rados_need_cluster

pass=0 skip=0 fail=0
while read -r name settings; do
	case $name in
	'' | '#'*) continue ;;
	esac
	bin=$CVOL_BUILD/tests/engine/$name
	[ -x "$bin" ] || rados_fail "$bin not built"
	mkdir -p "$CVOL_TMP/$name"
	rc=0
	# shellcheck disable=SC2086
	env CVOL_MODEL_OPS=400 $settings CVOL_TMP="$CVOL_TMP/$name" \
		timeout 240 "$bin" >"$CVOL_TMP/$name.log" 2>&1 </dev/null ||
		rc=$?
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
