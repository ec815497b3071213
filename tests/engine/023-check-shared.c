// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host */
/*
 * check counts data objects named by more than one map (each has one
 * owner map, Documentation/on-disk-format.md) and snapshot removals
 * recorded but not finished; the pool open and check --repair roll a
 * recorded removal forward.
 *
 * Volume v: snapshot s (layer 2) owns objects 0 and 1, the head (layer 3)
 * owns object 2.  A head map chunk that also names s's object 0 is a
 * shared object while s is a snapshot; once s is hidden (the directory's
 * merge intent) it is the middle of a merge: legal, and pending.  The
 * next pool open finishes the merge; so does check --repair when the open
 * could not.  The mem store is used (its failure injection makes the open's
 * roll forward fail).
 */
#include "testlib.h"
#include "engine/format.h"

#define OBJ 65536
#define SNAP 2 /* layer ids: 1 is the volume record */
#define HEAD 3

static uint8_t data[3 * OBJ], got[3 * OBJ];

/*
 * The newer good copy of metadata object @oid (see "Two copies" in
 * on-disk-format.md) into @buf, its length in *@len, the store versions of
 * both copies in @ver; returns its sequence number.
 */
static uint32_t newest(struct cvol_store *st, const char *oid, uint32_t magic,
		       void *buf, size_t cap, size_t *len, uint64_t ver[2])
{
	static uint8_t copy[1 << 16];
	char name[CVOL_OID_MAX + 1];
	uint32_t seq, best = 0;
	bool legacy, found = false;
	size_t n;
	int i;

	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "%s%s", oid, i ? CVOL_COPY_B : "");
		ver[i] = 0;
		if (st->ops->meta_read(st->priv, name, copy, sizeof(copy), &n,
				       &ver[i]))
			continue;
		if (cvol_meta_check(copy, n, magic, name, &seq, &legacy) ||
		    (found && seq <= best) || n > cap)
			continue;
		memcpy(buf, copy, n);
		*len = n;
		best = seq;
		found = true;
	}
	if (!found)
		T_FAIL("%s: no good copy", oid);
	return best;
}

/* replace both copies of @oid (versions @ver) with @buf as copy @seq */
static void replace(struct cvol_store *st, const char *oid, void *buf,
		    size_t len, uint32_t seq, const uint64_t ver[2])
{
	char name[CVOL_OID_MAX + 1];
	uint64_t nver;
	int i;

	cvol_meta_stamp(buf, len, seq);
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "%s%s", oid, i ? CVOL_COPY_B : "");
		T_OK(st->ops->meta_cas(st->priv, name, buf, len, ver[i],
				       &nver));
	}
}

/* the head's map chunk 0: object 0 taken from s, object 2 its own */
static void cross_link(struct cvol_store *st)
{
	static uint64_t e[CVOL_CHUNK_ENTRIES];
	static uint8_t buf[CVOL_CHUNK_SIZE];
	char oid[CVOL_OID_MAX + 1];
	uint64_t ver[2];
	uint32_t seq;
	size_t len;

	cvol_chunk_oid(oid, sizeof(oid), HEAD, 0);
	seq = newest(st, oid, CVOL_CHUNK_MAGIC, buf, sizeof(buf), &len, ver);
	T_OK(cvol_chunk_decode(buf, len, HEAD, 0, e, &(uint32_t){ 0 }));
	if (e[0] != CVOL_E_ABSENT || e[2] != HEAD)
		T_FAIL("head chunk: entries %" PRIx64 " %" PRIx64
		       ", expected 0 and 3",
		       e[0], e[2]);
	e[0] = SNAP;
	cvol_chunk_encode(HEAD, 0, e, buf);
	replace(st, oid, buf, CVOL_CHUNK_SIZE, seq + 1, ver);
}

/* make layer s hidden in the directory, as a removal's intent does */
static void hide_snap(struct cvol_store *st)
{
	static uint8_t buf[1 << 16];
	struct cvol_dir dir;
	uint64_t ver[2];
	uint32_t i, seq;
	size_t len;
	void *out;

	seq = newest(st, CVOL_DIR_OID, CVOL_DIR_MAGIC, buf, sizeof(buf), &len,
		     ver);
	T_OK(cvol_dir_decode(buf, len, &dir));
	for (i = 0; i < dir.nlayers; i++) {
		if (dir.layers[i].id != SNAP)
			continue;
		if (strcmp(dir.layers[i].name, "s"))
			T_FAIL("layer 2 is '%s', expected snapshot s",
			       dir.layers[i].name);
		dir.layers[i].kind = CVOL_LAYER_HIDDEN;
		dir.layers[i].name[0] = '\0';
	}
	T_OK(cvol_dir_encode(&dir, &out, &len));
	replace(st, CVOL_DIR_OID, out, len, seq + 1, ver);
	free(out);
	cvol_dir_free(&dir);
}

