// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Shrink beside a writer (review finding D19): a thread writes into the
 * last object of an open volume, over and over, while the volume is
 * shrunk to cut that object off.  Its writes must stop being accepted
 * (-EINVAL, beyond the end) before the cut-off tail is discarded: a write
 * accepted in between would survive the shrink, and growing the volume
 * again would show it instead of zeros.  ROUNDS rounds of shrink, then
 * grow, then read the regrown tail; the writer stops at its first
 * -EINVAL or after MAXW writes.
 */
#include <pthread.h>

#include "testlib.h"

#define ORDER 16
#define OSZ (1u << ORDER)
#define NOBJ 4
#define SIZE (NOBJ * OSZ)
#define SMALL (SIZE - OSZ)
#define ROUNDS 10
#define MAXW 100000

static struct cvol_vol *v;
static int nwrites; /* writes accepted this round (__atomic) */

static void *writer(void *arg)
{
	static uint8_t buf[4096];
	uint64_t off;
	int i, ret;

	memset(buf, 0xa5, sizeof(buf));
	for (i = 0; i < MAXW; i++) {
		off = SMALL + (i % (OSZ / sizeof(buf))) * sizeof(buf);
		ret = cvol_vol_write(v, buf, off, sizeof(buf), 0);
		if (ret == -EINVAL)
			break;
		T_OK(ret);
		__atomic_add_fetch(&nwrites, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

int main(void)
{
	static uint8_t zeros[OSZ], got[OSZ];
	struct cvol_store_conf conf;
	struct cvol_pool *pool;
	pthread_t th;
	int r, spins;

	v = t_setup(&conf, &pool, SIZE);
	for (r = 0; r < ROUNDS; r++) {
		__atomic_store_n(&nwrites, 0, __ATOMIC_RELAXED);
		if (pthread_create(&th, NULL, writer, NULL))
			T_FAIL("pthread_create");
		/* let it write a little first (bounded wait) */
		for (spins = 0; spins < 10000 &&
				__atomic_load_n(&nwrites, __ATOMIC_RELAXED) < 4;
		     spins++)
			usleep(100);
		T_OK(cvol_vol_resize(pool, "v", SMALL, true));
		pthread_join(th, NULL);
		T_OK(cvol_vol_resize(pool, "v", SIZE, false));
		T_READ_EQ(
			v, got, SMALL, OSZ, zeros,
			"round %d: the cut-off tail does not read as zeros after shrink and grow (%d writes)",
			r, nwrites);
	}
	T_OK(cvol_vol_close(v));
	return t_pass(pool);
}
