// Kalanso's offline layer, for signed-in users, loaded after the page
// (static/js/offline-loader.js). Without it every page works online as before.
import { db, flush, pending, SYNC_TAG } from "./store.js";

const loader = document.getElementById("offline-loader");
const config = loader.dataset;
const S = JSON.parse(config.strings || "{}");
const USER = config.user;
const fmt = (text, values) => text.replace(/%\((\w+)\)s/g, (m, k) => values[k] ?? m);
const plural = (key, n) => fmt(S[key + (n === 0 ? "_0" : n === 1 ? "_1" : "_n")], { count: n });
const mb = (bytes) => (bytes / 1048576).toLocaleString(document.documentElement.lang, {
  maximumFractionDigits: bytes < 10485760 ? 1 : 0, minimumFractionDigits: 1,
});
const sizeText = (bytes) => fmt(S.size, { size: mb(bytes) });
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};
const uuid = () => (crypto.randomUUID ? crypto.randomUUID()
  : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
    (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));
const csrf = () => (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value;

let store;
let count = 0;
let statusBox;

async function refreshCount() {
  count = (await pending(store, USER)).length;
  if (!statusBox) {
    statusBox = el("div", { class: "offline-status", role: "status", hidden: "" });
    document.getElementById("main").prepend(statusBox);
  }
  statusBox.replaceChildren(
    el("span", { class: "offline-count" }, plural("pending", count)), " ",
    el("button", { type: "button", class: "link-button", onclick: () => sync(true) }, S.sync_now),
  );
  statusBox.hidden = count === 0;
  document.querySelectorAll("[data-offline-pending]").forEach((n) => {
    n.textContent = plural("pending", count);
  });
}

function say(text, near) {
  let box = near.querySelector(":scope > .offline-note");
  if (!box) {
    box = el("p", { class: "offline-note", role: "status" });
    near.append(box);
  }
  box.textContent = text;
}

// Sync: on load, when back online, from the buttons, and by Background Sync.
async function sync(fromButton) {
  if (!navigator.onLine) {
    if (fromButton) say(S.still_offline, statusBox);
    return;
  }
  try {
    await flush(store);
    await refreshCourses();
  } catch (error) {
    if (fromButton) say(S.sync_failed, statusBox);
  }
  await refreshCount();
  renderPanel();
}

// Record an action as an event while offline ------------------------------------

function formAnswers(form) {
  const answers = {};
  for (const [name, value] of new FormData(form)) {
    if (name === "csrfmiddlewaretoken" || name === "next" || typeof value !== "string") continue;
    (answers[name] = answers[name] || []).push(value);
  }
  return answers;
}

async function record(kind, payload, attempt) {
  await store.add("outbox", {
    id: uuid(), user: USER, kind, payload, attempt: attempt || null,
    device_time: new Date().toISOString(), page: location.pathname,
  });
  await refreshCount();
  const registration = await navigator.serviceWorker?.ready;
  if (registration && registration.sync) registration.sync.register(SYNC_TAG).catch(() => {});
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (form.matches("form[action*='/logout/']")) {
    if (count && !window.confirm(plural("signout", count))) event.preventDefault();
    return;
  }
  const kind = form.dataset.offline;
  if (!kind || navigator.onLine) return;
  event.preventDefault();
  const d = form.dataset;
  const button = form.querySelector("button[type=submit]");
  if (kind === "complete") {
    await record("lesson_complete", { lesson: d.lesson });
    say(S.complete_recorded, form.parentElement);
  } else if (kind === "check") {
    await record("knowledge_check", { attempt: d.attempt, answers: formAnswers(form) }, d.attempt);
    say(S.answer_recorded, form);
  } else if (kind === "exercise") {
    const answers = formAnswers(form);
    delete answers.exercise;
    await record("exercise", { lesson: d.lesson, block: d.block, answers });
    say(S.answer_recorded, form);
  }
  if (button) button.disabled = true;
}, true);

