# src/video/local.mk - video: recorded footage through FFmpeg's libraries
# (video_decode.c is the only libav* includer), faces tracked across frames,
# best shots, descriptors per track, people within a recording.
libfaceaudit_a_SOURCES += \
	src/video/video_decode.c \
	src/video/video_track.c \
	src/video/video_fold.c \
	src/video/video_faces.c
noinst_HEADERS += include/faceaudit/video.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_video.c
CHECK_SUITES += video
TESTS += tests/regress/video.sh
dist_noinst_SCRIPTS += tests/regress/video.sh tests/regress/make-videos.sh
TESTS += tests/regress/replay-video.sh
dist_noinst_SCRIPTS += tests/regress/replay-video.sh
# bench/video.sh: frames/s at 1080p and 720p against real time (doc/PERFORMANCE.md).
EXTRA_DIST += bench/video.sh
