// SPDX-License-Identifier: GPL-2.0
/*
 * cvold: one thread per hardware queue.  It binds a /dev/cvol-control
 * descriptor to (device, queue), maps the queue area and serves object-level
 * descriptors with the engine, committing each batch with the next fetch.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cvold-int.h"

#define CVOL_CONTROL_PATH "/dev/" CVOL_CONTROL_NAME

/* log one line about queue @q, prefixed "cvolN (pool/vol): queue Q: " */
static void __attribute__((format(printf, 2, 3)))
queue_log(const struct cvold_queue *q, const char *fmt, ...)
{
	const struct cvold_dev *dev = q->dev;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cvold_log("cvol%u (%s/%s): queue %u: %s", dev->info.dev_id,
		  dev->info.pool, dev->info.vol, q->index, msg);
}

static int serve_desc(struct cvold_queue *q, const struct cvol_desc *d)
{
	struct cvol_vol *vol = q->dev->vol;
	char *buf = (char *)q->area + d->buf_off;

	if (!vol)
		return cvol_seterr(-EIO, "not served: %s", q->dev->info.error);
	if ((d->op == CVOL_OP_READ || d->op == CVOL_OP_WRITE) &&
	    (d->buf_off < q->bind.buf_off || d->len > q->bind.max_io ||
	     d->buf_off + d->len > q->bind.map_size))
		return -EINVAL;
	switch (d->op) {
	case CVOL_OP_READ:
		return cvol_vol_read(vol, buf, d->dev_off, d->len);
	case CVOL_OP_WRITE:
		return cvol_vol_write(vol, buf, d->dev_off, d->len,
				      (d->flags & CVOL_DESC_F_FUA) ?
				      CVOL_WRITE_FUA : 0);
	case CVOL_OP_FLUSH:
		return cvol_vol_flush(vol);
	case CVOL_OP_DISCARD:
		return cvol_vol_discard(vol, d->dev_off, d->len);
	case CVOL_OP_WRITE_ZEROES:
		return cvol_vol_write_zeroes(vol, d->dev_off, d->len);
	default:
		return -EOPNOTSUPP;
	}
}

static void *queue_thread(void *arg)
{
	struct cvold_queue *q = arg;
	struct cvold_dev *dev = q->dev;
	uint32_t nr = q->bind.nr_desc, *ready;
	struct cvol_done *done;
	struct cvol_fetch f;
	uint32_t nr_done = 0, i;
	unsigned int errors = 0, nomem = 0;

	ready = malloc(nr * sizeof(*ready));
	done = malloc(nr * sizeof(*done));
	if (!ready || !done) {
		queue_log(q, "out of memory");
		goto out_free;
	}
	/*
	 * Fault both arrays in now: the kernel copies to and from them, and
	 * a page it had to allocate then, under memory pressure, would turn
	 * into -EFAULT, which (unlike -ENOMEM) cannot be retried safely.
	 */
	memset(ready, 0xff, nr * sizeof(*ready));
	memset(done, 0xff, nr * sizeof(*done));
	for (;;) {
		memset(&f, 0, sizeof(f));
		f.done_ptr = (uintptr_t)done;
		f.nr_done = nr_done;
		f.ready_ptr = (uintptr_t)ready;
		f.ready_cap = nr;
		if (dev->stop)
			f.flags = CVOL_FETCH_F_NOWAIT;
		if (ioctl(q->fd, CVOL_IOC_COMMIT_FETCH, &f) < 0) {
			if (errno == EINTR) {
				/* committed; the kernel wrote nr_done back
				 * only on -EINVAL */
				nr_done = 0;
				if (dev->stop)
					break;
				continue;
			}
			if (errno == ENOMEM && !dev->stop) {
				/* nothing was committed: retry the same batch
				 * once the kernel has memory again */
				if (nomem++ == 0)
					queue_log(q, "commit/fetch: out of kernel memory, retrying");
				usleep(nomem < 100 ? 1000 : 10000);
				continue;
			}
			if (errno != ENODEV)
				queue_log(q, "commit/fetch: %s",
					  strerror(errno));
			break;
		}
		nr_done = 0;
		nomem = 0;
		if (dev->stop && !f.nr_ready)
			break;
		for (i = 0; i < f.nr_ready; i++) {
			const struct cvol_desc *dp = q->area;
			struct cvol_desc d;
			int ret;

			if (ready[i] >= nr)
				continue;
			d = dp[ready[i]];
			ret = serve_desc(q, &d);
			/* a fenced device has no volume */
			if (ret < 0 && dev->vol && cvol_vol_failed(dev->vol) &&
			    !__atomic_exchange_n(&dev->fail_logged, 1,
						 __ATOMIC_RELAXED))
				cvold_log(
					"cvol%u (%s/%s): volume failed, every write fails until it is detached and attached again: %s",
					dev->info.dev_id, dev->info.pool,
					dev->info.vol,
					cvol_vol_failed(dev->vol));
			if (ret < 0 && errors++ < 10)
				cvold_log("cvol%u (%s/%s): op %u at %llu+%u: %s",
					  dev->info.dev_id, dev->info.pool,
					  dev->info.vol, d.op,
					  (unsigned long long)d.dev_off, d.len,
					  cvol_errmsg());
			done[nr_done].desc = ready[i];
			done[nr_done].result = ret < 0 ? ret : 0;
			nr_done++;
		}
	}
	if (nr_done) {
		/* commit the last batch without waiting */
		memset(&f, 0, sizeof(f));
		f.done_ptr = (uintptr_t)done;
		f.nr_done = nr_done;
		f.ready_ptr = (uintptr_t)ready;
		f.ready_cap = nr;
		f.flags = CVOL_FETCH_F_NOWAIT;
		ioctl(q->fd, CVOL_IOC_COMMIT_FETCH, &f);
	}
out_free:
	free(ready);
	free(done);
	return NULL;
}

