/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcvolctl: the C API for managing cvol volumes and devices.
 *
 * Volume operations (create, snapshot, clone, ...) and attach/detach go to
 * cvold over its unix socket; device queries and events come from the
 * kernel's generic netlink family "cvol".  Both connections are made on
 * first use, so a program that only lists devices needs no cvold, and one
 * that only manages volumes needs no cvol.ko.
 *
 * Every function returns 0 (or a documented non-negative value) or -errno
 * and, on failure, records a one-line message that cvol_ctl_error() returns
 * (per thread).  The library never prints and never exits.  A handle may be
 * used by one thread at a time.
 */
#ifndef CVOL_CTL_H
#define CVOL_CTL_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CVOL_CTL_SOCKET_DEFAULT "/run/cvol/cvold.sock" /* cvold's socket */
#define CVOL_CTL_NAME_MAX 63 /* longest pool/volume/snapshot name */
#define CVOL_CTL_DEFAULT_POOL "default" /* pool of a name without "POOL/" */

struct cvol_ctl; /* an opaque handle */

/* ---- handle and errors ---- */

/**
 * cvol_ctl_open() - a handle talking to cvold at @sock_path
 * @sock_path: NULL for CVOL_CTL_SOCKET_DEFAULT
 *
 * Connects nothing yet.  -ENOMEM or -ENAMETOOLONG.
 */
int cvol_ctl_open(const char *sock_path, struct cvol_ctl **out);
void cvol_ctl_close(struct cvol_ctl *ctl);

/** cvol_ctl_error() - this thread's last error message ("" if none) */
const char *cvol_ctl_error(void);

/**
 * typedef cvol_ctl_progress_cb - progress of a long operation
 * @done: units finished so far, out of @total
 */
typedef void (*cvol_ctl_progress_cb)(void *arg, uint64_t done, uint64_t total);

/**
 * cvol_ctl_set_progress() - report progress of vol flatten and pool check
 * @cb: called from within those calls, NULL for none (the default)
 */
void cvol_ctl_set_progress(struct cvol_ctl *ctl, cvol_ctl_progress_cb cb,
			   void *arg);

/* ---- names and sizes ---- */

/**
 * cvol_ctl_name_valid() - 1..63 bytes of [A-Za-z0-9._-], not starting
 * with '.' or '-'
 */
bool cvol_ctl_name_valid(const char *name);

/**
 * struct cvol_ctl_name - a parsed "[POOL/]VOLUME[@SNAPSHOT]"
 * @pool: CVOL_CTL_DEFAULT_POOL when not given
 * @vol: the volume
 * @snap: "" when not given
 */
struct cvol_ctl_name {
	char pool[CVOL_CTL_NAME_MAX + 1];
	char vol[CVOL_CTL_NAME_MAX + 1];
	char snap[CVOL_CTL_NAME_MAX + 1];
};

/* cvol_ctl_parse_name() flags */
#define CVOL_CTL_NAME_SNAP_FORBIDDEN (1u << 0) /* "@SNAP" is an error */
#define CVOL_CTL_NAME_SNAP_REQUIRED (1u << 1) /* "@SNAP" must be given */

/** cvol_ctl_parse_name() - parse @spec; -EINVAL with a message naming it */
int cvol_ctl_parse_name(const char *spec, unsigned int flags,
			struct cvol_ctl_name *out);

/**
 * cvol_ctl_parse_size() - "10G", "512K", "4096": bytes (K/M/G/T are powers
 * of 1024; a trailing "B" or "iB" is accepted).  -EINVAL or -ERANGE.
 */
int cvol_ctl_parse_size(const char *s, uint64_t *out);

/* ---- volume operations (through cvold) ---- */

/**
 * struct cvol_ctl_vol - what vol info / vol list / snap list report
 * @pool, @name: where it lives
 * @snap: snapshot name, "" for a volume head
 * @size: bytes
 * @object_size: bytes per object (a power of two)
 * @parent_vol, @parent_snap: clone parent, "" if none
 * @snapshots: snapshots of the volume
 * @clones: clones of the snapshot (snapshots only)
 * @protected_: a snapshot with clones cannot be removed
 * @created: unix seconds
 * @used_objects: objects owned by this layer
 */
