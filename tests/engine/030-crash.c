// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host */
/*
 * Crash injection: a mixed workload (writes across object boundaries,
 * partial and whole-object discards, flushes, snapshots, a clone and
 * its flatten, a snapshot removal) runs on the mem store, which fails every operation from the
 * Nth on; then the power is cut (unflushed changes lost, or torn per
 * 4 KiB block), the pool reopened and checked.  For every N:
 *  - check finds no dangling reference and no bad checksum, and after a
 *    repair nothing unreferenced is left;
 *  - every sector not written since the last completed flush reads back
 *    exactly as flushed; a snapshot that exists reads exactly as the
 *    volume was when it was taken, and so does a clone of it;
 *  - the interrupted write, discard or flush, done again on the recovered
 *    volume and flushed, survives a second power cut, and so does the
 *    rest of the volume as it was read back.
 * 031-fsm-crash.c runs this file on the file store over fsmodel instead
 * (CRASH_FSMODEL).
 */
#include "testlib.h"

#ifdef CRASH_FSMODEL
#include "lib/fsmodel.h"
#define CRASH_DRIVER "file"
#define CRASH_PATH(p) FSMODEL_ROOT "/" p
/* a crash point is every state-changing file system call */
#define crash_ops(path) fsmodel_changes()
#define crash_fail_after(path, n) fsmodel_fail_after(n)
#define crash_cut(path, torn, seed) fsmodel_powercut((torn) ? (seed) : 0)
#define crash_destroy(path) fsmodel_reset()
#else
#define CRASH_DRIVER "mem"
#define CRASH_PATH(p) p
/* a crash point is every store operation */
#define crash_ops(path) cvol_store_mem_ops_count(path)
#define crash_fail_after(path, n) cvol_store_mem_fail_after(path, n)
#define crash_cut(path, torn, seed) \
	cvol_store_mem_powercut(    \
		path, (torn) ? CVOL_MEM_CUT_TORN : CVOL_MEM_CUT_LOSE, seed)
#define crash_destroy(path) cvol_store_mem_destroy(path)
#endif

#define ORDER 16
#define OSZ (1u << ORDER)
#define SIZE (6 * OSZ)
#define SECS (SIZE / 512)
#define NOPS 40

struct model {
	uint8_t cur[SIZE], durable[SIZE], snap[SIZE];
	bool dirty[SECS]; /* written since the last completed flush */
	bool have_snap;
};

static struct model m;

/* one workload step; returns the engine's result */
static int step(struct cvol_pool *pool, struct cvol_vol **vp, int i,
		uint64_t *rs)
{
	uint8_t buf[3 * OSZ];
	uint64_t off, len, s;
	unsigned int r = t_rand(rs) % 10;
	int ret;

	if (i == 15 || i == 30) {
		/* flushes the head first: everything becomes durable */
		ret = cvol_snap_create(pool, "v", i == 15 ? "a" : "b");
		if (!ret) {
			memcpy(m.durable, m.cur, SIZE);
			memset(m.dirty, 0, sizeof(m.dirty));
			if (i == 15) {
				memcpy(m.snap, m.cur, SIZE);
				m.have_snap = true;
			}
		}
		return ret;
	}
	if (i == 35)
		return cvol_snap_remove(pool, "v", "b");
	if (i == 20 && m.have_snap)
		return cvol_clone(pool, "v", "a", "c");
	if (i == 25 && m.have_snap)
		return cvol_flatten(pool, "c", NULL, NULL);
	off = (t_rand(rs) % SECS) * 512;
	len = 512 * (1 + t_rand(rs) % (2 * OSZ / 512));
	if (r < 2)
		off &= ~(uint64_t)(OSZ - 1), len = OSZ;
	if (off + len > SIZE)
		len = SIZE - off;
	if (r < 6) {
		t_fill(buf, len, *rs);
		for (s = off / 512; s < (off + len) / 512; s++)
			m.dirty[s] = true;
		memcpy(m.cur + off, buf, len);
		return cvol_vol_write(*vp, buf, off, len, 0);
	}
	if (r < 8) {
		for (s = off / 512; s < (off + len) / 512; s++)
			m.dirty[s] = true;
		memset(m.cur + off, 0, len);
		return cvol_vol_discard(*vp, off, len);
	}
	ret = cvol_vol_flush(*vp);
	if (!ret) {
		memcpy(m.durable, m.cur, SIZE);
		memset(m.dirty, 0, sizeof(m.dirty));
	}
	return ret;
}

/* step @i is a write, discard or flush (not a snapshot, clone, flatten) */
static bool plain_step(int i)
{
	return i != 15 && i != 20 && i != 25 && i != 30 && i != 35;
}

/*
 * Do step @i (interrupted by the power cut) again on the recovered
 * volume, with its arguments (@rs as it was before the step), flush, cut
 * the power once more: the volume must read back exactly as it was read
 * after recovery with the step applied.
 */
