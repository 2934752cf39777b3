#!/usr/bin/env bash
# Installs what inflight needs to build and test, and nothing else.
#   scripts/setup.sh          the build and test dependencies
#   scripts/setup.sh --peers  also Python (requests, aiohttp), Node and h2load,
#                             for the benchmark's side-by-side with the original
#                             lesson and its HTTP/2 floor
#   scripts/setup.sh --browser
#                             also headless Chromium, for the dashboard's test
#                             in a real browser (CI asks for it)
# Idempotent: when everything is present it prints nothing and exits 0.
# When it cannot install (not root and no password-less sudo) it prints the
# exact command to run and exits 1.
set -euo pipefail

# Debian / Ubuntu package names, one per need.
debian_packages=(
  g++ cmake ninja-build pkg-config      # toolchain
  libcurl4-openssl-dev                  # the HTTP client every chapter uses
  libevent-dev                          # the events engine of mock_server
  libnghttp2-dev                        # mock_server's HTTP/2 (h2c)
  libpq-dev                             # 04's database case: libpq, non-blocking
  nlohmann-json3-dev                    # JSON: --json output, /stats, traces
  libgtest-dev libgmock-dev             # tests
  libbenchmark-dev                      # benchmarks
  clang-format                          # the format check CI runs
  clang                                 # the clang preset, and mock_server's fuzzer
  libclang-rt-dev                       # the fuzzer's libFuzzer
  libcpp-httplib-dev                    # the peer server of the benchmarks
                                        # (Debian 12: 0.11, Debian 13: 0.18)
)
for option in "$@"; do
  case "$option" in
    --peers) debian_packages+=(python3-requests python3-aiohttp nodejs nghttp2-client) ;;
    # A font, so that the screenshot's text is text (Chromium itself only
    # recommends one).
    --browser) debian_packages+=(chromium chromium-driver python3-selenium
                                 fonts-dejavu-core) ;;
    *) echo "usage: scripts/setup.sh [--peers] [--browser]" >&2
       exit 2 ;;
  esac
done
# Boost (Asio and Beast, header-only) for 04's Asio twin: about 10 MB to
# download, 155 MB installed. Its package carries the version in its name
# (Debian 12: 1.81, Debian 13 and Ubuntu 24.04: 1.83), chosen below from what
# apt can install.
boost_choices=(libboost1.83-dev libboost1.81-dev)
# Linux only: the bundled server and chapter 04 use accept4, eventfd and epoll.
if [[ "$(uname -s)" != "Linux" ]]; then
  echo "setup.sh: inflight builds on Linux only (the bundled server and chapter 04 use" >&2
  echo "  accept4, eventfd and epoll). On $(uname -s), open the repository in its dev" >&2
  echo "  container (.devcontainer; VS Code or GitHub Codespaces) and run the commands there." >&2
  exit 1
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup.sh knows Debian and Ubuntu (apt-get). On another system install:" >&2
  echo "  a C++20 compiler, CMake >= 3.25, Ninja, pkg-config, libcurl, libevent 2.1," >&2
  echo "  nlohmann/json, GoogleTest, Google Benchmark, clang-format" >&2
  exit 1
fi

# Whether apt can install a package: it has a candidate version. (Not
# `apt-cache show`, which exits 0 for a name that other packages only mention,
# as Debian 13's newer Boost packages mention libboost1.81-dev.)
installable() {
  local candidate
  # LC_ALL=C: apt translates "Candidate:" in other languages.
  candidate=$(LC_ALL=C apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')
  [[ -n "$candidate" && "$candidate" != "(none)" ]]
}
# The first Boost package that is installed, or else the first apt can install;
# "" when apt knows none yet (a machine that never ran apt-get update).
choose_boost() {
  local package status
  for package in "${boost_choices[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "installed" ]] && { echo "$package"; return; }
  done
  for package in "${boost_choices[@]}"; do
    installable "$package" && { echo "$package"; return; }
  done
  echo ""
}

missing_packages() {  # what of debian_packages, and Boost, is not installed yet
  local package status boost
  for package in "${debian_packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "installed" ]] || echo "$package"
  done
  boost=$(choose_boost)
  if [[ -z "$boost" ]]; then
    echo "${boost_choices[0]}"  # chosen again once apt's lists are there
  else
    status=$(dpkg-query -W -f='${db:Status-Status}' "$boost" 2>/dev/null || true)
    [[ "$status" == "installed" ]] || echo "$boost"
  fi
}

mapfile -t missing < <(missing_packages)
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "setup: cannot install without root. Run (it chooses the packages your" >&2
  echo "  release has, e.g. its Boost, once apt's lists are read):" >&2
  echo "  sudo $0 $*" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >/dev/null
# A machine that never ran apt-get update knew no package yet: choose again
# now that the lists are there, and name what apt cannot install at all.
mapfile -t missing < <(missing_packages)
[[ ${#missing[@]} -eq 0 ]] && { echo "setup: done" >&2; exit 0; }
for package in "${missing[@]}"; do
  if ! installable "$package"; then
    echo "setup: apt cannot install $package on this system (no candidate in its" \
         "package lists)" >&2
    exit 1
  fi
done
echo "setup: installing ${missing[*]}" >&2
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done" >&2
