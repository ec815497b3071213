/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cvol.ko internals shared by main.c, dev.c, genl.c and ctl.c.
 */
#ifndef CVOL_INTERNAL_H
#define CVOL_INTERNAL_H

#include <linux/blk-mq.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <net/netlink.h>
#include <linux/cvol.h>

#include "logic.h"

extern unsigned int cvol_max_devices;
extern unsigned int cvol_max_queues;

/*
 * enum cvol_tag_state - life of one request tag in a queue
 *
 *          queue_rq              COMMIT_FETCH hands out
 *   FREE -----------> QUEUED ----------------------------> ISSUED
 *    ^  ^               |                                   |  |  |
 *    |  |               +-- remove / timeout --> FREE       |  |  |
 *    |  +------ binder's fd closes: requeued to blk-mq -----+  |  |
 *    |                                                         |  |
 *    +---- last descriptor completed (data copied, ended) -----+  |
 *    |                                                            |
 *    +-- binder's fd closes / remove -- ABANDONED <-- timeout ----+
 *                                                  (binder stuck)
 *
 * A requeued request comes back through queue_rq (FREE -> QUEUED), its
 * write data copied from the bio again.  Removal also ends ISSUED tags.
 * An ISSUED request that its binder does not complete within the
 * device's timeout ends with BLK_STS_TIMEOUT and the binder is declared
 * stuck; its tag stays ABANDONED, buffer and all, until that binder's
 * file is released, because the stuck daemon may still write the buffer.
 * Every transition happens under the queue's lock; the request is ended
 * or requeued outside it.
 */
enum cvol_tag_state {
	CVOL_TAG_FREE,
	CVOL_TAG_QUEUED,
	CVOL_TAG_ISSUED,
	CVOL_TAG_ABANDONED,
};

/**
 * struct cvol_tag - kernel-side state of one request tag
 * @rq: the request, NULL when FREE
 * @state: enum cvol_tag_state
 * @nr_segs: descriptors of the request
 * @done_mask: descriptors completed since it was last handed out
 * @error: first error a descriptor reported
 * @issued_at: jiffies when it was last handed out (ISSUED)
 * @node: in cvol_queue.pending while QUEUED
 */
struct cvol_tag {
	struct request *rq;
	enum cvol_tag_state state;
	u16 nr_segs;
	u16 done_mask;
	int error;
	unsigned long issued_at;
	struct list_head node;
};

/**
 * struct cvol_queue - one hardware queue and its daemon binding
 * @dev: owning device
 * @index: hardware queue number
 * @lock: protects @tags, @kdesc, @pending, @binder, @stuck,
 *	@unbound_since, @dying, @seq
 * @pending: QUEUED tags in hand-out order
 * @tags: per-tag state, dev->depth entries
 * @kdesc: the kernel's copy of every descriptor (never read back from
 *	the mmapped area)
 * @area: vmalloc_user area the daemon mmaps: descriptors then buffers
 * @area_size: bytes of @area
 * @binder: the bound /dev/cvol-control file, or NULL
 * @stuck: @binder left a request uncompleted past the device's timeout;
 *	it gets -ETIMEDOUT from now on and serves nothing more
 * @unbound_since: jiffies since when the queue has had no usable binder
 *	(none, or a stuck one)
 * @dying: set once the device is being removed
 * @seq: hand-out counter, copied into descriptors for logs
 * @wait: the binder waits here for descriptors
 */
struct cvol_queue {
	struct cvol_dev *dev;
	u16 index;
	spinlock_t lock; /* see above */
	struct list_head pending;
	struct cvol_tag *tags;
	struct cvol_desc *kdesc;
	void *area;
	size_t area_size;
	struct file *binder;
	bool stuck;
	unsigned long unbound_since;
	bool dying;
	u32 seq;
	wait_queue_head_t wait;
};

