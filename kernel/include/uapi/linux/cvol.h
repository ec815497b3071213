/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * cvol: thin copy-on-write block volumes served by a userspace daemon.
 *
 * The one uapi header shared by cvol.ko, cvold and libcvolctl.
 *
 * Control plane: generic netlink family "cvol" (CVOL_GENL_NAME).  Every
 * mutating command needs CAP_SYS_ADMIN; every attribute, and the genetlink
 * header (reserved field zero, no stray nlmsg_flags), is validated strictly
 * and rejections carry an extended-ack message.
 *
 * Data plane: the misc device /dev/cvol-control.  A daemon opens it once per
 * (device, queue), binds the descriptor with CVOL_IOC_BIND, mmaps the queue's
 * area (descriptor array followed by the data buffers) and then loops on
 * CVOL_IOC_COMMIT_FETCH, which commits a batch of completions and waits for
 * the next descriptors.  See Documentation/uapi.md.
 */
#ifndef _UAPI_LINUX_CVOL_H
#define _UAPI_LINUX_CVOL_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* ---------------------------------------------------------------------- */
/* Generic netlink                                                         */
/* ---------------------------------------------------------------------- */

#define CVOL_GENL_NAME		"cvol"	/* family name */
#define CVOL_GENL_VERSION	1	/* family version */
#define CVOL_GENL_MCGRP_EVENTS	"events" /* multicast group of CVOL_EVT_* */

/* Name of the data-channel misc device, under /dev */
#define CVOL_CONTROL_NAME	"cvol-control"

/* Longest pool, volume or snapshot name, without the terminating NUL */
#define CVOL_NAME_LEN		63

/* Longest backend identity (CVOL_ATTR_IDENTITY), without the NUL */
#define CVOL_IDENTITY_LEN	127

/**
 * enum cvol_cmd - generic netlink commands
 * @CVOL_CMD_UNSPEC: unused
 * @CVOL_CMD_GET_FEATURES: reply carries CVOL_ATTR_FEATURES (the CVOL_F_*
 *	bits this module implements), CVOL_ATTR_VERSION and the global limits
 *	CVOL_ATTR_MAX_DEVICES, CVOL_ATTR_MAX_QUEUES.  Unprivileged.
 * @CVOL_CMD_DEV_ADD: create a device.  Required: SIZE, OBJ_ORDER, POOL,
 *	VOLUME.  Optional: DEV_ID (default: first free), LBS (512),
 *	NR_QUEUES (1), QUEUE_DEPTH (64), FLAGS (0), SNAP, TIMEOUT (0),
 *	FEATURES (requested CVOL_F_* bits; unknown ones: -EOPNOTSUPP),
 *	IDENTITY (none).  The
 *	reply is a CVOL_CMD_DEV_GET message for the new device.  The block
 *	device appears once every queue has been bound.  Admin.
 * @CVOL_CMD_DEV_REMOVE: remove DEV_ID.  -EBUSY while the block device is
 *	open unless FORCE is given; outstanding requests then fail with an
 *	I/O error.  Admin.
 * @CVOL_CMD_DEV_GET: doit with DEV_ID: one device; dumpit: every device.
 *	Replies carry DEV_ID, SIZE, LBS, OBJ_ORDER, NR_QUEUES, QUEUE_DEPTH,
 *	FLAGS, POOL, VOLUME, SNAP (if any), IDENTITY (if any), STATE,
 *	TIMEOUT, FEATURES, STATS.
 *	Unprivileged.
 * @CVOL_CMD_DEV_RECONFIGURE: DEV_ID plus SIZE (grow only: -EINVAL on
 *	shrink) and/or FLAGS (CVOL_DEV_F_RDONLY may be set, and cleared
 *	only on a device created without it and not of a snapshot:
 *	-EINVAL otherwise) and/or TIMEOUT.  Admin.
 * @CVOL_CMD_EVT_ADDED: event: a device was added (DEV_ID, POOL, VOLUME,
 *	SNAP)
 * @CVOL_CMD_EVT_REMOVED: event: a device was removed (DEV_ID)
 * @CVOL_CMD_EVT_DAEMON_LOST: event: a bound queue of DEV_ID lost its
 *	daemon; the device is CVOL_STATE_RECOVERING
 * @CVOL_CMD_EVT_RECOVERED: event: every queue of DEV_ID is bound again
 * @CVOL_CMD_EVT_RESIZED: event: DEV_ID has a new SIZE
 */
