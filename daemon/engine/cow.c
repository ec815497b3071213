// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Volume I/O: read, write with copy-up, discard, write-zeroes, flush.
 *
 * Design note.  A request is cut at object boundaries; each piece works
 * on one object index under that index's stripe lock, so pieces on
 * different objects run in parallel and pieces on one object serialise.
 *
 * Resolution: walk the chain head -> parents; the first entry that is not
 * ABSENT decides: ZERO reads zeros, a layer id names the data object
 * d.<id>.<index>.  Absent everywhere reads zeros without touching the
 * store.
 *
 * Writes: if the head's entry names an object, the head owns it (every
 * object is referenced by one map only) and the write goes in place.
 * Otherwise the head allocates d.<head>.<index>: a full-object write
 * replaces it whole; a partial write first copies the parent's object
 * with the store's server-side copy (copy-up), or starts an empty sparse
 * object when the parents have nothing (or a whiteout) there.  The new
 * entry is set in the cached map and committed before the write returns
 * (a flush, below): a request the daemon has acknowledged must survive the
 * daemon's own death (kill -9 and restart under load), not only a flush.
 * Writes into an object the head already owns change no map and go to the
 * store in place, reaching stable storage at the next flush.
 *
 * Discards: a whole-object discard drops the head's own object and sets
 * ZERO when a parent still has data there (a whiteout), ABSENT otherwise,
 * and commits that map change before returning, like an allocating write;
 * the object is removed only after the map chunk no longer naming it is
 * durable (the pending list).  A partial discard punches a hole in an
 * owned object, or copies up first when the data is the parent's.
 *
 * Flush (the crash order): snapshot which chunks are dirty, flush the
 * store (data durable), write those chunks (map durable), then remove
 * the objects the new maps stopped naming.  A crash before the chunk
 * write leaves new objects unreferenced (check removes them) and the old
 * map intact; a crash after it leaves stale objects unreferenced.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine-int.h"

static int check_range(struct cvol_vol *vol, uint64_t off, uint64_t len,
		       const char *what)
{
	if (off % 512 || len % 512)
		return cvol_seterr(-EINVAL,
				   "%s at %" PRIu64 "+%" PRIu64
				   ": offset and length must be multiples of 512",
				   what, off, len);
	if (off > vol->size || len > vol->size - off)
		return cvol_seterr(-EINVAL,
				   "%s at %" PRIu64 "+%" PRIu64
				   ": beyond the end of '%s' (%" PRIu64
				   " bytes)",
				   what, off, len, vol->name, vol->size);
	return 0;
}

/*
 * The first piece of [@off, @off + @len) that lies in one object: that
 * object's index in *@idx, the piece's offset in it in *@o; returns its
 * length.
 */
static uint64_t cvol_piece(const struct cvol_vol *vol, uint64_t off,
			   uint64_t len, uint64_t *idx, uint64_t *o)
{
	uint64_t osz = 1ull << vol->order;

	*idx = off >> vol->order;
	*o = off & (osz - 1);
	return osz - *o < len ? osz - *o : len;
}

/* resolve @idx from chain level @from down; *owner: 0 = zeros */
int cvol_resolve(struct cvol_vol *vol, unsigned int from, uint64_t idx,
		 uint64_t *owner)
{
	unsigned int i;
	uint64_t e;
	int ret;

	*owner = 0;
	for (i = from; i < vol->depth; i++) {
		ret = cvol_lmap_lookup(vol->pool, vol->chain[i], idx, &e);
		if (ret)
			return ret;
		if (e == CVOL_E_ABSENT)
			continue;
		if (e != CVOL_E_ZERO)
			*owner = e;
		return 0;
	}
	return 0;
}

/* the error for a data object the map names but the store has not */
static int missing_object(struct cvol_vol *vol, const char *oid, uint64_t idx)
{
	return cvol_seterr(-EIO,
			   "volume '%s%s%s': object %" PRIu64
			   " is missing from the store (%s); run pool check",
			   vol->name, vol->snap[0] ? "@" : "", vol->snap, idx,
			   oid);
}

