# Daemon tests (guest lane): efault-fetch.so, an LD_PRELOAD shim that makes
# cvold's CVOL_IOC_COMMIT_FETCH fail with EFAULT (tests/daemon/efault-fetch.c,
# run by 013-queue-efault.sh).  Never linked into cvold.
GUEST_TEST_BINS += $(O)/tests/daemon/efault-fetch.so

$(O)/tests/daemon/efault-fetch.so: tests/daemon/efault-fetch.c
	@mkdir -p $(@D)
	$(CC) $(CVOL_CPPFLAGS) $(CFLAGS) $(WFLAGS) -fPIC -shared -MMD -MP \
		-o $@ $< -ldl
