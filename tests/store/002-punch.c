// SPDX-License-Identifier: GPL-2.0
/*
 * Store conformance: punch.  A punched range reads as zeros and the bytes
 * around it are intact; punching the tail or beyond the end leaves the rest
 * intact; punching a missing object succeeds and does not create it.
 * On the file store the punched blocks are given back to the filesystem
 * (st_blocks drops by the whole 4 KiB blocks inside the range).
 */
#include <glob.h>
#include <sys/stat.h>

#include "store-test.h"

#define OBJ (1u << 20)

/* 512-byte blocks the file store holds for @oid, or -1 elsewhere */
static long long file_blocks(const char *oid)
{
	struct cvol_store_conf conf;
	char pat[4200];
	struct stat sb;
	glob_t g;
	long long n = -1;

	st_conf(&conf);
	if (strcmp(conf.driver, "file"))
		return -1;
	snprintf(pat, sizeof(pat), "%s/*/%s", conf.path, oid);
	if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc == 1 &&
	    stat(g.gl_pathv[0], &sb) == 0)
		n = sb.st_blocks;
	else
		ST_TRUE(!"the file store's object file not found");
	globfree(&g);
	return n;
}

int main(void)
{
	struct cvol_store *st = st_open();
	const struct cvol_store_ops *o = st->ops;
	const char *a = st_oid("punch"), *missing = st_oid("punch-missing");
	unsigned char *buf = malloc(OBJ), *rd = malloc(OBJ);
	long long blocks;
	uint64_t size;

	ST_TRUE(buf && rd);
	st_fill(buf, OBJ, 0, 7);
	ST_EQ(o->write_full(st->priv, a, buf, OBJ), 0);
	ST_EQ(o->flush(st->priv), 0);
	blocks = file_blocks(a);

	/* middle 64 KiB at an unaligned offset */
	ST_EQ(o->punch(st->priv, a, 100001, 65536), 0);
	/* [102400, 163840): fifteen whole 4 KiB blocks freed */
	if (blocks >= 0)
		ST_TRUE(file_blocks(a) <= blocks - 15 * 8);
	memset(rd, 0xaa, OBJ);
	ST_EQ(o->read(st->priv, a, rd, OBJ, 0), 0);
	ST_EQ(st_check(rd, 100001, 0, 7), -1);
	ST_TRUE(st_zero(rd + 100001, 65536));
	ST_EQ(st_check(rd + 165537, OBJ - 165537, 165537, 7), -1);

	/* the last 4 KiB and beyond the end */
	ST_EQ(o->punch(st->priv, a, OBJ - 4096, 1u << 20), 0);
	memset(rd, 0xaa, OBJ);
	ST_EQ(o->read(st->priv, a, rd, OBJ, 0), 0);
	ST_EQ(st_check(rd + 165537, OBJ - 4096 - 165537, 165537, 7), -1);
	ST_TRUE(st_zero(rd + OBJ - 4096, 4096));
	ST_EQ(o->stat(st->priv, a, &size), 0);
	ST_TRUE(size <= OBJ);

	/* a missing object stays missing */
	ST_EQ(o->punch(st->priv, missing, 0, 4096), 0);
	ST_EQ(o->stat(st->priv, missing, &size), -ENOENT);

	ST_EQ(o->remove(st->priv, a), 0);
	cvol_store_close(st);
	free(buf);
	free(rd);
	return 0;
}
