#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# KUnit suite cvol_dev (kernel/cvol_kunit.c), run in the debug kernel:
# device state transitions: NEW -> LIVE -> RECOVERING -> LIVE -> DYING,
# NEW -> DYING, binder loss while NEW, a binder replaced during the
# partition scan (the disk is added once), FEATURES gating discard,
# write-zeroes and FUA, a queue count above the CPUs reduced and
# reported, and every refusal (second binder,
# bad queue, shrink, odd size, id in use, writable snapshot, anything on
# a DYING device)
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/kunit/lib.sh"

kunit_suite cvol_dev 8
