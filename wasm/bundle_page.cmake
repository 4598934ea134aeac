# bundle_page.cmake: joins the page's scripts, in order, into one file (page.js). One request instead
# of eight: with the module's own request and the stylesheet, Chromium fetches everything at once
# instead of queueing scripts behind its six connections per host, and the first answer comes sooner.
# Usage: cmake -DOUT=page.js -DSCRIPTS="a.js;b.js" -P bundle_page.cmake
if(NOT OUT OR NOT SCRIPTS)
  message(FATAL_ERROR "bundle_page.cmake needs OUT and SCRIPTS")
endif()
set(bundle "// page.js: the page's scripts joined by the build (wasm/bundle_page.cmake); edit the files under web/.\n")
foreach(script IN LISTS SCRIPTS)
  file(READ ${script} text)
  get_filename_component(name ${script} NAME)
  # Each script is a complete statement list of its own ('use strict' in an IIFE, or Emscripten's
  # factory); the separator keeps a missing final semicolon or newline from joining two of them.
  string(APPEND bundle "\n// ---- ${name} ----\n;${text}\n")
endforeach()
file(WRITE ${OUT}.tmp "${bundle}")
file(RENAME ${OUT}.tmp ${OUT})
