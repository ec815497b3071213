// SPDX-License-Identifier: GPL-2.0
/*
 * stubd - the control socket of daemon/ctlsock.c with stub daemon hooks,
 * for protocol and libcvolctl tests that need no engine and no cvol.ko.
 *
 *   stubd SOCKET
 *
 * Every pool fails to open ("no such pool"), attach fails as without the
 * module, detach knows no device, dev.list is empty, pool.list is
 * "default" and "stub".  Exits on SIGTERM or SIGINT.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cvold.h"

struct cvol_pool *cvold_pool(struct cvold *d, const char *pool)
{
	cvol_seterr(-ENOENT, "no such pool");
	return NULL;
}

int cvold_pool_create(struct cvold *d, const char *pool)
{
	return cvol_seterr(-EEXIST, "pool \"%s\" exists", pool);
}

int cvold_attach(struct cvold *d, const char *pool, const char *vol,
		 const char *snap, bool ro, uint32_t *dev_id)
{
	return cvol_seterr(-ENODEV,
			   "cvol kernel module not loaded (modprobe cvol)");
}

int cvold_detach(struct cvold *d, uint32_t dev_id, bool force)
{
	return cvol_seterr(-ENOENT, "no device cvol%u", dev_id);
}

int cvold_dev_list(struct cvold *d, cvold_dev_cb cb, void *arg)
{
	return 0;
}

int cvold_unadopted_list(struct cvold *d, cvold_dev_cb cb, void *arg)
{
	return 0;
}

/* nothing to adopt here */
void cvold_wait_adopted(struct cvold *d)
{
}

bool cvold_adopting(struct cvold *d)
{
	return false;
}

int cvold_pool_list(struct cvold *d, cvol_name_cb cb, void *arg)
{
	int ret = cb(arg, "default");

	return ret ? ret : cb(arg, "stub");
}

/* Never reached (every pool fails to open); here so stubd links. */
#define STUB return cvol_seterr(-ENOSYS, "stub")

int cvol_vol_create(struct cvol_pool *p, const char *n, uint64_t s,
		    unsigned int o)
{
	STUB;
}

int cvol_vol_remove(struct cvol_pool *p, const char *n)
{
	STUB;
}

int cvol_vol_rename(struct cvol_pool *p, const char *f, const char *t)
{
	STUB;
}

int cvol_vol_list(struct cvol_pool *p, cvol_name_cb cb, void *a)
{
	STUB;
}

int cvol_vol_info(struct cvol_pool *p, const char *n, const char *s,
		  struct cvol_vol_info *i)
{
	STUB;
}

int cvol_vol_resize(struct cvol_pool *p, const char *n, uint64_t s, bool a)
{
	STUB;
}

int cvol_snap_create(struct cvol_pool *p, const char *v, const char *s)
{
	STUB;
}

int cvol_snap_remove(struct cvol_pool *p, const char *v, const char *s)
{
	STUB;
}

int cvol_snap_list(struct cvol_pool *p, const char *v, cvol_name_cb cb, void *a)
{
	STUB;
}

int cvol_snap_rollback(struct cvol_pool *p, const char *v, const char *s)
{
	STUB;
}

int cvol_clone(struct cvol_pool *p, const char *v, const char *s, const char *n)
{
	STUB;
}

int cvol_flatten(struct cvol_pool *p, const char *v, cvol_progress_cb cb,
		 void *a)
{
	STUB;
}

int cvol_pool_check(struct cvol_pool *p, bool r, struct cvol_check_report *rep,
		    cvol_progress_cb cb, void *a)
{
	STUB;
}

int main(int argc, char **argv)
{
	sigset_t set;
	int sig;

	if (argc != 2) {
		fprintf(stderr, "usage: stubd SOCKET\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (cvold_ctl_start(NULL, argv[1])) {
		fprintf(stderr, "stubd: %s\n", cvol_errmsg());
		return 1;
	}
	sigwait(&set, &sig);
	cvold_ctl_stop(NULL);
	return 0;
}
