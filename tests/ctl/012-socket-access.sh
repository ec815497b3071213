#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Who may use the control socket (daemon review F10), with the real cvold:
# its socket directory is created 0700 (its parents 0755; 0750 and group
# GROUP with --read-group GROUP) and the socket 0600 (0660, GROUP), an
# existing private one of cvold's is set to that, and a symlink, a
# directory others may write (sticky or not) or one another user owns is
# refused before anything is created in it (the symlink's target keeps
# its mode).  cvold checks each peer's credentials (SO_PEERCRED) whatever
# the file modes let through: root may do everything, a member of the
# read group (primary or supplementary) only the read-only requests
# (EPERM otherwise), anyone else nothing (EACCES); cvolctl prints the
# message and exits 1.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctl/lib.sh"
cvol_need_root
cvol_need_cmd setpriv python3
grp=users
gid=$(getent group "$grp" | cut -d: -f3)
[ -n "$gid" ] || cvol_skip "no group $grp"
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
member="setpriv --reuid=65534 --regid=65534 --groups=$gid"
primary="setpriv --reuid=65534 --regid=$gid --clear-groups"
# the peers must reach the socket's directory
chmod 0711 "$CVOL_TMP"
mkdir -m 0755 "$CVOL_TMP/run"

# as PEER ARGS...: ctl_run as the setpriv command line PEER
as()
{
	ctl_as=$1
	shift
	ctl_run "$@"
	ctl_as=
}

# as_err_is PEER WANT ARGS...: as, exit 1 with exactly WANT on stderr
as_err_is()
{
	ae_peer=$1
	ae_want=$2
	shift 2
	as "$ae_peer" "$@"
	cvol_expect_eq "exit status of cvolctl $* ($ae_peer)" "$ctl_rc" 1
	cvol_expect_eq "stderr of cvolctl $* ($ae_peer)" "$ctl_err" "$ae_want"
	cvol_expect_eq "stdout of cvolctl $* ($ae_peer)" "$ctl_out" ""
}

# as_ok PEER ARGS...: as, exit 0 with nothing on stderr
as_ok()
{
	ao_peer=$1
	shift
	as "$ao_peer" "$@"
	[ "$ctl_rc" = 0 ] ||
		cvol_fail "cvolctl $* ($ao_peer): exit $ctl_rc: $ctl_err"
	cvol_expect_eq "stderr of cvolctl $* ($ao_peer)" "$ctl_err" ""
}

# modes PATH: "MODE USER:GROUP"
modes()
{
	stat -c '%a %U:%G' "$1"
}

# cvold_fails WANT ARGS...: cvold ARGS must exit 1 with exactly WANT
cvold_fails()
{
	cf_want=$1
	shift
	cf_rc=0
	timeout 20 "$CVOL_BUILD/cvold" --foreground --store-root \
		"$CVOL_STORE_ROOT" --config "" "$@" >"$CVOL_TMP/cf.out" \
		2>"$CVOL_TMP/cf.err" || cf_rc=$?
	cvol_expect_eq "exit status of cvold $*" "$cf_rc" 1
	cvol_expect_eq "message of cvold $*" "$(cat "$CVOL_TMP/cf.err")" "$cf_want"
}

# --- the directory cvold creates (main() used to make it 0755) ---
CVOL_SOCKET=$CVOL_TMP/run/one/cvold.sock
cvol_start_daemon --config ""
cvol_expect_eq "new socket directory" "$(modes "$CVOL_TMP/run/one")" \
	"700 root:root"
cvol_stop_daemon || cvol_fail "cvold did not stop cleanly"

