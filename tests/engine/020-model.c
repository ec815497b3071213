// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host rados */
/* cvol-timeout: 400 */
/*
 * Model test: long random sequences of write, discard, write-zeroes,
 * flush, snapshot create/remove, clone, rollback, flatten, resize and
 * close/reopen against an in-memory reference model; every read (and a
 * full comparison of every volume and snapshot now and then) is compared
 * byte for byte.  Fixed seeds, then one random seed printed up front so a
 * failure can be replayed with CVOL_MODEL_SEED=<seed>.
 * CVOL_MODEL_OPS sets the operations per seed (default 4000, 5 seeds).
 * Without CVOL_TEST_STORE it runs on the mem store: the file store's
 * fsyncs would make 20000 operations take minutes on a busy machine.
 * In the rados lane (CVOL_TEST_STORE=rados) it runs on the cluster,
 * shorter: 2000 operations for seed 1 and for the random seed.
 */
#include <time.h>

#include "testlib.h"

#define ORDER 16
#define OSZ (1u << ORDER)
#define MAXVOL 4
#define MAXSNAP 6
#define MAXSIZE (10 * OSZ)

struct msnap {
	char name[16];
	uint8_t *data;
	uint64_t size;
};

struct mvol {
	char name[16];
	uint8_t *data; /* MAXSIZE bytes; beyond size must stay zero */
	uint64_t size;
	struct msnap snap[MAXSNAP];
	int nsnap;
	struct cvol_vol *h;
	int nclones_of[MAXSNAP]; /* clones made from each snapshot */
	int parent_vol, parent_snap; /* clone source, -1 if none */
};

static struct mvol vols[MAXVOL];
static int nvols;
static struct cvol_pool *pool;
static uint64_t rs;
static int snapno, volno;

static void compare(struct cvol_vol *h, const uint8_t *want, uint64_t size,
		    const char *what, uint64_t op)
{
	uint8_t *got = malloc(size);
	uint64_t i;

	T_OK(cvol_vol_read(h, got, 0, size));
	if (memcmp(got, want, size)) {
		for (i = 0; i < size && got[i] == want[i]; i++)
			;
		T_FAIL("op %" PRIu64 ": %s differs at byte %" PRIu64
		       " (got %02x want %02x)",
		       op, what, i, got[i], want[i]);
	}
	free(got);
}

static void full_check(uint64_t op)
{
	struct cvol_vol *s;
	int i, j;

	for (i = 0; i < nvols; i++) {
		compare(vols[i].h, vols[i].data, vols[i].size, vols[i].name,
			op);
		for (j = 0; j < vols[i].nsnap; j++) {
			T_OK(cvol_vol_open(pool, vols[i].name,
					   vols[i].snap[j].name, 0, &s));
			compare(s, vols[i].snap[j].data, vols[i].snap[j].size,
				vols[i].snap[j].name, op);
			T_OK(cvol_vol_close(s));
		}
	}
}

static void new_vol(const char *name, uint64_t size)
{
	struct mvol *v = &vols[nvols++];

	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->data = calloc(1, MAXSIZE);
	v->size = size;
	v->parent_vol = v->parent_snap = -1;
	T_OK(cvol_vol_open(pool, name, NULL, 0, &v->h));
}

/* a random 512-aligned range inside [0, size) */
static void rand_range(uint64_t size, uint64_t *off, uint64_t *len)
{
	uint64_t secs = size / 512;

	*off = (t_rand(&rs) % secs) * 512;
	switch (t_rand(&rs) % 4) {
	case 0: /* whole objects */
		*off &= ~(uint64_t)(OSZ - 1);
		*len = OSZ * (1 + t_rand(&rs) % 2);
		break;
	case 1: /* small */
		*len = 512 * (1 + t_rand(&rs) % 8);
		break;
	default:
		*len = 512 * (1 + t_rand(&rs) % (3 * OSZ / 512));
		break;
	}
	if (*off + *len > size)
		*len = size - *off;
}

