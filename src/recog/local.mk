# src/recog/local.mk - recog: images, CNN inference, detection, landmarks,
# descriptors, matching, and the model files. No curses, no SQLite here.
libfaceaudit_a_SOURCES += \
	src/recog/models.c \
	src/recog/image.c \
	src/recog/image_jpeg.c \
	src/recog/image_png.c \
	src/recog/image_pnm.c \
	src/recog/image_limit.c \
	src/recog/image_webp.c \
	src/recog/gemm_blas.c \
	src/recog/cnn_weights.c \
	src/recog/cnn_ops.c \
	src/recog/cnn_dw.c \
	src/recog/cnn_direct.c \
	src/recog/cnn_gemm.c \
	src/recog/cnn_winograd.c \
	src/recog/cnn_net.c \
	src/recog/cnn_net_lm.c \
	src/recog/cnn_net_rec.c \
	src/recog/cnn_net_ag.c \
	src/recog/agegender.c \
	src/recog/detect.c \
	src/recog/detect_tiled.c \
	src/recog/landmark.c \
	src/recog/embed.c \
	src/recog/recog_pool.c
nodist_libfaceaudit_a_SOURCES += src/recog/models_sums.h
noinst_HEADERS += include/faceaudit/models.h \
	include/faceaudit/image.h \
	include/faceaudit/gemm.h \
	include/faceaudit/cnn.h \
	include/faceaudit/detect.h \
	include/faceaudit/landmark.h \
	include/faceaudit/embed.h \
	include/faceaudit/agegender.h \
	include/faceaudit/recog_pool.h \
	src/recog/recog_int.h \
	src/recog/cnn_net_int.h \
	src/recog/cnn_winograd_body.h
BUILT_SOURCES += src/recog/models_sums.h
CLEANFILES += src/recog/models_sums.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_models.c

# The committed sums, compiled in: "hash  name" -> { "name", "hash" },
src/recog/models_sums.h: $(srcdir)/models/SHA256SUMS
	$(AM_V_GEN)$(MKDIR_P) src/recog && \
	sed -n 's/^\([0-9a-f]\{64\}\)  \(.*\)$$/    { "\2", "\1" },/p' \
	  $(srcdir)/models/SHA256SUMS > $@.tmp && mv $@.tmp $@
CHECK_SUITES += models

# bench/recog_core: ms per network forward pass, on demand (`make bench`).
BENCH_PROGS += bench/recog_core
bench_recog_core_SOURCES = bench/recog_core.c
bench_recog_core_LDADD = libfaceaudit.a $(FA_DEP_LIBS)

# bench/recog_layers: FaceRecognitionNet layer by layer, each conv on every path.
BENCH_PROGS += bench/recog_layers
bench_recog_layers_SOURCES = bench/recog_layers.c
bench_recog_layers_LDADD = libfaceaudit.a $(FA_DEP_LIBS)

# Unit tests of the recognition core and their tiny synthetic images.
tests_unit_check_faceaudit_SOURCES += tests/unit/check_recog.c
CHECK_SUITES += recog
EXTRA_DIST += tests/data/recog

# Matching (1:1 verify, 1:N search) and the parity tests against the
# reference harness (bench/peers/, golden files in tests/data/parity/).
libfaceaudit_a_SOURCES += src/recog/match.c src/recog/match_kernels.c \
	src/recog/match_screen.c
noinst_HEADERS += include/faceaudit/match.h src/recog/match_int.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_match.c tests/unit/check_parity.c
CHECK_SUITES += match parity
EXTRA_DIST += tests/data/parity bench/peers/README.md bench/peers/package.json \
	bench/peers/package-lock.json bench/peers/dump-reference.mjs bench/peers/regen-parity.sh

# bench/recog: our engine against ONNX Runtime and face-api on tfjs-wasm
# (bench/peers/; the networks exported by bench/export-onnx.py) and
# the 1:N search against FAISS IndexFlatIP (C++ shim, when configure found it).
BENCH_PROGS += bench/recog
bench_recog_SOURCES = bench/recog.c
bench_recog_CPPFLAGS = $(AM_CPPFLAGS) -DFA_SRCDIR='"$(abs_top_srcdir)"'
bench_recog_LDADD = libfaceaudit.a $(FA_DEP_LIBS)
if FA_HAVE_FAISS
bench_recog_SOURCES += bench/faiss_peer.cc
bench_recog_CXXFLAGS = $(AM_CXXFLAGS) -fopenmp
bench_recog_LDADD += $(FAISS_LIBS)
endif
EXTRA_DIST += bench/faiss_peer.cc bench/recog.sh bench/detect-small.sh doc/PERFORMANCE.md bench/export-onnx.py \
	bench/peers/ort-bench.mjs bench/peers/.npmrc

# Age and gender estimates: the interval arithmetic, face-api's crop for
# AgeGenderNet and one estimate per person (the net's parity is check_parity.c).
tests_unit_check_faceaudit_SOURCES += tests/unit/check_agegender.c
CHECK_SUITES += agegender

# The compressed gallery (f16, i8 with per-row scales): kernels on every path,
# recall@10 bounds on a seeded synthetic gallery.
tests_unit_check_faceaudit_SOURCES += tests/unit/check_packed.c
CHECK_SUITES += packed
