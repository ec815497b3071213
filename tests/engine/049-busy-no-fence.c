// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Review finding D29: management operations on a volume that another
 * process (another host, on RADOS) holds open for writing must fail with
 * -EBUSY and name the holder, and must never fence it, even while it is
 * too slow to answer (stopped with SIGSTOP, as a host stalled longer than
 * the 10 s liveness probe).  Snapshot create, rollback, volume remove and
 * rename get -EBUSY within 5 s each; check treats the volume as busy and
 * succeeds.  Once the holder runs again its writes still succeed (a
 * fenced RADOS client would get -ESHUTDOWN), and once it closed the
 * volume a snapshot succeeds and holds what it wrote.
 */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "testlib.h"

#define OSZ (64u << 10)

struct result {
	int ret;
	char msg[256];
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* the holder: create "v" with snapshot s0, hold it open, write on 'g' */
static void holder(struct cvol_store_conf *conf, int up, int down)
{
	static uint8_t buf[OSZ];
	struct cvol_pool *pool;
	struct result res = { 0 };
	struct cvol_vol *v;
	char c = 'L';

	if (cvol_pool_open(conf, &pool) ||
	    cvol_vol_create(pool, "v", 4 * OSZ, 16) ||
	    cvol_snap_create(pool, "v", "s0") ||
	    cvol_vol_open(pool, "v", NULL, 0, &v))
		c = 'E';
	if (c == 'L') {
		t_fill(buf, OSZ, 1);
		if (cvol_vol_write(v, buf, 0, OSZ, CVOL_WRITE_FUA))
			c = 'E';
	}
	if (write(up, &c, 1) != 1 || c != 'L' || read(down, &c, 1) != 1)
		_exit(1);
	t_fill(buf, OSZ, 2);
	res.ret = cvol_vol_write(v, buf, OSZ, OSZ, CVOL_WRITE_FUA) ?:
			  cvol_vol_close(v);
	snprintf(res.msg, sizeof(res.msg), "%s", cvol_errmsg());
	cvol_pool_close(pool);
	if (write(up, &res, sizeof(res)) != sizeof(res))
		_exit(1);
	_exit(0);
}

/* @what failed with -EBUSY, named the holder, and took under 5 s */
#define T_BUSY(expr)                                                  \
	do {                                                          \
		double t0_ = now();                                   \
		T_ERR(expr, -EBUSY, "is open for writing by");        \
		if (now() - t0_ > 5)                                  \
			T_FAIL("%s took %.1f s", #expr, now() - t0_); \
	} while (0)

int main(void)
{
	static uint8_t got[OSZ], want[OSZ];
	struct cvol_check_report rep;
	struct cvol_store_conf conf;
	int up[2], down[2], status;
	struct cvol_pool *pool;
	struct result res;
	struct cvol_vol *v;
	pid_t pid;
	char c;

	t_conf(&conf);
	if (!strcmp(conf.driver, "mem"))
		t_skip("the mem store lives in one process");
	T_OK(pipe(up));
	T_OK(pipe(down));
	/* fork before this process opens anything (no librados threads) */
	pid = fork();
	if (pid < 0)
		T_FAIL("fork");
	if (pid == 0)
		holder(&conf, up[1], down[0]);
	close(up[1]);
	close(down[0]);
	if (read(up[0], &c, 1) != 1 || c != 'L') {
		kill(pid, SIGKILL);
		T_FAIL("the holder could not open and write its volume");
	}
	T_OK(kill(pid, SIGSTOP));

	pool = t_pool(&conf);
	T_BUSY(cvol_snap_create(pool, "v", "s1"));
	T_BUSY(cvol_snap_rollback(pool, "v", "s0"));
	T_BUSY(cvol_vol_remove(pool, "v"));
	T_BUSY(cvol_vol_rename(pool, "v", "w"));
	memset(&rep, 0, sizeof(rep));
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.volumes != 1 || rep.dangling || rep.bad_checksums)
		T_FAIL("check of the held pool: %" PRIu64 " volumes, %" PRIu64
		       " dangling, %" PRIu64 " bad checksums",
		       rep.volumes, rep.dangling, rep.bad_checksums);

	/* the holder was not fenced: it writes and closes as before */
	T_OK(kill(pid, SIGCONT));
	if (write(down[1], "g", 1) != 1)
		T_FAIL("wake the holder");
	if (read(up[0], &res, sizeof(res)) != sizeof(res))
		T_FAIL("no answer from the holder");
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		T_FAIL("holder exit status 0x%x", status);
	if (res.ret)
		T_FAIL("the holder's write after the management operations = %d: %s",
		       res.ret, res.msg);

	/* free now: the snapshot holds both writes */
	T_OK(cvol_snap_create(pool, "v", "s1"));
	T_OK(cvol_vol_open(pool, "v", "s1", 0, &v));
	t_fill(want, OSZ, 1);
	T_READ_EQ(v, got, 0, OSZ, want, "first write in s1");
	t_fill(want, OSZ, 2);
	T_READ_EQ(v, got, OSZ, OSZ, want, "the held writer's last write in s1");
	T_OK(cvol_vol_close(v));
	return t_pass(pool);
}
