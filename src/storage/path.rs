//! Paths inside a storage: relative, `/`-separated, never leaving the start folder.

use super::{Result, StorageError};

/// Normalises a path relative to a storage's start folder: drops empty and `.` segments and
/// leading slashes, refuses `..` and control characters. `""` is the start folder itself.
pub fn clean_path(path: &str) -> Result<String> {
    let mut segments = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                return Err(StorageError::OutsideRoot {
                    path: path.to_string(),
                })
            }
            _ if segment.chars().any(|c| c.is_control()) => {
                return Err(StorageError::OutsideRoot {
                    path: path.escape_debug().to_string(),
                })
            }
            _ => segments.push(segment),
        }
    }
    Ok(segments.join("/"))
}

/// Joins a server-side start folder (`/Ortho/`) and a clean relative path (`a/b.jp2`).
pub fn join_root(root: &str, relative: &str) -> String {
    let root = root.trim_end_matches('/');
    match (root.is_empty(), relative.is_empty()) {
        (true, true) => "/".to_string(),
        (true, false) => format!("/{relative}"),
        (false, true) => root.to_string(),
        (false, false) => format!("{root}/{relative}"),
    }
}

/// `dir/name`, or `name` at the start folder.
pub fn child(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_and_refuses_escapes() {
        assert_eq!(clean_path("/a//b/./c.jp2").unwrap(), "a/b/c.jp2");
        assert_eq!(clean_path("").unwrap(), "");
        assert_eq!(
            clean_path("Dalles été 2024/x y.tif").unwrap(),
            "Dalles été 2024/x y.tif"
        );
        assert!(clean_path("a/../../etc/passwd").is_err());
        assert!(clean_path("a/b\nc").is_err());
        assert_eq!(join_root("/Ortho/", "a.jp2"), "/Ortho/a.jp2");
        assert_eq!(join_root("/", ""), "/");
        assert_eq!(join_root("", "a"), "/a");
        assert_eq!(child("", "a"), "a");
        assert_eq!(child("d", "a"), "d/a");
    }
}
