// @ts-check
/**
 * The door scanner's service worker, served at /console/scanner-sw.js (scope /console/) so
 * the scanner opens without a network. It answers two kinds of request and lets every other
 * one through untouched, so no signed-in answer (a snapshot, an upload, a scan, any other
 * console page) is ever kept or served from a cache:
 *
 * - the console's assets (/console/assets/<hash>/<name>): cache first. Their URLs name one
 *   content forever, so a cached copy is never stale;
 * - opening a scanner page (/console/events/<id>/scan, or set to a list with ?list=): network first, the last good copy
 *   when the network fails. The page carries the signed-in member's CSRF token, and a copy
 *   is only kept from a 200 HTML answer to that member's own request.
 */
(function serviceWorker() {
  'use strict';
  // Typed loosely: the console's scripts are checked against the DOM library, not the worker one.
  /** @type {any} */
  var sw = self;
  var CACHE = 'tts-scanner-v1';
  var SCANNER_PAGE = /^\/console\/events\/evt_[0-9A-Za-z]{10,40}\/scan$/;
  var SCANNER_LIST = /^\?list=(default|chl_[0-9A-Za-z]{10,40})$/;

  sw.addEventListener('install', function () {
    sw.skipWaiting();
  });
  sw.addEventListener('activate', function (/** @type {any} */ event) {
    event.waitUntil(sw.clients.claim());
  });

  sw.addEventListener('fetch', function (/** @type {any} */ event) {
    /** @type {Request} */
    var request = event.request;
    if (request.method !== 'GET') return;
    var url = new URL(request.url);
    if (url.origin !== sw.location.origin) return;
    if (url.pathname.indexOf('/console/assets/') === 0) {
      event.respondWith(
        caches.open(CACHE).then(function (cache) {
          return cache.match(request).then(function (hit) {
            if (hit) return hit;
            return fetch(request).then(function (/** @type {Response} */ res) {
              if (res.ok) cache.put(request, res.clone());
              return res;
            });
          });
        }),
      );
      return;
    }
    // A scanner page is its path, or its path set to one check-in list (`?list=chl_…`).
    var page = url.pathname + (SCANNER_LIST.test(url.search) ? url.search : '');
    if (request.mode === 'navigate' && SCANNER_PAGE.test(url.pathname) && (url.search === '' || SCANNER_LIST.test(url.search))) {
      event.respondWith(
        fetch(request).then(
          function (/** @type {Response} */ res) {
            var html = (res.headers.get('Content-Type') || '').indexOf('text/html') === 0;
            if (res.status === 200 && html && !res.redirected) {
              var copy = res.clone();
              caches.open(CACHE).then(function (cache) {
                return cache.put(page, copy);
              });
            }
            return res;
          },
          function () {
            return caches.match(page).then(function (hit) {
              return hit || new Response('Offline, and this scanner was never opened on this device.', { status: 503, headers: { 'Content-Type': 'text/plain' } });
            });
          },
        ),
      );
    }
  });
})();
