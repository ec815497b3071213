// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libcvolctl: device queries and events over the kernel's generic netlink
 * family "cvol" (<linux/cvol.h>), with libnl-3.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/cvol.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "ctl-int.h"

#define CTL_NOMODULE "cvol kernel module not loaded (modprobe cvol)"

static int ctl_nl_err(int nlerr, const char *what)
{
	switch (-nlerr) {
	case NLE_OBJ_NOTFOUND:
		return ctl_seterr(-ENOENT, "%s: no such device", what);
	case NLE_PERM:
		return ctl_seterr(-EPERM, "%s: operation not permitted", what);
	case NLE_NOMEM:
		return ctl_seterr(-ENOMEM, "%s: out of memory", what);
	case NLE_INVAL:
		return ctl_seterr(-EINVAL, "%s: invalid argument", what);
	default:
		return ctl_seterr(-EIO, "%s: %s", what, nl_geterror(nlerr));
	}
}

static int ctl_nl_socket(struct nl_sock **out, int *family)
{
	struct nl_sock *sk;
	int ret;

	sk = nl_socket_alloc();
	if (!sk)
		return ctl_seterr(-ENOMEM, "out of memory");
	ret = genl_connect(sk);
	if (ret < 0) {
		ret = ctl_seterr(-EIO, "generic netlink: %s", nl_geterror(ret));
		goto free_sock;
	}
	ret = genl_ctrl_resolve(sk, CVOL_GENL_NAME);
	if (ret < 0) {
		ret = ctl_seterr(-ENODEV, CTL_NOMODULE);
		goto free_sock;
	}
	*family = ret;
	*out = sk;
	/* extended-ack messages of the kernel's rejections */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &(int){ 1 }, sizeof(int));
	return 0;

free_sock:
	nl_socket_free(sk);
	return ret;
}

static int ctl_genl(struct cvol_ctl *ctl)
{
	if (ctl->nl)
		return 0;
	return ctl_nl_socket(&ctl->nl, &ctl->family);
}

void ctl_genl_close(struct cvol_ctl *ctl)
{
	if (ctl->nl)
		nl_socket_free(ctl->nl);
	if (ctl->ev)
		nl_socket_free(ctl->ev);
	ctl->nl = NULL;
	ctl->ev = NULL;
}

const char *cvol_ctl_state_name(unsigned int state)
{
	return cvol_dev_state_name(state);
}

static void ctl_nla_str(struct nlattr *a, char *out)
{
	out[0] = '\0';
	if (a)
		snprintf(out, CVOL_CTL_NAME_MAX + 1, "%s", nla_get_string(a));
}

/* What a device serves, from the POOL, VOLUME and SNAP attributes of @tb */
static void ctl_nla_names(struct nlattr **tb, char *pool, char *vol, char *snap)
{
	ctl_nla_str(tb[CVOL_ATTR_POOL], pool);
	ctl_nla_str(tb[CVOL_ATTR_VOLUME], vol);
	ctl_nla_str(tb[CVOL_ATTR_SNAP], snap);
}

