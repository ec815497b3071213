/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Engine internals shared by map.c, cow.c, volume.c, snap.c, check.c and
 * copies.c.
 *
 * Lock order (outer first):
 *   cvol_pool.dir_mu (directory changes, open, close)
 *     cvol_vol.quiesce (write side: chain changes, snapshot)
 *       cvol_vol.flush_mu
 *         cvol_vol.stripe[i]
 *           cvol_lmap.mu, cvol_vol.pend_mu
 *   cvol_pool.mu is a leaf (list manipulation only).
 */
#ifndef CVOL_ENGINE_INT_H
#define CVOL_ENGINE_INT_H

#include <pthread.h>
#include <stdbool.h>

#include "engine/engine.h"
#include "engine/format.h"
#include "store/store-driver.h"

#define CVOL_STRIPES 64

/* one cached map chunk */
struct cvol_chunk {
	struct cvol_copies copies; /* its two store copies (found false: new) */
	bool dirty; /* changed since written */
	uint32_t ro_compat; /* as stored; unknown bits: never rewritten */
	uint64_t e[CVOL_CHUNK_ENTRIES];
};

/* the cached map of one layer, shared by every open volume using it */
struct cvol_lmap {
	uint64_t id;
	int refs; /* protected by cvol_pool.mu */
	struct cvol_lmap *next; /* cvol_pool.lmaps, protected by pool mu */
	/* protects nchunks, chunks and their contents */
	pthread_mutex_t mu;
	uint64_t nchunks;
	struct cvol_chunk **chunks; /* NULL: not loaded yet */
	/* check's private maps: chunks read with a bad copy, counted here */
	struct cvol_copy_log *log;
};

/* what check learnt about bad copies of metadata objects */
struct cvol_copy_log {
	uint64_t bad; /* objects read from one copy, the other one bad */
	char first[256]; /* the first of them: which copy, why, which used */
};

struct cvol_pool {
	struct cvol_store *st;
	char name[64];
	char cookie[CVOL_LOCK_HOLDER_MAX]; /* host:pid, for store locks */
	char uuid[2 * CVOL_POOL_UUID_LEN + 1]; /* cvol.id in hex; fixed */
	/* protects lmaps, open, and each open volume's users and fail_msg */
	pthread_mutex_t mu;
	struct cvol_lmap *lmaps;
	struct cvol_vol *open;
	/* with mu: a volume's users dropped to 0 (cvol_vol_close() waits) */
	pthread_cond_t users_cv;
	/* serialises directory changes made by this process */
	pthread_mutex_t dir_mu;
};

/* a data object to remove once the map naming it no longer is durable */
struct cvol_pend {
	uint64_t owner, idx;
};

struct cvol_vol {
	struct cvol_pool *pool;
	struct cvol_vol *next; /* cvol_pool.open, protected by pool mu */
	uint64_t vol_id;
	char name[CVOL_NAME_MAX + 1];
	char snap[CVOL_NAME_MAX + 1]; /* "" for the head */
	bool rw;
	char lockname[40]; /* store lock held while rw */
	/*
	 * Holders of this open besides its opener (cvol_vol_get_head()),
	 * protected by pool mu: cvol_vol_close() waits until there are none.
	 */
	int users;
	/*
	 * Fail mode (cvol_vol_failed()): fail_msg is set once, under pool
	 * mu, before failed is set (__atomic, release); never cleared.
	 */
	int failed;
	char fail_msg[256];

	/* I/O holds it shared; chain changes hold it exclusive */
	pthread_rwlock_t quiesce;
	/*
	 * The fields below change only under quiesce held exclusive, and
	 * with pool dir_mu held (so dir_mu alone keeps them stable)
	 */
	uint64_t size;
	unsigned int order;
	unsigned int depth;
	struct cvol_lmap **chain; /* [0] = this layer, then its parents */

