// SPDX-License-Identifier: LGPL-2.1-or-later
/* A snapshot keeps exactly the content at snapshot time (including
 * unflushed writes) while the head keeps changing; snapshots list in
 * creation order and open read-only. */
#include "testlib.h"

static char names[8][16];
static int nnames;

static int collect(void *arg, const char *name)
{
	snprintf(names[nnames++], 16, "%s", name);
	return 0;
}

int main(void)
{
	struct cvol_store_conf conf;
	struct cvol_pool *pool;
	struct cvol_vol *v, *s;
	size_t size = 4 * 65536;
	uint8_t *a = t_alloc(size), *b = t_alloc(size), *got = t_alloc(size);

	v = t_setup(&conf, &pool, size);
	t_write(v, a, 0, size, 10);
	T_OK(cvol_snap_create(pool, "v", "s1")); /* head open: quiesced */
	T_ERR(cvol_snap_create(pool, "v", "s1"), -EEXIST,
	      "snapshot 'v@s1' exists");
	memcpy(b, a, size);
	t_write(v, b + 1000 * 512 / 8, 1000 * 512 / 8, 4096, 11);
	T_OK(cvol_vol_discard(v, 65536, 65536));
	memset(b + 65536, 0, 65536);
	T_OK(cvol_snap_create(pool, "v", "s2"));
	t_write(v, got, 0, size, 12);
	T_OK(cvol_vol_open(pool, "v", "s1", 0, &s));
	T_ERR(cvol_vol_write(s, got, 0, 512, 0), -EROFS, "read-only");
	T_READ_EQ(s, got, 0, size, a, "s1 changed");
	T_OK(cvol_vol_close(s));
	T_OK(cvol_vol_open(pool, "v", "s2", 0, &s));
	T_READ_EQ(s, got, 0, size, b,
		  "s2 differs from the content at snapshot time");
	T_OK(cvol_vol_close(s));
	T_OK(cvol_snap_list(pool, "v", collect, NULL));
	if (nnames != 2 || strcmp(names[0], "s1") || strcmp(names[1], "s2"))
		T_FAIL("snap list: %d names", nnames);
	T_OK(cvol_vol_close(v));
	return t_pass(pool);
}
