// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark helper of scripts/bench.d/rados (not a test): write load on a
 * RADOS pool through cvol, with the same shapes as `rbd bench`.
 *
 *   bench-rados LEVEL PATTERN IO_SIZE THREADS TOTAL_BYTES
 *
 * LEVEL: "store" (the rados store driver directly, 4 MiB objects) or
 * "engine" (a cvol volume of 4 MiB objects, order 22, on the rados store;
 * only when the engine is built in).  PATTERN: "rand" or "seq".  THREADS
 * writers each issue one write at a time, so THREADS is the queue depth.
 * The store comes from CVOL_CEPH_CONF, CVOL_CEPH_POOL, CVOL_CEPH_CLIENT.
 * Prints one line: "ops=N secs=S iops=I mib_s=M".
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/err.h"
#include "store/store-driver.h"
#include "engine/engine.h"

#define OBJ_ORDER 22
#define OBJ_SIZE (1ull << OBJ_ORDER)
#define MAX_THREADS 256

struct bench {
	const char *level;
	bool rand;
	size_t io;
	uint64_t total;
	uint64_t span; /* bytes addressed: the whole write set */
	atomic_uint_fast64_t next;
	atomic_int failed;
	struct cvol_store *st;
	struct cvol_vol *vol;
	char prefix[32];
};

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void *writer(void *arg)
{
	struct bench *b = arg;
	uint64_t n = b->total / b->io, seed = (uint64_t)pthread_self() | 1;
	char oid[CVOL_OID_MAX];
	char *buf;
	int ret;

	buf = malloc(b->io);
	if (!buf) {
		b->failed = -ENOMEM;
		return NULL;
	}
	memset(buf, 0x5a, b->io);
	for (;;) {
		uint64_t i = atomic_fetch_add(&b->next, 1), off;

		if (i >= n || b->failed)
			break;
		if (b->rand)
			off = rng_next(&seed) % (b->span / b->io) * b->io;
		else
			off = i * b->io % b->span;
		buf[0] = (char)i;
		if (b->vol) {
			ret = cvol_vol_write(b->vol, buf, off, b->io, 0);
		} else
		{
			snprintf(oid, sizeof(oid), "%s.%016" PRIx64, b->prefix,
				 off >> OBJ_ORDER);
			ret = b->st->ops->write(b->st->priv, oid, buf, b->io,
						off & (OBJ_SIZE - 1));
		}
		if (ret) {
			fprintf(stderr, "bench-rados: write: %s\n",
				cvol_errmsg());
			b->failed = ret;
			break;
		}
	}
	free(buf);
	return NULL;
}

static int cleanup_cb(void *arg, const char *oid)
{
	struct bench *b = arg;

	b->st->ops->remove(b->st->priv, oid);
	return 0;
}

/* the start time in @t0, then @threads writers over @b until they are done */
static void run_writers(struct bench *b, int threads, struct timespec *t0)
{
	pthread_t th[MAX_THREADS];
	int i;

	clock_gettime(CLOCK_MONOTONIC, t0);
	for (i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, writer, b);
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
}

int main(int argc, char **argv)
{
	struct cvol_store_conf conf = { .driver = "rados", .pool = "bench" };
	struct bench b = {};
	struct timespec t0, t1;
	int threads, ret;
	double secs;

	if (argc != 6) {
		fprintf(stderr,
			"usage: bench-rados store|engine rand|seq IO_SIZE THREADS TOTAL\n");
		return 2;
	}
	b.level = argv[1];
	b.rand = !strcmp(argv[2], "rand");
	b.io = strtoull(argv[3], NULL, 0);
	threads = atoi(argv[4]);
	b.total = strtoull(argv[5], NULL, 0);
	if (!b.io || b.io > OBJ_SIZE || OBJ_SIZE % b.io || threads < 1 ||
	    threads > MAX_THREADS || b.total < b.io) {
		fprintf(stderr, "bench-rados: bad arguments\n");
		return 2;
	}
	/* random writes land in a 256 MiB span; sequential ones cover TOTAL */
	b.span = b.rand ? 256ull << 20 :
			  (b.total + OBJ_SIZE - 1) & ~(OBJ_SIZE - 1);
	signal(SIGPIPE, SIG_IGN); /* as cvold does, for librados */
	conf.ceph_conf = getenv("CVOL_CEPH_CONF");
	conf.ceph_pool = getenv("CVOL_CEPH_POOL");
	conf.ceph_client = getenv("CVOL_CEPH_CLIENT");
	snprintf(b.prefix, sizeof(b.prefix), "bench%d", (int)getpid());

	if (!strcmp(b.level, "engine")) {
		struct cvol_pool *pool;

		ret = cvol_pool_open(&conf, &pool);
		if (!ret)
			ret = cvol_vol_create(pool, b.prefix, b.span,
					      OBJ_ORDER);
		if (!ret)
			ret = cvol_vol_open(pool, b.prefix, NULL, 0, &b.vol);
		if (ret) {
			fprintf(stderr, "bench-rados: engine: %s\n",
				cvol_errmsg());
			return 1;
		}
		run_writers(&b, threads, &t0);
		ret = cvol_vol_flush(b.vol);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		cvol_vol_close(b.vol);
		cvol_vol_remove(pool, b.prefix);
		cvol_pool_close(pool);
		if (ret)
			b.failed = ret;
	} else {
		ret = cvol_store_open(&conf, &b.st);
		if (ret) {
			fprintf(stderr, "bench-rados: %s\n", cvol_errmsg());
			return 1;
		}
		run_writers(&b, threads, &t0);
		ret = b.st->ops->flush(b.st->priv);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (ret)
			b.failed = ret;
		b.st->ops->list(b.st->priv, b.prefix, cleanup_cb, &b);
		cvol_store_close(b.st);
	}
	if (b.failed)
		return 1;
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("ops=%" PRIu64 " secs=%.3f iops=%.0f mib_s=%.1f\n",
	       b.total / b.io, secs, (double)(b.total / b.io) / secs,
	       (double)b.total / secs / (1 << 20));
	return 0;
}
