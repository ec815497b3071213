// SPDX-License-Identifier: GPL-2.0
/*
 * cvol: devices, blk-mq queues and the kernel side of the descriptor ring.
 */
#include <linux/bvec.h>
#include <linux/blkdev.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "cvol.h"

#define CVOL_MINORS		16	/* partitions per device */

static int cvol_major;
/* protects cvol_idr (the id table) */
static DEFINE_MUTEX(cvol_devs_lock);
static DEFINE_IDR(cvol_idr);

static void cvol_dev_release(struct kref *ref)
{
	struct cvol_dev *dev = container_of(ref, struct cvol_dev, ref);
	unsigned int i;

	if (dev->disk)
		blk_mq_free_tag_set(&dev->set);
	/* queues is NULL when its own allocation failed in cvol_dev_add() */
	for (i = 0; dev->queues && i < dev->nr_queues; i++) {
		vfree(dev->queues[i].area);
		kfree(dev->queues[i].kdesc);
		kfree(dev->queues[i].tags);
	}
	kfree(dev->queues);
	kfree(dev);
}

void cvol_dev_put(struct cvol_dev *dev)
{
	kref_put(&dev->ref, cvol_dev_release);
}

struct cvol_dev *cvol_dev_get(u32 id)
{
	struct cvol_dev *dev;

	mutex_lock(&cvol_devs_lock);
	dev = idr_find(&cvol_idr, id);
	if (dev)
		kref_get(&dev->ref);
	mutex_unlock(&cvol_devs_lock);
	return dev;
}

int cvol_dev_for_each(u32 *id, int (*fn)(struct cvol_dev *dev, void *arg),
		      void *arg)
{
	struct cvol_dev *dev;
	int next = *id, ret = 0;

	mutex_lock(&cvol_devs_lock);
	while ((dev = idr_get_next(&cvol_idr, &next))) {
		ret = fn(dev, arg);
		if (ret)
			break;
		next++;
	}
	mutex_unlock(&cvol_devs_lock);
	*id = next;
	return ret;
}

static void cvol_stat_add(struct cvol_dev *dev, enum cvol_stat s, u64 v)
{
	atomic64_add(v, &dev->stats[s]);
}

/* ---------------------------------------------------------------------- */
/* blk-mq                                                                   */

static enum cvol_op cvol_rq_op(struct request *rq)
{
	switch (req_op(rq)) {
	case REQ_OP_READ:
		return CVOL_OP_READ;
	case REQ_OP_WRITE:
		return CVOL_OP_WRITE;
	case REQ_OP_FLUSH:
		return CVOL_OP_FLUSH;
	case REQ_OP_DISCARD:
		return CVOL_OP_DISCARD;
	case REQ_OP_WRITE_ZEROES:
		return CVOL_OP_WRITE_ZEROES;
	default:
		return U8_MAX;
	}
}

/* copy between the request's pages and its tag buffer */
static void cvol_copy_rq(struct request *rq, void *buf, bool to_buf)
{
	struct req_iterator iter;
	struct bio_vec bv;
	size_t off = 0;

	rq_for_each_segment(bv, rq, iter) {
		if (to_buf)
			memcpy_from_bvec(buf + off, &bv);
		else
			memcpy_to_bvec(&bv, buf + off);
		off += bv.bv_len;
	}
}

static void *cvol_tag_buf(struct cvol_queue *q, unsigned int tag)
{
	return q->area + cvol_area_desc_bytes(q->dev->depth, PAGE_SIZE) +
	       (size_t)tag * CVOL_MAX_IO;
}

