// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Pools, the pool directory and volume management: create, remove,
 * rename, list, info, resize, key/value metadata, open and close.
 *
 * Every change to the directory is read-modify-compare-and-swap: load
 * cvol.dir with its version, change the decoded copy, meta_cas() it back
 * expecting the version read, and start over on -ECANCELED.  In-process
 * changes are also serialised by cvol_pool.dir_mu so open volumes can be
 * refreshed consistently.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine-int.h"

#define DIR_RETRIES 100

int cvol_check_name(const char *what, const char *name)
{
	size_t n;

	if (!name)
		return cvol_seterr(-EINVAL, "%s name missing", what);
	if (cvol_name_valid(name))
		return 0;
	n = strlen(name);
	if (!n || n > CVOL_NAME_MAX)
		return cvol_seterr(-EINVAL,
				   "%s name '%s' must be 1..%d characters",
				   what, name, CVOL_NAME_MAX);
	if (name[0] == '.' || name[0] == '-')
		return cvol_seterr(-EINVAL,
				   "%s name '%s' must not start with '.' or '-'",
				   what, name);
	return cvol_seterr(-EINVAL,
			   "%s name '%s' has a character outside [A-Za-z0-9._-]",
			   what, name);
}

static int dir_decode(void *arg, const void *buf, size_t len)
{
	return cvol_dir_decode(buf, len, arg);
}

int cvol_dir_load(struct cvol_pool *pool, struct cvol_dir *dir)
{
	struct cvol_copies cp;
	int ret;

	memset(dir, 0, sizeof(*dir)); /* safe to free on every path */
	ret = cvol_copies_load(pool, CVOL_DIR_OID, CVOL_DIR_MAGIC, 256u << 20,
			       "pool directory", dir_decode, dir, &cp);
	if (ret == -ENOENT) {
		memset(dir, 0, sizeof(*dir));
		dir->next_id = 1;
		return 0;
	}
	dir->copies = cp;
	return ret;
}

/* cvol_dir_store(); *@tried: the store was asked (see cvol_dir_switch()) */
static int dir_store(struct cvol_pool *pool, struct cvol_dir *dir, bool *tried)
{
	size_t len;
	void *buf;
	int ret;

	*tried = false;
	/* a directory with features this build does not know stays as is */
	ret = cvol_ro_compat_check(dir->ro_compat, "pool directory");
	if (ret)
		return ret;
	ret = cvol_dir_encode(dir, &buf, &len);
	if (ret)
		return ret;
	*tried = true;
	ret = cvol_copies_store(pool, CVOL_DIR_OID, buf, len, &dir->copies,
				true);
	free(buf);
	return ret;
}

int cvol_dir_store(struct cvol_pool *pool, struct cvol_dir *dir)
{
	bool tried;

	return dir_store(pool, dir, &tried);
}

struct cvol_vol_rec *cvol_dir_vol(struct cvol_dir *dir, const char *name)
{
	uint32_t i;

	for (i = 0; i < dir->nvols; i++)
		if (!strcmp(dir->vols[i].name, name))
			return &dir->vols[i];
	return NULL;
}

struct cvol_vol_rec *cvol_dir_vol_id(struct cvol_dir *dir, uint64_t id)
{
	uint32_t i;

	for (i = 0; i < dir->nvols; i++)
		if (dir->vols[i].id == id)
			return &dir->vols[i];
	return NULL;
}

struct cvol_layer_rec *cvol_dir_layer(struct cvol_dir *dir, uint64_t id)
{
	uint32_t i;

	for (i = 0; i < dir->nlayers; i++)
		if (dir->layers[i].id == id)
			return &dir->layers[i];
	return NULL;
}

struct cvol_layer_rec *cvol_dir_snap(struct cvol_dir *dir, uint64_t vol_id,
				     const char *snap)
{
	uint32_t i;

	for (i = 0; i < dir->nlayers; i++)
		if (dir->layers[i].vol_id == vol_id &&
		    dir->layers[i].kind == CVOL_LAYER_SNAP &&
		    !strcmp(dir->layers[i].name, snap))
			return &dir->layers[i];
	return NULL;
}

/*
 * Append a zeroed record of @size bytes to the array @arr of *@n records:
 * returns the grown array (the new record is its last), or NULL (and a
 * message) on ENOMEM with @arr unchanged.
 */
static void *dir_append(void *arr, uint32_t *n, size_t size)
{
	char *grown = realloc(arr, (*n + 1) * size);

	if (!grown) {
		cvol_seterr(-ENOMEM, "out of memory");
		return NULL;
	}
	memset(grown + *n * size, 0, size);
	(*n)++;
	return grown;
}

/* a new zeroed layer record with a fresh id; NULL on ENOMEM */
struct cvol_layer_rec *cvol_dir_add_layer(struct cvol_dir *dir)
{
	struct cvol_layer_rec *a, *n;

	a = dir_append(dir->layers, &dir->nlayers, sizeof(*a));
	if (!a)
		return NULL;
	dir->layers = a;
	n = &a[dir->nlayers - 1];
	n->id = dir->next_id++;
	n->created = time(NULL);
	return n;
}

void cvol_dir_del_layer(struct cvol_dir *dir, uint64_t id)
{
	uint32_t i;

	for (i = 0; i < dir->nlayers; i++) {
		if (dir->layers[i].id == id) {
			dir->layers[i] = dir->layers[--dir->nlayers];
			return;
		}
	}
}

/* a new zeroed volume record named @name with a fresh id; NULL on ENOMEM */
struct cvol_vol_rec *cvol_dir_add_vol(struct cvol_dir *dir, const char *name)
{
	struct cvol_vol_rec *a, *n;

