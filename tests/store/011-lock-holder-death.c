// SPDX-License-Identifier: GPL-2.0
/*
 * Store conformance: a lock whose holder process dies (SIGKILL, no
 * unlock, no close) can be taken by another instance within 20 s; while
 * the holder lives it cannot.
 */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "store-test.h"

int main(void)
{
	const char *l = st_oid("deathlock");
	char holder[CVOL_LOCK_HOLDER_MAX], c;
	struct cvol_store *st;
	struct timespec t0, t1;
	int p[2], status, ret;
	pid_t pid;

	if (!strcmp(st_driver(), "mem")) {
		printf("SKIP: the mem store lives in one process\n");
		return ST_SKIP;
	}
	ST_EQ(pipe(p), 0);
	/* fork before this process opens anything (no librados threads) */
	pid = fork();
	ST_TRUE(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		st = st_open();
		ret = st->ops->lock(st->priv, l, "host:dying", holder, 0);
		c = ret ? 'E' : 'L';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	ST_EQ(read(p[0], &c, 1), 1);
	if (c != 'L') {
		kill(pid, SIGKILL);
		st_fail(__FILE__, __LINE__, "child could not lock");
	}
	st = st_open();
	ret = st->ops->lock(st->priv, l, "host:heir", holder,
			    CVOL_LOCK_TAKEOVER);
	if (ret != -EBUSY) {
		kill(pid, SIGKILL);
		st_fail(__FILE__, __LINE__, "lock with live holder: %d", ret);
	}
	ST_EQ(strcmp(holder, "host:dying"), 0);

	ST_EQ(kill(pid, SIGKILL), 0);
	ST_EQ(waitpid(pid, &status, 0), pid);
	ST_TRUE(WIFSIGNALED(status));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		ret = st->ops->lock(st->priv, l, "host:heir", holder,
				    CVOL_LOCK_TAKEOVER);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (ret != -EBUSY || t1.tv_sec - t0.tv_sec > 20)
			break;
		usleep(200000);
	}
	ST_EQ(ret, 0);
	printf("lock taken %.1f s after the holder died\n",
	       (double)(t1.tv_sec - t0.tv_sec) +
		       (t1.tv_nsec - t0.tv_nsec) / 1e9);
	ST_EQ(st->ops->unlock(st->priv, l, "host:heir"), 0);
	cvol_store_close(st);
	return 0;
}
