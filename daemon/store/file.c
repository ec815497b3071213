// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * File store driver: one pool is one directory.
 *
 * Layout under the pool root:
 *
 *   <root>/<xx>/<oid>        object <oid>; xx = 2 hex digits of a hash of
 *                            the name (256 fan-out directories)
 *   <root>/<xx>/,tmp.<oid>.<tid>  metadata being replaced (write, fsync,
 *                            rename); stale ones go at open
 *   <root>/,lk.<name>        lock files (flock), holding the holder cookie
 *   <root>/,meta.lock        byte-range (OFD) locks serialising meta_cas
 *   <root>/,reserve          the metadata reserve (below)
 *
 * Names starting with ',' are never objects (',' is not an oid character)
 * and list() skips them.
 *
 * Metadata objects carry their version in the first 8 bytes of the file
 * (little-endian u64); the payload follows.  meta_cas() replaces the file
 * by rename, so readers see the old or new file, never a mix.
 *
 * Data durability: every object written since the last flush is remembered
 * (the dirty set); flush() fdatasyncs each one and fsyncs the fan-out
 * directories in which objects were created or removed.  The first flush
 * of an instance syncs the whole file system (syncfs): it cannot know what
 * a dead predecessor left unsynced.
 *
 * Full file system.  Freeing space needs metadata writes: a discard only
 * counts once the map chunk that no longer names the object is committed,
 * and a commit writes a new file.  So the store keeps a reserve: ,reserve
 * has blocks preallocated beyond its size (FALLOC_FL_KEEP_SIZE) over
 * [0, have).  A metadata write (meta_cas, punch) that fails with ENOSPC or
 * EDQUOT gives the last step of the reserve back to the file system
 * (hole punch) and tries again, until the reserve is gone; data writes
 * never touch it.  After such a retry, and after every remove or punch
 * while the reserve is short, the store takes space back for it, in
 * steps that halve down to one page, so that data writes do not eat what
 * was given back.  While it is short, ENOSPC messages say so.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/err.h"
#include "engine/names.h"
#include "store/store-driver.h"
#include "store/store-util.h"

#define FSTORE_FANOUT 256
#define FSTORE_META_STRIPES 64
#define FSTORE_META_HDR 8
#define FSTORE_PG 4096ull
#define FSTORE_RESERVE_DEFAULT (16ull << 20)
#define FSTORE_RESERVE_STEP_MIN (64ull << 10)

struct fstore_lock {
	char name[CVOL_OID_MAX + 1];
	int fd;
	struct fstore_lock *next;
};

struct fstore {
	int rootfd;
	int metafd; /* ,meta.lock: OFD byte-range locks for meta_cas */
	char root[PATH_MAX];
	/* serialises meta_cas of objects hashing to one stripe in-process */
	pthread_mutex_t meta_mu[FSTORE_META_STRIPES];

	/*
	 * protects dirty, ndirty, cap_dirty, lost, dir_dirty, meta_pending,
	 * meta_gen and locks
	 */
	pthread_mutex_t mu;
	char **dirty; /* oids written since the last flush */
	size_t ndirty, cap_dirty;
	bool lost; /* an oid did not fit in dirty: flush syncs the fs */
	bool dir_dirty[FSTORE_FANOUT]; /* entries created/removed there */
	/*
	 * A meta_cas() renamed its object into place but could not fsync the
	 * directory: that directory is in dir_dirty, and no later meta_cas()
	 * runs before it is synced (metadata stays durable in order).
	 * meta_gen counts such events, so a sync only clears what it saw.
	 */
	bool meta_pending;
	uint64_t meta_gen;
	struct fstore_lock *locks;
	/*
	 * Held across a whole flush (flush_mu) and a whole directory sync
	 * (dir_mu): a flush that finds the dirty set empty because another
	 * flush took it must still wait for that one's syncs, which cover
	 * writes completed before it (jbd2 waits for the running commit the
	 * same way).
	 */
	pthread_mutex_t flush_mu, dir_mu;
	/*
	 * A sync failed: Linux marks the pages clean after a failed
	 * writeback and reports the error once, so a retry would succeed
	 * with the data lost.  Every later write and flush fails.
	 */
	int poisoned;

	/* the metadata reserve (see the top of this file) */
	int resfd; /* ,reserve; -1: none could be made */
	uint64_t res_target, res_step;
	pthread_mutex_t res_mu; /* protects res_have, res_short, space_msg */
	uint64_t res_have; /* bytes allocated, from offset 0 */
	bool res_short; /* res_have < res_target (also read unlocked) */
	char space_msg[192]; /* why the reserve is short, or "" */
};

/* once a sync failed, @fs is unusable for anything but reads */
static void fstore_poison(struct fstore *fs)
{
	__atomic_store_n(&fs->poisoned, 1, __ATOMIC_RELAXED);
}

static int fstore_check_poison(struct fstore *fs)
{
	if (!__atomic_load_n(&fs->poisoned, __ATOMIC_RELAXED))
		return 0;
	return cvol_seterr(-EIO,
			   "store %s: an earlier sync failed and data may be lost; reopen it after checking the file system",
			   fs->root);
}

/* the fan-out directory of @oid */
static unsigned int fstore_dir(const char *oid)
{
	return cvol_store_hash(oid) % FSTORE_FANOUT;
}

