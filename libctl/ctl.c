// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libcvolctl: handle, errors, name and size parsing, and the volume
 * operations sent to cvold (Documentation/daemon-protocol.md).
 */
#include <errno.h>
#include <json.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl-int.h"

static __thread char ctl_errbuf[512];

int ctl_seterr(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctl_errbuf, sizeof(ctl_errbuf), fmt, ap);
	va_end(ap);
	return err;
}

const char *cvol_ctl_error(void)
{
	return ctl_errbuf;
}

int cvol_ctl_open(const char *sock_path, struct cvol_ctl **out)
{
	struct cvol_ctl *ctl;

	if (!out)
		return ctl_seterr(-EINVAL, "no handle pointer");
	if (!sock_path)
		sock_path = CVOL_CTL_SOCKET_DEFAULT;
	if (!*sock_path)
		return ctl_seterr(-EINVAL, "empty socket path");
	if (strlen(sock_path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return ctl_seterr(-ENAMETOOLONG, "socket path too long: %s",
				  sock_path);
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return ctl_seterr(-ENOMEM, "out of memory");
	snprintf(ctl->sock_path, sizeof(ctl->sock_path), "%s", sock_path);
	ctl->fd = -1;
	*out = ctl;
	return 0;
}

void cvol_ctl_close(struct cvol_ctl *ctl)
{
	if (!ctl)
		return;
	if (ctl->fd >= 0)
		close(ctl->fd);
	free(ctl->rbuf);
	ctl_genl_close(ctl);
	free(ctl);
}

void cvol_ctl_set_progress(struct cvol_ctl *ctl, cvol_ctl_progress_cb cb,
			   void *arg)
{
	ctl->progress = cb;
	ctl->progress_arg = arg;
}

/* ---- names and sizes ---- */

bool cvol_ctl_name_valid(const char *s)
{
	return cvol_name_valid(s);
}

static int ctl_name_part(const char *what, const char *s, size_t len, char *out)
{
	if (len < 1 || len > CVOL_CTL_NAME_MAX)
		goto bad;
	memcpy(out, s, len);
	out[len] = '\0';
	if (!cvol_ctl_name_valid(out))
		goto bad;
	return 0;
bad:
	return ctl_seterr(
		-EINVAL,
		"invalid %s name \"%.*s\" (1-63 of A-Z a-z 0-9 . _ -, not starting with . or -)",
		what, (int)(len > 80 ? 80 : len), s);
}

int cvol_ctl_parse_name(const char *spec, unsigned int flags,
			struct cvol_ctl_name *out)
{
	const char *slash, *at, *vol;
	int ret;

	if (!spec || !out)
		return ctl_seterr(-EINVAL, "no name given");
	memset(out, 0, sizeof(*out));
	slash = strchr(spec, '/');
	if (slash) {
		ret = ctl_name_part("pool", spec, (size_t)(slash - spec),
				    out->pool);
		if (ret)
			return ret;
		vol = slash + 1;
	} else {
		strcpy(out->pool, CVOL_CTL_DEFAULT_POOL);
		vol = spec;
	}
	at = strchr(vol, '@');
	ret = ctl_name_part("volume", vol,
			    at ? (size_t)(at - vol) : strlen(vol), out->vol);
	if (ret)
		return ret;
	if (at) {
		if (flags & CVOL_CTL_NAME_SNAP_FORBIDDEN)
			return ctl_seterr(-EINVAL,
					  "%s: a snapshot is not allowed here",
					  spec);
		ret = ctl_name_part("snapshot", at + 1, strlen(at + 1),
				    out->snap);
		if (ret)
			return ret;
	} else if (flags & CVOL_CTL_NAME_SNAP_REQUIRED) {
		return ctl_seterr(-EINVAL,
				  "%s: name a snapshot as VOLUME@SNAPSHOT",
				  spec);
	}
	return 0;
}

int cvol_ctl_parse_size(const char *s, uint64_t *out)
{
	unsigned int shift = 0;
	uint64_t v = 0;
	const char *p;

	if (!s || !out)
		return ctl_seterr(-EINVAL, "no size given");
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return ctl_seterr(-ERANGE,
					  "size \"%.40s\" is too large", s);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == s)
		goto bad;
	switch (*p) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	case 't':
	case 'T':
		shift = 40;
		break;
	case '\0':
	case 'b':
	case 'B':
		break;
	default:
		goto bad;
	}
	if (shift) {
		p++;
		if (*p == 'i')
			p++;
	}
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p)
		goto bad;
	if (shift && v > (UINT64_MAX >> shift))
		return ctl_seterr(-ERANGE, "size \"%.40s\" is too large", s);
	*out = v << shift;
	return 0;