struct cvol_ctl_vol {
	char pool[CVOL_CTL_NAME_MAX + 1];
	char name[CVOL_CTL_NAME_MAX + 1];
	char snap[CVOL_CTL_NAME_MAX + 1];
	uint64_t size;
	uint64_t object_size;
	char parent_vol[CVOL_CTL_NAME_MAX + 1];
	char parent_snap[CVOL_CTL_NAME_MAX + 1];
	uint32_t snapshots;
	uint32_t clones;
	bool protected_;
	uint64_t created;
	uint64_t used_objects;
};

typedef int (*cvol_ctl_vol_cb)(void *arg, const struct cvol_ctl_vol *vol);
typedef int (*cvol_ctl_name_cb)(void *arg, const char *name);

/* @object_size 0: the daemon's default (4 MiB); else a power of two from
 * 64 KiB to 64 MiB */
int cvol_ctl_vol_create(struct cvol_ctl *ctl, const char *pool,
			const char *name, uint64_t size, uint64_t object_size);
int cvol_ctl_vol_remove(struct cvol_ctl *ctl, const char *pool,
			const char *name);
int cvol_ctl_vol_rename(struct cvol_ctl *ctl, const char *pool,
			const char *name, const char *newname);
int cvol_ctl_vol_resize(struct cvol_ctl *ctl, const char *pool,
			const char *name, uint64_t size, bool allow_shrink);
int cvol_ctl_vol_clone(struct cvol_ctl *ctl, const char *pool, const char *name,
		       const char *snap, const char *newname);
int cvol_ctl_vol_flatten(struct cvol_ctl *ctl, const char *pool,
			 const char *name);
/* @snap NULL or "" for the head */
int cvol_ctl_vol_info(struct cvol_ctl *ctl, const char *pool, const char *name,
		      const char *snap, struct cvol_ctl_vol *out);
int cvol_ctl_vol_list(struct cvol_ctl *ctl, const char *pool,
		      cvol_ctl_vol_cb cb, void *arg);

int cvol_ctl_snap_create(struct cvol_ctl *ctl, const char *pool,
			 const char *name, const char *snap);
int cvol_ctl_snap_remove(struct cvol_ctl *ctl, const char *pool,
			 const char *name, const char *snap);
int cvol_ctl_snap_rollback(struct cvol_ctl *ctl, const char *pool,
			   const char *name, const char *snap);
int cvol_ctl_snap_list(struct cvol_ctl *ctl, const char *pool, const char *name,
		       cvol_ctl_vol_cb cb, void *arg);

int cvol_ctl_pool_list(struct cvol_ctl *ctl, cvol_ctl_name_cb cb, void *arg);

/**
 * cvol_ctl_pool_create() - create the file pool @pool under cvold's store
 * root.  -EEXIST when it exists; any other request naming a pool that was
 * never created (or configured in cvol.conf) fails with -ENOENT, except
 * for "default", which cvold creates on first use.
 */
int cvol_ctl_pool_create(struct cvol_ctl *ctl, const char *pool);

/** struct cvol_ctl_check - what a pool check found (see cvol_pool_check) */
struct cvol_ctl_check {
	uint64_t volumes, snapshots, objects;
	uint64_t unreferenced; /* objects no layer points to */
	uint64_t dangling; /* map entries pointing at missing objects */
	uint64_t bad_checksums; /* headers / map chunks failing verification */
	uint64_t repaired; /* garbage removed by repair */
	/* metadata objects read from one copy, the other failing verification */
	uint64_t bad_copies;
	uint64_t copies_repaired; /* bad copies repair rewrote */
	char copy_note[256]; /* the first bad copy: why, and the copy used */
	uint64_t shared; /* data objects named by more than one map */
	uint64_t pending; /* snapshot removals recorded, not finished */
};

