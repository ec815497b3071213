// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Pool consistency check and repair (like fsck).
 *
 * Verifies the directory, every layer's parent link, every map chunk
 * (magic, version, checksum, identity) and every map reference; then
 * compares the objects in the store with what the maps reference:
 *  - dangling: an entry naming a data object that does not exist;
 *  - unreferenced: a data object no map names, or a chunk of a layer
 *    the directory does not know;
 *  - shared: a data object more than one map names (every object has one
 *    owner map), except one that a pending merge's layer and its only
 *    child both name (the merge copies the entries first);
 *  - pending: a snapshot removal recorded (a hidden layer with at most
 *    one child) but not finished; repair rolls it forward first.
 * Repair removes unreferenced objects only, and only those no open head
 * of this process or of another writer may still be about to reference
 * (objects of heads locked by a writer are left alone).  It never
 * removes anything a map points to, nor anything of a layer created after
 * the check read the directory (another process or host may be filling
 * it), and it holds the lock of every head it found unused until it is
 * done, so no writer can start on one meanwhile.  If any map chunk or
 * header cannot be read, the references it held are unknown: repair
 * then removes nothing and fails with -EILSEQ.
 *
 * Every metadata object has two copies (copies.c).  An object read from
 * one copy because the other failed verification is counted (bad_copies,
 * the first one described in copy_note: which copy was bad and why, and
 * which copy was used); repair rewrites the bad copy from the good one,
 * except for chunks of layers a writer holds (its next commit of the
 * chunk replaces the bad copy anyway).  The bad copy may have been the
 * newer one and named objects the good one does not, so a repair that
 * found a bad copy removes no unreferenced object in that run.
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
	struct ref_set busy_refs; /* those of them that busy layers name */
	struct ref_set *also; /* during a busy layer's walk: &busy_refs */
	struct ref_set merging; /* named by a pending merge and its child */
	struct cvol_lmap *child; /* during a pending merge's walk: its child */
	struct ref_set objs; /* every object in the store */
	bool repair;
	uint64_t *busy; /* layers a writer holds: leave their objects */
	size_t nbusy;
	char (*locks)[40]; /* repair: head locks held until the end */
	size_t nlocks;
	uint64_t first_new; /* ids from here on came after the check began */
	struct cvol_copy_log *log; /* bad copies seen (first walk only) */
};

static int collect_obj(void *arg, const char *oid)
{
	return ref_add(arg, oid);
}

static int collect_ref(void *arg, uint64_t idx, uint64_t val)
{
	struct check_ctx *c = arg;
	char oid[CVOL_OID_MAX + 1];

	uint64_t e;

	if (!cvol_entry_oid(oid, sizeof(oid), idx, val))
		return 0;
	/* the child's bad chunk is counted when the child is walked */
	if (c->child && !cvol_lmap_lookup(c->pool, c->child, idx, &e) &&
	    e == val && ref_add(&c->merging, oid))
		return -ENOMEM;
	return ref_add(&c->refs, oid) ?: (c->also ? ref_add(c->also, oid) : 0);
}

static bool layer_busy(struct check_ctx *c, uint64_t id)
{
	size_t i;

	for (i = 0; i < c->nbusy; i++)
		if (c->busy[i] == id)
			return true;
	return false;
}

/* rewrite the bad copy of every chunk of @lm read with one */
static void repair_copies(struct check_ctx *c, struct cvol_lmap *lm)
{
	uint64_t k;

	for (k = 0; k < lm->nchunks; k++)
		if (lm->chunks[k] && lm->chunks[k]->copies.bad &&
		    !cvol_chunk_store(c->pool, lm->id, k, lm->chunks[k]))
			c->rep->copies_repaired++;
	cvol_clearerr();
}

/*
 * The objects more than one map names (sorted @refs hold each name once
 * per map naming it), but for those a pending merge's layer and its child
 * both name, once each.
 */
