#!/bin/sh
# Makes sure the Kerberos (SASL GSSAPI) tests can run: MIT Kerberos for rxzk/testing's throwaway KDC
# (krb5-kdc, krb5-admin-server; kinit from krb5-user), the GSSAPI headers (libkrb5-dev) and a C++
# toolchain to build the optional peer dependency `kerberos` (mongodb-js' N-API binding), kazoo's
# GSSAPI (python3-kerberos, python3-pure-sasl), and then the binding itself in node_modules, built
# from source against the local Node headers (its prebuilt download needs a network these machines
# do not have). Quiet and idempotent: does nothing when all of it is there already.
# RXZK_INSTALL_KERBEROS=0 skips it all.
set -eu
cd "$(dirname "$0")/.."

# The version the specs run against; the package accepts the range in package.json's peerDependencies.
KERBEROS_VERSION=7.0.0

[ "${RXZK_INSTALL_KERBEROS:-1}" = "1" ] || exit 0

have_mit() {
  for tool in krb5kdc kdb5_util kadmin.local kinit; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || return 1
  done
}
have_headers() { [ -f /usr/include/gssapi/gssapi.h ] || [ -f /usr/include/gssapi.h ]; }
have_toolchain() { command -v g++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1; }
have_kazoo_gssapi() { /usr/bin/python3 -c 'import kerberos, puresasl' >/dev/null 2>&1; }
have_binding() { node -e "require('kerberos')" >/dev/null 2>&1; }

if ! have_mit || ! have_headers || ! have_toolchain || ! have_kazoo_gssapi; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    packages="krb5-kdc krb5-admin-server krb5-user libkrb5-dev python3-kerberos python3-pure-sasl"
    have_toolchain || packages="$packages g++ make"
    echo "rxzk: installing Debian's $packages (apt-get) for the Kerberos tests..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086 # the package list is meant to split
    apt-get install -y -qq --no-install-recommends $packages >/dev/null
  else
    echo "rxzk: the Kerberos tests need MIT Kerberos and its headers: apt-get install krb5-kdc krb5-admin-server krb5-user libkrb5-dev python3-kerberos python3-pure-sasl (as root), or set RXZK_INSTALL_KERBEROS=0"
    exit 0
  fi
fi

if ! have_binding; then
  echo "rxzk: building the optional peer 'kerberos@$KERBEROS_VERSION' from source..."
  # npm will not add a package the project declares as an optional peer without saving it to
  # package.json, so it is installed under node_modules/ in a prefix of its own and linked as
  # node_modules/kerberos (npm ci removes both, and this script puts them back).
  prefix=node_modules/.rxzk-kerberos
  rm -rf "$prefix" node_modules/kerberos
  mkdir -p "$prefix"
  echo '{ "private": true, "description": "the kerberos binding for the GSSAPI specs (scripts/install-kerberos.sh)" }' > "$prefix/package.json"
  set -- --prefix "$prefix" --no-audit --no-fund --no-package-lock
  # Node's own headers, when this Node has them (Debian's and NodeSource's nodejs: /usr/include/node);
  # npm_config_build_from_source skips the prebuilt download, which needs a network these machines lack.
  nodedir="$(dirname "$(dirname "$(command -v node)")")"
  [ -f "$nodedir/include/node/node_api.h" ] && export npm_config_nodedir="$nodedir"
  npm_config_build_from_source=true npm install "$@" "kerberos@$KERBEROS_VERSION" >/dev/null
  ln -s .rxzk-kerberos/node_modules/kerberos node_modules/kerberos
  have_binding || { echo "rxzk: the 'kerberos' binding was built but does not load"; exit 1; }
fi
exit 0
