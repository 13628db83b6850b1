// The writer's desk: the report as a form, checked and typeset as it is
// typed. Plain JavaScript, no build step. User text only ever goes into
// text nodes and input values, never into markup. Every official heading
// and label comes from the server (the parts with each check, the labels in
// the layout's grids); totals are filled by the server's rule. `$`,
// `status` and `api` are common.js's.
"use strict";

const state = { name: null, version: null, report: null, document: null, kinds: {}, parts: [], draft: null, focus: null, filled: new Set() };
const timers = {};

function later(key, ms, fn) { clearTimeout(timers[key]); timers[key] = setTimeout(fn, ms); }

// ---------------------------------------------------------------- the list

async function loadList() {
  const list = await api("GET", "/api/reports");
  const body = $("#reports tbody");
  body.replaceChildren();
  const from = $("#new-form select[name=from]");
  from.replaceChildren(new Option("（不承接）", ""));
  for (const r of list) {
    const tr = document.createElement("tr");
    const open = document.createElement("button");
    open.type = "button"; open.textContent = r.name; open.addEventListener("click", () => openReport(r.name));
    const cells = [open, r.agency ?? "", r.year ?? "", r.format ?? "", r.error ? "读不了：" + r.error : r.passes ? "通过" : "有问题"];
    for (const c of cells) { const td = document.createElement("td"); td.append(c); tr.append(td); }
    body.append(tr);
    if (r.agency) from.append(new Option(`${r.name}（${r.agency} ${r.year}）`, r.name));
  }
}

async function openReport(name) {
  const opened = await api("GET", "/api/report/" + encodeURIComponent(name));
  state.name = name; state.version = opened.version; state.draft = opened.draft;
  await start(opened.text);
  $("#draft-banner").hidden = !(opened.draft && opened.draft !== opened.text);
}

async function start(text) {
  const checked = await check(text, true);
  if (!checked) return;
  state.focus = null; view.from = 0; state.filled.clear();
  state.report = checked.report;
  $("#home").hidden = true; $("#editor").hidden = false;
  $("#file-name").value = state.name || "";
  draw();
  showFindings(checked.findings);
  preview();
}

// ---------------------------------------------------------------- checking

async function check(text, first) {
  try {
    const checked = await api("POST", "/api/check", text ?? JSON.stringify(state.report));
    state.document = checked.document; state.kinds = checked.kinds; state.parts = checked.parts;
    if (!first) showFindings(checked.findings);
    status(checked.findings.some((f) => f.refusal) ? "数据前后不一致，请看检查结果" : "检查通过");
    return checked;
  } catch (e) {
    status("还不是一份完整的报告：" + (e.data?.path ? e.data.path + "：" : "") + e.message);
    return null;
  }
}

function changed(path) {
  state.focus = path;
  saveDraft();
  later("check", 250, () => check());
  later("preview", 700, preview);
}

// The draft names the version of the file it was typed over: the server
// refuses it once the file has been saved since.
function saveDraft() {
  later("draft", 1500, async () => {
    if (!state.name) return;
    const text = JSON.stringify(state.report, null, 2);
    const at = state.version ? "?version=" + encodeURIComponent(state.version) : "";
    await api("PUT", "/api/draft/" + encodeURIComponent(state.name) + at, text).catch(() => {});
  });
}

