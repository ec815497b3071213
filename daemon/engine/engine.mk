# Engine library (no kernel dependency): store drivers + CoW volumes.
ENGINE_SRCS := daemon/engine/err.c daemon/store/registry.c daemon/store/file.c \
	tests/lib/store-mem.c daemon/engine/format.c daemon/engine/map.c \
	daemon/engine/cow.c daemon/engine/volume.c daemon/engine/snap.c \
	daemon/engine/check.c
LIBS += $(O)/libcvolengine.a $(O)/san/libcvolengine.a

$(O)/libcvolengine.a: $(ENGINE_SRCS:%.c=$(O)/obj/%.o)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(O)/san/libcvolengine.a: $(ENGINE_SRCS:%.c=$(O)/san/%.o)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^
