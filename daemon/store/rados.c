// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cvol store driver "rados": objects in a Ceph RADOS pool (librados).
 *
 * Design notes
 *
 * Data objects are plain RADOS objects.  A read or write that spans more
 * than RADOS_CHUNK bytes is split into chunks issued with aio, all in
 * flight at once, and waited for together (first error wins).  RADOS
 * reads are short at the end of an object and fail with -ENOENT on a
 * missing one; the driver zero-fills the rest, so holes and bytes past the
 * end read as zeros.  A write is durable when librados acknowledges it, so
 * flush() only waits for aio that is still in flight.
 *
 * copy() reads the source and write_full()s the destination in one
 * guarded round each: the C API of librados 16 (pacific) has no copy-from
 * write op, so the copy is not server-side.
 *
 * Metadata objects use the RADOS object version (user_version) as the
 * cvol version.  meta_read() reads data and size in one read op and takes
 * the version of that op; meta_cas() is one write op: "create exclusive"
 * (expect 0) or "assert version == expect", then write_full.  The OSD
 * applies a write op atomically, so of two writers that read the same
 * version exactly one wins; the loser gets -EEXIST, -ERANGE or -EOVERFLOW
 * (or -ENOENT when the object was removed) from RADOS, which all become
 * -ECANCELED.  librados reports the version of the last op per I/O
 * context, so every meta op runs on its own short-lived I/O context:
 * threads never see each other's versions.
 *
 * Locks.  lock(name) takes the RADOS exclusive lock "cvol" on the object
 * ",lk.<name>" (never listed) with the caller's cookie (host and daemon).  The holder
 * first places a watch on that object and acknowledges every notify on it.
 * A contender that gets -EBUSY lists the lockers.  Without
 * CVOL_LOCK_TAKEOVER (management operations, check) it stops there: -EBUSY
 * and the holder's cookie, nobody probed or fenced.  With it (opening a
 * volume for writing) it sends a notify: if the holder's client
 * acknowledges within RADOS_LIVENESS_MS (10 s), it is alive and the
 * contender fails with -EBUSY and the holder's cookie.  If not, the holder
 * is dead (or cut off): the contender blocklists the holder's client
 * address, so a holder that was only partitioned can no longer write,
 * breaks the lock and takes it.  A lock is never broken without fencing; a
 * client without the rights to blocklist gets -EBUSY with the reason.  No
 * lease renewal thread is needed and a live holder never loses its lock
 * while it answers.  close() unwatches and unlocks.
 *
 * Full pools and timeouts.  Every I/O context carries the "full try" flag
 * (LIBRADOS_OPERATION_FULL_TRY): when the pool reaches its quota or the
 * cluster is full, librados would otherwise hold every write, and every
 * remove, until space returns, so space could never be freed.  With the
 * flag the OSD answers: operations that free or do not grow (remove, punch,
 * rewriting a map chunk) succeed, and those that grow fail at once with
 * -EDQUOT (quota) or -ENOSPC (full), as on a full file system.  Every
 * object operation has a timeout (op_timeout, rados_osd_op_timeout) and
 * every monitor command one (connect_timeout, rados_mon_op_timeout), so a
 * cluster that stops answering gives -ETIMEDOUT instead of a hang.
 *
 * Programs using this driver must ignore SIGPIPE (cvold does): librados
 * can write to a socket the cluster closed, e.g. once it fenced us, and a
 * library does not change the process's signal dispositions.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rados/librados.h>

#include "engine/err.h"
#include "store/store-driver.h"

/* Reads and writes above this size are split into parallel aio chunks. */
#define RADOS_CHUNK (1u << 20)
/*
 * How long a lock holder has to answer the liveness notify.  A live
 * holder that misses it gets fenced, so this is generous: it is also
 * how long taking over a dead holder's volume takes.
 */
#define RADOS_LIVENESS_MS 10000
/* Default op_timeout: how long one object operation may take. */
#define RADOS_OP_TIMEOUT_S 30
/* How long the OSD keeps a watch of a client that went away. */
#define RADOS_WATCH_TIMEOUT_S 30
#define RADOS_LOCK_NAME "cvol"
/*
 * Lock objects: ',' is outside the object name alphabet of store.h, so
 * they never collide with cvol's objects and list() leaves them out (a
 * pool check must never see, let alone remove, a held lock).
 */
