// Optional (enableCommunicationServices): Azure Communication Services Email with an Azure-managed sending domain, as a
// relay for notification e-mail over its SMTP endpoint (smtp.azurecomm.net:587, StartTLS). The SMTP username and the
// Microsoft Entra application whose client secret is the password are created once by hand (infra/README.md, "E-mail").
@description('Email Communication Service name.')
param emailServiceName string

@description('Communication Services resource name.')
param communicationServiceName string

@description('Where the e-mail data is kept at rest (e.g. Asia Pacific).')
param dataLocation string

param tags object

resource emailService 'Microsoft.Communication/emailServices@2026-03-18' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

// An Azure-managed domain (DoNotReply@<guid>.azurecomm.net) works at once; a custom domain needs DNS verification.
resource managedDomain 'Microsoft.Communication/emailServices/domains@2026-03-18' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communication 'Microsoft.Communication/communicationServices@2026-03-18' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      managedDomain.id
    ]
  }
}

output fromAddress string = 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
output communicationServiceName string = communication.name