static int ctl_parse_dev(struct nlattr **tb, struct cvol_ctl_dev *d)
{
	struct nlattr *st[CVOL_STAT_MAX + 1];

	memset(d, 0, sizeof(*d));
	if (!tb[CVOL_ATTR_DEV_ID])
		return -EPROTO;
	d->dev_id = nla_get_u32(tb[CVOL_ATTR_DEV_ID]);
	if (tb[CVOL_ATTR_SIZE])
		d->size = nla_get_u64(tb[CVOL_ATTR_SIZE]);
	if (tb[CVOL_ATTR_LBS])
		d->lbs = nla_get_u32(tb[CVOL_ATTR_LBS]);
	if (tb[CVOL_ATTR_OBJ_ORDER])
		d->object_size = 1ULL << nla_get_u8(tb[CVOL_ATTR_OBJ_ORDER]);
	if (tb[CVOL_ATTR_NR_QUEUES])
		d->nr_queues = nla_get_u16(tb[CVOL_ATTR_NR_QUEUES]);
	if (tb[CVOL_ATTR_QUEUE_DEPTH])
		d->queue_depth = nla_get_u16(tb[CVOL_ATTR_QUEUE_DEPTH]);
	if (tb[CVOL_ATTR_FLAGS])
		d->ro = nla_get_u32(tb[CVOL_ATTR_FLAGS]) & CVOL_DEV_F_RDONLY;
	if (tb[CVOL_ATTR_STATE])
		d->state = nla_get_u8(tb[CVOL_ATTR_STATE]);
	if (tb[CVOL_ATTR_TIMEOUT])
		d->timeout = nla_get_u32(tb[CVOL_ATTR_TIMEOUT]);
	if (tb[CVOL_ATTR_FEATURES])
		d->features = nla_get_u64(tb[CVOL_ATTR_FEATURES]);
	ctl_nla_names(tb, d->pool, d->vol, d->snap);
	if (tb[CVOL_ATTR_STATS] &&
	    !nla_parse_nested(st, CVOL_STAT_MAX, tb[CVOL_ATTR_STATS], NULL)) {
#define STAT(f, a) \
	if (st[a]) \
	d->f = nla_get_u64(st[a])
		STAT(reads, CVOL_STAT_READS);
		STAT(writes, CVOL_STAT_WRITES);
		STAT(read_bytes, CVOL_STAT_READ_BYTES);
		STAT(write_bytes, CVOL_STAT_WRITE_BYTES);
		STAT(flushes, CVOL_STAT_FLUSHES);
		STAT(discards, CVOL_STAT_DISCARDS);
		STAT(errors, CVOL_STAT_ERRORS);
		STAT(requeues, CVOL_STAT_REQUEUES);
		STAT(inflight, CVOL_STAT_INFLIGHT);
#undef STAT
	}
	return 0;
}

/**
 * struct ctl_dev_walk - state of a DEV_GET request's receive callback
 * @cb, @arg: called for every device (dump)
 * @one: filled for a single get
 * @ret: first error of @cb
 * @seen: devices parsed
 * @err: errno the kernel answered, 0 if none
 * @msg: the kernel's extended-ack message, "" if none
 * @done: the request is complete (ack or end of dump)
 */
struct ctl_dev_walk {
	cvol_ctl_dev_cb cb;
	void *arg;
	struct cvol_ctl_dev *one;
	int ret;
	unsigned int seen;
	int err;
	char msg[128];
	bool done;
};

static int ctl_dev_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct ctl_dev_walk *w = arg;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);
	int len;

	w->err = e->error;
	w->done = true;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len > 0 &&
	    !nla_parse(tb, NLMSGERR_ATTR_MAX,
		       (struct nlattr *)((char *)e + off), len, NULL) &&
	    tb[NLMSGERR_ATTR_MSG])
		snprintf(w->msg, sizeof(w->msg), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int ctl_dev_done(struct nl_msg *msg, void *arg)
{
	struct ctl_dev_walk *w = arg;

	w->done = true;
	return NL_STOP;
}

static int ctl_dev_valid(struct nl_msg *msg, void *arg)
{
	struct ctl_dev_walk *w = arg;
	struct nlattr *tb[CVOL_ATTR_MAX + 1];
	struct cvol_ctl_dev dev;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CVOL_ATTR_MAX, NULL))
		return NL_SKIP;
	if (ctl_parse_dev(tb, &dev))
		return NL_SKIP;
	w->seen++;
	if (w->one) {
		*w->one = dev;
		return NL_OK;
	}
	if (w->ret)
		return NL_SKIP;
	w->ret = w->cb(w->arg, &dev);
	return NL_OK;
}

