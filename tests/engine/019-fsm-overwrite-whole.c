// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host */
/*
 * Engine crash test on the real file store over fsmodel (review finding
 * D9): a volume's object holds flushed data; it is overwritten whole
 * (64 KiB at an object boundary, no FUA, as the kernel's requests are
 * with order 16) and the power is cut before any flush.  Every 4 KiB of
 * the object must read back old or new, never zeros: flushed data may
 * not be destroyed by an unflushed write.  Power cuts with seeds 1..32,
 * which include "the truncate is durable, the data written after it is
 * not".
 */
#include "lib/fsmodel.h"
#include "testlib.h"

#define OSZ (64u << 10)
#define PG 4096
#define SEEDS 32

int main(void)
{
	static uint8_t oldb[OSZ], newb[OSZ], got[OSZ];
	struct cvol_store_conf conf;
	struct cvol_pool *pool;
	struct cvol_vol *v;
	unsigned int seed, pg;

	setenv("CVOL_TEST_STORE", "file", 1);
	setenv("CVOL_TMP", FSMODEL_ROOT, 1);
	t_fill(oldb, OSZ, 1);
	t_fill(newb, OSZ, 2);
	for (seed = 1; seed <= SEEDS; seed++) {
		fsmodel_reset();
		v = t_setup(&conf, &pool, 4 * OSZ);
		T_OK(cvol_vol_write(v, oldb, OSZ, OSZ, 0));
		T_OK(cvol_vol_flush(v));
		T_OK(cvol_vol_write(v, newb, OSZ, OSZ, 0));
		fsmodel_powercut(seed);
		cvol_vol_close(v); /* fails: the power is gone */
		cvol_pool_close(pool);

		pool = t_pool(&conf);
		T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
		T_OK(cvol_vol_read(v, got, OSZ, OSZ));
		for (pg = 0; pg < OSZ / PG; pg++)
			if (memcmp(got + pg * PG, oldb + pg * PG, PG) &&
			    memcmp(got + pg * PG, newb + pg * PG, PG))
				T_FAIL("seed %u: page %u of the object is neither old nor new",
				       seed, pg);
		T_OK(cvol_vol_close(v));
		cvol_pool_close(pool);
	}
	printf("ok: a whole-object overwrite never destroys flushed data\n");
	return 0;
}