bad:
	return ctl_seterr(
		-EINVAL,
		"invalid size \"%.40s\" (a number with an optional K, M, G or T suffix)",
		s);
}

/* ---- the daemon connection ---- */

static int ctl_connect(struct cvol_ctl *ctl)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (ctl->fd >= 0)
		return 0;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ctl_seterr(-errno, "socket: %s", strerror(errno));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", ctl->sock_path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = errno;
		close(fd);
		if (err == ENOENT || err == ECONNREFUSED)
			return ctl_seterr(
				-ENOTCONN,
				"cvold is not running (systemctl start cvold)");
		if (err == EACCES || err == EPERM)
			return ctl_seterr(
				-err,
				"%s: permission denied (run as root; cvold --read-group GROUP admits a group to read-only requests)",
				ctl->sock_path);
		return ctl_seterr(-err, "connect %s: %s", ctl->sock_path,
				  strerror(err));
	}
	ctl->fd = fd;
	return 0;
}

static void ctl_disconnect(struct cvol_ctl *ctl)
{
	if (ctl->fd >= 0)
		close(ctl->fd);
	ctl->fd = -1;
	ctl->rlen = 0;
}

/* Read one reply line into ctl->rbuf; its length (without '\n') */
static int ctl_read_line(struct cvol_ctl *ctl, size_t *len)
{
	char *nl, *nb;
	ssize_t n;

	for (;;) {
		nl = ctl->rbuf ? memchr(ctl->rbuf, '\n', ctl->rlen) : NULL;
		if (nl) {
			*nl = '\0';
			*len = (size_t)(nl - ctl->rbuf);
			return 0;
		}
		if (ctl->rlen + 4096 + 1 > ctl->rcap) {
			if (ctl->rcap >= CTL_REPLY_MAX)
				return ctl_seterr(-EMSGSIZE,
						  "cvold reply too long");
			nb = realloc(ctl->rbuf, ctl->rcap * 2 + 8192);
			if (!nb)
				return ctl_seterr(-ENOMEM, "out of memory");
			ctl->rbuf = nb;
			ctl->rcap = ctl->rcap * 2 + 8192;
		}
		n = recv(ctl->fd, ctl->rbuf + ctl->rlen,
			 ctl->rcap - ctl->rlen - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ctl_seterr(-errno, "reading from cvold: %s",
					  strerror(errno));
		if (n == 0)
			return ctl_seterr(-ECONNRESET,
					  "cvold closed the connection");
		ctl->rlen += (size_t)n;
	}
}

static uint64_t ctl_get_u64(json_object *o, const char *key);

int ctl_call(struct cvol_ctl *ctl, const char *op, json_object *args,
	     json_object **reply)
{
	json_object *req = args ? args : json_object_new_object();
	json_object *rep = NULL, *v;
	const char *s;
	size_t len, off = 0, used;
	ssize_t n;
	char *line;
	int ret;

	*reply = NULL;
	json_object_object_add(req, "op", json_object_new_string(op));
	ret = ctl_connect(ctl);
	if (ret)
		goto put_req;
	s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	len = strlen(s);
	line = malloc(len + 2);
	if (!line) {
		ret = ctl_seterr(-ENOMEM, "out of memory");
		goto put_req;
	}
	memcpy(line, s, len);
	line[len++] = '\n';
	while (off < len) {
		n = send(ctl->fd, line + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = ctl_seterr(-errno, "writing to cvold: %s",
					 strerror(errno));
			free(line);
			goto drop_conn;
		}
		off += (size_t)n;
	}
	free(line);
	for (;;) {
		ret = ctl_read_line(ctl, &len);
		if (ret)
			goto drop_conn;
		rep = json_tokener_parse(ctl->rbuf);
		used = len + 1;
		memmove(ctl->rbuf, ctl->rbuf + used, ctl->rlen - used);
		ctl->rlen -= used;
		/* {"progress": {"done", "total"}} lines precede the reply */
		if (!rep || !json_object_object_get_ex(rep, "progress", &v) ||
		    json_object_object_get_ex(rep, "ok", NULL))
			break;
		if (ctl->progress)
			ctl->progress(ctl->progress_arg, ctl_get_u64(v, "done"),
				      ctl_get_u64(v, "total"));
		json_object_put(rep);
	}
	if (!rep || !json_object_is_type(rep, json_type_object)) {
		ret = ctl_seterr(-EPROTO, "cvold sent a malformed reply");
		goto put_rep;
	}
	if (!json_object_object_get_ex(rep, "ok", &v) ||
	    !json_object_get_boolean(v)) {
		int err = EPROTO;
		const char *msg = "cvold sent a malformed reply";

		if (json_object_object_get_ex(rep, "errno", &v))
			err = json_object_get_int(v);
		if (err <= 0)
			err = EPROTO;
		if (json_object_object_get_ex(rep, "error", &v))
			msg = json_object_get_string(v);
		ret = ctl_seterr(-err, "%s", msg);
		goto put_rep;
	}
	*reply = rep;
	json_object_put(req);
	return 0;

put_rep:
	json_object_put(rep);
	json_object_put(req);
	return ret;
drop_conn:
	ctl_disconnect(ctl);
put_req:
	json_object_put(req);
	return ret;
}

/* ---- argument checks shared by the operations ---- */

static int ctl_check_name(const char *what, const char *s)
{
	if (!s)
		return ctl_seterr(-EINVAL, "no %s name given", what);
	if (!cvol_ctl_name_valid(s))
		return ctl_name_part(what, s, strlen(s), (char[64]){ 0 });
	return 0;
}

static int ctl_check_size(uint64_t size)
{
	if (size == 0 || size % 512)
		return ctl_seterr(
			-EINVAL,
			"size %llu is not a non-zero multiple of 512 bytes",
			(unsigned long long)size);
	if (size > INT64_MAX)
		return ctl_seterr(-ERANGE, "size %llu is too large",
				  (unsigned long long)size);
	return 0;
}

static const char *ctl_pool(const char *pool)
{
	return pool ? pool : CVOL_CTL_DEFAULT_POOL;
}

static void ctl_add_str(json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, json_object_new_string(s));
}

