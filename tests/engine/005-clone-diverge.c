// SPDX-License-Identifier: LGPL-2.1-or-later
/* A clone reads its snapshot, diverges on write (copy-up of a partial
 * write keeps the rest of the object), leaves the parent untouched, and
 * protects the snapshot (-EBUSY naming the clone) until flattened;
 * flatten reports progress and keeps the content. */
#include "testlib.h"

static uint64_t last_done, last_total;

static void progress(void *arg, uint64_t done, uint64_t total)
{
	last_done = done;
	last_total = total;
}

int main(void)
{
	struct cvol_store_conf conf;
	struct cvol_vol_info info;
	struct cvol_pool *pool;
	struct cvol_vol *v, *c;
	size_t size = 4 * 65536;
	uint8_t *a = t_alloc(size), *b = t_alloc(size), *got = t_alloc(size);

	v = t_setup(&conf, &pool, size);
	t_write(v, a, 0, size, 20);
	T_OK(cvol_snap_create(pool, "v", "base"));
	T_OK(cvol_clone(pool, "v", "base", "c"));
	T_OK(cvol_vol_info(pool, "c", NULL, &info));
	if (strcmp(info.parent_vol, "v") || strcmp(info.parent_snap, "base"))
		T_FAIL("clone parent %s@%s", info.parent_vol,
		       info.parent_snap);
	T_OK(cvol_vol_info(pool, "v", "base", &info));
	if (info.nclones != 1 || !info.protected_)
		T_FAIL("snapshot nclones %u", info.nclones);
	T_OK(cvol_vol_open(pool, "c", NULL, 0, &c));
	T_READ_EQ(c, got, 0, size, a, "clone does not read its snapshot");
	memcpy(b, a, size);
	t_write(c, b + 70000 / 512 * 512, 70000 / 512 * 512, 1024, 21);
	T_READ_EQ(c, got, 0, size, b, "clone after partial write");
	T_READ_EQ(v, got, 0, size, a, "parent changed by the clone's write");
	T_ERR(cvol_snap_remove(pool, "v", "base"), -EBUSY,
	      "snapshot 'v@base' is protected: it has clones: c");
	T_ERR(cvol_vol_remove(pool, "v"), -EBUSY, "is open");
	T_OK(cvol_vol_close(v));
	T_ERR(cvol_vol_remove(pool, "v"), -EBUSY, "has snapshots with clones");
	T_OK(cvol_flatten(pool, "c", progress, NULL));
	if (last_done != 4 || last_total != 4)
		T_FAIL("progress %" PRIu64 "/%" PRIu64, last_done, last_total);
	T_OK(cvol_snap_remove(pool, "v", "base"));
	T_OK(cvol_vol_remove(pool, "v"));
	T_READ_EQ(c, got, 0, size, b,
		  "clone changed by flatten + parent removal");
	T_OK(cvol_vol_get_info(c, &info));
	if (info.parent_vol[0])
		T_FAIL("flattened clone still has parent %s", info.parent_vol);
	T_OK(cvol_vol_close(c));
	return t_pass(pool);
}
