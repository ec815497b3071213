# Configuration file parser tests (host lane, sanitized).
CONFIG_TESTS := $(patsubst tests/config/%.c,$(O)/tests/config/%,\
	$(wildcard tests/config/[0-9]*.c))
HOST_TEST_BINS += $(CONFIG_TESTS)
$(CONFIG_TESTS): T_CFLAGS = -fsanitize=address,undefined
$(CONFIG_TESTS): T_LDLIBS = $(O)/san/daemon/config.o \
	$(O)/san/libcvolengine.a -fsanitize=address,undefined $(ENGINE_LDLIBS)
$(CONFIG_TESTS): $(O)/san/daemon/config.o $(O)/san/libcvolengine.a
