// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * In-memory store driver for tests; see store-mem.h.
 *
 * Every object has a current and a durable state.  Writes change the
 * current state and mark the object dirty; flush() copies current to
 * durable for every dirty object; a power cut rolls dirty objects back
 * (fully or torn).  One mutex per disk serialises everything: this driver
 * is for correctness tests, not speed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/err.h"
#include "store-mem.h"
#include "store/store-driver.h"
#include "store/store-util.h"

#define MEM_BUCKETS 4096
#define MEM_TEAR 4096

struct mem_obj {
	char oid[CVOL_OID_MAX + 1];
	struct mem_obj *next; /* hash chain */
	bool exists; /* current state */
	uint8_t *data;
	size_t size;
	bool d_exists; /* durable state */
	uint8_t *d_data;
	size_t d_size;
	bool dirty; /* current differs from durable */
	uint64_t version; /* metadata version (meta objects are durable) */
};

struct mem_lock {
	char name[CVOL_OID_MAX + 1];
	char cookie[CVOL_LOCK_HOLDER_MAX];
	void *owner; /* the instance holding it */
	struct mem_lock *next;
};

struct mem_disk {
	char path[256];
	/* protects everything in this disk */
	pthread_mutex_t mu;
	struct mem_obj *bucket[MEM_BUCKETS];
	struct mem_lock *locks;
	uint64_t ops; /* operations so far */
	uint64_t by_kind[CVOL_MEM_OP_KINDS]; /* the same, per operation */
	uint64_t fail_at; /* fail every op once ops >= fail_at (0: never) */
	int users;
	struct mem_disk *next;
};

struct mem_inst {
	struct mem_disk *disk;
};

/* protects mem_disks */
static pthread_mutex_t mem_disks_mu = PTHREAD_MUTEX_INITIALIZER;
static struct mem_disk *mem_disks;

static struct mem_disk *mem_disk_get(const char *path, bool create)
{
	struct mem_disk *d;

	pthread_mutex_lock(&mem_disks_mu);
	for (d = mem_disks; d; d = d->next)
		if (!strcmp(d->path, path))
			goto out_unlock;
	if (!create)
		goto out_unlock;
	d = calloc(1, sizeof(*d));
	if (!d)
		goto out_unlock;
	snprintf(d->path, sizeof(d->path), "%s", path);
	pthread_mutex_init(&d->mu, NULL);
	d->next = mem_disks;
	mem_disks = d;
out_unlock:
	pthread_mutex_unlock(&mem_disks_mu);
	return d;
}

/* the existing disk @path, locked; NULL if there is none */
static struct mem_disk *mem_disk_lock(const char *path)
{
	struct mem_disk *d = mem_disk_get(path, false);

	if (d)
		pthread_mutex_lock(&d->mu);
	return d;
}

/* the object @oid, created (not existing) if @create; NULL if absent */
static struct mem_obj *mem_find(struct mem_disk *d, const char *oid,
				bool create)
{
	uint32_t b = cvol_store_hash(oid) % MEM_BUCKETS;
	struct mem_obj *o;

	for (o = d->bucket[b]; o; o = o->next)
		if (!strcmp(o->oid, oid))
			return o;
	if (!create)
		return NULL;
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	snprintf(o->oid, sizeof(o->oid), "%s", oid);
	o->next = d->bucket[b];
	d->bucket[b] = o;
	return o;
}

/* count one operation; -EIO once the injected failure point is reached */
static int mem_op(struct mem_disk *d, enum cvol_mem_op kind)
{
	d->ops++;
	d->by_kind[kind]++;
	if (d->fail_at && d->ops >= d->fail_at)
		return cvol_seterr(-EIO, "mem store %s: injected failure",
				   d->path);
	return 0;
}

/* lock disk @d and count one @kind operation (unlock even on error) */
static int mem_begin(struct mem_disk *d, enum cvol_mem_op kind)
{
	pthread_mutex_lock(&d->mu);
	return mem_op(d, kind);
}

/*
 * mem_begin(), then the existing object @oid in *@op: -ENOENT if there is
 * none (the disk stays locked whatever the result)
 */
static int mem_begin_obj(struct mem_disk *d, enum cvol_mem_op kind,
			 const char *oid, struct mem_obj **op)
{
	int ret = mem_begin(d, kind);

	if (ret)
		return ret;
	*op = mem_find(d, oid, false);
	if (!*op || !(*op)->exists)
		return cvol_seterr(-ENOENT, "no object %s", oid);
	return 0;
}

