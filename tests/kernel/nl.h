/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the kernel tests: send one "cvol" generic netlink request
 * built attribute by attribute (any type, any length) and return the
 * kernel's errno and extended-ack message.
 */
#ifndef CVOL_TEST_NL_H
#define CVOL_TEST_NL_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/cvol.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int t_failed;

#define T_EXPECT(cond, ...)                                             \
	do {                                                            \
		if (!(cond)) {                                          \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);     \
			printf(__VA_ARGS__);                            \
			printf("\n");                                   \
			t_failed++;                                     \
		}                                                       \
	} while (0)

/**
 * struct t_reply - what one request got back
 * @err: 0 or -errno
 * @msg: extended-ack message ("" if none)
 * @dev_id: CVOL_ATTR_DEV_ID of a reply, or -1
 * @state: CVOL_ATTR_STATE of a reply, or -1
 * @done: the ack or error arrived
 */
struct t_reply {
	int err;
	int done;
	char msg[256];
	long long dev_id;
	int state;
};

/*
 * t_need_module() - root, and cvol.ko loaded (the lane's $CVOL_MODULE, else
 * the tree's).  Return: 0, or the exit status after saying why: 4 (skip,
 * not root) or 1 (the module would not load).
 */
static int t_need_module(void)
{
	if (geteuid()) {
		printf("SKIP: needs root\n");
		return 4;
	}
	if (access("/sys/module/cvol", F_OK) &&
	    system("insmod \"${CVOL_MODULE:-$CVOL_TOP/kernel/cvol.ko}\"")) {
		printf("FAIL: cannot load cvol.ko\n");
		return 1;
	}
	return 0;
}

static struct nl_sock *t_sk;
static int t_family;

static int t_nl_open(void)
{
	int one = 1;

	t_sk = nl_socket_alloc();
	if (!t_sk || genl_connect(t_sk))
		return -EIO;
	setsockopt(nl_socket_get_fd(t_sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(nl_socket_get_fd(t_sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	t_family = genl_ctrl_resolve(t_sk, CVOL_GENL_NAME);
	return t_family < 0 ? -ENOENT : 0;
}

/* t_nl_open(), saying so when it fails.  Return: 0, or 1 (the exit status) */
static inline int t_nl_need(void)
{
	if (!t_nl_open())
		return 0;
	printf("FAIL: cvol genl family not found\n");
	return 1;
}

/* the prologue of a kernel test: t_need_module(), then t_nl_need() */
static inline int t_start(void)
{
	int ret = t_need_module();

	return ret ? ret : t_nl_need();
}

/* the verdict: 1 if any T_EXPECT() failed, else 0 after "ok: @what" */
static inline int t_done(const char *what)
{
	if (t_failed) {
		printf("FAIL: %d checks failed\n", t_failed);
		return 1;
	}
	printf("ok: %s\n", what);
	return 0;
}

static int t_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct t_reply *r = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int hlen = sizeof(*e);

	r->err = e->error;
	r->done = 1;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hlen += e->msg.nlmsg_len - sizeof(e->msg);
	if (nlh->nlmsg_len <= (unsigned int)(NLMSG_HDRLEN + hlen))
		return NL_STOP;
	if (!nla_parse(tb, NLMSGERR_ATTR_MAX,
		       (struct nlattr *)((char *)e + hlen),
		       nlh->nlmsg_len - NLMSG_HDRLEN - hlen, NULL) &&
	    tb[NLMSGERR_ATTR_MSG])
		snprintf(r->msg, sizeof(r->msg), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int t_valid_cb(struct nl_msg *msg, void *arg)
{
	struct t_reply *r = arg;
	struct nlattr *tb[CVOL_ATTR_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CVOL_ATTR_MAX, NULL))
		return NL_OK;
	if (tb[CVOL_ATTR_DEV_ID])
		r->dev_id = nla_get_u32(tb[CVOL_ATTR_DEV_ID]);
	if (tb[CVOL_ATTR_STATE])
		r->state = nla_get_u8(tb[CVOL_ATTR_STATE]);
	return NL_OK;
}

static int t_ack_cb(struct nl_msg *msg, void *arg)
{
	((struct t_reply *)arg)->done = 1;
	return NL_STOP;
}

/* attribute list terminator for t_req() */
#define T_END -1

/*
 * t_vreq() - send @cmd with nlmsg_flags NLM_F_ACK | @flags, genlmsghdr
 * reserved field @reserved and the attributes of @ap; @r gets the outcome.
 */
static void t_vreq(uint8_t cmd, int flags, uint16_t reserved, struct t_reply *r,
		   va_list ap)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	struct genlmsghdr *gh;
	int type;

	memset(r, 0, sizeof(*r));
	r->dev_id = -1;
	r->state = -1;
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, t_family, 0,
		    NLM_F_ACK | flags, cmd, CVOL_GENL_VERSION);
	gh = nlmsg_data(nlmsg_hdr(msg));
	gh->reserved = reserved;
	while ((type = va_arg(ap, int)) != T_END) {
		int len = va_arg(ap, int);
		const void *data = va_arg(ap, const void *);

		nla_put(msg, type, len, data);
	}
	nl_cb_err(cb, NL_CB_CUSTOM, t_err_cb, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, t_ack_cb, r);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, t_valid_cb, r);
	if (nl_send_auto(t_sk, msg) < 0)
		r->err = -EIO;
	else
		while (!r->done && nl_recvmsgs(t_sk, cb) >= 0)
			;
	nlmsg_free(msg);
	nl_cb_put(cb);
}

/**
 * t_req() - send @cmd with attributes given as (type, len, pointer)
 * triples ending with T_END; @r gets the outcome.
 */
static void t_req(uint8_t cmd, struct t_reply *r, ...)
{
	va_list ap;

	va_start(ap, r);
	t_vreq(cmd, 0, 0, r, ap);
	va_end(ap);
}

/* t_req() with extra nlmsg_flags @flags and genlmsghdr.reserved @reserved */
static inline void t_req_hdr(uint8_t cmd, int flags, uint16_t reserved,
			     struct t_reply *r, ...)
{
	va_list ap;

	va_start(ap, r);
	t_vreq(cmd, flags, reserved, r, ap);
	va_end(ap);
}

/* typed attribute shorthands for t_req() */
#define A_U8(t, v) (t), 1, &(uint8_t){ (v) }
#define A_U16(t, v) (t), 2, &(uint16_t){ (v) }
#define A_U32(t, v) (t), 4, &(uint32_t){ (v) }
#define A_U64(t, v) (t), 8, &(uint64_t){ (v) }
#define A_STR(t, s) (t), (int)strlen(s) + 1, (s)
#define A_FLAG(t) (t), 0, NULL

/* the required DEV_ADD attributes of a valid 16 MiB device */
#define A_VALID_ADD                                                     \
	A_U64(CVOL_ATTR_SIZE, 16 << 20), A_U8(CVOL_ATTR_OBJ_ORDER, 16), \
	A_STR(CVOL_ATTR_POOL, "tp"), A_STR(CVOL_ATTR_VOLUME, "tv")

/* expect @r to have failed with @want (negative errno) */
#define T_EXPECT_ERR(what, r, want)                                     \
	T_EXPECT((r).err == (want), "%s: got %d (%s), want %d", what,  \
		 (r).err, (r).msg, (want))

#endif /* CVOL_TEST_NL_H */
