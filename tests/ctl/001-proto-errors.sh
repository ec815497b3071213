#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The control socket (daemon/ctlsock.c, under stubd) answers every bad
# request with the exact errno and message and keeps serving: invalid
# JSON, non-objects, missing or unknown op, missing, mistyped and unknown
# fields (refused before the operation runs),
# invalid names, bad sizes, an over-long line (EMSGSIZE, connection
# closed), several requests on one connection.  The socket is 0600 in a
# 0700 directory.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctl/lib.sh"
cvol_need_cmd python3
ctl_start_stubd

cvol_expect_eq "socket mode" "$(stat -c %a "$CVOL_SOCKET")" 600
cvol_expect_eq "socket dir mode" "$(stat -c %a "$(dirname "$CVOL_SOCKET")")" 700

# Each line: request <TAB> expected reply
python3 - "$CVOL_SOCKET" <<'PY' || cvol_fail "protocol replies differ"
import json, socket, sys
cases = [
    ('not json', {"ok": False, "errno": 22, "error": "request is not valid JSON"}),
    ('{"op": "status"} trailing', {"ok": False, "errno": 22, "error": "request is not valid JSON"}),
    ('[1, 2]', {"ok": False, "errno": 22, "error": "request must be a JSON object"}),
    ('{}', {"ok": False, "errno": 22, "error": "request has no string field \"op\""}),
    ('{"op": 7}', {"ok": False, "errno": 22, "error": "request has no string field \"op\""}),
    ('{"op": "vol.frobnicate"}', {"ok": False, "errno": 95, "error": "unknown op \"vol.frobnicate\""}),
    ('{"op": "vol.create", "pool": "a b", "name": "v", "size": 1048576}',
     {"ok": False, "errno": 22, "error": "invalid pool name \"a b\": use 1-63 characters of A-Z a-z 0-9 . _ -, not starting with . or -"}),
    ('{"op": "vol.create", "pool": 3, "name": "v", "size": 1048576}',
     {"ok": False, "errno": 22, "error": "field \"pool\" must be a string"}),
    ('{"op": "vol.create", "name": "v", "size": 1048576}',
     {"ok": False, "errno": 2, "error": "pool default: no such pool"}),
    ('{"op": "vol.remove", "pool": "default"}',
     {"ok": False, "errno": 2, "error": "pool default: no such pool"}),
    ('{"op": "dev.attach", "name": ".hidden"}',
     {"ok": False, "errno": 22, "error": "invalid volume name \".hidden\": use 1-63 characters of A-Z a-z 0-9 . _ -, not starting with . or -"}),
    ('{"op": "dev.attach", "name": "v", "snap": "s@"}',
     {"ok": False, "errno": 22, "error": "invalid snapshot name \"s@\": use 1-63 characters of A-Z a-z 0-9 . _ -, not starting with . or -"}),
    ('{"op": "dev.attach", "name": "v", "ro": "yes"}',
     {"ok": False, "errno": 22, "error": "field \"ro\" must be a boolean"}),
    ('{"op": "dev.attach", "name": "v"}',
     {"ok": False, "errno": 19, "error": "cvol kernel module not loaded (modprobe cvol)"}),
    ('{"op": "dev.attach", "name": "v", "readonly": true}',
     {"ok": False, "errno": 22, "error": "dev.attach: unknown field \"readonly\" (valid: pool name snap ro progress)"}),
    ('{"op": "status", "verbose": 1}',
     {"ok": False, "errno": 22, "error": "status: unknown field \"verbose\" (valid: progress)"}),
    ('{"op": "dev.detach"}', {"ok": False, "errno": 22, "error": "missing field \"dev_id\""}),
    ('{"op": "dev.detach", "dev_id": -1}', {"ok": False, "errno": 22, "error": "field \"dev_id\" must not be negative"}),
    ('{"op": "dev.detach", "dev_id": "3"}', {"ok": False, "errno": 22, "error": "field \"dev_id\" must be an integer"}),
    ('{"op": "dev.detach", "dev_id": 3}', {"ok": False, "errno": 2, "error": "no device cvol3"}),
    ('{"op": "dev.list"}', {"ok": True, "devices": []}),
    ('{"op": "pool.list"}', {"ok": True, "pools": ["default", "stub"]}),
]
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
f = s.makefile("rwb")
bad = 0
for req, want in cases:
    f.write(req.encode() + b"\n")
    f.flush()
    got = json.loads(f.readline())
    if got != want:
        print("request %s: got %s, want %s" % (req, got, want))
        bad += 1
# status on the same connection
f.write(b'{"op":"status"}\n')
f.flush()
st = json.loads(f.readline())
if not st.get("ok") or st.get("devices") != 0:
    print("status: %s" % st)
    bad += 1
# an over-long line: EMSGSIZE, then the connection is closed
f.write(b'{"op":"' + b"x" * 70000 + b'"}\n')
f.flush()
got = json.loads(f.readline())
want = {"ok": False, "errno": 90, "error": "request longer than 65535 bytes"}
if got != want:
    print("long line: got %s" % got)
    bad += 1
try:
    rest = f.readline()
except ConnectionResetError:
    rest = b""
if rest != b"":
    print("connection not closed after long line: %r" % rest[:80])
    bad += 1
# the daemon still serves new connections
s2 = socket.socket(socket.AF_UNIX)
s2.connect(sys.argv[1])
s2.sendall(b'{"op":"status"}\n')
if not json.loads(s2.makefile().readline()).get("ok"):
    print("no status after bad requests")
    bad += 1
sys.exit(1 if bad else 0)
PY
echo "PASS"
