# src/app/local.mk - app: one function per user operation (params in,
# result out, stored), under the CLI and the TUI.
libfaceaudit_a_SOURCES += \
	src/app/app.c \
	src/app/app_audit.c \
	src/app/app_calendar.c \
	src/app/app_db.c \
	src/app/app_eval.c \
	src/app/app_lesson.c \
	src/app/app_lesson_check.c \
	src/app/app_lesson_match.c \
	src/app/app_models.c \
	src/app/app_pia.c \
	src/app/app_portfolio.c \
	src/app/app_portfolio_store.c \
	src/app/app_recog.c \
	src/app/app_rules.c \
	src/app/app_scenario.c \
	src/app/app_sim.c \
	src/app/app_sim_errors.c \
	src/app/app_sim_images.c \
	src/app/app_thumbs.c \
	src/app/app_timeline.c \
	src/app/app_tui_runs.c \
	src/app/app_video.c \
	src/app/app_whatif.c \
	src/app/app_whatif_int.h \
	src/app/app_whatif_rows.c
noinst_HEADERS += include/faceaudit/app.h include/faceaudit/app_sim.h include/faceaudit/app_whatif.h include/faceaudit/lesson.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_app.c tests/unit/check_lesson.c \
	tests/unit/check_whatif.c
CHECK_SUITES += app lesson whatif
APP_PORTFOLIO_TESTS = tests/regress/portfolio.sh
TESTS += $(APP_PORTFOLIO_TESTS)
dist_noinst_SCRIPTS += $(APP_PORTFOLIO_TESTS)
# `faceaudit lesson check` over the shipped lessons and malformed ones
APP_LESSON_TESTS = tests/regress/lesson.sh
TESTS += $(APP_LESSON_TESTS)
dist_noinst_SCRIPTS += $(APP_LESSON_TESTS)
dist_man5_MANS += doc/faceaudit-lesson.5
EXTRA_DIST += doc/TRAINING.md
