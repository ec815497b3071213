// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/cvol-control bad input: every ioctl with a bad size, non-zero
 * reserved fields, unknown flags, out-of-range counts or indices, or in
 * the wrong state (unbound, bound twice, device removed) gets the exact
 * errno; mmap checks its length and offset, refuses a private mapping and
 * exec, and a forked child does not inherit the mapping.  Also serves the
 * partition scan read of a fresh device by hand (a fetch into a bad
 * address leaves it queued) and completes it plus a stale duplicate,
 * which is ignored.
 * A signal interrupting a fetch after a commit gives EINTR, not a restart.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nl.h"

#define CTL "/dev/" CVOL_CONTROL_NAME
#define ID 9

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int bind_q(int fd, uint32_t id, uint16_t q, struct cvol_bind *b)
{
	memset(b, 0, sizeof(*b));
	b->dev_id = id;
	b->queue = q;
	return xioctl(fd, CVOL_IOC_BIND, b);
}

static int fetch(int fd, struct cvol_done *done, uint32_t nr_done,
		 uint32_t *ready, uint32_t cap, uint32_t flags,
		 struct cvol_fetch *f)
{
	memset(f, 0, sizeof(*f));
	f->done_ptr = (uintptr_t)done;
	f->nr_done = nr_done;
	f->ready_ptr = (uintptr_t)ready;
	f->ready_cap = cap;
	f->flags = flags;
	return xioctl(fd, CVOL_IOC_COMMIT_FETCH, f);
}

static volatile sig_atomic_t got_usr1, got_usr2;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_usr2 = 1;
}

/*
 * Answer the @nr descriptors in @ready with success, reads with zeros,
 * into @done.
 */
static void answer_zeros(void *area, const uint32_t *ready, uint32_t nr,
			 struct cvol_done *done)
{
	uint32_t n;

	for (n = 0; n < nr; n++) {
		const struct cvol_desc *d =
			(const struct cvol_desc *)area + ready[n];

		if (d->op == CVOL_OP_READ)
			memset((char *)area + d->buf_off, 0, d->len);
		done[n].desc = ready[n];
		done[n].result = 0;
	}
}

/*
 * Serve (zeros, success) whatever @fd has queued until nothing more
 * arrives for 0.5 s or 5 s have passed.
 */
static void serve_idle(int fd, void *area)
{
	struct cvol_done done[64];
	uint32_t ready[64];
	struct cvol_fetch f;
	int idle = 0, i;

	for (i = 0; i < 100 && idle < 10; i++) {
		if (fetch(fd, NULL, 0, ready, 64, CVOL_FETCH_F_NOWAIT, &f) ||
		    !f.nr_ready) {
			idle++;
			usleep(50000);
			continue;
		}
		idle = 0;
		answer_zeros(area, ready, f.nr_ready, done);
		fetch(fd, done, f.nr_ready, ready, 64, CVOL_FETCH_F_NOWAIT, &f);
	}
}

/*
 * A signal that interrupts COMMIT_FETCH's wait after its completions were
 * committed: EINTR, even with SA_RESTART, since a restart would commit
 * them again.  SIGUSR1 (SA_RESTART) comes every 0.3 s; SIGUSR2 (no
 * SA_RESTART) after 3 s ends a wait that was restarted instead.  Requests
 * that arrive meanwhile (udev probing the disk) are served, and their
 * completions are what the next wait commits; the first wait commits a
 * stale one (nothing is handed out then), which counts as well.
 */
static void eintr_after_commit(int fd, void *area)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct cvol_done done[4] = { { .desc = 0, .result = 0 } };
	uint32_t ready[4], nr_done = 1;
	pid_t parent = getpid(), pid;
	struct cvol_fetch f;
	int ret = 0, i;

	serve_idle(fd, area);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_flags = 0;
	sigaction(SIGUSR2, &sa, NULL);
	pid = fork();
	if (!pid) {
		for (i = 0; i < 10; i++) {
			usleep(300000);
			kill(parent, SIGUSR1);
		}
		kill(parent, SIGUSR2);
		_exit(0);
	}
	for (i = 0; i < 100 && !got_usr2; i++) {
		ret = fetch(fd, done, nr_done, ready, 4, 0, &f);
		if (ret)
			break;
		answer_zeros(area, ready, f.nr_ready, done);
		nr_done = f.nr_ready;
		if (!nr_done) {
			done[0].desc = 0;
			nr_done = 1;
		}
	}
	T_EXPECT(
		ret == -EINTR && got_usr1 && !got_usr2,
		"fetch interrupted after a commit: %d (SIGUSR1 %d, SIGUSR2 %d)",
		ret, got_usr1, got_usr2);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	/* what the last fetch handed out, if anything */
	if (ret == 0 && f.nr_ready)
		fetch(fd, done, nr_done, ready, 4, CVOL_FETCH_F_NOWAIT, &f);
}