static int fstore_check_oid(const char *oid)
{
	size_t n = strlen(oid);

	if (!n || n > CVOL_OID_MAX)
		return cvol_seterr(-EINVAL, "bad object name length %zu", n);
	if (!cvol_name_chars_ok(oid, n))
		return cvol_seterr(-EINVAL, "bad character in object name '%s'",
				   oid);
	if (oid[0] == '.')
		return cvol_seterr(-EINVAL, "object name '%s' starts with '.'",
				   oid);
	return 0;
}

/* relative path "xx/oid" of @oid */
static int fstore_path(const char *oid, char *buf, size_t cap)
{
	int ret = fstore_check_oid(oid);

	if (ret)
		return ret;
	snprintf(buf, cap, "%02x/%s", fstore_dir(oid), oid);
	return 0;
}

/* the path of @oid, for a change: -EIO first if the store is poisoned */
static int fstore_change_path(struct fstore *fs, const char *oid, char *p,
			      size_t cap)
{
	return fstore_check_poison(fs) ?: fstore_path(oid, p, cap);
}

/* the error of a failed @what on object @oid, from errno */
static int fstore_objerr(const char *what, const char *oid)
{
	if (errno == ENOENT)
		return cvol_seterr(-ENOENT, "no object %s", oid);
	return cvol_seterr(-errno, "%s %s: %s", what, oid, strerror(errno));
}

/* open the existing object @oid with @flags: the fd, or -errno */
static int fstore_open_obj(struct fstore *fs, const char *oid, int flags)
{
	char p[CVOL_OID_MAX + 8];
	int fd, ret;

	ret = fstore_path(oid, p, sizeof(p));
	if (ret)
		return ret;
	fd = openat(fs->rootfd, p, flags | O_CLOEXEC);
	if (fd < 0)
		return fstore_objerr("open", oid);
	return fd;
}

