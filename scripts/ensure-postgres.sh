#!/usr/bin/env bash
# Makes sure a PostgreSQL server accepts trust connections from user `postgres` on
# 127.0.0.1:5432: installs it from Debian's packages when absent, then starts it.
set -euo pipefail

up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

if up; then echo "PostgreSQL is up"; exit 0; fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian's packages"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q postgresql
fi

version=$(ls /etc/postgresql | sort -V | tail -n 1)
conf=/etc/postgresql/$version/main
# Trust local TCP connections (a throwaway test server; nothing listens beyond loopback).
if ! grep -q "twenty-tests" "$conf/pg_hba.conf"; then
  $sudo sed -i '1i host all all 127.0.0.1/32 trust # twenty-tests\nhost all all ::1/128 trust # twenty-tests\nlocal all all trust # twenty-tests' "$conf/pg_hba.conf"
fi
echo "starting PostgreSQL $version"
$sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 30); do
  if up; then echo "PostgreSQL is up"; exit 0; fi
  sleep 1
done
echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2
exit 1
