// Kalanso's service worker: built with Workbox (make offline-build), served at
// /sw.js. Pages come from the network; offline, from the courses the trainee
// downloaded. Events recorded offline are sent by the page, and here through
// Background Sync where the browser has it.
import { registerRoute } from "workbox-routing";
import { NetworkOnly, StaleWhileRevalidate } from "workbox-strategies";
import { ExpirationPlugin } from "workbox-expiration";
import { db, flush, SYNC_TAG } from "./store.js";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

const language = (url) => (url.pathname.match(/^\/([a-z]{2})\//) || [, "fr"])[1];

// A page: the network; offline, the downloaded copy, or a page saying it was
// not downloaded.
registerRoute(
  ({ request }) => request.mode === "navigate",
  new NetworkOnly({
    plugins: [{
      handlerDidError: async ({ request }) => {
        const url = new URL(request.url);
        return (await caches.match(request, { ignoreSearch: true, ignoreVary: true }))
          || caches.match(`/${language(url)}/offline/unavailable/`, { ignoreVary: true })
          || Response.error();
      },
    }],
  }),
);

// Stylesheets and scripts: served at once from the cache, refreshed behind.
registerRoute(
  ({ url, request }) => url.origin === self.location.origin
    && url.pathname.startsWith("/static/") && request.method === "GET",
  new StaleWhileRevalidate({
    cacheName: "kalanso-static",
    plugins: [new ExpirationPlugin({ maxEntries: 40 })],
  }),
);

// Images and files of downloaded courses: the stored copy, else the network;
// offline, an image in another width is the small one that was stored.
registerRoute(
  ({ url, request }) => url.origin === self.location.origin
    && url.pathname.startsWith("/media/") && request.method === "GET",
  async ({ request, url }) => {
    const hit = await caches.match(request, { ignoreVary: true });
    if (hit) return hit;
    try {
      return await fetch(request);
    } catch (error) {
      const small = url.pathname.replace(/width-\d+/, "width-360");
      return (await caches.match(small, { ignoreVary: true })) || Response.error();
    }
  },
);

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(db().then(flush));
});
