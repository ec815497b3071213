// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host rados */
/*
 * Two copies of every metadata object (review finding D21; see
 * Documentation/on-disk-format.md "Two copies"), on the store of
 * CVOL_TEST_STORE and on the mem store.  A byte of one copy is flipped
 * behind the engine's back (in the file itself on the file store):
 *  - the directory, newer or older copy: the pool opens and every volume
 *    and snapshot reads back exactly; check counts the bad copy and says
 *    which copy was bad, why, and which copy it used; repair rewrites it
 *    (and removes nothing else in that run); then the pool checks clean;
 *  - a map chunk, older copy: the same;
 *  - a map chunk, newer copy: the older copy is used, which is the chunk
 *    as it was before its last commit (that commit is what is lost, not
 *    the chunk); check reports it and repair removes nothing;
 *  - both copies of the directory: the pool does not open (-EILSEQ naming
 *    both copies), both of a chunk: reads of it and repair fail with
 *    -EILSEQ; nothing is removed.
 * A pool of the single-copy format (copies a only, no COPIES feature, as
 * an older cvol wrote it) opens and reads back exactly; its directory is
 * upgraded on open (copy a in place with the COPIES feature, which older
 * cvol refuse, then copy b), its chunks when next committed.
 * Two pool instances (two store instances: other processes or hosts)
 * creating volumes at once lose none: commits still serialise.
 */
#include <pthread.h>

#include "testlib.h"
#include "engine/format.h"

#define ORDER 16
#define OBJ (1u << ORDER)
#define NOBJ 1100 /* two map chunks */
#define NIDX 4

static const uint64_t idxs[NIDX] = { 0, 1, 1050, 1051 };
/* what the head and the snapshot hold at idxs[] */
static uint8_t cur[NIDX][OBJ], snapd[NIDX][OBJ];

static void put_obj(struct cvol_vol *v, int k, uint64_t seed)
{
	t_fill(cur[k], OBJ, seed);
	T_OK(cvol_vol_write(v, cur[k], idxs[k] * OBJ, OBJ, 0));
}

/*
 * A pool with volume "v" over two map chunks and its snapshot "s": layer
 * 2 (the snapshot) names objects 0, 1 (its chunk 0, committed three times:
 * copy b holds object 0 only) and 1050; the head, layer 3, objects 1 and
 * 1051.
 */
static void build(struct cvol_store_conf *conf)
{
	struct cvol_pool *pool = t_pool(conf);
	struct cvol_vol *v;

	memset(cur, 0, sizeof(cur));
	T_OK(cvol_vol_create(pool, "v", (uint64_t)NOBJ * OBJ, ORDER));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	put_obj(v, 0, 1);
	put_obj(v, 1, 2);
	put_obj(v, 2, 3);
	T_OK(cvol_vol_flush(v));
	T_OK(cvol_snap_create(pool, "v", "s"));
	memcpy(snapd, cur, sizeof(cur));
	put_obj(v, 1, 4);
	put_obj(v, 3, 5);
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);
}

/* the head and the snapshot read back as the model says */
static void expect(struct cvol_pool *pool, const char *what)
{
	static uint8_t got[OBJ];
	struct cvol_vol *v;
	int k, s;

	for (s = 0; s < 2; s++) {
		T_OK(cvol_vol_open(pool, "v", s ? "s" : NULL, CVOL_OPEN_RDONLY,
				   &v));
		for (k = 0; k < NIDX; k++)
			T_READ_EQ(v, got, idxs[k] * OBJ, OBJ,
				  s ? snapd[k] : cur[k],
				  "%s: %s object %" PRIu64 " differs", what,
				  s ? "snapshot" : "head", idxs[k]);
		T_OK(cvol_vol_close(v));
	}
}

/* sequence number of copy @i of @oid: 0, or -errno if missing or bad */
static int copy_seq(const struct cvol_store_conf *conf, const char *oid, int i,
		    uint32_t *seq, uint32_t *incompat)
{
	static uint8_t meta[1 << 20];
	size_t len;
	bool legacy;
	int ret;

	ret = t_copy_read(conf, oid, i, meta, sizeof(meta), &len);
	if (!ret)
		ret = cvol_meta_check(meta, len,
				      oid[0] == 'm' ? CVOL_CHUNK_MAGIC :
						      CVOL_DIR_MAGIC,
				      oid, seq, &legacy);
	if (!ret && incompat)
		*incompat = meta[16] | meta[17] << 8 | meta[18] << 16 |
			    (uint32_t)meta[19] << 24;
	return ret;
}

