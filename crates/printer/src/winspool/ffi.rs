//! The winspool calls: the crate's only `unsafe` (allowed for this module alone, see mod.rs and
//! Cargo.toml). Every function here is safe to call; each `unsafe` block says why it is sound.
//! Errors are the thread's `GetLastError` code, read right after the failing call.

use std::mem::{align_of, size_of};
use std::ptr;

use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation as wf;
use windows_sys::Win32::Graphics::Printing as wp;

use super::{WideNul, ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER, ERROR_WRITE_FAULT};

// Our platform-independent copies (mod.rs) must be winspool.h's values: checked when the
// Windows target is compiled (CI: `cargo clippy --target x86_64-pc-windows-gnu`).
const _: () = {
    use super as m;
    let pairs = [
        (m::JOB_STATUS_PAUSED, wp::JOB_STATUS_PAUSED),
        (m::JOB_STATUS_ERROR, wp::JOB_STATUS_ERROR),
        (m::JOB_STATUS_DELETING, wp::JOB_STATUS_DELETING),
        (m::JOB_STATUS_SPOOLING, wp::JOB_STATUS_SPOOLING),
        (m::JOB_STATUS_PRINTING, wp::JOB_STATUS_PRINTING),
        (m::JOB_STATUS_OFFLINE, wp::JOB_STATUS_OFFLINE),
        (m::JOB_STATUS_PAPEROUT, wp::JOB_STATUS_PAPEROUT),
        (m::JOB_STATUS_PRINTED, wp::JOB_STATUS_PRINTED),
        (m::JOB_STATUS_DELETED, wp::JOB_STATUS_DELETED),
        (m::JOB_STATUS_BLOCKED_DEVQ, wp::JOB_STATUS_BLOCKED_DEVQ),
        (
            m::JOB_STATUS_USER_INTERVENTION,
            wp::JOB_STATUS_USER_INTERVENTION,
        ),
        (m::JOB_STATUS_RESTART, wp::JOB_STATUS_RESTART),
        (m::JOB_STATUS_COMPLETE, wp::JOB_STATUS_COMPLETE),
        (m::JOB_STATUS_RETAINED, wp::JOB_STATUS_RETAINED),
        (
            m::JOB_STATUS_RENDERING_LOCALLY,
            wp::JOB_STATUS_RENDERING_LOCALLY,
        ),
        (m::PRINTER_STATUS_PAUSED, wp::PRINTER_STATUS_PAUSED),
        (m::PRINTER_STATUS_ERROR, wp::PRINTER_STATUS_ERROR),
        (
            m::PRINTER_STATUS_PENDING_DELETION,
            wp::PRINTER_STATUS_PENDING_DELETION,
        ),
        (m::PRINTER_STATUS_PAPER_JAM, wp::PRINTER_STATUS_PAPER_JAM),
        (m::PRINTER_STATUS_PAPER_OUT, wp::PRINTER_STATUS_PAPER_OUT),
        (
            m::PRINTER_STATUS_MANUAL_FEED,
            wp::PRINTER_STATUS_MANUAL_FEED,
        ),
        (
            m::PRINTER_STATUS_PAPER_PROBLEM,
            wp::PRINTER_STATUS_PAPER_PROBLEM,
        ),
        (m::PRINTER_STATUS_OFFLINE, wp::PRINTER_STATUS_OFFLINE),
        (
            m::PRINTER_STATUS_OUTPUT_BIN_FULL,
            wp::PRINTER_STATUS_OUTPUT_BIN_FULL,
        ),
        (
            m::PRINTER_STATUS_NOT_AVAILABLE,
            wp::PRINTER_STATUS_NOT_AVAILABLE,
        ),
        (m::PRINTER_STATUS_NO_TONER, wp::PRINTER_STATUS_NO_TONER),
        (m::PRINTER_STATUS_PAGE_PUNT, wp::PRINTER_STATUS_PAGE_PUNT),
        (
            m::PRINTER_STATUS_USER_INTERVENTION,
            wp::PRINTER_STATUS_USER_INTERVENTION,
        ),
        (
            m::PRINTER_STATUS_OUT_OF_MEMORY,
            wp::PRINTER_STATUS_OUT_OF_MEMORY,
        ),
        (m::PRINTER_STATUS_DOOR_OPEN, wp::PRINTER_STATUS_DOOR_OPEN),
        (
            m::PRINTER_STATUS_SERVER_UNKNOWN,
            wp::PRINTER_STATUS_SERVER_UNKNOWN,
        ),
        (
            m::PRINTER_STATUS_SERVER_OFFLINE,
            wp::PRINTER_STATUS_SERVER_OFFLINE,
        ),
        (
            m::PRINTER_STATUS_DRIVER_UPDATE_NEEDED,
            wp::PRINTER_STATUS_DRIVER_UPDATE_NEEDED,
        ),
        (
            m::PRINTER_ATTRIBUTE_WORK_OFFLINE,
            wp::PRINTER_ATTRIBUTE_WORK_OFFLINE,
        ),
        (m::ERROR_ACCESS_DENIED, wf::ERROR_ACCESS_DENIED),
        (m::ERROR_WRITE_FAULT, wf::ERROR_WRITE_FAULT),
        (m::ERROR_INVALID_PARAMETER, wf::ERROR_INVALID_PARAMETER),
        (m::ERROR_INSUFFICIENT_BUFFER, wf::ERROR_INSUFFICIENT_BUFFER),
        (m::ERROR_SERVICE_NOT_ACTIVE, wf::ERROR_SERVICE_NOT_ACTIVE),
        (
            m::ERROR_INVALID_PRINTER_NAME,
            wf::ERROR_INVALID_PRINTER_NAME,
        ),
        (m::ERROR_INVALID_DATATYPE, wf::ERROR_INVALID_DATATYPE),
        (m::ERROR_PRINTER_DELETED, wf::ERROR_PRINTER_DELETED),
        (
            m::ERROR_INVALID_PRINTER_STATE,
            wf::ERROR_INVALID_PRINTER_STATE,
        ),
        (m::ERROR_PRINTER_NOT_FOUND, wf::ERROR_PRINTER_NOT_FOUND),
    ];
    let mut i = 0;
    while i < pairs.len() {
        assert!(
            pairs[i].0 == pairs[i].1,
            "a winspool value copied wrong in mod.rs"
        );
        i += 1;
    }
};

