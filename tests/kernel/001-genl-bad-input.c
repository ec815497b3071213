// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink bad input: for every attribute of DEV_ADD, DEV_REMOVE,
 * DEV_GET and DEV_RECONFIGURE, a missing, wrongly typed or out-of-range
 * value gets the exact errno (and a message where cvol gives one), and a
 * valid add/get/reconfigure/remove round trip works.  A non-zero
 * genlmsghdr.reserved or stray nlmsg_flags get EINVAL for every command.  Run as root in the
 * guest; the harness checks the kernel log for warnings.
 */
#include <unistd.h>

#include "nl.h"

static char long_name[CVOL_NAME_LEN + 2];

static void bad_add(void)
{
	struct t_reply r;

	/* missing required attributes */
	t_req(CVOL_CMD_DEV_ADD, &r, A_U8(CVOL_ATTR_OBJ_ORDER, 16),
	      A_STR(CVOL_ATTR_POOL, "tp"), A_STR(CVOL_ATTR_VOLUME, "tv"),
	      T_END);
	T_EXPECT_ERR("add without SIZE", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_U64(CVOL_ATTR_SIZE, 1 << 20),
	      A_STR(CVOL_ATTR_POOL, "tp"), A_STR(CVOL_ATTR_VOLUME, "tv"),
	      T_END);
	T_EXPECT_ERR("add without OBJ_ORDER", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_U64(CVOL_ATTR_SIZE, 1 << 20),
	      A_U8(CVOL_ATTR_OBJ_ORDER, 16), A_STR(CVOL_ATTR_VOLUME, "tv"),
	      T_END);
	T_EXPECT_ERR("add without POOL", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_U64(CVOL_ATTR_SIZE, 1 << 20),
	      A_U8(CVOL_ATTR_OBJ_ORDER, 16), A_STR(CVOL_ATTR_POOL, "tp"),
	      T_END);
	T_EXPECT_ERR("add without VOLUME", r, -EINVAL);

	/* wrong types (lengths) */
	t_req(CVOL_CMD_DEV_ADD, &r, A_U32(CVOL_ATTR_SIZE, 1 << 20),
	      A_U8(CVOL_ATTR_OBJ_ORDER, 16), A_STR(CVOL_ATTR_POOL, "tp"),
	      A_STR(CVOL_ATTR_VOLUME, "tv"), T_END);
	T_EXPECT_ERR("SIZE as u32", r, -EINVAL);
	T_EXPECT(!strcmp(r.msg, "invalid attribute length"), "msg '%s'",
		 r.msg);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_U64(CVOL_ATTR_LBS, 512),
	      T_END);
	T_EXPECT_ERR("LBS as u64", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_U64(CVOL_ATTR_SIZE, 1 << 20),
	      A_U32(CVOL_ATTR_OBJ_ORDER, 16), A_STR(CVOL_ATTR_POOL, "tp"),
	      A_STR(CVOL_ATTR_VOLUME, "tv"), T_END);
	T_EXPECT_ERR("OBJ_ORDER as u32", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD,
	      A_U32(CVOL_ATTR_NR_QUEUES, 1), T_END);
	T_EXPECT_ERR("NR_QUEUES as u32", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD,
	      A_U8(CVOL_ATTR_QUEUE_DEPTH, 1), T_END);
	T_EXPECT_ERR("QUEUE_DEPTH as u8", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_U8(CVOL_ATTR_FLAGS, 0),
	      T_END);
	T_EXPECT_ERR("FLAGS as u8", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_U8(CVOL_ATTR_DEV_ID, 0),
	      T_END);
	T_EXPECT_ERR("DEV_ID as u8", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_U8(CVOL_ATTR_TIMEOUT, 0),
	      T_END);
	T_EXPECT_ERR("TIMEOUT as u8", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD,
	      A_U32(CVOL_ATTR_FEATURES, 0), T_END);
	T_EXPECT_ERR("FEATURES as u32", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_U64(CVOL_ATTR_SIZE, 1 << 20),
	      A_U8(CVOL_ATTR_OBJ_ORDER, 16), CVOL_ATTR_POOL, 2, "tp",
	      A_STR(CVOL_ATTR_VOLUME, "tv"), T_END);
	T_EXPECT_ERR("POOL without NUL", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_U32(CVOL_ATTR_FORCE, 1),
	      T_END);
	T_EXPECT_ERR("FORCE with payload", r, -ERANGE);

	/* attributes that only replies carry, and unknown ones */
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_U8(CVOL_ATTR_STATE, 1),
	      T_END);
	T_EXPECT_ERR("STATE in a request", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD,
	      A_U32(CVOL_ATTR_VERSION, 1), T_END);
	T_EXPECT_ERR("VERSION in a request", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_U32(CVOL_ATTR_MAX + 1, 1),
	      T_END);
	T_EXPECT_ERR("unknown attribute", r, -EINVAL);

	/* out of range */
	t_req(CVOL_CMD_DEV_ADD, &r, A_U64(CVOL_ATTR_SIZE, 0),
	      A_U8(CVOL_ATTR_OBJ_ORDER, 16), A_STR(CVOL_ATTR_POOL, "tp"),
	      A_STR(CVOL_ATTR_VOLUME, "tv"), T_END);
	T_EXPECT_ERR("SIZE 0", r, -EINVAL);
	T_EXPECT(strstr(r.msg, "size must be") != NULL, "msg '%s'", r.msg);
	t_req(CVOL_CMD_DEV_ADD, &r, A_U64(CVOL_ATTR_SIZE, 1000),
	      A_U8(CVOL_ATTR_OBJ_ORDER, 16), A_STR(CVOL_ATTR_POOL, "tp"),
	      A_STR(CVOL_ATTR_VOLUME, "tv"), T_END);
	T_EXPECT_ERR("SIZE not a block multiple", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_U64(CVOL_ATTR_SIZE, 1ULL << 51),
	      A_U8(CVOL_ATTR_OBJ_ORDER, 16), A_STR(CVOL_ATTR_POOL, "tp"),
	      A_STR(CVOL_ATTR_VOLUME, "tv"), T_END);
	T_EXPECT_ERR("SIZE 2 PiB", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_U64(CVOL_ATTR_SIZE, 1 << 20),
	      A_U8(CVOL_ATTR_OBJ_ORDER, 15), A_STR(CVOL_ATTR_POOL, "tp"),
	      A_STR(CVOL_ATTR_VOLUME, "tv"), T_END);
	T_EXPECT_ERR("OBJ_ORDER 15", r, -ERANGE);
	t_req(CVOL_CMD_DEV_ADD, &r, A_U64(CVOL_ATTR_SIZE, 1 << 20),
	      A_U8(CVOL_ATTR_OBJ_ORDER, 27), A_STR(CVOL_ATTR_POOL, "tp"),
	      A_STR(CVOL_ATTR_VOLUME, "tv"), T_END);
	T_EXPECT_ERR("OBJ_ORDER 27", r, -ERANGE);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_U32(CVOL_ATTR_LBS, 1024),
	      T_END);
	T_EXPECT_ERR("LBS 1024", r, -EINVAL);
	T_EXPECT(!strcmp(r.msg, "logical block size must be 512 or 4096"),
		 "msg '%s'", r.msg);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD,
	      A_U16(CVOL_ATTR_NR_QUEUES, 0), T_END);
	T_EXPECT_ERR("NR_QUEUES 0", r, -ERANGE);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD,
	      A_U16(CVOL_ATTR_NR_QUEUES, 1000), T_END);
	T_EXPECT_ERR("NR_QUEUES 1000", r, -ERANGE);
	T_EXPECT(!strcmp(r.msg, "more queues than max_queues"), "msg '%s'",
		 r.msg);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD,
	      A_U16(CVOL_ATTR_QUEUE_DEPTH, 0), T_END);
	T_EXPECT_ERR("QUEUE_DEPTH 0", r, -ERANGE);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD,
	      A_U16(CVOL_ATTR_QUEUE_DEPTH, CVOL_MAX_DEPTH + 1), T_END);
	T_EXPECT_ERR("QUEUE_DEPTH 257", r, -ERANGE);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_U32(CVOL_ATTR_FLAGS, 2),
	      T_END);
	T_EXPECT_ERR("FLAGS unknown bit", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD,
	      A_U32(CVOL_ATTR_TIMEOUT, CVOL_MAX_TIMEOUT + 1), T_END);
	T_EXPECT_ERR("TIMEOUT too long", r, -ERANGE);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD,
	      A_U64(CVOL_ATTR_FEATURES, CVOL_F_MAP), T_END);
	T_EXPECT_ERR("FEATURES unsupported", r, -EOPNOTSUPP);
	T_EXPECT(!strcmp(r.msg, "unsupported feature requested"), "msg '%s'",
		 r.msg);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD,
	      A_U32(CVOL_ATTR_DEV_ID, 1U << 20), T_END);
	T_EXPECT_ERR("DEV_ID beyond max_devices", r, -ERANGE);
	t_req(CVOL_CMD_DEV_ADD, &r, A_U64(CVOL_ATTR_SIZE, 1 << 20),
	      A_U8(CVOL_ATTR_OBJ_ORDER, 16), A_STR(CVOL_ATTR_POOL, long_name),
	      A_STR(CVOL_ATTR_VOLUME, "tv"), T_END);
	T_EXPECT_ERR("POOL of 64 bytes", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_U64(CVOL_ATTR_SIZE, 1 << 20),
	      A_U8(CVOL_ATTR_OBJ_ORDER, 16), A_STR(CVOL_ATTR_POOL, "tp"),
	      A_STR(CVOL_ATTR_VOLUME, "a/b"), T_END);
	T_EXPECT_ERR("VOLUME with '/'", r, -EINVAL);
	T_EXPECT(strstr(r.msg, "name must be") != NULL, "msg '%s'", r.msg);
	t_req(CVOL_CMD_DEV_ADD, &r, A_U64(CVOL_ATTR_SIZE, 1 << 20),
	      A_U8(CVOL_ATTR_OBJ_ORDER, 16), A_STR(CVOL_ATTR_POOL, "tp"),
	      A_STR(CVOL_ATTR_VOLUME, ""), T_END);
	T_EXPECT_ERR("VOLUME empty", r, -EINVAL);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_STR(CVOL_ATTR_SNAP, ".s"),
	      T_END);
	T_EXPECT_ERR("SNAP starting with '.'", r, -EINVAL);
}

