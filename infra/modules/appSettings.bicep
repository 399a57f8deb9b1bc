// Every setting the app reads, under the same names as local.settings.sample.json. The settings are object
// variables with literal names so that the settings-drift test (tests/Platform.InfraTests) can read them from the
// compiled template: it follows the variables the appsettings resource refers to. Differences from the sample,
// on purpose:
// - AzureWebJobsStorage is the identity-based form (__accountName, __credential, __clientId, service URIs).
// - Auth__SigningKey is absent: it is a development-only key and the app refuses it outside Development.
// - Secrets__<name> values live in Key Vault as secret <name>; the app finds the vault from KeyVault__VaultUri.
// - FUNCTIONS_WORKER_RUNTIME is implied by the Flex Consumption runtime; it is set only on Elastic Premium.
@description('Function App name.')
param functionAppName string

@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string

@description('Storage account used by the Functions host, the durable task hub and the app.')
param storageAccountName string

param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string

@description('URL of the blob container that holds the deployment package (Elastic Premium runs the package from there).')
param deploymentContainerUrl string

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

@description('Key Vault URI the secret store reads from.')
param keyVaultUri string

@description('Application Insights connection string; empty when Application Insights is turned off.')
param appInsightsConnectionString string

param taskHubName string
param authIssuer string
param authAudience string
param authMetadataAddress string
param maxRequestBodyBytes int
param publicBaseUrl string
param smtpHost string
param smtpPort int
param smtpSecurity string
param smtpUserName string
param smtpFromAddress string