/* open fan-out directory @i (its name in @sub): the fd, or -1 and errno */
static int fstore_open_dir(struct fstore *fs, unsigned int i, char sub[8])
{
	snprintf(sub, 8, "%02x", i);
	return openat(fs->rootfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void fstore_mark_dirty(struct fstore *fs, const char *oid,
			      bool created)
{
	size_t i;

	pthread_mutex_lock(&fs->mu);
	if (created)
		fs->dir_dirty[fstore_dir(oid)] = true;
	/* scan only the tail: repeated writes to one object are common */
	for (i = fs->ndirty; i > 0 && i + 16 > fs->ndirty; i--)
		if (!strcmp(fs->dirty[i - 1], oid))
			goto out_unlock;
	if (fs->ndirty == fs->cap_dirty) {
		size_t cap = fs->cap_dirty ? fs->cap_dirty * 2 : 64;
		char **n = realloc(fs->dirty, cap * sizeof(*n));

		if (!n) {
			fs->lost = true; /* flush() falls back to syncfs */
			goto out_unlock;
		}
		fs->dirty = n;
		fs->cap_dirty = cap;
	}
	fs->dirty[fs->ndirty] = strdup(oid);
	if (fs->dirty[fs->ndirty])
		fs->ndirty++;
	else
		fs->lost = true;
out_unlock:
	pthread_mutex_unlock(&fs->mu);
}

/* say how the reserve stands; under res_mu */
static void fstore_reserve_note(struct fstore *fs, const char *why)
{
	__atomic_store_n(&fs->res_short, fs->res_have < fs->res_target,
			 __ATOMIC_RELAXED);
	if (fs->res_have >= fs->res_target)
		fs->space_msg[0] = '\0';
	else
		snprintf(fs->space_msg, sizeof(fs->space_msg),
			 "%s; metadata reserve at %llu of %llu KiB", why,
			 (unsigned long long)fs->res_have >> 10,
			 (unsigned long long)fs->res_target >> 10);
}

/*
 * Grow the reserve back towards its target: steps of res_step, halved
 * after each refusal down to one page.  A refused fallocate may have
 * allocated part of its range: punch it out again.
 */
static void fstore_reserve_refill(struct fstore *fs)
{
	char why[96] = "the file system is full";
	uint64_t piece, n;
	int err;

	if (fs->resfd < 0)
		return;
	pthread_mutex_lock(&fs->res_mu);
	for (piece = fs->res_step;
	     piece >= FSTORE_PG && fs->res_have < fs->res_target;) {
		n = fs->res_target - fs->res_have;
		if (n > piece)
			n = piece;
		if (!fallocate(fs->resfd, FALLOC_FL_KEEP_SIZE, fs->res_have,
			       n)) {
			fs->res_have += n;
			continue;
		}
		err = errno;
		fallocate(fs->resfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  fs->res_have, n);
		if (err != ENOSPC && err != EDQUOT) {
			/* not supported here: keep what there is */
			snprintf(why, sizeof(why),
				 "cannot preallocate the reserve: %s",
				 strerror(err));
			break;
		}
		piece /= 2;
	}
	fstore_reserve_note(fs, why);
	pthread_mutex_unlock(&fs->res_mu);
}

/* after space was freed: refill the reserve if it is short */
static void fstore_reserve_freed(struct fstore *fs)
{
	if (__atomic_load_n(&fs->res_short, __ATOMIC_RELAXED))
		fstore_reserve_refill(fs);
}

/*
 * A metadata write failed with @err: if that was for lack of space, give
 * one step of the reserve back to the file system.  True iff the caller
 * should try again.
 */
static bool fstore_reserve_release(struct fstore *fs, int err)
{
	uint64_t n;
	bool ok = false;

	if ((err != -ENOSPC && err != -EDQUOT) || fs->resfd < 0 ||
	    __atomic_load_n(&fs->poisoned, __ATOMIC_RELAXED))
		return false;
	pthread_mutex_lock(&fs->res_mu);
	n = fs->res_have < fs->res_step ? fs->res_have : fs->res_step;
	if (n &&
	    !fallocate(fs->resfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		       fs->res_have - n, n)) {
		fs->res_have -= n;
		ok = true;
	} else if (fs->res_have && !ftruncate(fs->resfd, 0)) {
		/* no hole punching: truncating frees all of it */
		fs->res_have = 0;
		ok = true;
	}
	fstore_reserve_note(
		fs, "the file system is full: metadata writes use the reserve");
	pthread_mutex_unlock(&fs->res_mu);
	return ok;
}

/*
 * Open (or create) the reserve and fill it as far as the file system
 * lets it.  Never fails: a store on a full file system must still open,
 * if only to free space.
 */
static void fstore_reserve_open(struct fstore *fs, uint64_t target)
{
	struct stat st;

	pthread_mutex_init(&fs->res_mu, NULL);
	fs->res_target = (target ? target : FSTORE_RESERVE_DEFAULT) &
			 ~(FSTORE_PG - 1);
	fs->res_step = fs->res_target / 16;
	if (fs->res_step < FSTORE_RESERVE_STEP_MIN)
		fs->res_step = FSTORE_RESERVE_STEP_MIN;
	fs->res_step &= ~(FSTORE_PG - 1);
	fs->resfd = openat(fs->rootfd, ",reserve", O_RDWR | O_CREAT | O_CLOEXEC,
			   0600);
	if (fs->resfd < 0) {
		snprintf(fs->space_msg, sizeof(fs->space_msg),
			 "no metadata reserve: create ,reserve: %s",
			 strerror(errno));
		fs->res_short = true;
		return;
	}
	if (!fstat(fs->resfd, &st))
		fs->res_have = ((uint64_t)st.st_blocks * 512) &
			       ~(FSTORE_PG - 1);
	if (fs->res_have > fs->res_target)
		fs->res_have = fs->res_target;
	fstore_reserve_refill(fs);
}

/* the error of a failed data write @what of @oid: says when space is short */
static int fstore_write_err(struct fstore *fs, int err, const char *what,
			    const char *oid)
{
	char note[sizeof(fs->space_msg)];

	if (err != -ENOSPC && err != -EDQUOT)
		return cvol_seterr(err, "%s %s: %s", what, oid, strerror(-err));
	pthread_mutex_lock(&fs->res_mu);
	snprintf(note, sizeof(note), "%s", fs->space_msg);
	pthread_mutex_unlock(&fs->res_mu);
	return cvol_seterr(
		err, "%s %s: %s (%s)", what, oid, strerror(-err),
		note[0] ?
			note :
			"the file system is full: discard data or free space; metadata reserve kept");
}

/*
 * fsync the root and each of its ancestors: the directories fstore_open()
 * created are durable, and so are their entries.  0 or -errno (message
 * set).
 */
static int fstore_sync_parents(struct fstore *fs)
{
	char p[PATH_MAX];
	char *slash;
	int fd;

	snprintf(p, sizeof(p), "%s", fs->root);
	for (;;) {
		fd = open(p[0] ? p : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fsync(fd)) {
			int err = errno;

			if (fd >= 0)
				close(fd);
			return cvol_seterr(-err, "fsync %s: %s", p[0] ? p : "/",
					   strerror(err));
		}
		close(fd);
		slash = strrchr(p, '/');
		if (!slash || slash == p || !p[0])
			break;
		*slash = '\0';
	}
	return 0;
}

static void fstore_drop_stale_tmp(struct fstore *fs);

static int fstore_open(const struct cvol_store_conf *conf, void **priv)
{
	struct fstore *fs;
	char def[PATH_MAX];
	const char *path = conf->path;
	bool made = false;
	char sub[8];
	int i, ret;

	if (!path) {
		snprintf(def, sizeof(def), "/var/lib/cvol/%s",
			 conf->pool ? conf->pool : "default");
		path = def;
	}
	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return cvol_seterr(-ENOMEM, "out of memory");
	snprintf(fs->root, sizeof(fs->root), "%s", path);
	/* create the root and its parents, unless only an existing pool may
	 * be opened
	 */
	for (i = 1; !conf->existing && fs->root[i]; i++) {
		if (fs->root[i] != '/')
			continue;
		fs->root[i] = '\0';
		if (!mkdir(fs->root, 0700))
			made = true;
		fs->root[i] = '/';
	}
	if (conf->existing) {
		/* opened below */
	} else if (!mkdir(fs->root, 0700)) {
		made = true;
	} else if (errno != EEXIST) {
		ret = cvol_seterr(-errno, "cannot create store root %s: %s",
				  fs->root, strerror(errno));
		goto out_free;
	}
	fs->rootfd = open(fs->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fs->rootfd < 0 && errno == ENOENT && conf->existing) {
		ret = cvol_seterr(-ENOENT, "no pool \"%s\" (%s does not exist)",
				  conf->pool ? conf->pool : "default",
				  fs->root);
		goto out_free;
	}
	if (fs->rootfd < 0) {
		ret = cvol_seterr(-errno, "cannot open store root %s: %s",
				  fs->root, strerror(errno));
		goto out_free;
	}
	for (i = 0; i < FSTORE_FANOUT; i++) {
		snprintf(sub, sizeof(sub), "%02x", i);
		if (!mkdirat(fs->rootfd, sub, 0700)) {
			made = true;
		} else if (errno != EEXIST) {
			ret = cvol_seterr(-errno, "cannot create %s/%s: %s",
					  fs->root, sub, strerror(errno));
			goto out_close_root;
		}
	}
	/* what meta_cas() makes durable must not hang off lost directories */
	if (made) {
		ret = fstore_sync_parents(fs);
		if (ret)
			goto out_close_root;
	}
	fs->metafd = openat(fs->rootfd, ",meta.lock",
			    O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fs->metafd < 0) {
		ret = cvol_seterr(-errno, "cannot open %s/,meta.lock: %s",
				  fs->root, strerror(errno));
		goto out_close_root;
	}
	for (i = 0; i < FSTORE_META_STRIPES; i++)
		pthread_mutex_init(&fs->meta_mu[i], NULL);
	pthread_mutex_init(&fs->mu, NULL);
	pthread_mutex_init(&fs->flush_mu, NULL);
	pthread_mutex_init(&fs->dir_mu, NULL);
	fstore_reserve_open(fs, conf->meta_reserve);
	/*
	 * An earlier instance (a cvold that was killed) may have left
	 * acknowledged writes in the page cache that nobody synced; this
	 * instance's first flush must cover them, and it cannot know their
	 * names: it syncs the whole file system once.
	 */
	fs->lost = true;
	fstore_drop_stale_tmp(fs);
	*priv = fs;
	return 0;

out_close_root:
	close(fs->rootfd);
out_free:
	free(fs);
	return ret;
}

static void fstore_close(void *priv)
{
	struct fstore *fs = priv;
	struct fstore_lock *l, *n;
	size_t i;

	for (l = fs->locks; l; l = n) {
		n = l->next;
		close(l->fd);
		free(l);
	}
	for (i = 0; i < fs->ndirty; i++)
		free(fs->dirty[i]);
	free(fs->dirty);
	if (fs->resfd >= 0)
		close(fs->resfd);
	pthread_mutex_destroy(&fs->res_mu);
	close(fs->metafd);
	close(fs->rootfd);
	free(fs);
}

/* read up to @len bytes at @off: how many (short at the end), or -errno */
static ssize_t fstore_pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done, off + done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

static int fstore_read(void *priv, const char *oid, void *buf, size_t len,
		       uint64_t off)
{
	ssize_t n;
	int fd;

	fd = fstore_open_obj(priv, oid, O_RDONLY);
	if (fd < 0)
		return fd;
	n = fstore_pread_all(fd, buf, len, off);
	close(fd);
	if (n < 0)
		return cvol_seterr((int)n, "read %s: %s", oid,
				   strerror((int)-n));
	memset((char *)buf + n, 0, len - n);
	return 0;
}

static int fstore_pwrite_all(int fd, const void *buf, size_t len,
			     uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pwrite(fd, (const char *)buf + done, len - done,
			   off + done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += n;
	}
	return 0;
}

/* open @oid for writing; *created says whether it was new */
static int fstore_open_w(struct fstore *fs, const char *oid, int extra,
			 bool *created)
{
	char p[CVOL_OID_MAX + 8];
	int fd, ret;

	ret = fstore_path(oid, p, sizeof(p));
	if (ret)
		return ret;
	*created = false;
	fd = openat(fs->rootfd, p, O_WRONLY | O_CLOEXEC | extra);
	if (fd < 0 && errno == ENOENT) {
		fd = openat(fs->rootfd, p,
			    O_WRONLY | O_CREAT | O_CLOEXEC | extra, 0600);
		*created = true;
	}
	if (fd < 0)
		return cvol_seterr(-errno, "open %s for writing: %s", oid,
				   strerror(errno));
	return fd;
}

/*
 * Write @len bytes at @off into object @oid, creating it if missing; with
 * @cut, the object ends after them.  Never O_TRUNC: a power cut can make
 * a truncate durable without the data written after it, and the old
 * (flushed) content would read as zeros.  Written in place and then cut,
 * each page is old or new and the size is the old or the new one.
 */
static int fstore_put(struct fstore *fs, const char *oid, const void *buf,
		      size_t len, uint64_t off, bool cut)
{
	bool created;
	int fd, ret;

	ret = fstore_check_poison(fs);
	if (ret)
		return ret;
	fd = fstore_open_w(fs, oid, 0, &created);
	if (fd < 0)
		return fd;
	ret = fstore_pwrite_all(fd, buf, len, off);
	if (!ret && cut && ftruncate(fd, off + len))
		ret = -errno;
	close(fd);
	if (ret)
		return fstore_write_err(fs, ret, "write", oid);
	fstore_mark_dirty(fs, oid, created);
	return 0;
}

static int fstore_write(void *priv, const char *oid, const void *buf,
			size_t len, uint64_t off)
{
	return fstore_put(priv, oid, buf, len, off, false);
}

/* Replace the whole object (see fstore_put()) */
static int fstore_write_full(void *priv, const char *oid, const void *buf,
			     size_t len)
{
	return fstore_put(priv, oid, buf, len, 0, true);
}

/* punch [@off, @off + @len) of the open object @fd (size @size) */
static int fstore_punch_fd(int fd, uint64_t size, uint64_t off, uint64_t len)
{
	/* no hole punching here: write zeros instead */
	static const char zeros[65536];
	uint64_t end = off + len, o;
	int ret = 0;

	if (!fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off,
		       len))
		return 0;
	/* any error but "no hole punching here" (ENOSPC: an extent split) */
	if (errno != EOPNOTSUPP)
		return -errno;
	if (size < end)
		end = size;
	for (o = off; o < end && !ret; o += sizeof(zeros))
		ret = fstore_pwrite_all(
			fd, zeros,
			end - o < sizeof(zeros) ? end - o : sizeof(zeros), o);
	return ret;
}

/* a discard: a full file system lends it the metadata reserve */
static int fstore_punch(void *priv, const char *oid, uint64_t off,
			uint64_t len)
{
	struct fstore *fs = priv;
	char p[CVOL_OID_MAX + 8];
	struct stat st;
	int fd, ret;

	ret = fstore_change_path(fs, oid, p, sizeof(p));
	if (ret)
		return ret;
	fd = openat(fs->rootfd, p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : fstore_objerr("open", oid);
	if (fstat(fd, &st)) {
		ret = cvol_seterr(-errno, "stat %s: %s", oid, strerror(errno));
		goto out_close;
	}
	if ((uint64_t)st.st_size <= off)
		goto out_close; /* nothing there to punch */
	do
		ret = fstore_punch_fd(fd, st.st_size, off, len);
	while (ret && fstore_reserve_release(fs, ret));
	if (ret) {
		ret = fstore_write_err(fs, ret, "punch", oid);
		goto out_close;
	}
	fstore_mark_dirty(fs, oid, false);
	fstore_reserve_freed(fs);
out_close:
	close(fd);
	return ret;
}

static int fstore_remove(void *priv, const char *oid)
{
	struct fstore *fs = priv;
	char p[CVOL_OID_MAX + 8];
	int ret;

	ret = fstore_change_path(fs, oid, p, sizeof(p));
	if (ret)
		return ret;
	if (unlinkat(fs->rootfd, p, 0))
		return fstore_objerr("remove", oid);
	pthread_mutex_lock(&fs->mu);
	fs->dir_dirty[fstore_dir(oid)] = true;
	pthread_mutex_unlock(&fs->mu);
	fstore_reserve_freed(fs);
	return 0;
}

static int fstore_stat(void *priv, const char *oid, uint64_t *size)
{
	struct fstore *fs = priv;
	char p[CVOL_OID_MAX + 8];
	struct stat st;
	int ret;

	ret = fstore_path(oid, p, sizeof(p));
	if (ret)
		return ret;
	if (fstatat(fs->rootfd, p, &st, 0))
		return fstore_objerr("stat", oid);
	*size = st.st_size;
	return 0;
}

static int fstore_copy(void *priv, const char *dst, const char *src)
{
	struct fstore *fs = priv;
	struct stat st;
	bool created;
	int sfd, dfd, ret = 0;
	loff_t done = 0;
	ssize_t n;

	ret = fstore_check_poison(fs);
	if (ret)
		return ret;
	sfd = fstore_open_obj(fs, src, O_RDONLY);
	if (sfd < 0)
		return sfd;
	/* no O_TRUNC, as in write_full: ftruncate below sets the size */
	dfd = fstore_open_w(fs, dst, 0, &created);
	if (dfd < 0) {
		ret = dfd;
		goto out_close_src;
	}
	if (fstat(sfd, &st)) {
		ret = cvol_seterr(-errno, "stat %s: %s", src, strerror(errno));
		goto out_close_dst;
	}
	if (ioctl(dfd, FICLONE, sfd) == 0)
		done = st.st_size; /* the size is set below all the same */
	while (done < st.st_size) {
		loff_t soff = done;

		n = copy_file_range(sfd, &soff, dfd, &soff,
				    st.st_size - done, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = cvol_seterr(n < 0 ? -errno : -EIO,
					  "copy %s to %s: %s", src, dst,
					  n < 0 ? strerror(errno) :
						  "short copy");
			goto out_close_dst;
		}
		done += n;
	}
	if (ftruncate(dfd, st.st_size)) {
		ret = cvol_seterr(-errno, "truncate %s: %s", dst,
				  strerror(errno));
		goto out_close_dst;
	}
	fstore_mark_dirty(fs, dst, created);
out_close_dst:
	close(dfd);
out_close_src:
	close(sfd);
	return ret;
}

static int fstore_list(void *priv, const char *prefix, cvol_store_list_cb cb,
		       void *arg)
{
	struct fstore *fs = priv;
	size_t plen = strlen(prefix);
	struct dirent *de;
	char sub[8];
	DIR *d;
	int fd, ret = 0;
	unsigned int i;

	for (i = 0; i < FSTORE_FANOUT && !ret; i++) {
		fd = fstore_open_dir(fs, i, sub);
		if (fd < 0)
			return cvol_seterr(-errno, "open %s/%s: %s", fs->root,
					   sub, strerror(errno));
		d = fdopendir(fd);
		if (!d) {
			close(fd);
			return cvol_seterr(-ENOMEM, "out of memory");
		}
		while (!ret && (de = readdir(d))) {
			if (de->d_name[0] == '.' || de->d_name[0] == ',')
				continue;
			if (strncmp(de->d_name, prefix, plen))
				continue;
			ret = cb(arg, de->d_name);
		}
		closedir(d);
	}
	return ret;
}

/* the OFD lock (@type) of @oid's byte of ,meta.lock */
static struct flock fstore_meta_flock(const char *oid, short type)
{
	struct flock fl = {
		.l_type = type,
		.l_whence = SEEK_SET,
		.l_start = cvol_store_hash(oid) % 65536,
		.l_len = 1,
	};

	return fl;
}

static int fstore_meta_lock(struct fstore *fs, const char *oid, bool lock)
{
	uint32_t h = cvol_store_hash(oid);
	struct flock fl = fstore_meta_flock(oid, lock ? F_WRLCK : F_UNLCK);
	int ret = 0;

	if (lock)
		pthread_mutex_lock(&fs->meta_mu[h % FSTORE_META_STRIPES]);
	while (fcntl(fs->metafd, F_OFD_SETLKW, &fl)) {
		if (errno == EINTR)
			continue;
		ret = cvol_seterr(-errno, "lock metadata %s: %s", oid,
				  strerror(errno));
		break;
	}
	if (!lock || ret)
		pthread_mutex_unlock(&fs->meta_mu[h % FSTORE_META_STRIPES]);
	return ret;
}

/* fstore_meta_lock(@fs, @oid, true) if no one holds it: 0, else -errno */
static int fstore_meta_trylock(struct fstore *fs, const char *oid)
{
	uint32_t h = cvol_store_hash(oid);
	struct flock fl = fstore_meta_flock(oid, F_WRLCK);

	pthread_mutex_lock(&fs->meta_mu[h % FSTORE_META_STRIPES]);
	if (!fcntl(fs->metafd, F_OFD_SETLK, &fl))
		return 0;
	pthread_mutex_unlock(&fs->meta_mu[h % FSTORE_META_STRIPES]);
	return -errno;
}

/*
 * Remove the metadata temporaries (",tmp.<oid>.<tid>") that dead
 * processes left between their create and their rename.  A live
 * meta_cas() holds <oid>'s metadata lock (shared by every process and
 * instance on the store) from before it creates its temporary until it
 * renamed or removed it: a temporary whose lock is free is stale, one
 * whose lock is busy may be live and stays for a later open.  Best
 * effort: what fails stays for the next open too.
 */
static void fstore_drop_stale_tmp(struct fstore *fs)
{
	char sub[8], oid[CVOL_OID_MAX + 1], p[sizeof(sub) + 1 + NAME_MAX + 1];
	const char *name, *dot;
	struct dirent *de;
	unsigned int i;
	DIR *d;
	int fd;

	for (i = 0; i < FSTORE_FANOUT; i++) {
		fd = fstore_open_dir(fs, i, sub);
		if (fd < 0)
			continue;
		d = fdopendir(fd);
		if (!d) {
			close(fd);
			continue;
		}
		while ((de = readdir(d))) {
			if (strncmp(de->d_name, ",tmp.", 5))
				continue;
			name = de->d_name + 5;
			dot = strrchr(name, '.');
			if (!dot || dot == name || dot - name > CVOL_OID_MAX)
				continue;
			snprintf(oid, sizeof(oid), "%.*s", (int)(dot - name),
				 name);
			if (fstore_meta_trylock(fs, oid))
				continue;
			snprintf(p, sizeof(p), "%s/%s", sub, de->d_name);
			unlinkat(fs->rootfd, p, 0);
			fstore_meta_lock(fs, oid, false);
		}
		closedir(d);
	}
}

/* read the whole metadata file: version + payload */
static int fstore_meta_get(struct fstore *fs, const char *oid, void *buf,
			   size_t cap, size_t *len, uint64_t *version)
{
	uint64_t v;
	struct stat st;
	ssize_t n;
	int fd, ret = 0;

	fd = fstore_open_obj(fs, oid, O_RDONLY);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		ret = cvol_seterr(-errno, "stat %s: %s", oid, strerror(errno));
		goto out_close;
	}
	if (st.st_size < FSTORE_META_HDR) {
		ret = cvol_seterr(-EILSEQ,
				  "metadata object %s is %lld bytes, expected at least %d",
				  oid, (long long)st.st_size, FSTORE_META_HDR);
		goto out_close;
	}
	if (buf && (uint64_t)st.st_size - FSTORE_META_HDR > cap) {
		ret = cvol_seterr(-EOVERFLOW,
				  "metadata object %s is %lld bytes, buffer %zu",
				  oid, (long long)st.st_size - FSTORE_META_HDR,
				  cap);
		goto out_close;
	}
	n = pread(fd, &v, sizeof(v), 0);
	if (n != sizeof(v)) {
		ret = cvol_seterr(-EIO, "read %s: short read", oid);
		goto out_close;
	}
	*version = le64toh(v);
	if (buf) {
		size_t want = st.st_size - FSTORE_META_HDR, done = 0;

		while (done < want) {
			n = pread(fd, (char *)buf + done, want - done,
				  FSTORE_META_HDR + done);
			if (n <= 0) {
				ret = cvol_seterr(-EIO, "read %s: %s", oid,
						  n < 0 ? strerror(errno) :
							  "short read");
				goto out_close;
			}
			done += n;
		}
		*len = want;
	}
out_close:
	close(fd);
	return ret;
}

static int fstore_meta_read(void *priv, const char *oid, void *buf,
			    size_t cap, size_t *len, uint64_t *version)
{
	return fstore_meta_get(priv, oid, buf, cap, len, version);
}

/*
 * fsync fan-out directory @i (its name in @sub): 0 or -errno.  A failed
 * fsync poisons the store; failing to open the directory does not.
 */
static int fstore_sync_dir(struct fstore *fs, unsigned int i, char sub[8])
{
	int fd = fstore_open_dir(fs, i, sub), ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd)) {
		ret = -errno;
		fstore_poison(fs);
	}
	close(fd);
	return ret;
}