	a = dir_append(dir->vols, &dir->nvols, sizeof(*a));
	if (!a)
		return NULL;
	dir->vols = a;
	n = &a[dir->nvols - 1];
	n->id = dir->next_id++;
	n->created = time(NULL);
	snprintf(n->name, sizeof(n->name), "%s", name);
	return n;
}

static void dir_del_vol(struct cvol_dir *dir, uint64_t id)
{
	uint32_t i;

	for (i = 0; i < dir->nvols; i++) {
		if (dir->vols[i].id == id) {
			dir->vols[i] = dir->vols[--dir->nvols];
			return;
		}
	}
}

static int no_vol(const char *name)
{
	return cvol_seterr(-ENOENT, "no volume '%s'", name);
}

struct cvol_vol *cvol_pool_open_head(struct cvol_pool *pool, uint64_t vol_id)
{
	struct cvol_vol *v;

	pthread_mutex_lock(&pool->mu);
	for (v = pool->open; v; v = v->next)
		if (v->vol_id == vol_id && v->rw)
			break;
	pthread_mutex_unlock(&pool->mu);
	return v;
}

bool cvol_pool_layer_open(struct cvol_pool *pool, uint64_t layer)
{
	struct cvol_vol *v;
	bool found = false;

	pthread_mutex_lock(&pool->mu);
	for (v = pool->open; v && !found; v = v->next)
		found = v->depth && v->chain[0]->id == layer;
	pthread_mutex_unlock(&pool->mu);
	return found;
}

const char *cvol_vol_failed(struct cvol_vol *vol)
{
	return __atomic_load_n(&vol->failed, __ATOMIC_ACQUIRE) ? vol->fail_msg :
								 NULL;
}

/* fail mode for @vol, unless it failed already (the first reason stays) */
static void vol_set_failed(struct cvol_vol *vol, const char *why)
{
	/* pool mu (held by the caller) serialises the setters */
	if (__atomic_load_n(&vol->failed, __ATOMIC_RELAXED))
		return;
	snprintf(vol->fail_msg, sizeof(vol->fail_msg), "%s", why);
	__atomic_store_n(&vol->failed, 1, __ATOMIC_RELEASE);
}

void cvol_vol_fail(struct cvol_vol *vol, const char *fmt, ...)
{
	char why[sizeof(vol->fail_msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&vol->pool->mu);
	vol_set_failed(vol, why);
	pthread_mutex_unlock(&vol->pool->mu);
}

void cvol_pool_fail(struct cvol_pool *pool, const char *fmt, ...)
{
	char why[sizeof(pool->open->fail_msg)];
	struct cvol_vol *v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&pool->mu);
	for (v = pool->open; v; v = v->next)
		if (v->rw)
			vol_set_failed(v, why);
	pthread_mutex_unlock(&pool->mu);
}

int cvol_vol_check_failed(struct cvol_vol *vol)
{
	const char *why = cvol_vol_failed(vol);

	if (!why)
		return 0;
	return cvol_seterr(
		-EIO,
		"volume '%s' failed (writes are refused until it is reopened): %s",
		vol->name, why);
}

/* the volume lock; @flags: CVOL_LOCK_TAKEOVER (open for writing only) */
static int vol_lock(struct cvol_pool *pool, uint64_t vol_id, const char *name,
		    char *lockname, size_t cap, unsigned int flags)
{
	char holder[CVOL_LOCK_HOLDER_MAX] = "";
	int ret;

	snprintf(lockname, cap, "v.%016" PRIx64, vol_id);
	ret = pool->st->ops->lock(pool->st->priv, lockname, pool->cookie,
				  holder, flags);
	if (ret == -EBUSY && !flags)
		return cvol_seterr(
			-EBUSY,
			"volume '%s' is open for writing by %s (if that host is dead, opening the volume for writing takes it over)",
			name, holder);
	if (ret == -EBUSY)
		return cvol_seterr(-EBUSY,
				   "volume '%s' is open for writing by %s",
				   name, holder);
	return ret;
}

/*
 * Management operations and check never take a volume over: another
 * host's daemon that is slow to answer must not be fenced by them.
 */
int cvol_vol_lock(struct cvol_pool *pool, uint64_t vol_id, const char *name,
		  char *lockname, size_t cap)
{
	return vol_lock(pool, vol_id, name, lockname, cap, 0);
}

void cvol_vol_unlock(struct cvol_pool *pool, const char *lockname)
{
	pool->st->ops->unlock(pool->st->priv, lockname, pool->cookie);
}

struct destroy_ctx {
	struct cvol_pool *pool;
	uint64_t id;
};

static int destroy_entry(void *arg, uint64_t idx, uint64_t val)
{
	struct destroy_ctx *d = arg;
	char oid[CVOL_OID_MAX + 1];

	if (cvol_entry_oid(oid, sizeof(oid), idx, val))
		d->pool->st->ops->remove(d->pool->st->priv, oid);
	return 0;
}

static int destroy_chunk(void *arg, const char *oid)
{
	struct destroy_ctx *d = arg;

	d->pool->st->ops->remove(d->pool->st->priv, oid);
	return 0;
}

void cvol_layer_drop_chunks(struct cvol_pool *pool, uint64_t id)
{
	struct destroy_ctx d = { .pool = pool, .id = id };
	char prefix[40];

	snprintf(prefix, sizeof(prefix), "m.%016" PRIx64 ".", id);
	pool->st->ops->list(pool->st->priv, prefix, destroy_chunk, &d);
	cvol_lmap_forget(pool, id);
	cvol_clearerr();
}

