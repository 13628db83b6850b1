//! What a handler takes from a request, refused as a [`DeskError`]: the
//! body as bytes or UTF-8 text, a JSON body (its problem named by JSON
//! path, line and column), a value of the address, its query.

use axum::body::Bytes;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;
use std::time::Duration;

use super::DeskError;

/// The body as bytes, within the desk's 2 MiB, and within the request's
/// [`BodyTimeout`] if it has one.
pub struct Body(pub Bytes);

/// How long a request's body may take to arrive, whole (a request
/// extension the server sets on every request).
#[derive(Clone, Copy, Debug)]
pub struct BodyTimeout(pub Duration);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = DeskError;

    async fn from_request(request: Request, state: &S) -> Result<Body, DeskError> {
        let limit = request.extensions().get::<BodyTimeout>().map(|t| t.0);
        let read = Bytes::from_request(request, state);
        let read = match limit {
            Some(limit) => tokio::time::timeout(limit, read)
                .await
                .map_err(|_| DeskError::Timeout(limit.as_secs_f64().ceil() as u64))?,
            None => read.await,
        };
        read.map(Body).map_err(|e| match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => DeskError::TooLarge,
            _ => DeskError::request(format!("请求的内容读不完整：{}", e.body_text())),
        })
    }
}

/// The body as UTF-8 text.
pub struct Text(pub String);

impl<S: Send + Sync> FromRequest<S> for Text {
    type Rejection = DeskError;

    async fn from_request(request: Request, state: &S) -> Result<Text, DeskError> {
        let Body(bytes) = Body::from_request(request, state).await?;
        String::from_utf8(bytes.into()).map(Text).map_err(|_| DeskError::NotText)
    }
}

/// A JSON body; what is wrong with it is said with its JSON path, line
/// and column.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = DeskError;

    async fn from_request(request: Request, state: &S) -> Result<JsonBody<T>, DeskError> {
        let Text(text) = Text::from_request(request, state).await?;
        json_body(&text).map(JsonBody)
    }
}

/// Reads a request's JSON, or says where and what is wrong.
pub fn json_body<T: DeserializeOwned>(text: &str) -> Result<T, DeskError> {
    let refused = |path: String, e: &serde_json::Error| DeskError::Request {
        message: format!("请求读不懂：{}", in_words(e)),
        path: Some(path),
        line: Some(e.line()),
        column: Some(e.column()),
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e
            .path()
            .iter()
            .filter_map(|s| match s {
                Segment::Seq { index } => Some(format!("/{index}")),
                Segment::Map { key } => Some(format!("/{}", key.replace('~', "~0").replace('/', "~1"))),
                Segment::Enum { variant } => Some(format!("/{variant}")),
                Segment::Unknown => None,
            })
            .collect();
        refused(path, e.inner())
    })?;
    // Nothing but white space after it.
    deserializer.end().map_err(|e| refused(String::new(), &e))?;
    Ok(value)
}

/// serde_json's message in the writer's words.
fn in_words(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let text = e.to_string();
    let message = text.rsplit_once(" at line ").map_or(text.as_str(), |(m, _)| m);
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or(s).to_string();
    match e.classify() {
        Category::Eof => "JSON 不完整（缺少结尾的括号或引号？）".into(),
        Category::Syntax => "不是合法的 JSON".into(),
        Category::Io => "读取出错".into(),
        Category::Data => {
            if let Some(rest) = message.strip_prefix("missing field ") {
                format!("缺少“{}”", quoted(rest))
            } else if let Some(rest) = message.strip_prefix("unknown field ") {
                format!("不认识“{}”", quoted(rest.split(',').next().unwrap_or(rest)))
            } else if let Some(rest) = message.strip_prefix("invalid type: ") {
                let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
                format!("类型不对：这里应为{}，实际是{}", kind(expected), kind(found))
            } else if message.starts_with("invalid value") {
                "取值不对".into()
            } else {
                message.into()
            }
        }
    }
}

/// A serde type or value description, in words.
fn kind(description: &str) -> &'static str {
    let d = description.trim_start_matches("a ").trim_start_matches("an ");
    match d {
        _ if d.starts_with("string") => "字符串",
        _ if d.starts_with("integer") || d.starts_with("i64") || d.starts_with("u64") || d.starts_with("i32") => "整数",
        _ if d.starts_with("floating point") || d.starts_with("f64") => "数字",
        _ if d.starts_with("boolean") || d.starts_with("bool") => "true 或 false",
        _ if d.starts_with("null") || d.starts_with("unit") => "null",
        _ if d.starts_with("sequence") => "数组",
        _ if d.starts_with("map") || d.starts_with("struct") => "对象",
        _ => "别的类型",
    }
}

/// The value of the address's one parameter, deserialized; a value that
/// does not fit is refused in words (a type's own message, if it has one).
pub struct Param<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Param<T> {
    type Rejection = DeskError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Param<T>, DeskError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Param(value)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => Err(DeskError::request(match e.into_kind() {
                ErrorKind::DeserializeError { message, .. } | ErrorKind::Message(message) => message,
                ErrorKind::InvalidUtf8InPathParam { .. } => "地址里有不是 UTF-8 的字符".into(),
                ErrorKind::ParseError { value, .. }
                | ErrorKind::ParseErrorAtKey { value, .. }
                | ErrorKind::ParseErrorAtIndex { value, .. } => format!("地址里的“{value}”不对"),
                _ => "地址不对".into(),
            })),
            Err(_) => Err(DeskError::request("地址不对")),
        }
    }
}

/// The address's query, deserialized.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = DeskError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Params<T>, DeskError> {
        Query::try_from_uri(&parts.uri).map(|Query(q)| Params(q)).map_err(|e| {
            // What is wrong with which value, after axum's own words.
            let text = e.body_text();
            let why = text.split_once(": ").map_or(text.as_str(), |(_, why)| why);
            DeskError::request(format!("地址的参数不对（{}）：{why}", parts.uri.query().unwrap_or("")))
        })
    }
}
