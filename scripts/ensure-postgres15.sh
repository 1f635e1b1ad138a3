#!/usr/bin/env bash
# The database tests run a second time on Debian's PostgreSQL 15 (and the replica test streams
# from one PostgreSQL 15 to another, pg_basebackup making the copy). Installs the server when it
# is missing and this machine can (root with apt-get), without the package's default cluster;
# otherwise says what to do.
set -euo pipefail
if [ -x /usr/lib/postgresql/15/bin/pg_ctl ] && [ -x /usr/lib/postgresql/15/bin/pg_basebackup ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's PostgreSQL 15 for the database tests…"
  mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main-cluster.conf
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
  exit 0
fi
echo "The database tests need PostgreSQL 15's server binaries in /usr/lib/postgresql/15/bin: install Debian's 'postgresql-15' package." >&2
exit 1
