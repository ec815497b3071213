# RADOS lane helpers (the lane's tests are the shell scripts here; they
# run the store conformance programs from tests/store/ against a cluster)
# and the benchmark program of scripts/bench.d/rados (plain, unsanitized).
RADOS_HELPERS := $(O)/tests/rados/open-errors $(O)/tests/rados/full-pool
RADOS_BENCH := $(O)/tests/rados/bench-rados

ifeq ($(RADOS),1)
HOST_TEST_BINS += $(RADOS_HELPERS) $(RADOS_BENCH)
endif

$(RADOS_HELPERS): T_CFLAGS = -fsanitize=address,undefined
$(RADOS_HELPERS): T_LDLIBS = $(O)/san/libcvolengine.a \
	-fsanitize=address,undefined $(ENGINE_LDLIBS)
$(RADOS_HELPERS): $(O)/san/libcvolengine.a
$(O)/tests/rados/full-pool: T_LDLIBS += $(TESTLIB_SAN)
$(O)/tests/rados/full-pool: $(TESTLIB_SAN) tests/engine/testlib.h

# the benchmark: store and engine levels
$(RADOS_BENCH): T_CFLAGS = -pthread
$(RADOS_BENCH): T_LDLIBS = $(O)/libcvolengine.a -pthread $(ENGINE_LDLIBS)
$(RADOS_BENCH): $(O)/libcvolengine.a