void cvol_layer_destroy(struct cvol_pool *pool, uint64_t id)
{
	struct destroy_ctx d = { .pool = pool, .id = id };
	struct cvol_lmap *lm = cvol_lmap_get(pool, id);

	/* best effort: what is left is unreferenced and check removes it */
	if (lm) {
		cvol_lmap_walk(pool, lm, destroy_entry, &d);
		cvol_lmap_put(pool, lm);
	}
	cvol_layer_drop_chunks(pool, id);
}

/*
 * Read the pool's identity object into pool->uuid; if there is none yet,
 * create one with random bytes (the first of several creators wins, the
 * others read what it wrote).
 */
static int pool_uuid_load(struct cvol_pool *pool)
{
	uint8_t buf[CVOL_ID_LEN], uuid[CVOL_POOL_UUID_LEN];
	uint64_t version;
	size_t len, i;
	int ret, tries;

	for (tries = 0; tries < 2; tries++) {
		ret = pool->st->ops->meta_read(pool->st->priv, CVOL_ID_OID, buf,
					       sizeof(buf), &len, &version);
		if (ret == -EOVERFLOW)
			return cvol_seterr(
				-EILSEQ, "pool identity: longer than %d bytes",
				CVOL_ID_LEN);
		if (ret == -ENOENT) {
			if (getrandom(uuid, sizeof(uuid), 0) != sizeof(uuid))
				return cvol_seterr(
					-EIO, "pool identity: getrandom: %s",
					strerror(errno));
			uuid[0] |= 1; /* never all zero */
			cvol_id_encode(uuid, buf);
			ret = pool->st->ops->meta_cas(pool->st->priv,
						      CVOL_ID_OID, buf,
						      sizeof(buf), 0, &version);
			if (ret == -ECANCELED)
				continue; /* another opener created it */
			if (ret)
				return ret;
			len = sizeof(buf);
		} else if (ret) {
			return ret;
		}
		ret = cvol_id_decode(buf, len, uuid);
		if (ret)
			return ret;
		for (i = 0; i < sizeof(uuid); i++)
			snprintf(pool->uuid + 2 * i, 3, "%02x", uuid[i]);
		return 0;
	}
	return cvol_seterr(-EIO, "pool identity: created and gone again");
}

const char *cvol_pool_uuid(const struct cvol_pool *pool)
{
	return pool->uuid;
}

int cvol_pool_open(const struct cvol_store_conf *conf, struct cvol_pool **out)
{
	struct cvol_pool *pool;
	struct cvol_dir dir;
	char host[64] = "localhost";
	uint32_t pending;
	int ret;

	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return cvol_seterr(-ENOMEM, "out of memory");
	ret = cvol_store_open(conf, &pool->st);
	if (ret)
		goto out_free;
	snprintf(pool->name, sizeof(pool->name), "%s",
		 conf->pool ? conf->pool : "default");
	gethostname(host, sizeof(host) - 1);
	snprintf(pool->cookie, sizeof(pool->cookie), "%s:%d", host,
		 (int)getpid());
	pthread_mutex_init(&pool->mu, NULL);
	pthread_mutex_init(&pool->dir_mu, NULL);
	pthread_cond_init(&pool->users_cv, NULL);
	ret = cvol_dir_load(pool, &dir);
	if (ret)
		goto out_close_store;
	if (!dir.copies.found && conf->existing) {
		ret = cvol_seterr(-ENOENT, "no pool \"%s\" (the store holds none)",
				  pool->name);
	} else if (!dir.copies.found || (dir.copies.legacy && !dir.ro_compat)) {
		/* a new pool, or (once) an upgrade from the single-copy format */
		ret = cvol_dir_store(pool, &dir);
		if (ret == -ECANCELED)
			ret = 0; /* someone else created it */
	}
	pending = cvol_dir_pending(&dir);
	cvol_dir_free(&dir);
	if (!ret)
		ret = pool_uuid_load(pool);
	if (ret)
		goto out_close_store;
	/*
	 * Roll forward the snapshot removals a crash interrupted (best
	 * effort: a head busy elsewhere keeps one pending, check reports it)
	 */
	if (pending && cvol_gc_hidden(pool))
		cvol_clearerr();
	*out = pool;
	return 0;

out_close_store:
	cvol_store_close(pool->st);
	pthread_mutex_destroy(&pool->mu);
	pthread_mutex_destroy(&pool->dir_mu);
	pthread_cond_destroy(&pool->users_cv);
out_free:
	free(pool);
	return ret;
}

void cvol_pool_close(struct cvol_pool *pool)
{
	if (!pool)
		return;
	while (pool->open)
		cvol_vol_close(pool->open);
	while (pool->lmaps)
		cvol_lmap_put(pool, pool->lmaps);
	cvol_store_close(pool->st);
	pthread_mutex_destroy(&pool->mu);
	pthread_mutex_destroy(&pool->dir_mu);
	pthread_cond_destroy(&pool->users_cv);
	free(pool);
}

