//! Putting outputs on disk so that a failure never leaves a half-written
//! file, never destroys an older good one, and never touches what nianbao
//! did not write:
//! - a file is written to a temporary file beside its target — a random
//!   name, created new (`O_EXCL`) and never through a link (`O_NOFOLLOW`),
//!   so a link planted at a guessable name cannot redirect it — flushed,
//!   then renamed into place;
//! - a special file (a terminal, `/dev/null`, a named pipe) is written to
//!   directly, never replaced by a regular file; sockets and block devices
//!   are refused;
//! - a folder (the Typst source) is swapped in whole, and only over a folder
//!   that holds nothing but what nianbao writes there, unchanged: a folder
//!   with anything else in it (someone's documents, an agency's edits of
//!   `main.typ`) is refused, not replaced.

use std::fs::{File, OpenOptions};
use std::io::{Error, ErrorKind, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::render::Rendered;

/// Writes an output to `target` atomically: readers see the old output or
/// the new one, never a part.
pub fn put(target: &Path, rendered: &Rendered) -> std::io::Result<()> {
    match rendered {
        Rendered::File(bytes) => write_atomic(target, bytes),
        Rendered::Folder(files) => write_folder_atomic(target, files),
    }
}

/// A hidden name beside `target` for a temporary or displaced copy, with
/// 64 random bits in it: no other process can guess it in advance.
fn sibling(target: &Path, what: &str) -> std::io::Result<PathBuf> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = target.file_name().ok_or_else(|| Error::other("输出路径没有文件名"))?;
    let random = crate::random::hex::<8>()?;
    Ok(dir.join(format!(".{}.{random}.{what}", name.to_string_lossy())))
}

/// Creates a file that did not exist, not through a link.
fn create_new(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().write(true).create_new(true).custom_flags(libc::O_NOFOLLOW).open(path)
}

/// What stands at an output's path now.
enum Existing {
    Nothing,
    /// A regular file, a folder or a link: replaced by rename.
    Replaceable {
        folder: bool,
    },
    /// A character device or a named pipe: written to, not replaced.
    Special,
}

fn existing(target: &Path) -> std::io::Result<Existing> {
    let meta = match target.symlink_metadata() {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Existing::Nothing),
        Err(e) => return Err(e),
    };
    let kind = meta.file_type();
    if kind.is_char_device() || kind.is_fifo() {
        Ok(Existing::Special)
    } else if kind.is_socket() || kind.is_block_device() {
        Err(Error::other("这个路径是套接字或块设备，不能写入"))
    } else {
        Ok(Existing::Replaceable { folder: kind.is_dir() })
    }
}

/// Writes `bytes` to a temporary file beside `target`, then renames it into
/// place: readers see the old file or the new one, never a part.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    stage(target, bytes)?.commit()
}

/// A file written beside its target, not yet on disk for sure nor in place:
/// [`Staged::commit`] does both. Writing and committing are apart so that a
/// batch can commit on a thread of its own while its workers typeset: the
/// wait for the disk (`fsync`, slow on network shares) then no longer holds
/// a worker. Dropped uncommitted (another output of the same report could
/// not be written), the temporary file is removed.
#[derive(Debug)]
pub struct Staged {
    /// The temporary file; `None` once committed, or for a special file,
    /// which was written directly. Not held open: a batch may stage many
    /// files before its committing thread reaches them.
    tmp: Option<PathBuf>,
    target: PathBuf,
}

/// Writes `bytes` to a temporary file beside `target` (see [`Staged`]); a
/// special file is written to directly.
pub fn stage(target: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
    if let Existing::Special = existing(target)? {
        OpenOptions::new().write(true).open(target)?.write_all(bytes)?;
        return Ok(Staged { tmp: None, target: target.to_path_buf() });
    }
    let path = sibling(target, "tmp")?;
    let mut file = create_new(&path)?;
    let staged = Staged { tmp: Some(path), target: target.to_path_buf() };
    file.write_all(bytes)?;
    Ok(staged)
}

impl Staged {
    /// Where the file goes.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes the file to disk, then renames it into place; on failure the
    /// temporary file is removed and the target left as it was.
    pub fn commit(mut self) -> std::io::Result<()> {
        if let Some(path) = &self.tmp {
            // Any handle with write access flushes the whole file.
            OpenOptions::new().write(true).custom_flags(libc::O_NOFOLLOW).open(path)?.sync_all()?;
            std::fs::rename(path, &self.target)?;
            self.tmp = None;
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Not committed: the part is not left about.
        if let Some(path) = &self.tmp {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Refuses to replace `target` unless it is a folder holding only files of
/// `files`' names, each unchanged where nianbao writes the same bytes every
/// time (`main.typ`, the template); the data file ([`crate::pdf::DATA_FILE`])
/// is nianbao's to rewrite.
fn only_ours(target: &Path, files: &[(&'static str, Vec<u8>)]) -> std::io::Result<()> {
    match existing(target)? {
        Existing::Nothing => return Ok(()),
        Existing::Special => return Err(Error::other("这个路径是设备或管道，不能写成文件夹")),
        Existing::Replaceable { folder: false } => {
            return Err(Error::new(ErrorKind::AlreadyExists, "这里已有一个同名文件（不是文件夹），没有覆盖"))
        }
        Existing::Replaceable { folder: true } => {}
    }
    let mut foreign = Vec::new();
    for entry in std::fs::read_dir(target)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = files.iter().find(|(n, _)| *n == name);
        let same = match ours {
            Some(_) if !entry.file_type()?.is_file() => false,
            Some((name, _)) if *name == crate::pdf::DATA_FILE => true,
            Some((_, bytes)) => entry.metadata()?.len() == bytes.len() as u64 && std::fs::read(entry.path())? == *bytes,
            None => false,
        };
        if !same {
            foreign.push(name);
        }
    }
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    Err(Error::new(
        ErrorKind::AlreadyExists,
        format!(
            "文件夹里有不是 nianbao 写的或被改过的文件（{}），没有覆盖；请换一个输出位置，或先把它们移走",
            foreign.join("、")
        ),
    ))
}

/// Writes a folder beside `target`, then swaps it into place: an older
/// folder (only ever one of nianbao's own) is moved aside first and removed
/// only once the new one stands.
fn write_folder_atomic(target: &Path, files: &[(&'static str, Vec<u8>)]) -> std::io::Result<()> {
    only_ours(target, files)?;
    let tmp = sibling(target, "tmp")?;
    // A fresh name: creating it fails rather than follow anything there.
    std::fs::create_dir(&tmp)?;
    let written = (|| {
        for (name, bytes) in files {
            let mut file = create_new(&tmp.join(name))?;
            file.write_all(bytes)?;
            file.sync_all()?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let old = target.symlink_metadata().is_ok().then(|| sibling(target, "old")).transpose()?;
    if let Some(old) = &old {
        if let Err(e) = std::fs::rename(target, old) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    }
    if let Err(e) = std::fs::rename(&tmp, target) {
        if let Some(old) = &old {
            let _ = std::fs::rename(old, target);
        }
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if let Some(old) = old {
        std::fs::remove_dir_all(old)?;
    }
    Ok(())
}

/// Whether two paths name the same file (an output must never overwrite
/// its own input).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
