// SPDX-License-Identifier: GPL-2.0
/*
 * Store conformance: list.  Listing a prefix returns exactly the objects
 * starting with it (data and metadata objects alike), each once; a
 * non-zero callback return stops the walk and is returned.
 */
#include "store-test.h"

#define N 12

struct seen {
	char names[64][CVOL_OID_MAX];
	int n;
	int stop_after;
};

static int collect(void *arg, const char *oid)
{
	struct seen *s = arg;

	if (s->n < 64)
		snprintf(s->names[s->n], CVOL_OID_MAX, "%s", oid);
	s->n++;
	if (s->stop_after && s->n == s->stop_after)
		return 42;
	return 0;
}

static int count(struct seen *s, const char *name)
{
	int i, c = 0;

	for (i = 0; i < s->n && i < 64; i++)
		c += !strcmp(s->names[i], name);
	return c;
}

int main(void)
{
	struct cvol_store *st = st_open();
	const struct cvol_store_ops *o = st->ops;
	char pa[64], pb[64], name[CVOL_OID_MAX];
	struct seen s;
	uint64_t ver;
	int i;

	snprintf(pa, sizeof(pa), "%s", st_oid("la."));
	snprintf(pb, sizeof(pb), "%s", st_oid("lb."));
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "%s%d", i % 3 ? pa : pb, i % 100);
		if (i == 4)
			ST_EQ(o->meta_cas(st->priv, name, "m", 1, 0, &ver), 0);
		else
			ST_EQ(o->write(st->priv, name, "x", 1, 0), 0);
	}

	memset(&s, 0, sizeof(s));
	ST_EQ(o->list(st->priv, pa, collect, &s), 0);
	ST_EQ(s.n, 8);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "%s%d", i % 3 ? pa : pb, i % 100);
		ST_EQ(count(&s, name), i % 3 ? 1 : 0);
	}

	memset(&s, 0, sizeof(s));
	ST_EQ(o->list(st->priv, pb, collect, &s), 0);
	ST_EQ(s.n, 4);

	/* everything: at least our 12 */
	memset(&s, 0, sizeof(s));
	ST_EQ(o->list(st->priv, "", collect, &s), 0);
	ST_TRUE(s.n >= N);

	memset(&s, 0, sizeof(s));
	s.stop_after = 3;
	ST_EQ(o->list(st->priv, pa, collect, &s), 42);
	ST_EQ(s.n, 3);

	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "%s%d", i % 3 ? pa : pb, i % 100);
		ST_EQ(o->remove(st->priv, name), 0);
	}
	memset(&s, 0, sizeof(s));
	ST_EQ(o->list(st->priv, pa, collect, &s), 0);
	ST_EQ(s.n, 0);
	cvol_store_close(st);
	return 0;
}
