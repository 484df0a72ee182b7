//! An in-memory stand-in for DynamoDB and SES v2, answering the AWS SDK in process.
//!
//! It plugs in where the HTTPS client would (`SdkConfig::http_client`), so a benchmark
//! runs every line of the real store (request building, serialisation, signing, parsing)
//! with no socket and no server: what is left is the handlers' own cost. It understands
//! the requests `members_auth::store` sends (GetItem, PutItem, UpdateItem, DeleteItem,
//! BatchGetItem, TransactWriteItems with the condition and update expressions that store
//! writes) and answers anything else with an error, loudly; it is not a DynamoDB.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use aws_smithy_runtime_api::client::{
    http::{
        HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
    },
    orchestrator::{HttpRequest, HttpResponse},
    result::ConnectorError,
    runtime_components::RuntimeComponents,
};
use aws_smithy_types::body::SdkBody;
use serde_json::{Map, Value, json};

/// An item in DynamoDB's JSON form: attribute name → `{"S": ..}` / `{"N": ..}` / `{"BOOL": ..}`.
type Item = Map<String, Value>;

#[derive(Clone, Debug, Default)]
pub struct MemoryAws {
    items: Arc<Mutex<HashMap<String, Item>>>,
}

impl MemoryAws {
    pub fn len(&self) -> usize {
        self.items
            .lock()
            .map(|items| items.len())
            .unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl HttpClient for MemoryAws {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

impl HttpConnector for MemoryAws {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let body: Value = request
            .body()
            .bytes()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or(Value::Null);
        let answer = match request.headers().get("x-amz-target") {
            Some(target) => {
                let operation = target.rsplit('.').next().unwrap_or_default().to_string();
                let mut items = match self.items.lock() {
                    Ok(items) => items,
                    Err(poisoned) => poisoned.into_inner(),
                };
                dynamodb(&mut items, &operation, &body)
            }
            // SES v2 is REST: the one call the store's mailer makes.
            None if request.uri().ends_with("/v2/email/outbound-emails") => {
                Ok(json!({ "MessageId": "memory" }))
            }
            None => Err(failure("UnknownOperationException", request.uri())),
        };
        let (status, body) = match answer {
            Ok(body) => (200, body),
            Err(body) => (400, body),
        };
        let mut response = HttpResponse::new(
            status.try_into().expect("valid status"),
            SdkBody::from(body.to_string()),
        );
        response
            .headers_mut()
            .insert("content-type", "application/x-amz-json-1.0");
        HttpConnectorFuture::ready(Ok::<_, ConnectorError>(response))
    }
}

fn failure(kind: &str, message: &str) -> Value {
    json!({ "__type": format!("com.amazonaws.dynamodb.v20120810#{kind}"), "message": message })
}

fn pk_of(key: &Value) -> Result<String, Value> {
    key["pk"]["S"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| failure("ValidationException", "the key has no string pk"))
}

/// The names and values an expression refers to.
struct Context<'a> {
    names: &'a Value,
    values: &'a Value,
}

impl Context<'_> {
    fn of(request: &Value) -> Context<'_> {
        Context {
            names: &request["ExpressionAttributeNames"],
            values: &request["ExpressionAttributeValues"],
        }
    }

    fn name(&self, token: &str) -> String {
        match token.strip_prefix('#') {
            Some(_) => self.names[token].as_str().unwrap_or(token).to_string(),
            None => token.to_string(),
        }
    }

    /// An operand's value: `:value`, or an attribute of `item` (absent: `None`).
    fn operand(&self, token: &str, item: Option<&Item>) -> Option<Value> {
        if token.starts_with(':') {
            return Some(self.values[token].clone());
        }
        item.and_then(|i| i.get(&self.name(token)).cloned())
    }
}

