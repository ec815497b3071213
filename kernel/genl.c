// SPDX-License-Identifier: GPL-2.0
/*
 * cvol: generic netlink family "cvol" (device lifecycle, status, events).
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "cvol.h"

static struct netlink_range_validation cvol_timeout_range = {
	.min = 0,
	.max = CVOL_MAX_TIMEOUT,
};

/* @why: a string literal naming what was wrong */
static void cvol_extack(struct netlink_ext_ack *extack, const char *why,
			const struct nlattr *attr)
{
	if (!extack || !why)
		return;
	extack->_msg = why;
	extack->bad_attr = attr;
}

/* every attribute's type and bounds; also what KUnit parses against */
const struct nla_policy cvol_genl_policy[CVOL_ATTR_MAX + 1] = {
	[CVOL_ATTR_DEV_ID]	= { .type = NLA_U32 },
	[CVOL_ATTR_SIZE]	= { .type = NLA_U64 },
	[CVOL_ATTR_LBS]		= { .type = NLA_U32 },
	[CVOL_ATTR_OBJ_ORDER]	= NLA_POLICY_RANGE(NLA_U8, CVOL_ORDER_MIN,
						   CVOL_ORDER_MAX),
	[CVOL_ATTR_NR_QUEUES]	= NLA_POLICY_MIN(NLA_U16, 1),
	[CVOL_ATTR_QUEUE_DEPTH]	= NLA_POLICY_RANGE(NLA_U16, 1, CVOL_MAX_DEPTH),
	[CVOL_ATTR_FLAGS]	= NLA_POLICY_MASK(NLA_U32, CVOL_DEV_F_ALL),
	[CVOL_ATTR_POOL]	= { .type = NLA_NUL_STRING,
				    .len = CVOL_NAME_LEN },
	[CVOL_ATTR_VOLUME]	= { .type = NLA_NUL_STRING,
				    .len = CVOL_NAME_LEN },
	[CVOL_ATTR_SNAP]	= { .type = NLA_NUL_STRING,
				    .len = CVOL_NAME_LEN },
	[CVOL_ATTR_STATE]	= { .type = NLA_REJECT },
	[CVOL_ATTR_STATS]	= { .type = NLA_REJECT },
	[CVOL_ATTR_FEATURES]	= { .type = NLA_U64 },
	[CVOL_ATTR_TIMEOUT]	= NLA_POLICY_FULL_RANGE(NLA_U32,
						&cvol_timeout_range),
	[CVOL_ATTR_FORCE]	= { .type = NLA_FLAG },
	[CVOL_ATTR_VERSION]	= { .type = NLA_REJECT },
	[CVOL_ATTR_MAX_DEVICES]	= { .type = NLA_REJECT },
	[CVOL_ATTR_MAX_QUEUES]	= { .type = NLA_REJECT },
	[CVOL_ATTR_PAD]		= { .type = NLA_REJECT },
	[CVOL_ATTR_IDENTITY]	= { .type = NLA_NUL_STRING,
				    .len = CVOL_IDENTITY_LEN },
};

static struct genl_family cvol_genl_family;

enum cvol_mcgrp {
	CVOL_MCGRP_EVENTS,
};

static const struct genl_multicast_group cvol_mcgrps[] = {
	[CVOL_MCGRP_EVENTS] = { .name = CVOL_GENL_MCGRP_EVENTS },
};