static int can_remove_snap(struct mvol *v, int j)
{
	return v->nclones_of[j] == 0;
}

static void run(uint64_t seed, uint64_t nops)
{
	struct cvol_store_conf conf;
	uint8_t *buf = malloc(3 * OSZ);
	uint64_t op, off, len;
	int i, j, k;

	rs = seed | 1;
	nvols = 0;
	t_conf(&conf);
	pool = t_pool(&conf);
	T_OK(cvol_vol_create(pool, "v0", 6 * OSZ, ORDER));
	new_vol("v0", 6 * OSZ);
	for (op = 0; op < nops; op++) {
		struct mvol *v = &vols[t_rand(&rs) % nvols];
		unsigned int r = t_rand(&rs) % 100;

		if (r < 35) { /* write */
			rand_range(v->size, &off, &len);
			t_fill(buf, len, op ^ seed);
			T_OK(cvol_vol_write(v->h, buf, off, len,
					    r < 2 ? CVOL_WRITE_FUA : 0));
			memcpy(v->data + off, buf, len);
		} else if (r < 45) { /* discard / write zeroes */
			rand_range(v->size, &off, &len);
			if (r & 1)
				T_OK(cvol_vol_discard(v->h, off, len));
			else
				T_OK(cvol_vol_write_zeroes(v->h, off, len));
			memset(v->data + off, 0, len);
		} else if (r < 65) { /* read */
			rand_range(v->size, &off, &len);
			T_OK(cvol_vol_read(v->h, buf, off, len));
			if (memcmp(buf, v->data + off, len))
				T_FAIL("seed %" PRIu64 " op %" PRIu64
				       ": read %s %" PRIu64 "+%" PRIu64
				       " differs",
				       seed, op, v->name, off, len);
		} else if (r < 70) {
			T_OK(cvol_vol_flush(v->h));
		} else if (r < 76 && v->nsnap < MAXSNAP) { /* snapshot */
			struct msnap *s = &v->snap[v->nsnap];

			snprintf(s->name, sizeof(s->name), "s%d", snapno++);
			T_OK(cvol_snap_create(pool, v->name, s->name));
			s->data = malloc(MAXSIZE);
			memcpy(s->data, v->data, MAXSIZE);
			s->size = v->size;
			v->nclones_of[v->nsnap] = 0;
			v->nsnap++;
		} else if (r < 81 && v->nsnap) { /* remove a snapshot */
			j = t_rand(&rs) % v->nsnap;
			if (!can_remove_snap(v, j)) {
				T_ERR(cvol_snap_remove(pool, v->name,
						       v->snap[j].name),
				      -EBUSY, "has clones");
				continue;
			}
			T_OK(cvol_snap_remove(pool, v->name, v->snap[j].name));
			free(v->snap[j].data);
			for (k = j; k < v->nsnap - 1; k++) {
				v->snap[k] = v->snap[k + 1];
				v->nclones_of[k] = v->nclones_of[k + 1];
			}
			v->nsnap--;
			/* clones point at snapshots by index: fix them up */
			for (i = 0; i < nvols; i++)
				if (vols[i].parent_vol == v - vols &&
				    vols[i].parent_snap > j)
					vols[i].parent_snap--;
		} else if (r < 84 && v->nsnap) { /* rollback */
			j = t_rand(&rs) % v->nsnap;
			T_ERR(cvol_snap_rollback(pool, v->name,
						 v->snap[j].name),
			      -EBUSY, "is open");
			T_OK(cvol_vol_close(v->h));
			T_OK(cvol_snap_rollback(pool, v->name,
						v->snap[j].name));
			T_OK(cvol_vol_open(pool, v->name, NULL, 0, &v->h));
			memcpy(v->data, v->snap[j].data, MAXSIZE);
			v->size = v->snap[j].size;
		} else if (r < 87 && v->nsnap && nvols < MAXVOL) { /* clone */
			char name[16];
			struct mvol *c;

			j = t_rand(&rs) % v->nsnap;
			snprintf(name, sizeof(name), "c%d", volno++);
			T_OK(cvol_clone(pool, v->name, v->snap[j].name, name));
			v->nclones_of[j]++;
			i = v - vols;
			new_vol(name, v->snap[j].size);
			c = &vols[nvols - 1];
			memcpy(c->data, vols[i].snap[j].data, MAXSIZE);
			c->parent_vol = i;
			c->parent_snap = j;
		} else if (r < 89 && v->parent_vol >= 0) { /* flatten */
			T_OK(cvol_flatten(pool, v->name, NULL, NULL));
			vols[v->parent_vol].nclones_of[v->parent_snap]--;
			v->parent_vol = v->parent_snap = -1;
		} else if (r < 92) { /* resize */
			uint64_t ns = (1 + t_rand(&rs) % (MAXSIZE / 512)) *
				      512;

			if (ns < v->size) {
				T_ERR(cvol_vol_resize(pool, v->name, ns,
						      false),
				      -EINVAL, "allow shrinking");
				T_OK(cvol_vol_resize(pool, v->name, ns, true));
				memset(v->data + ns, 0, MAXSIZE - ns);
			} else {
				T_OK(cvol_vol_resize(pool, v->name, ns,
						     false));
			}
			v->size = ns;
		} else if (r < 94) { /* close and reopen */
			T_OK(cvol_vol_close(v->h));
			T_OK(cvol_vol_open(pool, v->name, NULL, 0, &v->h));
		} else if (r < 95) {
			full_check(op);
		}
	}
	full_check(nops);
	/* a reopened pool sees the same thing */
	for (i = 0; i < nvols; i++)
		T_OK(cvol_vol_close(vols[i].h));
	cvol_pool_close(pool);
	pool = t_pool(&conf);
	for (i = 0; i < nvols; i++)
		T_OK(cvol_vol_open(pool, vols[i].name, NULL, 0, &vols[i].h));
	full_check(nops);
	{
		struct cvol_check_report rep;

		T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
		if (rep.dangling || rep.bad_checksums || rep.unreferenced)
			T_FAIL("seed %" PRIu64 ": check: %" PRIu64
			       " dangling, %" PRIu64 " bad, %" PRIu64
			       " unreferenced",
			       seed, rep.dangling, rep.bad_checksums,
			       rep.unreferenced);
	}
	for (i = 0; i < nvols; i++) {
		T_OK(cvol_vol_close(vols[i].h));
		free(vols[i].data);
		for (j = 0; j < vols[i].nsnap; j++)
			free(vols[i].snap[j].data);
	}
	cvol_pool_close(pool);
	if (conf.driver && !strcmp(conf.driver, "mem"))
		cvol_store_mem_destroy(conf.path);
	free(buf);
	printf("seed %" PRIu64 ": %" PRIu64 " operations, %d volumes ok\n",
	       seed, nops, nvols);
}

int main(void)
{
	const char *env = getenv("CVOL_MODEL_SEED");
	const char *nenv = getenv("CVOL_MODEL_OPS");
	const char *store = getenv("CVOL_TEST_STORE");
	bool rados = store && !strcmp(store, "rados");
	uint64_t nops = nenv ? strtoull(nenv, NULL, 0) : rados ? 2000 : 4000;
	/* 26125448111: flatten of a clone shrunk below its snapshot */
	uint64_t seeds[] = { 1, 2, 42, 26125448111ull };
	size_t nseeds = rados ? 1 : sizeof(seeds) / sizeof(seeds[0]);
	uint64_t rnd = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
	size_t i;

	setenv("CVOL_TEST_STORE", store ?: "mem", 0);
	if (env) {
		run(strtoull(env, NULL, 0), nops);
		return 0;
	}
	for (i = 0; i < nseeds; i++)
		run(seeds[i], nops);
	printf("random seed %" PRIu64 " (replay: CVOL_MODEL_SEED=%" PRIu64
	       ")\n", rnd, rnd);
	run(rnd, nops);
	return 0;
}
