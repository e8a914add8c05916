// Keeps an import's page up to date while the import runs. Without this script the page's
// "check again" link does the same by reloading it.
(function () {
  "use strict";
  var bar = document.getElementById("import-progress");
  if (!bar || !window.fetch) {
    return;
  }
  var url = bar.getAttribute("data-status-url");
  var rows = document.getElementById("import-rows");
  var percent = document.getElementById("import-percent");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) {
          return;
        }
        if (status.done) {
          window.location.reload();
          return;
        }
        if (status.percent !== null) {
          bar.value = status.percent;
          if (percent) { percent.textContent = String(status.percent); }
        }
        if (rows) { rows.textContent = String(status.rows); }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
