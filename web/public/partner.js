// A partner's own script, deliberately unfriendly to show that the widget does not depend on the
// page's globals and that the page's keyboard shortcuts do not steal what people type in the chat.
(function () {
  "use strict";
  // Globals with the names of the libraries the widget uses: the widget bundles its own.
  window.io = function () { throw new Error("this page's io() is not socket.io"); };
  window.DOMPurify = { sanitize: function (s) { return s; } };
  window.marked = { parse: function () { return "<b>not marked</b>"; } };

  // A site-wide shortcut: "/" jumps to the search box, as many sites do.
  window.partnerShortcutUsed = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key === "/") {
      window.partnerShortcutUsed += 1;
      event.preventDefault();
      document.getElementById("q").focus();
    }
  });
})();
