#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# SIGHUP reads the configuration file again (daemon review: SIGHUP killed
# cvold without a flush): cvold keeps running, a pool added to the file
# is listed and usable afterwards, the pool opened before keeps its data;
# a file that no longer parses is reported in the log and changes
# nothing; SIGTERM still stops it cleanly.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctl/lib.sh"

conf=$CVOL_TMP/cvol.conf
mkdir -p "$CVOL_TMP/alpha" "$CVOL_TMP/beta"
printf '[pool alpha]\ndriver = file\npath = %s\n' "$CVOL_TMP/alpha" >"$conf"
cvol_start_daemon --config "$conf"
ctl_ok vol create alpha/a --size 1M
ctl_ok -j pool list
cvol_expect_eq "pools at start" "$(ctl_json '[p["name"] for p in j]')" \
	"['alpha', 'default']"

# hup PATTERN: SIGHUP, then wait (bounded) for PATTERN in the log
hup()
{
	n=$(grep -c "SIGHUP" "$CVOL_TMP/cvold.log")
	kill -HUP "$CVOL_DAEMON_PID"
	i=0
	while [ "$(grep -c "SIGHUP" "$CVOL_TMP/cvold.log")" -le "$n" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || cvol_fail "no SIGHUP line in the log within 10 s"
		sleep 0.1
	done
	kill -0 "$CVOL_DAEMON_PID" 2>/dev/null || cvol_fail "SIGHUP killed cvold"
	cvol_expect_contains "log after SIGHUP" \
		"$(grep SIGHUP "$CVOL_TMP/cvold.log" | tail -n 1)" "$1"
}

printf '[pool beta]\ndriver = file\npath = %s\n' "$CVOL_TMP/beta" >>"$conf"
hup "SIGHUP: read $conf again"
ctl_ok -j pool list
cvol_expect_eq "pools after SIGHUP" "$(ctl_json '[p["name"] for p in j]')" \
	"['alpha', 'beta', 'default']"
ctl_err_is 'cvolctl: pool create: pool "beta" exists' pool create beta
ctl_ok vol create beta/b --size 1M
ctl_ok -j vol list beta
cvol_expect_eq "volumes of beta" "$(ctl_json '[v["name"] for v in j]')" "['b']"
ctl_ok -j vol list alpha
cvol_expect_eq "volumes of alpha" "$(ctl_json '[v["name"] for v in j]')" "['a']"

echo "[pool gamma" >>"$conf"
hup "the configuration in use stays"
ctl_ok -j pool list
cvol_expect_eq "pools after a bad file" "$(ctl_json '[p["name"] for p in j]')" \
	"['alpha', 'beta', 'default']"

cvol_stop_daemon || cvol_fail "cvold did not stop cleanly after SIGHUPs"
echo PASS
