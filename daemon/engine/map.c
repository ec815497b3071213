// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Chunked copy-on-write maps.
 *
 * Design note.  A layer's map is a sparse array "object index -> entry",
 * cut into chunks of CVOL_CHUNK_ENTRIES (1024) entries, each chunk its own
 * small metadata object m.<layer>.<chunk> replaced atomically with
 * meta_cas().  An entry is ABSENT (0: resolve in the parent layer), ZERO
 * (a whiteout: reads as zeros whatever the parents hold) or the id of the
 * layer whose data object d.<id>.<index> holds the data.  Entries name
 * another layer's object only after a merge (a deleted snapshot folded
 * into its only child); every data object is referenced by exactly one
 * map, so removing a layer can remove what its map references.
 *
 * A missing chunk object means "all absent": a new layer costs nothing and
 * a snapshot or clone is O(1).  Allocating one object dirties one chunk,
 * so a write costs the same on a 1 GiB and a 1 TiB volume.
 *
 * Chunks are cached per layer (struct cvol_lmap, shared by every open
 * volume of a pool).  The head's chunks are changed in memory by I/O and
 * written by the volume flush *after* the store flush made the data they
 * point to durable (cow.c), which gives the crash order: data, then map
 * chunk, then (for size and layer changes) the directory.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine-int.h"

struct cvol_lmap *cvol_lmap_get(struct cvol_pool *pool, uint64_t id)
{
	struct cvol_lmap *lm;

	pthread_mutex_lock(&pool->mu);
	for (lm = pool->lmaps; lm; lm = lm->next) {
		if (lm->id == id) {
			lm->refs++;
			goto out_unlock;
		}
	}
	lm = calloc(1, sizeof(*lm));
	if (!lm) {
		cvol_seterr(-ENOMEM, "out of memory");
		goto out_unlock;
	}
	lm->id = id;
	lm->refs = 1;
	pthread_mutex_init(&lm->mu, NULL);
	lm->next = pool->lmaps;
	pool->lmaps = lm;
out_unlock:
	pthread_mutex_unlock(&pool->mu);
	return lm;
}

bool cvol_entry_oid(char *oid, size_t cap, uint64_t idx, uint64_t val)
{
	if (val == CVOL_E_ZERO)
		return false;
	cvol_data_oid(oid, cap, val, idx);
	return true;
}

struct cvol_lmap *cvol_lmap_fresh(uint64_t id)
{
	struct cvol_lmap *lm = calloc(1, sizeof(*lm));

	if (!lm) {
		cvol_seterr(-ENOMEM, "out of memory");
		return NULL;
	}
	lm->id = id;
	lm->refs = 1; /* in no pool's list: the last put frees it */
	pthread_mutex_init(&lm->mu, NULL);
	return lm;
}

static void lmap_free(struct cvol_lmap *lm)
{
	uint64_t i;

	for (i = 0; i < lm->nchunks; i++)
		free(lm->chunks[i]);
	free(lm->chunks);
	pthread_mutex_destroy(&lm->mu);
	free(lm);
}

void cvol_lmap_put(struct cvol_pool *pool, struct cvol_lmap *lm)
{
	struct cvol_lmap **pp;

	if (!lm)
		return;
	pthread_mutex_lock(&pool->mu);
	if (--lm->refs) {
		pthread_mutex_unlock(&pool->mu);
		return;
	}
	for (pp = &pool->lmaps; *pp; pp = &(*pp)->next) {
		if (*pp == lm) {
			*pp = lm->next;
			break;
		}
	}
	pthread_mutex_unlock(&pool->mu);
	lmap_free(lm);
}

void cvol_lmap_forget(struct cvol_pool *pool, uint64_t id)
{
	struct cvol_lmap *lm;
	uint64_t i;

	pthread_mutex_lock(&pool->mu);
	for (lm = pool->lmaps; lm; lm = lm->next) {
		if (lm->id != id)
			continue;
		pthread_mutex_lock(&lm->mu);
		for (i = 0; i < lm->nchunks; i++) {
			free(lm->chunks[i]);
			lm->chunks[i] = NULL;
		}
		pthread_mutex_unlock(&lm->mu);
	}
	pthread_mutex_unlock(&pool->mu);
}

