#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every vol, snap and pool verb and status against cvold on the host (no
# kernel module), human and -j output, and the exact error line and exit
# status for a missing volume, a snapshot of a missing volume, existing
# names, rm of a snapshot with clones, shrinking without --allow-shrink,
# and attach without the module.  Data round trips are checked through
# vol info (sizes, parents, counts) after each change.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctl/lib.sh"
cvol_need_cmd python3
cvol_start_daemon

# vol create (human: silent; -j: what was created)
ctl_ok vol create vm1 --size 1G
cvol_expect_eq "vol create stdout" "$ctl_out" ""
ctl_ok pool create fast
cvol_expect_eq "pool create stdout" "$ctl_out" ""
ctl_ok -j vol create fast/db --size 256M --object-size 64K
cvol_expect_eq "vol create -j" "$ctl_out" \
	'{"pool":"fast","name":"db","size":268435456}'

# vol list, human and JSON
ctl_ok vol list
cvol_expect_eq "vol list" "$ctl_out" "NAME  SIZE  OBJSIZE  SNAPS  PARENT
vm1     1G       4M      0  -"
ctl_ok -j vol list fast
cvol_expect_eq "vol list -j fast" \
	"$(ctl_json '[(v["name"], v["size"], v["object_size"], v["parent"]) for v in j]')" \
	"[('db', 268435456, 65536, '')]"

# snap create / list
ctl_ok snap create vm1@base
ctl_ok -j snap create default/vm1@s2
cvol_expect_eq "snap create -j" "$ctl_out" \
	'{"pool":"default","name":"vm1","snap":"s2"}'
ctl_ok snap list vm1
cvol_expect_eq "snap list first line" "$(echo "$ctl_out" | head -1)" \
	"SNAPSHOT  SIZE  CLONES  PROTECTED  CREATED"
cvol_expect_eq "snap list names" \
	"$(echo "$ctl_out" | awk 'NR > 1 { print $1, $2, $3, $4 }' | sort)" \
	"base 1G 0 no
s2 1G 0 no"
ctl_ok -j snap list vm1
cvol_expect_eq "snap list -j" \
	"$(ctl_json 'sorted(s["snap"] for s in j)')" "['base', 's2']"

# vol clone and info
ctl_ok vol clone vm1@base vm2
ctl_ok -j vol info vm2
cvol_expect_eq "clone info" \
	"$(ctl_json '(j["name"], j["size"], j["parent"], j["snapshots"])')" \
	"('vm2', 1073741824, 'vm1@base', 0)"
ctl_ok vol info vm1@base
cvol_expect_contains "snapshot info" "$ctl_out" "clones:       1"
cvol_expect_contains "snapshot info" "$ctl_out" "protected:    yes"
ctl_ok vol info vm2
cvol_expect_contains "vol info human" "$ctl_out" "parent:       vm1@base"

# Errors from the engine, exact lines
ctl_err_is "cvolctl: vol info: no volume 'nope'" vol info nope
ctl_err_is "cvolctl: snap create: no volume 'nope'" snap create nope@s
ctl_err_is "cvolctl: snap create: snapshot 'vm1@base' exists" snap create vm1@base
ctl_err_is "cvolctl: vol create: volume 'vm1' exists" vol create vm1 --size 1G
ctl_err_is "cvolctl: snap rm: snapshot 'vm1@base' is protected: it has clones: vm2 (flatten or remove them first)" \
	snap rm vm1@base
ctl_err_is "cvolctl: vol rm: volume 'vm1' has snapshots with clones: vm1@base -> vm2 (flatten or remove them first)" \
	vol rm vm1
ctl_err_is "cvolctl: vol resize: shrinking volume 'vm1' from 1073741824 to 536870912 bytes loses data (allow shrinking to do it)" \
	vol resize vm1 --size 512M
ctl_err_is "cvolctl: vol clone: no snapshot 'vm1@nos'" vol clone vm1@nos c
ctl_err_is "cvolctl: vol rename: no volume 'nope'" vol rename nope x
ctl_err_is "cvolctl: attach: cvol kernel module not loaded (modprobe cvol)" attach vm1

# resize grow, then shrink with --allow-shrink
ctl_ok -j vol resize vm1 --size 2G
cvol_expect_eq "resize -j" "$ctl_out" '{"pool":"default","name":"vm1","size":2147483648}'
ctl_ok vol resize vm1 --size 1536M --allow-shrink
ctl_ok -j vol info vm1
cvol_expect_eq "size after shrink" "$(ctl_json 'j["size"]')" 1610612736

# flatten the clone, then the snapshot may go
ctl_ok vol flatten vm2
ctl_ok -j vol info vm2
cvol_expect_eq "parent after flatten" "$(ctl_json 'j["parent"]')" ""
ctl_ok snap rm vm1@base
ctl_ok -j snap list vm1
cvol_expect_eq "snapshots after rm" "$(ctl_json '[s["snap"] for s in j]')" "['s2']"

# rollback (not attached: allowed)
ctl_ok snap rollback vm1@s2
ctl_ok -j vol info vm1
cvol_expect_eq "size after rollback to s2 (1G)" "$(ctl_json 'j["size"]')" 1073741824

# rename, rm
ctl_ok vol rename vm2 vm3
ctl_err_is "cvolctl: vol info: no volume 'vm2'" vol info vm2
ctl_ok -j vol rename default/vm3 default/vm4
cvol_expect_eq "rename -j" "$ctl_out" '{"pool":"default","name":"vm4","old_name":"vm3"}'
ctl_ok vol rm vm4
ctl_ok -j vol list
cvol_expect_eq "volumes after rm" "$(ctl_json '[v["name"] for v in j]')" "['vm1']"

# pools, check, status
ctl_ok pool list
cvol_expect_eq "pool list" "$ctl_out" "POOL
default
fast"
ctl_ok -j pool check
cvol_expect_eq "pool check -j" \
	"$(ctl_json '(j["pool"], j["volumes"], j["snapshots"], j["dangling"], j["clean"])')" \
	"('default', 1, 1, 0, True)"
ctl_ok pool check fast --repair
cvol_expect_contains "pool check human" "$ctl_out" "volumes:       1"
ctl_ok -j status
cvol_expect_eq "status -j" \
	"$(ctl_json '(j["daemon"], j["pid"], j["kernel_module"], j["devices"])')" \
	"('running', $CVOL_DAEMON_PID, False, 0)"
ctl_ok -p vol info vm1
cvol_expect_contains "pretty JSON" "$ctl_out" '  "name": "vm1",'
echo PASS
