#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The control socket's directory (daemon review F10), with the real cvold:
# it is created 0700 (its parents 0755) and the socket 0600, an existing
# private one of cvold's is set to 0700, and a symlink, a directory others
# may write (sticky or not) or one another user owns is refused before
# anything is created in it.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctl/lib.sh"
cvol_need_root
mkdir -m 0755 "$CVOL_TMP/run"

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
CVOL_SOCKET=$CVOL_TMP/run/new/dir/cvold.sock
cvol_start_daemon --config ""
dir=${CVOL_SOCKET%/*}
cvol_expect_eq "socket directory" "$(modes "$dir")" "700 root:root"
cvol_expect_eq "its parent" "$(modes "${dir%/*}")" "755 root:root"
cvol_expect_eq "socket" "$(modes "$CVOL_SOCKET")" "600 root:root"
ctl_ok status
cvol_stop_daemon || cvol_fail "cvold did not stop cleanly"

# --- an existing private directory is set to what it must be ---
chmod 0750 "$dir"
cvol_start_daemon --config ""
cvol_expect_eq "existing private directory" "$(modes "$dir")" "700 root:root"
cvol_stop_daemon

# --- a symlink is not followed, a directory others may write is refused ---
mkdir -m 0750 "$CVOL_TMP/run/target"
ln -s target "$CVOL_TMP/run/link"
cvold_fails "cvold: socket directory $CVOL_TMP/run/link: a symlink (name the directory itself)" \
	--socket "$CVOL_TMP/run/link/cvold.sock"
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
echo PASS