static void expect_check(struct cvol_pool *pool, uint64_t shared,
			 uint64_t pending, const char *when)
{
	struct cvol_check_report rep;

	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.shared != shared || rep.pending != pending || rep.dangling ||
	    rep.bad_checksums)
		T_FAIL("%s: %" PRIu64 " shared, %" PRIu64 " pending, %" PRIu64
		       " dangling, %" PRIu64 " bad checksums; expected %" PRIu64
		       " shared, %" PRIu64 " pending",
		       when, rep.shared, rep.pending, rep.dangling,
		       rep.bad_checksums, shared, pending);
}

static void expect_head(struct cvol_pool *pool, const char *when)
{
	struct cvol_vol *v;

	T_OK(cvol_vol_open(pool, "v", NULL, CVOL_OPEN_RDONLY, &v));
	T_READ_EQ(v, got, 0, sizeof(got), data, "%s: head differs", when);
	T_OK(cvol_vol_close(v));
	if (cvol_vol_open(pool, "v", "s", CVOL_OPEN_RDONLY, &v) != -ENOENT)
		T_FAIL("%s: snapshot s still opens", when);
}

/* the pool of @path with v@s cross-linked and then hidden */
static void setup(struct cvol_store_conf *conf, const char *path)
{
	struct cvol_store *st;
	struct cvol_pool *pool;
	struct cvol_vol *v;

	*conf = (struct cvol_store_conf){ .driver = "mem",
					  .pool = "shared",
					  .path = path };
	pool = t_pool(conf);
	T_OK(cvol_vol_create(pool, "v", sizeof(data), 16));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	t_fill(data, sizeof(data), 22);
	T_OK(cvol_vol_write(v, data, 0, 2 * OBJ, CVOL_WRITE_FUA));
	T_OK(cvol_vol_close(v));
	T_OK(cvol_snap_create(pool, "v", "s"));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	T_OK(cvol_vol_write(v, data + 2 * OBJ, 2 * OBJ, OBJ, CVOL_WRITE_FUA));
	T_OK(cvol_vol_close(v));
	expect_check(pool, 0, 0, "before the cross-link");
	cvol_pool_close(pool);

	T_OK(cvol_store_open(conf, &st));
	cross_link(st);
	cvol_store_close(st);
	pool = t_pool(conf);
	/* s is a snapshot of its own: the head must not name its object */
	expect_check(pool, 1, 0, "head names a snapshot's object");
	cvol_pool_close(pool);

	T_OK(cvol_store_open(conf, &st));
	hide_snap(st);
	cvol_store_close(st);
}

int main(void)
{
	struct cvol_store_conf conf;
	struct cvol_check_report rep;
	struct cvol_pool *pool;
	const char *tmp = getenv("CVOL_TMP");
	char path[4096];
	uint64_t n;
	int ret;

	snprintf(path, sizeof(path), "%s/shared-%d", tmp ? tmp : "/tmp",
		 (int)getpid());

	/* the open rolls the merge forward */
	setup(&conf, path);
	pool = t_pool(&conf);
	expect_check(pool, 0, 0, "reopened after the intent");
	expect_head(pool, "reopened after the intent");
	cvol_pool_close(pool);
	cvol_store_mem_destroy(path);

	/* the open cannot (its store fails): check reports, repair ends it */
	setup(&conf, path);
	/* the first open that works is one whose roll forward failed */
	for (n = 1;; n++) {
		if (n > 100)
			T_FAIL("pool open fails at every store operation");
		T_OK(cvol_store_mem_fail_after(path, n));
		ret = cvol_pool_open(&conf, &pool);
		T_OK(cvol_store_mem_fail_after(path, 0));
		if (!ret)
			break;
	}
	expect_check(pool, 0, 1, "a merge pending");
	T_OK(cvol_pool_check(pool, true, &rep, NULL, NULL));
	if (rep.pending)
		T_FAIL("repair left %" PRIu64 " pending", rep.pending);
	expect_check(pool, 0, 0, "after repair");
	expect_head(pool, "after repair");
	cvol_pool_close(pool);
	cvol_store_mem_destroy(path);
	printf("ok\n");
	return 0;
}
