// SPDX-License-Identifier: GPL-2.0
/*
 * Helper of tests/rados/005-full-pool.sh (not a test by itself): on a
 * RADOS pool about to fill up, write a volume 1 MiB object by object
 * until a write fails with -ENOSPC or -EDQUOT, each write answered
 * within 15 s; discard half of the objects (map chunk commits and
 * removes on a full pool), each within 15 s; then wait (up to 120 s) for
 * a write to succeed again, and check every object after reopening:
 * data exact, discarded objects zeros.  Prints "PASS ..." or "FAIL ...".
 *
 *   full-pool CONF POOL
 */
#include <signal.h>
#include <time.h>

#include "../engine/testlib.h"

#define OSZ (1u << 20)
#define NOBJ 1024
#define SLOW 15.0

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void check_all(struct cvol_vol *v, unsigned int n, unsigned int k,
		      uint8_t *buf, uint8_t *got)
{
	static const uint8_t zeros[OSZ];
	unsigned int i;

	for (i = 0; i < n; i++) {
		t_fill(buf, OSZ, i ? i + 1 : 5000);
		T_READ_EQ(v, got, (uint64_t)i * OSZ, OSZ,
			  i && i < k ? zeros : buf, "object %u", i);
	}
}

int main(int argc, char **argv)
{
	static uint8_t buf[OSZ], got[OSZ];
	struct cvol_store_conf conf = {
		.driver = "rados",
		.pool = "full",
		.op_timeout = 20,
	};
	struct cvol_pool *pool;
	struct cvol_vol *v;
	unsigned int n, i, k;
	double t0, t;
	int ret = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: full-pool CONF POOL\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	conf.ceph_conf = argv[1];
	conf.ceph_pool = argv[2];
	pool = t_pool(&conf);
	T_OK(cvol_vol_create(pool, "v", (uint64_t)NOBJ * OSZ, 20));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	for (n = 0; n < NOBJ; n++) {
		t_fill(buf, OSZ, n + 1);
		t0 = now();
		ret = cvol_vol_write(v, buf, (uint64_t)n * OSZ, OSZ, 0);
		if (now() - t0 > SLOW)
			T_FAIL("write of object %u took %.1f s (= %d)", n,
			       now() - t0, ret);
		if (ret)
			break;
		/* slowly: the OSD must see it is full before it is full */
		usleep(40000);
	}
	if (ret != -ENOSPC && ret != -EDQUOT)
		T_FAIL("write of object %u = %d, expected -ENOSPC or -EDQUOT",
		       n, ret);
	printf("pool full after %u objects: %s\n", n, cvol_errmsg());
	if (n < 8)
		T_FAIL("only %u objects fit", n);

	/* fstrim on the full pool: chunk commits and removes */
	k = n / 2;
	for (i = 0; i < k; i++) {
		t0 = now();
		ret = cvol_vol_discard(v, (uint64_t)i * OSZ, OSZ);
		if (now() - t0 > SLOW)
			T_FAIL("discard of object %u took %.1f s (= %d)", i,
			       now() - t0, ret);
		if (ret)
			T_FAIL("discard of object %u on the full pool = %d", i,
			       ret);
	}
	T_OK(cvol_vol_flush(v));
	printf("discarded %u objects\n", k);

	/* the cluster notices the space, and object 0 takes new data */
	t_fill(buf, OSZ, 5000);
	for (t0 = now(); (t = now()) - t0 < 120; sleep(1)) {
		ret = cvol_vol_write(v, buf, 0, OSZ, 0);
		if (now() - t > SLOW)
			T_FAIL("write while waiting for space took %.1f s",
			       now() - t);
		if (!ret || (ret != -ENOSPC && ret != -EDQUOT))
			break;
	}
	if (ret)
		T_FAIL("write after freeing %u objects = %d", k, ret);
	printf("writes work again after %.0f s\n", now() - t0);
	check_all(v, n, k, buf, got);
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);

	pool = t_pool(&conf);
	T_OK(cvol_vol_open(pool, "v", NULL, CVOL_OPEN_RDONLY, &v));
	check_all(v, n, k, buf, got);
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);
	printf("PASS\n");
	return 0;
}
