#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A pool exists only once created (or configured): naming one that was
# never created is "no pool", with ENOENT, and creates nothing on disk
# (daemon review F8).  `pool create` makes one, a second create says it
# exists, and the new pool then holds volumes.  "default" needs no create.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctl/lib.sh"

cvol_start_daemon --config ""
before=$(ls -A "$CVOL_STORE_ROOT")
msg='no pool "nosuch" ('"$CVOL_STORE_ROOT"'/nosuch does not exist)'
ctl_err_is "cvolctl: vol list: $msg" vol list nosuch
ctl_err_is "cvolctl: vol create: $msg" vol create nosuch/v --size 1M
ctl_err_is "cvolctl: pool check: $msg" pool check nosuch
ctl_err_is "cvolctl: snap create: $msg" snap create nosuch/v@s
rep=$(cvol_rpc '{"op":"vol.info","pool":"nosuch","name":"v"}')
cvol_expect_contains "vol.info in no pool" "$rep" '"errno":2'
cvol_expect_eq "store root after naming a missing pool" \
	"$(ls -A "$CVOL_STORE_ROOT")" "$before"
ctl_ok -j pool list
cvol_expect_eq "pool list" "$(ctl_json '[p["name"] for p in j]')" "['default']"

# the default pool works without a create, and cannot be created again
ctl_ok vol create v0 --size 1M
ctl_err_is 'cvolctl: pool create: pool "default" exists' pool create default

ctl_ok -j pool create fast
cvol_expect_eq "pool create output" "$(ctl_json 'j["pool"]')" fast
ctl_err_is 'cvolctl: pool create: pool "fast" exists' pool create fast
ctl_ok vol create fast/db --size 4M
ctl_ok -j vol list fast
cvol_expect_eq "volumes of the new pool" \
	"$(ctl_json '[v["name"] for v in j]')" "['db']"
ctl_ok -j pool list
cvol_expect_eq "pool list" "$(ctl_json '[p["name"] for p in j]')" \
	"['default', 'fast']"

# a restarted cvold finds the created pool, and still no other
cvol_stop_daemon
cvol_start_daemon --config ""
ctl_ok -j vol list fast
cvol_expect_eq "volumes after a restart" \
	"$(ctl_json '[v["name"] for v in j]')" "['db']"
ctl_err_is "cvolctl: vol list: $msg" vol list nosuch
echo "ok: unknown pools refused and not created; pool create makes one"
