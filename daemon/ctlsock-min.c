// SPDX-License-Identifier: GPL-2.0
/*
 * cvold: MINIMAL control socket, built only while daemon/ctlsock.c (the
 * full implementation, see Documentation/daemon-protocol.md) does not
 * exist.  It serves a subset of the protocol, one client at a time:
 * vol.create, vol.remove, vol.info, snap.create, vol.clone, dev.attach,
 * dev.detach, dev.list, status.  Enough for the kernel and daemon tests.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <json-c/json.h>

#include "cvold-int.h"

/**
 * struct ctl_min - the socket
 * @fd: listening socket
 * @path: its path
 * @thread: accept loop
 */
struct ctl_min {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	pthread_t thread;
};

static const char *jstr(struct json_object *req, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int64_t jint(struct json_object *req, const char *key, int64_t def)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req, key, &v))
		return def;
	return json_object_get_int64(v);
}

static int list_dev(void *arg, const struct cvold_dev_info *info)
{
	struct json_object *a = arg, *o = json_object_new_object();
	char path[32];

	snprintf(path, sizeof(path), "/dev/cvol%u", info->dev_id);
	json_object_object_add(o, "dev_id", json_object_new_int(info->dev_id));
	json_object_object_add(o, "path", json_object_new_string(path));
	json_object_object_add(o, "pool", json_object_new_string(info->pool));
	json_object_object_add(o, "name", json_object_new_string(info->vol));
	json_object_object_add(o, "snap", json_object_new_string(info->snap));
	json_object_object_add(o, "ro", json_object_new_boolean(info->ro));
	json_object_object_add(o, "size", json_object_new_int64(info->size));
	json_object_array_add(a, o);
	return 0;
}

static int handle(struct cvold *d, struct json_object *req,
		  struct json_object *rep)
{
	const char *op = jstr(req, "op"), *pool = jstr(req, "pool");
	const char *name = jstr(req, "name"), *snap = jstr(req, "snap");
	struct cvol_pool *p;
	uint32_t id;
	int ret;

	if (!op)
		return cvol_seterr(-EINVAL, "missing \"op\"");
	if (!strcmp(op, "status"))
		return 0;
	if (!strcmp(op, "dev.list")) {
		struct json_object *a = json_object_new_array();

		json_object_object_add(rep, "devices", a);
		return cvold_dev_list(d, list_dev, a);
	}
	if (!strcmp(op, "dev.detach"))
		return cvold_detach(d, jint(req, "dev_id", -1),
				    jint(req, "force", 0));
	if (!pool)
		pool = "default";
	if (!name)
		return cvol_seterr(-EINVAL, "missing \"name\"");
	if (!strcmp(op, "dev.attach")) {
		char path[32];

		ret = cvold_attach(d, pool, name, snap, jint(req, "ro", 0),
				   &id);
		if (ret)
			return ret;
		snprintf(path, sizeof(path), "/dev/cvol%u", id);
		json_object_object_add(rep, "dev_id", json_object_new_int(id));
		json_object_object_add(rep, "path",
				       json_object_new_string(path));
		return 0;
	}
	p = cvold_pool(d, pool);
	if (!p)
		return -ENOENT;
	if (!strcmp(op, "vol.create"))
		return cvol_vol_create(p, name, jint(req, "size", 0),
				       jint(req, "order", CVOL_ORDER_DEFAULT));
	if (!strcmp(op, "vol.remove"))
		return cvol_vol_remove(p, name);
	if (!strcmp(op, "snap.create"))
		return cvol_snap_create(p, name, snap ? snap : "");
	if (!strcmp(op, "vol.clone"))
		return cvol_clone(p, name, snap ? snap : "",
				  jstr(req, "new") ? jstr(req, "new") : "");
	if (!strcmp(op, "vol.info")) {
		struct cvol_vol_info info;

		ret = cvol_vol_info(p, name, snap, &info);
		if (ret)
			return ret;
		json_object_object_add(rep, "size",
				       json_object_new_int64(info.size));
		json_object_object_add(rep, "order",
				       json_object_new_int(info.order));
		return 0;
	}
	return cvol_seterr(-EOPNOTSUPP, "unknown op \"%s\"", op);
}

static void serve_client(struct cvold *d, int fd)
{
	FILE *f = fdopen(fd, "r+");
	char *line = NULL;
	size_t cap = 0;

	if (!f) {
		close(fd);
		return;
	}
	while (getline(&line, &cap, f) > 0) {
		struct json_object *req = json_tokener_parse(line);
		struct json_object *rep = json_object_new_object();
		int ret;

		cvol_clearerr();
		ret = req ? handle(d, req, rep) :
			    cvol_seterr(-EINVAL, "not a JSON object");
		json_object_object_add(rep, "ok", json_object_new_boolean(!ret));
		if (ret) {
			json_object_object_add(rep, "errno",
					       json_object_new_int(-ret));
			json_object_object_add(rep, "error",
					       json_object_new_string(cvol_errmsg()[0] ?
					       cvol_errmsg() : strerror(-ret)));
		}
		fprintf(f, "%s\n", json_object_to_json_string_ext(rep,
				JSON_C_TO_STRING_PLAIN));
		fflush(f);
		json_object_put(rep);
		json_object_put(req);
	}
	free(line);
	fclose(f);
}


static void *accept_loop(void *arg)
{
	struct cvold *d = arg;
	struct ctl_min *c = d->ctl;

	for (;;) {
		int fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			break;
		}
		serve_client(d, fd);
	}
	return NULL;
}

int cvold_ctl_start(struct cvold *d, const char *sock_path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctl_min *c;
	mode_t old;
	int ret;

	if (strlen(sock_path) >= sizeof(sa.sun_path))
		return cvol_seterr(-ENAMETOOLONG, "socket path too long");
	c = calloc(1, sizeof(*c));
	if (!c)
		return cvol_seterr(-ENOMEM, "out of memory");
	strcpy(sa.sun_path, sock_path);
	strcpy(c->path, sock_path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		ret = cvol_seterr(-errno, "socket: %s", strerror(errno));
		goto err_free;
	}
	unlink(sock_path);
	old = umask(077);
	ret = bind(c->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret || listen(c->fd, 16)) {
		ret = cvol_seterr(-errno, "%s: %s", sock_path, strerror(errno));
		goto err_close;
	}
	d->ctl = c;
	ret = pthread_create(&c->thread, NULL, accept_loop, d);
	if (ret) {
		d->ctl = NULL;
		ret = cvol_seterr(-ret, "thread: %s", strerror(ret));
		goto err_close;
	}
	return 0;

err_close:
	close(c->fd);
err_free:
	free(c);
	return ret;
}

void cvold_ctl_stop(struct cvold *d)
{
	struct ctl_min *c = d->ctl;

	if (!c)
		return;
	shutdown(c->fd, SHUT_RDWR);
	pthread_cancel(c->thread);
	pthread_join(c->thread, NULL);
	close(c->fd);
	unlink(c->path);
	free(c);
	d->ctl = NULL;
}