static blk_status_t cvol_queue_rq(struct blk_mq_hw_ctx *hctx,
				  const struct blk_mq_queue_data *bd)
{
	struct cvol_queue *q = hctx->driver_data;
	struct cvol_dev *dev = q->dev;
	struct request *rq = bd->rq;
	unsigned int tag = rq->tag;
	struct cvol_seg segs[CVOL_SEGS_PER_REQ];
	struct cvol_tag *t = &q->tags[tag];
	enum cvol_op op = cvol_rq_op(rq);
	u64 off = blk_rq_pos(rq) << SECTOR_SHIFT;
	u32 len = blk_rq_bytes(rq);
	u32 base = tag * CVOL_SEGS_PER_REQ;
	int i, n;

	if (op == U8_MAX)
		return BLK_STS_NOTSUPP;
	/*
	 * Read-only is the driver's to enforce: the block layer only warns
	 * about a write to a read-only disk, and a descriptor opened for
	 * writing before the device became read-only still submits.
	 */
	if ((op == CVOL_OP_WRITE || op == CVOL_OP_DISCARD ||
	     op == CVOL_OP_WRITE_ZEROES) &&
	    (READ_ONCE(dev->flags) & CVOL_DEV_F_RDONLY))
		return BLK_STS_IOERR;
	if (op == CVOL_OP_FLUSH) {
		n = 1;
		memset(segs, 0, sizeof(segs[0]));
	} else {
		if ((op == CVOL_OP_READ || op == CVOL_OP_WRITE) &&
		    len > CVOL_MAX_IO)
			return BLK_STS_IOERR;
		n = cvol_split(off, len, dev->order, segs, CVOL_SEGS_PER_REQ);
		if (n <= 0)
			return BLK_STS_IOERR;
	}

	/*
	 * A stuck binder may still write an abandoned tag's buffer: the tag
	 * serves nothing until that binder's file is released.
	 */
	spin_lock(&q->lock);
	if (t->state == CVOL_TAG_ABANDONED) {
		spin_unlock(&q->lock);
		cvol_stat_add(dev, CVOL_STAT_ERRORS, 1);
		return BLK_STS_IOERR;
	}
	spin_unlock(&q->lock);

	/* the full device timeout; cvol_timeout() may have shortened it */
	rq->timeout = 0;
	blk_mq_start_request(rq);
	if (op == CVOL_OP_WRITE)
		cvol_copy_rq(rq, cvol_tag_buf(q, tag), true);

	spin_lock(&q->lock);
	if (q->dying) {
		spin_unlock(&q->lock);
		return BLK_STS_IOERR;
	}
	for (i = 0; i < n; i++) {
		struct cvol_desc *d = &q->kdesc[base + i];

		memset(d, 0, sizeof(*d));
		d->op = op;
		d->flags = (op == CVOL_OP_WRITE && (rq->cmd_flags & REQ_FUA)) ?
			   CVOL_DESC_F_FUA : 0;
		d->nr_segs = n;
		d->len = segs[i].len;
		d->obj = segs[i].obj;
		d->obj_off = segs[i].obj_off;
		d->dev_off = segs[i].dev_off;
		if (op == CVOL_OP_READ || op == CVOL_OP_WRITE)
			d->buf_off = cvol_area_desc_bytes(dev->depth,
							  PAGE_SIZE) +
				     (u64)tag * CVOL_MAX_IO + segs[i].buf_off;
	}
	t->rq = rq;
	t->nr_segs = n;
	t->done_mask = 0;
	t->error = 0;
	t->state = CVOL_TAG_QUEUED;
	list_add_tail(&t->node, &q->pending);
	spin_unlock(&q->lock);
	wake_up(&q->wait);
	return BLK_STS_OK;
}

static blk_status_t cvol_result_status(int error)
{
	switch (cvol_result_class(error)) {
	case 0:
		return BLK_STS_OK;
	case 1:
		return BLK_STS_NOSPC;
	case 2:
		return BLK_STS_NOTSUPP;
	default:
		return BLK_STS_IOERR;
	}
}

/*
 * The binder of @q left a request uncompleted past the device's timeout:
 * it is alive but stuck.  From now on it gets -ETIMEDOUT and serves
 * nothing, and the device is RECOVERING until a new binder replaces it.
 * Called with q->lock held.
 */
static bool cvol_queue_mark_stuck(struct cvol_queue *q)
{
	if (q->stuck)
		return false;
	q->stuck = true;
	q->unbound_since = jiffies;
	return true;
}

static void cvol_dev_stuck(struct cvol_queue *q)
{
	struct cvol_dev *dev = q->dev;
	bool lost = false;

	wake_up_all(&q->wait);
	mutex_lock(&dev->lock);
	if (dev->state == CVOL_STATE_LIVE) {
		dev->state = CVOL_STATE_RECOVERING;
		lost = true;
	}
	mutex_unlock(&dev->lock);
	pr_warn("cvol%u: daemon stuck on queue %u: a request was not completed within %u s\n",
		dev->id, q->index, READ_ONCE(dev->timeout));
	if (lost)
		cvol_genl_event(CVOL_CMD_EVT_DAEMON_LOST, dev);
}

/*
 * With a device timeout of T seconds (0: never):
 *  - a request handed out (ISSUED) that its binder has not completed T s
 *    after handing it out ends with BLK_STS_TIMEOUT, and the binder is
 *    declared stuck (cvol_queue_mark_stuck());
 *  - a request not handed out (QUEUED) waits as long as a usable binder
 *    is bound, however slow it is, and ends with BLK_STS_TIMEOUT once the
 *    queue has been without one (none, or a stuck one) for T s.
 * blk-mq calls this when a request's timer fires; a request that is not
 * due yet gets its timer re-armed for the time it has left.
 */
