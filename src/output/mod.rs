//! From the validated model to the published files: the plan of what to write, the theme and
//! its templates, the pages' data (JSON-LD, QR codes), writing the new site (a whole staging
//! folder, or the spare copy brought up to date) that replaces the old one in one step, the
//! mark listing what was written, the record the next build starts from, and the PDFs.

pub(crate) mod clash;
pub(crate) mod marker;
pub(crate) mod paths;
pub mod pdf;
pub mod picture;
pub(crate) mod plan;
pub(crate) mod qr;
pub(crate) mod render;
pub(crate) mod spare;
pub(crate) mod state;
pub(crate) mod structured;
pub(crate) mod theme;
pub(crate) mod write;
