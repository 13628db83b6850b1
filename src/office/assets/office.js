// The office's pages: sign-in, invitation, board, setup; on the desk and
// review pages (beside app.js), the bar of who is signed in. Plain
// JavaScript, no build step. Everything the server sends is put into text
// nodes and input values, never into markup; every official label comes
// from the server.
"use strict";

api.signIn = "/login";

function cell(row, content) {
  const td = document.createElement("td");
  td.append(content ?? "");
  row.append(td);
  return td;
}

function when(seconds) {
  if (!seconds) return "";
  const d = new Date(seconds * 1000);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

async function bar() {
  const me = await api("GET", "/api/office/me");
  const where = me.agency ? me.agency.name : me.region ? me.region.name : "";
  $("#office-who").textContent = `${me.name}（${me.role_title}${where ? "，" + where : ""}）`;
  return me;
}

// ---------------------------------------------------------------- sign-in

function loginPage() {
  $("#login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      await api("POST", "/api/office/login", { login: f.get("login"), password: f.get("password") });
      location.href = "/";
    } catch (err) { status(err.message); }
  });
}

function invitePage() {
  const secret = location.pathname.split("/").pop();
  $("#invite-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    if (f.get("password") !== f.get("again")) { status("两次输入的密码不一样"); return; }
    try {
      await api("POST", "/api/office/invitation", { secret, password: f.get("password") });
      location.href = "/";
    } catch (err) { status(err.message); }
  });
}

// ---------------------------------------------------------------- board

const board = { rows: [], region: null, year: null };

async function boardPage() {
  const me = await bar();
  $("#to-admin").hidden = me.role !== "admin";
  const regions = await api("GET", "/api/office/regions");
  const select = $("#board-form select[name=region]");
  for (const r of regions) select.append(new Option(r.name, r.id));
  if (me.region) select.value = me.region.id;
  const params = new URLSearchParams(location.search);
  if (params.get("region")) select.value = params.get("region");
  $("#board-form input[name=year]").value = params.get("year") || new Date().getFullYear() - 1;
  $("#board-form").addEventListener("submit", (e) => { e.preventDefault(); loadBoard(); });
  $("#board-form select[name=state]").addEventListener("change", drawBoard);
  $("#board-form select[name=sort]").addEventListener("change", drawBoard);
  $("#past-form").addEventListener("submit", uploadPast);
  if (regions.length) await loadBoard();
}

async function loadBoard() {
  const f = new FormData($("#board-form"));
  board.region = f.get("region"); board.year = f.get("year");
  const q = `region=${encodeURIComponent(board.region)}&year=${encodeURIComponent(board.year)}`;
  history.replaceState(null, "", "/board?" + q);
  try {
    const data = await api("GET", "/api/office/board?" + q);
    board.rows = data.rows;
    const titles = { not_started: "未开始", draft: "填写中", submitted: "已提交", returned: "已退回", approved: "已通过", published: "已发布", past: "往年已发布" };
    $("#counts").textContent = `共 ${data.rows.length} 个机关：` + Object.entries(data.counts).map(([k, n]) => `${titles[k] ?? k} ${n}`).join("，");
    drawBoard();
    const sum = await api("GET", "/api/office/sum?" + q);
    $("#sum-included").textContent = `已计入 ${sum.included.length} 份：${sum.included.join("、")}`;
    $("#sum-missing").textContent = sum.missing.length ? `尚未通过或未报送（${sum.missing.length}）：${sum.missing.join("、")}` : "名单上的机关都已计入";
    const body = $("#sum-figures tbody");
    body.replaceChildren();
    for (const [label, value] of sum.figures ?? []) { const tr = document.createElement("tr"); cell(tr, label); cell(tr, value); body.append(tr); }
    $("#sum-json").href = "/api/office/sum?" + q + "&format=report";
    $("#sum-pdf").href = "/api/office/sum?" + q + "&format=pdf";
    $("#sum-xlsx").href = "/api/office/sum?" + q + "&format=xlsx";
    $("#archive").href = "/api/office/archive?" + q;
    $("#chart").src = `/api/office/chart?region=${encodeURIComponent(board.region)}&t=${Date.now()}`;
    status("");
  } catch (err) { status(err.message); }
}