int cvol_ctl_pool_check(struct cvol_ctl *ctl, const char *pool, bool repair,
			struct cvol_ctl_check *out);

/**
 * struct cvol_ctl_status - cvold's status
 * @pid: cvold's process id
 * @devices: devices cvold serves
 * @kernel_module: cvol.ko is loaded
 */
struct cvol_ctl_status {
	int pid;
	unsigned int devices;
	bool kernel_module;
};

int cvol_ctl_status(struct cvol_ctl *ctl, struct cvol_ctl_status *out);

/**
 * struct cvol_ctl_unadopted - a device a previous cvold left that this
 * cvold could not adopt: nothing serves it (cvol_ctl_status_unadopted())
 * @dev_id: N of /dev/cvolN
 * @pool, @vol, @snap: what it was attached to serve; @snap "" for a head
 * @error: why cvold could not adopt it; valid during the callback
 */
struct cvol_ctl_unadopted {
	uint32_t dev_id;
	char pool[CVOL_CTL_NAME_MAX + 1];
	char vol[CVOL_CTL_NAME_MAX + 1];
	char snap[CVOL_CTL_NAME_MAX + 1];
	const char *error;
};

typedef int (*cvol_ctl_unadopted_cb)(void *arg,
				     const struct cvol_ctl_unadopted *u);

/**
 * cvol_ctl_status_unadopted() - call @cb for each device cvold could not
 * adopt at start and that is still there (detaching one forgets it)
 */
int cvol_ctl_status_unadopted(struct cvol_ctl *ctl, cvol_ctl_unadopted_cb cb,
			      void *arg);

/* ---- devices ---- */

/**
 * cvol_ctl_dev_attach() - have cvold expose a volume as /dev/cvolN
 * @snap: NULL or "" for the head; a snapshot always attaches read-only
 * @dev_id: out: N
 *
 * Attaching an attached volume returns its device.  -ENODEV with
 * "cvol kernel module not loaded (modprobe cvol)" without cvol.ko.
 */
int cvol_ctl_dev_attach(struct cvol_ctl *ctl, const char *pool,
			const char *name, const char *snap, bool ro,
			uint32_t *dev_id);
/** cvol_ctl_dev_detach() - -EBUSY while open unless @force */
int cvol_ctl_dev_detach(struct cvol_ctl *ctl, uint32_t dev_id, bool force);

/* Device states (enum cvol_state of <linux/cvol.h>) */
#define CVOL_CTL_STATE_NEW 0 /* added, waiting for its daemon */
#define CVOL_CTL_STATE_LIVE 1 /* serving I/O */
#define CVOL_CTL_STATE_RECOVERING 2 /* daemon lost, requests wait */
#define CVOL_CTL_STATE_DYING 3 /* being removed */

/**
 * struct cvol_ctl_dev - one device as the kernel reports it (generic
 * netlink CVOL_CMD_DEV_GET)
 * @dev_id: N of /dev/cvolN
 * @size: bytes
 * @lbs: logical block size
 * @object_size: bytes per object
 * @nr_queues, @queue_depth: blk-mq geometry
 * @ro: read-only device
 * @state: CVOL_CTL_STATE_*
 * @timeout: seconds a request waits for a daemon; 0 forever
 * @features: CVOL_F_* bits the device was created with
 * @pool, @vol, @snap: what it serves; @snap "" for a head
 * @reads .. @inflight: counters (enum cvol_stat)
 */
struct cvol_ctl_dev {
	uint32_t dev_id;
	uint64_t size;
	uint32_t lbs;
	uint64_t object_size;
	uint16_t nr_queues;
	uint16_t queue_depth;
	bool ro;
	unsigned int state;
	uint32_t timeout;
	uint64_t features;
	char pool[CVOL_CTL_NAME_MAX + 1];
	char vol[CVOL_CTL_NAME_MAX + 1];
	char snap[CVOL_CTL_NAME_MAX + 1];
	uint64_t reads, writes, read_bytes, write_bytes;
	uint64_t flushes, discards, errors, requeues, inflight;
};