int main(void)
{
	struct cvol_bind b, b2;
	struct cvol_fetch f;
	struct cvol_done done[4];
	uint32_t ready[1024];
	struct t_reply r;
	char big[200] = { 0 };
	void *area;
	int fd, fd2, ret, i;

	ret = t_start();
	if (ret)
		return ret;
	fd = open(CTL, O_RDWR);
	fd2 = open(CTL, O_RDWR);
	if (fd < 0 || fd2 < 0) {
		printf("FAIL: open %s: %s\n", CTL, strerror(errno));
		return 1;
	}

	/* unbound descriptor */
	ret = fetch(fd, NULL, 0, ready, 4, 0, &f);
	T_EXPECT(ret == -EBADFD, "fetch unbound: %d", ret);
	T_EXPECT(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED &&
		 errno == EBADFD, "mmap unbound: %s", strerror(errno));
	/* wrong sizes and numbers */
	ret = xioctl(fd, _IOWR(CVOL_IOC_MAGIC, 1, uint64_t), big);
	T_EXPECT(ret == -ENOTTY, "bind with a short struct: %d", ret);
	ret = xioctl(fd, _IOWR(CVOL_IOC_MAGIC, 1, big), big);
	T_EXPECT(ret == -ENOTTY, "bind with a long struct: %d", ret);
	ret = xioctl(fd, _IOWR(CVOL_IOC_MAGIC, 2, uint32_t), big);
	T_EXPECT(ret == -ENOTTY, "fetch with a short struct: %d", ret);
	ret = xioctl(fd, _IOWR(CVOL_IOC_MAGIC, 99, struct cvol_bind), big);
	T_EXPECT(ret == -ENOTTY, "unknown ioctl: %d", ret);
	ret = xioctl(fd, _IOR(CVOL_IOC_MAGIC, 1, struct cvol_bind), big);
	T_EXPECT(ret == -ENOTTY, "bind with the wrong direction: %d", ret);
	ret = xioctl(fd, CVOL_IOC_MAP, big);
	T_EXPECT(ret == -EOPNOTSUPP, "map: %d", ret);
	ret = xioctl(fd, CVOL_IOC_BIND, NULL);
	T_EXPECT(ret == -EFAULT, "bind with NULL: %d", ret);

	/* bind arguments */
	ret = bind_q(fd, 4000, 0, &b);
	T_EXPECT(ret == -ENOENT, "bind to a missing device: %d", ret);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_U32(CVOL_ATTR_DEV_ID, ID),
	      A_U16(CVOL_ATTR_QUEUE_DEPTH, 4), T_END);
	T_EXPECT_ERR("add", r, 0);
	memset(&b, 0, sizeof(b));
	b.dev_id = ID;
	b.reserved[3] = 1;
	ret = xioctl(fd, CVOL_IOC_BIND, &b);
	T_EXPECT(ret == -EINVAL, "bind with reserved set: %d", ret);
	memset(&b, 0, sizeof(b));
	b.dev_id = ID;
	b.flags = 1;
	ret = xioctl(fd, CVOL_IOC_BIND, &b);
	T_EXPECT(ret == -EINVAL, "bind with unknown flags: %d", ret);
	ret = bind_q(fd, ID, 1, &b);
	T_EXPECT(ret == -EINVAL, "bind to queue 1 of 1: %d", ret);

	/* a good bind, then the wrong states */
	ret = bind_q(fd, ID, 0, &b);
	T_EXPECT(ret == 0, "bind: %d", ret);
	T_EXPECT(b.depth == 4 && b.nr_desc == 4 * b.segs_per_req &&
		 b.obj_order == 16 && b.size == 16 << 20 && b.lbs == 512 &&
		 b.desc_off == 0 && b.buf_off >= b.nr_desc * sizeof(struct cvol_desc) &&
		 b.map_size == b.buf_off + (uint64_t)b.depth * b.max_io,
		 "bind reply: depth %u nr_desc %u order %u size %llu",
		 b.depth, b.nr_desc, b.obj_order, (unsigned long long)b.size);
	ret = bind_q(fd, ID, 0, &b2);
	T_EXPECT(ret == -EBUSY, "second bind of a descriptor: %d", ret);
	ret = bind_q(fd2, ID, 0, &b2);
	T_EXPECT(ret == -EBUSY, "bind of a bound queue: %d", ret);

	T_EXPECT(mmap(NULL, b.map_size + 4096, PROT_READ, MAP_SHARED, fd, 0) ==
		 MAP_FAILED && errno == EINVAL, "mmap too long");
	T_EXPECT(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096) ==
		 MAP_FAILED && errno == EINVAL, "mmap at an offset");
	/* a private copy would keep read data from the kernel */
	T_EXPECT(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) ==
				 MAP_FAILED &&
			 errno == EINVAL,
		 "mmap private: %s", strerror(errno));
	area = mmap(NULL, b.map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    0);
	T_EXPECT(area != MAP_FAILED, "mmap: %s", strerror(errno));
	/* nothing in the area is code, now or later */
	errno = 0;
	ret = area == MAP_FAILED ? -1 :
				   mprotect(area, 4096, PROT_READ | PROT_EXEC);
	T_EXPECT(ret && errno == EACCES, "mprotect exec: %d (%s)", ret,
		 strerror(errno));
	/* a forked child does not inherit the mapping */
	if (area != MAP_FAILED) {
		pid_t pid = fork();
		int st = 0;

		if (!pid)
			_exit(((volatile char *)area)[0] == 0x7f ? 3 : 2);
		T_EXPECT(pid > 0 && waitpid(pid, &st, 0) == pid &&
				 WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
			 "child touching the area: status 0x%x", st);
	}

	/* fetch arguments */
	memset(&f, 0, sizeof(f));
	f.ready_ptr = (uintptr_t)ready;
	f.ready_cap = 4;
	f.reserved[1] = 1;
	ret = xioctl(fd, CVOL_IOC_COMMIT_FETCH, &f);
	T_EXPECT(ret == -EINVAL, "fetch with reserved set: %d", ret);
	ret = fetch(fd, NULL, 0, ready, 4, 0x80, &f);
	T_EXPECT(ret == -EINVAL, "fetch with unknown flags: %d", ret);
	ret = fetch(fd, NULL, 0, ready, 0, CVOL_FETCH_F_NOWAIT, &f);
	T_EXPECT(ret == -EINVAL, "fetch with ready_cap 0: %d", ret);
	ret = fetch(fd, NULL, 0, ready, b.nr_desc + 1, CVOL_FETCH_F_NOWAIT,
		    &f);
	T_EXPECT(ret == -EINVAL, "fetch with ready_cap > nr_desc: %d", ret);
	ret = fetch(fd, done, b.nr_desc + 1, ready, 4, CVOL_FETCH_F_NOWAIT,
		    &f);
	T_EXPECT(ret == -EINVAL, "commit of more than nr_desc: %d", ret);
	done[0].desc = b.nr_desc;
	done[0].result = 0;
	ret = fetch(fd, done, 1, ready, 4, CVOL_FETCH_F_NOWAIT, &f);
	T_EXPECT(ret == -EINVAL && f.nr_done == 0,
		 "completion of descriptor nr_desc: %d (%u)", ret, f.nr_done);

	/* the partition scan read arrives once bound: a fetch into a bad
	 * address fails with EFAULT and leaves it queued, not lost */
	for (i = 0; i < 100; i++) {
		ret = fetch(fd, NULL, 0, NULL, 4, CVOL_FETCH_F_NOWAIT, &f);
		if (ret)
			break;
		usleep(50000);
	}
	T_EXPECT(ret == -EFAULT, "fetch into NULL: %d", ret);
	/* serve it by hand */
	ret = fetch(fd, NULL, 0, ready, 4, CVOL_FETCH_F_NOWAIT, &f);
	T_EXPECT(ret == 0 && f.nr_ready >= 1, "no read arrived: %d", ret);
	if (!ret && f.nr_ready >= 1 && area != MAP_FAILED) {
		const struct cvol_desc *d = area;

		d += ready[0];
		T_EXPECT(d->op == CVOL_OP_READ && d->nr_segs == f.nr_ready &&
			 !d->reserved && d->dev_off == 0 &&
			 d->buf_off >= b.buf_off, "descriptor op %u len %u",
			 d->op, d->len);
		memset((char *)area + d->buf_off, 0, d->len);
		done[0].desc = ready[0];
		done[0].result = 0;
		done[1] = done[0];
		ret = fetch(fd, done, 2, ready, 4, CVOL_FETCH_F_NOWAIT, &f);
		/* the second one names a request no longer outstanding:
		 * ignored, like a completion racing with a timeout */
		T_EXPECT(ret == 0 && f.nr_done == 2,
			 "completion plus a stale duplicate: %d (%u)", ret,
			 f.nr_done);
	}

	if (area != MAP_FAILED)
		eintr_after_commit(fd, area);

	/* removal: the binder learns it, later binds find nothing */
	t_req(CVOL_CMD_DEV_REMOVE, &r, A_U32(CVOL_ATTR_DEV_ID, ID),
	      A_FLAG(CVOL_ATTR_FORCE), T_END);
	T_EXPECT_ERR("remove", r, 0);
	ret = fetch(fd, NULL, 0, ready, 4, 0, &f);
	T_EXPECT(ret == -ENODEV, "fetch after remove: %d", ret);
	ret = bind_q(fd2, ID, 0, &b2);
	T_EXPECT(ret == -ENOENT, "bind after remove: %d", ret);
	if (area != MAP_FAILED)
		munmap(area, b.map_size);
	close(fd);
	close(fd2);
	return t_done("ioctl bad input");
}
