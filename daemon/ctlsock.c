// SPDX-License-Identifier: GPL-2.0
/*
 * cvold's volume-operation socket: one JSON object per line in each
 * direction, served by one thread.  The protocol is documented in
 * Documentation/daemon-protocol.md.
 *
 * The thread polls the listening socket, a stop pipe and up to
 * CTL_MAX_CLIENTS connections.  A request line longer than CTL_REQ_MAX bytes
 * is answered with EMSGSIZE and the connection is closed.  Every request
 * gets exactly one reply line; bad requests get {"ok":false,...} and never
 * stop the daemon.  Operations run one at a time, in the serving thread.
 *
 * Who may do what is decided per connection from the peer's credentials
 * (SO_PEERCRED, SO_PEERGROUPS), whatever the file modes let through: root
 * may run every operation, members of the read group (cvold --read-group)
 * the read-only ones, anyone else none.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <json.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cvold.h"
#include "engine/err.h"

#define CTL_REQ_MAX 65536 /* longest request line, newline included */
#define CTL_MAX_CLIENTS 64 /* connections served at once */
#define CTL_SEND_TIMEOUT 5 /* seconds a reply may wait for the peer */
#define CTL_PROGRESS_MS 200 /* least time between two progress lines */

/* What a peer may run, from its credentials at connect time */
enum ctl_role {
	CTL_ROLE_NONE, /* nothing: every request is refused (EACCES) */
	CTL_ROLE_READ, /* the read-only operations (EPERM for the others) */
	CTL_ROLE_ALL, /* root */
};

/**
 * struct ctl_client - one connection
 * @fd: the connected socket, -1 if the slot is free
 * @role: what the peer may run
 * @uid: the peer's uid, for messages
 * @len: bytes buffered in @buf
 * @buf: the partial request line
 */
struct ctl_client {
	int fd;
	enum ctl_role role;
	uid_t uid;
	size_t len;
	char *buf;
};

/**
 * struct ctl_state - the socket server; one per process
 * @d: the daemon
 * @lfd: listening socket
 * @stop_pipe: written by cvold_ctl_stop() to wake and end the thread
 * @thread: the serving thread
 * @path: socket path, removed on stop
 * @clients: connections; only the serving thread touches them
 * @progress_fd: connection of the running request that asked for
 *	progress lines, -1 if none (serving thread only)
 * @progress_last: when the last progress line went out (serving thread)
 * @read_group: the read group's name (as given), "" if there is none
 * @read_gid: its gid
 *
 * Set up by cvold_ctl_prepare(), cvold_ctl_start() and torn down by
 * cvold_ctl_stop(), all called from cvold's main thread; no lock is needed.
 */
static struct ctl_state {
	struct cvold *d;
	int lfd;
	int stop_pipe[2];
	pthread_t thread;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct ctl_client clients[CTL_MAX_CLIENTS];
	int progress_fd;
	struct timespec progress_last;
	char read_group[64];
	gid_t read_gid;
} ctl = { .lfd = -1, .progress_fd = -1 };

static int ctl_send(int fd, json_object *rep);

/*
 * ctl_progress() - engine progress callback: send {"progress": {"done",
 * "total"}} to the client that asked, at most every CTL_PROGRESS_MS and
 * always at the end.
 */
static void ctl_progress(void *arg, uint64_t done, uint64_t total)
{
	struct timespec now;
	json_object *o, *p;
	long ms;

	if (ctl.progress_fd < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - ctl.progress_last.tv_sec) * 1000 +
	     (now.tv_nsec - ctl.progress_last.tv_nsec) / 1000000;
	if (done < total && ms < CTL_PROGRESS_MS)
		return;
	ctl.progress_last = now;
	o = json_object_new_object();
	p = json_object_new_object();
	json_object_object_add(p, "done", json_object_new_int64((int64_t)done));
	json_object_object_add(p, "total",
			       json_object_new_int64((int64_t)total));
	json_object_object_add(o, "progress", p);
	ctl_send(ctl.progress_fd, o);
	json_object_put(o);
}

/* ------------------------------------------------------------------ */
/* Request helpers                                                      */
/* ------------------------------------------------------------------ */

/*
 * ctl_field() - field @key of @req, of type @type, in @v; a null string
 * counts as absent.  Return: 1 if present, 0 if absent (an error if
 * @required) or -errno.
 */
static int ctl_field(json_object *req, const char *key, json_type type,
		     bool required, json_object **v)
{
	static const char *const type_names[] = {
		[json_type_boolean] = "a boolean",
		[json_type_int] = "an integer",
		[json_type_string] = "a string",
	};

	if (!json_object_object_get_ex(req, key, v) ||
	    (type == json_type_string &&
	     json_object_is_type(*v, json_type_null))) {
		if (required)
			return cvol_seterr(-EINVAL, "missing field \"%s\"",
					   key);
		return 0;
	}
	if (!json_object_is_type(*v, type))
		return cvol_seterr(-EINVAL, "field \"%s\" must be %s", key,
				   type_names[type]);
	return 1;
}

/*
 * ctl_str() - string field @key of @req
 * @what: "pool", "volume name", ... for messages
 * @def: value when absent; NULL makes the field required
 * @name: the value must be a valid cvol name
 */
static int ctl_str(json_object *req, const char *key, const char *what,
		   const char *def, bool name, const char **out)
{
	json_object *v;
	const char *s;
	int ret;

	ret = ctl_field(req, key, json_type_string, !def, &v);
	if (!ret)
		*out = def;
	if (ret <= 0)
		return ret;
	s = json_object_get_string(v);
	if (name && !cvol_name_valid(s))
		return cvol_seterr(
			-EINVAL,
			"invalid %s \"%.80s\": use 1-%d characters of A-Z a-z 0-9 . _ -, not starting with . or -",
			what, s, CVOL_NAME_MAX);
	*out = s;
	return 0;
}

