//! From the validated model to the published files: the plan of what to write, the theme and
//! its templates, the pages' data (JSON-LD, QR codes), writing into a staging folder that
//! replaces the old site in one step, the mark listing what was written, and the PDFs printed
//! from it.

pub(crate) mod clash;
pub(crate) mod marker;
pub(crate) mod paths;
pub mod pdf;
pub(crate) mod plan;
pub(crate) mod qr;
pub(crate) mod render;
pub(crate) mod structured;
pub(crate) mod theme;
pub(crate) mod write;