static void round_trip(void)
{
	struct t_reply r;
	uint32_t id;

	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_U32(CVOL_ATTR_DEV_ID, 7),
	      A_U32(CVOL_ATTR_LBS, 4096), T_END);
	T_EXPECT_ERR("valid add", r, 0);
	T_EXPECT(r.dev_id == 7, "add reply dev id %lld", r.dev_id);
	T_EXPECT(r.state == CVOL_STATE_NEW, "add reply state %d", r.state);
	id = 7;
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_U32(CVOL_ATTR_DEV_ID, 7),
	      T_END);
	T_EXPECT_ERR("add of a used id", r, -EEXIST);
	T_EXPECT(!strcmp(r.msg, "device id in use"), "msg '%s'", r.msg);
	/* one device per volume or snapshot, whatever its id */
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, T_END);
	T_EXPECT_ERR("second device of a volume", r, -EEXIST);
	T_EXPECT(!strcmp(r.msg, "a device for this volume or snapshot exists"),
		 "msg '%s'", r.msg);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_U32(CVOL_ATTR_DEV_ID, 8),
	      A_STR(CVOL_ATTR_SNAP, "s1"), T_END);
	T_EXPECT_ERR("device of a snapshot of that volume", r, 0);
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, A_STR(CVOL_ATTR_SNAP, "s1"),
	      T_END);
	T_EXPECT_ERR("second device of a snapshot", r, -EEXIST);
	t_req(CVOL_CMD_DEV_REMOVE, &r, A_U32(CVOL_ATTR_DEV_ID, 8), T_END);
	T_EXPECT_ERR("remove of the snapshot's device", r, 0);
	/* the same backend identity under another name is the same volume */
	t_req(CVOL_CMD_DEV_ADD, &r, A_U64(CVOL_ATTR_SIZE, 16 << 20),
	      A_U8(CVOL_ATTR_OBJ_ORDER, 16), A_STR(CVOL_ATTR_POOL, "tp"),
	      A_STR(CVOL_ATTR_VOLUME, "tv-a"), A_U32(CVOL_ATTR_DEV_ID, 9),
	      A_STR(CVOL_ATTR_IDENTITY, "test:1"), T_END);
	T_EXPECT_ERR("device with an identity", r, 0);
	t_req(CVOL_CMD_DEV_ADD, &r, A_U64(CVOL_ATTR_SIZE, 16 << 20),
	      A_U8(CVOL_ATTR_OBJ_ORDER, 16), A_STR(CVOL_ATTR_POOL, "tp"),
	      A_STR(CVOL_ATTR_VOLUME, "tv-b"),
	      A_STR(CVOL_ATTR_IDENTITY, "test:1"), T_END);
	T_EXPECT_ERR("second device of an identity", r, -EEXIST);
	t_req(CVOL_CMD_DEV_REMOVE, &r, A_U32(CVOL_ATTR_DEV_ID, 9), T_END);
	T_EXPECT_ERR("remove of the identity's device", r, 0);

	t_req(CVOL_CMD_DEV_GET, &r, A_U32(CVOL_ATTR_DEV_ID, id), T_END);
	T_EXPECT_ERR("get", r, 0);
	T_EXPECT(r.dev_id == id, "get reply dev id %lld", r.dev_id);
	t_req(CVOL_CMD_DEV_GET, &r, T_END);
	T_EXPECT_ERR("get without DEV_ID", r, -EINVAL);
	t_req(CVOL_CMD_DEV_GET, &r, A_U32(CVOL_ATTR_DEV_ID, 4000), T_END);
	T_EXPECT_ERR("get of a missing device", r, -ENOENT);
	T_EXPECT(!strcmp(r.msg, "no such device"), "msg '%s'", r.msg);

	t_req(CVOL_CMD_DEV_RECONFIGURE, &r, A_U32(CVOL_ATTR_DEV_ID, id),
	      T_END);
	T_EXPECT_ERR("reconfigure with nothing", r, -EINVAL);
	t_req(CVOL_CMD_DEV_RECONFIGURE, &r, A_U32(CVOL_ATTR_DEV_ID, id),
	      A_U64(CVOL_ATTR_SIZE, 8 << 20), T_END);
	T_EXPECT_ERR("shrink", r, -EINVAL);
	T_EXPECT(!strcmp(r.msg, "devices only grow"), "msg '%s'", r.msg);
	t_req(CVOL_CMD_DEV_RECONFIGURE, &r, A_U32(CVOL_ATTR_DEV_ID, id),
	      A_U64(CVOL_ATTR_SIZE, (32 << 20) + 512), T_END);
	T_EXPECT_ERR("grow to a non-multiple of 4096", r, -EINVAL);
	t_req(CVOL_CMD_DEV_RECONFIGURE, &r, A_U32(CVOL_ATTR_DEV_ID, id),
	      A_U32(CVOL_ATTR_FLAGS, 4), T_END);
	T_EXPECT_ERR("reconfigure unknown flag", r, -EINVAL);
	t_req(CVOL_CMD_DEV_RECONFIGURE, &r, A_U32(CVOL_ATTR_DEV_ID, id),
	      A_U64(CVOL_ATTR_SIZE, 32 << 20),
	      A_U32(CVOL_ATTR_FLAGS, CVOL_DEV_F_RDONLY),
	      A_U32(CVOL_ATTR_TIMEOUT, 5), T_END);
	T_EXPECT_ERR("valid reconfigure", r, 0);
	t_req(CVOL_CMD_DEV_RECONFIGURE, &r, A_U32(CVOL_ATTR_DEV_ID, 4000),
	      A_U32(CVOL_ATTR_TIMEOUT, 5), T_END);
	T_EXPECT_ERR("reconfigure of a missing device", r, -ENOENT);

	t_req(CVOL_CMD_DEV_REMOVE, &r, T_END);
	T_EXPECT_ERR("remove without DEV_ID", r, -EINVAL);
	t_req(CVOL_CMD_DEV_REMOVE, &r, A_U64(CVOL_ATTR_DEV_ID, id), T_END);
	T_EXPECT_ERR("remove with DEV_ID as u64", r, -EINVAL);
	t_req(CVOL_CMD_DEV_REMOVE, &r, A_U32(CVOL_ATTR_DEV_ID, id), T_END);
	T_EXPECT_ERR("remove", r, 0);
	t_req(CVOL_CMD_DEV_REMOVE, &r, A_U32(CVOL_ATTR_DEV_ID, id), T_END);
	T_EXPECT_ERR("second remove", r, -ENOENT);
	T_EXPECT(!strcmp(r.msg, "no such device"), "msg '%s'", r.msg);
	t_req(CVOL_CMD_GET_FEATURES, &r, T_END);
	T_EXPECT_ERR("get features", r, 0);
	t_req(CVOL_CMD_MAX + 1, &r, T_END);
	T_EXPECT_ERR("unknown command", r, -EOPNOTSUPP);
}

