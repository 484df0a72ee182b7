terraform {
  required_version = ">= 1.6.0, < 2.0.0"

  # Exact pins: an upgrade is a reviewed change, never a side effect of `init`.
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "6.32.1"
    }
    random = {
      source  = "hashicorp/random"
      version = "3.8.1"
    }
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = merge({ Application = var.name_prefix }, var.tags)
  }
}
