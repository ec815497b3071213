// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host */
/*
 * Crash injection.  A workload on volume v mixes writes across object
 * boundaries (allocations, copy-ups, in-place), partial and whole-object
 * discards and flushes with every multi-step operation: snapshot create,
 * clone and flatten, snapshot removals (a merge into a snapshot, a merge
 * into the open head, a removal kept hidden for two children and the
 * merge that follows it), resize (grow, shrink, grow again), rollback and
 * check --repair.  It runs on the mem store, which fails every operation
 * from the Nth on; then, for every N and each of three ends:
 *  - lost: the power is cut, every unflushed change lost;
 *  - torn: the power is cut, each unflushed change lost, kept or mixed
 *    per 4 KiB block;
 *  - killed: the process dies, what reached the store stays;
 * the pool is reopened (which rolls an interrupted snapshot removal
 * forward) and:
 *  - check finds no dangling reference, bad checksum, object named by
 *    two maps or pending removal, and after a repair nothing unreferenced;
 *  - v reads back every sector not written since the last completed flush
 *    exactly as flushed (killed: every sector the interrupted step did not
 *    touch exactly as written), at the old or the new size of an
 *    interrupted resize, or exactly as the snapshot an interrupted
 *    rollback went to;
 *  - every snapshot reads exactly what v held when it was taken (one the
 *    interrupted step created or removed may be missing), and so does a
 *    clone of it, flattened or not;
 *  - the interrupted step is done again, as a user would (-EEXIST and
 *    -ENOENT accepted where the first attempt had got that far), then v
 *    is flushed and everything above holds exactly, with check clean,
 *    before and after a second power cut.
 * Every operation of the steps that are not plain I/O ends all three
 * ways; an operation n of a plain I/O step only the ways e with
 * (n + e) % CVOL_CRASH_STRIDE == 0: 1 (the default on the mem store)
 * is all three everywhere, 3 (the default on fsmodel) one each.
 * 031-fsm-crash.c runs this file on the file store over fsmodel instead
 * (CRASH_FSMODEL), cutting before every state-changing file system call.
 */
#include "testlib.h"

#ifdef CRASH_FSMODEL
#include "lib/fsmodel.h"
#define CRASH_DRIVER "file"
#define CRASH_PATH(p) FSMODEL_ROOT "/" p
#define CRASH_STRIDE 3
/* a crash point is every state-changing file system call */
#define crash_ops(path) fsmodel_changes()
#define crash_fail_after(path, n) fsmodel_fail_after(n)
#define crash_cut(path, torn, seed) fsmodel_powercut((torn) ? (seed) : 0)
#define crash_kill(path) (fsmodel_kill(), fsmodel_fail_after(0))
#define crash_destroy(path) fsmodel_reset()
#else
#define CRASH_DRIVER "mem"
#define CRASH_PATH(p) p
#define CRASH_STRIDE 1
/* a crash point is every store operation */
#define crash_ops(path) cvol_store_mem_ops_count(path)
#define crash_fail_after(path, n) cvol_store_mem_fail_after(path, n)
#define crash_cut(path, torn, seed) \
	cvol_store_mem_powercut(    \
		path, (torn) ? CVOL_MEM_CUT_TORN : CVOL_MEM_CUT_LOSE, seed)
/* the instances closed, their locks went with them */
#define crash_kill(path) cvol_store_mem_fail_after(path, 0)
#define crash_destroy(path) cvol_store_mem_destroy(path)
#endif

#define ORDER 16
#define OSZ (1u << ORDER)
#define SIZE0 (6 * OSZ)
#define MAXSIZE (8 * OSZ)
#define SECS (MAXSIZE / 512)
#define NOPS 48
#define NSNAPS 4

enum end { END_LOST, END_TORN, END_KILLED, END_KINDS };
static const char *const end_name[] = { "lost", "torn", "killed" };

enum kind {
	K_IO, /* a write, discard or flush */
	K_SNAP,
	K_CLONE,
	K_FLATTEN,
	K_REMOVE,
	K_RESIZE,
	K_ROLLBACK,
	K_REPAIR,
};