static enum blk_eh_timer_return cvol_timeout(struct request *rq)
{
	struct cvol_queue *q = rq->mq_hctx->driver_data;
	u32 timeout = READ_ONCE(q->dev->timeout);
	unsigned long now = jiffies, due;
	bool stuck = false;
	struct cvol_tag *t;

	/* a request being requeued may have no driver tag for a moment */
	if (!timeout || rq->tag < 0 || rq->tag >= q->dev->depth)
		return BLK_EH_RESET_TIMER;
	t = &q->tags[rq->tag];
	spin_lock(&q->lock);
	if (t->rq != rq)
		goto out_reset;
	switch (t->state) {
	case CVOL_TAG_QUEUED:
		if (q->binder && !q->stuck)
			goto out_reset;
		due = q->unbound_since + timeout * HZ;
		if (time_before(now, due))
			goto out_rearm;
		list_del(&t->node);
		t->state = CVOL_TAG_FREE;
		break;
	case CVOL_TAG_ISSUED:
		due = t->issued_at + timeout * HZ;
		if (time_before(now, due))
			goto out_rearm;
		/* its buffer is the stuck binder's until that binder goes */
		t->state = CVOL_TAG_ABANDONED;
		stuck = cvol_queue_mark_stuck(q);
		break;
	default:
		goto out_reset;
	}
	t->rq = NULL;
	spin_unlock(&q->lock);
	if (stuck)
		cvol_dev_stuck(q);
	cvol_stat_add(q->dev, CVOL_STAT_ERRORS, 1);
	blk_mq_end_request(rq, BLK_STS_TIMEOUT);
	return BLK_EH_DONE;

out_rearm:
	rq->timeout = max(due - now, 1UL);
	spin_unlock(&q->lock);
	return BLK_EH_RESET_TIMER;
out_reset:
	/* the full timeout again */
	rq->timeout = 0;
	spin_unlock(&q->lock);
	return BLK_EH_RESET_TIMER;
}

static int cvol_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			  unsigned int index)
{
	struct cvol_dev *dev = data;

	hctx->driver_data = &dev->queues[index];
	return 0;
}

static const struct blk_mq_ops cvol_mq_ops = {
	.queue_rq	= cvol_queue_rq,
	.timeout	= cvol_timeout,
	.init_hctx	= cvol_init_hctx,
};

static int cvol_bdev_open(struct block_device *bdev, fmode_t mode)
{
	return 0;
}

static void cvol_bdev_release(struct gendisk *disk, fmode_t mode)
{
}

static void cvol_free_disk(struct gendisk *disk)
{
	cvol_dev_put(disk->private_data);
}

static const struct block_device_operations cvol_bdops = {
	.owner		= THIS_MODULE,
	.open		= cvol_bdev_open,
	.release	= cvol_bdev_release,
	.free_disk	= cvol_free_disk,
};

/* ---------------------------------------------------------------------- */
/* sysfs: /sys/block/cvolN/cvol/                                           */

static struct cvol_dev *cvol_sysfs_dev(struct device *d)
{
	return dev_to_disk(d)->private_data;
}

static ssize_t pool_show(struct device *d, struct device_attribute *a,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", cvol_sysfs_dev(d)->pool);
}

static ssize_t volume_show(struct device *d, struct device_attribute *a,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", cvol_sysfs_dev(d)->volume);
}

static ssize_t snapshot_show(struct device *d, struct device_attribute *a,
			     char *buf)
{
	return sysfs_emit(buf, "%s\n", cvol_sysfs_dev(d)->snap);
}

static ssize_t identity_show(struct device *d, struct device_attribute *a,
			     char *buf)
{
	return sysfs_emit(buf, "%s\n", cvol_sysfs_dev(d)->identity);
}

static ssize_t object_size_show(struct device *d, struct device_attribute *a,
				char *buf)
{
	return sysfs_emit(buf, "%llu\n", 1ULL << cvol_sysfs_dev(d)->order);
}

static ssize_t features_show(struct device *d, struct device_attribute *a,
			     char *buf)
{
	return sysfs_emit(buf, "0x%llx\n", cvol_sysfs_dev(d)->features);
}

static const char *const cvol_state_names[] = {
	[CVOL_STATE_NEW]	= "new",
	[CVOL_STATE_LIVE]	= "live",
	[CVOL_STATE_RECOVERING]	= "recovering",
	[CVOL_STATE_DYING]	= "dying",
};

static ssize_t state_show(struct device *d, struct device_attribute *a,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  cvol_state_names[READ_ONCE(cvol_sysfs_dev(d)->state)]);
}

static DEVICE_ATTR_RO(pool);
static DEVICE_ATTR_RO(volume);
static DEVICE_ATTR_RO(snapshot);
static DEVICE_ATTR_RO(identity);
static DEVICE_ATTR_RO(object_size);
static DEVICE_ATTR_RO(features);
static DEVICE_ATTR_RO(state);

