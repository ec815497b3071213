/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * In-memory store driver ("mem") with simulated power cuts, for tests.
 *
 * A mem store is named by its conf->path: every open of one path in a
 * process shares one "disk" that outlives the instances (like a file
 * system outlives a daemon).  Each object keeps its durable content (as of
 * the last flush) and its current content; meta_cas() is durable at once.
 */
#ifndef CVOL_STORE_MEM_H
#define CVOL_STORE_MEM_H

#include <stdint.h>

/* cvol_store_mem_powercut() modes */
enum cvol_mem_cut {
	CVOL_MEM_CUT_LOSE, /* every unflushed change is lost */
	CVOL_MEM_CUT_TORN, /* each unflushed change: lost, kept, or mixed
			    * per 4 KiB block, chosen by @seed */
};

/**
 * cvol_store_mem_fail_after() - make every store operation on disk @path
 * fail with -EIO after @nops more operations (0: stop failing).
 * Return: 0, or -ENOENT if no such disk.
 */
int cvol_store_mem_fail_after(const char *path, uint64_t nops);

/* the operations cvol_store_mem_op_counts() tells apart */
enum cvol_mem_op {
	CVOL_MEM_OP_READ,
	CVOL_MEM_OP_WRITE,
	CVOL_MEM_OP_WRITE_FULL,
	CVOL_MEM_OP_PUNCH,
	CVOL_MEM_OP_REMOVE,
	CVOL_MEM_OP_STAT,
	CVOL_MEM_OP_COPY,
	CVOL_MEM_OP_LIST,
	CVOL_MEM_OP_META_READ,
	CVOL_MEM_OP_META_CAS,
	CVOL_MEM_OP_FLUSH,
	CVOL_MEM_OP_LOCK,
	CVOL_MEM_OP_KINDS,
};

/**
 * cvol_store_mem_op_counts() - operations done on disk @path so far, by
 * kind, into @counts.  Return: 0, or -ENOENT if no such disk.
 */
int cvol_store_mem_op_counts(const char *path,
			     uint64_t counts[CVOL_MEM_OP_KINDS]);

/** cvol_store_mem_ops_count() - operations done on disk @path so far */
uint64_t cvol_store_mem_ops_count(const char *path);

/**
 * cvol_store_mem_powercut() - simulate a power cut on disk @path: apply
 * @mode to every change since the last flush, drop all locks, stop any
 * injected failure.  Instances still open must not be used afterwards
 * except to close them.
 */
int cvol_store_mem_powercut(const char *path, enum cvol_mem_cut mode,
			    uint64_t seed);

/** cvol_store_mem_destroy() - free disk @path (no instance may be open) */
void cvol_store_mem_destroy(const char *path);

#endif /* CVOL_STORE_MEM_H */
