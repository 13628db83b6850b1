//! Input errors that say where (JSON path, line, column) and what, in the
//! words of a report writer.

use std::fmt;

/// A report that cannot be read: malformed JSON, a wrong type, a missing or
/// unknown key, a value out of range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// JSON pointer of the offending value (`/applications/received/0`);
    /// empty for the document itself.
    pub path: String,
    /// 1-based line and column (in characters) in the input text.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "/" } else { &self.path };
        write!(f, "第 {} 行第 {} 列（{}）：{}", self.line, self.column, path, self.message)
    }
}

impl std::error::Error for InputError {}

/// Turns serde's English phrasing into the report writer's words. Our own
/// visitors already speak Chinese; what reaches here untranslated is
/// serde_json's syntax errors and serde's generic type errors.
pub(super) fn translate(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let msg = match text.rsplit_once(" at line ") {
        Some((msg, _)) if err.line() > 0 => msg,
        _ => text.as_str(),
    };
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("类型不对：这里应为{expected}，实际写的是{}", kind_of(found));
        }
    }
    if let Some(rest) = msg.strip_prefix("invalid value: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("取值不对：这里应为{expected}，实际写的是{}", kind_of(found));
        }
    }
    let syntax = match msg {
        m if m.starts_with("EOF while parsing") => "文件在这里意外结束，JSON 不完整（缺少结尾的括号或引号？）",
        "expected `,` or `}`" => "这里应为逗号“,”或右花括号“}”",
        "expected `,` or `]`" => "这里应为逗号“,”或右方括号“]”",
        "expected `:`" => "这里应为冒号“:”",
        "expected value" => "这里应为一个值（数字、字符串、null、数组或对象）",
        "expected ident" => "这里有无法识别的词（true、false、null 须小写，字符串须加双引号）",
        "key must be a string" => "对象的键必须是带双引号的字符串",
        "trailing characters" => "JSON 结束后还有多余的内容",
        "trailing comma" => "多余的逗号（最后一项后面不能有逗号）",
        "number out of range" => "数字超出范围",
        "invalid number" => "数字写法不对",
        "recursion limit exceeded" => "嵌套层数太深",
        "invalid escape" => "字符串里的反斜杠转义写法不对（反斜杠本身要写成 \\\\）",
        "invalid unicode code point" => "字符串里有无效的 \\u 转义",
        m if m.starts_with("control character") => "字符串里有未转义的控制字符（如直接换行），请写成 \\n",
        m if m.contains("surrogate") => "字符串里有无效的 \\u 代理对转义",
        _ => return msg.to_string(),
    };
    format!("JSON 格式错误：{syntax}")
}

/// serde's description of a found value, in Chinese.
fn kind_of(found: &str) -> String {
    let pairs = [("string ", "字符串 "), ("integer ", "整数 "), ("floating point ", "小数 "), ("boolean ", "布尔值 ")];
    for (en, zh) in pairs {
        if let Some(rest) = found.strip_prefix(en) {
            return format!("{zh}{}", rest.trim_matches('`'));
        }
    }
    match found {
        "map" => "对象 {…}".into(),
        "sequence" => "数组 […]".into(),
        "null" | "unit value" => "null".into(),
        other => other.into(),
    }
}