enum cvol_cmd {
	CVOL_CMD_UNSPEC,
	CVOL_CMD_GET_FEATURES,
	CVOL_CMD_DEV_ADD,
	CVOL_CMD_DEV_REMOVE,
	CVOL_CMD_DEV_GET,
	CVOL_CMD_DEV_RECONFIGURE,
	CVOL_CMD_EVT_ADDED,
	CVOL_CMD_EVT_REMOVED,
	CVOL_CMD_EVT_DAEMON_LOST,
	CVOL_CMD_EVT_RECOVERED,
	CVOL_CMD_EVT_RESIZED,

	__CVOL_CMD_MAX,
	CVOL_CMD_MAX = __CVOL_CMD_MAX - 1
};

/**
 * enum cvol_attr - generic netlink attributes
 * @CVOL_ATTR_UNSPEC: unused
 * @CVOL_ATTR_DEV_ID: u32, device number N of /dev/cvolN, < max_devices
 * @CVOL_ATTR_SIZE: u64, device size in bytes; a non-zero multiple of the
 *	logical block size
 * @CVOL_ATTR_LBS: u32, logical block size: 512 or 4096
 * @CVOL_ATTR_OBJ_ORDER: u8, object size is 1 << order bytes, 16..26
 * @CVOL_ATTR_NR_QUEUES: u16, hardware queues, 1..max_queues; more than
 *	the possible CPUs are reduced to their number, and replies report
 *	the count the device has
 * @CVOL_ATTR_QUEUE_DEPTH: u16, requests per queue, 1..CVOL_MAX_DEPTH
 * @CVOL_ATTR_FLAGS: u32, CVOL_DEV_F_* bits; unknown bits: -EINVAL
 * @CVOL_ATTR_POOL: string, 1..CVOL_NAME_LEN bytes, pool name
 * @CVOL_ATTR_VOLUME: string, 1..CVOL_NAME_LEN bytes, volume name
 * @CVOL_ATTR_SNAP: string, 1..CVOL_NAME_LEN bytes, snapshot name (a
 *	snapshot device is always read-only)
 * @CVOL_ATTR_STATE: u8, enum cvol_state (replies only)
 * @CVOL_ATTR_STATS: nest of enum cvol_stat (replies only)
 * @CVOL_ATTR_FEATURES: u64, CVOL_F_* bits
 * @CVOL_ATTR_TIMEOUT: u32, seconds a request may wait for a daemon before
 *	it fails with BLK_STS_TIMEOUT; 0 (default) waits forever.  At most
 *	86400.  A request not handed out fails once its queue has had no
 *	usable binder for that long; one handed out and not completed for
 *	that long fails, and its binder is stuck: its COMMIT_FETCH then
 *	fails with ETIMEDOUT (Documentation/uapi.md).
 * @CVOL_ATTR_FORCE: flag, DEV_REMOVE even while open
 * @CVOL_ATTR_VERSION: u32, CVOL_GENL_VERSION (replies only)
 * @CVOL_ATTR_MAX_DEVICES: u32, module parameter max_devices (replies only)
 * @CVOL_ATTR_MAX_QUEUES: u32, module parameter max_queues (replies only)
 * @CVOL_ATTR_PAD: padding for 64-bit attributes
 * @CVOL_ATTR_IDENTITY: string, 1..CVOL_IDENTITY_LEN bytes of printable
 *	ASCII without spaces (0x21..0x7e): the backend identity of what the
 *	device serves, given at DEV_ADD and never changed.  The module does
 *	not interpret it; a daemon that re-serves the device (after a restart)
 *	compares it with what the names POOL, VOLUME and SNAP resolve to now,
 *	and must not serve other data when they differ (cvold's format:
 *	Documentation/uapi.md, "Backend identity").  Like NBD's backend
 *	identifier.  Sysfs: /sys/block/cvolN/cvol/identity.
 */
enum cvol_attr {
	CVOL_ATTR_UNSPEC,
	CVOL_ATTR_DEV_ID,
	CVOL_ATTR_SIZE,
	CVOL_ATTR_LBS,
	CVOL_ATTR_OBJ_ORDER,
	CVOL_ATTR_NR_QUEUES,
	CVOL_ATTR_QUEUE_DEPTH,
	CVOL_ATTR_FLAGS,
	CVOL_ATTR_POOL,
	CVOL_ATTR_VOLUME,
	CVOL_ATTR_SNAP,
	CVOL_ATTR_STATE,
	CVOL_ATTR_STATS,
	CVOL_ATTR_FEATURES,
	CVOL_ATTR_TIMEOUT,
	CVOL_ATTR_FORCE,
	CVOL_ATTR_VERSION,
	CVOL_ATTR_MAX_DEVICES,
	CVOL_ATTR_MAX_QUEUES,
	CVOL_ATTR_PAD,
	CVOL_ATTR_IDENTITY,

