// Home Visits for Teams: everything one school needs in Azure, in one resource group.
//
// NOT COMPILED: no Bicep compiler is available from the registries this project can reach. test/infra/
// bicep-template.test.ts parses this file with the tree-sitter Bicep grammar (syntax) and checks its
// structure; `az bicep build --file infra/main.bicep` has never run on it. See README.md beside this file.
//
// No secret anywhere: the bot signs in as a user-assigned managed identity, and the same identity reaches the
// tables through a role assignment. App settings hold ids, URLs and the Application Insights connection string.

targetScope = 'resourceGroup'

@description('Azure region for everything but the bot relay (which is global). For UK schools: uksouth or ukwest.')
param location string = resourceGroup().location

@description('Short name used in every resource name: lower-case letters and digits only, e.g. "hvthorns".')
@minLength(3)
@maxLength(9)
param baseName string

@description('Path of the school\'s policy profile inside the deployed app, e.g. policies/thorns-primary.json. Becomes SCHOOL_PROFILE.')
param schoolProfile string

@description('Where alerts go: the school\'s IT contact (or their provider\'s service desk) by e-mail.')
param itContactEmail string

@description('App Service plan size. B1 or above: the app must stay loaded (Always On) for check-in deadlines to be noticed.')
@allowed([
  'B1'
  'B2'
  'S1'
  'P0v3'
  'P1v3'
])
param appServiceSku string = 'B1'

@description('How long the Log Analytics workspace keeps log lines (they carry ids and codes, never personal data).')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Tags for every resource.')
param tags object = {}

var suffix = uniqueString(resourceGroup().id)
var roles = {
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}
// Log alerts: each matches the exact message src/ logs at error level for a failure someone must act on.
var logAlerts = [
  {
    slug: 'notification-keeps-failing'
    message: 'notification keeps failing' // src/app/outbox.dispatcher.ts
    severity: 1
    displayName: 'Home Visits: a notification keeps failing'
    description: 'A notification (an alert, an approval, a briefing) has failed several deliveries to Teams. The office sees it by typing "today"; phone the people it was for. See infra/README.md.'
  }
  {
    slug: 'sweeper-stalled'
    message: 'escalation sweeper stalled' // src/escalation, when sweeps stop completing
    severity: 0
    displayName: 'Home Visits: the escalation sweeper has stalled'
    description: 'The sweeper that notices missed check-ins has not completed a sweep: missed check-ins may not escalate. Restart the web app and tell the office. See infra/README.md.'
  }
]

// The bot's identity and the app's: Bot Framework tokens, and table access, with no password to keep or rotate.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}-${suffix}'
  location: location
  tags: tags
}

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
    // Entra ID only: no account key can read the visits, because no account key works.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
  }
}

resource tableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${baseName}-${suffix}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
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

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: 'app-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      // Node 20 left support in April 2026; 22 is the LTS App Service offers.
      linuxFxVersion: 'NODE|22-lts'
      // A bounded heap: V8 otherwise lets garbage pile up to several times what the app holds (under 10,000 active
      // visits it holds about 60 MB; the heap grew to 235 MB and the process to 300 MB). bench/scale.bench.ts runs the
      // bot with these flags.
      appCommandLine: 'node --max-old-space-size=160 dist/main.js'
      // Deadlines are noticed by the running app: it must never be unloaded when idle.
      alwaysOn: true
      // App Service pings this; an instance that stays unhealthy is restarted (with one instance there is nowhere
      // else to send traffic meanwhile), and the health alert below tells the IT contact.
      healthCheckPath: '/healthz'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        {
          name: 'MICROSOFT_APP_TYPE'
          value: 'UserAssignedMSI'
        }
        {
          name: 'MICROSOFT_APP_ID'
          value: identity.properties.clientId
        }
        {
          name: 'MICROSOFT_APP_TENANT_ID'
          value: identity.properties.tenantId
        }
        {
          // DefaultAzureCredential (the tables) picks the user-assigned identity by this.
          name: 'AZURE_CLIENT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'STORAGE_ACCOUNT_URL'
          value: storage.properties.primaryEndpoints.table
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'SCHOOL_PROFILE'
          value: schoolProfile
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
          // The app's retention job checks that no school's policy keeps log lines for less time than the workspace does.
          name: 'LOG_RETENTION_DAYS'
          value: string(logRetentionDays)
        }
        {
          // scripts/deploy.sh uploads a built package with its production node_modules; nothing is built on the server.
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'false'
        }
      ]
    }
  }
}

// FTP is off (ftpsState); this also refuses FTP's basic-auth publishing credentials.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource siteLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: workspace.id
    logs: [
      {
        category: 'AppServiceConsoleLogs' // the app's JSON lines, as written to stdout/stderr
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs' // container starts, restarts and health check replacements
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
    ]
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
    msaAppType: 'UserAssignedMSI'
    msaAppId: identity.properties.clientId
    msaAppMSIResourceId: identity.id
    msaAppTenantId: identity.properties.tenantId
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

resource itContact 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${baseName}-${suffix}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'HomeVisits'
    enabled: true
    emailReceivers: [
      {
        name: 'IT contact'
        emailAddress: itContactEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// HealthCheckStatus is the share of health check pings (to /healthz) that succeeded: 100 when all did.
resource healthAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-${baseName}-health-check-failing'
  location: 'global'
  tags: tags
  properties: {
    description: 'The Home Visits bot is failing its health check: check-ins, alerts and escalations may not be working. See infra/README.md.'
    severity: 0
    enabled: true
    scopes: [
      site.id
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'HealthCheckBelow100'
          metricNamespace: 'Microsoft.Web/sites'
          metricName: 'HealthCheckStatus'
          operator: 'LessThan'
          threshold: 100
          timeAggregation: 'Average'
        }
      ]
    }
    actions: [
      {
        actionGroupId: itContact.id
      }
    ]
  }
}

// The same line reaches AppTraces (through Application Insights) and AppServiceConsoleLogs (the console);
// either is enough, so an outage of one path does not hide the alert.
resource logAlertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for alert in logAlerts: {
  name: 'alert-${baseName}-${alert.slug}'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: alert.displayName
    description: alert.description
    severity: alert.severity
    enabled: true
    scopes: [
      workspace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    // The tables appear with their first line; until then isfuzzy keeps the query valid.
    skipQueryValidation: true
    criteria: {
      allOf: [
        {
          query: 'union isfuzzy=true (AppTraces | where Message == "${alert.message}"), (AppServiceConsoleLogs | where ResultDescription has "${alert.message}")'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        itContact.id
      ]
    }
  }
}]

output webAppName string = site.name
output messagingEndpoint string = bot.properties.endpoint
@description('The bot\'s app id: MICROSOFT_APP_ID for `npm run package:manifest`.')
output botAppId string = identity.properties.clientId
output tenantId string = identity.properties.tenantId
output storageAccountName string = storage.name
output botName string = bot.name
