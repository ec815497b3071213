// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host */
/*
 * Review finding D14 on the real file store over fsmodel: with 4 MiB
 * left on the file system, fill a volume until writes fail with -ENOSPC;
 * discarding whole objects must still succeed (their map chunk commits
 * need new files), free the space, and let writes succeed again; the
 * data written before stays exact (tests/engine/enospc.h).
 */
#include "lib/fsmodel.h"
#include "enospc.h"

static void fill_up(void)
{
	fsmodel_set_space(4u << 20);
}

int main(void)
{
	struct cvol_store_conf conf;

	setenv("CVOL_TEST_STORE", "file", 1);
	setenv("CVOL_TMP", FSMODEL_ROOT, 1);
	fsmodel_reset();
	t_conf(&conf);
	t_enospc_fill_trim(&conf, 256, fill_up, fsmodel_used);
	return 0;
}
