# Engine host tests: sanitized engine library, store from CVOL_TEST_STORE.
ENGINE_TESTS := $(patsubst %.c,$(O)/%,$(wildcard tests/engine/[0-9]*.c))
HOST_TEST_BINS += $(ENGINE_TESTS)
$(ENGINE_TESTS): $(O)/san/libcvolengine.a $(TESTLIB_SAN) tests/engine/testlib.h
$(ENGINE_TESTS): T_CFLAGS = -fsanitize=address,undefined -pthread
$(ENGINE_TESTS): T_LDLIBS = $(TESTLIB_SAN) $(O)/san/libcvolengine.a \
	-fsanitize=address,undefined -pthread $(ENGINE_LDLIBS)

# benchmark (scripts/bench.d/engine): plain optimised library
HOST_TEST_BINS += $(O)/bench/engine-bench
$(O)/bench/engine-bench: tests/engine/bench.c $(O)/libcvolengine.a \
		$(TESTLIB) tests/engine/testlib.h
	@mkdir -p $(@D)
	$(CC) $(CVOL_CPPFLAGS) -Itests $(CFLAGS) $(WFLAGS) -o $@ $< \
		$(TESTLIB) $(O)/libcvolengine.a -pthread $(ENGINE_LDLIBS)

# Engine tests on the real file store over the fsmodel file system
# (tests/lib/fsmodel.h): NNN-fsm-*.c, host lane only.
FSM_ENGINE_TESTS := $(patsubst %.c,$(O)/%,$(wildcard tests/engine/[0-9]*-fsm-*.c))
$(FSM_ENGINE_TESTS): T_LDLIBS += $(FSMODEL_SAN) $(FSMODEL_WRAP)
$(FSM_ENGINE_TESTS): $(FSMODEL_SAN) tests/lib/fsmodel.h

# Engine tests of allocation failures (tests/lib/failmalloc.h):
# NNN-nomem-*.c
NOMEM_ENGINE_TESTS := $(patsubst %.c,$(O)/%,$(wildcard tests/engine/[0-9]*-nomem-*.c))
$(NOMEM_ENGINE_TESTS): T_LDLIBS += $(FAILMALLOC_SAN) $(FAILMALLOC_WRAP)
$(NOMEM_ENGINE_TESTS): $(FAILMALLOC_SAN) tests/lib/failmalloc.h
