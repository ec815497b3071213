// SPDX-License-Identifier: GPL-2.0
/*
 * A read-only pool check may run while a volume of the pool is open and
 * busy: one thread writes (allocating and partial writes), discards and
 * flushes an open head while another runs check over and over.  Check
 * never frees or reloads the maps the writer uses: the writer's data stays
 * mapped, every check finds no dangling reference and no bad checksum, and
 * after close and reopen the volume reads exactly what was written.
 *
 * cvol-lane: host rados
 */
#include <pthread.h>

#include "testlib.h"

#define ORDER 16
#define OBJ (1u << ORDER)
#define NOBJ 16
#define SIZE (NOBJ * OBJ)
#define ROUNDS 400

static struct cvol_vol *v;
static struct cvol_pool *pool;
static uint8_t model[SIZE];
static volatile int done;
static unsigned int checks;

static void *writer(void *arg)
{
	static uint8_t buf[2 * OBJ];
	uint64_t rs = 7, off, len;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		off = (t_rand(&rs) % (SIZE / 512)) * 512;
		len = 512 * (1 + t_rand(&rs) % (2 * OBJ / 512));
		if (off + len > SIZE)
			len = SIZE - off;
		if (r % 5 == 4) {
			T_OK(cvol_vol_discard(v, off, len));
			memset(model + off, 0, len);
		} else {
			t_fill(buf, len, r + 1);
			T_OK(cvol_vol_write(v, buf, off, len, 0));
			memcpy(model + off, buf, len);
		}
		if (r % 3 == 2)
			T_OK(cvol_vol_flush(v));
	}
	T_OK(cvol_vol_flush(v));
	done = 1;
	return NULL;
}

static void *checker(void *arg)
{
	struct cvol_check_report rep;

	while (!done) {
		T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
		if (rep.dangling || rep.bad_checksums)
			T_FAIL("check beside I/O: %" PRIu64
			       " dangling, %" PRIu64 " bad checksums",
			       rep.dangling, rep.bad_checksums);
		checks++;
	}
	return NULL;
}

int main(void)
{
	static uint8_t got[SIZE];
	struct cvol_store_conf conf;
	struct cvol_check_report rep;
	pthread_t w, c;

	t_conf(&conf);
	pool = t_pool(&conf);
	T_OK(cvol_vol_create(pool, "v", SIZE, ORDER));
	T_OK(cvol_snap_create(pool, "v", "empty"));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	if (pthread_create(&c, NULL, checker, NULL) ||
	    pthread_create(&w, NULL, writer, NULL))
		T_FAIL("pthread_create");
	pthread_join(w, NULL);
	pthread_join(c, NULL);
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);

	pool = t_pool(&conf);
	T_OK(cvol_vol_open(pool, "v", NULL, CVOL_OPEN_RDONLY, &v));
	T_OK(cvol_vol_read(v, got, 0, SIZE));
	T_OK(cvol_vol_close(v));
	for (unsigned int i = 0; i < SIZE / 512; i++)
		if (memcmp(got + i * 512, model + i * 512, 512))
			T_FAIL("sector %u differs after %u checks beside I/O",
			       i, checks);
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.dangling || rep.bad_checksums || rep.unreferenced)
		T_FAIL("after close: %" PRIu64 " dangling, %" PRIu64
		       " bad checksums, %" PRIu64 " unreferenced",
		       rep.dangling, rep.bad_checksums, rep.unreferenced);
	cvol_pool_close(pool);
	printf("ok: %u checks beside %d writes, discards and flushes\n", checks,
	       ROUNDS);
	return 0;
}
