// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * In-memory POSIX file system with Linux durability rules; see fsmodel.h.
 *
 * Every libc call is wrapped (-Wl,--wrap=NAME): __wrap_NAME serves model
 * paths and fds and passes everything else to __real_NAME.  Model fds are
 * numbers from FSM_FD0 on, never reused before fsmodel_reset(), so a stale
 * fd after a kill or power cut gives EBADF.  One mutex serialises the
 * model; lock waits use one condition variable.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsmodel.h"

#define FSM_FD0 (1 << 28)
#define FSM_PG 4096
#define FSM_HIST 8
#define FSM_DIR_MAGIC 0x66736d64u

struct fsm_ent {
	char *name;
	struct fsm_ino *ino;
	struct fsm_ent *next;
};

struct fsm_ino {
	unsigned long id;
	bool dir;
	/* file: current (page cache) and durable state, zero beyond size */
	uint8_t *cur, *dur;
	size_t size, cap, dsize, dcap;
	uint8_t *pdirty; /* per page: changed since written back */
	size_t npdirty;
	/*
	 * per page: a block is allocated (written, or fallocated, also
	 * beyond the size); nalloc pages counted, nblocks of them set.
	 * Freed by truncate, hole punching, and the last unlink + close.
	 */
	uint8_t *alloc;
	size_t nalloc, nblocks;
	bool size_dirty;
	size_t hist[FSM_HIST]; /* sizes since the last writeback */
	int nhist;
	/* directory: current and durable entries */
	struct fsm_ent *ents, *dents;
	bool ddirty;
	int nlink, dnlink, nopen;
	uint64_t wb_err; /* errseq: failed writebacks */
	bool err_seen;
	int fail_fsync;
	struct fsm_ino *next; /* all inodes */
};

struct fsm_ofd {
	int fd;
	struct fsm_ino *ino;
	int flags;
	uint64_t errseq, sb_errseq;
	int flock; /* 0, LOCK_SH or LOCK_EX */
	char path[256];
};

struct fsm_rlock {
	struct fsm_ofd *ofd;
	off_t start, len; /* len 0: to the end */
	int type;
	struct fsm_rlock *next;
};

struct fsm_dir {
	uint32_t magic;
	int fd;
	char **names;
	size_t n, i;
	struct dirent de;
	struct fsm_dir *next;
};

static pthread_mutex_t fsm_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fsm_cv = PTHREAD_COND_INITIALIZER;
static struct fsm_ino *fsm_inos, *fsm_root;
static unsigned long fsm_next_id;
static struct fsm_ofd **fsm_fds;
static size_t fsm_nfds, fsm_capfds, fsm_mark_fd;
static struct fsm_rlock *fsm_rlocks;
static struct fsm_dir *fsm_dirs;
/* capacity in bytes (UINT64_MAX: unlimited); blocks in use, in bytes */
static uint64_t fsm_cap = UINT64_MAX, fsm_used;
static uint64_t fsm_nops[FSM_OP_KINDS];
static uint64_t fsm_nchanges, fsm_failat;
static int fsm_fail_any;
/* fsmodel_fail_op(): the next fsm_opfail_n[op] calls fail with -err */
static int fsm_opfail_err[FSM_OP_KINDS], fsm_opfail_n[FSM_OP_KINDS];
static void (*fsm_hook)(const char *path, void *arg);
static void *fsm_hook_arg;
static bool fsm_gc_off; /* while walking every inode */
static uint64_t fsm_sb_err; /* errseq of the file system (syncfs) */
static bool fsm_sb_err_seen;

/* ---- inodes ---- */

static struct fsm_ino *fsm_new_ino(bool dir)
{
	struct fsm_ino *in = calloc(1, sizeof(*in));

	if (!in)
		abort();
	in->id = ++fsm_next_id;
	in->dir = dir;
	in->next = fsm_inos;
	fsm_inos = in;
	return in;
}

static void fsm_free_ents(struct fsm_ent *e)
{
	struct fsm_ent *n;

	for (; e; e = n) {
		n = e->next;
		free(e->name);
		free(e);
	}
}

static void fsm_free_ino_mem(struct fsm_ino *in)
{
	free(in->cur);
	free(in->dur);
	free(in->pdirty);
	free(in->alloc);
	fsm_free_ents(in->ents);
	fsm_free_ents(in->dents);
	free(in);
}

/* the root exists from the first call on */
static void fsm_boot(void)
{
	if (!fsm_root)
		fsm_root = fsm_new_ino(true);
}

/* free @in if nothing refers to it any more */
static void fsm_maybe_free(struct fsm_ino *in)
{
	struct fsm_ino **pp;

	if (fsm_gc_off || in == fsm_root || in->nlink || in->dnlink ||
	    in->nopen)
		return;
	if (in->dir && (in->ents || in->dents))
		return;
	for (pp = &fsm_inos; *pp; pp = &(*pp)->next) {
		if (*pp == in) {
			*pp = in->next;
			fsm_free_ino_mem(in);
			return;
		}
	}
}

static void fsm_grow(uint8_t **buf, size_t *cap, size_t want)
{
	size_t n = *cap ? *cap : FSM_PG;
	uint8_t *p;

	if (want <= *cap)
		return;
	while (n < want)
		n *= 2;
	p = realloc(*buf, n);
	if (!p)
		abort();
	memset(p + *cap, 0, n - *cap);
	*buf = p;
	*cap = n;
}

/* set bytes [@first, @last) of the per-page map *@map (*@n long), growing it */
static void fsm_page_map_set(uint8_t **map, size_t *n, size_t first,
			     size_t last)
{
	size_t i;

	if (last > *n) {
		uint8_t *p = realloc(*map, last + 64);

		if (!p)
			abort();
		memset(p + *n, 0, last + 64 - *n);
		*map = p;
		*n = last + 64;
	}
	for (i = first; i < last; i++)
		(*map)[i] = 1;
}

static void fsm_dirty_pages(struct fsm_ino *in, size_t off, size_t len)
{
	fsm_page_map_set(&in->pdirty, &in->npdirty, off / FSM_PG,
			 (off + len + FSM_PG - 1) / FSM_PG);
}

static size_t fsm_pages(size_t size)
{
	return (size + FSM_PG - 1) / FSM_PG;
}

/* free bytes (UINT64_MAX: unlimited) */
static uint64_t fsm_free_bytes(void)
{
	if (fsm_cap == UINT64_MAX)
		return UINT64_MAX;
	return fsm_cap > fsm_used ? fsm_cap - fsm_used : 0;
}

/* may a new inode (file or directory) be made? */
static bool fsm_inode_room(void)
{
	return fsm_free_bytes() >= FSM_PG;
}

