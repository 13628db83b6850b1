//! Putting outputs on disk so that a failure never leaves a half-written
//! file and never destroys an older good one: each file is written beside
//! its target, flushed, then renamed into place; a folder is swapped in
//! whole.

use std::io::Write;
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

/// A hidden name beside `target` for a temporary or displaced copy.
fn sibling(target: &Path, what: &str) -> std::io::Result<PathBuf> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = target.file_name().ok_or_else(|| std::io::Error::other("输出路径没有文件名"))?;
    Ok(dir.join(format!(".{}.{}.{what}", name.to_string_lossy(), std::process::id())))
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
    tmp: PathBuf,
    target: PathBuf,
}

/// Writes `bytes` to a temporary file beside `target` (see [`Staged`]).
pub fn stage(target: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
    let tmp = sibling(target, "tmp")?;
    let staged = Staged { tmp, target: target.to_path_buf() };
    std::fs::File::create(&staged.tmp).and_then(|mut file| file.write_all(bytes))?;
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
        // Any handle with write access flushes the whole file.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&self.tmp)
            .and_then(|file| file.sync_all())
            .and_then(|()| std::fs::rename(&self.tmp, &self.target))?;
        self.tmp = PathBuf::new();
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Not committed: the part is not left about.
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes a folder beside `target`, then swaps it into place: an older
/// folder is moved aside first and removed only once the new one stands.
fn write_folder_atomic(target: &Path, files: &[(&'static str, Vec<u8>)]) -> std::io::Result<()> {
    let tmp = sibling(target, "tmp")?;
    let _ = std::fs::remove_dir_all(&tmp);
    let written = (|| {
        std::fs::create_dir(&tmp)?;
        for (name, bytes) in files {
            let mut file = std::fs::File::create(tmp.join(name))?;
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
        if old.is_dir() {
            std::fs::remove_dir_all(old)?;
        } else {
            std::fs::remove_file(old)?;
        }
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
