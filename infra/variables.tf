# --- Deployment -------------------------------------------------------------

variable "aws_region" {
  description = "Region for every resource (SES identities are per region)."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of the function, role, API, log group, secret and configuration-set names."
  type        = string
  default     = "members-auth"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name_prefix))
    error_message = "name_prefix: 2-31 characters, lower-case letters, digits and hyphens."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

# --- DynamoDB ---------------------------------------------------------------

variable "table_name" {
  description = "DynamoDB table holding members, email claims and tokens."
  type        = string
  default     = "members"
}

variable "table_deletion_protection" {
  description = "Refuse to delete the members table (turn off before `make destroy`)."
  type        = bool
  default     = true
}

# --- Lambda -----------------------------------------------------------------

variable "package_dir" {
  description = "Directory with <function>/bootstrap.zip from `cargo lambda build --output-format zip`, relative to infra/."
  type        = string
  default     = "../target/lambda"
}

variable "architecture" {
  description = "Lambda architecture; the zips must be built for it (cargo lambda build --arm64 or --x86-64)."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

# Lambda gives a function CPU in proportion to its memory (1769 MB = one full vCPU).
# Argon2id is CPU-bound, so the functions that hash or verify a password (login,
# register, generate-session-token, reset-password, and authorize for the hosted
# sign-in page) get 1024 MB (~0.6 vCPU) for their latency; the others only wait on
# DynamoDB, SES or Secrets Manager and need little.
variable "function_memory_mb" {
  description = "Memory (MB) per function; must name every function in local.functions."
  type        = map(number)
  default = {
    "login"                         = 1024
    "register"                      = 1024
    "generate-session-token"        = 1024
    "reset-password"                = 1024
    "approve-by-token"              = 256
    "approve-by-email"              = 256
    "block-by-email"                = 256
    "send-set-password-email"       = 256
    "change-login-email"            = 256
    "verify"                        = 256
    "send-recovery-email"           = 256
    "redirect-session"              = 256
    "authorize"                     = 1024
    "token"                         = 256
    "logout"                        = 256
    "current-member"                = 256
    "update-member"                 = 256
    "update-my-slug"                = 256
    "join-community"                = 256
    "leave-community"               = 256
    "delete-member-phones"          = 256
    "delete-member-emails"          = 256
    "delete-member-addresses"       = 256
    "delete-my-member"              = 256
    "approve-member"                = 256
    "block-member"                  = 256
    "delete-member"                 = 256
    "update-member-slug"            = 256
    "get-member"                    = 256
    "list-members"                  = 256
    "query-members"                 = 256
    "create-member"                 = 1024
    "mute-member"                   = 256
    "unmute-member"                 = 256
    "disconnect-member"             = 256
    "bulk-delete-members"           = 256
    "bulk-delete-members-by-filter" = 256
    "bulk-approve-members"          = 256
    "bulk-block-members"            = 256
    "send-activation-email"         = 256
    "not-found"                     = 128
  }

  validation {
    condition     = alltrue([for mb in values(var.function_memory_mb) : mb >= 128 && mb <= 10240])
    error_message = "Lambda memory must be between 128 and 10240 MB."
  }
}

variable "mailer_memory_mb" {
  description = "Memory (MB) of the mailer function (infra/mailer.tf): it waits on SES and hashes nothing."
  type        = number
  default     = 256
}

variable "mailer_retry_attempts" {
  description = "How often the stream mapping hands a failed batch back to the mailer before the dead-letter queue; with the mailer's own five tries, about 15 s each. The records' one-hour age limit applies too."
  type        = number
  default     = 200
}

variable "mail_age_alarm_seconds" {
  description = "Alarm when a queued email has waited this long for the mailer (the stream mapping's iterator age)."
  type        = number
  default     = 300
}

variable "function_timeout_seconds" {
  description = "Lambda timeout; API Gateway gives up after 30 s in any case."
  type        = number
  default     = 10

  validation {
    condition     = var.function_timeout_seconds >= 1 && var.function_timeout_seconds <= 30
    error_message = "function_timeout_seconds must be 1-30."
  }
}

variable "log_retention_days" {
  description = "Retention of the function and access-log groups."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "rust_log" {
  description = "RUST_LOG filter for the functions."
  type        = string
  default     = "info"
}

# --- Application settings (the functions' environment) ----------------------

variable "approval_mode" {
  description = "automatic: new members are ACTIVE; manual: PENDING until the owner approves."
  type        = string
  default     = "automatic"

  validation {
    condition     = contains(["automatic", "manual"], var.approval_mode)
    error_message = "approval_mode must be automatic or manual."
  }
}

variable "owner_email" {
  description = "Site owner's address: receives approval requests."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.owner_email))
    error_message = "owner_email must be an email address."
  }
}