int cvol_vol_create(struct cvol_pool *pool, const char *name, uint64_t size,
		    unsigned int order)
{
	struct cvol_layer_rec *l;
	struct cvol_vol_rec *v;
	struct cvol_dir dir;
	int ret, tries;

	ret = cvol_check_name("volume", name);
	if (ret)
		return ret;
	if (!order)
		order = CVOL_ORDER_DEFAULT;
	if (order < CVOL_ORDER_MIN || order > CVOL_ORDER_MAX)
		return cvol_seterr(-EINVAL,
				   "object order %u out of range %d..%d",
				   order, CVOL_ORDER_MIN, CVOL_ORDER_MAX);
	if (!size || size % 512 || size > (1ull << 60))
		return cvol_seterr(-EINVAL,
				   "volume size %" PRIu64
				   " must be a non-zero multiple of 512 up to 1 EiB",
				   size);
	pthread_mutex_lock(&pool->dir_mu);
	for (tries = 0; tries < DIR_RETRIES; tries++) {
		ret = cvol_dir_load(pool, &dir);
		if (ret)
			break;
		if (cvol_dir_vol(&dir, name)) {
			ret = cvol_seterr(-EEXIST, "volume '%s' exists", name);
			goto out_free;
		}
		v = cvol_dir_add_vol(&dir, name);
		if (!v) {
			ret = -ENOMEM;
			goto out_free;
		}
		l = cvol_dir_add_layer(&dir);
		if (!l) {
			ret = -ENOMEM;
			goto out_free;
		}
		/* v may have moved: find it again by name */
		v = cvol_dir_vol(&dir, name);
		v->head = l->id;
		l->vol_id = v->id;
		l->size = size;
		l->order = order;
		l->kind = CVOL_LAYER_HEAD;
		ret = cvol_dir_store(pool, &dir);
out_free:
		cvol_dir_free(&dir);
		if (ret != -ECANCELED)
			break;
	}
	pthread_mutex_unlock(&pool->dir_mu);
	return ret;
}

int cvol_vol_remove(struct cvol_pool *pool, const char *name)
{
	char lockname[40], clones[256] = "";
	struct cvol_layer_rec *l, *c;
	struct cvol_vol_rec *v;
	struct cvol_dir dir;
	uint64_t *gone = NULL, vol_id;
	uint32_t i, j, ngone = 0;
	int ret;

	ret = cvol_check_name("volume", name);
	if (ret)
		return ret;
	pthread_mutex_lock(&pool->dir_mu);
	ret = cvol_dir_load(pool, &dir);
	if (ret)
		goto out_unlock;
	v = cvol_dir_vol(&dir, name);
	if (!v) {
		ret = no_vol(name);
		goto out_free;
	}
	vol_id = v->id;
	pthread_mutex_lock(&pool->mu);
	for (struct cvol_vol *o = pool->open; o; o = o->next)
		if (o->vol_id == vol_id)
			ret = -EBUSY;
	pthread_mutex_unlock(&pool->mu);
	if (ret) {
		ret = cvol_seterr(-EBUSY, "volume '%s' is open", name);
		goto out_free;
	}
	/* snapshots with clones in other volumes keep the volume */
	for (i = 0; i < dir.nlayers; i++) {
		l = &dir.layers[i];
		if (l->vol_id != vol_id)
			continue;
		for (j = 0; j < dir.nlayers; j++) {
			c = &dir.layers[j];
			if (c->parent == l->id && c->vol_id != vol_id) {
				struct cvol_vol_rec *cv =
					cvol_dir_vol_id(&dir, c->vol_id);
				size_t n = strlen(clones);

				snprintf(clones + n, sizeof(clones) - n,
					 "%s%s@%s -> %s", n ? ", " : "", name,
					 l->name, cv ? cv->name : "?");
			}
		}
	}
	if (clones[0]) {
		ret = cvol_seterr(-EBUSY,
				  "volume '%s' has snapshots with clones: %s (flatten or remove them first)",
				  name, clones);
		goto out_free;
	}
	ret = cvol_vol_lock(pool, vol_id, name, lockname, sizeof(lockname));
	if (ret)
		goto out_free;
	gone = calloc(dir.nlayers + 1, sizeof(*gone));
	if (!gone) {
		ret = cvol_seterr(-ENOMEM, "out of memory");
		goto out_unlock_vol;
	}
	for (i = 0; i < dir.nlayers; i++)
		if (dir.layers[i].vol_id == vol_id)
			gone[ngone++] = dir.layers[i].id;
	for (i = 0; i < ngone; i++)
		cvol_dir_del_layer(&dir, gone[i]);
	dir_del_vol(&dir, vol_id);
	ret = cvol_dir_store(pool, &dir);
	if (ret == -ECANCELED)
		ret = cvol_seterr(-EAGAIN,
				  "pool directory changed while removing '%s'; try again",
				  name);
	if (ret)
		goto out_unlock_vol;
	/* the directory no longer names them: their objects are garbage */
	for (i = 0; i < ngone; i++)
		cvol_layer_destroy(pool, gone[i]);
out_unlock_vol:
	free(gone);
	cvol_vol_unlock(pool, lockname);
out_free:
	cvol_dir_free(&dir);
out_unlock:
	pthread_mutex_unlock(&pool->dir_mu);
	if (!ret)
		ret = cvol_gc_hidden(pool);
	return ret;
}

/*
 * -EBUSY unless no one has volume @v open, here or (a writer) elsewhere;
 * on success the caller holds the volume's lock @lockname and unlocks it.
 */
static int vol_unused(struct cvol_pool *pool, const struct cvol_vol_rec *v,
		      char lockname[40])
{
	struct cvol_vol *o;

	pthread_mutex_lock(&pool->mu);
	for (o = pool->open; o && o->vol_id != v->id; o = o->next)
		;
	pthread_mutex_unlock(&pool->mu);
	if (o)
		return cvol_seterr(-EBUSY, "volume '%s' is open%s%s", v->name,
				   o->snap[0] ? " as a snapshot" : "",
				   o->rw ? " for writing" : "");
	return cvol_vol_lock(pool, v->id, v->name, lockname, 40);
}