fn dynamodb(
    items: &mut HashMap<String, Item>,
    operation: &str,
    request: &Value,
) -> Result<Value, Value> {
    match operation {
        "GetItem" => {
            let pk = pk_of(&request["Key"])?;
            Ok(match items.get(&pk) {
                Some(item) => json!({ "Item": item }),
                None => json!({}),
            })
        }
        "BatchGetItem" => {
            let mut responses = Map::new();
            let tables = request["RequestItems"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            for (table, wanted) in tables {
                let mut found = Vec::new();
                for key in wanted["Keys"].as_array().into_iter().flatten() {
                    if let Some(item) = items.get(&pk_of(key)?) {
                        found.push(Value::Object(item.clone()));
                    }
                }
                responses.insert(table, Value::Array(found));
            }
            Ok(json!({ "Responses": responses, "UnprocessedKeys": {} }))
        }
        "PutItem" | "UpdateItem" | "DeleteItem" => {
            let write = Write::parse(operation, request)?;
            let old = items.get(&write.pk).cloned();
            if !write.condition_holds(old.as_ref())? {
                let mut error = failure(
                    "ConditionalCheckFailedException",
                    "The conditional request failed",
                );
                if request["ReturnValuesOnConditionCheckFailure"] == "ALL_OLD"
                    && let Some(old) = &old
                {
                    error["Item"] = Value::Object(old.clone());
                }
                return Err(error);
            }
            let new = write.apply(old.as_ref())?;
            let answer = match request["ReturnValues"].as_str() {
                Some("ALL_OLD") => old.map(|o| json!({ "Attributes": o })),
                Some("ALL_NEW" | "UPDATED_NEW") => new.clone().map(|n| json!({ "Attributes": n })),
                _ => None,
            };
            store(items, &write.pk, new);
            Ok(answer.unwrap_or_else(|| json!({})))
        }
        "TransactWriteItems" => {
            let mut writes = Vec::new();
            for step in request["TransactItems"].as_array().into_iter().flatten() {
                let (kind, body) = step
                    .as_object()
                    .and_then(|o| o.iter().next())
                    .ok_or_else(|| failure("ValidationException", "empty transaction step"))?;
                let operation = match kind.as_str() {
                    "Put" => "PutItem",
                    "Update" => "UpdateItem",
                    "Delete" => "DeleteItem",
                    other => return Err(failure("ValidationException", other)),
                };
                writes.push(Write::parse(operation, body)?);
            }
            let mut reasons = Vec::new();
            for write in &writes {
                let holds = write.condition_holds(items.get(&write.pk))?;
                reasons.push(if holds {
                    "None"
                } else {
                    "ConditionalCheckFailed"
                });
            }
            if reasons.iter().any(|r| *r != "None") {
                let mut error = failure(
                    "TransactionCanceledException",
                    &format!("Transaction cancelled [{}]", reasons.join(", ")),
                );
                error["CancellationReasons"] =
                    reasons.iter().map(|code| json!({ "Code": code })).collect();
                return Err(error);
            }
            for write in &writes {
                let new = write.apply(items.get(&write.pk))?;
                store(items, &write.pk, new);
            }
            Ok(json!({}))
        }
        other => Err(failure("UnknownOperationException", other)),
    }
}

fn store(items: &mut HashMap<String, Item>, pk: &str, new: Option<Item>) {
    match new {
        Some(item) => items.insert(pk.to_string(), item),
        None => items.remove(pk),
    };
}

/// One write, alone or as a transaction step.
struct Write<'a> {
    pk: String,
    kind: &'a str,
    request: &'a Value,
}

impl<'a> Write<'a> {
    fn parse(kind: &'a str, request: &'a Value) -> Result<Self, Value> {
        let key = if kind == "PutItem" {
            &request["Item"]
        } else {
            &request["Key"]
        };
        Ok(Self {
            pk: pk_of(key)?,
            kind,
            request,
        })
    }

    fn condition_holds(&self, old: Option<&Item>) -> Result<bool, Value> {
        match self.request["ConditionExpression"].as_str() {
            None => Ok(true),
            Some(expression) => {
                let tokens = tokenize(expression);
                let mut parser = Parser {
                    tokens: &tokens,
                    at: 0,
                    context: Context::of(self.request),
                    item: old,
                };
                let holds = parser.or()?;
                match parser.at == tokens.len() {
                    true => Ok(holds),
                    false => Err(failure("ValidationException", expression)),
                }
            }
        }
    }

    /// The item after this write (`None`: deleted).
    fn apply(&self, old: Option<&Item>) -> Result<Option<Item>, Value> {
        match self.kind {
            "PutItem" => Ok(self.request["Item"].as_object().cloned()),
            "DeleteItem" => Ok(None),
            _ => {
                let mut item = old.cloned().unwrap_or_else(|| {
                    Map::from_iter([("pk".to_string(), self.request["Key"]["pk"].clone())])
                });
                let expression = self.request["UpdateExpression"]
                    .as_str()
                    .unwrap_or_default();
                update(&mut item, &tokenize(expression), &Context::of(self.request))?;
                Ok(Some(item))
            }
        }
    }
}

