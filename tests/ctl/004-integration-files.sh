#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration files: cvol-namer's names for heads, snapshots, partitions
# and non-cvol devices (fake sysfs); the udev rule calls it; cvold.service
# passes systemd-analyze verify; dkms.conf names the module; the bash
# completion completes objects and verbs; `make install-utils
# install-libctl DESTDIR=...` installs everything under DESTDIR/PREFIX.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctl/lib.sh"

namer=$CVOL_BUILD/cvol-namer
[ -x "$namer" ] || cvol_skip "$namer is not built (make userspace)"
fs=$CVOL_TMP/sysfs
mkdev() # N POOL VOL SNAP
{
	mkdir -p "$fs/block/cvol$1/cvol"
	echo "$2" >"$fs/block/cvol$1/cvol/pool"
	echo "$3" >"$fs/block/cvol$1/cvol/volume"
	echo "$4" >"$fs/block/cvol$1/cvol/snapshot"
}
mkdev 0 default vm1 ""
mkdev 12 fast db@x s1
mkdev 3 fast db s1
mkdev 4 "bad pool" v ""
name_of()
{
	CVOL_SYSFS=$fs "$namer" "$1"
	echo "rc=$?"
}
cvol_expect_eq "name of cvol0" "$(name_of cvol0)" "default/vm1
rc=0"
cvol_expect_eq "name of cvol0p2" "$(name_of cvol0p2)" "default/vm1-part2
rc=0"
cvol_expect_eq "name of cvol3" "$(name_of cvol3)" "fast/db@s1
rc=0"
cvol_expect_eq "name of cvol3p1" "$(name_of cvol3p1)" "fast/db@s1-part1
rc=0"
cvol_expect_eq "invalid volume in sysfs" "$(name_of cvol12)" "rc=1"
cvol_expect_eq "invalid pool in sysfs" "$(name_of cvol4)" "rc=1"
cvol_expect_eq "missing device" "$(name_of cvol9)" "rc=1"
cvol_expect_eq "not cvol" "$(name_of sda1)" "rc=1"
cvol_expect_eq "not a number" "$(name_of cvolx)" "rc=1"

rules=$CVOL_TOP/utils/60-cvol.rules
cvol_expect_contains "rule for disks" "$(cat "$rules")" \
	'ENV{DEVTYPE}=="disk", PROGRAM="cvol-namer %k", SYMLINK+="cvol/%c"'
cvol_expect_contains "rule for cvol-control" "$(cat "$rules")" \
	'KERNEL=="cvol-control", MODE="0600", OWNER="root", GROUP="root"'

# The unit, with ExecStart pointing at an executable that exists here
if command -v systemd-analyze >/dev/null 2>&1; then
	sed "s|@SBINDIR@/cvold|/bin/true|" "$CVOL_TOP/utils/cvold.service.in" \
		>"$CVOL_TMP/cvold.service"
	out=$(systemd-analyze verify "$CVOL_TMP/cvold.service" 2>&1 |
		grep -v "Command 'man ")
	cvol_expect_eq "systemd-analyze verify cvold.service" "$out" ""
fi

# dkms.conf is shell; the module is kernel/cvol.ko
dk=$(bash -c '. "$1"; echo "$PACKAGE_NAME ${BUILT_MODULE_NAME[0]} ${BUILT_MODULE_LOCATION[0]}"' \
	dkms "$CVOL_TOP/utils/dkms.conf")
cvol_expect_eq "dkms.conf" "$dk" "cvol cvol kernel/"
[ -f "$CVOL_TOP/kernel/Kbuild" ] || cvol_fail "kernel/Kbuild missing"
cvol_expect_eq "modules-load.d" "$(cat "$CVOL_TOP/utils/cvol.conf")" cvol

# Bash completion
if command -v bash >/dev/null 2>&1; then
	comp=$(bash -c '. "$1"
		COMP_WORDS=(cvolctl vol cr); COMP_CWORD=2; _cvolctl
		echo "${COMPREPLY[*]}"
		COMP_WORDS=(cvolctl -j sn); COMP_CWORD=2; _cvolctl
		echo "${COMPREPLY[*]}"
		COMP_WORDS=(cvolctl dev ""); COMP_CWORD=2; _cvolctl
		echo "${COMPREPLY[*]}"' comp "$CVOL_TOP/utils/cvolctl.bash-completion")
	cvol_expect_eq "bash completion" "$comp" "create
snap
attach detach list show help"
fi

# Install into a scratch root
[ -x "$CVOLCTL" ] || cvol_skip "cvolctl is not built"
root=$CVOL_TMP/root
make -s -C "$CVOL_TOP" install-utils install-libctl DESTDIR="$root" \
	PREFIX=/usr >"$CVOL_TMP/install.log" 2>&1 ||
	cvol_fail "install failed: $(tail -5 "$CVOL_TMP/install.log")"
for f in usr/sbin/cvolctl lib/udev/cvol-namer lib/udev/rules.d/60-cvol.rules \
	lib/systemd/system/cvold.service usr/lib/modules-load.d/cvol.conf \
	usr/share/bash-completion/completions/cvolctl usr/lib/libcvolctl.so.0 \
	usr/include/cvol/ctl.h usr/lib/pkgconfig/libcvolctl.pc \
	usr/src/cvol-0.1/dkms.conf usr/src/cvol-0.1/kernel/Kbuild; do
	[ -e "$root/$f" ] || cvol_fail "not installed: /$f"
done
cvol_expect_contains "installed unit" \
	"$(cat "$root/lib/systemd/system/cvold.service")" \
	"ExecStart=/usr/sbin/cvold --foreground"
cvol_expect_eq "installed cvol-namer --version" \
	"$("$root/lib/udev/cvol-namer" --version)" "$("$CVOLCTL" --version | sed 's/^cvolctl/cvol-namer/')"
cvol_expect_eq "pkg-config prefix" \
	"$(sed -n 's/^prefix=//p' "$root/usr/lib/pkgconfig/libcvolctl.pc")" /usr
# The installed library exports only the versioned API
syms=$(nm -D --defined-only "$root/usr/lib/libcvolctl.so.0" |
	awk '$2 == "T" { print $3 }' | grep -v '^cvol_ctl_' || true)
cvol_expect_eq "symbols outside cvol_ctl_*" "$syms" ""
echo PASS
