// SPDX-License-Identifier: GPL-2.0
/* cvol-lane: host */
/*
 * File store crash test (review finding D9, store half): write_full() over
 * a flushed object, then a power cut before any flush.  The object may
 * come back old, new, or torn per 4 KiB page, but never with pages that
 * are neither (zeros: a truncate made durable without the data written
 * after it).  Power cuts with seeds 1..64 choose among fsmodel's outcomes,
 * including every size the file had since its last sync.
 */
#include "fsm-test.h"

#define OBJ 65536
#define PG 4096
#define SEEDS 64

int main(void)
{
	static unsigned char buf[OBJ];
	const char *x = st_oid("x");
	struct cvol_store *a, *b;
	unsigned int seed, pg, nold = 0, nnew = 0;

	for (seed = 1; seed <= SEEDS; seed++) {
		fsm_setup();
		a = st_open();
		fsm_sync_all();
		st_fill(buf, OBJ, 0, 1);
		ST_EQ(a->ops->write_full(a->priv, x, buf, OBJ), 0);
		ST_EQ(a->ops->flush(a->priv), 0);
		st_fill(buf, OBJ, 0, 2);
		ST_EQ(a->ops->write_full(a->priv, x, buf, OBJ), 0);
		fsmodel_powercut(seed);
		cvol_store_close(a);

		b = st_open();
		ST_EQ(b->ops->read(b->priv, x, buf, OBJ, 0), 0);
		for (pg = 0; pg < OBJ / PG; pg++) {
			if (st_check(buf + pg * PG, PG, pg * PG, 1) == -1) {
				nold++;
			} else if (st_check(buf + pg * PG, PG, pg * PG, 2) ==
				   -1) {
				nnew++;
			} else {
				printf("seed %u: page %u is neither old nor new%s\n",
				       seed, pg,
				       st_zero(buf + pg * PG, PG) ? " (zeros)" :
								    "");
				st_fail(__FILE__, __LINE__, "torn write_full");
			}
		}
		cvol_store_close(b);
	}
	ST_TRUE(nold && nnew); /* the seeds did tear */
	printf("ok: write_full torn by %d power cuts: %u old, %u new pages\n",
	       SEEDS, nold, nnew);
	return 0;
}
