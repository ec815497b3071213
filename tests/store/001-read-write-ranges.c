// SPDX-License-Identifier: GPL-2.0
/*
 * Store conformance: ranged writes and reads.  Small and multi-MiB ranges
 * (the rados driver splits those into parallel chunks) read back byte for
 * byte; an overwrite in the middle changes only its range; bytes before the
 * first write of a new object (a hole) and past its end read as zeros; a
 * read of a missing object is -ENOENT with a message naming it.
 */
#include "store-test.h"

#define OBJ (4u << 20)

int main(void)
{
	struct cvol_store *st = st_open();
	const struct cvol_store_ops *o = st->ops;
	const char *a = st_oid("ranges"), *missing = st_oid("missing");
	unsigned char *buf = malloc(OBJ), *rd = malloc(OBJ);
	uint64_t size;

	ST_TRUE(buf && rd);
	/* whole 4 MiB in one write, read back in one read */
	st_fill(buf, OBJ, 0, 1);
	ST_EQ(o->write(st->priv, a, buf, OBJ, 0), 0);
	memset(rd, 0xaa, OBJ);
	ST_EQ(o->read(st->priv, a, rd, OBJ, 0), 0);
	ST_EQ(st_check(rd, OBJ, 0, 1), -1);
	ST_EQ(o->stat(st->priv, a, &size), 0);
	ST_EQ(size, OBJ);

	/* 1.5 MiB overwrite at an odd offset, then check all three parts */
	st_fill(buf, 3u << 19, 12345, 2);
	ST_EQ(o->write(st->priv, a, buf, 3u << 19, 12345), 0);
	ST_EQ(o->read(st->priv, a, rd, OBJ, 0), 0);
	ST_EQ(st_check(rd, 12345, 0, 1), -1);
	ST_EQ(st_check(rd + 12345, 3u << 19, 12345, 2), -1);
	ST_EQ(st_check(rd + 12345 + (3u << 19), OBJ - 12345 - (3u << 19),
		       12345 + (3u << 19), 1),
	      -1);

	/* small unaligned read in the middle */
	ST_EQ(o->read(st->priv, a, rd, 777, 100000), 0);
	ST_EQ(st_check(rd, 777, 100000, 2), -1);

	/* read straddling the end: the tail is zeros */
	memset(rd, 0xaa, 8192);
	ST_EQ(o->read(st->priv, a, rd, 8192, OBJ - 4096), 0);
	ST_EQ(st_check(rd, 4096, OBJ - 4096, 1), -1);
	ST_TRUE(st_zero(rd + 4096, 4096));
	/* entirely past the end, large: zeros */
	memset(rd, 0xaa, OBJ);
	ST_EQ(o->read(st->priv, a, rd, 2u << 20, OBJ + 4096), 0);
	ST_TRUE(st_zero(rd, 2u << 20));

	/* new object written at 1 MiB: the first MiB is a hole */
	ST_EQ(o->remove(st->priv, a), 0);
	st_fill(buf, 4096, 1u << 20, 3);
	ST_EQ(o->write(st->priv, a, buf, 4096, 1u << 20), 0);
	memset(rd, 0xaa, OBJ);
	ST_EQ(o->read(st->priv, a, rd, OBJ, 0), 0);
	ST_TRUE(st_zero(rd, 1u << 20));
	ST_EQ(st_check(rd + (1u << 20), 4096, 1u << 20, 3), -1);
	ST_TRUE(st_zero(rd + (1u << 20) + 4096, OBJ - (1u << 20) - 4096));
	ST_EQ(o->stat(st->priv, a, &size), 0);
	ST_EQ(size, (1u << 20) + 4096);

	/* missing object */
	cvol_clearerr();
	ST_EQ(o->read(st->priv, missing, rd, 4096, 0), -ENOENT);
	ST_MSG(missing);
	ST_EQ(o->read(st->priv, missing, rd, OBJ, 0), -ENOENT);

	ST_EQ(o->remove(st->priv, a), 0);
	cvol_store_close(st);
	free(buf);
	free(rd);
	return 0;
}
