#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The EXAMPLES of the man pages run as written (paths moved under
# $CVOL_TMP): cvolctl(8)'s volume commands against cvold, and its device
# commands failing with the module message on the host (they run for real
# in tests/ctlguest/003-man-examples.sh); cvold(8)'s daemon start;
# cvol.conf(5)'s configuration file loaded by cvold and its pool used;
# libcvolctl(3)'s program compiled with its command line against an
# installed libcvolctl, reporting a missing cvold with the fix.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctl/lib.sh"
cvol_need_cmd python3 cc pkg-config
man=$CVOL_TOP/Documentation/man
ex=$CVOL_TOP/tests/ctl/man-examples.py

# cvol.conf(5): its file, with paths under $CVOL_TMP
python3 "$ex" "$man/cvol.conf.5" --file /etc/cvol/cvol.conf |
	sed "s|/srv/nvme/cvol|$CVOL_TMP/nvme|" >"$CVOL_TMP/cvol.conf"
grep -q '^\[pool fast\]' "$CVOL_TMP/cvol.conf" || cvol_fail "no config in cvol.conf(5)"

# cvold(8) and cvol.conf(5): the daemon lines, with our paths
python3 "$ex" "$man/cvold.8" >"$CVOL_TMP/cvold.ex"
python3 "$ex" "$man/cvol.conf.5" >>"$CVOL_TMP/cvold.ex"
n=0
while read -r line; do
	case $line in
	cvold\ *)
		n=$((n + 1))
		args=$(echo "${line#cvold }" | sed \
			-e "s|--store-root /srv/cvol|--store-root $CVOL_STORE_ROOT|" \
			-e "s|--socket /run/cvol/test.sock||" \
			-e "s|--config /etc/cvol/cvol.conf|--config $CVOL_TMP/cvol.conf|" \
			-e "s|--foreground||")
		# shellcheck disable=SC2086
		cvol_start_daemon $args
		ctl_ok -j status
		cvol_expect_eq "status after: cvold $args" "$(ctl_json 'j["daemon"]')" running
		cvol_stop_daemon || cvol_fail "cvold $args did not stop cleanly"
		;;
	esac
done <"$CVOL_TMP/cvold.ex"
cvol_expect_eq "cvold example lines" "$n" 2

# cvolctl(8), cvold(8) and cvol.conf(5) cvolctl lines against one cvold
cvol_start_daemon --config "$CVOL_TMP/cvol.conf"
for page in cvolctl.8 cvold.8 cvol.conf.5; do
	python3 "$ex" "$man/$page" | grep '^cvolctl ' >"$CVOL_TMP/ex"
	while read -r line; do
		# shellcheck disable=SC2046
		set -- $(echo "${line#cvolctl }" | sed 's|-s /run/cvol/test.sock||')
		case $line in
		*attach* | *detach* | *" dev "*)
			ctl_run "$@"
			cvol_expect_eq "exit of $line" "$ctl_rc" 1
			cvol_expect_contains "$line" "$ctl_err" \
				"cvol kernel module not loaded (modprobe cvol)"
			;;
		*)
			ctl_ok "$@"
			;;
		esac
	done <"$CVOL_TMP/ex"
done
ctl_ok -j vol info vm2
cvol_expect_eq "vm2 from the examples" \
	"$(ctl_json '(j["parent"], j["size"])')" "('vm1@base', 10737418240)"
ctl_ok -j vol info vm1
cvol_expect_eq "vm1 resized by the examples" "$(ctl_json 'j["size"]')" 21474836480
ctl_ok -j vol info fast/vm1
[ -d "$CVOL_TMP/nvme" ] || cvol_fail "pool fast not stored in its configured path"

# libcvolctl(3): the program and its build line, against an installed copy
root=$CVOL_TMP/root
make -s -C "$CVOL_TOP" install-libctl DESTDIR="$root" PREFIX=/usr \
	>"$CVOL_TMP/install.log" 2>&1 || cvol_fail "install-libctl failed"
sed -n '/^\.SH EXAMPLES/,/^\.fi/p' "$man/libcvolctl.3" |
	sed -e '/^\./d' -e 's/\\e/\\/g' -e 's/\\-/-/g' >"$CVOL_TMP/attach.c"
build=$(python3 "$ex" "$man/libcvolctl.3" | grep '^cc ')
(
	cd "$CVOL_TMP" || exit 1
	export PKG_CONFIG_SYSROOT_DIR="$root"
	export PKG_CONFIG_PATH="$root/usr/lib/pkgconfig"
	eval "$build"
) >"$CVOL_TMP/cc.log" 2>&1 || cvol_fail "$build: $(cat "$CVOL_TMP/cc.log")"
out=$(LD_LIBRARY_PATH=$root/usr/lib "$CVOL_TMP/attach" 2>&1)
rc=$?
cvol_expect_eq "libcvolctl example exit" "$rc" 1
if [ -S /run/cvol/cvold.sock ]; then
	cvol_expect_contains "libcvolctl example" "$out" "cvol: "
else
	cvol_expect_eq "libcvolctl example" "$out" \
		"cvol: cvold is not running (systemctl start cvold)"
fi
echo PASS
