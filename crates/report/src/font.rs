//! The one embedded font: a subset of Noto Sans CJK SC made by `scripts/make-report-font`.

use printpdf::ParsedFont;

use crate::ReportError;

/// The font file shipped in the repository (~1.5 MB; printpdf embeds only the glyphs a PDF uses).
const FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-Report.otf");

/// Printed in place of a character the font cannot draw. It is in the font (GB2312 row 1), so
/// the gap stays visible on paper instead of the character vanishing.
pub const PLACEHOLDER: char = '□';

pub(crate) const PT_TO_MM: f32 = 25.4 / 72.0;

pub(crate) struct ReportFont {
    parsed: ParsedFont,
    units_per_em: f32,
}

impl ReportFont {
    pub(crate) fn load() -> Result<ReportFont, ReportError> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(FONT_BYTES, 0, &mut warnings).ok_or_else(|| {
            ReportError::Font(format!(
                "embedded font did not parse ({} warnings)",
                warnings.len()
            ))
        })?;
        let units_per_em = f32::from(parsed.font_metrics.units_per_em.max(1));
        Ok(ReportFont {
            parsed,
            units_per_em,
        })
    }

    pub(crate) fn parsed(&self) -> &ParsedFont {
        &self.parsed
    }

    pub(crate) fn has(&self, c: char) -> bool {
        self.parsed
            .lookup_glyph_index(u32::from(c))
            .is_some_and(|g| g != 0)
    }

    /// `text` as it can be printed: control characters and odd spaces become plain spaces, a
    /// character the font lacks becomes [`PLACEHOLDER`] and is added to `missing` (once).
    pub(crate) fn printable(&self, text: &str, missing: &mut Vec<char>) -> String {
        text.chars()
            .map(|c| {
                if c == crate::canvas::NBSP {
                    c
                } else if c.is_whitespace() || c.is_control() {
                    ' '
                } else if self.has(c) {
                    c
                } else {
                    if !missing.contains(&c) {
                        missing.push(c);
                    }
                    PLACEHOLDER
                }
            })
            .collect()
    }

    /// Width in mm of already-printable text at `size_pt`.
    pub(crate) fn width_mm(&self, text: &str, size_pt: f32) -> f32 {
        let units: f32 = text
            .chars()
            .map(|c| {
                let gid = self.parsed.lookup_glyph_index(u32::from(c)).unwrap_or(0);
                f32::from(self.parsed.get_horizontal_advance(gid))
            })
            .sum();
        units / self.units_per_em * size_pt * PT_TO_MM
    }
}