/*
 * Read from the object that @idx resolves to.  @locked: the caller holds
 * the object's stripe, so no discard can remove it meanwhile.
 */
static int read_resolved(struct cvol_vol *vol, uint64_t idx, void *buf,
			 uint64_t off, uint64_t len, bool locked)
{
	struct cvol_store *st = vol->pool->st;
	char oid[CVOL_OID_MAX + 1];
	uint64_t owner;
	int ret;

	ret = cvol_resolve(vol, 0, idx, &owner);
	if (ret)
		return ret;
	if (!owner) {
		memset(buf, 0, len);
		return 0;
	}
	cvol_data_oid(oid, sizeof(oid), owner, idx);
	ret = st->ops->read(st->priv, oid, buf, len, off);
	if (ret == -ENOENT && locked)
		return missing_object(vol, oid, idx);
	return ret;
}

static int read_piece(struct cvol_vol *vol, uint64_t idx, void *buf,
		      uint64_t off, uint64_t len)
{
	int ret = read_resolved(vol, idx, buf, off, len, false);

	/*
	 * A discard may have removed the object after the lookup (it goes
	 * once the map no longer names it, under its stripe): look again
	 * under the stripe.  If the map still names it, it is lost, and
	 * that is an error, never zeros.
	 */
	if (ret == -ENOENT) {
		pthread_mutex_lock(&vol->stripe[idx % CVOL_STRIPES]);
		ret = read_resolved(vol, idx, buf, off, len, true);
		pthread_mutex_unlock(&vol->stripe[idx % CVOL_STRIPES]);
	}
	return ret;
}

int cvol_vol_read(struct cvol_vol *vol, void *buf, uint64_t off, uint64_t len)
{
	uint64_t idx, o, n;
	int ret;

	pthread_rwlock_rdlock(&vol->quiesce);
	ret = check_range(vol, off, len, "read");
	while (!ret && len) {
		n = cvol_piece(vol, off, len, &idx, &o);
		ret = read_piece(vol, idx, buf, o, n);
		buf = (char *)buf + n;
		off += n;
		len -= n;
	}
	pthread_rwlock_unlock(&vol->quiesce);
	return ret;
}

/* drop d.@owner.@idx from the pending removals (it is being reused) */
static void pend_cancel(struct cvol_vol *vol, uint64_t owner, uint64_t idx)
{
	size_t i;

	pthread_mutex_lock(&vol->pend_mu);
	for (i = 0; i < vol->npend; i++) {
		if (vol->pend[i].owner == owner && vol->pend[i].idx == idx) {
			vol->pend[i] = vol->pend[--vol->npend];
			break;
		}
	}
	pthread_mutex_unlock(&vol->pend_mu);
}

static int pend_add(struct cvol_vol *vol, uint64_t owner, uint64_t idx)
{
	int ret = 0;

	pthread_mutex_lock(&vol->pend_mu);
	if (vol->npend == vol->cap_pend) {
		size_t cap = vol->cap_pend ? vol->cap_pend * 2 : 16;
		void *n = realloc(vol->pend, cap * sizeof(*vol->pend));

		if (!n) {
			ret = cvol_seterr(-ENOMEM, "out of memory");
			goto out_unlock;
		}
		vol->pend = n;
		vol->cap_pend = cap;
	}
	vol->pend[vol->npend].owner = owner;
	vol->pend[vol->npend++].idx = idx;
out_unlock:
	pthread_mutex_unlock(&vol->pend_mu);
	return ret;
}

/*
 * Make the head own object @idx, preparing its content: copy of the
 * parent's data, or an empty object.  @full: the caller overwrites it all.
 * Returns the owner (the head) in *owner; 1 when the head did not own the
 * object before (the caller's map update allocates), else 0.
 */