/* A true @key in @o if @on; absent means false */
static void ctl_add_flag(json_object *o, const char *key, bool on)
{
	if (on)
		json_object_object_add(o, key, json_object_new_boolean(true));
}

static void ctl_add_size(json_object *o, uint64_t size)
{
	json_object_object_add(o, "size", json_object_new_int64((int64_t)size));
}

/* args {"pool"} after checking it */
static int ctl_pool_args(const char *pool, json_object **args)
{
	int ret;

	ret = ctl_check_name("pool", ctl_pool(pool));
	if (ret)
		return ret;
	*args = json_object_new_object();
	if (!*args)
		return ctl_seterr(-ENOMEM, "out of memory");
	ctl_add_str(*args, "pool", ctl_pool(pool));
	return 0;
}

/* args {"pool", "name"} after checking both */
static int ctl_args(const char *pool, const char *name, json_object **args)
{
	int ret;

	ret = ctl_pool_args(pool, args);
	if (ret)
		return ret;
	ret = ctl_check_name("volume", name);
	if (ret) {
		json_object_put(*args);
		return ret;
	}
	ctl_add_str(*args, "name", name);
	return 0;
}

/*
 * ctl_snap_args() - args {"pool", "name", "snap"} after checking them; a
 * NULL or "" @snap is left out unless @required.
 */
static int ctl_snap_args(const char *pool, const char *name, const char *snap,
			 bool required, json_object **args)
{
	bool given = snap && *snap;
	int ret = 0;

	if (required || given)
		ret = ctl_check_name("snapshot", snap);
	if (!ret)
		ret = ctl_args(pool, name, args);
	if (!ret && given)
		ctl_add_str(*args, "snap", snap);
	return ret;
}

/* Send @op with @args and drop the reply */
static int ctl_simple(struct cvol_ctl *ctl, const char *op, json_object *args)
{
	json_object *rep;
	int ret;

	ret = ctl_call(ctl, op, args, &rep);
	json_object_put(rep);
	return ret;
}

/* ---- volumes ---- */

