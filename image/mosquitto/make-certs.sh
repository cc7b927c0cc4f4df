#!/usr/bin/env bash
# Certificates for the tallennin broker (docs/broker.md). Run on the operator's machine, not on
# the broker: the CA key stays here.
#
#   make-certs.sh [-d DIR] [-n BROKER_NAME]... [-D DAYS] [BOX_ID...]
#
# Creates, each only if it does not exist yet (so running it again only adds boxes):
#   DIR/ca.crt, ca.key              the fleet CA. The broker accepts EVERY client certificate this
#                                   CA signs, so use it for this broker and nothing else.
#   DIR/server.crt, server.key      the broker's certificate, SAN = each -n (DNS name or IP)
#   DIR/indexer.crt, indexer.key    the indexer's client certificate, CN = indexer
#   DIR/<box>.crt, <box>.key        one client certificate per BOX_ID, CN = the box id
# Copy ca.crt, server.crt and server.key to /etc/mosquitto/certs/ on the broker; ca.crt plus the
# client's own .crt/.key to the indexer and to each box.
set -euo pipefail

dir=./pki
days=825
names=()
while getopts 'd:n:D:h' opt; do
  case $opt in
    d) dir=$OPTARG ;;
    n) names+=("$OPTARG") ;;
    D) days=$OPTARG ;;
    *) sed -n '2,16p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ ${#names[@]} -gt 0 ] || names=(localhost 127.0.0.1)

# The CN becomes the MQTT username and is put into the ACL's %u: it must be a topic segment
# (src/core/protocol/topics.ts), and "indexer" is the indexer's own identity, never a box's.
for box in "$@"; do
  if ! [[ $box =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]]; then
    echo "make-certs: box id \"$box\" is not a topic segment (lowercase letters, digits and -, at most 63)" >&2; exit 2
  fi
  if [ "$box" = indexer ]; then
    echo "make-certs: \"indexer\" is reserved for the indexer's certificate" >&2; exit 2
  fi
done

mkdir -p "$dir"
umask 077 # keys are readable by their owner only

# EC P-256: small, fast to make and to verify, supported by OpenSSL, mosquitto and Node alike.
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# sign NAME SUBJECT EXTENSIONS: a certificate for NAME.key signed by the CA
sign() {
  local ext
  ext=$(mktemp)
  printf '%s\n' "$3" >"$ext"
  openssl req -new -key "$dir/$1.key" -subj "$2" |
    openssl x509 -req -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days "$days" \
      -sha256 -extfile "$ext" -out "$dir/$1.crt" 2>/dev/null
  rm -f "$ext"
  chmod 644 "$dir/$1.crt"
  echo "made $dir/$1.crt ($2)"
}

if [ ! -f "$dir/ca.key" ]; then
  key "$dir/ca.key"
  openssl req -x509 -new -key "$dir/ca.key" -subj "/O=tallennin/CN=tallennin fleet CA" -days 3650 -sha256 \
    -addext 'basicConstraints=critical,CA:TRUE,pathlen:0' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
    -out "$dir/ca.crt"
  chmod 644 "$dir/ca.crt"
  echo "made $dir/ca.crt"
fi

# Leaf certificates: not CAs; a client certificate is good for TLS client auth only (the broker
# refuses it otherwise) and the server's for server auth only, so neither can stand in for the other.
leaf='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature'

if [ ! -f "$dir/server.crt" ]; then
  san=''
  for n in "${names[@]}"; do
    if [[ $n =~ ^[0-9.]+$ || $n == *:* ]]; then san+="${san:+,}IP:$n"; else san+="${san:+,}DNS:$n"; fi
  done
  key "$dir/server.key"
  sign server "/O=tallennin/CN=${names[0]}" "$leaf
extendedKeyUsage=serverAuth
subjectAltName=$san"
fi

for cn in indexer "$@"; do
  [ -f "$dir/$cn.crt" ] && continue
  key "$dir/$cn.key"
  sign "$cn" "/O=tallennin/CN=$cn" "$leaf
extendedKeyUsage=clientAuth"
done