static int own_object(struct cvol_vol *vol, uint64_t idx, bool full,
		      uint64_t *owner)
{
	struct cvol_store *st = vol->pool->st;
	char oid[CVOL_OID_MAX + 1], src[CVOL_OID_MAX + 1];
	uint64_t head = vol->chain[0]->id, e, from = 0;
	int ret;

	ret = cvol_lmap_lookup(vol->pool, vol->chain[0], idx, &e);
	if (ret)
		return ret;
	if (e != CVOL_E_ABSENT && e != CVOL_E_ZERO) {
		*owner = e;
		return 0;
	}
	if (e == CVOL_E_ABSENT) {
		ret = cvol_resolve(vol, 1, idx, &from);
		if (ret)
			return ret;
	}
	cvol_data_oid(oid, sizeof(oid), head, idx);
	pend_cancel(vol, head, idx);
	if (full) {
		/* the caller's write_full() replaces any stale content */
	} else if (from) {
		/*
		 * Under the stripe, and parent layers are frozen: a missing
		 * source is lost data, not a race.
		 */
		cvol_data_oid(src, sizeof(src), from, idx);
		ret = st->ops->copy(st->priv, oid, src);
		if (ret == -ENOENT)
			return missing_object(vol, src, idx);
	} else {
		/* an empty object, dropping any stale one from a crash */
		ret = st->ops->write_full(st->priv, oid, "", 0);
	}
	if (ret)
		return ret;
	*owner = head;
	return 1;
}

/*
 * After store operation @ret on object @idx that own_object() gave the
 * head (@alloc: it did not own it before), map it: returns 1 when the
 * head's map changed (an allocation), 0, or -errno.
 */
static int owned_done(struct cvol_vol *vol, uint64_t idx, uint64_t owner,
		      int alloc, int ret)
{
	if (!ret)
		ret = cvol_lmap_set(vol->pool, vol->chain[0], idx, owner);
	return ret ? ret : alloc;
}

/* Returns 1 when the head's map changed (an allocation), 0, or -errno. */
static int write_piece(struct cvol_vol *vol, uint64_t idx, const void *buf,
		       uint64_t off, uint64_t len)
{
	struct cvol_store *st = vol->pool->st;
	char oid[CVOL_OID_MAX + 1];
	bool full = off == 0 && len == 1ull << vol->order;
	uint64_t owner;
	int ret;

	int alloc;

	pthread_mutex_lock(&vol->stripe[idx % CVOL_STRIPES]);
	ret = own_object(vol, idx, full, &owner);
	if (ret < 0)
		goto out_unlock;
	alloc = ret;
	cvol_data_oid(oid, sizeof(oid), owner, idx);
	/*
	 * Replace (truncate, then write) only an object no map names yet.
	 * An owned one holds data a flush may have made durable: a power
	 * cut could keep the truncate without the new data, losing both,
	 * so it is overwritten in place (its size never exceeds the
	 * object size, and a full write covers all of it).
	 */
	if (full && alloc)
		ret = st->ops->write_full(st->priv, oid, buf, len);
	else
		ret = st->ops->write(st->priv, oid, buf, len, off);
	ret = owned_done(vol, idx, owner, alloc, ret);
out_unlock:
	pthread_mutex_unlock(&vol->stripe[idx % CVOL_STRIPES]);
	return ret;
}

static int check_rw(struct cvol_vol *vol, const char *what)
{
	if (!vol->rw)
		return cvol_seterr(-EROFS, "%s: '%s%s%s' is open read-only",
				   what, vol->name, vol->snap[0] ? "@" : "",
				   vol->snap);
	return cvol_vol_check_failed(vol);
}

int cvol_vol_write(struct cvol_vol *vol, const void *buf, uint64_t off,
		   uint64_t len, unsigned int flags)
{
	uint64_t idx, o, n;
	bool commit = false;
	int ret;

	pthread_rwlock_rdlock(&vol->quiesce);
	ret = check_rw(vol, "write") ?: check_range(vol, off, len, "write");
	while (!ret && len) {
		n = cvol_piece(vol, off, len, &idx, &o);
		ret = write_piece(vol, idx, buf, o, n);
		if (ret > 0) {
			commit = true;
			ret = 0;
		}
		buf = (const char *)buf + n;
		off += n;
		len -= n;
	}
	if (!ret && (commit || (flags & CVOL_WRITE_FUA)))
		ret = cvol_vol_flush_locked(vol);
	pthread_rwlock_unlock(&vol->quiesce);
	return ret;
}

