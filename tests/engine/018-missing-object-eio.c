// SPDX-License-Identifier: GPL-2.0
/*
 * A map entry whose data object is missing is an I/O error, never zeros.
 * Objects named by the maps are removed behind the engine's back: one the
 * head owns, one it inherits from a snapshot and reads, one it inherits
 * and partially overwrites (the copy-up source is gone).  Each read or
 * write fails with -EIO and a message naming the object; nothing is
 * mapped by the failed write; an object no map names still reads as
 * zeros; check counts the three dangling references.
 *
 * cvol-lane: host rados
 */
#include "testlib.h"

#define ORDER 16
#define OBJ (1u << ORDER)

static struct cvol_store *st;

/* remove every data object of index 0, 1 or 2 ("d.<layer>.<index>") */
static int drop(void *arg, const char *oid)
{
	const char *dot = strrchr(oid, '.');

	if (oid[0] == 'd' && dot && strtoull(dot + 1, NULL, 16) <= 2) {
		T_OK(st->ops->remove(st->priv, oid));
		(*(int *)arg)++;
	}
	return 0;
}

int main(void)
{
	static uint8_t buf[4 * OBJ], got[OBJ];
	struct cvol_store_conf conf;
	struct cvol_check_report rep;
	struct cvol_pool *pool;
	struct cvol_vol *v;
	int dropped = 0;

	t_conf(&conf);
	pool = t_pool(&conf);
	T_OK(cvol_vol_create(pool, "v", 4 * OBJ, ORDER));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	t_fill(buf, 2 * OBJ, 1);
	T_OK(cvol_vol_write(v, buf, 0, 2 * OBJ, CVOL_WRITE_FUA));
	T_OK(cvol_vol_close(v));
	T_OK(cvol_snap_create(pool, "v", "s"));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	T_OK(cvol_vol_write(v, buf, 2 * OBJ, OBJ, CVOL_WRITE_FUA));
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);

	T_OK(cvol_store_open(&conf, &st));
	T_OK(st->ops->list(st->priv, "d.", drop, &dropped));
	cvol_store_close(st);
	if (dropped != 3)
		T_FAIL("removed %d data objects, want 3", dropped);

	pool = t_pool(&conf);
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	/* inherited from v@s, read */
	T_ERR(cvol_vol_read(v, got, 0, 4096), -EIO, "is missing");
	/* inherited, partly overwritten: the copy-up source is gone */
	T_ERR(cvol_vol_write(v, buf, OBJ, 4096, 0), -EIO, "is missing");
	T_ERR(cvol_vol_read(v, got, OBJ, 4096), -EIO, "is missing");
	/* owned by the head */
	T_ERR(cvol_vol_read(v, got, 2 * OBJ + 512, 512), -EIO, "is missing");
	/* never written: zeros */
	memset(got, 0xaa, OBJ);
	T_OK(cvol_vol_read(v, got, 3 * OBJ, OBJ));
	for (unsigned int i = 0; i < OBJ; i++)
		if (got[i])
			T_FAIL("unwritten byte %u reads %#x", i, got[i]);
	T_OK(cvol_vol_close(v));
	T_OK(cvol_vol_open(pool, "v", "s", 0, &v));
	T_ERR(cvol_vol_read(v, got, 0, OBJ), -EIO, "is missing");
	T_OK(cvol_vol_close(v));

	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.dangling != 3)
		T_FAIL("check: %" PRIu64 " dangling, want 3", rep.dangling);
	cvol_pool_close(pool);
	printf("ok: missing objects read and copy up as -EIO\n");
	return 0;
}
