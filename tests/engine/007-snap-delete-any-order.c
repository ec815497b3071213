// SPDX-License-Identifier: LGPL-2.1-or-later
/* Deleting each position of a snapshot chain (oldest, middle, newest,
 * and a snapshot two children need after a rollback) keeps every other
 * snapshot, the head and a clone hanging off the chain reading exactly
 * what they read before, and leaves a clean pool. */
#include "testlib.h"

#define N 4
#define SIZE (4 * 65536)

static uint8_t snapdata[N][SIZE], head[SIZE], clone[SIZE];

static void expect(struct cvol_pool *pool, const char *vol, const char *snap,
		   const uint8_t *want)
{
	static uint8_t got[SIZE];
	struct cvol_vol *v;

	T_OK(cvol_vol_open(pool, vol, snap, CVOL_OPEN_RDONLY, &v));
	T_OK(cvol_vol_read(v, got, 0, SIZE));
	if (memcmp(got, want, SIZE))
		T_FAIL("%s@%s differs", vol, snap ? snap : "head");
	T_OK(cvol_vol_close(v));
}

static void build(struct cvol_pool *pool, const char *name)
{
	struct cvol_vol *v;
	char sn[8];
	int i;

	T_OK(cvol_vol_create(pool, name, SIZE, 16));
	T_OK(cvol_vol_open(pool, name, NULL, 0, &v));
	for (i = 0; i < N; i++) {
		/* each snapshot changes a different mix of objects */
		t_fill(head + i * 65536 / 2, 65536, 40 + i);
		T_OK(cvol_vol_write(v, head + i * 65536 / 2, i * 65536 / 2,
				    65536, 0));
		if (i == 2) {
			T_OK(cvol_vol_discard(v, 0, 65536));
			memset(head, 0, 65536);
		}
		snprintf(sn, sizeof(sn), "s%d", i);
		T_OK(cvol_snap_create(pool, name, sn));
		memcpy(snapdata[i], head, SIZE);
	}
	t_fill(head + 3 * 65536, 65536, 50);
	T_OK(cvol_vol_write(v, head + 3 * 65536, 3 * 65536, 65536, 0));
	T_OK(cvol_vol_close(v));
}

static void check_clean(struct cvol_pool *pool)
{
	struct cvol_check_report rep;

	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.unreferenced || rep.dangling || rep.bad_checksums)
		T_FAIL("check: %" PRIu64 " unreferenced %" PRIu64 " dangling",
		       rep.unreferenced, rep.dangling);
}

int main(void)
{
	static const int order[][N] = {
		{ 0, 1, 2, 3 }, { 3, 2, 1, 0 }, { 1, 3, 0, 2 }, { 2, 0, 3, 1 },
	};
	struct cvol_store_conf conf;
	struct cvol_pool *pool;
	struct cvol_vol *c;
	bool gone[N];
	char sn[8];
	size_t t;
	int i, k;

	for (t = 0; t < sizeof(order) / sizeof(order[0]); t++) {
		t_conf(&conf);
		pool = t_pool(&conf);
		memset(head, 0, SIZE);
		build(pool, "v");
		/* a clone off s1 that diverges */
		T_OK(cvol_clone(pool, "v", "s1", "c"));
		memcpy(clone, snapdata[1], SIZE);
		t_fill(clone + 512, 512, 60);
		T_OK(cvol_vol_open(pool, "c", NULL, 0, &c));
		T_OK(cvol_vol_write(c, clone + 512, 512, 512, 0));
		T_OK(cvol_vol_close(c));
		memset(gone, 0, sizeof(gone));
		for (k = 0; k < N; k++) {
			i = order[t][k];
			snprintf(sn, sizeof(sn), "s%d", i);
			if (i == 1) {
				T_ERR(cvol_snap_remove(pool, "v", sn), -EBUSY,
				      "has clones: c");
				T_OK(cvol_flatten(pool, "c", NULL, NULL));
			}
			T_OK(cvol_snap_remove(pool, "v", sn));
			gone[i] = true;
			for (int j = 0; j < N; j++) {
				snprintf(sn, sizeof(sn), "s%d", j);
				if (!gone[j])
					expect(pool, "v", sn, snapdata[j]);
			}
			expect(pool, "v", NULL, head);
			expect(pool, "c", NULL, clone);
			check_clean(pool);
		}
		cvol_pool_close(pool);
	}

	/* a snapshot with two children (rollback head and newer snapshot) */
	t_conf(&conf);
	pool = t_pool(&conf);
	memset(head, 0, SIZE);
	build(pool, "v");
	T_OK(cvol_snap_rollback(pool, "v", "s1"));
	T_OK(cvol_snap_remove(pool, "v", "s1")); /* kept hidden */
	expect(pool, "v", NULL, snapdata[1]);
	expect(pool, "v", "s2", snapdata[2]);
	T_OK(cvol_snap_remove(pool, "v", "s2")); /* hidden s1 merges now */
	T_OK(cvol_snap_remove(pool, "v", "s3"));
	expect(pool, "v", NULL, snapdata[1]);
	expect(pool, "v", "s0", snapdata[0]);
	check_clean(pool);
	T_OK(cvol_vol_remove(pool, "v"));
	T_OK(cvol_vol_remove(pool, "c") == -ENOENT ? 0 : -1);
	check_clean(pool);
	cvol_pool_close(pool);
	printf("ok\n");
	return 0;
}