/* Attributes of a CVOL_CMD_DEV_RECONFIGURE request */
static int ctl_put_reconf(struct nl_msg *msg, const struct cvol_ctl_reconf *rc)
{
	if ((rc->mask & CVOL_CTL_RECONF_SIZE) &&
	    nla_put_u64(msg, CVOL_ATTR_SIZE, rc->size))
		return -1;
	if ((rc->mask & CVOL_CTL_RECONF_RO) &&
	    nla_put_u32(msg, CVOL_ATTR_FLAGS, rc->ro ? CVOL_DEV_F_RDONLY : 0))
		return -1;
	if ((rc->mask & CVOL_CTL_RECONF_TIMEOUT) &&
	    nla_put_u32(msg, CVOL_ATTR_TIMEOUT, rc->timeout))
		return -1;
	return 0;
}

/*
 * ctl_dev_request() - DEV_GET (@dump or of @id), or DEV_RECONFIGURE of
 * @id when @rc is given; replies go to @w.
 */
static int ctl_dev_request(struct cvol_ctl *ctl, bool dump, uint32_t id,
			   const struct cvol_ctl_reconf *rc,
			   struct ctl_dev_walk *w)
{
	struct nl_msg *msg;
	struct nl_cb *cb;
	char what[32];
	int ret;

	ret = ctl_genl(ctl);
	if (ret)
		return ret;
	msg = nlmsg_alloc();
	if (!msg)
		return ctl_seterr(-ENOMEM, "out of memory");
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ctl->family, 0,
			 dump ? NLM_F_DUMP : 0,
			 rc ? CVOL_CMD_DEV_RECONFIGURE : CVOL_CMD_DEV_GET,
			 CVOL_GENL_VERSION) ||
	    (!dump && nla_put_u32(msg, CVOL_ATTR_DEV_ID, id)) ||
	    (rc && ctl_put_reconf(msg, rc))) {
		nlmsg_free(msg);
		return ctl_seterr(-ENOMEM, "out of memory");
	}
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return ctl_seterr(-ENOMEM, "out of memory");
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ctl_dev_valid, w);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, ctl_dev_done, w);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ctl_dev_done, w);
	nl_cb_err(cb, NL_CB_CUSTOM, ctl_dev_error, w);
	ret = nl_send_auto(ctl->nl, msg);
	nlmsg_free(msg);
	while (ret >= 0 && !w->done)
		ret = nl_recvmsgs(ctl->nl, cb);
	nl_cb_put(cb);
	if (dump)
		snprintf(what, sizeof(what), "device list");
	else
		snprintf(what, sizeof(what), "cvol%u", id);
	if (w->err && *w->msg)
		return ctl_seterr(w->err, "%s: %s", what, w->msg);
	if (w->err == -ENOENT || w->err == -ENODEV)
		return ctl_seterr(-ENOENT, "%s: no such device", what);
	if (w->err == -EPERM)
		return ctl_seterr(-EPERM,
				  "%s: operation not permitted (run as root)",
				  what);
	if (w->err)
		return ctl_seterr(w->err, "%s: %s", what, strerror(-w->err));
	if (ret < 0)
		return ctl_nl_err(ret, what);
	return w->ret;
}

int cvol_ctl_dev_get(struct cvol_ctl *ctl, uint32_t dev_id,
		     struct cvol_ctl_dev *out)
{
	struct ctl_dev_walk w = { .one = out };
	int ret;

	ret = ctl_dev_request(ctl, false, dev_id, NULL, &w);
	if (ret)
		return ret;
	if (!w.seen)
		return ctl_seterr(-ENOENT, "cvol%u: no such device", dev_id);
	return 0;
}

int cvol_ctl_dev_dump(struct cvol_ctl *ctl, cvol_ctl_dev_cb cb, void *arg)
{
	struct ctl_dev_walk w = { .cb = cb, .arg = arg };

	return ctl_dev_request(ctl, true, 0, NULL, &w);
}