/*
 * allocate the blocks of pages [@first, @last) of @in that have none:
 * all of them, or (-ENOSPC) none (fallocate; a write is short instead)
 */
static int fsm_alloc(struct fsm_ino *in, size_t first, size_t last)
{
	uint64_t need = 0;
	size_t i;

	for (i = first; i < last; i++)
		if (i >= in->nalloc || !in->alloc[i])
			need += FSM_PG;
	if (!need)
		return 0;
	if (need > fsm_free_bytes())
		return -ENOSPC;
	fsm_page_map_set(&in->alloc, &in->nalloc, first, last);
	in->nblocks += need / FSM_PG;
	fsm_used += need;
	return 0;
}

/* free the blocks of pages [@first, @last) of @in */
static void fsm_dealloc(struct fsm_ino *in, size_t first, size_t last)
{
	size_t i;

	for (i = first; i < last && i < in->nalloc; i++) {
		if (!in->alloc[i])
			continue;
		in->alloc[i] = 0;
		in->nblocks--;
		fsm_used -= FSM_PG;
	}
}

/* a file nothing refers to any more frees its blocks (even if a power cut could bring it back) */
static void fsm_release_blocks(struct fsm_ino *in)
{
	if (!in->dir && !in->nlink && !in->nopen)
		fsm_dealloc(in, 0, in->nalloc);
}

/* after a power cut: the blocks of every file are those of its size */
static void fsm_recount_blocks(void)
{
	struct fsm_ino *in;

	fsm_used = 0;
	for (in = fsm_inos; in; in = in->next) {
		if (in->dir)
			continue;
		free(in->alloc);
		in->alloc = NULL;
		in->nalloc = in->nblocks = 0;
		if (in->nlink)
			fsm_alloc(in, 0, fsm_pages(in->size));
	}
}

/* change the current size of @in to @size (zero what is cut) */
static int fsm_set_size(struct fsm_ino *in, size_t size)
{
	size_t old = in->size;

	/* growing makes a hole; shrinking frees the blocks past the end */
	if (size > old) {
		fsm_grow(&in->cur, &in->cap, size);
		fsm_dirty_pages(in, old, size - old);
	} else if (size < old) {
		fsm_dealloc(in, fsm_pages(size), in->nalloc);
		memset(in->cur + size, 0, old - size);
		fsm_dirty_pages(in, size, old - size);
	} else {
		return 0;
	}
	if (!in->size_dirty) {
		in->size_dirty = true;
		in->nhist = 0;
	}
	if (in->nhist < FSM_HIST)
		in->hist[in->nhist++] = size;
	else
		in->hist[FSM_HIST - 1] = size;
	in->size = size;
	return 0;
}

/* writeback succeeded: dirty pages and the size are durable */
static void fsm_writeback(struct fsm_ino *in)
{
	size_t i, n = fsm_pages(in->size > in->dsize ? in->size : in->dsize);

	fsm_grow(&in->dur, &in->dcap, n * FSM_PG);
	fsm_grow(&in->cur, &in->cap, n * FSM_PG);
	for (i = 0; i < n && i < in->npdirty; i++) {
		if (in->pdirty[i]) {
			memcpy(in->dur + i * FSM_PG, in->cur + i * FSM_PG,
			       FSM_PG);
			in->pdirty[i] = 0;
		}
	}
	if (in->dsize > in->size)
		memset(in->dur + in->size, 0, in->dsize - in->size);
	in->dsize = in->size;
	in->size_dirty = false;
	in->nhist = 0;
}

static void fsm_lose_writeback(struct fsm_ino *in)
{
	if (in->npdirty)
		memset(in->pdirty, 0, in->npdirty);
	in->size_dirty = false;
	in->nhist = 0;
	in->wb_err++;
	in->err_seen = false;
	fsm_sb_err++;
	fsm_sb_err_seen = false;
}

static bool fsm_ino_dirty(struct fsm_ino *in)
{
	size_t i;

	if (in->dir)
		return in->ddirty;
	if (in->size_dirty)
		return true;
	for (i = 0; i < in->npdirty; i++)
		if (in->pdirty[i])
			return true;
	return false;
}

/* write back @in (a file); false if the writeback failed */
static bool fsm_sync_file(struct fsm_ino *in)
{
	if (!fsm_ino_dirty(in))
		return true;
	if (in->fail_fsync > 0 || fsm_fail_any > 0) {
		if (in->fail_fsync > 0)
			in->fail_fsync--;
		else
			fsm_fail_any--;
		fsm_lose_writeback(in);
		return false;
	}
	fsm_writeback(in);
	return true;
}

static struct fsm_ent *fsm_copy_ents(struct fsm_ent *e)
{
	struct fsm_ent *head = NULL, **tail = &head, *n;

	for (; e; e = e->next) {
		n = calloc(1, sizeof(*n));
		if (!n)
			abort();
		n->name = strdup(e->name);
		if (!n->name)
			abort();
		n->ino = e->ino;
		*tail = n;
		tail = &n->next;
	}
	return head;
}

/* make the current entries of directory @d durable */
static void fsm_sync_dir(struct fsm_ino *d)
{
	struct fsm_ent *old = d->dents, *e;

	if (!d->ddirty)
		return;
	d->dents = fsm_copy_ents(d->ents);
	for (e = d->dents; e; e = e->next)
		e->ino->dnlink++;
	for (e = old; e; e = e->next)
		e->ino->dnlink--;
	d->ddirty = false;
	for (e = old; e; e = e->next)
		fsm_maybe_free(e->ino);
	fsm_free_ents(old);
}

/* ---- names ---- */

static struct fsm_ent *fsm_lookup(struct fsm_ino *d, const char *name,
				  size_t len, bool durable)
{
	struct fsm_ent *e;

	for (e = durable ? d->dents : d->ents; e; e = e->next)
		if (strlen(e->name) == len && !memcmp(e->name, name, len))
			return e;
	return NULL;
}

static struct fsm_ofd *fsm_ofd(int fd)
{
	if (fd < FSM_FD0 || (size_t)(fd - FSM_FD0) >= fsm_nfds)
		return NULL;
	return fsm_fds[fd - FSM_FD0];
}

static bool fsm_is_fd(int fd)
{
	return fd >= FSM_FD0;
}

/*
 * Under fsm_mu: count an operation of kind @op on @fd and return its open
 * file description, or NULL when @fd is not open or was opened @refused
 * (O_RDONLY for writes, O_WRONLY for reads; -1 for any mode).
 */
static struct fsm_ofd *fsm_op_ofd(int fd, int op, int refused);

/* a path is the model's when absolute under FSMODEL_ROOT, or relative
 * to a model fd */
