// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Pool consistency check and repair (like fsck).
 *
 * Verifies the directory, every layer's parent link, every map chunk
 * (magic, version, checksum, identity) and every map reference; then
 * compares the objects in the store with what the maps reference:
 *  - dangling: an entry naming a data object that does not exist;
 *  - unreferenced: a data object no map names, or a chunk of a layer
 *    the directory does not know.
 * Repair removes unreferenced objects only, and only those no open head
 * of this process or of another writer may still be about to reference
 * (objects of heads locked by a writer are left alone).  It never
 * removes anything a map points to.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine-int.h"

struct ref_set {
	char **names; /* sorted after collection */
	size_t n, cap;
};

static int ref_add(struct ref_set *r, const char *oid)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		char **n = realloc(r->names, cap * sizeof(*n));

		if (!n)
			return cvol_seterr(-ENOMEM, "out of memory");
		r->names = n;
		r->cap = cap;
	}
	r->names[r->n] = strdup(oid);
	if (!r->names[r->n])
		return cvol_seterr(-ENOMEM, "out of memory");
	r->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ref_has(struct ref_set *r, const char *oid)
{
	return r->n && bsearch(&oid, r->names, r->n, sizeof(char *), cmp_str);
}

static void ref_free(struct ref_set *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->names[i]);
	free(r->names);
}

struct check_ctx {
	struct cvol_pool *pool;
	struct cvol_dir *dir;
	struct cvol_check_report *rep;
	struct ref_set refs; /* data objects the maps name */
	struct ref_set objs; /* every object in the store */
	bool repair;
	uint64_t *busy; /* layers a writer holds: leave their objects */
	size_t nbusy;
};

static int collect_obj(void *arg, const char *oid)
{
	return ref_add(arg, oid);
}

static int collect_ref(void *arg, uint64_t idx, uint64_t val)
{
	struct check_ctx *c = arg;
	char oid[CVOL_OID_MAX + 1];

	if (val == CVOL_E_ZERO)
		return 0;
	cvol_data_oid(oid, sizeof(oid), val, idx);
	return ref_add(&c->refs, oid);
}

static bool layer_busy(struct check_ctx *c, uint64_t id)
{
	size_t i;

	for (i = 0; i < c->nbusy; i++)
		if (c->busy[i] == id)
			return true;
	return false;
}

int cvol_pool_check(struct cvol_pool *pool, bool repair,
		    struct cvol_check_report *rep, cvol_progress_cb progress,
		    void *arg)
{
	struct check_ctx c = { .pool = pool, .rep = rep, .repair = repair };
	struct cvol_store *st = pool->st;
	struct cvol_dir dir;
	struct cvol_vol *v;
	uint32_t i;
	size_t k;
	int ret;

	memset(rep, 0, sizeof(*rep));
	/* what this process has in flight must be in the maps first */
	pthread_mutex_lock(&pool->dir_mu);
	for (v = pool->open; v; v = v->next)
		if (v->rw)
			cvol_vol_flush(v);
	ret = cvol_dir_load(pool, &dir);
	if (ret) {
		if (ret == -EILSEQ)
			rep->bad_checksums++;
		goto out_unlock;
	}
	c.dir = &dir;
	rep->volumes = dir.nvols;
	/* what a newer cvol wrote is not this one's to repair */
	if (repair) {
		ret = cvol_ro_compat_check(dir.ro_compat, "pool directory");
		if (ret)
			goto out_free;
	}
	c.busy = calloc(dir.nlayers + 1, sizeof(*c.busy));
	if (!c.busy) {
		ret = cvol_seterr(-ENOMEM, "out of memory");
		goto out_free;
	}
	for (i = 0; i < dir.nlayers; i++) {
		struct cvol_layer_rec *l = &dir.layers[i];
		struct cvol_lmap *lm;

		if (progress)
			progress(arg, i, dir.nlayers);
		if (l->kind == CVOL_LAYER_SNAP)
			rep->snapshots++;
		if (l->parent && !cvol_dir_layer(&dir, l->parent))
			rep->dangling++;
		if (l->kind == CVOL_LAYER_HEAD) {
			struct cvol_vol *o = cvol_pool_open_head(pool,
								 l->vol_id);
			char lockname[40];
			struct cvol_vol_rec *vr = cvol_dir_vol_id(&dir,
								  l->vol_id);

			if (o || !vr)
				c.busy[c.nbusy++] = l->id;
			else if (cvol_vol_lock(pool, l->vol_id, vr->name,
					       lockname, sizeof(lockname)))
				c.busy[c.nbusy++] = l->id;
			else
				cvol_vol_unlock(pool, lockname);
		}
		/* fresh reads: never trust the cache here */
		cvol_lmap_forget(pool, l->id);
		lm = cvol_lmap_get(pool, l->id);
		if (!lm) {
			ret = -ENOMEM;
			goto out_free;
		}
		ret = cvol_lmap_walk(pool, lm, collect_ref, &c);
		cvol_lmap_put(pool, lm);
		if (ret == -EILSEQ) {
			rep->bad_checksums++;
			ret = 0;
		} else if (ret) {
			goto out_free;
		}
	}
	ret = st->ops->list(st->priv, "", collect_obj, &c.objs);
	if (ret)
		goto out_free;
	if (c.refs.n)
		qsort(c.refs.names, c.refs.n, sizeof(char *), cmp_str);
	if (c.objs.n)
		qsort(c.objs.names, c.objs.n, sizeof(char *), cmp_str);
	for (k = 0; k < c.refs.n; k++)
		if (!ref_has(&c.objs, c.refs.names[k]))
			rep->dangling++;
	for (k = 0; k < c.objs.n; k++) {
		const char *oid = c.objs.names[k];
		uint64_t layer;
		bool garbage;

		if (!strcmp(oid, CVOL_DIR_OID))
			continue;
		if (oid[0] == 'm' && oid[1] == '.') {
			layer = strtoull(oid + 2, NULL, 16);
			garbage = !cvol_dir_layer(&dir, layer);
		} else if (oid[0] == 'd' && oid[1] == '.') {
			rep->objects++;
			layer = strtoull(oid + 2, NULL, 16);
			garbage = !ref_has(&c.refs, oid);
			/* a writer may be about to reference its own */
			if (garbage && layer_busy(&c, layer))
				continue;
		} else {
			continue; /* not ours */
		}
		if (!garbage)
			continue;
		rep->unreferenced++;
		if (repair && st->ops->remove(st->priv, oid) == 0)
			rep->repaired++;
	}
	if (progress)
		progress(arg, dir.nlayers, dir.nlayers);
out_free:
	free(c.busy);
	ref_free(&c.refs);
	ref_free(&c.objs);
	cvol_dir_free(&dir);
out_unlock:
	pthread_mutex_unlock(&pool->dir_mu);
	return ret;
}