static int cvol_fill_stats(struct sk_buff *skb, struct cvol_dev *dev)
{
	struct nlattr *nest = nla_nest_start(skb, CVOL_ATTR_STATS);
	unsigned int s;
	u64 inflight = 0, i;

	if (!nest)
		return -EMSGSIZE;
	for (s = CVOL_STAT_READS; s <= CVOL_STAT_REQUEUES; s++)
		if (nla_put_u64_64bit(skb, s, atomic64_read(&dev->stats[s]),
				      CVOL_STAT_PAD))
			return -EMSGSIZE;
	for (i = 0; i < dev->nr_queues; i++) {
		struct cvol_queue *q = &dev->queues[i];
		unsigned int t;

		spin_lock(&q->lock);
		for (t = 0; t < dev->depth; t++)
			inflight += q->tags[t].state != CVOL_TAG_FREE;
		spin_unlock(&q->lock);
	}
	if (nla_put_u64_64bit(skb, CVOL_STAT_INFLIGHT, inflight,
			      CVOL_STAT_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int cvol_fill_dev(struct sk_buff *skb, struct cvol_dev *dev, u32 portid,
			 u32 seq, int flags, u8 cmd, bool full)
{
	void *hdr = genlmsg_put(skb, portid, seq, &cvol_genl_family, flags,
				cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CVOL_ATTR_DEV_ID, dev->id) ||
	    nla_put_u64_64bit(skb, CVOL_ATTR_SIZE, READ_ONCE(dev->size),
			      CVOL_ATTR_PAD) ||
	    nla_put_string(skb, CVOL_ATTR_POOL, dev->pool) ||
	    nla_put_string(skb, CVOL_ATTR_VOLUME, dev->volume) ||
	    (dev->snap[0] && nla_put_string(skb, CVOL_ATTR_SNAP, dev->snap)) ||
	    nla_put_u8(skb, CVOL_ATTR_STATE, READ_ONCE(dev->state)))
		goto err_cancel;
	if (full && dev->identity[0] &&
	    nla_put_string(skb, CVOL_ATTR_IDENTITY, dev->identity))
		goto err_cancel;
	if (full &&
	    (nla_put_u32(skb, CVOL_ATTR_LBS, dev->lbs) ||
	     nla_put_u8(skb, CVOL_ATTR_OBJ_ORDER, dev->order) ||
	     nla_put_u16(skb, CVOL_ATTR_NR_QUEUES, dev->nr_queues) ||
	     nla_put_u16(skb, CVOL_ATTR_QUEUE_DEPTH, dev->depth) ||
	     nla_put_u32(skb, CVOL_ATTR_FLAGS, READ_ONCE(dev->flags)) ||
	     nla_put_u32(skb, CVOL_ATTR_TIMEOUT, READ_ONCE(dev->timeout)) ||
	     nla_put_u64_64bit(skb, CVOL_ATTR_FEATURES, dev->features,
			       CVOL_ATTR_PAD) ||
	     cvol_fill_stats(skb, dev)))
		goto err_cancel;
	genlmsg_end(skb, hdr);
	return 0;

err_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

void cvol_genl_event(u8 cmd, struct cvol_dev *dev)
{
	struct sk_buff *skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!skb)
		return;
	if (cvol_fill_dev(skb, dev, 0, 0, 0, cmd, false)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast(&cvol_genl_family, skb, 0, CVOL_MCGRP_EVENTS,
			  GFP_KERNEL);
}

/* Reply with @dev's attributes in @skb (allocated by the caller; consumed). */
static int cvol_reply_dev_skb(struct sk_buff *skb, struct genl_info *info,
			      struct cvol_dev *dev)
{
	int ret;

	ret = cvol_fill_dev(skb, dev, info->snd_portid, info->snd_seq, 0,
			    CVOL_CMD_DEV_GET, true);
	if (ret) {
		nlmsg_free(skb);
		return ret;
	}
	return genlmsg_reply(skb, info);
}

static int cvol_reply_dev(struct genl_info *info, struct cvol_dev *dev)
{
	struct sk_buff *skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!skb)
		return -ENOMEM;
	return cvol_reply_dev_skb(skb, info, dev);
}

static int cvol_nl_get_features(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &cvol_genl_family, 0,
				CVOL_CMD_GET_FEATURES);
	if (!hdr ||
	    nla_put_u64_64bit(msg, CVOL_ATTR_FEATURES, CVOL_F_ALL,
			      CVOL_ATTR_PAD) ||
	    nla_put_u32(msg, CVOL_ATTR_VERSION, CVOL_GENL_VERSION) ||
	    nla_put_u32(msg, CVOL_ATTR_MAX_DEVICES, cvol_max_devices) ||
	    nla_put_u32(msg, CVOL_ATTR_MAX_QUEUES, cvol_max_queues)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int cvol_check_name(struct nlattr **a, int attr, const char **out,
			   struct netlink_ext_ack *extack)
{
	if (!a[attr]) {
		*out = NULL;
		return 0;
	}
	if (!cvol_name_valid(nla_data(a[attr]))) {
		NL_SET_ERR_MSG_ATTR(extack, a[attr],
				    "name must be 1..63 of [A-Za-z0-9._-], not starting with . or -");
		return -EINVAL;
	}
	*out = nla_data(a[attr]);
	return 0;
}

/**
 * cvol_nl_parse_add() - DEV_ADD's attributes to device parameters
 * @a: attributes, already validated against cvol_genl_policy
 * @p: out: the parameters, defaults filled in
 * @extack: names the attribute at fault
 *
 * What the policy cannot express: required attributes, the block size,
 * the size against it, limits set by module parameters, unknown feature
 * bits, names and the identity's characters.  Touches no device (the KUnit suite cvol_genl drives
 * every combination through it).
 *
 * Return: 0, -EINVAL, -ERANGE (id or queue count over the module's
 * limit) or -EOPNOTSUPP (unknown feature).
 */
int cvol_nl_parse_add(struct nlattr **a, struct cvol_add_params *p,
		      struct netlink_ext_ack *extack)
{
	static const int required[] = {
		CVOL_ATTR_SIZE, CVOL_ATTR_OBJ_ORDER, CVOL_ATTR_POOL,
		CVOL_ATTR_VOLUME,
	};
	unsigned int i;
	int ret;

	*p = (struct cvol_add_params) {
		.id = -1, .lbs = 512, .nr_queues = 1, .depth = 64,
		.features = CVOL_F_ALL,
	};
	for (i = 0; i < ARRAY_SIZE(required); i++)
		if (NL_REQ_ATTR_CHECK(extack, NULL, a, required[i]))
			return -EINVAL;
	if (a[CVOL_ATTR_DEV_ID]) {
		u32 id = nla_get_u32(a[CVOL_ATTR_DEV_ID]);

		if (id >= cvol_max_devices) {
			NL_SET_ERR_MSG_ATTR(extack, a[CVOL_ATTR_DEV_ID],
					    "device id not below max_devices");
			return -ERANGE;
		}
		p->id = id;
	}
	if (a[CVOL_ATTR_LBS]) {
		p->lbs = nla_get_u32(a[CVOL_ATTR_LBS]);
		if (!cvol_lbs_valid(p->lbs)) {
			NL_SET_ERR_MSG_ATTR(extack, a[CVOL_ATTR_LBS],
					    "logical block size must be 512 or 4096");
			return -EINVAL;
		}
	}
	p->size = nla_get_u64(a[CVOL_ATTR_SIZE]);
	if (!cvol_size_valid(p->size, p->lbs)) {
		NL_SET_ERR_MSG_ATTR(extack, a[CVOL_ATTR_SIZE],
				    "size must be a non-zero multiple of the block size, at most 1 PiB");
		return -EINVAL;
	}
	p->order = nla_get_u8(a[CVOL_ATTR_OBJ_ORDER]);
	if (a[CVOL_ATTR_NR_QUEUES]) {
		p->nr_queues = nla_get_u16(a[CVOL_ATTR_NR_QUEUES]);
		if (p->nr_queues > cvol_max_queues) {
			NL_SET_ERR_MSG_ATTR(extack, a[CVOL_ATTR_NR_QUEUES],
					    "more queues than max_queues");
			return -ERANGE;
		}
	}
	if (a[CVOL_ATTR_QUEUE_DEPTH])
		p->depth = nla_get_u16(a[CVOL_ATTR_QUEUE_DEPTH]);
	if (a[CVOL_ATTR_FLAGS])
		p->flags = nla_get_u32(a[CVOL_ATTR_FLAGS]);
	if (a[CVOL_ATTR_TIMEOUT])
		p->timeout = nla_get_u32(a[CVOL_ATTR_TIMEOUT]);
	if (a[CVOL_ATTR_FEATURES]) {
		p->features = nla_get_u64(a[CVOL_ATTR_FEATURES]);
		if (p->features & ~CVOL_F_ALL) {
			NL_SET_ERR_MSG_ATTR(extack, a[CVOL_ATTR_FEATURES],
					    "unsupported feature requested");
			return -EOPNOTSUPP;
		}
	}
	ret = cvol_check_name(a, CVOL_ATTR_POOL, &p->pool, extack);
	if (!ret)
		ret = cvol_check_name(a, CVOL_ATTR_VOLUME, &p->volume, extack);
	if (!ret)
		ret = cvol_check_name(a, CVOL_ATTR_SNAP, &p->snap, extack);
	if (ret || !a[CVOL_ATTR_IDENTITY])
		return ret;
	if (!cvol_identity_valid(nla_data(a[CVOL_ATTR_IDENTITY]))) {
		NL_SET_ERR_MSG_ATTR(extack, a[CVOL_ATTR_IDENTITY],
				    "identity must be 1..127 printable ASCII characters, no spaces");
		return -EINVAL;
	}
	p->identity = nla_data(a[CVOL_ATTR_IDENTITY]);
	return 0;
}

static int cvol_nl_dev_add(struct sk_buff *skb, struct genl_info *info)
{
	struct cvol_add_params p;
	const char *why = NULL;
	struct sk_buff *reply;
	struct cvol_dev *dev;
	u32 id;
	int ret;

	ret = cvol_nl_parse_add(info->attrs, &p, info->extack);
	if (ret)
		return ret;

	/*
	 * The reply is allocated first: a device the caller never hears of
	 * would be a leak, so once added, only a failed delivery can undo it.
	 */
	reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	ret = cvol_dev_add(&p, &dev, &why);
	if (ret) {
		cvol_extack(info->extack, why, NULL);
		goto free_reply;
	}
	id = dev->id;
	cvol_genl_event(CVOL_CMD_EVT_ADDED, dev);
	pr_info("cvol%u: added %s/%s%s%s, %llu bytes, %u queues\n", dev->id,
		dev->pool, dev->volume, dev->snap[0] ? "@" : "", dev->snap,
		dev->size, dev->nr_queues);
	ret = cvol_reply_dev_skb(reply, info, dev);
	if (ret) {
		/* the caller sees the error: take back what it cannot know */
		pr_info("cvol%u: reply to DEV_ADD failed (%d), removing\n", id,
			ret);
		cvol_dev_remove(id, true, &why);
	}
	return ret;

free_reply:
	nlmsg_free(reply);
	return ret;
}

static int cvol_nl_dev_remove(struct sk_buff *skb, struct genl_info *info)
{
	const char *why = NULL;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, CVOL_ATTR_DEV_ID))
		return -EINVAL;
	ret = cvol_dev_remove(nla_get_u32(info->attrs[CVOL_ATTR_DEV_ID]),
			      nla_get_flag(info->attrs[CVOL_ATTR_FORCE]), &why);
	if (ret)
		cvol_extack(info->extack, why, info->attrs[CVOL_ATTR_DEV_ID]);
	return ret;
}

static int cvol_nl_dev_get(struct sk_buff *skb, struct genl_info *info)
{
	struct cvol_dev *dev;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, CVOL_ATTR_DEV_ID))
		return -EINVAL;
	dev = cvol_dev_get(nla_get_u32(info->attrs[CVOL_ATTR_DEV_ID]));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CVOL_ATTR_DEV_ID],
				    "no such device");
		return -ENOENT;
	}
	ret = cvol_reply_dev(info, dev);
	cvol_dev_put(dev);
	return ret;
}

