locals {
  # Every Lambda, declared once. Keys are the crate directories under functions/;
  # infra/checks/structure.py fails when the two (or the cargo-lambda watch router
  # in Cargo.toml) disagree. Routes are API Gateway route keys: "METHOD /path", or
  # "$default" for every request no other route matches.
  # privileged: the routes need AWS_IAM (SigV4) and the function is for trusted backends.
  # key_routes: more routes of the same function, public at the gateway because their
  # callers authenticate in the request itself (the site API key as Wix's ApiKeyStrategy
  # sends it, or an approval token); the function checks it.
  # dynamodb_actions: exactly what the function's flow calls on the members table
  # (transactions are authorised per item action; there is no TransactWriteItems action).
  # None sends email itself: they queue it in the table, and the mailer sends it
  # (infra/mailer.tf), so only the mailer's role may call SES.
  functions = {
    # Mails the verification code of the headless login.
    "login" = {
      routes = [
        "POST /backend/authentication/login",
        "POST /_api/iam/authentication/v2/login",
        "POST /wix-sm/api/v1/auth/api/v1/auth/login",
      ]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem", "DeleteItem", "PutItem", "UpdateItem"]
    }
    "register" = {
      routes = [
        "POST /backend/authentication/register",
        "POST /_api/iam/authentication/v2/register",
        "POST /_api/iam/authentication/v2/validate-email",
        "POST /wix-sm/api/v1/auth/api/v1/auth/register",
      ]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchWriteItem", "GetItem", "PutItem", "UpdateItem"]
    }
    "generate-session-token" = {
      routes           = ["POST /backend/authentication/generate-session-token"]
      key_routes       = []
      privileged       = true
      dynamodb_actions = ["GetItem", "PutItem", "UpdateItem"]
    }
    "approve-by-token" = {
      routes           = ["POST /backend/authentication/approve-by-token"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["GetItem", "UpdateItem"]
    }
    "approve-by-email" = {
      routes           = ["POST /backend/authentication/approve-by-email"]
      key_routes       = ["POST /api/v1/members/approve"]
      privileged       = true
      dynamodb_actions = ["GetItem", "UpdateItem"]
    }
    "block-by-email" = {
      routes           = ["POST /backend/authentication/block-by-email"]
      key_routes       = ["POST /api/v1/members/block"]
      privileged       = true
      dynamodb_actions = ["GetItem", "UpdateItem"]
    }
    "send-set-password-email" = {
      routes           = ["POST /backend/authentication/send-set-password-email"]
      key_routes       = ["POST /wix-sm/api/v1/auth/v1/auth/members/send-set-password-email"]
      privileged       = true
      dynamodb_actions = ["GetItem", "PutItem"]
    }
    "change-login-email" = {
      routes           = ["PATCH /backend/members/{id}/login-email"]
      key_routes       = ["PATCH /api/v1/members/{id}/change-login-email"]
      privileged       = true
      dynamodb_actions = ["DeleteItem", "GetItem", "PutItem", "UpdateItem"]
    }
    # Headless (Wix IAM) routes. verify mails the owner's approval request.
    "verify" = {
      routes = [
        "POST /_api/iam/verification/v1/auth/verify",
        "POST /_api/iam/verification/v1/start",
      ]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["GetItem", "PutItem", "UpdateItem"]
    }
    "send-recovery-email" = {
      routes           = ["POST /_api/iam/recovery/v1/send-email"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["GetItem", "PutItem", "UpdateItem"]
    }
    # The page the recovery email links to (GET) and its form (POST), recovery from a
    # site's own page, and a member's own password change (which mails a notice).
    "reset-password" = {
      routes = [
        "GET /recovery/reset-password",
        "POST /recovery/reset-password",
        "POST /_api/iam/recovery/v1/recover",
        "POST /_api/iam/authentication/v2/change-password",
      ]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem", "GetItem", "PutItem", "UpdateItem"]
    }
    "redirect-session" = {
      routes = [
        "POST /_api/redirects-api/v1/redirect-session",
        "POST /redirect-session/v1/redirect-session",
      ]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["PutItem"]
    }
    # OAuth 2 (PKCE) for the clients in var.oauth_clients. authorize without a session
    # token is the hosted page, whose forms post back to it: sign in, sign up (mails
    # the code), verify, resend, forgotten password (mails the link).
    "authorize" = {
      routes           = ["GET /oauth2/authorize", "POST /oauth2/authorize", "GET /oauth2/session"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem", "BatchWriteItem", "DeleteItem", "GetItem", "PutItem", "UpdateItem"]
    }
    "token" = {
      routes           = ["POST /oauth2/token", "POST /_api/iam/authentication/v2/sign-on"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem", "GetItem", "PutItem", "UpdateItem"]
    }
    # Ends the session a logout URL names, and the browser's hosted-page session.
    "logout" = {
      routes = [
        "GET /oauth2/logout",
        "GET /_api/iam/authentication/v1/logout",
      ]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["DeleteItem", "UpdateItem"]
    }
    "current-member" = {
      routes           = ["GET /members/v1/members/my"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem"]
    }
    # The @wix/members members module, the signed-in member's own account: one function
    # per method; each reads the member and its session, and writes the member.
    "update-member" = {
      routes           = ["PATCH /members/v1/members/{id}"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem", "UpdateItem"]
    }
    # Claims the new slug and releases the old one in one transaction.
    "update-my-slug" = {
      routes           = ["POST /members/v1/members/my/slug"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem", "DeleteItem", "PutItem", "UpdateItem"]
    }
    "join-community" = {
      routes           = ["POST /members/v1/members/join-community"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem", "UpdateItem"]
    }
    "leave-community" = {
      routes           = ["POST /members/v1/members/leave-community"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem", "UpdateItem"]
    }
    "delete-member-phones" = {
      routes           = ["DELETE /members/v1/members/{id}/phones"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem", "UpdateItem"]
    }
    "delete-member-emails" = {
      routes           = ["DELETE /members/v1/members/{id}/emails"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem", "UpdateItem"]
    }
    "delete-member-addresses" = {
      routes           = ["DELETE /members/v1/members/{id}/addresses"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem", "UpdateItem"]
    }
    # Erasure: the member index read, batch deletes, and the member, email and slug
    # claims in one transaction.
    "delete-my-member" = {
      routes           = ["DELETE /members/v1/members/my"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem", "BatchWriteItem", "DeleteItem", "Query", "UpdateItem"]
    }
    # The owner's member management (ApiKeyStrategy): public at the gateway, the site
    # API key checked by the function.
    "approve-member" = {
      routes           = []
      key_routes       = ["POST /members/v1/members/{id}/approve"]
      privileged       = true
      dynamodb_actions = ["GetItem", "UpdateItem"]
    }
    "block-member" = {
      routes           = []
      key_routes       = ["POST /members/v1/members/{id}/block"]
      privileged       = true
      dynamodb_actions = ["GetItem", "UpdateItem"]
    }
    "delete-member" = {
      routes           = []
      key_routes       = ["DELETE /members/v1/members/{id}"]
      privileged       = true
      dynamodb_actions = ["BatchWriteItem", "DeleteItem", "GetItem", "Query", "UpdateItem"]
    }
    "update-member-slug" = {
      routes           = []
      key_routes       = ["POST /members/v1/members/{id}/slug"]
      privileged       = true
      dynamodb_actions = ["DeleteItem", "GetItem", "PutItem", "UpdateItem"]
    }
    # Reading members (@wix/members getMember, listMembers, queryMembers): public at the
    # gateway; the function tells the site (API key) from visitors and members, who see
    # only the public directory. Read-only roles.
    "get-member" = {
      routes           = ["GET /members/v1/members/{id}"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem", "GetItem"]
    }
    "list-members" = {
      routes           = ["GET /members/v1/members"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem", "Query"]
    }
    "query-members" = {
      routes           = ["POST /members/v1/members/query"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = ["BatchGetItem", "Query"]
    }
    # The owner's member management, continued: one function per method, each public at
    # the gateway for ApiKeyStrategy (the key is checked in the function).
    "create-member" = {
      routes           = []
      key_routes       = ["POST /members/v1/members"]
      privileged       = true
      dynamodb_actions = ["PutItem", "UpdateItem"]
    }
    "mute-member" = {
      routes           = []
      key_routes       = ["POST /members/v1/members/{id}/mute"]
      privileged       = true
      dynamodb_actions = ["UpdateItem"]
    }
    "unmute-member" = {
      routes           = []
      key_routes       = ["POST /members/v1/members/{id}/unmute"]
      privileged       = true
      dynamodb_actions = ["UpdateItem"]
    }
    "disconnect-member" = {
      routes           = []
      key_routes       = ["POST /members/v1/members/{id}/disconnect"]
      privileged       = true
      dynamodb_actions = ["DeleteItem", "GetItem", "UpdateItem"]
    }
    "bulk-delete-members" = {
      routes           = []
      key_routes       = ["POST /members/v1/members/bulk/delete"]
      privileged       = true
      dynamodb_actions = ["BatchWriteItem", "DeleteItem", "GetItem", "Query", "UpdateItem"]
    }
    "bulk-delete-members-by-filter" = {
      routes           = []
      key_routes       = ["POST /members/v1/members/bulk/delete-by-filter"]
      privileged       = true
      dynamodb_actions = ["BatchGetItem", "BatchWriteItem", "DeleteItem", "GetItem", "Query", "UpdateItem"]
    }
    "bulk-approve-members" = {
      routes           = []
      key_routes       = ["POST /members/v1/members/bulk/approve-by-filter"]
      privileged       = true
      dynamodb_actions = ["BatchGetItem", "GetItem", "Query", "UpdateItem"]
    }
    "bulk-block-members" = {
      routes           = []
      key_routes       = ["POST /members/v1/members/bulk/block-by-filter"]
      privileged       = true
      dynamodb_actions = ["BatchGetItem", "GetItem", "Query", "UpdateItem"]
    }
    "send-activation-email" = {
      routes           = []
      key_routes       = ["POST /_api/iam/recovery/v1/activation-email"]
      privileged       = true
      dynamodb_actions = ["GetItem", "PutItem"]
    }
    # Unknown routes get the contract's 404 envelope rather than API Gateway's own body.
    "not-found" = {
      routes           = ["$default"]
      key_routes       = []
      privileged       = false
      dynamodb_actions = []
    }
  }

  # The listing indexes (shared/src/store/keys.rs listing_index): name => sort attribute.
  listing_indexes = {
    "by-nickname"   = "nicknameKey"
    "by-first-name" = "firstNameKey"
    "by-last-name"  = "lastNameKey"
    "by-created"    = "createdDate"
    "by-updated"    = "updatedDate"
    "by-last-login" = "lastLoginKey"
  }
  table_indexes = concat(["by-member", "by-contact"], keys(local.listing_indexes))

  # Route key => its function, fanned out from local.functions.
  routes = merge([
    for name, fn in local.functions : {
      for route in concat(fn.routes, fn.key_routes) : route => {
        function   = name
        privileged = fn.privileged && !contains(fn.key_routes, route)
        method     = route == "$default" ? "ANY" : split(" ", route)[0]
        path       = try(split(" ", route)[1], "")
        # The route's part of an execute-api ARN: <METHOD>/<path> with path parameters as "*".
        arn_route = route == "$default" ? "$default" : join("", [
          split(" ", route)[0], replace(try(split(" ", route)[1], ""), "/\\{[^}]+\\}/", "*"),
        ])
      }
    }
  ]...)

  function_names = { for name, _ in local.functions : name => "${var.name_prefix}-${name}" }

  # Where the security events' metrics live (infra/alarms.tf).
  metrics_namespace = "MembersAuth/${var.name_prefix}"

  # `cargo lambda build --output-format zip` output; package_dir is relative to infra/.
  packages       = { for name, _ in local.functions : name => "${var.package_dir}/${name}/bootstrap.zip" }
  mailer_package = "${var.package_dir}/mailer/bootstrap.zip"
  mailer_name    = "${var.name_prefix}-mailer"

  # SES checks sending permission on the sender's identity; in the sandbox also on each recipient's.
  mail_identity_arns = concat(
    [aws_sesv2_email_identity.sender.arn, aws_sesv2_configuration_set.this.arn],
    [for id in aws_sesv2_email_identity.sandbox_recipient : id.arn],
  )

  # Where browsers reach the API: links in emails and OAuth redirect sessions point here.
  # The execute-api endpoint is known before any function exists (the API depends on no
  # function), so defaulting to it makes no cycle; set var.public_base_url for a custom domain.
  public_base_url = trimsuffix(coalesce(var.public_base_url, aws_apigatewayv2_api.this.api_endpoint), "/")

  # The OAuth clients as the functions read them (OAUTH_CLIENTS): camelCase JSON.
  oauth_clients_json = jsonencode([
    for client in var.oauth_clients : {
      clientId       = client.client_id
      redirectUris   = client.redirect_uris
      origins        = client.origins
      postLogoutUrls = client.post_logout_urls
    }
  ])

  # CORS: the explicit list, else every origin an OAuth client runs on.
  cors_allowed_origins = length(var.cors_allowed_origins) > 0 ? var.cors_allowed_origins : sort(distinct(flatten([
    for client in var.oauth_clients : client.origins
  ])))

  # "Site <noreply@example.com>" or a bare address.
  mail_from_address = lower(try(regex("<([^>]+)>", var.mail_from)[0], trimspace(var.mail_from)))

  # Every function's settings (the mailer's too: it seals and opens with the same keys).
  function_environment = {
    MEMBERS_TABLE             = aws_dynamodb_table.members.name
    SECRETS_ARN               = aws_secretsmanager_secret.app.arn
    APPROVAL_MODE             = var.approval_mode
    OWNER_EMAIL               = var.owner_email
    MAIL_FROM                 = var.mail_from
    APPROVAL_LINK_URL         = var.approval_link_url
    SITE_NAME                 = var.site_name
    SITE_LANGUAGE             = var.site_language
    BRAND_LOGO_URL            = var.brand_logo_url
    BRAND_ACCENT_COLOR        = var.brand_accent_color
    SUPPORT_EMAIL             = var.support_email
    TERMS_URL                 = var.terms_url
    PRIVACY_URL               = var.privacy_url
    TEMPLATE_DIR              = var.templates_zip == "" ? "" : "/opt/templates"
    PASSWORD_MIN_LENGTH       = tostring(var.password_min_length)
    ARGON2_MEMORY_KIB         = tostring(var.argon2_memory_kib)
    ARGON2_ITERATIONS         = tostring(var.argon2_iterations)
    ARGON2_PARALLELISM        = tostring(var.argon2_parallelism)
    SESSION_TOKEN_TTL_SECONDS = tostring(var.session_token_ttl_seconds)
    SES_CONFIGURATION_SET     = aws_sesv2_configuration_set.this.configuration_set_name
    EMAIL_VERIFICATION        = var.email_verification
    PUBLIC_BASE_URL           = local.public_base_url
    OAUTH_CLIENTS             = local.oauth_clients_json
    CAPTCHA_MODE              = var.captcha_mode
    CAPTCHA_VERIFY_URL        = var.captcha_verify_url
    CAPTCHA_SITE_KEY          = var.captcha_site_key
    CAPTCHA_SCRIPT_URL        = var.captcha_script_url
    RUST_LOG                  = var.rust_log
  }
}
