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
 *
 * A read-only check holds the pool's dir_mu only while open volumes
 * flush, the directory is read and the heads are sorted into busy and
 * idle: opens, closes and snapshots of this process wait for that, not
 * for the walk.  Repair holds it to the end: the locks it keeps on idle
 * heads do not stop this process itself on every store (a RADOS lock is
 * re-entrant for its holder), so no writer of this process may start on
 * one meanwhile.  Before it removes anything, repair reads the directory
 * again; if it changed (any snapshot, clone, removal, merge or resize by
 * another process or host: every directory update raises its sequence
 * number) what the walk saw may be stale, so it removes nothing and fails
 * with -EAGAIN.
 *
 * Memory: a data object d.<layer>.<idx> is kept as its (layer, idx) pair,
 * 16 bytes, once per map naming it and once for the listing; only other
 * objects (map chunks, copies, names that are not cvol's) as strings.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine-int.h"

/* a data object d.<layer>.<idx> */
struct obj_key {
	uint64_t layer, idx;
};

struct key_set {
	struct obj_key *k; /* sorted (key_sort()) before any lookup */
	size_t n, cap;
};

static int key_add(struct key_set *s, uint64_t layer, uint64_t idx)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct obj_key *k = realloc(s->k, cap * sizeof(*k));

		if (!k)
			return cvol_seterr(-ENOMEM, "out of memory");
		s->k = k;
		s->cap = cap;
	}
	s->k[s->n++] = (struct obj_key){ .layer = layer, .idx = idx };
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	const struct obj_key *x = a, *y = b;

	if (x->layer != y->layer)
		return x->layer < y->layer ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void key_sort(struct key_set *s)
{
	if (s->n)
		qsort(s->k, s->n, sizeof(*s->k), key_cmp);
}

static bool key_has(const struct key_set *s, const struct obj_key *k)
{
	return s->n && bsearch(k, s->k, s->n, sizeof(*s->k), key_cmp);
}

static void key_free(struct key_set *s)
{
	free(s->k);
	memset(s, 0, sizeof(*s));
}

/* @oid as a data object's key: only names cvol_data_oid() makes */
static bool data_key(const char *oid, struct obj_key *k)
{
	char back[CVOL_OID_MAX + 1];
	char *end;

	if (oid[0] != 'd' || oid[1] != '.')
		return false;
	k->layer = strtoull(oid + 2, &end, 16);
	if (*end != '.')
		return false;
	k->idx = strtoull(end + 1, &end, 16);
	if (*end)
		return false;
	cvol_data_oid(back, sizeof(back), k->layer, k->idx);
	return !strcmp(back, oid);
}

/* other objects' names */
struct name_set {
	char **names;
	size_t n, cap;
};

static int name_add(struct name_set *r, const char *oid)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
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

static void name_free(struct name_set *r)
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
	struct key_set refs; /* data objects the maps name, once per map */
	struct key_set busy_refs; /* those of them that busy layers name */
	struct key_set *also; /* during a busy layer's walk: &busy_refs */
	struct key_set merging; /* named by a pending merge and its child */
	struct cvol_lmap *child; /* during a pending merge's walk: its child */
	struct key_set objs; /* every data object in the store */
	struct name_set others; /* every other object in the store */
	bool repair;
	uint64_t *busy; /* layers a writer holds: leave their objects */
	size_t nbusy;
	char (*locks)[40]; /* repair: head locks held until the end */
	size_t nlocks;
	uint64_t first_new; /* ids from here on came after the check began */
	struct cvol_copy_log *log; /* bad copies seen (first walk only) */
	bool removable; /* repair, and nothing forbids removing garbage */
	bool verified; /* the directory was read again before removing */
	bool changed; /* ... and had changed: nothing is removed */
};

static int collect_obj(void *arg, const char *oid)
{
	struct check_ctx *c = arg;
	struct obj_key k;

	if (data_key(oid, &k))
		return key_add(&c->objs, k.layer, k.idx);
	return name_add(&c->others, oid);
}

