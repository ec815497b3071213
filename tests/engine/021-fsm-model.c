// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host */
/* cvol-timeout: 400 */
/*
 * The model test (020-model.c: random writes, discards, flushes,
 * snapshots, clones, rollbacks, flattens, resizes and reopens, compared
 * byte for byte with a reference model) on the real file store, running
 * on the fsmodel file system (tests/lib/fsmodel.h) instead of a disk: the
 * file store's whole code path, at memory speed.  CVOL_MODEL_OPS
 * (default 3000 here) and CVOL_MODEL_SEED work as in 020.
 */
#include "lib/fsmodel.h"

#define main model_main
#include "020-model.c"
#undef main

int main(void)
{
	setenv("CVOL_TEST_STORE", "file", 1);
	setenv("CVOL_TMP", FSMODEL_ROOT, 1);
	setenv("CVOL_MODEL_OPS", "3000", 0);
	fsmodel_reset();
	return model_main();
}