// Download a course ---------------------------------------------------------------

const cacheName = (id) => `kalanso-course-${USER}-${id}`;
const courseKey = (id) => `${USER}:${id}`;

async function fetchInto(cache, url) {
  const response = await fetch(url, {
    credentials: "same-origin", headers: { "X-Kalanso-Offline": "download" },
  });
  if (!response.ok) throw new Error(url + " " + response.status);
  const size = (await response.clone().blob()).size;
  await cache.put(url, response);
  return size;
}

async function contents(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error("contents " + response.status);
  return response.json();
}

async function download(box, data, media, onProgress) {
  if (navigator.storage && navigator.storage.persist) await navigator.storage.persist();
  const cache = await caches.open(cacheName(data.course.id));
  const shell = await caches.open(`kalanso-shell-${USER}`);
  const urls = [...data.pages.map((p) => p.url), ...data.assets.map((a) => a.url), ...media];
  let bytes = 0;
  for (const [i, url] of urls.entries()) {
    onProgress(i, urls.length);
    bytes += await fetchInto(cache, url);
  }
  for (const url of data.shell) await fetchInto(shell, url);
  await store.put("courses", {
    key: courseKey(data.course.id), user: USER, id: data.course.id,
    title: data.course.title, url: data.course.url, contents: box.dataset.offlineCourse,
    media, urls, bytes, updated: new Date().toISOString(),
  });
}

// Updates: a changed lesson is fetched again, a lesson removed from the course
// leaves the device, a course no longer published is removed.
async function refreshCourses() {
  for (const course of await store.getAll("courses")) {
    if (course.user !== USER) continue;
    const data = await contents(course.contents);
    if (data === null) {
      await removeCourse(course);
      continue;
    }
    const cache = await caches.open(cacheName(course.id));
    const urls = [...data.pages.map((p) => p.url), ...data.assets.map((a) => a.url),
      ...course.media.filter((u) => data.media.some((m) => m.url === u))];
    let bytes = 0;
    for (const url of urls) {
      const pageUrl = data.pages.some((p) => p.url === url);
      const hit = !pageUrl && (await cache.match(url));
      bytes += hit ? (await hit.blob()).size : await fetchInto(cache, url);
    }
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      if (!urls.includes(path)) await cache.delete(request);
    }
    await store.put("courses", { ...course, urls, bytes, updated: new Date().toISOString() });
  }
}

async function removeCourse(course) {
  await caches.delete(cacheName(course.id));
  await store.delete("courses", course.key);
}

async function courseBox(box) {
  box.hidden = false;
  const id = Number(box.dataset.courseId);
  const area = box.querySelector("[data-offline-area]");
  const saved = await store.get("courses", courseKey(id));
  area.replaceChildren();
  if (saved) {
    area.append(
      el("p", {}, fmt(S.downloaded, { size: mb(saved.bytes) })),
      el("button", { type: "button", class: "btn btn-secondary", onclick: async () => {
        await removeCourse(saved);
        courseBox(box);
      } }, S.remove),
    );
    return;
  }
  const start = el("button", { type: "button", class: "btn", onclick: async () => {
    start.disabled = true;
    let data;
    try {
      data = await contents(box.dataset.offlineCourse);
    } catch (error) {
      say(S.download_failed, area);
      start.disabled = false;
      return;
    }
    const choices = data.media.map((m) => el("label", { class: "choice" },
      el("input", { type: "checkbox", value: m.url }), " ",
      fmt(S.with_media, { title: m.title, size: mb(m.bytes) })));
    const go = el("button", { type: "button", class: "btn", onclick: async () => {
      go.disabled = true;
      const media = choices.map((c) => c.firstChild).filter((i) => i.checked).map((i) => i.value);
      try {
        await download(box, data, media, (i, n) => say(fmt(S.progress, { done: i, total: n }), area));
      } catch (error) {
        await caches.delete(cacheName(id));
        say(S.download_failed, area);
        go.disabled = false;
        return;
      }
      await courseBox(box);
      say(S.download_done, area);
    } }, S.download_confirm);
    area.replaceChildren(
      el("p", { "data-offline-size": "" }, fmt(S.size_first, { size: mb(data.bytes), pages: data.pages.length })),
      ...choices, el("p", {}, go),
    );
  } }, S.download);
  area.append(start);
}

