#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# KUnit suite cvol_ring (kernel/cvol_kunit.c), run in the debug kernel:
# request tags through the descriptor ring: hand-out and completion of a
# split read, write data and result-to-status mapping, refused
# completions (out of range, beyond nr_segs, twice), requeue on binder
# loss, abort on removal, tag reuse and sequence wrap at 2^32, and the
# device timeout: a bound but slow binder is waited for, a stuck binder
# (a request handed out and not completed) is timed out, so is a queue
# without a binder
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/kunit/lib.sh"

kunit_suite cvol_ring 9
