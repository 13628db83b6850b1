//! The command line in Chinese: clap's own words (headings, the help and
//! version flags, its error messages) said as the rest of nianbao says
//! things, for the office staff who use it.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// The help page's layout, in Chinese.
const TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// `cmd` and its subcommands with Chinese headings and help flags.
pub fn command(cmd: Command) -> Command {
    let cmd = cmd
        .disable_version_flag(true)
        .arg(Arg::new("version").short('V').long("version").action(ArgAction::Version).help("显示版本"))
        .after_help("每个命令的说明：nianbao 命令 --help；中文使用说明见 docs/使用说明.md");
    localize(cmd).mut_subcommands(localize)
}

fn localize(cmd: Command) -> Command {
    let about = cmd.get_about().map(|a| tidy(&a.to_string()));
    let cmd = match about {
        Some(about) => cmd.about(about),
        None => cmd,
    };
    cmd.help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(Arg::new("help").short('h').long("help").action(ArgAction::Help).help("显示这份说明"))
        .mut_args(|a| {
            let heading = if a.is_positional() { "参数" } else { "选项" };
            let help = a.get_help().map(|h| tidy(&h.to_string()));
            // Defaults and choices are in the Chinese help text itself.
            let a = a.help_heading(heading);
            let a =
                if a.get_action().takes_values() { a.hide_possible_values(true).hide_default_value(true) } else { a };
            match help {
                Some(help) => a.help(help),
                None => a,
            }
        })
}

/// A help text written over several lines, joined as Chinese is: the
/// space clap puts where a line broke goes where either side is Chinese.
fn tidy(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let chinese = |c: Option<&char>| c.is_some_and(|c| !c.is_ascii());
        if c == ' ' && (chinese(i.checked_sub(1).and_then(|j| chars.get(j))) || chinese(chars.get(i + 1))) {
            continue;
        }
        out.push(c);
    }
    out
}

/// The help page (or version) clap rendered, its last English word said
/// in Chinese.
pub fn help(e: &clap::Error) -> String {
    e.render().to_string().replace("[OPTIONS]", "[选项]")
}

/// A usage error in Chinese, with the usage line and where to read more.
pub fn error(e: &clap::Error) -> String {
    let get = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect::<Vec<_>>().join("、"),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let valid = get(ContextKind::ValidValue);
    let suggested =
        [get(ContextKind::SuggestedArg), get(ContextKind::SuggestedSubcommand), get(ContextKind::SuggestedValue)]
            .into_iter()
            .find(|s| !s.is_empty());
    let mut message = match e.kind() {
        ErrorKind::MissingRequiredArgument => format!("缺少必填的参数：{arg}"),
        ErrorKind::InvalidValue if valid.is_empty() => format!("参数 {arg} 的值“{value}”不对"),
        ErrorKind::InvalidValue => format!("参数 {arg} 的值“{value}”不对；可以是：{valid}"),
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e).map(|s| s.to_string()).unwrap_or_default();
            format!("参数 {arg} 的值“{value}”不对：{why}")
        }
        ErrorKind::UnknownArgument => format!("不认识的参数“{arg}”"),
        ErrorKind::InvalidSubcommand => format!("没有“{}”这个命令", get(ContextKind::InvalidSubcommand)),
        ErrorKind::ArgumentConflict => format!("参数 {arg} 不能和 {} 同时使用", get(ContextKind::PriorArg)),
        ErrorKind::NoEquals => format!("参数 {arg} 的值要用等号写出"),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("参数 {arg} 的值个数不对")
        }
        ErrorKind::InvalidUtf8 => "参数里有无法识别的字符（不是 UTF-8）".into(),
        _ => {
            let english = e.to_string();
            format!("参数有误：{}", english.lines().next().unwrap_or_default().trim_start_matches("error: "))
        }
    };
    if let Some(s) = suggested {
        message.push_str(&format!("；是不是要写“{s}”？"));
    }
    let usage = get(ContextKind::Usage);
    let usage = usage.trim().trim_start_matches("Usage:").trim().replace("[OPTIONS]", "[选项]");
    if usage.is_empty() {
        format!("错误：{message}\n（nianbao --help 查看说明）")
    } else {
        format!("错误：{message}\n用法：{usage}\n（加 --help 查看说明）")
    }
}
