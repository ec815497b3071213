// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for cvol.ko, linked into the module only when
 * CONFIG_CVOL_KUNIT_TEST is set (scripts/build-debug-kernel --kmod builds
 * that variant against the debug kernel; the stock build never does).
 * Being part of the module, they reach the non-static internals of dev.c;
 * cvol_init() runs them once the driver is up (insmod waits for them),
 * and results land in /sys/kernel/debug/kunit/<suite>/results until the
 * module is removed.
 *
 *   cvol_split    splitting a request at object boundaries (table-driven)
 *   cvol_arith    sector/object arithmetic at orders 16 and 26, area layout
 *   cvol_uapi     uapi struct layout, ioctl encoding, flag masks, the
 *                 name/size/block-size/result validators and the BIND
 *                 and COMMIT_FETCH argument checks
 *   cvol_genl     DEV_ADD attribute combinations through the family's
 *                 policy and cvol_nl_parse_add(): every required one
 *                 missing, every type, length, range and name refused
 *   cvol_dev      device state transitions, every allowed and refused one
 *   cvol_ring     request tags through the descriptor ring: hand-out,
 *                 completion, refused completions, requeue on daemon loss,
 *                 abort on removal, tag and sequence wrap-around
 *
 * The device suites create real devices (pool "kunit") with a fake binder
 * (a struct file pointer that is only compared, never dereferenced) and
 * remove them before returning.
 */
#include <kunit/test.h>
#include <linux/bio.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/skbuff.h>

#include "cvol.h"

#define KUNIT_POOL	"kunit"
#define KIB		1024ULL
#define MIB		(1024ULL * KIB)

/* ---------------------------------------------------------------------- */
/* cvol_split                                                             */

struct split_case {
	const char *name;
	u64 off;
	u32 len;
	unsigned int order;
	unsigned int max;
	int want;		/* pieces, or -errno */
	struct cvol_seg segs[CVOL_SEGS_PER_REQ];
};

#define OBJ16	BIT_ULL(16)
#define OBJ26	BIT_ULL(26)

static const struct split_case split_cases[] = {
	{ "zero-length", 4096, 0, 16, 4, 0 },
	{ "zero-length at the top", CVOL_MAX_SIZE, 0, 16, 4, 0 },
	{ "inside one object", 4096, 4096, 16, 4, 1,
	  { { 0, 4096, 4096, 4096, 0 } } },
	{ "one whole object", OBJ16, OBJ16, 16, 4, 1,
	  { { 1, 0, OBJ16, OBJ16, 0 } } },
	{ "ends on a boundary", OBJ16 - 512, 512, 16, 4, 1,
	  { { 0, OBJ16 - 512, 512, OBJ16 - 512, 0 } } },
	{ "starts on a boundary", OBJ16, 512, 16, 4, 1,
	  { { 1, 0, 512, OBJ16, 0 } } },
	{ "crosses one boundary", OBJ16 - 512, 1024, 16, 4, 2,
	  { { 0, OBJ16 - 512, 512, OBJ16 - 512, 0 },
	    { 1, 0, 512, OBJ16, 512 } } },
	{ "max-size aligned, order 16", 0, CVOL_MAX_IO, 16, 4, 2,
	  { { 0, 0, OBJ16, 0, 0 },
	    { 1, 0, OBJ16, OBJ16, OBJ16 } } },
	{ "max-size unaligned, order 16", 512, CVOL_MAX_IO, 16, 4, 3,
	  { { 0, 512, OBJ16 - 512, 512, 0 },
	    { 1, 0, OBJ16, OBJ16, OBJ16 - 512 },
	    { 2, 0, 512, 2 * OBJ16, 2 * OBJ16 - 512 } } },
	{ "max-size, order 26", 3 * OBJ26 + 4096, CVOL_MAX_IO, 26, 4, 1,
	  { { 3, 4096, CVOL_MAX_IO, 3 * OBJ26 + 4096, 0 } } },
	{ "crosses a boundary, order 26", OBJ26 - 4096, 8192, 26, 4, 2,
	  { { 0, OBJ26 - 4096, 4096, OBJ26 - 4096, 0 },
	    { 1, 0, 4096, OBJ26, 4096 } } },
	/* a 200 KiB device: objects 0-2 whole, object 3 holds 8 KiB */
	{ "last partial object", 3 * OBJ16 + 4096, 4096, 16, 4, 1,
	  { { 3, 4096, 4096, 3 * OBJ16 + 4096, 0 } } },
	{ "last partial object, from before it", 3 * OBJ16 - 4096, 12288,
	  16, 4, 2,
	  { { 2, OBJ16 - 4096, 4096, 3 * OBJ16 - 4096, 0 },
	    { 3, 0, 8192, 3 * OBJ16, 4096 } } },
	{ "top of the largest device, order 16",
	  CVOL_MAX_SIZE - CVOL_MAX_IO, CVOL_MAX_IO, 16, 4, 2,
	  { { (CVOL_MAX_SIZE >> 16) - 2, 0, OBJ16,
	      CVOL_MAX_SIZE - 2 * OBJ16, 0 },
	    { (CVOL_MAX_SIZE >> 16) - 1, 0, OBJ16,
	      CVOL_MAX_SIZE - OBJ16, OBJ16 } } },
	{ "top of the largest device, order 26",
	  CVOL_MAX_SIZE - CVOL_MAX_IO, CVOL_MAX_IO, 26, 4, 1,
	  { { (CVOL_MAX_SIZE >> 26) - 1, OBJ26 - CVOL_MAX_IO, CVOL_MAX_IO,
	      CVOL_MAX_SIZE - CVOL_MAX_IO, 0 } } },
	{ "too many pieces for the room", OBJ16 - 512, 1024, 16, 1, -E2BIG },
	{ "no room at all", 0, 512, 16, 0, -E2BIG },
	{ "order below range", 0, 4096, 15, 4, -EINVAL },
	{ "order above range", 0, 4096, 27, 4, -EINVAL },
	{ "order zero", 0, 4096, 0, 4, -EINVAL },
};

static void split_case_desc(const struct split_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(split, split_cases, split_case_desc);

static void cvol_split_table(struct kunit *test)
{
	const struct split_case *c = test->param_value;
	struct cvol_seg segs[CVOL_SEGS_PER_REQ];
	int i, n;

	memset(segs, 0xa5, sizeof(segs));
	n = cvol_split(c->off, c->len, c->order, segs, c->max);
	KUNIT_ASSERT_EQ(test, n, c->want);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, segs[i].obj, c->segs[i].obj,
				    "piece %d", i);
		KUNIT_EXPECT_EQ_MSG(test, segs[i].obj_off, c->segs[i].obj_off,
				    "piece %d", i);
		KUNIT_EXPECT_EQ_MSG(test, segs[i].len, c->segs[i].len,
				    "piece %d", i);
		KUNIT_EXPECT_EQ_MSG(test, segs[i].dev_off, c->segs[i].dev_off,
				    "piece %d", i);
		KUNIT_EXPECT_EQ_MSG(test, segs[i].buf_off, c->segs[i].buf_off,
				    "piece %d", i);
	}
}

/*
 * Every 512-byte-aligned start in two objects, every request length up to
 * the largest: the pieces tile the request exactly, never cross an object
 * boundary, and never need more descriptors than a tag owns.
 */
static void cvol_split_invariants(struct kunit *test)
{
	static const unsigned int orders[] = { 16, 17, 26 };
	struct cvol_seg segs[CVOL_SEGS_PER_REQ];
	unsigned int o;

	for (o = 0; o < ARRAY_SIZE(orders); o++) {
		unsigned int order = orders[o];
		u64 base = (1ULL << order) * 5, off;
		u32 len;

		for (off = base - (1ULL << 16); off < base + (1ULL << 16);
		     off += 512 * 7) {
			for (len = 512; len <= CVOL_MAX_IO; len += 512 * 13) {
				u64 pos = off;
				u32 done = 0;
				int i, n;

				n = cvol_split(off, len, order, segs,
					       CVOL_SEGS_PER_REQ);
				KUNIT_ASSERT_GT(test, n, 0);
				KUNIT_ASSERT_LE(test, n, CVOL_SEGS_PER_REQ);
				for (i = 0; i < n; i++) {
					KUNIT_ASSERT_EQ(test, segs[i].dev_off,
							pos);
					KUNIT_ASSERT_EQ(test, segs[i].buf_off,
							done);
					KUNIT_ASSERT_EQ(test, segs[i].obj,
							pos >> order);
					KUNIT_ASSERT_LE(test,
							(u64)segs[i].obj_off +
							segs[i].len,
							1ULL << order);
					KUNIT_ASSERT_GT(test, segs[i].len, 0U);
					pos += segs[i].len;
					done += segs[i].len;
				}
				KUNIT_ASSERT_EQ(test, done, len);
			}
		}
	}
}

static struct kunit_case cvol_split_cases[] = {
	KUNIT_CASE_PARAM(cvol_split_table, split_gen_params),
	KUNIT_CASE(cvol_split_invariants),
	{}
};

static struct kunit_suite cvol_split_suite = {
	.name = "cvol_split",
	.test_cases = cvol_split_cases,
};

/* ---------------------------------------------------------------------- */
/* cvol_arith                                                             */

/* byte offset <-> (object, offset in object) round trip at the limits */
static void cvol_arith_offsets(struct kunit *test)
{
	static const unsigned int orders[] = { CVOL_ORDER_MIN, CVOL_ORDER_MAX };
	unsigned int o;

	for (o = 0; o < ARRAY_SIZE(orders); o++) {
		unsigned int order = orders[o];
		u64 obj_size = 1ULL << order;
		u64 offs[] = { 0, 511, 512, obj_size - 512, obj_size - 1,
			       obj_size, obj_size + 512, CVOL_MAX_SIZE - obj_size,
			       CVOL_MAX_SIZE - 512, CVOL_MAX_SIZE - 1 };
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(offs); i++) {
			u64 obj = offs[i] >> order;
			u64 obj_off = offs[i] & (obj_size - 1);

			KUNIT_EXPECT_LT(test, obj_off, obj_size);
			KUNIT_EXPECT_LE(test, obj_off, (u64)U32_MAX);
			KUNIT_EXPECT_EQ(test, obj << order | obj_off, offs[i]);
			KUNIT_EXPECT_LT(test, obj, CVOL_MAX_SIZE >> order);
		}
		/* last object of the largest device */
		KUNIT_EXPECT_EQ(test, (CVOL_MAX_SIZE - 1) >> order,
				(CVOL_MAX_SIZE >> order) - 1);
	}
}

/* sectors per object and the block-layer limits derived from the order */
static void cvol_arith_sectors(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1U << (CVOL_ORDER_MIN - SECTOR_SHIFT), 128U);
	KUNIT_EXPECT_EQ(test, 1U << (CVOL_ORDER_MAX - SECTOR_SHIFT), 131072U);
	/* the largest device in sectors fits sector_t and back */
	KUNIT_EXPECT_EQ(test,
			(u64)((sector_t)(CVOL_MAX_SIZE >> SECTOR_SHIFT))
				<< SECTOR_SHIFT,
			CVOL_MAX_SIZE);
	/* a maximum request is whole sectors and whole 4 KiB blocks */
	KUNIT_EXPECT_EQ(test, CVOL_MAX_IO % 4096, 0U);
	KUNIT_EXPECT_EQ(test, CVOL_MAX_IO >> SECTOR_SHIFT, 256U);
	/* at the smallest order a maximum request spans at most 3 objects */
	KUNIT_EXPECT_LE(test,
			(CVOL_MAX_IO + (1U << CVOL_ORDER_MIN) - 512) /
				(1U << CVOL_ORDER_MIN) + 1,
			(unsigned int)CVOL_SEGS_PER_REQ);
	/* done_mask is a u16: one bit per descriptor of a tag */
	KUNIT_EXPECT_LE(test, CVOL_SEGS_PER_REQ, 16);
}

