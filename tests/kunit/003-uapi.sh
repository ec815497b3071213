#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# KUnit suite cvol_uapi (kernel/cvol_kunit.c), run in the debug kernel:
# the uapi contract: every struct's size and field offsets, ioctl
# encoding, the *_ALL flag masks, and the name, block-size, device-size
# and completion-result validators, and the BIND and COMMIT_FETCH
# argument checks
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/kunit/lib.sh"

kunit_suite cvol_uapi 8