static int collect_ref(void *arg, uint64_t idx, uint64_t val)
{
	struct check_ctx *c = arg;
	uint64_t e;

	if (val == CVOL_E_ZERO)
		return 0;
	/* the child's bad chunk is counted when the child is walked */
	if (c->child && !cvol_lmap_lookup(c->pool, c->child, idx, &e) &&
	    e == val && key_add(&c->merging, val, idx))
		return -ENOMEM;
	return key_add(&c->refs, val, idx) ?:
		       (c->also ? key_add(c->also, val, idx) : 0);
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
	struct key_set *r = &c->refs;
	uint64_t shared = 0;
	size_t k, j;

	key_sort(&c->merging);
	for (k = 0; k < r->n; k = j) {
		for (j = k + 1; j < r->n; j++)
			if (key_cmp(&r->k[j], &r->k[k]))
				break;
		if (j - k > 2 ||
		    (j - k == 2 && !key_has(&c->merging, &r->k[k])))
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
static bool really_dangling(struct check_ctx *c, struct key_set *again,
			    const struct obj_key *k)
{
	struct cvol_store *st = c->pool->st;
	char oid[CVOL_OID_MAX + 1];
	uint64_t size;

	if (!key_has(&c->busy_refs, k))
		return true;
	cvol_data_oid(oid, sizeof(oid), k->layer, k->idx);
	return key_has(again, k) &&
	       st->ops->stat(st->priv, oid, &size) == -ENOENT;
}

/* the busy layers' refs, walked again, sorted, in @again */
static int walk_busy_again(struct check_ctx *c, struct key_set *again)
{
	struct key_set first = c->refs, busy = c->busy_refs;
	size_t i;
	int ret = 0;

	/* collect into @again only, through the walk's own callback */
	memset(&c->refs, 0, sizeof(c->refs));
	memset(&c->busy_refs, 0, sizeof(c->busy_refs));
	c->also = NULL;
	for (i = 0; i < c->nbusy && !ret; i++)
		ret = walk_fresh(c, c->busy[i]);
	*again = c->refs;
	key_free(&c->busy_refs);
	c->refs = first;
	c->busy_refs = busy;
	if (ret == -EILSEQ)
		ret = 0; /* counted on the first walk */
	if (!ret)
		key_sort(again);
	return ret;
}

/*
 * Is the directory still @dir?  Every update stores a new encoding (with
 * a higher sequence number), so equal encodings mean no change.
 */
static bool dir_unchanged(struct cvol_pool *pool, const struct cvol_dir *dir)
{
	struct cvol_dir now;
	void *a = NULL, *b = NULL;
	size_t la, lb;
	bool same;

	if (cvol_dir_load(pool, &now))
		return false;
	same = now.copies.seq == dir->copies.seq &&
	       !cvol_dir_encode(dir, &a, &la) &&
	       !cvol_dir_encode(&now, &b, &lb) && la == lb && !memcmp(a, b, la);
	free(a);
	free(b);
	cvol_dir_free(&now);
	return same;
}

/* @oid is unreferenced garbage: count it; repair removes it */
static void garbage(struct check_ctx *c, const char *oid)
{
	struct cvol_store *st = c->pool->st;

	c->rep->unreferenced++;
	if (!c->removable)
		return;
	/* the directory is read again before the first removal */
	if (!c->verified) {
		c->verified = true;
		if (!dir_unchanged(c->pool, c->dir)) {
			c->changed = true;
			c->removable = false;
			return;
		}
	}
	if (!st->ops->remove(st->priv, oid))
		c->rep->repaired++;
}

/*
 * Under dir_mu: the heads a writer holds (open here, or locked by another
 * process) are busy; repair keeps the locks of the idle ones to the end.
 */
static void sort_heads(struct check_ctx *c)
{
	struct cvol_dir *dir = c->dir;
	uint32_t i;

	for (i = 0; i < dir->nlayers; i++) {
		struct cvol_layer_rec *l = &dir->layers[i];
		struct cvol_vol_rec *vr;
		char lockname[40];

		if (l->kind != CVOL_LAYER_HEAD)
			continue;
		vr = cvol_dir_vol_id(dir, l->vol_id);
		if (cvol_pool_open_head(c->pool, l->vol_id) || !vr)
			c->busy[c->nbusy++] = l->id;
		else if (cvol_vol_lock(c->pool, l->vol_id, vr->name, lockname,
				       sizeof(lockname)))
			c->busy[c->nbusy++] = l->id;
		else if (c->repair)
			memcpy(c->locks[c->nlocks++], lockname,
			       sizeof(lockname));
		else
			cvol_vol_unlock(c->pool, lockname);
	}
	cvol_clearerr();
}

int cvol_pool_check(struct cvol_pool *pool, bool repair,
		    struct cvol_check_report *rep, cvol_progress_cb progress,
		    void *arg)
{
	struct check_ctx c = { .pool = pool, .rep = rep, .repair = repair };
	struct cvol_copy_log log = { 0 };
	struct key_set again = { 0 };
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
		pthread_mutex_unlock(&pool->dir_mu);
		if (ret == -EILSEQ)
			rep->bad_checksums++;
		return ret;
	}
	if (dir.copies.bad) {
		log.bad++;
		snprintf(log.first, sizeof(log.first), "%s", cvol_errmsg());
	}
	c.dir = &dir;
	c.first_new = dir.next_id;
	c.busy = calloc(dir.nlayers + 1, sizeof(*c.busy));
	c.locks = calloc(dir.nlayers + 1, sizeof(*c.locks));
	if (c.busy && c.locks)
		sort_heads(&c);
	if (!repair)
		pthread_mutex_unlock(&pool->dir_mu);
	if (!c.busy || !c.locks) {
		ret = cvol_seterr(-ENOMEM, "out of memory");
		goto out_free;
	}
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
	for (i = 0; i < dir.nlayers; i++) {
		struct cvol_layer_rec *l = &dir.layers[i];

		if (progress)
			progress(arg, i, dir.nlayers);
		if (l->kind == CVOL_LAYER_SNAP)
			rep->snapshots++;
		if (l->parent && !cvol_dir_layer(&dir, l->parent))
			rep->dangling++;
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
	ret = st->ops->list(st->priv, "", collect_obj, &c);
	if (ret)
		goto out_free;
	key_sort(&c.refs);
	key_sort(&c.busy_refs);
	key_sort(&c.objs);
	rep->shared = count_shared(&c);
	for (k = 0; k < c.refs.n; k++) {
		if (key_has(&c.objs, &c.refs.k[k]))
			continue;
		if (!again.k && c.nbusy) {
			ret = walk_busy_again(&c, &again);
			if (ret)
				goto out_free;
		}
		if (really_dangling(&c, &again, &c.refs.k[k]))
			rep->dangling++;
	}
	c.removable = repair && !rep->bad_checksums && !log.bad;
	/* data objects: a writer may be about to reference its own */
	for (k = 0; k < c.objs.n; k++) {
		const struct obj_key *o = &c.objs.k[k];
		char oid[CVOL_OID_MAX + 1];

		rep->objects++;
		if (key_has(&c.refs, o) || layer_busy(&c, o->layer) ||
		    o->layer >= c.first_new)
			continue;
		cvol_data_oid(oid, sizeof(oid), o->layer, o->idx);
		garbage(&c, oid);
	}
	/* map chunks (and their copies) of layers the directory lacks */
	for (k = 0; k < c.others.n; k++) {
		const char *oid = c.others.names[k];
		uint64_t layer;

		if (oid[0] != 'm' || oid[1] != '.')
			continue; /* the directory, the identity, not ours */
		layer = strtoull(oid + 2, NULL, 16);
		/* a layer younger than our directory copy is not ours */
		if (!cvol_dir_layer(&dir, layer) && layer < c.first_new)
			garbage(&c, oid);
	}
	if (repair && rep->bad_checksums)
		ret = cvol_seterr(
			-EILSEQ,
			"repair refused: %" PRIu64
			" map chunks or headers failed verification, so what they reference is unknown; nothing was removed",
			rep->bad_checksums);
	else if (c.changed)
		ret = cvol_seterr(
			-EAGAIN,
			"the pool directory changed during the check (a snapshot, clone, removal or resize); nothing was removed: run the check again");
	if (progress)
		progress(arg, dir.nlayers, dir.nlayers);
out_free:
	rep->bad_copies = log.bad;
	snprintf(rep->copy_note, sizeof(rep->copy_note), "%s", log.first);
	for (k = 0; k < c.nlocks; k++)
		cvol_vol_unlock(pool, c.locks[k]);
	free(c.locks);
	free(c.busy);
	key_free(&again);
	key_free(&c.busy_refs);
	key_free(&c.merging);
	key_free(&c.refs);
	key_free(&c.objs);
	name_free(&c.others);
	cvol_dir_free(&dir);
	if (repair)
		pthread_mutex_unlock(&pool->dir_mu);
	return ret;
}
