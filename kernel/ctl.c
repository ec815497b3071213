// SPDX-License-Identifier: GPL-2.0
/*
 * cvol: /dev/cvol-control, the data channel between cvol.ko and cvold.
 *
 * One open file serves one (device, queue) once bound with CVOL_IOC_BIND.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "cvol.h"

/**
 * struct cvol_ctl - one open /dev/cvol-control
 * @bind_lock: serialises CVOL_IOC_BIND on this file
 * @dev: bound device (holds a reference), NULL until bound
 * @q: bound queue; set once, under @bind_lock, before @dev is published
 */
struct cvol_ctl {
	struct mutex bind_lock; /* see above */
	struct cvol_dev *dev;
	struct cvol_queue *q;
};

static int cvol_ctl_open(struct inode *inode, struct file *file)
{
	struct cvol_ctl *c;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	mutex_init(&c->bind_lock);
	file->private_data = c;
	return 0;
}

static int cvol_ctl_release(struct inode *inode, struct file *file)
{
	struct cvol_ctl *c = file->private_data;

	if (c->dev) {
		cvol_queue_unbind(c->q);
		cvol_dev_put(c->dev);
	}
	kfree(c);
	return 0;
}

static struct cvol_queue *cvol_ctl_queue(struct cvol_ctl *c)
{
	/* pairs with smp_store_release() in cvol_ctl_bind() */
	return smp_load_acquire(&c->q);
}

static long cvol_ctl_bind(struct file *file, struct cvol_ctl *c,
			  void __user *argp)
{
	struct cvol_bind b;
	struct cvol_dev *dev;
	int ret;

	if (copy_from_user(&b, argp, sizeof(b)))
		return -EFAULT;
	ret = cvol_bind_check(&b);
	if (ret)
		return ret;
	mutex_lock(&c->bind_lock);
	if (c->dev) {
		ret = -EBUSY;
		goto out_unlock;
	}
	dev = cvol_dev_get(b.dev_id);
	if (!dev) {
		ret = -ENOENT;
		goto out_unlock;
	}
	ret = cvol_queue_bind(dev, b.queue, file);
	if (ret)
		goto err_put;

	b.depth = dev->depth;
	b.segs_per_req = CVOL_SEGS_PER_REQ;
	b.nr_desc = dev->depth * CVOL_SEGS_PER_REQ;
	b.max_io = CVOL_MAX_IO;
	b.obj_order = dev->order;
	b.lbs = dev->lbs;
	b.size = READ_ONCE(dev->size);
	b.map_size = dev->queues[b.queue].area_size;
	b.desc_off = 0;
	b.buf_off = cvol_area_desc_bytes(dev->depth, PAGE_SIZE);
	c->dev = dev;
	/* publish the queue only after @dev: fetch and mmap load it with
	 * acquire and need no lock
	 */
	smp_store_release(&c->q, &dev->queues[b.queue]);
	mutex_unlock(&c->bind_lock);
	/* bound even if the copy fails: the caller sees -EFAULT and closes */
	if (copy_to_user(argp, &b, sizeof(b)))
		return -EFAULT;
	return 0;

err_put:
	cvol_dev_put(dev);
out_unlock:
	mutex_unlock(&c->bind_lock);
	return ret;
}

