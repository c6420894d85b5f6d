#!/usr/bin/env bash
# ReferralHub, distributed, on one machine, without Docker: a local RabbitMQ node and a local PostgreSQL cluster in a
# working directory, then every service as its own process (gateway first). Stays in the foreground until Ctrl+C or
# SIGTERM, then stops the services and both servers. `--check` starts everything, verifies it, stops it and exits 0/1.
#
# Usage: deploy/run-distributed.sh [options]        (see --help; deploy/README.md)
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# ---- defaults (environment first, flags override) ------------------------------------------------------------------
WORK_DIR="${REFERRALHUB_RUN_DIR:-$ROOT/deploy/.run}"
CONFIGURATION="${REFERRALHUB_CONFIGURATION:-Debug}"
ENVIRONMENT="${REFERRALHUB_ENVIRONMENT:-Production}"
GATEWAY_TLS_PORT="${REFERRALHUB_GATEWAY_TLS_PORT:-}"
GATEWAY_PORT="${REFERRALHUB_GATEWAY_PORT:-5080}"
BASE_PORT="${REFERRALHUB_BASE_PORT:-5081}"
RABBITMQ_PORT="${REFERRALHUB_RABBITMQ_PORT:-5672}"
POSTGRES_PORT="${REFERRALHUB_POSTGRES_PORT:-5432}"
START_TIMEOUT="${REFERRALHUB_START_TIMEOUT:-120}"
REPLICAS="${REFERRALHUB_REPLICAS:-1}"
BUILD=1
CHECK=0
FAST_POSTGRES=0

usage() {
  cat <<EOF
Usage: deploy/run-distributed.sh [options]

Starts RabbitMQ and PostgreSQL from the machine's binaries, then the gateway and every service as separate processes.

  --dir DIR              working directory for servers, data and logs   (default deploy/.run; env REFERRALHUB_RUN_DIR)
  --configuration C      build configuration of the service dlls        (default Debug; env REFERRALHUB_CONFIGURATION)
  --environment E        ASPNETCORE_ENVIRONMENT of every service        (default Production; env REFERRALHUB_ENVIRONMENT)
                         (Production: safe settings made in DIR/secrets, see deploy/README.md;
                          Development: the demo API clients and users, http only)
  --gateway-tls-port P   the gateway's https port, the token authority   (default gateway port + 363; outside Development)
  --gateway-port P       gateway port                                   (default 5080; env REFERRALHUB_GATEWAY_PORT)
  --base-port P          directory=P, consent=P+1, referrals=P+2, transfers=P+3, portal=P+4, fhir=P+5
                         (replica r of each service: the same plus 6*(r-1))
                                                                        (default 5081; env REFERRALHUB_BASE_PORT)
  --replicas N           processes per service behind the gateway (one gateway); a replica that exits is
                         started again                                  (default 1; env REFERRALHUB_REPLICAS)
  --rabbitmq-port P      AMQP port; P+1 is the node's distribution port (default 5672; env REFERRALHUB_RABBITMQ_PORT)
  --postgres-port P      PostgreSQL port                                (default 5432; env REFERRALHUB_POSTGRES_PORT)
  --start-timeout S      seconds to wait for each /health               (default 120; env REFERRALHUB_START_TIMEOUT)
  --no-build             do not run 'dotnet build ReferralHub.sln' first
  --fast-postgres        PostgreSQL with fsync=off (throwaway data only; --check uses it)
  --check                start everything, verify health, tokens and messaging, stop everything; exit 0 or 1
  -h, --help             this text
EOF
}

need_value() { [[ $# -ge 2 && -n "$2" ]] || { echo "run-distributed: $1 needs a value" >&2; exit 2; }; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) need_value "$@"; WORK_DIR="$2"; shift 2 ;;
    --configuration|-c) need_value "$@"; CONFIGURATION="$2"; shift 2 ;;
    --environment) need_value "$@"; ENVIRONMENT="$2"; shift 2 ;;
    --gateway-port) need_value "$@"; GATEWAY_PORT="$2"; shift 2 ;;
    --gateway-tls-port) need_value "$@"; GATEWAY_TLS_PORT="$2"; shift 2 ;;
    --base-port) need_value "$@"; BASE_PORT="$2"; shift 2 ;;
    --rabbitmq-port) need_value "$@"; RABBITMQ_PORT="$2"; shift 2 ;;
    --postgres-port) need_value "$@"; POSTGRES_PORT="$2"; shift 2 ;;
    --start-timeout) need_value "$@"; START_TIMEOUT="$2"; shift 2 ;;
    --replicas) need_value "$@"; REPLICAS="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --fast-postgres) FAST_POSTGRES=1; shift ;;
    --check) CHECK=1; FAST_POSTGRES=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-distributed: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

