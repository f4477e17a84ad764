//! JPEG 2000 windows decoded by OpenJPEG itself: only the code-blocks under the window, at the
//! reduction asked for, where GDAL's driver decodes a whole codestream tile (1024² at 5 cm) for
//! any window. The file is read through GDAL's virtual file layer, so a remote dalle comes
//! through the same `/vsidallage/` handler, `Storage` trait and block cache as every other
//! read. OpenJPEG is built from source and linked statically (`openjpeg-sys`); its symbols
//! stay out of the way of libgdal's own copy. This is, with `storage::vsi`, the only unsafe
//! code of the crate: each block says why it is sound.

use std::ffi::{c_char, c_void, CStr, CString};

use gdal_sys::{VSIFCloseL, VSIFOpenL, VSIFReadL, VSIFSeekL, VSIFTellL, VSILFILE};
use openjpeg_sys as opj;

use super::codestream::{Layout, EOC};

/// Bytes OpenJPEG buffers per read: small, since over a remote storage every byte read costs;
/// tile data longer than this is read straight into OpenJPEG's own buffer.
const STREAM_CHUNK: usize = 16 << 10;

/// A window of a JPEG 2000 image at one resolution reduction, in that reduction's pixels
/// (half-open: `x0..x1`, `y0..y1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Reduction: the image halved this many times (0 = full resolution).
    pub reduce: u32,
    /// First column.
    pub x0: u32,
    /// First row.
    pub y0: u32,
    /// Column after the last.
    pub x1: u32,
    /// Row after the last.
    pub y1: u32,
}

/// A decoded window: one plane of 8-bit samples per component, rows from the north.
#[derive(Debug)]
pub struct Planes {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// One plane per component (grey, grey + alpha, RGB or RGBA).
    pub planes: Vec<Vec<u8>>,
}

/// Decodes `window` of the JPEG 2000 file GDAL knows as `gdal_path` (a local path or a
/// `/vsidallage/` name), as it is at `version`. OpenJPEG reads the file's kept headers (its
/// [`Layout`], read once per version) and only the tile-parts under the window; a file whose
/// layout cannot be read (packed packet headers, headers over 1 MiB) is read whole. Blocking;
/// single-threaded, as the serving path wants.
pub fn decode_window(gdal_path: &str, version: u64, window: Window) -> Result<Planes, String> {
    if window.x0 >= window.x1 || window.y0 >= window.y1 {
        return Err("empty window".into());
    }
    let scale = 1u32 << window.reduce.min(31);
    let mut source = match Layout::of(gdal_path, version) {
        Ok(layout) => {
            let [_, _, image_x1, image_y1] = layout.grid.image;
            // The tiles under the window, one pixel of the reduction around it: more than
            // enough, whichever way the reduction rounds.
            let reach = [
                window.x0.saturating_sub(1).saturating_mul(scale),
                window.y0.saturating_sub(1).saturating_mul(scale),
                window.x1.saturating_add(1).saturating_mul(scale).min(image_x1),
                window.y1.saturating_add(1).saturating_mul(scale).min(image_y1),
            ];
            VsiSource::window(gdal_path, &layout, reach)?
        }
        Err(reason) => {
            tracing::debug!(file = gdal_path, %reason, "no layout: OpenJPEG reads the whole file");
            VsiSource::whole(gdal_path)?
        }
    };
    let format = if source.starts_with_codestream() {
        opj::CODEC_FORMAT::OPJ_CODEC_J2K
    } else {
        opj::CODEC_FORMAT::OPJ_CODEC_JP2
    };
    let mut messages = String::new();
    let codec = Codec::new(format, window.reduce, &mut messages)?;
    let stream = Stream::new(source);
    let image = codec
        .read_header(&stream)
        .ok_or_else(|| failure("cannot read the header", &messages))?;
    // SAFETY: `image.0` is the non-null image `opj_read_header` gave; it lives until `image`
    // is dropped, after every use below.
    let (image_x1, image_y1) = unsafe { ((*image.0).x1, (*image.0).y1) };
    let area = [
        (window.x0.saturating_mul(scale)).min(image_x1),
        (window.y0.saturating_mul(scale)).min(image_y1),
        (window.x1.saturating_mul(scale)).min(image_x1),
        (window.y1.saturating_mul(scale)).min(image_y1),
    ];
    if !codec.decode(&stream, &image, area) {
        return Err(failure("cannot decode the window", &messages));
    }
    image.planes(window)
}

