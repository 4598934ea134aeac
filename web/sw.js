// sw.js: the service worker that makes the page work offline once loaded. It keeps a copy of the
// page's files; every request for one goes to the network first (so a new version shows at once)
// and falls back to the copy when the network is gone. Other requests are left alone.
'use strict';

const CACHE = 'headroom-v2';  // v2: the scripts became one page.js
// Every file the page loads (tests/web/outputs.test.mjs checks this list against index.html).
const FILES = ['./', 'index.html', 'style.css', 'page.js', 'headroom.wasm'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith(fetch(req).then((res) => {
    // Keep the copy current with what the network served.
    if (res.ok && FILES.some((f) => new URL(f, self.registration.scope).pathname === url.pathname)) {
      const copy = res.clone();
      caches.open(CACHE).then((c) => c.put(req, copy));
    }
    return res;
  }).catch(() => caches.open(CACHE).then((c) => c.match(req, { ignoreSearch: true }))
    .then((hit) => hit || Response.error())));
});