struct chunk_decode {
	uint64_t layer, c;
	struct cvol_chunk *ch;
};

static int chunk_decode(void *arg, const void *buf, size_t len)
{
	struct chunk_decode *d = arg;

	return cvol_chunk_decode(buf, len, d->layer, d->c, d->ch->e,
				 &d->ch->ro_compat);
}

/* the chunk @c of @lm, loaded if needed; called with lm->mu held */
static int lmap_chunk(struct cvol_pool *pool, struct cvol_lmap *lm,
		      uint64_t c, struct cvol_chunk **out)
{
	char oid[CVOL_OID_MAX + 1], what[80];
	struct chunk_decode d = { .layer = lm->id, .c = c };
	struct cvol_chunk *ch;
	int ret;

	if (c >= lm->nchunks) {
		uint64_t n = c + 16;
		struct cvol_chunk **nc;

		nc = realloc(lm->chunks, n * sizeof(*nc));
		if (!nc)
			return cvol_seterr(-ENOMEM, "out of memory");
		memset(nc + lm->nchunks, 0, (n - lm->nchunks) * sizeof(*nc));
		lm->chunks = nc;
		lm->nchunks = n;
	}
	if (lm->chunks[c]) {
		*out = lm->chunks[c];
		return 0;
	}
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return cvol_seterr(-ENOMEM, "out of memory");
	d.ch = ch;
	cvol_chunk_oid(oid, sizeof(oid), lm->id, c);
	snprintf(what, sizeof(what), "map chunk %" PRIx64 ".%" PRIx64, lm->id,
		 c);
	ret = cvol_copies_load(pool, oid, CVOL_CHUNK_MAGIC, CVOL_CHUNK_SIZE,
			       what, chunk_decode, &d, &ch->copies);
	if (ret == -ENOENT) {
		memset(ch, 0, sizeof(*ch)); /* all absent */
		ret = 0;
	} else if (ret) {
		free(ch);
		return ret;
	} else if (ch->copies.bad) {
		/* read from the good copy: only check wants to know */
		if (lm->log && !lm->log->bad++)
			snprintf(lm->log->first, sizeof(lm->log->first), "%s",
				 cvol_errmsg());
		cvol_clearerr();
	}
	lm->chunks[c] = ch;
	*out = ch;
	return 0;
}

int cvol_lmap_lookup(struct cvol_pool *pool, struct cvol_lmap *lm,
		     uint64_t idx, uint64_t *val)
{
	struct cvol_chunk *ch;
	int ret;

	pthread_mutex_lock(&lm->mu);
	ret = lmap_chunk(pool, lm, idx / CVOL_CHUNK_ENTRIES, &ch);
	if (!ret)
		*val = ch->e[idx % CVOL_CHUNK_ENTRIES];
	pthread_mutex_unlock(&lm->mu);
	return ret;
}

int cvol_lmap_set(struct cvol_pool *pool, struct cvol_lmap *lm, uint64_t idx,
		  uint64_t val)
{
	struct cvol_chunk *ch;
	int ret;

	pthread_mutex_lock(&lm->mu);
	ret = lmap_chunk(pool, lm, idx / CVOL_CHUNK_ENTRIES, &ch);
	if (!ret && ch->e[idx % CVOL_CHUNK_ENTRIES] != val) {
		ch->e[idx % CVOL_CHUNK_ENTRIES] = val;
		ch->dirty = true;
	}
	pthread_mutex_unlock(&lm->mu);
	return ret;
}

int cvol_chunk_store(struct cvol_pool *pool, uint64_t layer, uint64_t c,
		     struct cvol_chunk *ch)
{
	char oid[CVOL_OID_MAX + 1];
	void *buf;
	int ret;

	cvol_chunk_oid(oid, sizeof(oid), layer, c);
	ret = cvol_ro_compat_check(ch->ro_compat, oid);
	if (ret)
		return ret;
	buf = malloc(CVOL_CHUNK_SIZE);
	if (!buf)
		return cvol_seterr(-ENOMEM, "out of memory");
	cvol_chunk_encode(layer, c, ch->e, buf);
	ret = cvol_copies_store(pool, oid, buf, CVOL_CHUNK_SIZE, &ch->copies,
				false);
	free(buf);
	return ret;
}

