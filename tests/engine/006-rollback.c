// SPDX-License-Identifier: LGPL-2.1-or-later
/* Rollback makes the head read as the snapshot again (also a middle
 * snapshot, keeping the newer one intact), is refused while the head is
 * open, and leaves no unreferenced objects behind. */
#include "testlib.h"

int main(void)
{
	struct cvol_store_conf conf;
	struct cvol_check_report rep;
	struct cvol_pool *pool;
	struct cvol_vol *v;
	size_t size = 4 * 65536;
	uint8_t *a = t_alloc(size), *b = t_alloc(size), *got = t_alloc(size);

	v = t_setup(&conf, &pool, size);
	t_write(v, a, 0, size, 30);
	T_OK(cvol_snap_create(pool, "v", "one"));
	t_write(v, b, 0, size, 31);
	T_OK(cvol_snap_create(pool, "v", "two"));
	T_OK(cvol_vol_write(v, a, 0, 65536, 0));
	T_ERR(cvol_snap_rollback(pool, "v", "one"), -EBUSY, "is open");
	T_OK(cvol_vol_close(v));
	T_OK(cvol_snap_rollback(pool, "v", "one"));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	T_READ_EQ(v, got, 0, size, a, "head differs from 'one' after rollback");
	T_OK(cvol_vol_close(v));
	T_OK(cvol_vol_open(pool, "v", "two", 0, &v));
	T_READ_EQ(v, got, 0, size, b, "'two' changed by the rollback");
	T_OK(cvol_vol_close(v));
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.unreferenced || rep.dangling || rep.bad_checksums)
		T_FAIL("check after rollback: %" PRIu64 " unreferenced",
		       rep.unreferenced);
	return t_pass(pool);
}
