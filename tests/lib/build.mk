# Code only test programs link: the in-memory store driver "mem", which
# registers itself at start (cvol_store_register()).  Never part of
# libcvolengine.a or cvold.  Read before the groups' build.mk files.
TESTLIB_SAN := $(O)/san/tests/lib/store-mem.o
TESTLIB := $(O)/obj/tests/lib/store-mem.o

# fsmodel: an in-memory POSIX file system with Linux durability rules that
# the real file store runs on in test programs (tests/lib/fsmodel.h), by
# link-time interposition of every libc call daemon/store/file.c makes
# (check with: nm -u build/san/daemon/store/file.o).  A program links
# $(FSMODEL_SAN) and $(FSMODEL_WRAP); cvold and libcvolengine.a never do.
FSMODEL_SAN := $(O)/san/tests/lib/fsmodel.o
FSMODEL_COMMA := ,
FSMODEL_WRAP := $(addprefix -Wl$(FSMODEL_COMMA)--wrap=,openat open close pread \
	pwrite fsync fdatasync syncfs ftruncate fallocate copy_file_range \
	renameat unlinkat mkdir mkdirat fstat fstatat fcntl flock ioctl \
	fdopendir readdir closedir)

# failmalloc: the n-th allocation of a thread fails (tests/lib/failmalloc.h),
# by link-time wrapping of malloc, calloc and realloc.  A program links
# $(FAILMALLOC_SAN) and $(FAILMALLOC_WRAP); cvold and libcvolengine.a never
# do.
FAILMALLOC_SAN := $(O)/san/tests/lib/failmalloc.o
FAILMALLOC_WRAP := $(addprefix -Wl$(FSMODEL_COMMA)--wrap=,malloc calloc realloc)
