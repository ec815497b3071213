// SPDX-License-Identifier: LGPL-2.1-or-later
/* A corrupted map chunk (both of its copies) is reported as -EILSEQ with
 * expected and found checksums on read, counted by check, and never
 * "repaired" away: repair refuses to remove anything while a chunk cannot
 * be read. */
#include "testlib.h"

int main(void)
{
	struct cvol_store_conf conf;
	struct cvol_check_report rep;
	struct cvol_store *st;
	struct cvol_pool *pool;
	struct cvol_vol *v;
	char buf[65536], oid[64] = "", name[80];
	uint8_t meta[16384];
	uint64_t ver, nver;
	size_t len;
	int i;

	v = t_setup(&conf, &pool, 1 << 20);
	t_write(v, buf, 0, sizeof(buf), 80);
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);

	/* flip one entry byte in the head's only chunk, keeping the crc */
	T_OK(cvol_store_open(&conf, &st));
	for (int id = 1; id < 8 && !oid[0]; id++) {
		snprintf(oid, sizeof(oid), "m.%016x.00000000", id);
		if (st->ops->meta_read(st->priv, oid, meta, sizeof(meta),
				       &len, &ver))
			oid[0] = '\0';
	}
	if (!oid[0])
		T_FAIL("no map chunk found");
	/* in both of its copies */
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "%s%s", oid, i ? ".b" : "");
		T_OK(st->ops->meta_read(st->priv, name, meta, sizeof(meta),
					&len, &ver));
		meta[48] ^= 0x40;
		T_OK(st->ops->meta_cas(st->priv, name, meta, len, ver, &nver));
	}
	cvol_store_close(st);

	pool = t_pool(&conf);
	T_OK(cvol_vol_open(pool, "v", NULL, CVOL_OPEN_RDONLY, &v));
	T_ERR(cvol_vol_read(v, buf, 0, 512), -EILSEQ, "bad checksum: expected 0x");
	if (!strstr(cvol_errmsg(), ", found 0x"))
		T_FAIL("message lacks found value: %s", cvol_errmsg());
	if (!strstr(cvol_errmsg(), "(copy a); map chunk ") ||
	    !strstr(cvol_errmsg(), "(copy b); no good copy"))
		T_FAIL("message does not name both copies: %s", cvol_errmsg());
	T_OK(cvol_vol_close(v));
	/* what the bad chunk references is unknown: repair removes nothing */
	T_ERR(cvol_pool_check(pool, true, &rep, NULL, NULL), -EILSEQ,
	      "repair refused: 1 map chunks or headers failed verification");
	if (rep.bad_checksums != 1 || rep.repaired)
		T_FAIL("check: %" PRIu64 " bad checksums", rep.bad_checksums);
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.bad_checksums != 1)
		T_FAIL("repair removed the bad chunk");
	return t_pass(pool);
}
