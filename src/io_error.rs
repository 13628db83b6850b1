//! What the operating system said, in the report writer's words: a file
//! error named in Chinese, the system's own text kept after it for
//! whoever has to look further.

use std::io::{Error, ErrorKind};

/// An I/O error as a message: `没有这个文件或文件夹（No such file or
/// directory (os error 2)）`.
pub fn describe(e: &Error) -> String {
    let what = match e.kind() {
        ErrorKind::NotFound => "没有这个文件或文件夹",
        ErrorKind::PermissionDenied => "没有权限",
        ErrorKind::AlreadyExists => "已经存在同名的文件或文件夹",
        ErrorKind::IsADirectory => "这是一个文件夹，不是文件",
        ErrorKind::NotADirectory => "路径中有一段是文件，不是文件夹",
        ErrorKind::DirectoryNotEmpty => "文件夹不是空的",
        ErrorKind::StorageFull => "磁盘已满",
        ErrorKind::ReadOnlyFilesystem => "磁盘是只读的",
        ErrorKind::InvalidData => "内容无法读取",
        ErrorKind::InvalidFilename => "文件名不合规",
        ErrorKind::BrokenPipe => "输出已被关闭",
        ErrorKind::TimedOut => "超时",
        ErrorKind::Interrupted => "被中断",
        _ => return format!("系统报错（{e}）"),
    };
    format!("{what}（{e}）")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_missing_file_is_named_in_chinese_with_the_system_text() {
        let e = std::fs::read("/nonexistent/nianbao").unwrap_err();
        let text = super::describe(&e);
        assert!(text.starts_with("没有这个文件或文件夹（") && text.contains("os error 2"), "{text}");
    }
}
