// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unaligned or out-of-range requests and bad parameters are refused
 * with -EINVAL and a message saying why; writes to a read-only open are
 * -EROFS. */
#include "testlib.h"

int main(void)
{
	struct cvol_store_conf conf;
	struct cvol_pool *pool;
	struct cvol_vol *v, *r;
	char buf[4096] = { 0 };

	t_conf(&conf);
	pool = t_pool(&conf);
	T_ERR(cvol_vol_create(pool, "v", 1000, 16), -EINVAL,
	      "multiple of 512");
	T_ERR(cvol_vol_create(pool, "v", 1 << 20, 15), -EINVAL,
	      "order 15 out of range 16..26");
	T_ERR(cvol_vol_create(pool, "v", 1 << 20, 27), -EINVAL,
	      "out of range");
	T_ERR(cvol_vol_create(pool, "-v", 1 << 20, 16), -EINVAL,
	      "must not start with");
	T_ERR(cvol_vol_create(pool, "a/b", 1 << 20, 16), -EINVAL,
	      "outside [A-Za-z0-9._-]");
	T_OK(cvol_vol_create(pool, "v", 1 << 20, 16));
	T_ERR(cvol_vol_create(pool, "v", 1 << 20, 16), -EEXIST,
	      "volume 'v' exists");
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	T_ERR(cvol_vol_write(v, buf, 100, 512, 0), -EINVAL,
	      "multiples of 512");
	T_ERR(cvol_vol_write(v, buf, 0, 100, 0), -EINVAL, "multiples of 512");
	T_ERR(cvol_vol_read(v, buf, (1 << 20) - 512, 1024), -EINVAL,
	      "beyond the end of 'v' (1048576 bytes)");
	T_ERR(cvol_vol_discard(v, 1 << 20, 512), -EINVAL, "beyond the end");
	T_ERR(cvol_vol_write_zeroes(v, 512, 513), -EINVAL, "multiples of 512");
	T_OK(cvol_vol_read(v, buf, (1 << 20) - 4096, 4096));
	T_OK(cvol_vol_open(pool, "v", NULL, CVOL_OPEN_RDONLY, &r));
	T_ERR(cvol_vol_write(r, buf, 0, 512, 0), -EROFS, "read-only");
	T_OK(cvol_vol_close(r));
	T_ERR(cvol_vol_open(pool, "nope", NULL, 0, &r), -ENOENT,
	      "no volume 'nope'");
	T_ERR(cvol_vol_open(pool, "v", "nosnap", 0, &r), -ENOENT,
	      "no snapshot 'v@nosnap'");
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);
	printf("ok\n");
	return 0;
}