// The findings beside the form: refusals first, then notes; the notes on
// blank cells (many, in a new report) folded into one line that opens.
function showFindings(findings) {
  document.querySelectorAll(".grid td.finding, .grid td.note").forEach((td) => { td.classList.remove("finding", "note"); td.removeAttribute("title"); });
  const list = $("#findings ul");
  list.replaceChildren();
  const item = (f) => {
    const input = document.querySelector(`input[data-path="${CSS.escape(f.path)}"]`);
    if (input) { const td = input.parentElement; td.classList.add(f.refusal ? "finding" : "note"); td.title = f.message; }
    const li = document.createElement("li");
    li.className = f.refusal ? "refusal" : "note";
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = `${f.refusal ? "［不一致］" : "［提示］"}${f.place}：${f.message}`;
    button.addEventListener("click", () => { const target = document.querySelector(`[data-path="${CSS.escape(f.path)}"]`); target?.focus(); target?.scrollIntoView({ block: "center" }); });
    li.append(button);
    return li;
  };
  const blanks = findings.filter((f) => f.blank);
  list.append(...findings.filter((f) => f.refusal).map(item), ...findings.filter((f) => !f.refusal && !f.blank).map(item));
  if (blanks.length) {
    const li = document.createElement("li");
    li.className = "blanks";
    const fold = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = `［提示］${blanks.length} 处空白未核对`;
    const inner = document.createElement("ul");
    inner.append(...blanks.map(item));
    fold.append(summary, inner);
    li.append(fold);
    list.append(li);
  }
  $("#findings h2").textContent = findings.some((f) => f.refusal) ? `检查结果：${findings.filter((f) => f.refusal).length} 处不一致` : "检查结果";
}

// ---------------------------------------------------------------- JSON paths

function get(path, from = state.report) { return path.split("/").slice(1).reduce((at, k) => (at == null ? undefined : at[k]), from); }

// Every value of a JSON tree by its path.
function leaves(value, path = "", out = new Map()) {
  if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) leaves(v, `${path}/${k}`, out);
  else out.set(path, value);
  return out;
}
function set(path, value) {
  const keys = path.split("/").slice(1);
  let at = state.report;
  for (const k of keys.slice(0, -1)) { if (at[k] == null) at[k] = {}; at = at[k]; }
  at[keys[keys.length - 1]] = value;
}

// ---------------------------------------------------------------- the form

// The parts in the server's order, titled by the server: fields, prose,
// and each table with the prose before and after it.
function draw() {
  const form = $("#form");
  form.replaceChildren();
  const tables = state.document.blocks.filter((b) => b.kind === "table");
  let fields = null, table = 0;
  for (const part of state.parts) {
    if (part.kind === "field") {
      if (!fields) { fields = section("基本信息"); form.append(fields); }
      fields.append(field(part), document.createElement("br"));
    } else if (part.kind === "prose") {
      form.append(prose(part.key, part.title));
    } else if (part.kind === "signature") {
      form.append(signature(part.title));
    } else {
      const s = section(part.title);
      s.append(prose(`table_prose/${part.key}/before`, "表格前的文字", true));
      s.append(grid(tables[table++], part.title));
      s.append(prose(`table_prose/${part.key}/after`, "表格后的文字", true));
      form.append(s);
    }
  }
}

// A one-line part: the title (blank for the default one), the agency, the year.
function field(part) {
  const key = part.key;
  const input = document.createElement("input");
  input.type = key === "year" ? "number" : "text";
  input.value = state.report[key] ?? ""; input.dataset.path = "/" + key;
  const label = key === "title" ? part.title + "（不填则按机关和年度生成）" : part.title;
  input.setAttribute("aria-label", label);
  input.addEventListener("input", () => {
    const v = input.value.trim();
    if (key === "title" && v === "") delete state.report.title; else state.report[key] = key === "year" ? Number(v) : input.value;
    changed("/" + key);
  });
  const l = document.createElement("label"); l.append(label + " ", input);
  return l;
}

// The signature part: the agency and the date; both blank, none.
function signature(title) {
  const s = section(title);
  for (const [key, label] of [["agency", "机关"], ["date", "日期"]]) {
    const input = document.createElement("input");
    input.type = "text"; input.dataset.path = "/signature/" + key;
    input.value = state.report.signature?.[key] ?? "";
    input.setAttribute("aria-label", title + label);
    input.addEventListener("input", () => {
      const sig = state.report.signature ?? { agency: "", date: "" };
      sig[key] = input.value;
      if (sig.agency.trim() === "" && sig.date.trim() === "") delete state.report.signature; else state.report.signature = sig;
      changed("/signature");
    });
    const l = document.createElement("label"); l.append(label + " ", input);
    s.append(l, document.createElement("br"));
  }
  return s;
}

