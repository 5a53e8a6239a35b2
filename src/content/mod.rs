//! Reading and checking the shelter's files: from the bytes under `content/` (and the theme's
//! words under `templates/i18n/`) to the validated site model. Only `load` touches the disk.

pub(crate) mod assemble;
pub(crate) mod cached;
pub(crate) mod config;
pub(crate) mod digest;
pub(crate) mod frontmatter;
pub(crate) mod guide;
pub(crate) mod i18n;
pub(crate) mod ids;
pub(crate) mod links;
pub mod load;
pub(crate) mod markdown;
pub(crate) mod model;
pub(crate) mod names;
pub mod picture;
pub(crate) mod placement;
pub(crate) mod plural;
pub(crate) mod search;
pub(crate) mod svg;
pub(crate) mod text;
pub(crate) mod yaml;
