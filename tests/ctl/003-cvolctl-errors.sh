#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cvolctl usage errors: exit status 1 and exactly one line on stderr for
# unknown objects, verbs and options, bad names, wrong sizes, missing and
# extra arguments, a missing cvold, and errors relayed from cvold (stubd).
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctl/lib.sh"

CVOL_SOCKET=$CVOL_TMP/nothing-here.sock
NAMES="(1-63 of A-Z a-z 0-9 . _ -, not starting with . or -)"
SIZES="(a number with an optional K, M, G or T suffix)"

ctl_err_is 'cvolctl: unknown object "volume" (valid: vol, snap, dev, pool, status, attach, detach, help)' volume list
ctl_err_is 'cvolctl: vol: unknown verb "crate" (valid: create, list, info, rm, rename, resize, clone, flatten, help)' vol crate x
ctl_err_is 'cvolctl: snap: unknown verb "delete" (valid: create, list, rm, rollback, help)' snap delete v@s
ctl_err_is 'cvolctl: dev: missing verb (valid: attach, detach, list, show, help)' dev
ctl_err_is 'cvolctl: unknown option --bogus (valid: -j, -p, -s PATH, -h, -V)' --bogus vol list
ctl_err_is 'cvolctl: vol create: unknown option --read-only' vol create v --size 1G --read-only
ctl_err_is 'cvolctl: vol create: option --size needs a value' vol create v --size
ctl_err_is 'cvolctl: vol create: --size SIZE is required' vol create v
ctl_err_is 'cvolctl: vol create: missing volume name' vol create --size 1G
ctl_err_is 'cvolctl: vol create: unexpected argument "w"' vol create v w --size 1G
ctl_err_is "cvolctl: vol create: invalid volume name \"a b\" $NAMES" vol create "a b" --size 1G
ctl_err_is "cvolctl: vol create: invalid pool name \".p\" $NAMES" vol create .p/v --size 1G
ctl_err_is "cvolctl: vol create: invalid size \"10X\" $SIZES" vol create v --size 10X
ctl_err_is "cvolctl: vol create: invalid size \"-1\" $SIZES" vol create v --size -1
ctl_err_is 'cvolctl: vol create: size "99999999T" is too large' vol create v --size 99999999T
ctl_err_is 'cvolctl: vol create: size 1000 is not a non-zero multiple of 512 bytes' vol create v --size 1000
ctl_err_is 'cvolctl: vol create: object size 1048577 is not a power of two from 64K to 64M' vol create v --size 1G --object-size 1048577
ctl_err_is 'cvolctl: vol create: v@s: a snapshot is not allowed here' vol create v@s --size 1G
ctl_err_is 'cvolctl: vol resize: size 0 is not a non-zero multiple of 512 bytes' vol resize v --size 0
ctl_err_is 'cvolctl: vol clone: v: name a snapshot as VOLUME@SNAPSHOT' vol clone v w
ctl_err_is 'cvolctl: vol clone: p and q are in different pools' vol clone p/v@s q/w
ctl_err_is 'cvolctl: snap create: v: name a snapshot as VOLUME@SNAPSHOT' snap create v
ctl_err_is "cvolctl: snap rm: invalid snapshot name \"s s\" $NAMES" snap rm "v@s s"
ctl_err_is 'cvolctl: pool check: invalid pool name "a/b"' pool check a/b
ctl_err_is 'cvolctl: attach: missing volume name' attach
ctl_err_is 'cvolctl: detach: missing device or volume' detach

# No daemon listening
ctl_err_is 'cvolctl: vol create: cvold is not running (systemctl start cvold)' vol create v --size 1G
ctl_err_is 'cvolctl: attach: cvold is not running (systemctl start cvold)' attach v
ctl_err_is 'cvolctl: status: cvold is not running (systemctl start cvold)' status

# Errors relayed from cvold
ctl_start_stubd
ctl_err_is 'cvolctl: vol list: pool default: no such pool' vol list
ctl_err_is 'cvolctl: snap create: pool p: no such pool' snap create p/v@s
ctl_err_is 'cvolctl: dev attach: cvol kernel module not loaded (modprobe cvol)' dev attach v
ctl_err_is 'cvolctl: attach: cvol kernel module not loaded (modprobe cvol)' -j attach v@s

# help goes to stdout and succeeds
ctl_ok vol help
cvol_expect_contains "vol help" "$ctl_out" "cvolctl vol create [POOL/]VOLUME --size SIZE [--object-size SIZE]"
ctl_ok help
cvol_expect_contains "help" "$ctl_out" "usage: cvolctl [-j|--json]"
echo PASS
