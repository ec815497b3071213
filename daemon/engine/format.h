/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cvol on-disk structures (see Documentation/on-disk-format.md).
 *
 * Three kinds of metadata objects, all little-endian, all self-checking
 * (magic, version, feature flags, crc32c over the whole object with the
 * crc field taken as zero):
 *
 *   cvol.id                  the pool's identity: 16 random bytes, never
 *                            rewritten
 *   cvol.dir                 the pool directory: volumes, layers, kv
 *   m.<layer:16x>.<chunk:8x> one map chunk of a layer: 1024 entries
 *
 * Data objects are d.<owner layer:16x>.<index:12x>.
 *
 * Decoders never trust the input: every length is checked against the
 * buffer, so they are safe on arbitrary bytes (fuzzed).
 */
#ifndef CVOL_FORMAT_H
#define CVOL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"

#define CVOL_DIR_OID "cvol.dir"
#define CVOL_DIR_MAGIC 0x52445643u /* "CVDR" */
#define CVOL_ID_OID "cvol.id"
#define CVOL_ID_MAGIC 0x44495643u /* "CVID" */
#define CVOL_ID_LEN 48 /* the header alone: the uuid is at offset 32 */
#define CVOL_CHUNK_MAGIC 0x434d5643u /* "CVMC" */
#define CVOL_FMT_VERSION 1
#define CVOL_HDR_LEN 48

/* feature flags: unknown incompat bits refuse to open, unknown ro_compat
 * bits refuse to write, unknown compat bits are ignored */
#define CVOL_FEAT_COMPAT_ALL 0u
#define CVOL_FEAT_RO_COMPAT_ALL 0u
/*
 * COPIES: the object is one of two copies (A/B) of one metadata object,
 * <oid> and <oid>.b, and carries a sequence number (the directory's u32 at
 * 36, a chunk's u32 at 44; reserved and zero without the feature); readers
 * use the good copy with the highest one.  Objects without it are of the
 * single-copy format (sequence number 0).
 */
#define CVOL_FEAT_INCOMPAT_COPIES 0x1u
#define CVOL_FEAT_INCOMPAT_ALL CVOL_FEAT_INCOMPAT_COPIES

/* the name of copy b of metadata object <oid> is <oid> CVOL_COPY_B */
#define CVOL_COPY_B ".b"

/**
 * struct cvol_copies - where the two copies of a metadata object stand,
 * as last read or written (all zero: a new object)
 * @ver: store version of copy a and b (0: missing)
 * @seq: sequence number of the copy in use
 * @used: the copy in use (0: a, 1: b)
 * @bad: bit i set: copy i exists but failed verification
 * @found: a copy was read (false: the object is new)
 * @legacy: the copy in use is of the single-copy format
 */
struct cvol_copies {
	uint64_t ver[2];
	uint32_t seq;
	uint8_t used;
	uint8_t bad;
	bool found;
	bool legacy;
};

#define CVOL_CHUNK_ENTRIES 1024
#define CVOL_CHUNK_SIZE (CVOL_HDR_LEN + CVOL_CHUNK_ENTRIES * 8)

/* map entry values */
#define CVOL_E_ABSENT 0ull /* look in the parent layer */
#define CVOL_E_ZERO UINT64_MAX /* reads as zeros (whiteout) */
/* anything else: id of the layer whose data object holds the data */

#define CVOL_KV_KEY_MAX 63
#define CVOL_KV_VAL_MAX 255
#define CVOL_KV_MAX 64 /* pairs per volume */

/* layer kinds */
enum cvol_layer_kind {
	CVOL_LAYER_HEAD = 1, /* a volume's writable top */
	CVOL_LAYER_SNAP = 2, /* a named, frozen snapshot */
	CVOL_LAYER_HIDDEN = 3, /* deleted snapshot kept for >1 children */
};

struct cvol_kv {
	char key[CVOL_KV_KEY_MAX + 1];
	char val[CVOL_KV_VAL_MAX + 1];
};

struct cvol_layer_rec {
	uint64_t id; /* > 0, never reused */
	uint64_t parent; /* 0: none */
	uint64_t vol_id; /* owning volume */
	uint64_t size; /* bytes */
	uint64_t created; /* unix seconds */
	uint8_t order;
	uint8_t kind; /* enum cvol_layer_kind */
	char name[CVOL_NAME_MAX + 1]; /* snapshot name; "" otherwise */
};

struct cvol_vol_rec {
	uint64_t id;
	uint64_t head; /* head layer id */
	uint64_t created;
	char name[CVOL_NAME_MAX + 1];
	uint32_t nkv;
	struct cvol_kv kv[CVOL_KV_MAX];
};

/* the decoded pool directory */
struct cvol_dir {
	struct cvol_copies copies; /* as read (found false: new) */
	uint32_t ro_compat; /* its ro_compat features (unknown: read-only) */
	uint64_t next_id; /* next volume/layer id */
	uint32_t nvols, nlayers;
	struct cvol_vol_rec *vols;
	struct cvol_layer_rec *layers;
};

uint32_t cvol_crc32c(uint32_t crc, const void *buf, size_t len);

/* returns a malloc'ed buffer in *out, its length in *len */
int cvol_dir_encode(const struct cvol_dir *dir, void **out, size_t *len);
int cvol_dir_decode(const void *buf, size_t len, struct cvol_dir *dir);
/* 0, or -EROFS (message set) if @ro_compat has bits this build lacks */
int cvol_ro_compat_check(uint32_t ro_compat, const char *what);
void cvol_dir_free(struct cvol_dir *dir);

/* @buf must hold CVOL_ID_LEN bytes */
void cvol_id_encode(const uint8_t uuid[CVOL_POOL_UUID_LEN], void *buf);
int cvol_id_decode(const void *buf, size_t len,
		   uint8_t uuid[CVOL_POOL_UUID_LEN]);

/* @buf must hold CVOL_CHUNK_SIZE bytes */
void cvol_chunk_encode(uint64_t layer, uint64_t chunk, const uint64_t *e,
		       void *buf);
/* *ro_compat: the chunk's ro_compat features */
int cvol_chunk_decode(const void *buf, size_t len, uint64_t layer,
		      uint64_t chunk, uint64_t *e, uint32_t *ro_compat);

/*
 * cvol_meta_check() - verify the header and checksum of metadata object
 * @buf (magic @magic, @what for messages) and give its sequence number
 * (0 for the single-copy format, *@legacy true): 0, -EILSEQ or
 * -EOPNOTSUPP with a message
 */
int cvol_meta_check(const void *buf, size_t len, uint32_t magic,
		    const char *what, uint32_t *seq, bool *legacy);
/* cvol_meta_stamp() - make encoded object @buf a copy with @seq, resealed */
void cvol_meta_stamp(void *buf, size_t len, uint32_t seq);

void cvol_chunk_oid(char *buf, size_t cap, uint64_t layer, uint64_t chunk);
void cvol_data_oid(char *buf, size_t cap, uint64_t layer, uint64_t idx);

#endif /* CVOL_FORMAT_H */