fn last_error() -> u32 {
    // SAFETY: reads this thread's last-error value; no arguments, no memory touched.
    unsafe { wf::GetLastError() }
}

fn check(ok: BOOL) -> Result<(), u32> {
    if ok == 0 {
        Err(last_error())
    } else {
        Ok(())
    }
}

/// An open printer handle, closed on drop. Not `Send`: used on the thread that opened it.
pub(super) struct PrinterHandle(wp::PRINTER_HANDLE);

impl PrinterHandle {
    /// `OpenPrinterW` with the default access (`PRINTER_ACCESS_USE`): enough to print and to
    /// delete our own jobs, no administrator rights needed.
    pub(super) fn open(name: &WideNul) -> Result<PrinterHandle, u32> {
        let mut handle = wp::PRINTER_HANDLE {
            Value: ptr::null_mut(),
        };
        // SAFETY: `name` is NUL-terminated UTF-16 (WideNul's invariant) and outlives the call;
        // `handle` is a valid place for the out handle; a null PRINTER_DEFAULTSW is allowed.
        let ok = unsafe { wp::OpenPrinterW(name.as_slice().as_ptr(), &mut handle, ptr::null()) };
        check(ok)?;
        if handle.Value.is_null() {
            return Err(ERROR_INVALID_PARAMETER);
        }
        Ok(PrinterHandle(handle))
    }

    /// `StartDocPrinterW` level 1; returns the job id.
    pub(super) fn start_doc(&self, doc_name: &WideNul, datatype: &WideNul) -> Result<u32, u32> {
        let info = wp::DOC_INFO_1W {
            // The API types these as mutable but only reads them.
            pDocName: doc_name.as_slice().as_ptr().cast_mut(),
            pOutputFile: ptr::null_mut(),
            pDatatype: datatype.as_slice().as_ptr().cast_mut(),
        };
        // SAFETY: the handle is open; `info` and the NUL-terminated strings it points to live
        // until the call returns and are not written to.
        let job_id = unsafe { wp::StartDocPrinterW(self.0, 1, &info) };
        if job_id == 0 {
            Err(last_error())
        } else {
            Ok(job_id)
        }
    }

    pub(super) fn start_page(&self) -> Result<(), u32> {
        // SAFETY: the handle is open; no pointers passed.
        check(unsafe { wp::StartPagePrinter(self.0) })
    }

    /// `WritePrinter` until every byte is taken.
    pub(super) fn write_all(&self, bytes: &[u8]) -> Result<(), u32> {
        let mut rest = bytes;
        while !rest.is_empty() {
            let len = u32::try_from(rest.len()).unwrap_or(u32::MAX);
            let mut written = 0u32;
            // SAFETY: the handle is open; `rest` is readable for `len` bytes (len ≤ rest.len())
            // during the call; `written` is a valid out place.
            check(unsafe { wp::WritePrinter(self.0, rest.as_ptr().cast(), len, &mut written) })?;
            if written == 0 {
                // Success without progress would loop forever.
                return Err(ERROR_WRITE_FAULT);
            }
            rest = rest.get(written as usize..).unwrap_or_default();
        }
        Ok(())
    }