/* a copy of @n bytes at @p (malloc, never of size 0), or NULL */
static uint8_t *mem_dup(const uint8_t *p, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);

	if (c && n)
		memcpy(c, p, n);
	return c;
}

/* free the locks that @owner holds on @d (NULL: all of them) */
static void mem_drop_locks(struct mem_disk *d, void *owner)
{
	struct mem_lock **pp, *l;

	for (pp = &d->locks; (l = *pp);) {
		if (!owner || l->owner == owner) {
			*pp = l->next;
			free(l);
		} else {
			pp = &l->next;
		}
	}
}

static int mem_resize(struct mem_obj *o, size_t size)
{
	uint8_t *n;

	if (size <= o->size && o->data) {
		o->size = size;
		return 0;
	}
	n = realloc(o->data, size ? size : 1);
	if (!n)
		return cvol_seterr(-ENOMEM, "out of memory");
	if (size > o->size)
		memset(n + o->size, 0, size - o->size);
	o->data = n;
	o->size = size;
	return 0;
}

static int mem_open(const struct cvol_store_conf *conf, void **priv)
{
	struct mem_inst *m;
	const char *path = conf->path ? conf->path :
		conf->pool ? conf->pool : "default";

	m = calloc(1, sizeof(*m));
	if (!m)
		return cvol_seterr(-ENOMEM, "out of memory");
	m->disk = mem_disk_get(path, true);
	if (!m->disk) {
		free(m);
		return cvol_seterr(-ENOMEM, "out of memory");
	}
	pthread_mutex_lock(&m->disk->mu);
	m->disk->users++;
	pthread_mutex_unlock(&m->disk->mu);
	*priv = m;
	return 0;
}

static void mem_close(void *priv)
{
	struct mem_inst *m = priv;
	struct mem_disk *d = m->disk;

	pthread_mutex_lock(&d->mu);
	mem_drop_locks(d, m);
	d->users--;
	pthread_mutex_unlock(&d->mu);
	free(m);
}

static int mem_read(void *priv, const char *oid, void *buf, size_t len,
		    uint64_t off)
{
	struct mem_disk *d = ((struct mem_inst *)priv)->disk;
	struct mem_obj *o;
	int ret;

	ret = mem_begin_obj(d, CVOL_MEM_OP_READ, oid, &o);
	if (!ret) {
		memset(buf, 0, len);
		if (off < o->size && len)
			memcpy(buf, o->data + off,
			       o->size - off < len ? o->size - off : len);
	}
	pthread_mutex_unlock(&d->mu);
	return ret;
}

/* write @len bytes at @off into @o, created if missing; @full: replace all */
static int mem_obj_write(struct mem_obj *o, const void *buf, size_t len,
			 uint64_t off, bool full)
{
	int ret;

	if (!o->exists || full)
		o->size = 0;
	o->exists = true;
	if (off + len > o->size) {
		ret = mem_resize(o, off + len);
		if (ret)
			return ret;
	}
	if (len)
		memcpy(o->data + off, buf, len);
	o->dirty = true;
	return 0;
}

/* @kind: what the caller counts this as (a copy writes its whole dst) */
static int mem_write_locked(struct mem_disk *d, const char *oid,
			    const void *buf, size_t len, uint64_t off,
			    bool full, enum cvol_mem_op kind)
{
	struct mem_obj *o;
	int ret;

	ret = mem_op(d, kind);
	if (ret)
		return ret;
	o = mem_find(d, oid, true);
	if (!o)
		return cvol_seterr(-ENOMEM, "out of memory");
	return mem_obj_write(o, buf, len, off, full);
}

static int mem_write(void *priv, const char *oid, const void *buf,
		     size_t len, uint64_t off)
{
	struct mem_disk *d = ((struct mem_inst *)priv)->disk;
	int ret;

	pthread_mutex_lock(&d->mu);
	ret = mem_write_locked(d, oid, buf, len, off, false,
			       CVOL_MEM_OP_WRITE);
	pthread_mutex_unlock(&d->mu);
	return ret;
}

