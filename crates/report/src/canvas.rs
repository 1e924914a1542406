//! A small top-down layout surface: positions in mm from the page's top-left corner, turned
//! into printpdf operations (bottom-left origin, points) at the end.

use printpdf::{
    Color, FontId, Greyscale, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, PdfFontHandle,
    PdfPage, Point, Polygon, PolygonRing, Pt, TextItem, WindingOrder,
};

use crate::font::{ReportFont, PT_TO_MM};

/// Line height as a multiple of the font size (generous: the readers are elderly).
const LINE_HEIGHT: f32 = 1.4;
/// Baseline below the top of a line, as a multiple of the font size (Noto CJK ascent 0.88 em,
/// plus half the extra leading).
const BASELINE: f32 = 1.08;
pub(crate) const NBSP: char = '\u{a0}';

#[derive(Debug, Clone)]
pub(crate) enum Element {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        text: String,
    },
    Stroke {
        points: Vec<(f32, f32)>,
        width_pt: f32,
        dash: Option<[f32; 2]>,
        closed: bool,
    },
    Fill {
        points: Vec<(f32, f32)>,
    },
}

/// How the page grows: A4 paginates, a receipt is one page as long as its content.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Flow {
    Paged { height: f32 },
    Roll,
}

pub(crate) struct Canvas<'f> {
    font: &'f ReportFont,
    pub(crate) width: f32,
    pub(crate) margin: f32,
    flow: Flow,
    /// Space kept free at the bottom of each page (for the page number).
    pub(crate) footer: f32,
    pages: Vec<Vec<Element>>,
    pub(crate) y: f32,
    pub(crate) missing: Vec<char>,
}

impl<'f> Canvas<'f> {
    pub(crate) fn new(font: &'f ReportFont, width: f32, margin: f32, flow: Flow) -> Canvas<'f> {
        Canvas {
            font,
            width,
            margin,
            flow,
            footer: 0.0,
            pages: vec![Vec::new()],
            y: margin,
            missing: Vec::new(),
        }
    }

    /// A throwaway roll of the same width and font, for measuring how tall something will be
    /// before drawing it (so a block can be kept on one page).
    pub(crate) fn scratch(&self) -> Canvas<'f> {
        Canvas::new(self.font, self.width, self.margin, Flow::Roll)
    }

    pub(crate) fn left(&self) -> f32 {
        self.margin
    }

    pub(crate) fn right(&self) -> f32 {
        self.width - self.margin
    }

    pub(crate) fn content_width(&self) -> f32 {
        self.width - 2.0 * self.margin
    }

    /// Space left on the current page (unbounded on a roll).
    pub(crate) fn space_left(&self) -> f32 {
        match self.flow {
            Flow::Paged { height } => height - self.margin - self.footer - self.y,
            Flow::Roll => f32::INFINITY,
        }
    }

    /// Starts a new page unless `height` mm still fit on this one.
    pub(crate) fn ensure(&mut self, height: f32) {
        if height > self.space_left() && self.y > self.margin {
            self.pages.push(Vec::new());
            self.y = self.margin;
        }
    }

    pub(crate) fn gap(&mut self, mm: f32) {
        self.y += mm;
    }

    fn push(&mut self, e: Element) {
        if let Some(page) = self.pages.last_mut() {
            page.push(e);
        }
    }

    pub(crate) fn line_height(size: f32) -> f32 {
        size * LINE_HEIGHT * PT_TO_MM
    }

    /// Printable form of `text` (missing characters replaced and recorded).
    pub(crate) fn clean(&mut self, text: &str) -> String {
        self.font.printable(text, &mut self.missing)
    }

    pub(crate) fn measure(&mut self, text: &str, size: f32) -> f32 {
        let t = self.clean(text);
        self.font.width_mm(&t, size)
    }

    /// Draws one line of text with its baseline at `baseline`; returns its width.
    pub(crate) fn text_at(&mut self, x: f32, baseline: f32, size: f32, text: &str) -> f32 {
        let t = self.clean(text);
        let w = self.font.width_mm(&t, size);
        if !t.trim().is_empty() {
            self.push(Element::Text {
                x,
                baseline,
                size,
                text: t,
            });
        }
        w
    }