static struct attribute *cvol_attrs[] = {
	&dev_attr_pool.attr,
	&dev_attr_volume.attr,
	&dev_attr_snapshot.attr,
	&dev_attr_identity.attr,
	&dev_attr_object_size.attr,
	&dev_attr_features.attr,
	&dev_attr_state.attr,
	NULL,
};

static const struct attribute_group cvol_attr_group = {
	.name	= "cvol",
	.attrs	= cvol_attrs,
};

static const struct attribute_group *cvol_attr_groups[] = {
	&cvol_attr_group,
	NULL,
};

/* ---------------------------------------------------------------------- */
/* add / remove                                                            */

static void cvol_add_work(struct work_struct *work)
{
	struct cvol_dev *dev = container_of(work, struct cvol_dev, add_work);
	int ret;

	mutex_lock(&dev->lock);
	if (dev->state == CVOL_STATE_DYING) {
		mutex_unlock(&dev->lock);
		return;
	}
	mutex_unlock(&dev->lock);

	/* the disk's reference, dropped by cvol_free_disk() */
	kref_get(&dev->ref);
	ret = device_add_disk(NULL, dev->disk, cvol_attr_groups);
	mutex_lock(&dev->lock);
	if (ret) {
		pr_err("cvol%u: add_disk failed: %d\n", dev->id, ret);
		mutex_unlock(&dev->lock);
		cvol_dev_put(dev);
		return;
	}
	dev->disk_added = true;
	if (dev->state == CVOL_STATE_NEW)
		dev->state = dev->nr_bound == dev->nr_queues ?
			     CVOL_STATE_LIVE : CVOL_STATE_RECOVERING;
	mutex_unlock(&dev->lock);
	pr_info("cvol%u: %s/%s%s%s live, %llu bytes\n", dev->id, dev->pool,
		dev->volume, dev->snap[0] ? "@" : "", dev->snap, dev->size);
}

static int cvol_queues_alloc(struct cvol_dev *dev)
{
	unsigned int i, nr_desc = dev->depth * CVOL_SEGS_PER_REQ;

	dev->queues = kcalloc(dev->nr_queues, sizeof(*dev->queues),
			      GFP_KERNEL);
	if (!dev->queues)
		return -ENOMEM;
	for (i = 0; i < dev->nr_queues; i++) {
		struct cvol_queue *q = &dev->queues[i];

		q->dev = dev;
		q->index = i;
		spin_lock_init(&q->lock);
		INIT_LIST_HEAD(&q->pending);
		init_waitqueue_head(&q->wait);
		q->unbound_since = jiffies;
		q->tags = kcalloc(dev->depth, sizeof(*q->tags), GFP_KERNEL);
		q->kdesc = kcalloc(nr_desc, sizeof(*q->kdesc), GFP_KERNEL);
		q->area_size = cvol_area_bytes(dev->depth, PAGE_SIZE);
		q->area = vmalloc_user(q->area_size);
		if (!q->tags || !q->kdesc || !q->area)
			return -ENOMEM; /* cvol_dev_release() frees */
	}
	return 0;
}

static void cvol_set_limits(struct cvol_dev *dev)
{
	struct request_queue *rq = dev->disk->queue;
	u32 obj_sectors = 1U << (dev->order - SECTOR_SHIFT);

	blk_queue_logical_block_size(rq, dev->lbs);
	blk_queue_physical_block_size(rq, dev->lbs);
	blk_queue_max_hw_sectors(rq, CVOL_MAX_IO >> SECTOR_SHIFT);
	blk_queue_max_segments(rq, USHRT_MAX);
	blk_queue_max_segment_size(rq, CVOL_MAX_IO);
	/* only what the daemon asked for (FEATURES) reaches it */
	if (dev->features & CVOL_F_DISCARD) {
		rq->limits.discard_granularity = 1U << dev->order;
		blk_queue_max_discard_sectors(rq, obj_sectors);
	}
	if (dev->features & CVOL_F_WRITE_ZEROES)
		blk_queue_max_write_zeroes_sectors(rq, obj_sectors);
	blk_queue_write_cache(rq, true, dev->features & CVOL_F_FUA);
	blk_queue_flag_set(QUEUE_FLAG_NONROT, rq);
	blk_queue_rq_timeout(rq, dev->timeout ? dev->timeout * HZ : 30 * HZ);
}

/*
 * Does a device other than @dev, not being removed, serve what @dev would:
 * the same pool, volume and snapshot, or the same backend identity?  Two
 * writable devices of one volume would each cache and write it unaware of
 * the other.  Called with cvol_devs_lock held.
 */
