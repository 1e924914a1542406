//! Is a PC/SC card reader attached right now? Used once at start to choose between the real
//! reader and the demo simulator (`card_reader = "auto"`).

/// True when the PC/SC service answers and lists at least one reader.
pub fn pcsc_reader_attached() -> bool {
    let Ok(ctx) = pcsc::Context::establish(pcsc::Scope::User) else {
        return false;
    };
    match ctx.list_readers_len() {
        Ok(len) => {
            let mut buf = vec![0u8; len];
            ctx.list_readers(&mut buf)
                .map(|mut readers| readers.next().is_some())
                .unwrap_or(false)
        }
        Err(_) => false,
    }
}