    /// Draws one line of text ending at `right`.
    pub(crate) fn text_right(&mut self, right: f32, baseline: f32, size: f32, text: &str) {
        let w = self.measure(text, size);
        self.text_at(right - w, baseline, size, text);
    }

    /// Draws one line of text centred on `centre`.
    pub(crate) fn text_centred(&mut self, centre: f32, baseline: f32, size: f32, text: &str) {
        let w = self.measure(text, size);
        self.text_at(centre - w / 2.0, baseline, size, text);
    }

    /// The baseline of a line whose top is the cursor.
    pub(crate) fn baseline(&self, size: f32) -> f32 {
        self.y + size * BASELINE * PT_TO_MM
    }

    /// A wrapped paragraph from `x` to the right margin, moving the cursor below it.
    pub(crate) fn paragraph(&mut self, x: f32, size: f32, text: &str) {
        let t = self.clean(text);
        let max = self.right() - x;
        for line in wrap(self.font, &t, size, max) {
            let lh = Canvas::line_height(size);
            self.ensure(lh);
            let b = self.baseline(size);
            self.push(Element::Text {
                x,
                baseline: b,
                size,
                text: line,
            });
            self.y += lh;
        }
    }

    /// `text` wrapped to `width` mm (printable form).
    pub(crate) fn wrap_width(&mut self, size: f32, text: &str, width: f32) -> Vec<String> {
        let t = self.clean(text);
        wrap(self.font, &t, size, width)
    }

    /// Lines `text` would wrap into between `x` and the right margin.
    pub(crate) fn wrapped_lines(&mut self, x: f32, size: f32, text: &str) -> usize {
        let t = self.clean(text);
        wrap(self.font, &t, size, self.right() - x).len()
    }

    pub(crate) fn stroke(
        &mut self,
        points: Vec<(f32, f32)>,
        width_pt: f32,
        dash: Option<[f32; 2]>,
    ) {
        self.push(Element::Stroke {
            points,
            width_pt,
            dash,
            closed: false,
        });
    }

    pub(crate) fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, width_pt: f32) {
        self.push(Element::Stroke {
            points: vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
            width_pt,
            dash: None,
            closed: true,
        });
    }

    pub(crate) fn fill(&mut self, points: Vec<(f32, f32)>) {
        self.push(Element::Fill { points });
    }

    pub(crate) fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.fill(vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)]);
    }

    /// A horizontal rule across the content width at the cursor.
    pub(crate) fn rule(&mut self, width_pt: f32) {
        let (l, r, y) = (self.left(), self.right(), self.y);
        self.stroke(vec![(l, y), (r, y)], width_pt, None);
    }

    /// The printpdf pages; `page_footer(page, pages)` gives the text printed at the bottom of
    /// each page when there is more than one.
    pub(crate) fn into_pages(
        mut self,
        font_id: &FontId,
        page_footer: impl Fn(usize, usize) -> String,
        footer_size: f32,
    ) -> (Vec<PdfPage>, Vec<char>) {
        let height = match self.flow {
            Flow::Paged { height } => height,
            Flow::Roll => self.y + self.margin,
        };
        let count = self.pages.len();
        if count > 1 {
            for i in 0..count {
                let text = self
                    .font
                    .printable(&page_footer(i + 1, count), &mut self.missing);
                let w = self.font.width_mm(&text, footer_size);
                let e = Element::Text {
                    x: self.width - self.margin - w,
                    baseline: height - self.margin,
                    size: footer_size,
                    text,
                };
                if let Some(p) = self.pages.get_mut(i) {
                    p.push(e);
                }
            }
        }
        let width = self.width;
        let pages = self
            .pages
            .iter()
            .map(|els| PdfPage::new(Mm(width), Mm(height), to_ops(els, height, font_id)))
            .collect();
        (pages, self.missing)
    }
}