#define RADOS_LOCK_PREFIX ",lk."
#define RADOS_LOCK_OID_MAX (CVOL_OID_MAX + sizeof(RADOS_LOCK_PREFIX))

struct rados_store;

/**
 * struct rados_held_lock - a lock this instance holds
 * @next: list link, protected by rados_store.locks_mutex
 * @st: the owning instance
 * @oid: the lock object
 * @cookie: the cookie it was taken with
 * @watch: watch handle on @oid (answers liveness notifies)
 */
struct rados_held_lock {
	struct rados_held_lock *next;
	struct rados_store *st;
	char oid[RADOS_LOCK_OID_MAX];
	char cookie[CVOL_LOCK_HOLDER_MAX];
	uint64_t watch;
};

/**
 * struct rados_store - one open RADOS store
 * @cluster: the librados client (one per instance: its own global id)
 * @io: I/O context for data ops and locks (thread-safe in librados)
 * @pool: RADOS pool name
 * @ns: RADOS namespace inside @pool ("" for the default one)
 * @op_timeout: seconds an object operation may take (for messages)
 * @locks_mutex: protects @locks
 * @locks: locks held by this instance
 */
struct rados_store {
	rados_t cluster;
	rados_ioctx_t io;
	char pool[128];
	char ns[128];
	unsigned int op_timeout;
	pthread_mutex_t locks_mutex;
	struct rados_held_lock *locks;
};

/*
 * A new I/O context on the store's pool and namespace, whose operations
 * get an answer from a full pool (see the top of this file).
 */
static int rados_store_ioctx(struct rados_store *st, rados_ioctx_t *io)
{
	int ret;

	ret = rados_ioctx_create(st->cluster, st->pool, io);
	if (ret < 0)
		return ret;
	rados_ioctx_set_namespace(*io, st->ns);
	rados_set_pool_full_try(*io);
	return 0;
}

/*
 * Record the message of a failed object operation.  A client that another
 * host fenced (blocklisted) while taking over a volume gets -ESHUTDOWN
 * (EBLOCKLISTED) on every operation; say so.
 */
static int rados_ioerr(struct rados_store *st, int ret, const char *what,
		       const char *oid)
{
	if (ret == -ESHUTDOWN)
		return cvol_seterr(
			ret,
			"rados: %s %s/%s: this client was fenced (blocklisted) by another host taking over",
			what, st->pool, oid);
	if (ret == -EDQUOT || ret == -ENOSPC)
		return cvol_seterr(
			ret,
			"rados: %s %s/%s: %s: the RADOS pool is %s; discard data (fstrim) or add space",
			what, st->pool, oid, strerror(-ret),
			ret == -EDQUOT ? "at its quota" : "full");
	if (ret == -ETIMEDOUT)
		return cvol_seterr(
			ret,
			"rados: %s %s/%s: no answer within op_timeout (%u s)",
			what, st->pool, oid, st->op_timeout);
	return cvol_seterr(ret, "rados: %s %s/%s: %s", what, st->pool, oid,
			   strerror(-ret));
}

/* rados_ioerr(), but -ENOENT is "no such object" */
static int rados_objerr(struct rados_store *st, int ret, const char *what,
			const char *oid)
{
	if (ret == -ENOENT)
		return cvol_seterr(ret, "rados: %s/%s: no such object",
				   st->pool, oid);
	return rados_ioerr(st, ret, what, oid);
}

static int rados_oid_check(const char *oid)
{
	size_t n = strlen(oid);

	if (n == 0 || n > CVOL_OID_MAX)
		return cvol_seterr(-EINVAL, "rados: bad object name length %zu",
				   n);
	return 0;
}

