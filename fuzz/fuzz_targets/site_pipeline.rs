//! Front matter + markdown + render through `handout::pipeline::render_loaded`, in memory.
//! The input format (step text, then `%%guide`, `%%site`, `%%step2`, `%%base`, `%%html`
//! sections) is described in `src/lib.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    handout_fuzz::site_pipeline(data);
});