static int mem_write_full(void *priv, const char *oid, const void *buf,
			  size_t len)
{
	struct mem_disk *d = ((struct mem_inst *)priv)->disk;
	int ret;

	pthread_mutex_lock(&d->mu);
	ret = mem_write_locked(d, oid, buf, len, 0, true,
			       CVOL_MEM_OP_WRITE_FULL);
	pthread_mutex_unlock(&d->mu);
	return ret;
}

static int mem_punch(void *priv, const char *oid, uint64_t off, uint64_t len)
{
	struct mem_disk *d = ((struct mem_inst *)priv)->disk;
	struct mem_obj *o;
	int ret;

	ret = mem_begin(d, CVOL_MEM_OP_PUNCH);
	if (ret)
		goto out_unlock;
	o = mem_find(d, oid, false);
	if (!o || !o->exists || off >= o->size)
		goto out_unlock;
	if (off + len > o->size)
		len = o->size - off;
	memset(o->data + off, 0, len);
	o->dirty = true;
out_unlock:
	pthread_mutex_unlock(&d->mu);
	return ret;
}

static int mem_remove(void *priv, const char *oid)
{
	struct mem_disk *d = ((struct mem_inst *)priv)->disk;
	struct mem_obj *o;
	int ret;

	ret = mem_begin_obj(d, CVOL_MEM_OP_REMOVE, oid, &o);
	if (ret)
		goto out_unlock;
	o->exists = false;
	o->size = 0;
	o->dirty = true;
	if (o->version) { /* metadata: durable at once */
		o->d_exists = false;
		o->d_size = 0;
		o->version = 0;
	}
out_unlock:
	pthread_mutex_unlock(&d->mu);
	return ret;
}

static int mem_stat(void *priv, const char *oid, uint64_t *size)
{
	struct mem_disk *d = ((struct mem_inst *)priv)->disk;
	struct mem_obj *o;
	int ret;

	ret = mem_begin_obj(d, CVOL_MEM_OP_STAT, oid, &o);
	if (!ret)
		*size = o->size;
	pthread_mutex_unlock(&d->mu);
	return ret;
}

static int mem_copy(void *priv, const char *dst, const char *src)
{
	struct mem_disk *d = ((struct mem_inst *)priv)->disk;
	struct mem_obj *s;
	uint8_t *tmp;
	size_t n;
	int ret;

	pthread_mutex_lock(&d->mu);
	s = mem_find(d, src, false);
	if (!s || !s->exists) {
		ret = mem_op(d, CVOL_MEM_OP_COPY);
		if (!ret)
			ret = cvol_seterr(-ENOENT, "no object %s", src);
		goto out_unlock;
	}
	n = s->size;
	tmp = mem_dup(s->data, n);
	if (!tmp) {
		ret = cvol_seterr(-ENOMEM, "out of memory");
		goto out_unlock;
	}
	ret = mem_write_locked(d, dst, tmp, n, 0, true, CVOL_MEM_OP_COPY);
	free(tmp);
out_unlock:
	pthread_mutex_unlock(&d->mu);
	return ret;
}

static int mem_list(void *priv, const char *prefix, cvol_store_list_cb cb,
		    void *arg)
{
	struct mem_disk *d = ((struct mem_inst *)priv)->disk;
	size_t plen = strlen(prefix), n = 0, i;
	char **names = NULL, **nn;
	struct mem_obj *o;
	int b, ret;

	ret = mem_begin(d, CVOL_MEM_OP_LIST);
	for (b = 0; b < MEM_BUCKETS && !ret; b++) {
		for (o = d->bucket[b]; o && !ret; o = o->next) {
			if (!o->exists || strncmp(o->oid, prefix, plen))
				continue;
			nn = realloc(names, (n + 1) * sizeof(*names));
			if (!nn) {
				ret = cvol_seterr(-ENOMEM, "out of memory");
				break;
			}
			names = nn;
			names[n] = strdup(o->oid);
			if (!names[n])
				ret = cvol_seterr(-ENOMEM, "out of memory");
			else
				n++;
		}
	}
	pthread_mutex_unlock(&d->mu);
	/* call back without the lock: callbacks may use the store */
	for (i = 0; i < n; i++) {
		if (!ret)
			ret = cb(arg, names[i]);
		free(names[i]);
	}
	free(names);
	return ret;
}

