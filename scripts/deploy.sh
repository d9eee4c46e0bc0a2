#!/usr/bin/env bash
# The one command that provisions a school's Azure resources (infra/main.bicep) and deploys the app to them.
#
#   scripts/deploy.sh <resource-group> [parameters-file]
#
# Needs: the Azure CLI signed in to the school's tenant (az login --tenant <tenant id>) with Owner, or
# Contributor plus User Access Administrator, on the resource group (the template assigns a role); the resource
# group made beforehand; Node and npm. The parameters file defaults to infra/main.parameters.json.
# Running it again is safe: the deployment updates what exists and uploads the app again.
# See infra/README.md.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: scripts/deploy.sh <resource-group> [parameters-file (default infra/main.parameters.json)]" >&2
  exit 2
fi
resource_group="$1"
parameters="${2:-infra/main.parameters.json}"
cd "$(dirname "$0")/.."
deployment=home-visits

fail() {
  echo "deploy: $*" >&2
  exit 1
}

command -v az >/dev/null || fail "the Azure CLI (az) is not installed"
[ -f "$parameters" ] || fail "no parameters file at $parameters"
profile="$(node -p "require('./$parameters').parameters.schoolProfile.value")"
[ -f "$profile" ] || fail "the school profile $profile named in $parameters is not in this checkout"
az account show --query "{subscription: name, tenant: tenantId}" --output table ||
  fail "not signed in: az login --tenant <the school's tenant id>"
az group show --name "$resource_group" --output none ||
  fail "no resource group $resource_group: az group create --name $resource_group --location uksouth"

echo "1/3 Provisioning infra/main.bicep into $resource_group ..."
az deployment group create --resource-group "$resource_group" --name "$deployment" \
  --template-file infra/main.bicep --parameters "@$parameters" --output none
output() {
  az deployment group show --resource-group "$resource_group" --name "$deployment" \
    --query "properties.outputs.$1.value" --output tsv
}
web_app="$(output webAppName)"
bot_app_id="$(output botAppId)"

echo "2/3 Building the app package ..."
npm run package:app

echo "3/3 Deploying it to $web_app ..."
az webapp deploy --resource-group "$resource_group" --name "$web_app" \
  --src-path .deploy/home-visits-app.zip --type zip

cat <<DONE

Deployed. The bot's app id is $bot_app_id.
Left to do once, by hand (infra/README.md, "Once, by hand"):
  MICROSOFT_APP_ID=$bot_app_id npm run package:manifest
  then upload manifest/build/home-visits.zip in the Teams admin centre and install it in the staff team.
DONE
