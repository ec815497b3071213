# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for cvol's shell tests; source it first:
#
#	. "$CVOL_TOP/tests/common.sh"
#
# POSIX sh (dash and bash).  scripts/check sets CVOL_TOP, CVOL_BUILD,
# CVOL_TMP (a fresh scratch directory, removed afterwards) and CVOL_LANE;
# run by hand, sensible defaults are filled in below.  A test exits 0 on
# pass, 1 on failure, 4 on skip with "SKIP: reason" as its last stdout line.
#
# Cleanup: do not set an EXIT trap yourself; register commands with
# cvol_at_exit, they run in reverse order when the test exits (the daemon
# started by cvol_start_daemon is stopped after them).

: "${CVOL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${CVOL_BUILD:=$CVOL_TOP/build}"
if [ -z "${CVOL_TMP:-}" ]; then
	CVOL_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cvol-test.XXXXXX")
	cvol_own_tmp=$CVOL_TMP
fi
: "${CVOL_LANE:=manual}"
export CVOL_TOP CVOL_BUILD CVOL_TMP CVOL_LANE

# The cvol.ko to load (the debug lane points this at a module built for
# its kernel).
: "${CVOL_MODULE:=$CVOL_TOP/kernel/cvol.ko}"

CVOL_DAEMON_PID=
CVOL_SOCKET=$CVOL_TMP/cvold.sock
CVOL_STORE_ROOT=$CVOL_TMP/store
cvol_exit_cmds=

# cvol_skip REASON: end the test as skipped.
cvol_skip()
{
	echo "SKIP: $*"
	exit 4
}

# cvol_fail MESSAGE: end the test as failed.
cvol_fail()
{
	echo "FAIL: $*"
	exit 1
}

# cvol_expect_eq WHAT GOT WANT: fail unless GOT is exactly WANT.
cvol_expect_eq()
{
	[ "$2" = "$3" ] && return 0
	cvol_fail "$1: got '$2', want '$3'"
}

# cvol_expect_ne WHAT GOT UNWANTED: fail if GOT is UNWANTED.
cvol_expect_ne()
{
	[ "$2" != "$3" ] && return 0
	cvol_fail "$1: got '$2', which it must not be"
}

# cvol_expect_contains WHAT TEXT NEEDLE: fail unless TEXT contains NEEDLE.
cvol_expect_contains()
{
	case $2 in
	*"$3"*) return 0 ;;
	esac
	if [ "${#2}" -gt 300 ]; then
		printf '%s\n' "$2" | tail -n 20
		cvol_fail "$1: '$3' not found in the output above"
	fi
	cvol_fail "$1: '$3' not found in: $2"
}

# cvol_expect_status WHAT WANT CMD...: run CMD, fail unless it exits WANT.
cvol_expect_status()
{
	cvol_es_what=$1
	cvol_es_want=$2
	shift 2
	"$@"
	cvol_es_got=$?
	[ "$cvol_es_got" = "$cvol_es_want" ] && return 0
	cvol_fail "$cvol_es_what: exit status $cvol_es_got, want $cvol_es_want ($*)"
}

# cvol_need_cmd CMD...: skip unless every CMD is installed.
cvol_need_cmd()
{
	for cvol_nc in "$@"; do
		command -v "$cvol_nc" >/dev/null 2>&1 ||
			cvol_skip "$cvol_nc is not installed (scripts/install-deps)"
	done
}

# cvol_need_root: skip unless root.
cvol_need_root()
{
	[ "$(id -u)" = 0 ] || cvol_skip "needs root"
}

# cvol_in_guest: true inside the QEMU guest of scripts/vm-run.
cvol_in_guest()
{
	[ -n "${CVOL_IN_VM:-}" ]
}

# cvol_need_guest: skip unless inside the QEMU guest.  Kernel-facing tests
# never touch the host kernel.
cvol_need_guest()
{
	cvol_in_guest ||
		cvol_skip "kernel tests run only in the QEMU guest (scripts/check, lane guest)"
}

# cvol_have_module: fail unless cvol.ko is built (only guest tests load it).
cvol_have_module()
{
	[ -f "$CVOL_MODULE" ] ||
		cvol_fail "$CVOL_MODULE is not built (make module; in the debug lane scripts/build-debug-kernel --kmod)"
}

# cvol_load_module: load cvol.ko in the guest (idempotent); skips outside
# the guest or when the module is not built, fails when insmod fails.
cvol_load_module()
{
	cvol_need_guest
	[ -d /sys/module/cvol ] && return 0
	cvol_have_module
	cvol_lm_out=$(insmod "$CVOL_MODULE" "$@" 2>&1) ||
		cvol_fail "insmod $CVOL_MODULE: $cvol_lm_out"
	[ -d /sys/module/cvol ] || cvol_fail "cvol.ko loaded but /sys/module/cvol missing"
	# devtmpfs creates the nodes asynchronously.
	cvol_lm_i=0
	while [ ! -c /dev/cvol-control ] && [ "$cvol_lm_i" -lt 50 ]; do
		sleep 0.1
		cvol_lm_i=$((cvol_lm_i + 1))
	done
	return 0
}