static int mem_meta_read(void *priv, const char *oid, void *buf, size_t cap,
			 size_t *len, uint64_t *version)
{
	struct mem_disk *d = ((struct mem_inst *)priv)->disk;
	struct mem_obj *o;
	int ret;

	ret = mem_begin_obj(d, CVOL_MEM_OP_META_READ, oid, &o);
	if (ret)
		goto out_unlock;
	if (o->size > cap) {
		ret = cvol_seterr(-EOVERFLOW,
				  "metadata object %s is %zu bytes, buffer %zu",
				  oid, o->size, cap);
		goto out_unlock;
	}
	if (o->size)
		memcpy(buf, o->data, o->size);
	*len = o->size;
	*version = o->version;
out_unlock:
	pthread_mutex_unlock(&d->mu);
	return ret;
}

static int mem_make_durable(struct mem_obj *o)
{
	uint8_t *n = NULL;

	if (o->exists) {
		n = mem_dup(o->data, o->size);
		if (!n)
			return cvol_seterr(-ENOMEM, "out of memory");
	}
	free(o->d_data);
	o->d_data = n;
	o->d_size = o->exists ? o->size : 0;
	o->d_exists = o->exists;
	o->dirty = false;
	return 0;
}

static int mem_meta_cas(void *priv, const char *oid, const void *buf,
			size_t len, uint64_t expect, uint64_t *version)
{
	struct mem_disk *d = ((struct mem_inst *)priv)->disk;
	struct mem_obj *o;
	uint64_t cur;
	int ret;

	ret = mem_begin(d, CVOL_MEM_OP_META_CAS);
	if (ret)
		goto out_unlock;
	o = mem_find(d, oid, true);
	if (!o) {
		ret = cvol_seterr(-ENOMEM, "out of memory");
		goto out_unlock;
	}
	cur = o->exists ? o->version : 0;
	ret = cvol_store_cas_check(oid, cur, expect);
	if (!ret)
		ret = mem_obj_write(o, buf, len, 0, true);
	if (!ret)
		ret = mem_make_durable(o);
	if (ret)
		goto out_unlock;
	o->version = cur + 1;
	*version = o->version;
out_unlock:
	pthread_mutex_unlock(&d->mu);
	return ret;
}

static int mem_flush(void *priv)
{
	struct mem_disk *d = ((struct mem_inst *)priv)->disk;
	struct mem_obj *o;
	int b, ret;

	ret = mem_begin(d, CVOL_MEM_OP_FLUSH);
	for (b = 0; b < MEM_BUCKETS && !ret; b++)
		for (o = d->bucket[b]; o && !ret; o = o->next)
			if (o->dirty)
				ret = mem_make_durable(o);
	pthread_mutex_unlock(&d->mu);
	return ret;
}

/* one process: a holder never dies unseen, @flags changes nothing */
static int mem_lock(void *priv, const char *name, const char *cookie,
		    char holder[CVOL_LOCK_HOLDER_MAX], unsigned int flags)
{
	struct mem_disk *d = ((struct mem_inst *)priv)->disk;
	struct mem_lock *l;
	int ret;

	ret = mem_begin(d, CVOL_MEM_OP_LOCK);
	if (ret)
		goto out_unlock;
	for (l = d->locks; l; l = l->next) {
		if (!strcmp(l->name, name)) {
			snprintf(holder, CVOL_LOCK_HOLDER_MAX, "%s",
				 l->cookie);
			ret = cvol_seterr(-EBUSY, "lock %s is held by %s",
					  name, l->cookie);
			goto out_unlock;
		}
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		ret = cvol_seterr(-ENOMEM, "out of memory");
		goto out_unlock;
	}
	snprintf(l->name, sizeof(l->name), "%s", name);
	snprintf(l->cookie, sizeof(l->cookie), "%s", cookie);
	l->owner = priv;
	l->next = d->locks;
	d->locks = l;
out_unlock:
	pthread_mutex_unlock(&d->mu);
	return ret;
}