static bool fsm_is_path(int dirfd, const char *path)
{
	size_t n = strlen(FSMODEL_ROOT);

	if (!path)
		return false;
	if (path[0] == '/')
		return !strncmp(path, FSMODEL_ROOT, n) &&
		       (path[n] == '\0' || path[n] == '/');
	return fsm_is_fd(dirfd);
}

/*
 * resolve @path: its parent directory in *@parent and the last component
 * in *@leaf and *@leaflen (empty for the root itself).  -errno.
 */
static int fsm_resolve(int dirfd, const char *path, bool durable,
		       struct fsm_ino **parent, const char **leaf,
		       size_t *leaflen)
{
	struct fsm_ino *d;
	const char *p = path, *s;
	struct fsm_ent *e;
	size_t len;

	fsm_boot();
	if (path[0] == '/') {
		d = fsm_root;
		p = path + strlen(FSMODEL_ROOT);
	} else {
		struct fsm_ofd *o = fsm_ofd(dirfd);

		if (!o)
			return -EBADF;
		if (!o->ino->dir)
			return -ENOTDIR;
		d = o->ino;
	}
	for (;;) {
		while (*p == '/')
			p++;
		s = strchr(p, '/');
		len = s ? (size_t)(s - p) : strlen(p);
		/* the last component (a trailing '/' is ignored) */
		if (!s || !s[strspn(s, "/")]) {
			if (len == 1 && p[0] == '.')
				len = 0;
			*parent = d;
			*leaf = p;
			*leaflen = len;
			return 0;
		}
		if (!(len == 1 && p[0] == '.')) {
			e = fsm_lookup(d, p, len, durable);
			if (!e)
				return -ENOENT;
			if (!e->ino->dir)
				return -ENOTDIR;
			d = e->ino;
		}
		p = s;
	}
}

/* the inode @path names, or NULL with *@err */
static struct fsm_ino *fsm_find(int dirfd, const char *path, int *err)
{
	struct fsm_ino *d;
	struct fsm_ent *e;
	const char *leaf;
	size_t len;

	*err = fsm_resolve(dirfd, path, false, &d, &leaf, &len);
	if (*err)
		return NULL;
	if (!len)
		return d;
	e = fsm_lookup(d, leaf, len, false);
	if (!e)
		*err = -ENOENT;
	return e ? e->ino : NULL;
}

static void fsm_add_ent(struct fsm_ino *d, const char *name, size_t len,
			struct fsm_ino *in)
{
	struct fsm_ent *e = calloc(1, sizeof(*e));

	if (!e)
		abort();
	e->name = strndup(name, len);
	if (!e->name)
		abort();
	e->ino = in;
	e->next = d->ents;
	d->ents = e;
	in->nlink++;
	d->ddirty = true;
}

static void fsm_del_ent(struct fsm_ino *d, struct fsm_ent *victim)
{
	struct fsm_ent **pp;

	for (pp = &d->ents; *pp; pp = &(*pp)->next) {
		if (*pp == victim) {
			*pp = victim->next;
			break;
		}
	}
	victim->ino->nlink--;
	d->ddirty = true;
	fsm_release_blocks(victim->ino);
	fsm_maybe_free(victim->ino);
	free(victim->name);
	free(victim);
}

/* is the next state-changing call still allowed? */
static bool fsm_change(void)
{
	fsm_nchanges++;
	return !fsm_failat || fsm_nchanges < fsm_failat;
}

/* ---- fds and locks ---- */

static int fsm_new_fd(struct fsm_ino *in, int flags, const char *path)
{
	struct fsm_ofd *o = calloc(1, sizeof(*o));

	if (!o)
		abort();
	if (fsm_nfds == fsm_capfds) {
		size_t cap = fsm_capfds ? fsm_capfds * 2 : 256;
		struct fsm_ofd **n = realloc(fsm_fds, cap * sizeof(*n));

		if (!n)
			abort();
		fsm_fds = n;
		fsm_capfds = cap;
	}
	o->fd = FSM_FD0 + (int)fsm_nfds;
	o->ino = in;
	o->flags = flags;
	/* errseq_sample(): an error nobody saw is reported to new opens */
	o->errseq = in->err_seen || !in->wb_err ? in->wb_err : in->wb_err - 1;
	o->sb_errseq = fsm_sb_err_seen || !fsm_sb_err ? fsm_sb_err :
							fsm_sb_err - 1;
	snprintf(o->path, sizeof(o->path), "%s", path);
	in->nopen++;
	fsm_fds[fsm_nfds++] = o;
	return o->fd;
}

static void fsm_drop_fd(struct fsm_ofd *o)
{
	struct fsm_rlock **pp = &fsm_rlocks, *l;
	struct fsm_ino *in = o->ino;

	while ((l = *pp)) {
		if (l->ofd == o) {
			*pp = l->next;
			free(l);
		} else {
			pp = &l->next;
		}
	}
	fsm_fds[o->fd - FSM_FD0] = NULL;
	in->nopen--;
	free(o);
	fsm_release_blocks(in);
	fsm_maybe_free(in);
	pthread_cond_broadcast(&fsm_cv);
}

static bool fsm_overlap(const struct fsm_rlock *l, off_t start, off_t len)
{
	off_t lend = l->len ? l->start + l->len : INT64_MAX;
	off_t end = len ? start + len : INT64_MAX;

	return l->start < end && start < lend;
}

static struct fsm_rlock *fsm_conflict(struct fsm_ofd *o, int type, off_t start,
				      off_t len)
{
	struct fsm_rlock *l;

	for (l = fsm_rlocks; l; l = l->next)
		if (l->ofd != o && l->ofd->ino == o->ino &&
		    fsm_overlap(l, start, len) &&
		    (type == F_WRLCK || l->type == F_WRLCK))
			return l;
	return NULL;
}

/* remove @o's locks in [start, start + len) (whole locks only: the
 * store locks single bytes) */
static void fsm_unlock_range(struct fsm_ofd *o, off_t start, off_t len)
{
	struct fsm_rlock **pp = &fsm_rlocks, *l;

	while ((l = *pp)) {
		if (l->ofd == o && fsm_overlap(l, start, len)) {
			*pp = l->next;
			free(l);
		} else {
			pp = &l->next;
		}
	}
	pthread_cond_broadcast(&fsm_cv);
}

