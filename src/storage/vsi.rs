//! The GDAL virtual file handler `/vsidallage/<storage key>/<path>`: GDAL's reads go through
//! [`Storage`] and the shared [`BlockCache`], so GDAL opens remote JPEG 2000 and GeoTIFF over
//! every protocol without downloading the files.
//!
//! This is the only module with `unsafe` code. GDAL calls the callbacks on the threads that
//! run GDAL (the blocking workers, never the async runtime); they reach the async storages
//! through a small runtime of their own, never unwind into C (each body is
//! wrapped in `catch_unwind`), and report a storage failure to the caller through
//! [`take_last_error`] on the same thread.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, OnceLock, RwLock};

use gdal_sys::{vsi_l_offset, VSIStatBufL};

use super::{BlockCache, Entry, FileVersion, Storage, StorageError};

/// Prefix of the paths GDAL opens through this handler.
pub const PREFIX: &str = "/vsidallage/";

struct Mount {
    storage: Arc<dyn Storage>,
    files: RwLock<HashMap<String, Entry>>,
    listed_dirs: RwLock<HashSet<String>>,
}

struct State {
    /// GDAL's reads run here: a runtime of its own that lives as long as the process, so a
    /// read never depends on the lifetime of whoever mounted the storage.
    runtime: tokio::runtime::Runtime,
    mounts: RwLock<HashMap<String, Arc<Mount>>>,
}

static STATE: OnceLock<State> = OnceLock::new();

thread_local! {
    static LAST_ERROR: RefCell<Option<StorageError>> = const { RefCell::new(None) };
}

/// The storage error behind the last failed GDAL read on this thread, if any (clears it).
pub fn take_last_error() -> Option<StorageError> {
    LAST_ERROR.with(|slot| slot.borrow_mut().take())
}

fn set_last_error(err: StorageError) {
    LAST_ERROR.with(|slot| *slot.borrow_mut() = Some(err));
}

/// Installs the handler (once per process).
pub fn install() {
    let mut first = false;
    STATE.get_or_init(|| {
        first = true;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("dallage-vsi")
            .enable_all()
            .build()
            .expect("starting the GDAL I/O runtime");
        State {
            runtime,
            mounts: RwLock::new(HashMap::new()),
        }
    });
    if !first {
        return;
    }
    // SAFETY: the struct is allocated by GDAL, filled with function pointers that live for
    // the whole process, handed to GDAL which copies it, then freed by GDAL's own function;
    // the prefix string is leaked on purpose (GDAL keeps a pointer to it).
    unsafe {
        let callbacks = gdal_sys::VSIAllocFilesystemPluginCallbacksStruct();
        (*callbacks).open = Some(cb_open);
        (*callbacks).stat = Some(cb_stat);
        (*callbacks).read = Some(cb_read);
        (*callbacks).read_multi_range = Some(cb_read_multi_range);
        (*callbacks).seek = Some(cb_seek);
        (*callbacks).tell = Some(cb_tell);
        (*callbacks).eof = Some(cb_eof);
        (*callbacks).close = Some(cb_close);
        (*callbacks).read_dir = Some(cb_read_dir);
        (*callbacks).sibling_files = Some(cb_sibling_files);
        // GDAL keeps the pointer, not a copy: the prefix must live as long as the process.
        let prefix: &'static std::ffi::CStr =
            Box::leak(CString::new(PREFIX).expect("no NUL in prefix").into_boxed_c_str());
        gdal_sys::VSIInstallPluginHandler(prefix.as_ptr(), callbacks);
        gdal_sys::VSIFreeFilesystemPluginCallbacksStruct(callbacks);
    }
}

/// Makes `storage` readable by GDAL under `/vsidallage/<its key>/`. Replaces an earlier
/// mount with the same key (and forgets what it knew).
pub fn mount(storage: Arc<dyn Storage>) {
    let Some(state) = STATE.get() else { return };
    let mount = Arc::new(Mount {
        storage: storage.clone(),
        files: RwLock::new(HashMap::new()),
        listed_dirs: RwLock::new(HashSet::new()),
    });
    if let Ok(mut mounts) = state.mounts.write() {
        mounts.insert(storage.key().to_string(), mount);
    }
}

