//! The printer's paper, one type for the config, the runtime and the report layout.

use serde::{Deserialize, Serialize};

/// A4 sheets or an 80 mm thermal receipt roll (common on kiosks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    /// 210 × 297 mm, paginated (normally one page).
    A4,
    /// 80 mm wide thermal roll, one page as long as the content.
    #[serde(rename = "receipt-80mm")]
    Receipt80mm,
}
