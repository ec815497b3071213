// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What tells volumes apart beyond their names (cvold records it in the
 * kernel device, Documentation/uapi.md "Backend identity"): every pool
 * has a random identity, fixed once created and different from every
 * other pool's, in the self-checking object cvol.id; a volume's id is
 * never reused in its pool, so a volume removed (or renamed away) and
 * created again under its name has another id; a snapshot's layer id is
 * fixed for the snapshot's life.
 */
#include "testlib.h"
#include "engine/format.h"

static void uuid_of(const struct cvol_store_conf *conf, char *out)
{
	struct cvol_pool *pool = t_pool((struct cvol_store_conf *)conf);
	const char *u = cvol_pool_uuid(pool);
	size_t i;

	if (strlen(u) != 2 * CVOL_POOL_UUID_LEN)
		T_FAIL("pool uuid '%s': not %d characters", u,
		       2 * CVOL_POOL_UUID_LEN);
	for (i = 0; u[i]; i++)
		if (!strchr("0123456789abcdef", u[i]))
			T_FAIL("pool uuid '%s': not lowercase hex", u);
	strcpy(out, u);
	cvol_pool_close(pool);
}

int main(void)
{
	char a[40], a2[40], b[40];
	struct cvol_store_conf ca, cb;
	struct cvol_vol_info i1, i2, s1, s2;
	struct cvol_pool *pool;
	struct cvol_store *st;
	uint8_t buf[CVOL_ID_LEN];
	uint64_t ver, nver;
	size_t len;

	t_conf(&ca);
	uuid_of(&ca, a);
	uuid_of(&ca, a2);
	if (strcmp(a, a2))
		T_FAIL("pool uuid changed across opens: %s, then %s", a, a2);
	t_conf(&cb);
	uuid_of(&cb, b);
	if (!strcmp(a, b))
		T_FAIL("two pools share the uuid %s", a);

	/* the same name again is another volume: its id differs */
	pool = t_pool(&ca);
	T_OK(cvol_vol_create(pool, "v", 1 << 20, 16));
	T_OK(cvol_snap_create(pool, "v", "s"));
	T_OK(cvol_vol_info(pool, "v", NULL, &i1));
	T_OK(cvol_vol_info(pool, "v", "s", &s1));
	if (!i1.vol_id || s1.vol_id != i1.vol_id || s1.layer_id == i1.layer_id)
		T_FAIL("ids: head vol %" PRIu64 " layer %" PRIu64
		       ", snapshot vol %" PRIu64 " layer %" PRIu64,
		       i1.vol_id, i1.layer_id, s1.vol_id, s1.layer_id);
	T_OK(cvol_vol_rename(pool, "v", "old"));
	T_OK(cvol_vol_create(pool, "v", 1 << 20, 16));
	T_OK(cvol_snap_create(pool, "v", "s"));
	T_OK(cvol_vol_info(pool, "v", NULL, &i2));
	T_OK(cvol_vol_info(pool, "v", "s", &s2));
	if (i2.vol_id == i1.vol_id || s2.layer_id == s1.layer_id)
		T_FAIL("re-created 'v' kept vol id %" PRIu64
		       " or snapshot layer %" PRIu64,
		       i2.vol_id, s2.layer_id);
	/* renamed, the old volume keeps its id */
	T_OK(cvol_vol_info(pool, "old", NULL, &i2));
	if (i2.vol_id != i1.vol_id)
		T_FAIL("rename changed the vol id: %" PRIu64 " -> %" PRIu64,
		       i1.vol_id, i2.vol_id);
	cvol_pool_close(pool);

	/* cvol.id is checked like every metadata object */
	T_OK(cvol_store_open(&ca, &st));
	T_OK(st->ops->meta_read(st->priv, CVOL_ID_OID, buf, sizeof(buf), &len,
				&ver));
	if (len != CVOL_ID_LEN)
		T_FAIL("cvol.id: %zu bytes, expected %d", len, CVOL_ID_LEN);
	buf[40] ^= 1;
	T_OK(st->ops->meta_cas(st->priv, CVOL_ID_OID, buf, len, ver, &nver));
	cvol_store_close(st);
	T_ERR(cvol_pool_open(&ca, &pool), -EILSEQ,
	      "pool identity: bad checksum");
	return 0;
}