static int fsm_setlk(struct fsm_ofd *o, struct flock *fl, bool wait)
{
	struct fsm_rlock *l;
	off_t start = fl->l_start;

	if (fl->l_whence != SEEK_SET)
		return -EINVAL;
	if (fl->l_type == F_UNLCK) {
		fsm_unlock_range(o, start, fl->l_len);
		return 0;
	}
	while (fsm_conflict(o, fl->l_type, start, fl->l_len)) {
		if (!wait)
			return -EAGAIN;
		pthread_cond_wait(&fsm_cv, &fsm_mu);
		if (fsm_ofd(o->fd) != o)
			return -EBADF; /* closed by a kill or power cut */
	}
	fsm_unlock_range(o, start, fl->l_len);
	l = calloc(1, sizeof(*l));
	if (!l)
		abort();
	l->ofd = o;
	l->start = start;
	l->len = fl->l_len;
	l->type = fl->l_type;
	l->next = fsm_rlocks;
	fsm_rlocks = l;
	return 0;
}

static bool fsm_flock_conflict(struct fsm_ofd *o, int type)
{
	size_t i;

	for (i = 0; i < fsm_nfds; i++) {
		struct fsm_ofd *x = fsm_fds[i];

		if (x && x != o && x->ino == o->ino && x->flock &&
		    (type == LOCK_EX || x->flock == LOCK_EX))
			return true;
	}
	return false;
}

/* ---- the test API ---- */

static void fsm_close_all(size_t from)
{
	size_t i;

	for (i = from; i < fsm_nfds; i++)
		if (fsm_fds[i])
			fsm_drop_fd(fsm_fds[i]);
}

void fsmodel_reset(void)
{
	struct fsm_ino *in, *n;
	struct fsm_dir *d, *dn;

	pthread_mutex_lock(&fsm_mu);
	fsm_close_all(0);
	for (in = fsm_inos; in; in = n) {
		n = in->next;
		fsm_free_ino_mem(in);
	}
	for (d = fsm_dirs; d; d = dn) {
		dn = d->next;
		while (d->n)
			free(d->names[--d->n]);
		free(d->names);
		d->magic = 0;
		free(d);
	}
	fsm_dirs = NULL;
	fsm_inos = NULL;
	free(fsm_fds);
	fsm_fds = NULL;
	fsm_nfds = fsm_capfds = fsm_mark_fd = 0;
	fsm_root = NULL;
	fsm_boot();
	fsm_cap = UINT64_MAX;
	fsm_used = 0;
	fsm_failat = 0;
	fsm_fail_any = 0;
	fsm_sb_err = 0;
	fsm_sb_err_seen = false;
	memset(fsm_nops, 0, sizeof(fsm_nops));
	memset(fsm_opfail_n, 0, sizeof(fsm_opfail_n));
	fsm_nchanges = 0;
	pthread_mutex_unlock(&fsm_mu);
}

static uint64_t fsm_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* what is left of file @in after the power cut */
static void fsm_cut_file(struct fsm_ino *in, uint64_t seed, uint64_t *rs)
{
	unsigned int mode = seed ? fsm_rand(rs) % 3 : 0;
	size_t i, n, size = in->dsize;

	if (fsm_ino_dirty(in) && mode) {
		n = fsm_pages(in->size > in->dsize ? in->size : in->dsize);
		fsm_grow(&in->dur, &in->dcap, n * FSM_PG);
		fsm_grow(&in->cur, &in->cap, n * FSM_PG);
		for (i = 0; i < n && i < in->npdirty; i++)
			if (in->pdirty[i] && (mode == 1 || fsm_rand(rs) % 2))
				memcpy(in->dur + i * FSM_PG,
				       in->cur + i * FSM_PG, FSM_PG);
		if (mode == 1 || !in->size_dirty) {
			size = in->size_dirty ? in->size : in->dsize;
		} else {
			/* any size it had since the last writeback */
			i = fsm_rand(rs) % (in->nhist + 1);
			size = i == (size_t)in->nhist ? in->dsize : in->hist[i];
		}
		n = fsm_pages(size);
		fsm_grow(&in->dur, &in->dcap, n * FSM_PG);
		if (in->dcap > size)
			memset(in->dur + size, 0, in->dcap - size);
	}
	in->dsize = size;
	fsm_grow(&in->cur, &in->cap, in->dcap);
	if (in->cap)
		memset(in->cur, 0, in->cap);
	if (in->dsize)
		memcpy(in->cur, in->dur, in->dsize);
	in->size = in->dsize;
	if (in->npdirty)
		memset(in->pdirty, 0, in->npdirty);
	in->size_dirty = false;
	in->nhist = 0;
	in->wb_err = 0;
	in->err_seen = false;
	in->fail_fsync = 0;
}

void fsmodel_powercut(uint64_t seed)
{
	uint64_t rs = seed * 0x9e3779b97f4a7c15ull + 1;
	struct fsm_ino *in, *n;
	struct fsm_ent *e;

	pthread_mutex_lock(&fsm_mu);
	fsm_boot();
	fsm_close_all(0);
	fsm_failat = 0;
	fsm_fail_any = 0;
	fsm_gc_off = true;
	for (in = fsm_inos; in; in = in->next) {
		if (in->dir) {
			/* per directory: its changes are lost or kept */
			if (in->ddirty && seed && fsm_rand(&rs) % 2)
				fsm_sync_dir(in);
			fsm_free_ents(in->ents);
			in->ents = fsm_copy_ents(in->dents);
			in->ddirty = false;
		} else {
			fsm_cut_file(in, seed, &rs);
		}
	}
	/* recount the links of what survived, free the rest */
	for (in = fsm_inos; in; in = in->next)
		in->nlink = in->dnlink = 0;
	for (in = fsm_inos; in; in = in->next)
		if (in->dir)
			for (e = in->ents; e; e = e->next)
				e->ino->nlink++, e->ino->dnlink++;
	fsm_gc_off = false;
	for (in = fsm_inos; in; in = n) {
		n = in->next;
		if (!in->nlink && !in->dir)
			fsm_maybe_free(in);
	}
	fsm_recount_blocks();
	fsm_cap = UINT64_MAX;
	fsm_sb_err = 0;
	fsm_sb_err_seen = false;
	pthread_mutex_unlock(&fsm_mu);
}

void fsmodel_mark(void)
{
	pthread_mutex_lock(&fsm_mu);
	fsm_mark_fd = fsm_nfds;
	pthread_mutex_unlock(&fsm_mu);
}

void fsmodel_kill(void)
{
	pthread_mutex_lock(&fsm_mu);
	fsm_close_all(fsm_mark_fd);
	pthread_mutex_unlock(&fsm_mu);
}

int fsmodel_fail_fsync(const char *path, int n)
{
	struct fsm_ino *in;
	int err = 0;

	pthread_mutex_lock(&fsm_mu);
	if (!path) {
		fsm_fail_any = n;
	} else {
		in = fsm_find(AT_FDCWD, path, &err);
		if (in)
			in->fail_fsync = n;
	}
	pthread_mutex_unlock(&fsm_mu);
	return err;
}

