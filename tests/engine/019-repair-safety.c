// SPDX-License-Identifier: GPL-2.0
/*
 * Repair removes only what is certainly garbage.
 *
 * 1. A map chunk fails verification: the references it held are unknown,
 *    so repair removes nothing (not the objects of that chunk, not those
 *    of the chunks walked after it, not a stray object either) and fails
 *    with -EILSEQ; the volume's other chunk still reads back.
 * 2. Another pool instance (another process or host) works on the pool
 *    while repair runs: it creates and fills a new volume, and tries to
 *    open for writing a volume repair had found unused.  The new volume's
 *    map and data survive repair; the unused volume stays locked until
 *    repair is done (-EBUSY), so none of its objects can appear unseen;
 *    afterwards the pool checks clean.
 *
 * cvol-lane: host rados
 */
#include "testlib.h"

#define ORDER 16
#define OBJ (1u << ORDER)
#define NOBJ 1100 /* two map chunks of 1024 entries */

static struct cvol_store_conf conf;
static struct cvol_pool *other;
static int busy_ret = 1, acted;
static uint8_t pat[OBJ], got[OBJ];

static void write_one(struct cvol_pool *pool, const char *name, uint64_t idx,
		      uint64_t seed)
{
	struct cvol_vol *v;

	T_OK(cvol_vol_open(pool, name, NULL, 0, &v));
	t_fill(pat, OBJ, seed);
	T_OK(cvol_vol_write(v, pat, idx * OBJ, OBJ, CVOL_WRITE_FUA));
	T_OK(cvol_vol_close(v));
}

static void read_one(struct cvol_pool *pool, const char *name, uint64_t idx,
		     uint64_t seed)
{
	struct cvol_vol *v;

	T_OK(cvol_vol_open(pool, name, NULL, CVOL_OPEN_RDONLY, &v));
	t_fill(pat, OBJ, seed);
	T_READ_EQ(v, got, idx * OBJ, OBJ, pat, "data lost to repair");
	T_OK(cvol_vol_close(v));
}

static int count_data(void *arg, const char *oid)
{
	(*(int *)arg)++;
	return 0;
}

static int data_objects(void)
{
	struct cvol_store *st;
	int n = 0;

	T_OK(cvol_store_open(&conf, &st));
	T_OK(st->ops->list(st->priv, "d.", count_data, &n));
	cvol_store_close(st);
	return n;
}

/* flip a byte of both copies of every chunk 0 of layer ids 1..15,
 * keeping the crc */
static void corrupt_chunk0(void)
{
	static uint8_t meta[16384];
	struct cvol_store *st;
	char oid[64];
	uint64_t ver, nver;
	size_t len;
	int id, i, n = 0;

	T_OK(cvol_store_open(&conf, &st));
	for (id = 1; id < 16; id++) {
		for (i = 0; i < 2; i++) {
			snprintf(oid, sizeof(oid), "m.%016x.00000000%s", id,
				 i ? ".b" : "");
			if (st->ops->meta_read(st->priv, oid, meta,
					       sizeof(meta), &len, &ver))
				break;
			meta[48] ^= 0x40;
			T_OK(st->ops->meta_cas(st->priv, oid, meta, len, ver,
					       &nver));
		}
		n += i == 2;
	}
	T_OK(st->ops->write(st->priv, "d.0000000000000001.000000000000", pat,
			    4096, 0));
	T_OK(st->ops->flush(st->priv));
	cvol_store_close(st);
	if (n != 1)
		T_FAIL("corrupted %d chunks, want 1", n);
}

/* during the repair of the second part, after every head was probed */
static void meanwhile(void *arg, uint64_t done, uint64_t total)
{
	struct cvol_vol *v;

	if (acted || done + 1 != total)
		return;
	acted = 1;
	T_OK(cvol_vol_create(other, "late", 4 * OBJ, ORDER));
	write_one(other, "late", 1, 31);
	busy_ret = cvol_vol_open(other, "idle", NULL, 0, &v);
	if (!busy_ret) {
		/* an object repair has not seen referenced: must survive */
		t_fill(pat, OBJ, 32);
		T_OK(cvol_vol_write(v, pat, 2 * OBJ, OBJ, CVOL_WRITE_FUA));
		T_OK(cvol_vol_close(v));
	}
}

int main(void)
{
	struct cvol_check_report rep;
	struct cvol_pool *pool;
	int before;

	/* 1: an unreadable chunk */
	t_conf(&conf);
	pool = t_pool(&conf);
	T_OK(cvol_vol_create(pool, "v", (uint64_t)NOBJ * OBJ, ORDER));
	write_one(pool, "v", 0, 11);
	write_one(pool, "v", 1050, 12);
	cvol_pool_close(pool);
	corrupt_chunk0();
	before = data_objects();
	pool = t_pool(&conf);
	T_ERR(cvol_pool_check(pool, true, &rep, NULL, NULL), -EILSEQ,
	      "nothing was removed");
	if (rep.bad_checksums != 1 || rep.repaired)
		T_FAIL("repair over a bad chunk: %" PRIu64 " bad, %" PRIu64
		       " removed",
		       rep.bad_checksums, rep.repaired);
	if (data_objects() != before)
		T_FAIL("repair over a bad chunk removed %d objects",
		       before - data_objects());
	read_one(pool, "v", 1050, 12);
	cvol_pool_close(pool);

	/* 2: another instance at work while repair runs */
	t_conf(&conf);
	pool = t_pool(&conf);
	other = t_pool(&conf);
	T_OK(cvol_vol_create(pool, "idle", 4 * OBJ, ORDER));
	write_one(pool, "idle", 0, 21);
	T_OK(cvol_vol_create(pool, "last", 4 * OBJ, ORDER));
	T_OK(cvol_pool_check(pool, true, &rep, meanwhile, NULL));
	if (!acted)
		T_FAIL("the progress callback never ran");
	if (busy_ret && busy_ret != -EBUSY)
		T_FAIL("open during repair: %d", busy_ret);
	read_one(other, "late", 1, 31);
	read_one(other, "idle", 0, 21);
	if (!busy_ret)
		read_one(other, "idle", 2, 32);
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.dangling || rep.unreferenced || rep.bad_checksums)
		T_FAIL("after repair beside a writer: %" PRIu64
		       " dangling, %" PRIu64 " unreferenced",
		       rep.dangling, rep.unreferenced);
	cvol_pool_close(other);
	cvol_pool_close(pool);
	printf("ok: repair refused over a bad chunk; beside another instance it kept a new volume%s\n",
	       busy_ret ? " and held the idle volume's lock" :
			  " and the idle volume's new object");
	return 0;
}
