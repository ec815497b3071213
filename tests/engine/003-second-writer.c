// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host */
/* One writer per head: a second read-write open (from another pool
 * instance, as another daemon would) gets -EBUSY naming the holder;
 * read-only opens and snapshots still open; renaming the volume from the
 * other instance is refused the same way; the lock drops on close. */
#include "testlib.h"

int main(void)
{
	struct cvol_store_conf conf;
	struct cvol_pool *a, *b;
	struct cvol_vol *v, *w;
	char holder[128];

	t_conf(&conf);
	a = t_pool(&conf);
	b = t_pool(&conf);
	T_OK(cvol_vol_create(a, "v", 1 << 20, 16));
	T_OK(cvol_vol_open(a, "v", NULL, 0, &v));
	snprintf(holder, sizeof(holder), ":%d", (int)getpid());
	T_ERR(cvol_vol_open(b, "v", NULL, 0, &w), -EBUSY,
	      "volume 'v' is open for writing by");
	if (!strstr(cvol_errmsg(), holder))
		T_FAIL("holder not named: %s", cvol_errmsg());
	T_ERR(cvol_vol_rename(b, "v", "renamed"), -EBUSY,
	      "volume 'v' is open for writing by");
	T_OK(cvol_vol_open(b, "v", NULL, CVOL_OPEN_RDONLY, &w));
	T_OK(cvol_vol_close(w));
	T_OK(cvol_vol_close(v));
	T_OK(cvol_vol_open(b, "v", NULL, 0, &w));
	T_OK(cvol_vol_close(w));
	cvol_pool_close(a);
	cvol_pool_close(b);
	printf("ok\n");
	return 0;
}