/* the mmapped queue area: descriptors, page aligned, then tag buffers */
static void cvol_arith_area(struct kunit *test)
{
	static const u32 depths[] = { 1, 2, 63, 64, 85, CVOL_MAX_DEPTH };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(depths); i++) {
		u32 d = depths[i];
		size_t desc = cvol_area_desc_bytes(d, PAGE_SIZE);
		size_t need = (size_t)d * CVOL_SEGS_PER_REQ *
			      sizeof(struct cvol_desc);

		KUNIT_EXPECT_EQ_MSG(test, desc % PAGE_SIZE, (size_t)0,
				    "depth %u", d);
		KUNIT_EXPECT_GE_MSG(test, desc, need, "depth %u", d);
		KUNIT_EXPECT_LT_MSG(test, desc - need, (size_t)PAGE_SIZE,
				    "depth %u", d);
		KUNIT_EXPECT_EQ_MSG(test, cvol_area_bytes(d, PAGE_SIZE),
				    desc + (size_t)d * CVOL_MAX_IO,
				    "depth %u", d);
		/* the last tag's buffer ends exactly at the end of the area */
		KUNIT_EXPECT_EQ_MSG(test,
				    desc + (size_t)(d - 1) * CVOL_MAX_IO +
					    CVOL_MAX_IO,
				    cvol_area_bytes(d, PAGE_SIZE),
				    "depth %u", d);
	}
	/* 256 tags * 4 descriptors * 48 bytes is exactly 12 pages of 4 KiB */
	KUNIT_EXPECT_EQ(test, cvol_area_desc_bytes(CVOL_MAX_DEPTH, 4096),
			(size_t)49152);
	KUNIT_EXPECT_EQ(test, cvol_area_desc_bytes(1, 4096), (size_t)4096);
	KUNIT_EXPECT_EQ(test, cvol_area_desc_bytes(1, 65536), (size_t)65536);
}

static struct kunit_case cvol_arith_cases[] = {
	KUNIT_CASE(cvol_arith_offsets),
	KUNIT_CASE(cvol_arith_sectors),
	KUNIT_CASE(cvol_arith_area),
	{}
};

static struct kunit_suite cvol_arith_suite = {
	.name = "cvol_arith",
	.test_cases = cvol_arith_cases,
};

/* ---------------------------------------------------------------------- */
/* cvol_uapi                                                              */

static void expect_field(struct kunit *test, const char *name, size_t off,
			 size_t size, size_t want_off, size_t want_size)
{
	KUNIT_EXPECT_EQ_MSG(test, off, want_off, "offset of %s", name);
	KUNIT_EXPECT_EQ_MSG(test, size, want_size, "size of %s", name);
}

/* EXPECT_FIELD(test, off, size, type, member) */
#define EXPECT_FIELD(test, off, size, ...)                      \
	expect_field(test, #__VA_ARGS__, offsetof(__VA_ARGS__), \
		     sizeof_field(__VA_ARGS__), off, size)

/* the layout userspace compiles against never moves */
static void cvol_uapi_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct cvol_desc), (size_t)48);
	EXPECT_FIELD(test, 0, 1, struct cvol_desc, op);
	EXPECT_FIELD(test, 1, 1, struct cvol_desc, flags);
	EXPECT_FIELD(test, 2, 2, struct cvol_desc, nr_segs);
	EXPECT_FIELD(test, 4, 4, struct cvol_desc, len);
	EXPECT_FIELD(test, 8, 8, struct cvol_desc, obj);
	EXPECT_FIELD(test, 16, 4, struct cvol_desc, obj_off);
	EXPECT_FIELD(test, 20, 4, struct cvol_desc, seq);
	EXPECT_FIELD(test, 24, 8, struct cvol_desc, dev_off);
	EXPECT_FIELD(test, 32, 8, struct cvol_desc, buf_off);
	EXPECT_FIELD(test, 40, 8, struct cvol_desc, reserved);

	KUNIT_EXPECT_EQ(test, sizeof(struct cvol_bind), (size_t)96);
	EXPECT_FIELD(test, 0, 4, struct cvol_bind, dev_id);
	EXPECT_FIELD(test, 4, 2, struct cvol_bind, queue);
	EXPECT_FIELD(test, 6, 2, struct cvol_bind, flags);
	EXPECT_FIELD(test, 8, 4, struct cvol_bind, nr_desc);
	EXPECT_FIELD(test, 12, 4, struct cvol_bind, depth);
	EXPECT_FIELD(test, 16, 4, struct cvol_bind, max_io);
	EXPECT_FIELD(test, 20, 4, struct cvol_bind, segs_per_req);
	EXPECT_FIELD(test, 24, 4, struct cvol_bind, obj_order);
	EXPECT_FIELD(test, 28, 4, struct cvol_bind, lbs);
	EXPECT_FIELD(test, 32, 8, struct cvol_bind, size);
	EXPECT_FIELD(test, 40, 8, struct cvol_bind, map_size);
	EXPECT_FIELD(test, 48, 8, struct cvol_bind, desc_off);
	EXPECT_FIELD(test, 56, 8, struct cvol_bind, buf_off);
	EXPECT_FIELD(test, 64, 32, struct cvol_bind, reserved);

	KUNIT_EXPECT_EQ(test, sizeof(struct cvol_done), (size_t)8);
	EXPECT_FIELD(test, 0, 4, struct cvol_done, desc);
	EXPECT_FIELD(test, 4, 4, struct cvol_done, result);

	KUNIT_EXPECT_EQ(test, sizeof(struct cvol_fetch), (size_t)48);
	EXPECT_FIELD(test, 0, 8, struct cvol_fetch, done_ptr);
	EXPECT_FIELD(test, 8, 4, struct cvol_fetch, nr_done);
	EXPECT_FIELD(test, 12, 4, struct cvol_fetch, flags);
	EXPECT_FIELD(test, 16, 8, struct cvol_fetch, ready_ptr);
	EXPECT_FIELD(test, 24, 4, struct cvol_fetch, ready_cap);
	EXPECT_FIELD(test, 28, 4, struct cvol_fetch, nr_ready);
	EXPECT_FIELD(test, 32, 16, struct cvol_fetch, reserved);

	KUNIT_EXPECT_EQ(test, sizeof(struct cvol_map), (size_t)64);
	EXPECT_FIELD(test, 0, 8, struct cvol_map, obj);
	EXPECT_FIELD(test, 8, 4, struct cvol_map, fd);
	EXPECT_FIELD(test, 12, 4, struct cvol_map, flags);
	EXPECT_FIELD(test, 16, 8, struct cvol_map, file_off);
	EXPECT_FIELD(test, 24, 8, struct cvol_map, len);
	EXPECT_FIELD(test, 32, 32, struct cvol_map, reserved);
}

/* ioctl numbers carry the right magic, direction and argument size */
static void cvol_uapi_ioctls(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, _IOC_TYPE(CVOL_IOC_BIND), 0xCFU);
	KUNIT_EXPECT_EQ(test, _IOC_NR(CVOL_IOC_BIND), 1U);
	KUNIT_EXPECT_EQ(test, _IOC_DIR(CVOL_IOC_BIND),
			(unsigned int)(_IOC_READ | _IOC_WRITE));
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(CVOL_IOC_BIND),
			(unsigned int)sizeof(struct cvol_bind));
	KUNIT_EXPECT_EQ(test, _IOC_TYPE(CVOL_IOC_COMMIT_FETCH), 0xCFU);
	KUNIT_EXPECT_EQ(test, _IOC_NR(CVOL_IOC_COMMIT_FETCH), 2U);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(CVOL_IOC_COMMIT_FETCH),
			(unsigned int)sizeof(struct cvol_fetch));
	KUNIT_EXPECT_EQ(test, _IOC_NR(CVOL_IOC_MAP), 3U);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(CVOL_IOC_MAP),
			(unsigned int)sizeof(struct cvol_map));
}

/* the *_ALL masks hold exactly the implemented bits */
static void cvol_uapi_flags(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, CVOL_DEV_F_ALL, CVOL_DEV_F_RDONLY);
	KUNIT_EXPECT_EQ(test, CVOL_FETCH_F_ALL, CVOL_FETCH_F_NOWAIT);
	KUNIT_EXPECT_EQ(test, CVOL_F_ALL & (CVOL_F_MAP | CVOL_F_URING_CMD),
			0ULL);
	KUNIT_EXPECT_EQ(test, hweight64(CVOL_F_ALL), 5U);
	KUNIT_EXPECT_EQ(test, (u32)CVOL_STATE_NEW, 0U);
	KUNIT_EXPECT_EQ(test, (u32)CVOL_STATE_DYING, 3U);
	KUNIT_EXPECT_EQ(test, (u32)CVOL_OP_WRITE_ZEROES, 4U);
	KUNIT_EXPECT_LE(test, CVOL_MAX_DEPTH * CVOL_SEGS_PER_REQ,
			(int)U16_MAX);
}

struct name_case {
	const char *s;
	bool valid;
};

static void cvol_uapi_names(struct kunit *test)
{
	static const struct name_case cases[] = {
		{ "a", true }, { "default", true }, { "Pool_1.v-2", true },
		{ "0", true }, { "a.", true }, { "a-", true },
		{ "", false }, { ".", false }, { "..", false },
		{ ".hidden", false }, { "-opt", false }, { "a/b", false },
		{ "a b", false }, { "a\n", false }, { "a@s", false },
		{ "caf\xc3\xa9", false }, { "a:b", false }, { "*", false },
	};
	char name[CVOL_NAME_LEN + 2];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, cvol_name_valid(cases[i].s),
				    cases[i].valid, "name \"%s\"", cases[i].s);
	/* exactly CVOL_NAME_LEN bytes is the longest */
	memset(name, 'n', CVOL_NAME_LEN);
	name[CVOL_NAME_LEN] = '\0';
	KUNIT_EXPECT_TRUE(test, cvol_name_valid(name));
	name[CVOL_NAME_LEN] = 'n';
	name[CVOL_NAME_LEN + 1] = '\0';
	KUNIT_EXPECT_FALSE(test, cvol_name_valid(name));
}

