# Store conformance suite: one set of programs run against every driver
# (CVOL_TEST_STORE=file here on the host lane, =rados from tests/rados/).
STORE_TESTS := $(patsubst tests/store/%.c,$(O)/tests/store/%,\
	$(wildcard tests/store/[0-9]*.c))

HOST_TEST_BINS += $(STORE_TESTS)

$(STORE_TESTS): T_CFLAGS = -fsanitize=address,undefined -pthread
$(STORE_TESTS): T_LDLIBS = $(TESTLIB_SAN) $(O)/san/libcvolengine.a \
	-fsanitize=address,undefined -pthread $(ENGINE_LDLIBS)
$(STORE_TESTS): $(O)/san/libcvolengine.a $(TESTLIB_SAN) tests/store/store-test.h \
	tests/store/race.h

# Crash tests of the file store on the fsmodel file system (host lane only)
FSM_STORE_TESTS := $(patsubst tests/store/%.c,$(O)/tests/store/%,\
	$(wildcard tests/store/[0-9]*-fsm-*.c))
$(FSM_STORE_TESTS): T_LDLIBS += $(FSMODEL_SAN) $(FSMODEL_WRAP)
$(FSM_STORE_TESTS): $(FSMODEL_SAN) tests/lib/fsmodel.h tests/store/fsm-test.h
