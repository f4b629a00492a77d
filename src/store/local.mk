# src/store/local.mk - store: the only module that includes sqlite3.h.
libfaceaudit_a_SOURCES += \
	src/store/store.c \
	src/store/store_eval.c \
	src/store/store_int.h \
	src/store/store_schema.c
noinst_HEADERS += include/faceaudit/store.h include/faceaudit/store_eval.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_store.c
CHECK_SUITES += store
