# tests/fuzz/local.mk - fuzz targets (doc/SECURITY.md).
# Each target tests/fuzz/fuzz_NAME.c is built twice:
#  - tests/fuzz/replay_NAME, in every build: `make check` replays the seed
#    corpus and crash regressions in tests/fuzz/corpus/NAME/ (under the
#    sanitizers in check-all's distcheck);
#  - tests/fuzz/fuzz_NAME, with --enable-fuzzing (clang + libFuzzer):
#    tests/fuzz/run.sh builds and runs each for a time budget.
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/image.dict tests/fuzz/make-seeds.py tests/fuzz/fuzz.h tests/fuzz/fuzz_tmpfile.h tests/fuzz/README.md
dist_noinst_SCRIPTS += tests/fuzz/run.sh
EXTRA_PROGRAMS += $(FUZZ_PROGS)
FUZZ_LDADD = libfaceaudit.a $(FA_DEP_LIBS)

check_PROGRAMS += tests/fuzz/replay_calendar
TESTS += tests/fuzz/replay_calendar
tests_fuzz_replay_calendar_SOURCES = tests/fuzz/fuzz_calendar.c tests/fuzz/fuzz_main.c
tests_fuzz_replay_calendar_CPPFLAGS = $(AM_CPPFLAGS) -DFA_FUZZ_NAME='"calendar"'
tests_fuzz_replay_calendar_LDADD = $(FUZZ_LDADD)
FUZZ_PROGS += tests/fuzz/fuzz_calendar
tests_fuzz_fuzz_calendar_SOURCES = tests/fuzz/fuzz_calendar.c
tests_fuzz_fuzz_calendar_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_calendar_LDADD = $(FUZZ_LDADD)

check_PROGRAMS += tests/fuzz/replay_image
TESTS += tests/fuzz/replay_image
tests_fuzz_replay_image_SOURCES = tests/fuzz/fuzz_image.c tests/fuzz/fuzz_main.c
tests_fuzz_replay_image_CPPFLAGS = $(AM_CPPFLAGS) -DFA_FUZZ_NAME='"image"'
tests_fuzz_replay_image_LDADD = $(FUZZ_LDADD)
FUZZ_PROGS += tests/fuzz/fuzz_image
tests_fuzz_fuzz_image_SOURCES = tests/fuzz/fuzz_image.c
tests_fuzz_fuzz_image_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_image_LDADD = $(FUZZ_LDADD)

check_PROGRAMS += tests/fuzz/replay_json
TESTS += tests/fuzz/replay_json
tests_fuzz_replay_json_SOURCES = tests/fuzz/fuzz_json.c tests/fuzz/fuzz_main.c
tests_fuzz_replay_json_CPPFLAGS = $(AM_CPPFLAGS) -DFA_FUZZ_NAME='"json"'
tests_fuzz_replay_json_LDADD = $(FUZZ_LDADD)
FUZZ_PROGS += tests/fuzz/fuzz_json
tests_fuzz_fuzz_json_SOURCES = tests/fuzz/fuzz_json.c
tests_fuzz_fuzz_json_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_json_LDADD = $(FUZZ_LDADD)

check_PROGRAMS += tests/fuzz/replay_ds_csv
TESTS += tests/fuzz/replay_ds_csv
tests_fuzz_replay_ds_csv_SOURCES = tests/fuzz/fuzz_ds_csv.c tests/fuzz/fuzz_main.c
tests_fuzz_replay_ds_csv_CPPFLAGS = $(AM_CPPFLAGS) -DFA_FUZZ_NAME='"ds_csv"'
tests_fuzz_replay_ds_csv_LDADD = $(FUZZ_LDADD)
FUZZ_PROGS += tests/fuzz/fuzz_ds_csv
tests_fuzz_fuzz_ds_csv_SOURCES = tests/fuzz/fuzz_ds_csv.c
tests_fuzz_fuzz_ds_csv_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_ds_csv_LDADD = $(FUZZ_LDADD)

check_PROGRAMS += tests/fuzz/replay_ds_lfw
TESTS += tests/fuzz/replay_ds_lfw
tests_fuzz_replay_ds_lfw_SOURCES = tests/fuzz/fuzz_ds_lfw.c tests/fuzz/fuzz_main.c
tests_fuzz_replay_ds_lfw_CPPFLAGS = $(AM_CPPFLAGS) -DFA_FUZZ_NAME='"ds_lfw"'
tests_fuzz_replay_ds_lfw_LDADD = $(FUZZ_LDADD)
FUZZ_PROGS += tests/fuzz/fuzz_ds_lfw
tests_fuzz_fuzz_ds_lfw_SOURCES = tests/fuzz/fuzz_ds_lfw.c
tests_fuzz_fuzz_ds_lfw_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_ds_lfw_LDADD = $(FUZZ_LDADD)