fn failure(what: &str, messages: &str) -> String {
    match messages.trim() {
        "" => what.to_string(),
        said => format!("{what}: {said}"),
    }
}

/// The stream OpenJPEG reads: bytes held in memory (the kept boxes and main header, the end
/// marker) and ranges of a file opened through GDAL's virtual file layer (tile-parts), one
/// after the other.
struct VsiSource {
    file: *mut VSILFILE,
    pieces: Vec<Piece>,
    length: u64,
    position: u64,
}

/// A piece of the stream, and where it starts in it.
struct Piece {
    at: u64,
    bytes: PieceBytes,
}

enum PieceBytes {
    Held(Vec<u8>),
    /// `length` bytes of the file from `start`.
    File {
        start: u64,
        length: u64,
    },
}

impl Piece {
    fn length(&self) -> u64 {
        match &self.bytes {
            PieceBytes::Held(bytes) => bytes.len() as u64,
            PieceBytes::File { length, .. } => *length,
        }
    }
}

impl VsiSource {
    fn open(path: &str) -> Result<(*mut VSILFILE, u64), String> {
        let name = CString::new(path).map_err(|_| "the path holds a NUL byte".to_string())?;
        // SAFETY: both arguments are NUL-terminated C strings that outlive the call.
        let file = unsafe { VSIFOpenL(name.as_ptr(), c"rb".as_ptr()) };
        if file.is_null() {
            return Err(format!("cannot open {path}"));
        }
        // SAFETY: `file` is the open, non-null handle just returned; seeking and telling on it
        // is what GDAL's API is for.
        let length = unsafe {
            VSIFSeekL(file, 0, libc::SEEK_END);
            let length = VSIFTellL(file);
            VSIFSeekL(file, 0, libc::SEEK_SET);
            length
        };
        Ok((file, length))
    }

    fn with_pieces(file: *mut VSILFILE, bytes: Vec<PieceBytes>) -> Box<VsiSource> {
        let mut at = 0;
        let pieces: Vec<Piece> = bytes
            .into_iter()
            .map(|bytes| {
                let piece = Piece { at, bytes };
                at += piece.length();
                piece
            })
            .collect();
        Box::new(VsiSource {
            file,
            pieces,
            length: at,
            position: 0,
        })
    }

    /// The whole file.
    fn whole(path: &str) -> Result<Box<VsiSource>, String> {
        let (file, length) = VsiSource::open(path)?;
        Ok(VsiSource::with_pieces(
            file,
            vec![PieceBytes::File { start: 0, length }],
        ))
    }

    /// The kept headers of `layout` and the tile-parts of the tiles that meet `reach`
    /// (reference grid), in a codestream box when the file is JP2.
    fn window(path: &str, layout: &Layout, reach: [u32; 4]) -> Result<Box<VsiSource>, String> {
        let (file, _) = VsiSource::open(path)?;
        let parts: Vec<PieceBytes> = layout
            .parts_meeting(reach)
            .map(|part| PieceBytes::File {
                start: part.start,
                length: part.length,
            })
            .collect();
        let parts_length: u64 = layout.parts_meeting(reach).map(|part| part.length).sum();
        let codestream = layout.main.len() as u64 + parts_length + EOC.len() as u64;
        let mut head = Vec::with_capacity(layout.boxes.len() + 8 + layout.main.len());
        if layout.jp2 {
            head.extend_from_slice(&layout.boxes);
            // The codestream box, as long as what it now holds (0: to the end of the stream).
            let length = u32::try_from(codestream + 8).unwrap_or(0);
            head.extend_from_slice(&length.to_be_bytes());
            head.extend_from_slice(b"jp2c");
        }
        head.extend_from_slice(&layout.main);
        let mut pieces = vec![PieceBytes::Held(head)];
        pieces.extend(parts);
        pieces.push(PieceBytes::Held(EOC.to_vec()));
        Ok(VsiSource::with_pieces(file, pieces))
    }