static long cvol_ctl_fetch(struct cvol_ctl *c, void __user *argp)
{
	struct cvol_queue *q = cvol_ctl_queue(c);
	struct cvol_done *done = NULL;
	struct cvol_fetch f;
	u32 nr_desc, *ready = NULL, committed = 0;
	int ret, n;

	if (!q)
		return -EBADFD;
	if (copy_from_user(&f, argp, sizeof(f)))
		return -EFAULT;
	nr_desc = q->dev->depth * CVOL_SEGS_PER_REQ;
	ret = cvol_fetch_check(&f, nr_desc);
	if (ret)
		return ret;

	/*
	 * Everything that can fail for want of memory happens before the
	 * first completion is committed: -ENOMEM means nothing was, and the
	 * caller may simply retry with the same completions.
	 */
	ready = kvmalloc_array(f.ready_cap, sizeof(*ready), GFP_KERNEL);
	if (!ready)
		return -ENOMEM;
	if (f.nr_done) {
		done = kvmalloc_array(f.nr_done, sizeof(*done), GFP_KERNEL);
		if (!done) {
			ret = -ENOMEM;
			goto free_ready;
		}
		if (copy_from_user(done, u64_to_user_ptr(f.done_ptr),
				   f.nr_done * sizeof(*done))) {
			ret = -EFAULT;
			goto free_done;
		}
		ret = cvol_queue_commit(q, done, f.nr_done, &committed);
		if (ret) {
			f.nr_done = committed;
			f.nr_ready = 0;
			if (copy_to_user(argp, &f, sizeof(f)))
				ret = -EFAULT;
			goto free_done;
		}
	}

	n = cvol_queue_fetch(q, ready, f.ready_cap,
			     !(f.flags & CVOL_FETCH_F_NOWAIT));
	/*
	 * Once completions are committed the call cannot be restarted: a
	 * restart would commit them again, and with several threads on the
	 * file a stale one could complete a tag handed out anew.
	 */
	if (n == -ERESTARTSYS && f.nr_done)
		n = -EINTR;
	if (n < 0) {
		ret = n;
		goto free_done;
	}
	f.nr_ready = n;
	if (copy_to_user(u64_to_user_ptr(f.ready_ptr), ready,
			 n * sizeof(*ready)) ||
	    copy_to_user(argp, &f, sizeof(f))) {
		/* the daemon cannot know them: hand them out again later */
		cvol_queue_unfetch(q, ready, n);
		ret = -EFAULT;
		goto free_done;
	}
	ret = 0;
free_done:
	kvfree(done);
free_ready:
	kvfree(ready);
	return ret;
}

static long cvol_ctl_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct cvol_ctl *c = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case CVOL_IOC_BIND:
		return cvol_ctl_bind(file, c, argp);
	case CVOL_IOC_COMMIT_FETCH:
		return cvol_ctl_fetch(c, argp);
	case CVOL_IOC_MAP:
		return -EOPNOTSUPP;
	default:
		return -ENOTTY;
	}
}

static int cvol_ctl_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct cvol_ctl *c = file->private_data;
	struct cvol_queue *q = cvol_ctl_queue(c);
	size_t len = vma->vm_end - vma->vm_start;

	if (!q)
		return -EBADFD;
	if (vma->vm_pgoff || len > q->area_size)
		return -EINVAL;
	/* a private copy would keep the daemon's read data from the kernel */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	/* nothing in the area is code */
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	/*
	 * Not inherited: a child that forks and does not exec must not keep
	 * the binding (the file) alive after its parent, the daemon, died.
	 */
	vma->vm_flags &= ~VM_MAYEXEC;
	vma->vm_flags |= VM_DONTCOPY;
	return remap_vmalloc_range(vma, q->area, 0);
}

static const struct file_operations cvol_ctl_fops = {
	.owner		= THIS_MODULE,
	.open		= cvol_ctl_open,
	.release	= cvol_ctl_release,
	.unlocked_ioctl	= cvol_ctl_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= cvol_ctl_mmap,
	.llseek		= noop_llseek,
};

static struct miscdevice cvol_ctl_misc = {
	.minor		= MISC_DYNAMIC_MINOR,
	.name		= CVOL_CONTROL_NAME,
	.fops		= &cvol_ctl_fops,
	.mode		= 0600,
};

int cvol_ctl_init(void)
{
	return misc_register(&cvol_ctl_misc);
}

void cvol_ctl_exit(void)
{
	misc_deregister(&cvol_ctl_misc);
}