int fsmodel_fail_op(enum fsmodel_op op, int err, int n)
{
	if (op != FSM_OP_FALLOCATE && op != FSM_OP_STAT)
		return -EINVAL;
	pthread_mutex_lock(&fsm_mu);
	fsm_opfail_err[op] = err;
	fsm_opfail_n[op] = n;
	pthread_mutex_unlock(&fsm_mu);
	return 0;
}

/* -err when fsmodel_fail_op() makes this call of kind @op fail, else 0 */
static int fsm_op_fails(int op)
{
	if (fsm_opfail_n[op] <= 0)
		return 0;
	fsm_opfail_n[op]--;
	return -fsm_opfail_err[op];
}

void fsmodel_set_space(uint64_t bytes)
{
	pthread_mutex_lock(&fsm_mu);
	fsm_cap = bytes == UINT64_MAX || bytes > UINT64_MAX - fsm_used ?
			  UINT64_MAX :
			  fsm_used + bytes;
	pthread_mutex_unlock(&fsm_mu);
}

/* *@p, read under the model's lock */
static uint64_t fsm_get(const uint64_t *p)
{
	uint64_t n;

	pthread_mutex_lock(&fsm_mu);
	n = *p;
	pthread_mutex_unlock(&fsm_mu);
	return n;
}

uint64_t fsmodel_used(void)
{
	return fsm_get(&fsm_used);
}

void fsmodel_fail_after(uint64_t n)
{
	pthread_mutex_lock(&fsm_mu);
	fsm_failat = n ? fsm_nchanges + n : 0;
	pthread_mutex_unlock(&fsm_mu);
}

uint64_t fsmodel_ops(enum fsmodel_op op)
{
	return fsm_get(&fsm_nops[op]);
}

uint64_t fsmodel_changes(void)
{
	return fsm_get(&fsm_nchanges);
}

int fsmodel_durable(const char *path)
{
	struct fsm_ino *in, *d;
	struct fsm_ent *e;
	const char *leaf;
	size_t len;
	int err, ret = 0;

	pthread_mutex_lock(&fsm_mu);
	in = fsm_find(AT_FDCWD, path, &err);
	if (!in) {
		ret = err;
		goto out;
	}
	if (fsm_ino_dirty(in) || (!in->dir && in->size != in->dsize))
		goto out;
	if (fsm_resolve(AT_FDCWD, path, true, &d, &leaf, &len))
		goto out;
	e = len ? fsm_lookup(d, leaf, len, true) : NULL;
	ret = !len || (e && e->ino == in);
out:
	pthread_mutex_unlock(&fsm_mu);
	return ret;
}

void fsmodel_set_sync_hook(void (*fn)(const char *path, void *arg), void *arg)
{
	pthread_mutex_lock(&fsm_mu);
	fsm_hook = fn;
	fsm_hook_arg = arg;
	pthread_mutex_unlock(&fsm_mu);
}

/* ---- the wrapped calls ---- */

int __real_openat(int dirfd, const char *path, int flags, ...);
int __real_close(int fd);
ssize_t __real_pread(int fd, void *buf, size_t len, off_t off);
ssize_t __real_pwrite(int fd, const void *buf, size_t len, off_t off);
int __real_fsync(int fd);
int __real_fdatasync(int fd);
int __real_syncfs(int fd);
int __real_ftruncate(int fd, off_t len);
int __real_fallocate(int fd, int mode, off_t off, off_t len);
ssize_t __real_copy_file_range(int in, off_t *inoff, int out, off_t *outoff,
			       size_t len, unsigned int flags);
int __real_renameat(int od, const char *op, int nd, const char *np);
int __real_unlinkat(int dirfd, const char *path, int flags);
int __real_mkdir(const char *path, mode_t mode);
int __real_mkdirat(int dirfd, const char *path, mode_t mode);
int __real_fstat(int fd, struct stat *st);
int __real_fstatat(int dirfd, const char *path, struct stat *st, int flags);
int __real_fcntl(int fd, int cmd, ...);
int __real_flock(int fd, int op);
int __real_ioctl(int fd, unsigned long req, ...);
DIR *__real_fdopendir(int fd);
struct dirent *__real_readdir(DIR *d);
int __real_closedir(DIR *d);

static struct fsm_ofd *fsm_op_ofd(int fd, int op, int refused)
{
	struct fsm_ofd *o;

	pthread_mutex_lock(&fsm_mu);
	fsm_nops[op]++;
	o = fsm_ofd(fd);
	if (o && refused >= 0 && (o->flags & O_ACCMODE) == refused)
		o = NULL;
	return o;
}

#define FSM_RET(expr)                          \
	do {                                   \
		long r_ = (expr);              \
		pthread_mutex_unlock(&fsm_mu); \
		if (r_ < 0) {                  \
			errno = (int)-r_;      \
			return -1;             \
		}                              \
		return r_;                     \
	} while (0)

static int fsm_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	struct fsm_ino *d, *in;
	struct fsm_ent *e;
	const char *leaf;
	size_t len;
	int ret, acc = flags & O_ACCMODE;

	fsm_nops[FSM_OP_OPEN]++;
	ret = fsm_resolve(dirfd, path, false, &d, &leaf, &len);
	if (ret)
		return ret;
	e = len ? fsm_lookup(d, leaf, len, false) : NULL;
	in = len ? (e ? e->ino : NULL) : d;
	if (in && (flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (!in) {
		if (!(flags & O_CREAT))
			return -ENOENT;
		if (!fsm_change())
			return -EIO;
		if (!fsm_inode_room())
			return -ENOSPC;
		in = fsm_new_ino(false);
		fsm_add_ent(d, leaf, len, in);
	}
	if ((flags & O_DIRECTORY) && !in->dir)
		return -ENOTDIR;
	if (in->dir && acc != O_RDONLY)
		return -EISDIR;
	if ((flags & O_TRUNC) && acc != O_RDONLY && in->size) {
		if (!fsm_change())
			return -EIO;
		fsm_set_size(in, 0);
	}
	(void)mode;
	return fsm_new_fd(in, flags, path);
}

int __wrap_openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (!fsm_is_path(dirfd, path))
		return __real_openat(dirfd, path, flags, mode);
	pthread_mutex_lock(&fsm_mu);
	FSM_RET(fsm_openat(dirfd, path, flags, mode));
}

/* open(path) is openat(AT_FDCWD, path), model or not */
int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return __wrap_openat(AT_FDCWD, path, flags, mode);
}

