// SPDX-License-Identifier: GPL-2.0
/*
 * replay-log: read a dm-log-writes log and replay it onto a device or an
 * image file, up to a chosen entry.  A replay to entry N is a state the
 * logged device could have been in after a power cut: dm-log-writes logs
 * a write only once a later flush (or its own FUA) made it durable, so
 * everything before a flush entry is exactly what that flush promised.
 *
 *   replay-log --log LOG --list
 *	one line per entry: "INDEX SECTOR NR FLAGS [MARK]" (INDEX from 1,
 *	SECTOR and NR in the log's sector size, FLAGS as letters
 *	F flush, U fua, D discard, M mark, m metadata, - none)
 *   replay-log --log LOG --replay TARGET [--from N] [--to M]
 *	apply entries N..M-1 (default: 1 to the end) to TARGET; a discard
 *	writes zeros (what the device returned for it is not promised, so
 *	zeros are as good as any content)
 *
 * The log format is dm-log-writes' (log_write_super in the first sector,
 * then for each entry a log_write_entry sector followed by its data).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOG_FLUSH_FLAG (1 << 0)
#define LOG_FUA_FLAG (1 << 1)
#define LOG_DISCARD_FLAG (1 << 2)
#define LOG_MARK_FLAG (1 << 3)
#define LOG_METADATA_FLAG (1 << 4)

#define WRITE_LOG_VERSION 1ULL
#define WRITE_LOG_MAGIC 0x6a736677736872ULL

/* the log's first sector */
struct log_write_super {
	uint64_t magic; /* WRITE_LOG_MAGIC, little endian */
	uint64_t version; /* WRITE_LOG_VERSION */
	uint64_t nr_entries; /* entries that follow, marks included */
	uint32_t sectorsize; /* logical block size of the logged device */
} __attribute__((packed));

/* one entry's first sector; its data follows in the next sectors */
struct log_write_entry {
	uint64_t sector; /* where it went, in sectorsize units */
	uint64_t nr_sectors; /* how much, in sectorsize units */
	uint64_t flags; /* LOG_*_FLAG */
	uint64_t data_len; /* mark: the mark's length, inline after this */
} __attribute__((packed));