function section(title) {
  const s = document.createElement("section"); s.className = "section";
  const h = document.createElement("h2"); h.textContent = title; s.append(h);
  return s;
}

// A prose part: blocks to add, edit, reorder and delete.
function prose(key, title, inner) {
  const wrap = inner ? document.createElement("div") : section(title);
  if (inner) { const h = document.createElement("h3"); h.textContent = title; wrap.append(h); }
  const path = "/" + key;
  const blocks = () => { let b = get(path); if (!Array.isArray(b)) { b = []; set(path, b); } return b; };
  const list = document.createElement("div");
  const redraw = () => {
    list.replaceChildren();
    blocks().forEach((block, i) => list.append(blockEditor(path, blocks, i, redraw)));
  };
  const add = document.createElement("button");
  add.type = "button"; add.textContent = "添加段落";
  add.addEventListener("click", () => { blocks().push(""); redraw(); changed(path); list.lastChild?.querySelector("textarea")?.focus(); });
  redraw();
  wrap.append(list, add);
  return wrap;
}

function blockEditor(path, blocks, i, redraw) {
  const block = blocks()[i];
  const row = document.createElement("div"); row.className = "block";
  const kind = document.createElement("select");
  kind.setAttribute("aria-label", `第 ${i + 1} 段的类型`);
  for (const [v, t] of [["p", "段落"], ["h", "小标题"], ["l", "引语段"]]) kind.append(new Option(t, v));
  kind.value = typeof block === "string" ? "p" : block.heading !== undefined ? "h" : "l";
  const text = document.createElement("textarea");
  text.setAttribute("aria-label", `第 ${i + 1} 段`);
  text.dataset.path = `${path}/${i}`;
  const lead = document.createElement("input"); lead.className = "lead"; lead.setAttribute("aria-label", `第 ${i + 1} 段的引语`);
  const fill = () => {
    const b = blocks()[i];
    text.value = typeof b === "string" ? b : b.heading ?? b.text ?? "";
    lead.value = b && b.lead !== undefined ? b.lead : "";
    lead.hidden = kind.value !== "l";
  };
  const store = () => {
    blocks()[i] = kind.value === "p" ? text.value : kind.value === "h" ? { heading: text.value } : { lead: lead.value, text: text.value };
    changed(`${path}/${i}`);
  };
  kind.addEventListener("change", () => { store(); lead.hidden = kind.value !== "l"; });
  text.addEventListener("input", store);
  lead.addEventListener("input", store);
  fill();
  const move = (d, label) => {
    const b = document.createElement("button"); b.type = "button"; b.textContent = label;
    b.setAttribute("aria-label", `第 ${i + 1} 段${label}`);
    b.addEventListener("click", () => {
      const all = blocks(), j = i + d;
      if (d === 0) all.splice(i, 1); else if (j >= 0 && j < all.length) [all[i], all[j]] = [all[j], all[i]]; else return;
      redraw(); changed(path);
    });
    return b;
  };
  row.append(kind, lead, text, move(-1, "上移"), move(1, "下移"), move(0, "删除"));
  return row;
}

