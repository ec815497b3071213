// SPDX-License-Identifier: GPL-2.0
/* cvol-lane: host */
/*
 * File store crash test (review finding D5): flush() is a durability
 * barrier for every write completed before it, also while another
 * thread's flush is running.  Object Y is written; thread 1 flushes and
 * its fdatasync of Y is made slow (300 ms) by a hook in fsmodel; while it
 * sleeps, the main thread flushes.  When the main thread's flush returns,
 * Y (data and directory entry) must be durable: with two volumes on one
 * pool, the second volume's engine would otherwise commit a map naming Y
 * while Y can still be lost by a power cut.
 */
#include <pthread.h>

#include "fsm-test.h"

static int entered; /* the slow fdatasync has started */

static void slow_sync(const char *path, void *arg)
{
	(void)arg;
	if (__atomic_exchange_n(&entered, 1, __ATOMIC_SEQ_CST))
		return;
	usleep(300 * 1000);
}

static void *flusher(void *arg)
{
	struct cvol_store *s = arg;

	if (s->ops->flush(s->priv))
		st_fail(__FILE__, __LINE__, "thread 1's flush failed");
	return NULL;
}

int main(void)
{
	static unsigned char buf[65536];
	const char *y = st_oid("y");
	struct cvol_store *a;
	pthread_t t;
	int i;

	fsm_setup();
	a = st_open();
	ST_EQ(a->ops->flush(a->priv), 0); /* the first flush's syncfs */
	st_fill(buf, sizeof(buf), 0, 5);
	ST_EQ(a->ops->write(a->priv, y, buf, sizeof(buf), 0), 0);
	fsmodel_set_sync_hook(slow_sync, NULL);
	ST_EQ(pthread_create(&t, NULL, flusher, a), 0);
	for (i = 0; i < 5000 && !__atomic_load_n(&entered, __ATOMIC_SEQ_CST);
	     i++)
		usleep(1000);
	ST_TRUE(entered);
	ST_EQ(a->ops->flush(a->priv), 0);
	ST_EQ(fsmodel_durable(fsm_obj_path(y)), 1);
	pthread_join(t, NULL);
	fsmodel_set_sync_hook(NULL, NULL);
	cvol_store_close(a);
	printf("ok: a flush waits for a concurrent flush's syncs\n");
	return 0;
}
