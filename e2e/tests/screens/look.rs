//! The resident's looks (contrast mode, text size) and how the walks move between screens:
//! waiting for a screen by its `data-screen` marker, pressing what a resident presses.

use std::time::Duration;

use serde_json::json;
use station_e2e::station::{Station, StationOptions};
use station_e2e::wait_for;
use station_i18n::Catalog;

use crate::Panel;

/// A contrast mode and a text size, as the resident picks them on the settings bar.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Look {
    pub dark: bool,
    pub extra_large: bool,
}

pub(crate) const LOOKS: [Look; 4] = [
    Look {
        dark: false,
        extra_large: false,
    },
    Look {
        dark: true,
        extra_large: false,
    },
    Look {
        dark: false,
        extra_large: true,
    },
    Look {
        dark: true,
        extra_large: true,
    },
];

impl Look {
    pub(crate) fn contrast(self) -> &'static str {
        if self.dark {
            "dark"
        } else {
            "light"
        }
    }

    pub(crate) fn suffix(self) -> &'static str {
        if self.extra_large {
            "-xl"
        } else {
            ""
        }
    }

    /// Chooses this look on a screen with the settings bar (welcome, closed, home).
    pub(crate) fn apply(self, st: &Station, t: &Catalog) {
        if self.dark {
            st.press(&t.text("contrast-high-dark"))
                .expect("contrast button");
        }
        if self.extra_large {
            st.press(&t.text("text-size-extra-large"))
                .expect("text size button");
        }
        wait_for(Duration::from_secs(10), || {
            let class = station_class(st)?;
            Ok((class.contains(if self.dark {
                "contrast-high-dark"
            } else {
                "contrast-high-light"
            }) && class.contains(if self.extra_large {
                "text-extra-large"
            } else {
                "text-large"
            }))
            .then_some(()))
        })
        .expect("the look is applied");
    }
}

pub(crate) fn station_class(st: &Station) -> Result<String, String> {
    let v = st.session.execute(
        "const s = document.querySelector('.station'); return s ? s.className : '';",
        vec![],
    )?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

pub(crate) fn screen_of(st: &Station) -> Result<String, String> {
    let v = st.session.execute(
        "const s = document.querySelector('.station'); return s ? (s.dataset.screen || '') : '';",
        vec![],
    )?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// Waits for the screen marked `data-screen=name`, drawn.
pub(crate) fn wait_screen(st: &Station, name: &str) {
    let mut last = String::new();
    wait_for(Duration::from_secs(30), || {
        last = screen_of(st)?;
        Ok((last == name).then_some(()))
    })
    .unwrap_or_else(|e| panic!("screen {name}: {e}; showing {last}"));
}

/// Waits until `selector` matches a visible element.
pub(crate) fn wait_selector(st: &Station, selector: &str) {
    wait_for(Duration::from_secs(30), || {
        let v = st.session.execute(
            "const e = document.querySelector(arguments[0]); return !!(e && e.getBoundingClientRect().height > 0);",
            vec![json!(selector)],
        )?;
        Ok(v.as_bool().unwrap_or(false).then_some(()))
    })
    .unwrap_or_else(|e| panic!("{selector}: {e}"));
}

pub(crate) fn launch(panel: &Panel, opts: StationOptions) -> Station {
    let st = Station::launch(&panel.display, opts).expect("kiosk starts");
    wait_for(Duration::from_secs(30), || {
        Ok(screen_of(&st)
            .map(|s| !s.is_empty())
            .unwrap_or(false)
            .then_some(()))
    })
    .unwrap_or_else(|e| {
        // What the window holds instead (a page that never loaded, a UI that never got its view).
        let page = st
            .session
            .execute(
                "return [location.href, document.readyState, !!window.__TAURI__, \
                 document.body ? document.body.innerHTML.slice(0, 400) : 'no body'].join(' | ');",
                vec![],
            )
            .unwrap_or_else(|e| json!(format!("page unreadable: {e}")));
        panic!(
            "first screen: {e}\npage: {page}\napp log:\n{}",
            st.app_log()
        )
    });
    st
}

/// Presses `label` and waits for the screen `screen`.
pub(crate) fn go(st: &Station, label: &str, screen: &str) {
    st.press(label)
        .unwrap_or_else(|e| panic!("pressing {label}: {e}"));
    wait_screen(st, screen);
}

/// Waits for the measure screen showing the step whose title is `title`.
pub(crate) fn wait_step(st: &Station, title: &str) {
    wait_screen(st, "measure");
    st.wait_text(title).expect("step title");
}
