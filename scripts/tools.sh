#!/usr/bin/env bash
# Installs the pinned command-line tools of tools.versions into .tools/bin (git-ignored):
# Go modules with `go install`, Python tools with pip into a virtual environment of their own.
# A tool already there at its pinned version is skipped, so a second run takes seconds.
# Prints every tool's version. Exits non-zero, naming the tool, when one cannot be installed.
#
#   npm run tools                 every tool
#   bash scripts/tools.sh helm    only the tools named
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
versions=$root/tools.versions
tools=$root/.tools
bin=$tools/bin
stamps=$tools/stamps
mkdir -p "$bin" "$stamps"

fail() {
  printf '  %-11s FAILED: %s\n' "$1" "$2" >&2
  exit 1
}

# How each tool reports its version (first line printed).
version_of() {
  case "$1" in
    helm) "$bin/helm" version --short 2>&1 ;;
    locust) "$bin/locust" --version 2>&1 | cut -d" " -f1-2 ;;
    *) "$bin/$1" --version 2>&1 ;;
  esac | head -n 1
}

install_go() { # name, package, version
  command -v go >/dev/null 2>&1 || fail "$1" "go is not installed (Go 1.24 or newer is needed to build it)"
  # The version goes into the binary the way the tool's own release build puts it.
  local ldflags=""
  case "$1" in
    helm) ldflags="-X helm.sh/helm/v4/internal/version.version=$3" ;;
    stripe-mock) ldflags="-X main.version=$3" ;;
  esac
  GOBIN=$bin GOFLAGS=-trimpath go install -ldflags "$ldflags" "$2@$3" || fail "$1" "go install $2@$3 failed"
}

install_pip() { # name, package, version
  command -v python3 >/dev/null 2>&1 || fail "$1" "python3 is not installed"
  local venv=$tools/venvs/$1
  rm -rf "$venv"
  python3 -m venv "$venv" || fail "$1" "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$2==$3" || fail "$1" "pip install $2==$3 failed"
  ln -sf "$venv/bin/$1" "$bin/$1"
}

start=$SECONDS
echo "tools: pinned in tools.versions, installed in .tools/bin"
while read -r name installer package version; do
  case "$name" in '' | '#'*) continue ;; esac
  if [ "$#" -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
  wanted="$installer $package $version"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamps/$name" 2>/dev/null)" = "$wanted" ]; then
    printf '  %-11s %-10s already installed: %s\n' "$name" "$version" "$(version_of "$name")"
    continue
  fi
  t=$SECONDS
  case "$installer" in
    go) install_go "$name" "$package" "$version" ;;
    pip) install_pip "$name" "$package" "$version" ;;
    *) fail "$name" "unknown installer '$installer' in tools.versions" ;;
  esac
  reported=$(version_of "$name") || fail "$name" "installed, but '$name' does not run: $reported"
  echo "$wanted" >"$stamps/$name"
  printf '  %-11s %-10s installed in %ss: %s\n' "$name" "$version" "$((SECONDS - t))" "$reported"
done <"$versions"
echo "tools: ready in $((SECONDS - start))s (add .tools/bin to PATH, or run them from there)"