var commonAppSettings = {
  AZURE_FUNCTIONS_ENVIRONMENT: 'Production'
  // Identity-based host storage. The service URIs come from the account, so they are right in Azure China too;
  // the account name alone would make the host assume the public-cloud DNS suffix.
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
  AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
  AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
  // DefaultAzureCredential (Key Vault and the app's storage clients) picks the user-assigned identity from it.
  AZURE_CLIENT_ID: identityClientId
  Durable__TaskHubName: taskHubName
  Auth__Issuer: authIssuer
  Auth__Audience: authAudience
  Auth__MetadataAddress: authMetadataAddress
  // Compressed lifecycle time is for end-to-end runs only; the app refuses any other value in Production.
  Platform__TimeCompression: '1'
  Platform__MaxRequestBodyBytes: string(maxRequestBodyBytes)
  Platform__PublicBaseUrl: publicBaseUrl
  KeyVault__VaultUri: keyVaultUri
  KeyVault__CacheTtl: '00:05:00'
  Auth__ClockSkew: '00:02:00'
  Audit__TableName: 'audit'
  Audit__MaxAppendAttempts: '30'
  // Incremental verification (issue 20): a signed checkpoint every 10,000 verified entries; the full walk runs daily at
  // 03:00 CST from the audit-verification queue (the trigger reads it as %Audit:VerificationQueue%).
  Audit__CheckpointInterval: '10000'
  Audit__VerificationQueue: 'audit-verification'
  Audit__VerificationSchedule: '0 0 19 * * *'
  Audit__SecurityEventTableName: 'securityevents'
  Audit__CheckpointKeyName: 'audit-checkpoint-key'
  // Exit after an agreement ends (M3.6): the hold for the authority's inspection before the copies are destroyed.
  Agreements__ExitHold: 'P30D'
  // Storage clients: bounded retries so an outage answers 503 within the request's own timeout.
  StorageClient__MaxRetries: '2'
  StorageClient__RetryDelay: '00:00:00.200'
  StorageClient__MaxRetryDelay: '00:00:01'
  StorageClient__NetworkTimeout: '00:00:30'
  // Signed-link pages: attempts per client and per link per minute; the front end appends the caller's address to
  // X-Forwarded-For, whose last entry is therefore the caller's.
  LinkAttempts__PerClientPerMinute: '60'
  LinkAttempts__PerLinkPerMinute: '20'
  LinkAttempts__ClientAddressHeader: 'X-Forwarded-For'
  LinkAttempts__FlushInterval: '00:00:15'
  Calendar__TableName: 'calendars'
  // Signed callback links (SPEC §4): new links are signed with the active key; links signed with an accepted
  // previous key keep working until they expire (rotation). Key ids are Key Vault secret names.
  Links__ActiveKeyId: 'link-signing-key-1'
  Links__AcceptedKeyIds: ''
  Links__Lifetime: 'P30D'
  // Scenario review (SPEC §2.4): unanswered reviews escalate to the authority after this duration.
  Scenarios__ReviewDeadline: 'P5D'
  // Catalogue and masking (SPEC §2.3, §2.6). Uploads stream up to 256 MiB; the host's own request limit (100 MB by
  // default) is raised to match, the app enforces its limit itself while streaming.
  Resources__MaxUploadBytes: '268435456'
  FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '268435457'
  Resources__SampleRows: '100'
  Resources__SampleSeed: '20251013'
  Resources__CatalogSampleRows: '20'
  Masking__ProgressRows: '10000'
  Masking__ProgressSeconds: '2'
  // Data requests (SPEC §2.5): providers review within 5 working days (M4.3, fixed); they are reminded at 09:00 CST
  // this many working days before the due date.
  DataRequests__ReminderWorkingDaysBefore: '1'
  // Product compliance review (SPEC §2.8, M4.5.1): reviewers' working days on the fast track (public-good, no personal
  // information) and the full track; a third-party reviewer organisation replaces the data providers when set.
  ProductCompliance__FastTrackWorkingDays: '3'
  ProductCompliance__FullTrackWorkingDays: '10'
  ProductCompliance__ThirdPartyReviewerId: ''
  // Quality tickets (SPEC §2.9, M4.7.1): working days a provider has to verify and correct (17:00 CST cut-off as for
  // data requests); overdue tickets escalate to the authority.
  Quality__CorrectionWorkingDays: '5'
  // Contribution score (M4.7.2): weights of data quality, review timeliness and usage (each >= 0, sum > 0).
  Contribution__DataQualityWeight: '0.4'
  Contribution__ReviewTimelinessWeight: '0.3'
  Contribution__UsageWeight: '0.3'
  // Sandbox (SPEC §2.7): k of the output checks (every released row backed by at least this many records), the limits
  // each job runs under, jobs per worker instance, and how often a running job looks whether it must stop (M5.5).
  // One 1 GiB engine at a time fits a 2 GiB Flex Consumption instance beside the host; raise both with instanceMemoryMB.
  Sandbox__MinRecordsPerRow: '10'
  Sandbox__TimeoutSeconds: '30'
  Sandbox__MemoryLimitMb: '1024'
  Sandbox__MaxThreads: '2'
  Sandbox__MaxResultRows: '10000'
  Sandbox__MaxConcurrentJobs: '1'
  Sandbox__CancellationPollSeconds: '1'
  // Disclosure control of full results (M5.1): dominance (n largest contributors above p percent) and rounding of counts.
  Sandbox__DominanceContributors: '2'
  Sandbox__DominancePercent: '85'
  Sandbox__RoundingBase: '5'
  Sandbox__FullJobsPerDay: '50'
  // Queued-job reconciler (operational timer, six-field NCrontab in UTC, every 20 seconds): a masking or sandbox job
  // queued longer than RequeueAfter without starting gets its message again, and a running job whose worker has not
  // beaten for HeartbeatTimeout (workers beat every HeartbeatInterval) is handed back; up to MaxRequeues times, then fails.
  Jobs__ReconcileSchedule: '*/20 * * * * *'
  Jobs__RequeueAfter: '00:05:00'
  Jobs__MaxRequeues: '3'
  Jobs__HeartbeatInterval: '00:00:15'
  Jobs__HeartbeatTimeout: '00:01:00'
  // Oversight timers (SPEC §2.9), six-field NCrontab in UTC: the deadline sweep at 01:00 CST daily (filings M5.6,
  // evaluations M5.7, quality tickets); the previous year's evaluation is overdue after this month-day (CST).
  Oversight__DeadlineSweepSchedule: '0 0 17 * * *'
  Oversight__EvaluationDueMonthDay: '03-31'
  // Operator security duties (M5.5): training and assessment intervals (months), escalation grace (days).
  OperatorSecurity__TrainingIntervalMonths: '12'
  OperatorSecurity__AssessmentIntervalMonths: '12'
  OperatorSecurity__EscalationGraceDays: '7'
  // Yearly disclosure snapshot (M4.7.4): 09:00 CST every day of March; the first run publishes the previous year
  // (write-once blobs in this private container), later runs find it published.
  Disclosure__SnapshotSchedule: '0 0 1 1-31 3 *'
  Disclosure__SnapshotContainer: 'disclosure-snapshots'
  // Annual reports (SPEC §2.9, M5.6): requested at 00:00 CST on 1 January (six-field NCrontab in UTC; the timer reads
  // it as %Reports:AnnualReportSchedule%), due by the end of this day (MM-dd, CST) of the following year.
  Reports__AnnualReportSchedule: '0 0 16 31 12 *'
  Reports__OperatorReportDueMonthDay: '01-31'
  // The authority's own yearly report to its superior is due by the end of this day (MM-dd, CST) of the following year.
  Reports__AuthorityReportDueMonthDay: '03-31'
  Reports__TableName: 'annualreports'
  // The address book (contacts and webhooks per organisation; personal data, read by the organisation and the authority).
  Contacts__TableName: 'contacts'
  // Notification delivery (SPEC §4): the outbox's delivery queue, and transient failures retried with exponential
  // backoff (base, doubling, capped) up to MaxAttempts before the message is marked failed and the authority is told.
  Notifications__DeliveryQueue: 'notifications'
  Notifications__MaxAttempts: '8'
  Notifications__RetryBaseDelay: '00:00:30'
  Notifications__RetryMaxDelay: '01:00:00'
  // E-mail over SMTP (infra/README.md: a government relay or Azure Communication Services Email). An empty host turns
  // e-mail off. The password is Key Vault secret smtp-password, read through the secret store.
  Smtp__Host: smtpHost
  Smtp__Port: string(smtpPort)
  Smtp__Security: smtpSecurity
  Smtp__UserName: smtpUserName
  Smtp__PasswordSecretName: 'smtp-password'
  Smtp__FromAddress: smtpFromAddress
  Smtp__FromName: '湖北省公共数据资源授权运营平台'
  Smtp__Timeout: '00:00:30'
}

var monitoringAppSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  // Local auth is off on the component: telemetry is sent with the managed identity.
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

var elasticPremiumAppSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
  // Runs the package straight from the deployment container, read with the managed identity, so the plan
  // needs no Azure Files share (which would need a shared-key connection string).
  WEBSITE_RUN_FROM_PACKAGE: '${deploymentContainerUrl}/platform-functions.zip'
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identityId
}

var withMonitoring = empty(appInsightsConnectionString) ? commonAppSettings : union(commonAppSettings, monitoringAppSettings)

resource site 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: hostingPlan == 'FlexConsumption' ? withMonitoring : union(withMonitoring, elasticPremiumAppSettings)
}
