/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsmodel: an in-memory POSIX file system with Linux's durability rules,
 * for crash tests of the real file store (daemon/store/file.c).
 *
 * Test programs link tests/lib/fsmodel.o with FSMODEL_WRAP (see
 * tests/lib/build.mk: -Wl,--wrap=openat,... for every libc call file.c
 * makes).  Calls on paths under FSMODEL_ROOT ("/fsmodel") or on the fds
 * and DIR handles the model hands out go to the model; everything else
 * goes to libc.  cvold and libcvolengine.a never link it.
 *
 * What the model promises is what Linux promises, and no more:
 *  - each inode has a current state (the page cache) and a durable one;
 *    writes, truncates and hole punches change the current state and
 *    dirty the 4 KiB pages (and the size) they touch;
 *  - fsync/fdatasync of a file makes its dirty pages and its size
 *    durable; its directory entry is not;
 *  - create, rename and unlink change a directory's current entries;
 *    they become durable on fsync of that directory;
 *  - syncfs makes everything durable;
 *  - space: blocks are counted per 4 KiB page, and a capacity can be
 *    set (fsmodel_set_space), after which allocations fail with ENOSPC;
 *  - a power cut (fsmodel_powercut) keeps the durable state, and for what
 *    is not durable, chosen by the seed: nothing of it, all of it, or per
 *    4 KiB page old or new with a size that is any size the file had since
 *    it was last synced (so a truncate may be durable without the data
 *    written after it);
 *  - a failed writeback (fsmodel_fail_fsync) marks the dirty pages clean
 *    without making them durable (reads still see them; a power cut loses
 *    them) and reports EIO once per open file description that was open
 *    or not yet opened when the error happened and did not see it (errseq);
 *    a new open after the error was seen does not see it; syncfs
 *    reports it the same way on the file system's error sequence;
 *  - OFD byte-range locks and flock locks belong to open file
 *    descriptions: they drop on close, on fsmodel_kill and on power cut.
 */
#ifndef CVOL_FSMODEL_H
#define CVOL_FSMODEL_H

#include <stdbool.h>
#include <stdint.h>

#define FSMODEL_ROOT "/fsmodel"

/* the calls fsmodel_ops() counts */
enum fsmodel_op {
	FSM_OP_OPEN,
	FSM_OP_CLOSE,
	FSM_OP_READ,
	FSM_OP_WRITE,
	FSM_OP_FSYNC,
	FSM_OP_FDATASYNC,
	FSM_OP_SYNCFS,
	FSM_OP_TRUNCATE,
	FSM_OP_FALLOCATE,
	FSM_OP_COPY,
	FSM_OP_RENAME,
	FSM_OP_UNLINK,
	FSM_OP_MKDIR,
	FSM_OP_STAT,
	FSM_OP_LOCK,
	FSM_OP_READDIR,
	FSM_OP_KINDS,
};

/** fsmodel_reset() - an empty, durable file system; forgets every fd */
void fsmodel_reset(void);

/**
 * fsmodel_powercut() - cut the power: every fd and lock is gone, and what
 * was not durable is lost, or (@seed != 0) partly kept as described above,
 * chosen by @seed.  Also stops fsmodel_fail_after() and fsync failures.
 * Store instances open at the time must not be used afterwards.
 */
void fsmodel_powercut(uint64_t seed);

/** fsmodel_mark() - fsmodel_kill() closes the fds opened from now on */
void fsmodel_mark(void);

/**
 * fsmodel_kill() - the death of a process: close every fd opened since
 * fsmodel_mark() (all fds without a mark) without syncing anything, and
 * drop their locks.  The page cache stays: other fds see the data, and it
 * is still not durable.
 */
void fsmodel_kill(void);

/**
 * fsmodel_fail_fsync() - make the next @n writebacks (fsync, fdatasync, or
 * syncfs reaching a dirty inode) of the file at @path fail with EIO; with
 * @path NULL, of any file.  Returns 0 or -ENOENT.
 */
int fsmodel_fail_fsync(const char *path, int n);

/**
 * fsmodel_fail_op() - make the next @n calls of kind @op on the model
 * fail with @err (positive errno) and change nothing; for FSM_OP_FALLOCATE
 * and FSM_OP_STAT (fstat, fstatat) only.  fsmodel_reset() stops it.
 * Returns 0 or -EINVAL.
 */
int fsmodel_fail_op(enum fsmodel_op op, int err, int n);

/**
 * fsmodel_set_space() - @bytes free from now on (UINT64_MAX: unlimited):
 * the capacity becomes the blocks in use plus @bytes.  Blocks are 4 KiB
 * pages: a write or fallocate (also FALLOC_FL_KEEP_SIZE, beyond the size)
 * allocates the pages it touches that have no block: a write as many
 * as fit (short, or ENOSPC when none does), a fallocate all or none
 * (ENOSPC); growing a file by truncate makes a hole; truncate frees the
 * blocks past the new size, hole punching those of whole pages, and a
 * file's last unlink and close all of its blocks.  A new inode needs one
 * free page (ENOSPC).  A power cut or reset makes the space unlimited.
 */
void fsmodel_set_space(uint64_t bytes);

/** fsmodel_used() - bytes of blocks in use (see fsmodel_set_space()) */
uint64_t fsmodel_used(void);

/**
 * fsmodel_fail_after() - from the @n-th state-changing call on (write,
 * truncate, sync, create, rename, unlink, ...) every state-changing call
 * fails with EIO and changes nothing: the machine stopped there.  0: off.
 */
void fsmodel_fail_after(uint64_t n);

/** fsmodel_ops() - calls of kind @op so far */
uint64_t fsmodel_ops(enum fsmodel_op op);

/** fsmodel_changes() - state-changing calls so far (fsmodel_fail_after) */
uint64_t fsmodel_changes(void);

/**
 * fsmodel_durable() - is the file at @path durable as it currently is
 * (clean data and size, and every directory entry on its path durable)?
 * 1 yes, 0 no, -ENOENT.
 */
int fsmodel_durable(const char *path);

/**
 * fsmodel_set_sync_hook() - call @fn(path the fd was opened with, @arg)
 * at the start of every fsync/fdatasync of a file, before its writeback,
 * without the model's lock held (it may sleep).  NULL: none.
 */
void fsmodel_set_sync_hook(void (*fn)(const char *path, void *arg), void *arg);

#endif /* CVOL_FSMODEL_H */
