# tests/fuzz/local.mk - fuzz targets (DESIGN.md §8, issue 9).
# Each target tests/fuzz/fuzz_NAME.c is built twice:
#  - tests/fuzz/replay_NAME, in every build: `make check` replays the seed
#    corpus and crash regressions in tests/fuzz/corpus/NAME/ (under the
#    sanitizers in check-all's distcheck);
#  - tests/fuzz/fuzz_NAME, with --enable-fuzzing (clang + libFuzzer):
#    tests/fuzz/run.sh builds and runs each for a time budget.
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/fuzz.h tests/fuzz/README.md
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