/*
 * fsync every directory in dir_dirty; what fails (and what was not
 * reached) stays marked for the next try.  Clears meta_pending when no
 * meta_cas() deferred a directory meanwhile.
 */
static int fstore_sync_dirs(struct fstore *fs)
{
	bool dirs[FSTORE_FANOUT];
	uint64_t gen;
	char sub[8];
	unsigned int i;
	int ret = 0;

	pthread_mutex_lock(&fs->dir_mu);
	pthread_mutex_lock(&fs->mu);
	memcpy(dirs, fs->dir_dirty, sizeof(dirs));
	memset(fs->dir_dirty, 0, sizeof(fs->dir_dirty));
	gen = fs->meta_gen;
	pthread_mutex_unlock(&fs->mu);

	for (i = 0; i < FSTORE_FANOUT && !ret; i++) {
		if (!dirs[i])
			continue;
		ret = fstore_sync_dir(fs, i, sub);
		if (ret)
			ret = cvol_seterr(ret, "fsync %s/%s: %s", fs->root, sub,
					  strerror(-ret));
		else
			dirs[i] = false;
	}
	pthread_mutex_lock(&fs->mu);
	for (i = 0; i < FSTORE_FANOUT; i++)
		fs->dir_dirty[i] |= dirs[i];
	if (!ret && fs->meta_gen == gen)
		fs->meta_pending = false;
	pthread_mutex_unlock(&fs->mu);
	pthread_mutex_unlock(&fs->dir_mu);
	return ret;
}

