# cvold: devices and adoption, queue threads, the generic netlink client,
# the control socket, configuration and logging; linked with the engine
# library.
CVOLD_SRCS := daemon/main.c daemon/log.c daemon/dev.c daemon/queue.c \
	daemon/genl.c daemon/ctlsock.c daemon/config.c
CVOLD_LIBS := $(shell pkg-config --libs libnl-genl-3.0 json-c libsystemd \
		2>/dev/null) -lpthread
BINS += $(O)/cvold

$(O)/cvold: $(CVOLD_SRCS:%.c=$(O)/obj/%.o) $(O)/libcvolengine.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $(CVOLD_SRCS:%.c=$(O)/obj/%.o) \
		$(O)/libcvolengine.a $(ENGINE_LDLIBS) $(CVOLD_LIBS)
