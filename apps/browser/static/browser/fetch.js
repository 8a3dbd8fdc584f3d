// The pages' fetch helper (no inline script: the CSP allows none). Same-origin requests with the
// auth cookie; unsafe methods carry Django's CSRF token (X-CSRFToken, from the csrftoken cookie or
// the page's form). A 401 `token_expired` calls the refresh endpoint once, then retries once.
"use strict";
(function () {
  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function send(url, options) {
    const headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    const method = (options.method || "GET").toUpperCase();
    if (!["GET", "HEAD", "OPTIONS", "TRACE"].includes(method)) headers["X-CSRFToken"] = csrfToken();
    return fetch(url, Object.assign({}, options, { method, headers, credentials: "same-origin" }));
  }

  async function expired(response) {
    if (response.status !== 401) return false;
    try {
      return (await response.clone().json()).code === "token_expired";
    } catch (error) {
      return false;
    }
  }

  async function apiFetch(url, options = {}, refreshUrl = "/auth/refresh/") {
    const response = await send(url, options);
    if (!(await expired(response))) return response;
    const refreshed = await send(refreshUrl, { method: "POST" });
    return refreshed.ok ? send(url, options) : response;
  }

  window.apiFetch = apiFetch;
  const button = document.getElementById("whoami");
  if (button) {
    button.addEventListener("click", async function () {
      const out = document.getElementById("whoami-result");
      const response = await apiFetch(button.dataset.url, {}, button.dataset.refresh);
      const body = await response.json();
      out.textContent = response.ok ? "Signed in as " + body.user.email : "Refused: " + body.code;
      out.dataset.status = String(response.status);
    });
  }
})();
