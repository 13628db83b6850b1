//! Why the desk did not do what the page asked: one error type for every
//! endpoint, answered as `{"error": "…", "path": "…", "line": N}` (path,
//! line and column where there are some) with the status that fits.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use crate::model::InputError;
use crate::pipeline::{ReadError, Stop, Verdict};

/// Everything the desk can refuse or fail at, in the writer's words.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// Not a plain `*.json` name in the folder.
    #[error("文件名只能是一个不以点开头、以 .json 结尾的名字")]
    Name,
    /// No such report in the folder.
    #[error("没有 {0}")]
    NotFound(String),
    /// The name is in the folder but is not a regular file (a symbolic
    /// link, a folder, a device).
    #[error("{0} 不是本文件夹里的普通文件（例如是符号链接），不能读取或写入")]
    NotAFile(String),
    /// A request body that is not UTF-8.
    #[error("内容不是 UTF-8 文本")]
    NotText,
    /// A body over the contract's 2 MiB.
    #[error("内容超过 2 MiB 的上限")]
    TooLarge,
    /// A file of the folder over the contract's 2 MiB: refused by its
    /// size, unread.
    #[error("{0} 超过 2 MiB 的上限，不能打开")]
    FileTooLarge(String),
    /// A body that did not arrive in time.
    #[error("请求的内容没有在限定的 {0} 秒内传完")]
    Timeout(u64),
    /// The text is not a report (yet): the contract's message and where.
    #[error("{message}")]
    Invalid { message: String, path: Option<String>, line: Option<usize>, column: Option<usize> },
    /// The request itself cannot be understood (its JSON, a value in the
    /// address), with where when there is a where.
    #[error("{message}")]
    Request { message: String, path: Option<String>, line: Option<usize>, column: Option<usize> },
    /// The file changed on disk since the page opened it.
    #[error("文件在打开后被别处改过，没有覆盖；请另存为其他名字")]
    Changed,
    /// A new name that already exists.
    #[error("已有同名文件，没有覆盖；请换一个名字")]
    Exists,
    /// A draft of a version that is no longer the file's (saved since).
    #[error("草稿不是按文件现在的版本写的（文件已保存或被改过），没有写入")]
    StaleDraft,
    /// The report's checks refuse it (a download not confirmed, a
    /// character no font has).
    #[error("{0}")]
    Refused(String),
    /// No token, another `Host`, a write from another `Origin`.
    #[error("{0}")]
    Forbidden(String),
    /// Not signed in, or the session is over (the office).
    #[error("{0}")]
    SignIn(String),
    /// Too many failed sign-ins: try again later (the office).
    #[error("{0}")]
    TooMany(String),
    /// Someone else saved the report since this version was opened: the
    /// save is refused and theirs is sent back beside it (the office).
    #[error("{message}")]
    Clash { message: String, theirs: Value },
    /// The machine's fault: I/O, a task that panicked.
    #[error("{0}")]
    Internal(String),
}

impl DeskError {
    /// A request that cannot be understood, with no where.
    pub fn request(message: impl Into<String>) -> DeskError {
        DeskError::Request { message: message.into(), path: None, line: None, column: None }
    }

    /// A request refused for its value at JSON path `path`.
    pub fn request_at(path: &str, message: impl Into<String>) -> DeskError {
        DeskError::Request { message: message.into(), path: Some(path.into()), line: None, column: None }
    }

    /// A text that is not a report for its value at JSON path `path`.
    pub fn invalid_at(path: &str, message: impl Into<String>) -> DeskError {
        DeskError::Invalid { message: message.into(), path: Some(path.into()), line: None, column: None }
    }

    /// A text that is not a report, with no where.
    pub fn invalid(message: impl Into<String>) -> DeskError {
        DeskError::Invalid { message: message.into(), path: None, line: None, column: None }
    }

    /// The HTTP status the page gets.
    pub fn status(&self) -> StatusCode {
        match self {
            DeskError::Name | DeskError::NotAFile(_) | DeskError::NotText | DeskError::Request { .. } => {
                StatusCode::BAD_REQUEST
            }
            DeskError::Forbidden(_) => StatusCode::FORBIDDEN,
            DeskError::SignIn(_) => StatusCode::UNAUTHORIZED,
            DeskError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            DeskError::NotFound(_) => StatusCode::NOT_FOUND,
            DeskError::TooLarge | DeskError::FileTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            DeskError::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
            DeskError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            DeskError::Changed
            | DeskError::Exists
            | DeskError::StaleDraft
            | DeskError::Refused(_)
            | DeskError::Clash { .. } => StatusCode::CONFLICT,
            DeskError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The JSON the page gets.
    pub fn body(&self) -> Value {
        let mut out = Map::new();
        out.insert("error".into(), json!(self.to_string()));
        if let DeskError::Invalid { path, line, column, .. } | DeskError::Request { path, line, column, .. } = self {
            if let Some(path) = path {
                out.insert("path".into(), json!(path));
            }
            for (key, n) in [("line", line), ("column", column)] {
                if let Some(n) = n {
                    out.insert(key.into(), json!(n));
                }
            }
        }
        if let DeskError::Clash { theirs, .. } = self {
            out.insert("theirs".into(), theirs.clone());
        }
        Value::Object(out)
    }
}

impl IntoResponse for DeskError {
    fn into_response(self) -> Response {
        (self.status(), Json(self.body())).into_response()
    }
}

impl From<InputError> for DeskError {
    fn from(e: InputError) -> DeskError {
        DeskError::Invalid { message: e.message, path: Some(e.path), line: Some(e.line), column: Some(e.column) }
    }
}

/// A blocking task that panicked or was cancelled.
impl From<tokio::task::JoinError> for DeskError {
    fn from(e: tokio::task::JoinError) -> DeskError {
        DeskError::Internal(if e.is_panic() {
            "服务内部出错，这次操作没有完成".into()
        } else {
            "操作被取消".into()
        })
    }
}

/// The door's verdict as the page gets it: a refusal by the checks is a
/// conflict the writer may confirm past, an input that is not a report is
/// invalid (with where, for JSON), the rest the machine's fault.
impl From<Stop> for DeskError {
    fn from(stop: Stop) -> DeskError {
        match stop {
            Stop::Read(ReadError::Input(e)) => e.into(),
            Stop::Refused(refusal) => DeskError::Refused(refusal.to_string()),
            stop if stop.verdict() == Verdict::Refused => DeskError::invalid(stop.to_string()),
            stop => DeskError::Internal(stop.to_string()),
        }
    }
}

impl From<std::io::Error> for DeskError {
    fn from(e: std::io::Error) -> DeskError {
        DeskError::Internal(format!("读写文件出错：{e}"))
    }
}