/* Returns 1 when the head's map changed, 0, or -errno. */
static int discard_piece(struct cvol_vol *vol, uint64_t idx, uint64_t off,
			 uint64_t len)
{
	struct cvol_store *st = vol->pool->st;
	char oid[CVOL_OID_MAX + 1];
	uint64_t e, from = 0, owner;
	int ret, alloc;

	pthread_mutex_lock(&vol->stripe[idx % CVOL_STRIPES]);
	ret = cvol_lmap_lookup(vol->pool, vol->chain[0], idx, &e);
	if (ret)
		goto out_unlock;
	if (e == CVOL_E_ZERO)
		goto out_unlock; /* already zeros */
	if (e == CVOL_E_ABSENT) {
		ret = cvol_resolve(vol, 1, idx, &from);
		if (ret || !from)
			goto out_unlock; /* zeros everywhere already */
	}
	if (off == 0 && len == 1ull << vol->order) {
		if (e != CVOL_E_ABSENT) {
			ret = cvol_resolve(vol, 1, idx, &from);
			if (!ret)
				ret = pend_add(vol, e, idx);
		}
		if (!ret)
			ret = cvol_lmap_set(vol->pool, vol->chain[0], idx,
					    from ? CVOL_E_ZERO :
						   CVOL_E_ABSENT);
		if (!ret)
			ret = 1;
		goto out_unlock;
	}
	ret = own_object(vol, idx, false, &owner);
	if (ret < 0)
		goto out_unlock;
	alloc = ret;
	cvol_data_oid(oid, sizeof(oid), owner, idx);
	ret = owned_done(vol, idx, owner, alloc,
			 st->ops->punch(st->priv, oid, off, len));
out_unlock:
	pthread_mutex_unlock(&vol->stripe[idx % CVOL_STRIPES]);
	return ret;
}

int cvol_vol_discard_locked(struct cvol_vol *vol, uint64_t off, uint64_t len)
{
	uint64_t idx, o, n;
	bool commit = false;
	int ret;

	ret = check_rw(vol, "discard");
	while (!ret && len) {
		n = cvol_piece(vol, off, len, &idx, &o);
		ret = discard_piece(vol, idx, o, n);
		if (ret > 0) {
			commit = true;
			ret = 0;
		}
		off += n;
		len -= n;
	}
	if (!ret && commit)
		ret = cvol_vol_flush_locked(vol);
	return ret;
}

int cvol_vol_discard(struct cvol_vol *vol, uint64_t off, uint64_t len)
{
	int ret;

	pthread_rwlock_rdlock(&vol->quiesce);
	ret = check_rw(vol, "discard") ?:
	      check_range(vol, off, len, "discard") ?:
	      cvol_vol_discard_locked(vol, off, len);
	pthread_rwlock_unlock(&vol->quiesce);
	return ret;
}

int cvol_vol_write_zeroes(struct cvol_vol *vol, uint64_t off, uint64_t len)
{
	/* a discard reads back as zeros: the same operation */
	return cvol_vol_discard(vol, off, len);
}

