/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CAS race of the conformance suite: in each round two threads read the
 * same metadata object and version, meet at a barrier, and both try
 * meta_cas() against that version.  Exactly one must win (0) and the
 * other must lose (-ECANCELED); the object then holds the winner's bytes
 * and the winner's version.
 */
#ifndef CVOL_STORE_RACE_H
#define CVOL_STORE_RACE_H

#include <pthread.h>

#include "store-test.h"

#define RACE_ROUNDS 100

struct racer {
	struct cvol_store *st;
	const char *oid;
	pthread_barrier_t *bar;
	int id;
	int result[RACE_ROUNDS];
	uint64_t won_version[RACE_ROUNDS];
	char msg[256];
};

static void *racer_main(void *arg)
{
	struct racer *r = arg;
	const struct cvol_store_ops *o = r->st->ops;
	char buf[64], mine[64];
	uint64_t ver;
	size_t len;
	int i, n;

	for (i = 0; i < RACE_ROUNDS; i++) {
		r->result[i] = o->meta_read(r->st->priv, r->oid, buf,
					    sizeof(buf), &len, &ver);
		pthread_barrier_wait(r->bar);
		if (!r->result[i]) {
			n = snprintf(mine, sizeof(mine), "round %d by %d", i,
				     r->id);
			r->result[i] = o->meta_cas(r->st->priv, r->oid, mine, n,
						   ver, &r->won_version[i]);
			if (r->result[i] && r->result[i] != -ECANCELED)
				snprintf(r->msg, sizeof(r->msg), "%s",
					 cvol_errmsg());
		}
		/* the main thread checks the round between these barriers */
		pthread_barrier_wait(r->bar);
		pthread_barrier_wait(r->bar);
	}
	return NULL;
}

static inline void race(struct cvol_store *a, struct cvol_store *b)
{
	const char *oid = st_oid("race");
	struct racer r[2] = {};
	pthread_barrier_t bar;
	pthread_t t[2];
	char buf[64], want[64];
	uint64_t ver;
	size_t len;
	int i, k, winner;

	ST_EQ(a->ops->meta_cas(a->priv, oid, "start", 5, 0, &ver), 0);
	ST_EQ(pthread_barrier_init(&bar, NULL, 3), 0);
	for (k = 0; k < 2; k++) {
		r[k].st = k ? b : a;
		r[k].oid = oid;
		r[k].bar = &bar;
		r[k].id = k;
		ST_EQ(pthread_create(&t[k], NULL, racer_main, &r[k]), 0);
	}
	for (i = 0; i < RACE_ROUNDS; i++) {
		pthread_barrier_wait(&bar);
		pthread_barrier_wait(&bar);
		for (k = 0; k < 2; k++)
			if (r[k].result[i] && r[k].result[i] != -ECANCELED)
				st_fail(__FILE__, __LINE__,
					"round %d racer %d: %d %s", i, k,
					r[k].result[i], r[k].msg);
		if (!r[0].result[i] == !r[1].result[i])
			st_fail(__FILE__, __LINE__,
				"round %d: results %d and %d, want one winner",
				i, r[0].result[i], r[1].result[i]);
		winner = r[0].result[i] ? 1 : 0;
		ST_EQ(a->ops->meta_read(a->priv, oid, buf, sizeof(buf), &len,
					&ver),
		      0);
		snprintf(want, sizeof(want), "round %d by %d", i, winner);
		ST_EQ(len, strlen(want));
		ST_EQ(memcmp(buf, want, len), 0);
		ST_EQ(ver, r[winner].won_version[i]);
		pthread_barrier_wait(&bar);
	}
	for (k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	pthread_barrier_destroy(&bar);
	ST_EQ(a->ops->remove(a->priv, oid), 0);
}

#endif /* CVOL_STORE_RACE_H */
