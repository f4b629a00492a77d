# src/rule/local.mk - rule: the rule language (lex, parse, check, evaluate,
# explain), the audit of a scenario against rules/, waivers.
libfaceaudit_a_SOURCES += \
	src/rule/rule_arena.c \
	src/rule/rule_ast.c \
	src/rule/rule_audit.c \
	src/rule/rule_audit_int.h \
	src/rule/rule_builtin.c \
	src/rule/rule_check.c \
	src/rule/rule_eval.c \
	src/rule/rule_group.c \
	src/rule/rule_int.h \
	src/rule/rule_lex.c \
	src/rule/rule_lint.c \
	src/rule/rule_output.c \
	src/rule/rule_pack.c \
	src/rule/rule_parse.c \
	src/rule/rule_parse_expr.c \
	src/rule/rule_parse_int.h \
	src/rule/rule_test.c \
	src/rule/rule_unknown.c \
	src/rule/rule_waivers.c
noinst_HEADERS += include/faceaudit/rule.h

# The rule pack, installed under $(pkgdatadir)/rules with its golden tests
# (so `faceaudit rules test` works on an installed copy).
nobase_dist_pkgdata_DATA += \
	rules/a01-purpose.rule rules/a02-scope.rule rules/a03-principles.rule \
	rules/a04-necessity.rule rules/a05-notice.rule rules/a06-consent.rule \
	rules/a07-minors.rule rules/a08-storage.rule rules/a09-assessment.rule \
	rules/a10-alternatives.rule rules/a11-national-id.rule rules/a12-conduct.rule \
	rules/a13-public-places.rule rules/a14-security.rule rules/a15-filing.rule \
	rules/a16-cooperation.rule rules/a17-supervision.rule rules/a18-liability.rule \
	rules/a19-definitions.rule rules/a20-effective.rule \
	rules/tests/compliant.fa.yaml rules/tests/base.test rules/tests/a02.test \
	rules/tests/a03.test rules/tests/a04.test rules/tests/a05.test rules/tests/a06.test \
	rules/tests/a07.test rules/tests/a08.test rules/tests/a09.test rules/tests/a10.test \
	rules/tests/a11.test rules/tests/a12.test rules/tests/a13.test rules/tests/a14.test \
	rules/tests/a15.test

# Tests: the Check suite, CLI regressions, bad-input files, expected outcomes
# of the example scenarios.
tests_unit_check_faceaudit_SOURCES += tests/unit/check_rule.c
CHECK_SUITES += rule
RULE_REGRESS = tests/regress/audit.sh tests/regress/rules.sh tests/regress/scenarios.sh
TESTS += $(RULE_REGRESS)
dist_noinst_SCRIPTS += $(RULE_REGRESS)
EXTRA_DIST += tests/data/rules datasets/scenarios/hotel-front-desk.expected

# bench/audit: a generated 10,000-device deployment audited end to end.
BENCH_PROGS += bench/audit
bench_audit_SOURCES = bench/audit.c
bench_audit_LDADD = libfaceaudit.a $(FA_DEP_LIBS)

dist_man5_MANS = doc/faceaudit-rules.5

# Fuzz target for the rule language (tests/fuzz/README.md): replayed over its
# corpus by make check, fuzzed with --enable-fuzzing.
check_PROGRAMS += tests/fuzz/replay_rule
TESTS += tests/fuzz/replay_rule
tests_fuzz_replay_rule_SOURCES = tests/fuzz/fuzz_rule.c tests/fuzz/fuzz_main.c
tests_fuzz_replay_rule_CPPFLAGS = $(AM_CPPFLAGS) -DFA_FUZZ_NAME='"rule"'
tests_fuzz_replay_rule_LDADD = $(FUZZ_LDADD)
FUZZ_PROGS += tests/fuzz/fuzz_rule
tests_fuzz_fuzz_rule_SOURCES = tests/fuzz/fuzz_rule.c
tests_fuzz_fuzz_rule_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_rule_LDADD = $(FUZZ_LDADD)
