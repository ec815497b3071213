#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The domain XML of Documentation/libvirt.md is valid for libvirt
# (virt-xml-validate, libvirt-clients) and uses a raw block disk on the
# /dev/cvol/<pool>/<volume> udev path; a broken copy is rejected, so the
# validator really checks.
. "$CVOL_TOP/tests/common.sh"
cvol_need_cmd virt-xml-validate

doc=$CVOL_TOP/Documentation/libvirt.md
xml=$CVOL_TMP/domain.xml
sed -n '/<!-- domain-begin -->/,/<!-- domain-end -->/p' "$doc" |
	sed '/^<!--/d;/^```/d' >"$xml"
cvol_expect_contains "disk element" "$(cat "$xml")" "<disk type='block' device='disk'>"
cvol_expect_contains "source" "$(cat "$xml")" "<source dev='/dev/cvol/default/vm1'/>"
cvol_expect_contains "raw driver" "$(cat "$xml")" "type='raw'"
out=$(virt-xml-validate "$xml" domain 2>&1) ||
	cvol_fail "virt-xml-validate rejected the documented domain: $out"

sed "s|<disk type='block' device='disk'>|<disk type='blockx' device='disk'>|" \
	"$xml" >"$CVOL_TMP/bad.xml"
if virt-xml-validate "$CVOL_TMP/bad.xml" domain >/dev/null 2>&1; then
	cvol_fail "virt-xml-validate accepted an invalid disk type"
fi
echo PASS
