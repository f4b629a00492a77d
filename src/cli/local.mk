# src/cli/local.mk - cli: global options, the command table, one file per
# command group.
libfaceaudit_a_SOURCES += \
	src/cli/cli.c \
	src/cli/cmd_audit.c \
	src/cli/cmd_calendar.c \
	src/cli/cmd_dataset.c \
	src/cli/cmd_db.c \
	src/cli/cmd_eval.c \
	src/cli/cmd_eval.h \
	src/cli/cmd_eval_print.c \
	src/cli/cmd_eval_submit.c \
	src/cli/cmd_gallery.c \
	src/cli/cmd_lesson.c \
	src/cli/cmd_log.c \
	src/cli/cmd_models.c \
	src/cli/cmd_purge.c \
	src/cli/cmd_recog.c \
	src/cli/cmd_recog.h \
	src/cli/cmd_report.c \
	src/cli/cmd_rules.c \
	src/cli/cmd_scenario.c \
	src/cli/cmd_sim.c \
	src/cli/cmd_thumbnails.c \
	src/cli/cmd_tui.c \
	src/cli/cmd_video.c \
	src/cli/cmd_video.h
noinst_HEADERS += include/faceaudit/cli.h
# The order of the commands in `faceaudit --help`.
CLI_COMMANDS += scenario audit rules lesson eval merge runs dataset simulate replay thumbnails video diff pia \
	models calendar db detect landmarks embed compare enroll identify gallery log purge
# `--format json` of the commands that print results, read back against their text;
# Ctrl-C on dataset check and the recognition commands
CLI_TESTS = tests/regress/formats.sh tests/regress/interrupt-cli.sh
TESTS += $(CLI_TESTS)
dist_noinst_SCRIPTS += $(CLI_TESTS)
