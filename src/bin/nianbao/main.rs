//! The `nianbao` command line: arguments parsed ([`args`]), one small
//! function per command ([`commands`]), and one error printed once here
//! with its exit code ([`error`]).

mod args;
mod commands;
mod error;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}