// A table drawn from the layout's grid: the same merged cells as the PDF;
// every value cell an input named by its row label and column header.
function grid(table, title) {
  const el = document.createElement("table");
  el.className = "grid";
  el.setAttribute("aria-label", title);
  const rows = Array.from({ length: table.rows }, () => document.createElement("tr"));
  const text = (c) => c.runs.map((r) => r.text).join("");
  for (const cell of table.cells) {
    const source = cell.runs.find((r) => r.source)?.source;
    const td = document.createElement(cell.role === "number" ? "td" : "th");
    if (cell.role === "label") td.className = "label";
    td.rowSpan = cell.rowspan; td.colSpan = cell.colspan;
    if (cell.role === "number" && source) {
      const labels = table.cells.filter((c) => c.role === "label" && c.row <= cell.row && cell.row < c.row + c.rowspan && c.col < cell.col).sort((a, b) => a.col - b.col).map(text);
      const above = table.cells.filter((c) => c.role === "header" && c.row < cell.row && c.col <= cell.col && cell.col < c.col + c.colspan);
      const headers = table.header_rows > 0 ? above.sort((a, b) => a.row - b.row).map(text) : above.sort((a, b) => b.row - a.row).slice(0, 1).map(text);
      const input = document.createElement("input");
      input.dataset.path = source; input.dataset.row = cell.row; input.dataset.col = cell.col;
      input.setAttribute("aria-label", [...labels, ...headers].join(" · "));
      const value = get(source);
      input.value = value == null ? "" : String(value);
      input.inputMode = state.kinds[source] === "amount" ? "decimal" : "numeric";
      input.addEventListener("input", () => value_changed(input));
      input.addEventListener("paste", (e) => paste(e, input, el));
      input.addEventListener("keydown", (e) => keys(e, input, el));
      td.append(input);
    } else {
      td.textContent = text(cell);
      if (cell.role === "header" || cell.role === "note") td.scope = cell.colspan > 1 ? "colgroup" : "col";
    }
    rows[cell.row].append(td);
  }
  el.append(...rows);
  return el;
}

// Whole numbers for counts (blank is blank), signed for 本年增/减, amounts
// as written.
function parse(input) {
  const kind = state.kinds[input.dataset.path] || "count";
  const v = input.value.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  if (v === "") return { ok: true, value: null };
  if (kind === "amount") return { ok: true, value: v };
  const re = kind === "signed" ? /^-?\d+$/ : /^\d+$/;
  return re.test(v) ? { ok: true, value: Number(v) } : { ok: false };
}

function value_changed(input) {
  const p = parse(input);
  input.classList.toggle("bad", !p.ok);
  input.setAttribute("aria-invalid", String(!p.ok));
  if (!p.ok) { status(`“${input.value}”不是件数：只能填非负整数，或留空`); return; }
  set(input.dataset.path, p.value);
  // A total the writer types is theirs; one the fill button filled follows its parts.
  if (state.filled.delete(input.dataset.path) || !state.filled.size) changed(input.dataset.path);
  else { changed(input.dataset.path); later("totals", 300, refreshTotals); }
}

function inputs(table) { return Array.from(table.querySelectorAll("input[data-path]")); }

// The input `dr` rows down / `dc` columns right of `from`, by grid place.
function neighbour(table, from, dr, dc) {
  const r = Number(from.dataset.row), c = Number(from.dataset.col);
  const all = inputs(table);
  if (dr) {
    const rows = all.filter((i) => Number(i.dataset.col) === c && Math.sign(Number(i.dataset.row) - r) === dr);
    rows.sort((a, b) => dr * (Number(a.dataset.row) - Number(b.dataset.row)));
    return rows[0];
  }
  const cols = all.filter((i) => Number(i.dataset.row) === r && Math.sign(Number(i.dataset.col) - c) === dc);
  cols.sort((a, b) => dc * (Number(a.dataset.col) - Number(b.dataset.col)));
  return cols[0];
}

function keys(e, input, table) {
  let next = null;
  if (e.key === "Enter" || e.key === "ArrowDown") next = neighbour(table, input, 1, 0);
  else if (e.key === "ArrowUp") next = neighbour(table, input, -1, 0);
  else if (e.key === "ArrowRight" && input.selectionStart === input.value.length) next = neighbour(table, input, 0, 1);
  else if (e.key === "ArrowLeft" && input.selectionStart === 0) next = neighbour(table, input, 0, -1);
  if (next) { e.preventDefault(); next.focus(); next.select(); }
}