static int ctl_u64(json_object *req, const char *key, bool required,
		   uint64_t def, uint64_t *out)
{
	json_object *v;
	int64_t n;
	int ret;

	ret = ctl_field(req, key, json_type_int, required, &v);
	if (!ret)
		*out = def;
	if (ret <= 0)
		return ret;
	errno = 0;
	n = json_object_get_int64(v);
	if (n < 0)
		return cvol_seterr(-EINVAL, "field \"%s\" must not be negative",
				   key);
	if (errno == EINVAL)
		return cvol_seterr(-EINVAL, "field \"%s\" is out of range",
				   key);
	*out = (uint64_t)n;
	return 0;
}

static int ctl_bool(json_object *req, const char *key, bool *out)
{
	json_object *v;
	int ret;

	*out = false;
	ret = ctl_field(req, key, json_type_boolean, false, &v);
	if (ret <= 0)
		return ret;
	*out = json_object_get_boolean(v);
	return 0;
}

/* The pool named by field "pool" (default "default"), opened by cvold. */
static int ctl_pool(json_object *req, struct cvol_pool **pool,
		    const char **name)
{
	const char *p;
	int ret;

	ret = ctl_str(req, "pool", "pool name", "default", true, &p);
	if (ret)
		return ret;
	*pool = cvold_pool(ctl.d, p);
	if (!*pool) {
		char msg[256];

		/* cvol_seterr() must not read the buffer it writes */
		snprintf(msg, sizeof(msg), "%s",
			 *cvol_errmsg() ? cvol_errmsg() : "cannot open");
		if (!strncmp(msg, "pool ", 5) || !strncmp(msg, "no pool ", 8))
			return cvol_seterr(-ENOENT, "%s", msg);
		return cvol_seterr(-ENOENT, "pool %s: %s", p, msg);
	}
	if (name)
		*name = p;
	return 0;
}

/* The pool and field "name", a volume name; @pname may be NULL */
static int ctl_vol(json_object *req, struct cvol_pool **pool,
		   const char **pname, const char **name)
{
	int ret;

	ret = ctl_pool(req, pool, pname);
	if (!ret)
		ret = ctl_str(req, "name", "volume name", NULL, true, name);
	return ret;
}

/* Field "snap": "" when absent (a volume head), else a valid name */
static int ctl_opt_snap(json_object *req, const char **snap)
{
	int ret;

	ret = ctl_str(req, "snap", "snapshot name", "", false, snap);
	if (!ret && **snap && !cvol_name_valid(*snap))
		ret = ctl_str(req, "snap", "snapshot name", NULL, true, snap);
	return ret;
}

static int ctl_check_size(uint64_t size)
{
	if (size == 0 || size % 512)
		return cvol_seterr(
			-EINVAL, "size %llu is not a non-zero multiple of 512",
			(unsigned long long)size);
	return 0;
}

static void ctl_add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

/* What a volume or device is: its "pool", "name" and "snap" */
static void ctl_add_names(json_object *o, const char *pool, const char *vol,
			  const char *snap)
{
	ctl_add(o, "pool", json_object_new_string(pool));
	ctl_add(o, "name", json_object_new_string(vol));
	ctl_add(o, "snap", json_object_new_string(snap));
}

/* "dev_id" and "path" of device @id */
static void ctl_add_dev(json_object *o, uint32_t id)
{
	char path[32];

	snprintf(path, sizeof(path), "/dev/cvol%u", id);
	ctl_add(o, "dev_id", json_object_new_int64(id));
	ctl_add(o, "path", json_object_new_string(path));
}

static json_object *ctl_info_json(const char *pool,
				  const struct cvol_vol_info *in)
{
	json_object *o = json_object_new_object();

	ctl_add_names(o, pool, in->name, in->snap);
	ctl_add(o, "size", json_object_new_int64((int64_t)in->size));
	ctl_add(o, "order", json_object_new_int((int)in->order));
	ctl_add(o, "object_size",
		json_object_new_int64((int64_t)1 << in->order));
	ctl_add(o, "parent_vol", json_object_new_string(in->parent_vol));
	ctl_add(o, "parent_snap", json_object_new_string(in->parent_snap));
	ctl_add(o, "snapshots", json_object_new_int64(in->nsnaps));
	ctl_add(o, "clones", json_object_new_int64(in->nclones));
	ctl_add(o, "protected", json_object_new_boolean(in->protected_));
	ctl_add(o, "created", json_object_new_int64((int64_t)in->created));
	ctl_add(o, "used_objects",
		json_object_new_int64((int64_t)in->used_objects));
	return o;
}

/* ------------------------------------------------------------------ */
/* Operations: each fills @rep and returns 0, or returns -errno        */
/* ------------------------------------------------------------------ */

static int op_vol_create(json_object *req, json_object *rep)
{
	struct cvol_pool *pool;
	const char *name;
	uint64_t size, order;
	int ret;

	ret = ctl_vol(req, &pool, NULL, &name);
	if (!ret)
		ret = ctl_u64(req, "size", true, 0, &size);
	if (!ret)
		ret = ctl_u64(req, "order", false, CVOL_ORDER_DEFAULT, &order);
	if (!ret)
		ret = ctl_check_size(size);
	if (ret)
		return ret;
	if (order < CVOL_ORDER_MIN || order > CVOL_ORDER_MAX)
		return cvol_seterr(
			-EINVAL,
			"object order %llu is outside %d..%d (64K..64M)",
			(unsigned long long)order, CVOL_ORDER_MIN,
			CVOL_ORDER_MAX);
	ret = cvol_vol_create(pool, name, size, (unsigned int)order);
	if (ret)
		return ret;
	ctl_add(rep, "name", json_object_new_string(name));
	ctl_add(rep, "size", json_object_new_int64((int64_t)size));
	return 0;
}

