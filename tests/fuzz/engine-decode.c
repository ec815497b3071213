// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target: the decoders of the pool directory, of map chunks and
 * of the pool identity (daemon/engine/format.c) on arbitrary bytes.  A valid input also round-trips:
 * decode(encode(decode(x))) must equal decode(x).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t e[CVOL_CHUNK_ENTRIES], e2[CVOL_CHUNK_ENTRIES];
	uint32_t ro_compat;
	struct cvol_dir dir, again;
	uint8_t chunk[CVOL_CHUNK_SIZE], id[CVOL_ID_LEN];
	uint8_t uuid[CVOL_POOL_UUID_LEN], uuid2[CVOL_POOL_UUID_LEN];
	size_t len;
	void *buf;

	if (cvol_dir_decode(data, size, &dir) == 0) {
		if (cvol_dir_encode(&dir, &buf, &len))
			abort();
		if (cvol_dir_decode(buf, len, &again) ||
		    again.nvols != dir.nvols ||
		    again.nlayers != dir.nlayers ||
		    memcmp(again.layers, dir.layers,
			   dir.nlayers * sizeof(*dir.layers)))
			abort();
		cvol_dir_free(&again);
		free(buf);
		cvol_dir_free(&dir);
	}
	/* chunks name their layer and index; take them from the input */
	if (size >= 40 && cvol_chunk_decode(data, size, data[24], data[32],
					     e, &ro_compat) == 0) {
		cvol_chunk_encode(data[24], data[32], e, chunk);
		if (cvol_chunk_decode(chunk, sizeof(chunk), data[24],
				      data[32], e2, &ro_compat) ||
		    memcmp(e, e2, sizeof(e)))
			abort();
	}
	if (cvol_id_decode(data, size, uuid) == 0) {
		cvol_id_encode(uuid, id);
		if (cvol_id_decode(id, sizeof(id), uuid2) ||
		    memcmp(uuid, uuid2, sizeof(uuid)))
			abort();
	}
	return 0;
}