/*
 * Write the replacement file @tmp of a metadata object: version @ver, then
 * @buf, synced.  0 or -errno, and then no @tmp is left.  A failed fsync
 * poisons the store.
 */
static int fstore_meta_tmp(struct fstore *fs, const char *tmp, uint64_t ver,
			   const void *buf, size_t len)
{
	uint64_t v = htole64(ver);
	int fd, ret;

	fd = openat(fs->rootfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600);
	if (fd < 0)
		return -errno;
	ret = fstore_pwrite_all(fd, &v, sizeof(v), 0);
	if (!ret)
		ret = fstore_pwrite_all(fd, buf, len, FSTORE_META_HDR);
	if (!ret && fsync(fd)) {
		ret = -errno;
		fstore_poison(fs);
	}
	close(fd);
	if (ret)
		unlinkat(fs->rootfd, tmp, 0);
	return ret;
}

static int fstore_meta_cas(void *priv, const char *oid, const void *buf,
			   size_t len, uint64_t expect, uint64_t *version)
{
	struct fstore *fs = priv;
	char p[CVOL_OID_MAX + 8], tmp[CVOL_OID_MAX + 64], sub[8];
	bool pending, lent = false;
	uint64_t cur = 0;
	int ret;

	ret = fstore_change_path(fs, oid, p, sizeof(p));
	if (ret)
		return ret;
	ret = fstore_meta_lock(fs, oid, true);
	if (ret)
		return ret;
	/* an earlier replacement's directory first: metadata stays in order */
	pthread_mutex_lock(&fs->mu);
	pending = fs->meta_pending;
	pthread_mutex_unlock(&fs->mu);
	if (pending) {
		ret = fstore_sync_dirs(fs);
		if (ret)
			goto out_unlock;
	}
	ret = fstore_meta_get(fs, oid, NULL, 0, NULL, &cur);
	if (ret == -ENOENT)
		cur = 0;
	else if (ret)
		goto out_unlock;
	ret = cvol_store_cas_check(oid, cur, expect);
	if (ret)
		goto out_unlock;
	snprintf(tmp, sizeof(tmp), "%02x/,tmp.%s.%d", fstore_dir(oid), oid,
		 gettid());
	/* a full file system lends metadata its reserve, step by step */
	while ((ret = fstore_meta_tmp(fs, tmp, cur + 1, buf, len)) &&
	       fstore_reserve_release(fs, ret))
		lent = true;
	if (!ret && renameat(fs->rootfd, tmp, fs->rootfd, p)) {
		ret = -errno;
		unlinkat(fs->rootfd, tmp, 0);
	}
	/* take back what this write did not need, before data writes do */
	if (lent)
		fstore_reserve_refill(fs);
	if (ret) {
		ret = fstore_write_err(fs, ret, "replace", oid);
		goto out_unlock;
	}
	/*
	 * The new version is in place whatever happens now, so it is what
	 * the caller must know.  If its directory cannot be synced it is not
	 * durable: fail (the outcome is unknown to the caller, as after a
	 * timeout), and the next meta_cas() or flush syncs that directory
	 * first and fails while it cannot, so metadata stays in order.
	 */
	*version = cur + 1;
	ret = fstore_sync_dir(fs, fstore_dir(oid), sub);
	if (ret) {
		pthread_mutex_lock(&fs->mu);
		fs->dir_dirty[fstore_dir(oid)] = true;
		fs->meta_pending = true;
		fs->meta_gen++;
		pthread_mutex_unlock(&fs->mu);
		ret = cvol_seterr(ret,
				  "replaced %s but cannot make it durable: fsync %s/%s: %s",
				  oid, fs->root, sub, strerror(-ret));
	}
out_unlock:
	fstore_meta_lock(fs, oid, false);
	return ret;
}