for value in "$GATEWAY_PORT" "$BASE_PORT" "$RABBITMQ_PORT" "$POSTGRES_PORT" "$START_TIMEOUT" "$REPLICAS"; do
  [[ "$value" =~ ^[0-9]+$ ]] || { echo "run-distributed: '$value' is not a number" >&2; exit 2; }
done
(( REPLICAS >= 1 && REPLICAS <= 8 )) || { echo "run-distributed: --replicas must be 1..8" >&2; exit 2; }

# ---- layout ----------------------------------------------------------------------------------------------------------
mkdir -p "$WORK_DIR"
WORK_DIR="$(cd "$WORK_DIR" && pwd)"
LOG_DIR="$WORK_DIR/logs"
DATA_DIR="$WORK_DIR/data"
RMQ_DIR="$WORK_DIR/rabbitmq"
PG_DIR="$WORK_DIR/postgres"
mkdir -p "$LOG_DIR" "$DATA_DIR" "$RMQ_DIR" "$PG_DIR"
# The rabbitmq and postgres users must be able to reach their folders (mktemp -d makes 0700 directories).
chmod a+rx "$WORK_DIR"

SERVICES=(gateway directory consent referrals transfers portal fhir)
BEHIND_GATEWAY=(directory consent referrals transfers portal fhir)
declare -A PROJECT=([gateway]=ReferralHub.Gateway [directory]=ReferralHub.Directory [consent]=ReferralHub.Consent
                    [referrals]=ReferralHub.Referrals [transfers]=ReferralHub.Transfers [portal]=ReferralHub.Portal
                    [fhir]=ReferralHub.Fhir)
# An instance is one process: "referrals" is replica 1, "referrals-2" replica 2, ... The gateway runs once.
declare -A PORT=([gateway]=$GATEWAY_PORT)
declare -A SERVICE_OF=([gateway]=gateway)
INSTANCES=(gateway)
FIRST_REPLICAS=()
LATER_REPLICAS=()
for (( r=1; r<=REPLICAS; r++ )); do
  i=0
  for name in "${BEHIND_GATEWAY[@]}"; do
    instance="$name"; (( r > 1 )) && instance="$name-$r"
    PORT[$instance]=$((BASE_PORT + 6 * (r - 1) + i)); SERVICE_OF[$instance]=$name; i=$((i + 1))
    INSTANCES+=("$instance")
    if (( r == 1 )); then FIRST_REPLICAS+=("$instance"); else LATER_REPLICAS+=("$instance"); fi
  done
done
declare -A PID=()
# addresses NAME -> comma-separated URLs of every replica of a service (the gateway balances over them)
addresses() {
  local name="$1" list="" instance
  for instance in "${INSTANCES[@]}"; do
    [[ "${SERVICE_OF[$instance]}" == "$name" ]] && list="${list:+$list,}http://127.0.0.1:${PORT[$instance]}"
  done
  echo "$list"
}

GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT"
AMQP_URI="amqp://guest:guest@127.0.0.1:$RABBITMQ_PORT/"
PG_CONNECTION="Host=127.0.0.1;Port=$POSTGRES_PORT;Username=postgres"
RMQ_NODE="rmq$RABBITMQ_PORT@localhost"

