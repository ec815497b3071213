// SPDX-License-Identifier: GPL-2.0
/*
 * Store conformance, stores with fencing (rados): a lock holder that
 * stops answering (SIGSTOP, as if cut off) loses its lock to another
 * instance within 30 s, and once it runs again it is fenced: its next
 * write fails with -ESHUTDOWN (EBLOCKLISTED) and a message saying so,
 * and the object keeps what it held before.  The file store has no
 * fencing (a stopped holder keeps its lock): skipped there.
 */
#include <signal.h>
#include <sys/wait.h>

#include "store-test.h"

struct result {
	int ret;
	char msg[256];
};

int main(void)
{
	const char *l = st_oid("fencelock"), *obj = st_oid("fenced-obj");
	char holder[CVOL_LOCK_HOLDER_MAX], c, buf[8];
	struct cvol_store *st;
	int up[2], down[2], status, ret;
	struct result res;
	pid_t pid;

	if (strcmp(st_driver(), "rados")) {
		printf("SKIP: the %s store has no fencing\n", st_driver());
		return ST_SKIP;
	}
	ST_EQ(pipe(up), 0);
	ST_EQ(pipe(down), 0);
	/* fork before this process opens anything (no librados threads) */
	pid = fork();
	ST_TRUE(pid >= 0);
	if (pid == 0) {
		st = st_open();
		c = 'L';
		if (st->ops->lock(st->priv, l, "host:stopped", holder, 0) ||
		    st->ops->write_full(st->priv, obj, "before", 6))
			c = 'E';
		if (write(up[1], &c, 1) != 1 || read(down[0], &c, 1) != 1)
			_exit(1);
		memset(&res, 0, sizeof(res));
		res.ret = st->ops->write_full(st->priv, obj, "after!", 6);
		snprintf(res.msg, sizeof(res.msg), "%s", cvol_errmsg());
		if (write(up[1], &res, sizeof(res)) != sizeof(res))
			_exit(1);
		_exit(0);
	}
	/* our copies closed: a dying child is EOF, not a hang */
	close(up[1]);
	close(down[0]);
	ST_EQ(read(up[0], &c, 1), 1);
	if (c != 'L') {
		kill(pid, SIGKILL);
		st_fail(__FILE__, __LINE__, "child could not lock and write");
	}
	ST_EQ(kill(pid, SIGSTOP), 0);

	st = st_open();
	ret = st->ops->lock(st->priv, l, "host:heir", holder,
			    CVOL_LOCK_TAKEOVER);
	kill(pid, SIGCONT);
	if (ret) {
		kill(pid, SIGKILL);
		st_fail(__FILE__, __LINE__, "taking over a silent holder: %d",
			ret);
	}
	ST_EQ(write(down[1], "g", 1), 1);
	ret = (int)read(up[0], &res, sizeof(res));
	ST_EQ(waitpid(pid, &status, 0), pid);
	if (ret != sizeof(res) || !WIFEXITED(status) || WEXITSTATUS(status))
		st_fail(__FILE__, __LINE__,
			"fenced child: read %d, exit status 0x%x", ret, status);
	ST_EQ(res.ret, -ESHUTDOWN);
	if (!strstr(res.msg, "fenced (blocklisted)"))
		st_fail(__FILE__, __LINE__, "fenced write message: '%s'",
			res.msg);

	ST_EQ(st->ops->read(st->priv, obj, buf, 6, 0), 0);
	ST_EQ(memcmp(buf, "before", 6), 0);
	ST_EQ(st->ops->unlock(st->priv, l, "host:heir"), 0);
	ST_EQ(st->ops->remove(st->priv, obj), 0);
	cvol_store_close(st);
	return 0;
}