static void retry(struct cvol_store_conf *conf, struct cvol_pool **pool, int i,
		  uint64_t rs, int cut, uint64_t failat)
{
	static uint8_t got[SIZE];
	struct cvol_vol *vol;

	T_OK(cvol_vol_open(*pool, "v", NULL, 0, &vol));
	T_OK(cvol_vol_read(vol, m.cur, 0, SIZE));
	if (step(*pool, &vol, i, &rs))
		T_FAIL("cut at op %" PRIu64 ": step %d fails after recovery",
		       failat, i);
	T_OK(cvol_vol_flush(vol));
	T_OK(cvol_vol_close(vol));
	cvol_pool_close(*pool);
	crash_cut(conf->path, cut, failat + 1);

	*pool = t_pool(conf);
	T_OK(cvol_vol_open(*pool, "v", NULL, 0, &vol));
	T_OK(cvol_vol_read(vol, got, 0, SIZE));
	if (memcmp(got, m.cur, SIZE))
		T_FAIL("cut at op %" PRIu64 " (%s): step %d done again and "
		       "flushed is lost by a second power cut",
		       failat, cut ? "torn" : "lost", i);
	T_OK(cvol_vol_close(vol));
}

/* run the workload, failing from store operation @failat on (0: never);
 * returns the number of store operations it took */
static uint64_t run(const char *path, uint64_t failat, int cut)
{
	struct cvol_store_conf conf = { .driver = CRASH_DRIVER,
					.pool = "crash",
					.path = path };
	struct cvol_check_report rep;
	struct cvol_pool *pool;
	struct cvol_vol *vol;
	uint8_t got[SIZE];
	uint64_t rs = 12345, rs_step = rs, ops, s;
	int i;

	memset(&m, 0, sizeof(m));
	pool = t_pool(&conf);
	T_OK(cvol_vol_create(pool, "v", SIZE, ORDER));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &vol));
	ops = crash_ops(path);
	if (failat)
		crash_fail_after(path, failat);
	for (i = 0; i < NOPS; i++) {
		rs_step = rs;
		if (step(pool, &vol, i, &rs))
			break;
	}
	ops = crash_ops(path) - ops;
	cvol_vol_close(vol); /* may fail: the power is going */
	cvol_pool_close(pool);
	crash_cut(path, cut, failat);

	pool = t_pool(&conf);
	T_OK(cvol_pool_check(pool, true, &rep, NULL, NULL));
	if (rep.dangling || rep.bad_checksums)
		T_FAIL("cut at op %" PRIu64 " (%s): %" PRIu64
		       " dangling, %" PRIu64 " bad checksums",
		       failat, cut ? "torn" : "lost", rep.dangling,
		       rep.bad_checksums);
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.unreferenced)
		T_FAIL("cut at op %" PRIu64 ": %" PRIu64
		       " unreferenced after repair",
		       failat, rep.unreferenced);
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &vol));
	T_OK(cvol_vol_read(vol, got, 0, SIZE));
	for (s = 0; s < SECS; s++)
		if (!m.dirty[s] &&
		    memcmp(got + s * 512, m.durable + s * 512, 512))
			T_FAIL("cut at op %" PRIu64
			       " (%s): flushed sector %" PRIu64 " lost",
			       failat, cut ? "torn" : "lost", s);
	T_OK(cvol_vol_close(vol));
	if (m.have_snap) {
		if (cvol_vol_open(pool, "v", "a", 0, &vol))
			T_FAIL("cut at op %" PRIu64 " (%s): snapshot lost",
			       failat, cut ? "torn" : "lost");
		T_OK(cvol_vol_read(vol, got, 0, SIZE));
		if (memcmp(got, m.snap, SIZE))
			T_FAIL("cut at op %" PRIu64 ": snapshot differs",
			       failat);
		T_OK(cvol_vol_close(vol));
		/* a clone that made it reads the snapshot, flattened or not */
		if (cvol_vol_open(pool, "c", NULL, CVOL_OPEN_RDONLY, &vol) ==
		    0) {
			T_OK(cvol_vol_read(vol, got, 0, SIZE));
			if (memcmp(got, m.snap, SIZE))
				T_FAIL("cut at op %" PRIu64 ": clone differs",
				       failat);
			T_OK(cvol_vol_close(vol));
		}
	}
	if (i < NOPS && plain_step(i))
		retry(&conf, &pool, i, rs_step, cut, failat);
	cvol_pool_close(pool);
	crash_destroy(path);
	return ops;
}

int main(void)
{
	uint64_t total, n;
	int cut;

	total = run(CRASH_PATH("crash-0"), 0, 0);
	printf("workload: %d steps, %" PRIu64 " store operations\n", NOPS,
	       total);
	for (n = 1; n <= total; n++)
		for (cut = 0; cut < 2; cut++)
			run(CRASH_PATH("crash-n"), n, cut);
	printf("%" PRIu64 " power cuts (lost and torn) all recovered\n",
	       2 * total);
	return 0;
}
