#!/usr/bin/env bash
# Makes what deploy/compose.yaml reads, once (existing files are kept): deploy/compose.env with random passwords and
# secrets, and in deploy/secrets/ the token signing key and the key-ring certificate (owner-only, git-ignored).
# Usage: deploy/compose-secrets.sh [DEPLOY_DIR] [PUBLIC_URL]
set -euo pipefail
deploy="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
url="${2:-https://hub.example.org/}"
command -v openssl >/dev/null || { echo "compose-secrets: openssl not found (apt-get install -y openssl)" >&2; exit 1; }
umask 077
mkdir -p "$deploy/secrets"
[[ -s "$deploy/secrets/signing.pem" ]] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$deploy/secrets/signing.pem" 2>/dev/null
[[ -s "$deploy/secrets/keyring.crt" ]] || openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=referralhub key ring" \
  -keyout "$deploy/secrets/keyring.key" -out "$deploy/secrets/keyring.crt" 2>/dev/null
if [[ ! -s "$deploy/compose.env" ]]; then
  host="${url#https://}"; host="${host%%[:/]*}"
  printf 'REFERRALHUB_PUBLIC_URL=%s\nREFERRALHUB_PUBLIC_HOST=%s\nPOSTGRES_PASSWORD=%s\nRABBITMQ_PASSWORD=%s\nPORTAL_CLIENT_SECRET=%s\nOPERATOR_CLIENT_SECRET=%s\n' \
    "$url" "$host" "$(openssl rand -hex 24)" "$(openssl rand -hex 24)" "$(openssl rand -hex 24)" "$(openssl rand -hex 24)" > "$deploy/compose.env"
  echo "made $deploy/compose.env (the operator client: hub-operators / OPERATOR_CLIENT_SECRET)"
fi
# The gateway's TLS certificate for the public host: a self-signed one unless you put yours in secrets/tls.crt and
# secrets/tls.key; the services trust secrets/trust.pem (the system roots plus that certificate).
host=$(sed -n 's/^REFERRALHUB_PUBLIC_HOST=//p' "$deploy/compose.env")
[[ -s "$deploy/secrets/tls.crt" ]] || openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=$host" \
  -addext "subjectAltName=DNS:$host" -keyout "$deploy/secrets/tls.key" -out "$deploy/secrets/tls.crt" 2>/dev/null
cat /etc/ssl/certs/ca-certificates.crt "$deploy/secrets/tls.crt" > "$deploy/secrets/trust.pem" 2>/dev/null \
  || cp "$deploy/secrets/tls.crt" "$deploy/secrets/trust.pem"
