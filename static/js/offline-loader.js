/* Loads Kalanso's offline layer (static/offline/offline.js, built by `make
   offline-build`) once the page has loaded, for signed-in users only. */
(function () {
  "use strict";
  var me = document.getElementById("offline-loader");
  function load() {
    var script = document.createElement("script");
    script.src = me.getAttribute("data-src");
    script.type = "module";
    document.head.appendChild(script);
  }
  if (document.readyState === "complete") load();
  else window.addEventListener("load", load);
})();