# cvol_unload_module: rmmod cvol if loaded; fails when rmmod fails.
cvol_unload_module()
{
	[ -d /sys/module/cvol ] || return 0
	cvol_um_out=$(rmmod cvol 2>&1) || cvol_fail "rmmod cvol: $cvol_um_out"
}

# cvol_kmsg TEXT: write a marker line to the kernel log (guest only).
cvol_kmsg()
{
	[ -w /dev/kmsg ] && cvol_in_guest && echo "cvol-test: $*" >/dev/kmsg
	return 0
}

# cvol_at_exit CMD: run the shell command CMD when the test exits.
cvol_at_exit()
{
	cvol_exit_cmds="$1
$cvol_exit_cmds"
}

cvol_run_exit()
{
	cvol_re_rc=$?
	trap - EXIT
	set +e
	eval "$cvol_exit_cmds"
	[ -n "$CVOL_DAEMON_PID" ] && cvol_stop_daemon >/dev/null 2>&1
	[ -n "${cvol_own_tmp:-}" ] && rm -rf "$cvol_own_tmp"
	exit "$cvol_re_rc"
}
trap cvol_run_exit EXIT
trap 'exit 130' INT TERM

# cvol_start_daemon [ARG...]: start $CVOL_BUILD/cvold in the background on
# a scratch store ($CVOL_STORE_ROOT) and socket ($CVOL_SOCKET), wait
# (bounded, CVOL_DAEMON_WAIT seconds, default 30) for the socket, record
# the pid in CVOL_DAEMON_PID.  Its output goes to $CVOL_TMP/cvold.log.
# Skips when cvold is not built; fails when it dies or never listens.
cvol_start_daemon()
{
	[ -x "$CVOL_BUILD/cvold" ] ||
		cvol_skip "$CVOL_BUILD/cvold is not built yet (make userspace)"
	[ -z "$CVOL_DAEMON_PID" ] ||
		cvol_fail "cvol_start_daemon: cvold already running (pid $CVOL_DAEMON_PID)"
	mkdir -p "$CVOL_STORE_ROOT"
	rm -f "$CVOL_SOCKET"
	"$CVOL_BUILD/cvold" --foreground --store-root "$CVOL_STORE_ROOT" \
		--socket "$CVOL_SOCKET" "$@" >>"$CVOL_TMP/cvold.log" 2>&1 &
	CVOL_DAEMON_PID=$!
	cvol_sd_i=0
	cvol_sd_max=$((${CVOL_DAEMON_WAIT:-30} * 10))
	while [ ! -S "$CVOL_SOCKET" ]; do
		if ! kill -0 "$CVOL_DAEMON_PID" 2>/dev/null; then
			wait "$CVOL_DAEMON_PID"
			cvol_sd_rc=$?
			CVOL_DAEMON_PID=
			tail -n 20 "$CVOL_TMP/cvold.log"
			cvol_fail "cvold exited with status $cvol_sd_rc before listening on $CVOL_SOCKET"
		fi
		cvol_sd_i=$((cvol_sd_i + 1))
		if [ "$cvol_sd_i" -ge "$cvol_sd_max" ]; then
			tail -n 20 "$CVOL_TMP/cvold.log"
			cvol_fail "cvold did not create $CVOL_SOCKET within ${CVOL_DAEMON_WAIT:-30}s"
		fi
		sleep 0.1
	done
	export CVOL_SOCKET CVOL_DAEMON_PID
}

# cvol_stop_daemon [SIGNAL]: stop cvold (SIGTERM by default), wait up to
# 10 s, then SIGKILL.  Returns cvold's exit status (128+N if killed).
# shellcheck disable=SC2120
cvol_stop_daemon()
{
	[ -n "$CVOL_DAEMON_PID" ] || return 0
	kill "-${1:-TERM}" "$CVOL_DAEMON_PID" 2>/dev/null
	cvol_st_i=0
	while kill -0 "$CVOL_DAEMON_PID" 2>/dev/null &&
		[ -z "$(ps -o stat= -p "$CVOL_DAEMON_PID" 2>/dev/null | grep Z)" ]; do
		cvol_st_i=$((cvol_st_i + 1))
		if [ "$cvol_st_i" -ge 100 ]; then
			echo "cvold (pid $CVOL_DAEMON_PID) ignored SIG${1:-TERM} for 10s: killing it"
			kill -KILL "$CVOL_DAEMON_PID" 2>/dev/null
			break
		fi
		sleep 0.1
	done
	wait "$CVOL_DAEMON_PID"
	cvol_st_rc=$?
	CVOL_DAEMON_PID=
	return "$cvol_st_rc"
}

# cvol_rpc JSON: send one request line to cvold's socket, print the reply.
cvol_rpc()
{
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(120)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
print(s.makefile().readline().strip())' "$CVOL_SOCKET" "$1"
}

# cvol_sum FILE [OFFSET LENGTH]: sha256 of FILE or of a byte range of it.
cvol_sum()
{
	if [ $# -ge 3 ]; then
		dd if="$1" iflag=skip_bytes,count_bytes skip="$2" count="$3" \
			bs=1M 2>/dev/null | sha256sum | cut -d' ' -f1
	else
		sha256sum <"$1" | cut -d' ' -f1
	fi
}