	/* serialises flushes */
	pthread_mutex_t flush_mu;
	/* serialise I/O to one object index (index % CVOL_STRIPES) */
	pthread_mutex_t stripe[CVOL_STRIPES];
	/* protects pend, npend, cap_pend */
	pthread_mutex_t pend_mu;
	struct cvol_pend *pend; /* remove after the next map commit */
	size_t npend, cap_pend;
};

/* map.c */
struct cvol_lmap *cvol_lmap_get(struct cvol_pool *pool, uint64_t id);
void cvol_lmap_put(struct cvol_pool *pool, struct cvol_lmap *lm);
int cvol_lmap_lookup(struct cvol_pool *pool, struct cvol_lmap *lm,
		     uint64_t idx, uint64_t *val);
int cvol_lmap_set(struct cvol_pool *pool, struct cvol_lmap *lm, uint64_t idx,
		  uint64_t val);
/* write every dirty chunk (durable on return); no data flush */
int cvol_lmap_commit(struct cvol_pool *pool, struct cvol_lmap *lm);
/*
 * cvol_chunk_store() - commit chunk @c of layer @layer as @ch holds it
 * (@ch->copies updated); -EROFS for a chunk this build may not rewrite
 */
int cvol_chunk_store(struct cvol_pool *pool, uint64_t layer, uint64_t c,
		     struct cvol_chunk *ch);
/*
 * cvol_entry_oid() - the data object that map entry @val (not ABSENT) of
 * index @idx names, in @oid; false for a whiteout (ZERO), which names none
 */
bool cvol_entry_oid(char *oid, size_t cap, uint64_t idx, uint64_t val);
/* call @cb for every non-absent entry stored for layer @id */
typedef int (*cvol_entry_cb)(void *arg, uint64_t idx, uint64_t val);
int cvol_lmap_walk(struct cvol_pool *pool, struct cvol_lmap *lm,
		   cvol_entry_cb cb, void *arg);
/*
 * cvol_lmap_fresh() - a map of layer @id outside the cache, read from the
 * store as it is committed now, for readers that must not trust or touch
 * the cache (check); walk or look up in it, then cvol_lmap_put() it.
 */
struct cvol_lmap *cvol_lmap_fresh(uint64_t id);
/*
 * drop cached chunks of @id, only after the layer is gone from the
 * directory and no open volume uses it: chunks of a map in use (dirty or
 * being committed) are never freed behind its users' back
 */
void cvol_lmap_forget(struct cvol_pool *pool, uint64_t id);

/* copies.c: the two copies of every metadata object */
typedef int (*cvol_copy_decode_cb)(void *arg, const void *buf, size_t len);
/*
 * cvol_copies_load() - read both copies of metadata object @oid (magic
 * @magic, at most @max bytes each, @what in messages), verify each and
 * decode the newest good one with @decode; their state in *@cp.  -ENOENT
 * iff neither exists; -EILSEQ if neither is good.  With one bad copy
 * (cp->bad) it succeeds and leaves a message saying which copy was bad
 * and why, and which one was used.
 */
int cvol_copies_load(struct cvol_pool *pool, const char *oid, uint32_t magic,
		     size_t max, const char *what, cvol_copy_decode_cb decode,
		     void *arg, struct cvol_copies *cp);
/*
 * cvol_copies_store() - commit encoded object @buf (changed in place) as
 * the next copy of @oid: meta_cas() of the copy @cp does not use, so
 * -ECANCELED when another writer committed since @cp was read; then
 * (@mirror, or if it is missing) the other copy too, best effort
 */
int cvol_copies_store(struct cvol_pool *pool, const char *oid, void *buf,
		      size_t len, struct cvol_copies *cp, bool mirror);

/* volume.c: the pool directory */
int cvol_dir_load(struct cvol_pool *pool, struct cvol_dir *dir);
int cvol_dir_store(struct cvol_pool *pool, struct cvol_dir *dir);
struct cvol_vol_rec *cvol_dir_vol(struct cvol_dir *dir, const char *name);
struct cvol_vol_rec *cvol_dir_vol_id(struct cvol_dir *dir, uint64_t id);
struct cvol_layer_rec *cvol_dir_layer(struct cvol_dir *dir, uint64_t id);
struct cvol_layer_rec *cvol_dir_snap(struct cvol_dir *dir, uint64_t vol_id,
				     const char *snap);
