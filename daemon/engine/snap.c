// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Snapshots and clones: create, list, remove in any order, rollback,
 * clone, flatten, and the collection of hidden layers.
 *
 * Snapshot create freezes the head layer under the snapshot's name and
 * puts a new empty head on top of it: one directory update, O(1).
 * Clone makes a new volume whose empty head has the snapshot as parent.
 *
 * Removing a snapshot layer L (kept in the chain of other layers):
 *  - clones hang off it: refused (-EBUSY, the clones named);
 *  - one child C: merge L into C (C takes L's entries where it has none),
 *    then C's parent becomes L's parent and L goes;
 *  - no child (after a rollback): L goes with its objects;
 *  - several children (a rollback head and a newer snapshot): L becomes
 *    HIDDEN, kept by reference until a child goes (cvol_gc_hidden()).
 *
 * Merge intent: a removal that merges first makes L HIDDEN in the
 * directory (durable before any map changes), so from then on no one can
 * read, clone or roll back to L on its own: its objects are read only
 * through C.  A hidden layer with at most one child is a recorded intent
 * that cvol_gc_hidden() rolls forward: at pool open, before each snapshot
 * removal (a retry), after removals, rollbacks and flattens, and in
 * check --repair.  The merge itself is idempotent: C's chunks are written
 * first (filling only entries C lacks, with exactly what resolving through
 * L gave, so a crash leaves reads unchanged; entries C already took are
 * left alone), then the directory drops L (the intent is cleared), then
 * L's leftovers are removed (a crash leaves them unreferenced, for check).
 * While the intent is pending, C and L may name the same objects; C may
 * write them in place, since L is visible only through C.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/engine-int.h"

#define DIR_RETRIES 100

static int find_vol(struct cvol_dir *dir, const char *name,
		    struct cvol_vol_rec **v)
{
	*v = cvol_dir_vol(dir, name);
	if (!*v)
		return cvol_seterr(-ENOENT, "no volume '%s'", name);
	return 0;
}

/* load the pool directory into @dir and find volume @name in it */
static int load_vol(struct cvol_pool *pool, struct cvol_dir *dir,
		    const char *name, struct cvol_vol_rec **v)
{
	int ret = cvol_dir_load(pool, dir);

	return ret ? ret : find_vol(dir, name, v);
}

/*
 * Run @fn on the open head of @vol_id quiesced and flushed, or with the
 * volume's store lock when it is not open here.  *@held gets the open
 * volume (or NULL).
 */
static int head_begin(struct cvol_pool *pool, uint64_t vol_id,
		      const char *name, struct cvol_vol **held,
		      char *lockname, size_t cap)
{
	struct cvol_vol *v = cvol_pool_open_head(pool, vol_id);
	int ret;

	*held = v;
	lockname[0] = '\0';
	if (v) {
		pthread_rwlock_wrlock(&v->quiesce);
		ret = cvol_vol_flush_locked(v);
		if (ret)
			pthread_rwlock_unlock(&v->quiesce);
		return ret;
	}
	return cvol_vol_lock(pool, vol_id, name, lockname, cap);
}

static void head_end(struct cvol_pool *pool, struct cvol_vol *held,
		     const char *lockname)
{
	if (held)
		pthread_rwlock_unlock(&held->quiesce);
	else if (lockname[0])
		cvol_vol_unlock(pool, lockname);
}

int cvol_snap_create(struct cvol_pool *pool, const char *vol,
		     const char *snap)
{
	struct cvol_layer_rec *h, *n;
	struct cvol_vol_rec *v;
	struct cvol_vol *held;
	struct cvol_dir dir;
	char lockname[40];
	uint64_t vol_id;
	int ret, tries;

	ret = cvol_check_name("volume", vol) ?:
	      cvol_check_name("snapshot", snap);
	if (ret)
		return ret;
	pthread_mutex_lock(&pool->dir_mu);
	ret = load_vol(pool, &dir, vol, &v);
	if (ret) {
		cvol_dir_free(&dir);
		goto out_unlock;
	}
	vol_id = v->id;
	cvol_dir_free(&dir);
	ret = head_begin(pool, vol_id, vol, &held, lockname,
			 sizeof(lockname));
	if (ret)
		goto out_unlock;
	for (tries = 0; tries < DIR_RETRIES; tries++) {
		ret = cvol_dir_load(pool, &dir);
		if (ret)
			break;
		v = cvol_dir_vol_id(&dir, vol_id);
		if (!v) {
			ret = cvol_seterr(-ENOENT, "no volume '%s'", vol);
			goto out_free;
		}
		if (cvol_dir_snap(&dir, vol_id, snap)) {
			ret = cvol_seterr(-EEXIST, "snapshot '%s@%s' exists",
					  vol, snap);
			goto out_free;
		}
		n = cvol_dir_add_layer(&dir);
		if (!n) {
			ret = -ENOMEM;
			goto out_free;
		}
		v = cvol_dir_vol_id(&dir, vol_id);
		h = cvol_dir_layer(&dir, v->head);
		if (!h) {
			ret = cvol_seterr(-EILSEQ, "volume '%s' has no head",
					  vol);
			goto out_free;
		}
		/* the head freezes as the snapshot; a new head on top */
		n->parent = h->id;
		n->vol_id = vol_id;
		n->size = h->size;
		n->order = h->order;
		n->kind = CVOL_LAYER_HEAD;
		h->kind = CVOL_LAYER_SNAP;
		snprintf(h->name, sizeof(h->name), "%s", snap);
		v->head = n->id;
		/* the head writes into the new layer from now on */
		ret = cvol_dir_switch(pool, &dir, held);
out_free:
		cvol_dir_free(&dir);
		if (ret != -ECANCELED)
			break;
	}
	head_end(pool, held, lockname);
out_unlock:
	pthread_mutex_unlock(&pool->dir_mu);
	return ret;
}

/* snapshots of a volume, oldest first (layer ids grow with time) */
int cvol_snap_list(struct cvol_pool *pool, const char *vol, cvol_name_cb cb,
		   void *arg)
{
	struct cvol_layer_rec *best;
	struct cvol_vol_rec *v;
	struct cvol_dir dir;
	uint64_t last = 0;
	uint32_t i;
	int ret;

	ret = cvol_check_name("volume", vol);
	if (ret)
		return ret;
	ret = load_vol(pool, &dir, vol, &v);
	while (!ret) {
		best = NULL;
		for (i = 0; i < dir.nlayers; i++) {
			struct cvol_layer_rec *l = &dir.layers[i];

			if (l->vol_id == v->id && l->kind == CVOL_LAYER_SNAP &&
			    l->id > last && (!best || l->id < best->id))
				best = l;
		}
		if (!best)
			break;
		last = best->id;
		ret = cb(arg, best->name);
	}
	cvol_dir_free(&dir);
	return ret;
}

struct merge_ctx {
	struct cvol_pool *pool;
	struct cvol_lmap *child;
	uint64_t *garbage; /* pairs owner, idx */
	size_t ngarbage, cap;
};

static int merge_entry(void *arg, uint64_t idx, uint64_t val)
{
	struct merge_ctx *m = arg;
	uint64_t e;
	int ret;

	ret = cvol_lmap_lookup(m->pool, m->child, idx, &e);
	if (ret)
		return ret;
	if (e == CVOL_E_ABSENT)
		return cvol_lmap_set(m->pool, m->child, idx, val);
	/*
	 * The child names this very object: an earlier merge that failed
	 * before the directory dropped the parent already moved it.  It is
	 * the child's now, never garbage (a retried merge must not delete
	 * what the first attempt handed over).
	 */
	if (e == val || val == CVOL_E_ZERO)
		return 0;
	/* shadowed by the child: garbage once the merge commits */
	if (m->ngarbage + 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		uint64_t *n = realloc(m->garbage, cap * sizeof(*n));

		if (!n)
			return cvol_seterr(-ENOMEM, "out of memory");
		m->garbage = n;
		m->cap = cap;
	}
	m->garbage[m->ngarbage++] = val;
	m->garbage[m->ngarbage++] = idx;
	return 0;
}

/* the only child of layer @id in @dir, or NULL (none, or several) */
static struct cvol_layer_rec *only_child(struct cvol_dir *dir, uint64_t id)
{
	struct cvol_layer_rec *c = NULL;
	uint32_t i;

	for (i = 0; i < dir->nlayers; i++) {
		if (dir->layers[i].parent != id)
			continue;
		if (c)
			return NULL;
		c = &dir->layers[i];
	}
	return c;
}

/* hold the head that child @c (may be NULL) is, if any (see head_begin()) */
static int child_begin(struct cvol_pool *pool, struct cvol_dir *dir,
		       const struct cvol_layer_rec *c, struct cvol_vol **held,
		       char *lockname, size_t cap)
{
	struct cvol_vol_rec *cv = c ? cvol_dir_vol_id(dir, c->vol_id) : NULL;

	*held = NULL;
	lockname[0] = '\0';
	if (!c || c->kind != CVOL_LAYER_HEAD || !cv)
		return 0;
	return head_begin(pool, c->vol_id, cv->name, held, lockname, cap);
}

/*
 * Merge hidden layer @id into its only child and drop it, the child's head
 * held (@held, see child_begin()); caller has dir_mu.  Safe to run again
 * after a failure or a crash at any point.
 */
static int merge_held(struct cvol_pool *pool, struct cvol_dir *dir, uint64_t id,
		      struct cvol_vol *held)
{
	struct merge_ctx m = { .pool = pool };
	struct cvol_layer_rec *l = cvol_dir_layer(dir, id);
	struct cvol_layer_rec *c = only_child(dir, id);
	struct cvol_lmap *lm;
	char oid[CVOL_OID_MAX + 1];
	size_t k;
	int ret;

	if (!l || !c)
		return cvol_seterr(-EINVAL,
				   "layer %" PRIu64
				   " has no child to merge into",
				   id);
	m.child = cvol_lmap_get(pool, c->id);
	lm = cvol_lmap_get(pool, id);
	if (!m.child || !lm) {
		ret = cvol_seterr(-ENOMEM, "out of memory");
		goto out_put;
	}
	ret = cvol_lmap_walk(pool, lm, merge_entry, &m);
	if (!ret)
		ret = cvol_lmap_commit(pool, m.child);
	if (ret)
		goto out_put;
	c->parent = l->parent;
	cvol_dir_del_layer(dir, id);
	ret = cvol_dir_switch(pool, dir, held);
	if (ret)
		goto out_put;
	for (k = 0; k < m.ngarbage; k += 2) {
		cvol_data_oid(oid, sizeof(oid), m.garbage[k],
			      m.garbage[k + 1]);
		pool->st->ops->remove(pool->st->priv, oid);
	}
out_put:
	cvol_lmap_put(pool, lm);
	cvol_lmap_put(pool, m.child);
	free(m.garbage);
	if (!ret)
		cvol_layer_drop_chunks(pool, id);
	return ret;
}

/* merge layer @id into its only child and drop it; caller has dir_mu */
int cvol_layer_merge(struct cvol_pool *pool, struct cvol_dir *dir, uint64_t id)
{
	struct cvol_vol *held;
	char lockname[40];
	int ret;

	ret = child_begin(pool, dir, only_child(dir, id), &held, lockname,
			  sizeof(lockname));
	if (ret)
		return ret;
	ret = merge_held(pool, dir, id, held);
	head_end(pool, held, lockname);
	return ret;
}

uint32_t cvol_dir_pending(const struct cvol_dir *dir)
{
	uint32_t i, j, nchild, n = 0;

	for (i = 0; i < dir->nlayers; i++) {
		if (dir->layers[i].kind != CVOL_LAYER_HIDDEN)
			continue;
		nchild = 0;
		for (j = 0; j < dir->nlayers; j++)
			nchild += dir->layers[j].parent == dir->layers[i].id;
		n += nchild <= 1;
	}
	return n;
}

int cvol_gc_hidden(struct cvol_pool *pool)
{
	struct cvol_dir dir;
	uint32_t i, j, nchild;
	uint64_t id;
	int ret = 0, rounds;

	pthread_mutex_lock(&pool->dir_mu);
	for (rounds = 0; rounds < 1000 && !ret; rounds++) {
		ret = cvol_dir_load(pool, &dir);
		if (ret)
			break;
		id = 0;
		for (i = 0; i < dir.nlayers && !id; i++) {
			if (dir.layers[i].kind != CVOL_LAYER_HIDDEN)
				continue;
			nchild = 0;
			for (j = 0; j < dir.nlayers; j++)
				nchild += dir.layers[j].parent ==
					  dir.layers[i].id;
			if (nchild <= 1)
				id = dir.layers[i].id;
		}
		if (!id) {
			cvol_dir_free(&dir);
			break;
		}
		nchild = 0;
		for (j = 0; j < dir.nlayers; j++)
			nchild += dir.layers[j].parent == id;
		if (nchild) {
			ret = cvol_layer_merge(pool, &dir, id);
		} else {
			cvol_dir_del_layer(&dir, id);
			ret = cvol_dir_store(pool, &dir);
			if (!ret)
				cvol_layer_destroy(pool, id);
		}
		cvol_dir_free(&dir);
		if (ret == -ECANCELED)
			ret = 0;
	}
	pthread_mutex_unlock(&pool->dir_mu);
	return ret;
}

/* "a@s -> c1, b@t -> c2": clones of layer @id, for messages */
static int clones_of(struct cvol_dir *dir, uint64_t id, char *buf,
		     size_t cap)
{
	struct cvol_vol_rec *cv;
	struct cvol_layer_rec *l = cvol_dir_layer(dir, id);
	uint32_t i;
	size_t n;
	int count = 0;

	buf[0] = '\0';
	for (i = 0; i < dir->nlayers; i++) {
		if (dir->layers[i].parent != id ||
		    dir->layers[i].vol_id == l->vol_id)
			continue;
		cv = cvol_dir_vol_id(dir, dir->layers[i].vol_id);
		n = strlen(buf);
		snprintf(buf + n, cap - n, "%s%s", n ? ", " : "",
			 cv ? cv->name : "?");
		count++;
	}
	return count;
}

/*
 * Record the removal of snapshot layer @id with children: it becomes
 * HIDDEN (the merge intent, see the top of this file), then, with one
 * child, it is merged.  The child's head is held from before the intent,
 * so a head busy elsewhere refuses the removal with nothing changed.
 */
static int snap_hide(struct cvol_pool *pool, struct cvol_dir *dir, uint64_t id)
{
	struct cvol_layer_rec *l = cvol_dir_layer(dir, id);
	struct cvol_layer_rec *c = only_child(dir, id);
	struct cvol_vol *held;
	char lockname[40];
	int ret;

	ret = child_begin(pool, dir, c, &held, lockname, sizeof(lockname));
	if (ret)
		return ret;
	l->kind = CVOL_LAYER_HIDDEN;
	l->name[0] = '\0';
	ret = cvol_dir_store(pool, dir);
	if (!ret && c)
		ret = merge_held(pool, dir, id, held);
	head_end(pool, held, lockname);
	return ret;
}

int cvol_snap_remove(struct cvol_pool *pool, const char *vol,
		     const char *snap)
{
	struct cvol_layer_rec *l;
	struct cvol_vol_rec *v;
	struct cvol_dir dir;
	char clones[256], pending_msg[256] = "";
	uint32_t i, nchild = 0;
	uint64_t id;
	int ret, pending;

	ret = cvol_check_name("volume", vol) ?:
	      cvol_check_name("snapshot", snap);
	if (ret)
		return ret;
	/* a retry: finish what an earlier removal recorded first */
	pending = cvol_gc_hidden(pool);
	if (pending)
		snprintf(pending_msg, sizeof(pending_msg), "%s", cvol_errmsg());
	pthread_mutex_lock(&pool->dir_mu);
	ret = load_vol(pool, &dir, vol, &v);
	if (ret)
		goto out_free;
	l = cvol_dir_snap(&dir, v->id, snap);
	if (!l && pending) {
		ret = cvol_seterr(
			pending,
			"no snapshot '%s@%s', but finishing an earlier removal failed: %s",
			vol, snap, pending_msg);
		goto out_free;
	}
	if (!l) {
		ret = cvol_seterr(-ENOENT, "no snapshot '%s@%s'", vol, snap);
		goto out_free;
	}
	id = l->id;
	if (clones_of(&dir, id, clones, sizeof(clones))) {
		ret = cvol_seterr(-EBUSY,
				  "snapshot '%s@%s' is protected: it has clones: %s (flatten or remove them first)",
				  vol, snap, clones);
		goto out_free;
	}
	if (cvol_pool_layer_open(pool, id)) {
		ret = cvol_seterr(-EBUSY, "snapshot '%s@%s' is open", vol,
				  snap);
		goto out_free;
	}
	for (i = 0; i < dir.nlayers; i++)
		nchild += dir.layers[i].parent == id;
	if (nchild == 0) {
		cvol_dir_del_layer(&dir, id);
		ret = cvol_dir_switch(pool, &dir, NULL);
		if (!ret)
			cvol_layer_destroy(pool, id);
	} else {
		/* merged into its only child, or kept for its children */
		ret = snap_hide(pool, &dir, id);
	}
	if (ret == -ECANCELED)
		ret = cvol_seterr(-EAGAIN,
				  "pool directory changed while removing '%s@%s'; try again",
				  vol, snap);
out_free:
	cvol_dir_free(&dir);
	pthread_mutex_unlock(&pool->dir_mu);
	if (!ret)
		ret = cvol_gc_hidden(pool);
	return ret;
}

int cvol_snap_rollback(struct cvol_pool *pool, const char *vol,
		       const char *snap)
{
	struct cvol_layer_rec *l, *h, *n;
	struct cvol_vol_rec *v;
	struct cvol_dir dir;
	char lockname[40];
	uint64_t old = 0;
	int ret;

	ret = cvol_check_name("volume", vol) ?:
	      cvol_check_name("snapshot", snap);
	if (ret)
		return ret;
	pthread_mutex_lock(&pool->dir_mu);
	ret = load_vol(pool, &dir, vol, &v);
	if (ret)
		goto out_free;
	if (cvol_pool_open_head(pool, v->id)) {
		ret = cvol_seterr(-EBUSY,
				  "volume '%s' is open: close (detach) it before rolling back",
				  vol);
		goto out_free;
	}
	ret = cvol_vol_lock(pool, v->id, vol, lockname, sizeof(lockname));
	if (ret)
		goto out_free;
	l = cvol_dir_snap(&dir, v->id, snap);
	if (!l) {
		ret = cvol_seterr(-ENOENT, "no snapshot '%s@%s'", vol, snap);
		goto out_unlock_vol;
	}
	n = cvol_dir_add_layer(&dir);
	if (!n) {
		ret = -ENOMEM;
		goto out_unlock_vol;
	}
	v = cvol_dir_vol(&dir, vol);
	l = cvol_dir_snap(&dir, v->id, snap);
	h = cvol_dir_layer(&dir, v->head);
	n->parent = l->id;
	n->vol_id = v->id;
	n->size = l->size;
	n->order = l->order;
	n->kind = CVOL_LAYER_HEAD;
	if (h) {
		old = h->id;
		cvol_dir_del_layer(&dir, old);
	}
	v->head = n->id;
	/* read-only opens of the head leave the old head before it goes */
	ret = cvol_dir_switch(pool, &dir, NULL);
	if (ret == -ECANCELED)
		ret = cvol_seterr(-EAGAIN,
				  "pool directory changed while rolling back '%s'; try again",
				  vol);
	if (!ret && old)
		cvol_layer_destroy(pool, old);
out_unlock_vol:
	cvol_vol_unlock(pool, lockname);
out_free:
	cvol_dir_free(&dir);
	pthread_mutex_unlock(&pool->dir_mu);
	if (!ret)
		ret = cvol_gc_hidden(pool);
	return ret;
}

int cvol_clone(struct cvol_pool *pool, const char *vol, const char *snap,
	       const char *newvol)
{
	struct cvol_layer_rec *l, *n;
	struct cvol_vol_rec *v, *nv;
	struct cvol_dir dir;
	uint64_t sid;
	int ret, tries;

	ret = cvol_check_name("volume", vol) ?:
	      cvol_check_name("snapshot", snap) ?:
	      cvol_check_name("volume", newvol);
	if (ret)
		return ret;
	pthread_mutex_lock(&pool->dir_mu);
	for (tries = 0; tries < DIR_RETRIES; tries++) {
		ret = load_vol(pool, &dir, vol, &v);
		if (ret)
			goto out_free;
		l = cvol_dir_snap(&dir, v->id, snap);
		if (!l) {
			ret = cvol_seterr(-ENOENT, "no snapshot '%s@%s'", vol,
					  snap);
			goto out_free;
		}
		if (cvol_dir_vol(&dir, newvol)) {
			ret = cvol_seterr(-EEXIST, "volume '%s' exists",
					  newvol);
			goto out_free;
		}
		sid = l->id;
		if (!cvol_dir_add_vol(&dir, newvol)) {
			ret = -ENOMEM;
			goto out_free;
		}
		n = cvol_dir_add_layer(&dir);
		if (!n) {
			ret = -ENOMEM;
			goto out_free;
		}
		l = cvol_dir_layer(&dir, sid);
		nv = cvol_dir_vol(&dir, newvol);
		nv->head = n->id;
		n->parent = sid;
		n->vol_id = nv->id;
		n->size = l->size;
		n->order = l->order;
		n->kind = CVOL_LAYER_HEAD;
		ret = cvol_dir_store(pool, &dir);
out_free:
		cvol_dir_free(&dir);
		if (ret != -ECANCELED)
			break;
	}
	pthread_mutex_unlock(&pool->dir_mu);
	return ret;
}

int cvol_flatten(struct cvol_pool *pool, const char *vol,
		 cvol_progress_cb progress, void *arg)
{
	struct cvol_store *st = pool->st;
	struct cvol_layer_rec *h;
	struct cvol_vol *fv;
	struct cvol_dir dir;
	char oid[CVOL_OID_MAX + 1], src[CVOL_OID_MAX + 1];
	uint64_t nobj = 0, idx, e, from, head, maxsize;
	unsigned int bi;
	bool temp = false;
	int ret;

	ret = cvol_check_name("volume", vol);
	if (ret)
		return ret;
	ret = cvol_vol_get_head(pool, vol, &fv, &temp);
	if (ret)
		return ret;
	/*
	 * The volume's bottom layer B (the head, or its oldest snapshot) is
	 * the one linked to the parent volume: copy into B what it still
	 * reads from there, then unlink it.  Reads do not change, so frozen
	 * snapshots of the clone may be filled in place.
	 */
	pthread_mutex_lock(&pool->dir_mu);
	pthread_rwlock_wrlock(&fv->quiesce);
	ret = cvol_dir_load(pool, &dir);
	if (ret)
		goto out_unquiesce;
	bi = 0;
	h = cvol_dir_layer(&dir, fv->chain[0]->id);
	/* every layer from the head down to B may read parent objects up
	 * to its own size: cover the largest */
	maxsize = h ? h->size : fv->size;
	while (h && bi + 1 < fv->depth) {
		struct cvol_layer_rec *p = cvol_dir_layer(&dir, h->parent);

		if (!p || p->vol_id != fv->vol_id)
			break;
		h = p;
		if (h->size > maxsize)
			maxsize = h->size;
		bi++;
	}
	cvol_dir_free(&dir);
	head = fv->chain[bi]->id;
	nobj = (maxsize + (1ull << fv->order) - 1) >> fv->order;
	for (idx = 0; idx < nobj && !ret && bi + 1 < fv->depth; idx++) {
		if (progress && (idx % 64 == 0))
			progress(arg, idx, nobj);
		ret = cvol_lmap_lookup(pool, fv->chain[bi], idx, &e);
		if (ret || e != CVOL_E_ABSENT)
			continue;
		ret = cvol_resolve(fv, bi + 1, idx, &from);
		if (ret || !from)
			continue;
		cvol_data_oid(oid, sizeof(oid), head, idx);
		cvol_data_oid(src, sizeof(src), from, idx);
		ret = st->ops->copy(st->priv, oid, src);
		if (ret == -ENOENT) {
			ret = 0;
			continue;
		}
		if (!ret)
			ret = cvol_lmap_set(pool, fv->chain[bi], idx, head);
	}
	if (!ret)
		ret = cvol_vol_flush_locked(fv);
	if (!ret && bi)
		ret = st->ops->flush(st->priv) ?:
		      cvol_lmap_commit(pool, fv->chain[bi]);
	for (int tries = 0; tries < DIR_RETRIES && !ret; tries++) {
		ret = cvol_dir_load(pool, &dir);
		if (ret)
			break;
		h = cvol_dir_layer(&dir, head);
		if (h) {
			h->parent = 0;
			ret = cvol_dir_switch(pool, &dir, fv);
		}
		cvol_dir_free(&dir);
		if (ret != -ECANCELED)
			break;
	}
	if (!ret && progress)
		progress(arg, nobj, nobj);
out_unquiesce:
	pthread_rwlock_unlock(&fv->quiesce);
	pthread_mutex_unlock(&pool->dir_mu);
	cvol_vol_put_head(fv, temp);
	if (!ret)
		ret = cvol_gc_hidden(pool);
	return ret;
}
