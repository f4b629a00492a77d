# src/store/local.mk - store: the only module that includes sqlite3.h (and,
# in store_crypt.c, sodium.h).
libfaceaudit_a_SOURCES += \
	src/store/store.c \
	src/store/store_audit.c \
	src/store/store_crypt.c \
	src/store/store_eval.c \
	src/store/store_evalcache.c \
	src/store/store_footage.c \
	src/store/store_gallery.c \
	src/store/store_int.h \
	src/store/store_log.c \
	src/store/store_portfolio.c \
	src/store/store_report.c \
	src/store/store_run.c \
	src/store/store_schema.c \
	src/store/store_sim.c \
	src/store/store_thumb.c
noinst_HEADERS += include/faceaudit/store.h include/faceaudit/store_audit.h \
	include/faceaudit/store_crypt.h include/faceaudit/store_eval.h include/faceaudit/store_evalcache.h include/faceaudit/store_footage.h \
	include/faceaudit/store_log.h include/faceaudit/store_run.h \
	include/faceaudit/store_sim.h include/faceaudit/store_gallery.h \
	include/faceaudit/store_report.h include/faceaudit/store_portfolio.h \
	include/faceaudit/store_thumb.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_store.c tests/unit/check_crypt.c \
	tests/unit/check_gallery.c tests/unit/check_security.c tests/unit/check_thumb.c
CHECK_SUITES += store crypt gallery security thumb
STORE_REGRESS = tests/regress/audit-store.sh
TESTS += $(STORE_REGRESS)
dist_noinst_SCRIPTS += $(STORE_REGRESS)
