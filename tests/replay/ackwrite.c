// SPDX-License-Identifier: GPL-2.0
/*
 * ackwrite: a workload whose acknowledged state is known exactly, for the
 * block-level crash replay lane.
 *
 *   ackwrite write DEV SEED ROUND
 *	round ROUND's writes to DEV with O_DIRECT: WRITES single 4 KiB
 *	blocks at pseudo-random places and one EXTENT-block extent.  Odd
 *	rounds open DEV with O_DSYNC (each write is a FUA write), even
 *	rounds write plainly and end with fdatasync (a FLUSH).  Returns
 *	once every write of the round is durable.
 *   ackwrite verify DEV SEED ROUND [next]
 *	DEV holds exactly what rounds 1..ROUND wrote (never written blocks
 *	read as zeros).  With "next", a crash state between ROUND's flush
 *	and ROUND+1's: every 512-byte sector is either what rounds
 *	1..ROUND left there or one of the versions round ROUND+1 wrote.
 *   ackwrite file PATH SEED ID SIZE
 *	create PATH holding SIZE bytes of content (SEED, ID), fsync it and
 *	its directory
 *   ackwrite cmp PATH SEED ID SIZE
 *	PATH holds exactly that content
 *
 * Every block version has a header (block, round, write index) so a
 * mismatch says what was found instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLK 4096
#define SECT 512
#define WRITES 40 /* single-block writes a round */
#define EXTENT 16 /* blocks of the round's one extent write */
#define MAX_FAILS 10 /* mismatches reported before giving up */
#define READ_BLKS 256 /* blocks verify reads at a time (1 MiB) */

/* the first bytes of every block version */
struct hdr {
	char magic[8]; /* "ackwrite" */
	uint64_t block; /* where it was written */
	uint64_t round; /* which round wrote it */
	uint64_t write; /* index of the write in its round */
};

/* a block version: 0/0 is "never written" (zeros) */
struct ver {
	uint32_t round;
	uint32_t write;
};

static uint64_t seed;

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void fill(void *buf, size_t len, uint64_t key)
{
	uint64_t *p = buf, x = mix(seed ^ key);
	size_t i;

	for (i = 0; i < len / 8; i++) {
		x = mix(x);
		p[i] = x;
	}
}

/* the content of version @v of block @b */
static void version(char *buf, uint64_t b, struct ver v)
{
	struct hdr h = { .block = b, .round = v.round, .write = v.write };

	if (!v.round) {
		memset(buf, 0, BLK);
		return;
	}
	fill(buf, BLK, mix(b) ^ ((uint64_t)v.round << 32 | v.write));
	memcpy(h.magic, "ackwrite", 8);
	memcpy(buf, &h, sizeof(h));
}

/*
 * The writes of round @r on a device of @nblk blocks: write @i < WRITES
 * is block start(r, i); write WRITES is the extent at start(r, WRITES).
 */
static uint64_t start(uint64_t nblk, uint32_t r, uint32_t i)
{
	uint64_t x = mix(seed * 31 + ((uint64_t)r << 20 | i));

	return i < WRITES ? x % nblk : x % (nblk - EXTENT + 1);
}

static void die(const char *what)
{
	fprintf(stderr, "ackwrite: %s: %s\n", what, strerror(errno));
	exit(2);
}

static uint64_t dev_blocks(int fd)
{
	uint64_t size;
	struct stat st;

	if (fstat(fd, &st))
		die("fstat");
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size))
			die("BLKGETSIZE64");
	} else {
		size = (uint64_t)st.st_size;
	}
	if (size / BLK < 4 * EXTENT || size / BLK > (1 << 22)) {
		fprintf(stderr,
			"ackwrite: device size %" PRIu64 " unsupported\n",
			size);
		exit(2);
	}
	return size / BLK;
}

static void *blkbuf(size_t len)
{
	void *p;

	if (posix_memalign(&p, BLK, len))
		die("posix_memalign");
	return p;
}

static int do_write(const char *dev, uint32_t r)
{
	int fd = open(dev, O_RDWR | O_DIRECT | (r & 1 ? O_DSYNC : 0));
	char *buf = blkbuf(EXTENT * BLK);
	uint64_t nblk, b, j;
	uint32_t i;

	if (fd < 0)
		die(dev);
	nblk = dev_blocks(fd);
	for (i = 0; i <= WRITES; i++) {
		uint64_t n = i < WRITES ? 1 : EXTENT;

		b = start(nblk, r, i);
		for (j = 0; j < n; j++)
			version(buf + j * BLK, b + j,
				(struct ver){ .round = r, .write = i });
		if (pwrite(fd, buf, n * BLK, (off_t)(b * BLK)) !=
		    (ssize_t)(n * BLK))
			die("pwrite");
	}
	if (!(r & 1) && fdatasync(fd))
		die("fdatasync");
	if (close(fd))
		die("close");
	printf("round %u: %u writes (%s)\n", r, WRITES + 1,
	       r & 1 ? "FUA" : "FLUSH");
	free(buf);
	return 0;
}

/* state[b] after rounds 1..@k; with @next, also record round k+1 */
static struct ver *state(uint64_t nblk, uint32_t k)
{
	struct ver *st = calloc(nblk, sizeof(*st));
	uint32_t r, i;
	uint64_t j;

	if (!st)
		die("calloc");
	for (r = 1; r <= k; r++) {
		for (i = 0; i <= WRITES; i++) {
			uint64_t b = start(nblk, r, i),
				 n = i < WRITES ? 1 : EXTENT;

			for (j = 0; j < n; j++)
				st[b + j] =
					(struct ver){ .round = r, .write = i };
		}
	}
	return st;
}

