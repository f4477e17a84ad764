//! FTP folder listings: `MLSD` lines read fact by fact, Unix `LIST` lines found by their date,
//! DOS (IIS) lines through suppaftp's parser.

use suppaftp::list::ListParser;

use super::super::path::child;
use super::super::{Entry, Result, StorageError};

/// Parses `MLSD` or `LIST` lines (Unix or DOS) into entries of folder `dir`. A line no format
/// explains is logged (it may be a file the scan will not see); a listing none of whose lines
/// is understood is an error.
pub(crate) fn parse_listing(dir: &str, lines: &[String], machine: bool) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    let mut unparsed = 0;
    for line in lines
        .iter()
        .map(|l| l.trim_end_matches(['\r', '\n']))
        .filter(|l| !l.trim().is_empty())
    {
        if !machine && line.starts_with("total ") {
            continue;
        }
        let parsed = if machine {
            parse_mlsd_line(line)
        } else {
            parse_list_line(line)
        };
        match parsed {
            Some(Listed::Entry {
                name,
                is_dir,
                size,
                mtime,
            }) => entries.push(Entry {
                path: child(dir, &name),
                is_dir,
                size: (!is_dir).then_some(size.unwrap_or(0)),
                size_approximate: false,
                mtime,
                etag: None,
            }),
            Some(Listed::Skipped) => {}
            None => {
                unparsed += 1;
                tracing::warn!(folder = dir, line, "FTP listing line not understood: skipped");
            }
        }
    }
    if entries.is_empty() && unparsed > 0 {
        return Err(StorageError::Listing {
            path: dir.to_string(),
            detail: format!("none of the {unparsed} lines is a known FTP listing format"),
        });
    }
    Ok(entries)
}

/// One line of a folder listing.
#[derive(Debug, PartialEq)]
enum Listed {
    /// A file or folder.
    Entry {
        name: String,
        is_dir: bool,
        size: Option<u64>,
        mtime: Option<String>,
    },
    /// The folder itself or its parent.
    Skipped,
}

/// One `MLSD` line (RFC 3659 §7.2): `fact=value;…; name`, the name after the one space that
/// ends the facts. Only `type`, `size` and `modify` are read, case ignored, so facts a server
/// adds (ProFTPD's `UNIX.mode=00` for a mode-000 file) never hide a file.
fn parse_mlsd_line(line: &str) -> Option<Listed> {
    let (facts, name) = line.split_once(' ')?;
    if name.is_empty() || name == "." || name == ".." {
        return Some(Listed::Skipped);
    }
    let (mut is_dir, mut size, mut mtime) = (false, None, None);
    for fact in facts.split(';').filter(|f| !f.is_empty()) {
        let (key, value) = fact.split_once('=')?;
        match key.to_ascii_lowercase().as_str() {
            "type" => match value.to_ascii_lowercase().as_str() {
                "dir" => is_dir = true,
                "cdir" | "pdir" => return Some(Listed::Skipped),
                // `file`, and links (`OS.unix=slink:…`) read as files, as LIST shows them.
                _ => {}
            },
            "size" | "sizd" => size = value.parse::<u64>().ok(),
            "modify" => mtime = mlsd_time(value),
            _ => {}
        }
    }
    Some(Listed::Entry {
        name: name.to_string(),
        is_dir,
        size,
        mtime,
    })
}

