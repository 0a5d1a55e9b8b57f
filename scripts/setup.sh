#!/usr/bin/env bash
# Shared set-up for ./run and ./test: system packages (when root), a virtual environment, pip packages.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${STATION_VENV:-$ROOT/.venv}
PY=${PYTHON:-python3}
EXTRAS=${1:-}

# System packages the program or its tests need (Debian/Ubuntu names).
# Qt's runtime libraries (offscreen and on a real screen, xcb); poppler-utils reads PDFs back in tests.
SYSTEM_PACKAGES=(
  python3-venv
  libgl1 libegl1 libglib2.0-0 libdbus-1-3 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0
  poppler-utils
  libzbar0
  iproute2  # the mDNS tests put a hub and a desk in two network namespaces (ip netns)
)
# Only for the tests: the live view is checked in a real browser, with Chinese fonts to render it;
# the real window is looked at under Xvfb and a window manager (scripts/xvfb_shots.py); the calling
# screen's voice speaks through espeak-ng (tests/test_speech.py; a site laptop installs it too, docs/ui.md).
case ",$EXTRAS," in
  *,test,*) SYSTEM_PACKAGES+=(chromium chromium-driver fonts-wqy-microhei xvfb openbox espeak-ng) ;;
esac

need_apt=()
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  for pkg in "${SYSTEM_PACKAGES[@]}" ${STATION_EXTRA_APT:-}; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
  done
  # python3-venv is only needed when this python cannot make a venv by itself.
  if "$PY" -c "import ensurepip, venv" 2>/dev/null; then
    need_apt=("${need_apt[@]/python3-venv}")
  fi
  need_apt=($(printf '%s\n' "${need_apt[@]}" | sed '/^$/d'))
  if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: apt-get install ${need_apt[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV" >&2
  "$PY" -m venv "$VENV"
fi

# Reinstall only when the project's requirements changed.
stamp="$VENV/.station-installed${EXTRAS:+-$EXTRAS}"
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python packages${EXTRAS:+ [$EXTRAS]}" >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".${EXTRAS:+[$EXTRAS]}"
  echo "$want" >"$stamp"
fi