	__CVOL_ATTR_MAX,
	CVOL_ATTR_MAX = __CVOL_ATTR_MAX - 1
};

/**
 * enum cvol_stat - counters nested in CVOL_ATTR_STATS, all u64
 * @CVOL_STAT_UNSPEC: unused
 * @CVOL_STAT_READS: read requests completed
 * @CVOL_STAT_WRITES: write requests completed
 * @CVOL_STAT_READ_BYTES: bytes read
 * @CVOL_STAT_WRITE_BYTES: bytes written
 * @CVOL_STAT_FLUSHES: flush requests completed
 * @CVOL_STAT_DISCARDS: discard and write-zeroes requests completed
 * @CVOL_STAT_ERRORS: requests completed with an error
 * @CVOL_STAT_REQUEUES: descriptors handed out again after a daemon loss
 * @CVOL_STAT_INFLIGHT: requests queued or handed out right now
 * @CVOL_STAT_PAD: padding for 64-bit attributes
 */
enum cvol_stat {
	CVOL_STAT_UNSPEC,
	CVOL_STAT_READS,
	CVOL_STAT_WRITES,
	CVOL_STAT_READ_BYTES,
	CVOL_STAT_WRITE_BYTES,
	CVOL_STAT_FLUSHES,
	CVOL_STAT_DISCARDS,
	CVOL_STAT_ERRORS,
	CVOL_STAT_REQUEUES,
	CVOL_STAT_INFLIGHT,
	CVOL_STAT_PAD,

	__CVOL_STAT_MAX,
	CVOL_STAT_MAX = __CVOL_STAT_MAX - 1
};

/*
 * enum cvol_state - device state (CVOL_ATTR_STATE, sysfs "state")
 *
 *               all queues bound           a bound queue's fd closes
 *   NEW ----------------------------> LIVE ----------------------> RECOVERING
 *    |                                 ^                                |
 *    |                                 +--------------------------------+
 *    |                                      all queues bound again      |
 *    +-------------------> DYING <------------- DEV_REMOVE -------------+
 *          DEV_REMOVE          (from any state; terminal)
 *
 * NEW: added, block device not yet visible.  LIVE: /dev/cvolN serves I/O.
 * RECOVERING: requests wait for a daemon to bind again (or fail after
 * CVOL_ATTR_TIMEOUT seconds if set).  DYING: being removed, everything
 * outstanding fails.
 */
enum cvol_state {
	CVOL_STATE_NEW,		/* added, waiting for its first binders */
	CVOL_STATE_LIVE,	/* every queue bound, disk visible */
	CVOL_STATE_RECOVERING,	/* a daemon was lost; requests wait */
	CVOL_STATE_DYING,	/* being removed */
};

/* CVOL_ATTR_FLAGS */
#define CVOL_DEV_F_RDONLY	0x1U /* read-only block device */
#define CVOL_DEV_F_ALL		CVOL_DEV_F_RDONLY /* every known flag */

/*
 * CVOL_ATTR_FEATURES: what the module implements (GET_FEATURES) and what a
 * device was created with (DEV_ADD, DEV_GET).  A device without
 * CVOL_F_DISCARD, CVOL_F_WRITE_ZEROES or CVOL_F_FUA advertises no discard,
 * write-zeroes or FUA, so the daemon never sees them.  CVOL_F_MAP and
 * CVOL_F_URING_CMD are reserved: not implemented yet, never set.
 */
#define CVOL_F_FUA		_BITULL(0) /* write descriptors may carry FUA */
#define CVOL_F_DISCARD		_BITULL(1) /* discard descriptors */
#define CVOL_F_WRITE_ZEROES	_BITULL(2) /* write-zeroes descriptors */
#define CVOL_F_RECOVERY		_BITULL(3) /* devices survive daemon loss */
#define CVOL_F_TIMEOUT		_BITULL(4) /* CVOL_ATTR_TIMEOUT honoured */
#define CVOL_F_MAP		_BITULL(5) /* CVOL_IOC_MAP fast path */
#define CVOL_F_URING_CMD	_BITULL(6) /* io_uring command path */
#define CVOL_F_ALL		(CVOL_F_FUA | CVOL_F_DISCARD | \
				 CVOL_F_WRITE_ZEROES | CVOL_F_RECOVERY | \
				 CVOL_F_TIMEOUT) /* implemented today */