int cvold_queue_start(struct cvold_queue *q)
{
	struct cvold_dev *dev = q->dev;
	int ret;

	q->fd = open(CVOL_CONTROL_PATH, O_RDWR | O_CLOEXEC);
	if (q->fd < 0)
		return cvol_seterr(-errno, "open %s: %s", CVOL_CONTROL_PATH,
				   strerror(errno));
	memset(&q->bind, 0, sizeof(q->bind));
	q->bind.dev_id = dev->info.dev_id;
	q->bind.queue = q->index;
	if (ioctl(q->fd, CVOL_IOC_BIND, &q->bind) < 0) {
		ret = cvol_seterr(-errno, "bind cvol%u queue %u: %s",
				  dev->info.dev_id, q->index, strerror(errno));
		goto err_close;
	}
	q->area = mmap(NULL, q->bind.map_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED, q->fd, 0);
	if (q->area == MAP_FAILED) {
		ret = cvol_seterr(-errno, "map cvol%u queue %u: %s",
				  dev->info.dev_id, q->index, strerror(errno));
		goto err_close;
	}
	ret = pthread_create(&q->thread, NULL, queue_thread, q);
	if (ret) {
		ret = cvol_seterr(-ret, "start cvol%u queue %u: %s",
				  dev->info.dev_id, q->index, strerror(ret));
		goto err_unmap;
	}
	q->started = true;
	return 0;

err_unmap:
	munmap(q->area, q->bind.map_size);
err_close:
	close(q->fd);
	q->fd = -1;
	return ret;
}

/* stop, join and unbind every queue of @dev; requests left are queued again
 * in the kernel for the next binder */
void cvold_queue_stop(struct cvold_dev *dev)
{
	unsigned int i;

	dev->stop = 1;
	for (i = 0; i < dev->nr_queues; i++) {
		struct cvold_queue *q = &dev->q[i];

		/* the signal may land just before the thread sleeps: repeat */
		while (q->started) {
			struct timespec ts;

			pthread_kill(q->thread, SIGUSR1);
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 100 * 1000 * 1000;
			if (ts.tv_nsec >= 1000 * 1000 * 1000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000 * 1000 * 1000;
			}
			if (!pthread_timedjoin_np(q->thread, NULL, &ts))
				q->started = false;
		}
		if (q->fd >= 0) {
			munmap(q->area, q->bind.map_size);
			close(q->fd);
			q->fd = -1;
		}
	}
}