    /// Whether the stream is a raw codestream (`FF 4F FF 51`), not JP2 boxes.
    fn starts_with_codestream(&mut self) -> bool {
        let mut head = [0u8; 4];
        let read = self.read_into(&mut head);
        self.position = 0;
        read == head.len() && head == [0xFF, 0x4F, 0xFF, 0x51]
    }

    /// Copies bytes from the current position into `buffer`, moving on; how many.
    fn read_into(&mut self, buffer: &mut [u8]) -> usize {
        let mut filled = 0;
        while filled < buffer.len() && self.position < self.length {
            let position = self.position;
            let index = self
                .pieces
                .partition_point(|piece| piece.at + piece.length() <= position);
            let Some(piece) = self.pieces.get(index) else {
                break;
            };
            let offset = position - piece.at;
            let count = ((piece.length() - offset) as usize).min(buffer.len() - filled);
            let target = &mut buffer[filled..filled + count];
            let copied = match &piece.bytes {
                PieceBytes::Held(bytes) => {
                    target.copy_from_slice(&bytes[offset as usize..offset as usize + count]);
                    count
                }
                // SAFETY: `self.file` is open; `target` is a writable slice of `count` bytes.
                PieceBytes::File { start, .. } => unsafe {
                    if VSIFSeekL(self.file, start + offset, libc::SEEK_SET) != 0 {
                        break;
                    }
                    VSIFReadL(target.as_mut_ptr().cast(), 1, count, self.file)
                },
            };
            filled += copied;
            self.position += copied as u64;
            if copied < count {
                break;
            }
        }
        filled
    }
}

impl Drop for VsiSource {
    fn drop(&mut self) {
        // SAFETY: `self.file` was opened by `VSIFOpenL` and is closed exactly once, here.
        unsafe {
            VSIFCloseL(self.file);
        }
    }
}

/// OpenJPEG's read callback: bytes from the current position, or `(size_t)-1` at the end.
unsafe extern "C" fn read(buffer: *mut c_void, bytes: usize, data: *mut c_void) -> usize {
    // SAFETY: `data` is the `VsiSource` box handed to `opj_stream_set_user_data`, alive until
    // OpenJPEG calls `free_source`, and used by one thread at a time; `buffer` has room for
    // `bytes` bytes (OpenJPEG's contract).
    let (source, buffer) = unsafe {
        (
            &mut *(data as *mut VsiSource),
            std::slice::from_raw_parts_mut(buffer as *mut u8, bytes),
        )
    };
    match source.read_into(buffer) {
        0 => usize::MAX,
        read => read,
    }
}

/// OpenJPEG's skip callback: moves forward (or back) by `bytes`; the distance, or -1.
unsafe extern "C" fn skip(bytes: i64, data: *mut c_void) -> i64 {
    // SAFETY: as in `read`.
    let source = unsafe { &mut *(data as *mut VsiSource) };
    let target = (source.position as i64).saturating_add(bytes);
    if target < 0 || target as u64 > source.length {
        return -1;
    }
    source.position = target as u64;
    bytes
}

/// OpenJPEG's seek callback: goes to `position`.
unsafe extern "C" fn seek(position: i64, data: *mut c_void) -> i32 {
    // SAFETY: as in `read`.
    let source = unsafe { &mut *(data as *mut VsiSource) };
    if position < 0 || position as u64 > source.length {
        return 0;
    }
    source.position = position as u64;
    1
}