static void cvol_uapi_sizes(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, cvol_lbs_valid(512));
	KUNIT_EXPECT_TRUE(test, cvol_lbs_valid(4096));
	KUNIT_EXPECT_FALSE(test, cvol_lbs_valid(0));
	KUNIT_EXPECT_FALSE(test, cvol_lbs_valid(1024));
	KUNIT_EXPECT_FALSE(test, cvol_lbs_valid(513));
	KUNIT_EXPECT_FALSE(test, cvol_lbs_valid(8192));
	KUNIT_EXPECT_FALSE(test, cvol_lbs_valid(U32_MAX));

	KUNIT_EXPECT_FALSE(test, cvol_size_valid(0, 512));
	KUNIT_EXPECT_TRUE(test, cvol_size_valid(512, 512));
	KUNIT_EXPECT_FALSE(test, cvol_size_valid(512, 4096));
	KUNIT_EXPECT_FALSE(test, cvol_size_valid(4097, 4096));
	KUNIT_EXPECT_TRUE(test, cvol_size_valid(4096, 4096));
	KUNIT_EXPECT_TRUE(test, cvol_size_valid(CVOL_MAX_SIZE, 4096));
	KUNIT_EXPECT_FALSE(test, cvol_size_valid(CVOL_MAX_SIZE + 512, 512));
	KUNIT_EXPECT_FALSE(test, cvol_size_valid(CVOL_MAX_SIZE - 1, 512));
	KUNIT_EXPECT_FALSE(test, cvol_size_valid(U64_MAX, 512));
	KUNIT_EXPECT_FALSE(test, cvol_size_valid(U64_MAX - 511, 512));
}

static void cvol_uapi_results(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, cvol_result_class(0), 0);
	KUNIT_EXPECT_EQ(test, cvol_result_class(4096), 0);
	KUNIT_EXPECT_EQ(test, cvol_result_class(S32_MAX), 0);
	KUNIT_EXPECT_EQ(test, cvol_result_class(-ENOSPC), 1);
	KUNIT_EXPECT_EQ(test, cvol_result_class(-EOPNOTSUPP), 2);
	KUNIT_EXPECT_EQ(test, cvol_result_class(-EIO), 3);
	KUNIT_EXPECT_EQ(test, cvol_result_class(-EINVAL), 3);
	KUNIT_EXPECT_EQ(test, cvol_result_class(-1), 3);
	KUNIT_EXPECT_EQ(test, cvol_result_class(S32_MIN), 3);
}

/* CVOL_IOC_BIND: only dev_id and queue are input; flags, reserved zero */
static void cvol_uapi_bind(struct kunit *test)
{
	struct cvol_bind b = { .dev_id = 7, .queue = 3 };
	unsigned int i;

	KUNIT_EXPECT_EQ(test, cvol_bind_check(&b), 0);
	/* the output fields are overwritten, never checked */
	b.depth = 1;
	b.size = U64_MAX;
	b.map_size = 1;
	KUNIT_EXPECT_EQ(test, cvol_bind_check(&b), 0);
	b.flags = 1;
	KUNIT_EXPECT_EQ(test, cvol_bind_check(&b), -EINVAL);
	b.flags = 0x8000;
	KUNIT_EXPECT_EQ(test, cvol_bind_check(&b), -EINVAL);
	b.flags = 0;
	for (i = 0; i < ARRAY_SIZE(b.reserved); i++) {
		b.reserved[i] = 1ULL << 63;
		KUNIT_EXPECT_EQ_MSG(test, cvol_bind_check(&b), -EINVAL,
				    "reserved[%u]", i);
		b.reserved[i] = 0;
	}
	KUNIT_EXPECT_EQ(test, cvol_bind_check(&b), 0);
}

struct fetch_case {
	const char *name;
	u32 nr_done, flags, ready_cap;
	u64 reserved0, reserved1;
	int want;
};

/* CVOL_IOC_COMMIT_FETCH against a queue of 64 requests (256 descriptors) */
static void cvol_uapi_fetch(struct kunit *test)
{
	static const u32 nr_desc = 64 * CVOL_SEGS_PER_REQ;
	static const struct fetch_case cases[] = {
		{ "plain", 0, 0, nr_desc, 0, 0, 0 },
		{ "commit all, nowait", nr_desc, CVOL_FETCH_F_NOWAIT,
		  CVOL_SEGS_PER_REQ, 0, 0, 0 },
		{ "more completions than descriptors", nr_desc + 1, 0,
		  nr_desc, 0, 0, -EINVAL },
		{ "nr_done U32_MAX", U32_MAX, 0, nr_desc, 0, 0, -EINVAL },
		{ "no room", 0, 0, 0, 0, 0, -EINVAL },
		{ "room for less than a request", 0, 0,
		  CVOL_SEGS_PER_REQ - 1, 0, 0, -EINVAL },
		{ "room over nr_desc", 0, 0, nr_desc + 1, 0, 0, -EINVAL },
		{ "unknown flag", 0, CVOL_FETCH_F_NOWAIT << 1, nr_desc, 0, 0,
		  -EINVAL },
		{ "top flag", 0, 1U << 31, nr_desc, 0, 0, -EINVAL },
		{ "reserved[0]", 0, 0, nr_desc, 1, 0, -EINVAL },
		{ "reserved[1]", 0, 0, nr_desc, 0, 1ULL << 63, -EINVAL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct fetch_case *c = &cases[i];
		struct cvol_fetch f = {
			.done_ptr = 0x1000, .nr_done = c->nr_done,
			.flags = c->flags, .ready_ptr = 0x2000,
			.ready_cap = c->ready_cap, .nr_ready = U32_MAX,
			.reserved = { c->reserved0, c->reserved1 },
		};

		KUNIT_EXPECT_EQ_MSG(test, cvol_fetch_check(&f, nr_desc),
				    c->want, "%s", c->name);
	}
}

static struct kunit_case cvol_uapi_cases[] = {
	KUNIT_CASE(cvol_uapi_layout),
	KUNIT_CASE(cvol_uapi_ioctls),
	KUNIT_CASE(cvol_uapi_flags),
	KUNIT_CASE(cvol_uapi_names),
	KUNIT_CASE(cvol_uapi_sizes),
	KUNIT_CASE(cvol_uapi_results),
	KUNIT_CASE(cvol_uapi_bind),
	KUNIT_CASE(cvol_uapi_fetch),
	{}
};

static struct kunit_suite cvol_uapi_suite = {
	.name = "cvol_uapi",
	.test_cases = cvol_uapi_cases,
};

/* ---------------------------------------------------------------------- */
/* helpers for the device suites                                          */

/* binders: distinct pointers that are compared, never dereferenced */
#define FAKE_FILE(n)	((struct file *)(0xdead0000UL + (n) * 0x100UL))

static struct cvol_add_params kunit_params(u16 nr_queues, u16 depth)
{
	struct cvol_add_params p = {
		.id = -1, .size = 4 * MIB, .lbs = 512, .order = 16,
		.nr_queues = nr_queues, .depth = depth, .features = CVOL_F_ALL,
		.pool = KUNIT_POOL, .volume = "vol",
	};

	return p;
}

static enum cvol_state dev_state(struct cvol_dev *dev)
{
	enum cvol_state s;

	mutex_lock(&dev->lock);
	s = dev->state;
	mutex_unlock(&dev->lock);
	return s;
}

static int kunit_dev_hold(struct kunit_resource *res, void *dev)
{
	kref_get(&((struct cvol_dev *)dev)->ref);
	res->data = dev;
	return 0;
}

/*
 * At the end of every case, passed or stopped by a failed assertion:
 * remove a device the case left behind, so that the next case, adding a
 * device of the same volume, is not refused with -EEXIST.
 */
static void kunit_dev_release(struct kunit_resource *res)
{
	struct cvol_dev *dev = res->data;
	const char *why = NULL;

	if (dev_state(dev) != CVOL_STATE_DYING)
		cvol_dev_remove(dev->id, true, &why);
	cvol_dev_put(dev);
}

/*
 * add a device and hold a reference of the test's own on it; the case's
 * end removes it if the case did not
 */
static struct cvol_dev *kunit_add(struct kunit *test,
				  const struct cvol_add_params *p)
{
	struct cvol_dev *dev = NULL;
	const char *why = NULL;
	int ret;

	ret = cvol_dev_add(p, &dev, &why);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "add: %s", why ? why : "");
	KUNIT_ASSERT_NOT_NULL(test, dev);
	kref_get(&dev->ref);
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, kunit_dev_hold,
							 kunit_dev_release,
							 GFP_KERNEL, dev));
	return dev;
}

static void kunit_remove(struct kunit *test, struct cvol_dev *dev)
{
	const char *why = NULL;

	KUNIT_EXPECT_EQ(test, cvol_dev_remove(dev->id, true, &why), 0);
}

/*
 * Play the daemon for whatever is handed out: reads get zeros, everything
 * succeeds.  add_disk() reads the partition table through the ring, so a
 * disk only appears while somebody serves it.
 */
static void kunit_serve(struct cvol_dev *dev)
{
	u32 nr_desc = dev->depth * CVOL_SEGS_PER_REQ;
	struct cvol_done done[8];
	unsigned int i;
	u32 ready[8];

	for (i = 0; i < dev->nr_queues; i++) {
		struct cvol_queue *q = &dev->queues[i];
		u32 committed;
		int n, j;

		n = cvol_queue_fetch(q, ready, min_t(u32, nr_desc, 8), false);
		for (j = 0; j < n; j++) {
			struct cvol_desc *d = (struct cvol_desc *)q->area +
					      ready[j];

			if (d->op == CVOL_OP_READ)
				memset(q->area + d->buf_off, 0, d->len);
			done[j].desc = ready[j];
			done[j].result = 0;
		}
		if (n > 0)
			cvol_queue_commit(q, done, n, &committed);
	}
}

/* serve the queues until the disk has been added (at most 10 s) */
static void kunit_wait_added(struct kunit *test, struct cvol_dev *dev)
{
	unsigned int i;

	for (i = 0; i < 500 && !READ_ONCE(dev->disk_added); i++) {
		kunit_serve(dev);
		msleep(20);
	}
	flush_work(&dev->add_work);
	KUNIT_ASSERT_TRUE(test, dev->disk_added);
}

/* fetch without sleeping in the queue, for up to 10 s */
static int kunit_fetch(struct cvol_queue *q, u32 *ready, u32 cap, int want)
{
	int n = 0, i, ret;

	for (i = 0; i < 500 && n < want; i++) {
		ret = cvol_queue_fetch(q, ready + n, cap - n, false);
		if (ret < 0)
			return ret;
		n += ret;
		if (n < want)
			msleep(20);
	}
	return n;
}

/* bind every queue and wait for the disk to appear */
static void kunit_go_live(struct kunit *test, struct cvol_dev *dev)
{
	unsigned int i;

	for (i = 0; i < dev->nr_queues; i++)
		KUNIT_ASSERT_EQ(test, cvol_queue_bind(dev, i, FAKE_FILE(i)), 0);
	kunit_wait_added(test, dev);
	KUNIT_ASSERT_EQ(test, dev_state(dev), CVOL_STATE_LIVE);
}

/* ---------------------------------------------------------------------- */
/* cvol_dev: device state transitions                                     */

/*
 * NEW -> (all bound) LIVE -> (a binder lost) RECOVERING -> (all bound
 * again) LIVE -> (remove) DYING, with the refusals along the way.
 */
