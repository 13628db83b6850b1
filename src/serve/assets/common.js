// What every page's script shares, the writer's desk's and the office's:
// the element finder, the status line and the one way to call the server.
// Loaded before the page's own script.
"use strict";

const $ = (sel) => document.querySelector(sel);

function status(text) { $("#status").textContent = text; }

// Calls the server: JSON in and out (a Blob or ArrayBuffer goes as bytes,
// a string as JSON already written); `raw` returns the response itself.
// A refusal throws an Error carrying the server's message, its status and
// its data. Where pages sit behind a sign-in, `api.signIn` names the
// sign-in page, which a 401 leads to.
async function api(method, url, body, raw) {
  const init = { method, credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    const bytes = body instanceof Blob || body instanceof ArrayBuffer;
    init.body = bytes || typeof body === "string" ? body : JSON.stringify(body);
    init.headers["Content-Type"] = bytes ? "application/octet-stream" : "application/json";
  }
  const response = await fetch(url, init);
  if (response.status === 401 && api.signIn && !url.endsWith("/login")) { location.href = api.signIn; throw new Error("请先登录"); }
  if (raw) return response;
  const data = response.headers.get("Content-Type")?.includes("json") ? await response.json() : null;
  if (!response.ok) { const e = new Error((data && data.error) || response.statusText); e.status = response.status; e.data = data; throw e; }
  return data;
}
