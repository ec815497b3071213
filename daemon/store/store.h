/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cvol stores: what a user of the engine needs to name and open one.
 *
 * A store is a flat namespace of named objects (a directory for the file
 * driver, a pool for the rados driver).  This header is the public side:
 * the configuration and open/close.  The ops table that drivers implement
 * is in store-driver.h, which only the engine and the drivers include.
 */
#ifndef CVOL_STORE_H
#define CVOL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CVOL_OID_MAX 128
#define CVOL_LOCK_HOLDER_MAX 256

/**
 * struct cvol_store_conf - what to open
 * @driver: "file" (default) or "rados"
 * @pool: cvol pool name (used for messages and, for rados, the lock cookie)
 * @path: file driver: root directory of the pool (default
 *        /var/lib/cvol/<pool>); created if missing unless @existing
 * @existing: open only a pool that exists: the file driver creates
 *            nothing and fails with -ENOENT when the root is missing, and
 *            cvol_pool_open() fails with -ENOENT when the store holds no
 *            pool directory
 * @ceph_conf: rados driver: ceph.conf path (NULL: librados default search)
 * @ceph_client: rados driver: client name, e.g. "client.admin"
 * @ceph_pool: rados driver: RADOS pool name
 * @connect_timeout: rados driver: seconds to wait for the cluster, and
 *                   for each monitor command (0: 10)
 * @op_timeout: rados driver: seconds after which an object operation
 *              fails with -ETIMEDOUT instead of waiting on (0: 30)
 * @meta_reserve: file driver: bytes kept preallocated so that metadata
 *                commits (and with them discards) still work on a full
 *                file system (0: 16 MiB)
 */
struct cvol_store_conf {
	const char *driver;
	const char *pool;
	const char *path;
	const char *ceph_conf;
	const char *ceph_client;
	const char *ceph_pool;
	unsigned int connect_timeout;
	bool existing;
	unsigned int op_timeout;
	uint64_t meta_reserve;
};

/* an open store instance (store-driver.h has its layout) */
struct cvol_store;

/**
 * cvol_store_open() - open a store; *@out is freed with cvol_store_close()
 *
 * -ENOENT with a message naming the built drivers when @conf->driver is not
 * one of them.
 */
int cvol_store_open(const struct cvol_store_conf *conf,
		    struct cvol_store **out);

void cvol_store_close(struct cvol_store *st);

/** cvol_store_known() - true iff a driver called @name is built in */
bool cvol_store_known(const char *name);

/**
 * cvol_store_names() - the built drivers' names, ", "-separated, in @buf
 * (truncated to @len - 1 bytes); returns @buf
 */
const char *cvol_store_names(char *buf, size_t len);

#endif /* CVOL_STORE_H */
