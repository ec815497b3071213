#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# KUnit suite cvol_genl (kernel/cvol_kunit.c), run in the debug kernel:
# DEV_ADD attribute combinations parsed as genetlink parses them (strict,
# against the family's policy) and then by cvol_nl_parse_add(): each
# required attribute missing, wrong lengths, ranges, masks, output-only
# and unknown attributes, names, sizes against the block size, and the
# module's device and queue limits, the backend identity's length and
# characters, each with the errno and the attribute
# the extended ack blames
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/kunit/lib.sh"

kunit_suite cvol_genl 2 48