# --- only root: the directory is 0700, and cvold refuses other peers ---
CVOL_SOCKET=$CVOL_TMP/run/new/dir/cvold.sock
cvol_start_daemon --config ""
dir=${CVOL_SOCKET%/*}
cvol_expect_eq "socket directory" "$(modes "$dir")" "700 root:root"
cvol_expect_eq "its parent" "$(modes "${dir%/*}")" "755 root:root"
cvol_expect_eq "socket" "$(modes "$CVOL_SOCKET")" "600 root:root"
ctl_ok status
as_err_is "$nobody" \
	"cvolctl: status: $CVOL_SOCKET: permission denied (run as root; cvold --read-group GROUP admits a group to read-only requests)" \
	status
# the file modes are not all that guards the socket
chmod 0755 "$dir"
chmod 0666 "$CVOL_SOCKET"
denied="uid 65534 may not use cvold: only root may (cvold --read-group GROUP admits a group to read-only requests)"
as_err_is "$nobody" "cvolctl: status: $denied" status
as_err_is "$nobody" "cvolctl: vol create: $denied" vol create v --size 1M
as_err_is "$member" "cvolctl: vol list: $denied" vol list
ctl_ok -j vol list
cvol_expect_eq "volumes after refused requests" "$(ctl_json 'len(j)')" 0
# every request of the connection is refused, even a bad one (with a
# python3 uid 65534 may run: a pyenv shim under /root is not one)
py=
for p in "$(command -v python3)" /usr/bin/python3; do
	$nobody "$p" -c pass 2>/dev/null && py=$p && break
done
[ -n "$py" ] || cvol_skip "uid 65534 can run no python3"
reply=$($nobody "$py" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"not json\n{\"op\":\"status\"}\n")
f = s.makefile()
print(f.readline(), end="")
print(f.readline(), end="")' "$CVOL_SOCKET")
cvol_expect_eq "raw replies to a refused peer" "$reply" \
	"{\"ok\":false,\"errno\":13,\"error\":\"$denied\"}
{\"ok\":false,\"errno\":13,\"error\":\"$denied\"}"
cvol_stop_daemon || cvol_fail "cvold did not stop cleanly"

# --- a read group: 0750 and group $grp; members may only read ---
CVOL_SOCKET=$CVOL_TMP/run/grp/cvold.sock
cvol_start_daemon --config "" --read-group "$grp"
dir=${CVOL_SOCKET%/*}
cvol_expect_eq "socket directory (read group)" "$(modes "$dir")" "750 root:$grp"
cvol_expect_eq "socket (read group)" "$(modes "$CVOL_SOCKET")" "660 root:$grp"
ctl_ok vol create v --size 1M
ctl_ok snap create v@s
for peer in "$member" "$primary"; do
	as_ok "$peer" -j status
	cvol_expect_eq "status pid ($peer)" "$(ctl_json 'j["pid"]')" \
		"$CVOL_DAEMON_PID"
	as_ok "$peer" -j vol list
	cvol_expect_eq "vol list ($peer)" "$(ctl_json '[v["name"] for v in j]')" \
		"['v']"
	as_ok "$peer" -j vol info v
	cvol_expect_eq "vol info ($peer)" "$(ctl_json 'j["size"]')" 1048576
	as_ok "$peer" -j snap list v
	cvol_expect_eq "snap list ($peer)" "$(ctl_json '[s["snap"] for s in j]')" \
		"['s']"
	as_ok "$peer" -j pool list
	cvol_expect_eq "pool list ($peer)" "$(ctl_json '[p["name"] for p in j]')" \
		"['default']"
	ro="group $grp may run only vol.list, vol.info, snap.list, dev.list, pool.list, status"
	as_err_is "$peer" "cvolctl: vol create: vol.create needs root: $ro" \
		vol create w --size 1M
	as_err_is "$peer" "cvolctl: vol rm: vol.remove needs root: $ro" vol rm v
	as_err_is "$peer" "cvolctl: snap rollback: snap.rollback needs root: $ro" \
		snap rollback v@s
	as_err_is "$peer" "cvolctl: pool check: pool.check needs root: $ro" \
		pool check
	as_err_is "$peer" "cvolctl: attach: dev.attach needs root: $ro" attach v
done
ctl_ok -j vol list
cvol_expect_eq "volumes after refused mutations" \
	"$(ctl_json '[v["name"] for v in j]')" "['v']"
as_err_is "$nobody" \
	"cvolctl: status: $CVOL_SOCKET: permission denied (run as root; cvold --read-group GROUP admits a group to read-only requests)" \
	status
chmod 0755 "$dir"
chmod 0666 "$CVOL_SOCKET"
as_err_is "$nobody" \
	"cvolctl: status: uid 65534 may not use cvold: only root, and members of group $grp for read-only requests, may" \
	status
cvol_stop_daemon || cvol_fail "cvold did not stop cleanly"

# --- an existing private directory is set to what it must be ---
CVOL_SOCKET=$CVOL_TMP/run/new/dir/cvold.sock
dir=${CVOL_SOCKET%/*}
chmod 0700 "$dir"
cvol_start_daemon --config "" --read-group "$gid"
cvol_expect_eq "existing private directory, read group" "$(modes "$dir")" \
	"750 root:$grp"
cvol_stop_daemon
cvol_start_daemon --config ""
cvol_expect_eq "existing private directory, no read group" \
	"$(modes "$dir")" "700 root:root"
cvol_stop_daemon

# --- with the unit's capabilities, a read group needs CAP_CHOWN too ---
caps=$(ctl_unit_caps)
[ -n "$caps" ] || cvol_fail "no CapabilityBoundingSet= in the unit"
case " $caps " in
*" CAP_CHOWN "*) cvol_fail "the unit grants CAP_CHOWN: cvold(8) says a drop-in adds it" ;;
esac
real_build=$CVOL_BUILD
ctl_bounded_cvold "$caps"
CVOL_BUILD=$CVOL_TMP/bin
cvold_fails "cvold: socket directory $CVOL_TMP/run/caps: cannot give it to group $grp: Operation not permitted (--read-group needs CAP_CHOWN)" \
	--socket "$CVOL_TMP/run/caps/cvold.sock" --read-group "$grp"
CVOL_BUILD=$real_build
cvol_expect_eq "nothing in the refused directory" \
	"$(ls -A "$CVOL_TMP/run/caps")" ""
# the drop-in of cvold(8) adds CAP_CHOWN
ctl_bounded_cvold "$caps CAP_CHOWN"
CVOL_BUILD=$CVOL_TMP/bin
CVOL_SOCKET=$CVOL_TMP/run/caps/cvold.sock
cvol_start_daemon --config "" --read-group "$grp"
CVOL_BUILD=$real_build
cvol_expect_eq "socket directory (unit's capabilities and CAP_CHOWN)" \
	"$(modes "${CVOL_SOCKET%/*}")" "750 root:$grp"
cvol_expect_eq "socket (unit's capabilities and CAP_CHOWN)" \
	"$(modes "$CVOL_SOCKET")" "660 root:$grp"
as_ok "$member" -j status
cvol_expect_eq "status pid (unit's capabilities and CAP_CHOWN)" \
	"$(ctl_json 'j["pid"]')" "$CVOL_DAEMON_PID"
cvol_stop_daemon

# --- a symlink is not followed, a directory others may write is refused ---
mkdir -m 0750 "$CVOL_TMP/run/target"
ln -s target "$CVOL_TMP/run/link"
cvold_fails "cvold: socket directory $CVOL_TMP/run/link: a symlink (name the directory itself)" \
	--socket "$CVOL_TMP/run/link/cvold.sock" --read-group "$grp"
cvol_expect_eq "symlink target" "$(modes "$CVOL_TMP/run/target")" \
	"750 root:root"
cvol_expect_eq "nothing in the symlink target" \
	"$(ls -A "$CVOL_TMP/run/target")" ""
mkdir -m 0777 "$CVOL_TMP/run/open"
cvold_fails "cvold: socket directory $CVOL_TMP/run/open: others may write it (mode 777): use a directory only root may write" \
	--socket "$CVOL_TMP/run/open/cvold.sock"
cvol_expect_eq "nothing in the open directory" "$(ls -A "$CVOL_TMP/run/open")" ""
mkdir -m 1777 "$CVOL_TMP/run/sticky"
cvold_fails "cvold: socket directory $CVOL_TMP/run/sticky: others may write it (mode 1777): use a directory only root may write" \
	--socket "$CVOL_TMP/run/sticky/cvold.sock"
cvol_expect_eq "nothing in the sticky directory" \
	"$(ls -A "$CVOL_TMP/run/sticky")" ""
mkdir -m 0755 "$CVOL_TMP/run/theirs"
chown 65534 "$CVOL_TMP/run/theirs"
cvold_fails "cvold: socket directory $CVOL_TMP/run/theirs: owned by uid 65534, who may replace the socket: use a directory only root may write" \
	--socket "$CVOL_TMP/run/theirs/cvold.sock"
cvol_expect_eq "nothing in the other user's directory" \
	"$(ls -A "$CVOL_TMP/run/theirs")" ""
cvold_fails "cvold: --read-group: no group 'nosuchgroup'" \
	--socket "$CVOL_TMP/run/x/cvold.sock" --read-group nosuchgroup
echo PASS