static int op_vol_remove(json_object *req, json_object *rep)
{
	struct cvol_pool *pool;
	const char *name;
	int ret;

	ret = ctl_vol(req, &pool, NULL, &name);
	return ret ? ret : cvol_vol_remove(pool, name);
}

struct ctl_list_arg {
	struct cvol_pool *pool;
	const char *pool_name;
	const char *vol; /* snapshots of this volume; NULL: volumes */
	json_object *arr;
};

static int ctl_list_cb(void *arg, const char *name)
{
	struct ctl_list_arg *la = arg;
	struct cvol_vol_info in;
	int ret;

	if (la->vol)
		ret = cvol_vol_info(la->pool, la->vol, name, &in);
	else
		ret = cvol_vol_info(la->pool, name, NULL, &in);
	if (ret == -ENOENT)
		return 0; /* removed meanwhile */
	if (ret)
		return ret;
	json_object_array_add(la->arr, ctl_info_json(la->pool_name, &in));
	return 0;
}

static int op_vol_list(json_object *req, json_object *rep)
{
	struct ctl_list_arg la = { 0 };
	int ret;

	ret = ctl_pool(req, &la.pool, &la.pool_name);
	if (ret)
		return ret;
	la.arr = json_object_new_array();
	ctl_add(rep, "volumes", la.arr);
	return cvol_vol_list(la.pool, ctl_list_cb, &la);
}

static int op_vol_info(json_object *req, json_object *rep)
{
	struct cvol_vol_info in;
	struct cvol_pool *pool;
	const char *pname, *name, *snap;
	int ret;

	ret = ctl_vol(req, &pool, &pname, &name);
	if (!ret)
		ret = ctl_opt_snap(req, &snap);
	if (ret)
		return ret;
	ret = cvol_vol_info(pool, name, *snap ? snap : NULL, &in);
	if (ret)
		return ret;
	ctl_add(rep, "volume", ctl_info_json(pname, &in));
	return 0;
}

/**
 * struct ctl_attached - looks for the device of a volume head
 * @pool, @vol: the volume
 * @any_snap: a device of any of its snapshots counts too
 * @dev_id: its device, when @found
 * @found: the volume is attached
 */
struct ctl_attached {
	const char *pool, *vol;
	bool any_snap;
	uint32_t dev_id;
	bool found;
};

static int ctl_attached_cb(void *arg, const struct cvold_dev_info *in)
{
	struct ctl_attached *a = arg;

	if (!strcmp(in->pool, a->pool) && !strcmp(in->vol, a->vol) &&
	    (a->any_snap || !in->snap[0])) {
		a->dev_id = in->dev_id;
		a->found = true;
	}
	return 0;
}

/*
 * A device keeps the names it was attached with, and a restarted cvold
 * resolves them again: renaming an attached volume would leave the device
 * to whatever volume takes the old name (which adoption then refuses to
 * serve, as its identity differs: Documentation/uapi.md).
 */
static int op_vol_rename(json_object *req, json_object *rep)
{
	struct ctl_attached a = { .any_snap = true };
	const char *name, *new, *pname;
	struct cvol_pool *pool;
	int ret;

	ret = ctl_vol(req, &pool, &pname, &name);
	if (!ret)
		ret = ctl_str(req, "new", "volume name", NULL, true, &new);
	if (ret)
		return ret;
	a.pool = pname;
	a.vol = name;
	ret = cvold_dev_list(ctl.d, ctl_attached_cb, &a);
	if (!ret && a.found)
		ret = cvol_seterr(-EBUSY,
				  "volume '%s' is attached as /dev/cvol%u: detach it before renaming it",
				  name, a.dev_id);
	return ret ? ret : cvol_vol_rename(pool, name, new);
}

static int op_vol_resize(json_object *req, json_object *rep)
{
	struct ctl_attached a = { 0 };
	struct cvol_vol_info in;
	struct cvol_pool *pool;
	const char *name, *pname;
	uint64_t size;
	bool shrink;
	int ret;

	ret = ctl_vol(req, &pool, &pname, &name);
	if (!ret)
		ret = ctl_u64(req, "size", true, 0, &size);
	if (!ret)
		ret = ctl_bool(req, "allow_shrink", &shrink);
	if (!ret)
		ret = ctl_check_size(size);
	if (!ret)
		ret = cvol_vol_info(pool, name, NULL, &in);
	if (ret)
		return ret;
	if (size < in.size && !shrink)
		return cvol_seterr(
			-EINVAL,
			"shrinking volume '%s' from %llu to %llu bytes loses data (allow shrinking to do it)",
			name, (unsigned long long)in.size,
			(unsigned long long)size);
	/* a device never shrinks under its users */
	a.pool = pname;
	a.vol = name;
	if (size < in.size) {
		ret = cvold_dev_list(ctl.d, ctl_attached_cb, &a);
		if (ret)
			return ret;
	}
	if (a.found)
		return cvol_seterr(
			-EBUSY,
			"volume '%s' is attached as /dev/cvol%u: detach it before shrinking",
			name, a.dev_id);
	ret = cvol_vol_resize(pool, name, size, shrink);
	if (ret)
		return ret;
	ctl_add(rep, "size", json_object_new_int64((int64_t)size));
	return 0;
}

/* vol.clone and the snapshot operations: {pool, name, snap} */
static int ctl_snap_args(json_object *req, struct cvol_pool **pool,
			 const char **name, const char **snap)
{
	int ret;

	ret = ctl_vol(req, pool, NULL, name);
	if (!ret)
		ret = ctl_str(req, "snap", "snapshot name", NULL, true, snap);
	return ret;
}

