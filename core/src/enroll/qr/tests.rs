use super::*;

fn frame(w: u32, h: u32, stride: u32, bytes: &[u8]) -> LumaFrame<'_> {
    LumaFrame {
        width: w,
        height: h,
        row_stride: stride,
        bytes,
    }
}

/// Renders `text` to luma pixels with the qrcode crate: (pixels, side).
fn code_luma(text: &str, module_px: usize) -> (Vec<u8>, usize) {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let n = code.width();
    let colors = code.to_colors();
    let side = (n + 8) * module_px;
    let mut px = vec![255u8; side * side];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (x / module_px, y / module_px);
            if (4..n + 4).contains(&mx)
                && (4..n + 4).contains(&my)
                && colors[(my - 4) * n + mx - 4] == qrcode::Color::Dark
            {
                px[y * side + x] = 0;
            }
        }
    }
    (px, side)
}

fn texts(p: &[QrPayload]) -> Vec<String> {
    let mut t: Vec<String> = p.iter().map(|p| p.text.clone().unwrap()).collect();
    t.sort();
    t
}

#[test]
fn zero_size_frame_is_invalid() {
    let e = decode_luma(&frame(0, 10, 0, &[]), ScanEffort::Frame).unwrap_err();
    assert!(matches!(e, QrError::InvalidFrame { .. }), "{e}");
    let e = decode_luma(&frame(10, 0, 10, &[0; 10]), ScanEffort::Frame).unwrap_err();
    assert!(matches!(e, QrError::InvalidFrame { .. }), "{e}");
}

#[test]
fn stride_smaller_than_width_is_invalid() {
    let e = decode_luma(&frame(10, 10, 9, &[0; 100]), ScanEffort::Frame).unwrap_err();
    assert!(matches!(e, QrError::InvalidFrame { .. }), "{e}");
}

#[test]
fn short_buffer_is_invalid() {
    // 10 x 10 with stride 12 needs 9 * 12 + 10 = 118 bytes.
    let e = decode_luma(&frame(10, 10, 12, &[0; 117]), ScanEffort::Thorough).unwrap_err();
    assert!(matches!(e, QrError::InvalidFrame { .. }), "{e}");
    // The last row needs no padding: exactly 118 bytes is fine.
    let e = decode_luma(&frame(10, 10, 12, &[0; 118]), ScanEffort::Thorough).unwrap_err();
    assert!(matches!(e, QrError::NoQrCode), "{e}");
}

#[test]
fn huge_dimensions_are_refused_without_allocating() {
    let e = decode_luma(
        &frame(u32::MAX, u32::MAX, u32::MAX, &[0; 16]),
        ScanEffort::Frame,
    )
    .unwrap_err();
    assert!(matches!(e, QrError::ImageTooLarge { .. }), "{e}");
    let e = decode_luma(&frame(100_000, 1_000, 100_000, &[0; 16]), ScanEffort::Frame).unwrap_err();
    assert!(matches!(e, QrError::ImageTooLarge { .. }), "{e}");
    // Within the pixel cap but the stride overflows what the buffer could hold.
    let e = decode_luma(&frame(1, 40_000, u32::MAX, &[0; 16]), ScanEffort::Frame).unwrap_err();
    assert!(matches!(e, QrError::InvalidFrame { .. }), "{e}");
}

#[test]
fn garbage_bytes_are_unreadable() {
    let e = decode_image(b"this is not a picture at all").unwrap_err();
    assert!(matches!(e, QrError::UnreadableImage { .. }), "{e}");
    let e = decode_image(&[]).unwrap_err();
    assert!(matches!(e, QrError::UnreadableImage { .. }), "{e}");
}

#[test]
fn truncated_png_is_unreadable() {
    let png = render_png("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP", 4).unwrap();
    for cut in [8, 33, png.len() / 2, png.len() - 13] {
        let e = decode_image(&png[..cut]).unwrap_err();
        assert!(
            matches!(e, QrError::UnreadableImage { .. }),
            "cut {cut}: {e}"
        );
    }
}