struct cvol_dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

static int cvol_dump_one(struct cvol_dev *dev, void *arg)
{
	struct cvol_dump_ctx *c = arg;

	return cvol_fill_dev(c->skb, dev, NETLINK_CB(c->cb->skb).portid,
			     c->cb->nlh->nlmsg_seq, NLM_F_MULTI,
			     CVOL_CMD_DEV_GET, true);
}

static int cvol_nl_dev_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cvol_dump_ctx c = { .skb = skb, .cb = cb };
	u32 id = cb->args[0];
	int ret;

	ret = cvol_dev_for_each(&id, cvol_dump_one, &c);
	cb->args[0] = id;
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

static int cvol_nl_dev_reconfigure(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	u64 size, *psize = NULL;
	u32 flags, timeout, *pflags = NULL, *ptimeout = NULL;
	const char *why = NULL;
	struct cvol_dev *dev;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, CVOL_ATTR_DEV_ID))
		return -EINVAL;
	if (!a[CVOL_ATTR_SIZE] && !a[CVOL_ATTR_FLAGS] && !a[CVOL_ATTR_TIMEOUT]) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to change: give SIZE, FLAGS or TIMEOUT");
		return -EINVAL;
	}
	if (a[CVOL_ATTR_SIZE]) {
		size = nla_get_u64(a[CVOL_ATTR_SIZE]);
		psize = &size;
	}
	if (a[CVOL_ATTR_FLAGS]) {
		flags = nla_get_u32(a[CVOL_ATTR_FLAGS]);
		pflags = &flags;
	}
	if (a[CVOL_ATTR_TIMEOUT]) {
		timeout = nla_get_u32(a[CVOL_ATTR_TIMEOUT]);
		ptimeout = &timeout;
	}
	dev = cvol_dev_get(nla_get_u32(a[CVOL_ATTR_DEV_ID]));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[CVOL_ATTR_DEV_ID],
				    "no such device");
		return -ENOENT;
	}
	ret = cvol_dev_reconfigure(dev, psize, pflags, ptimeout, &why);
	if (ret)
		cvol_extack(info->extack, why, NULL);
	if (!ret)
		ret = cvol_reply_dev(info, dev);
	cvol_dev_put(dev);
	return ret;
}

