#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs the libcvolctl unit test (libctl-unit.c, sanitized) with stubd
# serving a socket, so errors relayed from the daemon are covered too.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/ctl/lib.sh"
bin=$CVOL_BUILD/tests/ctl/libctl-unit
[ -x "$bin" ] || cvol_skip "$bin is not built (make tests)"
ctl_start_stubd
"$bin" || cvol_fail "libcvolctl unit test failed"
