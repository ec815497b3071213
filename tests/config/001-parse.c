// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration file parser: a file with a rados and a file pool
 * gives each pool its store configuration and defaults; unknown pools are
 * -ENOENT; syntax errors, unknown keys, bad numbers, duplicate pools and
 * a rados pool without ceph_pool are -EINVAL with file:line messages; so
 * is a driver that is not built, such as the tests' "mem"; a missing file
 * is -ENOENT.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "engine/err.h"

static char path[4096];

#define EQ(got, want)                                                        \
	do {                                                                 \
		long long _g = (long long)(got), _w = (long long)(want);     \
		if (_g != _w) {                                              \
			fprintf(stderr,                                      \
				"FAIL line %d: %s = %lld, want %lld (%s)\n", \
				__LINE__, #got, _g, _w, cvol_errmsg());      \
			exit(1);                                             \
		}                                                            \
	} while (0)

#define STREQ(got, want)                                                     \
	do {                                                                 \
		const char *_g = (got);                                      \
		if (!_g || strcmp(_g, (want))) {                             \
			fprintf(stderr,                                      \
				"FAIL line %d: %s = '%s', want '%s'\n",      \
				__LINE__, #got, _g ? _g : "(null)", (want)); \
			exit(1);                                             \
		}                                                            \
	} while (0)

static void put(const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* load must fail with -EINVAL and message @msg */
static void bad(const char *text, const char *msg, int line)
{
	struct cvol_config *cfg = NULL;
	char want[8192];

	put(text);
	EQ(cvol_config_load(path, &cfg), -EINVAL);
	snprintf(want, sizeof(want), "%s%s", path, msg);
	if (strcmp(cvol_errmsg(), want)) {
		fprintf(stderr, "FAIL line %d: message '%s', want '%s'\n", line,
			cvol_errmsg(), want);
		exit(1);
	}
}

/* a pool of store driver @drv, which is not built: -EINVAL naming the built */
static void bad_driver(const char *drv, int line)
{
	char text[64], want[256], names[128];

	snprintf(text, sizeof(text), "[pool a]\ndriver = %s\n", drv);
	snprintf(want, sizeof(want),
		 ": pool a: store driver '%s' not built (built: %s)", drv,
		 cvol_store_names(names, sizeof(names)));
	bad(text, want, line);
}

int main(void)
{
	const char *tmp = getenv("CVOL_TMP");
	struct cvol_store_conf c;
	struct cvol_config *cfg;

	snprintf(path, sizeof(path), "%s/cvol.conf", tmp ? tmp : "/tmp");
	put("# cvol pools\n"
	    "[pool ceph]\n"
	    "driver = rados   # the Ceph pool\n"
	    "ceph_pool = cvol\n"
	    "ceph_conf = /etc/ceph/ceph.conf\n"
	    "ceph_client = client.cvol\n"
	    "connect_timeout = 7\n"
	    "op_timeout = 9\n"
	    "\n"
	    "[pool fast]\n"
	    "  path = /srv/fast  \n"
	    "meta_reserve = 2M\n"
	    "[pool tiny]\n"
	    "meta_reserve = 65536\n");
	EQ(cvol_config_load(path, &cfg), 0);
	EQ(cvol_config_pool(cfg, "ceph", &c), 0);
	STREQ(c.driver, "rados");
	STREQ(c.pool, "ceph");
	STREQ(c.ceph_pool, "cvol");
	STREQ(c.ceph_conf, "/etc/ceph/ceph.conf");
	STREQ(c.ceph_client, "client.cvol");
	EQ(c.connect_timeout, 7);
	EQ(c.op_timeout, 9);
	EQ(c.meta_reserve, 0);
	EQ(c.path == NULL, 1);
	EQ(cvol_config_pool(cfg, "fast", &c), 0);
	STREQ(c.driver, "file");
	STREQ(c.path, "/srv/fast");
	EQ(c.connect_timeout, 0);
	EQ(c.op_timeout, 0);
	EQ(c.meta_reserve, 2u << 20);
	EQ(cvol_config_pool(cfg, "tiny", &c), 0);
	EQ(c.meta_reserve, 65536);
	EQ(cvol_config_pool(cfg, "default", &c), -ENOENT);
	cvol_config_free(cfg);

	bad("driver = file\n", ":1: key outside a [pool NAME] section",
	    __LINE__);
	bad("[pool a]\npath\n", ":2: want key = value", __LINE__);
	bad("[pool a]\ncolour = red\n", ":2: unknown key 'colour'", __LINE__);
	bad("[pool a]\n[pool a]\n", ":2: pool a defined twice", __LINE__);
	bad("[pool -x]\n", ":1: bad pool name '-x'", __LINE__);
	bad("[volume a]\n", ":1: want [pool NAME]", __LINE__);
	bad("[pool a]\nconnect_timeout = 10s\n",
	    ":2: connect_timeout must be 0..3600 seconds", __LINE__);
	bad("[pool a]\nop_timeout = 4000\n",
	    ":2: op_timeout must be 0..3600 seconds", __LINE__);
	bad("[pool a]\nmeta_reserve = 2T\n",
	    ":2: meta_reserve must be a size (bytes, or with K, M, G) of at most 1G",
	    __LINE__);
	bad("[pool a]\nmeta_reserve = 2G\n",
	    ":2: meta_reserve must be a size (bytes, or with K, M, G) of at most 1G",
	    __LINE__);
	bad_driver("tape", __LINE__);
	bad("[pool a]\ndriver = file\n[pool r]\ndriver = rados\n",
	    ": pool r: rados needs ceph_pool", __LINE__);
	/* the tests' in-memory store is no driver of the engine library */
	bad_driver("mem", __LINE__);
	STREQ(cvol_store_known("mem") ? "mem" : "none", "none");

	snprintf(path, sizeof(path), "%s/none/cvol.conf", tmp ? tmp : "/tmp");
	EQ(cvol_config_load(path, &cfg), -ENOENT);
	return 0;
}
