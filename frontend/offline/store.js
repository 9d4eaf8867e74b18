// The device's offline store (IndexedDB through idb) and the sync of its
// outbox, shared by the page and the service worker (Background Sync).
import { openDB } from "idb";

export const DB_NAME = "kalanso-offline";
export const SYNC_TAG = "kalanso-outbox";
const BATCH = 50;

export function db() {
  return openDB(DB_NAME, 1, {
    upgrade(d) {
      // Events recorded offline, append-only: never changed, removed once the
      // server has answered for them.
      d.createObjectStore("outbox", { keyPath: "id" }).createIndex("user", "user");
      // The server's answers (for "feedback when you are back online").
      d.createObjectStore("done", { keyPath: "id" });
      // Downloaded courses: what was stored and its size.
      d.createObjectStore("courses", { keyPath: "key" });
      d.createObjectStore("meta", { keyPath: "key" });
    },
  });
}

export async function pending(d, user) {
  return d.getAllFromIndex("outbox", "user", String(user));
}

let running = null;

// Send the user's waiting events; a resent event is applied once by the server
// (unique client UUID), so a sync cut short is simply run again.
export function flush(d) {
  if (!running) running = doFlush(d).finally(() => (running = null));
  return running;
}

async function doFlush(d) {
  const meta = await d.get("meta", "sync");
  if (!meta) return { sent: 0 };
  const events = await pending(d, meta.user);
  let sent = 0;
  for (let i = 0; i < events.length; i += BATCH) {
    const batch = events.slice(i, i + BATCH);
    const response = await fetch(meta.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": meta.csrf },
      body: JSON.stringify({
        events: batch.map((e) => ({
          id: e.id, kind: e.kind, user: e.user, device_time: e.device_time,
          attempt: e.attempt, payload: e.payload,
        })),
      }),
    });
    if (!response.ok) throw new Error("sync " + response.status);
    const { results } = await response.json();
    const tx = d.transaction(["outbox", "done"], "readwrite");
    for (const result of results) {
      const event = batch.find((e) => e.id === result.id);
      if (!event || result.code === "other_user") continue;
      tx.objectStore("done").put({ ...event, result, synced_at: new Date().toISOString() });
      tx.objectStore("outbox").delete(event.id);
      sent += 1;
    }
    await tx.done;
  }
  return { sent };
}
