// The one identity the Function App runs as; every data-plane permission is granted to it, never to the app's
// own system identity, so the grants exist before the app starts and survive an app re-creation.
@description('Name of the user-assigned managed identity.')
param identityName string

@description('Azure region.')
param location string

param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: identityName
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