/**
 * struct cvol_dev - one /dev/cvolN
 * @ref: held by the id table, each bound file, and the gendisk once added
 * @id: N
 * @size: bytes
 * @lbs: logical block size
 * @order: object size is 1 << @order
 * @nr_queues: hardware queues
 * @depth: tags per queue
 * @flags: CVOL_DEV_F_*; written under @lock, read without it by queue_rq
 * @added_ro: created read-only (CVOL_DEV_F_RDONLY at DEV_ADD, or a
 *	snapshot): DEV_RECONFIGURE may never clear CVOL_DEV_F_RDONLY, since
 *	the daemon opened the volume for reading only
 * @features: CVOL_F_* the device was created with
 * @timeout: seconds a request may wait, 0 = forever
 * @pool: pool name
 * @volume: volume name
 * @snap: snapshot name, "" for a head
 * @identity: backend identity (CVOL_ATTR_IDENTITY), "" if none was given
 * @lock: protects @state, @nr_bound, @add_scheduled, @disk_added, @size,
 *	@flags, @timeout
 * @state: enum cvol_state
 * @nr_bound: queues with a binder
 * @add_scheduled: @add_work was queued; it is queued once in a device's
 *	life, even if its binders come and go while it runs
 * @disk_added: add_disk() succeeded
 * @set: blk-mq tag set
 * @disk: the gendisk (allocated at add, visible once every queue bound)
 * @add_work: adds the disk outside the binder's context
 * @queues: nr_queues entries
 * @stats: counters, indexed by enum cvol_stat
 */
struct cvol_dev {
	struct kref ref;
	u32 id;
	u64 size;
	u32 lbs;
	u32 order;
	u16 nr_queues;
	u16 depth;
	u32 flags;
	bool added_ro;
	u64 features;
	u32 timeout;
	char pool[CVOL_NAME_LEN + 1];
	char volume[CVOL_NAME_LEN + 1];
	char snap[CVOL_NAME_LEN + 1];
	char identity[CVOL_IDENTITY_LEN + 1];

	struct mutex lock; /* see above */
	enum cvol_state state;
	u16 nr_bound;
	bool add_scheduled;
	bool disk_added;

	struct blk_mq_tag_set set;
	struct gendisk *disk;
	struct work_struct add_work;
	struct cvol_queue *queues;
	atomic64_t stats[__CVOL_STAT_MAX];
};

/**
 * struct cvol_add_params - validated DEV_ADD arguments
 */
struct cvol_add_params {
	s32 id; /* -1: first free */
	u64 size;
	u32 lbs;
	u32 order;
	u16 nr_queues;
	u16 depth;
	u32 flags;
	u64 features;
	u32 timeout;
	const char *pool, *volume, *snap;
	const char *identity; /* NULL: none */
};

/* dev.c */
int cvol_dev_init(void);
void cvol_dev_exit(void);
int cvol_dev_add(const struct cvol_add_params *p, struct cvol_dev **out,
		 const char **why);
int cvol_dev_remove(u32 id, bool force, const char **why);
struct cvol_dev *cvol_dev_get(u32 id);
void cvol_dev_put(struct cvol_dev *dev);
int cvol_dev_reconfigure(struct cvol_dev *dev, const u64 *size,
			 const u32 *flags, const u32 *timeout,
			 const char **why);
void cvol_dev_remove_all(void);
/* iterate devices with id >= *id; the callback returns non-zero to stop */
int cvol_dev_for_each(u32 *id, int (*fn)(struct cvol_dev *dev, void *arg),
		      void *arg);
int cvol_queue_bind(struct cvol_dev *dev, u16 qid, struct file *file);
void cvol_queue_unbind(struct cvol_queue *q);
int cvol_queue_commit(struct cvol_queue *q, const struct cvol_done *done,
		      u32 nr, u32 *committed);
int cvol_queue_fetch(struct cvol_queue *q, u32 *ready, u32 cap, bool wait);
void cvol_queue_unfetch(struct cvol_queue *q, const u32 *ready, u32 n);

/*
 * cvol_kunit.c, in the KUnit variant only: KUnit's own module hook runs
 * a module's suites at MODULE_STATE_COMING, before its init, but the
 * device suites need the block major, the genl family and the control
 * device, so cvol_init() runs them last and cvol_exit() removes them first.
 */
#ifdef CVOL_KUNIT
void cvol_kunit_run(void);
void cvol_kunit_exit(void);
#else
static inline void cvol_kunit_run(void) { }
static inline void cvol_kunit_exit(void) { }
#endif

/* genl.c */
int cvol_genl_init(void);
void cvol_genl_exit(void);
void cvol_genl_event(u8 cmd, struct cvol_dev *dev);
extern const struct nla_policy cvol_genl_policy[CVOL_ATTR_MAX + 1];
int cvol_nl_parse_add(struct nlattr **a, struct cvol_add_params *p,
		      struct netlink_ext_ack *extack);

/* ctl.c */
int cvol_ctl_init(void);
void cvol_ctl_exit(void);

#endif /* CVOL_INTERNAL_H */