fn pt(x: f32, y_top: f32, height: f32) -> Point {
    Point::new(Mm(x), Mm(height - y_top))
}

fn to_ops(elements: &[Element], height: f32, font_id: &FontId) -> Vec<Op> {
    let black = Color::Greyscale(Greyscale::new(0.0, None));
    let mut ops = vec![
        Op::SetFillColor { col: black.clone() },
        Op::SetOutlineColor { col: black },
    ];
    for e in elements {
        match e {
            Element::Text {
                x,
                baseline,
                size,
                text,
            } => ops.extend([
                Op::StartTextSection,
                Op::SetFont {
                    font: PdfFontHandle::External(font_id.clone()),
                    size: Pt(*size),
                },
                Op::SetTextCursor {
                    pos: pt(*x, *baseline, height),
                },
                Op::ShowText {
                    items: vec![TextItem::Text(text.clone())],
                },
                Op::EndTextSection,
            ]),
            Element::Stroke {
                points,
                width_pt,
                dash,
                closed,
            } => {
                ops.push(Op::SaveGraphicsState);
                ops.push(Op::SetOutlineThickness { pt: Pt(*width_pt) });
                if let Some([on, off]) = dash {
                    ops.push(Op::SetLineDashPattern {
                        dash: LineDashPattern::new(0.0, &[on / PT_TO_MM, off / PT_TO_MM]),
                    });
                }
                ops.push(Op::DrawLine {
                    line: Line {
                        points: points
                            .iter()
                            .map(|&(x, y)| LinePoint {
                                p: pt(x, y, height),
                                bezier: false,
                            })
                            .collect(),
                        is_closed: *closed,
                    },
                });
                ops.push(Op::RestoreGraphicsState);
            }
            Element::Fill { points } => ops.push(Op::DrawPolygon {
                polygon: Polygon {
                    rings: vec![PolygonRing {
                        points: points
                            .iter()
                            .map(|&(x, y)| LinePoint {
                                p: pt(x, y, height),
                                bezier: false,
                            })
                            .collect(),
                    }],
                    mode: PaintMode::Fill,
                    winding_order: WindingOrder::NonZero,
                },
            }),
        }
    }
    ops
}

/// Characters a line must not start with (they stay on the line before, even a little over).
fn no_line_start(token: &str) -> bool {
    matches!(
        token,
        "，" | "。"  // i18n-exempt: punctuation classes for line breaking, not text
            | "、"  // i18n-exempt: punctuation
            | "；"
            | "："
            | "！"
            | "？"
            | "）"
            | "》"  // i18n-exempt: punctuation
            | "」"  // i18n-exempt: punctuation
            | "”"
            | ","
            | "."
            | ";"
            | ":"
            | "!"
            | "?"
            | ")"
    )
}

/// Latin letters, digits, symbols (and the no-break space) form words; CJK characters do not.
fn is_word_char(c: char) -> bool {
    c == NBSP || (!c.is_whitespace() && (c as u32) < 0x2E80)
}

/// Breaks into words (runs of Latin-ish characters), single spaces, and single CJK characters.
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if is_word_char(c) {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        out.push(c.to_string());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Greedy line breaking by measured width (CJK may break between any two characters).
pub(crate) fn wrap(font: &ReportFont, text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut width = 0.0;
    for token in tokens(text) {
        let w = font.width_mm(&token, size);
        if token == " " {
            if !line.is_empty() {
                line.push(' ');
                width += w;
            }
            continue;
        }
        if width + w <= max || line.trim().is_empty() || no_line_start(&token) {
            if w > max && line.trim().is_empty() {
                // A single word wider than the line: break it anywhere.
                for c in token.chars() {
                    let cw = font.width_mm(c.encode_utf8(&mut [0; 4]), size);
                    if width + cw > max && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        width = 0.0;
                    }
                    line.push(c);
                    width += cw;
                }
                continue;
            }
            line.push_str(&token);
            width += w;
        } else {
            lines.push(line.trim_end().to_string());
            line = token;
            width = w;
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}
