//! The words on screen, from the Fluent catalogs in locales/.

use std::cell::RefCell;
use std::rc::Rc;

use station_i18n::Catalog;
use station_protocol::Locale;

thread_local! {
    // Built once per locale; the UI runs on one thread.
    static CATALOGS: RefCell<Vec<Rc<Catalog>>> = const { RefCell::new(Vec::new()) };
}

/// The texts of one locale; cheap to copy into reactive closures.
#[derive(Clone, Copy)]
pub struct Texts(Locale);

impl Texts {
    pub fn new(locale: Locale) -> Texts {
        Texts(locale)
    }

    fn with<R>(&self, f: impl FnOnce(&Catalog) -> R) -> R {
        let cat = CATALOGS.with(|c| {
            let mut c = c.borrow_mut();
            if let Some(found) = c.iter().find(|cat| cat.locale() == self.0) {
                return found.clone();
            }
            let cat = Rc::new(Catalog::new(self.0));
            c.push(cat.clone());
            cat
        });
        f(&cat)
    }

    pub fn tr(&self, id: &str) -> String {
        self.with(|c| c.text(id))
    }

    pub fn tr_with(&self, id: &str, args: &[(&str, String)]) -> String {
        self.with(|c| c.text_with(id, args))
    }

    /// Items of a list joined the locale's way (`Catalog::join`).
    pub fn join(&self, items: impl IntoIterator<Item = String>) -> String {
        self.with(|c| c.join(items))
    }
}
