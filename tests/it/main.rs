//! Integration tests: each runs the real `handout` binary on a fixture site in a temporary
//! folder and checks what a user would see.

mod bad_input;
mod browser;
mod build;
mod content;
mod errors;
mod files;
mod helpers;
mod hostile;
mod languages;
mod links;
mod output;
mod pdf;
mod pictures;
mod print;
mod rebuild;
mod scaffold;
mod serve;
mod sharing;
mod theme;
