// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host */
/*
 * What the engine asks of its store, counted per operation by the mem
 * store: reads of objects absent everywhere touch no data object (and,
 * once the map is cached, nothing at all); a full-object write over a
 * parent's object skips the copy-up, a partial one copies server-side
 * (a store copy, no client read); a write that allocates an object
 * rewrites exactly one copy of one map chunk and nothing else of the
 * metadata (both copies when the chunk is new), an overwrite rewrites
 * none, and a full-object overwrite of an object the
 * head owns is an in-place write, never a truncating write_full (a power
 * cut could keep the truncate and lose both the old and the new data); a whole-object discard over a parent's object
 * records a whiteout (one chunk, no data write), a partial discard of an
 * owned object punches a hole.
 */
#include "testlib.h"

#define OBJ (1u << 16)
#define NOBJ 4096 /* four map chunks */

static const char *path = "traffic";
static uint64_t before[CVOL_MEM_OP_KINDS];

static void mark(void)
{
	T_OK(cvol_store_mem_op_counts(path, before));
}

/* operations of @kind since mark() */
static uint64_t delta(enum cvol_mem_op kind)
{
	uint64_t now[CVOL_MEM_OP_KINDS];

	T_OK(cvol_store_mem_op_counts(path, now));
	return now[kind] - before[kind];
}

static uint64_t delta_all(void)
{
	uint64_t n = 0;
	int k;

	for (k = 0; k < CVOL_MEM_OP_KINDS; k++)
		n += delta(k);
	return n;
}

#define EXPECT_DELTA(kind, want, what)                                  \
	do {                                                            \
		uint64_t d_ = delta(kind);                              \
		if (d_ != (want))                                       \
			T_FAIL("%s: %" PRIu64 " %s, expected %d", what, \
			       d_, #kind, (want));                      \
	} while (0)

int main(void)
{
	struct cvol_store_conf conf = { .driver = "mem", .pool = "traffic",
					.path = "traffic" };
	static char buf[OBJ], got[4 * OBJ], zero[4 * OBJ];
	struct cvol_pool *pool;
	struct cvol_vol *v;

	pool = t_pool(&conf);
	T_OK(cvol_vol_create(pool, "v", (uint64_t)NOBJ * OBJ, 16));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));

	/* absent everywhere: zeros, no data object read */
	mark();
	T_OK(cvol_vol_read(v, got, 0, sizeof(got)));
	if (memcmp(got, zero, sizeof(got)))
		T_FAIL("an absent range read non-zero");
	EXPECT_DELTA(CVOL_MEM_OP_READ, 0, "first read of absent objects");
	mark();
	T_OK(cvol_vol_read(v, got, 0, sizeof(got)));
	if (delta_all())
		T_FAIL("a cached absent read did %" PRIu64 " store operations",
		       delta_all());

	/* objects 0 and 1 in the parent, then a snapshot */
	t_fill(buf, OBJ, 1);
	T_OK(cvol_vol_write(v, buf, 0, OBJ, 0));
	T_OK(cvol_vol_write(v, buf, OBJ, OBJ, 0));
	T_OK(cvol_vol_write(v, buf, 2 * OBJ, OBJ, 0));
	T_OK(cvol_snap_create(pool, "v", "s1"));

	/* full-object write over the parent's object 0: no copy-up; the new
	 * head's first chunk commit writes both of its copies */
	t_fill(buf, OBJ, 2);
	mark();
	T_OK(cvol_vol_write(v, buf, 0, OBJ, 0));
	EXPECT_DELTA(CVOL_MEM_OP_COPY, 0, "full-object write");
	EXPECT_DELTA(CVOL_MEM_OP_READ, 0, "full-object write");
	EXPECT_DELTA(CVOL_MEM_OP_META_CAS, 2, "full-object write");

	/* partial write over the parent's object 1: one server-side copy */
	mark();
	T_OK(cvol_vol_write(v, buf, OBJ + 4096, 4096, 0));
	EXPECT_DELTA(CVOL_MEM_OP_COPY, 1, "partial write");
	EXPECT_DELTA(CVOL_MEM_OP_READ, 0, "partial write");
	EXPECT_DELTA(CVOL_MEM_OP_META_CAS, 1, "partial write");

	/* the head owns object 1 now: an overwrite changes no map */
	mark();
	T_OK(cvol_vol_write(v, buf, OBJ + 8192, 4096, 0));
	EXPECT_DELTA(CVOL_MEM_OP_COPY, 0, "overwrite");
	EXPECT_DELTA(CVOL_MEM_OP_META_CAS, 0, "overwrite");
	EXPECT_DELTA(CVOL_MEM_OP_WRITE, 1, "overwrite");

	/* object 0 is owned too: a full overwrite writes in place */
	t_fill(buf, OBJ, 3);
	mark();
	T_OK(cvol_vol_write(v, buf, 0, OBJ, 0));
	T_OK(cvol_vol_read(v, got, 0, OBJ)); /* no write, no map op */
	if (memcmp(got, buf, OBJ))
		T_FAIL("the full-object overwrite reads back wrong");
	EXPECT_DELTA(CVOL_MEM_OP_WRITE, 1, "full-object overwrite");
	EXPECT_DELTA(CVOL_MEM_OP_WRITE_FULL, 0, "full-object overwrite");
	EXPECT_DELTA(CVOL_MEM_OP_META_CAS, 0, "full-object overwrite");

	/* a new object in the third map chunk: that chunk only (new: both
	 * copies), then another one there: one copy */
	mark();
	T_OK(cvol_vol_write(v, buf, (uint64_t)2500 * OBJ, 4096, 0));
	EXPECT_DELTA(CVOL_MEM_OP_COPY, 0, "allocating write");
	EXPECT_DELTA(CVOL_MEM_OP_META_CAS, 2, "allocating write");
	mark();
	T_OK(cvol_vol_write(v, buf, (uint64_t)2501 * OBJ, 4096, 0));
	EXPECT_DELTA(CVOL_MEM_OP_META_CAS, 1, "second allocating write");

	/* whole-object discard of the parent's object 2: a whiteout */
	mark();
	T_OK(cvol_vol_discard(v, 2 * OBJ, OBJ));
	EXPECT_DELTA(CVOL_MEM_OP_META_CAS, 1, "whole-object discard");
	EXPECT_DELTA(CVOL_MEM_OP_WRITE, 0, "whole-object discard");
	EXPECT_DELTA(CVOL_MEM_OP_WRITE_FULL, 0, "whole-object discard");
	EXPECT_DELTA(CVOL_MEM_OP_PUNCH, 0, "whole-object discard");
	T_OK(cvol_vol_read(v, got, 2 * OBJ, OBJ));
	if (memcmp(got, zero, OBJ))
		T_FAIL("the whiteout reads non-zero");

	/* partial discard of the owned object 1: a hole, no map change */
	mark();
	T_OK(cvol_vol_discard(v, OBJ + 16384, 8192));
	EXPECT_DELTA(CVOL_MEM_OP_PUNCH, 1, "partial discard");
	EXPECT_DELTA(CVOL_MEM_OP_META_CAS, 0, "partial discard");
	T_OK(cvol_vol_read(v, got, OBJ + 16384, 8192));
	if (memcmp(got, zero, 8192))
		T_FAIL("the punched range reads non-zero");

	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);
	cvol_store_mem_destroy(path);
	printf("ok\n");
	return 0;
}
