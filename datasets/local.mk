# datasets/local.mk - what an installed copy needs besides the rule pack: the
# example scenarios (with their evidence files and CSV inventories), the
# trainer's lessons (datasets/scenarios/training/) and the recorded
# deployments (datasets/recorded/), under $(pkgdatadir)/datasets/ with their
# paths kept, beside $(pkgdatadir)/rules where the program looks for them
# (path_rules_dir in src/core/fsutil.c).
#
# The folders are copied whole rather than listed file by file: lessons and
# scenarios are added often, and a list would drift from the folder; the
# install test (tests/regress/install.sh) compares the installed tree with the
# source folders, file for file.
FA_DATA_DIRS = datasets/scenarios datasets/recorded

install-data-local: install-fa-data
uninstall-local: uninstall-fa-data

install-fa-data:
	@cd $(srcdir) && find $(FA_DATA_DIRS) -type f | LC_ALL=C sort | while read -r f; do \
	  d=`dirname "$$f"`; \
	  $(MKDIR_P) "$(DESTDIR)$(pkgdatadir)/$$d" || exit 1; \
	  echo " $(INSTALL_DATA) $$f '$(DESTDIR)$(pkgdatadir)/$$d'"; \
	  $(INSTALL_DATA) "$$f" "$(DESTDIR)$(pkgdatadir)/$$d" || exit 1; \
	done

uninstall-fa-data:
	@cd $(srcdir) && find $(FA_DATA_DIRS) -type f | while read -r f; do \
	  rm -f "$(DESTDIR)$(pkgdatadir)/$$f"; \
	done

.PHONY: install-fa-data uninstall-fa-data