variable "mail_from" {
  description = "From header, e.g. \"Example Site <noreply@example.com>\"; the address must belong to sender_identity."
  type        = string
}

variable "approval_link_url" {
  description = "Page the owner opens to approve a member; the approval token is appended."
  type        = string

  validation {
    condition     = can(regex("^https?://", var.approval_link_url))
    error_message = "approval_link_url must be an http(s) URL."
  }
}

variable "site_name" {
  description = "Site name used in emails and on the hosted pages."
  type        = string
}

variable "site_language" {
  description = "Language of the emails to the site owner, and of members whose language is not known: en, fr, es or ar."
  type        = string
  default     = "en"

  validation {
    condition     = contains(["en", "fr", "es", "ar"], var.site_language)
    error_message = "site_language: one of en, fr, es, ar (the languages with a catalog)."
  }
}

variable "brand_logo_url" {
  description = "https:// URL of the logo shown in emails (empty: none)."
  type        = string
  default     = ""

  validation {
    condition     = var.brand_logo_url == "" || can(regex("^https://[^\\s\"'<>`\\\\]+$", var.brand_logo_url))
    error_message = "brand_logo_url: an https:// URL without spaces or quotes."
  }
}

variable "brand_accent_color" {
  description = "Accent colour of buttons and borders, #rrggbb (button text is black or white, whichever reads better)."
  type        = string
  default     = "#1d4ed8"

  validation {
    condition     = can(regex("^#[0-9a-fA-F]{6}$", var.brand_accent_color))
    error_message = "brand_accent_color: #rrggbb."
  }
}

variable "support_email" {
  description = "Address members may write to, shown in every email's footer (empty: none)."
  type        = string
  default     = ""

  # The functions refuse to start on an address they cannot parse; say so at plan.
  validation {
    condition     = var.support_email == "" || can(regex("^[^@\\s<>\"]+@[^@\\s<>\"]+\\.[^@\\s<>\"]+$", var.support_email))
    error_message = "support_email: a plain address (name@domain), or empty."
  }
}

variable "terms_url" {
  description = "https:// URL of the site's terms, linked from every email (empty: none)."
  type        = string
  default     = ""

  validation {
    condition     = var.terms_url == "" || can(regex("^https://[^\\s\"'<>`\\\\]+$", var.terms_url))
    error_message = "terms_url: an https:// URL without spaces or quotes."
  }
}

variable "privacy_url" {
  description = "https:// URL of the site's privacy notice, linked from every email (empty: none)."
  type        = string
  default     = ""

  validation {
    condition     = var.privacy_url == "" || can(regex("^https://[^\\s\"'<>`\\\\]+$", var.privacy_url))
    error_message = "privacy_url: an https:// URL without spaces or quotes."
  }
}

variable "templates_zip" {
  description = "A zip of template overrides, laid out as templates/email/<name> and templates/page/<name> (see README, \"Emails and pages\"); shipped as a Lambda layer and read from /opt/templates. Empty: the built-in templates."
  type        = string
  default     = ""
}

