#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernel/ is checkpatch clean (--no-tree -f, every .c and .h).
cd "$CVOL_TOP" || exit 1
out=$(scripts/checkpatch 2>&1)
rc=$?
echo "$out"
[ "$rc" -eq 2 ] && { echo "SKIP: linux-source tarball not installed"; exit 4; }
[ "$rc" -eq 0 ] || { echo "checkpatch reported problems"; exit 1; }
echo "$out" | grep -q 'total: 0 errors, 0 warnings' || exit 1
