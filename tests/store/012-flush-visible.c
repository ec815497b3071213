// SPDX-License-Identifier: GPL-2.0
/*
 * Store conformance: after writes and a successful flush(), a second,
 * independent instance of the same store reads every byte; flush on an
 * idle store succeeds.
 */
#include "store-test.h"

#define OBJ (4u << 20)

int main(void)
{
	struct cvol_store *a = st_open(), *b;
	const char *x = st_oid("flush-x"), *y = st_oid("flush-y");
	unsigned char *buf = malloc(OBJ), *rd = malloc(OBJ);

	ST_TRUE(buf && rd);
	ST_EQ(a->ops->flush(a->priv), 0);
	st_fill(buf, OBJ, 0, 41);
	ST_EQ(a->ops->write(a->priv, x, buf, OBJ, 0), 0);
	ST_EQ(a->ops->write_full(a->priv, y, buf, 4096), 0);
	ST_EQ(a->ops->punch(a->priv, x, 0, 65536), 0);
	ST_EQ(a->ops->flush(a->priv), 0);

	b = st_open();
	ST_EQ(b->ops->read(b->priv, x, rd, OBJ, 0), 0);
	ST_TRUE(st_zero(rd, 65536));
	ST_EQ(st_check(rd + 65536, OBJ - 65536, 65536, 41), -1);
	ST_EQ(b->ops->read(b->priv, y, rd, 4096, 0), 0);
	ST_EQ(st_check(rd, 4096, 0, 41), -1);
	ST_EQ(b->ops->flush(b->priv), 0);
	cvol_store_close(b);

	ST_EQ(a->ops->remove(a->priv, x), 0);
	ST_EQ(a->ops->remove(a->priv, y), 0);
	cvol_store_close(a);
	free(buf);
	free(rd);
	return 0;
}