static bool cvol_dev_find_same(const struct cvol_dev *dev)
{
	struct cvol_dev *other;
	bool same = false;
	int id;

	lockdep_assert_held(&cvol_devs_lock);
	idr_for_each_entry(&cvol_idr, other, id) {
		if (other == dev)
			continue;
		mutex_lock(&other->lock);
		if (other->state != CVOL_STATE_DYING &&
		    ((!strcmp(other->pool, dev->pool) &&
		      !strcmp(other->volume, dev->volume) &&
		      !strcmp(other->snap, dev->snap)) ||
		     (dev->identity[0] &&
		      !strcmp(other->identity, dev->identity))))
			same = true;
		mutex_unlock(&other->lock);
		if (same)
			break;
	}
	return same;
}

int cvol_dev_add(const struct cvol_add_params *p, struct cvol_dev **out,
		 const char **why)
{
	struct cvol_dev *dev;
	struct gendisk *disk;
	int id, ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	kref_init(&dev->ref);
	mutex_init(&dev->lock);
	INIT_WORK(&dev->add_work, cvol_add_work);
	dev->size = p->size;
	dev->lbs = p->lbs;
	dev->order = p->order;
	/*
	 * blk_mq_alloc_tag_set() uses no more hardware queues than possible
	 * CPUs: the device has, binds and reports (NR_QUEUES) that many.
	 */
	dev->nr_queues = min_t(unsigned int, p->nr_queues, nr_cpu_ids);
	dev->depth = p->depth;
	dev->flags = p->flags;
	dev->features = p->features;
	dev->timeout = p->timeout;
	strscpy(dev->pool, p->pool, sizeof(dev->pool));
	strscpy(dev->volume, p->volume, sizeof(dev->volume));
	if (p->snap) {
		strscpy(dev->snap, p->snap, sizeof(dev->snap));
		dev->flags |= CVOL_DEV_F_RDONLY;
	}
	if (p->identity)
		strscpy(dev->identity, p->identity, sizeof(dev->identity));
	dev->added_ro = dev->flags & CVOL_DEV_F_RDONLY;
	dev->state = CVOL_STATE_NEW;

	ret = cvol_queues_alloc(dev);
	if (ret)
		goto err_put;

	dev->set.ops = &cvol_mq_ops;
	dev->set.nr_hw_queues = dev->nr_queues;
	dev->set.queue_depth = dev->depth;
	dev->set.numa_node = NUMA_NO_NODE;
	dev->set.flags = BLK_MQ_F_SHOULD_MERGE;
	dev->set.driver_data = dev;
	ret = blk_mq_alloc_tag_set(&dev->set);
	if (ret)
		goto err_put;
	if (WARN_ON_ONCE(dev->set.nr_hw_queues != dev->nr_queues)) {
		blk_mq_free_tag_set(&dev->set);
		ret = -EINVAL;
		goto err_put;
	}
	disk = blk_mq_alloc_disk(&dev->set, dev);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		blk_mq_free_tag_set(&dev->set);
		goto err_put;
	}
	dev->disk = disk;

	mutex_lock(&cvol_devs_lock);
	if (p->id >= 0) {
		id = idr_alloc(&cvol_idr, dev, p->id, p->id + 1, GFP_KERNEL);
		if (id == -ENOSPC) {
			id = -EEXIST;
			*why = "device id in use";
		}
	} else {
		id = idr_alloc(&cvol_idr, dev, 0, cvol_max_devices, GFP_KERNEL);
		if (id == -ENOSPC)
			*why = "max_devices devices exist";
	}
	if (id >= 0 && cvol_dev_find_same(dev)) {
		idr_remove(&cvol_idr, id);
		id = -EEXIST;
		*why = "a device for this volume or snapshot exists";
	}
	mutex_unlock(&cvol_devs_lock);
	if (id < 0) {
		ret = id;
		goto err_disk;
	}
	dev->id = id;

	disk->major = cvol_major;
	disk->first_minor = id * CVOL_MINORS;
	disk->minors = CVOL_MINORS;
	disk->fops = &cvol_bdops;
	disk->private_data = dev;
	snprintf(disk->disk_name, DISK_NAME_LEN, "cvol%d", id);
	set_capacity(disk, dev->size >> SECTOR_SHIFT);
	if (dev->flags & CVOL_DEV_F_RDONLY)
		set_disk_ro(disk, true);
	cvol_set_limits(dev);

	*out = dev;
	return 0;

err_disk:
	put_disk(disk);
err_put:
	cvol_dev_put(dev);
	return ret;
}