/* the steps that are not plain I/O */
static const struct sched {
	int step;
	enum kind kind;
	const char *name; /* snapshot */
	uint64_t size; /* resize */
} sched[] = {
	{ 6, K_SNAP, "a", 0 },
	{ 9, K_CLONE, "a", 0 },
	{ 12, K_FLATTEN, NULL, 0 },
	{ 15, K_SNAP, "b", 0 },
	{ 18, K_RESIZE, NULL, MAXSIZE },
	{ 21, K_SNAP, "d", 0 },
	{ 24, K_REMOVE, "b", 0 }, /* merged into the snapshot d */
	{ 27, K_RESIZE, NULL, 5 * OSZ + 8192 }, /* a partial object cut */
	{ 29, K_RESIZE, NULL, MAXSIZE }, /* the cut-off tail reads zeros */
	{ 31, K_REPAIR, NULL, 0 },
	{ 33, K_REMOVE, "d", 0 }, /* merged into the open head */
	{ 36, K_SNAP, "f", 0 },
	{ 38, K_ROLLBACK, "a", 0 }, /* a has children f and the head */
	{ 41, K_REMOVE, "a", 0 }, /* hidden: two children */
	{ 44, K_REMOVE, "f", 0 }, /* f goes, then a merges into the head */
};

static const char *const snap_names[NSNAPS] = { "a", "b", "d", "f" };

struct snap_model {
	bool exists;
	uint64_t size;
	uint8_t data[MAXSIZE];
};

struct model {
	uint64_t size; /* v's size; cur is zero beyond it */
	uint8_t cur[MAXSIZE], durable[MAXSIZE];
	bool dirty[SECS]; /* written since the last completed flush */
	bool touched[SECS]; /* by the step in progress */
	bool clone; /* c exists (reads snapshot a) */
	struct snap_model snap[NSNAPS];
};

static struct model m;
static uint64_t stride = CRASH_STRIDE;
static uint64_t points, retried;

static const struct sched *sched_of(int i)
{
	size_t k;

	for (k = 0; k < sizeof(sched) / sizeof(sched[0]); k++)
		if (sched[k].step == i)
			return &sched[k];
	return NULL;
}

static struct snap_model *snap_of(const char *name)
{
	int k;

	for (k = 0; k < NSNAPS; k++)
		if (!strcmp(snap_names[k], name))
			return &m.snap[k];
	T_FAIL("no snapshot %s in the model", name);
}

static void mark(uint64_t off, uint64_t len)
{
	uint64_t s;

	for (s = off / 512; s < (off + len) / 512; s++)
		m.dirty[s] = m.touched[s] = true;
}

static void flushed(void)
{
	memcpy(m.durable, m.cur, sizeof(m.cur));
	memset(m.dirty, 0, sizeof(m.dirty));
}

/* @ret, or 0 when it is @ok (a retry finding the work already done) */
static int done_or(int ret, int ok, bool again)
{
	return again && ret == ok ? 0 : ret;
}

static int io_step(struct cvol_vol *vol, uint64_t *rs)
{
	static uint8_t buf[2 * OSZ];
	unsigned int r = t_rand(rs) % 10;
	uint64_t off, len;
	int ret;

	off = (t_rand(rs) % (m.size / 512)) * 512;
	len = 512 * (1 + t_rand(rs) % (2 * OSZ / 512));
	if (r < 2)
		off &= ~(uint64_t)(OSZ - 1), len = OSZ;
	if (off + len > m.size)
		len = m.size - off;
	if (r < 6) {
		t_fill(buf, len, *rs);
		mark(off, len);
		memcpy(m.cur + off, buf, len);
		return cvol_vol_write(vol, buf, off, len, 0);
	}
	if (r < 8) {
		mark(off, len);
		memset(m.cur + off, 0, len);
		return cvol_vol_discard(vol, off, len);
	}
	ret = cvol_vol_flush(vol);
	if (!ret)
		flushed();
	return ret;
}

static int resize_step(struct cvol_pool *pool, uint64_t size)
{
	int ret;

	if (size < m.size) {
		mark(size, m.size - size);
		memset(m.cur + size, 0, m.size - size);
	}
	ret = cvol_vol_resize(pool, "v", size, true);
	if (!ret) {
		m.size = size;
		flushed();
	}
	return ret;
}