check_PROGRAMS += tests/fuzz/replay_ds_imglab
TESTS += tests/fuzz/replay_ds_imglab
tests_fuzz_replay_ds_imglab_SOURCES = tests/fuzz/fuzz_ds_imglab.c tests/fuzz/fuzz_main.c
tests_fuzz_replay_ds_imglab_CPPFLAGS = $(AM_CPPFLAGS) -DFA_FUZZ_NAME='"ds_imglab"'
tests_fuzz_replay_ds_imglab_LDADD = $(FUZZ_LDADD)
FUZZ_PROGS += tests/fuzz/fuzz_ds_imglab
tests_fuzz_fuzz_ds_imglab_SOURCES = tests/fuzz/fuzz_ds_imglab.c
tests_fuzz_fuzz_ds_imglab_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_ds_imglab_LDADD = $(FUZZ_LDADD)

check_PROGRAMS += tests/fuzz/replay_waivers
TESTS += tests/fuzz/replay_waivers
tests_fuzz_replay_waivers_SOURCES = tests/fuzz/fuzz_waivers.c tests/fuzz/fuzz_main.c
tests_fuzz_replay_waivers_CPPFLAGS = $(AM_CPPFLAGS) -DFA_FUZZ_NAME='"waivers"'
tests_fuzz_replay_waivers_LDADD = $(FUZZ_LDADD)
FUZZ_PROGS += tests/fuzz/fuzz_waivers
tests_fuzz_fuzz_waivers_SOURCES = tests/fuzz/fuzz_waivers.c
tests_fuzz_fuzz_waivers_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_waivers_LDADD = $(FUZZ_LDADD)

check_PROGRAMS += tests/fuzz/replay_inventory
TESTS += tests/fuzz/replay_inventory
tests_fuzz_replay_inventory_SOURCES = tests/fuzz/fuzz_inventory.c tests/fuzz/fuzz_main.c
tests_fuzz_replay_inventory_CPPFLAGS = $(AM_CPPFLAGS) -DFA_FUZZ_NAME='"inventory"'
tests_fuzz_replay_inventory_LDADD = $(FUZZ_LDADD)
FUZZ_PROGS += tests/fuzz/fuzz_inventory
tests_fuzz_fuzz_inventory_SOURCES = tests/fuzz/fuzz_inventory.c
tests_fuzz_fuzz_inventory_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_inventory_LDADD = $(FUZZ_LDADD)

check_PROGRAMS += tests/fuzz/replay_footage
TESTS += tests/fuzz/replay_footage
tests_fuzz_replay_footage_SOURCES = tests/fuzz/fuzz_footage.c tests/fuzz/fuzz_main.c
tests_fuzz_replay_footage_CPPFLAGS = $(AM_CPPFLAGS) -DFA_FUZZ_NAME='"footage"'
tests_fuzz_replay_footage_LDADD = $(FUZZ_LDADD)
FUZZ_PROGS += tests/fuzz/fuzz_footage
tests_fuzz_fuzz_footage_SOURCES = tests/fuzz/fuzz_footage.c
tests_fuzz_fuzz_footage_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_footage_LDADD = $(FUZZ_LDADD)

check_PROGRAMS += tests/fuzz/replay_video
TESTS += tests/fuzz/replay_video
tests_fuzz_replay_video_SOURCES = tests/fuzz/fuzz_video.c tests/fuzz/fuzz_main.c
tests_fuzz_replay_video_CPPFLAGS = $(AM_CPPFLAGS) -DFA_FUZZ_NAME='"video"'
tests_fuzz_replay_video_LDADD = $(FUZZ_LDADD)
FUZZ_PROGS += tests/fuzz/fuzz_video
tests_fuzz_fuzz_video_SOURCES = tests/fuzz/fuzz_video.c
tests_fuzz_fuzz_video_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_video_LDADD = $(FUZZ_LDADD)

# fuzz-long: every target for 10 minutes (tests/fuzz/run.sh; figures in
# doc/SECURITY.md). CI's check-all runs each for 20 s.
fuzz-long:
	$(SHELL) $(srcdir)/tests/fuzz/run.sh 600
.PHONY: fuzz-long