/// Tells the handler what a listing found in folder `dir`, so GDAL's probes for side files
/// (`.aux.xml`, `.ovr`, world files) are answered without asking the server.
pub fn remember_listing(key: &str, dir: &str, entries: &[Entry]) {
    let Some(mount) = find_mount(key) else { return };
    if let Ok(mut files) = mount.files.write() {
        for entry in entries.iter().filter(|e| !e.is_dir) {
            files.insert(entry.path.clone(), entry.clone());
        }
    }
    if let Ok(mut dirs) = mount.listed_dirs.write() {
        dirs.insert(dir.to_string());
        for entry in entries.iter().filter(|e| e.is_dir) {
            dirs.insert(format!("{}\u{0}", entry.path));
        }
    };
}

/// Tells the handler about `files` known from the catalogue, folder by folder (as if each
/// folder had just been listed); returns them by folder.
pub fn remember_files(key: &str, files: Vec<Entry>) -> std::collections::BTreeMap<String, Vec<Entry>> {
    let mut folders: std::collections::BTreeMap<String, Vec<Entry>> = std::collections::BTreeMap::new();
    for file in files {
        let parent = file.path.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("");
        folders.entry(parent.to_string()).or_default().push(file);
    }
    for (dir, entries) in &folders {
        remember_listing(key, dir, entries);
    }
    folders
}

/// Removes a storage.
pub fn unmount(key: &str) {
    if let Some(state) = STATE.get() {
        if let Ok(mut mounts) = state.mounts.write() {
            mounts.remove(key);
        }
    }
}

/// Bytes `range` of the file GDAL knows as `name` (a `/vsidallage/` name or a local path),
/// read from its storage exactly as asked, past the block cache: for a few small reads
/// scattered over a big file (the tile-part headers of a codestream), where a whole block each
/// would cost far more than the bytes wanted. Fewer bytes come back at the end of the file.
/// Blocking: call it where GDAL reads run (the worker pool), never on an async task.
pub fn read_exact(name: &str, range: std::ops::Range<u64>) -> Result<bytes::Bytes, StorageError> {
    let Some(inside) = name.strip_prefix(PREFIX) else {
        return read_local(name, range);
    };
    let unknown = || StorageError::NotFound {
        path: inside.to_string(),
    };
    let (mount, relative) = resolve(name).ok_or_else(unknown)?;
    let storage = mount.storage.clone();
    run(async move { storage.read_range(&relative, range).await })
        .unwrap_or_else(|| Err(take_last_error().unwrap_or_else(unknown)))
}

/// The size of the file GDAL knows as `name`, as the storage's listing gave it (or the
/// local file system).
pub fn file_length(name: &str) -> Result<u64, StorageError> {
    let Some(inside) = name.strip_prefix(PREFIX) else {
        return std::fs::metadata(name)
            .map(|meta| meta.len())
            .map_err(|err| StorageError::Io {
                target: name.to_string(),
                detail: err.to_string(),
            });
    };
    let unknown = || StorageError::NotFound {
        path: inside.to_string(),
    };
    let (mount, relative) = resolve(name).ok_or_else(unknown)?;
    match lookup(&mount, &relative) {
        Found::File(entry) => entry.size.ok_or_else(unknown),
        _ => Err(unknown()),
    }
}

fn read_local(path: &str, range: std::ops::Range<u64>) -> Result<bytes::Bytes, StorageError> {
    use std::os::unix::fs::FileExt;
    let failed = |err: std::io::Error| StorageError::Io {
        target: path.to_string(),
        detail: err.to_string(),
    };
    let file = std::fs::File::open(path).map_err(failed)?;
    let mut buffer = vec![0u8; range.end.saturating_sub(range.start) as usize];
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read_at(&mut buffer[filled..], range.start + filled as u64) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(failed(err)),
        }
    }
    buffer.truncate(filled);
    Ok(buffer.into())
}