function drawBoard() {
  const f = new FormData($("#board-form"));
  const want = f.get("state"), sort = f.get("sort");
  const rows = board.rows.filter((r) => !want || r.state === want);
  const order = ["not_started", "draft", "returned", "submitted", "approved", "published", "past"];
  const key = {
    name: (r) => r.agency_name,
    state: (r) => String(order.indexOf(r.state)).padStart(2, "0") + r.agency_name,
    updated: (r) => String(10e10 - (r.updated ?? 0)).padStart(12, "0"),
    refusals: (r) => String(1000 - (r.summary?.refusals.length ?? 0)).padStart(4, "0") + r.agency_name,
  }[sort] ?? ((r) => r.agency_name);
  rows.sort((a, b) => key(a).localeCompare(key(b), "zh-CN"));
  const body = $("#board tbody");
  body.replaceChildren();
  for (const r of rows) {
    const tr = document.createElement("tr");
    tr.dataset.state = r.state;
    let name = r.agency_name;
    if (r.report) { const a = document.createElement("a"); a.href = `/review/${r.report}`; a.textContent = r.agency_name; name = a; }
    cell(tr, name);
    cell(tr, r.region_name);
    cell(tr, r.state_title);
    const s = r.summary;
    const refusals = cell(tr, s ? (s.unreadable ? "读不了" : String(s.refusals.length)) : "");
    if (s) refusals.title = s.unreadable ?? s.refusals.join("\n");
    cell(tr, s ? String(s.notes) : "");
    const carried = cell(tr, s && r.has_last_year ? (s.carried.length ? `${s.carried.length} 处不符` : "相符") : r.report ? "无上年报告" : "");
    if (s) carried.title = s.carried.join("\n");
    cell(tr, s && r.has_last_year ? `${s.repeated_overview ?? 0}% / ${s.repeated_problems ?? 0}%` : "");
    cell(tr, r.updated ? `${when(r.updated)} ${r.author ?? ""}` : "");
    body.append(tr);
  }
}

async function uploadPast(e) {
  e.preventDefault();
  const list = $("#past-result");
  list.replaceChildren();
  for (const file of e.target.file.files) {
    try {
      const q = `region=${encodeURIComponent(board.region)}&year=${encodeURIComponent(board.year)}&file=${encodeURIComponent(file.name)}`;
      const result = await api("POST", "/api/office/past?" + q, new Blob([await file.arrayBuffer()]));
      for (const m of result.matched) { const li = document.createElement("li"); li.textContent = `${m.file} → ${m.agency} ${m.year} 年${m.stored ? "" : "（已有，未改动）"}`; list.append(li); }
      for (const u of result.unmatched) { const li = document.createElement("li"); li.className = "refused"; li.textContent = `${u.file}：${u.agency ? u.agency + "，" : ""}${u.error}`; list.append(li); }
    } catch (err) { const li = document.createElement("li"); li.className = "refused"; li.textContent = `${file.name}：${err.message}`; list.append(li); }
  }
  await loadBoard();
}

// ---------------------------------------------------------------- setup