static int rollback_step(struct cvol_pool *pool, struct cvol_vol **vp,
			 const char *snap)
{
	struct snap_model *s = snap_of(snap);
	int ret;

	ret = cvol_vol_close(*vp);
	*vp = NULL;
	if (ret)
		return ret;
	flushed();
	ret = cvol_snap_rollback(pool, "v", snap);
	if (ret)
		return ret;
	memset(m.cur, 0, sizeof(m.cur));
	memcpy(m.cur, s->data, s->size);
	m.size = s->size;
	flushed();
	return cvol_vol_open(pool, "v", NULL, 0, vp);
}

/* one workload step (@again: a retry after recovery); the engine's result */
static int step(struct cvol_pool *pool, struct cvol_vol **vp, int i,
		uint64_t *rs, bool again)
{
	const struct sched *k = sched_of(i);
	struct cvol_check_report rep;
	struct snap_model *s;
	int ret;

	memset(m.touched, 0, sizeof(m.touched));
	if (!k)
		return io_step(*vp, rs);
	switch (k->kind) {
	case K_SNAP:
		/* flushes the head first: everything becomes durable */
		s = snap_of(k->name);
		ret = done_or(cvol_snap_create(pool, "v", k->name), -EEXIST,
			      again);
		if (!ret) {
			flushed();
			s->exists = true;
			s->size = m.size;
			memcpy(s->data, m.cur, sizeof(s->data));
		}
		return ret;
	case K_CLONE:
		ret = done_or(cvol_clone(pool, "v", k->name, "c"), -EEXIST,
			      again);
		if (!ret)
			m.clone = true;
		return ret;
	case K_FLATTEN:
		return m.clone ? cvol_flatten(pool, "c", NULL, NULL) : 0;
	case K_REMOVE:
		ret = done_or(cvol_snap_remove(pool, "v", k->name), -ENOENT,
			      again);
		if (!ret)
			snap_of(k->name)->exists = false;
		return ret;
	case K_RESIZE:
		return resize_step(pool, k->size);
	case K_ROLLBACK:
		return rollback_step(pool, vp, k->name);
	case K_REPAIR:
		return cvol_pool_check(pool, true, &rep, NULL, NULL);
	default:
		T_FAIL("step %d: unknown kind", i);
	}
}

/* check finds nothing wrong, and after a repair nothing left over */
static void check_clean(struct cvol_pool *pool, const char *when,
			uint64_t failat, enum end end)
{
	struct cvol_check_report rep;

	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.dangling || rep.bad_checksums || rep.shared || rep.pending)
		T_FAIL("cut at op %" PRIu64 " (%s), %s: %" PRIu64
		       " dangling, %" PRIu64 " bad checksums, %" PRIu64
		       " shared, %" PRIu64 " pending",
		       failat, end_name[end], when, rep.dangling,
		       rep.bad_checksums, rep.shared, rep.pending);
	if (!rep.unreferenced)
		return;
	T_OK(cvol_pool_check(pool, true, &rep, NULL, NULL));
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.unreferenced || rep.dangling || rep.shared || rep.pending)
		T_FAIL("cut at op %" PRIu64 " (%s), %s: %" PRIu64
		       " unreferenced after repair",
		       failat, end_name[end], when, rep.unreferenced);
}

/*
 * The size of @vol, up to MAXSIZE: where reads start failing with -EINVAL
 * (cheaper than the info, which counts the objects)
 */
static uint64_t vol_size(struct cvol_vol *vol)
{
	static uint8_t sec[512];
	uint64_t lo = 0, hi = SECS + 1, mid; /* lo sectors readable, hi not */
	int ret;

	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		ret = cvol_vol_read(vol, sec, (mid - 1) * 512, 512);
		if (ret && ret != -EINVAL)
			T_FAIL("read at %" PRIu64 ": %d", (mid - 1) * 512, ret);
		if (ret)
			hi = mid;
		else
			lo = mid;
	}
	if (lo == SECS && cvol_vol_read(vol, sec, MAXSIZE, 512) != -EINVAL)
		T_FAIL("volume larger than %u bytes", MAXSIZE);
	return lo * 512;
}

/* read volume @name (@snap) whole into @buf (MAXSIZE); its size, or 0 */
static uint64_t read_all(struct cvol_pool *pool, const char *name,
			 const char *snap, uint8_t *buf)
{
	struct cvol_vol *vol;
	uint64_t size;

	if (cvol_vol_open(pool, name, snap, CVOL_OPEN_RDONLY, &vol))
		return 0;
	size = vol_size(vol);
	memset(buf, 0, MAXSIZE);
	T_OK(cvol_vol_read(vol, buf, 0, size));
	T_OK(cvol_vol_close(vol));
	return size;
}

