# src/dataset/local.mk - dataset: labelled face datasets behind one
# interface (CSV manifests via core/csvr.c, folder per identity, LFW pairs,
# imglab XML via expat).
libfaceaudit_a_SOURCES += \
	src/dataset/dataset.c \
	src/dataset/dataset_int.h \
	src/dataset/ds_csv.c \
	src/dataset/ds_dirtree.c \
	src/dataset/ds_imglab.c \
	src/dataset/ds_lfw.c \
	src/dataset/ds_pairs.c
noinst_HEADERS += include/faceaudit/dataset.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_dataset.c
CHECK_SUITES += dataset
# Dataset definitions for the shared face datasets (paths through
# $FACEAUDIT_DATA), installed so that `faceaudit eval orl` finds them.
facedefsdir = $(pkgdatadir)/datasets/faces
dist_facedefs_DATA = datasets/faces/orl.csv datasets/faces/bbt.csv datasets/faces/bbt-pairs.csv \
	datasets/faces/dlib-train.xml
EXTRA_DIST += datasets/README.md

# A CSV file as a table of strings (events of a recorded deployment).
libfaceaudit_a_SOURCES += src/dataset/ds_table.c
noinst_HEADERS += include/faceaudit/ds_table.h
