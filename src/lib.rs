//! handout: a static site generator for animal shelters' step-by-step care guides.
//!
//! The folders follow the flow of a build, one direction only:
//! `content/` reads the shelter's files and checks them into the validated model;
//! `output/` decides every output file and its address, renders the templates and writes the
//! site (and its PDFs); `serve/` keeps a site in memory for the preview and patches it after
//! each edit. `pipeline` runs the stages in order for `build` and `check`; `diagnostic`
//! carries every problem back to the user, with its file, line and column.

mod change;
pub mod cli;
pub mod content;
pub mod diagnostic;
#[cfg(test)]
mod node;
pub mod output;
pub mod pipeline;
mod progress;
pub mod scaffold;
mod seen;
pub mod serve;
pub mod synthetic;
