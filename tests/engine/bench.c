// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Engine benchmark (make bench): prints numbers and ratios, asserts
 * nothing.
 *  - 4 KiB random write/read and 1 MiB sequential write/read through the
 *    engine on the file store vs pwrite/pread on one raw file in the
 *    same file system (both end with one flush / fdatasync);
 *  - snapshot and clone create on a 1 GiB vs a 1 TiB thin volume;
 *  - first write to a clone's shared object (copy-up) vs a write to an
 *    object the clone owns.
 * Usage: bench DIR  (DIR: scratch directory on the file system to test)
 */
#include <fcntl.h>
#include <time.h>

#include "testlib.h"

#define REGION (64ull << 20)
#define NRAND 2048

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct io {
	int fd; /* raw file, or -1 */
	struct cvol_vol *v;
};

static void io_write(struct io *io, void *buf, size_t len, uint64_t off)
{
	if (io->fd >= 0) {
		if (pwrite(io->fd, buf, len, off) != (ssize_t)len)
			T_FAIL("pwrite");
	} else {
		T_OK(cvol_vol_write(io->v, buf, off, len, 0));
	}
}

static void io_read(struct io *io, void *buf, size_t len, uint64_t off)
{
	if (io->fd >= 0) {
		if (pread(io->fd, buf, len, off) != (ssize_t)len)
			T_FAIL("pread");
	} else {
		T_OK(cvol_vol_read(io->v, buf, off, len));
	}
}

static void io_flush(struct io *io)
{
	if (io->fd >= 0)
		fdatasync(io->fd);
	else
		T_OK(cvol_vol_flush(io->v));
}

/* MB/s or IOPS for: 0 rand write, 1 rand read, 2 seq write, 3 seq read */
static void run_io(struct io *io, double res[4])
{
	static uint8_t buf[1 << 20];
	uint64_t rs = 7, off;
	double t;
	int i;

	t_fill(buf, sizeof(buf), 1);
	t = now();
	for (off = 0; off < REGION; off += sizeof(buf))
		io_write(io, buf, sizeof(buf), off);
	io_flush(io);
	res[2] = REGION / (now() - t) / 1e6;
	t = now();
	for (off = 0; off < REGION; off += sizeof(buf))
		io_read(io, buf, sizeof(buf), off);
	res[3] = REGION / (now() - t) / 1e6;
	t = now();
	for (i = 0; i < NRAND; i++)
		io_write(io, buf, 4096, (t_rand(&rs) % (REGION / 4096)) * 4096);
	io_flush(io);
	res[0] = NRAND / (now() - t);
	t = now();
	for (i = 0; i < NRAND; i++)
		io_read(io, buf, 4096, (t_rand(&rs) % (REGION / 4096)) * 4096);
	res[1] = NRAND / (now() - t);
}

static double time_snap_clone(struct cvol_pool *pool, const char *name,
			      uint64_t size, double *clone)
{
	char cname[32];
	struct cvol_vol *v;
	uint8_t buf[4096] = { 1 };
	double t, snap;

	T_OK(cvol_vol_create(pool, name, size, 22));
	T_OK(cvol_vol_open(pool, name, NULL, 0, &v));
	T_OK(cvol_vol_write(v, buf, 0, sizeof(buf), 0));
	T_OK(cvol_vol_write(v, buf, size - sizeof(buf), sizeof(buf), 0));
	t = now();
	T_OK(cvol_snap_create(pool, name, "s"));
	snap = now() - t;
	T_OK(cvol_vol_close(v));
	snprintf(cname, sizeof(cname), "%s-clone", name);
	t = now();
	T_OK(cvol_clone(pool, name, "s", cname));
	*clone = now() - t;
	return snap;
}

int main(int argc, char **argv)
{
	struct cvol_store_conf conf = { .driver = "file", .pool = "bench" };
	static const char *what[4] = { "4k-randwrite", "4k-randread",
				       "1m-seqwrite", "1m-seqread" };
	static const char *unit[4] = { "IOPS", "IOPS", "MB/s", "MB/s" };
	double raw[4], eng[4], s1, s2, c1, c2, t, shared, owned;
	char path[4096];
	struct cvol_pool *pool;
	struct cvol_vol *v;
	struct io io;
	uint8_t buf[4096] = { 2 };
	int i, n = REGION >> 22;

	if (argc != 2)
		t_skip("usage: bench DIR");
	snprintf(path, sizeof(path), "%s/raw.img", argv[1]);
	io.fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (io.fd < 0)
		T_FAIL("open %s", path);
	run_io(&io, raw);
	close(io.fd);
	unlink(path);

	snprintf(path, sizeof(path), "%s/pool", argv[1]);
	conf.path = path;
	pool = t_pool(&conf);
	T_OK(cvol_vol_create(pool, "io", REGION, 22));
	T_OK(cvol_vol_open(pool, "io", NULL, 0, &io.v));
	io.fd = -1;
	run_io(&io, eng);
	T_OK(cvol_vol_close(io.v));
	for (i = 0; i < 4; i++)
		printf("%-14s raw %10.1f %s  engine %10.1f %s  ratio %.2f\n",
		       what[i], raw[i], unit[i], eng[i], unit[i],
		       eng[i] / raw[i]);

	s1 = time_snap_clone(pool, "g1", 1ull << 30, &c1);
	s2 = time_snap_clone(pool, "t1", 1ull << 40, &c2);
	printf("snapshot-create 1GiB %.3f ms  1TiB %.3f ms  ratio %.2f\n",
	       s1 * 1e3, s2 * 1e3, s2 / s1);
	printf("clone-create    1GiB %.3f ms  1TiB %.3f ms  ratio %.2f\n",
	       c1 * 1e3, c2 * 1e3, c2 / c1);

	/* the io volume is full: clone it and write 4 KiB per object */
	T_OK(cvol_snap_create(pool, "io", "s"));
	T_OK(cvol_clone(pool, "io", "s", "ioc"));
	T_OK(cvol_vol_open(pool, "ioc", NULL, 0, &v));
	t = now();
	for (i = 0; i < n; i++)
		T_OK(cvol_vol_write(v, buf, ((uint64_t)i << 22) + 8192,
				    sizeof(buf), 0));
	shared = (now() - t) / n;
	t = now();
	for (i = 0; i < n; i++)
		T_OK(cvol_vol_write(v, buf, ((uint64_t)i << 22) + 16384,
				    sizeof(buf), 0));
	owned = (now() - t) / n;
	printf("clone-first-write %.1f us  owned-write %.1f us  ratio %.1f\n",
	       shared * 1e6, owned * 1e6, shared / owned);
	T_OK(cvol_vol_close(v));
	cvol_pool_close(pool);
	return 0;
}
