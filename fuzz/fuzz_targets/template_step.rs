//! A site's own `templates/step.html` (the input bytes) on a valid site, through
//! `handout::pipeline::render_loaded`: tera parsing, inheritance and rendering.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    handout_fuzz::template_step(data);
});