/* end every QUEUED and ISSUED request of @q with an I/O error */
static void cvol_queue_abort(struct cvol_queue *q)
{
	struct request **rqs;
	unsigned int i, n = 0;

	rqs = kcalloc(q->dev->depth, sizeof(*rqs), GFP_KERNEL | __GFP_NOFAIL);
	spin_lock(&q->lock);
	q->dying = true;
	for (i = 0; i < q->dev->depth; i++) {
		struct cvol_tag *t = &q->tags[i];

		if (t->state == CVOL_TAG_FREE)
			continue;
		if (t->state == CVOL_TAG_QUEUED)
			list_del(&t->node);
		/* an abandoned tag's request has ended already */
		if (t->state != CVOL_TAG_ABANDONED)
			rqs[n++] = t->rq;
		t->state = CVOL_TAG_FREE;
		t->rq = NULL;
	}
	spin_unlock(&q->lock);
	wake_up_all(&q->wait);
	for (i = 0; i < n; i++) {
		cvol_stat_add(q->dev, CVOL_STAT_ERRORS, 1);
		blk_mq_end_request(rqs[i], BLK_STS_IOERR);
	}
	kfree(rqs);
}

static void cvol_dev_kill(struct cvol_dev *dev)
{
	unsigned int i;

	for (i = 0; i < dev->nr_queues; i++)
		cvol_queue_abort(&dev->queues[i]);
	cancel_work_sync(&dev->add_work);
	if (dev->disk_added)
		del_gendisk(dev->disk);
	/* requests that raced with the first abort */
	for (i = 0; i < dev->nr_queues; i++)
		cvol_queue_abort(&dev->queues[i]);
	mutex_lock(&cvol_devs_lock);
	idr_remove(&cvol_idr, dev->id);
	mutex_unlock(&cvol_devs_lock);
	cvol_genl_event(CVOL_CMD_EVT_REMOVED, dev);
	pr_info("cvol%u: removed %s/%s%s%s\n", dev->id, dev->pool,
		dev->volume, dev->snap[0] ? "@" : "", dev->snap);
	put_disk(dev->disk);
	cvol_dev_put(dev);
}

int cvol_dev_remove(u32 id, bool force, const char **why)
{
	struct cvol_dev *dev = cvol_dev_get(id);

	if (!dev) {
		*why = "no such device";
		return -ENOENT;
	}
	mutex_lock(&dev->lock);
	if (dev->state == CVOL_STATE_DYING) {
		mutex_unlock(&dev->lock);
		cvol_dev_put(dev);
		*why = "device is being removed";
		return -ENOENT;
	}
	if (!force && dev->disk_added && disk_openers(dev->disk)) {
		mutex_unlock(&dev->lock);
		cvol_dev_put(dev);
		*why = "device is open (use force)";
		return -EBUSY;
	}
	dev->state = CVOL_STATE_DYING;
	mutex_unlock(&dev->lock);
	cvol_dev_kill(dev);
	cvol_dev_put(dev);
	return 0;
}

static int cvol_collect(struct cvol_dev *dev, void *arg)
{
	struct cvol_dev **slot = arg;

	mutex_lock(&dev->lock);
	if (dev->state != CVOL_STATE_DYING) {
		dev->state = CVOL_STATE_DYING;
		kref_get(&dev->ref);
		*slot = dev;
		mutex_unlock(&dev->lock);
		return 1;
	}
	mutex_unlock(&dev->lock);
	return 0;
}

void cvol_dev_remove_all(void)
{
	for (;;) {
		struct cvol_dev *dev = NULL;
		u32 id = 0;

		cvol_dev_for_each(&id, cvol_collect, &dev);
		if (!dev)
			break;
		cvol_dev_kill(dev);
		cvol_dev_put(dev);
	}
}

