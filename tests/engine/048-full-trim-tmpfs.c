// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host */
/*
 * Review finding D14 on a real file system: the file store on a 24 MiB
 * tmpfs (mounted in a private mount namespace, so nothing outside this
 * process sees it), filled through the engine until writes fail with
 * -ENOSPC; whole-object discards must still succeed, free the space and
 * let writes succeed again, with the data written before intact
 * (tests/engine/enospc.h).  Skips when this process may not mount (not
 * root, or no user namespaces).
 */
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "enospc.h"

static char mnt[4096];

static uint64_t tmpfs_used(void)
{
	struct statvfs s;

	if (statvfs(mnt, &s))
		T_FAIL("statvfs %s: %s", mnt, strerror(errno));
	return (uint64_t)(s.f_blocks - s.f_bfree) * s.f_frsize;
}

int main(void)
{
	const char *tmp = getenv("CVOL_TMP");
	struct cvol_store_conf conf;
	char why[4200];

	snprintf(mnt, sizeof(mnt), "%s/tmpfs-%d", tmp ? tmp : "/tmp",
		 (int)getpid());
	if (mkdir(mnt, 0700))
		T_FAIL("mkdir %s: %s", mnt, strerror(errno));
	if (unshare(CLONE_NEWNS)) {
		snprintf(
			why, sizeof(why),
			"cannot make a mount namespace (unshare: %s); needs root",
			strerror(errno));
		rmdir(mnt);
		t_skip(why);
	}
	/* mounts made here must not propagate to the parent namespace */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		T_FAIL("make / private: %s", strerror(errno));
	if (mount("cvol-test", mnt, "tmpfs", 0, "size=24m,mode=0700")) {
		snprintf(why, sizeof(why), "cannot mount a tmpfs on %s: %s",
			 mnt, strerror(errno));
		rmdir(mnt);
		t_skip(why);
	}
	setenv("CVOL_TEST_STORE", "file", 1);
	setenv("CVOL_TMP", mnt, 1);
	t_conf(&conf);
	t_enospc_fill_trim(&conf, 1024, NULL, tmpfs_used);
	umount2(mnt, MNT_DETACH);
	rmdir(mnt);
	return 0;
}
