// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Allocation failures in snapshot create (review finding D11).  A
 * snapshot create with the head open for writing is made to fail at each
 * of its allocations in turn (tests/lib/failmalloc.h).  Whatever it
 * returns, the snapshot must hold what the head held when it was taken
 * if it exists: a head still writing into the frozen layer (its chain not
 * switched after the directory changed) would change the snapshot.  Then
 * the head either takes the next write (read back) or, in fail mode,
 * refuses it with -EIO and says why, and reopening it clears that.  The
 * snapshot is removed again after each round.
 *
 * cvol-lane: host
 */
#include "lib/failmalloc.h"
#include "testlib.h"

#define ORDER 16
#define OSZ (1u << ORDER)
#define MAXN 2000

int main(void)
{
	static uint8_t before[OSZ], after[OSZ], got[OSZ];
	struct cvol_store_conf conf;
	struct cvol_vol_info info;
	struct cvol_pool *pool;
	struct cvol_vol *v, *s;
	unsigned int n, exist = 0, failed = 0;
	char snap[32];
	bool hit;
	int ret;

	v = t_setup(&conf, &pool, 4 * OSZ);
	for (n = 1; n <= MAXN; n++) {
		snprintf(snap, sizeof(snap), "s%u", n);
		t_fill(before, OSZ, 2 * n);
		t_fill(after, OSZ, 2 * n + 1);
		/* the head owns object 0 with @before */
		T_OK(cvol_vol_write(v, before, 0, OSZ, CVOL_WRITE_FUA));
		failmalloc_at(n);
		ret = cvol_snap_create(pool, "v", snap);
		hit = failmalloc_hit();
		failmalloc_at(0);
		if (!hit) {
			T_OK(ret);
			break; /* past its last allocation: all were tried */
		}
		if (ret && ret != -ENOMEM && ret != -EIO)
			T_FAIL("allocation %u failed: snapshot create = %d", n,
			       ret);

		/* write object 0 again: in place, or a new object */
		ret = cvol_vol_write(v, after, 0, OSZ, 0);
		if (ret) {
			T_ERR(ret, -EIO, "volume 'v' failed");
			if (!cvol_vol_failed(v))
				T_FAIL("allocation %u failed: write = -EIO, no reason kept",
				       n);
			failed++;
			T_ERR(cvol_vol_close(v), -EIO, "volume 'v' failed");
			T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
			if (cvol_vol_failed(v))
				T_FAIL("reopened, still failed: %s",
				       cvol_vol_failed(v));
			T_OK(cvol_vol_write(v, after, 0, OSZ, 0));
		}
		T_OK(cvol_vol_flush(v));
		T_READ_EQ(
			v, got, 0, OSZ, after,
			"allocation %u failed: the head does not read its write",
			n);
		if (cvol_vol_info(pool, "v", snap, &info) == -ENOENT)
			continue;
		exist++;
		T_OK(cvol_vol_open(pool, "v", snap, 0, &s));
		T_READ_EQ(
			s, got, 0, OSZ, before,
			"allocation %u failed (snapshot create = %d): the snapshot changed after it was taken",
			n, ret);
		T_OK(cvol_vol_close(s));
		/* keep the chain short: allocations grow with it */
		T_OK(cvol_snap_remove(pool, "v", snap));
	}
	if (n > MAXN)
		T_FAIL("snapshot create makes more than %d allocations", MAXN);
	printf("%u allocation points, %u left the snapshot, %u put the head in fail mode\n",
	       n - 1, exist, failed);
	return t_pass(pool);
}