int cvol_ctl_vol_create(struct cvol_ctl *ctl, const char *pool,
			const char *name, uint64_t size, uint64_t object_size)
{
	json_object *args;
	int ret, order = 0;

	ret = ctl_check_size(size);
	if (ret)
		return ret;
	if (object_size) {
		if (object_size & (object_size - 1) ||
		    object_size < (1u << 16) || object_size > (1u << 26))
			return ctl_seterr(
				-EINVAL,
				"object size %llu is not a power of two from 64K to 64M",
				(unsigned long long)object_size);
		order = __builtin_ctzll(object_size);
	}
	ret = ctl_args(pool, name, &args);
	if (ret)
		return ret;
	ctl_add_size(args, size);
	if (order)
		json_object_object_add(args, "order",
				       json_object_new_int(order));
	return ctl_simple(ctl, "vol.create", args);
}

int cvol_ctl_vol_remove(struct cvol_ctl *ctl, const char *pool,
			const char *name)
{
	json_object *args;
	int ret;

	ret = ctl_args(pool, name, &args);
	return ret ? ret : ctl_simple(ctl, "vol.remove", args);
}

/*
 * ctl_new_op() - vol.rename, or vol.clone of @snap when @clone: an
 * operation making the volume @newname.
 */
static int ctl_new_op(struct cvol_ctl *ctl, const char *op, const char *pool,
		      const char *name, bool clone, const char *snap,
		      const char *newname)
{
	json_object *args;
	int ret = 0;

	if (clone)
		ret = ctl_check_name("snapshot", snap);
	if (!ret)
		ret = ctl_check_name("volume", newname);
	if (!ret)
		ret = ctl_args(pool, name, &args);
	if (ret)
		return ret;
	if (clone)
		ctl_add_str(args, "snap", snap);
	ctl_add_str(args, "new", newname);
	return ctl_simple(ctl, op, args);
}

int cvol_ctl_vol_rename(struct cvol_ctl *ctl, const char *pool,
			const char *name, const char *newname)
{
	return ctl_new_op(ctl, "vol.rename", pool, name, false, NULL, newname);
}

int cvol_ctl_vol_resize(struct cvol_ctl *ctl, const char *pool,
			const char *name, uint64_t size, bool allow_shrink)
{
	json_object *args;
	int ret;

	ret = ctl_check_size(size);
	if (!ret)
		ret = ctl_args(pool, name, &args);
	if (ret)
		return ret;
	ctl_add_size(args, size);
	ctl_add_flag(args, "allow_shrink", allow_shrink);
	return ctl_simple(ctl, "vol.resize", args);
}

int cvol_ctl_vol_clone(struct cvol_ctl *ctl, const char *pool, const char *name,
		       const char *snap, const char *newname)
{
	return ctl_new_op(ctl, "vol.clone", pool, name, true, snap, newname);
}

int cvol_ctl_vol_flatten(struct cvol_ctl *ctl, const char *pool,
			 const char *name)
{
	json_object *args;
	int ret;

	ret = ctl_args(pool, name, &args);
	if (ret)
		return ret;
	ctl_add_flag(args, "progress", ctl->progress != NULL);
	return ctl_simple(ctl, "vol.flatten", args);
}

static uint64_t ctl_get_u64(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	return (uint64_t)json_object_get_int64(v);
}

static void ctl_get_str(json_object *o, const char *key, char *out)
{
	json_object *v;

	out[0] = '\0';
	if (json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_string))
		snprintf(out, CVOL_CTL_NAME_MAX + 1, "%s",
			 json_object_get_string(v));
}

static void ctl_vol_from_json(json_object *o, struct cvol_ctl_vol *out)
{
	json_object *v;

	memset(out, 0, sizeof(*out));
	ctl_get_str(o, "pool", out->pool);
	ctl_get_str(o, "name", out->name);
	ctl_get_str(o, "snap", out->snap);
	ctl_get_str(o, "parent_vol", out->parent_vol);
	ctl_get_str(o, "parent_snap", out->parent_snap);
	out->size = ctl_get_u64(o, "size");
	out->object_size = ctl_get_u64(o, "object_size");
	out->snapshots = (uint32_t)ctl_get_u64(o, "snapshots");
	out->clones = (uint32_t)ctl_get_u64(o, "clones");
	out->created = ctl_get_u64(o, "created");
	out->used_objects = ctl_get_u64(o, "used_objects");
	out->protected_ = json_object_object_get_ex(o, "protected", &v) &&
			  json_object_get_boolean(v);
}

/*
 * ctl_query() - send @op with @args; the reply in @rep and its field @key
 * (an array if @array) in @val.  Without the field the reply is malformed.
 */