static void describe(const char *got, char *out, size_t len)
{
	struct hdr h;
	size_t i;

	memcpy(&h, got, sizeof(h));
	if (!memcmp(h.magic, "ackwrite", 8)) {
		snprintf(out, len,
			 "block %" PRIu64 " round %" PRIu64 " write %" PRIu64,
			 h.block, h.round, h.write);
		return;
	}
	for (i = 0; i < BLK && !got[i]; i++)
		;
	snprintf(out, len, i == BLK ? "zeros" : "unknown data");
}

static int do_verify(const char *dev, uint32_t k, bool next)
{
	char *chunk = blkbuf(READ_BLKS * BLK), *want = blkbuf(BLK);
	char *alt = blkbuf(BLK), *got;
	uint64_t nblk, b, written = 0, fails = 0, newer = 0;
	int fd = open(dev, O_RDONLY | O_DIRECT);
	struct ver *st;
	uint32_t i;

	if (fd < 0)
		die(dev);
	nblk = dev_blocks(fd);
	st = state(nblk, k);
	for (b = 0; b < nblk && fails < MAX_FAILS; b++) {
		unsigned int s, bad = 0;
		char what[80];

		if (!(b % READ_BLKS)) {
			size_t len =
				(nblk - b < READ_BLKS ? nblk - b : READ_BLKS) *
				BLK;

			if (pread(fd, chunk, len, (off_t)(b * BLK)) !=
			    (ssize_t)len)
				die("pread");
		}
		got = chunk + (b % READ_BLKS) * BLK;
		version(want, b, st[b]);
		written += st[b].round != 0;
		if (!memcmp(got, want, BLK))
			continue;
		for (s = 0; s < BLK / SECT; s++) {
			bool ok =
				!memcmp(got + s * SECT, want + s * SECT, SECT);

			for (i = 0; next && !ok && i <= WRITES; i++) {
				uint64_t b0 = start(nblk, k + 1, i);
				uint64_t n = i < WRITES ? 1 : EXTENT;

				if (b < b0 || b >= b0 + n)
					continue;
				version(alt, b,
					(struct ver){ .round = k + 1,
						      .write = i });
				ok = !memcmp(got + s * SECT, alt + s * SECT,
					     SECT);
			}
			bad += !ok;
		}
		if (!bad) {
			newer++;
			continue;
		}
		describe(got, what, sizeof(what));
		fprintf(stderr,
			"block %" PRIu64 ": want round %u write %u, "
			"%u of 8 sectors differ (found %s)\n",
			b, st[b].round, st[b].write, bad, what);
		fails++;
	}
	close(fd);
	if (fails) {
		fprintf(stderr,
			"ackwrite: round %u%s: %" PRIu64
			" blocks lost or wrong\n",
			k, next ? "+" : "", fails);
		return 1;
	}
	printf("round %u%s: %" PRIu64 " blocks verified (%" PRIu64
	       " written, %" PRIu64 " already newer), 0 lost\n",
	       k, next ? "+" : "", nblk, written, newer);
	free(st);
	return 0;
}

static char *file_content(uint64_t id, size_t size)
{
	char *p = malloc(size + 8);

	if (!p)
		die("malloc");
	fill(p, size + 8, mix(id) ^ 0x66696c65);
	return p;
}

static int do_file(const char *path, uint64_t id, size_t size)
{
	char *data = file_content(id, size), *dir = strdup(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), dfd;

	if (fd < 0 || !dir)
		die(path);
	if (write(fd, data, size) != (ssize_t)size)
		die("write");
	if (fsync(fd) || close(fd))
		die("fsync file");
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
	if (dfd < 0 || fsync(dfd) || close(dfd))
		die("fsync directory");
	free(data);
	free(dir);
	return 0;
}

static int do_cmp(const char *path, uint64_t id, size_t size)
{
	char *want = file_content(id, size), *got = malloc(size + 1);
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "ackwrite: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!got)
		die("malloc");
	n = read(fd, got, size + 1);
	close(fd);
	if (n != (ssize_t)size || memcmp(got, want, size)) {
		fprintf(stderr,
			"ackwrite: %s: %zd bytes that are not the %zu written\n",
			path, n, size);
		return 1;
	}
	free(want);
	free(got);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: ackwrite write DEV SEED ROUND\n"
			"       ackwrite verify DEV SEED ROUND [next]\n"
			"       ackwrite file|cmp PATH SEED ID SIZE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t r;

	if (argc < 5)
		usage();
	seed = strtoull(argv[3], NULL, 0);
	r = strtoull(argv[4], NULL, 0);
	if (!strcmp(argv[1], "write") && argc == 5 && r && r < (1 << 20))
		return do_write(argv[2], (uint32_t)r);
	if (!strcmp(argv[1], "verify") && r < (1 << 20) &&
	    (argc == 5 || (argc == 6 && !strcmp(argv[5], "next"))))
		return do_verify(argv[2], (uint32_t)r, argc == 6);
	if (argc == 6 &&
	    (!strcmp(argv[1], "file") || !strcmp(argv[1], "cmp"))) {
		size_t size = strtoull(argv[5], NULL, 0);

		if (!size || size > (64 << 20))
			usage();
		return argv[1][0] == 'f' ? do_file(argv[2], r, size) :
					   do_cmp(argv[2], r, size);
	}
	usage();
	return 2;
}
