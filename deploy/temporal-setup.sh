#!/bin/sh
# Temporal on PostgreSQL, made ready for the MES (docker-compose.yml `temporal-setup`; the cluster profile does the
# same in stack/temporal-cluster/). Every step is idempotent: it runs at every start, and after a server upgrade
# update-schema migrates. The search attributes are the workflows' (workflows/search-attributes.ts); a unit test
# holds this list to them.
set -eu
tool() { temporal-sql-tool --plugin "$SQL_PLUGIN" --ep "$SQL_HOST" -p "$SQL_PORT" -u "$SQL_USER" --pw "$SQL_PASSWORD" "$@"; }
for db in temporal temporal_visibility; do
  kind=$([ "$db" = temporal ] && echo temporal || echo visibility)
  # setup-schema -v 0.0 creates the version table once; it fails harmlessly when it exists.
  tool --db "$db" setup-schema -v 0.0 2>/dev/null || true
  tool --db "$db" update-schema -d "/etc/temporal/schema/postgresql/v12/$kind/versioned"
done
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do sleep 2; done
temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n default >/dev/null 2>&1 ||
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n default --retention 720h
# Closed runs are kept 30 days (720 h), as `npm start` sets (stack/temporal.ts).
temporal operator namespace update --address "$TEMPORAL_ADDRESS" -n default --retention 720h
for attr in ErpOrderId=Keyword Site=Keyword Line=Keyword Material=Keyword OrderStatus=Keyword QualityHold=Bool; do
  temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" -n default --name "${attr%%=*}" --type "${attr##*=}" 2>/dev/null || true
done
