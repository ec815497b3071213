/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The full-file-system scenario of review finding D14, shared by the test
 * on fsmodel (a capacity limit) and the one on a small tmpfs.
 *
 * A volume larger than the free space is written object by object (whole
 * 64 KiB objects, each an allocating write that commits its map chunk)
 * until a write fails with -ENOSPC.  Then half of what was written is
 * discarded object by object, as fstrim does: every discard must succeed
 * (its chunk commit must find room) and free the objects' blocks (at
 * least a quarter of them net: the store may take some back for its
 * metadata reserve).  The
 * objects written before must read back exact, the discarded ones as
 * zeros, new writes into the freed space must succeed, and all of it must
 * read back the same after the pool is closed and opened again.
 */
#ifndef CVOL_TEST_ENOSPC_H
#define CVOL_TEST_ENOSPC_H

#include "testlib.h"

#define ENOSPC_OSZ (64u << 10)

/*
 * @conf: a fresh file store; @nobj: objects of the volume (more than
 * fit); @full: make the file system full from now on (NULL: it fills by
 * itself); @used: bytes in use on the file system
 */
static inline void t_enospc_fill_trim(struct cvol_store_conf *conf,
				      unsigned int nobj, void (*full)(void),
				      uint64_t (*used)(void))
{
	uint8_t *buf = t_alloc(ENOSPC_OSZ), *got = t_alloc(ENOSPC_OSZ);
	static const uint8_t zeros[ENOSPC_OSZ];
	struct cvol_pool *pool;
	struct cvol_vol *v;
	unsigned int i, n, k;
	uint64_t before;
	int ret = 0;

	pool = t_pool(conf);
	v = t_vol(pool, "v", (uint64_t)nobj * ENOSPC_OSZ);
	if (full)
		full();
	for (n = 0; n < nobj; n++) {
		t_fill(buf, ENOSPC_OSZ, n + 1);
		ret = cvol_vol_write(v, buf, (uint64_t)n * ENOSPC_OSZ,
				     ENOSPC_OSZ, 0);
		if (ret)
			break;
	}
	if (ret != -ENOSPC)
		T_FAIL("write of object %u = %d, expected -ENOSPC (%u objects)",
		       n, ret, nobj);
	if (n < 8)
		T_FAIL("only %u objects fit before ENOSPC", n);
	printf("file system full after %u objects: %s\n", n, cvol_errmsg());
	/* a full file system stays full for writes */
	t_fill(buf, ENOSPC_OSZ, 999);
	T_ERR(cvol_vol_write(v, buf, (uint64_t)n * ENOSPC_OSZ, ENOSPC_OSZ, 0),
	      -ENOSPC, "No space left on device");

	/* fstrim: discard objects 0 .. k-1 one by one */
	k = n / 2;
	before = used();
	for (i = 0; i < k; i++) {
		ret = cvol_vol_discard(v, (uint64_t)i * ENOSPC_OSZ, ENOSPC_OSZ);
		if (ret)
			T_FAIL("discard of object %u of %u on a full file system = %d",
			       i, k, ret);
	}
	T_OK(cvol_vol_flush(v));
	if (used() + (uint64_t)(k / 4) * ENOSPC_OSZ > before)
		T_FAIL("discarding %u objects freed %lld bytes (in use %llu -> %llu)",
		       k, (long long)(before - used()),
		       (unsigned long long)before, (unsigned long long)used());
	for (i = 0; i < n; i++) {
		t_fill(buf, ENOSPC_OSZ, i + 1);
		T_READ_EQ(v, got, (uint64_t)i * ENOSPC_OSZ, ENOSPC_OSZ,
			  i < k ? zeros : buf, "object %u after the discards",
			  i);
	}
	/* the freed space takes new data again */
	for (i = 0; i < k / 4; i++) {
		t_fill(buf, ENOSPC_OSZ, 1000 + i);
		ret = cvol_vol_write(v, buf, (uint64_t)i * ENOSPC_OSZ,
				     ENOSPC_OSZ, 0);
		if (ret)
			T_FAIL("write of object %u after freeing %u objects = %d",
			       i, k, ret);
	}
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);

	pool = t_pool(conf);
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	for (i = 0; i < n; i++) {
		t_fill(buf, ENOSPC_OSZ, i < k / 4 ? 1000 + i : i + 1);
		T_READ_EQ(v, got, (uint64_t)i * ENOSPC_OSZ, ENOSPC_OSZ,
			  i >= k / 4 && i < k ? zeros : buf,
			  "object %u after reopening", i);
	}
	T_OK(cvol_vol_close(v));
	t_pass(pool);
}

#endif /* CVOL_TEST_ENOSPC_H */