/*
 * Header validation: the generic netlink core refuses a non-zero
 * genlmsghdr.reserved and nlmsg_flags it cannot give a meaning to, for
 * every command of the family.
 */
static void bad_header(void)
{
	struct t_reply r;

	t_req_hdr(CVOL_CMD_GET_FEATURES, 0, 1, &r, T_END);
	T_EXPECT_ERR("get features, reserved 1", r, -EINVAL);
	T_EXPECT(!strcmp(r.msg, "genlmsghdr.reserved field is not 0"),
		 "msg '%s'", r.msg);
	t_req_hdr(CVOL_CMD_DEV_GET, 0, 1, &r, A_U32(CVOL_ATTR_DEV_ID, 0),
		  T_END);
	T_EXPECT_ERR("get, reserved 1", r, -EINVAL);
	T_EXPECT(!strcmp(r.msg, "genlmsghdr.reserved field is not 0"),
		 "msg '%s'", r.msg);
	t_req_hdr(CVOL_CMD_DEV_REMOVE, 0, 0x100, &r, A_U32(CVOL_ATTR_DEV_ID, 0),
		  T_END);
	T_EXPECT_ERR("remove, reserved 0x100", r, -EINVAL);
	t_req_hdr(CVOL_CMD_DEV_GET, NLM_F_CREATE, 0, &r,
		  A_U32(CVOL_ATTR_DEV_ID, 0), T_END);
	T_EXPECT_ERR("get with NLM_F_CREATE", r, -EINVAL);
	T_EXPECT(!strcmp(r.msg,
			 "ambiguous or reserved bits set in nlmsg_flags"),
		 "msg '%s'", r.msg);
	t_req_hdr(CVOL_CMD_DEV_RECONFIGURE, NLM_F_EXCL, 0, &r,
		  A_U32(CVOL_ATTR_DEV_ID, 0), A_U32(CVOL_ATTR_TIMEOUT, 1),
		  T_END);
	T_EXPECT_ERR("reconfigure with NLM_F_EXCL", r, -EINVAL);
	/* the same request with a clean header reaches cvol */
	t_req_hdr(CVOL_CMD_DEV_GET, 0, 0, &r, A_U32(CVOL_ATTR_DEV_ID, 0),
		  T_END);
	T_EXPECT_ERR("get, clean header", r, -ENOENT);
}

int main(void)
{
	int ret;

	ret = t_start();
	if (ret)
		return ret;
	memset(long_name, 'a', sizeof(long_name) - 1);
	bad_header();
	bad_add();
	round_trip();
	return t_done("genl bad input");
}
