# src/tui/local.mk - tui: the only module that includes curses (through
# src/tui/tui_curses.h). A client of the command layer.
libfaceaudit_a_SOURCES += \
	src/tui/scr_help.c \
	src/tui/scr_home.c \
	src/tui/scr_runs.c \
	src/tui/tui.c \
	src/tui/tui_cmd.c \
	src/tui/tui_curses.h \
	src/tui/tui_int.h \
	src/tui/tui_text.c \
	src/tui/tui_text.h
noinst_HEADERS += include/faceaudit/tui.h
CLI_COMMANDS += tui
tests_unit_check_faceaudit_SOURCES += tests/unit/check_tui.c
CHECK_SUITES += tui
TESTS += tests/regress/tui.sh
dist_noinst_SCRIPTS += tests/regress/tui.sh