static void die(const char *what)
{
	fprintf(stderr, "replay-log: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void bad_log(const char *why, uint64_t idx)
{
	fprintf(stderr, "replay-log: entry %" PRIu64 ": %s\n", idx, why);
	exit(2);
}

/* pread (@wr false) or pwrite exactly @len bytes at @off, or exit */
static void xfer(bool wr, int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = wr ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);

	if (n >= 0 && (size_t)n != len)
		errno = EIO;
	if (n < 0 || (size_t)n != len)
		die(wr ? "write target" : "read log");
}

#define read_at(fd, buf, len, off) xfer(false, fd, buf, len, off)
#define write_at(fd, buf, len, off) xfer(true, fd, buf, len, off)

/*
 * zero_range: a discard.  Punch a hole in an image file (it stays sparse
 * on tmpfs); on a device, write zeros from @zero (@cap bytes, zeroed here).
 */
static void zero_range(int fd, char *zero, size_t cap, uint64_t off,
		       uint64_t len)
{
	if (!fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		       (off_t)off, (off_t)len))
		return;
	if (errno != EOPNOTSUPP && errno != ENODEV)
		die("punch target");
	memset(zero, 0, cap);
	while (len) {
		size_t n = len < cap ? len : cap;

		write_at(fd, zero, n, (off_t)off);
		off += n;
		len -= n;
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: replay-log --log LOG --list\n"
			"       replay-log --log LOG --replay TARGET "
			"[--from N] [--to M]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "replay", required_argument, NULL, 'r' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "list", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	const char *logp = NULL, *target = NULL;
	uint64_t from = 1, to = UINT64_MAX, idx, nr, applied = 0;
	struct log_write_super super;
	struct log_write_entry e;
	int c, lfd, tfd = -1;
	bool list = false;
	uint32_t bs;
	char *buf, *data;
	size_t cap;
	off_t off;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			logp = optarg;
			break;
		case 'r':
			target = optarg;
			break;
		case 'f':
			from = strtoull(optarg, NULL, 10);
			break;
		case 't':
			to = strtoull(optarg, NULL, 10);
			break;
		case 'L':
			list = true;
			break;
		default:
			usage();
		}
	}
	if (!logp || list == !!target || optind != argc || !from)
		usage();
	lfd = open(logp, O_RDONLY);
	if (lfd < 0)
		die(logp);
	read_at(lfd, &super, sizeof(super), 0);
	if (le64toh(super.magic) != WRITE_LOG_MAGIC ||
	    le64toh(super.version) != WRITE_LOG_VERSION) {
		fprintf(stderr, "replay-log: %s: not a dm-log-writes log\n",
			logp);
		return 2;
	}
	bs = le32toh(super.sectorsize);
	nr = le64toh(super.nr_entries);
	if (bs < 512 || bs > 65536 || (bs & (bs - 1))) {
		fprintf(stderr, "replay-log: bad sector size %u\n", bs);
		return 2;
	}
	if (target) {
		tfd = open(target, O_WRONLY);
		if (tfd < 0)
			die(target);
	}
	cap = 1 << 20;
	buf = malloc(bs);
	data = malloc(cap);
	if (!buf || !data)
		die("malloc");

	off = bs;
	for (idx = 1; idx <= nr && idx < to; idx++) {
		uint64_t sector, n, flags, len, dlen;

		read_at(lfd, buf, bs, off);
		memcpy(&e, buf, sizeof(e));
		sector = le64toh(e.sector);
		n = le64toh(e.nr_sectors);
		flags = le64toh(e.flags);
		dlen = le64toh(e.data_len);
		off += bs;
		if (!(flags & LOG_MARK_FLAG) && dlen)
			bad_log("inline data entries are not supported", idx);
		if ((flags & LOG_MARK_FLAG) && dlen > bs - sizeof(e))
			bad_log("mark longer than a sector", idx);
		len = (flags & (LOG_DISCARD_FLAG | LOG_MARK_FLAG)) ? 0 : n * bs;
		if (n > (1ULL << 40) / bs || (len && n > (1ULL << 30) / bs))
			bad_log("write too large", idx);
		if (list) {
			printf("%" PRIu64 " %" PRIu64 " %" PRIu64
			       " %s%s%s%s%s%s",
			       idx, sector, n,
			       flags & LOG_FLUSH_FLAG ? "F" : "",
			       flags & LOG_FUA_FLAG ? "U" : "",
			       flags & LOG_DISCARD_FLAG ? "D" : "",
			       flags & LOG_MARK_FLAG ? "M" : "",
			       flags & LOG_METADATA_FLAG ? "m" : "",
			       flags & 0x1f ? "" : "-");
			if (flags & LOG_MARK_FLAG)
				printf(" %.*s", (int)dlen, buf + sizeof(e));
			printf("\n");
			off += len;
			continue;
		}
		if (idx < from || !(len || (flags & LOG_DISCARD_FLAG))) {
			off += len;
			continue;
		}
		if (flags & LOG_DISCARD_FLAG) {
			zero_range(tfd, data, cap, sector * bs, n * bs);
			applied++;
			continue;
		}
		if (len > cap) {
			free(data);
			cap = len;
			data = malloc(cap);
			if (!data)
				die("malloc");
		}
		read_at(lfd, data, len, off);
		off += len;
		write_at(tfd, data, len, (off_t)(sector * bs));
		applied++;
	}
	if (tfd >= 0) {
		if (fsync(tfd))
			die("fsync target");
		printf("replayed %" PRIu64 " writes of entries %" PRIu64
		       "..%" PRIu64 "\n",
		       applied, from, idx - 1);
	}
	return 0;
}
