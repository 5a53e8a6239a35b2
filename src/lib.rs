//! handout: a static site generator for animal shelters' step-by-step care guides.
//!
//! The modules follow the flow of a build: `load` reads files; `text`, `frontmatter`, `yaml`,
//! `config`, `markdown`, `links` and `assemble` make the validated `model`; `plan` decides the
//! output files; `theme` and `render` fill in templates; `output` writes. `pipeline` runs them
//! in order and `diagnostic` carries every problem back to the user.

pub mod assemble;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod frontmatter;
pub mod guide;
pub mod i18n;
pub mod layout;
pub mod links;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pdf;
pub mod pipeline;
pub mod plan;
pub mod progress;
pub mod qr;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod server;
pub mod session;
pub mod structured;
pub mod synthetic;
pub mod text;
pub mod theme;
pub mod watch;
pub mod yaml;
