// Home Visits for Teams: the Azure resources for one school.
//
// NOT COMPILED HERE: no Bicep compiler could be installed where this was written. It follows the documented
// resource types; run `az bicep build --file infra/main.bicep` before the first deployment (see README.md).
//
// Creates: an App Service plan and a Linux web app (Node 20) with a system-assigned managed identity; a storage
// account for the bot's tables, with "Storage Table Data Contributor" for that identity; an Azure Bot resource
// pointing at the web app, with the Microsoft Teams channel on.
// Does not create: the Entra app registration the bot signs in with (make it first; see README.md).

targetScope = 'resourceGroup'

@description('Azure region for the web app and storage. For UK schools: uksouth or ukwest.')
param location string = resourceGroup().location

@description('Short name used in every resource name: lower-case letters and digits only, e.g. "hvthorns".')
@minLength(3)
@maxLength(9)
param baseName string

@description('The bot\'s Entra app registration: application (client) id. Becomes MICROSOFT_APP_ID.')
param microsoftAppId string

@description('The tenant the app registration lives in (the school\'s). Becomes MICROSOFT_APP_TENANT_ID.')
param microsoftAppTenantId string = tenant().tenantId

@description('A client secret of that app registration. Becomes MICROSOFT_APP_PASSWORD. Pass it at deployment time; never commit it.')
@secure()
param microsoftAppPassword string

@description('Path of the school\'s policy profile inside the deployed app, e.g. policies/thorns-primary.json. Becomes SCHOOL_PROFILE.')
param schoolProfile string

@description('App Service plan size. B1 or above: the app must stay loaded (Always On) for check-in deadlines to be noticed.')
@allowed([
  'B1'
  'B2'
  'S1'
  'P0v3'
  'P1v3'
])
param appServiceSku string = 'B1'

@description('Give the app a storage connection string (account key) instead of its managed identity. False by default: the app reads STORAGE_ACCOUNT_URL with the identity, and shared-key access is turned off.')
param useStorageKey bool = false

@description('Tags for every resource.')
param tags object = {}

var suffix = uniqueString(resourceGroup().id)
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: toLower('st${baseName}${suffix}')
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: useStorageKey
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: 'plan-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: appServiceSku
  }
  properties: {
    reserved: true // Linux
  }
}

var commonSettings = [
  {
    name: 'MICROSOFT_APP_ID'
    value: microsoftAppId
  }
  {
    name: 'MICROSOFT_APP_PASSWORD'
    value: microsoftAppPassword
  }
  {
    name: 'MICROSOFT_APP_TENANT_ID'
    value: microsoftAppTenantId
  }
  {
    name: 'MICROSOFT_APP_TYPE'
    value: 'SingleTenant'
  }
  {
    name: 'SCHOOL_PROFILE'
    value: schoolProfile
  }
  {
    name: 'STORAGE_ACCOUNT_URL'
    value: storage.properties.primaryEndpoints.table
  }
  {
    name: 'TABLE_PREFIX'
    value: 'hv'
  }
  {
    // App Service sends traffic to the container's PORT; the app must listen beyond loopback.
    name: 'HOST'
    value: '0.0.0.0'
  }
  {
    name: 'LOG_LEVEL'
    value: 'info'
  }
  {
    // Deploy a built package (dist/, production node_modules/, policies/); do not build on the server.
    name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
    value: 'false'
  }
]

var keySettings = useStorageKey ? [
  {
    name: 'STORAGE_CONNECTION_STRING'
    value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  }
] : []

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: 'app-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'node dist/main.js'
      alwaysOn: true
      healthCheckPath: '/healthz'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: concat(commonSettings, keySettings)
    }
  }
}

resource tableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, site.id, storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: 'bot-${baseName}-${suffix}'
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: 'F0' // Teams is a standard channel: no charge for its messages
  }
  properties: {
    displayName: 'Home Visits'
    endpoint: 'https://${site.properties.defaultHostName}/api/messages'
    msaAppId: microsoftAppId
    msaAppTenantId: microsoftAppTenantId
    msaAppType: 'SingleTenant'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      enableCalling: false
    }
  }
}

output webAppName string = site.name
output messagingEndpoint string = bot.properties.endpoint
output webAppPrincipalId string = site.identity.principalId
output storageAccountName string = storage.name
output storageTableEndpoint string = storage.properties.primaryEndpoints.table
output botName string = bot.name
