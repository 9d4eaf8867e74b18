/* The SCORM player shell, on the content origin (scorm/views.py: player).
 *
 * Runs scorm-again (no network of its own: lmsCommitUrl is false) as window.API
 * (1.2) or window.API_1484_11 (2004), loads the SCO in the frame below, and
 * sends the data model to the server:
 * - one asynchronous request per Commit (fetch, keepalive), never per SetValue,
 *   never a synchronous request;
 * - on pagehide (tab closed, navigation), whatever changed since the last
 *   commit, with navigator.sendBeacon;
 * - every request carries a sequence number: the server ignores a replay or
 *   a request that arrives after a newer one.
 * After Terminate, a navigation request (2004 adl.nav.request: continue,
 * previous, choice) is passed to the lesson page, which moves to that SCO.
 */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("scorm-config").textContent);
  var is12 = config.version === "1.2";
  var settings = {
    lmsCommitUrl: false,
    autocommit: false,
    logLevel: 5,
    // The data model starts from the server's record.
    sendFullCommit: true,
  };
  var api = is12 ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
  api.loadFromJSON(config.cmi, "cmi");
  if (is12) {
    window.API = api;
  } else {
    window.API_1484_11 = api;
  }

  var seq = 0;
  var dirty = false;
  var terminated = false;

  function snapshot() {
    var rendered = api.renderCMIToJSONObject();
    return rendered && rendered.cmi ? rendered.cmi : rendered;
  }

  function send(useBeacon, isTermination) {
    seq += 1;
    dirty = false;
    var body = JSON.stringify({ seq: seq, cmi: snapshot(), terminated: !!isTermination });
    if (useBeacon && navigator.sendBeacon) {
      navigator.sendBeacon(config.commitUrl, new Blob([body], { type: "text/plain" }));
      return;
    }
    // keepalive lets the request outlive the page, within the browser's 64 kB.
    fetch(config.commitUrl, {
      method: "POST",
      body: body,
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      keepalive: body.length < 60000,
    }).catch(function () {
      dirty = true; // sent again with the next commit or on pagehide
    });
  }

  function navRequest() {
    if (is12) return "";
    var nav = api.adl && api.adl.nav;
    return nav && nav.request && nav.request !== "_none_" ? String(nav.request) : "";
  }

  api.on(is12 ? "LMSSetValue" : "SetValue", function () {
    dirty = true;
  });
  api.on(is12 ? "LMSCommit" : "Commit", function () {
    send(false, false);
  });
  api.on(is12 ? "LMSFinish" : "Terminate", function () {
    terminated = true;
    var request = navRequest();
    send(false, true);
    if (config.parentOrigin && window.parent !== window) {
      window.parent.postMessage(
        { kalanso: "scorm", event: "terminated", nav: request },
        config.parentOrigin
      );
    }
  });
  window.addEventListener("pagehide", function () {
    if (dirty && !terminated) send(true, false);
  });

  // The API exists before the SCO starts looking for it.
  function start() {
    document.getElementById("sco").src = config.scoUrl;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