struct cvol_layer_rec *cvol_dir_add_layer(struct cvol_dir *dir);
void cvol_dir_del_layer(struct cvol_dir *dir, uint64_t id);
struct cvol_vol_rec *cvol_dir_add_vol(struct cvol_dir *dir, const char *name);

/*
 * cvol_dir_switch() - store @dir as cvol_dir_store() does and switch
 * every volume open in this process to it.  Their new chains are built
 * before the store and swapped in after it, which cannot fail: no open
 * volume keeps using a layer the directory changed (a writer writing
 * into a frozen snapshot).  When the store fails with anything but
 * -ECANCELED, the directory may have changed all the same: the volumes
 * it would change enter fail mode.  Caller holds dir_mu and, if @held is
 * not NULL, @held's quiesce exclusive; the others are quiesced here.
 */
int cvol_dir_switch(struct cvol_pool *pool, struct cvol_dir *dir,
		    struct cvol_vol *held);

/*
 * cvol_vol_get_head() - a hold on the head of volume @name: its open in
 * this process (closed only after cvol_vol_put_head()), or else a new rw
 * open of it (*@temp true)
 */
int cvol_vol_get_head(struct cvol_pool *pool, const char *name,
		      struct cvol_vol **out, bool *temp);
/* drop what cvol_vol_get_head() gave */
void cvol_vol_put_head(struct cvol_vol *vol, bool temp);
int cvol_check_name(const char *what, const char *name);
/*
 * the open rw head of volume @vol_id in this process, or NULL; caller
 * holds dir_mu, which keeps it open (cvol_vol_close() takes dir_mu)
 */
struct cvol_vol *cvol_pool_open_head(struct cvol_pool *pool,
				     uint64_t vol_id);
bool cvol_pool_layer_open(struct cvol_pool *pool, uint64_t layer);
/* put @vol in fail mode (cvol_vol_failed()) with the reason @fmt */
void cvol_vol_fail(struct cvol_vol *vol, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* put every volume open for writing on @pool's store in fail mode */
void cvol_pool_fail(struct cvol_pool *pool, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* -EIO naming @vol and why when it is in fail mode, else 0 */
int cvol_vol_check_failed(struct cvol_vol *vol);
int cvol_vol_lock(struct cvol_pool *pool, uint64_t vol_id, const char *name,
		  char *lockname, size_t cap);
void cvol_vol_unlock(struct cvol_pool *pool, const char *lockname);
/* remove every object and chunk of removed layer @id */
void cvol_layer_destroy(struct cvol_pool *pool, uint64_t id);
/* remove the map chunk objects of removed layer @id */
void cvol_layer_drop_chunks(struct cvol_pool *pool, uint64_t id);
/* collect hidden layers that lost their children (merge or remove) */
int cvol_gc_hidden(struct cvol_pool *pool);

/* cow.c */
int cvol_vol_flush_locked(struct cvol_vol *vol);
/*
 * discard [@off, @off + @len) of @vol, which may lie beyond vol->size
 * (a shrink cutting it off); caller holds quiesce, shared or exclusive
 */
int cvol_vol_discard_locked(struct cvol_vol *vol, uint64_t off, uint64_t len);
int cvol_resolve(struct cvol_vol *vol, unsigned int from, uint64_t idx,
		 uint64_t *owner);

/* snap.c */
int cvol_layer_merge(struct cvol_pool *pool, struct cvol_dir *dir,
		     uint64_t id);
/*
 * cvol_dir_pending() - snapshot removals recorded in @dir but not finished:
 * hidden layers with at most one child (a merge or a removal for
 * cvol_gc_hidden() to roll forward)
 */
uint32_t cvol_dir_pending(const struct cvol_dir *dir);

#endif /* CVOL_ENGINE_INT_H */
