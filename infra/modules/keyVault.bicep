// Key Vault for the secrets the app reads through its secret store (link-signing, pseudonymisation and staff ID-hash keys).
// Access is by Azure RBAC only; soft delete and purge protection keep a deleted key recoverable, because a
// lost pseudonymisation key cannot be re-created and a lost link-signing key invalidates every open link.
@description('Key Vault name (3-24 characters, globally unique).')
@minLength(3)
@maxLength(24)
param keyVaultName string

@description('Azure region.')
param location string

@description('Principal id of the managed identity the Function App runs as.')
param appPrincipalId string

@description('Value of the secret link-signing-key-1 (HMAC key for signed callback links). Empty leaves the secret as it is.')
@secure()
param linkSigningKey string

@description('Value of the secret pseudonymisation-root-key. Empty leaves the secret as it is.')
@secure()
param pseudonymisationRootKey string

@description('Value of the secret personnel-id-hash-key (HMAC key for staff ID-number hashes). Empty leaves the secret as it is.')
@secure()
param personnelIdHashKey string

@description('Days a deleted vault or secret stays recoverable.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

@description('Value of the secret smtp-password (password of the SMTP relay account, Smtp__UserName). Empty leaves the secret as it is.')
@secure()
param smtpPassword string = ''

param tags object

var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

// Each secret is written only when a value is passed, so a later deployment without the values does not
// replace a key that is in use (a new value would orphan every link or pseudonym made under the old one).
resource linkSigningKeySecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (!empty(linkSigningKey)) {
  parent: vault
  name: 'link-signing-key-1'
  properties: {
    value: linkSigningKey
    contentType: 'HMAC-SHA256 key for signed callback links; key id 1'
  }
}

resource pseudonymisationRootKeySecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (!empty(pseudonymisationRootKey)) {
  parent: vault
  name: 'pseudonymisation-root-key'
  properties: {
    value: pseudonymisationRootKey
    contentType: 'Root key from which per-agreement pseudonymisation keys are derived'
  }
}

// A new value makes every stored staff ID-number hash unmatchable, so duplicate registrations would go unnoticed.
resource personnelIdHashKeySecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (!empty(personnelIdHashKey)) {
  parent: vault
  name: 'personnel-id-hash-key'
  properties: {
    value: personnelIdHashKey
    contentType: 'HMAC-SHA256 key for processing-staff resident ID number hashes'
  }
}

// The SMTP relay's password (a government mail account, or the Entra application secret for Azure Communication
// Services Email); the app reads it through the secret store under Smtp__PasswordSecretName.
resource smtpPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (!empty(smtpPassword)) {
  parent: vault
  name: 'smtp-password'
  properties: {
    value: smtpPassword
    contentType: 'Password of the SMTP relay account used for notification e-mail'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, appPrincipalId, keyVaultSecretsUserRoleId)
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
  }
}

output name string = vault.name
output vaultUri string = vault.properties.vaultUri