int cvol_vol_flush_locked(struct cvol_vol *vol)
{
	struct cvol_store *st = vol->pool->st;
	struct cvol_lmap *lm;
	struct cvol_pend *pend = NULL;
	struct cvol_chunk **snap = NULL;
	uint64_t c, n = 0, i;
	size_t npend, k;
	int ret;

	if (!vol->rw)
		return 0;
	ret = cvol_vol_check_failed(vol);
	if (ret)
		return ret;
	lm = vol->chain[0];
	pthread_mutex_lock(&vol->flush_mu);
	/* what the maps say now: only data written so far gets flushed */
	pthread_mutex_lock(&lm->mu);
	snap = calloc(lm->nchunks ? lm->nchunks : 1, sizeof(*snap));
	if (!snap) {
		pthread_mutex_unlock(&lm->mu);
		ret = cvol_seterr(-ENOMEM, "out of memory");
		goto out_unlock;
	}
	for (c = 0; c < lm->nchunks; c++) {
		if (!lm->chunks[c] || !lm->chunks[c]->dirty)
			continue;
		snap[c] = malloc(sizeof(**snap));
		if (!snap[c])
			continue; /* stays dirty: next flush */
		memcpy(snap[c], lm->chunks[c], sizeof(**snap));
		lm->chunks[c]->dirty = false;
		n = c + 1;
	}
	pthread_mutex_unlock(&lm->mu);
	pthread_mutex_lock(&vol->pend_mu);
	pend = vol->pend;
	npend = vol->npend;
	vol->pend = NULL;
	vol->npend = vol->cap_pend = 0;
	pthread_mutex_unlock(&vol->pend_mu);

	ret = st->ops->flush(st->priv);
	/*
	 * The store could not make data durable and may have lost it (a
	 * failed writeback): no later flush of a writer on it may succeed.
	 */
	if (ret == -EIO)
		cvol_pool_fail(vol->pool, "store flush failed: %s",
			       cvol_errmsg());
	for (c = 0; c < n && !ret; c++) {
		if (!snap[c])
			continue;
		ret = cvol_chunk_store(vol->pool, lm->id, c, snap[c]);
		/* the chunk may be in place, not durable: its version is unknown */
		if (ret == -EIO) {
			char oid[CVOL_OID_MAX + 1];

			cvol_chunk_oid(oid, sizeof(oid), lm->id, c);
			cvol_vol_fail(vol, "map chunk %s not committed: %s",
				      oid, cvol_errmsg());
		}
		if (!ret) {
			pthread_mutex_lock(&lm->mu);
			lm->chunks[c]->copies = snap[c]->copies;
			pthread_mutex_unlock(&lm->mu);
			free(snap[c]);
			snap[c] = NULL;
		}
	}
	if (ret) {
		/* not written: dirty again, objects still pending */
		pthread_mutex_lock(&lm->mu);
		for (i = 0; i < n; i++)
			if (snap[i] && lm->chunks[i])
				lm->chunks[i]->dirty = true;
		pthread_mutex_unlock(&lm->mu);
		for (k = 0; k < npend; k++)
			pend_add(vol, pend[k].owner, pend[k].idx);
		goto out_free;
	}
	for (k = 0; k < npend; k++) {
		char oid[CVOL_OID_MAX + 1];
		uint64_t idx = pend[k].idx, e;

		/*
		 * The maps no longer name it, unless a write since the
		 * snapshot above took it again (checked under its stripe).
		 * A failure leaves garbage for check, never a dangling map.
		 */
		pthread_mutex_lock(&vol->stripe[idx % CVOL_STRIPES]);
		if (!cvol_lmap_lookup(vol->pool, lm, idx, &e) &&
		    e != pend[k].owner) {
			cvol_data_oid(oid, sizeof(oid), pend[k].owner, idx);
			st->ops->remove(st->priv, oid);
		}
		pthread_mutex_unlock(&vol->stripe[idx % CVOL_STRIPES]);
	}
	cvol_clearerr();
out_free:
	for (i = 0; i < n; i++)
		free(snap[i]);
out_unlock:
	free(snap);
	free(pend);
	pthread_mutex_unlock(&vol->flush_mu);
	return ret;
}

int cvol_vol_flush(struct cvol_vol *vol)
{
	int ret;

	pthread_rwlock_rdlock(&vol->quiesce);
	ret = cvol_vol_flush_locked(vol);
	pthread_rwlock_unlock(&vol->quiesce);
	return ret;
}
