// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host */
/* An acknowledged write survives the death of the process that made it,
 * without a flush: a child allocates objects (fresh, copy-up over a
 * snapshot, whole-object discard over the parent) and overwrites one in
 * place, reports done and is killed with SIGKILL; the parent reopens the
 * volume and reads back exactly what the child was told was written.
 * This is what a kill -9 of cvold under load relies on. */
#include <signal.h>
#include <sys/wait.h>

#include "testlib.h"

#define OSZ (64 << 10) /* order 16 */

static void child(struct cvol_store_conf *conf, int fd)
{
	static char buf[3 * OSZ];
	struct cvol_pool *pool = t_pool(conf);
	struct cvol_vol *v;

	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	/* copy-up of object 0, fresh objects 1..2 (unaligned, crossing) */
	t_fill(buf, sizeof(buf), 7);
	T_OK(cvol_vol_write(v, buf, 4096, 2 * OSZ, 0));
	/* in-place overwrite of an owned object */
	t_fill(buf, 8192, 8);
	T_OK(cvol_vol_write(v, buf, OSZ + 512, 8192, 0));
	/* whole-object discard over the snapshot's object 3 */
	T_OK(cvol_vol_discard(v, 3 * OSZ, OSZ));
	if (write(fd, "k", 1) != 1)
		T_FAIL("pipe");
	pause(); /* killed here, never flushed or closed */
}

int main(void)
{
	static char want[4 * OSZ], got[4 * OSZ], buf[3 * OSZ];
	struct cvol_store_conf conf;
	struct cvol_pool *pool;
	struct cvol_vol *v;
	int p[2], st;
	pid_t pid;
	char c;

	t_conf(&conf);
	pool = t_pool(&conf);
	T_OK(cvol_vol_create(pool, "v", 4 * OSZ, 16));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	t_fill(want, sizeof(want), 1);
	T_OK(cvol_vol_write(v, want, 0, sizeof(want), 0));
	T_OK(cvol_vol_close(v));
	T_OK(cvol_snap_create(pool, "v", "s"));
	cvol_pool_close(pool);

	/* what the child's writes make of the content */
	t_fill(buf, sizeof(buf), 7);
	memcpy(want + 4096, buf, 2 * OSZ);
	t_fill(buf, 8192, 8);
	memcpy(want + OSZ + 512, buf, 8192);
	memset(want + 3 * OSZ, 0, OSZ);

	if (pipe(p))
		T_FAIL("pipe");
	pid = fork();
	if (pid < 0)
		T_FAIL("fork");
	if (!pid) {
		close(p[0]);
		child(&conf, p[1]);
		_exit(1);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		T_FAIL("child failed before its writes were acknowledged");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);

	pool = t_pool(&conf);
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	T_OK(cvol_vol_read(v, got, 0, sizeof(got)));
	for (size_t i = 0; i < sizeof(got); i++)
		if (got[i] != want[i])
			T_FAIL("byte %zu after the writer's death: got %#x, want %#x",
			       i, got[i] & 0xff, want[i] & 0xff);
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);
	printf("ok: acknowledged writes survive the writer's death\n");
	return 0;
}
