# shellcheck shell=bash
# Helpers for the daemon tests: drive cvold's socket with cvolctl when it
# is built, else with a python3 one-line client (protocol: one JSON object
# per line, see Documentation/daemon-protocol.md).

# cvol_req JSON: send one request to cvold's socket, print the reply line
cvol_req()
{
	cvol_rpc "$1"
}

# cvol_field JSON KEY: print KEY of the reply object JSON
cvol_field()
{
	python3 -c '
import json, sys
v = json.loads(sys.argv[1]).get(sys.argv[2])
print("" if v is None else (str(v).lower() if isinstance(v, bool) else v))' \
		"$1" "$2"
}

# cvol_ok JSON: send, fail the test unless the reply says ok
cvol_ok()
{
	local rep

	rep=$(cvol_req "$1")
	[ "$(cvol_field "$rep" ok)" = true ] ||
		cvol_fail "request $1 failed: $rep"
	printf '%s\n' "$rep"
}

# cvol_create NAME SIZE [ORDER]
cvol_create()
{
	cvol_ok "{\"op\":\"vol.create\",\"pool\":\"default\",\"name\":\"$1\",\"size\":$2,\"order\":${3:-22}}" >/dev/null
}

# cvol_attach NAME [SNAP] [RO]: print the device path
cvol_attach()
{
	local snap="" rep

	[ -n "$2" ] && snap=",\"snap\":\"$2\""
	rep=$(cvol_ok "{\"op\":\"dev.attach\",\"pool\":\"default\",\"name\":\"$1\"$snap,\"ro\":${3:-false}}")
	cvol_field "$rep" path
}

# cvol_detach PATH [force]
cvol_detach()
{
	local id=${1#/dev/cvol}

	cvol_ok "{\"op\":\"dev.detach\",\"dev_id\":$id,\"force\":${2:-false}}" >/dev/null
}

# cvol_detach_at_exit PATH: when the test exits, force-detach device
# PATH (/dev/cvolN) if it is still there
cvol_detach_at_exit()
{
	cvol_at_exit "[ -e $1 ] && cvol_req '{\"op\":\"dev.detach\",\"dev_id\":${1#/dev/cvol},\"force\":true}' >/dev/null"
}

# cvol_need_daemon: skip unless cvold is built and cvol.ko loads
cvol_need_daemon()
{
	[ -x "$CVOL_BUILD/cvold" ] || cvol_skip "cvold not built"
	cvol_load_module
	[ -c /dev/cvol-control ] || cvol_fail "/dev/cvol-control missing"
	command -v python3 >/dev/null || cvol_skip "python3 missing"
}

# cvol_need_fio_daemon: cvol_need_daemon, skip unless fio is installed,
# then start cvold
cvol_need_fio_daemon()
{
	cvol_need_daemon
	command -v fio >/dev/null || cvol_skip "fio missing"
	cvol_start_daemon
}

# cvol_kill_daemon: SIGKILL cvold and reap it (not stopped again at exit)
cvol_kill_daemon()
{
	kill -9 "$CVOL_DAEMON_PID"
	wait "$CVOL_DAEMON_PID" 2>/dev/null
	CVOL_DAEMON_PID=
}

# cvol_wait_gone PATH: wait (bounded) for a device node to disappear
cvol_wait_gone()
{
	local _

	for _ in $(seq 50); do
		[ -e "$1" ] || return 0
		sleep 0.1
	done
	cvol_fail "$1 still present after detach"
}

# cvol_dev_stat NAME STAT: the kernel's counter STAT (reads, writes,
# requeues, ...: cvolctl -j dev show) of device NAME (cvolN)
cvol_dev_stat()
{
	"$CVOL_BUILD/cvolctl" -s "$CVOL_SOCKET" -j dev show "$1" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["stats"][sys.argv[1]])' "$2" ||
		cvol_fail "cvolctl dev show $1 failed"
}

# cvol_requeues NAME: requests of device NAME handed out again after a
# daemon loss
cvol_requeues()
{
	cvol_dev_stat "$1" requeues
}

# cvol_wait_writes NAME: wait (bounded, 60 s) until device NAME has
# served a write: whoever writes has it open (reads may be udev's probe)
cvol_wait_writes()
{
	local _

	for _ in $(seq 600); do
		[ "$(cvol_dev_stat "$1" writes)" -gt 0 ] && return 0
		sleep 0.1
	done
	cvol_fail "no write reached $1 within 60 s"
}

# cvol_start_offline_daemon: cvol_start_daemon, but in a network namespace
# of its own, where the cvol netlink family is invisible: that cvold serves
# volume operations only (no devices, no adoption), like a cvold on a host
# without the module, while the devices of this host wait for the next one
cvol_start_offline_daemon()
{
	local wrap=$CVOL_TMP/offline

	cvol_need_cmd unshare
	mkdir -p "$wrap"
	printf '#!/bin/sh\nexec unshare -n "%s/cvold" "$@"\n' "$CVOL_BUILD" \
		>"$wrap/cvold"
	chmod +x "$wrap/cvold"
	CVOL_BUILD=$wrap cvol_start_daemon
	grep -q "serving volume operations only" "$CVOL_TMP/cvold.log" ||
		cvol_fail "the offline cvold did not say it serves no devices"
}