static int op_vol_clone(json_object *req, json_object *rep)
{
	struct cvol_pool *pool;
	const char *name, *snap, *new;
	int ret;

	ret = ctl_snap_args(req, &pool, &name, &snap);
	if (!ret)
		ret = ctl_str(req, "new", "volume name", NULL, true, &new);
	return ret ? ret : cvol_clone(pool, name, snap, new);
}

static int op_vol_flatten(json_object *req, json_object *rep)
{
	struct cvol_pool *pool;
	const char *name;
	int ret;

	ret = ctl_vol(req, &pool, NULL, &name);
	return ret ? ret : cvol_flatten(pool, name, ctl_progress, NULL);
}

/*
 * ctl_snap_op() - an operation on a snapshot: @fn of the request's {pool,
 * name, snap}; the volume name in @name unless NULL.
 */
static int ctl_snap_op(json_object *req,
		       int (*fn)(struct cvol_pool *pool, const char *name,
				 const char *snap),
		       const char **name)
{
	struct cvol_pool *pool;
	const char *vol = NULL, *snap;
	int ret;

	ret = ctl_snap_args(req, &pool, &vol, &snap);
	if (name)
		*name = vol;
	return ret ? ret : fn(pool, vol, snap);
}

static int op_snap_create(json_object *req, json_object *rep)
{
	return ctl_snap_op(req, cvol_snap_create, NULL);
}

static int op_snap_remove(json_object *req, json_object *rep)
{
	return ctl_snap_op(req, cvol_snap_remove, NULL);
}

static int op_snap_rollback(json_object *req, json_object *rep)
{
	const char *name = NULL;
	int ret;

	ret = ctl_snap_op(req, cvol_snap_rollback, &name);
	if (ret == -EBUSY)
		return cvol_seterr(
			-EBUSY, "volume %s is in use (detach it first)", name);
	return ret;
}

static int op_snap_list(json_object *req, json_object *rep)
{
	struct ctl_list_arg la = { 0 };
	int ret;

	ret = ctl_vol(req, &la.pool, &la.pool_name, &la.vol);
	if (ret)
		return ret;
	la.arr = json_object_new_array();
	ctl_add(rep, "snapshots", la.arr);
	return cvol_snap_list(la.pool, la.vol, ctl_list_cb, &la);
}

static int op_dev_attach(json_object *req, json_object *rep)
{
	const char *pool, *name, *snap;
	uint32_t id;
	bool ro;
	int ret;

	ret = ctl_str(req, "pool", "pool name", "default", true, &pool);
	if (!ret)
		ret = ctl_str(req, "name", "volume name", NULL, true, &name);
	if (!ret)
		ret = ctl_opt_snap(req, &snap);
	if (!ret)
		ret = ctl_bool(req, "ro", &ro);
	if (ret)
		return ret;
	ret = cvold_attach(ctl.d, pool, name, *snap ? snap : NULL, ro || *snap,
			   &id);
	if (ret)
		return ret;
	ctl_add_dev(rep, id);
	return 0;
}

static int op_dev_detach(json_object *req, json_object *rep)
{
	uint64_t id;
	bool force;
	int ret;

	ret = ctl_u64(req, "dev_id", true, 0, &id);
	if (!ret)
		ret = ctl_bool(req, "force", &force);
	if (ret)
		return ret;
	if (id > UINT32_MAX)
		return cvol_seterr(-ENOENT, "no device cvol%llu",
				   (unsigned long long)id);
	return cvold_detach(ctl.d, (uint32_t)id, force);
}

static int ctl_dev_cb(void *arg, const struct cvold_dev_info *in)
{
	json_object *o = json_object_new_object();

	ctl_add_dev(o, in->dev_id);
	ctl_add_names(o, in->pool, in->vol, in->snap);
	ctl_add(o, "ro", json_object_new_boolean(in->ro));
	ctl_add(o, "size", json_object_new_int64((int64_t)in->size));
	ctl_add(o, "state",
		json_object_new_string(cvol_dev_state_name(in->state)));
	if (in->error[0])
		ctl_add(o, "error", json_object_new_string(in->error));
	ctl_add(o, "failed", json_object_new_string(in->failed));
	json_object_array_add(arg, o);
	return 0;
}

static int op_dev_list(json_object *req, json_object *rep)
{
	json_object *arr = json_object_new_array();

	ctl_add(rep, "devices", arr);
	return cvold_dev_list(ctl.d, ctl_dev_cb, arr);
}

/* Add @name to the array of pool names @arg unless present */
static int ctl_pool_add(void *arg, const char *name)
{
	json_object *arr = arg;
	size_t i, n = json_object_array_length(arr);

	for (i = 0; i < n; i++)
		if (!strcmp(json_object_get_string(
				    json_object_array_get_idx(arr, i)),
			    name))
			return 0;
	json_object_array_add(arr, json_object_new_string(name));
	return 0;
}

static int ctl_pool_cmp(const void *a, const void *b)
{
	return strcmp(json_object_get_string(*(json_object *const *)a),
		      json_object_get_string(*(json_object *const *)b));
}

static int op_pool_list(json_object *req, json_object *rep)
{
	json_object *arr = json_object_new_array();
	int ret;

	ctl_add(rep, "pools", arr);
	ret = cvold_pool_list(ctl.d, ctl_pool_add, arr);
	json_object_array_sort(arr, ctl_pool_cmp);
	return ret;
}

static int op_pool_create(json_object *req, json_object *rep)
{
	const char *pool;
	int ret;

	ret = ctl_str(req, "pool", "pool name", NULL, true, &pool);
	if (!ret)
		ret = cvold_pool_create(ctl.d, pool);
	if (!ret)
		ctl_add(rep, "pool", json_object_new_string(pool));
	return ret;
}

