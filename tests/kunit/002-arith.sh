#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# KUnit suite cvol_arith (kernel/cvol_kunit.c), run in the debug kernel:
# sector/object arithmetic at orders 16 and 26: offset round trips at the
# limits of the largest device, sectors per object and request limits,
# the mmapped area layout for every depth up to the maximum
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/kunit/lib.sh"

kunit_suite cvol_arith 3
