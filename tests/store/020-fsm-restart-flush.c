// SPDX-License-Identifier: GPL-2.0
/* cvol-lane: host */
/*
 * File store crash test (review finding D6): the first flush of a new
 * store instance covers the writes of an instance that died without
 * flushing.  On the fsmodel file system: instance A writes in place into
 * a flushed object and creates a new object, and dies (its fds closed, the
 * page cache kept, nothing synced); instance B, opened afterwards, flushes
 * and the power is cut.  Both of A's writes must be durable: they
 * completed before B's flush, which is what a cvold restarted under a
 * running guest promises for the guest's next FLUSH.
 */
#include "fsm-test.h"

#define OBJ 65536

int main(void)
{
	static unsigned char buf[OBJ];
	struct cvol_store *a, *b, *c;
	const char *x = st_oid("x"), *y = st_oid("y");

	fsm_setup();
	a = st_open();
	fsm_sync_all(); /* the store's directories exist durably */
	st_fill(buf, OBJ, 0, 1);
	ST_EQ(a->ops->write(a->priv, x, buf, OBJ, 0), 0);
	ST_EQ(a->ops->flush(a->priv), 0);

	/* acknowledged, not flushed: in the page cache only */
	st_fill(buf, 8192, 4096, 2);
	ST_EQ(a->ops->write(a->priv, x, buf, 8192, 4096), 0);
	st_fill(buf, OBJ, 0, 3);
	ST_EQ(a->ops->write(a->priv, y, buf, OBJ, 0), 0);
	fsmodel_kill(); /* A is dead: its fds are gone */
	cvol_store_close(a); /* frees its memory; its stale fds give EBADF */

	b = st_open();
	ST_EQ(b->ops->read(b->priv, x, buf, 8192, 4096), 0);
	ST_EQ(st_check(buf, 8192, 4096, 2), -1);
	ST_EQ(b->ops->flush(b->priv), 0);
	fsmodel_powercut(0); /* everything not durable is lost */
	cvol_store_close(b);

	c = st_open();
	ST_EQ(c->ops->read(c->priv, x, buf, OBJ, 0), 0);
	ST_EQ(st_check(buf, 4096, 0, 1), -1);
	ST_EQ(st_check(buf + 4096, 8192, 4096, 2), -1);
	ST_EQ(st_check(buf + 12288, OBJ - 12288, 12288, 1), -1);
	ST_EQ(c->ops->read(c->priv, y, buf, OBJ, 0), 0);
	ST_EQ(st_check(buf, OBJ, 0, 3), -1);
	cvol_store_close(c);
	printf("ok: a new instance's first flush covers a dead one's writes\n");
	return 0;
}
