#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest lane runs inside the QEMU guest of scripts/vm-run: the stock
# kernel (the debug lane: the debug kernel, with the cvol.ko built for
# it), hostname cvol-guest, lo up, the repository at its host path, a
# writable overlay root, fresh /proc, /sys, /dev, /tmp, debugfs, and the
# kernel log markers of cvol_kmsg reach dmesg.
. "$CVOL_TOP/tests/common.sh"

cvol_need_guest
cvol_expect_eq "hostname" "$(hostname)" cvol-guest
case $CVOL_LANE in
guest)
	kver=$(dpkg-query -W -f='${Depends}' linux-image-amd64 |
		sed -n 's/^linux-image-\([^ ,]*\).*/\1/p')
	cvol_expect_eq "guest kernel" "$(uname -r)" "$kver"
	;;
debug)
	[ -f "${CVOL_MODULE:-}" ] || cvol_fail "CVOL_MODULE not set in the debug lane"
	cvol_expect_eq "guest kernel is the one cvol.ko was built for" \
		"$(uname -r)" "$(modinfo -F vermagic "$CVOL_MODULE" | cut -d' ' -f1)"
	grep -q '^CONFIG_KASAN=y' "/lib/modules/$(uname -r)/build/.config" 2>/dev/null ||
		[ -d /sys/kernel/debug/kunit ] ||
		cvol_fail "the debug kernel has neither KASAN config nor KUnit"
	;;
*) cvol_fail "CVOL_LANE: got '$CVOL_LANE', want guest or debug" ;;
esac
case $(cat /sys/class/net/lo/operstate) in
unknown | up) ;;
*) cvol_fail "lo is not up: $(cat /sys/class/net/lo/operstate)" ;;
esac
got=$(python3 -c '
import socket
l = socket.create_server(("127.0.0.1", 0))
c = socket.create_connection(l.getsockname(), timeout=5)
a, _ = l.accept()
c.sendall(b"loopback-ok")
print(a.recv(64).decode())')
cvol_expect_eq "TCP over lo" "$got" loopback-ok
cvol_expect_eq "repository visible" "$(cat "$CVOL_TOP/tests/harness/settings" |
	sha256sum)" "$(sha256sum <"$CVOL_TOP/tests/harness/settings")"
[ -f "$CVOL_TOP/Makefile" ] || cvol_fail "$CVOL_TOP/Makefile not visible"
echo "overlay-write" >/etc/cvol-harness-test ||
	cvol_fail "root overlay not writable"
cvol_expect_eq "overlay readback" "$(cat /etc/cvol-harness-test)" overlay-write
cvol_expect_eq "/tmp fs" "$(stat -f -c %T /tmp)" tmpfs
cvol_expect_eq "/dev fs" "$(stat -f -c %T /dev)" tmpfs
[ -e /proc/modules ] || cvol_fail "/proc/modules missing: no module support"
grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
	cvol_fail "debugfs not mounted"
[ -w "$CVOL_TMP" ] || cvol_fail "CVOL_TMP=$CVOL_TMP not writable"
marker="harness-marker-$$"
cvol_kmsg "$marker"
dmesg | grep -q "cvol-test: $marker" || cvol_fail "kmsg marker not in dmesg"
echo "ok: guest environment as documented"
