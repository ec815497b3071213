// SPDX-License-Identifier: GPL-2.0
/*
 * cvold: generic netlink client for the "cvol" family (device add, remove,
 * get, dump).  Each call uses its own socket, so callers need no locking.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "cvold-int.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/**
 * struct nl_call - one request in flight
 * @sk: its socket, NULL if none could be opened
 * @ret: the error of opening @sk, else 0
 * @err: 0 or the kernel's -errno
 * @msg: the kernel's extended-ack message, if any
 * @cb: called for each reply message
 * @arg: for @cb
 */
struct nl_call {
	struct nl_sock *sk;
	int ret;
	int err;
	char msg[256];
	int (*cb)(void *arg, const struct cvold_nl_dev *dev);
	void *arg;
};

static int nl_open(struct nl_sock **out, int *family)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1;

	if (!sk)
		return cvol_seterr(-ENOMEM, "out of memory");
	if (genl_connect(sk)) {
		nl_socket_free(sk);
		return cvol_seterr(-EIO,
				   "cannot open a generic netlink socket");
	}
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	*family = genl_ctrl_resolve(sk, CVOL_GENL_NAME);
	if (*family < 0) {
		nl_socket_free(sk);
		return cvol_seterr(
			-ENODEV,
			"cvol kernel module not loaded (modprobe cvol)");
	}
	*out = sk;
	return 0;
}

static int nl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nl_call *c = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int hlen = sizeof(*e);

	c->err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hlen += e->msg.nlmsg_len - sizeof(e->msg);
	if (nlh->nlmsg_len <= (unsigned int)(NLMSG_HDRLEN + hlen))
		return NL_STOP;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)e + hlen),
		      nlh->nlmsg_len - NLMSG_HDRLEN - hlen, NULL))
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(c->msg, sizeof(c->msg), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int nl_ack_cb(struct nl_msg *msg, void *arg)
{
	return NL_STOP;
}

static void nl_get_str(char *dst, struct nlattr *a)
{
	dst[0] = 0;
	if (a)
		snprintf(dst, CVOL_NAME_LEN + 1, "%s", nla_get_string(a));
}

#define NL_DEV_INT(a, f)                                      \
	{                                                     \
		a, offsetof(struct cvold_nl_dev, f),          \
			sizeof(((struct cvold_nl_dev *)0)->f) \
	}

/* The integer attributes of a device and the members they fill */
static const struct {
	int attr;
	size_t off, size;
} nl_dev_ints[] = {
	NL_DEV_INT(CVOL_ATTR_DEV_ID, id),
	NL_DEV_INT(CVOL_ATTR_SIZE, size),
	NL_DEV_INT(CVOL_ATTR_LBS, lbs),
	NL_DEV_INT(CVOL_ATTR_OBJ_ORDER, order),
	NL_DEV_INT(CVOL_ATTR_NR_QUEUES, nr_queues),
	NL_DEV_INT(CVOL_ATTR_QUEUE_DEPTH, depth),
	NL_DEV_INT(CVOL_ATTR_FLAGS, flags),
	NL_DEV_INT(CVOL_ATTR_STATE, state),
};

static int nl_valid_cb(struct nl_msg *msg, void *arg)
{
	struct nl_call *c = arg;
	struct nlattr *tb[CVOL_ATTR_MAX + 1], *a;
	struct cvold_nl_dev dev = { 0 };
	size_t i;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CVOL_ATTR_MAX, NULL))
		return NL_SKIP;
	if (!tb[CVOL_ATTR_DEV_ID] || !c->cb)
		return NL_SKIP;
	for (i = 0; i < sizeof(nl_dev_ints) / sizeof(nl_dev_ints[0]); i++) {
		a = tb[nl_dev_ints[i].attr];
		/* the attributes are host-endian integers of the member's size */
		if (a && nla_len(a) >= (int)nl_dev_ints[i].size)
			memcpy((char *)&dev + nl_dev_ints[i].off, nla_data(a),
			       nl_dev_ints[i].size);
	}
	nl_get_str(dev.pool, tb[CVOL_ATTR_POOL]);
	nl_get_str(dev.vol, tb[CVOL_ATTR_VOLUME]);
	nl_get_str(dev.snap, tb[CVOL_ATTR_SNAP]);
	if (tb[CVOL_ATTR_IDENTITY])
		snprintf(dev.identity, sizeof(dev.identity), "%s",
			 nla_get_string(tb[CVOL_ATTR_IDENTITY]));
	if (c->cb(c->arg, &dev))
		return NL_STOP;
	return NL_OK;
}

