# Engine host tests: sanitized engine library, store from CVOL_TEST_STORE.
ENGINE_TESTS := $(patsubst %.c,$(O)/%,$(wildcard tests/engine/[0-9]*.c))
HOST_TEST_BINS += $(ENGINE_TESTS)
$(ENGINE_TESTS): $(O)/san/libcvolengine.a tests/engine/testlib.h
$(ENGINE_TESTS): T_CFLAGS = -fsanitize=address,undefined -pthread
$(ENGINE_TESTS): T_LDLIBS = $(O)/san/libcvolengine.a \
	-fsanitize=address,undefined -pthread $(ENGINE_LDLIBS)