static void cvol_dev_lifecycle(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(2, 4);
	const char *why = NULL;
	struct cvol_dev *dev;
	u64 size;
	u32 id;

	/* the device has at most nr_cpu_ids queues (D9) */
	if (nr_cpu_ids < 2)
		kunit_skip(test, "two queues need two CPUs, the guest has %u",
			   nr_cpu_ids);

	dev = kunit_add(test, &p);
	id = dev->id;
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_NEW);
	KUNIT_EXPECT_PTR_EQ(test, cvol_dev_get(id), dev);
	cvol_dev_put(dev);

	/* NEW: binding some queues is not enough */
	KUNIT_EXPECT_EQ(test, cvol_queue_bind(dev, 0, FAKE_FILE(0)), 0);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_NEW);
	KUNIT_EXPECT_FALSE(test, dev->disk_added);
	/* refused: a second binder, a queue that does not exist */
	KUNIT_EXPECT_EQ(test, cvol_queue_bind(dev, 0, FAKE_FILE(9)), -EBUSY);
	KUNIT_EXPECT_EQ(test, cvol_queue_bind(dev, 2, FAKE_FILE(9)), -EINVAL);
	KUNIT_EXPECT_EQ(test, cvol_queue_bind(dev, U16_MAX, FAKE_FILE(9)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dev->nr_bound, 1);

	/* NEW -> LIVE once the last queue is bound and the disk added */
	KUNIT_EXPECT_EQ(test, cvol_queue_bind(dev, 1, FAKE_FILE(1)), 0);
	kunit_wait_added(test, dev);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_LIVE);

	/* LIVE -> RECOVERING: a binder goes away */
	cvol_queue_unbind(&dev->queues[1]);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_RECOVERING);
	/* RECOVERING stays RECOVERING while any queue lacks a binder */
	cvol_queue_unbind(&dev->queues[0]);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_RECOVERING);
	KUNIT_EXPECT_EQ(test, cvol_queue_bind(dev, 0, FAKE_FILE(3)), 0);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_RECOVERING);
	/* RECOVERING -> LIVE */
	KUNIT_EXPECT_EQ(test, cvol_queue_bind(dev, 1, FAKE_FILE(4)), 0);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_LIVE);

	/* reconfigure: grow allowed, shrink and odd sizes refused */
	size = 8 * MIB;
	KUNIT_EXPECT_EQ(test, cvol_dev_reconfigure(dev, &size, NULL, NULL,
						   &why), 0);
	KUNIT_EXPECT_EQ(test, dev->size, 8 * MIB);
	KUNIT_EXPECT_EQ(test, get_capacity(dev->disk), 8 * MIB >> 9);
	size = 4 * MIB;
	KUNIT_EXPECT_EQ(test, cvol_dev_reconfigure(dev, &size, NULL, NULL,
						   &why), -EINVAL);
	KUNIT_EXPECT_STREQ(test, why, "devices only grow");
	size = 8 * MIB + 100;
	KUNIT_EXPECT_EQ(test, cvol_dev_reconfigure(dev, &size, NULL, NULL,
						   &why), -EINVAL);
	KUNIT_EXPECT_STREQ(test, why, "size not a multiple of the block size");
	KUNIT_EXPECT_EQ(test, dev->size, 8 * MIB);

	/* LIVE -> DYING; the id is gone; removing again is refused */
	KUNIT_EXPECT_EQ(test, cvol_dev_remove(id, false, &why), 0);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_DYING);
	KUNIT_EXPECT_NULL(test, cvol_dev_get(id));
	KUNIT_EXPECT_EQ(test, cvol_dev_remove(id, true, &why), -ENOENT);
	KUNIT_EXPECT_STREQ(test, why, "no such device");
	cvol_dev_put(dev);
}

/* DYING is terminal: everything on a removed device is refused */
static void cvol_dev_dying_refuses(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(1, 2);
	const char *why = NULL;
	struct cvol_dev *dev;
	u32 ready[8], committed = 1, flags = 0, timeout = 5;
	struct cvol_done done = { .desc = 0, .result = 0 };
	u64 size = 8 * MIB;

	dev = kunit_add(test, &p);
	kunit_go_live(test, dev);
	kunit_remove(test, dev);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_DYING);

	KUNIT_EXPECT_EQ(test, cvol_queue_bind(dev, 0, FAKE_FILE(7)), -ENODEV);
	KUNIT_EXPECT_EQ(test, cvol_dev_reconfigure(dev, &size, NULL, NULL,
						   &why), -ENOENT);
	KUNIT_EXPECT_STREQ(test, why, "device is being removed");
	KUNIT_EXPECT_EQ(test, cvol_dev_reconfigure(dev, NULL, &flags,
						   &timeout, &why), -ENOENT);
	KUNIT_EXPECT_EQ(test, cvol_queue_fetch(&dev->queues[0], ready,
					       ARRAY_SIZE(ready), true),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, cvol_queue_commit(&dev->queues[0], &done, 1,
						&committed), -ENODEV);
	KUNIT_EXPECT_EQ(test, committed, 0U);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_DYING);
	cvol_dev_put(dev);
}

/* NEW -> DYING directly, and losing a binder before the disk exists */
static void cvol_dev_new_transitions(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(2, 2);
	struct cvol_dev *dev;

	/* the device has at most nr_cpu_ids queues (D9) */
	if (nr_cpu_ids < 2)
		kunit_skip(test, "two queues need two CPUs, the guest has %u",
			   nr_cpu_ids);

	dev = kunit_add(test, &p);
	KUNIT_EXPECT_EQ(test, cvol_queue_bind(dev, 0, FAKE_FILE(0)), 0);
	/* NEW, disk not added: losing a binder keeps it NEW */
	cvol_queue_unbind(&dev->queues[0]);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_NEW);
	KUNIT_EXPECT_EQ(test, dev->nr_bound, 0);
	/* and the queue can be bound again */
	KUNIT_EXPECT_EQ(test, cvol_queue_bind(dev, 0, FAKE_FILE(1)), 0);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_NEW);
	/* NEW -> DYING */
	kunit_remove(test, dev);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_DYING);
	KUNIT_EXPECT_FALSE(test, dev->disk_added);
	cvol_dev_put(dev);
}

/*
 * The binder dies while add_disk() reads the partition table and a new
 * one binds before the read is served: the add work, still running, is
 * not queued a second time, so the live disk is added once (D1).
 */
static void cvol_dev_add_once(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(1, 2);
	struct cvol_dev *dev;
	u32 ready[4];

	dev = kunit_add(test, &p);
	KUNIT_ASSERT_EQ(test, cvol_queue_bind(dev, 0, FAKE_FILE(0)), 0);
	/* the scan's first read, handed out to the first binder */
	KUNIT_ASSERT_GE(test, kunit_fetch(&dev->queues[0], ready, 4, 1), 1);
	KUNIT_EXPECT_TRUE(test, work_busy(&dev->add_work) & WORK_BUSY_RUNNING);
	cvol_queue_unbind(&dev->queues[0]);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_NEW);
	KUNIT_ASSERT_EQ(test, cvol_queue_bind(dev, 0, FAKE_FILE(1)), 0);
	KUNIT_EXPECT_FALSE(test, work_pending(&dev->add_work));
	kunit_wait_added(test, dev);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_LIVE);
	KUNIT_EXPECT_FALSE(test, work_pending(&dev->add_work));
	kunit_remove(test, dev);
	cvol_dev_put(dev);
}

/*
 * FEATURES decide what the queue advertises: without DISCARD,
 * WRITE_ZEROES and FUA the block layer sends none of them (D10).
 */
static void cvol_dev_features(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(1, 2);
	struct request_queue *rq;
	struct cvol_dev *dev;

	p.features = 0;
	dev = kunit_add(test, &p);
	rq = dev->disk->queue;
	KUNIT_EXPECT_EQ(test, rq->limits.max_discard_sectors, 0U);
	KUNIT_EXPECT_EQ(test, rq->limits.max_write_zeroes_sectors, 0U);
	KUNIT_EXPECT_FALSE(test, test_bit(QUEUE_FLAG_FUA, &rq->queue_flags));
	KUNIT_EXPECT_TRUE(test, test_bit(QUEUE_FLAG_WC, &rq->queue_flags));
	kunit_remove(test, dev);
	cvol_dev_put(dev);

	p.features = CVOL_F_ALL;
	dev = kunit_add(test, &p);
	rq = dev->disk->queue;
	KUNIT_EXPECT_EQ(test, rq->limits.max_discard_sectors,
			1U << (16 - SECTOR_SHIFT));
	KUNIT_EXPECT_EQ(test, rq->limits.max_write_zeroes_sectors,
			1U << (16 - SECTOR_SHIFT));
	KUNIT_EXPECT_TRUE(test, test_bit(QUEUE_FLAG_FUA, &rq->queue_flags));
	kunit_remove(test, dev);
	cvol_dev_put(dev);
}

/*
 * More queues than blk-mq uses (one per possible CPU) are not silently
 * kept: the device has, binds and reports the count blk-mq serves (D9).
 */
static void cvol_dev_nr_queues(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(nr_cpu_ids + 1, 2);
	struct cvol_dev *dev;

	if (p.nr_queues > cvol_max_queues)
		kunit_skip(test, "max_queues %u <= nr_cpu_ids %u",
			   cvol_max_queues, nr_cpu_ids);
	dev = kunit_add(test, &p);
	KUNIT_EXPECT_EQ(test, (unsigned int)dev->nr_queues, nr_cpu_ids);
	KUNIT_EXPECT_EQ(test, dev->set.nr_hw_queues,
			(unsigned int)dev->nr_queues);
	KUNIT_EXPECT_EQ(test, cvol_queue_bind(dev, nr_cpu_ids, FAKE_FILE(0)),
			-EINVAL);
	kunit_remove(test, dev);
	cvol_dev_put(dev);
}

/* ids: an explicit id in use is refused; removal frees the id */
static void cvol_dev_ids(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(1, 2);
	struct cvol_dev *a, *b = NULL;
	const char *why = NULL;

	a = kunit_add(test, &p);
	p.id = a->id;
	KUNIT_EXPECT_EQ(test, cvol_dev_add(&p, &b, &why), -EEXIST);
	KUNIT_EXPECT_STREQ(test, why, "device id in use");
	KUNIT_EXPECT_NULL(test, b);
	kunit_remove(test, a);
	cvol_dev_put(a);

	b = kunit_add(test, &p);
	KUNIT_EXPECT_EQ(test, b->id, (u32)p.id);
	kunit_remove(test, b);
	cvol_dev_put(b);
}

/* a snapshot device is read-only and cannot be made writable */
static void cvol_dev_snapshot_ro(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(1, 2);
	const char *why = NULL;
	struct cvol_dev *dev;
	u32 flags = 0;

	p.snap = "s1";
	dev = kunit_add(test, &p);
	KUNIT_EXPECT_EQ(test, dev->flags & CVOL_DEV_F_RDONLY,
			(u32)CVOL_DEV_F_RDONLY);
	KUNIT_EXPECT_TRUE(test, get_disk_ro(dev->disk));
	KUNIT_EXPECT_EQ(test, cvol_dev_reconfigure(dev, NULL, &flags, NULL,
						   &why), -EINVAL);
	KUNIT_EXPECT_STREQ(test, why, "a snapshot device is read-only");
	flags = CVOL_DEV_F_RDONLY;
	KUNIT_EXPECT_EQ(test, cvol_dev_reconfigure(dev, NULL, &flags, NULL,
						   &why), 0);
	kunit_remove(test, dev);
	cvol_dev_put(dev);
}

