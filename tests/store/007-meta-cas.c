// SPDX-License-Identifier: GPL-2.0
/*
 * Store conformance: meta_read and meta_cas.  A missing object reads
 * -ENOENT; CAS with expect 0 creates it once and a second create is
 * -ECANCELED; CAS with the current version replaces it and returns a new,
 * different, non-zero version; CAS with a stale version is -ECANCELED and
 * changes nothing; a read into a too small buffer is -EOVERFLOW.
 */
#include "store-test.h"

int main(void)
{
	struct cvol_store *st = st_open();
	const struct cvol_store_ops *o = st->ops;
	const char *m = st_oid("meta");
	uint64_t v1, v2, v3, ver;
	char buf[256];
	size_t len;

	cvol_clearerr();
	ST_EQ(o->meta_read(st->priv, m, buf, sizeof(buf), &len, &ver), -ENOENT);
	ST_MSG(m);

	ST_EQ(o->meta_cas(st->priv, m, "first", 5, 0, &v1), 0);
	ST_TRUE(v1 > 0);
	cvol_clearerr();
	ST_EQ(o->meta_cas(st->priv, m, "again", 5, 0, &ver), -ECANCELED);
	ST_TRUE(cvol_errmsg()[0]);

	ST_EQ(o->meta_read(st->priv, m, buf, sizeof(buf), &len, &ver), 0);
	ST_EQ(len, 5);
	ST_EQ(memcmp(buf, "first", 5), 0);
	ST_EQ(ver, v1);

	ST_EQ(o->meta_cas(st->priv, m, "second!", 7, v1, &v2), 0);
	ST_TRUE(v2 > 0 && v2 != v1);
	ST_EQ(o->meta_cas(st->priv, m, "stale", 5, v1, &ver), -ECANCELED);
	ST_EQ(o->meta_read(st->priv, m, buf, sizeof(buf), &len, &ver), 0);
	ST_EQ(len, 7);
	ST_EQ(memcmp(buf, "second!", 7), 0);
	ST_EQ(ver, v2);

	/* shorter content replaces entirely */
	ST_EQ(o->meta_cas(st->priv, m, "3", 1, v2, &v3), 0);
	ST_TRUE(v3 != v2 && v3 != v1);
	ST_EQ(o->meta_read(st->priv, m, buf, sizeof(buf), &len, &ver), 0);
	ST_EQ(len, 1);
	ST_EQ(buf[0], '3');

	ST_EQ(o->meta_cas(st->priv, m, "0123456789", 10, v3, &ver), 0);
	ST_EQ(o->meta_read(st->priv, m, buf, 4, &len, &ver), -EOVERFLOW);

	/* removed: a CAS against the old version loses */
	ST_EQ(o->remove(st->priv, m), 0);
	ST_EQ(o->meta_cas(st->priv, m, "x", 1, v3, &ver), -ECANCELED);
	ST_EQ(o->stat(st->priv, m, &v1), -ENOENT);
	cvol_store_close(st);
	return 0;
}
