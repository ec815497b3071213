/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the file store's crash tests (tests/store/NNN-fsm-*.c): the
 * real file store (daemon/store/file.c) on the fsmodel file system
 * (tests/lib/fsmodel.h), with the store root at /fsmodel/store.
 */
#ifndef CVOL_FSM_TEST_H
#define CVOL_FSM_TEST_H

#include <fcntl.h>

#include "lib/fsmodel.h"
#include "store-test.h"
#include "store/store-util.h"

/* a fresh model file system; st_open() opens the file store on it */
static inline void fsm_setup(void)
{
	setenv("CVOL_TEST_STORE", "file", 1);
	setenv("CVOL_TMP", FSMODEL_ROOT, 1);
	fsmodel_reset();
}

/* make everything on the model durable (syncfs), as a long-lived store is */
static inline void fsm_sync_all(void)
{
	int fd = open(FSMODEL_ROOT, O_RDONLY | O_DIRECTORY);

	if (fd < 0 || syncfs(fd))
		st_fail(__FILE__, __LINE__, "syncfs " FSMODEL_ROOT);
	close(fd);
}

/* the model path of object @oid of the store st_open() opens */
static inline const char *fsm_obj_path(const char *oid)
{
	static char p[512];

	snprintf(p, sizeof(p), FSMODEL_ROOT "/store/%02x/%s",
		 cvol_store_hash(oid) % 256, oid);
	return p;
}

#endif /* CVOL_FSM_TEST_H */