/// The storage mounted under `key`, if any (its [`Storage::stats`] count what GDAL read).
pub fn mounted(key: &str) -> Option<Arc<dyn Storage>> {
    find_mount(key).map(|mount| mount.storage.clone())
}

fn find_mount(key: &str) -> Option<Arc<Mount>> {
    STATE.get()?.mounts.read().ok()?.get(key).cloned()
}

/// Splits `key/relative/path` (with or without the prefix) into its mount and path.
fn resolve(name: &str) -> Option<(Arc<Mount>, String)> {
    let name = name.strip_prefix(PREFIX).unwrap_or(name);
    let (key, rest) = name.split_once('/').unwrap_or((name, ""));
    let mount = find_mount(key)?;
    let relative = super::clean_path(rest).ok()?;
    Some((mount, relative))
}

fn parent_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("")
}

fn run<T>(future: impl std::future::Future<Output = T>) -> Option<T> {
    let state = STATE.get()?;
    // GDAL must not run on the async runtime (see the module doc): refuse rather than deadlock.
    if tokio::runtime::Handle::try_current().is_ok() {
        set_last_error(StorageError::Io {
            target: "GDAL".into(),
            detail: "remote read attempted from an async task; GDAL work belongs on the worker pool".into(),
        });
        return None;
    }
    Some(state.runtime.handle().block_on(future))
}

enum Found {
    File(Entry),
    Dir,
    Missing,
}

/// What `relative` is, from what listings said, else by asking the storage.
fn lookup(mount: &Mount, relative: &str) -> Found {
    if relative.is_empty() {
        return Found::Dir;
    }
    if let Some(entry) = mount
        .files
        .read()
        .ok()
        .and_then(|files| files.get(relative).cloned())
    {
        if entry.size.is_some() && !entry.size_approximate {
            return Found::File(entry);
        }
    }
    if let Ok(dirs) = mount.listed_dirs.read() {
        if dirs.contains(relative) || dirs.contains(&format!("{relative}\u{0}")) {
            return Found::Dir;
        }
        let parent_listed = dirs.contains(parent_of(relative));
        let known = mount
            .files
            .read()
            .map(|f| f.contains_key(relative))
            .unwrap_or(false);
        if parent_listed && !known {
            return Found::Missing;
        }
    }
    match run(mount.storage.stat(relative)) {
        Some(Ok(entry)) if entry.is_dir => Found::Dir,
        Some(Ok(entry)) => {
            if let Ok(mut files) = mount.files.write() {
                files.insert(relative.to_string(), entry.clone());
            }
            Found::File(entry)
        }
        Some(Err(StorageError::NotFound { .. })) | None => Found::Missing,
        Some(Err(err)) => {
            set_last_error(err);
            Found::Missing
        }
    }
}

struct Handle {
    mount: Arc<Mount>,
    version: FileVersion,
    position: u64,
    at_end: bool,
}

fn guarded<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// # Safety
/// `name` is a NUL-terminated string from GDAL.
unsafe fn name_of(name: *const c_char) -> Option<String> {
    if name.is_null() {
        return None;
    }
    Some(CStr::from_ptr(name).to_string_lossy().into_owned())
}

unsafe extern "C" fn cb_open(_: *mut c_void, name: *const c_char, access: *const c_char) -> *mut c_void {
    // SAFETY: GDAL passes valid C strings.
    let (name, access) = unsafe { (name_of(name), name_of(access)) };
    guarded(std::ptr::null_mut(), || {
        let (Some(name), Some(access)) = (name, access) else {
            return std::ptr::null_mut();
        };
        if access.contains('w') || access.contains('a') || access.contains('+') {
            return std::ptr::null_mut();
        }
        let Some((mount, relative)) = resolve(&name) else {
            return std::ptr::null_mut();
        };
        let Found::File(entry) = lookup(&mount, &relative) else {
            return std::ptr::null_mut();
        };
        let version = FileVersion::of(mount.storage.key(), &entry);
        Box::into_raw(Box::new(Handle {
            mount,
            version,
            position: 0,
            at_end: false,
        })) as *mut c_void
    })
}