int cvol_vol_rename(struct cvol_pool *pool, const char *from, const char *to)
{
	struct cvol_vol_rec *v;
	struct cvol_dir dir;
	char lockname[40];
	int ret, tries;

	ret = cvol_check_name("volume", from) ?: cvol_check_name("volume", to);
	if (ret)
		return ret;
	pthread_mutex_lock(&pool->dir_mu);
	for (tries = 0; tries < DIR_RETRIES; tries++) {
		ret = cvol_dir_load(pool, &dir);
		if (ret)
			break;
		v = cvol_dir_vol(&dir, from);
		if (!v)
			ret = no_vol(from);
		else if (cvol_dir_vol(&dir, to))
			ret = cvol_seterr(-EEXIST, "volume '%s' exists", to);
		else
			ret = vol_unused(pool, v, lockname);
		if (!ret) {
			snprintf(v->name, sizeof(v->name), "%s", to);
			ret = cvol_dir_store(pool, &dir);
			cvol_vol_unlock(pool, lockname);
		}
		cvol_dir_free(&dir);
		if (ret != -ECANCELED)
			break;
	}
	pthread_mutex_unlock(&pool->dir_mu);
	return ret;
}

int cvol_vol_list(struct cvol_pool *pool, cvol_name_cb cb, void *arg)
{
	struct cvol_dir dir;
	uint32_t i;
	int ret;

	ret = cvol_dir_load(pool, &dir);
	if (ret)
		return ret;
	for (i = 0; i < dir.nvols && !ret; i++)
		ret = cb(arg, dir.vols[i].name);
	cvol_dir_free(&dir);
	return ret;
}

static int count_owned(void *arg, uint64_t idx, uint64_t val)
{
	uint64_t *n = arg;

	if (val != CVOL_E_ZERO)
		(*n)++;
	return 0;
}

static int fill_info(struct cvol_pool *pool, struct cvol_dir *dir,
		     struct cvol_vol_rec *v, struct cvol_layer_rec *l,
		     struct cvol_vol_info *info)
{
	struct cvol_layer_rec *p;
	struct cvol_vol_rec *pv;
	struct cvol_lmap *lm;
	uint32_t i;
	int ret = 0;

	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", v->name);
	if (l->kind == CVOL_LAYER_SNAP)
		snprintf(info->snap, sizeof(info->snap), "%s", l->name);
	info->size = l->size;
	info->order = l->order;
	info->created = l->kind == CVOL_LAYER_HEAD ? v->created : l->created;
	info->vol_id = v->id;
	info->layer_id = l->id;
	/* a clone's parent is the first layer up owned by another volume */
	for (p = cvol_dir_layer(dir, l->parent); p;
	     p = cvol_dir_layer(dir, p->parent)) {
		if (p->vol_id != v->id) {
			pv = cvol_dir_vol_id(dir, p->vol_id);
			snprintf(info->parent_vol, sizeof(info->parent_vol),
				 "%s", pv ? pv->name : "");
			snprintf(info->parent_snap, sizeof(info->parent_snap),
				 "%s", p->name);
			break;
		}
	}
	for (i = 0; i < dir->nlayers; i++) {
		p = &dir->layers[i];
		if (p->vol_id == v->id && p->kind == CVOL_LAYER_SNAP)
			info->nsnaps++;
		if (p->parent == l->id && p->vol_id != v->id)
			info->nclones++;
	}
	info->protected_ = info->nclones > 0;
	lm = cvol_lmap_get(pool, l->id);
	if (!lm)
		return -ENOMEM;
	ret = cvol_lmap_walk(pool, lm, count_owned, &info->used_objects);
	cvol_lmap_put(pool, lm);
	return ret;
}

int cvol_vol_info(struct cvol_pool *pool, const char *name, const char *snap,
		  struct cvol_vol_info *info)
{
	struct cvol_layer_rec *l;
	struct cvol_vol_rec *v;
	struct cvol_dir dir;
	int ret;

	ret = cvol_check_name("volume", name);
	if (!ret && snap && *snap)
		ret = cvol_check_name("snapshot", snap);
	if (ret)
		return ret;
	ret = cvol_dir_load(pool, &dir);
	if (ret)
		return ret;
	v = cvol_dir_vol(&dir, name);
	if (!v) {
		ret = no_vol(name);
		goto out_free;
	}
	if (snap && *snap)
		l = cvol_dir_snap(&dir, v->id, snap);
	else
		l = cvol_dir_layer(&dir, v->head);
	if (!l) {
		ret = snap && *snap ?
			cvol_seterr(-ENOENT, "no snapshot '%s@%s'", name, snap) :
			cvol_seterr(-EILSEQ,
				    "volume '%s': head layer %" PRIu64
				    " missing from the pool directory",
				    name, v->head);
		goto out_free;
	}
	ret = fill_info(pool, &dir, v, l, info);
out_free:
	cvol_dir_free(&dir);
	return ret;
}

int cvol_vol_get_head(struct cvol_pool *pool, const char *name,
		      struct cvol_vol **out, bool *temp)
{
	struct cvol_vol_rec *v;
	struct cvol_vol *o;
	struct cvol_dir dir;
	uint64_t vol_id;
	int ret;

	*temp = false;
	ret = cvol_dir_load(pool, &dir);
	if (ret)
		return ret;
	v = cvol_dir_vol(&dir, name);
	if (!v) {
		cvol_dir_free(&dir);
		return no_vol(name);
	}
	vol_id = v->id;
	cvol_dir_free(&dir);
	pthread_mutex_lock(&pool->mu);
	for (o = pool->open; o; o = o->next)
		if (o->vol_id == vol_id && o->rw)
			break;
	if (o)
		o->users++;
	pthread_mutex_unlock(&pool->mu);
	*out = o;
	if (o)
		return 0;
	ret = cvol_vol_open(pool, name, NULL, 0, out);
	if (!ret)
		*temp = true;
	return ret;
}