static struct kunit_case cvol_dev_cases[] = {
	KUNIT_CASE(cvol_dev_lifecycle),
	KUNIT_CASE(cvol_dev_dying_refuses),
	KUNIT_CASE(cvol_dev_new_transitions),
	KUNIT_CASE(cvol_dev_add_once),
	KUNIT_CASE(cvol_dev_features),
	KUNIT_CASE(cvol_dev_nr_queues),
	KUNIT_CASE(cvol_dev_ids),
	KUNIT_CASE(cvol_dev_snapshot_ro),
	{}
};

static struct kunit_suite cvol_dev_suite = {
	.name = "cvol_dev",
	.test_cases = cvol_dev_cases,
};

/* ---------------------------------------------------------------------- */
/* cvol_ring: request tags through the descriptor ring                    */

/*
 * One bio submitted to the device, its data in whole pages (a read or
 * write request must not be sent with blk_execute_rq_nowait(), which is
 * for passthrough requests only).
 */
struct kunit_io {
	u8 *buf;
	unsigned int order;
	u32 len;
	blk_status_t status;
	struct completion done;
};

static void kunit_io_end(struct bio *bio)
{
	struct kunit_io *io = bio->bi_private;

	io->status = bio->bi_status;
	bio_put(bio);
	complete(&io->done);
}

static void kunit_io_submit(struct kunit *test, struct cvol_dev *dev,
			    struct kunit_io *io, blk_opf_t op, u64 off,
			    u32 len)
{
	unsigned int nr = DIV_ROUND_UP(len, PAGE_SIZE), i;
	struct bio *bio;

	io->order = get_order(len);
	io->buf = (u8 *)__get_free_pages(GFP_KERNEL, io->order);
	KUNIT_ASSERT_NOT_NULL(test, io->buf);
	memset(io->buf, 0x11, len);
	io->len = len;
	io->status = BLK_STS_AGAIN;
	init_completion(&io->done);
	bio = bio_alloc(dev->disk->part0, nr, op, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	bio->bi_iter.bi_sector = off >> SECTOR_SHIFT;
	bio->bi_end_io = kunit_io_end;
	bio->bi_private = io;
	for (i = 0; i < nr; i++) {
		u32 chunk = min_t(u32, len - i * PAGE_SIZE, PAGE_SIZE);

		KUNIT_ASSERT_EQ(test,
				bio_add_page(bio, virt_to_page(io->buf +
							       i * PAGE_SIZE),
					     chunk, 0),
				(int)chunk);
	}
	submit_bio(bio);
}

/* wait for the bio, 10 s at most */
static bool kunit_io_wait(struct kunit_io *io)
{
	return wait_for_completion_timeout(&io->done, 10 * HZ) != 0;
}

static void kunit_io_free(struct kunit_io *io)
{
	free_pages((unsigned long)io->buf, io->order);
	io->buf = NULL;
}

static struct cvol_desc *area_desc(struct cvol_queue *q, u32 idx)
{
	return (struct cvol_desc *)q->area + idx;
}

/*
 * FREE -> QUEUED -> ISSUED -> FREE for a read that crosses an object
 * boundary: two descriptors, both complete, the data reaches the caller.
 */
static void cvol_ring_read(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(1, 4);
	struct cvol_done done[2];
	struct kunit_io io;
	struct cvol_queue *q;
	struct cvol_dev *dev;
	u32 ready[8], committed, base, i;
	u64 off = OBJ16 - 4096;
	s64 reads, read_bytes;
	u8 *data;

	dev = kunit_add(test, &p);
	kunit_go_live(test, dev);
	q = &dev->queues[0];
	/* add_disk()'s partition scan has read already */
	reads = atomic64_read(&dev->stats[CVOL_STAT_READS]);
	read_bytes = atomic64_read(&dev->stats[CVOL_STAT_READ_BYTES]);

	kunit_io_submit(test, dev, &io, REQ_OP_READ, off, 8192);
	KUNIT_ASSERT_EQ(test, kunit_fetch(q, ready, ARRAY_SIZE(ready), 2), 2);
	base = ready[0];
	KUNIT_EXPECT_EQ(test, base % CVOL_SEGS_PER_REQ, 0U);
	KUNIT_EXPECT_EQ(test, ready[1], base + 1);
	KUNIT_EXPECT_EQ(test, q->tags[base / CVOL_SEGS_PER_REQ].state,
			CVOL_TAG_ISSUED);
	/* nothing more to hand out */
	KUNIT_EXPECT_EQ(test, cvol_queue_fetch(q, ready, 8, false), 0);

	for (i = 0; i < 2; i++) {
		struct cvol_desc *d = area_desc(q, base + i);

		KUNIT_EXPECT_EQ(test, d->op, (u8)CVOL_OP_READ);
		KUNIT_EXPECT_EQ(test, d->nr_segs, 2);
		KUNIT_EXPECT_EQ(test, d->len, 4096U);
		KUNIT_EXPECT_EQ(test, d->obj, (u64)i);
		KUNIT_EXPECT_EQ(test, d->obj_off, i ? 0U : (u32)(OBJ16 - 4096));
		KUNIT_EXPECT_EQ(test, d->dev_off, off + i * 4096);
		KUNIT_EXPECT_EQ(test, d->buf_off,
				cvol_area_desc_bytes(4, PAGE_SIZE) +
				(u64)(base / CVOL_SEGS_PER_REQ) * CVOL_MAX_IO +
				i * 4096);
		KUNIT_EXPECT_EQ(test, d->reserved, 0ULL);
		KUNIT_ASSERT_LE(test, d->buf_off + d->len, (u64)q->area_size);
		/* the daemon's answer: a pattern per piece */
		memset(q->area + d->buf_off, 0xa0 + i, d->len);
		done[i].desc = base + i;
		done[i].result = 0;
	}
	/* completing the first piece alone does not end the request */
	KUNIT_EXPECT_EQ(test, cvol_queue_commit(q, &done[0], 1, &committed), 0);
	KUNIT_EXPECT_EQ(test, committed, 1U);
	KUNIT_EXPECT_FALSE(test, completion_done(&io.done));
	KUNIT_EXPECT_EQ(test, cvol_queue_commit(q, &done[1], 1, &committed), 0);
	KUNIT_ASSERT_TRUE(test, kunit_io_wait(&io));
	KUNIT_EXPECT_EQ(test, io.status, BLK_STS_OK);
	data = io.buf;
	KUNIT_EXPECT_EQ(test, data[0], 0xa0);
	KUNIT_EXPECT_EQ(test, data[4095], 0xa0);
	KUNIT_EXPECT_EQ(test, data[4096], 0xa1);
	KUNIT_EXPECT_EQ(test, data[8191], 0xa1);
	kunit_io_free(&io);
	KUNIT_EXPECT_EQ(test, q->tags[base / CVOL_SEGS_PER_REQ].state,
			CVOL_TAG_FREE);
	KUNIT_EXPECT_EQ(test, atomic64_read(&dev->stats[CVOL_STAT_READS]),
			reads + 1);
	KUNIT_EXPECT_EQ(test,
			atomic64_read(&dev->stats[CVOL_STAT_READ_BYTES]),
			read_bytes + 8192);

	kunit_remove(test, dev);
	cvol_dev_put(dev);
}

/* a write's data is in its tag buffer when handed out; errors map */
static void cvol_ring_write_errors(struct kunit *test)
{
	static const struct {
		s32 result;
		blk_status_t status;
	} cases[] = {
		{ 0, BLK_STS_OK },
		{ -ENOSPC, BLK_STS_NOSPC },
		{ -EOPNOTSUPP, BLK_STS_NOTSUPP },
		{ -EIO, BLK_STS_IOERR },
		{ -EROFS, BLK_STS_IOERR },
	};
	struct cvol_add_params p = kunit_params(1, 2);
	struct cvol_queue *q;
	struct cvol_dev *dev;
	unsigned int i;

	dev = kunit_add(test, &p);
	kunit_go_live(test, dev);
	q = &dev->queues[0];
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cvol_done done;
		struct kunit_io io;
		u32 ready[4], committed;
		struct cvol_desc *d;

		kunit_io_submit(test, dev, &io, REQ_OP_WRITE, 8192, 4096);
		KUNIT_ASSERT_EQ(test, kunit_fetch(q, ready, 4, 1), 1);
		d = area_desc(q, ready[0]);
		KUNIT_EXPECT_EQ(test, d->op, (u8)CVOL_OP_WRITE);
		KUNIT_EXPECT_EQ(test, d->obj, 0ULL);
		KUNIT_EXPECT_EQ(test, d->obj_off, 8192U);
		KUNIT_EXPECT_EQ(test, d->nr_segs, 1);
		KUNIT_EXPECT_NULL(test, memchr_inv(q->area + d->buf_off, 0x11,
						   4096));
		done.desc = ready[0];
		done.result = cases[i].result;
		KUNIT_EXPECT_EQ(test, cvol_queue_commit(q, &done, 1,
							&committed), 0);
		KUNIT_ASSERT_TRUE(test, kunit_io_wait(&io));
		KUNIT_EXPECT_EQ_MSG(test, io.status, cases[i].status,
				    "result %d", cases[i].result);
		kunit_io_free(&io);
	}
	KUNIT_EXPECT_EQ(test, atomic64_read(&dev->stats[CVOL_STAT_WRITES]),
			(s64)ARRAY_SIZE(cases));
	KUNIT_EXPECT_EQ(test, atomic64_read(&dev->stats[CVOL_STAT_ERRORS]),
			(s64)ARRAY_SIZE(cases) - 1);
	kunit_remove(test, dev);
	cvol_dev_put(dev);
}

/* completions that do not match an issued descriptor are refused */
static void cvol_ring_refused_commits(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(1, 4);
	u32 nr_desc = 4 * CVOL_SEGS_PER_REQ;
	struct cvol_done done[3];
	struct kunit_io io;
	struct cvol_queue *q;
	struct cvol_dev *dev;
	u32 ready[8], committed, base;

	dev = kunit_add(test, &p);
	kunit_go_live(test, dev);
	q = &dev->queues[0];

	/* index out of range */
	done[0].desc = nr_desc;
	done[0].result = 0;
	KUNIT_EXPECT_EQ(test, cvol_queue_commit(q, done, 1, &committed),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, committed, 0U);
	done[0].desc = U32_MAX;
	KUNIT_EXPECT_EQ(test, cvol_queue_commit(q, done, 1, &committed),
			-EINVAL);
	/* a FREE tag: stale (timed out or aborted), skipped */
	done[0].desc = 0;
	KUNIT_EXPECT_EQ(test, cvol_queue_commit(q, done, 1, &committed), 0);
	KUNIT_EXPECT_EQ(test, committed, 1U);

	/* a two-piece request */
	kunit_io_submit(test, dev, &io, REQ_OP_READ, OBJ16 - 512, 1024);
	KUNIT_ASSERT_EQ(test, kunit_fetch(q, ready, 8, 2), 2);
	base = ready[0];
	/* a piece beyond the request's nr_segs */
	done[0].desc = base + 2;
	KUNIT_EXPECT_EQ(test, cvol_queue_commit(q, done, 1, &committed),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, committed, 0U);
	/* the same piece twice in one batch: the second is refused */
	done[0].desc = base;
	done[1].desc = base;
	done[1].result = 0;
	done[2].desc = base + 1;
	done[2].result = 0;
	KUNIT_EXPECT_EQ(test, cvol_queue_commit(q, done, 3, &committed),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, committed, 1U);
	KUNIT_EXPECT_FALSE(test, completion_done(&io.done));
	/* the rest completes it */
	KUNIT_EXPECT_EQ(test, cvol_queue_commit(q, &done[2], 1, &committed),
			0);
	KUNIT_ASSERT_TRUE(test, kunit_io_wait(&io));
	KUNIT_EXPECT_EQ(test, io.status, BLK_STS_OK);
	kunit_io_free(&io);
	/* completing it again: the tag is FREE, skipped */
	KUNIT_EXPECT_EQ(test, cvol_queue_commit(q, &done[2], 1, &committed),
			0);
	kunit_remove(test, dev);
	cvol_dev_put(dev);
}

