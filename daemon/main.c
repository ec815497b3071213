// SPDX-License-Identifier: GPL-2.0
/*
 * cvold: serves /dev/cvolN devices from engine volumes and accepts volume
 * operations on a unix socket.
 *
 * cvold [--foreground] [--store-root DIR] [--socket PATH] [--config FILE]
 *       [--read-group GROUP]
 * cvold --help | --version
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "cvold-int.h"

#ifndef PR_SET_IO_FLUSHER
#define PR_SET_IO_FLUSHER 57 /* Linux 5.6 */
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4 /* Linux 4.4 */
#endif

/* read when it exists and no --config names another file */
#define CVOLD_CONFIG "/etc/cvol/cvol.conf"

static void on_sigusr1(int sig)
{
	/* only interrupts a queue thread's wait */
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: cvold [--foreground] [--store-root DIR] [--socket PATH] [--config FILE]\n"
		"             [--read-group GROUP]\n"
		"       cvold --help | --version\n"
		"  --foreground     stay attached to the terminal, log to stderr\n"
		"  --store-root DIR pools live in DIR/<pool> (default /var/lib/cvol)\n"
		"  --socket PATH    control socket (default /run/cvol/cvold.sock)\n"
		"  --config FILE    configuration file (default " CVOLD_CONFIG
		"\n"
		"                   when it exists; \"\" for none)\n"
		"  --read-group GROUP\n"
		"                   members of GROUP may run the read-only requests\n"
		"                   (status, list, info); only root may change anything\n"
		"One cvold serves a socket: a second exits 1 (lock SOCKET.lock).\n");
}

/*
 * SIGHUP: read the configuration file again.  The new one applies to
 * pools opened from now on; open pools keep the store they have.  A file
 * that does not parse changes nothing.
 */
static void reload_config(struct cvold *d, const char *path)
{
	struct cvol_config *cfg = NULL, **r;

	if (!path) {
		cvold_log("SIGHUP: no configuration file (--config \"\")");
		return;
	}
	if (access(path, F_OK) && errno == ENOENT) {
		cvold_log(
			"SIGHUP: %s does not exist: no configured pools from now on",
			path);
	} else if (cvol_config_load(path, &cfg)) {
		cvold_log("SIGHUP: %s; the configuration in use stays",
			  cvol_errmsg());
		return;
	}
	r = realloc(d->retired, (d->nretired + 1) * sizeof(*r));
	if (!r) {
		cvol_config_free(cfg);
		cvold_log(
			"SIGHUP: out of memory; the configuration in use stays");
		return;
	}
	d->retired = r;
	pthread_mutex_lock(&d->lock);
	d->retired[d->nretired++] = d->config;
	d->config = cfg;
	pthread_mutex_unlock(&d->lock);
	cvold_log(
		"SIGHUP: read %s again: it applies to pools opened from now on",
		path);
}

void cvold_wait_adopted(struct cvold *d)
{
	pthread_mutex_lock(&d->adopt_mu);
	while (d->adopting)
		pthread_cond_wait(&d->adopt_cond, &d->adopt_mu);
	pthread_mutex_unlock(&d->adopt_mu);
}

bool cvold_adopting(struct cvold *d)
{
	bool ret;

	pthread_mutex_lock(&d->adopt_mu);
	ret = d->adopting;
	pthread_mutex_unlock(&d->adopt_mu);
	return ret;
}

/* append ", " and the printf-style text to @buf, of @cap bytes */
static void __attribute__((format(printf, 3, 4)))
add_part(char *buf, size_t cap, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n && n + 2 < cap) {
		strcpy(buf + n, ", ");
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(buf + n, cap - n, fmt, ap);
	va_end(ap);
}

/*
 * cvold is in the I/O path of its own devices: memory it needs to serve
 * them must never wait for their writeback (daemon review F4).  Called
 * before any thread exists, since threads inherit the first two:
 *  - PR_SET_IO_FLUSHER (needs CAP_SYS_RESOURCE): PF_MEMALLOC_NOIO, so
 *    reclaim from cvold's allocations (its own and the kernel's on its
 *    behalf) does no I/O, and PF_LOCAL_THROTTLE, so its writes to the
 *    store are not throttled on the dirty pages of its own devices;
 *  - mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT): no page cvold has
 *    touched is swapped out or dropped.  MCL_ONFAULT locks pages as they
 *    are first touched instead of populating every mapping at once (each
 *    thread's stack, malloc's arenas), so cvold locks what it uses.
 *    RLIMIT_MEMLOCK is raised to infinity first (CAP_SYS_RESOURCE, or
 *    LimitMEMLOCK=infinity): with a finite limit, MCL_FUTURE would make
 *    later mappings fail once it is reached, so cvold then locks nothing;
 *  - oom_score_adj -1000: the OOM killer never picks cvold.
 * Each is best effort: one line says what cvold got and what failed.
 */
