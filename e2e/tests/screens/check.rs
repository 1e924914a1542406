//! What is checked on every screen: a screenshot, the layout rules read from the element
//! boxes as drawn (`LAYOUT`), and axe-core (`AXE`) with its undecided results resolved one by one
//! (`INCOMPLETE_RESOLVED`).

use std::collections::BTreeMap;

use serde_json::{json, Value};
use station_e2e::station::Station;
use station_e2e::workspace_root;

use crate::look::Look;

/// The panel the kiosk is configured for by default (`panel_diagonal_inches`).
pub(crate) const DIAGONAL_INCHES: f64 = 21.5;

/// The layout rules, read from the element boxes of the page as drawn. `arguments[0]` is the
/// panel's pixels per millimetre.
pub(crate) const LAYOUT: &str = r#"
const mm = arguments[0];
const W = window.innerWidth, H = window.innerHeight;
const st = document.querySelector('.station');
const out = { w: W, h: H, problems: [], lowest: 0, bodyLowest: 0, scrolls: false };
if (!st) { out.problems.push('no .station'); return out; }
const shown = el => {
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
};
const name = el => {
  const c = typeof el.className === 'string' ? el.className.trim().split(/\s+/).filter(Boolean).join('.') : '';
  return el.tagName.toLowerCase() + (c ? '.' + c : '') + ' "' + (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 24) + '"';
};
const ownText = el => Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
const mmOf = px => (px / mm).toFixed(1) + ' mm';

// Targets: every button >= 60 px; the bars of actions, the dialog's answers and "退出" >= 15 mm.
for (const b of st.querySelectorAll('button')) {
  if (!shown(b)) continue;
  const r = b.getBoundingClientRect();
  if (r.width < 60 || r.height < 60) out.problems.push('target under 60 px: ' + name(b) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
  if (b.closest('.bar .actions, .dialog-actions') || b.classList.contains('btn-exit')) {
    if (r.height < 15 * mm - 0.5) out.problems.push('bar under 15 mm: ' + name(b) + ' ' + mmOf(r.height));
  }
}
// No control lies over another, and the notice lies over none (a press meant for a button
// must reach it).
const controls = Array.from(st.querySelectorAll('button, .notice')).filter(shown);
for (let i = 0; i < controls.length; i++) {
  for (let j = i + 1; j < controls.length; j++) {
    const a = controls[i], b = controls[j];
    if (a.contains(b) || b.contains(a)) continue;
    const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
    const x = Math.min(p.right, q.right) - Math.max(p.left, q.left);
    const y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
    if (x > 1 && y > 1) out.problems.push('overlap: ' + name(a) + ' and ' + name(b));
  }
}
// Text >= 24 px, outside the demo strip (the demonstrator's, not the resident's).
for (const el of st.querySelectorAll('*')) {
  if (el.closest('.demo') || !shown(el) || !ownText(el)) continue;
  const px = parseFloat(getComputedStyle(el).fontSize);
  if (px < 24) out.problems.push('text under 24 px: ' + name(el) + ' ' + px);
}
// Nothing outside the viewport, nothing spilling out of its box or cut off by it. The body
// may hold more than fits only with the scroll arrows beside it.
const doc = document.scrollingElement || document.documentElement;
if (doc.scrollWidth > W + 1 || doc.scrollHeight > H + 1) out.problems.push('the page is larger than the window: ' + doc.scrollWidth + 'x' + doc.scrollHeight);
const body = st.querySelector('.screen-body');
const scrolls = !!body && body.scrollHeight > body.clientHeight + 2;
out.scrolls = scrolls;
const arrows = st.querySelectorAll('.scroll-arrows .scroll-arrow').length > 0;
if (scrolls && !arrows) out.problems.push('the body scrolls without arrows');
for (const el of st.querySelectorAll('*')) {
  if (!shown(el)) continue;
  const r = el.getBoundingClientRect();
  const inBody = body && body !== el && body.contains(el);
  if (!(inBody && scrolls) && (r.left < -1 || r.top < -1 || r.right > W + 1 || r.bottom > H + 1)) {
    out.problems.push('outside the window: ' + name(el) + ' ' + [r.left, r.top, r.right, r.bottom].map(Math.round).join(','));
  }
  if (el instanceof SVGElement || el === body) continue;
  if (el.scrollWidth > el.clientWidth + 2 && el.clientWidth > 0) out.problems.push('wider than its box: ' + name(el) + ' ' + el.scrollWidth + '>' + el.clientWidth);
  if (el.scrollHeight > el.clientHeight + 2 && el.clientHeight > 0) out.problems.push('taller than its box: ' + name(el) + ' ' + el.scrollHeight + '>' + el.clientHeight);
}
// The lowest content, as a fraction of the height (the demo strip is not content).
const bodyBottom = body ? body.getBoundingClientRect().bottom : H;
for (const el of st.querySelectorAll('button, p, h1, h2, dt, dd, li, svg, .gauge-scale, .spinner')) {
  if (el.closest('.demo') || !shown(el)) continue;
  const b = el.getBoundingClientRect().bottom;
  out.lowest = Math.max(out.lowest, b / H);
  if (body && body.contains(el)) out.bodyLowest = Math.max(out.bodyLowest, Math.min(b, bodyBottom) / H);
}
// The measured value: its capital height, and the largest text on the screen.
const v = st.querySelector('.value-main');
if (v) {
  const cs = getComputedStyle(v);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
  const m = ctx.measureText(v.textContent.trim());
  out.valueCapMm = m.actualBoundingBoxAscent / mm;
  out.valuePx = parseFloat(cs.fontSize);
  for (const el of st.querySelectorAll('*')) {
    if (el.closest('.value-main') || el.closest('.demo') || !shown(el) || !ownText(el)) continue;
    if (parseFloat(getComputedStyle(el).fontSize) >= out.valuePx) out.problems.push('as large as the measured value: ' + name(el));
  }
}
return out;
"#;

/// axe-core: WCAG 2.0/2.1/2.2 A and AA, and 2.0 AAA (enhanced contrast 7:1 among them).
pub(crate) const AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag2aaa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  // meta-viewport (WCAG 1.4.4): pinch zoom is off on purpose on this shared public kiosk; a
  // zoomed page would greet the next resident half off the screen, with no browser controls to
  // undo it. Residents enlarge text with the station's own 特大 size, for which every screen is
  // laid out and checked here, and hear every screen read aloud. See ui/static/index.html.
  rules: { 'meta-viewport': { enabled: false } },
  resultTypes: ['violations', 'incomplete'],
}).then(r => done({
  violations: r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ') + ' (' + (n.failureSummary || '').replace(/\s+/g, ' ') + ')').join(' | ')),
  incomplete: r.incomplete.flatMap(v => v.nodes.map(n => {
    const el = n.target.length === 1 ? document.querySelector(n.target[0]) : null;
    return {
      rule: v.id,
      target: n.target.join(' '),
      // Which of the resolved cases (arguments[0]: [rule, selector] pairs) this node is.
      resolved: arguments[0].findIndex(([rule, selector]) => rule === v.id && el && el.matches(selector)),
      why: n.any.concat(n.all, n.none).map(c => c.id + ': ' + (c.message || '')).join('; '),
    };
  })),
})).catch(e => done({ violations: ['axe failed: ' + e], incomplete: [] }));
"#;