int __wrap_close(int fd)
{
	struct fsm_ofd *o;

	if (!fsm_is_fd(fd))
		return __real_close(fd);
	pthread_mutex_lock(&fsm_mu);
	fsm_nops[FSM_OP_CLOSE]++;
	o = fsm_ofd(fd);
	if (!o)
		FSM_RET(-EBADF);
	fsm_drop_fd(o);
	FSM_RET(0);
}

ssize_t __wrap_pread(int fd, void *buf, size_t len, off_t off)
{
	struct fsm_ofd *o;
	size_t n;

	if (!fsm_is_fd(fd))
		return __real_pread(fd, buf, len, off);
	o = fsm_op_ofd(fd, FSM_OP_READ, O_WRONLY);
	if (!o)
		FSM_RET(-EBADF);
	if (o->ino->dir)
		FSM_RET(-EISDIR);
	if (off < 0)
		FSM_RET(-EINVAL);
	if ((size_t)off >= o->ino->size)
		FSM_RET(0);
	n = o->ino->size - off;
	if (n > len)
		n = len;
	memcpy(buf, o->ino->cur + off, n);
	FSM_RET((long)n);
}

static long fsm_write(struct fsm_ino *in, const void *buf, size_t len,
		      size_t off)
{
	size_t pg;
	int ret;

	ret = fsm_alloc(in, off / FSM_PG, fsm_pages(off + len));
	if (ret == -ENOSPC) {
		/* like Linux: write what fits, page by page; short */
		for (pg = off / FSM_PG; pg < fsm_pages(off + len); pg++)
			if (fsm_alloc(in, pg, pg + 1))
				break;
		if (pg * FSM_PG <= off)
			return -ENOSPC;
		len = pg * FSM_PG - off;
	}
	if (off + len > in->size)
		fsm_set_size(in, off + len);
	memcpy(in->cur + off, buf, len);
	fsm_dirty_pages(in, off, len);
	return (long)len;
}

ssize_t __wrap_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	struct fsm_ofd *o;

	if (!fsm_is_fd(fd))
		return __real_pwrite(fd, buf, len, off);
	o = fsm_op_ofd(fd, FSM_OP_WRITE, O_RDONLY);
	if (!o)
		FSM_RET(-EBADF);
	if (off < 0)
		FSM_RET(-EINVAL);
	if (!len)
		FSM_RET(0);
	if (!fsm_change())
		FSM_RET(-EIO);
	FSM_RET(fsm_write(o->ino, buf, len, off));
}

static int fsm_fsync(int fd, enum fsmodel_op op)
{
	void (*hook)(const char *, void *);
	struct fsm_ofd *o;
	char path[256];
	void *arg;

	pthread_mutex_lock(&fsm_mu);
	fsm_nops[op]++;
	o = fsm_ofd(fd);
	if (!o)
		FSM_RET(-EBADF);
	if (!fsm_change())
		FSM_RET(-EIO);
	hook = fsm_hook;
	arg = fsm_hook_arg;
	if (hook && !o->ino->dir) {
		snprintf(path, sizeof(path), "%s", o->path);
		pthread_mutex_unlock(&fsm_mu);
		hook(path, arg);
		pthread_mutex_lock(&fsm_mu);
		if (fsm_ofd(fd) != o)
			FSM_RET(-EBADF);
	}
	if (o->ino->dir) {
		fsm_sync_dir(o->ino);
		FSM_RET(0);
	}
	fsm_sync_file(o->ino);
	/* errseq_check_and_advance() */
	if (o->errseq != o->ino->wb_err) {
		o->errseq = o->ino->wb_err;
		o->ino->err_seen = true;
		FSM_RET(-EIO);
	}
	FSM_RET(0);
}

int __wrap_fsync(int fd)
{
	if (!fsm_is_fd(fd))
		return __real_fsync(fd);
	return fsm_fsync(fd, FSM_OP_FSYNC);
}

int __wrap_fdatasync(int fd)
{
	if (!fsm_is_fd(fd))
		return __real_fdatasync(fd);
	return fsm_fsync(fd, FSM_OP_FDATASYNC);
}

int __wrap_syncfs(int fd)
{
	struct fsm_ino *in;
	struct fsm_ofd *o;

	if (!fsm_is_fd(fd))
		return __real_syncfs(fd);
	pthread_mutex_lock(&fsm_mu);
	fsm_nops[FSM_OP_SYNCFS]++;
	if (!fsm_ofd(fd))
		FSM_RET(-EBADF);
	if (!fsm_change())
		FSM_RET(-EIO);
	for (in = fsm_inos; in; in = in->next)
		if (!in->dir)
			fsm_sync_file(in);
	/* fsm_sync_dir() may free inodes: walk again for each directory */
	for (;;) {
		for (in = fsm_inos; in; in = in->next)
			if (in->dir && in->ddirty)
				break;
		if (!in)
			break;
		fsm_sync_dir(in);
	}
	/* errseq_check_and_advance() on the file system's errseq */
	o = fsm_ofd(fd);
	if (o->sb_errseq != fsm_sb_err) {
		o->sb_errseq = fsm_sb_err;
		fsm_sb_err_seen = true;
		FSM_RET(-EIO);
	}
	FSM_RET(0);
}

int __wrap_ftruncate(int fd, off_t len)
{
	struct fsm_ofd *o;

	if (!fsm_is_fd(fd))
		return __real_ftruncate(fd, len);
	o = fsm_op_ofd(fd, FSM_OP_TRUNCATE, O_RDONLY);
	if (!o)
		FSM_RET(-EBADF);
	if (o->ino->dir || len < 0)
		FSM_RET(-EINVAL);
	if (!fsm_change())
		FSM_RET(-EIO);
	FSM_RET(fsm_set_size(o->ino, len));
}

int __wrap_fallocate(int fd, int mode, off_t off, off_t len)
{
	struct fsm_ofd *o;
	struct fsm_ino *in;
	size_t end;
	int err;

	if (!fsm_is_fd(fd))
		return __real_fallocate(fd, mode, off, len);
	o = fsm_op_ofd(fd, FSM_OP_FALLOCATE, O_RDONLY);
	if (!o)
		FSM_RET(-EBADF);
	in = o->ino;
	if (in->dir || off < 0 || len <= 0)
		FSM_RET(-EINVAL);
	err = fsm_op_fails(FSM_OP_FALLOCATE);
	if (err)
		FSM_RET(err);
	if (!fsm_change())
		FSM_RET(-EIO);
	if (mode == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)) {
		end = (size_t)off + len < in->size ? (size_t)off + len :
						     in->size;
		if ((size_t)off < end) {
			memset(in->cur + off, 0, end - off);
			fsm_dirty_pages(in, off, end - off);
		}
		/* the blocks of whole pages in the range go */
		fsm_dealloc(in, fsm_pages(off), ((size_t)off + len) / FSM_PG);
		FSM_RET(0);
	}
	if (mode == 0 || mode == FALLOC_FL_KEEP_SIZE) {
		err = fsm_alloc(in, off / FSM_PG, fsm_pages(off + len));
		if (!err && !mode && (size_t)off + len > in->size)
			err = fsm_set_size(in, off + len);
		FSM_RET(err);
	}
	FSM_RET(-EOPNOTSUPP);
}

