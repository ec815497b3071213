#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# KUnit suite cvol_ring (kernel/cvol_kunit.c), run in the debug kernel:
# request tags through the descriptor ring: hand-out and completion of a
# split read, write data and result-to-status mapping, refused
# completions (out of range, beyond nr_segs, twice), requeue on binder
# loss, abort on removal, tag reuse and sequence wrap at 2^32
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/kunit/lib.sh"

kunit_suite cvol_ring 6