/*
 * CVOL_NL_ADMIN: a command that changes devices.  One capability model
 * for these and for the data channel (/dev/cvol-control): CAP_SYS_ADMIN
 * in the initial user namespace, held by the sender and by the opener of
 * its socket (netlink_capable()), as ublk asks of its control device.
 */
#define CVOL_NL_ADMIN 0x1

static int cvol_nl_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			    struct genl_info *info)
{
	if ((ops->internal_flags & CVOL_NL_ADMIN) &&
	    !netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack, "CAP_SYS_ADMIN required");
		return -EPERM;
	}
	return 0;
}

static const struct genl_ops cvol_genl_ops[] = {
	{
		.cmd	= CVOL_CMD_GET_FEATURES,
		.doit	= cvol_nl_get_features,
	},
	{
		.cmd	= CVOL_CMD_DEV_ADD,
		.doit	= cvol_nl_dev_add,
		.internal_flags = CVOL_NL_ADMIN,
	},
	{
		.cmd	= CVOL_CMD_DEV_REMOVE,
		.doit	= cvol_nl_dev_remove,
		.internal_flags = CVOL_NL_ADMIN,
	},
	{
		.cmd	= CVOL_CMD_DEV_GET,
		.doit	= cvol_nl_dev_get,
		.dumpit	= cvol_nl_dev_dump,
	},
	{
		.cmd	= CVOL_CMD_DEV_RECONFIGURE,
		.doit	= cvol_nl_dev_reconfigure,
		.internal_flags = CVOL_NL_ADMIN,
	},
};

static struct genl_family cvol_genl_family __ro_after_init = {
	.name		= CVOL_GENL_NAME,
	.version	= CVOL_GENL_VERSION,
	.maxattr	= CVOL_ATTR_MAX,
	.policy		= cvol_genl_policy,
	.module		= THIS_MODULE,
	.pre_doit	= cvol_nl_pre_doit,
	.ops		= cvol_genl_ops,
	.n_ops		= ARRAY_SIZE(cvol_genl_ops),
	.mcgrps		= cvol_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(cvol_mcgrps),
};

int cvol_genl_init(void)
{
	return genl_register_family(&cvol_genl_family);
}

void cvol_genl_exit(void)
{
	genl_unregister_family(&cvol_genl_family);
}