static int fstore_flush_locked(struct fstore *fs);

static int fstore_flush(void *priv)
{
	struct fstore *fs = priv;
	int ret;

	pthread_mutex_lock(&fs->flush_mu);
	ret = fstore_flush_locked(fs);
	pthread_mutex_unlock(&fs->flush_mu);
	return ret;
}

/* flush() under flush_mu */
static int fstore_flush_locked(struct fstore *fs)
{
	char p[CVOL_OID_MAX + 8];
	char **dirty;
	size_t i, n;
	bool lost;
	int fd, ret;

	ret = fstore_check_poison(fs);
	if (ret)
		return ret;
	pthread_mutex_lock(&fs->mu);
	dirty = fs->dirty;
	n = fs->ndirty;
	lost = fs->lost;
	fs->dirty = NULL;
	fs->ndirty = fs->cap_dirty = 0;
	fs->lost = false;
	pthread_mutex_unlock(&fs->mu);

	for (i = 0; i < n; i++) {
		if (!ret && !fstore_path(dirty[i], p, sizeof(p))) {
			fd = openat(fs->rootfd, p, O_RDONLY | O_CLOEXEC);
			if (fd < 0 && errno != ENOENT) {
				/* not known durable: the next flush tries */
				ret = cvol_seterr(-errno, "open %s: %s",
						  dirty[i], strerror(errno));
			} else if (fd >= 0) {
				if (fdatasync(fd)) {
					ret = cvol_seterr(-errno,
							  "fdatasync %s: %s",
							  dirty[i],
							  strerror(errno));
					/* the pages are clean and lost now */
					fstore_poison(fs);
				}
				close(fd);
			}
		}
		if (ret)
			fstore_mark_dirty(fs, dirty[i], false);
		free(dirty[i]);
	}
	free(dirty);
	/* objects whose names could not be kept: sync them all */
	if (!ret && lost && syncfs(fs->rootfd)) {
		ret = cvol_seterr(-errno, "syncfs %s: %s", fs->root,
				  strerror(errno));
		fstore_poison(fs);
	}
	if (ret && lost) {
		pthread_mutex_lock(&fs->mu);
		fs->lost = true;
		pthread_mutex_unlock(&fs->mu);
	}
	return ret ? ret : fstore_sync_dirs(fs);
}

