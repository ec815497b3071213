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
#include <fcntl.h>
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

static void *t_bufs[8];
static int t_nbufs;

/* @len bytes that t_pass() frees */
static inline void *t_alloc(size_t len)
{
	void *p = malloc(len);

	if (!p || t_nbufs == (int)(sizeof(t_bufs) / sizeof(t_bufs[0])))
		T_FAIL("t_alloc(%zu)", len);
	t_bufs[t_nbufs++] = p;
	return p;
}

/* the end of a passing test: close @pool, free t_alloc()'s buffers */
static inline int t_pass(struct cvol_pool *pool)
{
	cvol_pool_close(pool);
	while (t_nbufs)
		free(t_bufs[--t_nbufs]);
	printf("ok\n");
	return 0;
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

/* create volume @name of @size bytes (64 KiB objects) and open its head */
static inline struct cvol_vol *t_vol(struct cvol_pool *pool, const char *name,
				     uint64_t size)
{
	struct cvol_vol *v;

	T_OK(cvol_vol_create(pool, name, size, 16));
	T_OK(cvol_vol_open(pool, name, NULL, 0, &v));
	return v;
}

/*
 * a fresh pool (@conf, @pool) with volume "v" of @size bytes: its head,
 * open
 */
static inline struct cvol_vol *t_setup(struct cvol_store_conf *conf,
				       struct cvol_pool **pool, uint64_t size)
{
	t_conf(conf);
	*pool = t_pool(conf);
	return t_vol(*pool, "v", size);
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

/* fill @buf with the pattern of @seed and write its @len bytes at @off */
static inline void t_write(struct cvol_vol *v, void *buf, uint64_t off,
			   size_t len, uint64_t seed)
{
	t_fill(buf, len, seed);
	T_OK(cvol_vol_write(v, buf, off, len, 0));
}

/* read @len bytes at @off of @v into @got; T_FAIL(...) unless @want */
#define T_READ_EQ(v, got, off, len, want, ...)         \
	do {                                           \
		T_OK(cvol_vol_read(v, got, off, len)); \
		if (memcmp(got, want, len))            \
			T_FAIL(__VA_ARGS__);           \
	} while (0)

/* copy @i (0: a, 1: b) of metadata object @oid: <oid> or <oid>.b */
static inline void t_copy_oid(char *buf, size_t cap, const char *oid, int i)
{
	snprintf(buf, cap, "%s%s", oid, i ? ".b" : "");
}

/* read copy @i of metadata object @oid into @buf: 0, or -errno */
static inline int t_copy_read(const struct cvol_store_conf *conf,
			      const char *oid, int i, void *buf, size_t cap,
			      size_t *len)
{
	char name[CVOL_OID_MAX + 1];
	struct cvol_store *st;
	uint64_t ver;
	int ret;

	t_copy_oid(name, sizeof(name), oid, i);
	T_OK(cvol_store_open(conf, &st));
	ret = st->ops->meta_read(st->priv, name, buf, cap, len, &ver);
	cvol_store_close(st);
	return ret;
}

/*
 * t_meta_flip() - XOR 0x40 into byte @off of copy @i of metadata object
 * @oid behind the engine's back, keeping its checksum: in the file on
 * disk for the file store (after the 8-byte version the file starts
 * with), else by meta_read() and meta_cas() through a store instance
 */
static inline void t_meta_flip(const struct cvol_store_conf *conf,
			       const char *oid, int i, size_t off)
{
	static uint8_t meta[1 << 20];
	struct cvol_store *st;
	char name[CVOL_OID_MAX + 1], path[4200];
	uint64_t ver, nver;
	uint8_t b;
	size_t len;
	int d, fd = -1;

	t_copy_oid(name, sizeof(name), oid, i);
	if (!strcmp(conf->driver, "file")) {
		for (d = 0; d < 256 && fd < 0; d++) {
			snprintf(path, sizeof(path), "%s/%02x/%s", conf->path,
				 d, name);
			fd = open(path, O_RDWR);
		}
		if (fd < 0)
			T_FAIL("no file for %s under %s", name, conf->path);
		if (pread(fd, &b, 1, 8 + off) != 1)
			T_FAIL("read %s", path);
		b ^= 0x40;
		if (pwrite(fd, &b, 1, 8 + off) != 1)
			T_FAIL("write %s", path);
		close(fd);
		return;
	}
	T_OK(cvol_store_open(conf, &st));
	T_OK(st->ops->meta_read(st->priv, name, meta, sizeof(meta), &len,
				&ver));
	meta[off] ^= 0x40;
	T_OK(st->ops->meta_cas(st->priv, name, meta, len, ver, &nver));
	cvol_store_close(st);
}

#endif /* CVOL_TESTLIB_H */
