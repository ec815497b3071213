# cvold: device management, queue threads, genl client, control socket.
# Linked only once the engine has its sources (daemon/engine.mk lists more
# than err.c); until daemon/ctlsock.c exists, a minimal socket is used.
CVOLD_SRCS := daemon/main.c daemon/dev.c daemon/queue.c daemon/genl.c \
	      $(if $(wildcard daemon/ctlsock.c),daemon/ctlsock.c,daemon/ctlsock-min.c)
CVOLD_LIBS := $(shell pkg-config --libs libnl-genl-3.0 json-c 2>/dev/null) \
	      -lpthread

# (daemon.mk is read before engine.mk: test for the engine's sources)
ifneq ($(wildcard daemon/engine/volume.c),)
BINS += $(O)/cvold
endif

$(O)/cvold: $(CVOLD_SRCS:%.c=$(O)/obj/%.o) $(O)/libcvolengine.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $(CVOLD_SRCS:%.c=$(O)/obj/%.o) \
		$(O)/libcvolengine.a $(ENGINE_LDLIBS) $(CVOLD_LIBS)
