//! Files: writing them safely (through a temporary file in the same directory and a rename,
//! never renaming over anything but a regular file), locking an output directory, removing
//! what a killed writer left, and naming files and I/O errors in messages.
//!
//! Owns: [`write_atomic`], [`temp_in`], [`DirLock`], [`remove_stale_temps`], [`shown`],
//! [`io_text`], [`kind_of`]; used by batch output, saving scenarios and every reader.
//! Must not: print or decide file names.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Prefix of the temporary files [`write_atomic`] writes beside their target.
pub const TEMP_PREFIX: &str = ".jets-";

/// Writes a file so that a crash never leaves it half-written and an old file survives until
/// the new one is complete: through a temporary file in the same directory, synced, then
/// renamed over the target. Only a regular file (or nothing) is ever replaced: a symbolic
/// link is followed and the file it points to is written (the link stays); a FIFO, a
/// terminal or another device (`/dev/stdout`, say) is written in place, as a stream. Every
/// write is checked: a full disk is an error, never a short file. The file is readable by
/// all (0644 on Unix), like any file a tool writes.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => match std::fs::metadata(path) {
            // a link to a regular file: replace the file it points to
            Ok(meta) if meta.is_file() => replace(&std::fs::canonicalize(path)?, bytes),
            // to a pipe, a terminal or a device (`/dev/stdout`): write through the link
            Ok(meta) => stream(path, &meta, bytes),
            // a dangling link: create the file it names, through the link
            Err(_) => stream_new(path, bytes),
        },
        Ok(m) if !m.is_file() => stream(path, &m, bytes),
        _ => replace(path, bytes),
    }
}

fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = temp_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.flush()?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes into something that is not a regular file (a pipe, a terminal, a device).
fn stream(path: &Path, meta: &std::fs::Metadata, bytes: &[u8]) -> std::io::Result<()> {
    if meta.is_dir() {
        return Err(std::io::Error::other(format!("{} is a directory", shown(path))));
    }
    let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
    f.write_all(bytes)?;
    f.flush()
}

fn stream_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).open(path)?;
    f.write_all(bytes)?;
    f.flush()?;
    f.sync_all()
}

/// Removes the temporary files a killed [`write_atomic`] left in `dir` (not in its
/// subdirectories). Only for a directory this process holds a [`DirLock`] on: nobody else
/// can be writing there. Returns how many were removed.
pub fn remove_stale_temps(dir: &Path) -> std::io::Result<usize> {
    let mut n = 0;
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(0) };
    for e in entries.flatten() {
        let stale = e.file_name().to_str().is_some_and(|n| n.starts_with(TEMP_PREFIX) && n != LOCK_FILE);
        if stale && e.file_type().is_ok_and(|t| t.is_file()) {
            std::fs::remove_file(e.path())?;
            n += 1;
        }
    }
    Ok(n)
}

/// Name of the lock file in a locked directory.
pub const LOCK_FILE: &str = ".jets-lock";

/// An exclusive lock on a directory (an advisory lock on its `.jets-lock` file, held until
/// dropped, released by the system if the process dies): two processes never write the same
/// output directory at once.
#[derive(Debug)]
pub struct DirLock {
    _file: std::fs::File,
    /// The lock file.
    pub path: PathBuf,
}

impl DirLock {
    /// Takes the lock on `dir` (which must exist) without waiting. `Ok(None)` when another
    /// process holds it.
    pub fn try_take(dir: &Path) -> std::io::Result<Option<DirLock>> {
        let path = dir.join(LOCK_FILE);
        let file = std::fs::OpenOptions::new().create(true).truncate(false).read(true).write(true).open(&path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(DirLock { _file: file, path })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(e),
        }
    }
}

/// A path as shown in a message: control characters escaped ([`crate::term::printable`]).
pub fn shown(path: &Path) -> String {
    crate::term::printable(&path.display().to_string()).into_owned()
}

/// An I/O error as a message fragment: the system's words without the error number.
pub fn io_text(e: &std::io::Error) -> String {
    let t = e.to_string();
    match t.find(" (os error") {
        Some(i) => t[..i].to_lowercase(),
        None => t,
    }
}

/// What a file that is not a regular file is, for a message ("a FIFO (named pipe)").
pub fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_file() { "a regular file" } else { "not a regular file" }
}

/// A temporary file in `dir`, readable by all.
pub fn temp_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o644));
    }
    b.prefix(TEMP_PREFIX).tempfile_in(dir)
}

/// `target` as a path relative to `dir` (both resolved against the current directory; both
/// must exist), with `/` separators.
pub fn relative_path(target: &Path, dir: &Path) -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let t = std::fs::canonicalize(cwd.join(target)).ok()?;
    let d = std::fs::canonicalize(cwd.join(dir)).ok()?;
    let (tc, dc): (Vec<_>, Vec<_>) = (t.components().collect(), d.components().collect());
    let common = tc.iter().zip(&dc).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); dc.len() - common];
    parts.extend(tc[common..].iter().map(|c| c.as_os_str().to_string_lossy().to_string()));
    Some(parts.join("/"))
}