int cvol_ctl_dev_reconfigure(struct cvol_ctl *ctl, uint32_t dev_id,
			     const struct cvol_ctl_reconf *rc)
{
	struct ctl_dev_walk w = { .one = &(struct cvol_ctl_dev){ 0 } };

	if (!rc || !rc->mask || rc->mask & ~CVOL_CTL_RECONF_ALL)
		return ctl_seterr(-EINVAL, "nothing to reconfigure");
	if ((rc->mask & CVOL_CTL_RECONF_SIZE) && (!rc->size || rc->size % 512))
		return ctl_seterr(
			-EINVAL,
			"size %llu is not a non-zero multiple of 512 bytes",
			(unsigned long long)rc->size);
	return ctl_dev_request(ctl, false, dev_id, rc, &w);
}

/**
 * struct ctl_find - what cvol_ctl_dev_find() looks for in a dump
 * @name: the parsed name
 * @found: matches seen
 * @id: the last match
 */
struct ctl_find {
	struct cvol_ctl_name name;
	unsigned int found;
	uint32_t id;
};

static int ctl_find_cb(void *arg, const struct cvol_ctl_dev *d)
{
	struct ctl_find *f = arg;

	if (!strcmp(d->pool, f->name.pool) && !strcmp(d->vol, f->name.vol) &&
	    !strcmp(d->snap, f->name.snap)) {
		f->found++;
		f->id = d->dev_id;
	}
	return 0;
}

/* "N", "cvolN", "/dev/cvolN" -> N; -1 if @s is none of them */
static long ctl_dev_number(const char *s)
{
	char *end;
	long n;

	if (!strncmp(s, "/dev/", 5))
		s += 5;
	if (!strncmp(s, "cvol", 4))
		s += 4;
	if (*s < '0' || *s > '9')
		return -1;
	n = strtol(s, &end, 10);
	if (*end || n < 0 || n > (long)UINT32_MAX)
		return -1;
	return n;
}

int cvol_ctl_dev_find(struct cvol_ctl *ctl, const char *what, uint32_t *dev_id)
{
	struct ctl_find f = { 0 };
	char real[4096], sys[128];
	struct stat st;
	long n;
	int ret;

	if (!what || !*what)
		return ctl_seterr(-EINVAL, "no device given");
	n = ctl_dev_number(what);
	if (n < 0 && what[0] == '/') {
		/* a udev link or another path: follow it to /dev/cvolN */
		if (!realpath(what, real))
			return ctl_seterr(-errno, "%s: %s", what,
					  strerror(errno));
		if (stat(real, &st) || !S_ISBLK(st.st_mode))
			return ctl_seterr(-ENOTBLK,
					  "%s: not a cvol block device", what);
		n = ctl_dev_number(real);
		if (n < 0) {
			snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/cvol",
				 major(st.st_rdev), minor(st.st_rdev));
			if (access(sys, F_OK))
				return ctl_seterr(-ENOTBLK,
						  "%s: not a cvol block device",
						  what);
			return ctl_seterr(-ENOTBLK,
					  "%s: a partition, not a cvol device",
					  what);
		}
	}
	if (n >= 0) {
		struct cvol_ctl_dev d;

		ret = cvol_ctl_dev_get(ctl, (uint32_t)n, &d);
		if (ret)
			return ret;
		*dev_id = (uint32_t)n;
		return 0;
	}
	ret = cvol_ctl_parse_name(what, 0, &f.name);
	if (ret)
		return ret;
	ret = cvol_ctl_dev_dump(ctl, ctl_find_cb, &f);
	if (ret)
		return ret;
	if (!f.found)
		return ctl_seterr(-ENOENT, "%s/%s%s%s is not attached",
				  f.name.pool, f.name.vol,
				  *f.name.snap ? "@" : "", f.name.snap);
	*dev_id = f.id;
	return 0;
}