variable "password_min_length" {
  description = "Minimum password length (the contract allows 4-100)."
  type        = number
  default     = 8

  validation {
    condition     = var.password_min_length >= 4 && var.password_min_length <= 100
    error_message = "password_min_length must be 4-100."
  }
}

variable "argon2_memory_kib" {
  description = "Argon2id memory cost in KiB (OWASP minimum 19456)."
  type        = number
  default     = 19456
}

variable "argon2_iterations" {
  description = "Argon2id time cost."
  type        = number
  default     = 2
}

variable "argon2_parallelism" {
  description = "Argon2id lanes."
  type        = number
  default     = 1
}

variable "session_token_ttl_seconds" {
  description = "Lifetime of a session token (it is meant to be applied at once)."
  type        = number
  default     = 600
}

variable "email_verification" {
  description = "required: a headless login or registration of an unverified email first mails a code (verify route); off: no code."
  type        = string
  default     = "required"

  validation {
    condition     = contains(["required", "off"], var.email_verification)
    error_message = "email_verification must be required or off."
  }
}

variable "public_base_url" {
  description = "HTTPS base URL browsers reach the API at (email links and OAuth redirect sessions point there); null: the API's execute-api endpoint. Set it when a custom domain fronts the API."
  type        = string
  default     = null

  validation {
    condition     = var.public_base_url == null || can(regex("^https://[^/?#\\s]+(/[^?#\\s]*)?$", coalesce(var.public_base_url, "https://x")))
    error_message = "public_base_url must be an https:// URL without query or fragment (e.g. https://auth.example.com)."
  }
}

variable "oauth_clients" {
  description = "OAuth clients of the headless flow (OAUTH_CLIENTS): client_id, the redirect URIs it may use, the browser origins it runs on, and its post-logout URLs."
  type = list(object({
    client_id        = string
    redirect_uris    = optional(list(string), [])
    origins          = optional(list(string), [])
    post_logout_urls = optional(list(string), [])
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for c in var.oauth_clients : can(regex("^[A-Za-z0-9._~-]{1,128}$", c.client_id))]) && length(distinct([for c in var.oauth_clients : c.client_id])) == length(var.oauth_clients)
    error_message = "oauth_clients: each client_id must be unique, 1-128 characters of letters, digits and . _ ~ -."
  }
  validation {
    condition     = alltrue(flatten([for c in var.oauth_clients : [for u in concat(c.redirect_uris, c.post_logout_urls) : can(regex("^https?://[^\\s]+$", u))]]))
    error_message = "oauth_clients: redirect_uris and post_logout_urls must be http(s) URLs."
  }
  validation {
    condition     = alltrue(flatten([for c in var.oauth_clients : [for o in c.origins : can(regex("^https?://[^/?#\\s]+$", o))]]))
    error_message = "oauth_clients: an origin is scheme://host[:port], no path and no trailing slash (e.g. https://www.example.com)."
  }
  # Lambda allows 4 KB for all environment variables of a function together.
  validation {
    condition     = length(jsonencode(var.oauth_clients)) <= 2500
    error_message = "oauth_clients is too large for a Lambda environment (4 KB for all variables): keep its JSON under 2500 characters."
  }
}

variable "captcha_mode" {
  description = "off: no captcha; always: headless login and registration need a reCAPTCHA token; suspected-bots: only after repeated failures or a burst from one source (both need captcha_secret)."
  type        = string
  default     = "off"

  validation {
    condition     = contains(["off", "always", "suspected-bots"], var.captcha_mode)
    error_message = "captcha_mode must be off, always or suspected-bots."
  }
}

variable "captcha_verify_url" {
  description = "reCAPTCHA siteverify endpoint the functions post tokens to."
  type        = string
  default     = "https://www.google.com/recaptcha/api/siteverify"

  validation {
    condition     = can(regex("^https://", var.captcha_verify_url))
    error_message = "captcha_verify_url must be an https URL."
  }
}

variable "captcha_site_key" {
  description = "reCAPTCHA site key (public) the hosted sign-in page shows its widget with; empty: the page shows none and fails closed where captcha_mode asks for one."
  type        = string
  default     = ""
}

