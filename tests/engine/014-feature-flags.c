// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The header every metadata object starts with, enforced as documented
 * (Documentation/on-disk-format.md): a wrong magic, version or header
 * length is -EILSEQ naming what was expected and found; an unknown
 * incompat feature refuses the pool (-EOPNOTSUPP); an unknown ro_compat
 * feature leaves it readable (list, read-only open, read, check) but
 * refuses every change (-EROFS: read-write open, create, check --repair);
 * a map chunk with one reads but is never rewritten (-EROFS on the write
 * that would); unknown compat features are ignored.
 */
#include "testlib.h"
#include "engine/format.h"

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/*
 * Set the 32-bit field at @off of both copies of metadata object @oid
 * (<oid> and <oid>.b) to @val and reseal their checksums, or (@flip) XOR
 * @val into it and keep the old checksum.
 */
static void patch(const struct cvol_store_conf *conf, const char *oid,
		  size_t off, uint32_t val, bool flip)
{
	static uint8_t meta[1 << 20];
	struct cvol_store *st;
	uint64_t ver, nver;
	char name[80];
	size_t len;
	int i;

	T_OK(cvol_store_open(conf, &st));
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "%s%s", oid, i ? ".b" : "");
		T_OK(st->ops->meta_read(st->priv, name, meta, sizeof(meta),
					&len, &ver));
		put_le32(meta + off, flip ? get_le32(meta + off) ^ val : val);
		if (!flip) {
			put_le32(meta + 20, 0);
			put_le32(meta + 20, cvol_crc32c(0, meta, len));
		}
		T_OK(st->ops->meta_cas(st->priv, name, meta, len, ver, &nver));
	}
	cvol_store_close(st);
}

/* a pool with volume "v": 128 KiB of known data in two 64 KiB objects */
static void setup(struct cvol_store_conf *conf, char *data)
{
	struct cvol_pool *pool;
	struct cvol_vol *v;

	t_conf(conf);
	pool = t_pool(conf);
	T_OK(cvol_vol_create(pool, "v", 1 << 20, 16));
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	t_fill(data, 131072, 14);
	T_OK(cvol_vol_write(v, data, 0, 131072, 0));
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);
}

static void expect_data(struct cvol_vol *v, const char *data)
{
	static char got[131072];

	T_OK(cvol_vol_read(v, got, 0, sizeof(got)));
	if (memcmp(got, data, sizeof(got)))
		T_FAIL("data differs");
}

/* the head's only map chunk (layer ids are small and start at 1) */
static void head_chunk(const struct cvol_store_conf *conf, char *oid)
{
	struct cvol_store *st;
	uint8_t meta[CVOL_CHUNK_SIZE];
	uint64_t ver;
	size_t len;
	int id;

	T_OK(cvol_store_open(conf, &st));
	for (id = 1; id < 8; id++) {
		cvol_chunk_oid(oid, 64, id, 0);
		if (!st->ops->meta_read(st->priv, oid, meta, sizeof(meta),
					&len, &ver))
			break;
	}
	cvol_store_close(st);
	if (id == 8)
		T_FAIL("no map chunk found");
}

/* directory headers no pool may open with */
static const struct refused {
	size_t off;
	uint32_t val;
	bool flip;
	int err;
	const char *msg;
} refused[] = {
	/* bad magic, version, header length: expected and found */
	{ 0, 0x11223344, false, -EILSEQ,
	  "pool directory: bad magic: expected 0x52445643, found 0x11223344" },
	{ 4, 0x00300002, false, -EILSEQ,
	  "pool directory: bad version: expected 1, found 2" },
	{ 4, 0x00400001, false, -EILSEQ,
	  "pool directory: bad header length: expected 48, found 64" },
	/* an unknown incompat feature */
	{ 16, 0x80000000, false, -EOPNOTSUPP,
	  "pool directory: unknown incompatible features 0x80000000" },
	/* a flipped bit without a new checksum */
	{ 12, 0x1, true, -EILSEQ,
	  "pool directory: bad checksum: expected 0x" },
};

int main(void)
{
	static char data[131072], other[65536];
	struct cvol_store_conf conf;
	struct cvol_check_report rep;
	struct cvol_pool *pool;
	struct cvol_vol *v;
	char oid[64];
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		setup(&conf, data);
		patch(&conf, CVOL_DIR_OID, refused[i].off, refused[i].val,
		      refused[i].flip);
		T_ERR(cvol_pool_open(&conf, &pool), refused[i].err,
		      refused[i].msg);
	}

	/* unknown compat: ignored, everything works */
	setup(&conf, data);
	patch(&conf, CVOL_DIR_OID, 8, 0x40000000, false);
	pool = t_pool(&conf);
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	expect_data(v, data);
	T_OK(cvol_vol_write(v, data, 0, 512, 0));
	T_OK(cvol_vol_close(v));
	T_OK(cvol_vol_create(pool, "w", 1 << 20, 16));
	cvol_pool_close(pool);

	/* unknown ro_compat in the directory: readable, never changed */
	setup(&conf, data);
	patch(&conf, CVOL_DIR_OID, 12, 0x20000000, false);
	pool = t_pool(&conf);
	T_OK(cvol_vol_open(pool, "v", NULL, CVOL_OPEN_RDONLY, &v));
	expect_data(v, data);
	T_OK(cvol_vol_close(v));
	T_ERR(cvol_vol_open(pool, "v", NULL, 0, &v), -EROFS,
	      "pool directory: unknown read-only-compatible features 0x20000000: read-only");
	T_ERR(cvol_vol_create(pool, "w", 1 << 20, 16), -EROFS,
	      "unknown read-only-compatible features 0x20000000");
	T_OK(cvol_pool_check(pool, false, &rep, NULL, NULL));
	if (rep.volumes != 1 || rep.bad_checksums)
		T_FAIL("check: %" PRIu64 " volumes, %" PRIu64 " bad",
		       rep.volumes, rep.bad_checksums);
	T_ERR(cvol_pool_check(pool, true, &rep, NULL, NULL), -EROFS,
	      "unknown read-only-compatible features");
	cvol_pool_close(pool);

	/* unknown ro_compat in a map chunk: reads, but is never rewritten */
	setup(&conf, data);
	head_chunk(&conf, oid);
	patch(&conf, oid, 12, 0x00010000, false);
	pool = t_pool(&conf);
	T_OK(cvol_vol_open(pool, "v", NULL, 0, &v));
	expect_data(v, data);
	/* overwriting an allocated object changes no map entry */
	t_fill(other, sizeof(other), 15);
	T_OK(cvol_vol_write(v, other, 0, sizeof(other), 0));
	memcpy(data, other, sizeof(other));
	expect_data(v, data);
	/* allocating a new object would rewrite the chunk */
	T_ERR(cvol_vol_write(v, other, 4 << 16, sizeof(other), 0), -EROFS,
	      "unknown read-only-compatible features 0x10000: read-only");
	/* close retries that commit: refused again, nothing written */
	if (cvol_vol_close(v) != -EROFS)
		T_FAIL("close committed a chunk it may not rewrite");
	cvol_pool_close(pool);

	printf("ok\n");
	return 0;
}
