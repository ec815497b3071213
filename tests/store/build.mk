# Store conformance suite: one set of programs run against every driver
# (CVOL_TEST_STORE=file here on the host lane, =rados from tests/rados/).
STORE_TESTS := $(patsubst tests/store/%.c,$(O)/tests/store/%,\
	$(wildcard tests/store/[0-9]*.c))

# needs the store registry (daemon/store/registry.c) in the engine library
ifneq ($(filter daemon/store/registry.c,$(ENGINE_SRCS)),)
HOST_TEST_BINS += $(STORE_TESTS)
endif

$(STORE_TESTS): T_CFLAGS = -fsanitize=address,undefined -pthread
$(STORE_TESTS): T_LDLIBS = $(O)/san/libcvolengine.a \
	-fsanitize=address,undefined -pthread $(ENGINE_LDLIBS)
$(STORE_TESTS): $(O)/san/libcvolengine.a tests/store/store-test.h \
	tests/store/race.h