/*
 * Every snapshot and the clone as the model has them; @k: the step that
 * was interrupted (NULL: none), whose snapshot may or may not exist.
 */
static void expect_snaps(struct cvol_pool *pool, const struct sched *k,
			 uint64_t failat, enum end end)
{
	static uint8_t got[MAXSIZE];
	struct snap_model *s;
	uint64_t size;
	int i;

	for (i = 0; i < NSNAPS; i++) {
		bool maybe = k && k->name && !strcmp(k->name, snap_names[i]) &&
			     (k->kind == K_SNAP || k->kind == K_REMOVE);

		s = &m.snap[i];
		size = read_all(pool, "v", snap_names[i], got);
		if (!size && (maybe || !s->exists))
			continue;
		if (!size)
			T_FAIL("cut at op %" PRIu64 " (%s): snapshot %s lost",
			       failat, end_name[end], snap_names[i]);
		if (!s->exists && !maybe)
			T_FAIL("cut at op %" PRIu64
			       " (%s): removed snapshot %s is back",
			       failat, end_name[end], snap_names[i]);
		/* one being created holds what v held then */
		if (!s->exists) {
			s->size = m.size;
			memcpy(s->data, m.cur, sizeof(s->data));
		}
		if (size != s->size || memcmp(got, s->data, MAXSIZE))
			T_FAIL("cut at op %" PRIu64
			       " (%s): snapshot %s differs",
			       failat, end_name[end], snap_names[i]);
		if (!s->exists)
			memset(s->data, 0, sizeof(s->data));
	}
	size = read_all(pool, "c", NULL, got);
	if (!size && (!m.clone || (k && k->kind == K_CLONE)))
		return;
	s = snap_of("a");
	if (size != s->size || memcmp(got, s->data, MAXSIZE))
		T_FAIL("cut at op %" PRIu64 " (%s): clone %s", failat,
		       end_name[end], size ? "differs" : "lost");
}

/* v after recovery, before the interrupted step @i (@k) is retried */
static void expect_recovered(struct cvol_pool *pool, const struct sched *k,
			     uint64_t failat, enum end end)
{
	static uint8_t got[MAXSIZE];
	uint64_t size, s;
	bool ok;

	size = read_all(pool, "v", NULL, got);
	if (k && k->kind == K_ROLLBACK && size == snap_of(k->name)->size) {
		/* it went through: v reads the snapshot */
		if (memcmp(got, snap_of(k->name)->data, MAXSIZE))
			T_FAIL("cut at op %" PRIu64 " (%s): rolled back v "
			       "differs from %s",
			       failat, end_name[end], k->name);
		return;
	}
	if (size != m.size && !(k && k->kind == K_RESIZE && size == k->size))
		T_FAIL("cut at op %" PRIu64 " (%s): v has %" PRIu64
		       " bytes, expected %" PRIu64,
		       failat, end_name[end], size, m.size);
	for (s = 0; s < size / 512; s++) {
		if (end == END_KILLED)
			ok = m.touched[s] ||
			     !memcmp(got + s * 512, m.cur + s * 512, 512);
		else
			ok = m.dirty[s] ||
			     !memcmp(got + s * 512, m.durable + s * 512, 512);
		if (!ok)
			T_FAIL("cut at op %" PRIu64 " (%s): %s sector %" PRIu64
			       " lost",
			       failat, end_name[end],
			       end == END_KILLED ? "written" : "flushed", s);
	}
}

/*
 * Do step @i (interrupted) again on the recovered pool with its arguments
 * (@rs as it was before the step), flush, check; cut the power once more
 * and check again: v, the snapshots and the clone read back exactly.
 */
