# src/core/local.mk - core: no external dependencies; every module may use it.
libfaceaudit_a_SOURCES += \
	src/core/calendar.c \
	src/core/csvr.c \
	src/core/csvw.c \
	src/core/date.c \
	src/core/fsutil.c \
	src/core/hash.c \
	src/core/json.c \
	src/core/jsonw.c \
	src/core/log.c \
	src/core/rng.c \
	src/core/sha256.c \
	src/core/str.c \
	src/core/uwidth.c \
	src/core/vec.c \
	src/core/xmalloc.c \
	src/core/ydoc.c
noinst_HEADERS += \
	include/faceaudit/calendar.h \
	include/faceaudit/date.h \
	include/faceaudit/compat.h \
	include/faceaudit/csvr.h \
	include/faceaudit/csvw.h \
	include/faceaudit/fsutil.h \
	include/faceaudit/hash.h \
	include/faceaudit/json.h \
	include/faceaudit/jsonw.h \
	include/faceaudit/log.h \
	include/faceaudit/rng.h \
	include/faceaudit/sha256.h \
	include/faceaudit/str.h \
	include/faceaudit/uwidth.h \
	include/faceaudit/vec.h \
	include/faceaudit/xmalloc.h \
	include/faceaudit/ydoc.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_core.c tests/unit/check_calendar.c \
	tests/unit/check_rng.c tests/unit/check_writers.c
CHECK_SUITES += core calendar rng writers

# The PRC working-day calendar data, installed with the rule pack.
nobase_dist_pkgdata_DATA += rules/calendar/2025.cal rules/calendar/2026.cal