static int op_pool_check(json_object *req, json_object *rep)
{
	struct cvol_check_report r = { 0 };
	struct cvol_pool *pool;
	json_object *o;
	bool repair;
	int ret;

	ret = ctl_pool(req, &pool, NULL);
	if (!ret)
		ret = ctl_bool(req, "repair", &repair);
	if (ret)
		return ret;
	ret = cvol_pool_check(pool, repair, &r, ctl_progress, NULL);
	if (ret)
		return ret;
	o = json_object_new_object();
#define CTL_COUNT(f) ctl_add(o, #f, json_object_new_int64((int64_t)r.f))
	CTL_COUNT(volumes);
	CTL_COUNT(snapshots);
	CTL_COUNT(objects);
	CTL_COUNT(unreferenced);
	CTL_COUNT(dangling);
	CTL_COUNT(bad_checksums);
	CTL_COUNT(repaired);
	CTL_COUNT(bad_copies);
	CTL_COUNT(copies_repaired);
	CTL_COUNT(shared);
	CTL_COUNT(pending);
#undef CTL_COUNT
	ctl_add(o, "copy_note", json_object_new_string(r.copy_note));
	ctl_add(rep, "check", o);
	return 0;
}

static int ctl_count_cb(void *arg, const struct cvold_dev_info *in)
{
	(*(unsigned int *)arg)++;
	return 0;
}

static int op_status(json_object *req, json_object *rep)
{
	json_object *arr = json_object_new_array();
	unsigned int ndev = 0;
	int ret;

	/* the devices left that nothing serves, in dev.list's form */
	ctl_add(rep, "not_adopted", arr);
	ret = cvold_dev_list(ctl.d, ctl_count_cb, &ndev);
	if (!ret)
		ret = cvold_unadopted_list(ctl.d, ctl_dev_cb, arr);
	if (ret)
		return ret;
	ctl_add(rep, "daemon", json_object_new_string("cvold"));
	ctl_add(rep, "pid", json_object_new_int((int)getpid()));
	ctl_add(rep, "devices", json_object_new_int((int)ndev));
	ctl_add(rep, "adopting",
		json_object_new_boolean(cvold_adopting(ctl.d)));
	ctl_add(rep, "kernel_module",
		json_object_new_boolean(access("/sys/module/cvol", F_OK) == 0));
	return 0;
}

/**
 * struct ctl_op - one operation of the protocol
 * @name: its "op"
 * @fn: the handler
 * @fields: the request fields it takes besides "op" and "progress",
 *	space-separated: any other field is refused before @fn runs (a
 *	misspelt "readonly" must not attach read-write)
 * @read: the read group may run it: it changes no volume, snapshot,
 *	device or pool (pool.check without repair does not either, but holds
 *	the one serving thread for as long as the pool takes: root only)
 */
static const struct ctl_op {
	const char *name;
	int (*fn)(json_object *req, json_object *rep);
	const char *fields;
	bool read;
} ctl_ops[] = {
	{ "vol.create", op_vol_create, "pool name size order", false },
	{ "vol.remove", op_vol_remove, "pool name", false },
	{ "vol.list", op_vol_list, "pool", true },
	{ "vol.info", op_vol_info, "pool name snap", true },
	{ "vol.rename", op_vol_rename, "pool name new", false },
	{ "vol.resize", op_vol_resize, "pool name size allow_shrink", false },
	{ "vol.clone", op_vol_clone, "pool name snap new", false },
	{ "vol.flatten", op_vol_flatten, "pool name", false },
	{ "snap.create", op_snap_create, "pool name snap", false },
	{ "snap.remove", op_snap_remove, "pool name snap", false },
	{ "snap.list", op_snap_list, "pool name", true },
	{ "snap.rollback", op_snap_rollback, "pool name snap", false },
	{ "dev.attach", op_dev_attach, "pool name snap ro", false },
	{ "dev.detach", op_dev_detach, "dev_id force", false },
	{ "dev.list", op_dev_list, "", true },
	{ "pool.list", op_pool_list, "", true },
	{ "pool.create", op_pool_create, "pool", false },
	{ "pool.check", op_pool_check, "pool repair", false },
	{ "status", op_status, "", true },
};

#define CTL_NOPS (sizeof(ctl_ops) / sizeof(ctl_ops[0]))

/* @key is one of the space-separated words of @fields */
static bool ctl_has_field(const char *fields, const char *key)
{
	size_t n = strlen(key);
	const char *f;

	for (f = fields; *f; f += strcspn(f, " "), f += *f == ' ')
		if (!strncmp(f, key, n) && (f[n] == ' ' || !f[n]))
			return true;
	return false;
}

