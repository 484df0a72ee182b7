# Single-table design: every item is addressed by its partition key alone
# (MEMBER#<id>, EMAIL#<address>, REFRESH#<hash>, ...; shared/src/store/keys.rs). One
# sparse index finds every item that names a member (memberId), for erasure; one finds a
# member by contact id; six list members (partition facet = <status>#<privacy>), each in
# the order of one sort field, for listMembers/queryMembers. All keys only.
resource "aws_dynamodb_table" "members" {
  #checkov:skip=CKV_AWS_119:Encrypted at rest with the AWS managed key aws/dynamodb; a customer-managed key would add cost and key-policy upkeep for no extra consumer.
  name                        = var.table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  deletion_protection_enabled = var.table_deletion_protection

  # Keys only: the mailer (infra/mailer.tf) learns which MAIL# item is new and reads
  # the sealed email from the table, so no email passes through the stream.
  stream_enabled   = true
  stream_view_type = "KEYS_ONLY"

  attribute {
    name = "pk"
    type = "S"
  }

  dynamic "attribute" {
    for_each = toset(concat(["memberId", "contactId", "facet"], values(local.listing_indexes)))

    content {
      name = attribute.value
      type = "S"
    }
  }

  global_secondary_index {
    name            = "by-member"
    hash_key        = "memberId"
    range_key       = "pk"
    projection_type = "KEYS_ONLY"
  }

  global_secondary_index {
    name            = "by-contact"
    hash_key        = "contactId"
    projection_type = "KEYS_ONLY"
  }

  dynamic "global_secondary_index" {
    for_each = local.listing_indexes

    content {
      name            = global_secondary_index.key
      hash_key        = "facet"
      range_key       = global_secondary_index.value
      projection_type = "KEYS_ONLY"
    }
  }

  # Housekeeping only: TTL deletes up to days late, so the code checks expiry itself.
  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }
}
