// SPDX-License-Identifier: GPL-2.0
/*
 * Store conformance: write_full replaces the whole object.  Replacing a
 * 1 MiB object with 10000 bytes leaves exactly 10000 bytes (stat) and the
 * old bytes past them read as zeros; a zero-length write_full makes an
 * existing empty object; write_full of 4 MiB creates a missing object.
 */
#include "store-test.h"

#define OBJ (4u << 20)

int main(void)
{
	struct cvol_store *st = st_open();
	const struct cvol_store_ops *o = st->ops;
	const char *a = st_oid("full");
	unsigned char *buf = malloc(OBJ), *rd = malloc(OBJ);
	uint64_t size;

	ST_TRUE(buf && rd);
	st_fill(buf, 1u << 20, 0, 11);
	ST_EQ(o->write_full(st->priv, a, buf, 1u << 20), 0);
	st_fill(buf, 10000, 0, 12);
	ST_EQ(o->write_full(st->priv, a, buf, 10000), 0);
	ST_EQ(o->stat(st->priv, a, &size), 0);
	ST_EQ(size, 10000);
	memset(rd, 0xaa, 1u << 20);
	ST_EQ(o->read(st->priv, a, rd, 1u << 20, 0), 0);
	ST_EQ(st_check(rd, 10000, 0, 12), -1);
	ST_TRUE(st_zero(rd + 10000, (1u << 20) - 10000));

	ST_EQ(o->write_full(st->priv, a, buf, 0), 0);
	ST_EQ(o->stat(st->priv, a, &size), 0);
	ST_EQ(size, 0);
	ST_EQ(o->remove(st->priv, a), 0);

	st_fill(buf, OBJ, 0, 13);
	ST_EQ(o->write_full(st->priv, a, buf, OBJ), 0);
	ST_EQ(o->read(st->priv, a, rd, OBJ, 0), 0);
	ST_EQ(st_check(rd, OBJ, 0, 13), -1);
	ST_EQ(o->remove(st->priv, a), 0);
	cvol_store_close(st);
	free(buf);
	free(rd);
	return 0;
}
