#!/bin/sh
# Makes sure the tests can start a ZooKeeper (rxzk/testing runs it as child JVMs).
# Quiet and idempotent: does nothing when ZooKeeper (and kazoo, and Curator) are already usable.
# The suite also reads rxzk's ACLs back with kazoo, the Python client, so
# python3-kazoo is installed too; RXZK_INSTALL_KAZOO=0 leaves it out.
# The recipe interop tests (spec/interop) run Apache Curator's recipes against rxzk's, so
# libcurator-recipes-java and libcurator-discovery-java are installed too, and a JDK when javac
# is missing (the tests compile their Curator peer); RXZK_INSTALL_CURATOR=0 leaves them out.
set -eu

want_kazoo() {
  [ "${RXZK_INSTALL_KAZOO:-1}" = "1" ] && ! /usr/bin/python3 -c 'import kazoo' >/dev/null 2>&1
}

want_curator() {
  [ "${RXZK_INSTALL_CURATOR:-1}" = "1" ] && { [ ! -f /usr/share/java/curator-recipes.jar ] || [ ! -f /usr/share/java/curator-x-discovery.jar ]; }
}

want_javac() {
  [ "${RXZK_INSTALL_CURATOR:-1}" = "1" ] && ! command -v javac >/dev/null 2>&1 && { [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/javac" ]; }
}

have_zookeeper() {
  [ -n "${ZOOKEEPER_CONNECT:-}" ] || [ -n "${ZOOKEEPER_HOME:-}" ] || [ -f /usr/share/java/zookeeper.jar ]
}

if have_zookeeper && ! want_kazoo && ! want_curator && ! want_javac; then
  exit 0
fi

debian_like=no
if [ -r /etc/os-release ]; then
  # ID=debian / ID=ubuntu, or ID_LIKE naming either.
  if grep -Eq '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release; then
    debian_like=yes
  fi
fi

if [ "$debian_like" = yes ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  packages=""
  have_zookeeper || packages=" zookeeper"
  want_kazoo && packages="$packages python3-kazoo"
  want_curator && packages="$packages libcurator-recipes-java libcurator-discovery-java"
  want_javac && packages="$packages default-jdk-headless"
  echo "rxzk: installing Debian's${packages} package(s) (apt-get) for the tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2086 # the package list is meant to split
  apt-get install -y -qq --no-install-recommends $packages >/dev/null
  exit 0
fi

if ! have_zookeeper; then
  cat <<'MSG'
rxzk: no ZooKeeper found for the integration tests. Any one of these works:
  - Debian/Ubuntu: sudo apt-get install zookeeper   (needs a Java runtime, which it pulls in)
  - an Apache ZooKeeper release unpacked anywhere: export ZOOKEEPER_HOME=/path/to/apache-zookeeper-3.8.x-bin
  - an existing ensemble: export ZOOKEEPER_CONNECT=host:2181
  - a running Docker engine (rxzk/testing then uses testcontainers)
MSG
fi
if want_kazoo; then
  echo "rxzk: kazoo (for the ACL cross-checks) could not be installed here: apt-get install python3-kazoo as root, or set RXZK_INSTALL_KAZOO=0 to skip installing it"
fi
if want_curator || want_javac; then
  echo "rxzk: Apache Curator (for the recipe interop tests) could not be installed here: apt-get install libcurator-recipes-java libcurator-discovery-java default-jdk-headless as root, or set RXZK_INSTALL_CURATOR=0 to skip installing it"
fi
exit 0
