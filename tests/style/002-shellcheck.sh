#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every shell script in scripts/, tests/ and utils/ is shellcheck clean.
cd "$CVOL_TOP" || exit 1
command -v shellcheck >/dev/null || { echo "SKIP: shellcheck not installed"; exit 4; }
files=$(grep -rlE '^#!(/usr)?/bin/(env )?(ba)?sh' scripts tests utils .ci 2>/dev/null | sort)
[ -n "$files" ] || { echo "no shell scripts found"; exit 1; }
# shellcheck disable=SC2086
shellcheck -x -S warning $files
