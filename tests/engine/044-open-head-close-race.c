// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Resize and flatten use the open head of a volume, found by name, while
 * its opener closes it (review finding D26): the engine must hold the
 * head open until they are done with it (this program runs under ASan: a
 * use after free aborts it).  One thread resizes (grows) the volume and
 * flattens it, ROUNDS times each; the main thread opens and closes the
 * head meanwhile (-EBUSY while a resize or flatten holds its own
 * temporary open, and for them when the head was opened after they
 * looked for it).
 * Afterwards the size is the last one set and the data reads back.  On
 * the in-memory store, for speed: the race is the engine's.
 *
 * cvol-lane: host
 */
#include <pthread.h>

#include "testlib.h"

#define ORDER 16
#define OSZ (1u << ORDER)
#define SIZE (4 * OSZ)
#define ROUNDS 3000

static struct cvol_pool *pool;
static int stop; /* __atomic */

static void *resizer(void *arg)
{
	int i, tries, ret;

	for (i = 1; i <= ROUNDS; i++) {
		/* -EBUSY: the main thread opened it after it was looked for */
		tries = 0;
		do
			ret = cvol_vol_resize(pool, "v", SIZE + i * 512, false);
		while (ret == -EBUSY && ++tries < 100000);
		T_OK(ret);
		ret = cvol_flatten(pool, "v", NULL, NULL);
		if (ret && ret != -EBUSY)
			T_FAIL("flatten = %d", ret);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	return NULL;
}

int main(void)
{
	static uint8_t a[SIZE], got[SIZE];
	struct cvol_store_conf conf = { .driver = "mem", .pool = "race" };
	struct cvol_vol_info info;
	char path[64];
	struct cvol_vol *v;
	pthread_t th;
	int opens = 0, busy = 0, ret;

	snprintf(path, sizeof(path), "race-%d", (int)getpid());
	conf.path = path;
	pool = t_pool(&conf);
	v = t_vol(pool, "v", SIZE);
	t_write(v, a, 0, SIZE, 1);
	T_OK(cvol_vol_close(v));
	if (pthread_create(&th, NULL, resizer, NULL))
		T_FAIL("pthread_create");
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		ret = cvol_vol_open(pool, "v", NULL, 0, &v);
		if (ret == -EBUSY) {
			busy++;
			usleep(20);
			continue;
		}
		T_OK(ret);
		opens++;
		T_OK(cvol_vol_close(v));
	}
	pthread_join(th, NULL);
	T_OK(cvol_vol_info(pool, "v", NULL, &info));
	if (info.size != SIZE + ROUNDS * 512)
		T_FAIL("size %" PRIu64 ", expected %d", info.size,
		       SIZE + ROUNDS * 512);
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	T_READ_EQ(v, got, 0, SIZE, a, "data changed");
	T_OK(cvol_vol_close(v));
	printf("%d opens, %d busy\n", opens, busy);
	t_pass(pool);
	cvol_store_mem_destroy(path);
	return 0;
}