static int mem_unlock(void *priv, const char *name, const char *cookie)
{
	struct mem_disk *d = ((struct mem_inst *)priv)->disk;
	struct mem_lock **pp, *l;
	int ret = -ENOENT;

	pthread_mutex_lock(&d->mu);
	for (pp = &d->locks; (l = *pp); pp = &l->next) {
		if (!strcmp(l->name, name) && l->owner == priv) {
			*pp = l->next;
			free(l);
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&d->mu);
	if (ret)
		return cvol_seterr(ret, "lock %s is not held here", name);
	return 0;
}

int cvol_store_mem_fail_after(const char *path, uint64_t nops)
{
	struct mem_disk *d = mem_disk_lock(path);

	if (!d)
		return -ENOENT;
	d->fail_at = nops ? d->ops + nops : 0;
	pthread_mutex_unlock(&d->mu);
	return 0;
}

int cvol_store_mem_op_counts(const char *path,
			     uint64_t counts[CVOL_MEM_OP_KINDS])
{
	struct mem_disk *d = mem_disk_lock(path);

	if (!d)
		return -ENOENT;
	memcpy(counts, d->by_kind, sizeof(d->by_kind));
	pthread_mutex_unlock(&d->mu);
	return 0;
}

uint64_t cvol_store_mem_ops_count(const char *path)
{
	struct mem_disk *d = mem_disk_lock(path);
	uint64_t n;

	if (!d)
		return 0;
	n = d->ops;
	pthread_mutex_unlock(&d->mu);
	return n;
}

static uint64_t mem_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* a torn outcome: each MEM_TEAR block from the old or the new state */
static void mem_tear(struct mem_obj *o, uint64_t *rs)
{
	size_t off, n;

	if (!o->d_exists || !o->exists)
		return; /* creation/removal is all or nothing */
	for (off = 0; off < o->size; off += MEM_TEAR) {
		n = o->size - off < MEM_TEAR ? o->size - off : MEM_TEAR;
		if (mem_rand(rs) & 1)
			continue;
		/* keep the old block */
		memset(o->data + off, 0, n);
		if (off < o->d_size)
			memcpy(o->data + off, o->d_data + off,
			       o->d_size - off < n ? o->d_size - off : n);
	}
}

int cvol_store_mem_powercut(const char *path, enum cvol_mem_cut mode,
			    uint64_t seed)
{
	struct mem_disk *d = mem_disk_lock(path);
	uint64_t rs = seed * 2654435761u + 1;
	struct mem_obj *o;
	int b, choice;

	if (!d)
		return -ENOENT;
	for (b = 0; b < MEM_BUCKETS; b++) {
		for (o = d->bucket[b]; o; o = o->next) {
			if (!o->dirty)
				continue;
			choice = mode == CVOL_MEM_CUT_LOSE ? 0 :
							     mem_rand(&rs) % 3;
			if (choice == 2)
				mem_tear(o, &rs);
			if (choice == 0) {
				free(o->data);
				o->data = NULL;
				o->size = 0;
				o->exists = o->d_exists;
				if (o->d_exists && o->d_size &&
				    mem_resize(o, o->d_size) == 0)
					memcpy(o->data, o->d_data, o->d_size);
			}
			mem_make_durable(o);
		}
	}
	mem_drop_locks(d, NULL);
	d->fail_at = 0;
	pthread_mutex_unlock(&d->mu);
	return 0;
}

void cvol_store_mem_destroy(const char *path)
{
	struct mem_disk **pp, *d;
	struct mem_obj *o, *n;
	int b;

	pthread_mutex_lock(&mem_disks_mu);
	for (pp = &mem_disks; (d = *pp); pp = &d->next)
		if (!strcmp(d->path, path))
			break;
	if (d)
		*pp = d->next;
	pthread_mutex_unlock(&mem_disks_mu);
	if (!d)
		return;
	for (b = 0; b < MEM_BUCKETS; b++) {
		for (o = d->bucket[b]; o; o = n) {
			n = o->next;
			free(o->data);
			free(o->d_data);
			free(o);
		}
	}
	mem_drop_locks(d, NULL);
	pthread_mutex_destroy(&d->mu);
	free(d);
}

static const struct cvol_store_ops cvol_store_mem_ops = {
	.name = "mem",
	.open = mem_open,
	.close = mem_close,
	.read = mem_read,
	.write = mem_write,
	.write_full = mem_write_full,
	.punch = mem_punch,
	.remove = mem_remove,
	.stat = mem_stat,
	.copy = mem_copy,
	.list = mem_list,
	.meta_read = mem_meta_read,
	.meta_cas = mem_meta_cas,
	.flush = mem_flush,
	.lock = mem_lock,
	.unlock = mem_unlock,
};

/* linked only into test programs: make "mem" a driver name they can use */
__attribute__((constructor)) static void mem_register(void)
{
	cvol_store_register(&cvol_store_mem_ops);
}
