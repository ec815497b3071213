/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cvol: pure helpers with no block-layer dependency, so that KUnit suites
 * can test them in isolation: object-boundary splitting, name and
 * parameter validation, queue-area layout.
 */
#ifndef CVOL_LOGIC_H
#define CVOL_LOGIC_H

#include <linux/kernel.h>
#include <linux/types.h>
#include <linux/cvol.h>

#define CVOL_ORDER_MIN		16	/* 64 KiB objects */
#define CVOL_ORDER_MAX		26	/* 64 MiB objects */
#define CVOL_MAX_IO		(128U << 10) /* data buffer bytes per tag */
#define CVOL_SEGS_PER_REQ	4	/* descriptors per tag */
#define CVOL_MAX_SIZE		BIT_ULL(50) /* largest device: 1 PiB */

/**
 * struct cvol_seg - one object-level piece of a request
 * @obj: object index
 * @obj_off: byte offset in the object
 * @len: bytes
 * @dev_off: byte offset on the device
 * @buf_off: byte offset of this piece in the request's data
 */
struct cvol_seg {
	u64 obj;
	u32 obj_off;
	u32 len;
	u64 dev_off;
	u32 buf_off;
};

/**
 * cvol_split() - cut [@off, @off + @len) at object boundaries
 * @off: device byte offset
 * @len: bytes (0 gives no pieces)
 * @order: object size is 1 << @order
 * @segs: out: the pieces, in order
 * @max: room in @segs
 *
 * Return: number of pieces, or -E2BIG if more than @max are needed, or
 * -EINVAL for an order out of range.
 */
static inline int cvol_split(u64 off, u32 len, unsigned int order,
			     struct cvol_seg *segs, unsigned int max)
{
	u64 obj_size, end = off + len;
	u32 done = 0;
	int n = 0;

	if (order < CVOL_ORDER_MIN || order > CVOL_ORDER_MAX)
		return -EINVAL;
	obj_size = 1ULL << order;
	while (off < end) {
		u64 obj = off >> order;
		u64 next = (obj + 1) << order;
		u32 piece = (u32)(min(next, end) - off);

		if (n == max)
			return -E2BIG;
		segs[n].obj = obj;
		segs[n].obj_off = (u32)(off & (obj_size - 1));
		segs[n].len = piece;
		segs[n].dev_off = off;
		segs[n].buf_off = done;
		n++;
		off += piece;
		done += piece;
	}
	return n;
}

/**
 * cvol_name_valid() - is @s a pool, volume or snapshot name?
 *
 * 1..CVOL_NAME_LEN bytes of [A-Za-z0-9._-], not starting with '.' or '-'.
 */
static inline bool cvol_name_valid(const char *s)
{
	size_t i;

	if (!s[0] || s[0] == '.' || s[0] == '-')
		return false;
	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (i >= CVOL_NAME_LEN)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

/**
 * cvol_identity_valid() - is @s a backend identity (CVOL_ATTR_IDENTITY)?
 *
 * 1..CVOL_IDENTITY_LEN bytes of printable ASCII other than space, so that
 * it reads back from sysfs and logs as one word.
 */
static inline bool cvol_identity_valid(const char *s)
{
	size_t i;

	if (!s[0])
		return false;
	for (i = 0; s[i]; i++)
		if (i >= CVOL_IDENTITY_LEN || s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

/** cvol_lbs_valid() - 512 and 4096 are the logical block sizes cvol takes */
static inline bool cvol_lbs_valid(u32 lbs)
{
	return lbs == 512 || lbs == 4096;
}

/**
 * cvol_size_valid() - is @size a usable device size for block size @lbs?
 * Non-zero, a multiple of @lbs, at most CVOL_MAX_SIZE.
 */
static inline bool cvol_size_valid(u64 size, u32 lbs)
{
	return size && size <= CVOL_MAX_SIZE && !(size & (lbs - 1));
}

/** cvol_area_desc_bytes() - page-aligned bytes of the descriptor array */
static inline size_t cvol_area_desc_bytes(u32 depth, size_t page)
{
	size_t b = (size_t)depth * CVOL_SEGS_PER_REQ * sizeof(struct cvol_desc);

	return (b + page - 1) & ~(page - 1);
}

/** cvol_area_bytes() - bytes of a queue's mmapped area */
static inline size_t cvol_area_bytes(u32 depth, size_t page)
{
	return cvol_area_desc_bytes(depth, page) + (size_t)depth * CVOL_MAX_IO;
}

/**
 * cvol_result_class() - classify a daemon's completion result
 * Return: 0 success, 1 no space, 2 not supported, 3 any other error.
 */
static inline int cvol_result_class(s32 result)
{
	if (result >= 0)
		return 0;
	if (result == -ENOSPC)
		return 1;
	if (result == -EOPNOTSUPP)
		return 2;
	return 3;
}

/**
 * cvol_bind_check() - is CVOL_IOC_BIND's input well formed?
 * Userspace sets @dev_id and @queue only: @flags and every reserved word
 * must be zero (so that either can gain a meaning later).  The device and
 * queue are checked against the live device by the caller.
 *
 * Return: 0 or -EINVAL.
 */
static inline int cvol_bind_check(const struct cvol_bind *b)
{
	unsigned int i;

	if (b->flags)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(b->reserved); i++)
		if (b->reserved[i])
			return -EINVAL;
	return 0;
}

/**
 * cvol_fetch_check() - is CVOL_IOC_COMMIT_FETCH's input well formed?
 * @f: the argument as copied from userspace
 * @nr_desc: descriptors of the bound queue (depth * CVOL_SEGS_PER_REQ)
 *
 * Reserved words zero, only known flags, at most @nr_desc completions,
 * and room for at least one whole request's descriptors (requests are
 * handed out whole) but no more than @nr_desc.
 *
 * Return: 0 or -EINVAL.
 */
static inline int cvol_fetch_check(const struct cvol_fetch *f, u32 nr_desc)
{
	if (f->reserved[0] || f->reserved[1] ||
	    (f->flags & ~CVOL_FETCH_F_ALL) || f->nr_done > nr_desc ||
	    f->ready_cap < CVOL_SEGS_PER_REQ || f->ready_cap > nr_desc)
		return -EINVAL;
	return 0;
}

#endif /* CVOL_LOGIC_H */
