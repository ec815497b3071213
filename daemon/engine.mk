# Engine library (no kernel dependency): store drivers + CoW volumes.
ENGINE_SRCS := daemon/err.c daemon/store.c daemon/store-file.c daemon/store-mem.c \
	daemon/format.c daemon/map.c daemon/cow.c daemon/volume.c daemon/snap.c \
	daemon/check.c
LIBS += $(O)/libcvolengine.a $(O)/san/libcvolengine.a

$(O)/libcvolengine.a: $(ENGINE_SRCS:%.c=$(O)/obj/%.o)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(O)/san/libcvolengine.a: $(ENGINE_SRCS:%.c=$(O)/san/%.o)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^