// A block copied from Excel or WPS (tab-separated rows) fills the cells
// right and down from the one pasted into.
function paste(e, input, table) {
  const text = e.clipboardData?.getData("text/plain") ?? "";
  if (!/[\t\n]/.test(text.trim())) return;
  e.preventDefault();
  const lines = text.replace(/\r/g, "").replace(/\n$/, "").split("\n");
  let rowStart = input;
  for (const line of lines) {
    let cell = rowStart;
    for (const value of line.split("\t")) {
      if (!cell) break;
      cell.value = value.trim();
      value_changed(cell);
      cell = neighbour(table, cell, 0, 1);
    }
    rowStart = rowStart && neighbour(table, rowStart, 1, 0);
    if (!rowStart) break;
  }
}

// ---------------------------------------------------------------- totals

// Blank totals filled by the server, by the rule the checks use; a written
// total is never overwritten. The totals it filled follow their parts
// from then on (until the writer types one).
async function fillTotals() {
  const before = leaves(state.report);
  if (!(await serverEdit("/api/fill-totals", "没有补全："))) return;
  for (const [path, value] of leaves(state.report)) if (value != null && before.get(path) == null) state.filled.add(path);
}

// The totals the fill button filled, computed again from their parts as they now
// are; only those cells change, the rest of the form (and the cell being
// typed in) stays as it is.
async function refreshTotals() {
  const report = structuredClone(state.report);
  for (const path of state.filled) {
    const keys = path.split("/").slice(1);
    const row = keys.slice(0, -1).reduce((at, k) => at?.[k], report);
    if (row) row[keys[keys.length - 1]] = null;
  }
  try {
    const edited = await api("POST", "/api/fill-totals", JSON.stringify(report));
    for (const path of state.filled) {
      set(path, get(path, edited) ?? null);
      const input = document.querySelector(`input[data-path="${CSS.escape(path)}"]`);
      if (input) input.value = get(path) ?? "";
    }
    changed("/applications");
  } catch (e) { /* the checks say why */ }
}

// Every blank table cell 0 (an agency with nothing to report in most
// rows), totals filled; a written value is never changed.
function zeroBlanks() {
  if (confirm($("#zero-blanks").dataset.confirm)) serverEdit("/api/zero-blanks", "没有补零：");
}

// The report as the server edited it, drawn again.
async function serverEdit(url, failed) {
  try {
    state.report = await api("POST", url, JSON.stringify(state.report));
    draw();
    changed("/applications");
    return true;
  } catch (e) {
    status(failed + (e.data?.path ? e.data.path + "：" : "") + e.message);
    return false;
  }
}

// ---------------------------------------------------------------- preview

// A few pages at a time (the server sends at most five): after an edit,
// the ones around the page of what was edited (else the ones shown); the
// buttons fetch the pages before or after.
const PAGES = 5;
const view = { from: 0, count: 0, asked: 0 };

async function preview(range) {
  const asked = ++view.asked;
  try {
    const from = range ? range.from : view.from;
    const focus = !range && state.focus ? "focus=" + encodeURIComponent(state.focus) + "&" : "";
    const result = await api("POST", `/api/preview?${focus}from=${from}&to=${from + PAGES}`, JSON.stringify(state.report));
    if (asked !== view.asked) return; // a later request is on its way
    if (result.pages.length === 0 && result.count > 0) return preview({ from: Math.max(0, result.count - PAGES) });
    const pages = $("#pages");
    pages.querySelectorAll("img").forEach((img) => URL.revokeObjectURL(img.src));
    pages.replaceChildren(...result.pages.map((page) => {
      const img = document.createElement("img");
      img.alt = `第 ${page.index + 1} 页`;
      img.dataset.index = page.index;
      img.src = URL.createObjectURL(new Blob([page.svg], { type: "image/svg+xml" }));
      return img;
    }));
    view.count = result.count;
    view.from = result.pages.length ? result.pages[0].index : 0;
    const to = view.from + result.pages.length;
    $("#pages-shown").textContent = result.count ? `第 ${view.from + 1}–${to} 页，共 ${result.count} 页` : "";
    $("#pages-prev").disabled = view.from === 0;
    $("#pages-next").disabled = to >= result.count;
    if (result.focus != null) pages.querySelector(`img[data-index="${result.focus}"]`)?.scrollIntoView({ block: "nearest" });
    else if (range) $("#preview-pane").scrollTop = 0;
  } catch (e) { /* the checks say why */ }
}