/* flock locks drop when their holder dies: @flags changes nothing */
static int fstore_lock(void *priv, const char *name, const char *cookie,
		       char holder[CVOL_LOCK_HOLDER_MAX], unsigned int flags)
{
	struct fstore *fs = priv;
	char p[CVOL_OID_MAX + 8];
	struct fstore_lock *l;
	ssize_t n;
	int fd, ret;

	ret = fstore_check_oid(name);
	if (ret)
		return ret;
	snprintf(p, sizeof(p), ",lk.%s", name);
	fd = openat(fs->rootfd, p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return cvol_seterr(-errno, "open lock %s: %s", name,
				   strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		ret = -errno;
		if (ret == -EWOULDBLOCK) {
			n = pread(fd, holder, CVOL_LOCK_HOLDER_MAX - 1, 0);
			holder[n > 0 ? n : 0] = '\0';
			ret = cvol_seterr(-EBUSY, "lock %s is held by %s",
					  name, holder);
		} else {
			ret = cvol_seterr(ret, "lock %s: %s", name,
					  strerror(-ret));
		}
		close(fd);
		return ret;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		close(fd);
		return cvol_seterr(-ENOMEM, "out of memory");
	}
	if (ftruncate(fd, 0) == 0)
		fstore_pwrite_all(fd, cookie, strlen(cookie), 0);
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->fd = fd;
	pthread_mutex_lock(&fs->mu);
	l->next = fs->locks;
	fs->locks = l;
	pthread_mutex_unlock(&fs->mu);
	return 0;
}

static int fstore_unlock(void *priv, const char *name, const char *cookie)
{
	struct fstore *fs = priv;
	struct fstore_lock **pp, *l = NULL;

	pthread_mutex_lock(&fs->mu);
	for (pp = &fs->locks; *pp; pp = &(*pp)->next) {
		if (!strcmp((*pp)->name, name)) {
			l = *pp;
			*pp = l->next;
			break;
		}
	}
	pthread_mutex_unlock(&fs->mu);
	if (!l)
		return cvol_seterr(-ENOENT, "lock %s is not held here", name);
	close(l->fd);
	free(l);
	return 0;
}

const struct cvol_store_ops cvol_store_file_ops = {
	.name = "file",
	.open = fstore_open,
	.close = fstore_close,
	.read = fstore_read,
	.write = fstore_write,
	.write_full = fstore_write_full,
	.punch = fstore_punch,
	.remove = fstore_remove,
	.stat = fstore_stat,
	.copy = fstore_copy,
	.list = fstore_list,
	.meta_read = fstore_meta_read,
	.meta_cas = fstore_meta_cas,
	.flush = fstore_flush,
	.lock = fstore_lock,
	.unlock = fstore_unlock,
};
