// The desk's page in the office: beside app.js (whose `state`, `start`
// and `openReport` it uses) and office.js (whose `bar` shows who is signed
// in), it shows the report's state and the reviewer's comments at their
// cells, and lets the writer submit. On /review/ID it opens that report read-only for
// the reviewer, who comments at a cell or paragraph, returns, approves or
// publishes. User text only ever goes into text nodes.
"use strict";

(() => {
  const office = { report: null, review: location.pathname.startsWith("/review/") };

  // What the office knows of the open report: its state, comments, what
  // the account may do.
  async function load(id) {
    office.report = await api("GET", `/api/office/reports/${id}`);
    show();
    return office.report;
  }

  function show() {
    const r = office.report;
    $("#office-state").textContent = `${r.agency_name} ${r.year} 年 · ${r.state_title} · 第 ${r.number} 版`;
    $("#office-submit").hidden = !r.may.submit;
    showComments();
  }

  function showComments() {
    const r = office.report;
    const box = $("#office-comments");
    const list = box.querySelector("ul");
    list.replaceChildren();
    box.hidden = !(r.comments.length || r.may.comment);
    for (const c of r.comments) {
      const li = document.createElement("li");
      const where = document.createElement("button");
      where.type = "button"; where.className = "link";
      where.textContent = label(c.path);
      where.addEventListener("click", () => document.querySelector(`[data-path="${CSS.escape(c.path)}"]`)?.focus());
      const number = r.history.findIndex((h) => h.id === c.version) + 1;
      li.append(where, `：${c.body}（${c.author}，第 ${number} 版）`);
      list.append(li);
    }
    mark();
    if (r.may.comment) commentForm(box);
    if (r.may.review || r.may.publish) reviewButtons(box);
  }

  // The name of a place as the form shows it (the desk's own naming).
  const label = (path) => placeName(path);

  // Cells with comments are marked, the comment as their title.
  function mark() {
    if (!office.report) return;
    for (const c of office.report.comments) {
      const input = document.querySelector(`[data-path="${CSS.escape(c.path)}"]`);
      if (input) { input.classList.add("commented"); input.title = c.body; }
    }
    if (!office.review) return;
    for (const input of document.querySelectorAll("#form input, #form textarea")) input.readOnly = true;
    for (const control of document.querySelectorAll("#form button, #form select")) control.disabled = true;
  }

  let focused = null;
  function commentForm(box) {
    if (box.querySelector("form")) return;
    const form = document.createElement("form");
    form.id = "comment-form";
    const where = document.createElement("p");
    where.id = "comment-where";
    where.textContent = "点表格的格子或正文的段落，在那里写意见";
    const text = document.createElement("textarea");
    text.name = "text"; text.rows = 3; text.required = true;
    const send = document.createElement("button");
    send.type = "submit"; send.textContent = "写意见";
    form.append(where, text, send);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!focused) { status("先点要写意见的格子或段落"); return; }
      try {
        await api("POST", `/api/office/reports/${office.report.id}/comments`, { version: office.report.version, path: focused, text: text.value });
        text.value = "";
        await load(office.report.id);
        status("意见已写上");
      } catch (err) { status(err.message); }
    });
    box.append(form);
    document.addEventListener("focusin", (e) => {
      const path = e.target.closest?.("#form [data-path]")?.dataset.path;
      if (path) { focused = path; where.textContent = "意见写在：" + label(path); }
    });
  }

  // This year beside last year: the table cells that differ, and the
  // prose sentence by sentence, those standing in both years marked.
  async function compare() {
    let panel = $("#office-compare");
    if (panel) { panel.remove(); return; }
    const data = await api("GET", `/api/office/reports/${office.report.id}/compare`);
    panel = document.createElement("aside");
    panel.id = "office-compare";
    panel.setAttribute("aria-label", "与上年对照");
    const h = document.createElement("h2");
    panel.append(h);
    if (!data.last_year) { h.textContent = "本机关没有上一年的报告"; $("#office-comments").after(panel); return; }
    h.textContent = `与 ${data.last_year.year} 年报告（${data.last_year.state_title}）对照`;
    const changed = data.cells.filter((c) => c.changed);
    const note = document.createElement("p");
    note.textContent = changed.length ? `表格共 ${data.cells.length} 格，${changed.length} 格与上年不同：` : `表格共 ${data.cells.length} 格，都与上年相同。`;
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const t of ["", "上年", "本年"]) { const th = document.createElement("th"); th.textContent = t; head.append(th); }
    const body = table.createTBody();
    for (const c of changed) {
      const tr = body.insertRow();
      for (const t of [c.name, c.before ?? "（无此格）", c.now]) tr.insertCell().textContent = t;
    }
    panel.append(note);
    if (changed.length) panel.append(table);
    for (const t of data.texts) {
      const h3 = document.createElement("h3");
      h3.textContent = t.title;
      const pair = document.createElement("div");
      pair.className = "compare-pair";
      for (const [side, sentences] of [["本年", t.now], ["上年", t.before]]) {
        const col = document.createElement("div");
        const label = document.createElement("strong");
        const same = sentences.filter(([, both]) => both).length;
        label.textContent = `${side}（${sentences.length} 句，${same} 句两年相同）`;
        col.append(label, document.createElement("br"));
        for (const [sentence, both] of sentences) {
          const span = document.createElement("span");
          span.textContent = sentence;
          if (both) { span.className = "same"; span.title = "两年相同"; }
          col.append(span);
        }
        pair.append(col);
      }
      panel.append(h3, pair);
    }
    $("#office-comments").after(panel);
  }

  function reviewButtons(box) {
    box.querySelector("#review-buttons")?.remove();
    const r = office.report;
    const bar = document.createElement("p");
    bar.id = "review-buttons";
    const last = document.createElement("button");
    last.type = "button"; last.textContent = "与上年对照"; last.id = "compare-last-year";
    last.addEventListener("click", () => compare().catch((e) => status(e.message)));
    bar.append(last);
    const steps = r.may.review ? [["return", "退回修改"], ["approve", "审核通过"]] : [["publish", "标为已发布"]];
    for (const [step, title] of steps) {
      const b = document.createElement("button");
      b.type = "button"; b.textContent = title; b.dataset.step = step;
      b.addEventListener("click", async () => {
        try {
          await api("POST", `/api/office/reports/${r.id}/${step}?version=${r.version}`);
          await load(r.id);
          status(`已${title}`);
        } catch (err) { status(err.message); }
      });
      bar.append(b);
    }
    box.append(bar);
  }

  async function submit() {
    if (!confirm("提交的是已保存的版本；提交后不能再改，除非审核人退回。提交吗？")) return;
    try {
      await api("POST", `/api/office/reports/${office.report.id}/submit?version=${state.version}`);
      await load(office.report.id);
      status("已提交审核");
    } catch (err) { status(err.message); }
  }

  // What the office knows of the report the desk has open, by its name.
  async function refresh() {
    const listed = await api("GET", "/api/reports");
    const found = listed.find((r) => r.name === state.name);
    if (found) await load(found.id);
  }

  // The writer's desk: after a report opens or is saved (the desk says
  // so in its status line), what the office knows of it.
  function follow() {
    const open = window.openReport;
    window.openReport = async (name) => { await open(name); await refresh(); };
    new MutationObserver(() => { if ($("#status").textContent.startsWith("已保存")) refresh().catch(() => {}); })
      .observe($("#status"), { childList: true, characterData: true, subtree: true });
    new MutationObserver(mark).observe($("#form"), { childList: true, subtree: true });
  }

  async function review() {
    const id = Number(location.pathname.split("/").pop());
    // Shown once the form is drawn: the comments are named by its labels.
    const r = office.report = await api("GET", `/api/office/reports/${id}`);
    state.name = `${r.year}.json`; state.version = String(r.version);
    await start(r.text);
    for (const sel of ["#save", "#fill-totals", "#zero-blanks", "#file-name", "#draft-banner"]) { const el = $(sel); if (el) el.hidden = true; }
    $("#back").textContent = "返回审核台";
    $("#back").addEventListener("click", () => { location.href = "/board"; });
    new MutationObserver(mark).observe($("#form"), { childList: true, subtree: true });
    show();
    status("");
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("#office-submit").addEventListener("click", submit);
    bar().then(() => (office.review ? review() : follow())).catch((e) => status(e.message));
  });
})();
