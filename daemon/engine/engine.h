/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cvol engine: copy-on-write volumes built from fixed-size objects in a
 * store (see store.h).  Plain C, no kernel dependency.
 *
 * Names: pool, volume and snapshot names are 1..63 bytes of
 * [A-Za-z0-9._-], not starting with '.' or '-'.
 *
 * Every function returns 0 (or a documented non-negative value) or -errno,
 * and sets cvol_errmsg() (err.h) on failure.  All functions are
 * thread-safe.  I/O on one open volume may be issued from several threads
 * at once; I/O to different objects proceeds in parallel.
 *
 * Offsets and lengths of volume I/O must be multiples of 512 and inside
 * the volume, else -EINVAL.
 */
#ifndef CVOL_ENGINE_H
#define CVOL_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/err.h"
#include "engine/names.h"
#include "store/store.h"

#define CVOL_ORDER_MIN 16 /* 64 KiB objects */
#define CVOL_ORDER_MAX 26 /* 64 MiB objects */
#define CVOL_ORDER_DEFAULT 22 /* 4 MiB objects */

struct cvol_pool; /* an open pool: a store plus the engine's state */
struct cvol_vol; /* an open volume head (rw) or snapshot (ro) */

/* cvol_vol_open() flags */
#define CVOL_OPEN_RDONLY (1u << 0) /* no writes; takes no lock */

/* cvol_vol_write() flags */
#define CVOL_WRITE_FUA (1u << 0) /* durable on return */

/**
 * struct cvol_vol_info - what `info` reports
 */
struct cvol_vol_info {
	char name[CVOL_NAME_MAX + 1];
	char snap[CVOL_NAME_MAX + 1]; /* "" for a head */
	uint64_t size; /* bytes */
	unsigned int order; /* object size is 1 << order */
	char parent_vol[CVOL_NAME_MAX + 1]; /* clone parent, "" if none */
	char parent_snap[CVOL_NAME_MAX + 1];
	uint32_t nsnaps; /* snapshots of this volume */
	uint32_t nclones; /* clones of this snapshot (snapshots only) */
	bool protected_; /* snapshot cannot be deleted (has clones) */
	uint64_t created; /* unix seconds */
	uint64_t used_objects; /* objects owned by this layer */
	uint64_t vol_id; /* the volume's id: never reused in its pool */
	uint64_t layer_id; /* the head's (changes at each snapshot) or the
			    * snapshot's layer id (never reused) */
};

typedef int (*cvol_name_cb)(void *arg, const char *name);
typedef void (*cvol_progress_cb)(void *arg, uint64_t done, uint64_t total);

/* Pools */
#define CVOL_POOL_UUID_LEN 16 /* bytes of a pool's identity */
/* creates the pool (its directory and identity) if the store has none */
int cvol_pool_open(const struct cvol_store_conf *conf, struct cvol_pool **out);
void cvol_pool_close(struct cvol_pool *pool);
/*
 * The pool's identity, chosen at random when the pool was created (or
 * first opened by a build that knows it) and never changed: 32 lowercase
 * hex digits.  It tells two pools of the same name apart.
 */
const char *cvol_pool_uuid(const struct cvol_pool *pool);

/* Volumes (by name) */
int cvol_vol_create(struct cvol_pool *pool, const char *name, uint64_t size,
		    unsigned int order);
int cvol_vol_remove(struct cvol_pool *pool, const char *name);
/* -EBUSY while the volume (head or a snapshot) is open in this process or
 * its head is open for writing elsewhere: users hold volumes by name */
int cvol_vol_rename(struct cvol_pool *pool, const char *from, const char *to);
int cvol_vol_list(struct cvol_pool *pool, cvol_name_cb cb, void *arg);
int cvol_vol_info(struct cvol_pool *pool, const char *name, const char *snap,
		  struct cvol_vol_info *info);
int cvol_vol_resize(struct cvol_pool *pool, const char *name, uint64_t size,
		    bool allow_shrink);
int cvol_vol_meta_set(struct cvol_pool *pool, const char *name,
		      const char *key, const char *value);
/* value NULL removes the key */
int cvol_vol_meta_get(struct cvol_pool *pool, const char *name,
		      const char *key, char *value, size_t cap);

/* Snapshots and clones.  These work whether or not the volume is open in
 * this process (an open head is quiesced around the change). */
int cvol_snap_create(struct cvol_pool *pool, const char *vol,
		     const char *snap);
int cvol_snap_remove(struct cvol_pool *pool, const char *vol,
		     const char *snap);
int cvol_snap_list(struct cvol_pool *pool, const char *vol, cvol_name_cb cb,
		   void *arg);
/* -EBUSY while the head is open */
int cvol_snap_rollback(struct cvol_pool *pool, const char *vol,
		       const char *snap);
int cvol_clone(struct cvol_pool *pool, const char *vol, const char *snap,
	       const char *newvol);
int cvol_flatten(struct cvol_pool *pool, const char *vol,
		 cvol_progress_cb progress, void *arg);

/* Open volumes: @snap NULL opens the head (read-write unless
 * CVOL_OPEN_RDONLY; -EBUSY with the holder named if another writer has it),
 * a snapshot always opens read-only. */
int cvol_vol_open(struct cvol_pool *pool, const char *name, const char *snap,
		  unsigned int flags, struct cvol_vol **out);
int cvol_vol_close(struct cvol_vol *vol);
int cvol_vol_get_info(struct cvol_vol *vol, struct cvol_vol_info *info);
/* what cvol_vol_info() calls vol_id and layer_id, of the open @vol; no I/O */
void cvol_vol_ids(struct cvol_vol *vol, uint64_t *vol_id, uint64_t *layer_id);
int cvol_vol_read(struct cvol_vol *vol, void *buf, uint64_t off, uint64_t len);
int cvol_vol_write(struct cvol_vol *vol, const void *buf, uint64_t off,
		   uint64_t len, unsigned int flags);
int cvol_vol_discard(struct cvol_vol *vol, uint64_t off, uint64_t len);
int cvol_vol_write_zeroes(struct cvol_vol *vol, uint64_t off, uint64_t len);
int cvol_vol_flush(struct cvol_vol *vol);
/*
 * cvol_vol_failed() - NULL, or why @vol is in fail mode.  A volume fails
 * when its store could not make written data durable (a sync error: the
 * data may be lost, so no later flush may report success) or when a
 * change of the pool directory ended with its outcome unknown.  From then
 * on every write, discard, write-zeroes and flush of it (and snapshot
 * create) fails with -EIO and a message giving the reason; reads still
 * work.  It lasts until the volume is closed; the string stays valid and
 * unchanged until then.
 */
const char *cvol_vol_failed(struct cvol_vol *vol);

/* Consistency check of a whole pool */
struct cvol_check_report {
	uint64_t volumes, snapshots, objects;
	uint64_t unreferenced; /* objects no layer points to */
	uint64_t dangling; /* map entries pointing at missing objects */
	uint64_t bad_checksums; /* headers / map chunks failing verification */
	uint64_t repaired; /* garbage removed by repair */
	/* metadata objects read from one copy, the other failing verification */
	uint64_t bad_copies;
	uint64_t copies_repaired; /* bad copies repair rewrote */
	char copy_note[256]; /* the first bad copy: why, and the copy used */
	uint64_t shared; /* data objects named by more than one map */
	uint64_t pending; /* snapshot removals recorded, not finished */
};
int cvol_pool_check(struct cvol_pool *pool, bool repair,
		    struct cvol_check_report *rep, cvol_progress_cb progress,
		    void *arg);

#endif /* CVOL_ENGINE_H */
