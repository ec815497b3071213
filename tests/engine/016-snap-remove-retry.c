// SPDX-License-Identifier: GPL-2.0
/*
 * A snapshot removal that fails part-way and is then retried loses
 * nothing.  Volume v has snapshots a, b and c (each a layer whose only
 * child is the next; the head is c's child), and each of a and b has
 * objects its child inherits and objects its child overwrote.  On the
 * in-memory store, the removal of v@a (merged into v@b) and of v@b (merged
 * into v@c) and of v@c (merged into the head) is made to fail at each of
 * its store operations in turn; the failure is then cleared, the head is
 * overwritten whole (a user keeps writing), and the removal is retried, as
 * a user or cvold would, until it succeeds.  The write must not reach a
 * snapshot that still exists.  Afterwards the head and the snapshots that
 * remain read exactly what was written, check finds no dangling object,
 * and what a failure after the directory update left unreferenced, repair
 * removes without touching what is read.
 *
 * cvol-lane: host
 */
#include "testlib.h"

#define ORDER 16
#define OBJ (1u << ORDER)
#define NOBJ 4
#define SIZE (NOBJ * OBJ)

static uint8_t want_head[SIZE], want_b[SIZE], want_c[SIZE], want_new[SIZE];

static void expect(struct cvol_pool *pool, const char *snap,
		   const uint8_t *want, uint64_t failat)
{
	static uint8_t got[SIZE];
	struct cvol_vol *vol;
	unsigned int i;

	T_OK(cvol_vol_open(pool, "v", snap, CVOL_OPEN_RDONLY, &vol));
	T_OK(cvol_vol_read(vol, got, 0, SIZE));
	T_OK(cvol_vol_close(vol));
	for (i = 0; i < NOBJ; i++)
		if (memcmp(got + i * OBJ, want + i * OBJ, OBJ))
			T_FAIL("failure at op %" PRIu64
			       ", retried: v%s%s object %u differs",
			       failat, snap ? "@" : "", snap ? snap : "", i);
}

static bool snap_exists(struct cvol_pool *pool, const char *snap)
{
	struct cvol_vol *vol;

	if (cvol_vol_open(pool, "v", snap, CVOL_OPEN_RDONLY, &vol))
		return false;
	T_OK(cvol_vol_close(vol));
	return true;
}

/*
 * v@a: every object of pattern 1; object 0 rewritten (pattern 2), v@b;
 * object 1 rewritten (pattern 3), v@c.  Returns the open pool.
 */
static struct cvol_pool *setup(struct cvol_store_conf *conf)
{
	static uint8_t buf[SIZE];
	struct cvol_pool *pool = t_pool(conf);
	struct cvol_vol *vol;

	T_OK(cvol_vol_create(pool, "v", SIZE, ORDER));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &vol));
	t_fill(buf, SIZE, 1);
	T_OK(cvol_vol_write(vol, buf, 0, SIZE, CVOL_WRITE_FUA));
	T_OK(cvol_vol_close(vol));
	T_OK(cvol_snap_create(pool, "v", "a"));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &vol));
	t_fill(buf, OBJ, 2);
	T_OK(cvol_vol_write(vol, buf, 0, OBJ, CVOL_WRITE_FUA));
	T_OK(cvol_vol_close(vol));
	T_OK(cvol_snap_create(pool, "v", "b"));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &vol));
	t_fill(buf, OBJ, 3);
	T_OK(cvol_vol_write(vol, buf, OBJ, OBJ, CVOL_WRITE_FUA));
	T_OK(cvol_vol_close(vol));
	T_OK(cvol_snap_create(pool, "v", "c"));
	return pool;
}

