/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cvol store drivers: the one ops table every object store implements.
 *
 * Included only by the engine and by the drivers (and the driver
 * conformance tests).  A new driver is a new daemon/store/<name>.c file
 * that defines a struct cvol_store_ops, plus one line in the registry
 * (registry.c); the engine sees stores only through this table.
 *
 * Conventions for every callback:
 *  - Return 0 (or what the callback documents) on success, -errno on
 *    failure, and set a message with cvol_seterr() (see engine/err.h).
 *  - -ENOENT means "no such object" and nothing else.
 *  - Callbacks may be called from several threads at once on one instance;
 *    drivers do their own locking.
 *  - Object names (@oid) are at most CVOL_OID_MAX bytes of [A-Za-z0-9._-].
 *  - Data writes (write, write_full, punch, copy, remove) are durable only
 *    after a later successful flush(); meta_cas() is durable on return.
 */
#ifndef CVOL_STORE_DRIVER_H
#define CVOL_STORE_DRIVER_H

#include "store/store.h"

typedef int (*cvol_store_list_cb)(void *arg, const char *oid);

/* lock(): take a silent holder's lock over, fencing it first */
#define CVOL_LOCK_TAKEOVER (1u << 0)

/**
 * struct cvol_store_ops - one object store driver
 *
 * Every member is required unless marked Optional.
 */
struct cvol_store_ops {
	/** @name: driver name used in configuration ("file", "rados") */
	const char *name;

	/** @open: connect/open; store the driver instance in *@priv. */
	int (*open)(const struct cvol_store_conf *conf, void **priv);

	/** @close: release everything; locks held by this instance drop. */
	void (*close)(void *priv);

	/**
	 * @read: read @len bytes at @off.  Holes and bytes past the end of
	 * the object read as zeros.  Returns 0, or -ENOENT iff the object
	 * does not exist.
	 */
	int (*read)(void *priv, const char *oid, void *buf, size_t len,
		    uint64_t off);

	/**
	 * @write: write @len bytes at @off, creating the object if missing
	 * (bytes before @off in a new object are a hole).
	 */
	int (*write)(void *priv, const char *oid, const void *buf, size_t len,
		     uint64_t off);

	/** @write_full: replace the whole object with @len bytes. */
	int (*write_full)(void *priv, const char *oid, const void *buf,
			  size_t len);

	/**
	 * @punch: make [@off, @off + @len) read as zeros, freeing space
	 * where the backend can (hole punching).  0 if the object is missing.
	 */
	int (*punch)(void *priv, const char *oid, uint64_t off, uint64_t len);

	/** @remove: delete the object; -ENOENT iff it does not exist. */
	int (*remove)(void *priv, const char *oid);

	/** @stat: object size in *@size; -ENOENT iff it does not exist. */
	int (*stat)(void *priv, const char *oid, uint64_t *size);

	/**
	 * @copy: make @dst a copy of @src (replacing @dst), server-side
	 * where possible (reflink, copy_file_range, copy-from).  -ENOENT iff
	 * @src does not exist.
	 */
	int (*copy)(void *priv, const char *dst, const char *src);

	/**
	 * @list: call @cb for every object whose name starts with @prefix
	 * (all objects if @prefix is ""), in no particular order.  Metadata
	 * objects are listed too.  A non-zero return from @cb stops the walk
	 * and is returned.
	 */
	int (*list)(void *priv, const char *prefix, cvol_store_list_cb cb,
		    void *arg);

	/**
	 * @meta_read: read a small metadata object (at most @cap bytes) and
	 * its version.  Stores its length in *@len and version in *@version.
	 * -ENOENT iff missing; -EOVERFLOW if it is longer than @cap.
	 */
	int (*meta_read)(void *priv, const char *oid, void *buf, size_t cap,
			 size_t *len, uint64_t *version);

	/**
	 * @meta_cas: atomically replace a metadata object iff its current
	 * version is @expect (0: iff it does not exist yet), durably, and
	 * return its new version (always > 0) in *@version.  When another
	 * writer got there first returns -ECANCELED and changes nothing.
	 * Readers see the old or the new content, never a mix.
	 */
	int (*meta_cas)(void *priv, const char *oid, const void *buf,
			size_t len, uint64_t expect, uint64_t *version);

	/** @flush: durability barrier for every data write completed so far. */
	int (*flush)(void *priv);

	/**
	 * @lock: take the exclusive lock @name for this instance, tagged with
	 * @cookie (host and daemon identity).  When another instance holds it
	 * returns -EBUSY and copies the holder's cookie into @holder.  The
	 * lock drops on unlock(), close(), or the death of the holder.
	 * @flags: CVOL_LOCK_TAKEOVER, or 0.  Stores whose holders can be cut
	 * off without dying (rados) break a holder's lock only with
	 * CVOL_LOCK_TAKEOVER, and only after it failed to show it is alive
	 * and was fenced; without it they never probe or fence anyone.
	 */
	int (*lock)(void *priv, const char *name, const char *cookie,
		    char holder[CVOL_LOCK_HOLDER_MAX], unsigned int flags);

	/** @unlock: release a lock taken by this instance. */
	int (*unlock)(void *priv, const char *name, const char *cookie);
};

/**
 * struct cvol_store - an open store instance
 * @ops: its driver
 * @priv: the driver's instance data
 * @conf_pool: pool name, for messages
 */
struct cvol_store {
	const struct cvol_store_ops *ops;
	void *priv;
	char conf_pool[64];
};

/** cvol_store_find() - the driver called @name, or NULL */
const struct cvol_store_ops *cvol_store_find(const char *name);


/**
 * cvol_store_register() - add a driver that is not in the registry, for
 * programs that bring their own (the test store in tests/lib/); call it
 * before any store is opened, from one thread.  -EEXIST if the name is taken, -ENOSPC if
 * the table of added drivers is full.
 */
int cvol_store_register(const struct cvol_store_ops *ops);

#endif /* CVOL_STORE_DRIVER_H */
