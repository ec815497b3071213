// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host */
/*
 * Fail mode after a store sync error (review finding D10): the file
 * store, on fsmodel, poisons itself when an fdatasync fails (the pages
 * are clean and lost, a retry would "succeed").  The engine must then put
 * every volume open for writing on that store in fail mode, with the
 * reason kept: every later write, discard, flush and snapshot of them
 * fails with -EIO and a message naming the volume and the sync error,
 * nothing more is committed to the store (no map chunk is replaced),
 * and reads still work.  Volumes opened read-only stay as they are.
 */
#include "lib/fsmodel.h"
#include "testlib.h"

#define OSZ (64u << 10)

/* every change to @v must fail with -EIO naming it and the sync error */
static void expect_failed(struct cvol_pool *pool, struct cvol_vol *v,
			  const char *name, uint8_t *buf)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "volume '%s' failed", name);
	if (!cvol_vol_failed(v) || !strstr(cvol_vol_failed(v), "fdatasync"))
		T_FAIL("%s: reason '%s'", name,
		       cvol_vol_failed(v) ? cvol_vol_failed(v) : "(none)");
	T_ERR(cvol_vol_write(v, buf, 0, 4096, 0), -EIO, msg);
	T_ERR(cvol_vol_write(v, buf, 0, 4096, 0), -EIO, "fdatasync");
	T_ERR(cvol_vol_write(v, buf, 2 * OSZ, OSZ, 0), -EIO, msg);
	T_ERR(cvol_vol_discard(v, 0, OSZ), -EIO, msg);
	T_ERR(cvol_vol_write_zeroes(v, 0, 4096), -EIO, msg);
	T_ERR(cvol_vol_flush(v), -EIO, msg);
	T_ERR(cvol_vol_flush(v), -EIO, msg);
	T_ERR(cvol_snap_create(pool, name, "s"), -EIO, msg);
}

int main(void)
{
	static uint8_t a[OSZ], b[OSZ], c[OSZ], got[OSZ];
	struct cvol_store_conf conf;
	struct cvol_pool *pool;
	struct cvol_vol *v, *w, *r;
	struct cvol_vol_info info;
	uint64_t renames;

	setenv("CVOL_TEST_STORE", "file", 1);
	setenv("CVOL_TMP", FSMODEL_ROOT, 1);
	fsmodel_reset();
	v = t_setup(&conf, &pool, 4 * OSZ);
	w = t_vol(pool, "w", 4 * OSZ);
	T_OK(cvol_vol_open(pool, "v", NULL, CVOL_OPEN_RDONLY, &r));
	t_fill(a, OSZ, 1);
	t_fill(b, OSZ, 2);
	t_fill(c, OSZ, 3);
	/* allocating writes commit: v owns objects 0 and 1, w object 0 */
	T_OK(cvol_vol_write(v, a, 0, OSZ, 0));
	T_OK(cvol_vol_write(v, a, OSZ, OSZ, 0));
	T_OK(cvol_vol_write(w, a, 0, OSZ, 0));
	if (cvol_vol_failed(v) || cvol_vol_failed(w) || cvol_vol_failed(r))
		T_FAIL("a volume failed before any error");

	/* an in-place write, then its writeback fails */
	T_OK(cvol_vol_write(v, b, OSZ, OSZ, 0));
	T_OK(fsmodel_fail_fsync(NULL, 1));
	T_ERR(cvol_vol_flush(v), -EIO, "fdatasync");
	renames = fsmodel_ops(FSM_OP_RENAME);

	expect_failed(pool, v, "v", c);
	expect_failed(pool, w, "w", c);
	if (cvol_vol_failed(r))
		T_FAIL("a read-only open failed: %s", cvol_vol_failed(r));
	/* nothing was committed after the error: no map chunk replaced */
	if (fsmodel_ops(FSM_OP_RENAME) != renames)
		T_FAIL("%" PRIu64 " metadata replacements after the sync error",
		       fsmodel_ops(FSM_OP_RENAME) - renames);
	if (cvol_vol_info(pool, "v", "s", &info) != -ENOENT)
		T_FAIL("a snapshot of a failed volume exists");

	/* reads work: what was written, from the page cache */
	T_READ_EQ(v, got, 0, OSZ, a, "v object 0 reads wrong after the error");
	T_READ_EQ(v, got, OSZ, OSZ, b,
		  "v object 1 reads wrong after the error");
	T_READ_EQ(r, got, 0, OSZ, a, "read-only v reads wrong after the error");
	T_READ_EQ(w, got, 0, OSZ, a, "w reads wrong after the error");
	T_ERR(cvol_vol_close(v), -EIO, "volume 'v' failed");
	T_ERR(cvol_vol_close(w), -EIO, "volume 'w' failed");
	T_OK(cvol_vol_close(r));
	cvol_pool_close(pool);
	printf("ok: a store sync error puts its writers in fail mode\n");
	return 0;
}
