# libFuzzer targets (clang).  A short run is a host test
# (tests/fuzz/NNN-*.sh); a long one is `make fuzz` (scripts/fuzz.d).
FUZZ_CC ?= clang
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all
HOST_TEST_BINS += $(O)/fuzz/engine-decode

$(O)/fuzz/engine-decode: tests/fuzz/engine-decode.c daemon/engine/format.c \
		daemon/engine/err.c daemon/engine/format.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CVOL_CPPFLAGS) $(FUZZ_FLAGS) -Wall -Wextra -Werror \
		-Wno-unused-parameter -o $@ tests/fuzz/engine-decode.c \
		daemon/engine/format.c daemon/engine/err.c
