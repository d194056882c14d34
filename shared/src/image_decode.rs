//! Screenshot decoding with limits: the format is sniffed from the bytes and
//! oversized pictures are refused before any pixel is decoded. The search
//! takes a screenshot's luma (`decode_gray`), straight from the JPEG
//! decoder when it can.

use crate::error::QueryError;
use crate::gray::{Gray, WORK_WIDTH};

/// Limits on what a screenshot may cost to decode.
#[derive(Clone, Copy, Debug)]
pub struct DecodeLimits {
    pub max_bytes: usize,
    pub max_width: u32,
    pub max_height: u32,
    /// Pixels of a JPEG, which is decoded reduced (a 50 MP phone photo
    /// costs about what a 1080p screenshot does).
    pub max_pixels: u64,
    /// Pixels of a picture decoded at full size (PNG, WebP, GIF, and a
    /// JPEG the reduced decoder cannot read): a 4K or 5K screenshot and a
    /// 12 MP phone photo fit; each pixel costs 4 bytes and its share of
    /// CPU, so a tiny file declaring 9999x4000 is refused unread.
    pub max_full_pixels: u64,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_bytes: 25 * 1024 * 1024,
            max_width: 10_000,
            max_height: 10_000,
            max_pixels: 50_000_000,
            max_full_pixels: 4096 * 4096,
        }
    }
}

/// Decodes JPEG, PNG, WebP or GIF (first frame), sniffing the format from
/// the bytes and refusing oversized pictures before decoding them. A large
/// JPEG comes back reduced (see `decode_jpeg_reduced`), never below
/// twice `WORK_WIDTH` wide (1.5 times for a picture taller than wide).
pub fn decode_image(bytes: &[u8], limits: &DecodeLimits) -> Result<image::RgbImage, QueryError> {
    let (format, w, h) = checked_header(bytes, limits)?;
    decode_checked(bytes, limits, format, (w, h))
}

/// What a search reads of a screenshot: its luma at the work width, with
/// the same checks and errors as `decode_image`. A JPEG that may be
/// decoded whole is decoded straight to luma (its Y channel; no colour is
/// converted and no chroma upsampled), on this thread: a 1080x1920 JPEG
/// takes 6 ms where the reduced RGB decode took 10 (and started a thread
/// per colour component).
pub fn decode_gray(bytes: &[u8], limits: &DecodeLimits) -> Result<Gray, QueryError> {
    let (format, w, h) = checked_header(bytes, limits)?;
    if format == image::ImageFormat::Jpeg
        && w as u64 * h as u64 <= limits.max_full_pixels
        && let Some(luma) = decode_jpeg_luma(bytes, w, h)
    {
        return Ok(Gray::new(w, h, luma).resized_to_work());
    }
    Ok(Gray::from_rgb(&decode_checked(
        bytes,
        limits,
        format,
        (w, h),
    )?))
}

/// Decodes a picture whose header `checked_header` passed: a JPEG reduced
/// if the reduced decoder can, anything else whole.
fn decode_checked(
    bytes: &[u8],
    limits: &DecodeLimits,
    format: image::ImageFormat,
    (w, h): (u32, u32),
) -> Result<image::RgbImage, QueryError> {
    if format == image::ImageFormat::Jpeg
        && let Some(img) = decode_jpeg_reduced(bytes, w, h)
    {
        return Ok(img);
    }
    decode_whole(bytes, limits, format, (w, h))
}

/// A JPEG's luma at full size; `None` for what this decoder cannot read
/// (the other decoders then handle it or report why they cannot).
fn decode_jpeg_luma(bytes: &[u8], width: u32, height: u32) -> Option<Vec<u8>> {
    use zune_core::{bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions};
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::Luma)
        .set_max_width(width as usize)
        .set_max_height(height as usize);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    let luma = decoder.decode().ok()?;
    let info = decoder.info()?;
    let right_size = (info.width as u32, info.height as u32) == (width, height)
        && luma.len() == width as usize * height as usize;
    right_size.then_some(luma)
}