async function adminPage() {
  setup.me = (await bar()).login;
  $("#region-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      await api("POST", "/api/office/regions", { parent: f.get("parent") ? Number(f.get("parent")) : null, name: f.get("name") });
      e.target.reset(); status("已添加地区"); await loadSetup();
    } catch (err) { status(err.message); }
  });
  $("#roster-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      const r = await api("POST", `/api/office/regions/${f.get("region")}/roster`, new Blob([await e.target.file.files[0].arrayBuffer()]));
      status(`名单已导入：新增 ${r.added.length} 个机关，已有 ${r.had} 个`); await loadSetup();
    } catch (err) { status(err.message); }
  });
  $("#account-form select[name=role]").addEventListener("change", places);
  $("#account-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      const made = await api("POST", "/api/office/accounts", { login: f.get("login"), name: f.get("name"), role: f.get("role"), place: f.get("place") ? Number(f.get("place")) : null });
      $("#invitation").textContent = made.invitation;
      e.target.reset(); status("已添加账号；请把邀请链接发给本人"); await loadSetup();
    } catch (err) { status(err.message); }
  });
  await loadSetup();
}

const setup = { regions: [], agencies: [], me: null };

async function loadSetup() {
  setup.regions = await api("GET", "/api/office/regions");
  setup.agencies = [];
  const list = $("#regions");
  list.replaceChildren();
  const parent = $("#region-form select[name=parent]");
  parent.replaceChildren(new Option("（无，最上级）", ""));
  const rosterRegion = $("#roster-form select[name=region]");
  rosterRegion.replaceChildren();
  const name = (id) => setup.regions.find((r) => r.id === id)?.name ?? "";
  for (const r of setup.regions) {
    const li = document.createElement("li");
    li.textContent = r.parent ? `${r.name}（属 ${name(r.parent)}）` : r.name;
    list.append(li);
    parent.append(new Option(r.name, r.id));
    rosterRegion.append(new Option(r.name, r.id));
  }
  const agencies = $("#agencies");
  agencies.replaceChildren();
  for (const r of setup.regions.filter((r) => !r.parent)) {
    for (const a of await api("GET", `/api/office/regions/${r.id}/agencies`)) {
      setup.agencies.push(a);
      const li = document.createElement("li");
      li.textContent = `${a.name}（${name(a.region)}）`;
      agencies.append(li);
    }
  }
  const body = $("#accounts tbody");
  body.replaceChildren();
  for (const a of await api("GET", "/api/office/accounts")) {
    const tr = document.createElement("tr");
    cell(tr, a.account.login); cell(tr, a.account.name); cell(tr, a.role_title);
    cell(tr, a.stopped ? "已停用" : a.active ? "是" : "否（邀请未用）");
    const actions = cell(tr, "");
    if (a.account.login !== setup.me) {
      const steps = [[a.stopped ? "start" : "stop", a.stopped ? "启用" : "停用"], ["invite", "重新邀请"]];
      for (const [step, title] of steps) {
        const b = document.createElement("button");
        b.type = "button"; b.textContent = title; b.dataset.step = step; b.dataset.login = a.account.login;
        b.addEventListener("click", async () => {
          try {
            const done = await api("POST", `/api/office/accounts/${a.account.id}/${step}`);
            if (done.invitation) $("#invitation").textContent = done.invitation;
            status(step === "invite" ? `已为 ${a.account.name} 生成新的邀请链接，原密码不再有效` : `已${title} ${a.account.name}`);
            await loadSetup();
          } catch (err) { status(err.message); }
        });
        actions.append(b, " ");
      }
    }
    body.append(tr);
  }
  places();
}

function places() {
  const role = $("#account-form select[name=role]").value;
  const select = $("#account-form select[name=place]");
  select.replaceChildren();
  if (role === "writer") for (const a of setup.agencies) select.append(new Option(a.name, a.id));
  if (role === "reviewer") for (const r of setup.regions) select.append(new Option(r.name, r.id));
  select.disabled = role === "admin";
}

document.addEventListener("DOMContentLoaded", () => {
  // Signing out works whatever else on the page failed.
  $("#office-logout")?.addEventListener("click", async () => { await api("POST", "/api/office/logout"); location.href = "/login"; });
  const page = { login: loginPage, invite: invitePage, board: boardPage, admin: adminPage }[document.body.dataset.page];
  Promise.resolve(page?.()).catch((e) => status(e.message));
});
