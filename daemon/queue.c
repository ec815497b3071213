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

/*
 * A queue thread whose data channel fails closes its queue file and binds
 * the queue again this many times, with a growing pause, before it gives
 * up; a commit that succeeds starts the count again.
 */
#define QUEUE_RESTARTS 5
#define QUEUE_RESTART_MS 100 /* the first pause; it doubles */
/* I/O errors a queue thread logs; it says once that it logs no more */
#define QUEUE_ERRORS_LOGGED 10

static const char *const op_names[] = {
	[CVOL_OP_READ] = "read",
	[CVOL_OP_WRITE] = "write",
	[CVOL_OP_FLUSH] = "flush",
	[CVOL_OP_DISCARD] = "discard",
	[CVOL_OP_WRITE_ZEROES] = "write-zeroes",
};

static const char *op_name(uint32_t op)
{
	return op < sizeof(op_names) / sizeof(op_names[0]) && op_names[op] ?
		       op_names[op] :
		       "unknown op";
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
		return cvol_seterr(-EINVAL,
				   "buffer %llu+%u outside the queue area",
				   (unsigned long long)d->buf_off, d->len);
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
		return cvol_seterr(-EOPNOTSUPP, "op %u not supported", d->op);
	}
}

/* serve descriptor @i of the area, log its error, return its result */
static int serve_one(struct cvold_queue *q, uint32_t i)
{
	const struct cvol_desc *dp = q->area;
	struct cvold_dev *dev = q->dev;
	struct cvol_desc d = dp[i];
	int ret;

	ret = serve_desc(q, &d);
	if (ret >= 0)
		return 0;
	/* a fenced device has no volume */
	if (dev->vol && cvol_vol_failed(dev->vol) &&
	    !__atomic_exchange_n(&dev->fail_logged, 1, __ATOMIC_RELAXED))
		cvold_log(
			"cvol%u (%s/%s): volume failed, every write fails until it is detached and attached again: %s",
			dev->info.dev_id, dev->info.pool, dev->info.vol,
			cvol_vol_failed(dev->vol));
	if (q->errors < QUEUE_ERRORS_LOGGED)
		queue_log(q, "%s at %llu+%u: %s", op_name(d.op),
			  (unsigned long long)d.dev_off, d.len, cvol_errmsg());
	else if (q->errors == QUEUE_ERRORS_LOGGED)
		queue_log(q, "more I/O errors: not logging them (%u logged)",
			  QUEUE_ERRORS_LOGGED);
	q->errors++;
	return ret;
}

/*
 * Serve @q until the device stops or is removed (0), or its data channel
 * fails (-errno, cvol_errmsg() set).  *@committed is set when a batch of
 * completions is committed.  On a stop it commits what it served and
 * returns at once: what the last fetch handed out, or what it did not
 * serve, is handed out again to the next binder when the file closes.
 */
static int queue_serve(struct cvold_queue *q, bool *committed)
{
	struct cvold_dev *dev = q->dev;
	unsigned int nomem = 0;
	uint32_t nr_done = 0, i;
	struct cvol_fetch f;

	for (;;) {
		bool stop = dev->stop;
		int err;

		memset(&f, 0, sizeof(f));
		f.done_ptr = (uintptr_t)q->done;
		f.nr_done = nr_done;
		f.ready_ptr = (uintptr_t)q->ready;
		f.ready_cap = q->nr;
		if (stop)
			f.flags = CVOL_FETCH_F_NOWAIT;
		if (ioctl(q->fd, CVOL_IOC_COMMIT_FETCH, &f) < 0) {
			err = errno;
			if (err == EINTR) {
				/* committed; the kernel wrote nr_done back
				 * only on -EINVAL */
				*committed |= nr_done > 0;
				nr_done = 0;
				if (dev->stop)
					return 0;
				continue;
			}
			if (err == ENOMEM && !stop) {
				/* nothing was committed: retry the same batch
				 * once the kernel has memory again */
				if (nomem++ == 0)
					queue_log(
						q,
						"commit/fetch: out of kernel memory, retrying");
				usleep(nomem < 100 ? 1000 : 10000);
				continue;
			}
			/* removed, or stopping: closing the file requeues */
			if (err == ENODEV || stop)
				return 0;
			return cvol_seterr(-err, "commit/fetch: %s",
					   strerror(err));
		}
		*committed |= nr_done > 0;
		nr_done = 0;
		nomem = 0;
		if (stop)
			return 0;
		for (i = 0; i < f.nr_ready && !dev->stop; i++) {
			if (q->ready[i] >= q->nr)
				continue;
			q->done[nr_done].desc = q->ready[i];
			q->done[nr_done].result = serve_one(q, q->ready[i]);
			nr_done++;
		}
	}
}

