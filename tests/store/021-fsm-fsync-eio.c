// SPDX-License-Identifier: GPL-2.0
/* cvol-lane: host */
/*
 * File store crash test (review finding D10, "fsyncgate"): a failed
 * writeback is fatal for the store instance.  On Linux a failed writeback
 * marks the pages clean (the data is lost at the next power cut or
 * eviction) and reports EIO once; a retry on a new fd succeeds.  So after
 * an fdatasync (or syncfs) EIO the flush fails and every later flush and
 * data or metadata write of that instance must fail too; nothing may
 * report the lost data durable.  Checked for an fdatasync error on an
 * object and for a syncfs error (the first flush of an instance).
 */
#include "fsm-test.h"

#define OBJ 65536

static void expect_poisoned(struct cvol_store *s, const char *x, const char *y,
			    unsigned char *buf)
{
	uint64_t ver;

	ST_EQ(s->ops->flush(s->priv), -EIO);
	ST_EQ(s->ops->flush(s->priv), -EIO);
	ST_EQ(s->ops->write(s->priv, y, buf, 4096, 0), -EIO);
	ST_EQ(s->ops->write_full(s->priv, y, buf, 4096), -EIO);
	ST_EQ(s->ops->punch(s->priv, x, 0, 4096), -EIO);
	ST_EQ(s->ops->copy(s->priv, y, x), -EIO);
	ST_EQ(s->ops->remove(s->priv, x), -EIO);
	ST_EQ(s->ops->meta_cas(s->priv, st_oid("m"), buf, 16, 0, &ver), -EIO);
	ST_EQ(s->ops->flush(s->priv), -EIO);
	/* reads still work: the page cache has the data */
	ST_EQ(s->ops->read(s->priv, x, buf, 4096, 0), 0);
}

int main(void)
{
	static unsigned char buf[OBJ];
	const char *x = st_oid("x"), *y = st_oid("y");
	struct cvol_store *a, *b;

	fsm_setup();
	a = st_open();
	fsm_sync_all();
	st_fill(buf, OBJ, 0, 1);
	ST_EQ(a->ops->write(a->priv, x, buf, OBJ, 0), 0);
	ST_EQ(a->ops->flush(a->priv), 0);

	/* one fdatasync of x fails */
	st_fill(buf, OBJ, 0, 2);
	ST_EQ(a->ops->write(a->priv, x, buf, OBJ, 0), 0);
	ST_EQ(fsmodel_fail_fsync(fsm_obj_path(x), 1), 0);
	ST_EQ(a->ops->flush(a->priv), -EIO);
	expect_poisoned(a, x, y, buf);
	cvol_store_close(a);

	/* one syncfs fails: a new instance's first flush */
	fsmodel_powercut(0);
	b = st_open();
	ST_EQ(b->ops->write(b->priv, x, buf, OBJ, 0), 0);
	ST_EQ(fsmodel_fail_fsync(NULL, 1), 0);
	ST_EQ(b->ops->flush(b->priv), -EIO);
	expect_poisoned(b, x, y, buf);
	cvol_store_close(b);
	printf("ok: a failed writeback poisons the store instance\n");
	return 0;
}
