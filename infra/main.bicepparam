// Parameters for `azd up` (and `az deployment group create --parameters infra/main.bicepparam`). azd sets
// AZURE_ENV_NAME and AZURE_LOCATION; the rest are read from the azd environment (`azd env set NAME value`) or the
// shell, with the defaults of main.bicep when unset. Secrets are never written here: the keys (LINK_SIGNING_KEY, …) and SMTP_PASSWORD are read from
// the environment on the first deployment and stored in Key Vault; left empty, the secrets in Key Vault stay as they are.
using './main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'dev')
param location = readEnvironmentVariable('AZURE_LOCATION', 'eastasia')
param appName = readEnvironmentVariable('APP_NAME', 'pubdata')
param hostingPlan = readEnvironmentVariable('HOSTING_PLAN', 'FlexConsumption')
param authIssuer = readEnvironmentVariable('AUTH_ISSUER', '')
param authAudience = readEnvironmentVariable('AUTH_AUDIENCE', '')
param publicBaseUrl = readEnvironmentVariable('PUBLIC_BASE_URL', '')
param smtpHost = readEnvironmentVariable('SMTP_HOST', '')
param smtpUserName = readEnvironmentVariable('SMTP_USERNAME', '')
param smtpFromAddress = readEnvironmentVariable('SMTP_FROM_ADDRESS', '')
param smtpPassword = readEnvironmentVariable('SMTP_PASSWORD', '')
param linkSigningKey = readEnvironmentVariable('LINK_SIGNING_KEY', '')
param pseudonymisationRootKey = readEnvironmentVariable('PSEUDONYMISATION_ROOT_KEY', '')
param personnelIdHashKey = readEnvironmentVariable('PERSONNEL_ID_HASH_KEY', '')
param auditCheckpointKey = readEnvironmentVariable('AUDIT_CHECKPOINT_KEY', '')
param tags = {
  'azd-env-name': readEnvironmentVariable('AZURE_ENV_NAME', 'dev')
}
