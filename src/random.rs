//! Random bytes from the operating system, for what no other process may
//! guess: the writer's desk's per-run token, the office's sessions,
//! invitations and password salts, and the hidden names files are written
//! under before they take their place.

/// `N` bytes from the operating system's random source.
pub(crate) fn bytes<const N: usize>() -> std::io::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(format!("系统随机数不可用：{e}")))?;
    Ok(bytes)
}

/// `N` random bytes in hex: the desk's per-run token (16), the office's
/// sessions and invitations (32), a file's hidden name (8).
pub(crate) fn hex<const N: usize>() -> std::io::Result<String> {
    Ok(bytes::<N>()?.iter().map(|b| format!("{b:02x}")).collect())
}
