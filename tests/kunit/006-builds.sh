#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cvol-lane: host
# cvol-timeout: 600
#
# The KUnit variant of cvol.ko (kernel/cvol_kunit.c linked in) still
# compiles, warning-free at W=1, against the stock kernel headers, so a
# change to the module's internals that breaks the suites shows up on
# every run, not only where the debug kernel is cached.  The stock kernel
# has no KUnit, so only the kunit_* symbols may be left unresolved.
. "$CVOL_TOP/tests/common.sh"

kdir=$("$CVOL_TOP/scripts/kdir" 2>/dev/null) || cvol_skip "no kernel headers"
[ -f "$kdir/Makefile" ] || cvol_skip "no kernel build tree at $kdir"
src=$CVOL_TMP/kmod
mkdir -p "$src"
(cd "$CVOL_TOP/kernel" && cp -a Kbuild ./*.h include "$src/" &&
	for f in ./*.c; do
		case $f in *.mod.c) ;; *) cp "$f" "$src/" ;; esac
	done) || cvol_fail "cannot copy kernel/"
[ -f "$src/cvol_kunit.c" ] || cvol_fail "kernel/cvol_kunit.c missing"
grep -q 'CONFIG_CVOL_KUNIT_TEST' "$src/Kbuild" ||
	cvol_fail "kernel/Kbuild does not link cvol_kunit.o"

nice make -s -C "$kdir" M="$src" CONFIG_CVOL_KUNIT_TEST=y \
	KBUILD_MODPOST_WARN=1 W=1 modules >"$CVOL_TMP/build.log" 2>&1
rc=$?
cat "$CVOL_TMP/build.log"
cvol_expect_eq "make status" "$rc" 0
[ -f "$src/cvol_kunit.o" ] || cvol_fail "cvol_kunit.o was not built"
bad=$(grep -E 'warning|error' "$CVOL_TMP/build.log" |
	grep -vE 'undefined!$' )
[ -z "$bad" ] || cvol_fail "compiler diagnostics: $bad"
unresolved=$(sed -n 's/.*"\([^"]*\)" \[.*\] undefined!$/\1/p' \
	"$CVOL_TMP/build.log" | grep -v '^kunit_\|^__kunit_' | tr '\n' ' ')
cvol_expect_eq "unresolved non-KUnit symbols" "$unresolved" ""
echo "ok: the KUnit build of cvol.ko compiles against $kdir"