static int ctl_query(struct cvol_ctl *ctl, const char *op, json_object *args,
		     const char *key, bool array, json_object **rep,
		     json_object **val)
{
	int ret;

	ret = ctl_call(ctl, op, args, rep);
	if (ret)
		return ret;
	if (json_object_object_get_ex(*rep, key, val) &&
	    (!array || json_object_is_type(*val, json_type_array)))
		return 0;
	json_object_put(*rep);
	return ctl_seterr(-EPROTO, "cvold sent a malformed reply");
}

int cvol_ctl_vol_info(struct cvol_ctl *ctl, const char *pool, const char *name,
		      const char *snap, struct cvol_ctl_vol *out)
{
	json_object *args, *rep, *v;
	int ret;

	ret = ctl_snap_args(pool, name, snap, false, &args);
	if (!ret)
		ret = ctl_query(ctl, "vol.info", args, "volume", false, &rep,
				&v);
	if (ret)
		return ret;
	ctl_vol_from_json(v, out);
	json_object_put(rep);
	return 0;
}

/* Send @op with @args and call @cb for each volume of reply array @key */
static int ctl_vol_array(struct cvol_ctl *ctl, const char *op,
			 json_object *args, const char *key, cvol_ctl_vol_cb cb,
			 void *arg)
{
	struct cvol_ctl_vol vol;
	json_object *rep, *arr;
	size_t i, n;
	int ret;

	ret = ctl_query(ctl, op, args, key, true, &rep, &arr);
	if (ret)
		return ret;
	n = json_object_array_length(arr);
	for (i = 0; i < n && !ret; i++) {
		ctl_vol_from_json(json_object_array_get_idx(arr, i), &vol);
		ret = cb(arg, &vol);
	}
	json_object_put(rep);
	return ret;
}

int cvol_ctl_vol_list(struct cvol_ctl *ctl, const char *pool,
		      cvol_ctl_vol_cb cb, void *arg)
{
	json_object *args;
	int ret;

	ret = ctl_pool_args(pool, &args);
	return ret ? ret :
		     ctl_vol_array(ctl, "vol.list", args, "volumes", cb, arg);
}

/* ---- snapshots ---- */

static int ctl_snap_op(struct cvol_ctl *ctl, const char *op, const char *pool,
		       const char *name, const char *snap)
{
	json_object *args;
	int ret;

	ret = ctl_snap_args(pool, name, snap, true, &args);
	return ret ? ret : ctl_simple(ctl, op, args);
}

int cvol_ctl_snap_create(struct cvol_ctl *ctl, const char *pool,
			 const char *name, const char *snap)
{
	return ctl_snap_op(ctl, "snap.create", pool, name, snap);
}

int cvol_ctl_snap_remove(struct cvol_ctl *ctl, const char *pool,
			 const char *name, const char *snap)
{
	return ctl_snap_op(ctl, "snap.remove", pool, name, snap);
}

int cvol_ctl_snap_rollback(struct cvol_ctl *ctl, const char *pool,
			   const char *name, const char *snap)
{
	return ctl_snap_op(ctl, "snap.rollback", pool, name, snap);
}

int cvol_ctl_snap_list(struct cvol_ctl *ctl, const char *pool, const char *name,
		       cvol_ctl_vol_cb cb, void *arg)
{
	json_object *args;
	int ret;

	ret = ctl_args(pool, name, &args);
	return ret ? ret :
		     ctl_vol_array(ctl, "snap.list", args, "snapshots", cb,
				   arg);
}

/* ---- pools and status ---- */

int cvol_ctl_pool_list(struct cvol_ctl *ctl, cvol_ctl_name_cb cb, void *arg)
{
	json_object *rep, *arr;
	size_t i, n;
	int ret;

	ret = ctl_query(ctl, "pool.list", NULL, "pools", true, &rep, &arr);
	if (ret)
		return ret;
	n = json_object_array_length(arr);
	for (i = 0; i < n && !ret; i++)
		ret = cb(arg, json_object_get_string(
				      json_object_array_get_idx(arr, i)));
	json_object_put(rep);
	return ret;
}

int cvol_ctl_pool_create(struct cvol_ctl *ctl, const char *pool)
{
	json_object *args;
	int ret;

	ret = ctl_pool_args(pool, &args);
	return ret ? ret : ctl_simple(ctl, "pool.create", args);
}

#define CTL_CHECK_COUNT(f)                                           \
	{                                                            \
		.key = #f, .off = offsetof(struct cvol_ctl_check, f) \
	}