/// Frees the `VsiSource` when OpenJPEG destroys its stream (closing the file).
unsafe extern "C" fn free_source(data: *mut c_void) {
    // SAFETY: `data` came from `Box::into_raw` in `Stream::new` and OpenJPEG calls this once.
    drop(unsafe { Box::from_raw(data as *mut VsiSource) });
}

/// Keeps OpenJPEG's error messages; infos and warnings are dropped.
unsafe extern "C" fn keep_message(message: *const c_char, data: *mut c_void) {
    if message.is_null() || data.is_null() {
        return;
    }
    // SAFETY: `message` is a NUL-terminated string OpenJPEG owns for the call; `data` is the
    // `String` given to `opj_set_error_handler`, which outlives the codec.
    let (text, messages) = unsafe { (CStr::from_ptr(message), &mut *(data as *mut String)) };
    if messages.len() < 1024 {
        messages.push_str(text.to_string_lossy().trim());
        messages.push(' ');
    }
}

unsafe extern "C" fn ignore_message(_: *const c_char, _: *mut c_void) {}

/// An OpenJPEG stream over a `VsiSource`.
struct Stream(*mut opj::opj_stream_t);

impl Stream {
    fn new(source: Box<VsiSource>) -> Stream {
        let length = source.length;
        // SAFETY: creating an input stream has no precondition. The callbacks match
        // OpenJPEG's signatures; the user data is a leaked box that `free_source` reclaims
        // when the stream is destroyed.
        unsafe {
            let stream = opj::opj_stream_create(STREAM_CHUNK, 1);
            opj::opj_stream_set_user_data(stream, Box::into_raw(source).cast(), Some(free_source));
            opj::opj_stream_set_user_data_length(stream, length);
            opj::opj_stream_set_read_function(stream, Some(read));
            opj::opj_stream_set_skip_function(stream, Some(skip));
            opj::opj_stream_set_seek_function(stream, Some(seek));
            Stream(stream)
        }
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        // SAFETY: the stream was created by `opj_stream_create` and is destroyed once.
        unsafe { opj::opj_stream_destroy(self.0) }
    }
}

/// A decompressor set up for one reduction, single-threaded.
struct Codec(*mut opj::opj_codec_t);

impl Codec {
    fn new(format: opj::CODEC_FORMAT, reduce: u32, messages: &mut String) -> Result<Codec, String> {
        // SAFETY: `opj_create_decompress` has no precondition; a null result is handled. The
        // parameters are initialised by OpenJPEG before being changed. `messages` outlives
        // the codec (both live in `decode_window`, the codec dropped first).
        unsafe {
            let codec = opj::opj_create_decompress(format);
            if codec.is_null() {
                return Err("OpenJPEG cannot make a decoder".into());
            }
            let codec = Codec(codec);
            opj::opj_set_info_handler(codec.0, Some(ignore_message), std::ptr::null_mut());
            opj::opj_set_warning_handler(codec.0, Some(ignore_message), std::ptr::null_mut());
            opj::opj_set_error_handler(codec.0, Some(keep_message), (messages as *mut String).cast());
            let mut parameters: opj::opj_dparameters_t = std::mem::zeroed();
            opj::opj_set_default_decoder_parameters(&mut parameters);
            parameters.cp_reduce = reduce;
            if opj::opj_setup_decoder(codec.0, &mut parameters) == 0 {
                return Err("OpenJPEG refuses the decoding parameters".into());
            }
            // No pool: the decode runs on the calling worker (a pool of one would hand it to a
            // thread of its own, made and joined per window).
            opj::opj_codec_set_threads(codec.0, 0);
            Ok(codec)
        }
    }

    fn read_header(&self, stream: &Stream) -> Option<Image> {
        let mut image: *mut opj::opj_image_t = std::ptr::null_mut();
        // SAFETY: codec and stream are live; OpenJPEG writes the image pointer it allocates.
        let ok = unsafe { opj::opj_read_header(stream.0, self.0, &mut image) };
        (ok != 0 && !image.is_null()).then_some(Image(image))
    }