static uint64_t count_shared(struct check_ctx *c)
{
	struct ref_set *r = &c->refs;
	uint64_t shared = 0;
	size_t k, j;

	if (c->merging.n)
		qsort(c->merging.names, c->merging.n, sizeof(char *), cmp_str);
	for (k = 0; k < r->n; k = j) {
		for (j = k + 1; j < r->n; j++)
			if (strcmp(r->names[j], r->names[k]))
				break;
		if (j - k > 2 ||
		    (j - k == 2 && !ref_has(&c->merging, r->names[k])))
			shared++;
	}
	return shared;
}

/* the only child of pending merge @l, read afresh; NULL if @l is none */
static struct cvol_lmap *merge_child(struct cvol_dir *dir,
				     const struct cvol_layer_rec *l)
{
	struct cvol_layer_rec *child = NULL;
	uint32_t i, n = 0;

	if (l->kind != CVOL_LAYER_HIDDEN)
		return NULL;
	for (i = 0; i < dir->nlayers; i++) {
		if (dir->layers[i].parent == l->id) {
			child = &dir->layers[i];
			n++;
		}
	}
	return n == 1 ? cvol_lmap_fresh(child->id) : NULL;
}

/* walk layer @id's committed map, read afresh, into @c's sets */
static int walk_fresh(struct check_ctx *c, uint64_t id)
{
	struct cvol_lmap *lm = cvol_lmap_fresh(id);
	int ret;

	if (!lm)
		return -ENOMEM;
	lm->log = c->log;
	ret = cvol_lmap_walk(c->pool, lm, collect_ref, c);
	if (!ret && c->log && c->repair && !layer_busy(c, id) &&
	    id < c->first_new)
		repair_copies(c, lm);
	cvol_lmap_put(c->pool, lm);
	return ret;
}

/*
 * Is @oid, named by a map but missing from the listing, really dangling?
 * A busy layer's writer may have dropped its entry and then removed the
 * object between the walk and the listing (an object goes only after the
 * committed map stops naming it), so an object that only busy layers
 * named is dangling only if their maps, read again now, still name it and
 * it is still missing.  @again holds that second walk.
 */
static bool really_dangling(struct check_ctx *c, struct ref_set *again,
			    const char *oid)
{
	struct cvol_store *st = c->pool->st;
	uint64_t size;

	if (!ref_has(&c->busy_refs, oid))
		return true;
	return ref_has(again, oid) &&
	       st->ops->stat(st->priv, oid, &size) == -ENOENT;
}

/* the busy layers' refs, walked again, sorted, in @again */
static int walk_busy_again(struct check_ctx *c, struct ref_set *again)
{
	struct ref_set first = c->refs, busy = c->busy_refs;
	size_t i;
	int ret = 0;

	/* collect into @again only, through the walk's own callback */
	memset(&c->refs, 0, sizeof(c->refs));
	memset(&c->busy_refs, 0, sizeof(c->busy_refs));
	c->also = NULL;
	for (i = 0; i < c->nbusy && !ret; i++)
		ret = walk_fresh(c, c->busy[i]);
	*again = c->refs;
	ref_free(&c->busy_refs);
	c->refs = first;
	c->busy_refs = busy;
	if (ret == -EILSEQ)
		ret = 0; /* counted on the first walk */
	if (!ret && again->n)
		qsort(again->names, again->n, sizeof(char *), cmp_str);
	return ret;
}

