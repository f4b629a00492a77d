# src/core/local.mk - core: no external dependencies; every module may use it.
libfaceaudit_a_SOURCES += \
	src/core/fsutil.c \
	src/core/hash.c \
	src/core/log.c \
	src/core/rng.c \
	src/core/sha256.c \
	src/core/str.c \
	src/core/vec.c \
	src/core/xmalloc.c
noinst_HEADERS += \
	include/faceaudit/compat.h \
	include/faceaudit/fsutil.h \
	include/faceaudit/hash.h \
	include/faceaudit/log.h \
	include/faceaudit/rng.h \
	include/faceaudit/sha256.h \
	include/faceaudit/str.h \
	include/faceaudit/vec.h \
	include/faceaudit/xmalloc.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_core.c
CHECK_SUITES += core
tests_unit_check_faceaudit_SOURCES += tests/unit/check_rng.c
CHECK_SUITES += rng