int cvol_dev_reconfigure(struct cvol_dev *dev, const u64 *size,
			 const u32 *flags, const u32 *timeout,
			 const char **why)
{
	int ret = 0;

	mutex_lock(&dev->lock);
	if (dev->state == CVOL_STATE_DYING) {
		*why = "device is being removed";
		ret = -ENOENT;
		goto out_unlock;
	}
	if (size && (*size < dev->size || !cvol_size_valid(*size, dev->lbs))) {
		*why = *size < dev->size ? "devices only grow" :
					   "size not a multiple of the block size";
		ret = -EINVAL;
		goto out_unlock;
	}
	if (flags && dev->added_ro && !(*flags & CVOL_DEV_F_RDONLY)) {
		*why = dev->snap[0] ? "a snapshot device is read-only" :
				      "the device was attached read-only";
		ret = -EINVAL;
		goto out_unlock;
	}
	if (size && *size != dev->size) {
		dev->size = *size;
		set_capacity_and_notify(dev->disk, *size >> SECTOR_SHIFT);
	}
	if (flags) {
		WRITE_ONCE(dev->flags, *flags);
		set_disk_ro(dev->disk, *flags & CVOL_DEV_F_RDONLY);
	}
	if (timeout) {
		WRITE_ONCE(dev->timeout, *timeout);
		blk_queue_rq_timeout(dev->disk->queue,
				     *timeout ? *timeout * HZ : 30 * HZ);
	}
out_unlock:
	mutex_unlock(&dev->lock);
	if (!ret && size)
		cvol_genl_event(CVOL_CMD_EVT_RESIZED, dev);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* binding and the descriptor ring                                        */

int cvol_queue_bind(struct cvol_dev *dev, u16 qid, struct file *file)
{
	struct cvol_queue *q;
	bool all, recovered = false;
	int ret = 0;

	if (qid >= dev->nr_queues)
		return -EINVAL;
	q = &dev->queues[qid];
	mutex_lock(&dev->lock);
	if (dev->state == CVOL_STATE_DYING) {
		ret = -ENODEV;
		goto out_unlock;
	}
	spin_lock(&q->lock);
	if (q->binder) {
		spin_unlock(&q->lock);
		ret = -EBUSY;
		goto out_unlock;
	}
	q->binder = file;
	spin_unlock(&q->lock);
	dev->nr_bound++;
	all = dev->nr_bound == dev->nr_queues;
	/*
	 * Once only: the work may be inside add_disk()'s partition scan,
	 * waiting for the binder that just replaced a lost one, and queueing
	 * it again would add the live disk a second time.
	 */
	if (all && dev->state == CVOL_STATE_NEW && !dev->add_scheduled) {
		dev->add_scheduled = true;
		schedule_work(&dev->add_work);
	}
	if (all && dev->state == CVOL_STATE_RECOVERING) {
		dev->state = CVOL_STATE_LIVE;
		recovered = true;
	}
out_unlock:
	mutex_unlock(&dev->lock);
	/* hand out whatever waited for a binder */
	wake_up_all(&q->wait);
	if (recovered) {
		pr_info("cvol%u: recovered\n", dev->id);
		cvol_genl_event(CVOL_CMD_EVT_RECOVERED, dev);
	}
	return ret;
}

void cvol_queue_unbind(struct cvol_queue *q)
{
	struct cvol_dev *dev = q->dev;
	struct request **rqs;
	bool lost = false;
	unsigned int i, n = 0;

	rqs = kcalloc(dev->depth, sizeof(*rqs), GFP_KERNEL | __GFP_NOFAIL);
	spin_lock(&q->lock);
	q->binder = NULL;
	q->stuck = false;
	q->unbound_since = jiffies;
	/*
	 * The outstanding ones go back to the block layer, which dispatches
	 * them again through queue_rq: a write is then copied from its bio
	 * once more, never re-sent from a buffer the old daemon could write.
	 */
	for (i = 0; i < dev->depth; i++) {
		struct cvol_tag *t = &q->tags[i];

		/* nobody may write an abandoned tag's buffer any more */
		if (t->state == CVOL_TAG_ABANDONED)
			t->state = CVOL_TAG_FREE;
		if (t->state != CVOL_TAG_ISSUED)
			continue;
		rqs[n++] = t->rq;
		t->state = CVOL_TAG_FREE;
		t->rq = NULL;
	}
	spin_unlock(&q->lock);
	/*
	 * Each kicks the requeue list itself, as nbd does: once the last is
	 * requeued, removal may end it and free the disk, so dev->disk is not
	 * touched here.
	 */
	for (i = 0; i < n; i++)
		blk_mq_requeue_request(rqs[i], true);
	kfree(rqs);
	cvol_stat_add(dev, CVOL_STAT_REQUEUES, n);

	mutex_lock(&dev->lock);
	dev->nr_bound--;
	if (dev->state == CVOL_STATE_LIVE ||
	    (dev->state == CVOL_STATE_NEW && dev->disk_added)) {
		dev->state = CVOL_STATE_RECOVERING;
		lost = true;
	}
	mutex_unlock(&dev->lock);
	if (lost) {
		pr_info("cvol%u: daemon lost on queue %u, %u requests requeued\n",
			dev->id, q->index, n);
		cvol_genl_event(CVOL_CMD_EVT_DAEMON_LOST, dev);
	}
}

static void cvol_tag_finish(struct cvol_queue *q, unsigned int tag)
{
	struct cvol_dev *dev = q->dev;
	struct cvol_tag *t = &q->tags[tag];
	struct request *rq = t->rq;
	int error = t->error;
	blk_status_t sts = cvol_result_status(error);

	/* called with q->lock held; drops it */
	t->state = CVOL_TAG_FREE;
	t->rq = NULL;
	spin_unlock(&q->lock);

	switch (req_op(rq)) {
	case REQ_OP_READ:
		if (!error)
			cvol_copy_rq(rq, cvol_tag_buf(q, tag), false);
		cvol_stat_add(dev, CVOL_STAT_READS, 1);
		cvol_stat_add(dev, CVOL_STAT_READ_BYTES, blk_rq_bytes(rq));
		break;
	case REQ_OP_WRITE:
		cvol_stat_add(dev, CVOL_STAT_WRITES, 1);
		cvol_stat_add(dev, CVOL_STAT_WRITE_BYTES, blk_rq_bytes(rq));
		break;
	case REQ_OP_FLUSH:
		cvol_stat_add(dev, CVOL_STAT_FLUSHES, 1);
		break;
	default:
		cvol_stat_add(dev, CVOL_STAT_DISCARDS, 1);
		break;
	}
	if (error)
		cvol_stat_add(dev, CVOL_STAT_ERRORS, 1);
	blk_mq_end_request(rq, sts);
	spin_lock(&q->lock);
}

int cvol_queue_commit(struct cvol_queue *q, const struct cvol_done *done,
		      u32 nr, u32 *committed)
{
	u32 nr_desc = q->dev->depth * CVOL_SEGS_PER_REQ;
	int ret = 0;
	u32 i;

	spin_lock(&q->lock);
	if (q->dying || q->stuck) {
		ret = q->dying ? -ENODEV : -ETIMEDOUT;
		spin_unlock(&q->lock);
		*committed = 0;
		return ret;
	}
	for (i = 0; i < nr; i++) {
		u32 idx = done[i].desc, tag, seg;
		struct cvol_tag *t;

		if (idx >= nr_desc) {
			ret = -EINVAL;
			break;
		}
		tag = idx / CVOL_SEGS_PER_REQ;
		seg = idx % CVOL_SEGS_PER_REQ;
		t = &q->tags[tag];
		/* timed out or aborted meanwhile: nothing to complete */
		if (t->state != CVOL_TAG_ISSUED)
			continue;
		if (seg >= t->nr_segs || (t->done_mask & BIT(seg))) {
			ret = -EINVAL;
			break;
		}
		t->done_mask |= BIT(seg);
		if (done[i].result < 0 && !t->error)
			t->error = done[i].result;
		if (t->done_mask == BIT(t->nr_segs) - 1)
			cvol_tag_finish(q, tag);
	}
	spin_unlock(&q->lock);
	*committed = i;
	return ret;
}

static bool cvol_queue_ready(struct cvol_queue *q)
{
	bool ready;

	spin_lock(&q->lock);
	ready = q->dying || q->stuck || !list_empty(&q->pending);
	spin_unlock(&q->lock);
	return ready;
}

int cvol_queue_fetch(struct cvol_queue *q, u32 *ready, u32 cap, bool wait)
{
	struct cvol_tag *t, *tmp;
	u32 n = 0;
	int ret;

	for (;;) {
		spin_lock(&q->lock);
		if (q->dying || q->stuck) {
			ret = q->dying ? -ENODEV : -ETIMEDOUT;
			spin_unlock(&q->lock);
			return ret;
		}
		list_for_each_entry_safe(t, tmp, &q->pending, node) {
			unsigned int tag = t - q->tags;
			unsigned int base = tag * CVOL_SEGS_PER_REQ, i;
			struct cvol_desc *area = q->area;

			if (n + t->nr_segs > cap)
				break;
			list_del(&t->node);
			t->state = CVOL_TAG_ISSUED;
			t->issued_at = jiffies;
			q->seq++;
			for (i = 0; i < t->nr_segs; i++) {
				q->kdesc[base + i].seq = q->seq;
				area[base + i] = q->kdesc[base + i];
				ready[n++] = base + i;
			}
		}
		spin_unlock(&q->lock);
		if (n || !wait)
			return n;
		ret = wait_event_interruptible(q->wait, cvol_queue_ready(q));
		if (ret)
			return ret;
	}
}

/* put back descriptors handed out by a fetch whose copy to user failed */
void cvol_queue_unfetch(struct cvol_queue *q, const u32 *ready, u32 n)
{
	u32 i;

	spin_lock(&q->lock);
	for (i = n; i-- > 0;) {
		struct cvol_tag *t;

		if (ready[i] % CVOL_SEGS_PER_REQ)
			continue;
		t = &q->tags[ready[i] / CVOL_SEGS_PER_REQ];
		if (t->state != CVOL_TAG_ISSUED)
			continue;
		t->state = CVOL_TAG_QUEUED;
		list_add(&t->node, &q->pending);
	}
	spin_unlock(&q->lock);
}

int cvol_dev_init(void)
{
	cvol_major = register_blkdev(0, "cvol");
	return cvol_major < 0 ? cvol_major : 0;
}

void cvol_dev_exit(void)
{
	unregister_blkdev(cvol_major, "cvol");
	idr_destroy(&cvol_idr);
}