    /// Decodes `area` (reference grid: x0, y0, x1, y1) into `image`.
    fn decode(&self, stream: &Stream, image: &Image, area: [u32; 4]) -> bool {
        let [x0, y0, x1, y1] = area.map(|v| v as i32);
        // SAFETY: codec, stream and image are live and belong together (the image came from
        // this codec's `opj_read_header` on this stream).
        unsafe {
            opj::opj_set_decode_area(self.0, image.0, x0, y0, x1, y1) != 0
                && opj::opj_decode(self.0, stream.0, image.0) != 0
                && opj::opj_end_decompress(self.0, stream.0) != 0
        }
    }
}

impl Drop for Codec {
    fn drop(&mut self) {
        // SAFETY: the codec was created by `opj_create_decompress` and is destroyed once.
        unsafe { opj::opj_destroy_codec(self.0) }
    }
}

/// An image OpenJPEG allocated.
struct Image(*mut opj::opj_image_t);

impl Image {
    /// The decoded components as 8-bit planes of exactly the window's size.
    fn planes(&self, window: Window) -> Result<Planes, String> {
        let (width, height) = (window.x1 - window.x0, window.y1 - window.y0);
        // SAFETY: the image is live and decoded; `comps` points to `numcomps` components whose
        // `data` holds `w * h` samples each (OpenJPEG's layout), read only within that size.
        unsafe {
            let image = &*self.0;
            let count = (image.numcomps as usize).min(4);
            if count == 0 || image.comps.is_null() {
                return Err("no component decoded".into());
            }
            let comps = std::slice::from_raw_parts(image.comps, count);
            let mut planes = Vec::with_capacity(count);
            for comp in comps {
                if comp.data.is_null() || comp.dx != 1 || comp.dy != 1 {
                    return Err("subsampled or missing component".into());
                }
                if (comp.w, comp.h) != (width, height) {
                    return Err(format!(
                        "decoded {}×{} for a {width}×{height} window",
                        comp.w, comp.h
                    ));
                }
                let samples = std::slice::from_raw_parts(comp.data, (comp.w * comp.h) as usize);
                planes.push(to_bytes(samples, comp.prec, comp.sgnd != 0));
            }
            Ok(Planes {
                width,
                height,
                planes,
            })
        }
    }
}

impl Drop for Image {
    fn drop(&mut self) {
        // SAFETY: the image was allocated by OpenJPEG and is destroyed once.
        unsafe { opj::opj_image_destroy(self.0) }
    }
}

/// Samples of `precision` bits as bytes, as GDAL reads them into 8 bits: clamped to 0–255
/// (scaled down first when wider than 8 bits, shifted up when signed).
fn to_bytes(samples: &[i32], precision: u32, signed: bool) -> Vec<u8> {
    let shift = precision.saturating_sub(8);
    let offset = if signed {
        1i32 << precision.saturating_sub(1).min(30)
    } else {
        0
    };
    samples
        .iter()
        .map(|&v| ((v + offset) >> shift).clamp(0, 255) as u8)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_become_bytes_as_gdal_reads_them() {
        assert_eq!(to_bytes(&[-3, 0, 128, 255, 300], 8, false), [0, 0, 128, 255, 255]);
        assert_eq!(to_bytes(&[0, 1023], 10, false), [0, 255]);
        assert_eq!(to_bytes(&[-128, 127], 8, true), [0, 255]);
    }

    #[test]
    fn a_missing_file_is_an_error_not_a_crash() {
        let window = Window {
            reduce: 0,
            x0: 0,
            y0: 0,
            x1: 8,
            y1: 8,
        };
        assert!(decode_window("/nonexistent/dalle.jp2", 0, window).is_err());
        assert!(decode_window("/nonexistent/dalle.jp2", 0, Window { x1: 0, ..window }).is_err());
    }
}
