# cvolctl and the integration files (udev, systemd, modules-load, DKMS).
CVOLCTL_SRCS := utils/cvolctl.c utils/output.c
CVOLCTL_LDLIBS := $(shell pkg-config --libs libnl-genl-3.0 json-c 2>/dev/null)
BINS += $(O)/cvolctl $(O)/cvold.service $(O)/cvol-namer

$(O)/cvold.service: utils/cvold.service.in
	@mkdir -p $(@D)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|' $< > $@

$(O)/cvol-namer: utils/cvol-namer.in
	@mkdir -p $(@D)
	sed 's|@VERSION@|$(CVOL_VERSION)|' $< > $@
	chmod 0755 $@

# Linked with libcvolctl's objects so it runs from the build tree.
$(O)/cvolctl: $(CVOLCTL_SRCS:%.c=$(O)/obj/%.o) $(CTL_SRCS:%.c=$(O)/obj/%.o)
	$(CC) $(CFLAGS) -o $@ $^ $(CVOLCTL_LDLIBS) -lpthread

INSTALL_TARGETS += install-utils
.PHONY: install-utils
install-utils: $(O)/cvolctl $(O)/cvol-namer
	install -D -m 0755 $(O)/cvolctl $(DESTDIR)$(PREFIX)/sbin/cvolctl
	if [ -x $(O)/cvold ]; then install -D -m 0755 $(O)/cvold \
		$(DESTDIR)$(PREFIX)/sbin/cvold; fi
	install -D -m 0755 $(O)/cvol-namer $(DESTDIR)/lib/udev/cvol-namer
	install -D -m 0644 utils/60-cvol.rules \
		$(DESTDIR)/lib/udev/rules.d/60-cvol.rules
	install -d $(DESTDIR)/lib/systemd/system
	sed 's|@SBINDIR@|$(PREFIX)/sbin|' utils/cvold.service.in \
		> $(DESTDIR)/lib/systemd/system/cvold.service
	install -D -m 0644 utils/cvol.conf \
		$(DESTDIR)/usr/lib/modules-load.d/cvol.conf
	install -D -m 0644 utils/cvolctl.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/cvolctl
	install -d $(DESTDIR)$(PREFIX)/share/man/man3 \
		$(DESTDIR)$(PREFIX)/share/man/man5 \
		$(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0644 Documentation/man/*.3 $(DESTDIR)$(PREFIX)/share/man/man3/
	install -m 0644 Documentation/man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 0644 Documentation/man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -D -m 0644 utils/dkms.conf \
		$(DESTDIR)/usr/src/cvol-0.1/dkms.conf
	install -m 0644 Makefile Kbuild $(DESTDIR)/usr/src/cvol-0.1/
	mkdir -p $(DESTDIR)/usr/src/cvol-0.1/kernel
	cp -r kernel/*.c kernel/*.h kernel/Kbuild kernel/include \
		$(DESTDIR)/usr/src/cvol-0.1/kernel/