// ---------------------------------------------------------------- saving

async function save() {
  // A save supersedes the pending draft; one already sent is refused by
  // the server once the file has its new version.
  clearTimeout(timers.draft);
  const name = $("#file-name").value.trim();
  const text = JSON.stringify(state.report, null, 2);
  const sameFile = name === state.name;
  const url = "/api/report/" + encodeURIComponent(name) + (sameFile && state.version ? "?version=" + encodeURIComponent(state.version) : "");
  try {
    const saved = await api("PUT", url, text);
    state.name = name; state.version = saved.version;
    status("已保存 " + name);
  } catch (e) {
    saveDraft();
    if (e.status === 409 && e.data?.theirs) clash(e.message, e.data.theirs);
    else if (e.status === 409) {
      status(e.message);
      const other = prompt(e.message + "\n另存为：", name.replace(/\.json$/, "") + "-副本.json");
      if (other) { $("#file-name").value = other; state.name = null; state.version = null; await save(); }
    } else status("没有保存：" + e.message);
  }
}

// A place of the form by its part's heading and its own label (both from
// the server), else its JSON path.
function placeName(path) {
  const el = document.querySelector(`[data-path="${CSS.escape(path)}"]`);
  const own = el?.getAttribute("aria-label") || el?.closest("label")?.textContent?.trim();
  if (!own) return path;
  const part = el.closest("section")?.querySelector("h2")?.textContent?.trim();
  return part && !own.startsWith(part) ? `${part} · ${own}` : own;
}

// Someone else saved the report since it was opened (a server that keeps
// versions sends theirs back): both are shown, value by value, and the
// writer chooses — theirs, or theirs overwritten by theirs' mine knowingly.
function clash(message, theirs) {
  const mine = leaves(state.report), them = leaves(JSON.parse(theirs.body));
  const body = $("#clash-banner tbody");
  body.replaceChildren();
  for (const path of new Set([...mine.keys(), ...them.keys()])) {
    if (mine.get(path) === them.get(path)) continue;
    const tr = body.insertRow();
    tr.insertCell().textContent = placeName(path);
    const [a, b] = [mine.get(path), them.get(path)];
    if (typeof a === "string" && typeof b === "string") {
      const [left, right] = difference(a, b);
      tr.insertCell().append(...left);
      tr.insertCell().append(...right);
    } else {
      for (const t of [a ?? "（无）", b ?? "（无）"]) tr.insertCell().textContent = String(t);
    }
  }
  $("#clash-message").textContent = message;
  $("#clash-banner").hidden = false;
  $("#clash-theirs").onclick = async () => { $("#clash-banner").hidden = true; state.version = String(theirs.id); await start(theirs.body); status("已换成对方保存的版本"); };
  $("#clash-mine").onclick = async () => { $("#clash-banner").hidden = true; state.version = String(theirs.id); await save(); };
}