void cvol_vol_put_head(struct cvol_vol *vol, bool temp)
{
	struct cvol_pool *pool = vol->pool;

	if (temp) {
		cvol_vol_close(vol);
		return;
	}
	pthread_mutex_lock(&pool->mu);
	if (!--vol->users)
		pthread_cond_broadcast(&pool->users_cv);
	pthread_mutex_unlock(&pool->mu);
}

int cvol_vol_resize(struct cvol_pool *pool, const char *name, uint64_t size,
		    bool allow_shrink)
{
	struct cvol_vol *vol = NULL;
	struct cvol_layer_rec *l;
	struct cvol_vol_rec *v;
	struct cvol_dir dir;
	bool temp = false;
	uint64_t osize;
	int ret;

	ret = cvol_check_name("volume", name);
	if (ret)
		return ret;
	if (!size || size % 512 || size > (1ull << 60))
		return cvol_seterr(-EINVAL,
				   "volume size %" PRIu64
				   " must be a non-zero multiple of 512 up to 1 EiB",
				   size);
	ret = cvol_vol_get_head(pool, name, &vol, &temp);
	if (ret)
		return ret;
	/* dir_mu throughout: no other directory change resets vol->size */
	pthread_mutex_lock(&pool->dir_mu);
	pthread_rwlock_wrlock(&vol->quiesce);
	osize = vol->size;
	if (size < osize && !allow_shrink) {
		ret = cvol_seterr(
			-EINVAL,
			"shrinking '%s' from %" PRIu64 " to %" PRIu64
			" bytes loses data; allow shrinking explicitly",
			name, osize, size);
		goto out_unquiesce;
	}
	if (size < osize) {
		/*
		 * I/O stops at the new end first, then the cut-off tail is
		 * discarded (it must read as zeros if the volume grows
		 * again): nothing can write into it after its discard.
		 */
		vol->size = size;
		pthread_rwlock_unlock(&vol->quiesce);
		pthread_rwlock_rdlock(&vol->quiesce);
		ret = cvol_vol_discard_locked(vol, size, osize - size);
		pthread_rwlock_unlock(&vol->quiesce);
		pthread_rwlock_wrlock(&vol->quiesce);
	}
	if (!ret)
		ret = cvol_vol_flush_locked(vol);
	for (int tries = 0; tries < DIR_RETRIES && !ret; tries++) {
		ret = cvol_dir_load(pool, &dir);
		if (ret)
			break;
		v = cvol_dir_vol_id(&dir, vol->vol_id);
		l = v ? cvol_dir_layer(&dir, v->head) : NULL;
		if (!l) {
			ret = no_vol(name);
		} else {
			l->size = size;
			ret = cvol_dir_switch(pool, &dir, vol);
		}
		cvol_dir_free(&dir);
		if (ret != -ECANCELED)
			break;
	}
	if (ret)
		vol->size = osize; /* what the directory still says */
out_unquiesce:
	pthread_rwlock_unlock(&vol->quiesce);
	pthread_mutex_unlock(&pool->dir_mu);
	cvol_vol_put_head(vol, temp);
	return ret;
}

int cvol_vol_meta_set(struct cvol_pool *pool, const char *name,
		      const char *key, const char *value)
{
	struct cvol_vol_rec *v;
	struct cvol_dir dir;
	uint32_t i;
	int ret, tries;

	ret = cvol_check_name("volume", name) ?: cvol_check_name("key", key);
	if (ret)
		return ret;
	if (strlen(key) > CVOL_KV_KEY_MAX ||
	    (value && strlen(value) > CVOL_KV_VAL_MAX))
		return cvol_seterr(-EINVAL,
				   "metadata key is at most %d bytes, value at most %d",
				   CVOL_KV_KEY_MAX, CVOL_KV_VAL_MAX);
	pthread_mutex_lock(&pool->dir_mu);
	for (tries = 0; tries < DIR_RETRIES; tries++) {
		ret = cvol_dir_load(pool, &dir);
		if (ret)
			break;
		v = cvol_dir_vol(&dir, name);
		if (!v) {
			ret = no_vol(name);
			goto out_free;
		}
		for (i = 0; i < v->nkv; i++)
			if (!strcmp(v->kv[i].key, key))
				break;
		if (!value) {
			if (i == v->nkv) {
				ret = cvol_seterr(-ENOENT,
						  "volume '%s' has no metadata key '%s'",
						  name, key);
				goto out_free;
			}
			v->kv[i] = v->kv[--v->nkv];
		} else {
			if (i == v->nkv) {
				if (v->nkv == CVOL_KV_MAX) {
					ret = cvol_seterr(-ENOSPC,
							  "volume '%s' has %d metadata keys already",
							  name, CVOL_KV_MAX);
					goto out_free;
				}
				v->nkv++;
			}
			snprintf(v->kv[i].key, sizeof(v->kv[i].key), "%s",
				 key);
			snprintf(v->kv[i].val, sizeof(v->kv[i].val), "%s",
				 value);
		}
		ret = cvol_dir_store(pool, &dir);
out_free:
		cvol_dir_free(&dir);
		if (ret != -ECANCELED)
			break;
	}
	pthread_mutex_unlock(&pool->dir_mu);
	return ret;
}

