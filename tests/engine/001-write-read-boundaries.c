// SPDX-License-Identifier: LGPL-2.1-or-later
/* Writes across object boundaries read back byte for byte, before and
 * after the pool is closed and reopened; never-written ranges read zeros
 * and allocate nothing. */
#include "testlib.h"

int main(void)
{
	struct cvol_store_conf conf;
	struct cvol_vol_info info;
	struct cvol_pool *pool;
	struct cvol_vol *v;
	size_t osz = 65536, size = 8 * 65536;
	uint8_t *want = calloc(1, size), *got = malloc(size);

	t_conf(&conf);
	pool = t_pool(&conf);
	T_OK(cvol_vol_create(pool, "v", size, 16));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	/* straddles objects 0/1 and 1/2/3; one whole object 5 */
	t_fill(want + osz - 1024, 2048, 1);
	t_fill(want + osz + 512, 2 * osz, 2);
	t_fill(want + 5 * osz, osz, 3);
	T_OK(cvol_vol_write(v, want + osz - 1024, osz - 1024, 2048, 0));
	T_OK(cvol_vol_write(v, want + osz + 512, osz + 512, 2 * osz, 0));
	T_OK(cvol_vol_write(v, want + 5 * osz, 5 * osz, osz, 0));
	T_OK(cvol_vol_read(v, got, 0, size));
	if (memcmp(got, want, size))
		T_FAIL("read back differs before flush");
	T_OK(cvol_vol_flush(v));
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);
	pool = t_pool(&conf);
	T_OK(cvol_vol_open(pool, "v", NULL, CVOL_OPEN_RDONLY, &v));
	memset(got, 0xee, size);
	T_OK(cvol_vol_read(v, got, 0, size));
	if (memcmp(got, want, size))
		T_FAIL("read back differs after reopen");
	T_OK(cvol_vol_get_info(v, &info));
	/* objects 0,1,2,3,5 written; 4,6,7 never */
	if (info.used_objects != 5 || info.size != size || info.order != 16)
		T_FAIL("info: used %" PRIu64 " size %" PRIu64 " order %u",
		       info.used_objects, info.size, info.order);
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);
	free(want);
	free(got);
	printf("ok\n");
	return 0;
}
