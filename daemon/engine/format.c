// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Encoding, decoding and verification of the on-disk structures; the
 * layout is documented in format.h and Documentation/on-disk-format.md.
 *
 * Common 48-byte header of every metadata object:
 *
 *   0  u32 magic        8  u32 compat      20 u32 crc32c (of the whole
 *   4  u16 version     12  u32 ro_compat         object, this field 0)
 *   6  u16 hdr_len     16  u32 incompat    24 .. 47 type specific
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/format.h"

#define DIR_VOL_LEN (8 + 8 + 8 + 64 + 4 + 4)
#define DIR_KV_LEN (64 + 256)
#define DIR_LAYER_LEN (5 * 8 + 1 + 1 + 6 + 64)

static uint32_t crc32c_table[256];
static pthread_once_t crc32c_once = PTHREAD_ONCE_INIT;

static void crc32c_init(void)
{
	uint32_t i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc32c_table[i] = c;
	}
}

uint32_t cvol_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	pthread_once(&crc32c_once, crc32c_init);
	crc = ~crc;
	while (len--)
		crc = crc32c_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* continue a crc32c over more bytes */
static uint32_t cvol_crc32c_more(uint32_t crc, const void *buf, size_t len)
{
	return cvol_crc32c(crc, buf, len);
}

static void put16(uint8_t *p, uint16_t v)
{
	v = htole16(v);
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return le16toh(v);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

static void put_hdr(uint8_t *p, uint32_t magic)
{
	memset(p, 0, CVOL_HDR_LEN);
	put32(p, magic);
	put16(p + 4, CVOL_FMT_VERSION);
	put16(p + 6, CVOL_HDR_LEN);
}

static void seal(uint8_t *p, size_t len)
{
	put32(p + 20, 0);
	put32(p + 20, cvol_crc32c(0, p, len));
}

/* verify the common header and checksum of a @len-byte object */
static int check_hdr(const uint8_t *p, size_t len, uint32_t magic,
		     const char *what)
{
	static const uint8_t zero4[4];
	uint32_t want, got;

	if (len < CVOL_HDR_LEN)
		return cvol_seterr(-EILSEQ,
				   "%s: %zu bytes, expected at least %d", what,
				   len, CVOL_HDR_LEN);
	if (get32(p) != magic)
		return cvol_seterr(-EILSEQ,
				   "%s: bad magic: expected 0x%08x, found 0x%08x",
				   what, magic, get32(p));
	if (get16(p + 4) != CVOL_FMT_VERSION)
		return cvol_seterr(-EILSEQ,
				   "%s: bad version: expected %d, found %u",
				   what, CVOL_FMT_VERSION, get16(p + 4));
	if (get16(p + 6) != CVOL_HDR_LEN)
		return cvol_seterr(-EILSEQ,
				   "%s: bad header length: expected %d, found %u",
				   what, CVOL_HDR_LEN, get16(p + 6));
	want = get32(p + 20);
	/* checksum with the crc field taken as zero */
	got = cvol_crc32c(0, p, 20);
	got = cvol_crc32c_more(got, zero4, 4);
	got = cvol_crc32c_more(got, p + 24, len - 24);
	if (want != got)
		return cvol_seterr(-EILSEQ,
				   "%s: bad checksum: expected 0x%08x, found 0x%08x",
				   what, want, got);
	if (get32(p + 16) & ~CVOL_FEAT_INCOMPAT_ALL)
		return cvol_seterr(-EOPNOTSUPP,
				   "%s: unknown incompatible features 0x%x",
				   what, get32(p + 16) &
					 ~CVOL_FEAT_INCOMPAT_ALL);
	return 0;
}

int cvol_ro_compat_check(uint32_t ro_compat, const char *what)
{
	if (ro_compat & ~CVOL_FEAT_RO_COMPAT_ALL)
		return cvol_seterr(-EROFS,
				   "%s: unknown read-only-compatible features 0x%x: read-only",
				   what, ro_compat & ~CVOL_FEAT_RO_COMPAT_ALL);
	return 0;
}

static void put_str(uint8_t *p, const char *s, size_t cap)
{
	size_t n = strnlen(s, cap - 1);

	memset(p, 0, cap);
	memcpy(p, s, n);
}

/*
 * A NUL-terminated string of a @cap-byte field: what follows the NUL is
 * not part of it and is not kept (so a decoded record is the same however
 * the writer padded it, and encodes back the same).
 */
static int get_str(char *dst, const uint8_t *p, size_t cap)
{
	const uint8_t *nul = memchr(p, '\0', cap);

	if (!nul)
		return -EILSEQ;
	memset(dst, 0, cap);
	memcpy(dst, p, nul - p);
	return 0;
}

int cvol_dir_encode(const struct cvol_dir *dir, void **out, size_t *len)
{
	size_t n = CVOL_HDR_LEN, off;
	uint32_t i, k;
	uint8_t *p;

	for (i = 0; i < dir->nvols; i++)
		n += DIR_VOL_LEN + dir->vols[i].nkv * DIR_KV_LEN;
	n += (size_t)dir->nlayers * DIR_LAYER_LEN;
	p = calloc(1, n);
	if (!p)
		return cvol_seterr(-ENOMEM, "out of memory");
	put_hdr(p, CVOL_DIR_MAGIC);
	put32(p + 24, n);
	put32(p + 28, dir->nvols);
	put32(p + 32, dir->nlayers);
	put64(p + 40, dir->next_id);
	off = CVOL_HDR_LEN;
	for (i = 0; i < dir->nvols; i++) {
		const struct cvol_vol_rec *v = &dir->vols[i];

		put64(p + off, v->id);
		put64(p + off + 8, v->head);
		put64(p + off + 16, v->created);
		put_str(p + off + 24, v->name, 64);
		put32(p + off + 88, v->nkv);
		off += DIR_VOL_LEN;
		for (k = 0; k < v->nkv; k++) {
			put_str(p + off, v->kv[k].key, 64);
			put_str(p + off + 64, v->kv[k].val, 256);
			off += DIR_KV_LEN;
		}
	}
	for (i = 0; i < dir->nlayers; i++) {
		const struct cvol_layer_rec *l = &dir->layers[i];

		put64(p + off, l->id);
		put64(p + off + 8, l->parent);
		put64(p + off + 16, l->vol_id);
		put64(p + off + 24, l->size);
		put64(p + off + 32, l->created);
		p[off + 40] = l->order;
		p[off + 41] = l->kind;
		put_str(p + off + 48, l->name, 64);
		off += DIR_LAYER_LEN;
	}
	seal(p, n);
	*out = p;
	*len = n;
	return 0;
}

int cvol_dir_decode(const void *buf, size_t len, struct cvol_dir *dir)
{
	const uint8_t *p = buf;
	size_t off, total;
	uint32_t i, k;
	int ret;

	memset(dir, 0, sizeof(*dir));
	ret = check_hdr(p, len, CVOL_DIR_MAGIC, "pool directory");
	if (ret)
		return ret;
	total = get32(p + 24);
	if (total != len)
		return cvol_seterr(-EILSEQ,
				   "pool directory: length: expected %zu, found %zu",
				   len, total);
	dir->ro_compat = get32(p + 12);
	dir->nvols = get32(p + 28);
	dir->nlayers = get32(p + 32);
	dir->next_id = get64(p + 40);
	if (dir->nvols > len / DIR_VOL_LEN || dir->nlayers > len / DIR_LAYER_LEN)
		goto out_short;
	dir->vols = calloc(dir->nvols ? dir->nvols : 1, sizeof(*dir->vols));
	dir->layers = calloc(dir->nlayers ? dir->nlayers : 1,
			     sizeof(*dir->layers));
	if (!dir->vols || !dir->layers) {
		cvol_dir_free(dir);
		return cvol_seterr(-ENOMEM, "out of memory");
	}
	off = CVOL_HDR_LEN;
	for (i = 0; i < dir->nvols; i++) {
		struct cvol_vol_rec *v = &dir->vols[i];

		if (len - off < DIR_VOL_LEN)
			goto out_short;
		v->id = get64(p + off);
		v->head = get64(p + off + 8);
		v->created = get64(p + off + 16);
		if (get_str(v->name, p + off + 24, 64))
			goto out_bad_str;
		v->nkv = get32(p + off + 88);
		off += DIR_VOL_LEN;
		if (v->nkv > CVOL_KV_MAX)
			goto out_bad_kv;
		for (k = 0; k < v->nkv; k++) {
			if (len - off < DIR_KV_LEN)
				goto out_short;
			if (get_str(v->kv[k].key, p + off, 64) ||
			    get_str(v->kv[k].val, p + off + 64, 256))
				goto out_bad_str;
			off += DIR_KV_LEN;
		}
	}
	for (i = 0; i < dir->nlayers; i++) {
		struct cvol_layer_rec *l = &dir->layers[i];

		if (len - off < DIR_LAYER_LEN)
			goto out_short;
		l->id = get64(p + off);
		l->parent = get64(p + off + 8);
		l->vol_id = get64(p + off + 16);
		l->size = get64(p + off + 24);
		l->created = get64(p + off + 32);
		l->order = p[off + 40];
		l->kind = p[off + 41];
		if (get_str(l->name, p + off + 48, 64))
			goto out_bad_str;
		if (l->order < CVOL_ORDER_MIN || l->order > CVOL_ORDER_MAX ||
		    l->kind < CVOL_LAYER_HEAD || l->kind > CVOL_LAYER_HIDDEN ||
		    !l->id || l->id == CVOL_E_ZERO) {
			/* l points into dir->layers: report before freeing */
			ret = cvol_seterr(-EILSEQ,
					  "pool directory: layer %u: bad order %u or kind %u",
					  i, l->order, l->kind);
			cvol_dir_free(dir);
			return ret;
		}
		off += DIR_LAYER_LEN;
	}
	if (off != len)
		goto out_short;
	return 0;

out_short:
	cvol_dir_free(dir);
	return cvol_seterr(-EILSEQ,
			   "pool directory: record counts (%u volumes, %u layers) do not match its %zu bytes",
			   dir->nvols, dir->nlayers, len);
out_bad_kv:
	cvol_dir_free(dir);
	return cvol_seterr(-EILSEQ,
			   "pool directory: expected at most %d metadata pairs, found more",
			   CVOL_KV_MAX);
out_bad_str:
	cvol_dir_free(dir);
	return cvol_seterr(-EILSEQ,
			   "pool directory: expected a NUL-terminated name, found none");
}

void cvol_dir_free(struct cvol_dir *dir)
{
	free(dir->vols);
	free(dir->layers);
	dir->vols = NULL;
	dir->layers = NULL;
}

void cvol_chunk_encode(uint64_t layer, uint64_t chunk, const uint64_t *e,
		       void *buf)
{
	uint8_t *p = buf;
	int i;

	put_hdr(p, CVOL_CHUNK_MAGIC);
	put64(p + 24, layer);
	put64(p + 32, chunk);
	put32(p + 40, CVOL_CHUNK_ENTRIES);
	for (i = 0; i < CVOL_CHUNK_ENTRIES; i++)
		put64(p + CVOL_HDR_LEN + 8 * i, e[i]);
	seal(p, CVOL_CHUNK_SIZE);
}

int cvol_chunk_decode(const void *buf, size_t len, uint64_t layer,
		      uint64_t chunk, uint64_t *e, uint32_t *ro_compat)
{
	const uint8_t *p = buf;
	char what[80];
	int i, ret;

	snprintf(what, sizeof(what), "map chunk %" PRIx64 ".%" PRIx64, layer,
		 chunk);
	ret = check_hdr(p, len, CVOL_CHUNK_MAGIC, what);
	if (ret)
		return ret;
	if (len != CVOL_CHUNK_SIZE)
		return cvol_seterr(-EILSEQ, "%s: size: expected %d, found %zu",
				   what, CVOL_CHUNK_SIZE, len);
	if (get64(p + 24) != layer || get64(p + 32) != chunk)
		return cvol_seterr(-EILSEQ,
				   "%s: identity: expected %" PRIx64 ".%" PRIx64
				   ", found %" PRIx64 ".%" PRIx64,
				   what, layer, chunk, get64(p + 24),
				   get64(p + 32));
	if (get32(p + 40) != CVOL_CHUNK_ENTRIES)
		return cvol_seterr(-EILSEQ,
				   "%s: entries: expected %d, found %u", what,
				   CVOL_CHUNK_ENTRIES, get32(p + 40));
	for (i = 0; i < CVOL_CHUNK_ENTRIES; i++)
		e[i] = get64(p + CVOL_HDR_LEN + 8 * i);
	*ro_compat = get32(p + 12);
	return 0;
}

void cvol_id_encode(const uint8_t uuid[CVOL_POOL_UUID_LEN], void *buf)
{
	uint8_t *p = buf;

	put_hdr(p, CVOL_ID_MAGIC);
	put32(p + 24, CVOL_ID_LEN);
	memcpy(p + 32, uuid, CVOL_POOL_UUID_LEN);
	seal(p, CVOL_ID_LEN);
}

int cvol_id_decode(const void *buf, size_t len,
		   uint8_t uuid[CVOL_POOL_UUID_LEN])
{
	static const uint8_t zero[CVOL_POOL_UUID_LEN];
	const uint8_t *p = buf;
	int ret;

	ret = check_hdr(p, len, CVOL_ID_MAGIC, "pool identity");
	if (ret)
		return ret;
	if (len != CVOL_ID_LEN || get32(p + 24) != CVOL_ID_LEN)
		return cvol_seterr(
			-EILSEQ, "pool identity: size: expected %d, found %zu",
			CVOL_ID_LEN, len);
	if (!memcmp(p + 32, zero, CVOL_POOL_UUID_LEN))
		return cvol_seterr(-EILSEQ, "pool identity: all zero");
	memcpy(uuid, p + 32, CVOL_POOL_UUID_LEN);
	return 0;
}

/* where a copy's sequence number lives: a reserved u32 of each type */
static size_t seq_off(const uint8_t *p)
{
	return get32(p) == CVOL_DIR_MAGIC ? 36 : 44;
}

int cvol_meta_check(const void *buf, size_t len, uint32_t magic,
		    const char *what, uint32_t *seq, bool *legacy)
{
	const uint8_t *p = buf;
	int ret;

	ret = check_hdr(p, len, magic, what);
	if (ret)
		return ret;
	*legacy = !(get32(p + 16) & CVOL_FEAT_INCOMPAT_COPIES);
	*seq = get32(p + seq_off(p));
	return 0;
}

void cvol_meta_stamp(void *buf, size_t len, uint32_t seq)
{
	uint8_t *p = buf;

	put32(p + 16, get32(p + 16) | CVOL_FEAT_INCOMPAT_COPIES);
	put32(p + seq_off(p), seq);
	seal(p, len);
}

void cvol_chunk_oid(char *buf, size_t cap, uint64_t layer, uint64_t chunk)
{
	snprintf(buf, cap, "m.%016" PRIx64 ".%08" PRIx64, layer, chunk);
}

void cvol_data_oid(char *buf, size_t cap, uint64_t layer, uint64_t idx)
{
	snprintf(buf, cap, "d.%016" PRIx64 ".%012" PRIx64, layer, idx);
}
