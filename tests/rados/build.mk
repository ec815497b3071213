# RADOS lane helpers (the lane's tests are the shell scripts here; they
# run the store conformance programs from tests/store/ against a cluster).
RADOS_HELPERS := $(O)/tests/rados/open-errors

ifneq ($(filter daemon/store-rados.c,$(ENGINE_SRCS)),)
HOST_TEST_BINS += $(RADOS_HELPERS)
endif

$(RADOS_HELPERS): T_CFLAGS = -fsanitize=address,undefined
$(RADOS_HELPERS): T_LDLIBS = $(O)/san/libcvolengine.a \
	-fsanitize=address,undefined $(ENGINE_LDLIBS)
$(RADOS_HELPERS): $(O)/san/libcvolengine.a
