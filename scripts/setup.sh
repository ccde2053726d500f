#!/usr/bin/env bash
# Installs what k8s-worker needs to build and test on Debian 12: the C libraries it links (librdkafka,
# libcurl, libsystemd) and the tools the tests use (unshare from util-linux, kcat, systemd-analyze, nghttpx from
# nghttp2-proxy in front of the API simulator for HTTP/2, python3-venv for the container lint, which installs its
# own tools from PyPI), valgrind for the benchmark's instruction count, and libsasl2-modules (which libsasl2-2, a
# dependency of librdkafka, only recommends) for the test that Cyrus SASL's plugins are loaded only for GSSAPI.
# Swift 6.3 itself must already be on PATH.
set -euo pipefail
packages=(librdkafka-dev libsasl2-modules libcurl4-openssl-dev libsystemd-dev libssl-dev pkg-config openssl dash busybox util-linux procps kcat nghttp2-proxy systemd make python3 python3-venv valgrind)
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
command -v swift >/dev/null || { echo "setup: swift 6.3 is not on PATH" >&2; exit 1; }
