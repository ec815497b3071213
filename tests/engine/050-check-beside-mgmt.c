// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A read-only check does not hold the pool's dir_mu for its whole run
 * (review D28): a snapshot taken while it walks the maps completes at
 * once, not after the check.  A repair keeps dir_mu (its head locks do
 * not stop its own process on every store), so the directory changes
 * beside it only from another instance: a volume created there while the
 * repair walks the maps makes the repair remove nothing (-EAGAIN and a
 * message saying so); the stray object is still there, and the next
 * repair removes exactly it; the snapshot, the heads and the new volume
 * are intact.
 */
#include <pthread.h>
#include <time.h>

#include "testlib.h"

#define STRAY "d.0000000000000001.000000000000"

static struct cvol_pool *g_pool, *g_other;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond = PTHREAD_COND_INITIALIZER;
static int g_op_ret; /* 1: not done yet */
static bool g_op_in_time, g_started;
static int (*g_op)(void);

static int snap_v(void)
{
	return cvol_snap_create(g_pool, "v", "s1");
}

static int create_x(void)
{
	return cvol_vol_create(g_other, "x", 65536, 16);
}

static void *op_thread(void *arg)
{
	int ret = g_op();

	pthread_mutex_lock(&g_mu);
	g_op_ret = ret;
	pthread_cond_signal(&g_cond);
	pthread_mutex_unlock(&g_mu);
	return NULL;
}

/* at the first layer of the walk: g_op, waited for at most 10 s */
static void progress(void *arg, uint64_t done, uint64_t total)
{
	pthread_t *t = arg;
	struct timespec until;

	if (g_started)
		return;
	g_started = true;
	g_op_ret = 1;
	if (pthread_create(t, NULL, op_thread, NULL))
		T_FAIL("pthread_create");
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&g_mu);
	while (g_op_ret == 1)
		if (pthread_cond_timedwait(&g_cond, &g_mu, &until))
			break;
	g_op_in_time = g_op_ret != 1;
	pthread_mutex_unlock(&g_mu);
}

/* check (@repair) with g_op at its first layer: its result */
static int check_beside(struct cvol_pool *pool, bool repair,
			struct cvol_check_report *rep, int (*op)(void),
			const char *what)
{
	pthread_t t;
	int ret;

	g_op = op;
	g_started = g_op_in_time = false;
	ret = cvol_pool_check(pool, repair, rep, progress, &t);
	if (!g_started)
		T_FAIL("check never reported progress");
	if (!g_op_in_time)
		T_FAIL("%s waited more than 10 s for a running check", what);
	pthread_join(t, NULL);
	if (g_op_ret)
		T_FAIL("%s beside a check: %d", what, g_op_ret);
	return ret;
}

static uint64_t stray_exists(struct cvol_pool *pool,
			     struct cvol_store_conf *conf)
{
	struct cvol_check_report rep;

	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	return rep.unreferenced;
}

int main(void)
{
	uint8_t a[65536], b[65536], got[65536];
	struct cvol_store_conf conf;
	struct cvol_check_report rep;
	struct cvol_store *st;
	struct cvol_pool *pool;
	struct cvol_vol *v;
	int ret;

	v = t_setup(&conf, &pool, 4 * 65536);
	t_write(v, a, 0, sizeof(a), 7);
	T_OK(cvol_vol_close(v));
	v = t_vol(pool, "w", 4 * 65536);
	t_write(v, b, 65536, sizeof(b), 8);
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);

	/* id 1 is a volume record's id, never a layer: a stray object */
	T_OK(cvol_store_open(&conf, &st));
	T_OK(st->ops->write(st->priv, STRAY, a, 4096, 0));
	T_OK(st->ops->flush(st->priv));
	cvol_store_close(st);

	pool = g_pool = t_pool(&conf);
	if (stray_exists(pool, &conf) != 1)
		T_FAIL("the stray object is not reported unreferenced");
	T_OK(check_beside(pool, false, &rep, snap_v, "a snapshot"));
	if (rep.unreferenced != 1 || rep.repaired)
		T_FAIL("check beside a snapshot: %" PRIu64 " unreferenced",
		       rep.unreferenced);
	g_other = t_pool(&conf);
	ret = check_beside(pool, true, &rep, create_x,
			   "a volume create in another instance");
	cvol_pool_close(g_other);
	if (ret != -EAGAIN)
		T_FAIL("repair beside a create: %d, expected -EAGAIN", ret);
	if (!strstr(cvol_errmsg(), "changed during the check"))
		T_FAIL("message '%s'", cvol_errmsg());
	if (rep.repaired || rep.unreferenced != 1)
		T_FAIL("repair beside a create: %" PRIu64 " repaired, %" PRIu64
		       " unreferenced",
		       rep.repaired, rep.unreferenced);
	if (stray_exists(pool, &conf) != 1)
		T_FAIL("the stray object went although the directory changed");

	/* the directory is still now: the next repair removes it */
	T_OK(cvol_pool_check(pool, true, &rep, NULL, NULL));
	if (rep.repaired != 1 || rep.dangling || rep.shared)
		T_FAIL("second repair: %" PRIu64 " repaired, %" PRIu64
		       " dangling, %" PRIu64 " shared",
		       rep.repaired, rep.dangling, rep.shared);
	if (stray_exists(pool, &conf))
		T_FAIL("unreferenced objects left after the second repair");

	T_OK(cvol_vol_open(pool, "v", "s1", CVOL_OPEN_RDONLY, &v));
	T_READ_EQ(v, got, 0, sizeof(got), a, "snapshot s1 lost its data");
	T_OK(cvol_vol_close(v));
	T_OK(cvol_vol_open(pool, "v", NULL, CVOL_OPEN_RDONLY, &v));
	T_READ_EQ(v, got, 0, sizeof(got), a, "head v lost its data");
	T_OK(cvol_vol_close(v));
	T_OK(cvol_vol_open(pool, "w", NULL, CVOL_OPEN_RDONLY, &v));
	T_READ_EQ(v, got, 65536, sizeof(got), b, "volume w lost its data");
	T_OK(cvol_vol_close(v));
	T_OK(cvol_vol_open(pool, "x", NULL, 0, &v));
	T_OK(cvol_vol_close(v));
	return t_pass(pool);
}
