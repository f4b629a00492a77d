# src/tui/local.mk - tui: the only module that includes curses (through
# src/tui/tui_curses.h). A front end on app/, started by src/cli/cmd_tui.c.
libfaceaudit_a_SOURCES += \
	src/tui/scr_article.c \
	src/tui/scr_board.c \
	src/tui/scr_demo.c \
	src/tui/scr_eval.c \
	src/tui/scr_facts.c \
	src/tui/scr_help.c \
	src/tui/scr_home.c \
	src/tui/scr_runs.c \
	src/tui/scr_sim.c \
	src/tui/tui.c \
	src/tui/tui_curses.h \
	src/tui/tui_frame.h \
	src/tui/tui_int.h \
	src/tui/tui_job.c \
	src/tui/tui_lesson.c \
	src/tui/tui_lesson.h \
	src/tui/tui_model.h \
	src/tui/tui_model_rows.c \
	src/tui/tui_overlay.c \
	src/tui/tui_plot.c \
	src/tui/tui_plot.h \
	src/tui/tui_script.c \
	src/tui/tui_session.c \
	src/tui/tui_session.h \
	src/tui/tui_text.c \
	src/tui/tui_text.h
noinst_HEADERS += include/faceaudit/tui.h
# `tui` and `demo` (src/cli/cmd_tui.c) come last in `faceaudit --help`.
CLI_COMMANDS += tui demo
tests_unit_check_faceaudit_SOURCES += tests/unit/check_tui.c
CHECK_SUITES += tui
TESTS += tests/regress/tui.sh tests/regress/tui-flows.sh tests/regress/tui-lesson.sh \
	tests/regress/tui-reading.sh
dist_noinst_SCRIPTS += tests/regress/tui.sh tests/regress/tui-flows.sh tests/regress/tui-lesson.sh \
	tests/regress/tui-reading.sh

# Fuzz target for the lesson parser (replayed in make check; see tests/fuzz/local.mk).
check_PROGRAMS += tests/fuzz/replay_lesson
TESTS += tests/fuzz/replay_lesson
tests_fuzz_replay_lesson_SOURCES = tests/fuzz/fuzz_lesson.c tests/fuzz/fuzz_main.c
tests_fuzz_replay_lesson_CPPFLAGS = $(AM_CPPFLAGS) -DFA_FUZZ_NAME='"lesson"'
tests_fuzz_replay_lesson_LDADD = $(FUZZ_LDADD)
FUZZ_PROGS += tests/fuzz/fuzz_lesson
tests_fuzz_fuzz_lesson_SOURCES = tests/fuzz/fuzz_lesson.c
tests_fuzz_fuzz_lesson_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_lesson_LDADD = $(FUZZ_LDADD)
EXTRA_DIST += doc/TUI.md doc/tui-captures.sh