static int rados_open(const struct cvol_store_conf *conf, void **priv)
{
	const char *client = conf->ceph_client ? conf->ceph_client :
						 "client.admin";
	unsigned int tmo = conf->connect_timeout ? conf->connect_timeout : 10;
	char mon_host[256] = "";
	struct rados_store *st;
	char tmo_s[16], op_s[16], *ns;
	int ret;

	if (!conf->ceph_pool || !conf->ceph_pool[0])
		return cvol_seterr(-EINVAL,
				   "rados: pool %s: no ceph_pool configured",
				   conf->pool ? conf->pool : "?");
	if (strlen(conf->ceph_pool) >= sizeof(st->pool))
		return cvol_seterr(-EINVAL, "rados: pool name too long");
	st = calloc(1, sizeof(*st));
	if (!st)
		return cvol_seterr(-ENOMEM, "rados: out of memory");
	/* "POOL/NAMESPACE": several cvol pools can share one RADOS pool */
	strcpy(st->pool, conf->ceph_pool);
	ns = strchr(st->pool, '/');
	if (ns) {
		*ns++ = '\0';
		strcpy(st->ns, ns);
	}
	if (!st->pool[0]) {
		ret = cvol_seterr(-EINVAL,
				  "rados: empty RADOS pool name in '%s'",
				  conf->ceph_pool);
		goto out_free;
	}
	ret = pthread_mutex_init(&st->locks_mutex, NULL);
	if (ret) {
		ret = cvol_seterr(-ret, "rados: mutex init failed");
		goto out_free;
	}

	ret = rados_create2(&st->cluster, "ceph", client, 0);
	if (ret < 0) {
		ret = cvol_seterr(ret, "rados: bad client name '%s': %s",
				  client, strerror(-ret));
		goto out_mutex;
	}
	ret = rados_conf_read_file(st->cluster, conf->ceph_conf);
	if (ret < 0) {
		ret = cvol_seterr(ret, "rados: cannot read Ceph config %s: %s",
				  conf->ceph_conf ? conf->ceph_conf :
						    "(default search path)",
				  strerror(-ret));
		goto out_shutdown;
	}
	st->op_timeout = conf->op_timeout ? conf->op_timeout :
					    RADOS_OP_TIMEOUT_S;
	snprintf(tmo_s, sizeof(tmo_s), "%u", tmo);
	snprintf(op_s, sizeof(op_s), "%u", st->op_timeout);
	ret = rados_conf_set(st->cluster, "client_mount_timeout", tmo_s);
	if (!ret)
		ret = rados_conf_set(st->cluster, "rados_mon_op_timeout",
				     tmo_s);
	if (!ret)
		ret = rados_conf_set(st->cluster, "rados_osd_op_timeout", op_s);
	/* a library does not print: librados logs only to its log file */
	if (!ret)
		ret = rados_conf_set(st->cluster, "log_to_stderr", "false");
	if (!ret)
		ret = rados_conf_set(st->cluster, "err_to_stderr", "false");
	if (ret < 0) {
		ret = cvol_seterr(ret, "rados: cannot set timeouts: %s",
				  strerror(-ret));
		goto out_shutdown;
	}
	rados_conf_get(st->cluster, "mon_host", mon_host, sizeof(mon_host));
	ret = rados_connect(st->cluster);
	if (ret == -ETIMEDOUT || ret == -ENOTCONN || ret == -ECONNREFUSED) {
		ret = cvol_seterr(
			ret,
			"rados: Ceph cluster not reachable (mon host %s) within %u s",
			mon_host[0] ? mon_host : "unset", tmo);
		goto out_shutdown;
	}
	if (ret == -EACCES || ret == -EPERM || ret == -EKEYREJECTED) {
		ret = cvol_seterr(
			-EACCES,
			"rados: Ceph cluster refused authentication of %s: %s",
			client, strerror(-ret));
		goto out_shutdown;
	}
	if (ret < 0) {
		ret = cvol_seterr(
			ret, "rados: cannot connect as %s (mon host %s): %s",
			client, mon_host[0] ? mon_host : "unset",
			strerror(-ret));
		goto out_shutdown;
	}
	ret = rados_store_ioctx(st, &st->io);
	if (ret == -ENOENT) {
		ret = cvol_seterr(-ENOENT,
				  "rados: RADOS pool '%s' does not exist",
				  st->pool);
		goto out_shutdown;
	}
	if (ret < 0) {
		ret = cvol_seterr(ret, "rados: cannot open RADOS pool '%s': %s",
				  st->pool, strerror(-ret));
		goto out_shutdown;
	}
	*priv = st;
	return 0;

out_shutdown:
	rados_shutdown(st->cluster);
out_mutex:
	pthread_mutex_destroy(&st->locks_mutex);
out_free:
	free(st);
	return ret;
}

