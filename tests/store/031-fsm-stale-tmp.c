// SPDX-License-Identifier: GPL-2.0
/* cvol-lane: host */
/*
 * Stale metadata temporaries (review finding D23), on fsmodel: meta_cas
 * writes ",tmp.<oid>.<tid>" and renames it over the object; a process
 * that dies in between leaves it behind, and list() never shows it.  A
 * store open removes such files, but only when no live meta_cas can own
 * them: one made by a meta_cas that is running in another instance (it
 * holds that object's metadata lock) stays, and that meta_cas completes.
 * Checked with a file left by a failed meta_cas and a killed process,
 * one planted by hand, and a store opened during a meta_cas.
 */
#include <sys/stat.h>

#include "fsm-test.h"

static const char *tmp_path(const char *oid, long tid)
{
	static char p[512];

	snprintf(p, sizeof(p), FSMODEL_ROOT "/store/%02x/,tmp.%s.%ld",
		 cvol_store_hash(oid) % 256, oid, tid);
	return p;
}

static bool exists(const char *path)
{
	struct stat sb;

	return fstatat(AT_FDCWD, path, &sb, 0) == 0;
}

static const char *live_oid;
static bool live_seen, live_kept;

/* during a meta_cas of live_oid: open another instance, look, close it */
static void open_during_cas(const char *path, void *arg)
{
	char tmp[512];
	struct cvol_store *b;

	if (live_seen || !strstr(path, ",tmp."))
		return;
	live_seen = true;
	snprintf(tmp, sizeof(tmp), "%s", tmp_path(live_oid, gettid()));
	ST_TRUE(exists(tmp));
	b = st_open();
	live_kept = exists(tmp);
	cvol_store_close(b);
}

int main(void)
{
	const char *m = st_oid("m"), *n = st_oid("n");
	char left[512], planted[512], got[16];
	struct cvol_store *a;
	uint64_t ver;
	size_t len;

	fsm_setup();
	a = st_open();
	ST_EQ(a->ops->meta_cas(a->priv, m, "one", 3, 0, &ver), 0);
	ST_EQ(ver, 1);

	/* a meta_cas whose write fails: the machine stops after the create */
	fsmodel_mark();
	fsmodel_fail_after(2);
	ST_EQ(a->ops->meta_cas(a->priv, m, "two", 3, 1, &ver), -EIO);
	fsmodel_fail_after(0);
	snprintf(left, sizeof(left), "%s", tmp_path(m, gettid()));
	ST_TRUE(exists(left));
	fsmodel_kill(); /* and its process dies */
	cvol_store_close(a);

	/* one more, of an object that does not exist */
	snprintf(planted, sizeof(planted), "%s", tmp_path(n, 999999));
	{
		int fd = open(planted, O_WRONLY | O_CREAT, 0600);

		ST_TRUE(fd >= 0);
		ST_EQ(pwrite(fd, "junk", 4, 0), 4);
		close(fd);
	}
	ST_TRUE(exists(planted));

	a = st_open();
	ST_TRUE(!exists(left));
	ST_TRUE(!exists(planted));
	ST_EQ(a->ops->meta_read(a->priv, m, got, sizeof(got), &len, &ver), 0);
	ST_EQ(ver, 1);
	ST_EQ(len, 3);
	ST_TRUE(!memcmp(got, "one", 3));
	ST_EQ(a->ops->meta_read(a->priv, n, got, sizeof(got), &len, &ver),
	      -ENOENT);

	/* a store opened while a meta_cas runs leaves its temporary alone */
	live_oid = m;
	fsmodel_set_sync_hook(open_during_cas, NULL);
	ST_EQ(a->ops->meta_cas(a->priv, m, "three", 5, 1, &ver), 0);
	fsmodel_set_sync_hook(NULL, NULL);
	ST_TRUE(live_seen);
	ST_TRUE(live_kept);
	ST_EQ(ver, 2);
	ST_EQ(a->ops->meta_read(a->priv, m, got, sizeof(got), &len, &ver), 0);
	ST_EQ(len, 5);
	ST_TRUE(!memcmp(got, "three", 5));
	cvol_store_close(a);
	printf("ok: stale metadata temporaries go at open, live ones stay\n");
	return 0;
}
