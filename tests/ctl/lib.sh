# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the control-tool tests; source after tests/common.sh.

CVOLCTL=$CVOL_BUILD/cvolctl
STUBD=$CVOL_BUILD/tests/ctl/stubd

# ctl_start_stubd: serve $CVOL_SOCKET with stubd (ctlsock.c, stub hooks).
ctl_start_stubd()
{
	[ -x "$STUBD" ] || cvol_skip "$STUBD is not built (make tests)"
	mkdir -p "$CVOL_TMP/run"
	CVOL_SOCKET=$CVOL_TMP/run/sock/cvold.sock
	"$STUBD" "$CVOL_SOCKET" >"$CVOL_TMP/stubd.log" 2>&1 &
	ctl_stubd_pid=$!
	cvol_at_exit "kill $ctl_stubd_pid 2>/dev/null; wait $ctl_stubd_pid"
	ctl_i=0
	while [ ! -S "$CVOL_SOCKET" ]; do
		kill -0 "$ctl_stubd_pid" 2>/dev/null ||
			cvol_fail "stubd died: $(cat "$CVOL_TMP/stubd.log")"
		ctl_i=$((ctl_i + 1))
		[ "$ctl_i" -lt 100 ] || cvol_fail "stubd did not listen"
		sleep 0.1
	done
	export CVOL_SOCKET
}

# ctl_run ARGS...: run cvolctl on $CVOL_SOCKET; sets ctl_out, ctl_err,
# ctl_rc.  $ctl_as, when set, is the command line cvolctl runs under
# (e.g. "setpriv --reuid=65534 ...").
ctl_run()
{
	[ -x "$CVOLCTL" ] || cvol_skip "$CVOLCTL is not built (make userspace)"
	# shellcheck disable=SC2086 # $ctl_as is a command line
	${ctl_as:-} "$CVOLCTL" -s "$CVOL_SOCKET" "$@" >"$CVOL_TMP/out" \
		2>"$CVOL_TMP/err"
	ctl_rc=$?
	ctl_out=$(cat "$CVOL_TMP/out")
	ctl_err=$(cat "$CVOL_TMP/err")
}

# ctl_ok ARGS...: cvolctl must succeed silently on stderr.
ctl_ok()
{
	ctl_run "$@"
	[ "$ctl_rc" = 0 ] ||
		cvol_fail "cvolctl $*: exit $ctl_rc: $ctl_err"
	cvol_expect_eq "stderr of cvolctl $*" "$ctl_err" ""
}

# ctl_err_is WANT ARGS...: cvolctl must exit 1 with exactly the line WANT
# on stderr and nothing on stdout.
ctl_err_is()
{
	ctl_want=$1
	shift
	ctl_run "$@"
	cvol_expect_eq "exit status of cvolctl $*" "$ctl_rc" 1
	cvol_expect_eq "stderr of cvolctl $*" "$ctl_err" "$ctl_want"
	cvol_expect_eq "stdout of cvolctl $*" "$ctl_out" ""
}

# ctl_json EXPR: evaluate the python expression EXPR on j = the JSON in
# $ctl_out; prints the result.
ctl_json()
{
	printf '%s' "$ctl_out" | python3 -c '
import json, sys
j = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$1" || cvol_fail "bad JSON from cvolctl: $ctl_out"
}

# ctl_unit_caps: the capabilities CapabilityBoundingSet= of
# utils/cvold.service.in leaves cvold
ctl_unit_caps()
{
	sed -n 's/^CapabilityBoundingSet=//p' "$CVOL_TOP/utils/cvold.service.in"
}

# ctl_bounded_cvold CAPS: make $CVOL_TMP/bin/cvold, which runs
# $CVOL_BUILD/cvold as root with its bounding set cut to CAPS (CAP_X
# words), the way systemd applies CapabilityBoundingSet= to a root
# service.  Point CVOL_BUILD at $CVOL_TMP/bin to start it.
ctl_bounded_cvold()
{
	cb_set=-all
	for cb_c in $1; do
		cb_set="$cb_set,+$(echo "${cb_c#CAP_}" | tr 'A-Z' 'a-z')"
	done
	mkdir -p "$CVOL_TMP/bin"
	cat >"$CVOL_TMP/bin/cvold" <<EOS
#!/bin/sh
exec setpriv --bounding-set=$cb_set -- "$CVOL_BUILD/cvold" "\$@"
EOS
	chmod +x "$CVOL_TMP/bin/cvold"
}