static void rados_lock_drop(struct rados_store *st, struct rados_held_lock *hl)
{
	rados_unwatch2(st->io, hl->watch);
	rados_unlock(st->io, hl->oid, RADOS_LOCK_NAME, hl->cookie);
}

static void rados_close(void *priv)
{
	struct rados_store *st = priv;
	struct rados_held_lock *hl;

	rados_aio_flush(st->io);
	while ((hl = st->locks)) {
		st->locks = hl->next;
		rados_lock_drop(st, hl);
		/* no callback may still run on @hl once this returns */
		rados_watch_flush(st->cluster);
		free(hl);
	}
	rados_ioctx_destroy(st->io);
	rados_shutdown(st->cluster);
	pthread_mutex_destroy(&st->locks_mutex);
	free(st);
}

/*
 * Issue [off, off + len) in RADOS_CHUNK pieces with aio, all at once, and
 * wait for all.  For reads, short pieces are zero-filled.  Returns 0 or
 * the first error.
 */
static int rados_aio_span(struct rados_store *st, const char *oid, char *buf,
			  size_t len, uint64_t off, bool write)
{
	size_t n = (len + RADOS_CHUNK - 1) / RADOS_CHUNK, i, issued;
	rados_completion_t *c;
	int ret = 0, r;

	c = calloc(n, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (issued = 0; issued < n; issued++) {
		size_t o = issued * RADOS_CHUNK;
		size_t l = len - o < RADOS_CHUNK ? len - o : RADOS_CHUNK;

		r = rados_aio_create_completion2(NULL, NULL, &c[issued]);
		if (r < 0) {
			ret = r;
			break;
		}
		if (write)
			r = rados_aio_write(st->io, oid, c[issued], buf + o, l,
					    off + o);
		else
			r = rados_aio_read(st->io, oid, c[issued], buf + o, l,
					   off + o);
		if (r < 0) {
			rados_aio_release(c[issued]);
			ret = r;
			break;
		}
	}
	for (i = 0; i < issued; i++) {
		size_t o = i * RADOS_CHUNK;
		size_t l = len - o < RADOS_CHUNK ? len - o : RADOS_CHUNK;

		rados_aio_wait_for_complete(c[i]);
		r = rados_aio_get_return_value(c[i]);
		rados_aio_release(c[i]);
		if (r < 0) {
			if (!ret)
				ret = r;
			continue;
		}
		if (!write && (size_t)r < l)
			memset(buf + o + r, 0, l - r);
	}
	free(c);
	return ret;
}

static int rados_store_read(void *priv, const char *oid, void *buf, size_t len,
			    uint64_t off)
{
	struct rados_store *st = priv;
	int ret;

	ret = rados_oid_check(oid);
	if (ret)
		return ret;
	if (len > RADOS_CHUNK) {
		ret = rados_aio_span(st, oid, buf, len, off, false);
	} else {
		ret = rados_read(st->io, oid, buf, len, off);
		if (ret >= 0) {
			memset((char *)buf + ret, 0, len - ret);
			ret = 0;
		}
	}
	if (ret < 0)
		return rados_objerr(st, ret, "read", oid);
	return 0;
}

static int rados_store_write(void *priv, const char *oid, const void *buf,
			     size_t len, uint64_t off)
{
	struct rados_store *st = priv;
	int ret;

	ret = rados_oid_check(oid);
	if (ret)
		return ret;
	if (len > RADOS_CHUNK)
		ret = rados_aio_span(st, oid, (char *)buf, len, off, true);
	else
		ret = rados_write(st->io, oid, buf, len, off);
	if (ret < 0)
		return rados_ioerr(st, ret, "write", oid);
	return 0;
}

static int rados_store_write_full(void *priv, const char *oid, const void *buf,
				  size_t len)
{
	struct rados_store *st = priv;
	int ret;

	ret = rados_oid_check(oid);
	if (ret)
		return ret;
	ret = rados_write_full(st->io, oid, buf, len);
	if (ret < 0)
		return rados_ioerr(st, ret, "write_full", oid);
	return 0;
}

static int rados_store_punch(void *priv, const char *oid, uint64_t off,
			     uint64_t len)
{
	struct rados_store *st = priv;
	rados_write_op_t op;
	int ret;

	ret = rados_oid_check(oid);
	if (ret)
		return ret;
	op = rados_create_write_op();
	if (!op)
		return cvol_seterr(-ENOMEM, "rados: out of memory");
	/* a missing object stays missing: punch must not create it */
	rados_write_op_assert_exists(op);
	rados_write_op_zero(op, off, len);
	ret = rados_write_op_operate(op, st->io, oid, NULL, 0);
	rados_release_write_op(op);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0)
		return rados_ioerr(st, ret, "punch", oid);
	return 0;
}

