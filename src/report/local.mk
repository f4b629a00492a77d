# src/report/local.mk - report: the writers (text, json, csv, markdown, sarif,
# junit, html), inline SVG charts, baselines and diffs, the Art. 9 record.
libfaceaudit_a_SOURCES += \
	src/report/report.c \
	src/report/report_csv.c \
	src/report/report_deliver.c \
	src/report/report_doc.c \
	src/report/report_diff.c \
	src/report/report_eval.c \
	src/report/report_group.c \
	src/report/report_evaldiff.c \
	src/report/report_footage.c \
	src/report/report_html.c \
	src/report/report_int.h \
	src/report/report_junit.c \
	src/report/report_md.c \
	src/report/report_pdf.c \
	src/report/report_pia.c \
	src/report/report_sarif.c \
	src/report/report_svg.c
noinst_HEADERS += include/faceaudit/report.h
REPORT_TESTS = tests/regress/report.sh tests/regress/report-render.sh tests/regress/report-deliver.sh \
	tests/regress/inventory.sh
TESTS += $(REPORT_TESTS)
dist_noinst_SCRIPTS += $(REPORT_TESTS)
EXTRA_DIST += tests/regress/report_check.py tests/regress/png_check.py tests/regress/svg_check.py doc/faceaudit-audit.schema.json bench/gen-engagement.sh \
	bench/audit.sh
tests_unit_check_faceaudit_SOURCES += tests/unit/check_report.c
CHECK_SUITES += report
dist_man5_MANS += doc/faceaudit-json.5
check_PROGRAMS += tests/fuzz/replay_report_json
TESTS += tests/fuzz/replay_report_json
tests_fuzz_replay_report_json_SOURCES = tests/fuzz/fuzz_report_json.c tests/fuzz/fuzz_main.c
tests_fuzz_replay_report_json_CPPFLAGS = $(AM_CPPFLAGS) -DFA_FUZZ_NAME='"report_json"'
tests_fuzz_replay_report_json_LDADD = $(FUZZ_LDADD)
FUZZ_PROGS += tests/fuzz/fuzz_report_json
tests_fuzz_fuzz_report_json_SOURCES = tests/fuzz/fuzz_report_json.c
tests_fuzz_fuzz_report_json_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_report_json_LDADD = $(FUZZ_LDADD)
