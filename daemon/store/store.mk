# RADOS store driver: built only where librados is installed (librados-dev
# ships no pkg-config file, so look for its header).  Everything that links
# the engine library must also link $(ENGINE_LDLIBS).
RADOS_HEADER := $(wildcard /usr/include/rados/librados.h)

ifneq ($(RADOS_HEADER),)
ENGINE_SRCS += daemon/store/rados.c
ENGINE_LDLIBS += -lrados
# engine.mk expanded its prerequisites already: add ours to both archives
$(O)/libcvolengine.a: $(O)/obj/daemon/store/rados.o
$(O)/san/libcvolengine.a: $(O)/san/daemon/store/rados.o
# only the registry needs to know the driver exists
$(O)/obj/daemon/store/registry.o $(O)/san/daemon/store/registry.o: \
	CVOL_CPPFLAGS += -DCVOL_HAVE_RADOS
$(info cvol: store drivers built: file rados)
else
$(info cvol: store drivers built: file (no librados: install librados-dev for rados))
endif

# The configuration file parser (pools beyond the store root, e.g. RADOS).
ENGINE_SRCS += daemon/config.c
$(O)/libcvolengine.a: $(O)/obj/daemon/config.o
$(O)/san/libcvolengine.a: $(O)/san/daemon/config.o
