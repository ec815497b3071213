// SPDX-License-Identifier: LGPL-2.1-or-later
/* Concurrent I/O on one open volume: writer threads on their own ranges
 * (sharing objects at the edges), a flushing thread and snapshots taken
 * meanwhile; afterwards every range holds its thread's last write and the
 * pool checks clean. */
#include <pthread.h>

#include "testlib.h"

#define NT 4
#define OSZ 65536
#define SPAN (3 * OSZ / 2) /* ranges straddle objects */
#define ROUNDS 60

static struct cvol_vol *v;
static uint8_t last[NT][SPAN];
static volatile int done;

static void *writer(void *arg)
{
	long t = (long)arg;
	uint8_t *buf = malloc(SPAN);
	uint64_t rs = t + 1, off, len;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		off = (t_rand(&rs) % (SPAN / 512)) * 512;
		len = 512 * (1 + t_rand(&rs) % ((SPAN - off) / 512));
		t_fill(buf, len, t * 1000 + r);
		if (r % 7 == 3) {
			T_OK(cvol_vol_discard(v, t * SPAN + off, len));
			memset(last[t] + off, 0, len);
		} else {
			T_OK(cvol_vol_write(v, buf, t * SPAN + off, len, 0));
			memcpy(last[t] + off, buf, len);
		}
	}
	free(buf);
	return NULL;
}

static void *flusher(void *arg)
{
	while (!done)
		T_OK(cvol_vol_flush(v));
	return NULL;
}

int main(void)
{
	struct cvol_store_conf conf;
	struct cvol_check_report rep;
	struct cvol_pool *pool;
	pthread_t th[NT], fl;
	uint8_t *got = malloc(SPAN);
	long t;
	int s;

	t_conf(&conf);
	pool = t_pool(&conf);
	T_OK(cvol_vol_create(pool, "v", NT * SPAN, 16));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	pthread_create(&fl, NULL, flusher, NULL);
	for (t = 0; t < NT; t++)
		pthread_create(&th[t], NULL, writer, (void *)t);
	for (s = 0; s < 3; s++) {
		char name[8];

		snprintf(name, sizeof(name), "s%d", s);
		T_OK(cvol_snap_create(pool, "v", name));
	}
	for (t = 0; t < NT; t++)
		pthread_join(th[t], NULL);
	done = 1;
	pthread_join(fl, NULL);
	T_OK(cvol_vol_flush(v));
	for (t = 0; t < NT; t++) {
		T_OK(cvol_vol_read(v, got, t * SPAN, SPAN));
		if (memcmp(got, last[t], SPAN))
			T_FAIL("range of thread %ld differs", t);
	}
	T_OK(cvol_vol_close(v));
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.unreferenced || rep.dangling || rep.bad_checksums)
		T_FAIL("check: %" PRIu64 " unreferenced %" PRIu64 " dangling",
		       rep.unreferenced, rep.dangling);
	cvol_pool_close(pool);
	free(got);
	printf("ok\n");
	return 0;
}