static int rados_store_remove(void *priv, const char *oid)
{
	struct rados_store *st = priv;
	int ret;

	ret = rados_oid_check(oid);
	if (ret)
		return ret;
	ret = rados_remove(st->io, oid);
	if (ret < 0)
		return rados_objerr(st, ret, "remove", oid);
	return 0;
}

static int rados_store_stat(void *priv, const char *oid, uint64_t *size)
{
	struct rados_store *st = priv;
	time_t mtime;
	int ret;

	ret = rados_oid_check(oid);
	if (ret)
		return ret;
	ret = rados_stat(st->io, oid, size, &mtime);
	if (ret < 0)
		return rados_objerr(st, ret, "stat", oid);
	return 0;
}

static int rados_store_copy(void *priv, const char *dst, const char *src)
{
	uint64_t size;
	char *buf;
	int ret;

	ret = rados_oid_check(dst);
	if (!ret)
		ret = rados_oid_check(src);
	if (ret)
		return ret;
	ret = rados_store_stat(priv, src, &size);
	if (ret)
		return ret;
	if (size > SIZE_MAX / 2)
		return cvol_seterr(-EFBIG, "rados: copy %s: object too big",
				   src);
	buf = malloc(size ? size : 1);
	if (!buf)
		return cvol_seterr(-ENOMEM, "rados: out of memory");
	ret = rados_store_read(priv, src, buf, size, 0);
	if (!ret)
		ret = rados_store_write_full(priv, dst, buf, size);
	free(buf);
	return ret;
}

static int rados_store_list(void *priv, const char *prefix,
			    cvol_store_list_cb cb, void *arg)
{
	struct rados_store *st = priv;
	size_t plen = prefix ? strlen(prefix) : 0;
	rados_list_ctx_t ctx;
	const char *entry;
	int ret;

	ret = rados_nobjects_list_open(st->io, &ctx);
	if (ret < 0)
		return cvol_seterr(ret, "rados: list %s: %s", st->pool,
				   strerror(-ret));
	for (;;) {
		ret = rados_nobjects_list_next(ctx, &entry, NULL, NULL);
		if (ret == -ENOENT) {
			ret = 0;
			break;
		}
		if (ret < 0) {
			ret = cvol_seterr(ret, "rados: list %s: %s", st->pool,
					  strerror(-ret));
			break;
		}
		if (entry[0] == ',' || (plen && strncmp(entry, prefix, plen)))
			continue; /* a lock object, or not the prefix */
		ret = cb(arg, entry);
		if (ret)
			break;
	}
	rados_nobjects_list_close(ctx);
	return ret;
}

/*
 * A new I/O context for one meta op on @oid: its "last version" is that
 * op's alone.
 */
static int rados_meta_ioctx(struct rados_store *st, const char *oid,
			    rados_ioctx_t *io)
{
	int ret;

	ret = rados_oid_check(oid);
	if (ret)
		return ret;
	ret = rados_store_ioctx(st, io);
	if (ret < 0)
		return cvol_seterr(ret, "rados: pool %s: %s", st->pool,
				   strerror(-ret));
	return 0;
}

