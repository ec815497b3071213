#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# KUnit suite cvol_split (kernel/cvol_kunit.c), run in the debug kernel:
# splitting a request at object boundaries: a table of requests
# (zero-length, inside one object, across one and two boundaries,
# maximum-size at orders 16 and 26, the last partial object, the top of
# the largest device, too little room, orders out of range) and the
# tiling invariants over every 512-byte offset and length
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/kunit/lib.sh"

kunit_suite cvol_split 2 20
