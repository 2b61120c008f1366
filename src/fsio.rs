//! Writing files safely: through a temporary file in the same directory and a rename.
//!
//! Owns: [`write_atomic`] and [`temp_in`], used by batch output and by saving scenarios.
//! Must not: print or decide file names.

use std::io::Write;
use std::path::Path;

/// Writes a file through a temporary file in the same directory and a rename, so that a
/// crash never leaves a half-written file and an old file survives until the new one is
/// complete. The file is readable by all (0644 on Unix), like any file a tool writes.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = temp_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A temporary file in `dir`, readable by all.
pub fn temp_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o644));
    }
    b.prefix(".jets-").tempfile_in(dir)
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