/* ---------------------------------------------------------------------- */
/* Data channel: /dev/cvol-control                                         */
/* ---------------------------------------------------------------------- */

#define CVOL_MAX_DEPTH		256	/* largest CVOL_ATTR_QUEUE_DEPTH */
#define CVOL_MAX_TIMEOUT	86400	/* largest CVOL_ATTR_TIMEOUT */

/*
 * Queue area, mmapped at offset 0 of a bound descriptor, cvol_bind.map_size
 * bytes long, MAP_SHARED (private: -EINVAL), never executable (-EPERM), not
 * inherited by fork():
 *
 *   0                        desc_off + nr_desc * sizeof(struct cvol_desc)
 *   +-----------------------+----(page aligned)----------------------------+
 *   | struct cvol_desc[nr_desc]  | data buffers: depth * max_io bytes      |
 *   +-----------------------+---------------------------------------------+
 *   desc_off (= 0)               buf_off
 *
 * Request tag t owns descriptors t * segs_per_req .. + nr_segs - 1 and the
 * buffer at buf_off + t * max_io.  A descriptor's own buf_off says where its
 * bytes lie.  The kernel keeps its own copy of every descriptor: what the
 * daemon writes into the area is never trusted.
 */

/**
 * enum cvol_op - operation of one object-level descriptor
 * @CVOL_OP_READ: read len bytes at dev_off into the buffer
 * @CVOL_OP_WRITE: write len bytes from the buffer at dev_off
 * @CVOL_OP_FLUSH: make every completed write durable (no range, no data)
 * @CVOL_OP_DISCARD: deallocate the range; it reads back as zeros
 * @CVOL_OP_WRITE_ZEROES: make the range read back as zeros
 */
enum cvol_op {
	CVOL_OP_READ,
	CVOL_OP_WRITE,
	CVOL_OP_FLUSH,
	CVOL_OP_DISCARD,
	CVOL_OP_WRITE_ZEROES,
};

#define CVOL_DESC_F_FUA		0x1U /* write: durable before completion */

/**
 * struct cvol_desc - one object-level request, in the mmapped area
 * @op: enum cvol_op
 * @flags: CVOL_DESC_F_*
 * @nr_segs: descriptors that make up the block request (1 ..
 *	segs_per_req); they complete together
 * @len: bytes; 0 for a flush
 * @obj: object index (dev_off >> obj_order)
 * @obj_off: byte offset inside the object
 * @seq: incremented each time the descriptor is handed out; for logs
 * @dev_off: byte offset on the device (obj << obj_order | obj_off)
 * @buf_off: offset of the data in the mmapped area (read and write only)
 * @reserved: zero
 *
 * A descriptor never crosses an object boundary.
 */
struct cvol_desc {
	__u8 op;
	__u8 flags;
	__u16 nr_segs;
	__u32 len;
	__u64 obj;
	__u32 obj_off;
	__u32 seq;
	__u64 dev_off;
	__u64 buf_off;
	__u64 reserved;
};

/**
 * struct cvol_bind - argument of CVOL_IOC_BIND
 * @dev_id: in: device to serve
 * @queue: in: hardware queue, < the device's NR_QUEUES
 * @flags: in: zero (no flags defined yet)
 * @nr_desc: out: descriptors in the area (depth * segs_per_req)
 * @depth: out: requests in flight at most (tags)
 * @max_io: out: bytes of data buffer per tag
 * @segs_per_req: out: descriptors per tag
 * @obj_order: out: object size is 1 << obj_order
 * @lbs: out: logical block size
 * @size: out: device size in bytes
 * @map_size: out: bytes to mmap at offset 0
 * @desc_off: out: offset of struct cvol_desc[0] in the area (0)
 * @buf_off: out: offset of the first data buffer in the area
 * @reserved: in: zero
 *
 * Errors: -EINVAL (non-zero reserved or flags, queue out of range),
 * -ENOENT (no such device), -EBUSY (descriptor already bound, or the queue
 * has another binder), -ENODEV (device is being removed), -EPERM (not
 * CAP_SYS_ADMIN; opening /dev/cvol-control needs it too).
 */
struct cvol_bind {
	__u32 dev_id;
	__u16 queue;
	__u16 flags;
	__u32 nr_desc;
	__u32 depth;
	__u32 max_io;
	__u32 segs_per_req;
	__u32 obj_order;
	__u32 lbs;
	__u64 size;
	__u64 map_size;
	__u64 desc_off;
	__u64 buf_off;
	__u64 reserved[4];
};

