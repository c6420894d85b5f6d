#!/usr/bin/env bash
# Makes the secrets an overlay's secretGenerator reads, in overlays/OVERLAY/secrets/ (git-ignored, owner-only):
# the token signing key, the key-ring certificate, the portal client secret, an operator API client, the RabbitMQ
# user and one PostgreSQL user and password per service. Existing files are kept (run it again after adding one).
# Usage: deploy/k8s/make-secrets.sh trial|production [K8S_DIR]
set -euo pipefail
overlay="${1:?usage: make-secrets.sh trial|production [K8S_DIR]}"
k8s="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
case "$overlay" in
  trial) db_host() { echo postgres; } ;;
  production) db_host() { echo "referralhub-$1-db-rw"; } ;;
  *) echo "make-secrets: unknown overlay '$overlay' (trial or production)" >&2; exit 2 ;;
esac
command -v openssl >/dev/null || { echo "make-secrets: openssl not found (apt-get install -y openssl)" >&2; exit 1; }
dir="$k8s/overlays/$overlay/secrets"
umask 077
mkdir -p "$dir"
random() { openssl rand -hex 24; }
made() { [[ -s "$dir/$1" ]] && return 0; echo "made $dir/$1"; return 1; }

made signing.pem || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/signing.pem" 2>/dev/null
made keyring.crt || openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=referralhub key ring" \
  -keyout "$dir/keyring.key" -out "$dir/keyring.crt" 2>/dev/null
made portal-client.env || echo "secret=$(random)" > "$dir/portal-client.env"
# API clients the gateway registers at start (docs/security.md); add your agencies' clients here.
made api-clients.env || cat > "$dir/api-clients.env" <<CLIENTS
Auth__Clients__0__ClientId=hub-operators
Auth__Clients__0__ClientSecret=$(random)
Auth__Clients__0__DisplayName=Hub operators
Auth__Clients__0__Agency=hub
Auth__Clients__0__Roles__0=operator
CLIENTS
if ! made rabbitmq.env; then
  password=$(random)
  printf 'username=referralhub\npassword=%s\nuri=amqp://referralhub:%s@%s:5672/\n' "$password" "$password" rabbitmq > "$dir/rabbitmq.env"
fi
for service in gateway directory consent referrals transfers portal; do
  made "$service-db.env" && continue
  password=$(random)
  printf 'username=%s\npassword=%s\nconnection-string=Host=%s;Port=5432;Database=referralhub_%s;Username=%s;Password=%s\n' \
    "$service" "$password" "$(db_host "$service")" "$service" "$service" "$password" > "$dir/$service-db.env"
done
if [[ "$overlay" == trial ]] && ! made postgres.env; then
  { echo "POSTGRES_PASSWORD=$(random)"
    for service in gateway directory consent referrals transfers portal; do
      echo "DB_PASSWORD_${service^^}=$(sed -n 's/^password=//p' "$dir/$service-db.env")"
    done; } > "$dir/postgres.env"
fi