static void retry(struct cvol_store_conf *conf, struct cvol_pool **pool, int i,
		  uint64_t rs, enum end end, uint64_t failat)
{
	static uint8_t got[MAXSIZE];
	struct cvol_vol *vol;
	int ret, pass;

	memset(m.dirty, 0, sizeof(m.dirty));
	m.size = read_all(*pool, "v", NULL, m.cur);
	memcpy(m.durable, m.cur, sizeof(m.cur));
	T_OK(cvol_vol_open(*pool, "v", NULL, 0, &vol));
	ret = step(*pool, &vol, i, &rs, true);
	if (ret)
		T_FAIL("cut at op %" PRIu64 " (%s): step %d fails after "
		       "recovery: %d",
		       failat, end_name[end], i, ret);
	retried++;
	T_OK(cvol_vol_flush(vol));
	T_OK(cvol_vol_close(vol));
	for (pass = 0; pass < 2; pass++) {
		if (read_all(*pool, "v", NULL, got) != m.size ||
		    memcmp(got, m.cur, MAXSIZE))
			T_FAIL("cut at op %" PRIu64 " (%s): step %d done again "
			       "and flushed is lost%s",
			       failat, end_name[end], i,
			       pass ? " by a second power cut" : "");
		expect_snaps(*pool, NULL, failat, end);
		if (pass)
			break;
		cvol_pool_close(*pool);
		crash_cut(conf->path, end == END_TORN, failat + 1);
		*pool = t_pool(conf);
	}
	check_clean(*pool, "retried, after a second cut", failat, end);
}

/*
 * Run the workload, failing from store operation @failat on (0: never),
 * then end it as @end says.  Returns the number of store operations it
 * took; *@at[i]: the operation step i began at.
 */
static uint64_t run(const char *path, uint64_t failat, enum end end,
		    uint64_t *at)
{
	struct cvol_store_conf conf = { .driver = CRASH_DRIVER,
					.pool = "crash",
					.path = path };
	struct cvol_pool *pool;
	struct cvol_vol *vol;
	uint64_t rs = 12345, rs_step = rs, ops;
	int i;

	memset(&m, 0, sizeof(m));
	m.size = SIZE0;
	pool = t_pool(&conf);
	T_OK(cvol_vol_create(pool, "v", SIZE0, ORDER));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &vol));
	ops = crash_ops(path);
	if (failat)
		crash_fail_after(path, failat);
	for (i = 0; i < NOPS; i++) {
		rs_step = rs;
		if (at)
			at[i] = crash_ops(path) - ops;
		if (step(pool, &vol, i, &rs, false))
			break;
	}
	if (!failat && i < NOPS)
		T_FAIL("step %d fails without a crash: %s", i, cvol_errmsg());
	ops = crash_ops(path) - ops;
	if (vol)
		cvol_vol_close(vol); /* may fail: the power is going */
	cvol_pool_close(pool);
	if (end == END_KILLED)
		crash_kill(path);
	else
		crash_cut(path, end == END_TORN, failat);

	pool = t_pool(&conf);
	if (failat) {
		const struct sched *k = i < NOPS ? sched_of(i) : NULL;

		check_clean(pool, "recovered", failat, end);
		expect_recovered(pool, k, failat, end);
		expect_snaps(pool, k, failat, end);
		if (i < NOPS)
			retry(&conf, &pool, i, rs_step, end, failat);
		points++;
	}
	cvol_pool_close(pool);
	crash_destroy(path);
	return ops;
}

int main(void)
{
	static uint64_t at[NOPS + 1];
	const char *env = getenv("CVOL_CRASH_STRIDE");
	uint64_t total, n, nops = 0;
	bool covered;
	int end, i = 0;

	if (env && *env)
		stride = strtoull(env, NULL, 10);
	if (!stride)
		stride = 1;
	total = run(CRASH_PATH("crash-0"), 0, END_LOST, at);
	at[NOPS] = total + 1;
	printf("workload: %d steps, %" PRIu64 " store operations\n", NOPS,
	       total);
	for (n = 1; n <= total; n++) {
		while (at[i + 1] < n)
			i++;
		/* operation n belongs to step i (ops count from 1) */
		covered = false;
		for (end = 0; end < END_KINDS; end++) {
			if (!sched_of(i) && (n + end) % stride)
				continue;
			run(CRASH_PATH("crash-n"), n, end, NULL);
			covered = true;
		}
		nops += covered;
	}
	printf("%" PRIu64 " crash points (lost, torn, killed) at %" PRIu64
	       " of %" PRIu64 " operations (stride %" PRIu64 "), %" PRIu64
	       " interrupted operations retried, 0 lost acknowledged writes\n",
	       points, nops, total, stride, retried);
	return 0;
}