/*
 * ISSUED requests go back to the block layer when the binder goes and are
 * handed out again after rebind, their write data copied from the bio
 * again: what the old daemon wrote into the buffer is not re-sent (D8).
 */
static void cvol_ring_requeue(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(1, 2);
	struct cvol_done done = { .result = 0 };
	struct kunit_io io;
	struct cvol_queue *q;
	struct cvol_dev *dev;
	u32 ready[4], again[4], committed, seq;
	size_t data;
	u8 *buf;

	dev = kunit_add(test, &p);
	kunit_go_live(test, dev);
	q = &dev->queues[0];
	data = cvol_area_desc_bytes(dev->depth, PAGE_SIZE);

	kunit_io_submit(test, dev, &io, REQ_OP_WRITE, 3 * OBJ16, 4096);
	KUNIT_ASSERT_EQ(test, kunit_fetch(q, ready, 4, 1), 1);
	seq = area_desc(q, ready[0])->seq;
	/* the old daemon scribbles over the write's buffer, then dies */
	buf = q->area + data + (ready[0] / CVOL_SEGS_PER_REQ) * CVOL_MAX_IO;
	KUNIT_EXPECT_EQ(test, buf[0], 0x11);
	memset(buf, 0xee, 4096);
	cvol_queue_unbind(q);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_RECOVERING);
	KUNIT_EXPECT_EQ(test, atomic64_read(&dev->stats[CVOL_STAT_REQUEUES]),
			1LL);
	KUNIT_EXPECT_FALSE(test, completion_done(&io.done));

	KUNIT_EXPECT_EQ(test, cvol_queue_bind(dev, 0, FAKE_FILE(5)), 0);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_LIVE);
	KUNIT_ASSERT_EQ(test, kunit_fetch(q, again, 4, 1), 1);
	KUNIT_EXPECT_EQ(test, area_desc(q, again[0])->seq, seq + 1);
	KUNIT_EXPECT_EQ(test, area_desc(q, again[0])->obj, 3ULL);
	buf = q->area + data + (again[0] / CVOL_SEGS_PER_REQ) * CVOL_MAX_IO;
	KUNIT_EXPECT_NULL(test, memchr_inv(buf, 0x11, 4096));
	done.desc = again[0];
	KUNIT_EXPECT_EQ(test, cvol_queue_commit(q, &done, 1, &committed), 0);
	KUNIT_ASSERT_TRUE(test, kunit_io_wait(&io));
	KUNIT_EXPECT_EQ(test, io.status, BLK_STS_OK);
	kunit_io_free(&io);
	kunit_remove(test, dev);
	cvol_dev_put(dev);
}

/* removal ends QUEUED and ISSUED requests with an I/O error */
static void cvol_ring_remove_aborts(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(1, 4);
	struct kunit_io issued, queued;
	struct cvol_queue *q;
	struct cvol_dev *dev;
	u32 ready[4];

	dev = kunit_add(test, &p);
	kunit_go_live(test, dev);
	q = &dev->queues[0];

	kunit_io_submit(test, dev, &issued, REQ_OP_READ, 0, 4096);
	KUNIT_ASSERT_EQ(test, kunit_fetch(q, ready, 4, 1), 1);
	kunit_io_submit(test, dev, &queued, REQ_OP_READ, 4096, 4096);
	/* let it reach the queue: the ring has it once queue_rq ran */
	msleep(50);
	kunit_remove(test, dev);
	KUNIT_ASSERT_TRUE(test, kunit_io_wait(&issued));
	KUNIT_ASSERT_TRUE(test, kunit_io_wait(&queued));
	KUNIT_EXPECT_EQ(test, issued.status, BLK_STS_IOERR);
	KUNIT_EXPECT_EQ(test, queued.status, BLK_STS_IOERR);
	kunit_io_free(&issued);
	kunit_io_free(&queued);
	cvol_dev_put(dev);
}

/*
 * Tags are reused round the ring and the hand-out sequence wraps at
 * 2^32: every hand-out stays inside the area and seq counts on through 0.
 */
static void cvol_ring_wrap(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(1, 2);
	u32 nr_desc = 2 * CVOL_SEGS_PER_REQ, seen = 0, i;
	struct cvol_queue *q;
	struct cvol_dev *dev;

	dev = kunit_add(test, &p);
	kunit_go_live(test, dev);
	q = &dev->queues[0];
	spin_lock(&q->lock);
	q->seq = U32_MAX - 2;
	spin_unlock(&q->lock);

	for (i = 0; i < 8; i++) {
		struct cvol_done done = { .result = 0 };
		struct kunit_io io;
		u32 ready[4], committed;
		struct cvol_desc *d;

		kunit_io_submit(test, dev, &io, REQ_OP_READ, i * 4096, 4096);
		KUNIT_ASSERT_EQ(test, kunit_fetch(q, ready, 4, 1), 1);
		KUNIT_ASSERT_LT(test, ready[0], nr_desc);
		KUNIT_EXPECT_EQ(test, ready[0] % CVOL_SEGS_PER_REQ, 0U);
		seen |= BIT(ready[0] / CVOL_SEGS_PER_REQ);
		d = area_desc(q, ready[0]);
		KUNIT_EXPECT_EQ(test, d->seq, (u32)(U32_MAX - 2 + i + 1));
		KUNIT_EXPECT_EQ(test, d->dev_off, (u64)i * 4096);
		done.desc = ready[0];
		KUNIT_EXPECT_EQ(test, cvol_queue_commit(q, &done, 1,
							&committed), 0);
		KUNIT_ASSERT_TRUE(test, kunit_io_wait(&io));
		KUNIT_EXPECT_EQ(test, io.status, BLK_STS_OK);
		kunit_io_free(&io);
	}
	/* the seq counter went through U32_MAX and 0 */
	KUNIT_EXPECT_EQ(test, q->seq, 5U);
	KUNIT_EXPECT_NE(test, seen, 0U);
	kunit_remove(test, dev);
	cvol_dev_put(dev);
}

static void kunit_set_timeout(struct kunit *test, struct cvol_dev *dev,
			      u32 timeout)
{
	const char *why = NULL;
	int ret;

	ret = cvol_dev_reconfigure(dev, NULL, NULL, &timeout, &why);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "reconfigure: %s", why ? why : "");
}

/* complete handed-out descriptors with success (reads get zeros) */
static void kunit_complete(struct kunit *test, struct cvol_queue *q,
			   const u32 *ready, int n)
{
	struct cvol_done done[4];
	u32 committed;
	int i;

	for (i = 0; i < n; i++) {
		struct cvol_desc *d = area_desc(q, ready[i]);

		if (d->op == CVOL_OP_READ)
			memset(q->area + d->buf_off, 0, d->len);
		done[i].desc = ready[i];
		done[i].result = 0;
	}
	KUNIT_EXPECT_EQ(test, cvol_queue_commit(q, done, n, &committed), 0);
	KUNIT_EXPECT_EQ(test, committed, (u32)n);
}

/*
 * TIMEOUT bounds the wait for a daemon, not the time a request waits in
 * a bound binder's queue: a binder that does not fetch for three times
 * the timeout still serves the request successfully (D4).
 */
static void cvol_ring_timeout_bound(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(1, 2);
	struct kunit_io io;
	struct cvol_queue *q;
	struct cvol_dev *dev;
	u32 ready[4];

	dev = kunit_add(test, &p);
	kunit_go_live(test, dev);
	q = &dev->queues[0];
	kunit_set_timeout(test, dev, 1);

	kunit_io_submit(test, dev, &io, REQ_OP_READ, 0, 4096);
	msleep(3000);
	KUNIT_EXPECT_FALSE(test, completion_done(&io.done));
	KUNIT_ASSERT_EQ(test, kunit_fetch(q, ready, 4, 1), 1);
	kunit_complete(test, q, ready, 1);
	KUNIT_ASSERT_TRUE(test, kunit_io_wait(&io));
	KUNIT_EXPECT_EQ(test, io.status, BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_LIVE);
	kunit_io_free(&io);
	kunit_remove(test, dev);
	cvol_dev_put(dev);
}

/*
 * A binder that takes a request and never completes it is stuck: after
 * the timeout the request ends with BLK_STS_TIMEOUT, the binder gets
 * -ETIMEDOUT, the device is RECOVERING, the tag stays abandoned (its
 * buffer is the stuck binder's) and a request waiting behind it fails
 * after the timeout too.  Once the stuck binder's file goes, a new
 * binder serves the device again (D4).
 */
static void cvol_ring_timeout_stuck(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(1, 2);
	struct cvol_done done = { .result = 0 };
	struct kunit_io io, behind, again;
	u32 ready[4], committed, tag;
	struct cvol_queue *q;
	struct cvol_dev *dev;

	dev = kunit_add(test, &p);
	kunit_go_live(test, dev);
	q = &dev->queues[0];
	kunit_set_timeout(test, dev, 1);

	kunit_io_submit(test, dev, &io, REQ_OP_WRITE, 0, 4096);
	KUNIT_ASSERT_EQ(test, kunit_fetch(q, ready, 4, 1), 1);
	tag = ready[0] / CVOL_SEGS_PER_REQ;
	/* never completed: at most a few timer periods */
	KUNIT_ASSERT_TRUE(test, kunit_io_wait(&io));
	KUNIT_EXPECT_EQ(test, io.status, BLK_STS_TIMEOUT);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_RECOVERING);
	KUNIT_EXPECT_EQ(test, q->tags[tag].state, CVOL_TAG_ABANDONED);
	/* the stuck binder is told so, and its late completion is refused */
	KUNIT_EXPECT_EQ(test, cvol_queue_fetch(q, ready + 1, 3, false),
			-ETIMEDOUT);
	done.desc = ready[0];
	KUNIT_EXPECT_EQ(test, cvol_queue_commit(q, &done, 1, &committed),
			-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, committed, 0U);
	/* nobody serves the queue now: a new request fails after the timeout */
	kunit_io_submit(test, dev, &behind, REQ_OP_READ, 4096, 4096);
	KUNIT_ASSERT_TRUE(test, kunit_io_wait(&behind));
	KUNIT_EXPECT_EQ(test, behind.status, BLK_STS_TIMEOUT);

	/* the stuck daemon's file goes; a new binder takes over */
	cvol_queue_unbind(q);
	KUNIT_EXPECT_EQ(test, q->tags[tag].state, CVOL_TAG_FREE);
	KUNIT_ASSERT_EQ(test, cvol_queue_bind(dev, 0, FAKE_FILE(6)), 0);
	KUNIT_EXPECT_EQ(test, dev_state(dev), CVOL_STATE_LIVE);
	kunit_io_submit(test, dev, &again, REQ_OP_READ, 0, 4096);
	KUNIT_ASSERT_EQ(test, kunit_fetch(q, ready, 4, 1), 1);
	kunit_complete(test, q, ready, 1);
	KUNIT_ASSERT_TRUE(test, kunit_io_wait(&again));
	KUNIT_EXPECT_EQ(test, again.status, BLK_STS_OK);
	kunit_io_free(&io);
	kunit_io_free(&behind);
	kunit_io_free(&again);
	kunit_remove(test, dev);
	cvol_dev_put(dev);
}