static int rados_store_meta_read(void *priv, const char *oid, void *buf,
				 size_t cap, size_t *len, uint64_t *version)
{
	struct rados_store *st = priv;
	int prval_stat = 0, prval_read = 0;
	size_t bytes_read = 0;
	rados_read_op_t op;
	rados_ioctx_t io;
	uint64_t size = 0;
	int ret;

	ret = rados_meta_ioctx(st, oid, &io);
	if (ret)
		return ret;
	op = rados_create_read_op();
	if (!op) {
		ret = cvol_seterr(-ENOMEM, "rados: out of memory");
		goto out_ioctx;
	}
	rados_read_op_stat(op, &size, NULL, &prval_stat);
	rados_read_op_read(op, 0, cap, buf, &bytes_read, &prval_read);
	ret = rados_read_op_operate(op, io, oid, 0);
	if (ret == -ENOENT) {
		ret = cvol_seterr(ret, "rados: %s/%s: no such object", st->pool,
				  oid);
		goto out_op;
	}
	if (!ret)
		ret = prval_stat < 0 ? prval_stat : prval_read;
	if (ret < 0) {
		ret = rados_ioerr(st, ret, "meta read", oid);
		goto out_op;
	}
	if (size > cap) {
		ret = cvol_seterr(-EOVERFLOW,
				  "rados: %s/%s: %" PRIu64
				  " bytes, more than %zu",
				  st->pool, oid, size, cap);
		goto out_op;
	}
	*len = size;
	*version = rados_get_last_version(io);
out_op:
	rados_release_read_op(op);
out_ioctx:
	rados_ioctx_destroy(io);
	return ret;
}

static int rados_store_meta_cas(void *priv, const char *oid, const void *buf,
				size_t len, uint64_t expect, uint64_t *version)
{
	struct rados_store *st = priv;
	rados_write_op_t op;
	rados_ioctx_t io;
	int ret;

	ret = rados_meta_ioctx(st, oid, &io);
	if (ret)
		return ret;
	op = rados_create_write_op();
	if (!op) {
		ret = cvol_seterr(-ENOMEM, "rados: out of memory");
		goto out_ioctx;
	}
	if (expect)
		rados_write_op_assert_version(op, expect);
	else
		rados_write_op_create(op, LIBRADOS_CREATE_EXCLUSIVE, NULL);
	rados_write_op_write_full(op, buf, len);
	ret = rados_write_op_operate(op, io, oid, NULL, 0);
	switch (ret) {
	case 0:
		*version = rados_get_last_version(io);
		break;
	case -EEXIST: /* create exclusive: someone created it */
	case -ERANGE: /* assert_version: object is older (cannot happen) */
	case -EOVERFLOW: /* assert_version: someone wrote a newer version */
	case -ENOENT: /* assert_version: someone removed it */
		ret = cvol_seterr(-ECANCELED,
				  "rados: %s/%s changed since version %" PRIu64,
				  st->pool, oid, expect);
		break;
	default:
		ret = rados_ioerr(st, ret, "meta write", oid);
		break;
	}
	rados_release_write_op(op);
out_ioctx:
	rados_ioctx_destroy(io);
	return ret;
}

static int rados_store_flush(void *priv)
{
	struct rados_store *st = priv;
	int ret;

	/* acknowledged RADOS writes are durable: wait for aio in flight */
	ret = rados_aio_flush(st->io);
	if (ret < 0)
		return cvol_seterr(ret, "rados: flush %s: %s", st->pool,
				   strerror(-ret));
	return 0;
}

/* Watch callback of a held lock: answer the liveness notify. */
static void rados_lock_notified(void *arg, uint64_t notify_id, uint64_t handle,
				uint64_t notifier_id, void *data,
				size_t data_len)
{
	struct rados_held_lock *hl = arg;

	rados_notify_ack(hl->st->io, hl->oid, notify_id, handle, NULL, 0);
}

static void rados_lock_watch_error(void *arg, uint64_t cookie, int err)
{
	/*
	 * The watch was lost (e.g. cut off longer than the watch timeout).
	 * Contenders may now fence this client; its writes then fail with
	 * -EBLOCKLISTED, which the engine reports.  Nothing to do here.
	 */
}

/*
 * Is the client with global id @gid among those that acknowledged the
 * notify?  @reply is librados' notify reply: le32 num_acks, then per ack
 * le64 gid, le64 cookie, le32 len, len bytes; then the timeouts.
 */
static bool rados_notify_acked(const char *reply, size_t len, uint64_t gid)
{
	uint32_t n, i, blen;
	uint64_t g;
	size_t p = 4;

	if (!reply || len < 4)
		return false;
	memcpy(&n, reply, 4);
	for (i = 0; i < n; i++) {
		if (p + 20 > len)
			return false;
		memcpy(&g, reply + p, 8);
		memcpy(&blen, reply + p + 16, 4);
		if (g == gid)
			return true;
		p += 20 + (size_t)blen;
	}
	return false;
}

