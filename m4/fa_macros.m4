# fa_macros.m4 - small autoconf helpers for faceaudit.
# SPDX-License-Identifier: MIT

# FA_CHECK_CFLAG(FLAG, [ACTION-IF-OK], [ACTION-IF-NOT])
# Succeeds when the C compiler accepts FLAG with -Werror (so that a warning
# about an unknown option counts as failure).
AC_DEFUN([FA_CHECK_CFLAG], [
  AS_VAR_PUSHDEF([fa_var], [fa_cv_cflag_$1])
  AC_CACHE_CHECK([whether $CC accepts $1], [fa_var], [
    fa_save_CFLAGS=$CFLAGS
    CFLAGS="$CFLAGS -Werror $1"
    AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [return 0;])],
      [AS_VAR_SET([fa_var], [yes])], [AS_VAR_SET([fa_var], [no])])
    CFLAGS=$fa_save_CFLAGS])
  AS_VAR_IF([fa_var], [yes], [$2], [$3])
  AS_VAR_POPDEF([fa_var])
])

# FA_ADD_WARNING(FLAG): append FLAG to FA_WARN_CFLAGS when accepted.
AC_DEFUN([FA_ADD_WARNING], [
  FA_CHECK_CFLAG([$1], [FA_WARN_CFLAGS="$FA_WARN_CFLAGS $1"])
])

# FA_DEPENDENCY(NAME, PKG-MODULES, HEADER, FUNCTION, LIBS-TO-TRY, DEBIAN-PKG)
# Find a required library: pkg-config first (the first module of the
# space-separated list that exists), then a header check plus a link probe
# with AC_SEARCH_LIBS. NAME_CFLAGS and NAME_LIBS may be given by the user to
# skip both. Fails naming the Debian package to install.
AC_DEFUN([FA_DEPENDENCY], [
  AC_ARG_VAR([$1][_CFLAGS], [C compiler flags for $1, overriding detection])
  AC_ARG_VAR([$1][_LIBS], [linker flags for $1, overriding detection])
  fa_dep_found=no
  fa_dep_how=
  AS_IF([test -n "$$1[]_LIBS"], [fa_dep_found=yes; fa_dep_how="user"])
  AS_IF([test "$fa_dep_found" = no && test -n "$PKG_CONFIG"], [
    for fa_mod in $2; do
      AC_MSG_CHECKING([for pkg-config module $fa_mod])
      AS_IF([$PKG_CONFIG --exists "$fa_mod"], [
        AC_MSG_RESULT([yes])
        $1[]_CFLAGS=`$PKG_CONFIG --cflags "$fa_mod"`
        $1[]_LIBS=`$PKG_CONFIG --libs "$fa_mod"`
        fa_dep_found=yes
        fa_dep_how="pkg-config $fa_mod"
        break
      ], [AC_MSG_RESULT([no])])
    done
  ])
  AS_IF([test "$fa_dep_found" = no], [
    fa_save_LIBS=$LIBS
    LIBS=
    AC_CHECK_HEADER([$3], [
      AC_SEARCH_LIBS([$4], [$5], [
        $1[]_LIBS=$LIBS
        fa_dep_found=yes
        fa_dep_how="link probe"
      ])
    ])
    LIBS=$fa_save_LIBS
  ])
  AS_IF([test "$fa_dep_found" = no],
    [AC_MSG_ERROR([$1 not found ($3, $4): install the Debian package $6 (apt-get install $6), or set $1_CFLAGS and $1_LIBS])])
  dnl Link check even after pkg-config, so a broken .pc file is caught here.
  fa_save_LIBS=$LIBS
  fa_save_CFLAGS=$CFLAGS
  LIBS="$$1[]_LIBS $LIBS"
  CFLAGS="$CFLAGS $$1[]_CFLAGS"
  AC_MSG_CHECKING([whether $4 links with $$1[]_LIBS])
  AC_LINK_IFELSE([AC_LANG_CALL([], [$4])], [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([$1: $4 does not link: install the Debian package $6 (apt-get install $6)])])
  LIBS=$fa_save_LIBS
  CFLAGS=$fa_save_CFLAGS
  AC_SUBST([$1][_CFLAGS])
  AC_SUBST([$1][_LIBS])
  AS_VAR_SET([fa_how_$1], [$fa_dep_how])
])
