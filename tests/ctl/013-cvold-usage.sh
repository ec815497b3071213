#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cvold's usage errors: an unknown long or short option, an option
# without its value and an extra argument exit 2 with getopt's line (if
# any) and the usage on stderr, print nothing on stdout and create
# nothing (no socket directory, no store).  --help prints the same usage
# on stdout and exits 0.  (cvolctl's usage errors: tests/ctl/003.)
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctl/lib.sh"
cvold=$CVOL_BUILD/cvold
[ -x "$cvold" ] || cvol_skip "$cvold is not built (make userspace)"
usage=$("$cvold" --help) || cvol_fail "cvold --help failed"
cvol_expect_contains "cvold --help" "$usage" "usage: cvold [--foreground]"

# usage_error WANT ARGS...: cvold ARGS exits 2, WANT then the usage on
# stderr (WANT "" for the usage alone)
usage_error()
{
	ue_want=$1
	shift
	ue_rc=0
	timeout 20 "$cvold" --store-root "$CVOL_TMP/store" \
		--socket "$CVOL_TMP/run/cvold.sock" "$@" >"$CVOL_TMP/ue.out" \
		2>"$CVOL_TMP/ue.err" || ue_rc=$?
	cvol_expect_eq "exit status of cvold $*" "$ue_rc" 2
	if [ -n "$ue_want" ]; then
		ue_want="$ue_want
$usage"
	else
		ue_want=$usage
	fi
	cvol_expect_eq "stderr of cvold $*" "$(cat "$CVOL_TMP/ue.err")" \
		"$ue_want"
	cvol_expect_eq "stdout of cvold $*" "$(cat "$CVOL_TMP/ue.out")" ""
	[ ! -e "$CVOL_TMP/run" ] && [ ! -e "$CVOL_TMP/store" ] ||
		cvol_fail "cvold $* created $(ls -d "$CVOL_TMP/run" "$CVOL_TMP/store" 2>/dev/null)"
}

usage_error "$cvold: unrecognized option '--bogus'" --foreground --bogus
usage_error "$cvold: unrecognized option '--read-only'" --read-only
usage_error "$cvold: invalid option -- 'x'" -x
usage_error "$cvold: option '--config' requires an argument" --config
usage_error "" --foreground extra
echo PASS
