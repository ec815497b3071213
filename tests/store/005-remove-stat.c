// SPDX-License-Identifier: GPL-2.0
/*
 * Store conformance: stat and remove.  stat reports the size; after remove
 * stat, read and a second remove are -ENOENT with a message naming the
 * object, and the name can be created again.
 */
#include "store-test.h"

int main(void)
{
	struct cvol_store *st = st_open();
	const struct cvol_store_ops *o = st->ops;
	const char *a = st_oid("remove");
	char buf[5000];
	uint64_t size = 1;

	st_fill(buf, sizeof(buf), 0, 31);
	ST_EQ(o->write(st->priv, a, buf, sizeof(buf), 0), 0);
	ST_EQ(o->stat(st->priv, a, &size), 0);
	ST_EQ(size, 5000);
	ST_EQ(o->remove(st->priv, a), 0);

	cvol_clearerr();
	ST_EQ(o->stat(st->priv, a, &size), -ENOENT);
	ST_MSG(a);
	cvol_clearerr();
	ST_EQ(o->remove(st->priv, a), -ENOENT);
	ST_MSG(a);
	ST_EQ(o->read(st->priv, a, buf, 100, 0), -ENOENT);

	ST_EQ(o->write(st->priv, a, buf, 10, 0), 0);
	ST_EQ(o->stat(st->priv, a, &size), 0);
	ST_EQ(size, 10);
	ST_EQ(o->remove(st->priv, a), 0);
	cvol_store_close(st);
	return 0;
}
