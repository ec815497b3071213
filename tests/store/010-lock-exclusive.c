// SPDX-License-Identifier: GPL-2.0
/*
 * Store conformance: locks are exclusive between instances and are not
 * objects (list() does not show them).  While A holds a lock, B gets
 * -EBUSY with A's cookie in @holder and in the message; other lock names
 * are independent; after A unlocks B gets it; after B closes without
 * unlocking A gets it again.
 */
#include "store-test.h"

static int no_lock_objects(void *arg, const char *oid)
{
	if (strstr(oid, arg))
		st_fail(__FILE__, __LINE__, "list shows '%s' for lock '%s'",
			oid, (const char *)arg);
	return 0;
}

int main(void)
{
	struct cvol_store *a = st_open(), *b = st_open();
	char holder[CVOL_LOCK_HOLDER_MAX];
	const char *l1 = st_oid("lock1"), *l2 = st_oid("lock2");
	const char *ca = "hostA:cvold.111", *cb = "hostB:cvold.222";

	ST_EQ(a->ops->lock(a->priv, l1, ca, holder, 0), 0);
	/* a held lock is not an object: listings (and pool checks) skip it */
	ST_EQ(a->ops->list(a->priv, "", no_lock_objects, (void *)l1), 0);
	memset(holder, 0, sizeof(holder));
	cvol_clearerr();
	ST_EQ(b->ops->lock(b->priv, l1, cb, holder, 0), -EBUSY);
	if (strcmp(holder, ca))
		st_fail(__FILE__, __LINE__, "holder '%s', want '%s'", holder,
			ca);
	ST_MSG(ca);
	/* still busy when asked again */
	ST_EQ(b->ops->lock(b->priv, l1, cb, holder, 0), -EBUSY);

	ST_EQ(b->ops->lock(b->priv, l2, cb, holder, 0), 0);
	ST_EQ(a->ops->lock(a->priv, l2, ca, holder, 0), -EBUSY);
	ST_EQ(strcmp(holder, cb), 0);

	ST_EQ(a->ops->unlock(a->priv, l1, ca), 0);
	ST_EQ(b->ops->lock(b->priv, l1, cb, holder, 0), 0);
	ST_EQ(a->ops->lock(a->priv, l1, ca, holder, 0), -EBUSY);
	ST_EQ(strcmp(holder, cb), 0);

	cvol_store_close(b);
	ST_EQ(a->ops->lock(a->priv, l1, ca, holder, 0), 0);
	ST_EQ(a->ops->lock(a->priv, l2, ca, holder, 0), 0);
	ST_EQ(a->ops->unlock(a->priv, l1, ca), 0);
	ST_EQ(a->ops->unlock(a->priv, l2, ca), 0);
	cvol_store_close(a);
	return 0;
}