/// `YYYYMMDDHHMMSS[.sss]` (UTC) as RFC 3339.
fn mlsd_time(value: &str) -> Option<String> {
    let digits = value.get(..14)?;
    let time = chrono::NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S").ok()?;
    Some(time.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// One `LIST` line, Unix (`ls -l`) or DOS (IIS) format.
fn parse_list_line(line: &str) -> Option<Listed> {
    if let Some(listed) = parse_unix_line(line, chrono::Utc::now()) {
        return Some(listed);
    }
    let file = ListParser::parse_dos(line).ok()?;
    let name = file.name();
    if name.is_empty() || name == "." || name == ".." {
        return Some(Listed::Skipped);
    }
    let mtime = chrono::DateTime::<chrono::Utc>::from(file.modified())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Some(Listed::Entry {
        name: name.to_string(),
        is_dir: file.is_directory(),
        size: Some(file.size() as u64),
        mtime: Some(mtime),
    })
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// A Unix `ls -l` line, found by its date rather than by counting columns: the size is the
/// number before the month, the name what follows the time or year after one space. So a
/// permission string with an ACL or SELinux mark (`-rw-r--r--+`), an owner or group with
/// spaces (`domain users` on a NAS), or a missing group do not hide a file. Dates without a
/// year are in the last twelve months before `now`; `2024-06-30 14:05` (long-iso) works too.
fn parse_unix_line(line: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Listed> {
    let kind = line.chars().next()?;
    if !matches!(kind, '-' | 'd' | 'l') || !line.get(1..10)?.chars().all(|c| "rwxsStT-".contains(c)) {
        return None;
    }
    // Tokens with their byte offsets, to cut the name out of the original line.
    let mut tokens: Vec<(usize, &str)> = Vec::new();
    let mut start = None;
    for (index, c) in line.char_indices().chain([(line.len(), ' ')]) {
        match (c == ' ', start) {
            (true, Some(from)) => {
                tokens.push((from, &line[from..index]));
                start = None;
            }
            (false, None) => start = Some(index),
            _ => {}
        }
    }
    let number = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    for at in 2..tokens.len().saturating_sub(2) {
        let (size, month, day, last) = (tokens[at - 1].1, tokens[at].1, tokens[at + 1].1, tokens[at + 2]);
        let (date, name_from) = if let Some(month) = MONTHS.iter().position(|m| month.eq_ignore_ascii_case(m))
        {
            if !number(size) || !number(day) || at + 3 > tokens.len() {
                continue;
            }
            let Some(date) = ls_date(month as u32 + 1, day, last.1, now) else {
                continue;
            };
            (date, last.0 + last.1.len())
        } else if number(size) && month.len() == 10 && month.as_bytes()[4] == b'-' {
            // long-iso: SIZE YYYY-MM-DD HH:MM NAME
            let Ok(date) = chrono::NaiveDateTime::parse_from_str(&format!("{month} {day}"), "%Y-%m-%d %H:%M")
            else {
                continue;
            };
            (date, tokens[at + 1].0 + day.len())
        } else {
            continue;
        };
        let mut name = line.get(name_from + 1..)?;
        if kind == 'l' {
            name = name.split(" -> ").next().unwrap_or(name);
        }
        if name.is_empty() || name == "." || name == ".." {
            return Some(Listed::Skipped);
        }
        return Some(Listed::Entry {
            name: name.to_string(),
            is_dir: kind == 'd',
            size: size.parse().ok(),
            mtime: Some(date.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        });
    }
    None
}

/// The date of `ls -l`: `Jun 30 14:05` (this year, or last year when that would be more than
/// a day ahead of `now`) or `Jun 30 2024`.
fn ls_date(
    month: u32,
    day: &str,
    time_or_year: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::NaiveDateTime> {
    use chrono::Datelike;
    let day: u32 = day.parse().ok()?;
    if let Some((hours, minutes)) = time_or_year.split_once(':') {
        let time = chrono::NaiveTime::from_hms_opt(hours.parse().ok()?, minutes.parse().ok()?, 0)?;
        let this_year = chrono::NaiveDate::from_ymd_opt(now.year(), month, day).map(|d| d.and_time(time));
        return match this_year {
            Some(date) if date <= now.naive_utc() + chrono::Duration::days(1) => Some(date),
            _ => chrono::NaiveDate::from_ymd_opt(now.year() - 1, month, day).map(|d| d.and_time(time)),
        };
    }
    let year: i32 = time_or_year.parse().ok()?;
    chrono::NaiveDate::from_ymd_opt(year, month, day).map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_unix_dos_and_mlsd_listings() {
        let unix = vec![
            "total 12".to_string(),
            "drwxr-xr-x    2 1000     1000         4096 Jun 30 14:05 Dalles été 2024".to_string(),
            "-rw-r--r--    1 1000     1000      1234567 Jun 30  2024 2024-0846200-6526400-LA93-0M05-RVB.jp2"
                .to_string(),
        ];
        let entries = parse_listing("ortho", &unix, false).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            (entries[0].path.as_str(), entries[0].is_dir),
            ("ortho/Dalles été 2024", true)
        );
        assert_eq!(entries[1].size, Some(1234567));
        let dos = vec![
            "06-30-24  02:05PM       <DIR>          Dalles 2024".to_string(),
            "06-30-24  02:05PM              1234567 a b.jp2".to_string(),
        ];
        let entries = parse_listing("", &dos, false).unwrap();
        assert_eq!(
            (entries[0].path.as_str(), entries[0].is_dir),
            ("Dalles 2024", true)
        );
        assert_eq!(
            (entries[1].path.as_str(), entries[1].size),
            ("a b.jp2", Some(1234567))
        );
        let mlsd = vec![
            "type=file;size=1234567;modify=20240630140500;perm=r; a.jp2".to_string(),
            "type=dir;modify=20240630140500;perm=el; sub dir".to_string(),
            "type=cdir;modify=20240630140500; .".to_string(),
        ];
        let entries = parse_listing("x", &mlsd, true).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].mtime.as_deref(), Some("2024-06-30T14:05:00Z"));
        assert!(entries[1].is_dir);
        assert!(parse_listing("", &["garbage line".to_string()], false).is_err());
        // ProFTPD's facts, a mode-000 file among them, and a name with spaces and a `;`.
        let proftpd = vec![
            "modify=20261205050433;perm=dfr;size=60436;type=file;unique=FE00U52448F;UNIX.group=0;UNIX.mode=00;UNIX.owner=0; illisible.jp2".to_string(),
            "modify=20261205050433.123;perm=adfr;size=90;type=file;UNIX.mode=0644; lot 1; été.j2w".to_string(),
            "Type=cdir;Modify=20261205050433; /pieges".to_string(),
            "type=OS.unix=slink:/x;size=11; lien.jp2".to_string(),
        ];
        let entries = parse_listing("p", &proftpd, true).unwrap();
        let names: Vec<(&str, Option<u64>)> = entries.iter().map(|e| (e.path.as_str(), e.size)).collect();
        assert_eq!(
            names,
            [
                ("p/illisible.jp2", Some(60436)),
                ("p/lot 1; été.j2w", Some(90)),
                ("p/lien.jp2", Some(11))
            ]
        );
        assert_eq!(entries[1].mtime.as_deref(), Some("2026-12-05T05:04:33Z"));
    }

    #[test]
    fn unix_lines_are_found_by_their_date() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-05T10:00:00Z")
            .unwrap()
            .to_utc();
        let entry = |line: &str| match parse_unix_line(line, now) {
            Some(Listed::Entry {
                name,
                is_dir,
                size,
                mtime,
            }) => (name, is_dir, size, mtime.unwrap_or_default()),
            other => panic!("{line}: {other:?}"),
        };
        for line in [
            "-rw-r--r--+   1 1000     1000         4096 Jun 30 14:05 a b.jp2",
            "-rw-r--r--.   1 1000     1000         4096 Jun 30 14:05 a b.jp2",
            "-rw-r--r--    1 jean-pierre  domain users  4096 Jun 30 14:05 a b.jp2",
            "-rw-r--r--    1 1000   4096 Jun 30 14:05 a b.jp2",
        ] {
            assert_eq!(
                entry(line),
                ("a b.jp2".into(), false, Some(4096), "2026-06-30T14:05:00Z".into()),
                "{line}"
            );
        }
        // A date ahead of now is last year's; a year instead of a time; folders; links; long-iso.
        assert_eq!(
            entry("-rw-r--r-- 1 u g 9 Dec 24 09:00 x.jp2").3,
            "2025-12-24T09:00:00Z"
        );
        assert_eq!(
            entry("-rw-r--r-- 1 ftp ftp 6291456000 Jun 30  2024 big.jp2"),
            (
                "big.jp2".into(),
                false,
                Some(6291456000),
                "2024-06-30T00:00:00Z".into()
            )
        );
        assert!(entry("drwxr-xr-x 2 u g 4096 Jun 30 14:05 Dalles été 2024").1);
        assert_eq!(
            entry("lrwxrwxrwx 1 root root 11 Dec  5 05:04 disparue.jp2 -> absente.jp2").0,
            "disparue.jp2"
        );
        assert_eq!(
            entry("-rw-r--r-- 1 u g 12 2024-06-30 14:05 iso.jp2").3,
            "2024-06-30T14:05:00Z"
        );
        assert_eq!(
            parse_unix_line("drwxr-xr-x 2 u g 4096 Jun 30 14:05 ..", now),
            Some(Listed::Skipped)
        );
        assert_eq!(parse_unix_line("total 12", now), None);
    }
}
