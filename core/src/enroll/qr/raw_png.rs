//! PNG files written chunk by chunk from already-filtered scanlines, with any header: what the
//! `image` crate will not write (Adam7 interlacing, a 16-bit 7071 × 7071 header over no data, a
//! small stream that inflates to 192 MB). For the picture tests and the hostile-picture
//! benchmark (`examples/qr_memory.rs`); nothing in the library writes PNGs this way.

/// A PNG of `w` × `h` with the given bit depth, colour type and interlace method, whose single
/// IDAT chunk is `zlib` as given (filtered scanlines, zlib-compressed by the caller).
pub fn png(w: u32, h: u32, depth: u8, colour: u8, interlace: u8, zlib: &[u8]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[depth, colour, 0, 0, interlace]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// One chunk: length, type, data, and the CRC-32 of type and data.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let len = u32::try_from(data.len()).expect("a PNG chunk holds less than 4 GiB");
    out.extend_from_slice(&len.to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// `data` as a zlib stream of stored (uncompressed) blocks, so a test controls every byte.
pub fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(usize::from(u16::MAX)).collect();
    for (i, b) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = u16::try_from(b.len()).expect("blocks are at most 65,535 bytes");
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(b);
    }
    // Adler-32 of the uncompressed data, as zlib ends its stream.
    out.extend_from_slice(&adler2::adler32_slice(data).to_be_bytes());
    out
}
