// boot.js: starts compiling core's WebAssembly as soon as the page begins to load. It is an async
// script, so it runs as soon as it arrives, while the deferred scripts still load and wait for the
// document; app.js instantiates the compiled module instead of headroom.js fetching and compiling
// it only then (~100 ms of compiling, which now overlaps the rest of the page's loading).
'use strict';

// The same request as the <link rel=preload> in index.html (same mode and credentials), so the
// browser hands over the preloaded bytes. null where streaming compilation is missing: then
// headroom.js loads the module its own way.
window.headroomCompiled = typeof WebAssembly === 'object' && typeof WebAssembly.compileStreaming === 'function'
  ? WebAssembly.compileStreaming(fetch('headroom.wasm', { credentials: 'same-origin' })) : null;
// A failure is handled where the module is used (app.js falls back); keep it off the console here.
if (window.headroomCompiled) window.headroomCompiled.catch(() => {});