int cvol_vol_meta_get(struct cvol_pool *pool, const char *name,
		      const char *key, char *value, size_t cap)
{
	struct cvol_vol_rec *v;
	struct cvol_dir dir;
	uint32_t i;
	int ret;

	ret = cvol_check_name("volume", name);
	if (ret)
		return ret;
	ret = cvol_dir_load(pool, &dir);
	if (ret)
		return ret;
	v = cvol_dir_vol(&dir, name);
	if (!v) {
		ret = no_vol(name);
		goto out_free;
	}
	ret = cvol_seterr(-ENOENT, "volume '%s' has no metadata key '%s'",
			  name, key);
	for (i = 0; i < v->nkv; i++) {
		if (strcmp(v->kv[i].key, key))
			continue;
		if (strlen(v->kv[i].val) >= cap)
			ret = cvol_seterr(-ERANGE,
					  "metadata value of '%s' is %zu bytes, buffer %zu",
					  key, strlen(v->kv[i].val), cap);
		else
			ret = snprintf(value, cap, "%s", v->kv[i].val) * 0;
		break;
	}
out_free:
	cvol_dir_free(&dir);
	return ret;
}

static void chain_put(struct cvol_pool *pool, struct cvol_lmap **chain,
		      unsigned int depth)
{
	unsigned int i;

	for (i = 0; i < depth; i++)
		cvol_lmap_put(pool, chain[i]);
	free(chain);
}

/* build the chain of layer @top; fill size/order from it */
static int chain_build(struct cvol_pool *pool, struct cvol_dir *dir,
		       uint64_t top, struct cvol_lmap ***out,
		       unsigned int *depth, uint64_t *size,
		       unsigned int *order)
{
	struct cvol_layer_rec *l = cvol_dir_layer(dir, top);
	struct cvol_lmap **chain = NULL, **n;
	unsigned int d = 0;

	if (!l)
		return cvol_seterr(-EILSEQ,
				   "layer %" PRIu64
				   " missing from the pool directory",
				   top);
	*size = l->size;
	*order = l->order;
	for (; l; l = cvol_dir_layer(dir, l->parent)) {
		if (d > dir->nlayers) {
			chain_put(pool, chain, d);
			return cvol_seterr(-EILSEQ,
					   "layer %" PRIu64 ": parent loop",
					   top);
		}
		n = realloc(chain, (d + 1) * sizeof(*n));
		if (!n)
			goto out_nomem;
		chain = n;
		chain[d] = cvol_lmap_get(pool, l->id);
		if (!chain[d])
			goto out_nomem;
		d++;
		if (l->parent && !cvol_dir_layer(dir, l->parent)) {
			chain_put(pool, chain, d);
			return cvol_seterr(-EILSEQ,
					   "layer %" PRIu64 ": parent %" PRIu64
					   " missing from the pool directory",
					   l->id, l->parent);
		}
	}
	*out = chain;
	*depth = d;
	return 0;

out_nomem:
	chain_put(pool, chain, d);
	return cvol_seterr(-ENOMEM, "out of memory");
}

/* the layer @vol shows in @dir, or NULL */
static struct cvol_layer_rec *vol_layer(struct cvol_vol *vol,
					struct cvol_dir *dir)
{
	struct cvol_vol_rec *v = cvol_dir_vol_id(dir, vol->vol_id);

	if (!v)
		return NULL;
	if (vol->snap[0])
		return cvol_dir_snap(dir, v->id, vol->snap);
	return cvol_dir_layer(dir, v->head);
}

/* an open volume's chain as a directory about to be stored gives it */
struct vol_switch {
	struct cvol_vol *vol;
	struct cvol_lmap **chain;
	unsigned int depth, order;
	uint64_t size;
};

static bool chain_same(const struct cvol_vol *v, const struct vol_switch *s)
{
	unsigned int i;

	if (v->depth != s->depth || v->size != s->size || v->order != s->order)
		return false;
	for (i = 0; i < s->depth; i++)
		if (v->chain[i]->id != s->chain[i]->id)
			return false;
	return true;
}

int cvol_dir_switch(struct cvol_pool *pool, struct cvol_dir *dir,
		    struct cvol_vol *held)
{
	struct vol_switch *sw, *s, t;
	struct cvol_layer_rec *l;
	struct cvol_vol *v;
	size_t n = 0, nopen = 0, i;
	bool tried;
	int ret = 0;

	/* dir_mu (held by the caller) keeps the open list and chains stable */
	for (v = pool->open; v; v = v->next)
		nopen++;
	sw = calloc(nopen ? nopen : 1, sizeof(*sw));
	if (!sw)
		return cvol_seterr(-ENOMEM, "out of memory");
	for (v = pool->open; v; v = v->next) {
		l = vol_layer(v, dir);
		if (!l)
			continue; /* gone: keep serving what is cached */
		s = &sw[n];
		ret = chain_build(pool, dir, l->id, &s->chain, &s->depth,
				  &s->size, &s->order);
		if (ret)
			goto out_put;
		s->vol = v;
		if (chain_same(v, s))
			chain_put(pool, s->chain, s->depth);
		else
			n++;
	}
	ret = dir_store(pool, dir, &tried);
	if (ret) {
		/* only -ECANCELED says for sure that nothing changed */
		for (i = 0; tried && ret != -ECANCELED && i < n; i++)
			cvol_vol_fail(
				sw[i].vol,
				"a pool directory update failed and may have been made all the same, changing its layers: %s",
				cvol_errmsg());
		goto out_put;
	}
	for (i = 0; i < n; i++) {
		s = &sw[i];
		v = s->vol;
		if (v != held)
			pthread_rwlock_wrlock(&v->quiesce);
		t = *s;
		s->chain = v->chain;
		s->depth = v->depth;
		v->chain = t.chain;
		v->depth = t.depth;
		v->size = t.size;
		v->order = t.order;
		if (v != held)
			pthread_rwlock_unlock(&v->quiesce);
	}
out_put:
	/* the chains left over: unused new ones, or the old ones */
	for (i = 0; i < n; i++)
		chain_put(pool, sw[i].chain, sw[i].depth);
	free(sw);
	return ret;
}