/* -EINVAL naming the first field of @req that @op does not take */
static int ctl_check_fields(json_object *req, const struct ctl_op *op)
{
	json_object_object_foreach(req, key, val)
	{
		(void)val;
		if (strcmp(key, "op") && strcmp(key, "progress") &&
		    !ctl_has_field(op->fields, key))
			return cvol_seterr(-EINVAL,
					   "%s: unknown field \"%.64s\" (valid: %s%sprogress)",
					   op->name, key, op->fields,
					   *op->fields ? " " : "");
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Dispatch and transport                                              */
/* ------------------------------------------------------------------ */

static json_object *ctl_error_reply(int err, const char *msg)
{
	json_object *rep = json_object_new_object();

	if (!msg || !*msg)
		msg = strerror(-err);
	ctl_add(rep, "ok", json_object_new_boolean(false));
	ctl_add(rep, "errno", json_object_new_int(-err));
	ctl_add(rep, "error", json_object_new_string(msg));
	return rep;
}

/*
 * ctl_refused() - the reply refusing @op (NULL: any request) to client @c,
 * or NULL when its peer may run @op
 */
static json_object *ctl_refused(const struct ctl_client *c,
				const struct ctl_op *op)
{
	char msg[512], ops[256] = "";
	size_t i, n = 0;

	if (c->role == CTL_ROLE_ALL || (c->role == CTL_ROLE_READ && op->read))
		return NULL;
	if (c->role == CTL_ROLE_NONE) {
		if (ctl.read_group[0])
			snprintf(
				msg, sizeof(msg),
				"uid %u may not use cvold: only root, and members of group %s for read-only requests, may",
				(unsigned int)c->uid, ctl.read_group);
		else
			snprintf(
				msg, sizeof(msg),
				"uid %u may not use cvold: only root may (cvold --read-group GROUP admits a group to read-only requests)",
				(unsigned int)c->uid);
		return ctl_error_reply(-EACCES, msg);
	}
	for (i = 0; i < CTL_NOPS; i++)
		if (ctl_ops[i].read && n < sizeof(ops))
			n += (size_t)snprintf(ops + n, sizeof(ops) - n, "%s%s",
					      n ? ", " : "", ctl_ops[i].name);
	snprintf(msg, sizeof(msg), "%s needs root: group %s may run only %s",
		 op->name, ctl.read_group, ops);
	return ctl_error_reply(-EPERM, msg);
}

/* ctl_handle() - the reply to one request line (NUL-terminated) of @c */
static json_object *ctl_handle(struct ctl_client *c, const char *line,
			       size_t len)
{
	enum json_tokener_error jerr;
	json_tokener *tok;
	json_object *req, *rep, *v;
	bool progress;
	const char *op;
	size_t i;
	int ret;

	/* a peer that may run nothing learns nothing, not even parse errors */
	if (c->role == CTL_ROLE_NONE)
		return ctl_refused(c, NULL);
	tok = json_tokener_new();
	if (!tok)
		return ctl_error_reply(-ENOMEM, "out of memory");
	req = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	if (req && jerr == json_tokener_success &&
	    tok->char_offset < (int)len &&
	    line[tok->char_offset + strspn(line + tok->char_offset, " \t\r")])
		jerr = json_tokener_error_parse_unexpected;
	json_tokener_free(tok);
	if (!req || jerr != json_tokener_success) {
		json_object_put(req);
		return ctl_error_reply(-EINVAL, "request is not valid JSON");
	}
	if (!json_object_is_type(req, json_type_object)) {
		json_object_put(req);
		return ctl_error_reply(-EINVAL,
				       "request must be a JSON object");
	}
	if (!json_object_object_get_ex(req, "op", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		json_object_put(req);
		return ctl_error_reply(-EINVAL,
				       "request has no string field \"op\"");
	}
	op = json_object_get_string(v);
	for (i = 0; i < CTL_NOPS; i++)
		if (!strcmp(op, ctl_ops[i].name))
			break;
	if (i == CTL_NOPS) {
		char msg[128];

		snprintf(msg, sizeof(msg), "unknown op \"%.64s\"", op);
		json_object_put(req);
		return ctl_error_reply(-EOPNOTSUPP, msg);
	}
	rep = ctl_refused(c, &ctl_ops[i]);
	if (rep) {
		json_object_put(req);
		return rep;
	}
	rep = json_object_new_object();
	ctl_add(rep, "ok", json_object_new_boolean(true));
	cvol_clearerr();
	if (ctl_check_fields(req, &ctl_ops[i]) ||
	    ctl_bool(req, "progress", &progress)) {
		json_object_put(rep);
		rep = ctl_error_reply(-EINVAL, cvol_errmsg());
		json_object_put(req);
		return rep;
	}
	/* what needs the devices waits until the old ones are adopted */
	if (strcmp(op, "status"))
		cvold_wait_adopted(ctl.d);
	if (progress) {
		ctl.progress_fd = c->fd;
		clock_gettime(CLOCK_MONOTONIC, &ctl.progress_last);
	}
	ret = ctl_ops[i].fn(req, rep);
	ctl.progress_fd = -1;
	if (ret < 0) {
		json_object_put(rep);
		rep = ctl_error_reply(ret, cvol_errmsg());
	}
	json_object_put(req);
	return rep;
}

static int ctl_send(int fd, json_object *rep)
{
	const char *s;
	size_t len, off = 0;
	ssize_t n;
	char *line;

	s = json_object_to_json_string_ext(rep, JSON_C_TO_STRING_PLAIN);
	len = strlen(s);
	line = malloc(len + 1);
	if (!line)
		return -ENOMEM;
	memcpy(line, s, len);
	line[len++] = '\n';
	while (off < len) {
		n = send(fd, line + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(line);
			return -EIO;
		}
		off += (size_t)n;
	}
	free(line);
	return 0;
}

static void ctl_client_close(struct ctl_client *c)
{
	close(c->fd);
	free(c->buf);
	c->fd = -1;
	c->buf = NULL;
	c->len = 0;
}

/* Is group ctl.read_gid among the supplementary groups of peer @fd? */
static bool ctl_peer_in_group(int fd)
{
	gid_t small[64], *g = small;
	socklen_t len = sizeof(small);
	bool in = false;
	size_t i;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len)) {
		if (errno != ERANGE)
			return false;
		g = malloc(len);
		if (!g || getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len)) {
			free(g);
			return false;
		}
	}
	for (i = 0; i < len / sizeof(*g) && !in; i++)
		in = g[i] == ctl.read_gid;
	if (g != small)
		free(g);
	return in;
}

