# cmake/packaging.cmake: man pages, shell completion, the systemd user unit and the .deb (issue 17).
# `scripts/package` makes the release (Release build, tests, cpack); the ctest `package.deb`
# packages this build's binary (stripped by cpack) and tests the installed tree.

set(WILLIS_MAINTAINER "willis maintainers <willis@users.noreply.github.com>"
    CACHE STRING "Maintainer field of the .deb")

# ---- man pages and completion, generated from the built binary (packaging/gen-docs.sh) ----
find_program(HELP2MAN help2man)
set(willis_docs_dir ${PROJECT_BINARY_DIR}/docs-generated)
if(HELP2MAN)
  add_custom_command(
    OUTPUT ${willis_docs_dir}/stamp
    COMMAND ${PROJECT_SOURCE_DIR}/packaging/gen-docs.sh $<TARGET_FILE:willis> ${willis_docs_dir}
    COMMAND ${CMAKE_COMMAND} -E touch ${willis_docs_dir}/stamp
    DEPENDS willis ${PROJECT_SOURCE_DIR}/packaging/gen-docs.sh
    COMMENT "Generating man pages and shell completion from willis --help")
  add_custom_target(willis_docs ALL DEPENDS ${willis_docs_dir}/stamp)
else()
  message(STATUS "help2man not found: no man pages (scripts/install-deps installs it)")
endif()

# ---- Debian changelog (native package) and CHANGELOG.md, compressed as policy wants ----
string(TIMESTAMP WILLIS_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(packaging/changelog.in ${PROJECT_BINARY_DIR}/packaging/changelog @ONLY)
add_custom_command(
  OUTPUT ${PROJECT_BINARY_DIR}/packaging/changelog.gz ${PROJECT_BINARY_DIR}/packaging/CHANGELOG.md.gz
  COMMAND gzip -9n -c ${PROJECT_BINARY_DIR}/packaging/changelog > ${PROJECT_BINARY_DIR}/packaging/changelog.gz
  COMMAND gzip -9n -c ${PROJECT_SOURCE_DIR}/CHANGELOG.md > ${PROJECT_BINARY_DIR}/packaging/CHANGELOG.md.gz
  DEPENDS ${PROJECT_BINARY_DIR}/packaging/changelog ${PROJECT_SOURCE_DIR}/CHANGELOG.md)
add_custom_target(willis_changelogs ALL
  DEPENDS ${PROJECT_BINARY_DIR}/packaging/changelog.gz ${PROJECT_BINARY_DIR}/packaging/CHANGELOG.md.gz)

# ---- install rules: only component "willis" goes into the .deb ----
include(GNUInstallDirs)
install(TARGETS willis RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT willis)
# The web server `willis serve` execs (../libexec/willis/ from /usr/bin/willis; src/cli/serve_commands.cc).
if(TARGET willis-serve)
  install(TARGETS willis-serve RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/willis COMPONENT willis)
endif()
# And the audit, which `willis audit` execs the same way (src/cli/audit_main.cc).
if(TARGET willis-audit)
  install(TARGETS willis-audit RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/willis COMPONENT willis)
endif()
if(HELP2MAN)
  install(DIRECTORY ${willis_docs_dir}/man1 DESTINATION ${CMAKE_INSTALL_MANDIR} COMPONENT willis)
  install(FILES ${willis_docs_dir}/completion/willis
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT willis)
  install(FILES ${willis_docs_dir}/completion/_willis
          DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions COMPONENT willis)
  install(FILES ${willis_docs_dir}/completion/willis.fish
          DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d COMPONENT willis)
endif()
install(FILES packaging/willis.service DESTINATION lib/systemd/user COMPONENT willis)
# Why /usr/bin/willis is static (lintian reads overrides from here).
install(FILES packaging/willis.lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME willis COMPONENT willis)
install(FILES packaging/copyright ${PROJECT_BINARY_DIR}/packaging/changelog.gz
              ${PROJECT_BINARY_DIR}/packaging/CHANGELOG.md.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT willis)

# ---- CPack: DEB generator; dependencies from dpkg-shlibdeps, not guessed ----
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME willis)
set(CPACK_PACKAGE_VENDOR "willis")
set(CPACK_PACKAGE_CONTACT "${WILLIS_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_CMAKE_PROJECTS "${PROJECT_BINARY_DIR};willis;willis;/")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${WILLIS_MAINTAINER}")
# CPack indents every line after the summary itself and writes an empty line as " .".
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "evidence-graded magnesium decision support for restless legs and sleep
willis tells a person, a pharmacist or an EHR, with a citation for every
statement, whether magnesium is safe for this person, which form and how
much, at which times of day around their other medicines, and what to check
first (iron, kidneys, red flags). It gives information, not a diagnosis.

This package holds the command line (willis assess, kb, diary, trial,
evidence, audit), the local web app and CDS Hooks service (willis serve,
loopback only; a systemd user unit is included), man pages and shell
completion for bash, zsh and fish.")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_SOURCE_IGNORE_FILES "/build.*/;/\\\\.git/")
include(CPack)

# ---- the package test: build the .deb from this build, install it into a temporary root ----
if(WILLIS_BUILD_TESTS AND HELP2MAN)
  add_test(NAME package.deb
           COMMAND ${PROJECT_SOURCE_DIR}/packaging/test-package.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
  set_tests_properties(package.deb PROPERTIES TIMEOUT 600)
endif()