#[test]
fn huge_png_header_is_refused() {
    // A valid PNG signature and IHDR claiming 60000 x 60000 pixels, empty IDAT: refused from the
    // header, before any allocation.
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&60_000u32.to_be_bytes());
    ihdr.extend_from_slice(&60_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    for chunk in [&b"IDAT"[..], &b"IEND"[..]] {
        png.extend_from_slice(&0u32.to_be_bytes());
        png.extend_from_slice(chunk);
        png.extend_from_slice(&crc32(chunk).to_be_bytes());
    }
    let e = decode_image(&png).unwrap_err();
    assert!(matches!(e, QrError::ImageTooLarge { .. }), "{e}");
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn render_png_round_trips() {
    let uri = "otpauth://totp/ACME%20Co:john@example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co";
    let png = render_png(uri, 6).unwrap();
    let got = decode_image(&png).unwrap();
    assert_eq!(
        got,
        vec![QrPayload {
            bytes: uri.as_bytes().to_vec(),
            text: Some(uri.into())
        }]
    );
    assert!(matches!(
        render_png(uri, 0),
        Err(QrError::RenderFailed { .. })
    ));
}

#[test]
fn inverted_code_reads() {
    let text = "otpauth://totp/dark:mode?secret=JBSWY3DPEHPK3PXP";
    let (px, side) = code_luma(text, 5);
    let inv: Vec<u8> = px.iter().map(|v| 255 - v).collect();
    let got = decode_luma(
        &frame(side as u32, side as u32, side as u32, &inv),
        ScanEffort::Thorough,
    )
    .unwrap();
    assert_eq!(texts(&got), vec![text.to_string()]);
    // The camera path reads it too.
    let got = decode_luma(
        &frame(side as u32, side as u32, side as u32, &inv),
        ScanEffort::Frame,
    )
    .unwrap();
    assert_eq!(texts(&got), vec![text.to_string()]);
}

#[test]
fn two_codes_in_one_image_both_read() {
    let a = "otpauth://totp/One:a?secret=JBSWY3DPEHPK3PXP";
    let b = "otpauth://totp/Two:b?secret=GEZDGNBVGY3TQOJQ";
    let (pa, sa) = code_luma(a, 4);
    let (pb, sb) = code_luma(b, 4);
    let (w, h) = (sa + sb + 40, sa.max(sb) + 20);
    let mut px = vec![255u8; w * h];
    for y in 0..sa {
        px[(y + 10) * w + 10..(y + 10) * w + 10 + sa].copy_from_slice(&pa[y * sa..(y + 1) * sa]);
    }
    for y in 0..sb {
        let x0 = 30 + sa;
        px[(y + 10) * w + x0..(y + 10) * w + x0 + sb].copy_from_slice(&pb[y * sb..(y + 1) * sb]);
    }
    let got = decode_luma(
        &frame(w as u32, h as u32, w as u32, &px),
        ScanEffort::Thorough,
    )
    .unwrap();
    assert_eq!(texts(&got), vec![a.to_string(), b.to_string()]);
}

#[test]
fn strided_frame_reads() {
    let text = "otpauth://totp/stride?secret=JBSWY3DPEHPK3PXP";
    let (px, side) = code_luma(text, 4);
    let stride = side + 17;
    let mut buf = vec![0u8; (side - 1) * stride + side];
    for y in 0..side {
        buf[y * stride..y * stride + side].copy_from_slice(&px[y * side..(y + 1) * side]);
    }
    let got = decode_luma(
        &frame(side as u32, side as u32, stride as u32, &buf),
        ScanEffort::Frame,
    )
    .unwrap();
    assert_eq!(texts(&got), vec![text.to_string()]);
}

#[test]
fn blank_and_noise_frames_find_nothing() {
    let blank = vec![200u8; 320 * 240];
    assert!(matches!(
        decode_luma(&frame(320, 240, 320, &blank), ScanEffort::Thorough),
        Err(QrError::NoQrCode)
    ));
    let mut s = 0x1234_5678u32;
    let noise: Vec<u8> = (0..320 * 240)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            s as u8
        })
        .collect();
    assert!(matches!(
        decode_luma(&frame(320, 240, 320, &noise), ScanEffort::Thorough),
        Err(QrError::NoQrCode)
    ));
}