/* with no binder at all, a request fails once the timeout has passed */
static void cvol_ring_timeout_unbound(struct kunit *test)
{
	struct cvol_add_params p = kunit_params(1, 2);
	struct kunit_io io;
	struct cvol_dev *dev;

	dev = kunit_add(test, &p);
	kunit_go_live(test, dev);
	kunit_set_timeout(test, dev, 1);
	cvol_queue_unbind(&dev->queues[0]);
	kunit_io_submit(test, dev, &io, REQ_OP_READ, 0, 4096);
	KUNIT_ASSERT_TRUE(test, kunit_io_wait(&io));
	KUNIT_EXPECT_EQ(test, io.status, BLK_STS_TIMEOUT);
	kunit_io_free(&io);
	kunit_remove(test, dev);
	cvol_dev_put(dev);
}

static struct kunit_case cvol_ring_cases[] = {
	KUNIT_CASE(cvol_ring_read),
	KUNIT_CASE(cvol_ring_write_errors),
	KUNIT_CASE(cvol_ring_refused_commits),
	KUNIT_CASE(cvol_ring_requeue),
	KUNIT_CASE(cvol_ring_remove_aborts),
	KUNIT_CASE(cvol_ring_wrap),
	KUNIT_CASE(cvol_ring_timeout_bound),
	KUNIT_CASE(cvol_ring_timeout_stuck),
	KUNIT_CASE(cvol_ring_timeout_unbound),
	{}
};

static struct kunit_suite cvol_ring_suite = {
	.name = "cvol_ring",
	.test_cases = cvol_ring_cases,
};

/* ---------------------------------------------------------------------- */
/* cvol_genl                                                              */

/* GA_BASE stands for the four required attributes, with valid values */
enum genl_kind { GA_END, GA_U8, GA_U16, GA_U32, GA_U64, GA_STR, GA_RAW,
		 GA_FLAG, GA_BASE };

/* one attribute of a request: a typed value, a string or raw bytes */
struct genl_attr {
	u16 type;
	u8 kind;
	u64 val;		/* GA_U*; GA_RAW: byte count */
	const char *str;	/* GA_STR (sent with its NUL), GA_RAW */
};

#define GA(t, k, v)	{ .type = (t), .kind = (k), .val = (v) }
#define GS(t, s)	{ .type = (t), .kind = GA_STR, .str = (s) }
#define GR(t, s, n)	{ .type = (t), .kind = GA_RAW, .str = (s), .val = (n) }
#define A_SIZE(v)	GA(CVOL_ATTR_SIZE, GA_U64, v)
#define A_ORDER(v)	GA(CVOL_ATTR_OBJ_ORDER, GA_U8, v)
#define A_POOL		GS(CVOL_ATTR_POOL, "kunit")
#define A_VOL		GS(CVOL_ATTR_VOLUME, "v")
#define A_BASE		{ .kind = GA_BASE }

#define NAME64 "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"

/*
 * @policy_err: what parsing against cvol_genl_policy gives (the checks
 * genetlink runs before DEV_ADD's handler); @err: what cvol_nl_parse_add
 * then gives; @attr: the attribute the extended ack names (bad or
 * missing), 0 for none.
 */
struct genl_case {
	const char *name;
	struct genl_attr attrs[12];
	int policy_err;
	int err;
	u16 attr;
};

static const struct genl_case genl_cases[] = {
	{ "minimal", { A_BASE } },
	{ "every optional attribute",
	  { A_BASE, GA(CVOL_ATTR_DEV_ID, GA_U32, 0),
	    GA(CVOL_ATTR_LBS, GA_U32, 4096),
	    GA(CVOL_ATTR_NR_QUEUES, GA_U16, 1),
	    GA(CVOL_ATTR_QUEUE_DEPTH, GA_U16, CVOL_MAX_DEPTH),
	    GA(CVOL_ATTR_FLAGS, GA_U32, CVOL_DEV_F_RDONLY),
	    GA(CVOL_ATTR_TIMEOUT, GA_U32, CVOL_MAX_TIMEOUT),
	    GA(CVOL_ATTR_FEATURES, GA_U64, CVOL_F_ALL),
	    GS(CVOL_ATTR_SNAP, "s1"),
	    GS(CVOL_ATTR_IDENTITY, "cvol1:0123456789abcdef0123456789abcdef:1:2") } },
	{ "no attributes", { }, 0, -EINVAL, CVOL_ATTR_SIZE },
	{ "no size", { A_ORDER(16), A_POOL, A_VOL }, 0, -EINVAL,
	  CVOL_ATTR_SIZE },
	{ "no order", { A_SIZE(MIB), A_POOL, A_VOL }, 0, -EINVAL,
	  CVOL_ATTR_OBJ_ORDER },
	{ "no pool", { A_SIZE(MIB), A_ORDER(16), A_VOL }, 0, -EINVAL,
	  CVOL_ATTR_POOL },
	{ "no volume", { A_SIZE(MIB), A_ORDER(16), A_POOL }, 0, -EINVAL,
	  CVOL_ATTR_VOLUME },
	/* the policy: types, lengths, ranges, masks, rejected attributes */
	{ "order below 16", { A_SIZE(MIB), A_ORDER(15), A_POOL, A_VOL },
	  -ERANGE, 0, CVOL_ATTR_OBJ_ORDER },
	{ "order above 26", { A_SIZE(MIB), A_ORDER(27), A_POOL, A_VOL },
	  -ERANGE, 0, CVOL_ATTR_OBJ_ORDER },
	{ "order 26", { A_SIZE(MIB), A_ORDER(26), A_POOL, A_VOL } },
	{ "size as u32", { GA(CVOL_ATTR_SIZE, GA_U32, MIB), A_ORDER(16),
			   A_POOL, A_VOL }, -EINVAL, 0, CVOL_ATTR_SIZE },
	{ "order as raw byte pair", { A_SIZE(MIB),
				      GR(CVOL_ATTR_OBJ_ORDER, "\x10\0", 2),
				      A_POOL, A_VOL },
	  -EINVAL, 0, CVOL_ATTR_OBJ_ORDER },
	{ "zero queues", { A_BASE, GA(CVOL_ATTR_NR_QUEUES, GA_U16, 0) },
	  -ERANGE, 0, CVOL_ATTR_NR_QUEUES },
	{ "zero depth", { A_BASE, GA(CVOL_ATTR_QUEUE_DEPTH, GA_U16, 0) },
	  -ERANGE, 0, CVOL_ATTR_QUEUE_DEPTH },
	{ "depth over the limit",
	  { A_BASE, GA(CVOL_ATTR_QUEUE_DEPTH, GA_U16, CVOL_MAX_DEPTH + 1) },
	  -ERANGE, 0, CVOL_ATTR_QUEUE_DEPTH },
	{ "unknown device flag",
	  { A_BASE, GA(CVOL_ATTR_FLAGS, GA_U32, CVOL_DEV_F_ALL << 1) },
	  -EINVAL, 0, CVOL_ATTR_FLAGS },
	{ "timeout over a day",
	  { A_BASE, GA(CVOL_ATTR_TIMEOUT, GA_U32, CVOL_MAX_TIMEOUT + 1) },
	  -ERANGE, 0, CVOL_ATTR_TIMEOUT },
	{ "state is output only", { A_BASE, GA(CVOL_ATTR_STATE, GA_U8, 0) },
	  -EINVAL, 0, CVOL_ATTR_STATE },
	{ "stats are output only", { A_BASE, GR(CVOL_ATTR_STATS, "", 0) },
	  -EINVAL, 0, CVOL_ATTR_STATS },
	{ "version is output only",
	  { A_BASE, GA(CVOL_ATTR_VERSION, GA_U32, 1) }, -EINVAL, 0,
	  CVOL_ATTR_VERSION },
	{ "force carries no value",
	  { A_BASE, GR(CVOL_ATTR_FORCE, "\1\0\0\0", 4) }, -ERANGE, 0,
	  CVOL_ATTR_FORCE },
	{ "force as a flag", { A_BASE, GA(CVOL_ATTR_FORCE, GA_FLAG, 0) } },
	{ "unknown attribute", { A_BASE, GA(CVOL_ATTR_MAX + 1, GA_U32, 0) },
	  -EINVAL, 0, 0 },
	{ "pool without its NUL", { A_SIZE(MIB), A_ORDER(16),
				    GR(CVOL_ATTR_POOL, "kunit", 5), A_VOL },
	  -EINVAL, 0, CVOL_ATTR_POOL },
	{ "empty volume attribute", { A_SIZE(MIB), A_ORDER(16), A_POOL,
				      GR(CVOL_ATTR_VOLUME, "", 0) },
	  -EINVAL, 0, CVOL_ATTR_VOLUME },
	{ "volume name of 64", { A_SIZE(MIB), A_ORDER(16), A_POOL,
				 GS(CVOL_ATTR_VOLUME, NAME64) },
	  -EINVAL, 0, CVOL_ATTR_VOLUME },
	{ "volume name of 63", { A_SIZE(MIB), A_ORDER(16), A_POOL,
				 GS(CVOL_ATTR_VOLUME, NAME64 + 1) } },
	/* what cvol_nl_parse_add checks itself */
	{ "device id at max_devices", { A_BASE, GA(CVOL_ATTR_DEV_ID, GA_U32,
						   U32_MAX) },
	  0, -ERANGE, CVOL_ATTR_DEV_ID },
	{ "block size 1024", { A_BASE, GA(CVOL_ATTR_LBS, GA_U32, 1024) },
	  0, -EINVAL, CVOL_ATTR_LBS },
	{ "block size 0", { A_BASE, GA(CVOL_ATTR_LBS, GA_U32, 0) },
	  0, -EINVAL, CVOL_ATTR_LBS },
	{ "size 0", { A_SIZE(0), A_ORDER(16), A_POOL, A_VOL }, 0, -EINVAL,
	  CVOL_ATTR_SIZE },
	{ "size not in sectors", { A_SIZE(MIB + 1), A_ORDER(16), A_POOL,
				   A_VOL }, 0, -EINVAL, CVOL_ATTR_SIZE },
	{ "size in sectors, block size 4096",
	  { A_SIZE(MIB + 512), A_ORDER(16), A_POOL, A_VOL,
	    GA(CVOL_ATTR_LBS, GA_U32, 4096) }, 0, -EINVAL, CVOL_ATTR_SIZE },
	{ "size 1 PiB", { A_SIZE(CVOL_MAX_SIZE), A_ORDER(26), A_POOL,
			  A_VOL } },
	{ "size over 1 PiB", { A_SIZE(CVOL_MAX_SIZE + 4096), A_ORDER(26),
			       A_POOL, A_VOL }, 0, -EINVAL, CVOL_ATTR_SIZE },
	{ "more queues than max_queues",
	  { A_BASE, GA(CVOL_ATTR_NR_QUEUES, GA_U16, U16_MAX) },
	  0, -ERANGE, CVOL_ATTR_NR_QUEUES },
	{ "unknown feature", { A_BASE, GA(CVOL_ATTR_FEATURES, GA_U64,
					  1ULL << 63) },
	  0, -EOPNOTSUPP, CVOL_ATTR_FEATURES },
	{ "reserved feature MAP", { A_BASE, GA(CVOL_ATTR_FEATURES, GA_U64,
					       CVOL_F_MAP) },
	  0, -EOPNOTSUPP, CVOL_ATTR_FEATURES },
	{ "pool with a slash", { A_SIZE(MIB), A_ORDER(16),
				 GS(CVOL_ATTR_POOL, "a/b"), A_VOL },
	  0, -EINVAL, CVOL_ATTR_POOL },
	{ "volume starting with a dot", { A_SIZE(MIB), A_ORDER(16), A_POOL,
					  GS(CVOL_ATTR_VOLUME, ".v") },
	  0, -EINVAL, CVOL_ATTR_VOLUME },
	{ "empty snapshot name", { A_BASE, GS(CVOL_ATTR_SNAP, "") },
	  0, -EINVAL, CVOL_ATTR_SNAP },
	{ "snapshot with an @", { A_BASE, GS(CVOL_ATTR_SNAP, "v@s") },
	  0, -EINVAL, CVOL_ATTR_SNAP },
	{ "identity of 127", { A_BASE,
			       GS(CVOL_ATTR_IDENTITY, NAME64 NAME64 + 1) } },
	{ "identity of 128", { A_BASE, GS(CVOL_ATTR_IDENTITY, NAME64 NAME64) },
	  -EINVAL, 0, CVOL_ATTR_IDENTITY },
	{ "empty identity", { A_BASE, GS(CVOL_ATTR_IDENTITY, "") },
	  0, -EINVAL, CVOL_ATTR_IDENTITY },
	{ "identity with a space", { A_BASE, GS(CVOL_ATTR_IDENTITY, "a b") },
	  0, -EINVAL, CVOL_ATTR_IDENTITY },
	{ "identity with a newline", { A_BASE, GS(CVOL_ATTR_IDENTITY, "a\n") },
	  0, -EINVAL, CVOL_ATTR_IDENTITY },
	{ "identity with a high byte",
	  { A_BASE, GS(CVOL_ATTR_IDENTITY, "a\xc3\xa9") },
	  0, -EINVAL, CVOL_ATTR_IDENTITY },
};