    pub(super) fn end_page(&self) -> Result<(), u32> {
        // SAFETY: the handle is open; no pointers passed.
        check(unsafe { wp::EndPagePrinter(self.0) })
    }

    pub(super) fn end_doc(&self) -> Result<(), u32> {
        // SAFETY: the handle is open; no pointers passed.
        check(unsafe { wp::EndDocPrinter(self.0) })
    }

    /// `AbortPrinter`: deletes the spool file of a document not yet ended.
    pub(super) fn abort_doc(&self) -> Result<(), u32> {
        // SAFETY: the handle is open; no pointers passed.
        check(unsafe { wp::AbortPrinter(self.0) })
    }

    /// `JOB_INFO_1W.Status` of the job, or `None` once the spooler no longer has it.
    pub(super) fn job_status(&self, job_id: u32) -> Result<Option<u32>, u32> {
        let info = fetch::<wp::JOB_INFO_1W>(|buf, len, needed| {
            // SAFETY: the handle is open; `fetch` passes a null buffer with len 0 or a buffer
            // writable for `len` bytes, and a valid `needed`.
            unsafe { wp::GetJobW(self.0, job_id, 1, buf, len, needed) }
        });
        match info {
            Ok(info) => Ok(Some(info.Status)),
            // What GetJobW answers for a job id the queue no longer holds.
            Err(ERROR_INVALID_PARAMETER) => Ok(None),
            Err(code) => Err(code),
        }
    }

    /// `SetJobW(JOB_CONTROL_DELETE)`.
    pub(super) fn delete_job(&self, job_id: u32) -> Result<(), u32> {
        // SAFETY: the handle is open; level 0 with a null job buffer is the documented form for
        // a control command.
        check(unsafe { wp::SetJobW(self.0, job_id, 0, ptr::null(), wp::JOB_CONTROL_DELETE) })
    }

    /// `PRINTER_INFO_2W` `Status` and `Attributes`.
    pub(super) fn printer_status(&self) -> Result<(u32, u32), u32> {
        let info = fetch::<wp::PRINTER_INFO_2W>(|buf, len, needed| {
            // SAFETY: as in `job_status`.
            unsafe { wp::GetPrinterW(self.0, 2, buf, len, needed) }
        })?;
        Ok((info.Status, info.Attributes))
    }
}

impl Drop for PrinterHandle {
    fn drop(&mut self) {
        // SAFETY: the handle came from a successful OpenPrinterW and is closed only here.
        if unsafe { wp::ClosePrinter(self.0) } == 0 {
            tracing::warn!(error = last_error(), "printer: ClosePrinter failed");
        }
    }
}

/// The usual two-step winspool query: ask for the size, then fill a buffer big enough, and copy
/// out the fixed-size struct `T` at its start. `T`'s string pointers point into that buffer and
/// are never followed: callers read numbers only.
fn fetch<T: Copy>(mut call: impl FnMut(*mut u8, u32, *mut u32) -> BOOL) -> Result<T, u32> {
    const { assert!(align_of::<T>() <= align_of::<u64>()) };
    // u64 elements: the buffer is aligned for T (pointers and u32s).
    let mut buf: Vec<u64> = Vec::new();
    // The size can grow between the two calls (e.g. a job's status text): retry a little.
    for _ in 0..4 {
        let bytes = buf.len() * size_of::<u64>();
        let len = u32::try_from(bytes).map_err(|_| ERROR_INSUFFICIENT_BUFFER)?;
        let ptr = if buf.is_empty() {
            ptr::null_mut()
        } else {
            buf.as_mut_ptr().cast::<u8>()
        };
        let mut needed = 0u32;
        if call(ptr, len, &mut needed) != 0 {
            if bytes < size_of::<T>() {
                return Err(ERROR_INSUFFICIENT_BUFFER);
            }
            // SAFETY: the call succeeded, so the buffer starts with a T it wrote; the buffer
            // holds at least size_of::<T>() bytes and is aligned for T (checked above).
            return Ok(unsafe { ptr::read(buf.as_ptr().cast::<T>()) });
        }
        let code = last_error();
        if code != ERROR_INSUFFICIENT_BUFFER {
            return Err(code);
        }
        let want = (needed as usize).max(size_of::<T>());
        buf = vec![0u64; want.div_ceil(size_of::<u64>())];
    }
    Err(ERROR_INSUFFICIENT_BUFFER)
}
