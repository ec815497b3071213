// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host */
/*
 * A torn directory commit (review finding D21), on the real file store
 * over fsmodel: a snapshot's directory commit is cut by a power failure
 * before each of its file system calls in turn (losing, or with a seed
 * tearing, what was not durable), then the newest copy of the directory
 * that survived is torn too (a byte flipped in its file, as a torn or
 * rotten write leaves it).  The pool must open from the other copy, with
 * the state that copy holds (the previous commit, or the same one when
 * the commit's mirror write made it): the volume reads back exactly, the
 * snapshot exists iff that copy names it and then reads back exactly, and
 * check reports the bad copy and the one it used.
 */
#include "lib/fsmodel.h"
#include "testlib.h"
#include "engine/format.h"

#define OSZ (64u << 10)

static uint8_t data[OSZ], got[OSZ];

/* copy @i of the directory: its sequence number and layer count */
static int dir_copy(const struct cvol_store_conf *conf, int i, uint32_t *seq,
		    uint32_t *nlayers)
{
	static uint8_t meta[1 << 16];
	struct cvol_dir dir;
	size_t len;
	bool legacy;
	int ret;

	ret = t_copy_read(conf, CVOL_DIR_OID, i, meta, sizeof(meta), &len);
	if (ret)
		return ret;
	T_OK(cvol_meta_check(meta, len, CVOL_DIR_MAGIC, CVOL_DIR_OID, seq,
			     &legacy));
	T_OK(cvol_dir_decode(meta, len, &dir));
	*nlayers = dir.nlayers;
	cvol_dir_free(&dir);
	return 0;
}

static void expect_vol(struct cvol_pool *pool, const char *snap)
{
	struct cvol_vol *v;

	T_OK(cvol_vol_open(pool, "v", snap, CVOL_OPEN_RDONLY, &v));
	T_READ_EQ(v, got, 0, OSZ, data, "%s reads back wrong",
		  snap ? "the snapshot" : "the volume");
	T_OK(cvol_vol_close(v));
}

/*
 * cut the power before the @n-th file system change of the snapshot (0:
 * after it); returns how many changes the snapshot made
 */
static uint64_t run(uint64_t n, uint64_t seed)
{
	struct cvol_store_conf conf;
	struct cvol_check_report rep;
	struct cvol_pool *pool;
	struct cvol_vol *v;
	uint32_t seq[2], nl[2];
	int newest, snap;
	uint64_t changes;
	char want[128];

	fsmodel_reset();
	v = t_setup(&conf, &pool, 4 * OSZ);
	T_OK(cvol_vol_write(v, data, 0, OSZ, CVOL_WRITE_FUA));
	T_OK(cvol_vol_close(v));
	changes = fsmodel_changes();
	if (n)
		fsmodel_fail_after(n);
	if (cvol_snap_create(pool, "v", "s") && !n)
		T_FAIL("snapshot without a power cut");
	changes = fsmodel_changes() - changes;
	cvol_pool_close(pool);
	fsmodel_powercut(seed);

	/* tear the newest copy that survived (the only one if just one) */
	if (dir_copy(&conf, 0, &seq[0], &nl[0]))
		T_FAIL("cut %" PRIu64 ": no directory copy a", n);
	newest = 0;
	if (!dir_copy(&conf, 1, &seq[1], &nl[1]))
		newest = (int32_t)(seq[1] - seq[0]) > 0;
	t_meta_flip(&conf, CVOL_DIR_OID, newest, 48);

	pool = t_pool(&conf);
	expect_vol(pool, NULL);
	/* the snapshot is there iff the copy in use names its layer */
	snap = nl[!newest] == 2;
	if (snap)
		expect_vol(pool, "s");
	else if (cvol_vol_open(pool, "v", "s", CVOL_OPEN_RDONLY, &v) != -ENOENT)
		T_FAIL("cut %" PRIu64 ": a snapshot the copy in use lacks", n);
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	snprintf(want, sizeof(want), "cvol.dir copy %c: ", newest ? 'b' : 'a');
	if (rep.bad_copies != 1 || rep.dangling || rep.bad_checksums ||
	    !strstr(rep.copy_note, want))
		T_FAIL("cut %" PRIu64 ": check: %" PRIu64
		       " bad copies (%s), %" PRIu64 " dangling, %" PRIu64
		       " bad",
		       n, rep.bad_copies, rep.copy_note, rep.dangling,
		       rep.bad_checksums);
	snprintf(want, sizeof(want), "copy %c (sequence %u) used",
		 newest ? 'a' : 'b', seq[!newest]);
	if (!strstr(rep.copy_note, want))
		T_FAIL("cut %" PRIu64 ": note '%s' lacks '%s'", n,
		       rep.copy_note, want);
	cvol_pool_close(pool);
	return changes;
}

int main(void)
{
	uint64_t n, total;

	setenv("CVOL_TEST_STORE", "file", 1);
	setenv("CVOL_TMP", FSMODEL_ROOT, 1);
	t_fill(data, OSZ, 1);
	/* no cut first: the commit completes, then its newest copy tears */
	total = run(0, 0);
	for (n = 1; n <= total; n++) {
		run(n, 0);
		run(n, n);
	}
	printf("ok: %" PRIu64
	       " cut points, each lost and torn, and the newest copy torn\n",
	       total);
	return 0;
}
