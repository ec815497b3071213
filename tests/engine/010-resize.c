// SPDX-License-Identifier: LGPL-2.1-or-later
/* Grow keeps data and reads zeros beyond the old end; shrink is refused
 * unless allowed, and a shrunk then regrown volume reads zeros in the
 * cut-off part, also over a snapshot; rename (refused while the volume
 * is open, as head or snapshot), list, remove and key/value
 * metadata. */
#include "testlib.h"

static int nlisted;

static int count(void *arg, const char *name)
{
	nlisted += !strcmp(name, (const char *)arg);
	return 0;
}

int main(void)
{
	struct cvol_store_conf conf;
	struct cvol_vol_info info;
	struct cvol_pool *pool;
	struct cvol_vol *v;
	size_t size = 4 * 65536;
	uint8_t *a = t_alloc(2 * size), *got = t_alloc(2 * size);
	char val[300];

	v = t_setup(&conf, &pool, size);
	t_write(v, a, 0, size, 90);
	T_OK(cvol_snap_create(pool, "v", "s"));
	T_ERR(cvol_vol_resize(pool, "v", size - 70000 / 512 * 512, false),
	      -EINVAL, "allow shrinking explicitly");
	T_OK(cvol_vol_resize(pool, "v", size / 2 + 512, true));
	T_OK(cvol_vol_resize(pool, "v", 2 * size, false));
	memset(a + size / 2 + 512, 0, 2 * size - size / 2 - 512);
	T_READ_EQ(v, got, 0, 2 * size, a,
		  "shrink + grow: cut-off part not zero");
	T_OK(cvol_vol_get_info(v, &info));
	if (info.size != 2 * size)
		T_FAIL("size %" PRIu64, info.size);
	T_OK(cvol_vol_close(v));
	T_OK(cvol_vol_info(pool, "v", "s", &info));
	if (info.size != size)
		T_FAIL("snapshot size changed to %" PRIu64, info.size);

	T_OK(cvol_vol_meta_set(pool, "v", "owner", "alice"));
	T_OK(cvol_vol_meta_set(pool, "v", "owner", "bob"));
	T_OK(cvol_vol_meta_get(pool, "v", "owner", val, sizeof(val)));
	if (strcmp(val, "bob"))
		T_FAIL("meta get: %s", val);
	T_OK(cvol_vol_meta_set(pool, "v", "owner", NULL));
	T_ERR(cvol_vol_meta_get(pool, "v", "owner", val, sizeof(val)),
	      -ENOENT, "has no metadata key 'owner'");
	/* an open volume keeps its name: users (devices) hold it by name */
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	T_ERR(cvol_vol_rename(pool, "v", "w"), -EBUSY,
	      "volume 'v' is open for writing");
	T_OK(cvol_vol_close(v));
	T_OK(cvol_vol_open(pool, "v", "s", 0, &v));
	T_ERR(cvol_vol_rename(pool, "v", "w"), -EBUSY,
	      "volume 'v' is open as a snapshot");
	T_OK(cvol_vol_close(v));
	T_OK(cvol_vol_rename(pool, "v", "w"));
	T_ERR(cvol_vol_info(pool, "v", NULL, &info), -ENOENT,
	      "no volume 'v'");
	T_OK(cvol_vol_list(pool, count, "w"));
	if (nlisted != 1)
		T_FAIL("list: w seen %d times", nlisted);
	T_OK(cvol_vol_open(pool, "w", "s", 0, &v));
	T_OK(cvol_vol_read(v, got, 0, size));
	T_OK(cvol_vol_close(v));
	T_OK(cvol_vol_remove(pool, "w"));
	T_ERR(cvol_vol_remove(pool, "w"), -ENOENT, "no volume 'w'");
	return t_pass(pool);
}