/**
 * struct cvol_done - one completion, in the array CVOL_IOC_COMMIT_FETCH reads
 * @desc: descriptor index that was handed out to this binder
 * @result: 0 or a negative errno (-EIO, -ENOSPC, -EOPNOTSUPP map to the
 *	matching block status; anything else is an I/O error)
 */
struct cvol_done {
	__u32 desc;
	__s32 result;
};

#define CVOL_FETCH_F_NOWAIT	0x1U /* commit, return ready ones, no wait */
#define CVOL_FETCH_F_ALL	CVOL_FETCH_F_NOWAIT /* every known flag */

/**
 * struct cvol_fetch - argument of CVOL_IOC_COMMIT_FETCH
 * @done_ptr: in: user address of struct cvol_done[nr_done]
 * @nr_done: in: completions to commit, <= nr_desc; out: how many were
 *	committed (less than asked only with -EINVAL: entry nr_done is bad:
 *	an index >= nr_desc, or a descriptor of an outstanding request
 *	completed twice).  Completions of requests no longer outstanding
 *	(timed out, or already completed) are ignored.
 * @flags: in: CVOL_FETCH_F_*
 * @ready_ptr: in: user address of __u32[ready_cap], filled with indices
 *	of newly handed-out descriptors
 * @ready_cap: in: room in ready_ptr, segs_per_req..nr_desc (requests are
 *	handed out whole)
 * @nr_ready: out: indices written
 * @reserved: in: zero
 *
 * Commits completions, then waits (interruptibly) until at least one
 * descriptor is ready unless CVOL_FETCH_F_NOWAIT.  Descriptors are handed
 * out whole requests at a time; if the indices cannot be copied out
 * (-EFAULT) they stay queued.  A completed request's
 * descriptors may be handed out again later: copy what you need first.
 * Errors: -EINVAL (reserved, flags, counts, a bad completion), -EFAULT,
 * -ENOMEM (nothing was committed: retry with the same completions),
 * -EBADFD (descriptor not bound), -ENODEV (device removed: close it),
 * -EINTR (a signal while waiting: the completions were committed, do not
 * send them again; a call that carried none is restarted under SA_RESTART).
 */
struct cvol_fetch {
	__u64 done_ptr;
	__u32 nr_done;
	__u32 flags;
	__u64 ready_ptr;
	__u32 ready_cap;
	__u32 nr_ready;
	__u64 reserved[2];
};

/**
 * struct cvol_map - argument of CVOL_IOC_MAP (reserved, not implemented:
 *	the ioctl returns -EOPNOTSUPP and CVOL_F_MAP is never advertised)
 * @obj: object index to map
 * @fd: open backing file serving the object
 * @flags: CVOL_MAP_F_* (read-only or writable mapping)
 * @file_off: byte offset of the object in @fd
 * @len: mapped bytes (the object size)
 * @reserved: zero
 *
 * The future fast path: in answer to a descriptor the daemon maps an
 * object to a range of a backing file and the kernel serves later I/O to it
 * with direct I/O, like the loop driver.
 */
struct cvol_map {
	__u64 obj;
	__s32 fd;
	__u32 flags;
	__u64 file_off;
	__u64 len;
	__u64 reserved[4];
};

#define CVOL_MAP_F_WRITABLE	0x1U /* writes may be served in kernel */

#define CVOL_IOC_MAGIC		0xCF /* 'cvol' ioctls on /dev/cvol-control */

/* bind this descriptor to (dev_id, queue) */
#define CVOL_IOC_BIND		_IOWR(CVOL_IOC_MAGIC, 1, struct cvol_bind)
/* commit completions and wait for new descriptors */
#define CVOL_IOC_COMMIT_FETCH	_IOWR(CVOL_IOC_MAGIC, 2, struct cvol_fetch)
/* reserved: map an object to a backing file range (CVOL_F_MAP) */
#define CVOL_IOC_MAP		_IOWR(CVOL_IOC_MAGIC, 3, struct cvol_map)

/*
 * io_uring command path (CVOL_F_URING_CMD, reserved): IORING_OP_URING_CMD
 * on a bound descriptor with cmd_op CVOL_IOC_COMMIT_FETCH and the same
 * struct cvol_fetch in the SQE command area; the CQE would complete when
 * descriptors are ready.  Not implemented: such commands get -EOPNOTSUPP.
 */

#endif /* _UAPI_LINUX_CVOL_H */