int cvol_vol_open(struct cvol_pool *pool, const char *name, const char *snap,
		  unsigned int flags, struct cvol_vol **out)
{
	struct cvol_layer_rec *l;
	struct cvol_vol_rec *v;
	struct cvol_vol *vol;
	struct cvol_dir dir;
	int i, ret;

	ret = cvol_check_name("volume", name);
	if (!ret && snap && *snap)
		ret = cvol_check_name("snapshot", snap);
	if (ret)
		return ret;
	vol = calloc(1, sizeof(*vol));
	if (!vol)
		return cvol_seterr(-ENOMEM, "out of memory");
	vol->pool = pool;
	pthread_rwlock_init(&vol->quiesce, NULL);
	pthread_mutex_init(&vol->flush_mu, NULL);
	pthread_mutex_init(&vol->pend_mu, NULL);
	for (i = 0; i < CVOL_STRIPES; i++)
		pthread_mutex_init(&vol->stripe[i], NULL);
	snprintf(vol->name, sizeof(vol->name), "%s", name);
	if (snap && *snap)
		snprintf(vol->snap, sizeof(vol->snap), "%s", snap);
	vol->rw = !vol->snap[0] && !(flags & CVOL_OPEN_RDONLY);

	pthread_mutex_lock(&pool->dir_mu);
	ret = cvol_dir_load(pool, &dir);
	if (ret)
		goto out_unlock;
	v = cvol_dir_vol(&dir, name);
	if (!v) {
		ret = no_vol(name);
		goto out_free_dir;
	}
	vol->vol_id = v->id;
	l = vol_layer(vol, &dir);
	if (!l) {
		ret = vol->snap[0] ?
			cvol_seterr(-ENOENT, "no snapshot '%s@%s'", name,
				    snap) :
			cvol_seterr(-EILSEQ, "volume '%s' has no head layer",
				    name);
		goto out_free_dir;
	}
	if (vol->rw) {
		ret = cvol_ro_compat_check(dir.ro_compat, "pool directory");
		if (ret)
			goto out_free_dir;
		/* the one place that takes a dead holder's volume over */
		ret = vol_lock(pool, vol->vol_id, name, vol->lockname,
			       sizeof(vol->lockname), CVOL_LOCK_TAKEOVER);
		if (ret)
			goto out_free_dir;
	}
	ret = chain_build(pool, &dir, l->id, &vol->chain, &vol->depth,
			  &vol->size, &vol->order);
	if (ret)
		goto out_unlock_vol;
	pthread_mutex_lock(&pool->mu);
	vol->next = pool->open;
	pool->open = vol;
	pthread_mutex_unlock(&pool->mu);
	cvol_dir_free(&dir);
	pthread_mutex_unlock(&pool->dir_mu);
	*out = vol;
	return 0;

out_unlock_vol:
	if (vol->rw)
		cvol_vol_unlock(pool, vol->lockname);
out_free_dir:
	cvol_dir_free(&dir);
out_unlock:
	pthread_mutex_unlock(&pool->dir_mu);
	free(vol);
	return ret;
}

int cvol_vol_close(struct cvol_vol *vol)
{
	struct cvol_pool *pool;
	struct cvol_vol **pp;
	bool waited;
	int ret = 0, i;

	if (!vol)
		return 0;
	pool = vol->pool;
	if (vol->rw)
		ret = cvol_vol_flush(vol);
	pthread_mutex_lock(&pool->dir_mu);
	pthread_mutex_lock(&pool->mu);
	for (pp = &pool->open; *pp; pp = &(*pp)->next) {
		if (*pp == vol) {
			*pp = vol->next;
			break;
		}
	}
	pthread_mutex_unlock(&pool->mu);
	pthread_mutex_unlock(&pool->dir_mu);
	/* no one finds it now; wait for those who did (they take dir_mu) */
	pthread_mutex_lock(&pool->mu);
	waited = vol->users > 0;
	while (vol->users)
		pthread_cond_wait(&pool->users_cv, &pool->mu);
	pthread_mutex_unlock(&pool->mu);
	if (waited && vol->rw) {
		i = cvol_vol_flush(vol);
		if (!ret)
			ret = i;
	}
	if (vol->rw)
		cvol_vol_unlock(pool, vol->lockname);
	chain_put(pool, vol->chain, vol->depth);
	free(vol->pend);
	pthread_rwlock_destroy(&vol->quiesce);
	pthread_mutex_destroy(&vol->flush_mu);
	pthread_mutex_destroy(&vol->pend_mu);
	for (i = 0; i < CVOL_STRIPES; i++)
		pthread_mutex_destroy(&vol->stripe[i]);
	free(vol);
	return ret;
}

void cvol_vol_ids(struct cvol_vol *vol, uint64_t *vol_id, uint64_t *layer_id)
{
	pthread_rwlock_rdlock(&vol->quiesce);
	*vol_id = vol->vol_id;
	*layer_id = vol->chain[0]->id;
	pthread_rwlock_unlock(&vol->quiesce);
}

int cvol_vol_get_info(struct cvol_vol *vol, struct cvol_vol_info *info)
{
	struct cvol_layer_rec *l;
	struct cvol_vol_rec *v;
	struct cvol_dir dir;
	int ret;

	ret = cvol_dir_load(vol->pool, &dir);
	if (ret)
		return ret;
	v = cvol_dir_vol_id(&dir, vol->vol_id);
	l = vol_layer(vol, &dir);
	if (!v || !l)
		ret = cvol_seterr(-ENOENT, "volume '%s' was removed",
				  vol->name);
	else
		ret = fill_info(vol->pool, &dir, v, l, info);
	cvol_dir_free(&dir);
	return ret;
}
