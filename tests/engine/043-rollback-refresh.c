// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Rollback beside a read-only open of the head in the same process
 * (review finding D25): after `rollback v s` the read-only open must
 * serve the new head over the snapshot, as a fresh open does, not the
 * destroyed old head: it has the snapshot's size (the old head was grown
 * after the snapshot) and it sees what is written to the new head.
 */
#include "testlib.h"

#define ORDER 16
#define OSZ (1u << ORDER)
#define SIZE (4 * OSZ)

int main(void)
{
	static uint8_t a[SIZE], b[2 * SIZE], c[OSZ], got[2 * SIZE];
	struct cvol_store_conf conf;
	struct cvol_vol_info info;
	struct cvol_pool *pool;
	struct cvol_vol *v, *r;

	v = t_setup(&conf, &pool, SIZE);
	t_write(v, a, 0, SIZE, 1);
	T_OK(cvol_vol_close(v));
	T_OK(cvol_snap_create(pool, "v", "s"));
	T_OK(cvol_vol_resize(pool, "v", 2 * SIZE, false));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	t_write(v, b, 0, 2 * SIZE, 2);
	T_OK(cvol_vol_close(v));

	T_OK(cvol_vol_open(pool, "v", NULL, CVOL_OPEN_RDONLY, &r));
	T_READ_EQ(r, got, 0, 2 * SIZE, b, "read-only head before the rollback");
	T_OK(cvol_snap_rollback(pool, "v", "s"));
	T_OK(cvol_vol_get_info(r, &info));
	if (info.size != SIZE)
		T_FAIL("size %" PRIu64 " after the rollback", info.size);
	T_ERR(cvol_vol_read(r, got, SIZE, OSZ), -EINVAL, "beyond the end");
	T_READ_EQ(
		r, got, 0, SIZE, a,
		"read-only head after the rollback does not read the snapshot");

	/* the new head's writes show through the read-only open */
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	t_write(v, c, OSZ, OSZ, 3);
	memcpy(a + OSZ, c, OSZ);
	T_READ_EQ(v, got, 0, SIZE, a, "head after the rollback and a write");
	T_READ_EQ(r, got, 0, SIZE, a,
		  "read-only head does not see the new head's write");
	T_OK(cvol_vol_close(v));
	T_OK(cvol_vol_close(r));
	return t_pass(pool);
}