/// axe's "incomplete" results (checks it could not decide) that were looked at one by one and
/// are resolved here: (rule, the CSS selector the element matches, why it passes). Everything
/// else axe leaves undecided fails the test.
pub(crate) const INCOMPLETE_RESOLVED: &[(&str, &str, &str)] = &[
    // The trend chart's numbers and dates are SVG text inside the chart (an image, role="img",
    // named by its caption): axe does not compute a background through an SVG ("element
    // contains an image node"). They are drawn in the text colour on the page background with
    // a halo of the background colour (`.trend text` in station.css): 21:1 in both modes.
    (
        "color-contrast",
        ".trend svg text",
        "SVG chart text, page colours",
    ),
    (
        "color-contrast-enhanced",
        ".trend svg text",
        "SVG chart text, page colours",
    ),
    // A unit that is a symbol only ("℃", "%"): axe cannot tell a symbol from an icon font
    // ("contains only non-text characters"). It is text, in the same colours as the other
    // units beside it, which axe does check.
    ("color-contrast", ".unit", "a unit symbol, page colours"),
    (
        "color-contrast-enhanced",
        ".unit",
        "a unit symbol, page colours",
    ),
    // The staff keypad's single digits at 特大 ("too short to determine if it is actual text"):
    // they are text, in the colours of every other secondary button, which axe does check.
    (
        "color-contrast",
        ".keypad .key",
        "a one-digit key, button colours",
    ),
    (
        "color-contrast-enhanced",
        ".keypad .key",
        "a one-digit key, button colours",
    ),
];

/// What one walk found, screen by screen.
#[derive(Default)]
pub(crate) struct Findings {
    problems: Vec<String>,
    incomplete: BTreeMap<String, Vec<String>>,
    resolved: BTreeMap<String, usize>,
    figures: Vec<String>,
}

/// The checks of one walk: on the station `st`, on the panel `orientation`, in the look `look`.
pub(crate) struct Check<'a> {
    pub st: &'a Station,
    pub orientation: &'static str,
    pub look: Look,
    pub findings: &'a mut Findings,
}