int cvol_lmap_commit(struct cvol_pool *pool, struct cvol_lmap *lm)
{
	struct cvol_chunk *ch;
	uint64_t c;
	int ret = 0;

	pthread_mutex_lock(&lm->mu);
	for (c = 0; c < lm->nchunks && !ret; c++) {
		ch = lm->chunks[c];
		if (!ch || !ch->dirty)
			continue;
		/*
		 * Store I/O under the map lock: other users of this layer
		 * wait for one small metadata write, never for data.
		 */
		ret = cvol_chunk_store(pool, lm->id, c, ch);
		if (!ret)
			ch->dirty = false;
	}
	pthread_mutex_unlock(&lm->mu);
	return ret;
}

struct walk_ctx {
	struct cvol_pool *pool;
	struct cvol_lmap *lm;
	uint64_t *chunks;
	size_t n, cap;
	int err;
};

static int walk_push(struct walk_ctx *w, uint64_t c)
{
	uint64_t *nc;

	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		nc = realloc(w->chunks, w->cap * sizeof(*nc));
		if (!nc)
			return cvol_seterr(-ENOMEM, "out of memory");
		w->chunks = nc;
	}
	w->chunks[w->n++] = c;
	return 0;
}

static int walk_collect(void *arg, const char *oid)
{
	char *end;
	uint64_t c;

	/* m.<16 hex>.<chunk hex>, copy b with CVOL_COPY_B after it */
	if (strlen(oid) < 20)
		return 0;
	c = strtoull(oid + 19, &end, 16);
	if (*end && strcmp(end, CVOL_COPY_B))
		return 0;
	return walk_push(arg, c);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* sort @w's chunks and drop duplicates (both copies of one chunk) */
static void walk_uniq(struct walk_ctx *w)
{
	size_t i, n = 0;

	if (!w->n)
		return;
	qsort(w->chunks, w->n, sizeof(*w->chunks), cmp_u64);
	for (i = 1; i < w->n; i++)
		if (w->chunks[i] != w->chunks[n])
			w->chunks[++n] = w->chunks[i];
	w->n = n + 1;
}

int cvol_lmap_walk(struct cvol_pool *pool, struct cvol_lmap *lm,
		   cvol_entry_cb cb, void *arg)
{
	struct walk_ctx w = { .pool = pool, .lm = lm };
	char prefix[40];
	struct cvol_chunk *ch;
	uint64_t c, i, e[CVOL_CHUNK_ENTRIES];
	size_t k;
	int ret;

	snprintf(prefix, sizeof(prefix), "m.%016" PRIx64 ".", lm->id);
	ret = pool->st->ops->list(pool->st->priv, prefix, walk_collect, &w);
	if (ret)
		goto out_free;
	walk_uniq(&w);
	/* chunks only in the cache (not written yet) count too */
	pthread_mutex_lock(&lm->mu);
	for (c = 0; c < lm->nchunks && !ret; c++) {
		if (!lm->chunks[c] || !lm->chunks[c]->dirty)
			continue;
		for (k = 0; k < w.n; k++)
			if (w.chunks[k] == c)
				break;
		if (k == w.n)
			ret = walk_push(&w, c);
	}
	pthread_mutex_unlock(&lm->mu);
	for (k = 0; k < w.n && !ret; k++) {
		pthread_mutex_lock(&lm->mu);
		ret = lmap_chunk(pool, lm, w.chunks[k], &ch);
		if (!ret)
			memcpy(e, ch->e, sizeof(e));
		pthread_mutex_unlock(&lm->mu);
		for (i = 0; i < CVOL_CHUNK_ENTRIES && !ret; i++)
			if (e[i] != CVOL_E_ABSENT)
				ret = cb(arg, w.chunks[k] * CVOL_CHUNK_ENTRIES +
						      i, e[i]);
	}
out_free:
	free(w.chunks);
	return ret;
}
