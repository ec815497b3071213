// SPDX-License-Identifier: GPL-2.0
/*
 * Events and recovery: the "events" multicast group reports ADDED when a
 * device is created, DAEMON_LOST when its binder closes the control file
 * (state RECOVERING), RECOVERED when a new binder binds (state LIVE),
 * RESIZED on a grow and REMOVED on removal.  With a per-device TIMEOUT, a
 * read waiting for a lost daemon fails after about that long instead of
 * waiting forever.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "nl.h"

#define CTL "/dev/" CVOL_CONTROL_NAME
#define ID 11

static struct nl_sock *ev_sk;
static int ev_cmd;
static char *area;
static size_t area_size;
static long long ev_id;

static int ev_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CVOL_ATTR_MAX + 1];

	ev_cmd = genlmsg_hdr(nlmsg_hdr(msg))->cmd;
	ev_id = -1;
	if (!genlmsg_parse(nlmsg_hdr(msg), 0, tb, CVOL_ATTR_MAX, NULL) &&
	    tb[CVOL_ATTR_DEV_ID])
		ev_id = nla_get_u32(tb[CVOL_ATTR_DEV_ID]);
	return NL_STOP;
}

/* next event's command, or -1 after 10 s */
static int next_event(void)
{
	ev_cmd = -1;
	if (nl_recvmsgs_default(ev_sk) < 0)
		return -1;
	return ev_cmd;
}

static int ev_open(void)
{
	struct timeval tv = { .tv_sec = 10 };
	int grp;

	ev_sk = nl_socket_alloc();
	if (!ev_sk || genl_connect(ev_sk))
		return -1;
	nl_socket_disable_seq_check(ev_sk);
	nl_socket_modify_cb(ev_sk, NL_CB_VALID, NL_CB_CUSTOM, ev_cb, NULL);
	grp = genl_ctrl_resolve_grp(ev_sk, CVOL_GENL_NAME,
				    CVOL_GENL_MCGRP_EVENTS);
	if (grp < 0 || nl_socket_add_membership(ev_sk, grp))
		return -1;
	setsockopt(nl_socket_get_fd(ev_sk), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	return 0;
}

/* bind @fd to queue 0 and serve reads with zeros until @state is reached */
static int bind_and_serve(int fd, int want_state)
{
	struct cvol_bind b = { .dev_id = ID };
	struct cvol_done done[64];
	uint32_t ready[64];
	struct t_reply r;
	uint32_t nd = 0;
	int i;

	if (ioctl(fd, CVOL_IOC_BIND, &b))
		return -errno;
	area = mmap(NULL, b.map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    0);
	if (area == MAP_FAILED)
		return -errno;
	area_size = b.map_size;
	for (i = 0; i < 400; i++) {
		struct cvol_fetch f = {
			.done_ptr = (uintptr_t)done,
			.nr_done = nd,
			.ready_ptr = (uintptr_t)ready,
			.ready_cap = b.nr_desc < 64 ? b.nr_desc : 64,
			.flags = CVOL_FETCH_F_NOWAIT,
		};
		uint32_t n;

		if (ioctl(fd, CVOL_IOC_COMMIT_FETCH, &f))
			return -errno;
		nd = 0;
		for (n = 0; n < f.nr_ready; n++) {
			struct cvol_desc *d = (struct cvol_desc *)area + ready[n];

			if (d->op == CVOL_OP_READ)
				memset(area + d->buf_off, 0, d->len);
			done[nd].desc = ready[n];
			done[nd].result = 0;
			nd++;
		}
		if (nd)
			continue;
		t_req(CVOL_CMD_DEV_GET, &r, A_U32(CVOL_ATTR_DEV_ID, ID), T_END);
		if (r.state == want_state)
			return 0;
		usleep(50000);
	}
	return -ETIMEDOUT;
}

int main(void)
{
	struct timespec t0, t1;
	struct t_reply r;
	char path[32], *buf;
	int fd, bfd, ret;
	ssize_t n;
	double secs;

	ret = t_need_module();
	if (ret)
		return ret;
	if (t_nl_open() || ev_open()) {
		printf("FAIL: cvol genl family or events group not found\n");
		return 1;
	}

	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_U32(CVOL_ATTR_DEV_ID, ID),
	      A_U16(CVOL_ATTR_QUEUE_DEPTH, 8), A_U32(CVOL_ATTR_TIMEOUT, 2),
	      T_END);
	T_EXPECT_ERR("add", r, 0);
	ret = next_event();
	T_EXPECT(ret == CVOL_CMD_EVT_ADDED && ev_id == ID, "event %d dev %lld",
		 ret, ev_id);

	fd = open(CTL, O_RDWR);
	ret = bind_and_serve(fd, CVOL_STATE_LIVE);
	T_EXPECT(ret == 0, "first binder: device not live: %d", ret);
	/* the mapping holds the file too: both go, like a daemon dying */
	munmap(area, area_size);
	close(fd);
	ret = next_event();
	T_EXPECT(ret == CVOL_CMD_EVT_DAEMON_LOST && ev_id == ID,
		 "after close: event %d dev %lld", ret, ev_id);
	t_req(CVOL_CMD_DEV_GET, &r, A_U32(CVOL_ATTR_DEV_ID, ID), T_END);
	T_EXPECT(r.state == CVOL_STATE_RECOVERING, "state %d", r.state);

	/* no daemon: a read fails after TIMEOUT (2 s), not forever */
	snprintf(path, sizeof(path), "/dev/cvol%d", ID);
	bfd = open(path, O_RDONLY | O_DIRECT);
	T_EXPECT(bfd >= 0, "open %s: %s", path, strerror(errno));
	if (bfd >= 0 && !posix_memalign((void **)&buf, 4096, 4096)) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		n = pread(bfd, buf, 4096, 1 << 20);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		T_EXPECT(n < 0 && (errno == ETIMEDOUT || errno == EIO),
			 "read without daemon: %zd (%s)", n, strerror(errno));
		T_EXPECT(secs > 1.0 && secs < 30.0, "timed out after %.1f s",
			 secs);
		free(buf);
	}
	if (bfd >= 0)
		close(bfd);

	fd = open(CTL, O_RDWR);
	ret = bind_and_serve(fd, CVOL_STATE_LIVE);
	T_EXPECT(ret == 0, "second binder: device not live: %d", ret);
	ret = next_event();
	T_EXPECT(ret == CVOL_CMD_EVT_RECOVERED && ev_id == ID,
		 "after re-bind: event %d dev %lld", ret, ev_id);

	t_req(CVOL_CMD_DEV_RECONFIGURE, &r, A_U32(CVOL_ATTR_DEV_ID, ID),
	      A_U64(CVOL_ATTR_SIZE, 32 << 20), T_END);
	T_EXPECT_ERR("grow", r, 0);
	ret = next_event();
	T_EXPECT(ret == CVOL_CMD_EVT_RESIZED && ev_id == ID,
		 "after grow: event %d", ret);

	t_req(CVOL_CMD_DEV_REMOVE, &r, A_U32(CVOL_ATTR_DEV_ID, ID),
	      A_FLAG(CVOL_ATTR_FORCE), T_END);
	T_EXPECT_ERR("remove", r, 0);
	/* the grow may have sent a change uevent read: skip to REMOVED */
	do
		ret = next_event();
	while (ret == CVOL_CMD_EVT_DAEMON_LOST);
	T_EXPECT(ret == CVOL_CMD_EVT_REMOVED && ev_id == ID,
		 "after remove: event %d", ret);
	munmap(area, area_size);
	close(fd);
	return t_done("events and request timeout");
}