/* the copy of @oid with the higher sequence number (both must be good) */
static int newer_copy(const struct cvol_store_conf *conf, const char *oid,
		      uint32_t seq[2])
{
	T_OK(copy_seq(conf, oid, 0, &seq[0], NULL));
	T_OK(copy_seq(conf, oid, 1, &seq[1], NULL));
	if (seq[0] == seq[1])
		T_FAIL("%s: both copies have sequence %u", oid, seq[0]);
	return (int32_t)(seq[1] - seq[0]) > 0;
}

static int count_obj(void *arg, const char *oid)
{
	(*(int *)arg)++;
	return 0;
}

static int objects(const struct cvol_store_conf *conf)
{
	struct cvol_store *st;
	int n = 0;

	T_OK(cvol_store_open(conf, &st));
	T_OK(st->ops->list(st->priv, "", count_obj, &n));
	cvol_store_close(st);
	return n;
}

/* check reports one bad copy: copy @bad of @oid, and copy !@bad used */
static void expect_note(struct cvol_pool *pool, const char *oid, int bad,
			const char *why, uint32_t used_seq, bool repair)
{
	struct cvol_check_report rep;
	char want[256];

	T_OK(cvol_pool_check(pool, repair, &rep, NULL, NULL));
	if (rep.bad_copies != 1 || rep.bad_checksums || rep.dangling ||
	    rep.repaired || rep.copies_repaired != (repair ? 1 : 0))
		T_FAIL("%s: check: %" PRIu64 " bad copies, %" PRIu64
		       " bad, %" PRIu64 " dangling, %" PRIu64
		       " removed, %" PRIu64 " copies rewritten",
		       oid, rep.bad_copies, rep.bad_checksums, rep.dangling,
		       rep.repaired, rep.copies_repaired);
	snprintf(want, sizeof(want), "%s copy %c: %s", oid, bad ? 'b' : 'a',
		 why);
	if (!strstr(rep.copy_note, want))
		T_FAIL("check's note '%s' lacks '%s'", rep.copy_note, want);
	snprintf(want, sizeof(want), "; copy %c (sequence %u) used",
		 bad ? 'a' : 'b', used_seq);
	if (!strstr(rep.copy_note, want))
		T_FAIL("check's note '%s' lacks '%s'", rep.copy_note, want);
}

/* after repair: no bad copy left, both copies of @oid verify */
static void expect_clean(struct cvol_store_conf *conf, struct cvol_pool *pool,
			 const char *oid, uint64_t unreferenced)
{
	struct cvol_check_report rep;
	uint32_t seq;

	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.bad_copies || rep.bad_checksums || rep.dangling ||
	    rep.unreferenced != unreferenced || rep.copy_note[0])
		T_FAIL("%s: after repair: %" PRIu64 " bad copies (%s), %" PRIu64
		       " bad, %" PRIu64 " unreferenced",
		       oid, rep.bad_copies, rep.copy_note, rep.bad_checksums,
		       rep.unreferenced);
	T_OK(copy_seq(conf, oid, 0, &seq, NULL));
	T_OK(copy_seq(conf, oid, 1, &seq, NULL));
}

/* one copy of the directory: nothing lost either way */
static void dir_copy(struct cvol_store_conf *conf, bool newer)
{
	struct cvol_pool *pool;
	uint32_t seq[2];
	int bad;

	build(conf);
	bad = newer_copy(conf, CVOL_DIR_OID, seq) ^ !newer;
	t_meta_flip(conf, CVOL_DIR_OID, bad, 48);
	pool = t_pool(conf);
	expect(pool, "directory copy bad");
	expect_note(pool, CVOL_DIR_OID, bad, "pool directory: bad checksum",
		    seq[!bad], false);
	expect_note(pool, CVOL_DIR_OID, bad, "pool directory: bad checksum",
		    seq[!bad], true);
	expect_clean(conf, pool, CVOL_DIR_OID, 0);
	expect(pool, "directory copy rewritten");
	cvol_pool_close(pool);
}

/* copy b of the snapshot's chunk 0 (older), or copy a (newer) */
static void chunk_copy(struct cvol_store_conf *conf, bool newer)
{
	struct cvol_pool *pool;
	char oid[64];
	uint32_t seq[2];
	int bad, before;

	build(conf);
	cvol_chunk_oid(oid, sizeof(oid), 2, 0);
	if (newer_copy(conf, oid, seq) != 0 || seq[0] != 3 || seq[1] != 2)
		T_FAIL("%s: sequences %u, %u, expected 3, 2", oid, seq[0],
		       seq[1]);
	bad = !newer;
	t_meta_flip(conf, oid, bad, 48 + 8 * 0);
	if (newer)
		/* copy b: the chunk before object 1 was allocated */
		memset(snapd[1], 0, OBJ);
	before = objects(conf);
	pool = t_pool(conf);
	expect(pool, "chunk copy bad");
	expect_note(pool, oid, bad, "map chunk 2.0: bad checksum", seq[!bad],
		    false);
	expect_note(pool, oid, bad, "map chunk 2.0: bad checksum", seq[!bad],
		    true);
	if (objects(conf) != before)
		T_FAIL("%s: repair over a bad copy removed %d objects", oid,
		       before - objects(conf));
	/* copy b did not name the snapshot's object 1: unreferenced now */
	expect_clean(conf, pool, oid, newer ? 1 : 0);
	expect(pool, "chunk copy rewritten");
	cvol_pool_close(pool);
}