ssize_t __wrap_copy_file_range(int in, off_t *inoff, int out, off_t *outoff,
			       size_t len, unsigned int flags)
{
	struct fsm_ofd *si, *so;
	off_t ip, op;
	size_t n;
	long r;

	if (!fsm_is_fd(in) && !fsm_is_fd(out))
		return __real_copy_file_range(in, inoff, out, outoff, len,
					      flags);
	pthread_mutex_lock(&fsm_mu);
	fsm_nops[FSM_OP_COPY]++;
	si = fsm_ofd(in);
	so = fsm_ofd(out);
	if (!si || !so)
		FSM_RET(fsm_is_fd(in) && fsm_is_fd(out) ? -EBADF : -EXDEV);
	if (!inoff || !outoff || flags)
		FSM_RET(-EINVAL); /* file offsets are not modelled */
	if ((so->flags & O_ACCMODE) == O_RDONLY ||
	    (si->flags & O_ACCMODE) == O_WRONLY)
		FSM_RET(-EBADF);
	ip = *inoff;
	op = *outoff;
	if (ip < 0 || op < 0 || si->ino->dir || so->ino->dir)
		FSM_RET(-EINVAL);
	if ((size_t)ip >= si->ino->size)
		FSM_RET(0);
	n = si->ino->size - ip;
	if (n > len)
		n = len;
	if (!fsm_change())
		FSM_RET(-EIO);
	if (si->ino == so->ino)
		FSM_RET(-EINVAL);
	r = fsm_write(so->ino, si->ino->cur + ip, n, op);
	if (r > 0) {
		*inoff = ip + r;
		*outoff = op + r;
	}
	FSM_RET(r);
}

int __wrap_renameat(int od, const char *opath, int nd, const char *npath)
{
	struct fsm_ino *odir, *ndir, *in;
	struct fsm_ent *oe, *ne;
	const char *ol, *nl;
	size_t olen, nlen;
	int ret;

	if (!fsm_is_path(od, opath) && !fsm_is_path(nd, npath))
		return __real_renameat(od, opath, nd, npath);
	pthread_mutex_lock(&fsm_mu);
	fsm_nops[FSM_OP_RENAME]++;
	if (!fsm_is_path(od, opath) || !fsm_is_path(nd, npath))
		FSM_RET(-EXDEV);
	ret = fsm_resolve(od, opath, false, &odir, &ol, &olen);
	if (!ret)
		ret = fsm_resolve(nd, npath, false, &ndir, &nl, &nlen);
	if (ret)
		FSM_RET(ret);
	if (!olen || !nlen)
		FSM_RET(-EBUSY);
	oe = fsm_lookup(odir, ol, olen, false);
	if (!oe)
		FSM_RET(-ENOENT);
	in = oe->ino;
	ne = fsm_lookup(ndir, nl, nlen, false);
	if (ne == oe)
		FSM_RET(0);
	if (ne && (ne->ino->dir || in->dir))
		FSM_RET(-EISDIR); /* directories are never renamed here */
	if (!fsm_change())
		FSM_RET(-EIO);
	in->nlink++; /* keep it while its old entry goes */
	if (ne)
		fsm_del_ent(ndir, ne);
	fsm_del_ent(odir, oe);
	fsm_add_ent(ndir, nl, nlen, in);
	in->nlink--;
	FSM_RET(0);
}

int __wrap_unlinkat(int dirfd, const char *path, int flags)
{
	struct fsm_ino *d;
	struct fsm_ent *e;
	const char *leaf;
	size_t len;
	int ret;

	if (!fsm_is_path(dirfd, path))
		return __real_unlinkat(dirfd, path, flags);
	pthread_mutex_lock(&fsm_mu);
	fsm_nops[FSM_OP_UNLINK]++;
	ret = fsm_resolve(dirfd, path, false, &d, &leaf, &len);
	if (ret)
		FSM_RET(ret);
	if (!len)
		FSM_RET(-EBUSY);
	e = fsm_lookup(d, leaf, len, false);
	if (!e)
		FSM_RET(-ENOENT);
	if (e->ino->dir && !(flags & AT_REMOVEDIR))
		FSM_RET(-EISDIR);
	if (!e->ino->dir && (flags & AT_REMOVEDIR))
		FSM_RET(-ENOTDIR);
	if (e->ino->dir && e->ino->ents)
		FSM_RET(-ENOTEMPTY);
	if (!fsm_change())
		FSM_RET(-EIO);
	fsm_del_ent(d, e);
	FSM_RET(0);
}

static int fsm_mkdirat(int dirfd, const char *path)
{
	struct fsm_ino *d;
	const char *leaf;
	size_t len;
	int ret;

	fsm_nops[FSM_OP_MKDIR]++;
	ret = fsm_resolve(dirfd, path, false, &d, &leaf, &len);
	if (ret)
		return ret;
	if (!len || fsm_lookup(d, leaf, len, false))
		return -EEXIST;
	if (!fsm_change())
		return -EIO;
	if (!fsm_inode_room())
		return -ENOSPC;
	fsm_add_ent(d, leaf, len, fsm_new_ino(true));
	return 0;
}

int __wrap_mkdir(const char *path, mode_t mode)
{
	if (!fsm_is_path(AT_FDCWD, path))
		return __real_mkdir(path, mode);
	pthread_mutex_lock(&fsm_mu);
	FSM_RET(fsm_mkdirat(AT_FDCWD, path));
}

int __wrap_mkdirat(int dirfd, const char *path, mode_t mode)
{
	if (!fsm_is_path(dirfd, path))
		return __real_mkdirat(dirfd, path, mode);
	pthread_mutex_lock(&fsm_mu);
	FSM_RET(fsm_mkdirat(dirfd, path));
}

static void fsm_fill_stat(struct fsm_ino *in, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = in->id;
	st->st_mode = in->dir ? S_IFDIR | 0700 : S_IFREG | 0600;
	st->st_nlink = in->nlink ? in->nlink : (in == fsm_root);
	st->st_size = in->dir ? FSM_PG : (off_t)in->size;
	st->st_blksize = FSM_PG;
	st->st_blocks = in->nblocks * (FSM_PG / 512);
}