/* bind a new queue file to @q and map its area */
static int queue_bind(struct cvold_queue *q)
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
	if (q->nr && q->bind.nr_desc != q->nr) {
		ret = cvol_seterr(
			-EPROTO,
			"bind cvol%u queue %u: %u descriptors, %u before",
			dev->info.dev_id, q->index, q->bind.nr_desc, q->nr);
		goto err_close;
	}
	q->area = mmap(NULL, q->bind.map_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED, q->fd, 0);
	if (q->area == MAP_FAILED) {
		ret = cvol_seterr(-errno, "map cvol%u queue %u: %s",
				  dev->info.dev_id, q->index, strerror(errno));
		goto err_close;
	}
	return 0;

err_close:
	close(q->fd);
	q->fd = -1;
	return ret;
}

/* unmap and close @q's file: the kernel hands out again what it had */
static void queue_unbind(struct cvold_queue *q)
{
	if (q->fd < 0)
		return;
	/* the mapping holds the file too: unmap first */
	munmap(q->area, q->bind.map_size);
	close(q->fd);
	q->fd = -1;
}

/* sleep @ms, or less if cvold_queue_stop() signals */
static void queue_pause(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * A queue never stays bound without a thread serving it (daemon review
 * F3): when the data channel fails (EFAULT, EINVAL, EBADFD, ETIMEDOUT
 * from a binder the kernel found stuck, ...), the thread closes the file
 * (the kernel requeues what it had handed out) and binds the queue again,
 * up to QUEUE_RESTARTS times without a commit in between.  Then it gives
 * up with the queue unbound: the device is "recovering", its requests
 * wait for the next cvold (or time out with TIMEOUT), and the log and
 * dev.list say why.
 */
static void *queue_thread(void *arg)
{
	struct cvold_queue *q = arg;
	struct cvold_dev *dev = q->dev;
	unsigned int restarts = 0, ms;
	char why[256];

	for (;;) {
		bool committed = false;

		if (!queue_serve(q, &committed) || dev->stop)
			return NULL;
		if (committed)
			restarts = 0;
		snprintf(why, sizeof(why), "%s", cvol_errmsg());
		queue_unbind(q);
		for (;;) {
			if (restarts == QUEUE_RESTARTS) {
				snprintf(
					q->why, sizeof(q->why),
					"queue %u not served after %u restarts: %s",
					q->index, QUEUE_RESTARTS, why);
				__atomic_store_n(&q->gave_up, 1,
						 __ATOMIC_RELEASE);
				queue_log(
					q,
					"not served after %u restarts (%s): the queue stays unbound and its requests wait for the next cvold",
					QUEUE_RESTARTS, why);
				return NULL;
			}
			ms = QUEUE_RESTART_MS << restarts++;
			queue_log(
				q,
				"%s: queue file closed, binding the queue again in %u ms (restart %u of %u)",
				why, ms, restarts, QUEUE_RESTARTS);
			queue_pause(ms);
			if (dev->stop)
				return NULL;
			if (!queue_bind(q))
				break;
			snprintf(why, sizeof(why), "%s", cvol_errmsg());
		}
		queue_log(q, "bound again, serving");
	}
}

int cvold_queue_start(struct cvold_queue *q)
{
	struct cvold_dev *dev = q->dev;
	int ret;

	ret = queue_bind(q);
	if (ret)
		return ret;
	q->nr = q->bind.nr_desc;
	q->ready = malloc(q->nr * sizeof(*q->ready));
	q->done = malloc(q->nr * sizeof(*q->done));
	if (!q->ready || !q->done) {
		ret = cvol_seterr(-ENOMEM,
				  "start cvol%u queue %u: out of memory",
				  dev->info.dev_id, q->index);
		goto err_unbind;
	}
	/*
	 * Fault both arrays in now: the kernel copies to and from them, and
	 * a page it had to allocate then, under memory pressure, would turn
	 * into -EFAULT.
	 */
	memset(q->ready, 0xff, q->nr * sizeof(*q->ready));
	memset(q->done, 0xff, q->nr * sizeof(*q->done));
	ret = pthread_create(&q->thread, NULL, queue_thread, q);
	if (ret) {
		ret = cvol_seterr(-ret, "start cvol%u queue %u: %s",
				  dev->info.dev_id, q->index, strerror(ret));
		goto err_unbind;
	}
	q->started = true;
	return 0;

err_unbind:
	queue_unbind(q);
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
		queue_unbind(q);
		free(q->ready);
		free(q->done);
		q->ready = NULL;
		q->done = NULL;
	}
}