static void both_dir_copies(struct cvol_store_conf *conf)
{
	struct cvol_pool *pool;
	int before;

	build(conf);
	t_meta_flip(conf, CVOL_DIR_OID, 0, 48);
	t_meta_flip(conf, CVOL_DIR_OID, 1, 48);
	before = objects(conf);
	T_ERR(cvol_pool_open(conf, &pool), -EILSEQ,
	      "pool directory: bad checksum: expected 0x");
	if (!strstr(cvol_errmsg(), "(copy a); pool directory: bad checksum") ||
	    !strstr(cvol_errmsg(), "(copy b); no good copy"))
		T_FAIL("message does not name both copies: %s", cvol_errmsg());
	if (objects(conf) != before)
		T_FAIL("a failed open changed the store");
}

static void both_chunk_copies(struct cvol_store_conf *conf)
{
	struct cvol_check_report rep;
	struct cvol_pool *pool;
	struct cvol_vol *v;
	char oid[64], buf[512];
	int before;

	build(conf);
	cvol_chunk_oid(oid, sizeof(oid), 2, 1);
	t_meta_flip(conf, oid, 0, 48 + 8 * (1050 % 1024));
	t_meta_flip(conf, oid, 1, 48 + 8 * (1050 % 1024));
	before = objects(conf);
	pool = t_pool(conf);
	T_OK(cvol_vol_open(pool, "v", "s", CVOL_OPEN_RDONLY, &v));
	T_ERR(cvol_vol_read(v, buf, 1050ull * OBJ, sizeof(buf)), -EILSEQ,
	      "map chunk 2.1: bad checksum: expected 0x");
	if (!strstr(cvol_errmsg(), "no good copy"))
		T_FAIL("message does not name both copies: %s", cvol_errmsg());
	T_OK(cvol_vol_close(v));
	T_ERR(cvol_pool_check(pool, true, &rep, NULL, NULL), -EILSEQ,
	      "nothing was removed");
	if (objects(conf) != before)
		T_FAIL("repair over a chunk without a good copy removed %d",
		       before - objects(conf));
	cvol_pool_close(pool);
}

/* rewrite @oid as the single-copy format had it; drop copies b */
static int make_legacy(void *arg, const char *oid)
{
	static uint8_t meta[1 << 20];
	struct cvol_store *st = arg;
	uint64_t ver, nver;
	uint32_t crc;
	size_t len, n = strlen(oid);

	if (n > 2 && !strcmp(oid + n - 2, ".b"))
		return st->ops->remove(st->priv, oid);
	if (strcmp(oid, CVOL_DIR_OID) && oid[0] != 'm')
		return 0;
	T_OK(st->ops->meta_read(st->priv, oid, meta, sizeof(meta), &len, &ver));
	memset(meta + 16, 0, 4); /* incompat: none */
	memset(meta + (oid[0] == 'm' ? 44 : 36), 0, 4); /* reserved */
	memset(meta + 20, 0, 4);
	crc = cvol_crc32c(0, meta, len);
	meta[20] = crc;
	meta[21] = crc >> 8;
	meta[22] = crc >> 16;
	meta[23] = crc >> 24;
	T_OK(st->ops->meta_cas(st->priv, oid, meta, len, ver, &nver));
	return 0;
}

