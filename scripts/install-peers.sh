#!/usr/bin/env bash
# Installs what `dotnet run --project Bench -c Release -- peers` needs to build its peers:
#   go           Debian's golang-go (the Go runtime the benchmarks compare against)
#   gcc, g++     to build the minimal hand-written switch and the Boost.Context peer
#   boost        libboost-context-dev (boost/context/detail/fcontext.hpp and libboost_context)
#   rsvg-convert librsvg2-bin, optional: only used to check the rendered chart by eye
# Nothing is downloaded outside Debian's package archive. Safe to run again: it installs only what is missing.
# `install-peers.sh go` installs only Go 1.19 (golang-go), which `checker vs-go` and the GoSide tests need.
set -euo pipefail

missing=()
command -v go >/dev/null 2>&1 || [ -x /usr/lib/go-1.19/bin/go ] || missing+=(golang-go)
if [ "${1:-}" = "go" ]; then
  if [ ${#missing[@]} -eq 0 ]; then echo "install-peers: go is already installed"; exit 0; fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-peers: go is missing; run as root: sudo apt-get update && sudo apt-get install -y --no-install-recommends golang-go" >&2
    exit 3
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends golang-go
  exit 0
fi
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
if [ ! -f /usr/include/boost/context/detail/fcontext.hpp ]; then
  missing+=(libboost-context-dev)
fi
if [ "${WITH_RSVG:-0}" = "1" ] && ! command -v rsvg-convert >/dev/null 2>&1; then
  missing+=(librsvg2-bin)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-peers: everything is already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-peers: missing ${missing[*]}; run as root:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 3
fi

echo "install-peers: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