impl Check<'_> {
    /// Screenshot, layout rules and axe on the screen shown now, named `screen`.
    pub(crate) fn screen(&mut self, screen: &str) {
        self.screen_with(screen, true);
    }

    pub(crate) fn screen_with(&mut self, screen: &str, bottom_third: bool) {
        let name = format!(
            "{screen}-{}-{}{}",
            self.orientation,
            self.look.contrast(),
            self.look.suffix()
        );
        self.st.save_screenshot(&name);
        let (w, h) = window_size(self.st);
        let px_per_mm = (w * w + h * h).sqrt() / (DIAGONAL_INCHES * 25.4);
        let r = self
            .st
            .session
            .execute(LAYOUT, vec![json!(px_per_mm)])
            .unwrap_or_else(|e| json!({ "problems": [format!("layout script: {e}")] }));
        for p in r["problems"].as_array().into_iter().flatten() {
            self.findings
                .problems
                .push(format!("{name}: {}", p.as_str().unwrap_or_default()));
        }
        let lowest = r["lowest"].as_f64().unwrap_or(0.0);
        if bottom_third && lowest < 2.0 / 3.0 {
            self.findings.problems.push(format!(
                "{name}: the lowest content ends at {:.0} % of the height, above the bottom third",
                lowest * 100.0
            ));
        }
        if let Some(cap) = r["valueCapMm"].as_f64() {
            if cap < 25.0 {
                self.findings.problems.push(format!(
                    "{name}: the measured value's capital height is {cap:.1} mm, under 25 mm"
                ));
            }
            self.findings
                .figures
                .push(format!("{name}: value cap height {cap:.1} mm"));
        }
        self.findings.figures.push(format!(
            "{name}: lowest {:.0} %, body {:.0} %{}",
            lowest * 100.0,
            r["bodyLowest"].as_f64().unwrap_or(0.0) * 100.0,
            if r["scrolls"].as_bool().unwrap_or(false) {
                ", scrolls with arrows"
            } else {
                ""
            }
        ));
        self.axe(&name);
    }

    fn axe(&mut self, name: &str) {
        let st = self.st;
        let loaded = st
            .session
            .execute("return typeof axe !== 'undefined';", vec![])
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if !loaded {
            let source = std::fs::read_to_string(
                workspace_root().join(".tools/node_modules/axe-core/axe.min.js"),
            )
            .expect("axe-core (scripts/setup installs it)");
            st.session.execute(&source, vec![]).expect("axe injects");
        }
        let resolved: Vec<Value> = INCOMPLETE_RESOLVED
            .iter()
            .map(|(rule, selector, _)| json!([rule, selector]))
            .collect();
        let r = st
            .session
            .execute_async(AXE, vec![Value::Array(resolved)])
            .unwrap_or_else(|e| json!({ "violations": [format!("axe: {e}")], "incomplete": [] }));
        for v in r["violations"].as_array().into_iter().flatten() {
            self.findings.problems.push(format!(
                "{name}: axe violation {}",
                v.as_str().unwrap_or_default()
            ));
        }
        for i in r["incomplete"].as_array().into_iter().flatten() {
            let rule = i["rule"].as_str().unwrap_or_default();
            let target = i["target"].as_str().unwrap_or_default();
            let resolved = i["resolved"].as_i64().unwrap_or(-1);
            if let Some((_, _, why)) = usize::try_from(resolved)
                .ok()
                .and_then(|n| INCOMPLETE_RESOLVED.get(n))
            {
                *self
                    .findings
                    .resolved
                    .entry(format!("{rule} ({why})"))
                    .or_default() += 1;
            } else {
                self.findings
                    .incomplete
                    .entry(format!("{rule} {target}"))
                    .or_default()
                    .push(format!("{name}: {}", i["why"].as_str().unwrap_or_default()));
            }
        }
    }
}

pub(crate) fn window_size(st: &Station) -> (f64, f64) {
    let v = st
        .session
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .unwrap_or(Value::Null);
    (v[0].as_f64().unwrap_or(0.0), v[1].as_f64().unwrap_or(0.0))
}

/// Fails with everything found, after printing the figures.
pub(crate) fn report(findings: Findings) {
    for f in &findings.figures {
        println!("{f}");
    }
    for (what, n) in &findings.resolved {
        println!("axe incomplete, resolved: {what}, {n} elements over all screens");
    }
    let mut failures = findings.problems;
    for (what, wher) in &findings.incomplete {
        failures.push(format!(
            "axe incomplete, not resolved: {what} — {}",
            wher.join(" / ")
        ));
    }
    assert!(
        failures.is_empty(),
        "{} layout/accessibility problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