/* What peer @fd may run: from its credentials when it connected */
static enum ctl_role ctl_peer_role(int fd, uid_t *uid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	*uid = (uid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len))
		return CTL_ROLE_NONE;
	*uid = cr.uid;
	if (cr.uid == 0)
		return CTL_ROLE_ALL;
	if (ctl.read_group[0] &&
	    (cr.gid == ctl.read_gid || ctl_peer_in_group(fd)))
		return CTL_ROLE_READ;
	return CTL_ROLE_NONE;
}

static void ctl_accept(void)
{
	struct timeval tv = { .tv_sec = CTL_SEND_TIMEOUT };
	struct ctl_client *c = NULL;
	json_object *rep;
	int fd, i;

	fd = accept4(ctl.lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		if (ctl.clients[i].fd < 0) {
			c = &ctl.clients[i];
			break;
		}
	}
	if (c)
		c->buf = malloc(CTL_REQ_MAX);
	if (!c || !c->buf) {
		rep = ctl_error_reply(-EAGAIN, "too many connections to cvold");
		ctl_send(fd, rep);
		json_object_put(rep);
		close(fd);
		return;
	}
	c->fd = fd;
	c->role = ctl_peer_role(fd, &c->uid);
	c->len = 0;
}

/* Read what @c has sent and answer every complete line. */
static void ctl_client_read(struct ctl_client *c)
{
	json_object *rep;
	char *nl;
	ssize_t n;
	size_t used;

	n = recv(c->fd, c->buf + c->len, CTL_REQ_MAX - c->len, MSG_DONTWAIT);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		ctl_client_close(c);
		return;
	}
	c->len += (size_t)n;
	while ((nl = memchr(c->buf, '\n', c->len))) {
		*nl = '\0';
		used = (size_t)(nl - c->buf) + 1;
		if (nl > c->buf && memchr(c->buf, '\0', used - 1))
			rep = ctl_error_reply(-EINVAL,
					      "request contains a NUL byte");
		else
			rep = ctl_handle(c, c->buf, used - 1);
		if (ctl_send(c->fd, rep)) {
			json_object_put(rep);
			ctl_client_close(c);
			return;
		}
		json_object_put(rep);
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
	}
	if (c->len == CTL_REQ_MAX) {
		char msg[64];

		snprintf(msg, sizeof(msg), "request longer than %d bytes",
			 CTL_REQ_MAX - 1);
		rep = ctl_error_reply(-EMSGSIZE, msg);
		ctl_send(c->fd, rep);
		json_object_put(rep);
		ctl_client_close(c);
	}
}

static void *ctl_thread(void *arg)
{
	struct pollfd pfd[CTL_MAX_CLIENTS + 2];
	int map[CTL_MAX_CLIENTS + 2];
	int i, n;

	for (;;) {
		pfd[0] = (struct pollfd){ .fd = ctl.stop_pipe[0],
					  .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = ctl.lfd, .events = POLLIN };
		n = 2;
		for (i = 0; i < CTL_MAX_CLIENTS; i++) {
			if (ctl.clients[i].fd < 0)
				continue;
			pfd[n] = (struct pollfd){ .fd = ctl.clients[i].fd,
						  .events = POLLIN };
			map[n++] = i;
		}
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents)
			break;
		for (i = 2; i < n; i++)
			if (pfd[i].revents)
				ctl_client_read(&ctl.clients[map[i]]);
		if (pfd[1].revents & POLLIN)
			ctl_accept();
	}
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (ctl.clients[i].fd >= 0)
			ctl_client_close(&ctl.clients[i]);
	return NULL;
}

/* -@err, "WHAT PATH: cannot give it to group G: ..." */
static int ctl_chgrp_err(int err, const char *what, const char *path, gid_t gid)
{
	char g[16];

	snprintf(g, sizeof(g), "%u", (unsigned int)gid);
	return cvol_seterr(
		-err, "%s %s: cannot give it to group %s: %s%s", what, path,
		ctl.read_group[0] ? ctl.read_group : g, strerror(err),
		err == EPERM ? " (--read-group needs CAP_CHOWN)" : "");
}

/*
 * ctl_dir() - open (O_DIRECTORY, never through a symlink) the directory of
 * @sock_path, creating what is missing: the parents 0755, the directory
 * itself 0700, or 0750 and group ctl.read_gid with a read group.  An
 * existing one that is cvold's and gives others nothing is set to that
 * (and to cvold's group without a read group); one another user owns or
 * others may write (they could replace the socket) is refused, as is a
 * symlink.  Puts the socket's name (the last component) in @base.
 * Return: the directory's descriptor, AT_FDCWD for a name without a
 * directory, or -errno with a message.
 */