// The "offline use" panel of My learning: waiting items, sync, export/import,
// what is stored -----------------------------------------------------------------

async function renderPanel() {
  const panel = document.querySelector("[data-offline-panel]");
  if (!panel) return;
  panel.hidden = false;
  const list = panel.querySelector("[data-offline-storage]");
  const courses = (await store.getAll("courses")).filter((c) => c.user === USER);
  list.replaceChildren(...courses.map((c) => el("li", {},
    el("a", { href: c.url }, c.title), ` — ${fmt(S.stored_size, { size: mb(c.bytes) })} `,
    el("button", { type: "button", class: "link-button", onclick: async () => {
      await removeCourse(c);
      renderPanel();
    } }, S.remove, el("span", { class: "visually-hidden" }, " " + c.title)))));
  if (!courses.length) list.append(el("li", {}, S.nothing_stored));
}

function setUpPanel() {
  const panel = document.querySelector("[data-offline-panel]");
  if (!panel) return;
  panel.querySelector("[data-offline-sync]").addEventListener("click", () => sync(true));
  panel.querySelector("[data-offline-export]").addEventListener("click", async () => {
    const events = await pending(store, USER);
    const blob = new Blob([JSON.stringify({ format: "kalanso-offline-events", version: 1, user: USER, events })],
      { type: "application/json" });
    const link = el("a", { href: URL.createObjectURL(blob), download: `kalanso-${new Date().toISOString().slice(0, 10)}.json` });
    document.body.append(link);
    link.click();
    link.remove();
  });
  const input = panel.querySelector("[data-offline-import]");
  input.addEventListener("change", async () => {
    let added = 0, refused = 0;
    try {
      for (const file of input.files) {
        const data = JSON.parse(await file.text());
        for (const e of data.events || []) {
          if (String(e.user) !== USER || !e.id || !e.kind) { refused += 1; continue; }
          if (!(await store.get("outbox", e.id)) && !(await store.get("done", e.id))) {
            await store.put("outbox", e);
            added += 1;
          }
        }
      }
      say(fmt(S.imported, { added, refused }), panel);
    } catch (error) {
      say(S.import_failed, panel);
    }
    input.value = "";
    await refreshCount();
    sync(false);
  });
  panel.querySelector("[data-offline-clear]").addEventListener("click", async () => {
    if (count && !window.confirm(plural("clear", count))) return;
    for (const c of (await store.getAll("courses")).filter((c) => c.user === USER)) await removeCourse(c);
    const tx = store.transaction("outbox", "readwrite");
    for (const e of await pending(store, USER)) tx.store.delete(e.id);
    await tx.done;
    await refreshCount();
    renderPanel();
  });
}

async function start() {
  store = await db();
  const token = csrf();
  const previous = await store.get("meta", "sync");
  if (token) {
    await store.put("meta", { key: "sync", url: config.syncUrl, csrf: token, user: USER });
  } else if (!previous || previous.user !== USER) {
    await store.put("meta", { key: "sync", url: config.syncUrl, csrf: "", user: USER });
  }
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(config.sw, { scope: "/" });
  setUpPanel();
  document.querySelectorAll("[data-offline-course]").forEach(courseBox);
  await refreshCount();
  renderPanel();
  window.addEventListener("online", () => sync(false));
  navigator.serviceWorker?.addEventListener("message", () => refreshCount());
  sync(false);
}

start();
