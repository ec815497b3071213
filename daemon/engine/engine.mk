# Engine library, libcvolengine.a (no kernel dependency): copy-on-write
# volumes (daemon/engine/) over the store drivers (STORE_SRCS, from
# daemon/store/store.mk).  cvold, the tests and the
# benchmarks link it; everything that links it also links $(ENGINE_LDLIBS).
ENGINE_SRCS := daemon/engine/err.c daemon/engine/names.c \
	daemon/engine/format.c daemon/engine/copies.c daemon/engine/map.c \
	daemon/engine/cow.c daemon/engine/volume.c daemon/engine/snap.c \
	daemon/engine/check.c \
	$(STORE_SRCS)
LIBS += $(O)/libcvolengine.a $(O)/san/libcvolengine.a

$(O)/libcvolengine.a: $(ENGINE_SRCS:%.c=$(O)/obj/%.o)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(O)/san/libcvolengine.a: $(ENGINE_SRCS:%.c=$(O)/san/%.o)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^