/// Sniffs the format and reads the dimensions, refusing what the limits
/// do not allow before any pixel is decoded.
fn checked_header(
    bytes: &[u8],
    limits: &DecodeLimits,
) -> Result<(image::ImageFormat, u32, u32), QueryError> {
    if bytes.len() > limits.max_bytes {
        return Err(QueryError::TooLarge(format!(
            "{} bytes, at most {} allowed",
            bytes.len(),
            limits.max_bytes
        )));
    }
    let format = image::guess_format(bytes)
        .map_err(|_| QueryError::InvalidImage("not a JPEG, PNG, WebP or GIF image".into()))?;
    if !matches!(
        format,
        image::ImageFormat::Jpeg
            | image::ImageFormat::Png
            | image::ImageFormat::WebP
            | image::ImageFormat::Gif
    ) {
        return Err(QueryError::InvalidImage(format!(
            "{format:?} images are not accepted; send JPEG, PNG, WebP or GIF"
        )));
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    reader.limits(image_limits(limits));
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| classify(e, "cannot read the image header"))?;
    if w == 0 || h == 0 || w as u64 * h as u64 > limits.max_pixels {
        return Err(QueryError::TooLarge(format!(
            "{w}x{h} pixels, at most {} allowed",
            limits.max_pixels
        )));
    }
    Ok((format, w, h))
}

fn image_limits(limits: &DecodeLimits) -> image::Limits {
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_width);
    image_limits.max_image_height = Some(limits.max_height);
    image_limits.max_alloc = Some(limits.max_full_pixels * 4);
    image_limits
}

/// Decodes the whole picture with the `image` crate, if its size allows.
fn decode_whole(
    bytes: &[u8],
    limits: &DecodeLimits,
    format: image::ImageFormat,
    (w, h): (u32, u32),
) -> Result<image::RgbImage, QueryError> {
    if w as u64 * h as u64 > limits.max_full_pixels {
        return Err(QueryError::TooLarge(format!(
            "{w}x{h} pixels, at most {} allowed for {format:?} (JPEG up to {})",
            limits.max_full_pixels, limits.max_pixels
        )));
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    reader.limits(image_limits(limits));
    let img = reader.decode().map_err(|e| classify(e, "cannot decode"))?;
    Ok(img.to_rgb8())
}

/// Decodes a JPEG at the smallest DCT scale (1/1, 1/2, 1/4 or 1/8) that
/// keeps it at least twice `WORK_WIDTH` wide: the search reduces every
/// picture to that width, so a large screenshot need not be decoded at
/// full size. (Decoding straight to the work width blurs the sharp edges
/// of player chrome that the border cut looks for: chrome top-1 fell from
/// 90 to 87 % in `just eval`.) A picture taller than wide (a phone's
/// shorts or story) needs only 1.5 times the work width: its video is at
/// most as wide as the picture, and the reduction from there to the work
/// width is still a true reduction (a 1080x1920 JPEG decodes at half size).
/// The search takes this path only for a JPEG too large to decode whole;
/// others it decodes straight to luma (`decode_gray`).
/// `None` for what this decoder cannot do (CMYK, 16-bit, damaged data); the
/// full decoder then handles the picture or reports why it cannot.
fn decode_jpeg_reduced(bytes: &[u8], width: u32, height: u32) -> Option<image::RgbImage> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    let wanted_width = if height > width {
        WORK_WIDTH * 3 / 2
    } else {
        2 * WORK_WIDTH
    };
    let wanted_height = (height as u64 * wanted_width as u64 / width as u64).max(1);
    decoder
        .scale(wanted_width as u16, u16::try_from(wanted_height).ok()?)
        .ok()?;
    let pixels = decoder.decode().ok()?;
    let info = decoder.info()?;
    let (w, h) = (info.width as u32, info.height as u32);
    let rgb = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => pixels,
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l]).collect(),
        _ => return None,
    };
    image::RgbImage::from_raw(w, h, rgb)
}

fn classify(e: image::ImageError, what: &str) -> QueryError {
    match e {
        image::ImageError::Limits(l) => QueryError::TooLarge(l.to_string()),
        other => QueryError::InvalidImage(format!("{what}: {other}")),
    }
}