int cvol_pool_check(struct cvol_pool *pool, bool repair,
		    struct cvol_check_report *rep, cvol_progress_cb progress,
		    void *arg)
{
	struct check_ctx c = { .pool = pool, .rep = rep, .repair = repair };
	struct cvol_copy_log log = { 0 };
	struct ref_set again = { 0 };
	struct cvol_store *st = pool->st;
	struct cvol_dir dir;
	struct cvol_vol *v;
	uint32_t i;
	size_t k;
	int ret;

	memset(rep, 0, sizeof(*rep));
	/* finish recorded snapshot removals; what is left counts as pending */
	if (repair && cvol_gc_hidden(pool))
		cvol_clearerr();
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
	if (dir.copies.bad) {
		log.bad++;
		snprintf(log.first, sizeof(log.first), "%s", cvol_errmsg());
	}
	c.dir = &dir;
	c.first_new = dir.next_id;
	rep->volumes = dir.nvols;
	rep->pending = cvol_dir_pending(&dir);
	/* what a newer cvol wrote is not this one's to repair */
	if (repair) {
		ret = cvol_ro_compat_check(dir.ro_compat, "pool directory");
		if (ret)
			goto out_free;
		/* the same directory again, into the bad copy */
		if (dir.copies.bad && !cvol_dir_store(pool, &dir))
			rep->copies_repaired++;
		cvol_clearerr();
	}
	c.busy = calloc(dir.nlayers + 1, sizeof(*c.busy));
	c.locks = calloc(dir.nlayers + 1, sizeof(*c.locks));
	if (!c.busy || !c.locks) {
		ret = cvol_seterr(-ENOMEM, "out of memory");
		goto out_free;
	}
	for (i = 0; i < dir.nlayers; i++) {
		struct cvol_layer_rec *l = &dir.layers[i];

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
			else if (repair)
				memcpy(c.locks[c.nlocks++], lockname,
				       sizeof(lockname));
			else
				cvol_vol_unlock(pool, lockname);
		}
		/*
		 * Fresh reads into a private map: never trust the cache
		 * here, and never touch it either (an open volume's writer
		 * and flush own its chunks).
		 */
		c.also = layer_busy(&c, l->id) ? &c.busy_refs : NULL;
		c.log = &log;
		c.child = merge_child(&dir, l);
		ret = walk_fresh(&c, l->id);
		cvol_lmap_put(pool, c.child);
		c.child = NULL;
		c.log = NULL;
		c.also = NULL;
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
	if (c.busy_refs.n)
		qsort(c.busy_refs.names, c.busy_refs.n, sizeof(char *),
		      cmp_str);
	if (c.objs.n)
		qsort(c.objs.names, c.objs.n, sizeof(char *), cmp_str);
	rep->shared = count_shared(&c);
	for (k = 0; k < c.refs.n; k++) {
		if (ref_has(&c.objs, c.refs.names[k]))
			continue;
		if (!again.names && c.nbusy) {
			ret = walk_busy_again(&c, &again);
			if (ret)
				goto out_free;
		}
		if (really_dangling(&c, &again, c.refs.names[k]))
			rep->dangling++;
	}
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
		/* a layer younger than our directory copy is not ours */
		if (!garbage || layer >= c.first_new)
			continue;
		rep->unreferenced++;
		if (repair && !rep->bad_checksums && !log.bad &&
		    st->ops->remove(st->priv, oid) == 0)
			rep->repaired++;
	}
	if (repair && rep->bad_checksums)
		ret = cvol_seterr(-EILSEQ,
				  "repair refused: %" PRIu64
				  " map chunks or headers failed verification, so what they reference is unknown; nothing was removed",
				  rep->bad_checksums);
	if (progress)
		progress(arg, dir.nlayers, dir.nlayers);
out_free:
	rep->bad_copies = log.bad;
	snprintf(rep->copy_note, sizeof(rep->copy_note), "%s", log.first);
	for (k = 0; k < c.nlocks; k++)
		cvol_vol_unlock(pool, c.locks[k]);
	free(c.locks);
	free(c.busy);
	ref_free(&again);
	ref_free(&c.busy_refs);
	ref_free(&c.merging);
	ref_free(&c.refs);
	ref_free(&c.objs);
	cvol_dir_free(&dir);
out_unlock:
	pthread_mutex_unlock(&pool->dir_mu);
	return ret;
}