/* ---- events ---- */

/* The kernel's event commands and what cvol_ctl_event_next() calls them */
static const struct {
	uint8_t cmd;
	unsigned int type;
} ctl_events[] = {
	{ CVOL_CMD_EVT_ADDED, CVOL_CTL_EVT_ADDED },
	{ CVOL_CMD_EVT_REMOVED, CVOL_CTL_EVT_REMOVED },
	{ CVOL_CMD_EVT_DAEMON_LOST, CVOL_CTL_EVT_DAEMON_LOST },
	{ CVOL_CMD_EVT_RECOVERED, CVOL_CTL_EVT_RECOVERED },
	{ CVOL_CMD_EVT_RESIZED, CVOL_CTL_EVT_RESIZED },
};

static int ctl_event_valid(struct nl_msg *msg, void *arg)
{
	struct cvol_ctl *ctl = arg;
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[CVOL_ATTR_MAX + 1];
	struct cvol_ctl_event *e = &ctl->ev_pending;
	size_t i, n = sizeof(ctl_events) / sizeof(ctl_events[0]);

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CVOL_ATTR_MAX, NULL) ||
	    !tb[CVOL_ATTR_DEV_ID])
		return NL_SKIP;
	memset(e, 0, sizeof(*e));
	for (i = 0; i < n && ctl_events[i].cmd != gh->cmd; i++)
		;
	if (i == n)
		return NL_SKIP;
	e->type = ctl_events[i].type;
	e->dev_id = nla_get_u32(tb[CVOL_ATTR_DEV_ID]);
	if (tb[CVOL_ATTR_SIZE])
		e->size = nla_get_u64(tb[CVOL_ATTR_SIZE]);
	ctl_nla_names(tb, e->pool, e->vol, e->snap);
	ctl->ev_have = true;
	return NL_STOP;
}

int cvol_ctl_events_subscribe(struct cvol_ctl *ctl)
{
	int family, grp, ret;

	if (ctl->ev)
		return nl_socket_get_fd(ctl->ev);
	ret = ctl_nl_socket(&ctl->ev, &family);
	if (ret)
		return ret;
	grp = genl_ctrl_resolve_grp(ctl->ev, CVOL_GENL_NAME,
				    CVOL_GENL_MCGRP_EVENTS);
	if (grp < 0) {
		ret = ctl_seterr(-EPROTO, "cvol.ko has no \"%s\" group",
				 CVOL_GENL_MCGRP_EVENTS);
		goto free_sock;
	}
	nl_socket_disable_seq_check(ctl->ev);
	nl_socket_modify_cb(ctl->ev, NL_CB_VALID, NL_CB_CUSTOM, ctl_event_valid,
			    ctl);
	ret = nl_socket_add_membership(ctl->ev, grp);
	if (ret < 0) {
		ret = ctl_nl_err(ret, "events");
		goto free_sock;
	}
	return nl_socket_get_fd(ctl->ev);

free_sock:
	nl_socket_free(ctl->ev);
	ctl->ev = NULL;
	return ret;
}

int cvol_ctl_event_next(struct cvol_ctl *ctl, int timeout_ms,
			struct cvol_ctl_event *out)
{
	struct pollfd pfd;
	int ret;

	if (!ctl->ev)
		return ctl_seterr(-EINVAL, "not subscribed to events");
	for (;;) {
		pfd.fd = nl_socket_get_fd(ctl->ev);
		pfd.events = POLLIN;
		ret = poll(&pfd, 1, timeout_ms);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return ctl_seterr(-errno, "poll: %s", strerror(errno));
		if (ret == 0)
			return 0;
		ctl->ev_have = false;
		ret = nl_recvmsgs_default(ctl->ev);
		if (ret < 0)
			return ctl_nl_err(ret, "events");
		if (ctl->ev_have) {
			*out = ctl->ev_pending;
			return 1;
		}
	}
}