static void memory_protect(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	static const char adj[] = "-1000";
	char msg[512] = "";
	bool bad = false;
	int fd;

	if (prctl(PR_SET_IO_FLUSHER, 1, 0, 0, 0)) {
		add_part(msg, sizeof(msg),
			 "not an I/O flusher (prctl PR_SET_IO_FLUSHER: %s)",
			 strerror(errno));
		bad = true;
	} else {
		add_part(msg, sizeof(msg), "I/O flusher");
	}
	if (setrlimit(RLIMIT_MEMLOCK, &rl)) {
		add_part(msg, sizeof(msg),
			 "not locked (raising RLIMIT_MEMLOCK to infinity: %s)",
			 strerror(errno));
		bad = true;
	} else if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) {
		add_part(msg, sizeof(msg), "not locked (mlockall: %s)",
			 strerror(errno));
		bad = true;
	} else {
		add_part(msg, sizeof(msg),
			 "locked (current and future, on fault)");
	}
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, adj, sizeof(adj) - 1) != sizeof(adj) - 1) {
		add_part(msg, sizeof(msg), "oom_score_adj not set (%s)",
			 strerror(errno));
		bad = true;
	} else {
		add_part(msg, sizeof(msg), "oom_score_adj -1000");
	}
	if (fd >= 0)
		close(fd);
	cvold_log(
		"memory: %s%s", msg,
		bad ? ": under memory pressure cvold can deadlock on writeback to its own devices" :
		      "");
}

/*
 * Take SOCKET.lock, held (flock) for the life of the process: a second
 * cvold on the same socket stops here, before it touches the socket or
 * any device.  Returns the lock's descriptor, or -1 with a message.
 */
static int single_instance(const char *sock)
{
	char path[4096], pid[32] = "";
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s.lock", sock) >=
	    (int)sizeof(path)) {
		fprintf(stderr, "cvold: socket path too long: %s\n", sock);
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "cvold: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!flock(fd, LOCK_EX | LOCK_NB))
		return fd;
	if (errno == EWOULDBLOCK) {
		n = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		fprintf(stderr, "cvold: already running (pid %s) on %s\n",
			*pid ? pid : "?", sock);
	} else {
		fprintf(stderr, "cvold: lock %s: %s\n", path, strerror(errno));
	}
	close(fd);
	return -1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "store-root", required_argument, NULL, 'r' },
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "read-group", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = "/run/cvol/cvold.sock", *config = NULL, *reload_path;
	const char *read_group = NULL;
	struct cvold d = { .store_root = "/var/lib/cvol" };
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	bool foreground = false;
	sigset_t set;
	int c, sig, ret, lock_fd;

	while ((c = getopt_long(argc, argv, "fr:s:c:g:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			foreground = true;
			break;
		case 'r':
			d.store_root = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'g':
			read_group = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("cvold %s\n", CVOL_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	/* the conventional file when none is named; "" names none */
	if (!config && !access(CVOLD_CONFIG, F_OK))
		config = CVOLD_CONFIG;
	/* what SIGHUP reads: the file named, else the conventional one */
	reload_path = config ? config : CVOLD_CONFIG;
	if (config && !*config)
		config = reload_path = NULL;
	if (config && access(config, R_OK)) {
		fprintf(stderr, "cvold: config %s: %s\n", config,
			strerror(errno));
		return 1;
	}
	if (config && cvol_config_load(config, &d.config)) {
		fprintf(stderr, "cvold: %s\n", cvol_errmsg());
		return 1;
	}
	if (mkdir(d.store_root, 0700) && errno != EEXIST) {
		fprintf(stderr, "cvold: store root %s: %s\n", d.store_root,
			strerror(errno));
		return 1;
	}
	if (cvold_ctl_prepare(sock, read_group)) {
		fprintf(stderr, "cvold: %s\n", cvol_errmsg());
		return 1;
	}
	lock_fd = single_instance(sock);
	if (lock_fd < 0)
		return 1;
	if (!foreground && daemon(0, 1)) {
		fprintf(stderr, "cvold: daemon: %s\n", strerror(errno));
		return 1;
	}
	/* the daemon's own pid, for the next one's message */
	if (ftruncate(lock_fd, 0) == 0)
		dprintf(lock_fd, "%d\n", (int)getpid());
	memory_protect();
	pthread_mutex_init(&d.lock, NULL);
	pthread_mutex_init(&d.adopt_mu, NULL);
	pthread_cond_init(&d.adopt_cond, NULL);

	/* SIGUSR1 interrupts queue threads (no SA_RESTART); the main thread
	 * takes SIGTERM/SIGINT synchronously */
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	/*
	 * The socket listens first, so that a client right after a restart
	 * reaches this cvold; its requests wait until the devices a previous
	 * cvold left are adopted.  Then systemd hears READY=1 (Type=notify).
	 */
	d.adopting = true;
	ret = cvold_ctl_start(&d, sock);
	if (ret) {
		cvold_log("control socket %s: %s", sock, cvol_errmsg());
		return 1;
	}
	cvold_log("serving %s, store root %s", sock, d.store_root);
	ret = cvold_adopt(&d);
	if (ret)
		cvold_log("adopting devices: %s", cvol_errmsg());
	pthread_mutex_lock(&d.adopt_mu);
	d.adopting = false;
	pthread_cond_broadcast(&d.adopt_cond);
	pthread_mutex_unlock(&d.adopt_mu);
	sd_notifyf(0, "READY=1\nSTATUS=serving %s\nMAINPID=%d", sock,
		   (int)getpid());

	for (;;) {
		if (sigwait(&set, &sig))
			sig = SIGTERM;
		if (sig != SIGHUP)
			break;
		sd_notify(0, "RELOADING=1");
		reload_config(&d, reload_path);
		sd_notify(0, "READY=1");
	}
	cvold_log("signal %d: stopping, devices stay", sig);
	sd_notify(0, "STOPPING=1\nSTATUS=flushing; devices stay");
	cvold_ctl_stop(&d);
	cvold_shutdown(&d);
	cvold_log("stopped");
	return 0;
}