static void genl_case_desc(const struct genl_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(genl, genl_cases, genl_case_desc);

static int genl_put(struct sk_buff *skb, const struct genl_attr *a)
{
	static const struct genl_attr base[] = {
		A_SIZE(MIB), A_ORDER(16), A_POOL, A_VOL,
	};
	unsigned int i;
	int ret;

	switch (a->kind) {
	case GA_BASE:
		for (i = 0; i < ARRAY_SIZE(base); i++) {
			ret = genl_put(skb, &base[i]);
			if (ret)
				return ret;
		}
		return 0;
	case GA_U8:
		return nla_put_u8(skb, a->type, a->val);
	case GA_U16:
		return nla_put_u16(skb, a->type, a->val);
	case GA_U32:
		return nla_put_u32(skb, a->type, a->val);
	case GA_U64:
		return nla_put_u64_64bit(skb, a->type, a->val, CVOL_ATTR_PAD);
	case GA_STR:
		return nla_put_string(skb, a->type, a->str);
	case GA_RAW:
		return nla_put(skb, a->type, a->val, a->str);
	case GA_FLAG:
		return nla_put_flag(skb, a->type);
	}
	return -EINVAL;
}

/* the attribute @extack points at, as genetlink would report it */
static u16 genl_blamed(const struct netlink_ext_ack *extack)
{
	if (extack->bad_attr)
		return nla_type(extack->bad_attr);
	if (extack->miss_type)
		return extack->miss_type;
	return 0;
}

/*
 * @attrs (up to GA_END) put in a new skb and parsed as genetlink parses a
 * request: strictly, against cvol_genl_policy.  *@err gets the parse's
 * result; @tb points into the skb, which the caller frees.
 */
static struct sk_buff *genl_build(struct kunit *test,
				  const struct genl_attr *attrs,
				  struct nlattr **tb,
				  struct netlink_ext_ack *extack, int *err)
{
	const struct genl_attr *a;
	struct sk_buff *skb;

	skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	for (a = attrs; a->kind != GA_END; a++)
		KUNIT_ASSERT_EQ(test, genl_put(skb, a), 0);
	*err = __nla_parse(tb, CVOL_ATTR_MAX, (struct nlattr *)skb->data,
			   skb->len, cvol_genl_policy, NL_VALIDATE_STRICT,
			   extack);
	return skb;
}

/*
 * One DEV_ADD request: its attributes parsed as genetlink does (strict
 * validation against cvol_genl_policy), then through cvol_nl_parse_add;
 * the error and the attribute blamed must be the ones the table names,
 * and an accepted request's parameters must be what was sent or the
 * documented defaults.
 */
static void cvol_genl_add(struct kunit *test)
{
	const struct genl_case *c = test->param_value;
	struct nlattr *tb[CVOL_ATTR_MAX + 1];
	struct netlink_ext_ack extack = {};
	struct cvol_add_params p;
	struct sk_buff *skb;
	int ret;

	skb = genl_build(test, c->attrs, tb, &extack, &ret);
	KUNIT_EXPECT_EQ(test, ret, c->policy_err);
	if (ret) {
		if (c->attr)
			KUNIT_EXPECT_EQ(test, genl_blamed(&extack), c->attr);
		goto free_skb;
	}
	ret = cvol_nl_parse_add(tb, &p, &extack);
	KUNIT_EXPECT_EQ(test, ret, c->err);
	KUNIT_EXPECT_EQ(test, genl_blamed(&extack), c->attr);
	if (ret) {
		KUNIT_EXPECT_TRUE(test, extack._msg || extack.miss_type);
		goto free_skb;
	}

	/* accepted: each value as sent, or its default */
	KUNIT_EXPECT_EQ(test, p.size, nla_get_u64(tb[CVOL_ATTR_SIZE]));
	KUNIT_EXPECT_EQ(test, p.order,
			(u32)nla_get_u8(tb[CVOL_ATTR_OBJ_ORDER]));
	KUNIT_EXPECT_STREQ(test, p.pool, (char *)nla_data(tb[CVOL_ATTR_POOL]));
	KUNIT_EXPECT_STREQ(test, p.volume,
			   (char *)nla_data(tb[CVOL_ATTR_VOLUME]));
	KUNIT_EXPECT_EQ(test, p.id, tb[CVOL_ATTR_DEV_ID] ?
			(s32)nla_get_u32(tb[CVOL_ATTR_DEV_ID]) : -1);
	KUNIT_EXPECT_EQ(test, p.lbs, tb[CVOL_ATTR_LBS] ?
			nla_get_u32(tb[CVOL_ATTR_LBS]) : 512U);
	KUNIT_EXPECT_EQ(test, p.nr_queues, tb[CVOL_ATTR_NR_QUEUES] ?
			nla_get_u16(tb[CVOL_ATTR_NR_QUEUES]) : (u16)1);
	KUNIT_EXPECT_EQ(test, p.depth, tb[CVOL_ATTR_QUEUE_DEPTH] ?
			nla_get_u16(tb[CVOL_ATTR_QUEUE_DEPTH]) : (u16)64);
	KUNIT_EXPECT_EQ(test, p.flags, tb[CVOL_ATTR_FLAGS] ?
			nla_get_u32(tb[CVOL_ATTR_FLAGS]) : 0U);
	KUNIT_EXPECT_EQ(test, p.timeout, tb[CVOL_ATTR_TIMEOUT] ?
			nla_get_u32(tb[CVOL_ATTR_TIMEOUT]) : 0U);
	KUNIT_EXPECT_EQ(test, p.features, tb[CVOL_ATTR_FEATURES] ?
			nla_get_u64(tb[CVOL_ATTR_FEATURES]) : CVOL_F_ALL);
	if (tb[CVOL_ATTR_SNAP])
		KUNIT_EXPECT_STREQ(test, p.snap,
				   (char *)nla_data(tb[CVOL_ATTR_SNAP]));
	else
		KUNIT_EXPECT_NULL(test, p.snap);
	if (tb[CVOL_ATTR_IDENTITY])
		KUNIT_EXPECT_STREQ(test, p.identity,
				   (char *)nla_data(tb[CVOL_ATTR_IDENTITY]));
	else
		KUNIT_EXPECT_NULL(test, p.identity);

free_skb:
	kfree_skb(skb);
}

/* the limits set by module parameters, at and one past the edge */
static void cvol_genl_limits(struct kunit *test)
{
	struct nlattr *tb[CVOL_ATTR_MAX + 1];
	struct netlink_ext_ack extack = {};
	struct cvol_add_params p;
	struct sk_buff *skb;
	int ret;
	u32 id;
	u16 nq;

	for (id = cvol_max_devices - 1; id <= cvol_max_devices; id++) {
		for (nq = cvol_max_queues; nq <= cvol_max_queues + 1; nq++) {
			const struct genl_attr attrs[] = {
				A_BASE, GA(CVOL_ATTR_DEV_ID, GA_U32, id),
				GA(CVOL_ATTR_NR_QUEUES, GA_U16, nq), {},
			};
			int want = id < cvol_max_devices &&
				   nq <= cvol_max_queues ? 0 : -ERANGE;

			skb = genl_build(test, attrs, tb, &extack, &ret);
			KUNIT_ASSERT_EQ(test, ret, 0);
			KUNIT_EXPECT_EQ_MSG(test,
					    cvol_nl_parse_add(tb, &p, &extack),
					    want, "id %u, %u queues", id, nq);
			kfree_skb(skb);
		}
	}
}

static struct kunit_case cvol_genl_cases[] = {
	KUNIT_CASE_PARAM(cvol_genl_add, genl_gen_params),
	KUNIT_CASE(cvol_genl_limits),
	{}
};

static struct kunit_suite cvol_genl_suite = {
	.name = "cvol_genl",
	.test_cases = cvol_genl_cases,
};

/* not kunit_test_suites(): see cvol_kunit_run() in cvol.h */
static struct kunit_suite *cvol_kunit_suites[] = {
	&cvol_split_suite, &cvol_arith_suite, &cvol_uapi_suite,
	&cvol_genl_suite, &cvol_dev_suite, &cvol_ring_suite,
};

void cvol_kunit_run(void)
{
	__kunit_test_suites_init(cvol_kunit_suites,
				 ARRAY_SIZE(cvol_kunit_suites));
}

void cvol_kunit_exit(void)
{
	__kunit_test_suites_exit(cvol_kunit_suites,
				 ARRAY_SIZE(cvol_kunit_suites));
}