variable "captcha_script_url" {
  description = "The captcha widget's script on the hosted sign-in page (reCAPTCHA's, or a compatible provider's)."
  type        = string
  default     = "https://www.google.com/recaptcha/api.js"

  validation {
    condition     = can(regex("^https://[^/]+/", var.captcha_script_url))
    error_message = "captcha_script_url must be an https URL."
  }
}

# --- SES --------------------------------------------------------------------

variable "sender_identity" {
  description = "SES identity to send from: a domain (example.com, verified by DKIM records) or one address."
  type        = string
}

variable "ses_sandbox_recipients" {
  description = "While the account is in the SES sandbox: addresses to verify as recipients (the owner, testers)."
  type        = list(string)
  default     = []
}

# --- API Gateway ------------------------------------------------------------

variable "cors_allowed_origins" {
  description = "Browser origins allowed to call the API; empty: the origins of oauth_clients (none at all: no CORS headers)."
  type        = list(string)
  default     = []
}

variable "throttling_rate_limit" {
  description = "Steady-state requests per second for each route of the default stage."
  type        = number
  default     = 50
}

variable "throttling_burst_limit" {
  description = "Burst requests for each route of the default stage."
  type        = number
  default     = 100
}

# --- Secrets ----------------------------------------------------------------

variable "signing_keys" {
  description = "The secret's signingKeys: \"kid:base64url-key[,kid:key...]\", newest first (the first signs, all verify); null generates one."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.signing_keys == null || can(regex("^[A-Za-z0-9_-]+:[A-Za-z0-9_-]{43,}=*(,[A-Za-z0-9_-]+:[A-Za-z0-9_-]{43,}=*)*$", var.signing_keys))
    error_message = "signing_keys must be kid:base64url-key pairs, comma-separated, each key at least 32 bytes."
  }
}

variable "admin_key" {
  description = "Admin key for privileged calls without IAM (local runs); null generates one."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.admin_key == null || length(coalesce(var.admin_key, "x")) >= 32
    error_message = "admin_key must be at least 32 characters."
  }
}

variable "api_keys" {
  description = "Site API keys by name (ApiKeyStrategy, external login); add the new key before removing the old to rotate."
  type        = map(string)
  default     = {}
  sensitive   = true

  validation {
    condition = alltrue([
      for name, key in var.api_keys :
      can(regex("^[A-Za-z0-9_-]+$", name)) && length(key) >= 32 && !can(regex("[\\s,]", key))
    ])
    error_message = "api_keys: names are letters, digits, - or _; keys at least 32 characters, without spaces or commas."
  }
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can be restored (0 deletes at once, freeing the name)."
  type        = number
  default     = 7
}

variable "captcha_secret" {
  description = "reCAPTCHA secret key, stored in the secret as captchaSecret (empty: left out). Required when captcha_mode is always."
  type        = string
  default     = ""
  nullable    = false
  sensitive   = true
}

variable "alarm_email" {
  description = "An address subscribed to the alarms' SNS topic (it confirms by email); empty: none."
  type        = string
  default     = ""
}

variable "failed_login_alarm_threshold" {
  description = "Failed logins in 5 minutes, over every function, past which the failed-login alarm fires."
  type        = number
  default     = 100
}

variable "refused_key_alarm_threshold" {
  description = "Calls refused for want of a key in 5 minutes past which the refused-keys alarm fires."
  type        = number
  default     = 20
}

variable "server_error_alarm_percent" {
  description = "Percentage of requests answered 5xx over 5 minutes past which the server-errors alarm fires."
  type        = number
  default     = 1
}

variable "ses_bounce_alarm_threshold" {
  description = "SES bounces in an hour past which the bounce alarm fires."
  type        = number
  default     = 5
}

variable "ses_complaint_alarm_threshold" {
  description = "SES complaints in an hour past which the complaint alarm fires."
  type        = number
  default     = 1
}