/*
 * The lock on @oid is held by someone else: report them, or (@takeover)
 * fence and break the lock when they do not answer.  Returns -EBUSY
 * (holder filled in), -EAGAIN when the lock was broken or released and
 * may be retried, or -errno.
 */
static int rados_lock_contend(struct rados_store *st, const char *oid,
			      char holder[CVOL_LOCK_HOLDER_MAX], bool takeover)
{
	char tag[64], clients[128], cookies[CVOL_LOCK_HOLDER_MAX], addrs[128];
	size_t tag_len = sizeof(tag), clients_len = sizeof(clients);
	size_t cookies_len = sizeof(cookies), addrs_len = sizeof(addrs);
	size_t reply_len = 0;
	char *reply = NULL;
	uint64_t gid;
	int exclusive = 0;
	ssize_t n;
	int ret;

	n = rados_list_lockers(st->io, oid, RADOS_LOCK_NAME, &exclusive, tag,
			       &tag_len, clients, &clients_len, cookies,
			       &cookies_len, addrs, &addrs_len);
	if (n < 0)
		return cvol_seterr((int)n, "rados: lockers of %s/%s: %s",
				   st->pool, oid, strerror((int)-n));
	if (n == 0)
		return -EAGAIN; /* released meanwhile */
	memcpy(holder, cookies, CVOL_LOCK_HOLDER_MAX);
	holder[CVOL_LOCK_HOLDER_MAX - 1] = '\0';
	if (!takeover)
		return cvol_seterr(-EBUSY, "lock %s held by %s", oid, cookies);
	if (sscanf(clients, "client.%" SCNu64, &gid) != 1)
		return cvol_seterr(-EBUSY, "rados: %s/%s locked by %s (%s)",
				   st->pool, oid, clients, cookies);

	ret = rados_notify2(st->io, oid, "cvol-lock-probe", 15,
			    RADOS_LIVENESS_MS, &reply, &reply_len);
	if (ret < 0 && ret != -ETIMEDOUT) {
		if (reply)
			rados_buffer_free(reply);
		return cvol_seterr(ret, "rados: probe lock holder of %s/%s: %s",
				   st->pool, oid, strerror(-ret));
	}
	if (rados_notify_acked(reply, reply_len, gid)) {
		rados_buffer_free(reply);
		return cvol_seterr(-EBUSY, "lock %s held by %s", oid, cookies);
	}
	if (reply)
		rados_buffer_free(reply);

	/* holder silent: fence it, then break its lock */
	ret = rados_blocklist_add(st->cluster, addrs, 0);
	if (ret < 0)
		return cvol_seterr(
			-EBUSY,
			"lock %s held by %s, which does not answer and cannot be fenced: %s",
			oid, cookies, strerror(-ret));
	ret = rados_break_lock(st->io, oid, RADOS_LOCK_NAME, clients, cookies);
	if (ret < 0 && ret != -ENOENT)
		return cvol_seterr(ret, "rados: break lock %s/%s: %s", st->pool,
				   oid, strerror(-ret));
	return -EAGAIN;
}