/* remove v@@snap, failing from store operation @failat on; then retry */
static uint64_t run(const char *path, const char *snap, uint64_t failat,
		    unsigned int *retries, unsigned int *leftover)
{
	struct cvol_store_conf conf = { .driver = "mem",
					.pool = "retry",
					.path = path };
	struct cvol_check_report rep;
	struct cvol_pool *pool;
	struct cvol_vol *vol;
	uint64_t ops;
	int ret, tries = 0;

	pool = setup(&conf);
	ops = cvol_store_mem_ops_count(path);
	if (failat)
		cvol_store_mem_fail_after(path, failat);
	ret = cvol_snap_remove(pool, "v", snap);
	ops = cvol_store_mem_ops_count(path) - ops;
	cvol_store_mem_fail_after(path, 0);
	/* no object is shared but by a recorded merge and its child */
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.shared || rep.pending > 1)
		T_FAIL("failure at op %" PRIu64 ", v@%s: %" PRIu64
		       " shared objects, %" PRIu64 " pending removals",
		       failat, snap, rep.shared, rep.pending);
	/* the user goes on writing before the retry */
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &vol));
	T_OK(cvol_vol_write(vol, want_new, 0, SIZE, CVOL_WRITE_FUA));
	T_OK(cvol_vol_close(vol));
	/* a snapshot the failed removal left in place is untouched */
	if (!strcmp(snap, "c") && snap_exists(pool, "c"))
		expect(pool, "c", want_c, failat);
	if (strcmp(snap, "a") && snap_exists(pool, "b"))
		expect(pool, "b", want_b, failat);
	while (ret && ret != -ENOENT && tries++ < 5) {
		(*retries)++;
		ret = cvol_snap_remove(pool, "v", snap);
	}
	if (ret && ret != -ENOENT)
		T_FAIL("failure at op %" PRIu64 ": retried removal of v@%s: %d",
		       failat, snap, ret);
	if (cvol_vol_open(pool, "v", snap, 0, &(struct cvol_vol *){ NULL }) !=
	    -ENOENT)
		T_FAIL("failure at op %" PRIu64 ": v@%s still exists", failat,
		       snap);

	expect(pool, NULL, want_new, failat);
	if (strcmp(snap, "c"))
		expect(pool, "c", want_c, failat);
	if (strcmp(snap, "b"))
		expect(pool, "b", want_b, failat);
	/*
	 * A failure after the directory dropped the snapshot may leave its
	 * shadowed objects behind, unreferenced: repair removes them, and
	 * nothing that is read may go with them.
	 */
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.dangling || rep.bad_checksums)
		T_FAIL("failure at op %" PRIu64 ", v@%s retried: %" PRIu64
		       " dangling, %" PRIu64 " bad checksums",
		       failat, snap, rep.dangling, rep.bad_checksums);
	if (rep.unreferenced) {
		(*leftover)++;
		T_OK(cvol_pool_check(pool, true, &rep, NULL, NULL));
		expect(pool, NULL, want_new, failat);
		if (strcmp(snap, "c"))
			expect(pool, "c", want_c, failat);
		if (strcmp(snap, "b"))
			expect(pool, "b", want_b, failat);
	}
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.dangling || rep.bad_checksums || rep.unreferenced ||
	    rep.shared || rep.pending)
		T_FAIL("failure at op %" PRIu64 ", v@%s retried: %" PRIu64
		       " dangling, %" PRIu64 " bad checksums, %" PRIu64
		       " unreferenced, %" PRIu64 " shared, %" PRIu64 " pending",
		       failat, snap, rep.dangling, rep.bad_checksums,
		       rep.unreferenced, rep.shared, rep.pending);
	cvol_pool_close(pool);
	cvol_store_mem_destroy(path);
	return ops;
}

int main(void)
{
	static const char *const snaps[] = { "a", "b", "c" };
	const char *tmp = getenv("CVOL_TMP");
	unsigned int retries = 0, points = 0, leftover = 0, s;
	char path[4096];
	uint64_t n, total;

	snprintf(path, sizeof(path), "%s/retry-%d", tmp ? tmp : "/tmp",
		 (int)getpid());
	t_fill(want_head, SIZE, 1);
	t_fill(want_head, OBJ, 2);
	memcpy(want_b, want_head, SIZE);
	t_fill(want_head + OBJ, OBJ, 3);
	memcpy(want_c, want_head, SIZE);
	t_fill(want_new, SIZE, 9);
	for (s = 0; s < 3; s++) {
		total = run(path, snaps[s], 0, &retries, &leftover);
		for (n = 1; n <= total; n++, points++)
			run(path, snaps[s], n, &retries, &leftover);
	}
	printf("ok: %u failure points, %u retried removals, %u left garbage that repair removed, nothing lost\n",
	       points, retries, leftover);
	return 0;
}
