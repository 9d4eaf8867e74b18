/* The lesson page's side of a SCORM block: when the SCO ends with a
 * navigation request (SCORM 2004 adl.nav.request), follow it. Messages are
 * accepted only from the player frame, on the content origin. */
(function () {
  "use strict";
  var frame = document.querySelector("iframe.scorm-frame");
  if (!frame) return;
  var origin = frame.getAttribute("data-scorm-origin");
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.kalanso !== "scorm" || data.event !== "terminated") return;
    var nav = String(data.nav || "");
    var link = null;
    var choice = /^\{target=([^}]+)\}choice$/.exec(nav);
    if (nav === "continue" || nav === "previous") {
      link = document.querySelector('a[data-scorm-nav="' + nav + '"]');
    } else if (choice) {
      var links = document.querySelectorAll("a[data-scorm-sco]");
      for (var i = 0; i < links.length; i++) {
        if (links[i].getAttribute("data-scorm-sco") === choice[1]) link = links[i];
      }
    }
    if (link) window.location.assign(link.href);
  });
})();
