// The platform in one resource group: a Function App (Flex Consumption, or Elastic Premium where Flex
// Consumption is not offered), its storage account, a Key Vault for the app's keys, Application Insights on
// Log Analytics (optional), and the user-assigned managed identity the app runs as. See README.md beside this
// file for the deployment steps.
targetScope = 'resourceGroup'

@description('Environment name, used in resource names and tags (e.g. dev, test, prod).')
@minLength(2)
@maxLength(12)
param environmentName string

@description('Azure region. Any region of the target cloud, e.g. chinanorth3 or chinaeast2 in Azure China.')
param location string = resourceGroup().location

@description('Short application name used in resource names (lowercase letters, digits and hyphens).')
@minLength(2)
@maxLength(16)
param appName string = 'pubdata'

@description('FlexConsumption where the region offers it (az functionapp list-flexconsumption-locations); ElasticPremium otherwise, e.g. in Azure China.')
@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string = 'FlexConsumption'

@description('Elastic Premium size, used only when hostingPlan is ElasticPremium.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param elasticPremiumSku string = 'EP1'

@description('Upper bound on the instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Flex Consumption instance memory in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Create Application Insights and a Log Analytics workspace. Turn off in clouds or regions without them.')
param enableApplicationInsights bool = true

@description('Days Log Analytics keeps data.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Storage redundancy.')
@allowed([
  'Standard_LRS'
  'Standard_GRS'
  'Standard_ZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Days a deleted Key Vault or secret stays recoverable.')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionInDays int = 90

@description('Token issuer the app accepts (Auth__Issuer), e.g. the Entra ID tenant v2.0 issuer.')
param authIssuer string

@description('Token audience the app accepts (Auth__Audience): the Entra ID application id URI or client id of the API.')
param authAudience string

@description('OpenID Connect metadata document the app reads signing keys from (Auth__MetadataAddress). Defaults to this tenant in the current cloud.')
param authMetadataAddress string = '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0/.well-known/openid-configuration'

@description('Durable Functions task hub name (Durable__TaskHubName).')
@minLength(3)
@maxLength(45)
param taskHubName string = 'platformhub'

@description('Largest request body the app accepts, in bytes (Platform__MaxRequestBodyBytes).')
@minValue(1024)
param maxRequestBodyBytes int = 1048576

@description('Public base URL of the app, used in signed links (Platform__PublicBaseUrl). Empty means the Function App default host name.')
param publicBaseUrl string = ''

@description('Value of Key Vault secret link-signing-key-1. Pass it on the first deployment; empty leaves the secret as it is.')
@secure()
param linkSigningKey string = ''

@description('Value of Key Vault secret pseudonymisation-root-key. Pass it on the first deployment; empty leaves the secret as it is.')
@secure()
param pseudonymisationRootKey string = ''

@description('Value of Key Vault secret personnel-id-hash-key. Pass it on the first deployment; empty leaves the secret as it is.')
@secure()
param personnelIdHashKey string = ''

@description('SMTP relay for notification e-mail (Smtp__Host): a government mail server, or smtp.azurecomm.net for Azure Communication Services Email. Empty turns e-mail off (messages are only logged and listed at GET /api/notifications).')
param smtpHost string = ''

@description('SMTP port (Smtp__Port): 587 with StartTls, 465 with SslOnConnect.')
param smtpPort int = 587

@description('SMTP transport security (Smtp__Security). None is refused outside Development.')
@allowed([
  'StartTls'
  'SslOnConnect'
])
param smtpSecurity string = 'StartTls'

@description('SMTP account (Smtp__UserName); for Azure Communication Services the SMTP username of the Entra application. Empty for a relay without authentication.')
param smtpUserName string = ''

@description('Sender address the relay accepts (Smtp__FromAddress); for Azure Communication Services a MailFrom address of a verified domain.')
param smtpFromAddress string = ''

@description('Value of Key Vault secret smtp-password (the SMTP account password). Pass it on the first deployment or when it changes; empty leaves the secret as it is.')
@secure()
param smtpPassword string = ''

@description('Create Azure Communication Services Email (Azure-managed domain) as the SMTP relay; smtpHost and smtpFromAddress then default to it.')
param enableCommunicationServices bool = false

@description('Data location of Communication Services Email (e.g. Asia Pacific).')
param communicationDataLocation string = 'Asia Pacific'

@description('Tags added to every resource.')
param tags object = {}

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, appName, environmentName))
var allTags = union(tags, {
  application: appName
  environment: environmentName
})
var deploymentContainerName = 'app-package'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    identityName: 'id-${appName}-${environmentName}'
    location: location
    tags: allTags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    storageAccountName: 'st${resourceToken}'
    location: location
    skuName: storageSkuName
    deploymentContainerName: deploymentContainerName
    appPrincipalId: identity.outputs.principalId
    tags: allTags
  }
}

