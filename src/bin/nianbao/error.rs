//! The one error a command returns: printed once by `main`, which takes
//! the exit code from it. Exit codes are decided here and nowhere else.

use std::fmt;
use std::path::Path;

use nianbao::pipeline::{Refusal, Stop, Verdict};

/// Why a command did not finish, as the whole message to print.
#[derive(Debug)]
pub enum Error {
    /// The input was refused: invalid, inconsistent, unprintable, or not
    /// importable (exit 1).
    Refused(String),
    /// Usage, reading or writing, or the machine (exit 2).
    Failed(String),
}

impl Error {
    /// The input at `path` was refused.
    pub fn refused(path: &Path, why: impl fmt::Display) -> Error {
        Error::Refused(format!("{}：{why}", path.display()))
    }

    /// Something about `path` failed that is not the input's fault.
    pub fn failed(path: &Path, why: impl fmt::Display) -> Error {
        Error::Failed(format!("{}：{why}", path.display()))
    }

    /// The door stopped at `path`: refused or failed as its verdict says.
    pub fn stopped(path: &Path, stop: &Stop) -> Error {
        match stop {
            Stop::Refused(Refusal::Inconsistent) => {
                Error::refused(path, format!("{stop}；如需照原样重排已发布的报告，请加 --allow-inconsistent"))
            }
            _ if stop.verdict() == Verdict::Failed => Error::failed(path, stop),
            _ => Error::refused(path, stop),
        }
    }

    /// A usage error not tied to one file.
    pub fn usage(why: impl fmt::Display) -> Error {
        Error::Failed(format!("错误：{why}"))
    }

    /// 0 done, 1 the input was refused, 2 usage or I/O.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Refused(_) => 1,
            Error::Failed(_) => 2,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Refused(m) | Error::Failed(m) => f.write_str(m),
        }
    }
}
