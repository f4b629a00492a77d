# tests/regress/local.mk - CLI regression scripts with golden outputs in
# tests/regress/golden/. Each script sources tests/regress/lib.sh.
REGRESS_TESTS = \
	tests/regress/calendar.sh \
	tests/regress/cli-basics.sh \
	tests/regress/db.sh \
	tests/regress/eval.sh \
	tests/regress/eval-datasets.sh \
	tests/regress/eval-images.sh \
	tests/regress/slurm.sh \
	tests/regress/models.sh \
	tests/regress/templates.sh \
	tests/regress/security.sh \
	tests/regress/eval-resume.sh \
	tests/regress/interrupt.sh \
	tests/regress/install.sh \
	tests/regress/parity-harness.sh \
	tests/regress/recog.sh \
	tests/regress/thumbnails.sh \
	tests/regress/identify-precision.sh
TESTS += $(REGRESS_TESTS)
dist_noinst_SCRIPTS += $(REGRESS_TESTS)
EXTRA_DIST += tests/regress/golden
TESTS += tests/regress/footage-limits.sh
dist_noinst_SCRIPTS += tests/regress/footage-limits.sh