static int ctl_dir(const char *sock_path, const char **base)
{
	mode_t mode = ctl.read_group[0] ? 0750 : 0700;
	gid_t gid = ctl.read_group[0] ? ctl.read_gid : getegid();
	char dir[sizeof(ctl.path)];
	struct stat st;
	char *slash;
	size_t i;
	int fd, err;

	snprintf(dir, sizeof(dir), "%s", sock_path);
	slash = strrchr(dir, '/');
	*base = slash ? sock_path + (slash - dir) + 1 : sock_path;
	if (!slash)
		return AT_FDCWD;
	slash[slash == dir] = '\0'; /* "/s": the root directory */
	for (i = 1; dir[i]; i++) {
		if (dir[i] != '/')
			continue;
		dir[i] = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return cvol_seterr(-errno, "mkdir %s: %s", dir,
					   strerror(errno));
		dir[i] = '/';
	}
	if (mkdir(dir, 0700) && errno != EEXIST)
		return cvol_seterr(-errno, "mkdir %s: %s", dir,
				   strerror(errno));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* a symlink fails with ELOOP or, as O_DIRECTORY comes first, ENOTDIR */
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR) &&
	    !lstat(dir, &st) && S_ISLNK(st.st_mode))
		return cvol_seterr(
			-ELOOP,
			"socket directory %s: a symlink (name the directory itself)",
			dir);
	if (fd < 0)
		return cvol_seterr(-errno, "socket directory %s: %s", dir,
				   strerror(errno));
	if (fstat(fd, &st))
		goto fail;
	/* cvold's own directory (as it made it, or as systemd's
	 * RuntimeDirectory= makes it): what the read group needs */
	if (st.st_uid == geteuid() && !(st.st_mode & 0007)) {
		if (st.st_gid != gid && fchown(fd, (uid_t)-1, gid)) {
			err = errno;
			close(fd);
			return ctl_chgrp_err(err, "socket directory", dir, gid);
		}
		if ((st.st_mode & 07777) != mode && fchmod(fd, mode))
			goto fail;
		return fd;
	}
	/* anyone else who may write it could replace the socket, sticky bit
	 * or not (a name taken first, or its SOCKET.lock) */
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		close(fd);
		return cvol_seterr(
			-EPERM,
			"socket directory %s: owned by uid %u, who may replace the socket: use a directory only root may write",
			dir, (unsigned int)st.st_uid);
	}
	if (st.st_mode & 0022) {
		close(fd);
		return cvol_seterr(
			-EPERM,
			"socket directory %s: others may write it (mode %o): use a directory only root may write",
			dir, (unsigned int)(st.st_mode & 07777));
	}
	return fd;

fail:
	err = errno;
	close(fd);
	return cvol_seterr(-err, "socket directory %s: %s", dir, strerror(err));
}

int cvold_ctl_prepare(const char *sock_path, const char *read_group)
{
	struct group *g;
	unsigned long n;
	const char *base;
	char *end;
	int fd;

	if (read_group) {
		errno = 0;
		n = strtoul(read_group, &end, 10);
		if (*read_group && !*end && !errno && n < (gid_t)-1) {
			ctl.read_gid = (gid_t)n;
		} else if ((g = getgrnam(read_group))) {
			/* main thread, before any other (any member count) */
			ctl.read_gid = g->gr_gid;
		} else {
			return cvol_seterr(-EINVAL,
					   "--read-group: no group '%.64s'",
					   read_group);
		}
		snprintf(ctl.read_group, sizeof(ctl.read_group), "%s",
			 read_group);
	}
	if (strlen(sock_path) >= sizeof(ctl.path))
		return cvol_seterr(-ENAMETOOLONG, "socket path too long: %s",
				   sock_path);
	fd = ctl_dir(sock_path, &base);
	if (fd >= 0)
		close(fd);
	return fd < 0 && fd != AT_FDCWD ? fd : 0;
}

int cvold_ctl_start(struct cvold *d, const char *sock_path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *base;
	mode_t old_umask;
	int i, ret, dfd;

	if (strlen(sock_path) >= sizeof(sa.sun_path))
		return cvol_seterr(-ENAMETOOLONG, "socket path too long: %s",
				   sock_path);
	dfd = ctl_dir(sock_path, &base);
	if (dfd < 0 && dfd != AT_FDCWD)
		return dfd;
	ctl.d = d;
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		ctl.clients[i].fd = -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	snprintf(ctl.path, sizeof(ctl.path), "%s", sock_path);

	ctl.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ctl.lfd < 0) {
		ret = cvol_seterr(-errno, "socket: %s", strerror(errno));
		goto close_dir;
	}
	unlinkat(dfd, base, 0); /* a stale socket of an earlier cvold */
	/* 0600, or 0660 for the read group: no chmod by name afterwards */
	old_umask = umask(ctl.read_group[0] ? 0117 : 0177);
	ret = bind(ctl.lfd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old_umask);
	if (ret) {
		ret = cvol_seterr(-errno, "bind %s: %s", sock_path,
				  strerror(errno));
		goto close_socket;
	}
	/* the directory is cvold's alone: nobody swapped the socket */
	if (ctl.read_group[0] &&
	    fchownat(dfd, base, (uid_t)-1, ctl.read_gid, AT_SYMLINK_NOFOLLOW)) {
		ret = ctl_chgrp_err(errno, "socket", sock_path, ctl.read_gid);
		goto unlink_socket;
	}
	if (listen(ctl.lfd, 16)) {
		ret = cvol_seterr(-errno, "listen %s: %s", sock_path,
				  strerror(errno));
		goto unlink_socket;
	}
	if (pipe2(ctl.stop_pipe, O_CLOEXEC)) {
		ret = cvol_seterr(-errno, "pipe: %s", strerror(errno));
		goto unlink_socket;
	}
	ret = -pthread_create(&ctl.thread, NULL, ctl_thread, NULL);
	if (ret) {
		cvol_seterr(ret, "pthread_create: %s", strerror(-ret));
		goto close_pipe;
	}
	if (dfd >= 0)
		close(dfd);
	return 0;

close_pipe:
	close(ctl.stop_pipe[0]);
	close(ctl.stop_pipe[1]);
unlink_socket:
	unlinkat(dfd, base, 0);
close_socket:
	close(ctl.lfd);
	ctl.lfd = -1;
close_dir:
	if (dfd >= 0)
		close(dfd);
	return ret;
}

void cvold_ctl_stop(struct cvold *d)
{
	ssize_t n;

	if (ctl.lfd < 0)
		return;
	do
		n = write(ctl.stop_pipe[1], "x", 1);
	while (n < 0 && errno == EINTR);
	pthread_join(ctl.thread, NULL);
	close(ctl.stop_pipe[0]);
	close(ctl.stop_pipe[1]);
	close(ctl.lfd);
	ctl.lfd = -1;
	unlink(ctl.path);
}
