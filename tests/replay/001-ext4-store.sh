#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Block-level crash replay with the file store on ext4: every crash state
# the log of the store's disk allows at each flush mark (and between
# marks) keeps every write cvol acknowledged, with pool check clean and
# ext4 on the cvol device fsck-clean.  See tests/replay/lib.sh.
. "$CVOL_TOP/tests/replay/lib.sh"

replay_run ext4