/* a pool of the single-copy format opens, reads, is upgraded */
static void upgrade(struct cvol_store_conf *conf)
{
	struct cvol_store *st;
	struct cvol_pool *pool;
	struct cvol_vol *v;
	uint32_t seq, incompat;
	char oid[64];

	build(conf);
	T_OK(cvol_store_open(conf, &st));
	T_OK(st->ops->list(st->priv, "", make_legacy, st));
	cvol_store_close(st);
	T_OK(copy_seq(conf, CVOL_DIR_OID, 0, &seq, &incompat));
	if (seq || incompat ||
	    copy_seq(conf, CVOL_DIR_OID, 1, &seq, NULL) != -ENOENT)
		T_FAIL("not the single-copy format");

	pool = t_pool(conf);
	/* the directory: copy a in place, with COPIES; then copy b */
	T_OK(copy_seq(conf, CVOL_DIR_OID, 0, &seq, &incompat));
	if (seq != 1 || incompat != CVOL_FEAT_INCOMPAT_COPIES)
		T_FAIL("directory copy a: sequence %u, incompat 0x%x", seq,
		       incompat);
	T_OK(copy_seq(conf, CVOL_DIR_OID, 1, &seq, &incompat));
	if (seq != 2 || incompat != CVOL_FEAT_INCOMPAT_COPIES)
		T_FAIL("directory copy b: sequence %u, incompat 0x%x", seq,
		       incompat);
	expect(pool, "upgraded pool");
	/* a chunk of the old format is upgraded when next committed */
	cvol_chunk_oid(oid, sizeof(oid), 3, 0);
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	t_fill(cur[0], OBJ, 6);
	T_OK(cvol_vol_write(v, cur[0], 0, OBJ, 0));
	T_OK(cvol_vol_close(v));
	T_OK(copy_seq(conf, oid, 0, &seq, &incompat));
	if (seq != 1 || incompat != CVOL_FEAT_INCOMPAT_COPIES)
		T_FAIL("%s copy a: sequence %u, incompat 0x%x", oid, seq,
		       incompat);
	T_OK(copy_seq(conf, oid, 1, &seq, NULL));
	expect(pool, "upgraded pool after a write");
	cvol_pool_close(pool);
	pool = t_pool(conf);
	expect(pool, "upgraded pool reopened");
	cvol_pool_close(pool);
}

#define RACERS 2
#define PER_RACER 12

struct racer {
	struct cvol_pool *pool;
	int id, err;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	char name[32];
	int i;

	for (i = 0; i < PER_RACER && !r->err; i++) {
		snprintf(name, sizeof(name), "r%d-%d", r->id, i);
		r->err = cvol_vol_create(r->pool, name, 1 << 20, ORDER);
		if (!r->err)
			r->err = cvol_vol_meta_set(r->pool, name, "k", name);
	}
	return NULL;
}

static int count_vol(void *arg, const char *name)
{
	(*(int *)arg)++;
	return 0;
}

/* two store instances committing at once lose no commit */
static void concurrent(struct cvol_store_conf *conf)
{
	struct racer r[RACERS];
	pthread_t th[RACERS];
	struct cvol_pool *pool;
	char name[32], val[300];
	int i, k, n = 0;

	for (i = 0; i < RACERS; i++) {
		r[i] = (struct racer){ .pool = t_pool(conf), .id = i };
		if (pthread_create(&th[i], NULL, race, &r[i]))
			T_FAIL("pthread_create");
	}
	for (i = 0; i < RACERS; i++) {
		pthread_join(th[i], NULL);
		if (r[i].err)
			T_FAIL("racer %d: %d", i, r[i].err);
		cvol_pool_close(r[i].pool);
	}
	pool = t_pool(conf);
	T_OK(cvol_vol_list(pool, count_vol, &n));
	if (n != RACERS * PER_RACER)
		T_FAIL("%d volumes after %d creates", n, RACERS * PER_RACER);
	for (i = 0; i < RACERS; i++) {
		for (k = 0; k < PER_RACER; k++) {
			snprintf(name, sizeof(name), "r%d-%d", i, k);
			T_OK(cvol_vol_meta_get(pool, name, "k", val,
					       sizeof(val)));
			if (strcmp(val, name))
				T_FAIL("%s: k = '%s'", name, val);
		}
	}
	cvol_pool_close(pool);
}

/* a fresh pool of the test's store, or (@mem) of the mem store */
static void fresh(struct cvol_store_conf *conf, bool mem)
{
	t_conf(conf);
	if (mem)
		conf->driver = "mem";
}

int main(void)
{
	struct cvol_store_conf conf;
	int n = 1, i;

	t_conf(&conf);
	if (strcmp(conf.driver, "mem"))
		n = 2;
	for (i = 0; i < n; i++) {
		fresh(&conf, i);
		dir_copy(&conf, true);
		fresh(&conf, i);
		dir_copy(&conf, false);
		fresh(&conf, i);
		chunk_copy(&conf, false);
		fresh(&conf, i);
		chunk_copy(&conf, true);
		fresh(&conf, i);
		both_dir_copies(&conf);
		fresh(&conf, i);
		both_chunk_copies(&conf);
		fresh(&conf, i);
		upgrade(&conf);
		fresh(&conf, i);
		concurrent(&conf);
	}
	printf("ok\n");
	return 0;
}