fn tokenize(expression: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut chars = expression.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || matches!(c, '_' | '#' | ':') {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            tokens.push(std::mem::take(&mut word));
        }
        match c {
            '<' | '>' if chars.peek() == Some(&'=') || (c == '<' && chars.peek() == Some(&'>')) => {
                let next = chars.next().unwrap_or_default();
                tokens.push(format!("{c}{next}"));
            }
            c if c.is_whitespace() => {}
            c => tokens.push(c.to_string()),
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    tokens
}

/// Condition expressions: `OR` of `AND`s of comparisons, `IN` lists,
/// `attribute_exists` / `attribute_not_exists` and parentheses.
struct Parser<'a> {
    tokens: &'a [String],
    at: usize,
    context: Context<'a>,
    item: Option<&'a Item>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }

    fn next(&mut self) -> Result<String, Value> {
        let token = self
            .tokens
            .get(self.at)
            .cloned()
            .ok_or_else(|| failure("ValidationException", "expression ends too soon"))?;
        self.at += 1;
        Ok(token)
    }

    fn expect(&mut self, wanted: &str) -> Result<(), Value> {
        match self.next()? {
            token if token == wanted => Ok(()),
            token => Err(failure(
                "ValidationException",
                &format!("{wanted} expected, got {token}"),
            )),
        }
    }

    fn or(&mut self) -> Result<bool, Value> {
        let mut holds = self.and()?;
        while self.peek() == Some("OR") {
            self.at += 1;
            holds |= self.and()?;
        }
        Ok(holds)
    }

    fn and(&mut self) -> Result<bool, Value> {
        let mut holds = self.primary()?;
        while self.peek() == Some("AND") {
            self.at += 1;
            holds &= self.primary()?;
        }
        Ok(holds)
    }

    fn primary(&mut self) -> Result<bool, Value> {
        let first = self.next()?;
        if first == "(" {
            let holds = self.or()?;
            self.expect(")")?;
            return Ok(holds);
        }
        if first == "attribute_exists" || first == "attribute_not_exists" {
            self.expect("(")?;
            let token = self.next()?;
            let name = self.context.name(&token);
            self.expect(")")?;
            let exists = self.item.is_some_and(|i| i.contains_key(&name));
            return Ok(exists == (first == "attribute_exists"));
        }
        let left = self.context.operand(&first, self.item);
        let operator = self.next()?;
        if operator == "IN" {
            self.expect("(")?;
            let mut found = false;
            loop {
                let token = self.next()?;
                let candidate = self.context.operand(&token, self.item);
                found |= left.is_some() && left == candidate;
                match self.next()?.as_str() {
                    "," => continue,
                    ")" => break,
                    other => return Err(failure("ValidationException", other)),
                }
            }
            return Ok(found);
        }
        let token = self.next()?;
        let right = self.context.operand(&token, self.item);
        let (Some(left), Some(right)) = (left, right) else {
            return Ok(false);
        };
        let order = compare(&left, &right);
        Ok(match operator.as_str() {
            "=" => left == right,
            "<>" => left != right,
            "<" => order == Some(std::cmp::Ordering::Less),
            "<=" => order.is_some_and(|o| o.is_le()),
            ">" => order == Some(std::cmp::Ordering::Greater),
            ">=" => order.is_some_and(|o| o.is_ge()),
            other => return Err(failure("ValidationException", other)),
        })
    }
}

fn number(value: &Value) -> Option<f64> {
    value["N"].as_str().and_then(|n| n.parse().ok())
}

fn compare(left: &Value, right: &Value) -> Option<std::cmp::Ordering> {
    match (number(left), number(right)) {
        (Some(l), Some(r)) => l.partial_cmp(&r),
        _ => match (left["S"].as_str(), right["S"].as_str()) {
            (Some(l), Some(r)) => Some(l.cmp(r)),
            _ => None,
        },
    }
}

/// Update expressions: `SET a = operand [+ operand], ...` and `ADD a :n, ...`, in any order.
fn update(item: &mut Item, tokens: &[String], context: &Context) -> Result<(), Value> {
    let mut at = 0;
    let mut clause = "";
    while at < tokens.len() {
        match tokens[at].as_str() {
            "SET" | "ADD" => {
                clause = if tokens[at] == "SET" { "SET" } else { "ADD" };
                at += 1;
                continue;
            }
            "," => {
                at += 1;
                continue;
            }
            _ => {}
        }
        let name = context.name(&tokens[at]);
        match clause {
            "SET" => {
                if tokens.get(at + 1).map(String::as_str) != Some("=") {
                    return Err(failure("ValidationException", "SET needs ="));
                }
                let mut value = context
                    .operand(&tokens[at + 2], Some(item))
                    .ok_or_else(|| failure("ValidationException", "SET of a missing attribute"))?;
                at += 3;
                if tokens.get(at).map(String::as_str) == Some("+") {
                    let addend = context
                        .operand(&tokens[at + 1], Some(item))
                        .ok_or_else(|| {
                            failure("ValidationException", "+ of a missing attribute")
                        })?;
                    value = sum(&value, &addend)?;
                    at += 2;
                }
                item.insert(name, value);
            }
            "ADD" => {
                let addend = context
                    .operand(&tokens[at + 1], None)
                    .ok_or_else(|| failure("ValidationException", "ADD needs a value"))?;
                let value = match item.get(&name) {
                    Some(current) => sum(current, &addend)?,
                    None => addend,
                };
                item.insert(name, value);
                at += 2;
            }
            _ => return Err(failure("ValidationException", "update without SET or ADD")),
        }
    }
    Ok(())
}

fn sum(left: &Value, right: &Value) -> Result<Value, Value> {
    match (number(left), number(right)) {
        (Some(l), Some(r)) => Ok(json!({ "N": (l + r).to_string() })),
        _ => Err(failure("ValidationException", "+ of non-numbers")),
    }
}
