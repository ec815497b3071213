// SPDX-License-Identifier: GPL-2.0
/*
 * Store conformance: copy.  The copy has the source's bytes and size,
 * replaces an existing, longer destination, and is independent of the
 * source afterwards; copying a missing source is -ENOENT and leaves the
 * destination alone.
 */
#include "store-test.h"

#define OBJ (4u << 20)

int main(void)
{
	struct cvol_store *st = st_open();
	const struct cvol_store_ops *o = st->ops;
	const char *src = st_oid("copy-src"), *dst = st_oid("copy-dst");
	const char *missing = st_oid("copy-missing");
	unsigned char *buf = malloc(OBJ), *rd = malloc(OBJ);
	uint64_t size;

	ST_TRUE(buf && rd);
	st_fill(buf, OBJ, 0, 21);
	ST_EQ(o->write_full(st->priv, dst, buf, OBJ), 0);
	/* source: 3 MiB with a hole in its first MiB */
	st_fill(buf, 2u << 20, 1u << 20, 22);
	ST_EQ(o->write(st->priv, src, buf, 2u << 20, 1u << 20), 0);

	ST_EQ(o->copy(st->priv, dst, src), 0);
	ST_EQ(o->stat(st->priv, dst, &size), 0);
	ST_EQ(size, 3u << 20);
	memset(rd, 0xaa, OBJ);
	ST_EQ(o->read(st->priv, dst, rd, OBJ, 0), 0);
	ST_TRUE(st_zero(rd, 1u << 20));
	ST_EQ(st_check(rd + (1u << 20), 2u << 20, 1u << 20, 22), -1);
	ST_TRUE(st_zero(rd + (3u << 20), 1u << 20));

	/* changing the source does not change the copy */
	st_fill(buf, 4096, 0, 23);
	ST_EQ(o->write(st->priv, src, buf, 4096, 1u << 20), 0);
	ST_EQ(o->read(st->priv, dst, rd, 4096, 1u << 20), 0);
	ST_EQ(st_check(rd, 4096, 1u << 20, 22), -1);

	cvol_clearerr();
	ST_EQ(o->copy(st->priv, dst, missing), -ENOENT);
	ST_MSG(missing);
	ST_EQ(o->stat(st->priv, dst, &size), 0);
	ST_EQ(size, 3u << 20);

	ST_EQ(o->remove(st->priv, src), 0);
	ST_EQ(o->remove(st->priv, dst), 0);
	cvol_store_close(st);
	free(buf);
	free(rd);
	return 0;
}