int __wrap_fstat(int fd, struct stat *st)
{
	struct fsm_ofd *o;
	int err;

	if (!fsm_is_fd(fd))
		return __real_fstat(fd, st);
	pthread_mutex_lock(&fsm_mu);
	fsm_nops[FSM_OP_STAT]++;
	o = fsm_ofd(fd);
	if (!o)
		FSM_RET(-EBADF);
	err = fsm_op_fails(FSM_OP_STAT);
	if (err)
		FSM_RET(err);
	fsm_fill_stat(o->ino, st);
	FSM_RET(0);
}

int __wrap_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	struct fsm_ino *in;
	int err;

	if (!fsm_is_path(dirfd, path))
		return __real_fstatat(dirfd, path, st, flags);
	pthread_mutex_lock(&fsm_mu);
	fsm_nops[FSM_OP_STAT]++;
	in = fsm_find(dirfd, path, &err);
	if (!in)
		FSM_RET(err);
	err = fsm_op_fails(FSM_OP_STAT);
	if (err)
		FSM_RET(err);
	fsm_fill_stat(in, st);
	FSM_RET(0);
}

int __wrap_fcntl(int fd, int cmd, ...)
{
	struct fsm_ofd *o;
	struct flock *fl;
	struct fsm_rlock *l;
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!fsm_is_fd(fd))
		return __real_fcntl(fd, cmd, arg);
	pthread_mutex_lock(&fsm_mu);
	o = fsm_ofd(fd);
	if (!o)
		FSM_RET(-EBADF);
	fl = arg;
	switch (cmd) {
	case F_GETFD:
		FSM_RET(FD_CLOEXEC);
	case F_SETFD:
		FSM_RET(0);
	case F_GETFL:
		FSM_RET(o->flags & ~(O_CREAT | O_TRUNC | O_EXCL));
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
	case F_SETLK:
	case F_SETLKW:
		fsm_nops[FSM_OP_LOCK]++;
		FSM_RET(fsm_setlk(o, fl,
				  cmd == F_OFD_SETLKW || cmd == F_SETLKW));
	case F_OFD_GETLK:
	case F_GETLK:
		fsm_nops[FSM_OP_LOCK]++;
		l = fsm_conflict(o, fl->l_type, fl->l_start, fl->l_len);
		if (l) {
			fl->l_type = l->type;
			fl->l_start = l->start;
			fl->l_len = l->len;
			fl->l_pid = -1;
		} else {
			fl->l_type = F_UNLCK;
		}
		FSM_RET(0);
	default:
		FSM_RET(-EINVAL);
	}
}

int __wrap_flock(int fd, int op)
{
	struct fsm_ofd *o;
	int type = op & ~LOCK_NB;

	if (!fsm_is_fd(fd))
		return __real_flock(fd, op);
	pthread_mutex_lock(&fsm_mu);
	fsm_nops[FSM_OP_LOCK]++;
	o = fsm_ofd(fd);
	if (!o)
		FSM_RET(-EBADF);
	if (type == LOCK_UN) {
		o->flock = 0;
		pthread_cond_broadcast(&fsm_cv);
		FSM_RET(0);
	}
	if (type != LOCK_SH && type != LOCK_EX)
		FSM_RET(-EINVAL);
	while (fsm_flock_conflict(o, type)) {
		if (op & LOCK_NB)
			FSM_RET(-EWOULDBLOCK);
		pthread_cond_wait(&fsm_cv, &fsm_mu);
		if (fsm_ofd(fd) != o)
			FSM_RET(-EBADF);
	}
	o->flock = type;
	FSM_RET(0);
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!fsm_is_fd(fd) && !(req == FICLONE && fsm_is_fd((int)(long)arg)))
		return __real_ioctl(fd, req, arg);
	pthread_mutex_lock(&fsm_mu);
	if (!fsm_ofd(fd))
		FSM_RET(-EBADF);
	/* like ext4: no reflinks */
	FSM_RET(req == FICLONE ? -EOPNOTSUPP : -ENOTTY);
}

static struct fsm_dir *fsm_dir(DIR *d)
{
	struct fsm_dir *x;

	for (x = fsm_dirs; x; x = x->next)
		if ((void *)x == (void *)d)
			return x;
	return NULL;
}

DIR *__wrap_fdopendir(int fd)
{
	struct fsm_ofd *o;
	struct fsm_dir *d;
	struct fsm_ent *e;
	size_t n = 0;

	if (!fsm_is_fd(fd))
		return __real_fdopendir(fd);
	pthread_mutex_lock(&fsm_mu);
	fsm_nops[FSM_OP_READDIR]++;
	o = fsm_ofd(fd);
	if (!o || !o->ino->dir) {
		pthread_mutex_unlock(&fsm_mu);
		errno = o ? ENOTDIR : EBADF;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	d->magic = FSM_DIR_MAGIC;
	d->fd = fd;
	for (e = o->ino->ents; e; e = e->next)
		n++;
	d->names = calloc(n + 2, sizeof(char *));
	if (!d->names)
		abort();
	d->names[d->n++] = strdup(".");
	d->names[d->n++] = strdup("..");
	for (e = o->ino->ents; e; e = e->next)
		d->names[d->n++] = strdup(e->name);
	d->next = fsm_dirs;
	fsm_dirs = d;
	pthread_mutex_unlock(&fsm_mu);
	return (DIR *)d;
}

struct dirent *__wrap_readdir(DIR *dp)
{
	struct fsm_dir *d;
	struct dirent *ret = NULL;

	pthread_mutex_lock(&fsm_mu);
	d = fsm_dir(dp);
	pthread_mutex_unlock(&fsm_mu);
	if (!d)
		return __real_readdir(dp);
	pthread_mutex_lock(&fsm_mu);
	if (fsm_ofd(d->fd) && d->i < d->n) {
		memset(&d->de, 0, sizeof(d->de));
		snprintf(d->de.d_name, sizeof(d->de.d_name), "%s",
			 d->names[d->i++]);
		d->de.d_type = DT_UNKNOWN;
		ret = &d->de;
	}
	pthread_mutex_unlock(&fsm_mu);
	return ret;
}

int __wrap_closedir(DIR *dp)
{
	struct fsm_dir *d, **pp;
	struct fsm_ofd *o;

	pthread_mutex_lock(&fsm_mu);
	d = fsm_dir(dp);
	if (!d) {
		pthread_mutex_unlock(&fsm_mu);
		return __real_closedir(dp);
	}
	for (pp = &fsm_dirs; *pp != d; pp = &(*pp)->next)
		;
	*pp = d->next;
	o = fsm_ofd(d->fd);
	if (o)
		fsm_drop_fd(o);
	while (d->n)
		free(d->names[--d->n]);
	free(d->names);
	free(d);
	FSM_RET(0);
}