/* send @msg (consumed) and collect replies into @c */
static int nl_call(struct nl_sock *sk, struct nl_msg *msg, struct nl_call *c,
		   const char *what)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!cb) {
		nlmsg_free(msg);
		return cvol_seterr(-ENOMEM, "out of memory");
	}
	nl_cb_err(cb, NL_CB_CUSTOM, nl_err_cb, c);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, nl_ack_cb, c);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, nl_valid_cb, c);
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return cvol_seterr(-EIO, "%s: netlink send failed: %s", what,
				   nl_geterror(ret));
	}
	ret = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	if (c->err)
		return cvol_seterr(c->err, "%s: %s", what,
				   c->msg[0] ? c->msg : strerror(-c->err));
	if (ret < 0)
		return cvol_seterr(-EIO, "%s: netlink receive failed: %s", what,
				   nl_geterror(ret));
	return 0;
}

/* Open @c's socket and a @cmd message; NULL if either fails */
static struct nl_msg *nl_start(struct nl_call *c, uint8_t cmd, int flags)
{
	struct nl_msg *msg;
	int family = 0;

	c->ret = nl_open(&c->sk, &family);
	if (c->ret)
		return NULL;
	msg = nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
			 CVOL_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * nl_finish() - send @msg of nl_start() if @ok (all its attributes were
 * added) and close @c's socket.
 */
static int nl_finish(struct nl_call *c, struct nl_msg *msg, bool ok,
		     const char *what)
{
	int ret;

	if (c->ret)
		return c->ret;
	if (!ok) {
		nlmsg_free(msg);
		nl_socket_free(c->sk);
		return cvol_seterr(-ENOMEM, "out of memory");
	}
	ret = nl_call(c->sk, msg, c, what);
	nl_socket_free(c->sk);
	return ret;
}

static int store_dev(void *arg, const struct cvold_nl_dev *dev)
{
	*(struct cvold_nl_dev *)arg = *dev;
	return 1;
}

int cvold_nl_dev_add(struct cvold_nl_dev *dev)
{
	struct nl_call c = { .cb = store_dev, .arg = dev };
	struct nl_msg *msg = nl_start(&c, CVOL_CMD_DEV_ADD, 0);

	return nl_finish(
		&c, msg,
		msg && !nla_put_u64(msg, CVOL_ATTR_SIZE, dev->size) &&
			!nla_put_u8(msg, CVOL_ATTR_OBJ_ORDER, dev->order) &&
			!nla_put_u16(msg, CVOL_ATTR_NR_QUEUES,
				     dev->nr_queues) &&
			!nla_put_u16(msg, CVOL_ATTR_QUEUE_DEPTH, dev->depth) &&
			!nla_put_u32(msg, CVOL_ATTR_FLAGS, dev->flags) &&
			!nla_put_string(msg, CVOL_ATTR_POOL, dev->pool) &&
			!nla_put_string(msg, CVOL_ATTR_VOLUME, dev->vol) &&
			(!dev->snap[0] ||
			 !nla_put_string(msg, CVOL_ATTR_SNAP, dev->snap)) &&
			(!dev->identity[0] ||
			 !nla_put_string(msg, CVOL_ATTR_IDENTITY,
					 dev->identity)),
		"add device");
}

int cvold_nl_dev_remove(uint32_t id, bool force)
{
	struct nl_call c = { 0 };
	struct nl_msg *msg = nl_start(&c, CVOL_CMD_DEV_REMOVE, NLM_F_ACK);

	return nl_finish(&c, msg,
			 msg && !nla_put_u32(msg, CVOL_ATTR_DEV_ID, id) &&
				 (!force ||
				  !nla_put_flag(msg, CVOL_ATTR_FORCE)),
			 "remove device");
}

int cvold_nl_dev_get(uint32_t id, struct cvold_nl_dev *dev)
{
	struct nl_call c = { .cb = store_dev, .arg = dev };
	struct nl_msg *msg = nl_start(&c, CVOL_CMD_DEV_GET, 0);

	return nl_finish(&c, msg,
			 msg && !nla_put_u32(msg, CVOL_ATTR_DEV_ID, id),
			 "get device");
}

int cvold_nl_dev_dump(int (*cb)(void *arg, const struct cvold_nl_dev *dev),
		      void *arg)
{
	struct nl_call c = { .cb = cb, .arg = arg };
	struct nl_msg *msg = nl_start(&c, CVOL_CMD_DEV_GET, NLM_F_DUMP);

	return nl_finish(&c, msg, msg, "list devices");
}
