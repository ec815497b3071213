// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Two copies of every metadata object (A/B slots).
 *
 * The directory and each map chunk are kept as two store objects, copy a
 * named <oid> and copy b named <oid>.b, each a complete self-checking
 * object with a sequence number in its header (format.h, COPIES).  A load
 * reads and verifies both and decodes the good one with the higher
 * sequence number; a commit replaces the other one (the older, missing or
 * bad copy) with sequence number + 1, by meta_cas() on *that* copy's
 * version.  So a commit writes one object, a torn or rotten copy costs at
 * most the last commit, and writers in other processes and hosts still
 * serialise: a commit succeeds only if the copy it replaces did not change
 * since it was read, and a copy changes only after a commit saw the other
 * one as the newer (see Documentation/on-disk-format.md, "Two copies").
 *
 * An object's first commit (no copy yet) and the upgrade of an object of
 * the single-copy format (which is always copy a, rewritten in place so
 * that no older cvol reads it) also write the copy that is missing, at
 * once, so every object has two copies from its first commit on.
 *
 * A chunk commit writes one copy, so the older copy lacks the last
 * commit of that chunk: if the newer copy rots, that commit is lost (not
 * the whole chunk).  The directory changes only on management operations,
 * and its older copy could be months old (a head switched by a snapshot
 * since), so a directory commit mirrors: it writes the other copy too,
 * after the first (best effort, like the second copy of a new object).
 * Then only a commit in flight can fall back to the state before it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine-int.h"

/* a is newer than b: sequence numbers compare modulo 2^32 */
static bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static void copy_oid(char *buf, size_t cap, const char *oid, int i)
{
	snprintf(buf, cap, "%s%s", oid, i ? CVOL_COPY_B : "");
}

/* read copy @oid into a malloc'ed *@buf of at most @max bytes */
static int copy_read(struct cvol_pool *pool, const char *oid, size_t max,
		     void **buf, size_t *len, uint64_t *ver)
{
	size_t cap = max < 65536 ? max : 65536;
	int ret;

	for (;;) {
		*buf = malloc(cap);
		if (!*buf)
			return cvol_seterr(-ENOMEM, "out of memory");
		ret = pool->st->ops->meta_read(pool->st->priv, oid, *buf, cap,
					       len, ver);
		if (ret != -EOVERFLOW || cap >= max)
			break;
		free(*buf);
		cap = cap * 4 < max ? cap * 4 : max;
	}
	if (ret) {
		free(*buf);
		*buf = NULL;
	}
	return ret;
}

int cvol_copies_load(struct cvol_pool *pool, const char *oid, uint32_t magic,
		     size_t max, const char *what, cvol_copy_decode_cb decode,
		     void *arg, struct cvol_copies *cp)
{
	char name[CVOL_OID_MAX + 1], why[2][256] = { "", "" };
	uint32_t seq[2] = { 0, 0 };
	bool good[2] = { false, false }, legacy[2] = { false, false };
	void *buf[2] = { NULL, NULL };
	size_t len[2];
	int i, first, ret = 0;

	memset(cp, 0, sizeof(*cp));
	for (i = 0; i < 2 && !ret; i++) {
		copy_oid(name, sizeof(name), oid, i);
		ret = copy_read(pool, name, max, &buf[i], &len[i], &cp->ver[i]);
		if (ret == -ENOENT) {
			cp->ver[i] = 0;
			ret = 0;
			continue;
		}
		if (ret == -EOVERFLOW) {
			/* not a copy of ours: bad, and not replaceable */
			cp->ver[i] = 0;
			cp->bad |= 1 << i;
			snprintf(
				why[i], sizeof(why[i]),
				"%s: size: expected at most %zu bytes, found more",
				what, max);
			ret = 0;
			continue;
		}
		if (ret)
			break;
		cp->found = true;
		ret = cvol_meta_check(buf[i], len[i], magic, what, &seq[i],
				      &legacy[i]);
		if (ret == -EILSEQ) {
			cp->bad |= 1 << i;
			snprintf(why[i], sizeof(why[i]), "%s", cvol_errmsg());
			ret = 0;
		} else if (!ret) {
			good[i] = true;
		}
	}
	if (ret)
		goto out_free; /* a store error or a newer cvol's object */
	cp->found = cp->found || cp->bad;
	/* the newest good copy first (a on a tie); if it does not decode,
	 * the other */
	first = good[1] && (!good[0] || seq_after(seq[1], seq[0]));
	for (i = first;; i = !i) {
		if (good[i]) {
			ret = decode(arg, buf[i], len[i]);
			if (!ret) {
				cp->used = i;
				cp->seq = seq[i];
				cp->legacy = legacy[i];
				break;
			}
			if (ret != -EILSEQ)
				goto out_free;
			good[i] = false;
			cp->bad |= 1 << i;
			snprintf(why[i], sizeof(why[i]), "%s", cvol_errmsg());
		}
		if (i != first)
			break;
	}
	if (!good[0] && !good[1]) {
		if (!cp->bad)
			ret = cvol_seterr(-ENOENT, "%s: missing", what);
		else if (cp->bad == 3)
			ret = cvol_seterr(
				-EILSEQ,
				"%s (copy a); %s (copy b); no good copy",
				why[0], why[1]);
		else
			ret = cvol_seterr(-EILSEQ, "%s", why[cp->bad == 2]);
		goto out_free;
	}
	if (cp->bad)
		/* for check: what was wrong with the other copy */
		cvol_seterr(0, "%s copy %c: %s; copy %c (sequence %u) used",
			    oid, cp->used ? 'a' : 'b', why[!cp->used],
			    cp->used ? 'b' : 'a', cp->seq);
out_free:
	free(buf[0]);
	free(buf[1]);
	return ret;
}

/* replace copy @i of @oid with @buf stamped with @seq */
static int copy_write(struct cvol_pool *pool, const char *oid, int i, void *buf,
		      size_t len, uint32_t seq, struct cvol_copies *cp)
{
	char name[CVOL_OID_MAX + 1];
	uint64_t nver;
	int ret;

	copy_oid(name, sizeof(name), oid, i);
	cvol_meta_stamp(buf, len, seq);
	ret = pool->st->ops->meta_cas(pool->st->priv, name, buf, len,
				      cp->ver[i], &nver);
	if (ret)
		return ret;
	cp->ver[i] = nver;
	cp->bad &= ~(1 << i);
	cp->used = i;
	cp->seq = seq;
	cp->legacy = false;
	cp->found = true;
	return 0;
}

int cvol_copies_store(struct cvol_pool *pool, const char *oid, void *buf,
		      size_t len, struct cvol_copies *cp, bool mirror)
{
	int t, ret;

	/*
	 * The copy not in use; a single-copy object is rewritten in place,
	 * so that no cvol without copies reads it (and stale) any more.
	 */
	t = !cp->found ? 0 : cp->legacy ? cp->used : !cp->used;
	ret = copy_write(pool, oid, t, buf, len, cp->found ? cp->seq + 1 : 1,
			 cp);
	if (ret)
		return ret;
	if (!mirror && (cp->ver[!t] || (cp->bad & (1 << !t))))
		return 0;
	/*
	 * The other copy too, when it does not exist yet or @mirror: best
	 * effort, the commit is done (a concurrent commit may have replaced
	 * that copy already, which is as good).
	 */
	if (copy_write(pool, oid, !t, buf, len, cp->seq + 1, cp))
		cvol_clearerr();
	return 0;
}