typedef int (*cvol_ctl_dev_cb)(void *arg, const struct cvol_ctl_dev *dev);

/** cvol_ctl_state_name() - "new", "live", "recovering", "dying" */
const char *cvol_ctl_state_name(unsigned int state);

/* -ENODEV with "cvol kernel module not loaded (modprobe cvol)" without
 * cvol.ko; -ENOENT for a missing device */
int cvol_ctl_dev_get(struct cvol_ctl *ctl, uint32_t dev_id,
		     struct cvol_ctl_dev *out);
int cvol_ctl_dev_dump(struct cvol_ctl *ctl, cvol_ctl_dev_cb cb, void *arg);

/* struct cvol_ctl_reconf.mask bits: what to change */
#define CVOL_CTL_RECONF_SIZE (1u << 0) /* grow to @size (never shrink) */
#define CVOL_CTL_RECONF_RO (1u << 1) /* set or clear read-only */
#define CVOL_CTL_RECONF_TIMEOUT (1u << 2) /* request timeout, seconds */
#define CVOL_CTL_RECONF_ALL 7u /* every known bit */

/**
 * struct cvol_ctl_reconf - a device reconfiguration
 * @mask: CVOL_CTL_RECONF_* fields to apply
 * @size: new size in bytes, at least the current one
 * @ro: read-only
 * @timeout: seconds a request waits for a daemon, 0 forever, <= 86400
 */
struct cvol_ctl_reconf {
	unsigned int mask;
	uint64_t size;
	bool ro;
	uint32_t timeout;
};

/**
 * cvol_ctl_dev_reconfigure() - change a device in the kernel (generic
 * netlink CVOL_CMD_DEV_RECONFIGURE; needs CAP_SYS_ADMIN).  The kernel's
 * reason for a refusal is the message.
 */
int cvol_ctl_dev_reconfigure(struct cvol_ctl *ctl, uint32_t dev_id,
			     const struct cvol_ctl_reconf *rc);

/**
 * cvol_ctl_dev_find() - the device named by @what
 * @what: "N", "cvolN", "/dev/cvolN", a /dev/cvol/POOL/VOL[@SNAP] link, or
 *	"[POOL/]VOLUME[@SNAPSHOT]"
 */
int cvol_ctl_dev_find(struct cvol_ctl *ctl, const char *what, uint32_t *dev_id);

/* ---- events ---- */

#define CVOL_CTL_EVT_ADDED 1 /* a device was added */
#define CVOL_CTL_EVT_REMOVED 2 /* a device was removed */
#define CVOL_CTL_EVT_DAEMON_LOST 3 /* a device lost its daemon */
#define CVOL_CTL_EVT_RECOVERED 4 /* a device is served again */
#define CVOL_CTL_EVT_RESIZED 5 /* a device has a new size */

/**
 * struct cvol_ctl_event - one kernel event
 * @type: CVOL_CTL_EVT_*
 * @dev_id: the device
 * @size: new size (RESIZED)
 * @pool, @vol, @snap: what it serves (ADDED)
 */
struct cvol_ctl_event {
	unsigned int type;
	uint32_t dev_id;
	uint64_t size;
	char pool[CVOL_CTL_NAME_MAX + 1];
	char vol[CVOL_CTL_NAME_MAX + 1];
	char snap[CVOL_CTL_NAME_MAX + 1];
};

/**
 * cvol_ctl_events_subscribe() - join the "events" multicast group
 * Return: a file descriptor that polls readable when events are queued.
 */
int cvol_ctl_events_subscribe(struct cvol_ctl *ctl);

/**
 * cvol_ctl_event_next() - the next queued event
 * @timeout_ms: -1 waits forever, 0 does not wait
 *
 * Return: 1 with @out filled, 0 on timeout, -errno.
 */
int cvol_ctl_event_next(struct cvol_ctl *ctl, int timeout_ms,
			struct cvol_ctl_event *out);

#ifdef __cplusplus
}
#endif

#endif /* CVOL_CTL_H */
