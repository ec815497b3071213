#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Progress of long operations: with "progress": true cvold sends
# {"progress": {"done", "total"}} lines ending at done == total before the
# reply, and none without it; cvolctl shows "OBJECT VERB: NN%" on a
# terminal (script(1) provides one) and erases it, and prints nothing
# extra when stderr is not a terminal.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctl/lib.sh"
cvol_need_cmd python3 script
cvol_start_daemon

ctl_ok vol create a --size 64M --object-size 64K
ctl_ok snap create a@s
ctl_ok vol clone a@s b
ctl_ok vol clone a@s c

python3 - "$CVOL_SOCKET" <<'PY' || cvol_fail "progress lines wrong"
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(60)
s.connect(sys.argv[1])
f = s.makefile("rwb")
def call(req):
    f.write(json.dumps(req).encode() + b"\n")
    f.flush()
    lines = []
    while True:
        j = json.loads(f.readline())
        lines.append(j)
        if "ok" in j:
            return lines
bad = 0
r = call({"op": "vol.flatten", "name": "b", "progress": True})
prog = [l["progress"] for l in r[:-1]]
if r[-1] != {"ok": True} or not prog or prog[-1]["done"] != prog[-1]["total"] \
        or any(set(p) != {"done", "total"} for p in prog):
    print("flatten with progress: %s" % r)
    bad += 1
r = call({"op": "vol.flatten", "name": "c"})
if r != [{"ok": True}]:
    print("flatten without progress: %s" % r)
    bad += 1
r = call({"op": "pool.check", "progress": "yes"})
if r != [{"ok": False, "errno": 22, "error": "field \"progress\" must be a boolean"}]:
    print("bad progress field: %s" % r)
    bad += 1
sys.exit(1 if bad else 0)
PY

# cvolctl on a terminal
out=$(script -qc "\"$CVOLCTL\" -s \"$CVOL_SOCKET\" pool check >/dev/null" /dev/null |
	od -An -c | tr -d ' \n')
# (earlier percentages may come first on a slow machine)
case $out in
'\rpoolcheck:'*'100%\r033[K') ;;
*) cvol_fail "pool check progress on a tty: got '$out'" ;;
esac
# and not on a pipe
ctl_ok pool check
cvol_expect_eq "stderr of pool check on a pipe" "$ctl_err" ""
echo PASS
