/* Translate labels that third-party admin code writes as English literals
   (see kalanso/home/wagtail_hooks.py). The translations come in the script
   tag's data-labels attribute: {"More actions": "Plus d'actions"}. */
(function () {
  "use strict";
  var script = document.currentScript;
  var labels = JSON.parse((script && script.getAttribute("data-labels")) || "{}");
  function translate() {
    var nodes = document.querySelectorAll(".w-sr-only, [aria-label]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var label = node.getAttribute("aria-label");
      if (label && labels[label.trim()]) node.setAttribute("aria-label", labels[label.trim()]);
      if (node.children.length === 0) {
        var text = node.textContent.trim();
        if (labels[text]) node.textContent = labels[text];
      }
    }
  }
  function start() {
    translate();
    new MutationObserver(translate).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