log() { printf '[run-distributed %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
fail() { log "ERROR: $*" >&2; exit 1; }

AS_ROOT=0
[[ "$(id -u)" == 0 ]] && AS_ROOT=1

# As root, run a command as another user (initdb and postgres refuse root; rabbitmq-server switches by itself).
as_user() {
  local user="$1"; shift
  if [[ $AS_ROOT == 1 ]]; then (cd / && runuser -u "$user" -- "$@"); else "$@"; fi
}

find_tool() {
  local name="$1"; shift
  local found
  found="$(command -v "$name" 2>/dev/null || true)"
  if [[ -z "$found" ]]; then
    for dir in "$@"; do
      if [[ -x "$dir/$name" ]]; then found="$dir/$name"; break; fi
    done
  fi
  echo "$found"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

tail_log() {
  local file="$1"
  if [[ -f "$file" ]]; then
    echo "---- last lines of $file ----" >&2
    tail -n 40 "$file" >&2 || true
    echo "----" >&2
  fi
}

# ---- tools ------------------------------------------------------------------------------------------------------------
RABBITMQ_SERVER="$(find_tool rabbitmq-server /usr/sbin /usr/lib/rabbitmq/bin)"
RABBITMQCTL="$(find_tool rabbitmqctl /usr/sbin /usr/lib/rabbitmq/bin)"
# Without root the Debian wrapper in /usr/sbin refuses to run; the real scripts are in /usr/lib/rabbitmq/bin.
if [[ $AS_ROOT == 0 && -x /usr/lib/rabbitmq/bin/rabbitmq-server ]]; then
  RABBITMQ_SERVER=/usr/lib/rabbitmq/bin/rabbitmq-server
  RABBITMQCTL=/usr/lib/rabbitmq/bin/rabbitmqctl
fi
PG_VERSION_DIRS=(/usr/lib/postgresql/*/bin)
INITDB="$(find_tool initdb "${PG_VERSION_DIRS[@]}")"
PG_CTL="$(find_tool pg_ctl "${PG_VERSION_DIRS[@]}")"
[[ -n "$RABBITMQ_SERVER" && -n "$RABBITMQCTL" ]] || fail "rabbitmq-server not found: apt-get install -y rabbitmq-server"
[[ -n "$INITDB" && -n "$PG_CTL" ]] || fail "initdb/pg_ctl not found: apt-get install -y postgresql"
command -v curl >/dev/null || fail "curl not found: apt-get install -y curl"
command -v dotnet >/dev/null || fail "dotnet not found: install the .NET 10 SDK"
if [[ $AS_ROOT == 1 ]]; then
  command -v runuser >/dev/null || fail "running as root needs runuser (util-linux) to start PostgreSQL as the postgres user"
  id rabbitmq >/dev/null 2>&1 || fail "no 'rabbitmq' user: apt-get install -y rabbitmq-server"
  id postgres >/dev/null 2>&1 || fail "no 'postgres' user: apt-get install -y postgresql (or: useradd -r postgres)"
fi

# ---- stopping (trap) ----------------------------------------------------------------------------------------------
RMQ_STARTED=0
PG_STARTED=0
CLEANED=0

rmq_env() {
  env RABBITMQ_NODENAME="$RMQ_NODE" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$RABBITMQ_PORT" \
    RABBITMQ_DIST_PORT=$((RABBITMQ_PORT + 1)) RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia" RABBITMQ_LOG_BASE="$RMQ_DIR/log" \
    RABBITMQ_PID_FILE="$RMQ_DIR/pid" RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins" ERL_EPMD_ADDRESS=127.0.0.1 \
    "$@"
}

stop_services() {
  local name pid deadline
  # Reverse order: the others first, the gateway (their token authority) last.
  for (( idx=${#INSTANCES[@]}-1; idx>=0; idx-- )); do
    name="${INSTANCES[idx]}"
    pid="${PID[$name]:-}"
    [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null || true
  done
  deadline=$((SECONDS + 20))
  for name in "${INSTANCES[@]}"; do
    pid="${PID[$name]:-}"
    [[ -z "$pid" ]] && continue
    while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) did not stop within 20 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    unset "PID[$name]"
  done
}

stop_rabbitmq() {
  [[ -f "$RMQ_DIR/pid" ]] || return 0
  local pid
  pid="$(tr -dc '0-9' < "$RMQ_DIR/pid" 2>/dev/null || true)"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    rmq_env timeout 60 "$RABBITMQCTL" -q -n "$RMQ_NODE" stop "$RMQ_DIR/pid" >>"$LOG_DIR/rabbitmq-ctl.log" 2>&1 \
      || { log "rabbitmqctl stop failed; killing the node (pid $pid)"; kill -KILL "$pid" 2>/dev/null || true; }
  fi
  rm -f "$RMQ_DIR/pid"
}

stop_postgres() {
  [[ -f "$PG_DIR/data/postmaster.pid" ]] || return 0
  as_user postgres "$PG_CTL" -D "$PG_DIR/data" -m fast -w -t 30 stop >>"$LOG_DIR/postgres-ctl.log" 2>&1 || {
    local pid
    pid="$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || true)"
    log "pg_ctl stop failed; killing the postmaster ($pid)"
    [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
  }
}

cleanup() {
  local status=$?
  [[ $CLEANED == 1 ]] && return
  CLEANED=1
  trap '' INT TERM
  if (( ${#PID[@]} > 0 )) || [[ $RMQ_STARTED == 1 || $PG_STARTED == 1 ]]; then log "stopping ..."; fi
  stop_services
  [[ $RMQ_STARTED == 1 ]] && stop_rabbitmq
  [[ $PG_STARTED == 1 ]] && stop_postgres
  if [[ $RMQ_STARTED == 1 || $PG_STARTED == 1 ]]; then log "stopped (logs in $LOG_DIR)"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- preflight ----------------------------------------------------------------------------------------------------
for name in "${SERVICES[@]}"; do
  dll="$ROOT/services/${PROJECT[$name]}/bin/$CONFIGURATION/net10.0/${PROJECT[$name]}.dll"
  if [[ $BUILD == 0 && ! -f "$dll" ]]; then
    fail "$dll is missing: build first (dotnet build ReferralHub.sln -c $CONFIGURATION) or drop --no-build"
  fi
done

# Leftovers of a run that was killed (SIGKILL, power loss) in this working directory: stop them first.
if [[ -f "$RMQ_DIR/pid" ]] && kill -0 "$(tr -dc '0-9' < "$RMQ_DIR/pid")" 2>/dev/null; then
  log "a RabbitMQ node of an earlier run is still up in $RMQ_DIR; stopping it"
  stop_rabbitmq
fi
if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
  if as_user postgres "$PG_CTL" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    log "a PostgreSQL server of an earlier run is still up in $PG_DIR; stopping it"
  fi
  stop_postgres
fi

for port in "$RABBITMQ_PORT" $((RABBITMQ_PORT + 1)) "$POSTGRES_PORT" "${PORT[@]}"; do
  if port_in_use "$port"; then
    fail "127.0.0.1:$port is already in use (see --help for the port options)"
  fi
done

if [[ $BUILD == 1 ]]; then
  log "dotnet build ReferralHub.sln -c $CONFIGURATION"
  dotnet build "$ROOT/ReferralHub.sln" -c "$CONFIGURATION" -nologo -v q >"$LOG_DIR/build.log" 2>&1 || { tail_log "$LOG_DIR/build.log"; fail "build failed"; }
fi

STARTED_AT=$SECONDS

# ---- servers (in parallel: RabbitMQ takes ~7 s, PostgreSQL ~2 s) -----------------------------------------------------
start_rabbitmq() {
  [[ -f "$RMQ_DIR/enabled_plugins" ]] || echo "[]." > "$RMQ_DIR/enabled_plugins"
  mkdir -p "$RMQ_DIR/mnesia" "$RMQ_DIR/log"
  [[ $AS_ROOT == 1 ]] && chown -R rabbitmq:rabbitmq "$RMQ_DIR"
  # The wrapper changes to /var/lib/rabbitmq and, as root, switches to the rabbitmq user (environment kept).
  rmq_env "$RABBITMQ_SERVER" -detached >"$LOG_DIR/rabbitmq-start.log" 2>&1 || return 1
  rmq_env "$RABBITMQCTL" -q -n "$RMQ_NODE" wait "$RMQ_DIR/pid" --timeout "$START_TIMEOUT" >>"$LOG_DIR/rabbitmq-start.log" 2>&1
}

start_postgres() {
  [[ $AS_ROOT == 1 ]] && chown postgres "$PG_DIR"
  if [[ ! -f "$PG_DIR/data/PG_VERSION" ]]; then
    rm -rf "$PG_DIR/data"
    as_user postgres "$INITDB" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 >"$LOG_DIR/postgres-initdb.log" 2>&1 || return 1
  fi
  local options="-p $POSTGRES_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200"
  [[ $FAST_POSTGRES == 1 ]] && options="$options -c fsync=off"
  as_user postgres "$PG_CTL" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t "$START_TIMEOUT" start -o "$options" \
    >"$LOG_DIR/postgres-start.log" 2>&1
}

log "starting RabbitMQ (127.0.0.1:$RABBITMQ_PORT) and PostgreSQL (127.0.0.1:$POSTGRES_PORT) in $WORK_DIR"
RMQ_STARTED=1   # from here on the trap stops whatever came up
start_rabbitmq &
rmq_job=$!
PG_STARTED=1
pg_status=0
start_postgres || pg_status=$?
rmq_status=0
wait "$rmq_job" || rmq_status=$?
if [[ $pg_status != 0 ]]; then
  tail_log "$LOG_DIR/postgres-initdb.log"; tail_log "$LOG_DIR/postgres-start.log"; tail_log "$PG_DIR/postgres.log"
  fail "PostgreSQL did not start"
fi
if [[ $rmq_status != 0 ]]; then
  tail_log "$LOG_DIR/rabbitmq-start.log"
  for f in "$RMQ_DIR"/log/*.log; do tail_log "$f"; done
  fail "RabbitMQ did not start"
fi
log "servers ready after $((SECONDS - STARTED_AT)) s"

# ---- production posture (docs/operations.md, "Production posture") --------------------------------------------------
# Outside Development every service refuses to start without an https token authority, a configured signing key, a
# key ring outside its data folder encrypted with a certificate, and non-demo secrets. For a run on this machine they
# are made once in DIR/secrets (kept across runs, owner-only): a self-signed TLS certificate for the gateway's https
# port (the services trust it through SSL_CERT_FILE, curl through CURL_CA_BUNDLE), the token signing key, the key-ring
# certificate, and random secrets for the API clients --check uses (agency-a-system, ops-system).
SECRETS_DIR="$WORK_DIR/secrets"
AUTHORITY_URL="$GATEWAY_URL"
AGENCY_A_SECRET=agency-a-secret
OPS_SECRET=ops-secret
POSTURE_COMMON=()
if [[ "$ENVIRONMENT" != Development ]]; then
  command -v openssl >/dev/null || fail "openssl not found: apt-get install -y openssl (it makes the local certificates)"
  GATEWAY_TLS_PORT="${GATEWAY_TLS_PORT:-$((GATEWAY_PORT + 363))}"
  [[ "$GATEWAY_TLS_PORT" =~ ^[0-9]+$ ]] || fail "'$GATEWAY_TLS_PORT' is not a number"
  port_in_use "$GATEWAY_TLS_PORT" && fail "127.0.0.1:$GATEWAY_TLS_PORT is already in use (--gateway-tls-port)"
  AUTHORITY_URL="https://127.0.0.1:$GATEWAY_TLS_PORT"
  ( umask 077; mkdir -p "$SECRETS_DIR" "$WORK_DIR/keyrings" )
  if [[ ! -f "$SECRETS_DIR/tls.crt" ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=referralhub local gateway" \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$SECRETS_DIR/tls.key" -out "$SECRETS_DIR/tls.crt" 2>/dev/null \
      || fail "openssl could not make the gateway's TLS certificate"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=referralhub key ring" \
      -keyout "$SECRETS_DIR/keyring.key" -out "$SECRETS_DIR/keyring.crt" 2>/dev/null || fail "openssl could not make the key-ring certificate"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$SECRETS_DIR/signing.pem" 2>/dev/null \
      || fail "openssl could not make the signing key"
    printf 'AGENCY_A_SECRET=%s\nOPS_SECRET=%s\n' "$(openssl rand -hex 24)" "$(openssl rand -hex 24)" > "$SECRETS_DIR/clients.env"
    chmod 600 "$SECRETS_DIR"/*
  fi
  # The machine's trusted roots plus the local gateway certificate.
  cat /etc/ssl/certs/ca-certificates.crt "$SECRETS_DIR/tls.crt" > "$SECRETS_DIR/trust.pem" 2>/dev/null || cp "$SECRETS_DIR/tls.crt" "$SECRETS_DIR/trust.pem"
  export CURL_CA_BUNDLE="$SECRETS_DIR/trust.pem"
  # shellcheck disable=SC1091
  source "$SECRETS_DIR/clients.env"
  POSTURE_COMMON=("SSL_CERT_FILE=$SECRETS_DIR/trust.pem"
                  "Protection__CertificatePem=$(cat "$SECRETS_DIR/keyring.crt")"
                  "Protection__CertificateKeyPem=$(cat "$SECRETS_DIR/keyring.key")")
fi

# Appends the Production settings of one service to its `extra` environment (called by start_service).
posture_env() {
  local name="$1"
  [[ "$ENVIRONMENT" == Development ]] && return 0
  extra+=("${POSTURE_COMMON[@]}" "Protection__KeyRingDirectory=$WORK_DIR/keyrings/$name")
  if [[ "$name" == gateway ]]; then
    # http on the gateway port (loopback checks, the portal's and FHIR facade's calls), https for the token authority.
    extra+=("Auth__SigningKeyPem=$(cat "$SECRETS_DIR/signing.pem")"
            "Kestrel__Endpoints__Http__Url=http://127.0.0.1:$GATEWAY_PORT"
            "Kestrel__Endpoints__Https__Url=https://127.0.0.1:$GATEWAY_TLS_PORT"
            "Kestrel__Endpoints__Https__Certificate__Path=$SECRETS_DIR/tls.crt"
            "Kestrel__Endpoints__Https__Certificate__KeyPath=$SECRETS_DIR/tls.key"
            "Auth__Clients__0__ClientId=agency-a-system" "Auth__Clients__0__ClientSecret=$AGENCY_A_SECRET"
            "Auth__Clients__0__DisplayName=Agency A (run-distributed)" "Auth__Clients__0__Agency=agency-a"
            "Auth__Clients__0__Roles__0=referrer"
            "Auth__Clients__1__ClientId=ops-system" "Auth__Clients__1__ClientSecret=$OPS_SECRET"
            "Auth__Clients__1__DisplayName=Hub operators (run-distributed)" "Auth__Clients__1__Agency=hub"
            "Auth__Clients__1__Roles__0=operator")
  elif [[ "$name" == directory && $CHECK == 1 ]]; then
    extra+=("Directory__SeedDemoData=true") # --check reads a fictional demo location through the FHIR facade
  fi
}

# ---- services -------------------------------------------------------------------------------------------------------
# The portal's client secret, shared by the gateway (which issues the portal's person tokens) and the portal.
PORTAL_SECRET=$(head -c 32 /dev/urandom | base64 | tr -d '/+=')

start_service() {
  local instance="$1" name="${SERVICE_OF[$1]}" project="${PROJECT[${SERVICE_OF[$1]}]}" port="${PORT[$1]}"
  local bin="$ROOT/services/$project/bin/$CONFIGURATION/net10.0"
  local -a extra=()
  if [[ "$name" == gateway ]]; then
    extra=("Services__directory=$(addresses directory)" "Services__consent=$(addresses consent)"
           "Services__referrals=$(addresses referrals)" "Services__transfers=$(addresses transfers)"
           "Services__portal=$(addresses portal)" "Services__fhir=$(addresses fhir)"
           "Portal__ClientSecret=$PORTAL_SECRET"
           # A replica that is starting or was killed fails its probes; the gateway says so once, not per probe.
           "Logging__LogLevel__Yarp.ReverseProxy.Health=Error")
  elif [[ "$name" == portal ]]; then
    # The portal calls the APIs through the gateway with tokens for the signed-in person (docs/portal.md).
    extra=("Portal__ClientSecret=$PORTAL_SECRET" "Portal__ApiBaseUrl=$GATEWAY_URL/")
  elif [[ "$name" == fhir ]]; then
    # The FHIR facade calls the REST APIs through the gateway with the caller's own token (docs/fhir.md).
    extra=("Fhir__ApiBaseUrl=$GATEWAY_URL/")
  fi
  posture_env "$name"   # Production settings (the "production posture" block above)
  # Replicas of a service share its data folder and key ring (docs/data-protection.md) and its database.
  mkdir -p "$DATA_DIR/$name"
  touch "$LOG_DIR/$instance.log"
  # Content root = the output folder, as for `dotnet X.dll` run in place; data (the gateway's signing key) in the work dir.
  (
    cd "$bin"
    exec env ASPNETCORE_ENVIRONMENT="$ENVIRONMENT" DOTNET_ENVIRONMENT="$ENVIRONMENT" \
      ConnectionStrings__RabbitMq="$AMQP_URI" \
      ConnectionStrings__Postgres="$PG_CONNECTION" \
      Auth__Issuer="$AUTHORITY_URL/" \
      Auth__Authority="$AUTHORITY_URL/" \
      Storage__DataDirectory="$DATA_DIR/$name" \
      "Logging__LogLevel__Microsoft.EntityFrameworkCore=Warning" \
      "Logging__LogLevel__Microsoft.AspNetCore=Warning" \
      "${extra[@]}" \
      dotnet "$bin/$project.dll" --urls "http://127.0.0.1:$port" --referralhub-run "$WORK_DIR"
  ) >>"$LOG_DIR/$instance.log" 2>&1 < /dev/null &
  PID[$instance]=$!
  mkdir -p "$WORK_DIR/pids"
  echo "${PID[$instance]}" > "$WORK_DIR/pids/$instance.pid"
}

wait_healthy() {
  local name="$1" url="http://127.0.0.1:${PORT[$1]}/health" deadline=$((SECONDS + START_TIMEOUT))
  while (( SECONDS < deadline )); do
    if ! kill -0 "${PID[$name]}" 2>/dev/null; then
      tail_log "$LOG_DIR/$name.log"
      fail "$name exited while starting (log: $LOG_DIR/$name.log)"
    fi
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' -m 3 "$url" 2>/dev/null || true)" == 200 ]]; then
      log "$name healthy on :${PORT[$name]} ($((SECONDS - STARTED_AT)) s)"
      return 0
    fi
    sleep 0.5
  done
  tail_log "$LOG_DIR/$name.log"
  fail "$name did not answer 200 on $url within $START_TIMEOUT s"
}

log "starting gateway on :$GATEWAY_PORT"
start_service gateway
wait_healthy gateway
log "starting directory, consent, referrals, transfers, portal, fhir on :${PORT[directory]}-${PORT[fhir]}"
for name in "${FIRST_REPLICAS[@]}"; do start_service "$name"; done
for name in "${FIRST_REPLICAS[@]}"; do wait_healthy "$name"; done
if (( REPLICAS > 1 )); then
  # After the first replicas: the schema, seed data and key rings exist, the others only join.
  log "starting replicas 2..$REPLICAS of each service"
  for name in "${LATER_REPLICAS[@]}"; do start_service "$name"; done
  for name in "${LATER_REPLICAS[@]}"; do wait_healthy "$name"; done
fi
log "all services healthy after $((SECONDS - STARTED_AT)) s"

print_table() {
  echo
  printf '  %-12s %-38s %-8s %s\n' SERVICE URL PID LOG
  for name in "${INSTANCES[@]}"; do
    printf '  %-12s %-38s %-8s %s\n' "$name" "http://127.0.0.1:${PORT[$name]}" "${PID[$name]}" "$LOG_DIR/$name.log"
  done
  printf '  %-12s %-38s %-8s %s\n' rabbitmq "$AMQP_URI" "$(tr -dc '0-9' < "$RMQ_DIR/pid" 2>/dev/null)" "$RMQ_DIR/log/"
  printf '  %-12s %-38s %-8s %s\n' postgres "127.0.0.1:$POSTGRES_PORT (user postgres)" \
    "$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null)" "$PG_DIR/postgres.log"
  echo
  echo "  environment $ENVIRONMENT, configuration $CONFIGURATION, $REPLICAS replica(s) per service, issuer/authority $AUTHORITY_URL/, working dir $WORK_DIR"
  echo
}
print_table

# ---- --check ---------------------------------------------------------------------------------------------------------
if [[ $CHECK == 1 ]]; then
  passed=0
  failed=0
  result() { # PASS|FAIL what detail (the duration of the last request is appended)
    printf '%s  %-24s %s (%s s)\n' "$1" "$2" "$3" "${TOOK:-?}"
    if [[ "$1" == PASS ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  }
  http() { # method url [curl args...] -> sets CODE and BODY
    local method="$1" url="$2"; shift 2
    local out
    out="$(curl -s -m 60 -X "$method" -w $'\n%{http_code} %{time_total}' "$url" "$@" 2>/dev/null || true)"
    local last="${out##*$'\n'}"
    CODE="${last%% *}"
    TOOK="${last#* }"
    BODY="${out%$'\n'*}"
    [[ "$out" == *$'\n'* ]] || { CODE=000; TOOK=""; BODY=""; }
  }
  TOKEN=""
  token_for() { # client secret -> sets TOKEN (empty when refused)
    http POST "$GATEWAY_URL/connect/token" -d grant_type=client_credentials -d "client_id=$1" -d "client_secret=$2"
    TOKEN=""
    if [[ "$CODE" == 200 ]]; then
      TOKEN="$(sed -n 's/.*"access_token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' <<<"$BODY")"
    fi
  }

  echo "check:"
  for name in "${INSTANCES[@]}"; do
    http GET "http://127.0.0.1:${PORT[$name]}/health"
    if [[ "$CODE" == 200 ]]; then result PASS "health $name" "GET :${PORT[$name]}/health -> 200"
    else result FAIL "health $name" "GET :${PORT[$name]}/health -> $CODE"; fi
  done

  token_for agency-a-system "$AGENCY_A_SECRET"
  agency_token="$TOKEN"
  if [[ -n "$agency_token" ]]; then result PASS "token agency-a-system" "POST /connect/token -> 200"
  else result FAIL "token agency-a-system" "POST /connect/token -> $CODE (the check's clients: DIR/secrets/clients.env, or the demo clients in Development)"; fi

  http GET "$GATEWAY_URL/api/v1/me" -H "Authorization: Bearer $agency_token"
  if [[ "$CODE" == 200 && "$BODY" == *'"agency":"agency-a"'* ]]; then result PASS "me via gateway" "GET /api/v1/me -> 200 $BODY"
  else result FAIL "me via gateway" "GET /api/v1/me -> $CODE $BODY"; fi

  # Forwarding: the portal answers the catch-all route through the gateway (502/503/504 would mean it is unreachable).
  http GET "$GATEWAY_URL/" -H "Authorization: Bearer $agency_token"
  if [[ "$CODE" =~ ^(2..|3..|401|403)$ ]]; then result PASS "gateway -> portal" "GET / via gateway -> $CODE"
  else result FAIL "gateway -> portal" "GET / via gateway -> $CODE"; fi

  # FHIR: the CapabilityStatement through the gateway, and a directory read that goes facade -> gateway -> directory.
  http GET "$GATEWAY_URL/fhir/metadata"
  if [[ "$CODE" == 200 && "$BODY" == *'"resourceType":"CapabilityStatement"'* ]]; then result PASS "fhir metadata" "GET /fhir/metadata -> 200"
  else result FAIL "fhir metadata" "GET /fhir/metadata -> $CODE ${BODY:0:300}"; fi
  http GET "$GATEWAY_URL/fhir/Location/demo-camp-1" -H "Authorization: Bearer $agency_token"
  if [[ "$CODE" == 200 && "$BODY" == *'"resourceType":"Location"'* ]]; then result PASS "fhir -> directory" "GET /fhir/Location/demo-camp-1 -> 200"
  else result FAIL "fhir -> directory" "GET /fhir/Location/demo-camp-1 -> $CODE ${BODY:0:300}"; fi

  token_for ops-system "$OPS_SECRET"
  ops_token="$TOKEN"
  if [[ -n "$ops_token" ]]; then result PASS "token ops-system" "POST /connect/token -> 200"
  else result FAIL "token ops-system" "POST /connect/token -> $CODE"; fi

  # Each service validates the gateway's token itself (keys from the authority) and reports its transport.
  for name in "${INSTANCES[@]}"; do
    http GET "http://127.0.0.1:${PORT[$name]}/ops/messaging" -H "Authorization: Bearer $ops_token"
    if [[ "$CODE" == 200 && "$BODY" =~ \"transport\":\"rabbitmq\" ]]; then
      result PASS "messaging $name" "GET :${PORT[$name]}/ops/messaging -> 200 transport rabbitmq, $(grep -o '"bus":"[^"]*"' <<<"$BODY" || true)"
    else
      result FAIL "messaging $name" "GET :${PORT[$name]}/ops/messaging -> $CODE ${BODY:0:300}"
    fi
  done

  # Without a token a service must refuse (401), with a token lacking the role it must forbid (403).
  http GET "http://127.0.0.1:${PORT[referrals]}/ops/messaging"
  if [[ "$CODE" == 401 ]]; then result PASS "no token refused" "GET :${PORT[referrals]}/ops/messaging -> 401"
  else result FAIL "no token refused" "GET :${PORT[referrals]}/ops/messaging -> $CODE"; fi
  http GET "http://127.0.0.1:${PORT[referrals]}/ops/messaging" -H "Authorization: Bearer $agency_token"
  if [[ "$CODE" == 403 ]]; then result PASS "wrong role forbidden" "GET :${PORT[referrals]}/ops/messaging (agency-a) -> 403"
  else result FAIL "wrong role forbidden" "GET :${PORT[referrals]}/ops/messaging (agency-a) -> $CODE"; fi

  # The whole hub as the gateway sees it: every replica of every service.
  http GET "$GATEWAY_URL/health/hub"
  replicas_up="$(grep -o '"status":"Healthy"' <<<"$BODY" | wc -l)"
  if [[ "$CODE" == 200 ]]; then result PASS "hub health" "GET /health/hub -> 200, $((replicas_up - 1)) service processes healthy"
  else result FAIL "hub health" "GET /health/hub -> $CODE ${BODY:0:400}"; fi
  http GET "$GATEWAY_URL/ops/messaging/hub" -H "Authorization: Bearer $ops_token"
  if [[ "$CODE" == 200 && "$(grep -o '"transport":"rabbitmq"' <<<"$BODY" | wc -l)" == $(( ${#INSTANCES[@]} - 1 )) ]]; then
    result PASS "hub messaging" "GET /ops/messaging/hub -> 200, every replica on rabbitmq"
  else result FAIL "hub messaging" "GET /ops/messaging/hub -> $CODE ${BODY:0:400}"; fi

  echo "check: $passed passed, $failed failed ($((SECONDS - STARTED_AT)) s after start)"
  if (( failed > 0 )); then
    for name in "${INSTANCES[@]}"; do
      grep -E '\b(fail|crit|error)\b|Exception' "$LOG_DIR/$name.log" 2>/dev/null | head -n 5 | sed "s/^/  [$name] /" || true
    done
    exit 1
  fi
  exit 0
fi

# ---- foreground ------------------------------------------------------------------------------------------------------
# A process that exits (crash, kill -9) is started again, as a supervisor (Kubernetes, systemd) would; its replicas and
# the broker keep the hub working meanwhile (docs/reliability.md).
log "running; Ctrl+C (or SIGTERM) stops every service and both servers"
while true; do
  for name in "${INSTANCES[@]}"; do
    if ! kill -0 "${PID[$name]}" 2>/dev/null; then
      wait "${PID[$name]}" 2>/dev/null && code=0 || code=$?
      log "$name exited (exit code $code); starting it again"
      start_service "$name"
    fi
  done
  sleep 1 &
  wait $! || true
done
