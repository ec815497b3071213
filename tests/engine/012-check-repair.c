// SPDX-License-Identifier: LGPL-2.1-or-later
/* check reports unreferenced objects (a stray data object, a chunk of an
 * unknown layer) and dangling references (a referenced object gone);
 * repair removes exactly the garbage and keeps what maps point to. */
#include "testlib.h"

static int find_data(void *arg, const char *oid)
{
	snprintf(arg, 64, "%s", oid);
	return 1;
}

int main(void)
{
	uint8_t buf[65536], got[65536], chunk[100] = { 0 };
	struct cvol_store_conf conf;
	struct cvol_check_report rep;
	struct cvol_store *st;
	struct cvol_pool *pool;
	struct cvol_vol *v;
	char victim[64] = "";
	uint64_t ver;

	v = t_setup(&conf, &pool, 4 * 65536);
	t_write(v, buf, 0, sizeof(buf), 120);
	T_OK(cvol_vol_write(v, buf, 2 * 65536, sizeof(buf), 0));
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);

	T_OK(cvol_store_open(&conf, &st));
	/*
	 * id 1 is the volume's record id, never a layer: objects of a
	 * layer the directory does not know (ids at or past the
	 * directory's next id belong to layers created after the check
	 * began, and are left alone)
	 */
	T_OK(st->ops->write(st->priv, "d.0000000000000001.000000000000", buf,
			    4096, 0));
	T_OK(st->ops->meta_cas(st->priv, "m.0000000000000001.00000000", chunk,
			       sizeof(chunk), 0, &ver));
	T_OK(st->ops->flush(st->priv));
	cvol_store_close(st);

	pool = t_pool(&conf);
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.unreferenced != 2 || rep.dangling || rep.bad_checksums ||
	    rep.objects != 3 || rep.volumes != 1)
		T_FAIL("check: %" PRIu64 " unreferenced %" PRIu64
		       " dangling %" PRIu64 " objects",
		       rep.unreferenced, rep.dangling, rep.objects);
	T_OK(cvol_pool_check(pool, true, &rep, NULL, NULL));
	if (rep.repaired != 2)
		T_FAIL("repair removed %" PRIu64 ", expected 2", rep.repaired);
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.unreferenced || rep.objects != 2)
		T_FAIL("after repair: %" PRIu64 " unreferenced, %" PRIu64
		       " objects", rep.unreferenced, rep.objects);
	T_OK(cvol_vol_open(pool, "v", NULL, CVOL_OPEN_RDONLY, &v));
	T_READ_EQ(v, got, 2 * 65536, sizeof(got), buf,
		  "repair changed volume data");
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);

	/* lose a referenced object: dangling, and repair keeps the map */
	T_OK(cvol_store_open(&conf, &st));
	T_OK(st->ops->list(st->priv, "d.", find_data, victim) == 1 ? 0 : -1);
	T_OK(st->ops->remove(st->priv, victim));
	cvol_store_close(st);
	pool = t_pool(&conf);
	T_OK(cvol_pool_check(pool, true, &rep, NULL, NULL));
	if (rep.dangling != 1 || rep.repaired)
		T_FAIL("lost object: %" PRIu64 " dangling %" PRIu64
		       " repaired", rep.dangling, rep.repaired);
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.dangling != 1)
		T_FAIL("repair dropped the dangling reference");
	return t_pass(pool);
}
