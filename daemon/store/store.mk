# Store drivers: the registry and one file per driver, built into the
# engine library (engine.mk, read after this file, takes STORE_SRCS).  A new driver is a new daemon/store/<name>.c, one line
# here and one line in registry.c.  store-util.c: helpers the drivers share.
#
# RADOS=1 (the default) builds the rados driver and needs librados-dev;
# RADOS=0 builds without it (and without the RADOS lane's programs).
RADOS ?= 1
STORE_SRCS := daemon/store/registry.c daemon/store/store-util.c \
	daemon/store/file.c

ifeq ($(RADOS),1)
ifeq ($(wildcard /usr/include/rados/librados.h),)
$(error librados.h not found: install librados-dev (scripts/install-deps), or build without the rados driver: make RADOS=0)
endif
STORE_SRCS += daemon/store/rados.c
ENGINE_LDLIBS += -lrados
# only the registry needs to know the driver exists
$(O)/obj/daemon/store/registry.o $(O)/san/daemon/store/registry.o: \
	CVOL_CPPFLAGS += -DCVOL_HAVE_RADOS
else ifneq ($(RADOS),0)
$(error RADOS must be 1 or 0, not '$(RADOS)')
endif