module keyVault 'modules/keyVault.bicep' = {
  name: 'keyVault'
  params: {
    keyVaultName: 'kv-${resourceToken}'
    location: location
    appPrincipalId: identity.outputs.principalId
    linkSigningKey: linkSigningKey
    pseudonymisationRootKey: pseudonymisationRootKey
    personnelIdHashKey: personnelIdHashKey
    smtpPassword: smtpPassword
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
    tags: allTags
  }
}

module monitoring 'modules/monitoring.bicep' = if (enableApplicationInsights) {
  name: 'monitoring'
  params: {
    workspaceName: 'log-${appName}-${environmentName}'
    appInsightsName: 'appi-${appName}-${environmentName}'
    location: location
    appPrincipalId: identity.outputs.principalId
    retentionInDays: logRetentionInDays
    tags: allTags
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  params: {
    functionAppName: 'func-${appName}-${environmentName}-${take(resourceToken, 6)}'
    planName: 'plan-${appName}-${environmentName}'
    location: location
    hostingPlan: hostingPlan
    elasticPremiumSku: elasticPremiumSku
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    identityId: identity.outputs.id
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    tags: allTags
  }
}

module communication 'modules/communication.bicep' = if (enableCommunicationServices) {
  name: 'communication'
  params: {
    emailServiceName: 'acs-email-${appName}-${environmentName}'
    communicationServiceName: 'acs-${appName}-${environmentName}-${take(resourceToken, 6)}'
    dataLocation: communicationDataLocation
    tags: allTags
  }
}

module appSettings 'modules/appSettings.bicep' = {
  name: 'appSettings'
  params: {
    functionAppName: functionApp.outputs.name
    hostingPlan: hostingPlan
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    keyVaultUri: keyVault.outputs.vaultUri
    appInsightsConnectionString: enableApplicationInsights ? monitoring!.outputs.connectionString : ''
    taskHubName: taskHubName
    authIssuer: authIssuer
    authAudience: authAudience
    authMetadataAddress: authMetadataAddress
    maxRequestBodyBytes: maxRequestBodyBytes
    publicBaseUrl: empty(publicBaseUrl) ? 'https://${functionApp.outputs.defaultHostName}' : publicBaseUrl
    smtpHost: empty(smtpHost) && enableCommunicationServices ? 'smtp.azurecomm.net' : smtpHost
    smtpPort: smtpPort
    smtpSecurity: smtpSecurity
    smtpUserName: smtpUserName
    smtpFromAddress: empty(smtpFromAddress) && enableCommunicationServices ? communication!.outputs.fromAddress : smtpFromAddress
  }
}

output functionAppName string = functionApp.outputs.name
output functionAppUrl string = 'https://${functionApp.outputs.defaultHostName}'
output storageAccountName string = storage.outputs.name
output deploymentContainerUrl string = storage.outputs.deploymentContainerUrl
output keyVaultName string = keyVault.outputs.name
output keyVaultUri string = keyVault.outputs.vaultUri
output identityClientId string = identity.outputs.clientId
output communicationServiceName string = enableCommunicationServices ? communication!.outputs.communicationServiceName : ''
