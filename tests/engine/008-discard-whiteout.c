// SPDX-License-Identifier: LGPL-2.1-or-later
/* Discards over a parent: a whole-object discard is a whiteout (reads
 * zeros, the snapshot keeps its data, the head owns no object there); a
 * partial discard reads zeros only in its range; write-zeroes the same;
 * reads of never-written objects read zeros. */
#include "testlib.h"

int main(void)
{
	struct cvol_store_conf conf;
	struct cvol_vol_info info;
	struct cvol_pool *pool;
	struct cvol_vol *v, *s;
	size_t osz = 65536, size = 4 * 65536;
	uint8_t *a = malloc(size), *want = malloc(size), *got = malloc(size);

	t_conf(&conf);
	pool = t_pool(&conf);
	T_OK(cvol_vol_create(pool, "v", size, 16));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	t_fill(a, 3 * osz, 70);
	memset(a + 3 * osz, 0, osz);
	T_OK(cvol_vol_write(v, a, 0, 3 * osz, 0));
	T_OK(cvol_snap_create(pool, "v", "s"));
	memcpy(want, a, size);
	T_OK(cvol_vol_discard(v, 0, osz)); /* whiteout */
	memset(want, 0, osz);
	T_OK(cvol_vol_discard(v, osz + 4096, 8192)); /* partial: copy-up */
	memset(want + osz + 4096, 0, 8192);
	T_OK(cvol_vol_write_zeroes(v, 2 * osz + osz - 512, 512));
	memset(want + 3 * osz - 512, 0, 512);
	T_OK(cvol_vol_flush(v));
	T_OK(cvol_vol_read(v, got, 0, size));
	if (memcmp(got, want, size))
		T_FAIL("head after discards");
	T_OK(cvol_vol_get_info(v, &info));
	/* objects 1 and 2 copied up; 0 is a whiteout, 3 never written */
	if (info.used_objects != 2)
		T_FAIL("head owns %" PRIu64 " objects, expected 2",
		       info.used_objects);
	T_OK(cvol_vol_open(pool, "v", "s", 0, &s));
	T_OK(cvol_vol_read(s, got, 0, size));
	if (memcmp(got, a, size))
		T_FAIL("snapshot changed by discards in the head");
	T_OK(cvol_vol_close(s));
	/* whiteout survives reopen; rewriting part of it reads zeros around */
	T_OK(cvol_vol_close(v));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	t_fill(want + 512, 512, 71);
	T_OK(cvol_vol_write(v, want + 512, 512, 512, 0));
	T_OK(cvol_vol_read(v, got, 0, size));
	if (memcmp(got, want, size))
		T_FAIL("write into a whiteout");
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);
	free(a);
	free(want);
	free(got);
	printf("ok\n");
	return 0;
}
