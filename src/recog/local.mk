# src/recog/local.mk - recog: images, CNN inference, detection, landmarks,
# descriptors, matching, and the model files. No curses, no SQLite here.
libfaceaudit_a_SOURCES += \
	src/recog/models.c
nodist_libfaceaudit_a_SOURCES += src/recog/models_sums.h
noinst_HEADERS += include/faceaudit/models.h
BUILT_SOURCES += src/recog/models_sums.h
CLEANFILES += src/recog/models_sums.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_models.c

# The committed sums, compiled in: "hash  name" -> { "name", "hash" },
src/recog/models_sums.h: $(srcdir)/models/SHA256SUMS
	$(AM_V_GEN)$(MKDIR_P) src/recog && \
	sed -n 's/^\([0-9a-f]\{64\}\)  \(.*\)$$/    { "\2", "\1" },/p' \
	  $(srcdir)/models/SHA256SUMS > $@.tmp && mv $@.tmp $@
CHECK_SUITES += models