unsafe extern "C" fn cb_stat(
    _: *mut c_void,
    name: *const c_char,
    buffer: *mut VSIStatBufL,
    _flags: c_int,
) -> c_int {
    // SAFETY: GDAL passes a valid C string.
    let name = unsafe { name_of(name) };
    let found = guarded(None, || {
        let (mount, relative) = resolve(name.as_deref()?)?;
        match lookup(&mount, &relative) {
            Found::File(entry) => Some((false, entry.size.unwrap_or(0), entry.mtime)),
            Found::Dir => Some((true, 0, None)),
            Found::Missing => None,
        }
    });
    let Some((is_dir, size, mtime)) = found else {
        return -1;
    };
    if buffer.is_null() {
        return 0;
    }
    // SAFETY: VSIStatBufL is the C library's `struct stat64`; GDAL hands us a valid one.
    unsafe {
        let stat = buffer as *mut libc::stat64;
        std::ptr::write_bytes(stat, 0, 1);
        (*stat).st_mode = if is_dir {
            libc::S_IFDIR | 0o555
        } else {
            libc::S_IFREG | 0o444
        };
        (*stat).st_size = size as libc::off64_t;
        if let Some(time) = mtime.and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok()) {
            (*stat).st_mtime = time.timestamp();
        }
    }
    0
}

/// Reads `length` bytes at the handle's position through the block cache.
fn read_at(handle: &mut Handle, length: u64) -> Option<bytes::Bytes> {
    if handle.position >= handle.version.size {
        handle.at_end = true;
        return Some(bytes::Bytes::new());
    }
    let range = handle.position..(handle.position + length).min(handle.version.size);
    let storage = handle.mount.storage.clone();
    let version = handle.version.clone();
    match run(async move { BlockCache::global().read(storage.as_ref(), &version, range).await })? {
        Ok(bytes) => Some(bytes),
        Err(err) => {
            set_last_error(err);
            None
        }
    }
}

unsafe extern "C" fn cb_read(file: *mut c_void, buffer: *mut c_void, size: usize, count: usize) -> usize {
    if file.is_null() || buffer.is_null() || size == 0 {
        return 0;
    }
    // SAFETY: `file` is the Handle we boxed in cb_open; GDAL uses a handle from one thread at a time.
    let handle = unsafe { &mut *(file as *mut Handle) };
    let wanted = size.saturating_mul(count);
    let bytes = guarded(None, || read_at(handle, wanted as u64));
    let Some(bytes) = bytes else { return 0 };
    let copied = bytes.len().min(wanted);
    // SAFETY: GDAL's buffer holds size*count bytes.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), buffer as *mut u8, copied) };
    handle.position += copied as u64;
    if copied < wanted {
        handle.at_end = true;
    }
    copied / size
}

unsafe extern "C" fn cb_read_multi_range(
    file: *mut c_void,
    count: c_int,
    buffers: *mut *mut c_void,
    offsets: *const vsi_l_offset,
    sizes: *const usize,
) -> c_int {
    if file.is_null() || count <= 0 {
        return -1;
    }
    // SAFETY: as in cb_read; the three arrays hold `count` items.
    let handle = unsafe { &mut *(file as *mut Handle) };
    for index in 0..count as usize {
        let (buffer, offset, size) = unsafe { (*buffers.add(index), *offsets.add(index), *sizes.add(index)) };
        handle.position = offset;
        let Some(bytes) = guarded(None, || read_at(handle, size as u64)) else {
            return -1;
        };
        if bytes.len() < size {
            return -1;
        }
        // SAFETY: each buffer holds sizes[index] bytes.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), buffer as *mut u8, size) };
    }
    0
}

