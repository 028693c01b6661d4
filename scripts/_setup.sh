# Sourced by demo.sh and test.sh (the README's two commands): the steps both take.

# A virtualenv in .venv with an up-to-date pip.
make_venv() {
  local python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
  if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --upgrade pip
}

# apt_install WARNING PACKAGE…: install Debian packages when running as root or with sudo;
# if that fails, print WARNING (what will not work) and go on.
apt_install() {
  local warning="$1"
  shift
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "$sudo" ] || command -v sudo >/dev/null 2>&1; then
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null \
      || echo "$warning" >&2
  fi
}

# WeasyPrint (the PDF reports) needs Pango from Debian.
install_pango() {
  if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then
    apt_install "Pango could not be installed: PDF reports will not work." \
      libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
  fi
}
