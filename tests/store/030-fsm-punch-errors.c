// SPDX-License-Identifier: GPL-2.0
/* cvol-lane: host */
/*
 * File store punch errors (review finding D20), on fsmodel: only a file
 * system without hole punching (fallocate EOPNOTSUPP) gets zeros written
 * instead, over the part of the range inside the object; any other
 * fallocate error (EIO, ENOSPC) fails the punch with the object
 * unchanged, and so does a failed fstat (the zero-fill must never run on
 * a size it does not know).  A punch refused with ENOSPC once succeeds
 * with space from the metadata reserve (review finding D14).
 */
#include "fsm-test.h"

#define OBJ 65536

static unsigned char buf[OBJ], got[OBJ];

/*
 * punch @off+@len of @x with the next fallocate failing with @err once;
 * it must succeed and zero @zero_len bytes at @off (buf is the model)
 */
static void punch_ok(struct cvol_store *s, const char *x, int err, uint64_t off,
		     uint64_t len, size_t zero_len)
{
	ST_EQ(fsmodel_fail_op(FSM_OP_FALLOCATE, err, 1), 0);
	ST_EQ(s->ops->punch(s->priv, x, off, len), 0);
	memset(buf + off, 0, zero_len);
	ST_EQ(s->ops->read(s->priv, x, got, OBJ, 0), 0);
	ST_TRUE(!memcmp(got, buf, OBJ));
}

int main(void)
{
	const char *x = st_oid("x");
	struct cvol_store *s;

	fsm_setup();
	s = st_open();
	st_fill(buf, OBJ, 0, 1);
	ST_EQ(s->ops->write_full(s->priv, x, buf, OBJ), 0);

	/* no hole punching: zeros are written, the size stays */
	punch_ok(s, x, EOPNOTSUPP, 4096, 8192, 8192);
	/* ... and not past the end of the object */
	punch_ok(s, x, EOPNOTSUPP, OBJ - 4096, 2 * OBJ, 4096);
	{
		uint64_t size;

		ST_EQ(s->ops->stat(s->priv, x, &size), 0);
		ST_EQ(size, OBJ);
	}

	/* an I/O error or a full file system fails the punch */
	ST_EQ(fsmodel_fail_op(FSM_OP_FALLOCATE, EIO, 1), 0);
	ST_EQ(s->ops->punch(s->priv, x, 0, 4096), -EIO);
	ST_MSG("punch");
	/* one refused punch: it takes a step of the reserve and succeeds */
	punch_ok(s, x, ENOSPC, 8192, 4096, 4096);
	/*
	 * ENOSPC for good: the store retries once per step of its metadata
	 * reserve, which it gives back to the file system first, then fails
	 */
	ST_EQ(fsmodel_fail_op(FSM_OP_FALLOCATE, ENOSPC, 1000), 0);
	ST_EQ(s->ops->punch(s->priv, x, 0, 4096), -ENOSPC);
	ST_MSG("punch");
	ST_EQ(fsmodel_fail_op(FSM_OP_FALLOCATE, 0, 0), 0);
	ST_EQ(s->ops->read(s->priv, x, got, OBJ, 0), 0);
	ST_TRUE(!memcmp(got, buf, OBJ));

	/* so does a failed fstat, whatever fallocate would say */
	ST_EQ(fsmodel_fail_op(FSM_OP_STAT, EIO, 1), 0);
	ST_EQ(s->ops->punch(s->priv, x, 0, 4096), -EIO);
	ST_MSG("stat");
	ST_EQ(fsmodel_fail_op(FSM_OP_STAT, EIO, 1), 0);
	ST_EQ(fsmodel_fail_op(FSM_OP_FALLOCATE, EOPNOTSUPP, 1), 0);
	ST_EQ(s->ops->punch(s->priv, x, 0, 4096), -EIO);
	ST_EQ(fsmodel_fail_op(FSM_OP_FALLOCATE, 0, 0), 0);
	ST_EQ(s->ops->read(s->priv, x, got, OBJ, 0), 0);
	ST_TRUE(!memcmp(got, buf, OBJ));
	cvol_store_close(s);
	printf("ok: only EOPNOTSUPP falls back to writing zeros\n");
	return 0;
}