// Two versions of a text, each as nodes with what the other lacks marked:
// in a long paragraph the changed words show, not just that it changed.
// The longest common subsequence of characters between the common start
// and end; where that middle is too long to compare in a moment, the
// whole middle is marked.
function difference(a, b) {
  const [p, q] = [[...a], [...b]];
  let start = 0;
  while (start < p.length && start < q.length && p[start] === q[start]) start++;
  let end = 0;
  while (end < p.length - start && end < q.length - start && p[p.length - 1 - end] === q[q.length - 1 - end]) end++;
  const x = p.slice(start, p.length - end), y = q.slice(start, q.length - end);
  const keepX = new Array(x.length).fill(false), keepY = new Array(y.length).fill(false);
  if (x.length && y.length && x.length * y.length <= 4e6) {
    const w = y.length + 1, len = new Uint16Array((x.length + 1) * w);
    for (let i = x.length - 1; i >= 0; i--)
      for (let j = y.length - 1; j >= 0; j--)
        len[i * w + j] = x[i] === y[j] ? len[(i + 1) * w + j + 1] + 1 : Math.max(len[(i + 1) * w + j], len[i * w + j + 1]);
    // A text rewritten rather than edited shares only scattered
    // characters with the other: marked whole.
    for (let i = 0, j = 0; len[0] * 2 >= Math.min(x.length, y.length) && i < x.length && j < y.length;) {
      if (x[i] === y[j]) { keepX[i++] = true; keepY[j++] = true; }
      else if (len[(i + 1) * w + j] >= len[i * w + j + 1]) i++;
      else j++;
    }
  }
  const nodes = (chars, middle, keep) => {
    const out = [chars.slice(0, start).join("")];
    for (let k = 0; k < middle.length;) {
      let l = k;
      while (l < middle.length && keep[l] === keep[k]) l++;
      const piece = middle.slice(k, l).join("");
      if (keep[k]) out.push(piece);
      else { const m = document.createElement("mark"); m.textContent = piece; out.push(m); }
      k = l;
    }
    out.push(chars.slice(chars.length - end).join(""));
    return out.filter((n) => n !== "");
  };
  return [nodes(p, x, keepX), nodes(q, y, keepY)];
}

async function download(format, allow) {
  const response = await api("POST", `/api/export/${format}${allow ? "?allow_inconsistent=true" : ""}`, JSON.stringify(state.report), true);
  if (response.status === 409 && !allow) {
    const why = (await response.json()).error;
    if (confirm(why + "\n仍要按现有数据下载吗？")) return download(format, true);
    return;
  }
  if (!response.ok) { status("无法下载：" + ((await response.json()).error || response.statusText)); return; }
  const blob = await response.blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = (state.name || "report.json").replace(/\.json$/, "") + "." + format;
  document.body.append(a); a.click(); a.remove();
  status("已下载 " + a.download);
}

// ---------------------------------------------------------------- wiring

document.addEventListener("DOMContentLoaded", () => {
  $("#new-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      const made = await api("POST", "/api/new", { agency: f.get("agency"), year: Number(f.get("year")), format: f.get("format"), from: f.get("from") });
      state.name = `${f.get("agency")}-${f.get("year")}.json`; state.version = null;
      await start(made.text);
    } catch (err) { status(err.message); }
  });
  $("#import-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const file = e.target.file.files[0];
    try {
      const imported = await api("POST", "/api/import/" + encodeURIComponent(file.name), new Blob([await file.arrayBuffer()]));
      state.name = file.name.replace(/\.[^.]+$/, "") + ".json"; state.version = null;
      await start(imported.text);
      status(`已按 ${imported.reader} 导入 ${file.name}`);
    } catch (err) { status(err.message); }
  });
  $("#back").addEventListener("click", () => { $("#editor").hidden = true; $("#home").hidden = false; loadList(); });
  $("#save").addEventListener("click", save);
  $("#fill-totals").addEventListener("click", fillTotals);
  $("#zero-blanks").addEventListener("click", zeroBlanks);
  $("#pages-prev").addEventListener("click", () => preview({ from: Math.max(0, view.from - PAGES) }));
  $("#pages-next").addEventListener("click", () => preview({ from: view.from + PAGES }));
  document.querySelectorAll("[data-export]").forEach((b) => b.addEventListener("click", () => download(b.dataset.export)));
  $("#restore-draft").addEventListener("click", async () => { $("#draft-banner").hidden = true; await start(state.draft); });
  // A page that opens one report chosen elsewhere (the office's review
  // page) has no list of reports to load.
  if (!("oneReport" in document.body.dataset)) loadList().catch((e) => status(e.message));
});
