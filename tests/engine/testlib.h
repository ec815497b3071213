/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers for engine host tests.  The store comes from the environment so
 * the same programs run on every driver:
 *   CVOL_TEST_STORE=file (default): a fresh directory under $CVOL_TMP
 *   CVOL_TEST_STORE=mem: the in-memory store
 *   CVOL_TEST_STORE=rados: CVOL_CEPH_CONF, CVOL_CEPH_POOL, CVOL_CEPH_CLIENT
 * Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.
 */
#ifndef CVOL_TESTLIB_H
#define CVOL_TESTLIB_H

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "lib/store-mem.h"
#include "store/store-driver.h"

#define T_FAIL(...)                                                    \
	do {                                                           \
		printf("FAIL %s:%d: ", __FILE__, __LINE__);            \
		printf(__VA_ARGS__);                                   \
		printf(" (last error: %s)\n", cvol_errmsg());          \
		exit(1);                                               \
	} while (0)

/* expression must be 0 */
#define T_OK(expr)                                                     \
	do {                                                           \
		int t_ret_ = (expr);                                   \
		if (t_ret_)                                            \
			T_FAIL("%s = %d", #expr, t_ret_);              \
	} while (0)

/* expression must fail with -err and a message containing @msg */
#define T_ERR(expr, err, msg)                                          \
	do {                                                           \
		int t_ret_ = (expr);                                   \
		if (t_ret_ != (err))                                   \
			T_FAIL("%s = %d, expected %d", #expr, t_ret_,  \
			       (err));                                 \
		if (!strstr(cvol_errmsg(), (msg)))                     \
			T_FAIL("%s: message '%s' lacks '%s'", #expr,   \
			       cvol_errmsg(), (msg));                  \
	} while (0)

static inline void t_skip(const char *why)
{
	printf("SKIP: %s\n", why);
	exit(4);
}

static char t_path[4096];
static char t_poolname[64];

/* the store configuration for this test; each call gives a fresh pool */
static inline void t_conf(struct cvol_store_conf *conf)
{
	static int n;
	const char *drv = getenv("CVOL_TEST_STORE");
	const char *tmp = getenv("CVOL_TMP");

	memset(conf, 0, sizeof(*conf));
	/* unique per run: rados pools are shared between test programs */
	snprintf(t_poolname, sizeof(t_poolname), "t%d-%d", (int)getpid(), n);
	conf->pool = t_poolname;
	if (!drv || !*drv)
		drv = "file";
	conf->driver = drv;
	if (!tmp)
		tmp = "/tmp";
	snprintf(t_path, sizeof(t_path), "%s/engine-%d-%d", tmp,
		 (int)getpid(), n++);
	conf->path = t_path;
	if (!strcmp(drv, "rados")) {
		if (!getenv("CVOL_CEPH_POOL"))
			t_skip("CVOL_CEPH_POOL not set");
		static char ns[512];

		conf->ceph_conf = getenv("CVOL_CEPH_CONF");
		conf->ceph_client = getenv("CVOL_CEPH_CLIENT");
		/* a fresh RADOS namespace per call: "POOL/NAMESPACE" */
		snprintf(ns, sizeof(ns), "%s/%s", getenv("CVOL_CEPH_POOL"),
			 strrchr(t_path, '/') + 1);
		conf->ceph_pool = ns;
		conf->path = NULL;
	}
}

static inline struct cvol_pool *t_pool(struct cvol_store_conf *conf)
{
	struct cvol_pool *pool;

	T_OK(cvol_pool_open(conf, &pool));
	return pool;
}

static inline uint64_t t_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* fill @buf with a pattern derived from @seed */
static inline void t_fill(void *buf, size_t len, uint64_t seed)
{
	uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % 8 == 0)
			t_rand(&s);
		p[i] = s >> (8 * (i % 8));
	}
}

#endif /* CVOL_TESTLIB_H */
