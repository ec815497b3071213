#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The in-memory test store is not part of cvold: the binary has none of
# its symbols, and a configuration naming "driver = mem" makes cvold exit 1
# before it touches anything, with one line that names the drivers it has.
. "$CVOL_TOP/tests/common.sh"

cvold=$CVOL_BUILD/cvold
[ -x "$cvold" ] || cvol_fail "no $cvold"

if nm "$cvold" | grep -q 'store_mem'; then
	cvol_fail "build/cvold contains the in-memory store: $(nm "$cvold" | grep store_mem | head -3)"
fi

printf '[pool scratch]\ndriver = mem\n' >"$CVOL_TMP/cvol.conf"
rc=0
"$cvold" --foreground --config "$CVOL_TMP/cvol.conf" \
	--store-root "$CVOL_TMP/root" --socket "$CVOL_TMP/run/cvold.sock" \
	>"$CVOL_TMP/out" 2>"$CVOL_TMP/err" || rc=$?
[ "$rc" -eq 1 ] || cvol_fail "cvold exited $rc, want 1 ($(cat "$CVOL_TMP/err"))"
[ ! -s "$CVOL_TMP/out" ] || cvol_fail "stdout not empty: $(cat "$CVOL_TMP/out")"
[ "$(wc -l <"$CVOL_TMP/err")" -eq 1 ] ||
	cvol_fail "want one line, got: $(cat "$CVOL_TMP/err")"
want="cvold: $CVOL_TMP/cvol.conf: pool scratch: store driver 'mem' not built (built: file"
case $(cat "$CVOL_TMP/err") in
"$want)" | "$want, rados)") ;;
*) cvol_fail "message: $(cat "$CVOL_TMP/err"), want: ${want}[, rados])" ;;
esac
# nothing touched: neither the store root nor the socket directory exists
[ ! -e "$CVOL_TMP/root" ] || cvol_fail "cvold created the store root"
[ ! -e "$CVOL_TMP/run" ] || cvol_fail "cvold created the socket directory"
echo "ok: cvold refuses driver = mem: $(cat "$CVOL_TMP/err")"
