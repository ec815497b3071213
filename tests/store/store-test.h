/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the store conformance suite.  Every test in tests/store/ runs
 * unchanged against each driver; the driver comes from the environment:
 *
 *   CVOL_TEST_STORE=file (default)  root $CVOL_TMP/store
 *   CVOL_TEST_STORE=rados           CVOL_CEPH_CONF, CVOL_CEPH_POOL,
 *                                   CVOL_CEPH_CLIENT (tests/rados/ sets them)
 *
 * Objects are named with a per-process prefix (st_oid()) so that tests can
 * share one RADOS pool.  Exit codes: 0 pass, 1 fail, 4 skip.
 */
#ifndef CVOL_STORE_TEST_H
#define CVOL_STORE_TEST_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/err.h"
#include "store/store-driver.h"

#define ST_SKIP 4

static inline void st_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

static inline void st_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (last error: %s)\n", cvol_errmsg());
	exit(1);
}

/* ST_EQ(got, want): integers, reported on mismatch */
#define ST_EQ(got, want)                                                    \
	do {                                                                \
		long long _g = (long long)(got), _w = (long long)(want);    \
		if (_g != _w)                                               \
			st_fail(__FILE__, __LINE__, "%s = %lld, want %lld", \
				#got, _g, _w);                              \
	} while (0)

#define ST_TRUE(cond)                                                      \
	do {                                                               \
		if (!(cond))                                               \
			st_fail(__FILE__, __LINE__, "%s is false", #cond); \
	} while (0)

/* the last error message contains @sub */
#define ST_MSG(sub)                                                            \
	do {                                                                   \
		if (!strstr(cvol_errmsg(), (sub)))                             \
			st_fail(__FILE__, __LINE__, "message '%s' lacks '%s'", \
				cvol_errmsg(), (sub));                         \
	} while (0)

static inline const char *st_driver(void)
{
	const char *d = getenv("CVOL_TEST_STORE");

	return d && d[0] ? d : "file";
}

/* Fill @conf from the environment; exits 4 when the driver is unusable. */
static inline void st_conf(struct cvol_store_conf *conf)
{
	static char path[4096];
	const char *tmp = getenv("CVOL_TMP");

	memset(conf, 0, sizeof(*conf));
	conf->driver = st_driver();
	conf->pool = "conformance";
	if (!strcmp(conf->driver, "file")) {
		if (!tmp)
			tmp = "/tmp";
		snprintf(path, sizeof(path), "%s/store", tmp);
		conf->path = path;
	} else if (!strcmp(conf->driver, "rados")) {
		conf->ceph_conf = getenv("CVOL_CEPH_CONF");
		conf->ceph_pool = getenv("CVOL_CEPH_POOL");
		conf->ceph_client = getenv("CVOL_CEPH_CLIENT");
		if (!conf->ceph_conf || !conf->ceph_pool) {
			printf("SKIP: CVOL_CEPH_CONF/CVOL_CEPH_POOL not set\n");
			exit(ST_SKIP);
		}
	}
	if (!cvol_store_find(conf->driver)) {
		printf("SKIP: store driver %s not built\n", conf->driver);
		exit(ST_SKIP);
	}
}

/* Open one more instance of the store under test (fails the test if not). */
static inline struct cvol_store *st_open(void)
{
	struct cvol_store_conf conf;
	struct cvol_store *st = NULL;
	int ret;

	/* like cvold: librados may write to sockets its peer closed */
	signal(SIGPIPE, SIG_IGN);
	st_conf(&conf);
	ret = cvol_store_open(&conf, &st);
	if (ret)
		st_fail(__FILE__, __LINE__, "open %s store: %d", conf.driver,
			ret);
	return st;
}

/* "<tag>" made unique to this process: "t<pid>-<tag>" */
static inline const char *st_oid(const char *tag)
{
	static char names[16][CVOL_OID_MAX];
	static unsigned int next;
	char *n = names[next++ % 16];

	snprintf(n, CVOL_OID_MAX, "t%d-%s", (int)getpid(), tag);
	return n;
}

/* Deterministic pattern: byte i of stream @seed. */
static inline void st_fill(void *buf, size_t len, uint64_t off,
			   unsigned int seed)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		uint64_t x = (off + i) * 2654435761u + seed * 40503u;

		p[i] = (unsigned char)(x >> 13 ^ x);
	}
}

/* Does @buf hold pattern @seed at @off?  Returns the first bad index or -1. */
static inline long st_check(const void *buf, size_t len, uint64_t off,
			    unsigned int seed)
{
	unsigned char *want = malloc(len ? len : 1);
	size_t i;

	if (!want)
		return 0;
	st_fill(want, len, off, seed);
	for (i = 0; i < len; i++) {
		if (((const unsigned char *)buf)[i] != want[i]) {
			free(want);
			return (long)i;
		}
	}
	free(want);
	return -1;
}

static inline bool st_zero(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

#endif /* CVOL_STORE_TEST_H */
