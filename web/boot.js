// boot.js: starts compiling the core's WebAssembly as soon as the page's head is read, while the
// other scripts download and run; app.js then only instantiates the compiled module. (headroom.js
// alone would begin the compile only when app.js calls it, after every deferred script has run.)
'use strict';

self.headroomWasm = typeof WebAssembly === 'object' && typeof WebAssembly.compileStreaming === 'function'
  // Same mode and credentials as the <link rel=preload>, so the preloaded bytes are the ones used.
  ? WebAssembly.compileStreaming(fetch('headroom.wasm', { credentials: 'same-origin' })).catch(() => null)
  : Promise.resolve(null);  // no streaming compile: headroom.js fetches and compiles as before