unsafe extern "C" fn cb_seek(file: *mut c_void, offset: vsi_l_offset, whence: c_int) -> c_int {
    if file.is_null() {
        return -1;
    }
    // SAFETY: `file` is our Handle.
    let handle = unsafe { &mut *(file as *mut Handle) };
    handle.position = match whence {
        libc::SEEK_SET => offset,
        libc::SEEK_CUR => handle.position.wrapping_add(offset),
        libc::SEEK_END => handle.version.size.wrapping_add(offset),
        _ => return -1,
    };
    handle.at_end = false;
    0
}

unsafe extern "C" fn cb_tell(file: *mut c_void) -> vsi_l_offset {
    if file.is_null() {
        return 0;
    }
    // SAFETY: `file` is our Handle.
    unsafe { (*(file as *mut Handle)).position }
}

unsafe extern "C" fn cb_eof(file: *mut c_void) -> c_int {
    if file.is_null() {
        return 1;
    }
    // SAFETY: `file` is our Handle.
    c_int::from(unsafe { (*(file as *mut Handle)).at_end })
}

unsafe extern "C" fn cb_close(file: *mut c_void) -> c_int {
    if !file.is_null() {
        // SAFETY: `file` came from Box::into_raw in cb_open and GDAL closes it once.
        drop(unsafe { Box::from_raw(file as *mut Handle) });
    }
    0
}

/// A GDAL string list (CSL) of `names`, or NULL when `names` is `None`.
fn string_list(names: Option<Vec<String>>) -> *mut *mut c_char {
    let Some(names) = names else {
        return std::ptr::null_mut();
    };
    let mut list: *mut *mut c_char = std::ptr::null_mut();
    for name in names {
        let Ok(text) = CString::new(name) else { continue };
        // SAFETY: CSLAddString copies the string and grows the GDAL-owned list.
        list = unsafe { gdal_sys::CSLAddString(list, text.as_ptr()) };
    }
    if list.is_null() {
        // An empty folder: a list with no item (one NULL pointer), not NULL ("unknown").
        // SAFETY: GDAL frees string lists with CSLDestroy, which accepts a VSICalloc'ed array.
        list = unsafe { gdal_sys::VSICalloc(1, std::mem::size_of::<*mut c_char>()) as *mut *mut c_char };
    }
    list
}

/// Names of the known files and folders directly in `dir`, if `dir` was listed.
fn names_in(mount: &Mount, dir: &str) -> Option<Vec<String>> {
    if !mount.listed_dirs.read().ok()?.contains(dir) {
        return None;
    }
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut names: Vec<String> = mount
        .files
        .read()
        .ok()?
        .keys()
        .filter_map(|path| path.strip_prefix(&prefix))
        .filter(|rest| !rest.contains('/'))
        .map(str::to_string)
        .collect();
    names.extend(
        mount
            .listed_dirs
            .read()
            .ok()?
            .iter()
            .filter_map(|d| d.strip_suffix('\u{0}'))
            .filter_map(|d| d.strip_prefix(&prefix))
            .filter(|rest| !rest.contains('/'))
            .map(str::to_string),
    );
    names.sort();
    Some(names)
}

unsafe extern "C" fn cb_read_dir(_: *mut c_void, name: *const c_char, _max: c_int) -> *mut *mut c_char {
    // SAFETY: GDAL passes a valid C string.
    let name = unsafe { name_of(name) };
    let names = guarded(None, || {
        let (mount, dir) = resolve(name.as_deref()?)?;
        if let Some(names) = names_in(&mount, &dir) {
            return Some(names);
        }
        let entries = run(mount.storage.list(&dir))?.ok()?;
        remember_listing(mount.storage.key(), &dir, &entries);
        names_in(&mount, &dir)
    });
    string_list(names)
}

unsafe extern "C" fn cb_sibling_files(_: *mut c_void, name: *const c_char) -> *mut *mut c_char {
    // SAFETY: GDAL passes a valid C string (the file being opened).
    let name = unsafe { name_of(name) };
    let names = guarded(None, || {
        let (mount, relative) = resolve(name.as_deref()?)?;
        names_in(&mount, parent_of(&relative))
    });
    string_list(names)
}
