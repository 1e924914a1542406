//! The report id as a QR code, drawn as vector squares (sharp on any printer).

use qrcode::{Color, EcLevel, QrCode};

use crate::canvas::Canvas;
use crate::ReportError;

/// Modules of white border the QR standard asks for.
pub(crate) const QUIET: usize = 4;

/// Side length in mm of the QR drawing (quiet zone included) for `data`.
pub(crate) fn qr_side(data: &str, module: f32) -> Result<f32, ReportError> {
    let code = encode(data)?;
    Ok((code.width() + 2 * QUIET) as f32 * module)
}

fn encode(data: &str) -> Result<QrCode, ReportError> {
    QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .map_err(|e| ReportError::Qr(e.to_string()))
}

/// Draws the code with its top-left (quiet zone included) at (`x`, `y`).
pub(crate) fn draw_qr(
    c: &mut Canvas,
    x: f32,
    y: f32,
    data: &str,
    module: f32,
) -> Result<(), ReportError> {
    let code = encode(data)?;
    let n = code.width();
    let colors = code.to_colors();
    let (ox, oy) = (x + QUIET as f32 * module, y + QUIET as f32 * module);
    for (row, cells) in colors.chunks(n).enumerate() {
        // One rectangle per horizontal run of dark modules.
        let mut col = 0;
        while col < n {
            if cells.get(col) == Some(&Color::Dark) {
                let start = col;
                while cells.get(col) == Some(&Color::Dark) {
                    col += 1;
                }
                c.fill_rect(
                    ox + start as f32 * module,
                    oy + row as f32 * module,
                    (col - start) as f32 * module,
                    module,
                );
            } else {
                col += 1;
            }
        }
    }
    Ok(())
}