/* The counters of struct cvol_ctl_check, named as in the reply */
static const struct {
	const char *key;
	size_t off;
} ctl_check_counts[] = {
	CTL_CHECK_COUNT(volumes),  CTL_CHECK_COUNT(snapshots),
	CTL_CHECK_COUNT(objects),  CTL_CHECK_COUNT(unreferenced),
	CTL_CHECK_COUNT(dangling), CTL_CHECK_COUNT(bad_checksums),
	CTL_CHECK_COUNT(repaired), CTL_CHECK_COUNT(bad_copies),
	CTL_CHECK_COUNT(copies_repaired), CTL_CHECK_COUNT(shared),
	CTL_CHECK_COUNT(pending),
};

int cvol_ctl_pool_check(struct cvol_ctl *ctl, const char *pool, bool repair,
			struct cvol_ctl_check *out)
{
	json_object *args, *rep, *o, *v;
	size_t i;
	int ret;

	ret = ctl_pool_args(pool, &args);
	if (ret)
		return ret;
	ctl_add_flag(args, "repair", repair);
	ctl_add_flag(args, "progress", ctl->progress != NULL);
	ret = ctl_query(ctl, "pool.check", args, "check", false, &rep, &o);
	if (ret)
		return ret;
	for (i = 0; i < sizeof(ctl_check_counts) / sizeof(ctl_check_counts[0]);
	     i++)
		*(uint64_t *)((char *)out + ctl_check_counts[i].off) =
			ctl_get_u64(o, ctl_check_counts[i].key);
	out->copy_note[0] = '\0';
	if (json_object_object_get_ex(o, "copy_note", &v) &&
	    json_object_is_type(v, json_type_string))
		snprintf(out->copy_note, sizeof(out->copy_note), "%s",
			 json_object_get_string(v));
	json_object_put(rep);
	return 0;
}

int cvol_ctl_status(struct cvol_ctl *ctl, struct cvol_ctl_status *out)
{
	json_object *rep, *v;
	int ret;

	ret = ctl_call(ctl, "status", NULL, &rep);
	if (ret)
		return ret;
	out->pid = (int)ctl_get_u64(rep, "pid");
	out->devices = (unsigned int)ctl_get_u64(rep, "devices");
	out->kernel_module =
		json_object_object_get_ex(rep, "kernel_module", &v) &&
		json_object_get_boolean(v);
	json_object_put(rep);
	return 0;
}

int cvol_ctl_status_unadopted(struct cvol_ctl *ctl, cvol_ctl_unadopted_cb cb,
			      void *arg)
{
	struct cvol_ctl_unadopted u;
	json_object *rep, *arr, *o, *v;
	size_t i, n;
	int ret;

	ret = ctl_query(ctl, "status", NULL, "not_adopted", true, &rep, &arr);
	if (ret)
		return ret;
	n = json_object_array_length(arr);
	for (i = 0; i < n && !ret; i++) {
		o = json_object_array_get_idx(arr, i);
		u.dev_id = (uint32_t)ctl_get_u64(o, "dev_id");
		ctl_get_str(o, "pool", u.pool);
		ctl_get_str(o, "name", u.vol);
		ctl_get_str(o, "snap", u.snap);
		u.error = json_object_object_get_ex(o, "error", &v) ?
				  json_object_get_string(v) :
				  "";
		ret = cb(arg, &u);
	}
	json_object_put(rep);
	return ret;
}

/* ---- attach and detach (cvold serves the device) ---- */

int cvol_ctl_dev_attach(struct cvol_ctl *ctl, const char *pool,
			const char *name, const char *snap, bool ro,
			uint32_t *dev_id)
{
	json_object *args, *rep;
	int ret;

	ret = ctl_snap_args(pool, name, snap, false, &args);
	if (ret)
		return ret;
	ctl_add_flag(args, "ro", ro);
	ret = ctl_call(ctl, "dev.attach", args, &rep);
	if (ret)
		return ret;
	*dev_id = (uint32_t)ctl_get_u64(rep, "dev_id");
	json_object_put(rep);
	return 0;
}

int cvol_ctl_dev_detach(struct cvol_ctl *ctl, uint32_t dev_id, bool force)
{
	json_object *args = json_object_new_object();

	if (!args)
		return ctl_seterr(-ENOMEM, "out of memory");
	json_object_object_add(args, "dev_id", json_object_new_int64(dev_id));
	ctl_add_flag(args, "force", force);
	return ctl_simple(ctl, "dev.detach", args);
}