static int rados_store_lock(void *priv, const char *name, const char *cookie,
			    char holder[CVOL_LOCK_HOLDER_MAX],
			    unsigned int flags)
{
	struct rados_store *st = priv;
	struct rados_held_lock *hl;
	rados_write_op_t op;
	int ret, tries;

	ret = rados_oid_check(name);
	if (ret)
		return ret;
	if (strlen(cookie) >= CVOL_LOCK_HOLDER_MAX)
		return cvol_seterr(-EINVAL, "rados: lock cookie too long");
	hl = calloc(1, sizeof(*hl));
	if (!hl)
		return cvol_seterr(-ENOMEM, "rados: out of memory");
	hl->st = st;
	snprintf(hl->oid, sizeof(hl->oid), "%s%s", RADOS_LOCK_PREFIX, name);
	strcpy(hl->cookie, cookie);

	/* the object must exist to be watched */
	op = rados_create_write_op();
	if (!op) {
		ret = cvol_seterr(-ENOMEM, "rados: out of memory");
		goto out_free;
	}
	rados_write_op_create(op, LIBRADOS_CREATE_IDEMPOTENT, NULL);
	ret = rados_write_op_operate(op, st->io, hl->oid, NULL, 0);
	rados_release_write_op(op);
	if (ret < 0) {
		ret = cvol_seterr(ret, "rados: create %s/%s: %s", st->pool,
				  hl->oid, strerror(-ret));
		goto out_free;
	}
	/* watch before locking: a lock holder always answers notifies */
	ret = rados_watch3(st->io, hl->oid, &hl->watch, rados_lock_notified,
			   rados_lock_watch_error, RADOS_WATCH_TIMEOUT_S, hl);
	if (ret < 0) {
		ret = cvol_seterr(ret, "rados: watch %s/%s: %s", st->pool,
				  hl->oid, strerror(-ret));
		goto out_free;
	}
	for (tries = 0; tries < 3; tries++) {
		ret = rados_lock_exclusive(st->io, hl->oid, RADOS_LOCK_NAME,
					   cookie, "cvol volume owner", NULL,
					   0);
		if (ret == -EEXIST) {
			/* already ours (same client and cookie) */
			ret = 0;
			goto out_unwatch;
		}
		if (ret != -EBUSY)
			break;
		ret = rados_lock_contend(st, hl->oid, holder,
					 flags & CVOL_LOCK_TAKEOVER);
		if (ret != -EAGAIN)
			goto out_unwatch;
	}
	if (ret == -EBUSY || ret == -EAGAIN) {
		ret = cvol_seterr(-EBUSY, "lock %s held by %s", name, holder);
		goto out_unwatch;
	}
	if (ret < 0) {
		ret = cvol_seterr(ret, "rados: lock %s/%s: %s", st->pool,
				  hl->oid, strerror(-ret));
		goto out_unwatch;
	}
	pthread_mutex_lock(&st->locks_mutex);
	hl->next = st->locks;
	st->locks = hl;
	pthread_mutex_unlock(&st->locks_mutex);
	return 0;

out_unwatch:
	rados_unwatch2(st->io, hl->watch);
	rados_watch_flush(st->cluster);
out_free:
	free(hl);
	return ret;
}

static int rados_store_unlock(void *priv, const char *name, const char *cookie)
{
	struct rados_store *st = priv;
	struct rados_held_lock **pp, *hl = NULL;
	char oid[RADOS_LOCK_OID_MAX];
	int ret;

	ret = rados_oid_check(name);
	if (ret)
		return ret;
	snprintf(oid, sizeof(oid), "%s%s", RADOS_LOCK_PREFIX, name);
	pthread_mutex_lock(&st->locks_mutex);
	for (pp = &st->locks; *pp; pp = &(*pp)->next) {
		if (!strcmp((*pp)->oid, oid) &&
		    !strcmp((*pp)->cookie, cookie)) {
			hl = *pp;
			*pp = hl->next;
			break;
		}
	}
	pthread_mutex_unlock(&st->locks_mutex);
	if (!hl)
		return cvol_seterr(-ENOENT,
				   "rados: lock %s not held with cookie %s",
				   name, cookie);
	ret = rados_unwatch2(st->io, hl->watch);
	rados_watch_flush(st->cluster);
	ret = rados_unlock(st->io, hl->oid, RADOS_LOCK_NAME, hl->cookie);
	free(hl);
	if (ret < 0 && ret != -ENOENT)
		return cvol_seterr(ret, "rados: unlock %s/%s: %s", st->pool,
				   oid, strerror(-ret));
	return 0;
}

const struct cvol_store_ops cvol_store_rados_ops = {
	.name = "rados",
	.open = rados_open,
	.close = rados_close,
	.read = rados_store_read,
	.write = rados_store_write,
	.write_full = rados_store_write_full,
	.punch = rados_store_punch,
	.remove = rados_store_remove,
	.stat = rados_store_stat,
	.copy = rados_store_copy,
	.list = rados_store_list,
	.meta_read = rados_store_meta_read,
	.meta_cas = rados_store_meta_cas,
	.flush = rados_store_flush,
	.lock = rados_store_lock,
	.unlock = rados_store_unlock,
};
