# CPack: the Debian packages lifeline-server and lifeline-builder (README.md "Packages").
#   cmake --build BUILD --target package      or      cd BUILD && cpack -G DEB
# Included last by the top-level CMakeLists.txt, after every install() rule.

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME lifeline)
set(CPACK_PACKAGE_VENDOR "Lifeline")
set(CPACK_PACKAGE_CONTACT "Lifeline maintainers <lifeline@localhost>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
# Absolute destinations (/opt/lifeline, /lib/systemd/system) are installed as they are.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server)
if(LIFELINE_BUILDER)
  list(APPEND CPACK_COMPONENTS_ALL builder)
endif()

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# zstd (dpkg reads it since Debian 12): packing the test build's large programs stays quick.
set(CPACK_DEBIAN_COMPRESSION_TYPE zstd)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
# Depends from dpkg-shlibdeps; a sanitizer build thereby also depends on libasan8 and libubsan1
# (GCC links them dynamically), which the test build's packages need in the install test.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Plugins that no program links, so that dpkg-shlibdeps cannot see them.
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "libqt6sql6-sqlite")
set(CPACK_DEBIAN_BUILDER_PACKAGE_DEPENDS "libqt6sql6-sqlite, qt6-qpa-plugins")

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME lifeline-server)
set(CPACK_DEBIAN_SERVER_DESCRIPTION "Lifeline cluster service, WebManager and commands
lifelined, the keepalive supervisor, lifeline-webmgr, the clp* commands, systemd units
(lifeline-keepalive, lifeline, lifeline-webmgr) and manual pages. Removal is refused while
lifelined runs; purge deletes /etc/lifeline, /var/lib/lifeline and /var/log/lifeline.")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
  "${CMAKE_CURRENT_LIST_DIR}/debian/postinst;${CMAKE_CURRENT_LIST_DIR}/debian/prerm;${CMAKE_CURRENT_LIST_DIR}/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_BUILDER_PACKAGE_NAME lifeline-builder)
set(CPACK_DEBIAN_BUILDER_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_BUILDER_DESCRIPTION "Lifeline Builder (clpbuilder)
The Qt Builder that makes and edits a Lifeline cluster configuration.")

include(CPack)
